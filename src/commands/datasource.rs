use std::time::Duration;

use super::connection::{self as conn, NewConnection, Said};
use super::Ctx;
use crate::domain::policy::Action;
use crate::domain::probe;
use crate::domain::resources::{self as res, Filter};
use crate::domain::share;
use crate::model::error::Error;
use crate::model::resources::{AsSource, DataSource};
use crate::model::types::{resolve_type, TypeSpec};
use crate::model::{Env, ObjectName, WorkspaceName};
use crate::output::type_catalog::catalog_view;
use crate::prompt;

impl Said for AsSource {
    const CAPITAL: &'static str = "Data source";
    const REMOVING: (&'static str, &'static str) = ("Remove", "Removed");
    fn added(d: &DataSource, ws: &WorkspaceName) -> String {
        format!(
            "Added {} data source {} to {ws} ({})",
            d.type_key, d.name, d.env
        )
    }
}

/// `datasource types`.
pub fn types(ctx: &mut Ctx) -> anyhow::Result<()> {
    ctx.printer.list(&catalog_view())?;
    Ok(())
}

/// `datasource add`; with no type, a terminal asks for it.
pub fn add(ctx: &mut Ctx, a: NewConnection<Option<&'static TypeSpec>>) -> anyhow::Result<()> {
    let spec = match a.spec {
        Some(t) => t,
        None => resolve_type(&prompt::select_type(&ctx.settings)?)?,
    };
    conn::add::<AsSource>(ctx, a.with_spec(spec))
}

/// `datasource list`, filtered by environment, type and a part of the name.
pub fn list(
    ctx: &mut Ctx,
    ws: &WorkspaceName,
    env: Option<Env>,
    spec: Option<&'static TypeSpec>,
    name_contains: Option<String>,
) -> anyhow::Result<()> {
    let f = Filter {
        env,
        type_key: spec.map(|s| s.key.to_string()),
        name_contains,
    };
    conn::list::<AsSource>(ctx, ws, &f)
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
    ctx.print_mutation(Action::DatasourceTest.name(), false, done, &msg)?;
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

/// What `datasource share` and `unshare` name: the data source and the target.
pub struct ShareRef<'a> {
    pub workspace: &'a WorkspaceName,
    pub name: &'a ObjectName,
    pub env: Option<Env>,
    pub to: &'a WorkspaceName,
}

/// `datasource share`.
pub fn share(
    ctx: &mut Ctx,
    r: ShareRef,
    user: Option<&str>,
    if_not_exists: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    let done = ctx.write(dry_run, |s| {
        share::share(
            s,
            r.workspace,
            r.name.as_str(),
            r.env,
            r.to,
            user,
            if_not_exists,
        )
    })?;
    let r = &done.value.value;
    let with = r
        .user
        .as_ref()
        .map_or(String::new(), |u| format!(" (for {u} only)"));
    let msg = if done.value.changed {
        format!(
            "Shared data source {} ({}) of {} into {}{with}.",
            r.datasource, r.env, r.workspace, r.to
        )
    } else {
        format!(
            "Data source {} ({}) of {} is already shared into {}.",
            r.datasource, r.env, r.workspace, r.to
        )
    };
    ctx.print_mutation(Action::DatasourceShare.name(), dry_run, done, &msg)
}

/// `datasource unshare`.
pub fn unshare(ctx: &mut Ctx, r: ShareRef, if_exists: bool, dry_run: bool) -> anyhow::Result<()> {
    let done = ctx.write(dry_run, |s| {
        share::unshare(s, r.workspace, r.name.as_str(), r.env, r.to)
    });
    ctx.print_removal(
        Action::DatasourceUnshare.name(),
        dry_run,
        if_exists,
        done,
        |x| {
            format!(
                "Stopped sharing data source {} ({}) of {} into {}.",
                x.datasource, x.env, x.workspace, x.to
            )
        },
        &format!(
            "Data source {} of {} is not shared into {}.",
            r.name, r.workspace, r.to
        ),
    )
}

/// `datasource shares`.
pub fn shares(
    ctx: &mut Ctx,
    ws: Option<&WorkspaceName>,
    name: Option<&ObjectName>,
    env: Option<Env>,
    to: Option<&WorkspaceName>,
) -> anyhow::Result<()> {
    let rules = ctx.read(|s| share::list(s, ws, name.map(|n| n.as_str()), env, to))?;
    ctx.printer.list(&rules)?;
    Ok(())
}
