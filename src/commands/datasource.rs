use std::time::Duration;

use super::compute::{new_object, prop_change, ObjectInput, ObjectUpdate};
use super::{if_exists as excused, Ctx};
use crate::domain::probe;
use crate::domain::resources::{self as res, DataSourceFilter};
use crate::model::error::Error;
use crate::model::resources::DataSource;
use crate::model::types::{resolve_type, TypeSpec};
use crate::model::{Env, ObjectName, WorkspaceName};
use crate::output::type_catalog::catalog_view;
use crate::prompt;

/// `datasource show`.
pub fn show(
    ctx: &mut Ctx,
    ws: &WorkspaceName,
    name: &ObjectName,
    env: Option<Env>,
) -> anyhow::Result<()> {
    let d = ctx.read(|s| res::show_datasource(s, ws, name.as_str(), env))?;
    ctx.printer.object(&d)?;
    Ok(())
}

/// `datasource types`.
pub fn types(ctx: &mut Ctx) -> anyhow::Result<()> {
    ctx.printer.list(&catalog_view())?;
    Ok(())
}

/// What `datasource add` takes; with no type, a terminal asks for it.
pub struct Add {
    pub workspace: WorkspaceName,
    pub name: ObjectName,
    pub spec: Option<&'static TypeSpec>,
    pub object: ObjectInput,
    pub if_not_exists: bool,
    pub dry_run: bool,
}

pub fn add(ctx: &mut Ctx, a: Add) -> anyhow::Result<()> {
    let ws = a.workspace;
    let spec = match a.spec {
        Some(t) => t,
        None => resolve_type(&prompt::select_type(&ctx.settings)?)?,
    };
    let (req, warnings) = new_object(ctx, a.name, spec, &a.object)?;
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

/// `datasource list`, filtered by environment, type and a part of the name.
pub fn list(
    ctx: &mut Ctx,
    ws: &WorkspaceName,
    env: Option<Env>,
    spec: Option<&'static TypeSpec>,
    name_contains: Option<String>,
) -> anyhow::Result<()> {
    let f = DataSourceFilter {
        env,
        type_key: spec.map(|s| s.key.to_string()),
        name_contains,
    };
    let list = ctx.read(|s| res::list_datasources(s, ws, &f))?;
    ctx.printer.list(&list)?;
    Ok(())
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
        res::update_datasource(s, ws, a.name.as_str(), env, &change, description.clone())
    })?;
    done.warnings.splice(0..0, warnings);
    let msg = format!(
        "Updated data source {} in {ws} ({}).",
        done.value.value.name, done.value.value.env
    );
    ctx.print_mutation("datasource.update", a.dry_run, done, &msg)
}

/// `datasource remove`.
pub fn remove(
    ctx: &mut Ctx,
    ws: &WorkspaceName,
    name: &ObjectName,
    env: Option<Env>,
    if_exists: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    let r = ctx.confirmed_write(
        dry_run,
        |settings, d: &DataSource| {
            prompt::confirm(
                settings,
                &format!(
                    "Remove data source {} ({}) from {}?",
                    d.name, d.env, d.workspace
                ),
            )
        },
        |s| res::remove(s, ws, name.as_str(), env),
    );
    match excused(if_exists, r)? {
        Some(done) => {
            let msg = format!(
                "Removed data source {} from {ws} ({}).",
                done.value.value.name, done.value.value.env
            );
            ctx.print_mutation("datasource.remove", dry_run, done, &msg)
        }
        None => {
            ctx.printer.mutation(
                "datasource.remove",
                false,
                dry_run,
                &serde_json::Value::Null,
                &[],
                &format!("Data source {name} does not exist in {ws}."),
            )?;
            Ok(())
        }
    }
}

/// Three steps, so that no transaction is open while connecting: authorise and read the
/// properties; connect; store the result with its audit event.
pub fn test(
    ctx: &mut Ctx,
    ws: &WorkspaceName,
    name: &ObjectName,
    env: Option<Env>,
    timeout: Option<f64>,
) -> anyhow::Result<()> {
    let timeout = match timeout {
        None => probe::DEFAULT_TIMEOUT,
        Some(t) if t > 0.0 && t <= 600.0 => Duration::from_secs_f64(t),
        Some(t) => {
            return Err(Error::invalid(format!("invalid timeout {t}"))
                .with_hint("--timeout takes 0 < SECS <= 600")
                .into())
        }
    };
    let target = ctx
        .write(false, |s| res::test_target(s, ws, name.as_str(), env))?
        .value;
    let result = probe::probe(target.spec, target.mode, &target.properties, timeout);
    let done = ctx.write(false, |s| {
        res::store_test(s, ws, &target.name, target.env, &result)
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
