//! Data sources shared across workspaces (issue 16, part 2): `datasource share`,
//! `unshare`, `shares`, and how a share shows in the target's `datasource list`.

use crate::harness::*;
use serde_json::{json, Value};

/// fin_ws holds orders (prod, with a password) and ledger (dev); sales_ws (standard) has
/// alice (dev) and carol (dev) as members; lab_ws is basic. pat is fin_ws's O&M, gus its
/// guest.
fn setup() -> Env {
    let env = Env::new();
    for args in [
        &["user", "add", "alice"][..],
        &["user", "add", "carol"],
        &["user", "add", "pat"],
        &["user", "add", "gus"],
        &["workspace", "create", "fin_ws"],
        &["workspace", "create", "sales_ws"],
        &["workspace", "create", "lab_ws", "--mode", "basic"],
        &["member", "add", "sales_ws", "alice", "--role", "dev"],
        &["member", "add", "sales_ws", "carol", "--role", "dev"],
        &["member", "add", "sales_ws", "pat", "--role", "guest"],
        &["member", "add", "fin_ws", "pat", "--role", "ops"],
        &["member", "add", "fin_ws", "gus", "--role", "guest"],
        &[
            "datasource",
            "add",
            "fin_ws",
            "orders",
            "--type",
            "mysql",
            "--env",
            "prod",
            "--prop",
            "address=10.0.0.5:3306",
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
            "fin_ws",
            "ledger",
            "--type",
            "mysql",
            "--env",
            "dev",
            "--prop",
            "address=10.0.0.6:3306",
            "--prop",
            "database=ledger",
            "--prop",
            "username=etl",
            "--prop",
            "password=env:PW",
        ],
    ] {
        env.cmd(args)
            .env("PW", "s3cret-pw")
            .output()
            .map(|_| ())
            .unwrap();
    }
    env
}

/// `datasource share fin_ws DS --to TARGET`, which must succeed.
fn share(env: &Env, ds: &str, to: &str) {
    env.run(&["datasource", "share", "fin_ws", ds, "--to", to])
        .ok();
}

