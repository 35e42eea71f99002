//! Confirmations and wizards (cli.md 7): without a terminal, with `--no-input`, or in CI, a
//! command that must ask fails with exit 8 and changes nothing; `--yes` answers; at a
//! terminal (a pty) the question is asked and the answer decides.

use crate::harness::*;
use serde_json::json;

/// A catalog with one thing for each command that asks.
fn setup() -> Env {
    let env = Env::new();
    for args in [
        &["user", "add", "alice"][..],
        &["user", "add", "bob"],
        &["workspace", "create", "fin_ws"],
        &["workspace", "create", "lab_ws", "--mode", "basic"],
        &["workspace", "create", "old_ws"],
        &["workspace", "delete", "old_ws", "--yes"],
        &["member", "add", "fin_ws", "alice", "--role", "dev"],
        &["resourcegroup", "create", "rg_spare"],
    ] {
        env.run(args).ok();
    }
    env
}

/// Each command that asks, the question it asks, and the action it audits.
fn asking() -> Vec<(Vec<&'static str>, &'static str, &'static str)> {
    vec![
        (
            vec!["member", "remove", "fin_ws", "alice"],
            "Remove alice from fin_ws?",
            "member.remove",
        ),
        (
            vec!["user", "remove", "bob"],
            "Remove principal bob?",
            "user.remove",
        ),
        (
            vec!["resourcegroup", "delete", "rg_spare"],
            "Delete resource group rg_spare?",
            "resourcegroup.delete",
        ),
        (
            vec!["workspace", "upgrade", "lab_ws"],
            "Upgrade lab_ws to standard mode? This cannot be undone.",
            "workspace.upgrade",
        ),
        (
            vec!["workspace", "purge", "old_ws"],
            "Purge workspace old_ws for good? Everything in it is lost.",
            "workspace.purge",
        ),
        (
            vec!["workspace", "delete", "fin_ws"],
            "Delete workspace fin_ws? It stays in the recycle bin for 14 days.",
            "workspace.delete",
        ),
    ]
}

#[test]
fn without_a_terminal_asking_fails_with_exit_8_and_yes_answers() {
    let env = setup();
    for (args, question, action) in asking() {
        let r = env.refused(&args, 8, &format!("error: confirmation needed: {question}"));
        assert!(
            r.stderr
                .ends_with("hint: pass --yes to confirm without a prompt\n"),
            "{}",
            r.stderr
        );
        assert_eq!(r.stdout, "");
        let mut json = args.clone();
        json.extend(["-o", "json"]);
        let e = env.run(&json).json_error();
        assert_eq!(
            e,
            json!({"code": "confirmation_required", "exit_code": 8,
                   "message": format!("confirmation needed: {question}"),
                   "hint": "pass --yes to confirm without a prompt"})
        );
        // --dry-run never asks.
        let mut dry = args.clone();
        dry.push("--dry-run");
        let rows = env.rows();
        env.run(&dry).ok();
        assert_eq!(env.rows(), rows);
        // --yes (or -y) answers yes.
        let mut yes = args.clone();
        yes.push(if action == "user.remove" {
            "-y"
        } else {
            "--yes"
        });
        let (_, e) = env.changes(&yes);
        assert_eq!((e.action.as_str(), e.outcome.as_str()), (action, "ok"));
    }
}

