//! Secrets (quality.md R5, domain.md 6, cli.md 8): known secret values, given in every
//! input form, never appear in any stdout, stderr, audit event or export; each is stored
//! exactly as given (less one trailing newline when read from stdin or a file).

use crate::harness::*;
use dwctl::model::types::{self, ValueFormat};
use serde_json::{json, Value};

const LIT: &str = "lit-S3cr3t-0001";
const STDIN: &str = "stdin-S3cr3t-0002";
const FILE: &str = "file-S3cr3t-0003";
const ENV: &str = "env-S3cr3t-0004";
const PROPS: &str = "props-S3cr3t-0005";
const MENV: &str = "menv-S3cr3t-0006";
const MFILE: &str = "mfile-S3cr3t-0007";
const CH: &str = "ch-S3cr3t-0008";
const OSS: &str = "oss-S3cr3t-0009";
const UPD: &str = "upd-S3cr3t-0010";
const BAD: &str = "bad-S3cr3t-0011";
const TOKEN: &str = "tok-S3cr3t-0012";
const DRY: &str = "dry-S3cr3t-0013";
const LAB: &str = "lab-S3cr3t-0014";

const SECRETS: [&str; 14] = [
    LIT, STDIN, FILE, ENV, PROPS, MENV, MFILE, CH, OSS, UPD, BAD, TOKEN, DRY, LAB,
];

const FORMATS: [&str; 4] = ["table", "json", "jsonl", "csv"];

/// Every run of the test, checked at the end for every secret.
struct Watch<'e> {
    env: &'e Env,
    runs: Vec<(String, Run)>,
}

impl Watch<'_> {
    fn run(&mut self, args: &[&str]) -> Run {
        let r = self.env.run(args);
        self.runs.push((args.join(" "), r.clone()));
        r
    }
    fn ok(&mut self, args: &[&str]) -> Run {
        let r = self.run(args);
        r.ok();
        r
    }
    fn stdin(&mut self, args: &[&str], input: &str) -> Run {
        let r = self.env.run_stdin(args, input);
        self.runs.push((args.join(" "), r.clone()));
        r
    }
    /// The command in every output format.
    fn formats(&mut self, args: &[&str]) {
        for fmt in FORMATS {
            let mut a = args.to_vec();
            a.extend(["-o", fmt]);
            self.ok(&a);
        }
    }
    fn text(&mut self, what: &str, text: &str) {
        self.runs.push((
            what.to_string(),
            Run {
                code: 0,
                stdout: text.to_string(),
                stderr: String::new(),
            },
        ));
    }
    #[track_caller]
    fn check(&self) {
        for (what, r) in &self.runs {
            for s in SECRETS {
                assert!(
                    !r.stdout.contains(s) && !r.stderr.contains(s),
                    "{s} leaked by {what}:\nstdout: {}\nstderr: {}",
                    r.stdout,
                    r.stderr
                );
            }
        }
    }
}

/// The stored properties of a data source (or compute resource), read from the catalog.
fn stored(env: &Env, table: &str, ws: &str, name: &str, e: &str) -> Value {
    let text = env.query_text(&format!(
        "SELECT t.properties FROM {table} t JOIN workspace w ON w.id = t.workspace_id \
         WHERE w.name = {} AND t.name = {} AND t.env = {}",
        sql_text(ws),
        sql_text(name),
        sql_text(e)
    ));
    serde_json::from_str(&text).unwrap()
}

fn password(env: &Env, ws: &str, name: &str, e: &str) -> Value {
    stored(env, "datasource", ws, name, e)["password"].clone()
}

/// Every audit event's details as stored.
fn audit_details(env: &Env) -> String {
    env.query_texts(
        "SELECT details || ' ' || coalesce(target, '') || ' ' || coalesce(workspace, '') FROM audit ORDER BY seq",
    )
    .join("\n")
}

/// mysql in url mode with everything but the password, which the caller adds.
fn mysql<'a>(ws: &'a str, name: &'a str, address: &'a str) -> Vec<&'a str> {
    vec![
        "datasource",
        "add",
        ws,
        name,
        "--type",
        "mysql",
        "--prop",
        address,
        "--prop",
        "database=orders",
        "--prop",
        "username=etl",
    ]
}

