use std::time::Duration;

use super::compute::{new_object, parse_env, prop_change};
use super::{if_exists, Ctx};
use crate::cli::{
    DataSourceCommand, DsAddArgs, DsListArgs, DsRemoveArgs, DsTestArgs, ObjectUpdateArgs,
};
use crate::domain::probe;
use crate::domain::resources::{self as res, DataSourceFilter};
use crate::model::error::Error;
use crate::model::resources::DataSource;
use crate::model::types::resolve_type;
use crate::model::{ObjectName, WorkspaceName};
use crate::output::type_catalog::catalog_view;
use crate::prompt;

pub fn run(ctx: &mut Ctx, cmd: DataSourceCommand) -> anyhow::Result<()> {
    match cmd {
        DataSourceCommand::Add(a) => add(ctx, a),
        DataSourceCommand::List(a) => list(ctx, a),
        DataSourceCommand::Show(r) => {
            let ws = WorkspaceName::parse(&r.workspace)?;
            ObjectName::parse(&r.name, "data source")?;
            let env = parse_env(r.env.as_deref())?;
            let d = ctx.read(|s| res::show_datasource(s, &ws, &r.name, env))?;
            ctx.printer.object(&d)?;
            Ok(())
        }
        DataSourceCommand::Update(a) => update(ctx, a),
        DataSourceCommand::Remove(a) => remove(ctx, a),
        DataSourceCommand::Test(a) => test(ctx, a),
        DataSourceCommand::Types => {
            ctx.printer.list(&catalog_view())?;
            Ok(())
        }
    }
}

fn add(ctx: &mut Ctx, a: DsAddArgs) -> anyhow::Result<()> {
    let ws = WorkspaceName::parse(&a.workspace)?;
    let name = ObjectName::parse(&a.name, "data source")?;
    let type_key = match &a.type_key {
        Some(t) => t.clone(),
        None => prompt::select_type(&ctx.settings)?,
    };
    let spec = resolve_type(&type_key)?;
    let (req, warnings) = new_object(ctx, name, spec, &a.object)?;
    let mut done = ctx.write(a.dry_run, |s| res::add(s, &ws, req, a.if_not_exists))?;
    done.warnings.splice(0..0, warnings);
    let msg = if done.value.changed {
        format!(
            "Added {} data source {} to {ws} ({}).",
            done.value.value.type_key, done.value.value.name, done.value.value.env
        )
    } else {
        format!(
            "Data source {} already exists in {ws} ({}).",
            done.value.value.name, done.value.value.env
        )
    };
    ctx.print_mutation("datasource.add", a.dry_run, done, &msg)
}

fn list(ctx: &mut Ctx, a: DsListArgs) -> anyhow::Result<()> {
    let ws = WorkspaceName::parse(&a.workspace)?;
    let f = DataSourceFilter {
        env: parse_env(a.env.as_deref())?,
        type_key: a
            .type_key
            .as_deref()
            .map(|t| resolve_type(t).map(|s| s.key.to_string()))
            .transpose()?,
        name_contains: a.name.clone(),
    };
    let list = ctx.read(|s| res::list_datasources(s, &ws, &f))?;
    ctx.printer.list(&list)?;
    Ok(())
}

fn update(ctx: &mut Ctx, a: ObjectUpdateArgs) -> anyhow::Result<()> {
    let ws = WorkspaceName::parse(&a.workspace)?;
    ObjectName::parse(&a.name, "data source")?;
    let env = parse_env(a.env.as_deref())?;
    let (change, warnings) = prop_change(ctx, &a, env)?;
    let description = a
        .description
        .as_deref()
        .map(res::parse_description)
        .transpose()?;
    let mut done = ctx.write(a.dry_run, |s| {
        res::update_datasource(s, &ws, &a.name, env, &change, description.clone())
    })?;
    done.warnings.splice(0..0, warnings);
    let msg = format!(
        "Updated data source {} in {ws} ({}).",
        done.value.value.name, done.value.value.env
    );
    ctx.print_mutation("datasource.update", a.dry_run, done, &msg)
}

fn remove(ctx: &mut Ctx, a: DsRemoveArgs) -> anyhow::Result<()> {
    let ws = WorkspaceName::parse(&a.workspace)?;
    ObjectName::parse(&a.name, "data source")?;
    let env = parse_env(a.env.as_deref())?;
    let r = ctx.confirmed_write(
        a.dry_run,
        |settings, d: &DataSource| {
            prompt::confirm(
                settings,
                &format!(
                    "Remove data source {} ({}) from {}?",
                    d.name, d.env, d.workspace
                ),
            )
        },
        |s| res::remove(s, &ws, &a.name, env),
    );
    match if_exists(a.if_exists, r)? {
        Some(done) => {
            let msg = format!(
                "Removed data source {} from {ws} ({}).",
                done.value.value.name, done.value.value.env
            );
            ctx.print_mutation("datasource.remove", a.dry_run, done, &msg)
        }
        None => {
            ctx.printer.mutation(
                "datasource.remove",
                false,
                a.dry_run,
                &serde_json::Value::Null,
                &[],
                &format!("Data source {} does not exist in {ws}.", a.name),
            )?;
            Ok(())
        }
    }
}

/// Three steps, so that no transaction is open while connecting: authorise and read the
/// properties; connect; store the result with its audit event.
fn test(ctx: &mut Ctx, a: DsTestArgs) -> anyhow::Result<()> {
    let ws = WorkspaceName::parse(&a.workspace)?;
    ObjectName::parse(&a.name, "data source")?;
    let env = parse_env(a.env.as_deref())?;
    let timeout = match a.timeout {
        None => probe::DEFAULT_TIMEOUT,
        Some(t) if t > 0.0 && t <= 600.0 => Duration::from_secs_f64(t),
        Some(t) => {
            return Err(Error::invalid(format!("invalid timeout {t}"))
                .with_hint("--timeout takes 0 < SECS <= 600")
                .into())
        }
    };
    let target = ctx
        .write(false, |s| res::test_target(s, &ws, &a.name, env))?
        .value;
    let result = probe::probe(target.spec, target.mode, &target.properties, timeout);
    let done = ctx.write(false, |s| {
        res::store_test(s, &ws, &target.name, target.env, &result)
    })?;
    let negative = result.state.is_negative();
    let msg = format!(
        "{} ({}) in {ws}: {}: {}",
        target.name,
        target.env,
        result.state.as_str(),
        result.message
    );
    ctx.print_mutation("datasource.test", false, done, &msg)?;
    if negative {
        return Err(Error::negative(format!(
            "{} ({}) is {}: {}",
            target.name,
            target.env,
            result.state.as_str(),
            result.message
        ))
        .with_hint(match result.state {
            crate::model::resources::ProbeState::ConfigError => format!(
                "fix its properties: dwctl datasource update {ws} {} --env {}",
                target.name, target.env
            ),
            _ => {
                "check the address and port, and that it is reachable from this machine".to_string()
            }
        })
        .into());
    }
    Ok(())
}
