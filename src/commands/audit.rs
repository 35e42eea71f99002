use super::Ctx;
use crate::catalog::AuditFilter;
use crate::cli::{AuditCommand, AuditListArgs};
use crate::domain::audit::{self, AuditEvent};
use crate::domain::clock::Timestamp;
use crate::domain::error::Error;
use crate::domain::session;

pub fn run(ctx: &mut Ctx, cmd: AuditCommand) -> anyhow::Result<()> {
    match cmd {
        AuditCommand::List(a) => list(ctx, a),
        AuditCommand::Verify => {
            let v = ctx.read(audit::verify)?;
            ctx.printer.object(&v)?;
            if !v.ok {
                return Err(Error::negative(format!("the audit chain is broken: {}", v.message))
                    .with_hint("restore the catalog from a backup; events before the broken one are intact")
                    .into());
            }
            ctx.printer.status(&v.message);
            Ok(())
        }
    }
}

fn list(ctx: &mut Ctx, a: AuditListArgs) -> anyhow::Result<()> {
    // A filter that could never match is a mistake, not an empty answer.
    if let Some(w) = &a.workspace {
        crate::domain::model::WorkspaceName::parse(w)?;
    }
    if let Some(p) = &a.actor {
        crate::domain::principal::parse_principal_ref(p)?;
    }
    let filter = AuditFilter {
        workspace: a.workspace.clone(),
        actor: a.actor.clone(),
        action: a.action.clone(),
        since: a.since.as_deref().map(Timestamp::parse).transpose()?,
        until: a.until.as_deref().map(Timestamp::parse).transpose()?,
        visible_workspaces: None,
        limit: Some(a.limit.unwrap_or(100)),
    };
    let mut cat = ctx.catalog()?;
    let req = ctx.request(false);
    let mut w = ctx.printer.list_writer::<AuditEvent>()?;
    let mut io_error = None;
    session::read(&mut cat, &req, |s| {
        audit::list(s, filter, |e| {
            w.row(&e).map_err(|err| {
                io_error = Some(err);
                Error::internal("output failed")
            })
        })
    })
    .map_err(|e| match io_error.take() {
        Some(io) => anyhow::Error::from(io),
        None => e.into(),
    })?;
    w.finish()?;
    Ok(())
}