#[test]
fn a_secret_never_leaves_the_catalog_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pw.txt");
    // One trailing newline is dropped, not two.
    std::fs::write(&file, format!("{FILE}\n\n")).unwrap();
    let oss_file = dir.path().join("oss.txt");
    std::fs::write(&oss_file, format!("{OSS}\r\n")).unwrap();
    let props_file = dir.path().join("props.json");
    std::fs::write(
        &props_file,
        json!({"address": "db.example.com", "database": "orders", "username": "etl", "password": PROPS}).to_string(),
    )
    .unwrap();
    let mfile = dir.path().join("mfile.txt");
    std::fs::write(&mfile, format!("{MFILE}\n")).unwrap();
    let env = Env::new()
        .with_var("PW_ENV", ENV)
        .with_var("PW_MENV", MENV)
        .with_var("PW_CH", CH);
    env.run(&["workspace", "create", "fin_ws"]).ok();
    env.run(&["workspace", "create", "lab_ws", "--mode", "basic"])
        .ok();
    let mut w = Watch {
        env: &env,
        runs: Vec::new(),
    };

    // 1. A literal on the command line works, with a warning about shell history.
    let lit_pw = format!("password={LIT}");
    let mut args = mysql("fin_ws", "lit", "address=127.0.0.1:1");
    args.extend(["--prop", &lit_pw]);
    let r = w.ok(&args);
    let warning = "the secret password was given on the command line and may be kept in your shell history; prefer password=- (stdin), password=@FILE or password=env:VAR";
    assert_eq!(
        r.stderr,
        format!("warning: {warning}\nAdded mysql data source lit to fin_ws (prod).\n")
    );
    let tok = format!("extra.authToken={TOKEN}");
    let mut args = mysql("fin_ws", "lit", "address=127.0.0.1:1");
    args.extend([
        "--env", "dev", "--prop", &lit_pw, "--prop", &tok, "-o", "json",
    ]);
    let r = w.ok(&args);
    assert_eq!(
        r.json()["warnings"],
        json!([
            {"code": "literal_secret", "message": warning},
            {"code": "literal_secret", "message": warning.replace("password", "extra.authToken")}
        ])
    );
    assert_eq!(
        r.json()["result"]["properties"]["extra.authToken"],
        "********"
    );
    // 2. stdin, 3. a file, 4. a variable, 5. --props FILE: no warning.
    let mut args = mysql("fin_ws", "from_stdin", "address=db");
    args.extend(["--prop", "password=-"]);
    let r = w.stdin(&args, &format!("{STDIN}\n"));
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (0, "Added mysql data source from_stdin to fin_ws (prod).\n")
    );
    let at_file = format!("password=@{}", file.display());
    let mut args = mysql("fin_ws", "from_file", "address=db");
    args.extend(["--prop", &at_file, "-o", "jsonl"]);
    let r = w.ok(&args);
    assert_eq!(r.stderr, "");
    let mut args = mysql("fin_ws", "from_env", "address=db");
    args.extend(["--prop", "password=env:PW_ENV", "-o", "csv"]);
    w.ok(&args);
    w.ok(&[
        "datasource",
        "add",
        "fin_ws",
        "from_props",
        "--type",
        "mysql",
        "--props",
        props_file.to_str().unwrap(),
        "-o",
        "json",
    ]);
    // A compute resource's secret, and other secret keys (accessKeySecret, extra.*.password).
    w.ok(&[
        "compute",
        "attach",
        "fin_ws",
        "ch",
        "--type",
        "clickhouse",
        "--prop",
        "instanceId=cc-1",
        "--prop",
        "username=u",
        "--prop",
        "password=env:PW_CH",
    ]);
    let at_oss = format!("accessKeySecret=@{}", oss_file.display());
    let extra_pw = format!("extra.db.password=@{}", oss_file.display());
    w.ok(&[
        "datasource",
        "add",
        "fin_ws",
        "lake",
        "--type",
        "oss",
        "--prop",
        "endpoint=https://oss-cn-hangzhou.aliyuncs.com",
        "--prop",
        "bucket=b",
        "--prop",
        "accessKeyId=AK",
        "--prop",
        &at_oss,
        "--prop",
        &extra_pw,
    ]);
    let lab_pw = format!("password={LAB}");
    let mut args = mysql("lab_ws", "orders", "address=db");
    args.extend(["--prop", &lab_pw, "-q"]);
    w.ok(&args);

    // Stored exactly, less one trailing newline from stdin and files.
    assert_eq!(password(&env, "fin_ws", "lit", "prod"), LIT);
    assert_eq!(
        stored(&env, "datasource", "fin_ws", "lit", "dev")["extra.authToken"],
        TOKEN
    );
    assert_eq!(password(&env, "fin_ws", "from_stdin", "prod"), STDIN);
    assert_eq!(
        password(&env, "fin_ws", "from_file", "prod"),
        format!("{FILE}\n")
    );
    assert_eq!(password(&env, "fin_ws", "from_env", "prod"), ENV);
    assert_eq!(password(&env, "fin_ws", "from_props", "prod"), PROPS);
    assert_eq!(
        stored(&env, "compute", "fin_ws", "ch", "prod")["password"],
        CH
    );
    assert_eq!(password(&env, "fin_ws", "ch", "prod"), CH);
    let lake = stored(&env, "datasource", "fin_ws", "lake", "prod");
    assert_eq!(
        (
            // Given as accessKeySecret, dwctl's older name: stored as the API's accessKey.
            lake["accessKey"].clone(),
            lake["extra.db.password"].clone()
        ),
        (json!(OSS), json!(OSS))
    );

    // Reads, in every format, by a member who may read properties.
    w.formats(&["datasource", "list", "fin_ws"]);
    w.formats(&["compute", "list", "fin_ws"]);
    for (name, e) in [
        ("lit", "prod"),
        ("lit", "dev"),
        ("from_stdin", "prod"),
        ("from_file", "prod"),
        ("from_env", "prod"),
        ("from_props", "prod"),
        ("lake", "prod"),
        ("ch", "prod"),
    ] {
        w.formats(&["datasource", "show", "fin_ws", name, "--env", e]);
    }
    w.formats(&["compute", "show", "fin_ws", "ch"]);
    let v = env.json(&["datasource", "show", "fin_ws", "lake", "-o", "json"]);
    assert_eq!(
        v["properties"],
        json!({"accessId": "AK", "accessKey": "********", "authType": "Ak", "bucket": "b",
               "endpoint": "https://oss-cn-hangzhou.aliyuncs.com", "extra.db.password": "********"})
    );

    // --dry-run, --if-not-exists, updates (good and bad), a connectivity test.
    let dry_pw = format!("password={DRY}");
    let mut args = mysql("fin_ws", "dry", "address=db");
    args.extend(["--prop", &dry_pw, "--dry-run"]);
    for fmt in FORMATS {
        let mut a = args.clone();
        a.extend(["-o", fmt]);
        w.ok(&a);
    }
    let mut args = mysql("fin_ws", "lit", "address=127.0.0.1:1");
    args.extend(["--prop", &dry_pw, "--if-not-exists", "-o", "json"]);
    let r = w.ok(&args);
    assert_eq!(
        r.json()["warnings"][1]["message"],
        "data source lit exists and differs in: properties"
    );
    w.formats(&[
        "datasource",
        "update",
        "fin_ws",
        "lit",
        "--env",
        "prod",
        "--prop",
        &dry_pw,
        "--dry-run",
    ]);
    let r = w.stdin(
        &[
            "datasource",
            "update",
            "fin_ws",
            "from_stdin",
            "--prop",
            "password=-",
            "-o",
            "json",
        ],
        &format!("{UPD}\r\n"),
    );
    r.ok();
    assert_eq!(r.json()["changed"], true);
    assert_eq!(password(&env, "fin_ws", "from_stdin", "prod"), UPD);
    // The audit event of a secret change names the key, not the value.
    let e = env.last_event();
    assert_eq!(e.action, "datasource.update");
    assert_eq!(
        e.details,
        json!({"before": {}, "after": {}, "secrets_changed": ["password"]})
    );
    w.ok(&[
        "compute",
        "update",
        "fin_ws",
        "ch",
        "--prop",
        "password=env:PW_ENV",
        "-o",
        "csv",
    ]);
    assert_eq!(
        stored(&env, "compute", "fin_ws", "ch", "prod")["password"],
        ENV
    );
    assert_eq!(password(&env, "fin_ws", "ch", "prod"), ENV);
    let bad_pw = format!("password={BAD}");
    let long_pw = format!("password={BAD}{}", "x".repeat(5000));
    for (extra, code, msg) in [
        (
            vec!["--prop", &bad_pw, "--prop", "address=db:0"],
            2,
            "invalid `address` value",
        ),
        (
            vec!["--prop", &bad_pw, "--prop", "colour=red"],
            2,
            "unknown property `colour`",
        ),
        (
            vec!["--prop", &long_pw],
            2,
            "the value of `password` is longer than 4096 characters (it is secret and not shown)",
        ),
        (vec!["--prop", &bad_pw, "--env", "qa"], 2, "qa"),
    ] {
        for fmt in ["table", "json"] {
            let mut a = vec!["datasource", "update", "fin_ws", "from_env"];
            a.extend(extra.iter().copied());
            a.extend(["-o", fmt]);
            let r = w.run(&a);
            r.fails(code, msg);
        }
    }
    let r = w.run(&[
        "--as",
        "nobody",
        "datasource",
        "update",
        "fin_ws",
        "from_env",
        "--prop",
        &bad_pw,
    ]);
    assert_eq!(r.code, 5);
    let r = w.run(&[
        "datasource",
        "test",
        "fin_ws",
        "lit",
        "--env",
        "prod",
        "-o",
        "json",
    ]);
    assert_eq!(r.code, 9, "{}", r.stderr);
    w.run(&["datasource", "test", "fin_ws", "lit", "--env", "dev"]);
    // An upgrade copies a secret to dev without showing it.
    w.formats(&["workspace", "upgrade", "lab_ws", "--yes", "--dry-run"]);
    w.ok(&["workspace", "upgrade", "lab_ws", "--yes"]);
    assert_eq!(password(&env, "lab_ws", "orders", "dev"), LAB);
    w.formats(&["check"]);

    // Manifests: { env = "VAR" } and { file = "PATH" }.
    let manifest = dir.path().join("m.toml");
    std::fs::write(
        &manifest,
        format!(
            r#"version = 1

[[workspace]]
name = "fin_ws"

[[workspace.datasource]]
name = "m_env"
type = "mysql"
env = "prod"
properties = {{ address = "db", database = "d", username = "u", password = {{ env = "PW_MENV" }} }}

[[workspace.datasource]]
name = "m_file"
type = "redis"
env = "dev"
properties = {{ address = "cache", password = {{ file = "{}" }} }}
"#,
            mfile.display()
        ),
    )
    .unwrap();
    let m = manifest.to_str().unwrap();
    w.formats(&["plan", "--file", m]);
    w.formats(&["apply", "--file", m, "--dry-run"]);
    let r = w.ok(&["apply", "--file", m, "-o", "json"]);
    assert_eq!(r.json()["result"].as_array().unwrap().len(), 2);
    assert_eq!(password(&env, "fin_ws", "m_env", "prod"), MENV);
    assert_eq!(password(&env, "fin_ws", "m_file", "dev"), MFILE);
    let r = w.ok(&["apply", "--file", m, "-o", "json"]);
    assert_eq!(r.json()["changed"], false);
    w.ok(&["plan", "--file", m, "--exit-code"]);

    // export: placeholders named after the workspace, object, env and key.
    let mut exported = String::new();
    for args in [
        &["export", "--all"][..],
        &["export", "fin_ws", "lab_ws"],
        &["export", "--all", "-o", "json"],
    ] {
        let r = w.ok(args);
        exported.push_str(&r.stdout);
    }
    let out = dir.path().join("all.toml");
    w.ok(&["export", "--all", "--file", out.to_str().unwrap()]);
    let text = std::fs::read_to_string(&out).unwrap();
    w.text("export --file", &text);
    let json_out = dir.path().join("all.json");
    w.ok(&["export", "--all", "--file", json_out.to_str().unwrap()]);
    w.text(
        "export --file .json",
        &std::fs::read_to_string(&json_out).unwrap(),
    );
    for placeholder in [
        "password = { env = \"DWCTL_SECRET_FIN__WS_LIT_PROD_PASSWORD\" }",
        "password = { env = \"DWCTL_SECRET_FIN__WS_LIT_DEV_PASSWORD\" }",
        "\"extra.authToken\" = { env = \"DWCTL_SECRET_FIN__WS_LIT_DEV_EXTRA__AUTH_TOKEN\" }",
        "password = { env = \"DWCTL_SECRET_FIN__WS_FROM__STDIN_PROD_PASSWORD\" }",
        "password = { env = \"DWCTL_SECRET_FIN__WS_CH_PROD_PASSWORD\" }",
        "accessKey = { env = \"DWCTL_SECRET_FIN__WS_LAKE_PROD_ACCESS_KEY\" }",
        "\"extra.db.password\" = { env = \"DWCTL_SECRET_FIN__WS_LAKE_PROD_EXTRA__DB__PASSWORD\" }",
        "password = { env = \"DWCTL_SECRET_FIN__WS_M__FILE_DEV_PASSWORD\" }",
        "password = { env = \"DWCTL_SECRET_LAB__WS_ORDERS_DEV_PASSWORD\" }",
    ] {
        assert!(text.contains(placeholder), "{placeholder}\n{text}");
        assert!(exported.contains(placeholder), "{placeholder}");
    }
    assert!(exported.contains("\"env\": \"DWCTL_SECRET_FIN__WS_LIT_PROD_PASSWORD\""));
    // The compute resource brings its data source: its secret is exported once.
    assert_eq!(
        text.matches("DWCTL_SECRET_FIN__WS_CH_PROD_PASSWORD")
            .count(),
        1
    );

    // Into a new catalog, the secrets from the placeholders' variables.
    let target = Env::new()
        .with_var("DWCTL_SECRET_FIN__WS_LIT_PROD_PASSWORD", LIT)
        .with_var("DWCTL_SECRET_FIN__WS_LIT_DEV_PASSWORD", LIT)
        .with_var("DWCTL_SECRET_FIN__WS_LIT_DEV_EXTRA__AUTH_TOKEN", TOKEN)
        .with_var("DWCTL_SECRET_FIN__WS_FROM__STDIN_PROD_PASSWORD", UPD)
        .with_var("DWCTL_SECRET_FIN__WS_FROM__FILE_PROD_PASSWORD", FILE)
        .with_var("DWCTL_SECRET_FIN__WS_FROM__ENV_PROD_PASSWORD", ENV)
        .with_var("DWCTL_SECRET_FIN__WS_FROM__PROPS_PROD_PASSWORD", PROPS)
        .with_var("DWCTL_SECRET_FIN__WS_CH_PROD_PASSWORD", ENV)
        .with_var("DWCTL_SECRET_FIN__WS_LAKE_PROD_ACCESS_KEY", OSS)
        .with_var("DWCTL_SECRET_FIN__WS_LAKE_PROD_EXTRA__DB__PASSWORD", OSS)
        .with_var("DWCTL_SECRET_FIN__WS_M__ENV_PROD_PASSWORD", MENV)
        .with_var("DWCTL_SECRET_FIN__WS_M__FILE_DEV_PASSWORD", MFILE)
        .with_var("DWCTL_SECRET_LAB__WS_ORDERS_PROD_PASSWORD", LAB)
        .with_var("DWCTL_SECRET_LAB__WS_ORDERS_DEV_PASSWORD", LAB);
    let mut t = Watch {
        env: &target,
        runs: Vec::new(),
    };
    let o = out.to_str().unwrap();
    t.formats(&["plan", "--file", o]);
    t.ok(&["apply", "--file", o, "--dry-run"]);
    t.ok(&["apply", "--file", o]);
    assert_eq!(password(&target, "fin_ws", "lit", "prod"), LIT);
    assert_eq!(password(&target, "fin_ws", "from_stdin", "prod"), UPD);
    assert_eq!(
        stored(&target, "compute", "fin_ws", "ch", "prod")["password"],
        ENV
    );
    assert_eq!(password(&target, "fin_ws", "m_file", "dev"), MFILE);
    assert_eq!(password(&target, "lab_ws", "orders", "dev"), LAB);
    t.formats(&["audit", "list", "--limit", "1000"]);
    t.check();
    assert_no_secret_in_audit(&target);

    // The audit log, in every format and as stored.
    w.formats(&["audit", "list", "--limit", "1000"]);
    w.ok(&["audit", "verify"]);
    // Removing them: the events hold the redacted object.
    w.ok(&["compute", "detach", "fin_ws", "ch", "--yes", "-o", "json"]);
    w.ok(&[
        "datasource",
        "remove",
        "fin_ws",
        "lit",
        "--env",
        "prod",
        "--yes",
        "-o",
        "json",
    ]);
    assert_eq!(
        env.last_event().details["before"]["properties"]["password"],
        "********"
    );
    assert!(w.runs.len() > 100, "only {} runs", w.runs.len());
    w.check();
    assert_no_secret_in_audit(&env);
}

