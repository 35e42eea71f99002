//! Settings: flag > environment > config file > default (cli.md 2), config-file errors,
//! `--no-config`, and where `whoami` says the actor came from.

use crate::harness::*;
use clap::CommandFactory;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The default config file when HOME is the temp folder.
fn default_config(env: &Env) -> PathBuf {
    env.path().join(".config/dwctl/config.toml")
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The command with the config file in play (the harness turns it off).
fn with_config(env: &Env, args: &[&str]) -> Command {
    let mut c = env.cmd(args);
    c.env_remove("DWCTL_NO_CONFIG");
    c
}

/// Which format stdout is in, for `user list` with one principal.
fn format_of(stdout: &str) -> &'static str {
    if stdout.starts_with("[\n{") {
        "json"
    } else if stdout.starts_with("{\"id\"") {
        "jsonl"
    } else if stdout.starts_with("id,name,kind") {
        "csv"
    } else if stdout.starts_with(" ID") {
        "table"
    } else {
        panic!("unknown format:\n{stdout}")
    }
}

#[test]
fn output_format_flag_then_env_then_config_then_default() {
    let env = Env::new();
    let run = |flag: bool, var: bool, config: bool| {
        let mut args = vec!["user", "list"];
        if flag {
            args.extend(["-o", "json"]);
        }
        let mut c = with_config(&env, &args);
        if var {
            c.env("DWCTL_OUTPUT", "jsonl");
        }
        if config {
            write(&default_config(&env), "output = \"csv\"\n");
        } else {
            let _ = std::fs::remove_file(default_config(&env));
        }
        let r = Env::output(c);
        assert_eq!(r.code, 0, "{}", r.stderr);
        format_of(&r.stdout)
    };
    assert_eq!(run(true, true, true), "json");
    assert_eq!(run(false, true, true), "jsonl");
    assert_eq!(run(false, false, true), "csv");
    assert_eq!(run(false, false, false), "table");
    assert_eq!(run(true, false, false), "json");
    // --output and -o are the same flag, and the value is case-insensitive in env/config.
    let mut c = with_config(&env, &["user", "list"]);
    c.env("DWCTL_OUTPUT", "JSONL");
    assert_eq!(format_of(Env::output(c).ok()), "jsonl");
}

