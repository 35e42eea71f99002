//! Hostile and malformed input (quality.md R3): nearly 300 invalid invocations, each exits 2 or 3 with
//! an `error:` message, never panics, prints nothing on stdout, and leaves the catalog
//! file byte-identical.

use crate::harness::*;

/// Values that are not valid names of anything, or name nothing that exists.
fn hostile() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "a",
        "ab",
        "1abc",
        "_abc",
        "a b",
        "a\tb",
        "a\nb",
        "a\rb",
        "bell\u{7}",
        "esc\u{1b}[31mred",
        "zero\u{200b}width",
        "rtl\u{202e}txt",
        "bom\u{feff}",
        "名前",
        "café",
        "🚀🚀🚀",
        "'; DROP TABLE workspace; --",
        "Robert'); DROP TABLE principal;--",
        "\" OR 1=1 --",
        "x' OR 'x'='x",
        "%s%n%x",
        "{{name}}",
        "$(whoami)",
        "`id`",
        "../../etc/passwd",
        "C:\\Windows",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("w".repeat(29));
    v.push("x".repeat(10_000));
    v.push("é".repeat(300));
    v
}

fn check(env: &Env, args: &[&str], codes: &[i32]) {
    let r = env.run(args);
    let shown: Vec<String> = args.iter().map(|a| a.chars().take(40).collect()).collect();
    assert!(
        codes.contains(&r.code),
        "{shown:?}: exit {}\n{}",
        r.code,
        r.stderr
    );
    assert!(r.stderr.starts_with("error: "), "{shown:?}: {}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{shown:?}: {}", r.stderr);
    assert_eq!(r.stdout, "", "{shown:?}");
    // A value starting with `-` as its own argument is taken by clap for a flag, before
    // dwctl's rule for the value runs: pass it as `--flag=-1`.
    assert!(
        !r.stderr.contains("unexpected argument '-"),
        "{shown:?} tests clap, not dwctl: {}",
        r.stderr
    );
    // The message is one line: hostile input is escaped, never raw.
    let first = r.stderr.lines().next().unwrap();
    assert!(
        !first.contains('\u{1b}') && !first.contains('\u{7}'),
        "{shown:?}: {first:?}"
    );
}

#[test]
fn hostile_input_is_refused_cleanly_and_changes_no_byte() {
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    let before = env.bytes();
    let mut runs = 0;
    for x in hostile() {
        let x = x.as_str();
        // A name that could be a principal's is not found (3); any other is bad input (2).
        let could_be_principal = (1..=64).contains(&x.len())
            && x.starts_with(|c: char| c.is_ascii_alphanumeric())
            && x.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._@-".contains(c))
            && !x.chars().all(|c| c.is_ascii_digit());
        let principal: &[i32] = if could_be_principal { &[3] } else { &[2] };
        let cases: Vec<(Vec<&str>, &[i32])> = vec![
            (vec!["workspace", "create", x], &[2]),
            (vec!["workspace", "show", x], &[2, 3]),
            (vec!["user", "add", x, "--id", x], &[2]),
            (
                vec!["member", "add", DEFAULT_WS, x, "--role", "dev"],
                principal,
            ),
            (vec!["user", "show", x], principal),
            (
                vec!["--as", x, "workspace", "list"],
                if could_be_principal { &[5] } else { &[2] },
            ),
            (
                vec!["member", "add", DEFAULT_WS, "alice", "--role", x],
                &[2],
            ),
            (vec!["resourcegroup", "show", x], &[2, 3]),
            (
                vec![
                    "--as",
                    "alice",
                    "resourcegroup",
                    "create",
                    "rg_ok",
                    "--vpc",
                    x,
                ],
                &[2],
            ),
            (vec!["audit", "list", "--since", x], &[2]),
            (vec!["workspace", "update", DEFAULT_WS, "--tag", x], &[2]),
        ];
        for (args, codes) in cases {
            check(&env, &args, codes);
            runs += 1;
        }
    }
    // Other malformed values.
    let d = "d".repeat(3001);
    for args in [
        &[
            "workspace",
            "create",
            "ok_name",
            "--description",
            d.as_str(),
        ][..],
        &[
            "workspace",
            "update",
            DEFAULT_WS,
            "--display-name",
            "a\u{0085}b",
        ],
        &["resourcegroup", "create", "rg_ok", "--spec", "1"],
        &["resourcegroup", "create", "rg_ok", "--spec=-5"],
        &[
            "resourcegroup",
            "create",
            "rg_ok",
            "--spec",
            "99999999999999999999",
        ],
        &["resourcegroup", "create", "rg_ok", "--payment", "prepaid"],
        &["resourcegroup", "create", "rg_ok", "--duration", "3"],
        &["resourcegroup", "create", "rg_ok", "--type", "gpu"],
        &["resourcegroup", "create", "Serverless_res_group_1234"],
        &["--lock-timeout=-1", "workspace", "list"],
        &["--lock-timeout", "NaN", "workspace", "list"],
        &["workspace", "purge"],
        &["member", "role", DEFAULT_WS, "root"],
        &["frobnicate"],
    ] {
        check(&env, args, &[2]);
        runs += 1;
    }
    assert!(runs >= 250, "{runs}");
    assert_eq!(env.bytes(), before, "the catalog file changed");
    assert_eq!(env.events().len(), 2);
}

