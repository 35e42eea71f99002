use std::time::Duration;

use super::connection::{self as conn, NewConnection, Said};
use super::Ctx;
use crate::domain::policy::Action;
use crate::domain::probe;
use crate::domain::resources::{self as res, Filter};
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