#[test]
fn no_input_and_ci_refuse_to_ask_even_at_a_terminal() {
    let env = setup();
    let question = "confirmation needed: Delete workspace fin_ws?";
    let rows = env.rows();
    let events = env.events();
    type Case<'a> = (Vec<&'a str>, Option<(&'a str, &'a str)>);
    let cases: Vec<Case> = vec![
        (vec!["--no-input"], None),
        (vec![], Some(("CI", "true"))),
        (vec![], Some(("CI", "1"))),
        (vec![], Some(("CI", "yes"))),
        (vec![], Some(("DWCTL_NO_INPUT", "1"))),
    ];
    for (flags, var) in cases {
        let mut args = flags.clone();
        args.extend(["--color", "never", "workspace", "delete", "fin_ws"]);
        let env2 = match var {
            Some((k, v)) => env.fork().with_var(k, v),
            None => env.fork(),
        };
        let r = env2.pty(&args, &[]);
        assert_eq!(r.code, 8, "{flags:?} {var:?}: {}", r.stdout);
        assert!(r.stdout.contains(question), "{}", r.stdout);
        assert!(r.stdout.contains("hint: pass --yes"), "{}", r.stdout);
        assert!(
            !r.stdout.contains("Type the workspace name"),
            "{}",
            r.stdout
        );
        assert_eq!((env2.rows(), env2.events()), (rows.clone(), events.clone()));
    }
}

#[test]
fn at_a_terminal_deleting_asks_for_the_name() {
    let env = setup();
    // A wrong name: declined, nothing changed.
    let rows = env.rows();
    let events = env.events();
    let r = env.pty(
        &["--color", "never", "workspace", "delete", "fin_ws"],
        &[("Type the workspace name (fin_ws) to confirm", "fin\r")],
    );
    assert_eq!(r.code, 8, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("error: not confirmed; nothing was changed"),
        "{}",
        r.stdout
    );
    assert_eq!((env.rows(), env.events()), (rows, events));
    // CI set to false, 0 or empty is not CI: the prompt is shown, and the name confirms.
    for (i, ci) in ["false", "0", ""].into_iter().enumerate() {
        let env = env.fork().with_var("CI", ci);
        let r = env.pty(
            &["--color", "never", "workspace", "delete", "fin_ws"],
            &[("Type the workspace name (fin_ws) to confirm", "fin_ws\r")],
        );
        assert_eq!(r.code, 0, "CI={ci}: {}", r.stdout);
        assert!(
            r.stdout
                .contains("Deleted workspace fin_ws (restorable for 14 days)."),
            "{i}"
        );
        assert_eq!(
            env.last_event().key(),
            (
                "root",
                "workspace.delete",
                Some("fin_ws"),
                Some("fin_ws"),
                "ok"
            )
        );
    }
}