/// Run `c` (stdout and stderr piped) and wait for it, killing it if it has not ended after a
/// generous time: a read that never stops fails the test instead of hanging it.
fn run_guarded(mut c: std::process::Command) -> Run {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn dwctl");
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("dwctl did not stop reading an endless input");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let o = child.wait_with_output().unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// `args` with stdin fed by `yes` (an endless pipe).
fn with_endless_stdin(env: &Env, args: &[&str]) -> Run {
    use std::process::{Command, Stdio};
    let mut yes = Command::new("yes")
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn yes");
    let mut c = env.cmd(args);
    c.stdin(Stdio::from(yes.stdout.take().unwrap()));
    let r = run_guarded(c);
    let _ = yes.kill();
    let _ = yes.wait();
    r
}

#[test]
fn endless_inputs_stop_at_their_limit_with_exit_2() {
    let env = Env::new();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    let before = env.bytes();
    let redis = |extra: &[&'static str]| {
        let mut a = vec![
            "datasource",
            "add",
            "fin_ws",
            "cache",
            "--type",
            "redis",
            "--prop",
            "address=r:6379",
        ];
        a.extend_from_slice(extra);
        a
    };
    let manifest = env.path().join("m.toml");
    std::fs::write(
        &manifest,
        "version = 1\n[[workspace]]\nname = \"fin_ws\"\n[[workspace.datasource]]\nname = \"r\"\n\
         type = \"redis\"\nenv = \"prod\"\nproperties = { address = \"c\", password = { file = \"/dev/zero\" } }\n",
    )
    .unwrap();
    let value_limit = "it is longer than 16,386 bytes";
    let not_text = "it is not text (invalid UTF-8 or a NUL byte)";
    let cases: Vec<(Vec<&str>, bool, &str)> = vec![
        (
            redis(&["--prop", "password=@/dev/zero"]),
            false,
            value_limit,
        ),
        (
            redis(&["--prop", "extra.opt=@/dev/urandom"]),
            false,
            value_limit,
        ),
        (redis(&["--prop", "password=-"]), true, value_limit),
        (redis(&["--props", "/dev/zero"]), false, not_text),
        (
            redis(&["--props", "-"]),
            true,
            "it is longer than 1,048,576 bytes",
        ),
        (
            vec!["apply", "--file", "/dev/urandom", "--yes"],
            false,
            not_text,
        ),
        (vec!["plan", "--file", "/dev/zero"], false, not_text),
        (
            vec!["apply", "--file", "-", "--yes"],
            true,
            "it is longer than 268,435,456 bytes",
        ),
        (
            vec!["apply", "--file", manifest.to_str().unwrap(), "--yes"],
            false,
            value_limit,
        ),
        (
            vec!["--config", "/dev/zero", "workspace", "list"],
            false,
            not_text,
        ),
    ];
    for (args, endless_stdin, needle) in cases {
        let r = if endless_stdin {
            with_endless_stdin(&env, &args)
        } else {
            let mut c = env.cmd(&args);
            c.env_remove("DWCTL_NO_CONFIG"); // for --config
            run_guarded(c)
        };
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.starts_with("error: cannot read "),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stderr.contains(needle), "{args:?}: {}", r.stderr);
        assert_eq!(r.stdout, "", "{args:?}");
    }
    assert_eq!(env.bytes(), before, "the catalog changed");
}