#[track_caller]
fn assert_no_secret_in_audit(env: &Env) {
    let details = audit_details(env);
    assert!(details.contains("********"), "{details}");
    for s in SECRETS {
        assert!(!details.contains(s), "{s} is in the audit log:\n{details}");
    }
}

#[test]
fn reading_a_secret_can_fail_without_showing_anything() {
    let env = Env::new();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    let base = mysql("fin_ws", "orders", "address=db");
    for (prop, msg) in [
        (
            "password=env:NOT_SET_ANYWHERE",
            "password=env:NOT_SET_ANYWHERE: the variable NOT_SET_ANYWHERE is not set",
        ),
        (
            "password=@/nonexistent/pw.txt",
            "cannot read --prop password=@'/nonexistent/pw.txt'",
        ),
        ("password=@", "--prop password=@ names no file"),
        (
            "password=env:",
            "--prop password=env: needs an environment variable name",
        ),
    ] {
        let mut args = base.clone();
        args.extend(["--prop", prop]);
        env.refused(&args, 2, msg);
    }
    // Two values cannot both come from stdin.
    let mut args = base.clone();
    args.extend(["--prop", "password=-", "--props", "-"]);
    let r = env.run_stdin(&args, "{}");
    r.fails(
        2,
        "stdin is already read for --props; password cannot read it too",
    );
    // An empty literal secret is not a secret worth a warning.
    let mut args = base.clone();
    args.extend(["--prop", "password=", "-o", "json"]);
    let r = env.run(&args);
    r.fails(2, "`password` is empty, and it is required");
    let r = env.run(&[
        "datasource",
        "add",
        "fin_ws",
        "cache",
        "--type",
        "redis",
        "--prop",
        "address=c",
        "--prop",
        "password=",
        "-o",
        "json",
    ]);
    r.ok();
    assert_eq!(r.json()["warnings"], json!([]));
    // A manifest's missing variable or file is exit 2, naming it, and changes nothing.
    let m = env.path().join("m.toml");
    for (value, msg) in [
        (
            "{ env = \"NOT_SET_ANYWHERE\" }",
            "datasource fin_ws/r: password reads the environment variable NOT_SET_ANYWHERE, which is not set",
        ),
        (
            "{ file = \"/nonexistent/pw.txt\" }",
            "datasource fin_ws/r: password reads the file '/nonexistent/pw.txt', which cannot be read",
        ),
    ] {
        std::fs::write(
            &m,
            format!("version = 1\n[[workspace]]\nname = \"fin_ws\"\n[[workspace.datasource]]\nname = \"r\"\ntype = \"redis\"\nenv = \"prod\"\nproperties = {{ address = \"c\", password = {value} }}\n"),
        )
        .unwrap();
        for verb in ["plan", "apply"] {
            env.refused(&[verb, "--file", m.to_str().unwrap()], 2, msg);
        }
    }
}

