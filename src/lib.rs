//! dwctl: administer DataWorks-style workspaces on a local SQLite catalog.
//!
//! The spine: `cli` (clap types) -> `commands` (thin) -> `domain` (rights and rules) ->
//! `catalog` (SQL, one transaction per command) -> `output` (the only printer).

pub mod catalog;
pub mod cli;
pub mod commands;
pub mod config;
pub mod domain;
pub mod error;
pub mod manifest;
pub mod output;
pub mod prompt;

use clap::Parser;

/// Parse, run, and map the outcome to an exit code. clap's own usage errors keep exit 2
/// (and `--help`/`--version` exit 0).
pub fn main_with<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = e.exit_code();
            // Printing help or a usage error is clap's; a closed pipe is not an error.
            let _ = e.print();
            return code;
        }
    };
    let env = config::Env::capture();
    let settings = match config::Settings::resolve(&cli.global, &env) {
        Ok(s) => s,
        Err(e) => {
            let format = cli.global.output.unwrap_or(output::Format::Table);
            let printer = output::Printer::new(format, output::ColorChoice::Never, false);
            return error::report(e.into(), &printer);
        }
    };
    let printer = output::Printer::new(settings.format, settings.color, settings.quiet);
    let mut ctx = commands::Ctx { settings, printer };
    let result = commands::run(cli, &mut ctx).and_then(|()| Ok(ctx.printer.flush()?));
    match result {
        Ok(()) => 0,
        Err(e) => {
            let _ = ctx.printer.flush();
            error::report(e, &ctx.printer)
        }
    }
}
