//! Prompts and wizards on a real pseudo-terminal (the harness's `Tty`), and what happens
//! without one:
//! a missing value is a usage error (exit 2), a confirmation exit 8.

use crate::harness::*;
use rexpect::process::WaitStatus;

/// `env.cmd(args)` on a terminal that says it has colours. CI is removed explicitly: CI
/// runs set it, and it forbids prompts.
fn term(env: &Env, args: &[&str]) -> std::process::Command {
    let mut c = env.cmd(args);
    c.env_remove("CI").env("TERM", "xterm-256color");
    c
}

/// Run dwctl on a fresh pseudo-terminal (stdin, stdout and stderr), with the harness's
/// cleared environment.
fn tty(env: &Env, args: &[&str]) -> Tty {
    Tty::spawn(term(env, args), None)
}

/// Read to the end and return the exit code with everything the terminal showed.
fn finish(p: Tty) -> (i32, String) {
    let r = p.finish();
    (r.code, r.stdout)
}

const DOWN: &str = "\x1b[B";

#[test]
fn workspace_create_without_a_name_runs_the_wizard() {
    let env = Env::new();
    let mut p = tty(&env, &["workspace", "create"]);
    p.expect("Workspace name");
    // Live validation: a bad name is answered at once, and asked again.
    p.send("1bad\r");
    p.expect("invalid workspace name");
    p.send("finance_tax_report\r");
    p.expect("Display name");
    p.send("\r"); // the default: the name
    p.expect("Mode");
    p.send(DOWN); // standard is first; basic second
    p.send("\r");
    p.expect("Description");
    p.send("Monthly tax reports\r");
    let (code, out) = finish(p);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Created workspace finance_tax_report"),
        "{out}"
    );

    let ws = env
        .run(&["workspace", "show", "finance_tax_report", "-o", "json"])
        .json();
    assert_eq!(ws["display_name"], "finance_tax_report");
    assert_eq!(ws["mode"], "basic");
    assert_eq!(ws["description"], "Monthly tax reports");
}

#[test]
fn workspace_delete_asks_to_type_the_name() {
    let env = Env::new();
    env.run(&["workspace", "create", "finance_tax_report"]).ok();
    let rows = env.rows();

    let mut p = tty(&env, &["workspace", "delete", "finance_tax_report"]);
    p.expect("Type the workspace name (finance_tax_report) to confirm");
    p.send("finance\r");
    let (code, out) = finish(p);
    assert_eq!(code, 8, "{out}");
    assert!(out.contains("not confirmed; nothing was changed"), "{out}");
    assert_eq!(rows, env.rows(), "a declined delete changed the catalog");

    let mut p = tty(&env, &["workspace", "delete", "finance_tax_report"]);
    p.expect("Type the workspace name (finance_tax_report) to confirm");
    p.send("finance_tax_report\r");
    let (code, out) = finish(p);
    assert_eq!(code, 0, "{out}");
    let ws = env
        .run(&["workspace", "show", "finance_tax_report", "-o", "json"])
        .json();
    assert_eq!(ws["status"], "deleted");
}

#[test]
fn member_add_without_roles_offers_a_multi_select() {
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    let mut p = tty(&env, &["member", "add", DEFAULT_WS, "alice"]);
    p.expect("Roles");
    p.send(" "); // the first: admin
    p.send(DOWN);
    p.send(DOWN);
    p.send(" "); // the third: ops
    p.send("\r");
    let (code, out) = finish(p);
    assert_eq!(code, 0, "{out}");
    let m = env
        .run(&["member", "show", DEFAULT_WS, "alice", "-o", "json"])
        .json();
    assert_eq!(
        m["roles"],
        serde_json::json!(["role_project_admin", "role_project_pe"])
    );
}

#[test]
fn ci_forbids_prompts_even_at_a_terminal() {
    let env = Env::new();
    env.run(&["workspace", "create", "finance_tax_report"]).ok();
    let rows = env.rows();
    for (args, code, needle) in [
        (
            &["workspace", "delete", "finance_tax_report"][..],
            8,
            "pass --yes",
        ),
        (
            &["workspace", "create"][..],
            2,
            "a workspace name is required",
        ),
    ] {
        let mut c = term(&env, args);
        c.env("CI", "true");
        let (got, out) = finish(Tty::spawn(c, None));
        assert_eq!(got, code, "{args:?}: {out}");
        assert!(out.contains(needle), "{args:?}: {out}");
    }
    assert_eq!(rows, env.rows());
}