/// The events from the `from`th on: (action, target, the `because` of its details).
fn events_since(env: &Env, from: usize) -> Vec<(String, Option<String>, Option<String>)> {
    env.events()[from..]
        .iter()
        .map(|e| {
            (
                e.action.clone(),
                e.target.clone(),
                e.details["because"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn names_in(env: &Env, ws: &str, actor: &str) -> Vec<(String, Value)> {
    env.json(&["datasource", "list", ws, "--as", actor, "-o", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_string(),
                d["shared_from"].clone(),
            )
        })
        .collect()
}

#[test]
fn a_shared_data_source_is_listed_in_the_target_read_only_with_its_secrets_hidden() {
    let env = setup();
    let (r, e) = env.changes(&[
        "datasource",
        "share",
        "fin_ws",
        "orders",
        "--to",
        "sales_ws",
        "--as",
        "pat",
        "-o",
        "json",
    ]);
    let rule = r.json()["result"].clone();
    assert_eq!(
        rule,
        json!({"id": 1, "workspace": "fin_ws", "datasource": "orders", "env": "prod",
               "to": "sales_ws", "user": null, "created_at": "2026-11-28T10:00:00.000Z",
               "created_by": "pat"})
    );
    assert_eq!(
        e.key(),
        (
            "pat",
            "datasource.share",
            Some("fin_ws"),
            Some("orders"),
            "ok"
        )
    );
    assert_eq!(e.details, json!({"env": "prod", "after": rule}));
    let list = env.json(&[
        "datasource",
        "list",
        "sales_ws",
        "--as",
        "alice",
        "-o",
        "json",
    ]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let d = &list[0];
    assert_eq!(d["workspace"], "sales_ws");
    assert_eq!(d["shared_from"], "fin_ws");
    assert_eq!(d["properties"]["password"], "********");
    assert_eq!(d["properties"]["address"], "10.0.0.5:3306");
    // A guest of the target reads no properties at all, as for its own data sources.
    assert_eq!(
        names_in(&env, "sales_ws", "pat"),
        [("orders".to_string(), json!("fin_ws"))]
    );
    let guest = env.json(&[
        "datasource",
        "list",
        "sales_ws",
        "--as",
        "pat",
        "-o",
        "json",
    ]);
    assert_eq!(guest[0]["properties"], Value::Null);
    // Nowhere in any output of the target.
    for f in ["table", "json", "jsonl", "csv"] {
        let out = env.run(&["datasource", "list", "sales_ws", "--as", "alice", "-o", f]);
        assert!(!out.ok().contains("s3cret-pw"), "{f}");
    }
    // Its own workspace lists it as its own.
    assert_eq!(
        names_in(&env, "fin_ws", "root"),
        [
            ("ledger".to_string(), Value::Null),
            ("orders".to_string(), Value::Null)
        ]
    );
    // Shown in the target, read-only there: not the target's to change or remove.
    let shown = env.json(&[
        "datasource",
        "show",
        "sales_ws",
        "orders",
        "--as",
        "alice",
        "-o",
        "json",
    ]);
    assert_eq!(shown, list[0]);
    for args in [
        &["datasource", "remove", "sales_ws", "orders", "--yes"][..],
        &[
            "datasource",
            "update",
            "sales_ws",
            "orders",
            "--description",
            "x",
        ],
    ] {
        env.refused(
            args,
            6,
            "data source orders is shared into sales_ws from fin_ws: it is read-only here",
        );
    }
    // The rules, from either side.
    let from = env.json(&["datasource", "shares", "fin_ws", "orders", "-o", "json"]);
    assert_eq!(from, json!([rule]));
    assert_eq!(
        env.json(&[
            "datasource",
            "shares",
            "--to",
            "sales_ws",
            "--as",
            "alice",
            "-o",
            "json"
        ]),
        json!([rule])
    );
}

#[test]
fn share_rules_refusals() {
    let env = setup();
    share(&env, "orders", "sales_ws");
    // Into its own workspace.
    env.refused_event(
        &["datasource", "share", "fin_ws", "orders", "--to", "FIN_WS"],
        6,
        "cannot be shared into its own workspace fin_ws",
        ("datasource.share", Some("fin_ws"), Some("orders")),
    );
    // No re-sharing.
    env.refused_event(
        &[
            "datasource",
            "share",
            "sales_ws",
            "orders",
            "--to",
            "lab_ws",
        ],
        6,
        "a shared data source cannot be shared on",
        ("datasource.share", Some("sales_ws"), Some("orders")),
    );
    // The sharer needs datasource.manage in the source...
    env.refused_event(
        &[
            "datasource",
            "share",
            "fin_ws",
            "orders",
            "--to",
            "sales_ws",
            "--as",
            "gus",
        ],
        5,
        "gus may not share data sources of fin_ws",
        ("datasource.share", Some("fin_ws"), Some("orders")),
    );
    // ...and to see the target (pat sees sales_ws, not lab_ws).
    env.refused(
        &[
            "datasource",
            "share",
            "fin_ws",
            "orders",
            "--to",
            "lab_ws",
            "--as",
            "pat",
        ],
        3,
        "workspace lab_ws not found",
    );
    // Twice into the same workspace; a clash with the target's own name in that env.
    env.refused(
        &[
            "datasource",
            "share",
            "fin_ws",
            "orders",
            "--to",
            "sales_ws",
        ],
        4,
        "already shared into sales_ws",
    );
    let again = env.json(&[
        "datasource",
        "share",
        "fin_ws",
        "orders",
        "--to",
        "sales_ws",
        "--if-not-exists",
        "-o",
        "json",
    ]);
    assert_eq!(again["changed"], false);
    env.run(&[
        "datasource",
        "add",
        "lab_ws",
        "orders",
        "--type",
        "mysql",
        "--env",
        "prod",
        "--prop",
        "address=10.0.0.9:3306",
        "--prop",
        "database=x",
        "--prop",
        "username=u",
        "--prop",
        "password=x",
    ])
    .ok();
    env.refused(
        &["datasource", "share", "fin_ws", "orders", "--to", "lab_ws"],
        4,
        "lab_ws already has a data source named orders (prod)",
    );
    // The other way round: sales_ws cannot add a data source of the shared one's name.
    env.refused(
        &[
            "datasource",
            "add",
            "sales_ws",
            "orders",
            "--type",
            "mysql",
            "--env",
            "prod",
            "--prop",
            "address=10.0.0.9:3306",
            "--prop",
            "database=x",
            "--prop",
            "username=u",
            "--prop",
            "password=x",
        ],
        4,
        "sales_ws receives a data source named orders (prod) from fin_ws",
    );
    // A dev data source into a basic workspace, which has no dev.
    env.refused_event(
        &["datasource", "share", "fin_ws", "ledger", "--to", "lab_ws"],
        6,
        "lab_ws is in basic mode, which has no dev environment",
        ("datasource.share", Some("fin_ws"), Some("ledger")),
    );
    // The user must be a member of the target.
    env.refused(
        &[
            "datasource",
            "share",
            "fin_ws",
            "ledger",
            "--to",
            "sales_ws",
            "--user",
            "gus",
        ],
        3,
        "gus is not a member of sales_ws",
    );
    env.refused(
        &[
            "datasource",
            "unshare",
            "fin_ws",
            "ledger",
            "--to",
            "sales_ws",
        ],
        3,
        "is not shared into sales_ws",
    );
    let gone = env.json(&[
        "datasource",
        "unshare",
        "fin_ws",
        "ledger",
        "--to",
        "sales_ws",
        "--if-exists",
        "-o",
        "json",
    ]);
    assert_eq!(gone["changed"], false);
}

#[test]
fn a_share_to_one_user_shows_only_to_that_member() {
    let env = setup();
    env.run(&[
        "datasource",
        "share",
        "fin_ws",
        "ledger",
        "--to",
        "sales_ws",
        "--user",
        "alice",
    ])
    .ok();
    assert_eq!(
        names_in(&env, "sales_ws", "alice"),
        [("ledger".to_string(), json!("fin_ws"))]
    );
    assert_eq!(names_in(&env, "sales_ws", "carol"), []);
    assert_eq!(
        env.json(&[
            "datasource",
            "shares",
            "--to",
            "sales_ws",
            "--as",
            "carol",
            "-o",
            "json"
        ]),
        json!([])
    );
    assert_eq!(
        env.json(&["datasource", "shares", "fin_ws", "-o", "json"])[0]["user"],
        "alice"
    );
}

#[test]
fn unshare_removing_the_source_and_purging_remove_the_rules_with_events() {
    let env = setup();
    share(&env, "orders", "sales_ws");
    share(&env, "orders", "lab_ws");
    share(&env, "ledger", "sales_ws");
    let (_, e) = env.changes(&[
        "datasource",
        "unshare",
        "fin_ws",
        "orders",
        "--to",
        "lab_ws",
    ]);
    assert_eq!(
        e.key(),
        (
            "root",
            "datasource.unshare",
            Some("fin_ws"),
            Some("orders"),
            "ok"
        )
    );
    assert_eq!(e.details["before"]["to"], "lab_ws");
    // Disabling the target keeps the rule.
    env.run(&["workspace", "disable", "sales_ws"]).ok();
    env.run(&["workspace", "enable", "sales_ws"]).ok();
    assert_eq!(
        env.json(&["datasource", "shares", "fin_ws", "-o", "json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Removing the data source removes its rule first, with an event.
    let before = env.events().len();
    env.run(&["datasource", "remove", "fin_ws", "ledger", "--yes"])
        .ok();
    let events = env.events();
    let actions: Vec<(&str, Option<&str>)> = events[before..]
        .iter()
        .map(|e| (e.action.as_str(), e.details["because"].as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("datasource.unshare", Some("datasource.remove")),
            ("datasource.remove", None)
        ]
    );
    // Purging the target removes the rules into it, one event each.
    env.run(&["workspace", "delete", "sales_ws", "--yes"]).ok();
    assert_eq!(
        env.json(&["datasource", "shares", "fin_ws", "-o", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let before = env.events().len();
    env.run(&["workspace", "purge", "sales_ws", "--yes"]).ok();
    let events = env.events();
    let purged: Vec<(&str, &str)> = events[before..]
        .iter()
        .map(|e| (e.action.as_str(), e.workspace.as_deref().unwrap()))
        .collect();
    assert_eq!(
        purged,
        [
            ("datasource.unshare", "fin_ws"),
            ("workspace.purge", "sales_ws")
        ]
    );
    assert_eq!(
        env.json(&["datasource", "shares", "fin_ws", "-o", "json"]),
        json!([])
    );
}

#[test]
fn check_dw014_a_prod_data_source_shared_into_a_basic_workspace() {
    let env = setup();
    share(&env, "orders", "lab_ws");
    share(&env, "orders", "sales_ws");
    let findings = env.json(&["check", "lab_ws", "sales_ws", "-o", "json"]);
    let dw014: Vec<&Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "DW014")
        .collect();
    assert_eq!(dw014.len(), 1, "{findings}");
    assert_eq!(dw014[0]["severity"], "warning");
    assert_eq!(dw014[0]["workspace"], "lab_ws");
    assert_eq!(dw014[0]["object"], "orders");
    assert!(
        dw014[0]["hint"]
            .as_str()
            .unwrap()
            .contains("dwctl datasource unshare fin_ws orders --env prod --to lab_ws"),
        "{}",
        dw014[0]
    );
    // Unshared, it is gone.
    env.run(&[
        "datasource",
        "unshare",
        "fin_ws",
        "orders",
        "--to",
        "lab_ws",
    ])
    .ok();
    let after = env.json(&["check", "lab_ws", "-o", "json"]);
    assert!(!after.to_string().contains("DW014"), "{after}");
}

#[test]
fn a_share_to_a_user_goes_when_the_user_leaves_the_target_with_its_event() {
    let env = setup();
    for args in [
        &[
            "datasource",
            "share",
            "fin_ws",
            "ledger",
            "--to",
            "sales_ws",
            "--user",
            "alice",
        ][..],
        &[
            "datasource",
            "share",
            "fin_ws",
            "orders",
            "--to",
            "sales_ws",
            "--user",
            "carol",
        ],
    ] {
        env.run(args).ok();
    }
    let actions = |from: usize| events_since(&env, from);
    let rules = |env: &Env| -> Vec<String> {
        env.json(&["datasource", "shares", "fin_ws", "-o", "json"])
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["datasource"].as_str().unwrap().to_string())
            .collect()
    };
    // A member removed: the rule for that member alone goes first, with its event.
    let before = env.events().len();
    env.run(&["member", "remove", "sales_ws", "alice", "--yes"])
        .ok();
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        actions(before),
        [
            ("datasource.unshare".into(), s("ledger"), s("member.remove")),
            ("member.remove".into(), s("alice"), None),
        ]
    );
    assert_eq!(rules(&env), ["orders"]);
    // A principal removed with its memberships: the same, because of user.remove.
    let before = env.events().len();
    env.run(&["user", "remove", "carol", "--cascade", "--yes"])
        .ok();
    assert_eq!(
        actions(before),
        [
            ("datasource.unshare".into(), s("orders"), s("user.remove")),
            ("member.remove".into(), s("carol"), None),
            ("user.remove".into(), s("carol"), None),
        ]
    );
    assert_eq!(rules(&env), Vec::<String>::new());
    // An expired membership pruned: the same, because of member.prune.
    env.run(&["user", "add", "dora"]).ok();
    env.run(&[
        "member",
        "add",
        "sales_ws",
        "dora",
        "--role",
        "dev",
        "--expires",
        "1d",
    ])
    .ok();
    env.run(&[
        "datasource",
        "share",
        "fin_ws",
        "ledger",
        "--to",
        "sales_ws",
        "--user",
        "dora",
    ])
    .ok();
    let before = env.events().len();
    let mut prune = env.cmd(&["member", "prune", "--expired", "sales_ws", "--yes"]);
    prune.env("DWCTL_NOW", "2026-12-05T00:00:00Z");
    Env::output(prune).ok();
    assert_eq!(
        actions(before),
        [
            ("datasource.unshare".into(), s("ledger"), s("member.prune")),
            ("member.prune".into(), s("dora"), None),
        ]
    );
    assert_eq!(rules(&env), Vec::<String>::new());
    // A share with the whole workspace stays when a member leaves.
    share(&env, "orders", "sales_ws");
    env.run(&["member", "remove", "sales_ws", "pat", "--yes"])
        .ok();
    assert_eq!(rules(&env), ["orders"]);
}

/// The variables an export of setup()'s fin_ws names for its secrets.
fn with_secrets(env: Env) -> Env {
    env.with_var("DWCTL_SECRET_FIN__WS_ORDERS_PROD_PASSWORD", "s3cret-pw")
        .with_var("DWCTL_SECRET_FIN__WS_LEDGER_DEV_PASSWORD", "s3cret-pw")
}

#[test]
fn manifests_declare_shares_and_apply_them_after_every_workspace() {
    let env = with_secrets(setup());
    for args in [
        &[
            "datasource",
            "share",
            "fin_ws",
            "orders",
            "--to",
            "sales_ws",
        ][..],
        &["datasource", "share", "fin_ws", "orders", "--to", "lab_ws"],
        &[
            "datasource",
            "share",
            "fin_ws",
            "ledger",
            "--to",
            "sales_ws",
            "--user",
            "alice",
        ],
    ] {
        env.run(args).ok();
    }
    let file = env.path().join("m.toml");
    let file = file.to_str().unwrap();
    env.run(&["export", "fin_ws", "lab_ws", "sales_ws", "--file", file])
        .ok();
    let text = std::fs::read_to_string(file).unwrap();
    assert!(
        text.contains("shares = [\n  { datasource = \"ledger\", env = \"dev\", to = \"sales_ws\", user = \"alice\" },\n  { datasource = \"orders\", env = \"prod\", to = \"lab_ws\" },\n  { datasource = \"orders\", env = \"prod\", to = \"sales_ws\" },\n]\n"),
        "{text}"
    );
    let r = env.run(&["plan", "--file", file, "--exit-code"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (0, "(none)\nPlan: No changes.\n")
    );
    // JSON says the same.
    let json = env.json(&["export", "fin_ws", "-o", "json"]);
    assert_eq!(
        json["workspace"][0]["shares"][0],
        json!({"datasource": "ledger", "env": "dev", "to": "sales_ws", "user": "alice"})
    );

    // Into a fresh catalog: the targets come after fin_ws in the manifest; each share is
    // made by datasource share's use case, one event each; exported byte for byte.
    let other = with_secrets(Env::new());
    let plan = other.run(&["plan", "--file", file]);
    for line in [
        "+ share fin_ws/ledger -> sales_ws (dev)",
        "+ share fin_ws/orders -> lab_ws (prod)",
        "+ share fin_ws/orders -> sales_ws (prod)",
    ] {
        assert!(plan.ok().contains(line), "{line}: {}", plan.stdout);
    }
    other.run(&["apply", "--file", file]).ok();
    let shared: Vec<Event> = other
        .events()
        .into_iter()
        .filter(|e| e.action == "datasource.share")
        .collect();
    assert_eq!(shared.len(), 3);
    assert_eq!(shared[0].details["after"]["user"], "alice");
    let again = other.path().join("again.toml");
    let again = again.to_str().unwrap();
    other
        .run(&["export", "fin_ws", "lab_ws", "sales_ws", "--file", again])
        .ok();
    assert_eq!(text, std::fs::read_to_string(again).unwrap());

    // Changed: another user is unshared and shared again; an undeclared share goes with
    // --prune only, with its event.
    let changed = text
        .replace(
            "sales_ws\", user = \"alice\"",
            "sales_ws\", user = \"carol\"",
        )
        .replace(
            "  { datasource = \"orders\", env = \"prod\", to = \"lab_ws\" },\n",
            "",
        );
    std::fs::write(file, &changed).unwrap();
    let plan = env.run(&["plan", "--file", file]);
    assert!(
        plan.ok()
            .contains("~ share fin_ws/ledger -> sales_ws (dev): user"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("- share"), "{}", plan.stdout);
    let plan = env.run(&["plan", "--file", file, "--prune"]);
    assert!(
        plan.ok().contains("- share fin_ws/orders -> lab_ws (prod)"),
        "{}",
        plan.stdout
    );
    let before = env.events().len();
    env.run(&["apply", "--file", file, "--prune", "--yes"]).ok();
    let events: Vec<(String, Value)> = env.events()[before..]
        .iter()
        .map(|e| (e.action.clone(), e.details.clone()))
        .collect();
    let acts: Vec<(&str, &str)> = events
        .iter()
        .map(|(a, d)| {
            let rule = if a == "datasource.share" {
                &d["after"]
            } else {
                &d["before"]
            };
            (a.as_str(), rule["to"].as_str().unwrap())
        })
        .filter(|(a, _)| a.starts_with("datasource."))
        .collect();
    assert_eq!(
        acts,
        [
            ("datasource.unshare", "sales_ws"),
            ("datasource.share", "sales_ws"),
            ("datasource.unshare", "lab_ws"),
        ]
    );
    assert_eq!(
        env.json(&["datasource", "shares", "fin_ws", "ledger", "-o", "json"])[0]["user"],
        "carol"
    );

    // The same rules and refusals as the command: into its own workspace (exit 6, naming
    // the change, nothing changed); the same share twice is a manifest error.
    std::fs::write(
        file,
        changed.replace("to = \"sales_ws\", user = \"carol\"", "to = \"fin_ws\""),
    )
    .unwrap();
    let r = env.refused(
        &["apply", "--file", file],
        6,
        "cannot be shared into its own workspace fin_ws",
    );
    assert!(
        r.stderr.contains("+ share fin_ws/ledger -> fin_ws (dev)"),
        "{}",
        r.stderr
    );
    std::fs::write(
        file,
        changed.replace(
            "shares = [\n",
            "shares = [\n  { datasource = \"ORDERS\", env = \"prod\", to = \"sales_ws\" },\n",
        ),
    )
    .unwrap();
    env.refused(
        &["plan", "--file", file],
        2,
        "is shared into `sales_ws` twice",
    );
}

#[test]
fn apply_prune_removing_a_shared_data_source_removes_its_rules_with_events() {
    let env = with_secrets(setup());
    share(&env, "orders", "sales_ws");
    let file = env.path().join("m.toml");
    let file = file.to_str().unwrap();
    env.run(&["export", "fin_ws", "--file", file]).ok();
    // Neither the data source nor its share declared any more.
    let text = std::fs::read_to_string(file).unwrap();
    let cut = text.find("shares = [").unwrap();
    let end = text[cut..].find("]\n").unwrap() + cut + 2;
    let mut m = format!("{}{}", &text[..cut], &text[end..]);
    let orders = m
        .find("[[workspace.datasource]]\nname = \"orders\"")
        .unwrap();
    m.truncate(orders);
    std::fs::write(file, &m).unwrap();
    let before = env.events().len();
    env.run(&["apply", "--file", file, "--prune", "--yes"]).ok();
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        events_since(&env, before),
        [
            (
                "datasource.unshare".into(),
                s("orders"),
                s("datasource.remove")
            ),
            ("datasource.remove".into(), s("orders"), None),
        ]
    );
    assert_eq!(
        env.json(&["datasource", "shares", "fin_ws", "-o", "json"]),
        json!([])
    );
}

/// A share stays when its source or target workspace is disabled, so an export can hold
/// shares of disabled workspaces: apply into a fresh catalog makes the shares first and
/// disables after, and exports the same bytes.
#[test]
fn shares_of_disabled_workspaces_round_trip_through_manifests() {
    let env = with_secrets(setup());
    share(&env, "orders", "sales_ws");
    share(&env, "orders", "lab_ws");
    share(&env, "ledger", "sales_ws");
    env.run(&["workspace", "disable", "sales_ws", "--yes"]).ok();
    env.run(&["workspace", "disable", "fin_ws", "--yes"]).ok();
    let file = env.path().join("m.toml");
    let file = file.to_str().unwrap();
    env.run(&["export", "fin_ws", "lab_ws", "sales_ws", "--file", file])
        .ok();
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains("to = \"sales_ws\""), "{text}");

    let other = with_secrets(Env::new());
    let r = other.run(&["apply", "--file", file]);
    r.ok();
    // The disables come after the shares they would have refused.
    let order: Vec<String> = r
        .stdout
        .lines()
        .filter(|l| l.contains("share") || l.contains(": status"))
        .map(str::to_string)
        .collect();
    let last_share = order.iter().rposition(|l| l.contains("share")).unwrap();
    let first_disable = order.iter().position(|l| l.contains(": status")).unwrap();
    assert!(last_share < first_disable, "{order:?}");
    let again = other.path().join("again.toml");
    let again = again.to_str().unwrap();
    other
        .run(&["export", "fin_ws", "lab_ws", "sales_ws", "--file", again])
        .ok();
    assert_eq!(text, std::fs::read_to_string(again).unwrap());
    let r = other.run(&["plan", "--file", file, "--exit-code"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}