#[test]
fn actor_flag_then_env_then_config_then_the_account() {
    // The file catalog's model of who is acting (on PostgreSQL the login decides: copy::pg).
    if file_only() {
        return;
    }
    let env = Env::new();
    for u in ["alice", "bob", "carol"] {
        env.run(&["user", "add", u]).ok();
    }
    write(&default_config(&env), "actor = \"carol\"\n");
    let whoami = |flag: Option<&str>, var: Option<&str>| {
        let mut args = vec!["whoami", "-o", "json"];
        if let Some(f) = flag {
            args.extend(["--as", f]);
        }
        let mut c = with_config(&env, &args);
        if let Some(v) = var {
            c.env("DWCTL_ACTOR", v);
        }
        let v = Env::output(c).json();
        (
            v["actor"].as_str().unwrap().to_string(),
            v["source"].as_str().unwrap().to_string(),
        )
    };
    let pair = |a: &str, s: &str| (a.to_string(), s.to_string());
    assert_eq!(whoami(Some("alice"), Some("bob")), pair("alice", "flag"));
    assert_eq!(whoami(None, Some("bob")), pair("bob", "env"));
    assert_eq!(whoami(None, None), pair("carol", "config"));
    std::fs::remove_file(default_config(&env)).unwrap();
    assert_eq!(whoami(None, None), pair("root", "default"));
    // An actor named by id.
    let id = env.json(&["user", "show", "bob", "-o", "json"])["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(whoami(Some(&id), None), pair("bob", "flag"));
    // The config's actor really acts: a change is audited under its name.
    write(&default_config(&env), "actor = \"carol\"\n");
    let c = with_config(&env, &["workspace", "create", "carol_ws"]);
    Env::output(c).fails(5, "carol may not create workspaces");
    assert_eq!(env.last_event().actor, "carol");
}

#[test]
fn an_actor_that_is_not_a_principal_is_exit_5_before_anything_is_read() {
    let env = Env::new();
    let rows = env.rows();
    let events = env.events();
    for args in [
        &["--as", "mallory", "workspace", "list"][..],
        &["--as", "mallory", "workspace", "create", "mal_ws"],
        &["--as", "9999", "whoami"],
    ] {
        let r = env.run(args);
        r.fails(5, "not a principal of this tenant");
        assert!(
            r.stderr
                .contains("hint: name an existing principal with --as"),
            "{}",
            r.stderr
        );
        assert_eq!(r.stdout, "");
    }
    let mut c = env.cmd(&["workspace", "list"]);
    c.env("DWCTL_ACTOR", "mallory");
    Env::output(c).fails(5, "unknown actor 'mallory'");
    assert_eq!(env.rows(), rows);
    // Nobody to record as the actor: no event.
    assert_eq!(env.events(), events);
}

#[test]
fn catalog_flag_then_env_then_config_then_the_default_path() {
    if file_only() {
        return;
    }
    let env = Env::empty();
    let init = |name: &str, id: &str| {
        let p = env.path().join(name);
        env.run(&["--catalog", p.to_str().unwrap(), "init", "--account-id", id])
            .ok();
        p
    };
    let flag = init("flag.db", "1111111111111111");
    let var = init("env.db", "2222222222222222");
    let cfg = init("cfg.db", "3333333333333333");
    write(
        &default_config(&env),
        &format!("catalog = \"{}\"\n", cfg.display()),
    );
    let account = |use_flag: bool, use_env: bool| {
        let mut args = vec!["whoami", "-o", "json"];
        let f = flag.to_str().unwrap().to_string();
        if use_flag {
            args.extend(["--catalog", &f]);
        }
        let mut c = with_config(&env, &args);
        c.env_remove("DWCTL_CATALOG");
        if use_env {
            c.env("DWCTL_CATALOG", &var);
        }
        let r = Env::output(c);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.json()["account_id"].as_str().unwrap().to_string()
    };
    assert_eq!(account(true, true), "1111111111111111");
    assert_eq!(account(false, true), "2222222222222222");
    assert_eq!(account(false, false), "3333333333333333");
    std::fs::remove_file(default_config(&env)).unwrap();
    let default = account(false, false);
    assert!(
        !["1111111111111111", "2222222222222222", "3333333333333333"].contains(&default.as_str())
    );
    assert!(env.path().join(".local/share/dwctl/catalog.db").exists());
}

#[test]
fn config_file_flag_then_env_then_the_default_location() {
    let env = Env::new();
    write(&default_config(&env), "output = \"csv\"\n");
    write(&env.path().join("env.toml"), "output = \"jsonl\"\n");
    write(&env.path().join("flag.toml"), "output = \"json\"\n");
    let run = |flag: bool, var: bool| {
        let mut args = vec!["user", "list"];
        if flag {
            args.extend(["--config", "flag.toml"]);
        }
        let mut c = with_config(&env, &args);
        if var {
            c.env("DWCTL_CONFIG", env.path().join("env.toml"));
        }
        let r = Env::output(c);
        assert_eq!(r.code, 0, "{}", r.stderr);
        format_of(&r.stdout)
    };
    assert_eq!(run(true, true), "json");
    assert_eq!(run(false, true), "jsonl");
    assert_eq!(run(false, false), "csv");
    // A missing default config file is fine; a missing named one is an error.
    std::fs::remove_file(default_config(&env)).unwrap();
    assert_eq!(run(false, false), "table");
    let c = with_config(&env, &["--config", "nope.toml", "user", "list"]);
    let r = Env::output(c);
    r.fails(2, "error: cannot read config file nope.toml");
}

#[test]
fn config_file_errors_name_the_file_and_the_line_and_change_nothing() {
    let env = Env::new();
    let path = default_config(&env);
    let before = env.bytes();
    let cases = [
        (
            "# team settings\noutput = \"json\"\nbogus = 1\n",
            format!("error: {}:3:1: unknown field `bogus`", path.display()),
        ),
        (
            "output = \"json\"\n\noutput_format = \"csv\"\n",
            format!(
                "error: {}:3:1: unknown field `output_format`",
                path.display()
            ),
        ),
        (
            "actor = \"root\"\noutput = \"yaml\"\n",
            format!(
                "error: {}:2: output: invalid output format 'yaml'",
                path.display()
            ),
        ),
        (
            "\n\ncolor = \"purple\"\n",
            format!(
                "error: {}:3: color: invalid colour choice 'purple'",
                path.display()
            ),
        ),
        (
            "lock_timeout = -5\n",
            format!(
                "error: {}:1: lock_timeout: invalid lock timeout -5",
                path.display()
            ),
        ),
        (
            "lock_timeout = \"soon\"\n",
            format!(
                "error: {}:1:16: invalid type: string \"soon\"",
                path.display()
            ),
        ),
        (
            "output = \"json\"\nthis is not toml\n",
            format!("error: {}:2:", path.display()),
        ),
    ];
    for (text, want) in cases {
        write(&path, text);
        for args in [&["user", "list"][..], &["user", "add", "alice"]] {
            let r = Env::output(with_config(&env, args));
            r.fails(2, &want);
            assert_eq!(r.stdout, "", "{text}");
        }
        assert_eq!(env.bytes(), before, "{text}");
    }
    // The hint lists the keys for an unknown one.
    write(&path, "bogus = 1\n");
    let r = Env::output(with_config(&env, &["user", "list"]));
    assert!(
        r.stderr
            .contains("hint: the config file takes: catalog, actor, output, color, lock_timeout"),
        "{}",
        r.stderr
    );
}

#[test]
fn no_config_ignores_the_config_file() {
    let env = Env::new();
    write(&default_config(&env), "bogus = 1\n");
    Env::output(with_config(&env, &["whoami"])).fails(2, "unknown field `bogus`");
    assert_eq!(
        format_of(Env::output(with_config(&env, &["--no-config", "user", "list"])).ok()),
        "table"
    );
    for v in ["1", "true"] {
        let mut c = with_config(&env, &["user", "list"]);
        c.env("DWCTL_NO_CONFIG", v);
        assert_eq!(format_of(Env::output(c).ok()), "table");
    }
    for v in ["0", "false"] {
        let mut c = with_config(&env, &["user", "list"]);
        c.env("DWCTL_NO_CONFIG", v);
        Env::output(c).fails(2, "unknown field `bogus`");
    }
    // Set but empty is a mistake, not "off" (see empty_settings_are_usage_errors).
    let mut c = with_config(&env, &["user", "list"]);
    c.env("DWCTL_NO_CONFIG", "");
    Env::output(c).fails(2, "DWCTL_NO_CONFIG is set but empty");
    // --no-config wins over --config too.
    write(&env.path().join("x.toml"), "output = \"json\"\n");
    let c = with_config(&env, &["--no-config", "--config", "x.toml", "user", "list"]);
    assert_eq!(format_of(Env::output(c).ok()), "table");
}

#[test]
fn bad_values_in_the_environment_are_usage_errors() {
    let env = Env::new();
    let before = env.bytes();
    let cases = [
        ("DWCTL_OUTPUT", "yaml", "invalid output format 'yaml'"),
        ("DWCTL_NOW", "tomorrow", "invalid timestamp 'tomorrow'"),
        ("DWCTL_LOCK_TIMEOUT", "soon", "invalid lock timeout 'soon'"),
        (
            "DWCTL_SEED",
            "seven",
            "DWCTL_SEED is set to 'seven', which is not a whole number",
        ),
        (
            "DWCTL_SEED",
            "-1",
            "DWCTL_SEED is set to '-1', which is not a whole number",
        ),
        (
            "DWCTL_SEED",
            "18446744073709551616",
            "DWCTL_SEED is set to '18446744073709551616', which is not a whole number",
        ),
    ];
    for (k, v, want) in cases {
        let mut c = env.cmd(&["user", "add", "alice"]);
        c.env(k, v);
        Env::output(c).fails(2, want);
    }
    env.run(&["-o", "yaml", "user", "list"])
        .fails(2, "invalid value 'yaml' for '--output <FORMAT>'");
    assert_eq!(env.bytes(), before);
}

#[test]
fn blank_settings_are_usage_errors_too() {
    let env = Env::new();
    let before = env.bytes();
    let events = env.events();
    // Blanks only (a stray space, a quoted empty expansion with a newline) are no more a
    // value than the empty string: DWCTL_CATALOG=" " once created a catalog named " ".
    for var in [
        "DWCTL_CATALOG",
        "DWCTL_CONFIG",
        "DWCTL_NO_CONFIG",
        "DWCTL_ACTOR",
        "DWCTL_OUTPUT",
        "DWCTL_NO_INPUT",
        "DWCTL_LOCK_TIMEOUT",
        "DWCTL_NOW",
        "DWCTL_SEED",
        "DWCTL_NO_MODE_CHECK",
    ] {
        for value in [" ", "\t", " \n "] {
            for args in [
                &["init", "--account-id", "1234567890123456"][..],
                &["user", "add", "carol"],
                &["--as", "root", "-o", "json", "workspace", "list"],
            ] {
                let mut c = env.cmd(args);
                c.env(var, value);
                let r = Env::output(c);
                let text = format!("{var} is set but blank (only whitespace)");
                if args.contains(&"json") {
                    assert_eq!(r.code, 2, "{var}={value:?}: {}", r.stderr);
                    assert_eq!(r.json_error()["message"], json!(text));
                } else {
                    r.fails(2, &format!("error: {text}"));
                    assert!(r
                        .stderr
                        .contains(&format!("hint: give {var} a value, or unset it")));
                }
                assert_eq!(r.stdout, "", "{var}={value:?}");
            }
        }
    }
    assert_eq!(env.bytes(), before);
    assert_eq!(env.events(), events);
    let strays: Vec<_> = std::fs::read_dir(env.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().trim().is_empty() || n == ".local")
        .collect();
    assert!(strays.is_empty(), "catalogs written: {strays:?}");
    // The config file's catalog likewise.
    let cfg = default_config(&env);
    write(&cfg, "catalog = \"  \"\n");
    let mut c = with_config(&env, &["init", "--account-id", "1234567890123456"]);
    c.env_remove("DWCTL_CATALOG");
    Env::output(c).fails(2, ":1: catalog: the catalog path is empty or blank");
    assert!(!env.path().join("  ").exists());
}

#[test]
fn an_on_off_setting_takes_on_or_off_and_nothing_else() {
    let env = Env::new();
    let before = env.bytes();
    let events = env.events();
    // A typo must not turn a safety check off (DWCTL_NO_MODE_CHECK), nor drop the config
    // file and with it its actor (DWCTL_NO_CONFIG).
    for var in ["DWCTL_NO_CONFIG", "DWCTL_NO_INPUT", "DWCTL_NO_MODE_CHECK"] {
        for value in ["flase", "2", "\u{1b}[2J"] {
            let mut c = env.cmd(&["user", "add", "carol"]);
            c.env(var, value);
            let r = Env::output(c);
            r.fails(2, &format!("error: {var} is set to '"));
            assert!(
                r.stderr.contains("which is neither on nor off"),
                "{}",
                r.stderr
            );
            assert!(!r.stderr.contains('\u{1b}'), "{}", r.stderr);
        }
        for value in ["1", "TRUE", "on", "0", "no", "Off"] {
            let mut c = env.cmd(&["user", "list"]);
            c.env(var, value);
            Env::output(c).ok();
        }
    }
    assert_eq!(env.bytes(), before);
    assert_eq!(env.events(), events);
}

#[test]
fn empty_settings_are_usage_errors() {
    let env = Env::new();
    let before = env.bytes();
    let events = env.events();
    // Every DWCTL_ setting under ENVIRONMENT, set to the empty string, with and without the
    // flag that would override it: exit 2 naming it, nothing read or written (no catalog
    // at the default path either).
    for var in [
        "DWCTL_CATALOG",
        "DWCTL_CONFIG",
        "DWCTL_NO_CONFIG",
        "DWCTL_ACTOR",
        "DWCTL_OUTPUT",
        "DWCTL_NO_INPUT",
        "DWCTL_LOCK_TIMEOUT",
        "DWCTL_NOW",
        "DWCTL_SEED",
    ] {
        for args in [
            &["user", "add", "carol"][..],
            &["--as", "root", "workspace", "list"],
        ] {
            let mut c = env.cmd(args);
            c.env(var, "");
            let r = Env::output(c);
            r.fails(2, &format!("error: {var} is set but empty"));
            assert!(r
                .stderr
                .contains(&format!("hint: give {var} a value, or unset it")));
            assert_eq!(r.stdout, "", "{var}");
        }
    }
    assert_eq!(env.bytes(), before);
    assert_eq!(env.events(), events);
    assert!(
        !env.path().join(".local").exists(),
        "a catalog at the default path"
    );
    // Under -o json the error is JSON too.
    let mut c = env.cmd(&["-o", "json", "workspace", "list"]);
    c.env("DWCTL_ACTOR", "");
    let e = Env::output(c).json_error();
    assert_eq!(e["message"], json!("DWCTL_ACTOR is set but empty"));
    // CI, NO_COLOR and CLICOLOR_FORCE keep their own conventions: empty is unset.
    for var in ["CI", "NO_COLOR", "CLICOLOR_FORCE"] {
        let mut c = env.cmd(&["user", "list"]);
        c.env(var, "");
        Env::output(c).ok();
    }
    // An empty or impossible actor from any source is bad input, not an unknown actor.
    env.run(&["--as", "", "workspace", "list"])
        .fails(2, "error: --as: invalid principal name ''");
    let long = "m".repeat(100_000);
    let r = env.run(&["--as", &long, "workspace", "list"]);
    r.fails(2, "error: --as: invalid principal name 'mmmm");
    assert!(r.stderr.len() < 4096, "{}", r.stderr.len());
    let mut c = env.cmd(&["workspace", "list"]);
    c.env("DWCTL_ACTOR", "\u{1b}]0;x\u{7}");
    let r = Env::output(c);
    r.fails(
        2,
        "error: DWCTL_ACTOR: invalid principal name '\\u001b]0;x\\u0007'",
    );
    let cfg = default_config(&env);
    for (text, want) in [
        ("actor = \"\"\n", ":1: actor: invalid principal name ''"),
        ("catalog = \"\"\n", ":1: catalog: the catalog path is empty"),
    ] {
        write(&cfg, text);
        let mut c = with_config(&env, &["workspace", "list"]);
        c.env_remove("DWCTL_CATALOG");
        Env::output(c).fails(2, want);
    }
    assert!(
        !env.path().join(".local").exists(),
        "a catalog at the default path"
    );
}

#[test]
fn hostile_settings_are_escaped_and_cut_in_messages() {
    let env = Env::new();
    let before = env.bytes();
    let hostile = format!("\u{1b}]0;pwned\u{7}{}", "a".repeat(100_000));
    let check = |r: Run, what: &str| {
        assert!(r.code == 2 || r.code == 7, "{what}: exit {}", r.code);
        assert!(r.stderr.len() < 4096, "{what}: {} bytes", r.stderr.len());
        assert!(
            !r.stderr.chars().any(|c| c.is_control() && c != '\n'),
            "{what}: {:?}",
            &r.stderr[..r.stderr.len().min(300)]
        );
        assert_eq!(r.stdout, "", "{what}");
    };
    for flag in ["--catalog", "--config", "--as"] {
        check(
            Env::output(with_config(&env, &[flag, &hostile, "workspace", "list"])),
            flag,
        );
    }
    for var in [
        "DWCTL_CATALOG",
        "DWCTL_CONFIG",
        "DWCTL_ACTOR",
        "DWCTL_OUTPUT",
        "DWCTL_LOCK_TIMEOUT",
        "DWCTL_NOW",
    ] {
        let mut c = env.cmd(&["workspace", "list"]);
        c.env(var, &hostile);
        c.env_remove("DWCTL_NO_CONFIG");
        check(Env::output(c), var);
    }
    let cfg = default_config(&env);
    write(&cfg, &format!("actor = \"{}\"\n", "a".repeat(100_000)));
    check(
        Env::output(with_config(&env, &["workspace", "list"])),
        "config actor",
    );
    // An unknown key or a value of the wrong type, which the TOML parser quotes: cut too.
    for text in [
        format!("{} = 1\n", "k".repeat(100_000)),
        format!("mode_check = \"{}\"\n", "k".repeat(100_000)),
    ] {
        write(&cfg, &text);
        let r = Env::output(with_config(&env, &["workspace", "list"]));
        r.fails(2, &format!("{}…", "k".repeat(64)));
        assert!(r.stderr.len() < 512, "{} bytes", r.stderr.len());
    }
    assert_eq!(env.bytes(), before);
}

#[test]
fn whoami_shows_the_actor_its_rights_and_its_roles() {
    // The file catalog's model of who is acting (on PostgreSQL the login decides: copy::pg).
    if file_only() {
        return;
    }
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    env.run(&["user", "add", "fa", "--full-access"]).ok();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    env.run(&["member", "add", "fin_ws", "alice", "--role", "dev,analyst"])
        .ok();
    let root = env.json(&["whoami", "-o", "json"]);
    assert_eq!(
        root,
        json!({
            "actor": "root", "actor_id": ACCOUNT, "kind": "account", "full_access": true,
            "source": "default", "account_id": ACCOUNT, "region": "cn-hangzhou",
            "tenant_rights": ["workspace.create", "workspace.lifecycle", "workspace.upgrade",
                "user.manage", "resourcegroup.manage", "workspace.see_all", "audit.read_all",
                "user.db_role"],
            "workspaces": [
                {"workspace": DEFAULT_WS, "roles": ["role_project_owner"]},
                {"workspace": "fin_ws", "roles": ["role_project_owner"]}
            ]
        })
    );
    let alice = env.json(&["--as", "alice", "whoami", "-o", "json"]);
    assert_eq!(alice["kind"], "ram-user");
    assert_eq!(alice["full_access"], false);
    assert_eq!(alice["source"], "flag");
    assert_eq!(alice["tenant_rights"], json!([]));
    assert_eq!(
        alice["workspaces"],
        json!([{"workspace": "fin_ws", "roles": ["role_project_dev", "role_project_data_analyst"]}])
    );
    let fa = env.json(&["--as", "fa", "whoami", "-o", "json"]);
    assert_eq!(
        fa["tenant_rights"],
        json!([
            "workspace.create",
            "workspace.lifecycle",
            "user.manage",
            "resourcegroup.manage",
            "workspace.see_all",
            "audit.read_all"
        ])
    );
    // The table form names the same things.
    let t = env.run(&["--as", "alice", "whoami"]);
    assert!(t.ok().contains(" source         flag\n"), "{}", t.stdout);
    assert!(
        t.stdout
            .contains(" workspaces     fin_ws: role_project_dev, role_project_data_analyst"),
        "{}",
        t.stdout
    );
}

/// A subcommand's own argument with the id of a global one is merged with it by clap:
/// `audit list --actor X` once acted as X. No command may reuse a global id.
#[test]
fn no_command_argument_shares_an_id_with_a_global_option() {
    let cmd = dwctl::cli::Cli::command();
    let globals: Vec<String> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .map(|a| a.get_id().to_string())
        .collect();
    assert!(globals.contains(&"actor".to_string()), "{globals:?}");
    fn walk(c: &clap::Command, path: String, globals: &[String], bad: &mut Vec<String>) {
        for s in c.get_subcommands() {
            let p = format!("{path} {}", s.get_name());
            for a in s.get_arguments() {
                if !a.is_global_set() && globals.contains(&a.get_id().to_string()) {
                    bad.push(format!("{p}: {}", a.get_id()));
                }
            }
            walk(s, p, globals, bad);
        }
    }
    let mut bad = Vec::new();
    walk(&cmd, "dwctl".into(), &globals, &mut bad);
    assert_eq!(bad, Vec::<String>::new());
}

/// An argument value dwctl refuses (clap parses it into its domain type) is reported as
/// dwctl's error, after clap's usage errors and the settings' errors, in the format the
/// settings ask for, whichever side of it the global options are.
#[test]
fn a_refused_argument_is_reported_with_the_settings_of_the_whole_line() {
    let env = Env::new();
    let json = env.run(&["workspace", "show", "ab", "-o", "json"]);
    assert_eq!(json.code, 2);
    assert!(
        json.stderr
            .starts_with(r#"{"error":{"code":"invalid_input","exit_code":2,"message":"invalid workspace name 'ab'""#),
        "{}",
        json.stderr
    );
    // A bad actor after the refused value is the settings' error, reported first.
    let actor = env.run(&["workspace", "show", "ab", "--as", "bad actor"]);
    assert_eq!(actor.code, 2);
    assert!(
        actor
            .stderr
            .starts_with("error: --as: invalid principal name"),
        "{}",
        actor.stderr
    );
    // clap's own errors and help come first.
    let missing = env.run(&["member", "add", "ab"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("required"), "{}", missing.stderr);
    let help = env.run(&["workspace", "show", "ab", "--help"]);
    assert_eq!(help.code, 0, "{}", help.stderr);
    assert!(
        help.stdout.contains("Show one workspace"),
        "{}",
        help.stdout
    );
    // The plain case: dwctl's message and hint, nothing of clap's.
    let plain = env.run(&["member", "list", "fin ws"]);
    assert_eq!(plain.code, 2);
    assert_eq!(
        plain.stderr,
        "error: invalid workspace name 'fin ws'\nhint: a workspace name is 3-28 characters of A-Z, a-z, 0-9 and _, starting with a letter, e.g. finance_tax_report\n"
    );
}