#[test]
fn without_a_terminal_omissions_are_usage_errors_and_confirmations_exit_8() {
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    env.run(&["workspace", "create", "finance_tax_report"]).ok();
    env.run(&[
        "member",
        "add",
        "finance_tax_report",
        "alice",
        "--role",
        "dev",
    ])
    .ok();

    let r = env.refused(&["workspace", "create"], 2, "a workspace name is required");
    assert!(
        r.stderr.contains("hint: dwctl workspace create NAME"),
        "{}",
        r.stderr
    );
    env.refused(
        &["member", "add", DEFAULT_WS, "alice"],
        2,
        "at least one --role is required",
    );
    for args in [
        &["workspace", "delete", "finance_tax_report"][..],
        &["workspace", "upgrade", DEFAULT_WS][..],
        &["member", "remove", "finance_tax_report", "alice"][..],
        &["user", "remove", "alice", "--cascade"][..],
        &["resourcegroup", "delete", "default_serverless_group"][..],
    ] {
        // (a bound group is refused with 4 before anyone is asked)
        let code = if args[0] == "resourcegroup" { 4 } else { 8 };
        let needle = if code == 8 { "pass --yes" } else { "bound" };
        env.refused(args, code, needle);
    }
    // --no-input at a terminal too.
    let (code, out) = finish(tty(
        &env,
        &["--no-input", "workspace", "delete", "finance_tax_report"],
    ));
    assert_eq!(code, 8, "{out}");
    // --yes answers.
    env.run(&["workspace", "delete", "finance_tax_report", "--yes"])
        .ok();
}

#[test]
fn a_terminal_gets_colour_unless_no_color_and_json_stays_json() {
    let env = Env::new();
    let (code, out) = finish(tty(&env, &["workspace", "list"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\x1b["), "no colour at a terminal: {out:?}");
    assert!(out.contains(DEFAULT_WS), "{out:?}");

    let plain = Env::new().with_var("NO_COLOR", "1");
    let (code, out) = finish(tty(&plain, &["workspace", "list"]));
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("\x1b["), "NO_COLOR at a terminal: {out:?}");

    let (code, out) = finish(tty(&env, &["workspace", "list", "-o", "json"]));
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("\x1b["), "{out:?}");
    let v: serde_json::Value = serde_json::from_str(&out.replace("\r\n", "\n")).unwrap();
    assert_eq!(v[0]["name"], DEFAULT_WS);
}

/// SIGINT or SIGTERM sent to dwctl (by `kill`, or by the terminal while it is in line mode)
/// at a prompt: the terminal is restored; SIGINT exits with status 130 (what a shell shows
/// for an interrupted command, and what a program's wait() sees too), SIGTERM ends dwctl as
/// the signal would.
#[test]
fn a_signal_at_a_prompt_restores_the_terminal_and_exits_130_for_sigint() {
    use rexpect::process::Signal;
    let env = Env::new();
    env.run(&["workspace", "create", "lab_ws", "--mode", "basic"])
        .ok();
    let rows = env.rows();
    let events = env.events();
    for sig in [Signal::SIGINT, Signal::SIGTERM] {
        let mut p = tty(&env, &["workspace", "upgrade", "lab_ws"]);
        p.expect("Upgrade lab_ws to standard mode?");
        p.expect("\x1b[?25l"); // the yes/no hides the cursor
        p.signal(sig);
        let (status, out) = p.wait();
        // What the terminal showed once the prompt had hidden the cursor.
        let rest = &out[out.find("\x1b[?25l").unwrap()..];
        match status {
            WaitStatus::Exited(_, 130) if sig == Signal::SIGINT => {}
            WaitStatus::Signaled(_, s, _) if sig == Signal::SIGTERM => assert_eq!(s, sig),
            other => panic!("{sig:?}: dwctl ended with {other:?}: {rest:?}"),
        }
        assert!(rest.contains("\x1b[?25h"), "{sig:?}: {rest:?}");
        assert_eq!(
            rest.contains("interrupted; nothing was changed"),
            sig == Signal::SIGINT,
            "{rest:?}"
        );
        assert_eq!((env.rows(), env.events()), (rows.clone(), events.clone()));
    }
}

/// With SIGINT ignored (a background job of a script), Ctrl-C read as a key still ends the
/// prompt: through the error path, exit 130, `interrupted` under JSON.
#[test]
fn ctrl_c_with_sigint_ignored_is_the_interrupted_error() {
    use std::os::unix::process::CommandExt;
    let env = Env::new();
    env.run(&["workspace", "create", "lab_ws", "--mode", "basic"])
        .ok();
    let rows = env.rows();
    let mut c = term(&env, &["workspace", "upgrade", "lab_ws", "-o", "json"]);
    // SAFETY: only signal(2) between fork and exec.
    unsafe {
        c.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_IGN);
            Ok(())
        });
    }
    let mut p = Tty::spawn(c, None);
    p.expect("\x1b[?25l");
    // Let the prompt put the terminal in raw mode: in line mode the terminal would turn
    // the byte into the (ignored) signal.
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send("\x03");
    let (code, out) = finish(p);
    assert_eq!(code, 130, "{out:?}");
    assert!(out.contains("\x1b[?25h"), "{out:?}");
    assert!(
        out.contains(r#"{"error":{"code":"interrupted","exit_code":130,"message":"interrupted; nothing was changed","hint":null}}"#),
        "{out:?}"
    );
    assert_eq!(env.rows(), rows);
}