#[test]
fn a_prop_without_equals_is_named_by_its_position_never_repeated() {
    let env = Env::new();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    let mut args = mysql("fin_ws", "orders", "address=db");
    args.extend(["--prop", "passwordhunter2-S3cr3t"]);
    // The 4th --prop: address, database, username, then the one typed without `=`.
    let r = env.refused(
        &args,
        2,
        "error: the 4th --prop has no `=` (it starts with `pas…`)",
    );
    assert_eq!(r.stdout, "");
    assert!(!r.stderr.contains("hunter2"), "{}", r.stderr);
    assert!(!r.stderr.contains("word"), "{}", r.stderr);
    // Short arguments are shown whole, hostile ones escaped.
    let r = env.refused(
        &[
            "datasource",
            "add",
            "fin_ws",
            "c",
            "--type",
            "redis",
            "--prop",
            "\u{1b}]",
        ],
        2,
        "the 1st --prop has no `=` (it starts with `\\u001b]`)",
    );
    assert!(!r.stderr.contains('\u{1b}'), "{}", r.stderr);
}

#[test]
fn a_secret_read_from_a_terminal_is_prompted_for_hidden_and_one_line() {
    let env = Env::new();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    let mut args = mysql("fin_ws", "orders", "address=db");
    args.extend(["--prop", "password=-", "--color", "never"]);
    // The secret is typed, then the next line the user types (a shell command) follows:
    // only the first line is the secret, and the prompt does not echo it.
    let r = env.pty(
        &args,
        &[(
            "password for orders (prod): ",
            "pty-S3cr3t-0015\recho next\r",
        )],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        !r.stdout.contains("pty-S3cr3t-0015"),
        "echoed: {}",
        r.stdout
    );
    assert_eq!(
        password(&env, "fin_ws", "orders", "prod"),
        json!("pty-S3cr3t-0015")
    );
    // `update KEY=-` at a terminal, `line` typed.
    let update = |name: &str, key: &str, line: &str| {
        let (arg, question) = (format!("{key}=-"), format!("{key} for {name}: "));
        let args = ["--color", "never", "datasource", "update", "fin_ws", name];
        env.pty(
            &[&args[..], &["--prop", &arg]].concat(),
            &[(&question, line)],
        )
    };
    // A key that is not secret is asked for too, in the open (as typed), for update.
    let r = update("orders", "database", "sales\r");
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(
        stored(&env, "datasource", "fin_ws", "orders", "prod")["database"],
        json!("sales")
    );
    // The object's type says what is secret: a key it does not know (kept from --props)
    // is one, so it is typed hidden (review of issue 14, D1).
    let p = env.file(
        "p.json",
        r#"{"address":"db:3306","database":"d","username":"u","password":"P1","fooBar":"x"}"#,
    );
    let mut args = mysql("fin_ws", "orders4", "address=db")[..4].to_vec();
    args.extend(["--type", "mysql", "--props", &p]);
    env.run(&args).ok();
    let r = update("orders4", "fooBar", "pty-unk-S3cr3t-0022\r");
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        !r.stdout.contains("pty-unk-S3cr3t-0022"),
        "echoed: {}",
        r.stdout
    );
    assert_eq!(
        stored(&env, "datasource", "fin_ws", "orders4", "prod")["fooBar"],
        json!("pty-unk-S3cr3t-0022")
    );
    // With prompts off, a terminal on stdin is refused rather than read to its end.
    let rows = env.rows();
    let mut args = mysql("fin_ws", "orders2", "address=db");
    args.extend(["--no-input", "--prop", "password=-"]);
    let r = env.pty(&args, &[]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "--prop password=- reads stdin, which is a terminal, and dwctl may not prompt"
        ),
        "{}",
        r.stdout
    );
    assert_eq!(env.rows(), rows);
    // Nothing typed: the hint does not send the secret to the command line.
    let mut args = mysql("fin_ws", "orders2", "address=db");
    args.extend(["--prop", "password=-", "--color", "never"]);
    let r = env.pty(&args, &[("password for orders2 (prod): ", "\r")]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stdout.contains("`password` is empty, and it is required")
            && r.stdout
                .contains("--prop password=- (stdin, or asked for at a terminal)")
            && !r.stdout.contains("password=VALUE"),
        "{}",
        r.stdout
    );
    assert_eq!(env.rows(), rows);
    // From a pipe, stdin is read as before (one trailing newline dropped).
    let mut args = mysql("fin_ws", "orders3", "address=db");
    args.extend(["--prop", "password=-"]);
    env.run_stdin(&args, "pipe-S3cr3t-0016\n").ok();
    assert_eq!(
        password(&env, "fin_ws", "orders3", "prod"),
        json!("pipe-S3cr3t-0016")
    );
}

