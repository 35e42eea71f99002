use super::Ctx;
use crate::cli::{AuditCommand, AuditListArgs};
use crate::domain::audit;
use crate::domain::session;
use crate::domain::store::AuditFilter;
use crate::model::audit::{Anchor, AuditEvent};
use crate::model::clock::Timestamp;
use crate::model::error::Error;

pub fn run(ctx: &mut Ctx, cmd: AuditCommand) -> anyhow::Result<()> {
    match cmd {
        AuditCommand::List(a) => list(ctx, a),
        AuditCommand::Verify(a) => {
            let expect = a
                .expect
                .iter()
                .map(|s| Anchor::parse(s))
                .collect::<Result<Vec<_>, _>>()?;
            let v = ctx.read(|s| audit::verify(s, &expect))?;
            ctx.printer.object(&v)?;
            if !v.ok {
                let mut e = Error::negative(format!("the audit chain is broken: {}", v.message));
                if let Some(h) = &v.hint {
                    e = e.with_hint(h.clone());
                }
                return Err(e.into());
            }
            ctx.printer.status(&v.message);
            Ok(())
        }
        AuditCommand::Head => {
            let head = ctx.read(audit::head)?;
            ctx.printer.anchor(&head)?;
            Ok(())
        }
    }
}

fn list(ctx: &mut Ctx, a: AuditListArgs) -> anyhow::Result<()> {
    // A filter that could never match is a mistake, not an empty answer.
    if let Some(w) = &a.workspace {
        crate::model::WorkspaceName::parse(w)?;
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
