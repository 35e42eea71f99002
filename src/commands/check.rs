use super::Ctx;
use crate::cli::CheckArgs;
use crate::domain::check;
use crate::domain::error::Error;
use crate::domain::model::WorkspaceName;
use crate::domain::words;

pub fn run(ctx: &mut Ctx, a: CheckArgs) -> anyhow::Result<()> {
    let names = a
        .workspaces
        .iter()
        .map(|n| WorkspaceName::parse(n))
        .collect::<Result<Vec<_>, _>>()?;
    let report = ctx.read(|s| check::check(s, &names))?;
    for w in &report.warnings {
        ctx.printer.warning(w);
    }
    ctx.printer.list_or_say(&report.findings, "No findings.")?;
    let n = report.warning_count();
    if a.strict && n > 0 {
        return Err(Error::negative(format!(
            "check found {}",
            words::count(n, "warning", "warnings")
        ))
        .with_hint("fix each as its hint says; without --strict, check reports without failing")
        .into());
    }
    Ok(())
}
