//! Colour and pipes: colour only on a terminal unless asked (--color, NO_COLOR,
//! CLICOLOR_FORCE), tables never wrap into a pipe, JSON is never a table nor coloured, and
//! a reader that goes away ends dwctl quietly with exit 0.

use crate::harness::*;
use std::io::Read;
use std::process::Stdio;

const ESC: &str = "\x1b[";

fn has_colour(s: &str) -> bool {
    s.contains(ESC)
}

#[test]
fn colour_only_when_asked_into_a_pipe() {
    let env = Env::new();
    let plain = env.run(&["workspace", "list"]);
    assert!(
        !has_colour(plain.ok()),
        "default into a pipe: {:?}",
        plain.stdout
    );

    let forced = env.run(&["--color", "always", "workspace", "list"]);
    assert!(has_colour(forced.ok()), "{:?}", forced.stdout);

    let never = env.with_var("CLICOLOR_FORCE", "1");
    let r = never.run(&["--color", "never", "workspace", "list"]);
    assert!(!has_colour(r.ok()), "--color never beats CLICOLOR_FORCE");
    let r = never.run(&["workspace", "list"]);
    assert!(has_colour(r.ok()), "CLICOLOR_FORCE=1 colours a pipe");

    let env = Env::new().with_var("CLICOLOR_FORCE", "0");
    assert!(!has_colour(env.run(&["workspace", "list"]).ok()));

    let env = Env::new()
        .with_var("NO_COLOR", "1")
        .with_var("CLICOLOR_FORCE", "1");
    assert!(
        !has_colour(env.run(&["workspace", "list"]).ok()),
        "NO_COLOR wins over CLICOLOR_FORCE"
    );
    let r = env.run(&["--color", "always", "workspace", "list"]);
    assert!(has_colour(r.ok()), "the flag wins over NO_COLOR");

    // Errors on stderr follow the same choice.
    let r = env.run(&["--color", "always", "workspace", "show", "nope_nope"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.starts_with("\x1b[1;31merror:"), "{:?}", r.stderr);
    let r = Env::new().run(&["workspace", "show", "nope_nope"]);
    assert!(r.stderr.starts_with("error: "), "{:?}", r.stderr);
}

#[test]
fn json_is_never_coloured_or_tabled() {
    let env = Env::new().with_var("CLICOLOR_FORCE", "1");
    for args in [
        &["--color", "always", "workspace", "list", "-o", "json"][..],
        &[
            "--color",
            "always",
            "workspace",
            "show",
            DEFAULT_WS,
            "-o",
            "json",
        ][..],
    ] {
        let r = env.run(args);
        assert!(!has_colour(r.ok()), "{args:?}: {:?}", r.stdout);
        r.json();
    }
    let r = env.run(&["--color", "always", "workspace", "list", "-o", "jsonl"]);
    assert!(!has_colour(r.ok()), "{:?}", r.stdout);
    for line in r.stdout.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("{e}: {line}"));
    }
}

#[test]
fn tables_never_wrap_into_a_pipe() {
    let env = Env::new();
    let long = "Monthly tax reports for every region, reconciled against the ledger and filed with the authorities before the fifth working day of the next month";
    env.run(&[
        "workspace",
        "create",
        "finance_tax_report",
        "--description",
        long,
    ])
    .ok();
    let show = env.run(&["workspace", "show", "finance_tax_report"]);
    let line = show
        .ok()
        .lines()
        .find(|l| l.trim_start().starts_with("description"))
        .unwrap_or_else(|| panic!("no description row:\n{}", show.stdout));
    assert!(line.contains(long), "wrapped: {line:?}");
}

#[test]
fn a_reader_that_goes_away_ends_dwctl_quietly_with_exit_0() {
    let env = Env::new();
    for _ in 0..3 {
        let mut child = env
            .cmd(&["role", "list", "-o", "json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the read end before dwctl writes: its write fails with EPIPE.
        drop(child.stdout.take());
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "stderr: {stderr}");
        assert_eq!(stderr, "");
    }
}

#[test]
fn piping_into_head_exits_0() {
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    let bin = assert_cmd::cargo::cargo_bin("dwctl");
    let mut c = std::process::Command::new("bash");
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DWCTL_CATALOG", &env.catalog)
        .env("DWCTL_NO_CONFIG", "1")
        .env("DWCTL_NOW", NOW)
        .args([
            "-c",
            // `head -n 0` leaves before dwctl writes (EPIPE); `head -1` is the everyday case.
            r#"set -o pipefail; "$1" user list | head -n 0; "$1" audit list -o jsonl | head -1"#,
            "bash",
        ])
        .arg(&bin);
    let out = c.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
}
