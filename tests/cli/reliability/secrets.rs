//! R5: a secret property's value never appears in any stdout, stderr or audit event,
//! whichever way it was given and whichever command reads it back.

use crate::harness::*;

const WS: &str = "sec_ws";
const FORMATS: &[&str] = &["table", "json", "jsonl", "csv"];

/// A distinct secret per input form, so that a leak names its way in.
fn secret(form: &str) -> String {
    format!("zqV{form}Kp7Lw")
}

/// Everything dwctl printed, labelled by the command that printed it.
#[derive(Default)]
struct Seen(Vec<(String, String)>);

impl Seen {
    fn add(&mut self, args: &[&str], r: &Run) -> Run {
        self.0.push((format!("{args:?} stdout"), r.stdout.clone()));
        self.0.push((format!("{args:?} stderr"), r.stderr.clone()));
        r.clone()
    }

    /// Run, record, and expect success.
    fn ok(&mut self, env: &Env, args: &[&str]) {
        let r = env.run(args);
        self.add(args, &r).ok();
    }

    fn ok_stdin(&mut self, env: &Env, args: &[&str], input: &str) {
        let r = env.run_stdin(args, input);
        self.add(args, &r).ok();
    }

    /// Run, record, and expect failure with `code`.
    fn fails(&mut self, env: &Env, args: &[&str], code: i32) {
        let r = env.run(args);
        self.add(args, &r);
        assert_eq!(r.code, code, "{args:?}: {}", r.stderr);
    }
}

/// Where each secret shows up, if anywhere: the whole value, or its first or last eight
/// characters (a value cut short for a message still leaks).
fn leaks(secrets: &[String], texts: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for s in secrets {
        let chars: Vec<char> = s.chars().collect();
        let head: String = chars[..8].iter().collect();
        let tail: String = chars[chars.len() - 8..].iter().collect();
        for (label, text) in texts {
            if let Some(p) = [s, &head, &tail]
                .into_iter()
                .find(|p| text.contains(p.as_str()))
            {
                found.push(format!("{s} ({p}) in {label}"));
            }
        }
    }
    found
}

