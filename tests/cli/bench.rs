//! The benchmark's verdict (bench/verdict.sh, sourced by bench/run.sh): a case that
//! misses its target makes the run fail, so that the benchmark can gate. The benchmark
//! itself never runs here: the verdict is run on made-up figures.

use std::path::Path;
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Run `rows` (shell lines calling `line` and `holds`) and then `verdict`, as run.sh
/// does under `set -euo pipefail`.
fn verdict(rows: &str) -> (i32, String, String) {
    let script = format!(
        "set -euo pipefail\nsource bench/verdict.sh\n{rows}\nverdict || exit 1\necho after >&2\n"
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(repo())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .expect("run bash");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const HOLDING: &str = r#"line P1 "member add" "1.00 ms" "0.90 ms" 1.11 "<= 1.25x" "$(holds 1.11 1.25)"
line P5 "--version" "1.00 ms" "1.00 ms" 1.00 "<= 1.2x" "$(holds 1.00 1.2)"
line P6 "peak RSS (needs /usr/bin/time)" "n/a" "n/a" "-" "<= 30 MiB" "n/a""#;

#[test]
fn every_case_holding_exits_0() {
    let (code, stdout, stderr) = verdict(HOLDING);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(stdout.lines().next().unwrap().ends_with(" yes"), "{stdout}");
    assert_eq!(stderr, "bench: every case holds its target\nafter\n");
}

#[test]
fn a_missed_target_exits_1_naming_the_cases() {
    for (missed, rows) in [
        (
            "P2",
            r#"line P2 "member list" "9.00 ms" "6.00 ms" 1.50 "<= 1.0x" "$(holds 1.50 1.0)""#,
        ),
        (
            "P4 P3",
            r#"line P4 "apply again" "1200.00 ms" "-" "-" "< 1 s" "$(holds 1200000 1000000)"
line P3 "apply" "6000.00 ms" "3000.00 ms" 2.00 "<= 2x and < 5 s" NO"#,
        ),
    ] {
        let (code, stdout, stderr) = verdict(&format!("{HOLDING}\n{rows}"));
        assert_eq!(code, 1, "{missed}: {stdout}{stderr}");
        assert!(stdout.lines().last().unwrap().ends_with(" NO"), "{stdout}");
        assert_eq!(stderr, format!("bench: missed the target: {missed}\n"));
    }
}

#[test]
fn run_sh_and_pg_sh_take_their_verdict_from_verdict_sh() {
    for script in ["bench/run.sh", "bench/pg.sh"] {
        let run = std::fs::read_to_string(repo().join(script)).unwrap();
        assert!(
            run.contains("\nsource \"$root/bench/verdict.sh\"\n"),
            "{script}"
        );
        assert!(
            !run.contains("\nline()") && !run.contains("\nholds()"),
            "{script} defines its own line or holds"
        );
        assert_eq!(
            run.trim_end().lines().last(),
            Some("verdict || exit 1"),
            "{script}"
        );
        // Every row of a case states whether it holds, through holds or a variable set by it.
        for row in run.lines().filter(|l| l.trim_start().starts_with("line P")) {
            // The last argument: after the last `" "` between two quoted arguments.
            let last = row.rsplit("\" \"").next().unwrap();
            assert!(
                last.starts_with("$(holds ") || last == "$ok\"" || last == "n/a\"",
                "{script}: a row whose verdict is not computed: {row}"
            );
        }
    }
}