#[test]
fn a_value_at_its_limit_is_read_whole_and_one_byte_more_is_refused() {
    let env = Env::new();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    // 4,096 characters of 4 bytes each and a CRLF: exactly the limit of 16,386 bytes.
    let value = "😀".repeat(4096);
    let file = env.path().join("pw.txt");
    std::fs::write(&file, format!("{value}\r\n")).unwrap();
    let at = format!("password=@{}", file.display());
    let args = [
        "datasource",
        "add",
        "fin_ws",
        "cache",
        "--type",
        "redis",
        "--prop",
        "address=r:6379",
        "--prop",
        &at,
    ];
    env.run(&args).ok();
    std::fs::write(&file, format!("{value}\r\nx")).unwrap();
    let mut again = args.to_vec();
    again[3] = "cache2";
    env.refused(&again, 2, "it is longer than 16,386 bytes");
}

#[test]
fn contradictory_flags_are_usage_errors() {
    let env = Env::new();
    for args in [
        &["user", "add", "bob"][..],
        &["workspace", "create", "fin_ws", "--tag", "c=1"],
        &["member", "add", "fin_ws", "bob", "--role", "dev"],
        &[
            "datasource",
            "add",
            "fin_ws",
            "cache",
            "--type",
            "redis",
            "--prop",
            "address=r:6379",
        ],
    ] {
        env.run(args).ok();
    }
    for (args, msg) in [
        (
            &[
                "workspace",
                "update",
                "fin_ws",
                "--tag",
                "c=3",
                "--untag",
                "c",
            ][..],
            "error: tag c is both set (--tag) and removed (--untag)",
        ),
        (
            &[
                "workspace",
                "update",
                "fin_ws",
                "--tag",
                "c=3",
                "--tag",
                "c=4",
            ],
            "error: tag c is given two values",
        ),
        (
            &[
                "workspace",
                "create",
                "new_ws",
                "--tag",
                "c=3",
                "--tag",
                "c=4",
            ],
            "error: tag c is given two values",
        ),
        (
            &[
                "member",
                "role",
                "fin_ws",
                "bob",
                "--grant",
                "ops",
                "--revoke",
                "role_project_pe",
            ],
            "error: role_project_pe is both granted (--grant) and revoked (--revoke)",
        ),
        (
            &[
                "datasource",
                "update",
                "fin_ws",
                "cache",
                "--prop",
                "database=2",
                "--unprop",
                "database",
            ],
            "error: property database is both set (--prop) and removed (--unprop)",
        ),
        (
            &[
                "datasource",
                "update",
                "fin_ws",
                "cache",
                "--prop",
                "database=2",
                "--prop",
                "database=3",
            ],
            "error: --prop database is given twice",
        ),
        (
            &[
                "datasource",
                "add",
                "fin_ws",
                "c2",
                "--type",
                "redis",
                "--prop",
                "address=r:6379",
                "--prop",
                "address=s:6379",
            ],
            "error: --prop address is given twice",
        ),
    ] {
        let r = env.refused(args, 2, msg);
        assert_eq!(r.stdout, "", "{args:?}");
    }
    // The same pair twice says the same thing twice: no contradiction.
    env.run(&[
        "workspace",
        "update",
        "fin_ws",
        "--tag",
        "c=3",
        "--tag",
        "c=3",
    ])
    .ok();
    let w = env.json(&["workspace", "show", "fin_ws", "-o", "json"]);
    assert_eq!(w["tags"], serde_json::json!({"c": "3"}));
    // A key the --props file sets and --unprop removes is set and removed too (--prop
    // over --props is a value replacing a value; --unprop over it says the opposite).
    let props = env.path().join("cache.json");
    std::fs::write(&props, r#"{"address": "r:6379", "database": "2"}"#).unwrap();
    let rows = env.rows();
    for dry_run in [false, true] {
        let mut args = vec!["datasource", "update", "fin_ws", "cache"];
        args.extend(["--props", props.to_str().unwrap(), "--unprop", "database"]);
        if dry_run {
            args.push("--dry-run");
        }
        let r = env.refused(
            &args,
            2,
            "error: property database is both set (--props) and removed (--unprop)",
        );
        assert_eq!(r.stdout, "", "{args:?}");
    }
    assert_eq!(env.rows(), rows);
}

#[test]
fn usage_errors_at_a_terminal_never_replay_escape_sequences() {
    // A terminal that takes colours: clap would style its message, and pass the argument.
    let env = Env::new().with_var("TERM", "xterm-256color");
    let osc = "--x\u{1b}]0;pwned\u{7}";
    let r = env.pty(&["workspace", "list", osc], &[]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stdout.contains("unexpected argument"), "{}", r.stdout);
    assert!(!r.stdout.contains("\u{1b}]0;pwned"), "{:?}", r.stdout);
    let long = format!("--{}", "a".repeat(100_000));
    let r = env.pty(&["workspace", "list", &long], &[]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.len() < 4096, "{} bytes", r.stdout.len());
}

/// The leaf commands of the clap definition (no `help`, nothing hidden), each with its
/// path of subcommand names: what the two walkers below try every input slot of.
fn leaves() -> Vec<(Vec<String>, clap::Command)> {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: &[String], out: &mut Vec<(Vec<String>, clap::Command)>) {
        for sub in cmd.get_subcommands() {
            if sub.get_name() == "help" || sub.is_hide_set() {
                continue;
            }
            let mut p = path.to_vec();
            p.push(sub.get_name().to_string());
            if sub.has_subcommands() {
                walk(sub, &p, out);
            } else {
                out.push((p, sub.clone()));
            }
        }
    }
    let mut root = dwctl::cli::Cli::command();
    root.build();
    let mut all = Vec::new();
    walk(&root, &[], &mut all);
    all
}

