use std::time::Duration;

use super::connection::{self as conn, parse_env, Removal, Said};
use super::Ctx;
use crate::cli::{DataSourceCommand, DsAddArgs, DsListArgs, DsTestArgs};
use crate::domain::policy::Action;
use crate::domain::probe;
use crate::domain::resources::{self as res, Filter};
use crate::domain::types;
use crate::model::error::Error;
use crate::model::resources::{AsSource, DataSource};
use crate::model::{ObjectName, WorkspaceName};
use crate::output::View;
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

pub fn run(ctx: &mut Ctx, cmd: DataSourceCommand) -> anyhow::Result<()> {
    match cmd {
        DataSourceCommand::Add(a) => add(ctx, a),
        DataSourceCommand::List(a) => list(ctx, a),
        DataSourceCommand::Show(r) => conn::show::<AsSource>(ctx, &r.at),
        DataSourceCommand::Update(a) => conn::update::<AsSource>(ctx, a),
        DataSourceCommand::Remove(a) => conn::remove::<AsSource>(
            ctx,
            Removal {
                at: &a.at,
                keep_datasource: false,
                if_exists: a.if_exists,
                dry_run: a.dry_run,
            },
        ),
        DataSourceCommand::Test(a) => test(ctx, a),
        DataSourceCommand::Types => {
            ctx.printer.list(&types::catalog_view())?;
            Ok(())
        }
    }
}

impl View for types::TypeView {
    const FIELDS: &'static [&'static str] = &[
        "type",
        "compute",
        "summary",
        "modes",
        "usual_port",
        "secret_keys",
    ];
    const COLUMNS: &'static [&'static str] =
        &["type", "compute", "modes", "usual_port", "secret_keys"];
}

fn add(ctx: &mut Ctx, a: DsAddArgs) -> anyhow::Result<()> {
    let ws = WorkspaceName::parse(&a.workspace)?;
    let name = ObjectName::parse(&a.name, "data source")?;
    let type_key = match &a.type_key {
        Some(t) => t.clone(),
        None => prompt::select_type(&ctx.settings)?,
    };
    let spec = types::resolve_type(&type_key)?;
    conn::add::<AsSource>(ctx, &ws, name, spec, &a.object)
}

fn list(ctx: &mut Ctx, a: DsListArgs) -> anyhow::Result<()> {
    let f = Filter {
        env: parse_env(a.env.as_deref())?,
        type_key: a
            .type_key
            .as_deref()
            .map(|t| types::resolve_type(t).map(|s| s.key.to_string()))
            .transpose()?,
        name_contains: a.name.clone(),
    };
    conn::list::<AsSource>(ctx, &a.workspace, &f)
}

/// Three steps, so that no transaction is open while connecting: authorise and read the
/// properties; connect; store the result with its audit event.
fn test(ctx: &mut Ctx, a: DsTestArgs) -> anyhow::Result<()> {
    let (ws, env) = conn::located::<AsSource>(&a.at)?;
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
        .write(false, |s| res::test_target(s, &ws, &a.at.name, env))?
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
