//! Project chores. `cargo xtask gen` writes completions/ and man/ from the clap definition;
//! `cargo xtask gen --check` exits 1 when they differ from freshly generated files.
//! `cargo xtask bench` and `cargo xtask stress` run bench/run.sh and bench/stress.sh;
//! `cargo xtask bench --size xl` runs bench/scale.sh; `cargo xtask bench --pg` bench/pg.sh;
//! `cargo xtask bench --serve` runs bench/serve.sh (P10-P11), which runs this program's
//! load generator (`serve-cases`, serve_bench.rs) built in release.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod serve_bench;

const USAGE: &str =
    "usage: cargo xtask gen [--check] | bench [--size l|xl | --pg | --serve] | stress
  gen          write completions/ and man/ from the clap definition
  gen --check  exit 1 when completions/ or man/ differ from freshly generated files
  bench        the performance cases P1-P6 beside sqlite3, then P10-P11 (bench/run.sh)
  bench --serve
               P10-P11 alone: dwctl serve under signed load (bench/serve.sh)
  bench --size xl
               the scale cases P12-P14 on S and XL catalogs (bench/scale.sh; minutes)
  bench --pg   the PostgreSQL cases P7-P9 beside psql (bench/pg.sh; BENCH_PG_URL or
               a throwaway cluster of its own)
  stress       the reliability tests R1 and R2 at full size (bench/stress.sh)";

/// The benchmark and the stress run are shell scripts (they time and kill processes);
/// xtask only gives them their documented names.
fn script(path: &str, args: &[&str]) -> ExitCode {
    match std::process::Command::new(root().join(path))
        .args(args)
        .status()
    {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot run {path}: {e}");
            ExitCode::FAILURE
        }
    }
}

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
        ["bench"] | ["bench", "--size", "l"] => script("bench/run.sh", &[]),
        ["bench", "--size", "xl"] => script("bench/scale.sh", &[]),
        ["bench", "--pg"] => script("bench/pg.sh", &[]),
        ["bench", "--serve"] => script("bench/serve.sh", &[]),
        ["serve-cases", rest @ ..] => serve_bench::main(rest),
        ["stress", rest @ ..] => script("bench/stress.sh", rest),
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
