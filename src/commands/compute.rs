//! `compute`: what differs from `datasource` (its sentences, `set-default`); the rest is
//! `connection`'s.

use super::connection::{self as conn, Said};
use super::Ctx;
use crate::domain::policy::Action;
use crate::domain::resources::{self as res, Filter};
use crate::model::resources::{AsCompute, Compute};
use crate::model::{Env, ObjectName, WorkspaceName};

impl Said for AsCompute {
    const CAPITAL: &'static str = "Compute resource";
    const REMOVING: (&'static str, &'static str) = ("Detach", "Detached");
    fn added(c: &Compute, ws: &WorkspaceName) -> String {
        format!(
            "Attached {} compute resource {} to {ws} ({}), with its data source",
            c.type_key, c.name, c.env
        )
    }
    fn removing_also(keep_datasource: bool) -> &'static str {
        if keep_datasource {
            " (its data source stays)"
        } else {
            " and its data source"
        }
    }
}

/// `compute list`, of one environment or both.
pub fn list(ctx: &mut Ctx, ws: &WorkspaceName, env: Option<Env>) -> anyhow::Result<()> {
    let f = Filter {
        env,
        ..Filter::default()
    };
    conn::list::<AsCompute>(ctx, ws, &f)
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
    ctx.print_mutation(Action::ComputeSetDefault.name(), dry_run, done, &msg)
}
