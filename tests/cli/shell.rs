//! At home in the shell: completion scripts run in a real bash, the generated files are up
//! to date, and the man pages render.

use crate::harness::*;
use assert_cmd::cargo::cargo_bin;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir`, for "nothing was created" checks.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p.clone());
            }
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Source completions/dwctl.bash in a real bash, put `line` on the command line with the
/// cursor at its end, press TAB (call the completion function as bash would), and return
/// COMPREPLY. `dwctl` is found on PATH, as it is for a user.
fn bash_complete(cmd: Command, line: &str) -> Vec<String> {
    let words: Vec<&str> = line.split(' ').collect();
    let script = r#"
        source "$1"; shift
        COMP_WORDS=("$@")
        COMP_CWORD=$(( $# - 1 ))
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        COMP_TYPE=9
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        _clap_complete_dwctl dwctl "$cur" "$prev"
        printf '%s\n' "${COMPREPLY[@]}"
    "#;
    let mut bash = cmd;
    bash.arg("--norc")
        .arg("--noprofile")
        .arg("-c")
        .arg(script)
        .arg("bash")
        .arg(repo().join("completions/dwctl.bash"))
        .args(&words);
    let out = bash.output().expect("run bash");
    assert!(
        out.status.success(),
        "bash failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// bash with the harness's cleared environment, and the dwctl under test first on PATH.
fn bash(env: &Env) -> Command {
    let bin_dir = cargo_bin("dwctl").parent().unwrap().to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new("bash");
    c.env_clear()
        .env("HOME", env.path())
        .env("PATH", path)
        .env("DWCTL_CATALOG", &env.catalog)
        .env("DWCTL_NOW", NOW)
        .env("DWCTL_NO_CONFIG", "1")
        .current_dir(env.path());
    c
}

fn complete(env: &Env, line: &str) -> Vec<String> {
    bash_complete(bash(env), line)
}

#[track_caller]
fn has_all(got: &[String], want: &[&str]) {
    for w in want {
        assert!(got.iter().any(|g| g == w), "{w:?} not in {got:?}");
    }
}

fn catalog_with_names() -> Env {
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    env.run(&["workspace", "create", "finance_tax_report"]).ok();
    env.run(&["resourcegroup", "create", "rg_etl"]).ok();
    env
}

#[test]
fn bash_completes_verbs_and_aliases() {
    let env = Env::empty();
    assert_eq!(complete(&env, "dwctl workspace sh"), ["show"]);
    assert_eq!(complete(&env, "dwctl ws sh"), ["show"]);
    has_all(
        &complete(&env, "dwctl "),
        &["workspace", "member", "resourcegroup", "completions"],
    );
    assert_eq!(
        complete(&env, "dwctl member add ws alice --if-n"),
        ["--if-not-exists"]
    );
    assert!(!env.exists(), "completion created the catalog");
}

#[test]
fn bash_completes_enum_values() {
    let env = Env::empty();
    assert_eq!(
        complete(&env, "dwctl workspace create x --mode "),
        ["basic", "standard"]
    );
    assert_eq!(
        complete(&env, "dwctl ws update x --sod-policy "),
        ["off", "warn", "enforce"]
    );
    assert_eq!(
        complete(&env, "dwctl ws list --status "),
        ["available", "disabled", "deleted"]
    );
    assert_eq!(
        complete(&env, "dwctl -o "),
        ["table", "json", "jsonl", "csv"]
    );
    assert_eq!(
        complete(&env, "dwctl --color "),
        ["auto", "always", "never"]
    );
    assert_eq!(
        complete(&env, "dwctl user add bob --kind "),
        ["ram-user", "ram-role"]
    );
    assert_eq!(
        complete(&env, "dwctl rg create g --type s"),
        ["serverless", "scheduler"]
    );
    assert_eq!(
        complete(&env, "dwctl member role ws bob --set dev,a"),
        ["dev,admin", "dev,analyst"]
    );
    has_all(
        &complete(&env, "dwctl completions "),
        &["bash", "zsh", "fish", "powershell", "elvish"],
    );
}

#[test]
fn bash_completes_names_from_the_catalog() {
    let env = catalog_with_names();
    let before = env.bytes();
    let ws = complete(&env, "dwctl member add ");
    has_all(&ws, &[DEFAULT_WS, "finance_tax_report"]);
    assert_eq!(
        complete(&env, "dwctl member add fin"),
        ["finance_tax_report"]
    );
    // Principals that are no member yet (root owns it).
    assert_eq!(
        names(complete(&env, "dwctl member add finance_tax_report ")),
        ["alice"]
    );
    assert_eq!(complete(&env, "dwctl --as al"), ["alice"]);
    assert_eq!(complete(&env, "dwctl rg bind rg"), ["rg_etl"]);
    assert_eq!(
        complete(&env, "dwctl rg bind rg_etl fin"),
        ["finance_tax_report"]
    );
    assert_eq!(
        complete(
            &env,
            "dwctl ws update finance_tax_report --default-resource-group "
        ),
        ["default_serverless_group", "rg_etl", "none"]
    );
    assert_eq!(
        complete(&env, "dwctl audit list --workspace fin"),
        ["finance_tax_report"]
    );
    // A TAB reads; it never writes, and leaves no WAL files behind.
    assert_eq!(before, env.bytes(), "completion changed the catalog");
    let leftovers: Vec<_> = tree(env.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with("-wal") || p.to_string_lossy().ends_with("-shm"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn completion_reads_the_catalog_named_on_the_command_line() {
    let env = catalog_with_names();
    let other = env.path().join("other.db");
    let o = other.to_str().unwrap();
    env.run(&["--catalog", o, "init", "--account-id", "9999888877776666"])
        .ok();
    env.run(&["--catalog", o, "workspace", "create", "other_team"])
        .ok();
    let line = format!("dwctl --catalog {o} member add ");
    let got = complete(&env, &line);
    has_all(&got, &["default_workspace_6666", "other_team"]);
    assert!(!got.iter().any(|g| g == "finance_tax_report"), "{got:?}");
    // After the subcommand, too.
    let line = format!("dwctl member add --catalog {o} ot");
    assert_eq!(complete(&env, &line), ["other_team"]);
}

#[test]
fn completion_never_creates_a_catalog() {
    // Named but missing: no names, and still missing.
    let env = Env::empty();
    let got = complete(&env, "dwctl member add ");
    assert!(got.iter().all(|g| g.starts_with('-')), "{got:?}");
    assert!(!env.exists());

    // The default path (no --catalog, no DWCTL_CATALOG): nothing appears under HOME.
    let env = Env::empty();
    let mut cmd = bash(&env);
    cmd.env_remove("DWCTL_CATALOG");
    let got = bash_complete(cmd, "dwctl member add ");
    assert!(got.iter().all(|g| g.starts_with('-')), "{got:?}");
    assert_eq!(tree(env.path()), Vec::<PathBuf>::new());
}

#[test]
fn completions_prints_the_committed_scripts_and_opens_no_catalog() {
    let env = Env::empty();
    for (shell, file) in [
        ("bash", "dwctl.bash"),
        ("zsh", "_dwctl"),
        ("fish", "dwctl.fish"),
        ("powershell", "_dwctl.ps1"),
        ("elvish", "dwctl.elv"),
    ] {
        let mut c = env.cmd(&["completions", shell]);
        c.env_remove("DWCTL_CATALOG");
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(
            out.stderr.is_empty(),
            "{shell}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let committed = std::fs::read(repo().join("completions").join(file)).unwrap();
        assert_eq!(out.stdout, committed, "{shell}: run cargo xtask gen");
    }
    assert_eq!(
        tree(env.path()),
        Vec::<PathBuf>::new(),
        "completions created files"
    );
    env.run(&["completions", "tcsh"])
        .fails(2, "invalid value 'tcsh'");
}

#[test]
fn generated_files_are_up_to_date() {
    let problems = dwctl::gen::check(repo()).expect("read completions/ and man/");
    assert!(
        problems.is_empty(),
        "completions/ or man/ differ from the clap definition (run cargo xtask gen):\n{}",
        problems.join("\n")
    );
}

#[test]
#[allow(clippy::print_stderr)]
fn man_pages_render_without_warnings() {
    let pages: Vec<PathBuf> = std::fs::read_dir(repo().join("man"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(pages.len() > 30, "{pages:?}");
    let out = match Command::new("groff")
        .args(["-man", "-ww", "-z"])
        .args(&pages)
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            eprintln!("note: groff is not installed ({e}); skipping the man page render check");
            return;
        }
    };
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "groff warned about the man pages"
    );
}

/// The names among candidates (a TAB on an empty word offers the flags too).
fn names(got: Vec<String>) -> Vec<String> {
    got.into_iter().filter(|g| !g.starts_with('-')).collect()
}

/// A TAB offers what the actor (`--as` on the line, `DWCTL_ACTOR`) may see, as `list`
/// shows it: never a workspace it cannot see, nor what is inside one.
#[test]
fn completion_offers_only_what_the_actor_can_see() {
    let env = catalog_with_names();
    for args in [
        &["user", "add", "bob"][..],
        &["workspace", "create", "secret_ws"],
        &[
            "member",
            "add",
            "finance_tax_report",
            "bob",
            "--role",
            "dev",
        ],
        &["member", "add", "secret_ws", "alice", "--role", "dev"],
        &[
            "compute",
            "attach",
            "secret_ws",
            "mc_secret",
            "--type",
            "maxcompute",
            "--prop",
            "project=s",
        ],
    ] {
        env.run(args).ok();
    }
    // The account sees every workspace.
    has_all(
        &complete(&env, "dwctl workspace show "),
        &[DEFAULT_WS, "finance_tax_report", "secret_ws"],
    );
    // bob, a member of finance_tax_report only: by --as anywhere on the line, or
    // DWCTL_ACTOR.
    let bob = ["finance_tax_report".to_string()];
    for line in [
        "dwctl --as bob workspace show ",
        "dwctl workspace show --as bob ",
        "dwctl --as bob member list ",
        "dwctl --as bob export ",
        "dwctl --as bob check ",
        "dwctl --as bob audit list --workspace ",
        "dwctl --as bob rg bind rg_etl ",
    ] {
        assert_eq!(names(complete(&env, line)), bob, "{line}");
    }
    let mut cmd = bash(&env);
    cmd.env("DWCTL_ACTOR", "bob");
    assert_eq!(names(bash_complete(cmd, "dwctl workspace show ")), bob);
    // Nothing inside a workspace bob cannot see, even typed in full.
    for line in [
        "dwctl --as bob member remove secret_ws ",
        "dwctl --as bob compute show secret_ws ",
        "dwctl --as bob compute detach secret_ws ",
    ] {
        let got = complete(&env, line);
        assert!(got.iter().all(|g| g.starts_with('-')), "{line}: {got:?}");
    }
    // An actor that is no principal sees nothing.
    let got = complete(&env, "dwctl --as ghost workspace show ");
    assert!(got.iter().all(|g| g.starts_with('-')), "{got:?}");
}

/// Every positional argument completes its own kind: a member after `member remove W`, a
/// compute resource after `compute show W` (not a data source), workspaces for `export`
/// and `check`.
#[test]
fn each_argument_completes_its_own_kind() {
    let env = catalog_with_names();
    for args in [
        &["user", "add", "bob"][..],
        &[
            "member",
            "add",
            "finance_tax_report",
            "alice",
            "--role",
            "dev",
        ],
        &[
            "compute",
            "attach",
            "finance_tax_report",
            "mc",
            "--type",
            "maxcompute",
            "--prop",
            "project=a",
        ],
        &[
            "datasource",
            "add",
            "finance_tax_report",
            "orders",
            "--type",
            "maxcompute",
            "--prop",
            "project=b",
        ],
    ] {
        env.run(args).ok();
    }
    let ws = "finance_tax_report";
    let members = ["alice".to_string(), "root".to_string()];
    for verb in ["show", "role", "remove"] {
        assert_eq!(
            names(complete(&env, &format!("dwctl member {verb} {ws} "))),
            members,
            "member {verb}"
        );
    }
    // Principals that are no member yet, for `member add` (alice and root are members).
    assert_eq!(
        names(complete(&env, &format!("dwctl member add {ws} "))),
        ["bob"]
    );
    // In a workspace the actor cannot see, every principal: its members stay hidden.
    has_all(
        &complete(&env, "dwctl --as bob member add finance_tax_report "),
        &["alice", "bob", "root"],
    );
    // A compute resource brings a data source of its name: compute offers only mc.
    for verb in ["show", "update", "detach", "set-default"] {
        assert_eq!(
            names(complete(&env, &format!("dwctl compute {verb} {ws} "))),
            ["mc"],
            "compute {verb}"
        );
    }
    for verb in ["show", "update", "remove", "test"] {
        assert_eq!(
            names(complete(&env, &format!("dwctl datasource {verb} {ws} "))),
            ["mc", "orders"],
            "datasource {verb}"
        );
    }
    for line in [
        "dwctl export fin",
        "dwctl check fin",
        "dwctl export finance_tax_report fin",
    ] {
        assert_eq!(complete(&env, line), [ws], "{line}");
    }
    has_all(&complete(&env, "dwctl user remove "), &["alice", "bob"]);
    has_all(
        &complete(&env, "dwctl audit list --actor "),
        &["alice", "bob", "root"],
    );
    // An option that takes a file completes paths.
    std::fs::write(env.path().join("plan_me.toml"), "version = 1\n").unwrap();
    for line in [
        "dwctl apply --file plan_",
        "dwctl plan -f plan_",
        "dwctl export --all --file plan_",
        "dwctl datasource add ws d --props plan_",
        "dwctl compute update ws c --props plan_",
    ] {
        assert_eq!(complete(&env, line), ["plan_me.toml"], "{line}");
    }
}

#[test]
#[allow(clippy::print_stderr)]
fn man_pages_fit_an_80_column_terminal() {
    // What `man` shows on an 80-column terminal: no line runs past the edge (examples,
    // which man does not wrap, are the lines that could).
    let mut long = Vec::new();
    let mut pages = 0;
    for entry in std::fs::read_dir(repo().join("man")).unwrap() {
        let page = entry.unwrap().path();
        let out = match Command::new("groff")
            .args(["-man", "-Tutf8", "-rLL=80n", "-P-cbou"])
            .arg(&page)
            .env("LC_ALL", "C.UTF-8")
            .output()
        {
            Ok(o) => o,
            Err(e) => {
                eprintln!("note: groff is not installed ({e}); skipping the 80-column check");
                return;
            }
        };
        assert!(out.status.success(), "{}", page.display());
        pages += 1;
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if line.chars().count() > 80 {
                long.push(format!("{}: {line}", page.display()));
            }
        }
    }
    assert!(pages > 30, "{pages} pages");
    assert!(
        long.is_empty(),
        "lines over 80 columns:\n{}",
        long.join("\n")
    );
}

#[test]
fn zsh_instructions_say_how_compinit_finds_the_script() {
    // A script in ~/.zfunc does nothing unless that folder is on $fpath before compinit:
    // wherever the instructions are printed, they say so.
    let env = Env::empty();
    let help = env.run(&["completions", "--help"]);
    let man = std::fs::read_to_string(repo().join("man/dwctl-completions.1")).unwrap();
    for (place, text) in [("completions --help", help.ok().to_string()), ("man", man)] {
        for needle in [
            "dwctl completions zsh > ~/.zfunc/_dwctl",
            "fpath=(~/.zfunc $fpath)",
            "autoload \\-U compinit && compinit",
        ] {
            let needle = if place == "man" {
                needle.to_string()
            } else {
                needle.replace("\\-", "-")
            };
            assert!(text.contains(&needle), "{place} lacks {needle:?}:\n{text}");
        }
    }
}

/// zsh, fish and PowerShell print a candidate's description beside it: a display name
/// from the catalog (written by another tool, or before dwctl refused control characters)
/// reaches the terminal escaped there as everywhere else, never raw.
#[test]
fn completion_descriptions_escape_control_characters_from_the_catalog() {
    let env = catalog_with_names();
    let hostile = "X\u{1b}]0;pwned\u{7}\u{9b}2J\u{202e}\r\u{7f}Y";
    let hostile_sql = sql_text(hostile);
    env.sql(&format!(
        "UPDATE principal SET display_name = {hostile_sql} WHERE name = 'alice'; \
         UPDATE workspace SET display_name = {hostile_sql} WHERE name = 'finance_tax_report'"
    ));
    // (elvish shows names only)
    for shell in ["zsh", "fish", "powershell"] {
        for line in [
            &["dwctl", "user", "show", ""][..],
            &["dwctl", "workspace", "show", ""],
        ] {
            let mut c = env.cmd(&["--"]);
            c.args(line)
                .env("DWCTL_COMPLETE", shell)
                .env("_CLAP_COMPLETE_INDEX", (line.len() - 1).to_string());
            let r = Env::output(c);
            assert_eq!(r.code, 0, "{shell} {line:?}: {}", r.stderr);
            let name = if line[1] == "user" {
                "alice"
            } else {
                "finance_tax_report"
            };
            let got = r.stdout.lines().find(|l| l.contains(name));
            let got = got.unwrap_or_else(|| panic!("{shell} {line:?}: no {name} in {}", r.stdout));
            assert!(
                // (fish separates name and description with a tab)
                !got.chars()
                    .any(|c| (c.is_control() && c != '\t') || c == '\u{202e}'),
                "{shell} {line:?}: raw control character in {got:?}"
            );
            assert!(got.contains("u001b]0;pwned"), "{shell}: {got:?}");
        }
    }
}

/// `--role` offers the workspace's custom roles by name after the built-in ones, in a
/// list too, and never one already chosen.
#[test]
fn role_values_include_the_workspace_s_custom_roles() {
    let env = catalog_with_names();
    env.run(&[
        "role",
        "create",
        "finance_tax_report",
        "auditor",
        "--right",
        "properties.read",
    ])
    .ok();
    let got = complete(&env, "dwctl member add finance_tax_report alice --role aud");
    assert_eq!(got, ["auditor"]);
    let got = complete(
        &env,
        "dwctl member add finance_tax_report alice --role dev,",
    );
    has_all(&got, &["dev,auditor", "dev,ops"]);
    assert!(!got.iter().any(|g| g == "dev,dev"), "{got:?}");
    let got = complete(
        &env,
        "dwctl member add finance_tax_report alice --role auditor,",
    );
    assert!(!got.iter().any(|g| g == "auditor,auditor"), "{got:?}");
    // Another workspace has no such role.
    env.run(&["workspace", "create", "other_ws"]).ok();
    assert!(complete(&env, "dwctl member add other_ws alice --role aud").is_empty());
}