/// Issue 11: `sec_ws` + `a_b` and `sec_ws_a` + `b` (and the keys `extra.db.password` and
/// `extra.db_password`) once shared one variable, so one secret landed in two places.
/// Every secret gets its own variable, and each comes back where it was.
#[test]
fn export_gives_every_secret_its_own_variable() {
    let secrets = [
        ("sec_ws", "a_b", "password", "p-a_b-0001"),
        ("sec_ws", "a_b", "extra.db.password", "p-dot-0002"),
        ("sec_ws", "a_b", "extra.db_password", "p-under-0003"),
        ("sec_ws_a", "b", "password", "p-b-0004"),
        ("sec_ws_a", "b", "extra.db.password", "p-b-dot-0005"),
    ];
    let mut env = Env::new();
    for (i, (_, _, _, value)) in secrets.iter().enumerate() {
        env = env.with_var(&format!("PW{i}"), value);
    }
    for ws in ["sec_ws", "sec_ws_a"] {
        env.run(&["workspace", "create", ws]).ok();
    }
    for (ws, name) in [("sec_ws", "a_b"), ("sec_ws_a", "b")] {
        let mut args = mysql(ws, name, "address=db");
        let props: Vec<String> = secrets
            .iter()
            .enumerate()
            .filter(|(_, s)| (s.0, s.1) == (ws, name))
            .map(|(i, s)| format!("{}=env:PW{i}", s.2))
            .collect();
        for p in &props {
            args.extend(["--prop", p.as_str()]);
        }
        env.run(&args).ok();
    }
    let file = env.path().join("all.toml");
    env.run(&["export", "--all", "--file", file.to_str().unwrap()])
        .ok();
    let text = std::fs::read_to_string(&file).unwrap();
    let names = [
        "DWCTL_SECRET_SEC__WS_A__B_PROD_PASSWORD",
        "DWCTL_SECRET_SEC__WS_A__B_PROD_EXTRA__DB__PASSWORD",
        "DWCTL_SECRET_SEC__WS_A__B_PROD_EXTRA__DB_0PASSWORD",
        "DWCTL_SECRET_SEC__WS__A_B_PROD_PASSWORD",
        "DWCTL_SECRET_SEC__WS__A_B_PROD_EXTRA__DB__PASSWORD",
    ];
    for n in names {
        assert_eq!(text.matches(&format!("\"{n}\"")).count(), 1, "{n}\n{text}");
    }
    assert_eq!(text.matches("DWCTL_SECRET_").count(), names.len(), "{text}");

    let mut target = Env::new();
    for (n, (_, _, _, value)) in names.iter().zip(secrets) {
        target = target.with_var(n, value);
    }
    target
        .run(&["apply", "--file", file.to_str().unwrap()])
        .ok();
    for (ws, name, key, value) in secrets {
        assert_eq!(
            stored(&target, "datasource", ws, name, "prod")[key],
            value,
            "{ws}/{name} {key}"
        );
    }
}

