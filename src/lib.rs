//! dwctl: administer DataWorks-style workspaces on a local SQLite catalog.
//!
//! The spine: `cli` (clap types) -> `commands` (thin) -> `domain` (rights and rules; it
//! owns the storage interface `domain::store`) -> `storage` (a backend implementing it:
//! SQL, one transaction per command) ; `output` (the only printer). `model` holds the
//! entities, text helpers and the error type every layer uses, and uses none of them.
//! README "Architecture" has the picture; `cargo test architecture` checks it.

pub mod cli;
pub mod commands;
pub mod config;
pub mod domain;
pub mod error;
pub mod gen;
pub mod input;
pub mod manifest;
pub mod model;
pub mod output;
pub mod prompt;
pub mod storage;

#[cfg(test)]
mod tests;

use clap::{CommandFactory, FromArgMatches};

/// Parse, run, and map the outcome to an exit code. clap's own usage errors keep exit 2
/// (and `--help`/`--version` exit 0).
pub fn main_with<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let env = config::Env::capture();
    if let Some(code) = cli::complete::complete_if_requested(&args) {
        return code;
    }
    // What `Cli::try_parse_from` does, except that the command tree is left for the
    // process's exit to reclaim: it is thousands of small allocations, and freeing them was
    // a quarter of the instructions of `dwctl --version` (quality.md P5).
    let mut command = cli::Cli::command();
    let parsed = command
        .try_get_matches_from_mut(&args)
        .and_then(|mut m| cli::Cli::from_arg_matches_mut(&mut m));
    std::mem::forget(command);
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            let code = e.exit_code();
            // Under -o json a usage error is a JSON error too (cli.md 4). clap repeats the
            // offending argument whole and raw: when an argument is huge or holds control
            // characters, dwctl's printer writes the error, escaped and cut short.
            if code == 2 {
                let format = usage_error_format(&args, &env)
                    .or_else(|| hostile_args(&args).then_some(output::Format::Table));
                if let Some(format) = format {
                    let printer = output::Printer::new(format, output::ColorChoice::Never, false);
                    return error::report(clap_error(&e).into(), &printer);
                }
            }
            // Printing help or a usage error is clap's; a closed pipe is not an error.
            let _ = e.print();
            return code;
        }
    };
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

/// The JSON format asked for by a command line clap could not parse (`-o json`,
/// `--output=jsonl`, `-ojson`, or `DWCTL_OUTPUT`), if any.
fn usage_error_format(args: &[std::ffi::OsString], env: &config::Env) -> Option<output::Format> {
    let mut found = None;
    let mut it = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        let value = if a == "--" {
            break;
        } else if a == "-o" || a == "--output" {
            it.next().map(|v| v.into_owned())
        } else if let Some(v) = a.strip_prefix("--output=") {
            Some(v.to_string())
        } else {
            a.strip_prefix("-o")
                .filter(|v| !v.is_empty())
                .map(|v| v.trim_start_matches('=').to_string())
        };
        if let Some(f) = value.and_then(|v| output::Format::parse(&v).ok()) {
            found = Some(f);
        }
    }
    found
        .or_else(|| env.output_format())
        .filter(|f| f.is_json())
}

/// Whether an argument is one clap's own error message must not repeat as it is: longer
/// than a line, or holding a character that could act on a terminal.
fn hostile_args(args: &[std::ffi::OsString]) -> bool {
    args.iter().any(|a| {
        let a = a.to_string_lossy();
        a.len() > 256 || a.chars().any(model::needs_escape)
    })
}

/// clap's usage error as dwctl's: its first paragraph is the message, its tip (or the
/// usage line) the hint.
fn clap_error(e: &clap::Error) -> model::error::Error {
    let text = e.render().to_string();
    let mut message = String::new();
    let mut tip = None;
    let mut usage = None;
    for block in text.split("\n\n") {
        let block = block.trim();
        let flat = block.lines().map(str::trim).collect::<Vec<_>>().join(" ");
        if message.is_empty() {
            message = flat.strip_prefix("error: ").unwrap_or(&flat).to_string();
        } else if let Some(t) = flat.strip_prefix("tip: ") {
            tip.get_or_insert(t.to_string());
        } else if flat.starts_with("Usage: ") {
            usage.get_or_insert(flat);
        }
    }
    if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        message = "a subcommand is required".into();
    }
    let hint = tip.or(usage).unwrap_or_else(|| "see dwctl --help".into());
    model::error::Error::invalid(message).with_hint(hint)
}
