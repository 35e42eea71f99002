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
    }
    assert!(!env.catalog.exists(), "--help opened the catalog");
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