/// Issue 11: `apply` named only the first missing secret; now one exit 2 names them all
/// (variables and files), with one hint to set the variables, and changes nothing.
#[test]
fn apply_names_every_missing_secret_at_once() {
    let env = Env::new().with_var("SET_ONE", "s3t-0001");
    env.run(&["workspace", "create", "fin_ws"]).ok();
    let m = env.path().join("m.toml");
    let ds = |name: &str, env_: &str, pw: &str| {
        format!("[[workspace.datasource]]\nname = \"{name}\"\ntype = \"redis\"\nenv = \"{env_}\"\nproperties = {{ address = \"c\", password = {pw} }}\n")
    };
    let text = format!(
        "version = 1\n[[workspace]]\nname = \"fin_ws\"\n{}{}{}{}",
        ds("a", "prod", "{ env = \"MISSING_A\" }"),
        ds("b", "prod", "{ env = \"SET_ONE\" }"),
        ds("c", "prod", "{ file = \"/nonexistent/pw.txt\" }"),
        ds("d", "dev", "{ env = \"MISSING_D\" }"),
    );
    std::fs::write(&m, &text).unwrap();
    for verb in ["plan", "apply"] {
        let r = env.refused(&[verb, "--file", m.to_str().unwrap()], 2, "");
        assert!(r.stdout.is_empty(), "{}", r.stdout);
        let want = "error: 3 secrets of the manifest cannot be read\n\
            caused by: datasource fin_ws/a: password reads the environment variable MISSING_A, which is not set\n\
            caused by: datasource fin_ws/c: password reads the file '/nonexistent/pw.txt', which cannot be read (No such file or directory (os error 2))\n\
            caused by: datasource fin_ws/d: password reads the environment variable MISSING_D, which is not set\n\
            hint: export MISSING_A=... MISSING_D=... before running dwctl\n";
        assert_eq!(r.stderr, want);
        assert!(!r.stderr.contains("s3t-0001"));
        let j = env.run(&[verb, "--file", m.to_str().unwrap(), "-o", "json"]);
        assert_eq!(j.code, 2);
        assert_eq!(j.json_error()["causes"].as_array().unwrap().len(), 3);
    }
    // Many: the first 10 are named, the rest counted (stderr stays under 4 KiB).
    let mut text = "version = 1\n[[workspace]]\nname = \"fin_ws\"\n".to_string();
    for i in 0..23 {
        text.push_str(&ds(
            &format!("x{i:02}"),
            "prod",
            &format!("{{ env = \"MISSING_{i:02}\" }}"),
        ));
    }
    std::fs::write(&m, &text).unwrap();
    let r = env.refused(
        &["apply", "--file", m.to_str().unwrap()],
        2,
        "23 secrets of the manifest cannot be read",
    );
    assert_eq!(
        r.stderr.matches("caused by: datasource").count(),
        10,
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("caused by: and 13 more\n"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("MISSING_09=... (and 13 more) before"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("MISSING_10"), "{}", r.stderr);
    assert!(r.stderr.len() < 4096, "{}", r.stderr.len());
}

/// Issue 11: messages about `--prop` name the key, never the value, whatever the key: a
/// URL or an address can carry a credential that no secret key names.
#[test]
fn an_invalid_property_value_is_never_repeated() {
    let env = Env::new();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    let rows = env.rows();
    for (key_value, key) in [
        ("address=etl:Pw-0017@db.example:0", "address"),
        ("address=Pw-0017.example:99999", "address"),
    ] {
        let mut args = mysql("fin_ws", "orders", key_value);
        args.extend(["--prop", "password=x"]);
        let r = env.refused(&args, 2, &format!("invalid `{key}` value: "));
        assert!(!r.stderr.contains("Pw-0017"), "{}", r.stderr);
    }
    // The same through a manifest.
    let m = env.path().join("m.toml");
    std::fs::write(
        &m,
        "version = 1\n[[workspace]]\nname = \"fin_ws\"\n[[workspace.datasource]]\nname = \"es\"\ntype = \"elasticsearch\"\nenv = \"prod\"\nproperties = { endpoint = \"Pw-0017.example\" }\n",
    )
    .unwrap();
    let r = env.refused(
        &["apply", "--file", m.to_str().unwrap()],
        2,
        "invalid `endpoint` value",
    );
    assert!(!r.stderr.contains("Pw-0017"), "{}", r.stderr);
    assert_eq!(env.rows(), rows);
}

/// The variables the hint tells to export are named whole, never cut with `…` (a cut name
/// cannot be exported): `export` writes placeholders longer than a message's 64-character
/// excerpt for any longish workspace or data source name. As many as fit are named; the
/// rest are counted; stderr stays under 4 KiB.
#[test]
fn missing_secret_variables_are_named_whole() {
    let env = Env::new();
    env.run(&["workspace", "create", "finance_reporting_ws"])
        .ok();
    let m = env.path().join("m.toml");
    let mut text = "version = 1\n[[workspace]]\nname = \"finance_reporting_ws\"\n".to_string();
    let vars: Vec<String> = (0..12)
        .map(|i| format!("DWCTL_SECRET_FINANCE__REPORTING__WS_ORDERS__FROM__THE__WAREHOUSE__{i:02}_PROD_PASSWORD"))
        .collect();
    for (i, var) in vars.iter().enumerate() {
        text.push_str(&format!(
            "[[workspace.datasource]]\nname = \"orders_from_the_warehouse_{i:02}\"\ntype = \"redis\"\nenv = \"prod\"\nproperties = {{ address = \"c\", password = {{ env = \"{var}\" }} }}\n"
        ));
    }
    std::fs::write(&m, &text).unwrap();
    // One missing: its message and hint name it whole.
    let one = format!(
        "version = 1\n[[workspace]]\nname = \"finance_reporting_ws\"\n[[workspace.datasource]]\nname = \"o\"\ntype = \"redis\"\nenv = \"prod\"\nproperties = {{ address = \"c\", password = {{ env = \"{}\" }} }}\n",
        vars[0]
    );
    let m1 = env.path().join("one.toml");
    std::fs::write(&m1, one).unwrap();
    let r = env.refused(&["plan", "--file", m1.to_str().unwrap()], 2, &vars[0]);
    assert!(
        r.stderr
            .contains(&format!("hint: export {}=... before", vars[0])),
        "{}",
        r.stderr
    );
    for verb in ["plan", "apply"] {
        let r = env.refused(
            &[verb, "--file", m.to_str().unwrap()],
            2,
            "12 secrets of the manifest cannot be read",
        );
        let hint = r
            .stderr
            .lines()
            .find(|l| l.starts_with("hint: export "))
            .unwrap();
        assert!(!hint.contains('…'), "a name was cut: {hint}");
        let named = vars
            .iter()
            .filter(|v| hint.contains(&format!("{v}=...")))
            .count();
        assert!(named >= 5, "{hint}");
        if named < vars.len() {
            assert!(
                hint.contains(&format!("(and {} more)", vars.len() - named)),
                "{hint}"
            );
        }
        assert!(r.stderr.len() < 4096, "{}", r.stderr.len());
    }
}

/// A value of `format` that the registry accepts (never a secret: none holds `S3cr3t`).
fn sample(format: ValueFormat) -> String {
    match format {
        ValueFormat::Text => "x".into(),
        ValueFormat::Address
        | ValueFormat::AddressWithPort
        | ValueFormat::AddressList
        | ValueFormat::AddressWithPortList => "db.example.com:1234".into(),
        ValueFormat::Id => "id-1".into(),
        ValueFormat::Enum(values) => values[0].into(),
        ValueFormat::HttpUrl => "https://es.example.com".into(),
        ValueFormat::Endpoint => "oss-cn-hangzhou.aliyuncs.com".into(),
        ValueFormat::ThriftUris => "thrift://hms.example.com:9083".into(),
        ValueFormat::IntRange { min, .. } => min.to_string(),
        ValueFormat::RegionId => "cn-hangzhou".into(),
    }
}

/// Issue 14: every type, every mode, every secret key of the type's list (as a key of its
/// own where the mode allows it, and as `extra.<key>` always), plus `extra.accessKey`: the
/// value is stored as given and never printed by show, list, export or audit, in json or
/// table; export names a variable for each.
#[test]
fn every_secret_of_every_types_list_is_masked_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let env = Env::new();
    env.run(&["workspace", "create", "walk_ws"]).ok();
    let mut w = Watch {
        env: &env,
        runs: Vec::new(),
    };
    let mut stored_secrets = Vec::new();
    let mut n = 0;
    for t in types::all() {
        for m in t.modes {
            n += 1;
            let name = format!("s{n}");
            let mut props = serde_json::Map::new();
            for k in m.keys.iter().filter(|k| k.required) {
                props.insert(k.key.into(), json!(sample(k.format)));
            }
            for rule in types::mode_rules(t.key, m.mode) {
                if *rule == types::RULE_ORACLE {
                    props.insert("address".into(), json!("ora.example.com:1521"));
                    props.insert("serviceName".into(), json!("orcl"));
                }
                if *rule == types::RULE_AK && t.key != "maxcompute" {
                    props.insert("accessId".into(), json!("LTAI-id"));
                }
            }
            let allowed = types::allowed_keys(t, m.mode);
            let mut secrets: Vec<String> = t
                .secrets
                .iter()
                .filter(|s| allowed.contains(s))
                .map(|s| s.to_string())
                .collect();
            secrets.extend(t.secrets.iter().map(|s| format!("extra.{s}")));
            secrets.push("extra.accessKey".into());
            secrets.push("extra.oss.AccessKey".into());
            // A key dwctl does not know, kept from --props: a secret too.
            secrets.push("vendorOption".into());
            for s in &secrets {
                props.insert(s.clone(), json!(format!("S3cr3t-{n}-{s}")));
            }
            let file = dir.path().join(format!("{name}.json"));
            std::fs::write(&file, Value::Object(props).to_string()).unwrap();
            w.ok(&[
                "datasource",
                "add",
                "walk_ws",
                &name,
                "--type",
                t.key,
                "--mode",
                m.mode.as_str(),
                "--props",
                file.to_str().unwrap(),
            ]);
            let kept = stored(&env, "datasource", "walk_ws", &name, "prod");
            for s in &secrets {
                assert_eq!(kept[s], format!("S3cr3t-{n}-{s}"), "{} {s}", t.key);
                stored_secrets.push((name.clone(), s.clone()));
            }
            for fmt in ["json", "table"] {
                let r = w.ok(&["datasource", "show", "walk_ws", &name, "-o", fmt]);
                assert!(r.stdout.contains("********"), "{}: {}", t.key, r.stdout);
            }
            // An update that changes a secret shows it changed, not its value.
            let r = w.ok(&[
                "datasource",
                "update",
                "walk_ws",
                &name,
                "--prop",
                &format!("extra.accessKey=S3cr3t-{n}-new"),
                "-o",
                "json",
            ]);
            assert_eq!(
                r.json()["result"]["properties"]["extra.accessKey"],
                "********"
            );
        }
    }
    for fmt in ["json", "table"] {
        w.ok(&["datasource", "list", "walk_ws", "-o", fmt]);
        w.ok(&["audit", "list", "-o", fmt]);
    }
    let exported = w.ok(&["export", "walk_ws"]).stdout.clone();
    w.ok(&["export", "walk_ws", "-o", "json"]);
    for (name, key) in &stored_secrets {
        let var = dwctl::manifest::secret_env_name("walk_ws", name, "prod", key);
        assert!(
            exported.contains(&format!("{{ env = \"{var}\" }}")),
            "{name} {key} not exported as a variable:\n{exported}"
        );
    }
    let details = audit_details(&env);
    assert!(!details.contains("S3cr3t"), "{details}");
    for (what, r) in &w.runs {
        assert!(
            !r.stdout.contains("S3cr3t") && !r.stderr.contains("S3cr3t"),
            "a secret leaked by {what}:\nstdout: {}\nstderr: {}",
            r.stdout,
            r.stderr
        );
    }
}

/// Issue 14: a secret given as the mask is exit 2 naming the key, whatever the input form
/// (`--prop`, stdin, `--props`, a manifest's literal or variable), and nothing changes; a
/// non-secret value that happens to be the mask is kept.
#[test]
fn a_secret_given_as_the_mask_is_refused_everywhere() {
    let env = Env::new().with_var("MASKED", "********");
    env.run(&["workspace", "create", "fin_ws"]).ok();
    let base = [
        "datasource",
        "add",
        "fin_ws",
        "oss1",
        "--type",
        "oss",
        "--prop",
        "endpoint=oss-cn-hangzhou.aliyuncs.com",
        "--prop",
        "bucket=b",
        "--prop",
        "accessKeyId=id",
        "--prop",
        "accessKeySecret=env:MASKED",
    ];
    let r = env.refused(
        &base,
        2,
        "`accessKeySecret` is a secret given as the mask ********",
    );
    assert!(
        r.stderr.contains("hint: give the secret itself"),
        "{}",
        r.stderr
    );
    let mut extra = base.to_vec();
    let last = extra.len() - 1;
    extra[last] = "accessKeySecret=real-one";
    extra.extend(["--prop", "extra.accessKey=********"]);
    env.refused(&extra, 2, "`extra.accessKey` is a secret given as the mask");
    let mut ok = extra.clone();
    ok.truncate(ok.len() - 2);
    ok.extend(["--prop", "extra.label=********"]);
    env.run(&ok).ok();
    let upd = [
        "datasource",
        "update",
        "fin_ws",
        "oss1",
        "--prop",
        "accessKeySecret=-",
    ];
    let rows = env.rows();
    env.run_stdin(&upd, "********\n")
        .fails(2, "`accessKeySecret` is a secret given as the mask");
    assert_eq!(rows, env.rows());
    let props = env.path().join("p.json");
    std::fs::write(&props, r#"{"endpoint": "oss-cn-hangzhou.aliyuncs.com", "bucket": "b", "accessKeyId": "id", "accessKeySecret": "********"}"#).unwrap();
    env.refused(
        &[
            "datasource",
            "update",
            "fin_ws",
            "oss1",
            "--props",
            props.to_str().unwrap(),
        ],
        2,
        "`accessKeySecret` is a secret given as the mask",
    );
    let m = env.path().join("m.toml");
    for pw in ["\"********\"", "{ env = \"MASKED\" }"] {
        std::fs::write(
            &m,
            format!("version = 1\n[[workspace]]\nname = \"fin_ws\"\n[[workspace.datasource]]\nname = \"r\"\ntype = \"redis\"\nenv = \"prod\"\nproperties = {{ address = \"c\", password = {pw} }}\n"),
        )
        .unwrap();
        for verb in ["plan", "apply"] {
            env.refused(
                &[verb, "--file", m.to_str().unwrap()],
                2,
                "m.toml:4:1: datasource fin_ws/r (prod): `password` is a secret given as the mask",
            );
        }
    }
}

/// Review of issue 14 (D1): a key the type does not know is a secret of that type, so the
/// mask given for it is refused on every route, as for a known secret: `--props` of `add`
/// and of `update`, `--prop` (literal, stdin) of a key the object holds, a manifest (plan
/// and apply), the type asked for at a terminal and `import --apply`. Each is exit 2
/// naming the key, and nothing changes. A stored unknown key may be set by `--prop` (it
/// is no typo): masked, with the command-line secret warning; `--unprop` removes it.
#[test]
fn an_unknown_key_given_as_the_mask_is_refused_on_every_route() {
    let env = Env::new().with_var("MASKED", "********");
    env.run(&["workspace", "create", "man_ws"]).ok();
    let masked = env.file(
        "m6.json",
        r#"{"address":"db:3306","database":"d","username":"u","password":"P1","fooBar":"********"}"#,
    );
    const SAID: &str = "`fooBar` is a secret given as the mask ********";
    fn add(props: &str) -> [&str; 8] {
        [
            "datasource",
            "add",
            "man_ws",
            "my5",
            "--type",
            "mysql",
            "--props",
            props,
        ]
    }
    let r = env.refused(&add(&masked), 2, SAID);
    assert!(
        r.stderr.contains("hint: give the secret itself"),
        "{}",
        r.stderr
    );

    // Stored with a real value: kept, as a secret.
    let real = env.file(
        "m7.json",
        r#"{"address":"db:3306","database":"d","username":"u","password":"P1","fooBar":"unk-S3cr3t-0020"}"#,
    );
    env.run(&add(&real)).ok();
    let show = || env.json(&["datasource", "show", "man_ws", "my5", "-o", "json"]);
    assert_eq!(show()["properties"]["fooBar"], "********");
    let stored_foo = || stored(&env, "datasource", "man_ws", "my5", "prod")["fooBar"].clone();
    assert_eq!(stored_foo(), json!("unk-S3cr3t-0020"));

    // update: --props, --prop (literal, stdin, a variable), all refused.
    fn with<'a>(more: &[&'a str]) -> Vec<&'a str> {
        [&["datasource", "update", "man_ws", "my5"][..], more].concat()
    }
    env.refused(&with(&["--props", &masked]), 2, SAID);
    env.refused(&with(&["--prop", "fooBar=********"]), 2, SAID);
    env.refused(&with(&["--prop", "fooBar=env:MASKED"]), 2, SAID);
    let rows = env.rows();
    env.run_stdin(&with(&["--prop", "fooBar=-"]), "********\n")
        .fails(2, SAID);
    assert_eq!(rows, env.rows());
    assert_eq!(stored_foo(), json!("unk-S3cr3t-0020"));

    // A manifest, plan and apply; and the same through import's placeholder variable.
    let m = env.path().join("m.toml");
    for value in ["\"********\"", "{ env = \"MASKED\" }"] {
        std::fs::write(
            &m,
            format!("version = 1\n[[workspace]]\nname = \"man_ws\"\n[[workspace.datasource]]\nname = \"my6\"\ntype = \"mysql\"\nenv = \"prod\"\nproperties = {{ address = \"db:3306\", database = \"d\", username = \"u\", password = \"P1\", fooBar = {value} }}\n"),
        )
        .unwrap();
        for verb in ["plan", "apply"] {
            env.refused(
                &[verb, "--file", m.to_str().unwrap()],
                2,
                &format!("m.toml:4:1: datasource man_ws/my6 (prod): {SAID}"),
            );
        }
    }

    // A stored unknown key is no typo: --prop sets it (a secret: masked, and the value
    // typed on the command line is warned about), --unprop removes it.
    let r = env.run(&with(&["--prop", "fooBar=unk-S3cr3t-0021"]));
    r.ok();
    assert!(
        r.stderr
            .contains("warning: the secret fooBar was given on the command line"),
        "{}",
        r.stderr
    );
    assert_eq!(stored_foo(), json!("unk-S3cr3t-0021"));
    let v = show();
    assert_eq!(v["properties"]["fooBar"], "********");
    // Not a key of the object: still refused from --prop (a typo is the likelier cause).
    env.refused(
        &with(&["--prop", "fooBaz=x"]),
        2,
        "mysql (url mode): unknown property `fooBaz`",
    );
    env.run(&with(&["--unprop", "fooBar"])).ok();
    assert!(show()["properties"].get("fooBar").is_none());
    assert_eq!(stored_foo(), Value::Null);
}

