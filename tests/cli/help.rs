//! Help: every command, found by walking the clap definition, has a one-line summary and
//! examples; the top level documents every exit code and environment variable.

use crate::harness::*;
use clap::CommandFactory;

/// Every command path below the top (`["workspace", "create"]`), clap's `help` excluded.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: &[String], out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands() {
            if sub.get_name() == "help" || sub.is_hide_set() {
                continue;
            }
            let mut p = path.to_vec();
            p.push(sub.get_name().to_string());
            out.push(p.clone());
            walk(sub, &p, out);
        }
    }
    let mut out = vec![Vec::new()];
    walk(&dwctl::cli::Cli::command(), &[], &mut out);
    out
}

#[test]
fn every_command_has_a_summary_and_examples() {
    let env = Env::empty();
    let paths = command_paths();
    assert!(paths.len() > 40, "{paths:?}");
    assert!(paths.contains(&vec!["workspace".to_string(), "create".to_string()]));
    let root = dwctl::cli::Cli::command();
    let globals = global_flags();
    assert_eq!(globals.len(), 10, "{globals:?}");
    for path in &paths {
        let mut cmd = &root;
        for name in path {
            cmd = cmd.find_subcommand(name).unwrap();
        }
        let about = cmd.get_about().map(|a| a.to_string()).unwrap_or_default();
        assert!(
            !about.is_empty() && !about.contains('\n'),
            "{path:?} needs a one-line summary (its doc comment), got {about:?}"
        );

        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let r = env.run(&args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(
            r.stdout.contains("EXAMPLES:\n  dwctl"),
            "dwctl {} --help has no examples:\n{}",
            path.join(" "),
            r.stdout
        );
        assert!(r.stderr.is_empty(), "{args:?}: {}", r.stderr);
        options_apart_from_global_ones(&args, &r.stdout, &globals);
    }
    assert!(!env.exists(), "--help opened the catalog");
}

/// The long names of the options every command takes (`--catalog`, ...).
fn global_flags() -> Vec<String> {
    dwctl::cli::Cli::command()
        .get_arguments()
        .filter(|a| a.is_global_set() && !a.is_hide_set())
        .map(|a| format!("--{}", a.get_long().unwrap()))
        .collect()
}

/// A help text's `Options:` hold the command's own options (and --help, --version) and
/// none of the global ones, which are all under `Global options:`.
#[track_caller]
fn options_apart_from_global_ones(args: &[&str], help: &str, globals: &[String]) {
    let section = |heading: &str| -> Vec<String> {
        let Some(start) = help.find(&format!("\n{heading}:\n")) else {
            return Vec::new();
        };
        help[start + heading.len() + 3..]
            .lines()
            .take_while(|l| l.is_empty() || l.starts_with(' '))
            .filter_map(|l| {
                let l = l.trim_start();
                let l = l
                    .strip_prefix('-')
                    .filter(|r| !r.starts_with('-'))
                    .map_or(l, |r| r.split_once(", ").map_or(l, |(_, long)| long));
                l.starts_with("--")
                    .then(|| l.split([' ', '=']).next().unwrap().to_string())
            })
            .collect()
    };
    let own = section("Options");
    let global = section(dwctl::cli::GLOBAL_OPTIONS);
    assert!(
        own.contains(&"--help".to_string()),
        "{args:?}: {own:?}\n{help}"
    );
    for g in globals {
        assert!(
            !own.contains(g),
            "{args:?}: {g} among the command's own options\n{help}"
        );
        assert!(
            global.contains(g),
            "{args:?}: {g} not under Global options\n{help}"
        );
    }
    assert_eq!(global.len(), globals.len(), "{args:?}: {global:?}");
}

#[test]
fn top_level_help_documents_exit_codes_and_environment() {
    let env = Env::empty();
    let help = env.run(&["--help"]);
    let out = help.ok();
    assert!(out.contains("EXIT STATUS:"), "{out}");
    for code in 0..=9 {
        assert!(
            out.contains(&format!("\n  {code}  ")),
            "exit code {code} is not documented"
        );
    }
    assert!(out.contains("\n  130  interrupted"), "{out}");
    // Every command whose negative answer is exit 9 is named there.
    let nine = &out[out.find("\n  9  ").unwrap()..out.find("\n  130  ").unwrap()];
    let nine = nine.split_whitespace().collect::<Vec<_>>().join(" ");
    for case in [
        "datasource test",
        "check --strict",
        "plan --exit-code",
        "audit verify found a broken chain",
        "with --expect",
    ] {
        assert!(nine.contains(case), "exit 9 omits {case}: {nine}");
    }
    assert!(out.contains("ENVIRONMENT:"));
    for var in dwctl::config::ENV_VARS
        .iter()
        .chain(&[dwctl::cli::complete::ENV_VAR])
    {
        assert!(
            out.contains(&format!("\n  {var} ")),
            "{var} is not documented"
        );
    }
}

#[test]
fn exit_status_9_names_every_negative_answer() {
    // Every command that can answer "no" with exit 9 (cli.md 4), in --help, the man page
    // and the README's table.
    let negative = [
        "datasource test",
        "check --strict",
        "plan --exit-code",
        "audit verify",
    ];
    let env = Env::empty();
    let help = env.run(&["--help"]).ok().to_string();
    let nine = help
        .split("\n  9  ")
        .nth(1)
        .and_then(|s| s.split("\n\n").next())
        .expect("an exit 9 line")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let man = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/man/dwctl.1"))
        .unwrap()
        .replace("\\-", "-");
    let man_nine = man
        .split("\n\\fB9\\fR\n")
        .nth(1)
        .and_then(|s| s.split("\n.").next())
        .expect("an exit 9 item in man dwctl")
        .to_string();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let row = readme
        .lines()
        .find(|l| l.starts_with("| 9 |"))
        .expect("exit 9 in the README")
        .replace('`', "");
    for command in negative {
        assert!(
            nine.contains(command),
            "--help's exit 9 lacks {command}: {nine}"
        );
        assert!(
            man_nine.contains(command),
            "man's exit 9 lacks {command}: {man_nine}"
        );
        assert!(
            row.contains(command),
            "README's exit 9 lacks {command}: {row}"
        );
    }
}

/// Each limit a help text states is the constant of the newtype that enforces it (doc
/// comments are literal text, so this test keeps them from drifting).
#[test]
fn help_states_the_limits_of_the_newtypes() {
    use dwctl::model::{
        Description, DisplayName, GroupName, ObjectName, PrincipalDisplayName, PrincipalName,
        Remark, WorkspaceName, MAX_TAGS,
    };
    let optional = |max: usize| format!("(0-{max} characters)");
    let cases: Vec<(&[&str], &str, String)> = vec![
        (
            &["workspace", "create"],
            "name",
            format!(
                "{}-{} of",
                WorkspaceName::MIN_CHARS,
                WorkspaceName::MAX_CHARS
            ),
        ),
        (
            &["workspace", "create"],
            "display_name",
            format!("(1-{} printable characters)", DisplayName::MAX_CHARS),
        ),
        (
            &["workspace", "update"],
            "display_name",
            format!("(1-{} printable characters)", DisplayName::MAX_CHARS),
        ),
        (
            &["workspace", "create"],
            "description",
            optional(Description::MAX_CHARS),
        ),
        (
            &["workspace", "update"],
            "description",
            optional(Description::MAX_CHARS),
        ),
        (
            &["workspace", "create"],
            "tags",
            format!("up to {MAX_TAGS})"),
        ),
        (
            &["compute", "attach"],
            "name",
            format!("1-{} of", ObjectName::MAX_CHARS),
        ),
        (
            &["compute", "attach"],
            "description",
            optional(Description::MAX_CHARS),
        ),
        (
            &["compute", "update"],
            "description",
            optional(Description::MAX_CHARS),
        ),
        (
            &["datasource", "add"],
            "name",
            format!("1-{} of", ObjectName::MAX_CHARS),
        ),
        (
            &["resourcegroup", "create"],
            "name",
            format!("1-{} of", GroupName::MAX_CHARS),
        ),
        (
            &["resourcegroup", "create"],
            "remark",
            optional(Remark::MAX_CHARS),
        ),
        (
            &["user", "add"],
            "name",
            format!("1-{} of", PrincipalName::MAX_CHARS),
        ),
        (
            &["user", "add"],
            "display_name",
            format!(
                "(0-{} printable characters)",
                PrincipalDisplayName::MAX_CHARS
            ),
        ),
    ];
    // Subcommands are built on use (`dwctl --version` need not build them).
    let mut root = dwctl::cli::Cli::command();
    root.build();
    for (path, id, want) in cases {
        let mut cmd = &root;
        for name in path {
            cmd = cmd
                .find_subcommand(name)
                .unwrap_or_else(|| panic!("{path:?}"));
        }
        let help = cmd
            .get_arguments()
            .find(|a| a.get_id() == id)
            .and_then(|a| a.get_help())
            .unwrap_or_else(|| panic!("{path:?} has no documented {id}"))
            .to_string();
        assert!(
            help.contains(&want),
            "{path:?} {id}: {help:?} should say {want:?}"
        );
    }
}
