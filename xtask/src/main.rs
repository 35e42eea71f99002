//! Project chores. `cargo xtask gen` writes completions/ and man/ from the clap definition;
//! `cargo xtask gen --check` exits 1 when they differ from freshly generated files.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask gen [--check]
  gen          write completions/ and man/ from the clap definition
  gen --check  exit 1 when completions/ or man/ differ from freshly generated files";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ lives in the source tree")
        .to_path_buf()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["gen"] => match dwctl::gen::write(&root()) {
            Ok(changed) if changed.is_empty() => {
                println!("completions/ and man/ are up to date");
                ExitCode::SUCCESS
            }
            Ok(changed) => {
                for c in changed {
                    println!("{c}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot write the generated files: {e}");
                ExitCode::FAILURE
            }
        },
        ["gen", "--check"] => match dwctl::gen::check(&root()) {
            Ok(problems) if problems.is_empty() => {
                println!("completions/ and man/ are up to date");
                ExitCode::SUCCESS
            }
            Ok(problems) => {
                for p in problems {
                    eprintln!("{p}");
                }
                eprintln!("error: completions/ or man/ are stale\nhint: run cargo xtask gen and commit the result");
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("error: cannot read the generated files: {e}");
                ExitCode::FAILURE
            }
        },
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}