/// Review of issue 14 (D1): `import --apply` of a data source whose unknown key the API
/// returned as the mask reads it from its placeholder variable; that variable holding the
/// mask is refused like any manifest's.
#[test]
fn import_refuses_a_secret_whose_variable_holds_the_mask() {
    let env = Env::new();
    let dir = env.path().join("tenant");
    std::fs::create_dir_all(dir.join("7")).unwrap();
    std::fs::write(
        dir.join("projects.json"),
        r#"{"PagingInfo": {"Projects": [{"Id": 7, "Name": "imp_ws", "Status": "Available", "DevEnvironmentEnabled": true, "Owner": "1234567890123456"}], "TotalCount": 1}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("7/datasources.json"),
        r#"{"PagingInfo": {"DataSources": [{"Name": "pg", "Type": "postgresql", "DataSource": [{"Id": 11, "Name": "pg", "Type": "postgresql", "ConnectionPropertiesMode": "UrlMode", "ConnectionProperties": {"envType": "Prod", "address": [{"host": "db", "port": 5432}], "database": "d", "username": "u", "password": "********", "fooBar": "********"}}]}], "TotalCount": 1}}"#,
    )
    .unwrap();
    let printed = env.run(&["import", "--from-api", dir.to_str().unwrap()]);
    printed.ok();
    // The variable the manifest names for `key`: `key = { env = "VAR" }`.
    let var = |key: &str| {
        let text = &printed.stdout;
        let start = format!("{key} = {{ env = \"");
        let at = text.find(&start).unwrap_or_else(|| panic!("{key}: {text}")) + start.len();
        text[at..at + text[at..].find('"').unwrap()].to_string()
    };
    let (pw, foo) = (var("password"), var("fooBar"));
    let env = env.with_var(&pw, "P1").with_var(&foo, "********");
    env.refused(
        &[
            "import",
            "--from-api",
            dir.to_str().unwrap(),
            "--apply",
            "--yes",
        ],
        2,
        "`fooBar` is a secret given as the mask ********",
    );
}

/// Review of issue 14 (D1): the type asked for by `datasource add` (its wizard) refuses
/// the mask for a key it does not know, as `--type` does.
#[test]
fn the_wizard_refuses_the_mask_as_type_does() {
    let env = Env::new();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    // The wizard's first type is maxcompute.
    assert_eq!(types::all()[0].key, "maxcompute");
    let w = env.file("w.json", r#"{"project":"p","fooBar":"********"}"#);
    let rows = env.rows();
    let r = env.pty(
        &[
            "--color",
            "never",
            "datasource",
            "add",
            "fin_ws",
            "wiz",
            "--props",
            &w,
        ],
        &[("Data source type", "\r")],
    );
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("`fooBar` is a secret given as the mask ********"),
        "{}",
        r.stdout
    );
    assert_eq!(env.rows(), rows);
}