/// A catalog where every valid value of [`valid`] names something that exists.
fn corpus_env() -> Env {
    let env = Env::new();
    for args in [
        &["user", "add", "alice"][..],
        &["workspace", "create", "fin_ws"],
        &["member", "add", "fin_ws", "alice", "--role", "dev"],
        &["rg", "create", "rg_etl"],
        &[
            "ds",
            "add",
            "fin_ws",
            "orders",
            "--type",
            "redis",
            "--prop",
            "address=r:6379",
        ],
        &[
            "compute",
            "attach",
            "fin_ws",
            "mc",
            "--type",
            "maxcompute",
            "--prop",
            "project=p",
        ],
    ] {
        env.run(args).ok();
    }
    env
}

/// A valid value for the positional slot `id` of the command at `path`.
fn valid(id: &str, path: &[String]) -> &'static str {
    match id {
        "workspace" | "workspaces" => "fin_ws",
        "user" => "alice",
        "group" => "rg_etl",
        "role" => "dev",
        "shell" => "bash",
        "name" if path[0] == "compute" => "mc",
        _ => "orders",
    }
}

/// `--option value` for each option `cmd` requires, with a valid value.
fn required_options(path: &[String], cmd: &clap::Command) -> Vec<String> {
    let mut args = Vec::new();
    for a in cmd.get_arguments() {
        if a.is_required_set() && !a.is_positional() {
            let long = a.get_long().unwrap();
            args.push(format!("--{long}"));
            args.push(match (path[0].as_str(), long) {
                ("compute", "type") => "maxcompute".into(),
                (_, "type") => "redis".into(),
                _ => "x".into(),
            });
        }
    }
    args
}

