//! The dev copies of a basic -> standard upgrade (domain.md 3.4). The upgrade's own rules
//! (account only, confirmation, states) are in workspace.rs.

use crate::harness::*;
use serde_json::{json, Value};

/// lab_ws (basic) holding, in prod: maxcompute compute `mc` (project sales) and `x`
/// (project x_dev, TaskOwner), hologres compute `holo`, a mysql data source `orders` with
/// a password, a maxcompute data source `raw`, and `kept`, a data source left behind by a
/// detached compute resource.
fn setup() -> Env {
    let env = Env::new().with_var("PW", "orders-pw");
    for args in [
        &["workspace", "create", "lab_ws", "--mode", "basic"][..],
        &[
            "compute",
            "attach",
            "lab_ws",
            "mc",
            "--type",
            "maxcompute",
            "--prop",
            "project=sales",
            "--prop",
            "authType=TaskOwner",
            "--description",
            "sales warehouse",
        ],
        &[
            "compute",
            "attach",
            "lab_ws",
            "x",
            "--type",
            "maxcompute",
            "--prop",
            "project=x_dev",
        ],
        &[
            "compute",
            "attach",
            "lab_ws",
            "holo",
            "--type",
            "hologres",
            "--prop",
            "instanceId=hgpre-1",
            "--prop",
            "database=d",
        ],
        &[
            "datasource",
            "add",
            "lab_ws",
            "orders",
            "--type",
            "mysql",
            "--prop",
            "address=db.example.com",
            "--prop",
            "database=orders",
            "--prop",
            "username=etl",
            "--prop",
            "password=env:PW",
        ],
        &[
            "datasource",
            "add",
            "lab_ws",
            "raw",
            "--type",
            "maxcompute",
            "--prop",
            "project=raw",
            "--prop",
            "authType=SubAccount",
        ],
        &[
            "compute",
            "attach",
            "lab_ws",
            "kept",
            "--type",
            "emr",
            "--prop",
            "clusterId=c-1",
        ],
        &[
            "compute",
            "detach",
            "lab_ws",
            "kept",
            "--keep-datasource",
            "--yes",
        ],
    ] {
        env.run(args).ok();
    }
    env
}

fn copy(kind: &str, name: &str) -> Value {
    json!({"kind": kind, "name": name, "env": "dev"})
}

fn props(env: &Env, noun: &str, name: &str, e: &str) -> Value {
    env.json(&[noun, "show", "lab_ws", name, "--env", e, "-o", "json"])["properties"].clone()
}

