use super::{if_exists as excused, props, Ctx};
use crate::domain::resources::{self as res, NewObject, PropChange};
use crate::model::resources::Compute;
use crate::model::types::{self, ConnMode};
use crate::model::{named, Env, ObjectName, Warning, WorkspaceName};
use crate::prompt;

/// `compute list`, of one environment or both.
pub fn list(ctx: &mut Ctx, ws: &WorkspaceName, env: Option<Env>) -> anyhow::Result<()> {
    let list = ctx.read(|s| res::list_compute(s, ws, env))?;
    ctx.printer.list(&list)?;
    Ok(())
}

/// `compute show`.
pub fn show(
    ctx: &mut Ctx,
    ws: &WorkspaceName,
    name: &ObjectName,
    env: Option<Env>,
) -> anyhow::Result<()> {
    let c = ctx.read(|s| res::show_compute(s, ws, name.as_str(), env))?;
    ctx.printer.object(&c)?;
    Ok(())
}

/// `compute set-default`.
pub fn set_default(
    ctx: &mut Ctx,
    ws: &WorkspaceName,
    name: &ObjectName,
    env: Option<Env>,
    dry_run: bool,
) -> anyhow::Result<()> {
    let done = ctx.write(dry_run, |s| res::set_default(s, ws, name.as_str(), env))?;
    let msg = format!(
        "{} is now the default {} compute resource in {ws} ({}).",
        done.value.value.name, done.value.value.type_key, done.value.value.env
    );
    ctx.print_mutation("compute.set-default", dry_run, done, &msg)
}

/// Environment, mode, properties and description of a new compute resource or data
/// source (`--prop`, `--props FILE`: read, or asked for, by `new_object`).
pub struct ObjectInput {
    pub env: Option<Env>,
    pub mode: Option<ConnMode>,
    pub props: Vec<String>,
    pub props_file: Option<String>,
    pub description: Option<String>,
}

/// What `compute update` and `datasource update` take.
pub struct ObjectUpdate {
    pub workspace: WorkspaceName,
    pub name: ObjectName,
    pub env: Option<Env>,
    pub props: Vec<String>,
    pub unprops: Vec<String>,
    pub props_file: Option<String>,
    pub description: Option<String>,
    pub dry_run: bool,
}

/// What `compute attach` takes.
pub struct Attach {
    pub workspace: WorkspaceName,
    pub name: ObjectName,
    pub spec: &'static types::TypeSpec,
    pub object: ObjectInput,
    pub if_not_exists: bool,
    pub dry_run: bool,
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
    let env = object.env.unwrap_or(Env::Prod);
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
        mode: object.mode,
        properties,
        description: res::parse_description(object.description.as_deref().unwrap_or(""))?,
    };
    Ok((req, input.warnings))
}

pub fn attach(ctx: &mut Ctx, a: Attach) -> anyhow::Result<()> {
    let ws = a.workspace;
    let (req, warnings) = new_object(ctx, a.name, a.spec, &a.object)?;
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
    a: &ObjectUpdate,
    env: Option<Env>,
) -> anyhow::Result<(PropChange, Vec<crate::model::Warning>)> {
    let asking = props::Asking {
        settings: &ctx.settings,
        object: match env {
            Some(e) => format!("{} ({e})", named(a.name.as_str())),
            None => named(a.name.as_str()),
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

pub fn update(ctx: &mut Ctx, a: ObjectUpdate) -> anyhow::Result<()> {
    let ws = &a.workspace;
    let env = a.env;
    let (change, warnings) = prop_change(ctx, &a, env)?;
    let description = a
        .description
        .as_deref()
        .map(res::parse_description)
        .transpose()?;
    let mut done = ctx.write(a.dry_run, |s| {
        res::update_compute(s, ws, a.name.as_str(), env, &change, description.clone())
    })?;
    done.warnings.splice(0..0, warnings);
    let msg = format!(
        "Updated compute resource {} in {ws} ({}).",
        done.value.value.name, done.value.value.env
    );
    ctx.print_mutation("compute.update", a.dry_run, done, &msg)
}

/// `compute detach`; its data source too unless `keep`.
pub fn detach(
    ctx: &mut Ctx,
    ws: &WorkspaceName,
    name: &ObjectName,
    env: Option<Env>,
    keep: bool,
    if_exists: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    let r = ctx.confirmed_write(
        dry_run,
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
        |s| res::detach(s, ws, name.as_str(), env, keep),
    );
    match excused(if_exists, r)? {
        Some(done) => {
            let msg = format!(
                "Detached compute resource {} from {ws} ({}).",
                done.value.value.name, done.value.value.env
            );
            ctx.print_mutation("compute.detach", dry_run, done, &msg)
        }
        None => {
            ctx.printer.mutation(
                "compute.detach",
                false,
                dry_run,
                &serde_json::Value::Null,
                &[],
                &format!("Compute resource {name} does not exist in {ws}."),
            )?;
            Ok(())
        }
    }
}