/// Every command that takes a name, found by walking the clap definition, with a hostile
/// value in each of its positional slots in turn (the others valid): exit 2 (a name that can
/// never be valid, checked first), a short message without a raw control character, nothing
/// on stdout, nothing changed. A new command is covered the day it is added.
#[test]
fn every_positional_name_is_checked_escaped_and_cut() {
    let env = corpus_env();
    let before = env.bytes();
    let hostile = format!("\u{1b}]0;pwned\u{7}{}", "a".repeat(100_000));
    let mut runs = 0;
    for (path, cmd) in leaves() {
        let positionals: Vec<String> = cmd
            .get_positionals()
            .map(|a| a.get_id().to_string())
            .collect();
        for slot in 0..positionals.len() {
            let mut args: Vec<String> = path.clone();
            for (i, id) in positionals.iter().enumerate() {
                args.push(if i == slot {
                    hostile.clone()
                } else {
                    valid(id, &path).to_string()
                });
            }
            // Required options get a valid value, so the name is what is wrong.
            args.extend(required_options(&path, &cmd));
            args.push("--yes".into());
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let r = env.run(&argv);
            let shown = format!("{:?} slot {slot}", path);
            assert_eq!(
                r.code,
                2,
                "{shown}: {}",
                &r.stderr[..r.stderr.len().min(300)]
            );
            assert!(r.stderr.len() < 4096, "{shown}: {} bytes", r.stderr.len());
            assert!(
                !r.stderr.chars().any(|c| c.is_control() && c != '\n'),
                "{shown}: {:?}",
                r.stderr
            );
            assert_eq!(r.stdout, "", "{shown}");
            runs += 1;
        }
    }
    assert!(runs >= 40, "{runs}");
    assert_eq!(env.bytes(), before, "the catalog changed");
}

/// The same for every option that takes a value (global ones have their own tests): a
/// hostile value is refused (exit 2) in a short message with no raw control character.
/// Filters that match text anywhere (`--name`, `--action`), `export --file` (a path to
/// write) and `catalog copy --from/--to` (catalogs: paths or URLs) are the only options
/// where any text may be fine.
#[test]
fn every_option_value_is_escaped_and_cut_in_messages() {
    let env = corpus_env();
    let before = env.bytes();
    let hostile = format!("\u{1b}]0;pwned\u{7}{}", "a".repeat(100_000));
    let mut runs = 0;
    for (path, cmd) in leaves() {
        let positional: Vec<String> = cmd
            .get_positionals()
            .map(|a| valid(a.get_id().as_str(), &path).to_string())
            .collect();
        for opt in cmd.get_arguments() {
            let Some(long) = opt.get_long() else { continue };
            if opt.is_positional() || opt.is_global_set() || !opt.get_action().takes_values() {
                continue;
            }
            if matches!(
                (path.join(" ").as_str(), long),
                ("datasource list", "name")
                    | ("audit list", "action")
                    | ("export", "file")
                    | ("catalog copy", "from" | "to")
            ) {
                continue;
            }
            let mut args = path.clone();
            args.extend(positional.iter().cloned());
            args.push(format!("--{long}"));
            args.push(hostile.clone());
            args.push("--dry-run".into());
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let mut r = env.run(&argv);
            if r.stderr.contains("unexpected argument '--dry-run'") {
                args.pop();
                let argv: Vec<&str> = args.iter().map(String::as_str).collect();
                r = env.run(&argv);
            }
            let shown = format!("{path:?} --{long}");
            assert_eq!(
                r.code,
                2,
                "{shown}: {}",
                &r.stderr[..r.stderr.len().min(300)]
            );
            assert!(r.stderr.len() < 4096, "{shown}: {} bytes", r.stderr.len());
            assert!(
                !r.stderr.chars().any(|c| c.is_control() && c != '\n'),
                "{shown}: {:?}",
                &r.stderr[..r.stderr.len().min(300)]
            );
            assert_eq!(r.stdout, "", "{shown}");
            runs += 1;
        }
    }
    assert!(runs >= 60, "{runs}");
    assert_eq!(env.bytes(), before, "the catalog changed");
}