#[test]
fn at_a_terminal_yes_or_no() {
    let env = setup();
    let rows = env.rows();
    let r = env.pty(
        &["member", "remove", "fin_ws", "alice"],
        &[("Remove alice from fin_ws?", "n")],
    );
    assert_eq!(r.code, 8, "{}", r.stdout);
    assert!(
        r.stdout.contains("not confirmed; nothing was changed"),
        "{}",
        r.stdout
    );
    assert_eq!(env.rows(), rows);
    let r = env.pty(
        &["member", "remove", "fin_ws", "alice"],
        &[("Remove alice from fin_ws?", "y")],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(
        env.last_event().key(),
        ("root", "member.remove", Some("fin_ws"), Some("alice"), "ok")
    );
    // What is refused is refused before anyone is asked.
    let r = env.pty(&["workspace", "purge", "fin_ws"], &[]);
    assert_eq!(r.code, 6, "{}", r.stdout);
    assert!(!r.stdout.contains("Purge workspace"), "{}", r.stdout);
    // Nothing to do: nothing to ask.
    let r = env.pty(&["workspace", "delete", "old_ws"], &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("(no change)"), "{}", r.stdout);
}

#[test]
fn missing_values_are_asked_for_at_a_terminal_and_usage_errors_elsewhere() {
    let env = setup();
    let r = env.refused(
        &["workspace", "create"],
        2,
        "error: a workspace name is required",
    );
    assert!(r
        .stderr
        .contains("hint: dwctl workspace create NAME (the wizard runs only at a terminal)"));
    env.refused(
        &["--no-input", "workspace", "create"],
        2,
        "a workspace name is required",
    );
    let r = env.refused(
        &["member", "add", "fin_ws", "bob"],
        2,
        "error: at least one --role is required",
    );
    assert!(r
        .stderr
        .contains("hint: pass --role ROLE (see dwctl role list)"));
    // The wizard: the name is checked as typed.
    let r = env.pty(
        &["workspace", "create", "-o", "json"],
        &[
            ("Workspace name", "1x\r"),
            ("invalid workspace name '1x'", "wiz_ws\r"),
            ("Display name", "\r"),
            ("Mode", "\x1b[B\r"),
            ("Description", "made by the wizard\r"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    let w = env.json(&["workspace", "show", "wiz_ws", "-o", "json"]);
    assert_eq!(
        (
            w["display_name"].clone(),
            w["mode"].clone(),
            w["description"].clone()
        ),
        (json!("wiz_ws"), json!("basic"), json!("made by the wizard"))
    );
    // member add without --role: a multi-select (space picks, enter confirms).
    let r = env.pty(
        &["member", "add", "fin_ws", "bob"],
        &[("Roles", " \x1b[B\x1b[B \r")],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    let m = env.json(&["member", "show", "fin_ws", "bob", "-o", "json"]);
    assert_eq!(m["roles"], json!(["role_project_admin", "role_project_pe"]));
}

/// Ctrl-C as the terminal sends it: the byte 0x03 (a signal in line mode, a key in raw mode).
const CTRL_C: &str = "\x03";
const HIDE_CURSOR: &str = "\x1b[?25l";
const SHOW_CURSOR: &str = "\x1b[?25h";

/// What an interrupted prompt must leave: exit 130 (the shell's code for SIGINT), the
/// message, the cursor shown again after the last time it was hidden.
#[track_caller]
fn interrupted(r: &Run) {
    assert_eq!(r.code, 130, "{:?}", r.stdout);
    assert!(
        r.stdout.contains("interrupted; nothing was changed"),
        "{:?}",
        r.stdout
    );
    let shown = r.stdout.rfind(SHOW_CURSOR);
    assert!(
        shown.is_some() && shown > r.stdout.rfind(HIDE_CURSOR),
        "the cursor is left hidden: {:?}",
        r.stdout
    );
}

#[test]
fn ctrl_c_at_a_confirmation_exits_130_with_the_cursor_shown_and_nothing_changed() {
    // A terminal that knows cursor movements: dialoguer hides the cursor at a yes/no.
    let env = setup().with_var("TERM", "xterm-256color");
    let rows = env.rows();
    let events = env.events();
    for (args, question, _) in asking() {
        // A yes/no hides the cursor while it waits for the key; typing a name does not.
        let wait_for = if args[1] == "delete" && args[0] == "workspace" || args[1] == "purge" {
            "Type the workspace name"
        } else {
            HIDE_CURSOR
        };
        let r = env.pty(&args, &[(question, ""), (wait_for, CTRL_C)]);
        interrupted(&r);
        assert_eq!(
            (env.rows(), env.events()),
            (rows.clone(), events.clone()),
            "{args:?}"
        );
    }
    // The selects that ask for a missing value (they hide the cursor too).
    for (args, question) in [
        (&["member", "add", "fin_ws", "bob"][..], "Roles"),
        (
            &["datasource", "add", "fin_ws", "orders"],
            "Data source type",
        ),
    ] {
        let r = env.pty(args, &[(question, ""), (HIDE_CURSOR, CTRL_C)]);
        interrupted(&r);
        assert_eq!(
            (env.rows(), env.events()),
            (rows.clone(), events.clone()),
            "{args:?}"
        );
    }
}

#[test]
fn ctrl_c_at_any_wizard_question_exits_130_and_creates_nothing() {
    let env = setup().with_var("TERM", "xterm-256color");
    let rows = env.rows();
    let events = env.events();
    let answers = [
        ("Workspace name", "wiz_ws\r"),
        ("Display name", "\r"),
        ("Mode", "\r"),
        ("Description", "x\r"),
    ];
    for n in 0..answers.len() {
        let mut steps: Vec<(&str, &str)> = answers[..n].to_vec();
        steps.push((answers[n].0, ""));
        // The mode is a select, which hides the cursor while it waits.
        steps.push((if n == 2 { HIDE_CURSOR } else { answers[n].0 }, CTRL_C));
        let r = env.pty(&["workspace", "create"], &steps);
        interrupted(&r);
        assert!(!r.stdout.contains("Created workspace"), "{:?}", r.stdout);
        assert_eq!(
            (env.rows(), env.events()),
            (rows.clone(), events.clone()),
            "Ctrl-C at {}",
            answers[n].0
        );
    }
}

#[test]
fn the_wizard_checks_each_answer_when_given_and_asks_again() {
    let env = setup();
    let rows = env.rows();
    let long_name = "a".repeat(65);
    let long_display = "D".repeat(65);
    let long_description = "d".repeat(3001);
    let taken_line = format!("{long_name}\r");
    let display_line = format!("{long_display}\r");
    let description_line = format!("{long_description}\r");
    let r = env.pty(
        &["--color", "never", "workspace", "create"],
        &[
            // Format and length, before anything else is asked.
            ("Workspace name", "1x\r"),
            ("invalid workspace name '1x'", &taken_line),
            ("invalid workspace name 'aaaa", "fin_ws\r"),
            // Free: not held by a workspace, nor by one in the recycle bin.
            ("workspace fin_ws already exists", "old_ws\r"),
            ("the name old_ws is held by a deleted workspace until", "\r"),
            // An empty name is refused with its reason too (and not taken as a default).
            ("invalid workspace name ''", "wiz_ws\r"),
            ("Display name", &display_line),
            (
                "invalid display name: it must be 1-64 printable characters",
                "Wizard made\r",
            ),
            ("Mode", "\r"),
            ("Description", &description_line),
            (
                "description is too long: 3001 characters, at most 3000",
                "fine\r",
            ),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    // Each reason was shown while the wizard was still asking: before the next question.
    let at = |needle: &str| {
        r.stdout
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not shown: {}", r.stdout))
    };
    assert!(at("workspace fin_ws already exists") < at("Display name"));
    assert!(at("invalid display name") < at("Mode"));
    // The wizard's advice is what can be done at its prompt: no flag of the command line.
    assert!(
        at("workspace fin_ws already exists: choose another name") < at("Display name"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("--if-not-exists"), "{}", r.stdout);
    assert!(
        r.stdout.contains("Created workspace wiz_ws."),
        "{}",
        r.stdout
    );
    let w = env.json(&["workspace", "show", "wiz_ws", "-o", "json"]);
    assert_eq!(
        (
            w["display_name"].clone(),
            w["mode"].clone(),
            w["description"].clone()
        ),
        (json!("Wizard made"), json!("standard"), json!("fine"))
    );
    // Only the workspace and its owner were added (one event); fin_ws and old_ws are as
    // they were.
    let after = env.rows();
    let mut added = Vec::new();
    for (table, before) in &rows {
        let now = &after[table];
        assert!(before.iter().all(|r| now.contains(r)), "{table}");
        if now.len() != before.len() {
            added.push((table.as_str(), now.len() - before.len()));
        }
    }
    assert_eq!(added, [("member", 1), ("workspace", 1)]);
    assert_eq!(
        env.last_event().key(),
        (
            "root",
            "workspace.create",
            Some("wiz_ws"),
            Some("wiz_ws"),
            "ok"
        )
    );
}

#[test]
fn the_wizard_tells_an_actor_who_may_not_create_workspaces_before_asking() {
    let env = setup();
    let rows = env.rows();
    let r = env.pty(
        &["--color", "never", "--as", "alice", "workspace", "create"],
        &[],
    );
    assert_eq!(r.code, 5, "{}", r.stdout);
    assert!(r.stdout.contains("create workspaces"), "{}", r.stdout);
    assert!(!r.stdout.contains("Workspace name"), "{}", r.stdout);
    assert_eq!(env.rows(), rows);
    let e = env.last_event();
    assert_eq!(
        (e.actor.as_str(), e.action.as_str(), e.outcome.as_str()),
        ("alice", "workspace.create", "denied")
    );
}

/// The terminal's modes after an interrupted prompt, as `stty -a` reports them on the same
/// terminal: echo and line editing are back, whichever prompt was interrupted.
#[test]
fn ctrl_c_at_any_prompt_gives_the_terminal_back_its_echo_and_line_mode() {
    let env = setup().with_var("TERM", "xterm-256color");
    let rows = env.rows();
    let events = env.events();
    let mysql = [
        "datasource",
        "add",
        "fin_ws",
        "orders",
        "--type",
        "mysql",
        "--prop",
        "address=db",
        "--prop",
        "database=x",
        "--prop",
        "username=u",
    ];
    let hidden: Vec<&str> = mysql
        .iter()
        .copied()
        .chain(["--prop", "password=-"])
        .collect();
    let open: Vec<&str> = mysql
        .iter()
        .copied()
        .chain(["--prop", "password=p", "--prop", "extra.x=-"])
        .collect();
    type Steps<'a> = Vec<(&'a str, &'a str)>;
    let cases: Vec<(Vec<&str>, Steps)> = vec![
        // A secret, half typed: not echoed while typed, nor kept.
        (
            hidden,
            vec![("password for orders (prod)", "half-typed-S3cr3t")],
        ),
        (open, vec![("extra.x for orders (prod)", "half")]),
        (vec!["workspace", "create"], vec![("Workspace name", "wiz")]),
        (
            vec!["workspace", "create"],
            vec![
                ("Workspace name", "wiz_ws\r"),
                ("Display name", "\r"),
                ("Mode", ""),
            ],
        ),
        (
            vec!["workspace", "upgrade", "lab_ws"],
            vec![("Upgrade lab_ws", "")],
        ),
        (vec!["member", "add", "fin_ws", "bob"], vec![("Roles", "")]),
    ];
    for (args, mut steps) in cases {
        // The shell outlives the Ctrl-C (a trap, which dwctl does not inherit: SIGINT is
        // back to its default in dwctl, as from an interactive shell).
        let line = format!(
            "trap 'true' INT; {}; echo \"rc=$?\"; stty -a",
            Env::shell_line(&args)
        );
        let last = steps.last().map(|s| s.0).unwrap_or("");
        let wait = if last == "Mode" || last == "Roles" || last.starts_with("Upgrade") {
            HIDE_CURSOR
        } else {
            last
        };
        steps.push((wait, CTRL_C));
        let r = env.pty_line(&line, &steps);
        assert!(r.stdout.contains("rc=130"), "{args:?}: {}", r.stdout);
        let after = &r.stdout[r.stdout.find("rc=130").unwrap()..];
        let modes: Vec<&str> = after.split_whitespace().collect();
        for mode in ["echo", "icanon", "isig"] {
            assert!(
                modes.contains(&mode) && !modes.contains(&format!("-{mode}").as_str()),
                "{args:?}: {mode} is off after Ctrl-C: {after}"
            );
        }
        let shown = r.stdout.rfind(SHOW_CURSOR);
        assert!(
            shown.is_some() && shown > r.stdout.rfind(HIDE_CURSOR),
            "{args:?}: the cursor is left hidden"
        );
        assert!(!r.stdout.contains("half-typed-S3cr3t"), "{}", r.stdout);
        assert_eq!(
            (env.rows(), env.events()),
            (rows.clone(), events.clone()),
            "{args:?}"
        );
    }
}
