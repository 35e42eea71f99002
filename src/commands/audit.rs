use super::{Ctx, OutputError};
use crate::domain::audit;
use crate::domain::session;
use crate::domain::store::AuditFilter;
use crate::model::audit::{Anchor, AuditEvent};
use crate::model::clock::Timestamp;
use crate::model::error::Error;
use crate::model::WorkspaceName;

/// `audit verify`, also against anchors kept outside the catalog.
pub fn verify(ctx: &mut Ctx, expect: &[Anchor]) -> anyhow::Result<()> {
    let v = ctx.read(|s| audit::verify(s, expect))?;
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

/// `audit head`.
pub fn head(ctx: &mut Ctx) -> anyhow::Result<()> {
    let head = ctx.read(audit::head)?;
    ctx.printer.anchor(&head)?;
    Ok(())
}

/// What `audit list` takes (`actor`: a principal's name or id). A filter that could never
/// match (a malformed name) is a mistake, not an empty answer: the types say it is valid.
pub struct List {
    pub workspace: Option<WorkspaceName>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    pub limit: Option<u64>,
}

pub fn list(ctx: &mut Ctx, a: List) -> anyhow::Result<()> {
    let filter = AuditFilter {
        workspace: a.workspace.map(|w| w.as_str().to_string()),
        actor: a.actor,
        action: a.action,
        since: a.since,
        until: a.until,
        visible_workspaces: None,
        limit: Some(a.limit.unwrap_or(100)),
    };
    let mut cat = ctx.catalog()?;
    let req = ctx.request(false);
    let mut w = ctx.printer.list_writer::<AuditEvent>()?;
    let mut out = OutputError::default();
    session::read(&mut cat, &req, |s| {
        audit::list(s, filter, |e| out.keep(w.row(&e)))
    })
    .map_err(|e| out.or(e))?;
    w.finish()?;
    Ok(())
}
