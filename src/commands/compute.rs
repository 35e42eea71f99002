use super::{if_exists, props, Ctx};
use crate::cli::{
    ComputeAttachArgs, ComputeCommand, ComputeDetachArgs, ObjectInput, ObjectUpdateArgs,
};
use crate::domain::resources::{self as res, NewObject, PropChange};
use crate::model::resources::Compute;
use crate::model::types::{self, resolve_compute_type, ConnMode};
use crate::model::{named, Env, ObjectName, Warning, WorkspaceName};
use crate::prompt;

pub fn parse_env(e: Option<&str>) -> Result<Option<Env>, crate::model::error::Error> {
    e.map(Env::parse).transpose()
}

pub fn run(ctx: &mut Ctx, cmd: ComputeCommand) -> anyhow::Result<()> {
    match cmd {
        ComputeCommand::Attach(a) => attach(ctx, a),
        ComputeCommand::List(a) => {
            let ws = WorkspaceName::parse(&a.workspace)?;
            let env = parse_env(a.env.as_deref())?;
            let list = ctx.read(|s| res::list_compute(s, &ws, env))?;
            ctx.printer.list(&list)?;
            Ok(())
        }
        ComputeCommand::Show(r) => {
            let ws = WorkspaceName::parse(&r.workspace)?;
            ObjectName::parse(&r.name, "compute resource")?;
            let env = parse_env(r.env.as_deref())?;
            let c = ctx.read(|s| res::show_compute(s, &ws, &r.name, env))?;
            ctx.printer.object(&c)?;
            Ok(())
        }
        ComputeCommand::Update(a) => update(ctx, a),
        ComputeCommand::Detach(a) => detach(ctx, a),
        ComputeCommand::SetDefault(a) => {
            let ws = WorkspaceName::parse(&a.workspace)?;
            ObjectName::parse(&a.name, "compute resource")?;
            let env = parse_env(a.env.as_deref())?;
            let done = ctx.write(a.dry_run, |s| res::set_default(s, &ws, &a.name, env))?;
            let msg = format!(
                "{} is now the default {} compute resource in {ws} ({}).",
                done.value.value.name, done.value.value.type_key, done.value.value.env
            );
            ctx.print_mutation("compute.set-default", a.dry_run, done, &msg)
        }
    }
}

/// What `compute attach` and `datasource add` take alike: env, mode, properties (`--props`
/// and `--prop`, read or asked for) and description, as a new object; and the warnings
/// reading the properties gave.
pub fn new_object(
    ctx: &Ctx,
    name: ObjectName,
    spec: &'static types::TypeSpec,
    object: &ObjectInput,
) -> anyhow::Result<(NewObject, Vec<Warning>)> {
    let env = parse_env(object.env.as_deref())?.unwrap_or(Env::Prod);
    let asking = props::Asking {
        settings: &ctx.settings,
        object: format!("{name} ({env})"),
    };
    let input = props::read(&object.props, object.props_file.as_deref(), &[], &asking)?;
    let mut properties = input.file.unwrap_or_default();
    properties.extend(input.set);
    let req = NewObject {
        name,
        spec,
        env,
        mode: object.mode.as_deref().map(ConnMode::parse).transpose()?,
        properties,
        description: res::parse_description(object.description.as_deref().unwrap_or(""))?,
    };
    Ok((req, input.warnings))
}

fn attach(ctx: &mut Ctx, a: ComputeAttachArgs) -> anyhow::Result<()> {
    let ws = WorkspaceName::parse(&a.workspace)?;
    let spec = resolve_compute_type(&a.type_key)?;
    let name = ObjectName::parse(&a.name, "compute resource")?;
    let (req, warnings) = new_object(ctx, name, spec, &a.object)?;
    let mut done = ctx.write(a.dry_run, |s| res::attach(s, &ws, req, a.if_not_exists))?;
    done.warnings.splice(0..0, warnings);
    let msg = if done.value.changed {
        format!(
            "Attached {} compute resource {} to {ws} ({}), with its data source.",
            done.value.value.type_key, done.value.value.name, done.value.value.env
        )
    } else {
        format!(
            "Compute resource {} already exists in {ws} ({}).",
            done.value.value.name, done.value.value.env
        )
    };
    ctx.print_mutation("compute.attach", a.dry_run, done, &msg)
}

pub fn prop_change(
    ctx: &Ctx,
    a: &ObjectUpdateArgs,
    env: Option<Env>,
) -> anyhow::Result<(PropChange, Vec<crate::model::Warning>)> {
    let asking = props::Asking {
        settings: &ctx.settings,
        object: match env {
            Some(e) => format!("{} ({e})", named(&a.name)),
            None => named(&a.name),
        },
    };
    let input = props::read(&a.props, a.props_file.as_deref(), &a.unprops, &asking)?;
    Ok((
        PropChange {
            replace: input.file,
            set: input.set,
            unset: a.unprops.clone(),
        },
        input.warnings,
    ))
}

fn update(ctx: &mut Ctx, a: ObjectUpdateArgs) -> anyhow::Result<()> {
    let ws = WorkspaceName::parse(&a.workspace)?;
    ObjectName::parse(&a.name, "compute resource")?;
    let env = parse_env(a.env.as_deref())?;
    let (change, warnings) = prop_change(ctx, &a, env)?;
    let description = a
        .description
        .as_deref()
        .map(res::parse_description)
        .transpose()?;
    let mut done = ctx.write(a.dry_run, |s| {
        res::update_compute(s, &ws, &a.name, env, &change, description.clone())
    })?;
    done.warnings.splice(0..0, warnings);
    let msg = format!(
        "Updated compute resource {} in {ws} ({}).",
        done.value.value.name, done.value.value.env
    );
    ctx.print_mutation("compute.update", a.dry_run, done, &msg)
}

fn detach(ctx: &mut Ctx, a: ComputeDetachArgs) -> anyhow::Result<()> {
    let ws = WorkspaceName::parse(&a.workspace)?;
    ObjectName::parse(&a.name, "compute resource")?;
    let env = parse_env(a.env.as_deref())?;
    let keep = a.keep_datasource;
    let r = ctx.confirmed_write(
        a.dry_run,
        |settings, c: &Compute| {
            let what = if keep {
                "(its data source stays)"
            } else {
                "and its data source"
            };
            prompt::confirm(
                settings,
                &format!(
                    "Detach compute resource {} ({}) {what} from {}?",
                    c.name, c.env, c.workspace
                ),
            )
        },
        |s| res::detach(s, &ws, &a.name, env, keep),
    );
    match if_exists(a.if_exists, r)? {
        Some(done) => {
            let msg = format!(
                "Detached compute resource {} from {ws} ({}).",
                done.value.value.name, done.value.value.env
            );
            ctx.print_mutation("compute.detach", a.dry_run, done, &msg)
        }
        None => {
            ctx.printer.mutation(
                "compute.detach",
                false,
                a.dry_run,
                &serde_json::Value::Null,
                &[],
                &format!("Compute resource {} does not exist in {ws}.", a.name),
            )?;
            Ok(())
        }
    }
}
