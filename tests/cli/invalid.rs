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
        let cases: Vec<(Vec<&str>, &[i32])> = vec![
            (vec!["workspace", "create", x], &[2]),
            (vec!["workspace", "show", x], &[2, 3]),
            (vec!["user", "add", x, "--id", x], &[2]),
            (vec!["member", "add", DEFAULT_WS, x, "--role", "dev"], &[3]),
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
