//! `compute`: what differs from `datasource` (its sentences, `set-default`); the rest is
//! `connection`'s.

use super::connection::{self as conn, NewConnection, Removal, Said};
pub use super::connection::{ObjectInput, ObjectUpdate};
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

/// What `compute attach` takes.
pub type Attach = NewConnection;

/// `compute list`, of one environment or both.
pub fn list(ctx: &mut Ctx, ws: &WorkspaceName, env: Option<Env>) -> anyhow::Result<()> {
    let f = Filter {
        env,
        ..Filter::default()
    };
    conn::list::<AsCompute>(ctx, ws, &f)
}

/// `compute show`.
pub fn show(
    ctx: &mut Ctx,
    ws: &WorkspaceName,
    name: &ObjectName,
    env: Option<Env>,
) -> anyhow::Result<()> {
    conn::show::<AsCompute>(ctx, ws, name, env)
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

pub fn attach(ctx: &mut Ctx, a: Attach) -> anyhow::Result<()> {
    conn::add::<AsCompute>(ctx, a)
}

pub fn update(ctx: &mut Ctx, a: ObjectUpdate) -> anyhow::Result<()> {
    conn::update::<AsCompute>(ctx, a)
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
    conn::remove::<AsCompute>(
        ctx,
        Removal {
            workspace: ws,
            name,
            env,
            keep_datasource: keep,
            if_exists,
            dry_run,
        },
    )
}
