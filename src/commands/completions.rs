//! `dwctl completions SHELL`: print the script. Needs no catalog, and opens none.

use super::Ctx;
use crate::cli::CompletionsArgs;

pub fn run(ctx: &mut Ctx, a: CompletionsArgs) -> anyhow::Result<()> {
    ctx.printer.raw(&crate::gen::completion_script(a.shell))?;
    Ok(())
}