fn mysql(name: &str) -> Vec<String> {
    [
        "datasource",
        "add",
        WS,
        name,
        "--type",
        "mysql",
        "--prop",
        "address=10.0.0.5:3306",
        "--prop",
        "database=orders",
        "--prop",
        "username=etl",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn with<'a>(base: &'a [String], more: &[&'a str]) -> Vec<&'a str> {
    base.iter()
        .map(String::as_str)
        .chain(more.iter().copied())
        .collect()
}

#[test]
fn r5_secrets_never_leak_through_any_input_or_output() {
    let env = Env::new().with_var("DS_PASSWORD", &secret("env"));
    let dir = env.path().to_path_buf();
    let mut seen = Seen::default();
    let mut secrets = Vec::new();
    let mut keep = |form: &str| {
        secrets.push(secret(form));
        secret(form)
    };
    seen.ok(&env, &["workspace", "create", WS]);

    // Each input form, each through its own data source.
    let literal = format!("password={}", keep("lit"));
    seen.ok(&env, &with(&mysql("by_literal"), &["--prop", &literal]));
    let literal_json = format!("password={}", keep("litjson"));
    seen.ok(
        &env,
        &with(
            &mysql("by_literal_json"),
            &["--prop", &literal_json, "-o", "json"],
        ),
    );
    seen.ok_stdin(
        &env,
        &with(&mysql("by_stdin"), &["--prop", "password=-"]),
        &format!("{}\n", keep("stdin")),
    );
    std::fs::write(dir.join("pw.txt"), format!("{}\n", keep("file"))).unwrap();
    seen.ok(
        &env,
        &with(&mysql("by_file"), &["--prop", "password=@pw.txt"]),
    );
    keep("env");
    seen.ok(
        &env,
        &with(&mysql("by_env"), &["--prop", "password=env:DS_PASSWORD"]),
    );
    let props = serde_json::json!({
        "address": "10.0.0.6:3306", "database": "d", "username": "u",
        "password": keep("propsfile"), "extra.db.password": keep("extra"),
    });
    std::fs::write(dir.join("props.json"), props.to_string()).unwrap();
    seen.ok(
        &env,
        &[
            "datasource",
            "add",
            WS,
            "by_props_file",
            "--type",
            "mysql",
            "--props",
            "props.json",
        ],
    );
    let props = serde_json::json!({
        "address": "10.0.0.7:3306", "database": "d", "username": "u", "password": keep("propsstdin"),
    });
    seen.ok_stdin(
        &env,
        &[
            "datasource",
            "add",
            WS,
            "by_props_stdin",
            "--type",
            "mysql",
            "--props",
            "-",
        ],
        &props.to_string(),
    );
    let oss_secret = format!("accessKeySecret={}", keep("oss"));
    seen.ok(
        &env,
        &[
            "datasource",
            "add",
            WS,
            "lake",
            "--type",
            "oss",
            "--prop",
            "endpoint=https://oss.local",
            "--prop",
            "bucket=b",
            "--prop",
            "accessKeyId=AK1",
            "--prop",
            &oss_secret,
        ],
    );
    // A compute resource with a secret, and the data source it brings.
    let holo = format!("password={}", keep("compute"));
    seen.ok(
        &env,
        &[
            "compute",
            "attach",
            WS,
            "holo",
            "--type",
            "hologres",
            "--mode",
            "url",
            "--prop",
            "address=holo.local:80",
            "--prop",
            "database=d",
            "--prop",
            "username=u",
            "--prop",
            &holo,
        ],
    );

    // Updates, dry runs, and changes that fail with the secret in hand.
    let updated = format!("password={}", keep("update"));
    seen.ok(
        &env,
        &["datasource", "update", WS, "by_literal", "--prop", &updated],
    );
    let dry = format!("password={}", keep("dryrun"));
    for fmt in FORMATS {
        seen.ok(
            &env,
            &with(&mysql("dry_add"), &["--prop", &dry, "--dry-run", "-o", fmt]),
        );
        seen.ok(
            &env,
            &[
                "datasource",
                "update",
                WS,
                "by_file",
                "--prop",
                &dry,
                "--dry-run",
                "-o",
                fmt,
            ],
        );
        seen.ok(
            &env,
            &[
                "compute",
                "update",
                WS,
                "holo",
                "--prop",
                &dry,
                "--dry-run",
                "-o",
                fmt,
            ],
        );
    }
    let refused = format!("password={}", keep("invalid"));
    let credentials_in_address = format!("address=etl:{}@10.0.0.5:3306", keep("address"));
    let credentials_in_url = format!("endpoint=https://u:{}@es.local:9200", keep("url"));
    let too_long = format!("password={}", secret("long").repeat(500));
    secrets.push(secret("long"));
    for fmt in FORMATS {
        for args in [
            vec![
                "datasource",
                "update",
                WS,
                "by_stdin",
                "--prop",
                &refused,
                "--prop",
                "address=db:99999",
            ],
            vec![
                "datasource",
                "update",
                WS,
                "by_stdin",
                "--prop",
                &refused,
                "--prop",
                "bogus=1",
            ],
            vec![
                "datasource",
                "update",
                WS,
                "by_stdin",
                "--prop",
                &credentials_in_address,
            ],
            vec!["datasource", "update", WS, "by_stdin", "--prop", &too_long],
            with(
                &mysql("bad_add"),
                &["--prop", &refused, "--prop", "driverVersion=0"],
            ),
            vec![
                "datasource",
                "add",
                WS,
                "es",
                "--type",
                "elasticsearch",
                "--prop",
                &credentials_in_url,
            ],
            vec![
                "compute",
                "update",
                WS,
                "holo",
                "--prop",
                &refused,
                "--prop",
                "securityProtocol=x",
            ],
        ] {
            let mut args = args.clone();
            args.extend_from_slice(&["-o", fmt]);
            seen.fails(&env, &args, 2);
        }
        // Refused by a rule (exit 6): the refusal is audited, the value is not.
        seen.ok(&env, &["workspace", "disable", WS]);
        seen.fails(
            &env,
            &[
                "datasource",
                "update",
                WS,
                "by_env",
                "--prop",
                &refused,
                "-o",
                fmt,
            ],
            6,
        );
        seen.ok(&env, &["workspace", "enable", WS]);
    }

    // Every read command in every format.
    let names = [
        "by_literal",
        "by_literal_json",
        "by_stdin",
        "by_file",
        "by_env",
        "by_props_file",
        "by_props_stdin",
        "lake",
        "holo",
    ];
    for fmt in FORMATS {
        seen.ok(&env, &["datasource", "list", WS, "-o", fmt]);
        seen.ok(&env, &["compute", "list", WS, "-o", fmt]);
        seen.ok(&env, &["compute", "show", WS, "holo", "-o", fmt]);
        for name in names {
            seen.ok(&env, &["datasource", "show", WS, name, "-o", fmt]);
        }
        seen.ok(&env, &["audit", "list", "--limit", "100000", "-o", fmt]);
        seen.ok(&env, &["audit", "list", "--workspace", WS, "-o", fmt]);
    }
    // A real (failing) connectivity test reports on the address, never the password.
    let r = env.run(&[
        "datasource",
        "test",
        WS,
        "by_env",
        "--timeout",
        "0.2",
        "-o",
        "json",
    ]);
    seen.add(&["datasource", "test"], &r);
    seen.ok(&env, &["datasource", "show", WS, "by_env", "-o", "json"]);

    // The audit table itself, every column of every row.
    let rows: Vec<(String, String)> = env
        .table_rows("audit")
        .into_iter()
        .enumerate()
        .map(|(i, row)| (format!("audit row {}", i + 1), row))
        .collect();
    assert!(rows.len() > 20, "the changes were audited");
    seen.0.extend(rows);

    // The secrets did get stored: otherwise "not shown" would prove nothing.
    let stored = env.table_rows("datasource").join(" ");
    for form in [
        "update",
        "stdin",
        "file",
        "env",
        "propsfile",
        "extra",
        "propsstdin",
        "oss",
        "compute",
    ] {
        assert!(
            stored.contains(&secret(form)),
            "{form} secret not stored: {stored}"
        );
    }
    let found = leaks(&secrets, &seen.0);
    assert!(found.is_empty(), "secrets leaked:\n{}", found.join("\n"));
}

/// The manifest forms (`{ env = .. }`, `{ file = .. }`) through plan, apply (dry run too)
/// and export, which writes a placeholder instead of the value.
#[test]
fn r5_manifest_secrets_never_leak_through_plan_apply_or_export() {
    let env = Env::new().with_var("ORDERS_PASSWORD", &secret("menv"));
    let dir = env.path().to_path_buf();
    std::fs::write(dir.join("token.txt"), format!("{}\n", secret("mfile"))).unwrap();
    let manifest = format!(
        r#"version = 1

[[workspace]]
name = "{WS}"

[[workspace.datasource]]
name = "orders"
type = "mysql"
env = "prod"
properties = {{ address = "10.0.0.5:3306", database = "orders", username = "etl", password = {{ env = "ORDERS_PASSWORD" }} }}

[[workspace.datasource]]
name = "search"
type = "elasticsearch"
env = "prod"
properties = {{ endpoint = "https://es.local:9200", username = "u", password = {{ file = "token.txt" }} }}

[[workspace.compute]]
name = "holo"
type = "hologres"
env = "prod"
mode = "url"
properties = {{ address = "holo.local:80", database = "d", username = "u", password = "{}" }}
"#,
        secret("mplain")
    );
    std::fs::write(dir.join("m.toml"), &manifest).unwrap();
    let secrets = vec![secret("menv"), secret("mfile"), secret("mplain")];
    let mut seen = Seen::default();
    for fmt in FORMATS {
        seen.ok(&env, &["plan", "--file", "m.toml", "-o", fmt]);
        seen.ok(&env, &["apply", "--file", "m.toml", "--dry-run", "-o", fmt]);
    }
    seen.ok(&env, &["apply", "--file", "m.toml", "--yes"]);
    seen.ok(&env, &["apply", "--file", "m.toml", "--yes", "-o", "json"]);
    // A failing apply, with the secrets in hand: a refused change, an invalid one.
    let broken = manifest.replace("10.0.0.5:3306", "10.0.0.5:99999");
    std::fs::write(dir.join("broken.toml"), broken).unwrap();
    for fmt in FORMATS {
        seen.fails(
            &env,
            &["apply", "--file", "broken.toml", "--yes", "-o", fmt],
            2,
        );
    }
    for fmt in ["table", "json"] {
        seen.ok(&env, &["export", WS, "-o", fmt]);
        seen.ok(&env, &["export", "--all", "-o", fmt]);
    }
    seen.ok(&env, &["export", WS, "--file", "out.toml"]);
    seen.ok(&env, &["export", "--all", "--file", "out.json"]);
    for file in ["out.toml", "out.json"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        assert!(
            text.contains("DWCTL_SECRET_"),
            "{file} names a placeholder:\n{text}"
        );
        seen.0.push((file.to_string(), text));
    }
    for fmt in FORMATS {
        seen.ok(&env, &["datasource", "list", WS, "-o", fmt]);
        seen.ok(&env, &["compute", "show", WS, "holo", "-o", fmt]);
        seen.ok(&env, &["audit", "list", "-o", fmt]);
    }
    let audit = env.table_rows("audit").join(" ");
    seen.0.push(("the audit table".to_string(), audit));
    let stored = env.table_rows("datasource").join(" ");
    for s in &secrets {
        assert!(stored.contains(s.as_str()), "{s} not stored: {stored}");
    }
    let found = leaks(&secrets, &seen.0);
    assert!(found.is_empty(), "secrets leaked:\n{}", found.join("\n"));
}