/// The stored (unredacted) properties of a data source.
fn stored(env: &Env, name: &str, e: &str) -> Value {
    let text = env.query_text(&format!(
        "SELECT properties FROM datasource WHERE name = {} AND env = {}",
        sql_text(name),
        sql_text(e)
    ));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn upgrade_copies_prod_to_dev_with_a_dev_project_for_maxcompute() {
    let env = setup();
    let want_copies = json!([
        copy("compute", "mc"),
        copy("compute", "x"),
        copy("compute", "holo"),
        copy("datasource", "kept"),
        copy("datasource", "orders"),
        copy("datasource", "raw"),
    ]);
    // --dry-run: the same copies, nothing written.
    let rows = env.rows();
    let events = env.events();
    let v = env.json(&["workspace", "upgrade", "lab_ws", "--dry-run", "-o", "json"]);
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["result"]["copies"], want_copies);
    assert_eq!((env.rows(), env.events()), (rows, events));
    env.refused(
        &["compute", "show", "lab_ws", "mc", "--env", "dev"],
        3,
        "compute resource 'mc' not found in lab_ws",
    );

    let (r, e) = env.changes(&["workspace", "upgrade", "lab_ws", "--yes", "-o", "json"]);
    let v = r.json();
    assert_eq!(v["result"]["copies"], want_copies);
    assert_eq!(v["result"]["workspace"]["mode"], "standard");
    assert_eq!(e.action, "workspace.upgrade");
    assert_eq!(e.details["copies"], want_copies);
    assert_eq!(r.stderr, "");

    // maxcompute: project + _dev, authType Executor; the rest as in prod.
    let mc = env.json(&[
        "compute", "show", "lab_ws", "mc", "--env", "dev", "-o", "json",
    ]);
    assert_eq!(
        (
            mc["properties"].clone(),
            mc["description"].clone(),
            mc["mode"].clone(),
            mc["is_default"].clone()
        ),
        (
            json!({"authType": "Executor", "endpointMode": "SelfAdaption", "project": "sales_dev"}),
            json!("sales warehouse"),
            json!("url"),
            json!(true)
        )
    );
    assert_eq!(
        props(&env, "compute", "x", "dev"),
        json!({"authType": "Executor", "endpointMode": "SelfAdaption", "project": "x_dev_dev"})
    );
    assert_eq!(
        props(&env, "compute", "x", "prod")["project"],
        "x_dev",
        "prod is untouched"
    );
    assert_eq!(
        props(&env, "datasource", "raw", "dev"),
        json!({"authType": "Executor", "endpointMode": "SelfAdaption", "project": "raw_dev"})
    );
    // Other types: the same place as prod, secrets included.
    assert_eq!(
        props(&env, "compute", "holo", "dev"),
        props(&env, "compute", "holo", "prod")
    );
    assert_eq!(
        stored(&env, "orders", "dev"),
        stored(&env, "orders", "prod")
    );
    assert_eq!(stored(&env, "orders", "dev")["password"], "orders-pw");
    assert_eq!(stored(&env, "kept", "dev"), stored(&env, "kept", "prod"));
    // Compute copies bring their data sources; the defaults per type hold in dev too.
    let dev: Vec<(Value, Value, Value)> = env
        .json(&["datasource", "list", "lab_ws", "--env", "dev", "-o", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["name"].clone(), d["type"].clone(), d["origin"].clone()))
        .collect();
    assert_eq!(
        dev,
        [
            (json!("holo"), json!("hologres"), json!("compute:holo")),
            (json!("kept"), json!("emr"), json!("manual")),
            (json!("mc"), json!("maxcompute"), json!("compute:mc")),
            (json!("orders"), json!("mysql"), json!("manual")),
            (json!("raw"), json!("maxcompute"), json!("manual")),
            (json!("x"), json!("maxcompute"), json!("compute:x")),
        ]
    );
    assert_eq!(
        props(&env, "datasource", "mc", "dev"),
        props(&env, "compute", "mc", "dev")
    );
    let defaults: Vec<(Value, Value)> = env
        .json(&["compute", "list", "lab_ws", "--env", "dev", "-o", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].clone(), c["is_default"].clone()))
        .collect();
    assert_eq!(
        defaults,
        [
            (json!("mc"), json!(true)),
            (json!("x"), json!(false)),
            (json!("holo"), json!(true)),
        ]
    );
    // Dev objects can now be added, and the copies changed on their own.
    env.run(&[
        "datasource",
        "update",
        "lab_ws",
        "orders",
        "--env",
        "dev",
        "--prop",
        "address=db-dev.example.com",
    ])
    .ok();
    assert_eq!(
        stored(&env, "orders", "prod")["address"],
        "db.example.com:3306"
    );
}

