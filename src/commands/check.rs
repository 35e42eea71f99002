use super::{Ctx, OutputError};
use crate::domain::check::{self, Finding, Severity};
use crate::domain::session;
use crate::model::error::Error;
use crate::model::words;
use crate::model::WorkspaceName;

/// `check` of some workspaces (none: every one the actor can see); with `strict`, a
/// warning is exit 9.
pub fn run(ctx: &mut Ctx, names: &[WorkspaceName], strict: bool) -> anyhow::Result<()> {
    // Findings are printed one workspace at a time as check finds them: JSON, JSON lines
    // and CSV never hold a whole tenant's findings.
    let mut cat = ctx.catalog()?;
    let req = ctx.request(false);
    let printer = &mut ctx.printer;
    let mut out = OutputError::default();
    let mut n = 0;
    session::read(&mut cat, &req, |s| {
        let plan = check::plan(s, names)?;
        for w in &plan.warnings {
            printer.warning(w);
        }
        let mut w = out.keep(printer.list_writer_or_say::<Finding>("No findings."))?;
        check::run(s, &plan, |f| {
            if f.severity == Severity::Warning {
                n += 1;
            }
            out.keep(w.row(&f))
        })?;
        out.keep(w.finish())
    })
    .map_err(|e| out.or(e))?;
    if strict && n > 0 {
        return Err(Error::negative(format!(
            "check found {}",
            words::count(n, "warning", "warnings")
        ))
        .with_hint("fix each as its hint says; without --strict, check reports without failing")
        .into());
    }
    Ok(())
}