/// Run dwctl on a pseudo-terminal of `cols` columns (sized before dwctl starts) and return
/// what it printed, lines without their `\r`.
fn sized(env: &Env, cols: u16, args: &[&str]) -> String {
    let all: Vec<&str> = ["--color", "never"].iter().chain(args).copied().collect();
    let (code, out) = finish(Tty::spawn(term(env, &all), Some(cols)));
    assert_eq!(code, 0, "{args:?}: {out}");
    out.replace("\r\n", "\n")
}

/// Tables on a terminal of 60 and 80 columns (issue 11): identifiers (names, ids, role
/// codes, statuses, times) are never split, free text wraps at word boundaries or is
/// shortened with `…`, and no line is wider than the terminal. A list whose identifiers
/// cannot fit side by side is printed as one FIELD/VALUE block per row.
#[test]
fn tables_fit_the_terminal_without_splitting_identifiers() {
    let env = Env::new();
    let long_word = "x".repeat(90);
    let description = format!(
        "Monthly tax reports for the finance department, reconciled with the ledger {long_word} every quarter"
    );
    for args in [
        &[
            "user",
            "add",
            "alice",
            "--display-name",
            "Alice Liddell of Wonderland",
        ][..],
        &[
            "member",
            "add",
            DEFAULT_WS,
            "alice",
            "--role",
            "admin,dev,analyst,ops",
        ],
        &[
            "workspace",
            "update",
            DEFAULT_WS,
            "--description",
            &description,
            "--tag",
            "team=finance",
            "--tag",
            "cost=centre_12345",
        ],
    ] {
        env.run(args).ok();
    }
    let alice_id = env.json(&["user", "show", "alice", "-o", "json"])["id"]
        .as_str()
        .unwrap()
        .to_string();
    let time = "2026-11-28T10:00:00.000Z";
    for cols in [60u16, 80] {
        // Each command, and identifiers its output holds.
        let cases: [(&[&str], Vec<&str>); 5] = [
            (
                &["workspace", "list"],
                vec![DEFAULT_WS, "available", time, "cost=centre_12345,"],
            ),
            (
                &["member", "list", DEFAULT_WS],
                vec![
                    ACCOUNT,
                    &alice_id,
                    "ram-user",
                    "role_project_owner",
                    "role_project_admin,",
                    "role_project_data_analyst",
                    time,
                ],
            ),
            (
                &["role", "list"],
                vec![
                    "role_project_owner",
                    "role_project_data_analyst",
                    "role_project_security",
                    "role_project_dg_admin",
                    "governance",
                ],
            ),
            (
                &["workspace", "show", DEFAULT_WS],
                vec![
                    DEFAULT_WS,
                    "available",
                    "default_serverless_group",
                    ACCOUNT,
                    time,
                    "default_resource_group",
                ],
            ),
            // Free text that names identifiers (a finding's message and hint).
            (
                &["check"],
                vec![
                    DEFAULT_WS,
                    "role_project_dev",
                    "role_project_pe",
                    "--sod-policy",
                ],
            ),
        ];
        for (args, ids) in cases {
            let out = sized(&env, cols, args);
            let what = format!("{args:?} at {cols} columns");
            for line in out.lines() {
                assert!(
                    line.chars().count() <= cols as usize,
                    "{what}: a line of {} columns:\n{out}",
                    line.chars().count()
                );
            }
            for id in ids {
                assert!(out.contains(id), "{what}: {id} is split or missing:\n{out}");
            }
            if args[0] == "check" {
                assert!(!out.contains('…'), "{what}: a word was shortened:\n{out}");
            }
            if args.get(1) == Some(&"show") {
                // Free text wraps between words, and a word too long for the terminal is
                // shortened with `…`.
                for word in description.split(' ').filter(|w| w.len() < 20) {
                    assert!(out.contains(word), "{what}: {word} is split:\n{out}");
                }
                assert!(out.contains("xxxx…"), "{what}:\n{out}");
                assert!(!out.contains(&long_word), "{what}:\n{out}");
                assert!(out.contains("Monthly tax reports"), "{what}:\n{out}");
            }
        }
    }
    // Role codes fit side by side at 80 columns: a table, its description wrapped.
    let out = sized(&env, 80, &["role", "list"]);
    assert!(out.starts_with(" CODE "), "{out}");
    assert!(out.lines().next().unwrap().contains("DESCRIPTION"), "{out}");
    // At 60 they do not: one block per role.
    let out = sized(&env, 60, &["role", "list"]);
    assert!(
        out.starts_with(" CODE         role_project_owner\n"),
        "{out}"
    );
    assert!(
        out.contains("\n\n CODE         role_project_admin\n"),
        "{out}"
    );
    // Neither do a workspace's name, status and time at 80 columns.
    let out = sized(&env, 80, &["workspace", "list"]);
    assert!(
        out.contains(&format!("\n NAME          {DEFAULT_WS}\n")),
        "{out}"
    );
}