#[test]
fn the_table_names_the_copies() {
    let env = setup();
    let r = env.run(&["workspace", "upgrade", "lab_ws", "--yes"]);
    r.ok();
    assert_eq!(
        r.stderr,
        "Upgraded workspace lab_ws to standard mode (6 dev copies).\n"
    );
    let copies = r
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("copies"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert_eq!(
        copies.split_whitespace().collect::<Vec<_>>().join(" "),
        "copies compute: mc: dev; compute: x: dev; compute: holo: dev; datasource: kept: dev; datasource: orders: dev; datasource: raw: dev"
    );
}

#[test]
fn an_empty_workspace_gets_no_copies_and_the_default_workspace_upgrades_too() {
    let env = Env::new();
    env.run(&["workspace", "create", "lab_ws", "--mode", "basic"])
        .ok();
    let v = env.json(&["workspace", "upgrade", "lab_ws", "--yes", "-o", "json"]);
    assert_eq!(v["result"]["copies"], json!([]));
    // The default workspace is basic too: its prod compute gets a dev copy.
    env.run(&[
        "compute",
        "attach",
        DEFAULT_WS,
        "mc",
        "--type",
        "maxcompute",
        "--prop",
        "project=explore",
        "-q",
    ])
    .ok();
    let v = env.json(&["workspace", "upgrade", DEFAULT_WS, "--yes", "-o", "json"]);
    assert_eq!(v["result"]["copies"], json!([copy("compute", "mc")]));
    assert_eq!(
        env.json(&["compute", "show", DEFAULT_WS, "mc", "--env", "dev", "-o", "json"])
            ["properties"]["project"],
        "explore_dev"
    );
}

/// A manifest in `dir` declaring lab_ws (basic in `setup`) standard, with `extra` after.
fn upgrade_manifest(env: &Env, extra: &str) -> String {
    let path = env.path().join("up.toml");
    std::fs::write(
        &path,
        format!("version = 1\n\n[[workspace]]\nname = \"lab_ws\"\nmode = \"standard\"\n{extra}"),
    )
    .unwrap();
    path.display().to_string()
}

const UPGRADE_QUESTION: &str =
    "Apply 1 change, upgrading lab_ws to standard mode (this cannot be undone).\nContinue?";

#[test]
fn apply_asks_before_upgrading_as_workspace_upgrade_does() {
    let env = Env::new();
    env.run(&["workspace", "create", "lab_ws", "--mode", "basic"])
        .ok();
    let path = upgrade_manifest(&env, "");
    let rows = env.rows();
    let events = env.events();
    let unchanged =
        |env: &Env| assert_eq!((env.rows(), env.events()), (rows.clone(), events.clone()));
    // No terminal: exit 8 with the question and the hint, nothing changed.
    let r = env.refused(
        &["apply", "--file", &path],
        8,
        &format!("error: confirmation needed: {UPGRADE_QUESTION}\nhint: pass --yes"),
    );
    assert_eq!(r.stdout, "");
    let e = env
        .run(&["apply", "--file", &path, "-o", "json"])
        .json_error();
    assert_eq!(
        (e["code"].clone(), e["exit_code"].clone()),
        (json!("confirmation_required"), json!(8))
    );
    unchanged(&env);
    // --no-input and CI refuse to ask even at a terminal.
    let r = env.pty(&["--no-input", "apply", "--file", &path], &[]);
    assert_eq!(r.code, 8, "{}", r.stdout);
    let r = env
        .fork()
        .with_var("CI", "true")
        .pty(&["apply", "--file", &path], &[]);
    assert_eq!(r.code, 8, "{}", r.stdout);
    // plan and --dry-run never ask, and change nothing.
    let v = env.json(&["plan", "--file", &path, "-o", "json"]);
    assert_eq!(v[0]["change"], "~ workspace lab_ws: mode");
    let v = env.json(&["apply", "--file", &path, "--dry-run", "-o", "json"]);
    assert_eq!(v["result"][0]["change"], "~ workspace lab_ws: mode");
    unchanged(&env);
    // At a terminal: asked; no declines, Ctrl-C interrupts, both changing nothing.
    let r = env.pty(
        &["--color", "never", "apply", "--file", &path],
        &[("Continue?", "n")],
    );
    assert_eq!(r.code, 8, "{}", r.stdout);
    assert!(
        r.stdout
            .contains(UPGRADE_QUESTION.split('\n').next().unwrap()),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("not confirmed; nothing was changed"),
        "{}",
        r.stdout
    );
    unchanged(&env);
    let r = env.pty(&["apply", "--file", &path], &[("Continue?", "\x03")]);
    assert_eq!(r.code, 130, "{}", r.stdout);
    unchanged(&env);
    // Yes at the terminal upgrades.
    let env2 = env.fork();
    let r = env2.pty(&["apply", "--file", &path], &[("Continue?", "y")]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(
        env2.json(&["workspace", "show", "lab_ws", "-o", "json"])["mode"],
        "standard"
    );
    // --yes upgrades without asking, as workspace upgrade --yes does.
    let (_, e) = env.changes(&["apply", "--file", &path, "--yes"]);
    assert_eq!(
        e.key(),
        (
            "root",
            "workspace.upgrade",
            Some("lab_ws"),
            Some("lab_ws"),
            "ok"
        )
    );
    // Standard now: the same manifest changes nothing and asks nothing.
    let rows = env.rows();
    env.run(&["apply", "--file", &path]).ok();
    assert_eq!(env.rows(), rows);
}

#[test]
fn apply_asks_nothing_when_nothing_is_upgraded() {
    let env = Env::new();
    env.run(&["workspace", "create", "std_ws"]).ok();
    env.run(&["workspace", "create", "lab_ws", "--mode", "basic"])
        .ok();
    // Standard already, standard created, basic kept: no question, without a terminal.
    let path = env.path().join("m.toml");
    std::fs::write(
        &path,
        "version = 1\n\n[[workspace]]\nname = \"std_ws\"\nmode = \"standard\"\n\n\
         [[workspace]]\nname = \"new_ws\"\nmode = \"standard\"\n\n\
         [[workspace]]\nname = \"lab_ws\"\nmode = \"basic\"\ndescription = \"kept basic\"\n",
    )
    .unwrap();
    let r = env.run(&["apply", "--file", path.to_str().unwrap()]);
    r.ok();
    assert_eq!(
        env.json(&["workspace", "show", "lab_ws", "-o", "json"])["mode"],
        "basic"
    );
}

#[test]
fn apply_asks_once_for_an_upgrade_and_deletions_and_refuses_before_asking() {
    let env = Env::new();
    for args in [
        &["workspace", "create", "lab_ws", "--mode", "basic"][..],
        &["user", "add", "bob"],
        &["user", "add", "ops", "--full-access"],
        &["member", "add", "lab_ws", "bob", "--role", "dev"],
    ] {
        env.run(args).ok();
    }
    let path = upgrade_manifest(&env, "");
    let rows = env.rows();
    // --prune with the upgrade: one question naming both.
    let r = env.refused(
        &["apply", "--file", &path, "--prune"],
        8,
        "error: confirmation needed: Apply 2 changes, upgrading lab_ws to standard mode (this cannot be undone) and deleting:\n  - member lab_ws/bob\nContinue?\n",
    );
    assert_eq!(r.stdout, "");
    assert_eq!(env.rows(), rows);
    let r = env.pty(
        &["apply", "--file", &path, "--prune"],
        &[("Continue?", "y")],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    // One question (answered, dialoguer shows it again with the answer).
    assert_eq!(r.stdout.matches("(y/n)").count(), 1, "{}", r.stdout);
    // Only the account may upgrade: a full-access user is refused before being asked, and
    // the refusal is audited, as workspace upgrade's is.
    let env = Env::new();
    env.run(&["user", "add", "ops", "--full-access"]).ok();
    env.run(&["workspace", "create", "lab_ws", "--mode", "basic"])
        .ok();
    let path = upgrade_manifest(&env, "");
    let r = env.pty(&["--as", "ops", "apply", "--file", &path], &[]);
    assert_eq!(r.code, 5, "{}", r.stdout);
    assert!(!r.stdout.contains("Continue?"), "{}", r.stdout);
    let e = env.last_event();
    assert_eq!(
        (e.actor.as_str(), e.action.as_str(), e.outcome.as_str()),
        ("ops", "apply", "denied")
    );
}
