//! Data sources: add, list, show, update, remove and types; environments by mode, one type
//! per name across envs, the data sources compute resources bring, list filters, and who
//! sees connection properties (domain.md 3.3, 6, types.md, permissions.md 4).

use crate::harness::*;
use crate::output::{check_mutations, check_read};
use serde_json::{json, Value};

/// alice (ops) and gus (guest) in fin_ws (standard); lab_ws (basic).
fn setup() -> Env {
    let env = Env::new();
    for args in [
        &["user", "add", "alice"][..],
        &["user", "add", "gus"],
        &["workspace", "create", "fin_ws"],
        &["workspace", "create", "lab_ws", "--mode", "basic"],
        &["member", "add", "fin_ws", "alice", "--role", "ops"],
        &["member", "add", "fin_ws", "gus", "--role", "guest"],
    ] {
        env.run(args).ok();
    }
    env
}

/// `datasource add WS NAME --type mysql` in url mode, the password from a variable.
fn mysql<'a>(ws: &'a str, name: &'a str, e: &'a str, address: &'a str) -> Vec<&'a str> {
    vec![
        "datasource",
        "add",
        ws,
        name,
        "--type",
        "mysql",
        "--env",
        e,
        "--prop",
        address,
        "--prop",
        "database=orders",
        "--prop",
        "username=etl",
        "--prop",
        "password=env:PW",
    ]
}

fn show(env: &Env, ws: &str, name: &str, e: &str) -> Value {
    env.json(&["datasource", "show", ws, name, "--env", e, "-o", "json"])
}

fn names(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap().to_string(),
                d["env"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pair(n: &str, e: &str) -> (String, String) {
    (n.to_string(), e.to_string())
}

#[test]
fn add_show_update_and_remove() {
    let env = setup().with_var("PW", "pw-1");
    let mut args = mysql("FIN_WS", "orders", "prod", "address=10.0.0.5");
    args.extend(["--description", "the orders", "-o", "json"]);
    let (r, e) = env.changes(&args);
    let want = json!({
        "id": 1, "workspace": "fin_ws", "name": "orders", "env": "prod", "type": "mysql", "mode": "url",
        "properties": {"address": "10.0.0.5:3306", "database": "orders", "password": "********", "username": "etl"},
        "description": "the orders", "origin": "manual", "last_test": null, "shared_from": null,
        "created_at": "2026-11-28T10:00:00.000Z", "created_by": "root",
        "updated_at": "2026-11-28T10:00:00.000Z", "updated_by": "root"
    });
    assert_eq!(
        r.json(),
        json!({"action": "datasource.add", "changed": true, "dry_run": false, "result": want, "warnings": []})
    );
    assert_eq!(r.stderr, "");
    assert_eq!(show(&env, "fin_ws", "ORDERS", "prod"), want);
    assert_eq!(
        e.key(),
        (
            "root",
            "datasource.add",
            Some("fin_ws"),
            Some("orders"),
            "ok"
        )
    );
    assert_eq!(e.details, json!({"env": "prod", "after": want}));
    // --env defaults to prod; show needs no --env when the name is in one env.
    assert_eq!(
        env.json(&["datasource", "show", "fin_ws", "orders", "-o", "json"]),
        want
    );

    // update: --prop sets, --unprop removes, --props FILE replaces; --prop wins.
    let (r, e) = env.changes(&[
        "datasource",
        "update",
        "fin_ws",
        "orders",
        "--prop",
        "driverVersion=5.1.49",
        "--description",
        "orders, v2",
        "-o",
        "json",
    ]);
    assert_eq!(
        r.json()["result"]["properties"],
        json!({"address": "10.0.0.5:3306", "database": "orders", "driverVersion": "5.1.49", "password": "********", "username": "etl"})
    );
    assert_eq!(
        e.key(),
        (
            "root",
            "datasource.update",
            Some("fin_ws"),
            Some("orders"),
            "ok"
        )
    );
    assert_eq!(
        e.details,
        json!({
            "before": {"description": "the orders", "properties": want["properties"]},
            "after": {"description": "orders, v2", "properties": r.json()["result"]["properties"]}
        })
    );
    env.run(&[
        "datasource",
        "update",
        "fin_ws",
        "orders",
        "--unprop",
        "driverVersion",
    ])
    .ok();
    let file = env.path().join("orders.json");
    std::fs::write(
        &file,
        r#"{"address": "db.example.com", "database": "o2", "username": "u2", "password": "pw-2"}"#,
    )
    .unwrap();
    let v = env.json(&[
        "datasource",
        "update",
        "fin_ws",
        "orders",
        "--props",
        file.to_str().unwrap(),
        "--prop",
        "database=o3",
        "-o",
        "json",
    ]);
    assert_eq!(
        v["result"]["properties"],
        json!({"address": "db.example.com:3306", "database": "o3", "password": "********", "username": "u2"})
    );
    // No change: no event.
    let events = env.events().len();
    let v = env.json(&[
        "datasource",
        "update",
        "fin_ws",
        "orders",
        "--prop",
        "database=o3",
        "-o",
        "json",
    ]);
    assert_eq!(v["changed"], false);
    assert_eq!(env.events().len(), events);
    // Invalid changes: exit 2; missing: exit 3.
    env.refused(
        &[
            "datasource",
            "update",
            "fin_ws",
            "orders",
            "--unprop",
            "username",
        ],
        2,
        "mysql (url mode): missing required property username",
    );
    env.refused(
        &[
            "datasource",
            "update",
            "fin_ws",
            "orders",
            "--prop",
            "driverVersion=9",
        ],
        2,
        "invalid `driverVersion` value: must be one of 8.2.0, 5.1.49, 5.1.46",
    );
    env.refused(
        &[
            "datasource",
            "update",
            "fin_ws",
            "orders",
            "--prop",
            "instanceId=rm-1",
        ],
        2,
        "mysql (url mode): unknown property `instanceId`",
    );
    let r = env.refused(
        &["datasource", "update", "fin_ws", "nope", "--prop", "a=b"],
        3,
        "error: data source 'nope' not found in fin_ws",
    );
    assert!(
        r.stderr
            .contains("hint: list them with dwctl datasource list fin_ws"),
        "{}",
        r.stderr
    );

    // remove asks first, then removes, with one event.
    env.refused(
        &["datasource", "remove", "fin_ws", "orders"],
        8,
        "confirmation needed: Remove data source orders (prod) from fin_ws?",
    );
    let rows = env.rows();
    let v = env.json(&[
        "datasource",
        "remove",
        "fin_ws",
        "orders",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(v["dry_run"], true);
    assert_eq!((env.rows(), env.events().len()), (rows, events));
    let stored = show(&env, "fin_ws", "orders", "prod");
    let (r, e) = env.changes(&[
        "datasource",
        "remove",
        "fin_ws",
        "Orders",
        "--yes",
        "-o",
        "json",
    ]);
    assert_eq!(r.json()["result"], stored);
    assert_eq!(
        e.key(),
        (
            "root",
            "datasource.remove",
            Some("fin_ws"),
            Some("orders"),
            "ok"
        )
    );
    assert_eq!(e.details, json!({"env": "prod", "before": stored}));
    env.refused(
        &["datasource", "remove", "fin_ws", "orders", "--yes"],
        3,
        "data source 'orders' not found in fin_ws",
    );
    let v = env.json(&[
        "datasource",
        "remove",
        "fin_ws",
        "orders",
        "--yes",
        "--if-exists",
        "-o",
        "json",
    ]);
    assert_eq!(
        v,
        json!({"action": "datasource.remove", "changed": false, "dry_run": false, "result": null, "warnings": []})
    );
}

#[test]
fn add_checks_its_input_and_conflicts() {
    let env = setup().with_var("PW", "pw-1");
    env.refused(
        &["datasource", "add", "fin_ws", "x", "--prop", "address=h"],
        2,
        "error: --type is required",
    );
    let r = env.refused(
        &["datasource", "add", "fin_ws", "x", "--type", "sybase"],
        2,
        "error: unknown data source type `sybase`",
    );
    assert!(
        r.stderr
            .contains("hint: types: maxcompute, hologres, emr_serverless_spark"),
        "{}",
        r.stderr
    );
    env.refused(
        &[
            "datasource",
            "add",
            "fin_ws",
            "1x",
            "--type",
            "redis",
            "--prop",
            "address=h",
        ],
        2,
        "invalid data source name '1x'",
    );
    env.refused(
        &[
            "datasource",
            "add",
            "fin_ws",
            "ora",
            "--type",
            "oracle",
            "--prop",
            "address=o",
            "--prop",
            "username=u",
            "--prop",
            "password=env:PW",
        ],
        2,
        "exactly one of serviceName or sid is required",
    );
    env.refused(
        &[
            "datasource",
            "add",
            "fin_ws",
            "es",
            "--type",
            "elasticsearch",
            "--prop",
            "endpoint=es.example.com",
        ],
        2,
        "invalid `endpoint` value",
    );
    env.refused(
        &[
            "datasource",
            "add",
            "fin_ws",
            "r",
            "--type",
            "redis",
            "--prop",
            "address=h",
            "--prop",
            "database=16",
        ],
        2,
        "`database` is a whole number from 0 to 15",
    );
    env.refused(
        &[
            "datasource",
            "add",
            "fin_ws",
            "r",
            "--type",
            "redis",
            "--prop",
            "address=h:99999",
        ],
        2,
        "invalid `address` value",
    );
    env.refused(
        &[
            "datasource",
            "add",
            "nope_ws",
            "r",
            "--type",
            "redis",
            "--prop",
            "address=h",
        ],
        3,
        "workspace nope_ws not found",
    );
    // The same name in the same env is a conflict, in any case.
    env.run(&mysql("fin_ws", "orders", "prod", "address=db"))
        .ok();
    let r = env.refused(
        &mysql("fin_ws", "ORDERS", "prod", "address=db"),
        4,
        "error: data source orders already exists in fin_ws (prod)",
    );
    assert!(
        r.stderr
            .contains("hint: choose another name, or pass --if-not-exists"),
        "{}",
        r.stderr
    );
    // --if-not-exists: the stored one, and a warning when it differs.
    let stored = show(&env, "fin_ws", "orders", "prod");
    let mut same = mysql("fin_ws", "orders", "prod", "address=db:3306");
    same.extend(["--if-not-exists", "-o", "json"]);
    let v = env.json(&same);
    assert_eq!(
        v,
        json!({"action": "datasource.add", "changed": false, "dry_run": false, "result": stored, "warnings": []})
    );
    let mut other = mysql("fin_ws", "orders", "prod", "address=db2");
    other.extend(["--if-not-exists", "-o", "json"]);
    let r = env.run(&other);
    r.ok();
    assert_eq!(
        r.json()["warnings"],
        json!([{"code": "exists_differs", "message": "data source orders exists and differs in: properties"}])
    );
    assert_eq!(show(&env, "fin_ws", "orders", "prod"), stored);
}

#[test]
fn environments_by_mode_and_one_type_per_name() {
    let env = setup().with_var("PW", "pw-1");
    // basic: prod only.
    let r = env.refused_event(
        &mysql("Lab_Ws", "orders", "dev", "address=db"),
        6,
        "error: lab_ws is in basic mode, which has no dev environment",
        ("datasource.add", Some("lab_ws"), Some("orders")),
    );
    assert!(
        r.stderr
            .contains("hint: use --env prod, or upgrade it: dwctl workspace upgrade lab_ws"),
        "{}",
        r.stderr
    );
    env.run(&mysql("lab_ws", "orders", "prod", "address=db"))
        .ok();
    // standard: both, with the same type.
    env.run(&mysql("fin_ws", "orders", "prod", "address=db"))
        .ok();
    env.run(&mysql("fin_ws", "Orders", "dev", "address=db_dev"))
        .ok();
    env.run(&[
        "datasource",
        "add",
        "fin_ws",
        "cache",
        "--type",
        "redis",
        "--env",
        "dev",
        "--prop",
        "address=c",
    ])
    .ok();
    env.refused(
        &[
            "datasource",
            "add",
            "fin_ws",
            "CACHE",
            "--type",
            "mongodb",
            "--prop",
            "address=m",
            "--prop",
            "database=d",
            "--prop",
            "username=u",
            "--prop",
            "password=env:PW",
        ],
        4,
        "error: cache is a redis data source in dev; its prod configuration must have the same type, not mongodb",
    );
    // The same name in dev and prod: commands need --env.
    let r = env.refused(
        &["datasource", "show", "fin_ws", "orders"],
        2,
        "error: data source orders exists in both prod and dev in fin_ws",
    );
    assert!(r.stderr.contains("hint: pass --env prod or --env dev"));
    for args in [
        &[
            "datasource",
            "update",
            "fin_ws",
            "orders",
            "--description",
            "x",
        ][..],
        &["datasource", "remove", "fin_ws", "orders", "--yes"],
        &["datasource", "test", "fin_ws", "orders"],
    ] {
        env.refused(args, 2, "exists in both prod and dev in fin_ws");
    }
    assert_eq!(
        show(&env, "fin_ws", "orders", "dev")["properties"]["address"],
        "db_dev:3306"
    );
}

#[test]
fn a_compute_created_data_source_changes_only_through_its_compute() {
    let env = setup();
    for e in ["prod", "dev"] {
        env.run(&[
            "compute",
            "attach",
            "fin_ws",
            "mc",
            "--type",
            "maxcompute",
            "--prop",
            "project=fin",
            "--env",
            e,
        ])
        .ok();
    }
    let r = env.refused_event(
        &[
            "datasource",
            "remove",
            "FIN_WS",
            "MC",
            "--env",
            "dev",
            "--yes",
        ],
        6,
        "error: data source mc belongs to compute resource mc: it cannot be removed on its own",
        ("datasource.remove", Some("fin_ws"), Some("mc")),
    );
    assert!(
        r.stderr
            .contains("hint: use dwctl compute detach fin_ws mc --env dev"),
        "{}",
        r.stderr
    );
    let r = env.refused_event(
        &[
            "datasource",
            "update",
            "fin_ws",
            "mc",
            "--env",
            "prod",
            "--prop",
            "project=x",
        ],
        6,
        "error: data source mc belongs to compute resource mc: it cannot be changed on its own",
        ("datasource.update", Some("fin_ws"), Some("mc")),
    );
    assert!(
        r.stderr
            .contains("hint: use dwctl compute update fin_ws mc --env prod"),
        "{}",
        r.stderr
    );
    // Its compute can; and once detached with --keep-datasource it is free.
    env.run(&[
        "compute",
        "detach",
        "fin_ws",
        "mc",
        "--env",
        "dev",
        "--keep-datasource",
        "--yes",
    ])
    .ok();
    env.run(&[
        "datasource",
        "update",
        "fin_ws",
        "mc",
        "--env",
        "dev",
        "--prop",
        "project=fin_dev",
    ])
    .ok();
    env.run(&[
        "datasource",
        "remove",
        "fin_ws",
        "mc",
        "--env",
        "dev",
        "--yes",
    ])
    .ok();
}

#[test]
fn list_filters_by_env_type_and_name() {
    let env = setup().with_var("PW", "pw-1");
    env.run(&mysql("fin_ws", "orders", "prod", "address=db"))
        .ok();
    env.run(&mysql("fin_ws", "orders", "dev", "address=db_dev"))
        .ok();
    env.run(&mysql("fin_ws", "Customers", "prod", "address=db"))
        .ok();
    for args in [
        &[
            "datasource",
            "add",
            "fin_ws",
            "order_cache",
            "--type",
            "redis",
            "--prop",
            "address=c",
        ][..],
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
    let list = |extra: &[&str]| {
        let mut a = vec!["datasource", "list", "fin_ws", "-o", "json"];
        a.extend(extra);
        names(&env.json(&a))
    };
    // By name (case-insensitively), prod before dev.
    assert_eq!(
        list(&[]),
        [
            pair("Customers", "prod"),
            pair("mc", "prod"),
            pair("order_cache", "prod"),
            pair("orders", "prod"),
            pair("orders", "dev"),
        ]
    );
    assert_eq!(list(&["--env", "dev"]), [pair("orders", "dev")]);
    assert_eq!(
        list(&["--type", "MySQL"]),
        [
            pair("Customers", "prod"),
            pair("orders", "prod"),
            pair("orders", "dev")
        ]
    );
    assert_eq!(
        list(&["--name", "ORDER"]),
        [
            pair("order_cache", "prod"),
            pair("orders", "prod"),
            pair("orders", "dev")
        ]
    );
    assert_eq!(
        list(&["--name", "order", "--type", "mysql", "--env", "prod"]),
        [pair("orders", "prod")]
    );
    assert_eq!(list(&["--type", "oss"]), Vec::<(String, String)>::new());
    assert_eq!(list(&["--name", "zzz"]), Vec::<(String, String)>::new());
    env.refused(
        &["datasource", "list", "fin_ws", "--type", "sybase"],
        2,
        "unknown data source type `sybase`",
    );
    env.refused(&["datasource", "list", "fin_ws", "--env", "qa"], 2, "qa");
    // Origins show which ones a compute resource brought.
    let origins: Vec<Value> = env
        .json(&[
            "datasource",
            "list",
            "fin_ws",
            "--env",
            "prod",
            "-o",
            "json",
        ])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["origin"].clone())
        .collect();
    assert_eq!(
        origins,
        [
            json!("manual"),
            json!("compute:mc"),
            json!("manual"),
            json!("manual")
        ]
    );
}

#[test]
fn only_members_who_may_read_connection_properties_see_them() {
    let env = setup().with_var("PW", "pw-1");
    env.run(&mysql("fin_ws", "orders", "prod", "address=db"))
        .ok();
    let redacted = json!({"address": "db:3306", "database": "orders", "password": "********", "username": "etl"});
    // ops (alice): redacted properties.
    let d = env.json(&[
        "--as",
        "alice",
        "datasource",
        "show",
        "fin_ws",
        "orders",
        "-o",
        "json",
    ]);
    assert_eq!(d["properties"], redacted);
    // guest (gus): names, types and envs, but no properties.
    let d = env.json(&[
        "--as",
        "gus",
        "datasource",
        "show",
        "fin_ws",
        "orders",
        "-o",
        "json",
    ]);
    assert_eq!(
        (
            d["name"].clone(),
            d["type"].clone(),
            d["env"].clone(),
            d["properties"].clone()
        ),
        (json!("orders"), json!("mysql"), json!("prod"), Value::Null)
    );
    let l = env.json(&["--as", "gus", "datasource", "list", "fin_ws", "-o", "json"]);
    assert_eq!(l[0]["properties"], Value::Null);
    let r = env.run(&["--as", "gus", "datasource", "list", "fin_ws"]);
    assert!(!r.stdout.contains("db:3306"), "{}", r.stdout);
    // A full-access user sees them as the account does.
    env.run(&["user", "add", "fa", "--full-access"]).ok();
    let d = env.json(&[
        "--as",
        "fa",
        "datasource",
        "show",
        "fin_ws",
        "orders",
        "-o",
        "json",
    ]);
    assert_eq!(d["properties"], redacted);
    // The guest may not change them.
    env.refused_event(
        &[
            "--as",
            "gus",
            "datasource",
            "update",
            "fin_ws",
            "orders",
            "--prop",
            "database=x",
        ],
        5,
        "gus may not change data sources in fin_ws",
        ("datasource.update", Some("fin_ws"), Some("orders")),
    );
}

#[test]
fn a_disabled_workspace_refuses_every_change_and_the_default_one_warns() {
    let env = setup().with_var("PW", "pw-1");
    env.run(&mysql("fin_ws", "orders", "prod", "address=db"))
        .ok();
    env.run(&["workspace", "disable", "fin_ws"]).ok();
    for (args, action, what) in [
        (
            mysql("fin_ws", "other", "prod", "address=db"),
            "datasource.add",
            "cannot add data sources",
        ),
        (
            vec![
                "datasource",
                "update",
                "fin_ws",
                "orders",
                "--prop",
                "database=x",
            ],
            "datasource.update",
            "cannot change data sources",
        ),
        (
            vec!["datasource", "remove", "fin_ws", "orders", "--yes"],
            "datasource.remove",
            "cannot remove data sources",
        ),
    ] {
        env.refused_event(
            &args,
            6,
            &format!("error: workspace fin_ws is disabled: {what}"),
            (action, Some("fin_ws"), Some(args[3])),
        );
    }
    assert_eq!(show(&env, "fin_ws", "orders", "prod")["name"], "orders");
    // A prod data source in the default workspace: success with a warning.
    let mut args = mysql(DEFAULT_WS, "orders", "prod", "address=db");
    args.extend(["-o", "json"]);
    let (r, _) = env.changes(&args);
    let warning = json!({"code": "default_workspace_prod", "message": format!("{DEFAULT_WS} is the default workspace, meant for exploring: do not use it for production data sources")});
    assert_eq!(r.json()["warnings"], json!([warning]));
    assert_eq!(r.stderr, format!("{}\n", json!({ "warning": warning })));
}

/// types.md: (type, compute-capable, modes, usual port, secret keys).
type TypeRow = (
    &'static str,
    bool,
    &'static [&'static str],
    Option<u16>,
    &'static [&'static str],
);

/// The same, as read from `datasource types -o json`.
type TypeSeen = (String, bool, Vec<String>, Option<u64>, Vec<String>);

const TYPES: &[TypeRow] = &[
    ("maxcompute", true, &["url"], None, &["accessKey"]),
    (
        "hologres",
        true,
        &["instance", "url"],
        Some(80),
        &["password"],
    ),
    ("emr_serverless_spark", true, &["instance"], None, &[]),
    ("emr", true, &["instance"], None, &[]),
    (
        "clickhouse",
        true,
        &["instance", "url"],
        Some(8123),
        &["password"],
    ),
    (
        "analyticdb_for_postgresql",
        true,
        &["instance", "url"],
        Some(5432),
        &["password"],
    ),
    (
        "analyticdb_for_mysql",
        true,
        &["instance", "url"],
        Some(3306),
        &["password"],
    ),
    (
        "starrocks",
        true,
        &["instance", "url"],
        Some(9030),
        &["password"],
    ),
    ("flink", true, &["instance"], None, &[]),
    ("cdh", true, &["cdh"], None, &[]),
    (
        "mysql",
        false,
        &["instance", "url"],
        Some(3306),
        &["password", "truststorePassword", "keystorePassword"],
    ),
    (
        "postgresql",
        false,
        &["instance", "url"],
        Some(5432),
        &["password", "clientPassword"],
    ),
    (
        "sqlserver",
        false,
        &["instance", "url"],
        Some(1433),
        &["password", "truststorePassword"],
    ),
    ("oracle", false, &["url"], Some(1521), &["password"]),
    (
        "polardb",
        false,
        &["instance"],
        None,
        &["password", "truststorePassword", "keystorePassword"],
    ),
    (
        "hive",
        false,
        &["url", "cdh", "instance"],
        Some(10000),
        &["password", "truststorePassword", "keystorePassword"],
    ),
    ("doris", false, &["url"], Some(9030), &["password"]),
    ("oss", false, &["url"], None, &["accessKey"]),
    (
        "kafka",
        false,
        &["instance", "url"],
        Some(9092),
        &["password"],
    ),
    ("mongodb", false, &["url"], Some(27017), &["password"]),
    ("redis", false, &["url"], Some(6379), &["password"]),
    ("elasticsearch", false, &["url"], None, &["password"]),
    ("oss_hdfs", false, &["url"], None, &["accessKey"]),
    ("dm", false, &["url"], Some(5236), &["password"]),
    ("db2", false, &["url"], Some(50000), &["password"]),
    ("milvus", false, &["instance", "url"], None, &["password"]),
];

#[test]
fn types_lists_every_type_of_the_registry_without_a_catalog() {
    let env = Env::empty();
    let v = env.json(&["datasource", "types", "-o", "json"]);
    let got: Vec<TypeSeen> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let strings = |x: &Value| -> Vec<String> {
                x.as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_string())
                    .collect()
            };
            (
                t["type"].as_str().unwrap().to_string(),
                t["compute"].as_bool().unwrap(),
                t["modes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|m| m["mode"].as_str().unwrap().to_string())
                    .collect(),
                t["usual_port"].as_u64(),
                strings(&t["secret_keys"]),
            )
        })
        .collect();
    let want: Vec<TypeSeen> = TYPES
        .iter()
        .map(|(t, c, modes, port, secrets)| {
            (
                t.to_string(),
                *c,
                modes.iter().map(|m| m.to_string()).collect(),
                port.map(u64::from),
                secrets.iter().map(|s| s.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(got, want);
    // Required keys are those of types.md, e.g. mysql url and oss.
    let by_type = |t: &str| -> Value {
        v.as_array()
            .unwrap()
            .iter()
            .find(|x| x["type"] == t)
            .unwrap()
            .clone()
    };
    let mysql_url = by_type("mysql")["modes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["mode"] == "url")
        .unwrap()
        .clone();
    assert_eq!(
        mysql_url["required"],
        json!(["address", "database", "username", "password"])
    );
    assert_eq!(
        mysql_url["optional"],
        json!([
            "securityProtocol",
            "driverVersion",
            "truststoreFile",
            "truststorePassword",
            "keystoreFile",
            "keystorePassword",
            "regionId"
        ])
    );
    assert_eq!(
        by_type("oss")["modes"][0]["required"],
        json!(["endpoint", "bucket"])
    );
    assert_eq!(
        by_type("maxcompute")["modes"][0]["defaults"],
        json!({"authType": "Executor", "endpointMode": "SelfAdaption"})
    );
    // The table: one row per type with the compute flag; no catalog was created.
    let r = env.run(&["datasource", "types"]);
    r.ok();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), TYPES.len() + 1, "{}", r.stdout);
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        ["TYPE", "COMPUTE", "MODES", "USUAL", "PORT", "SECRET", "KEYS"]
    );
    for (line, (t, c, _, _, _)) in lines[1..].iter().zip(TYPES) {
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            (cells[0], cells[1]),
            (*t, if *c { "yes" } else { "no" }),
            "{line}"
        );
    }
    assert!(!env.exists());
    // The other formats render the same data.
    check_read(
        &env,
        &["datasource", "types"],
        Some(&["type", "compute", "modes", "usual_port", "secret_keys"]),
        "",
    );
    assert!(!env.exists());
}

#[test]
fn every_verb_in_every_format() {
    let base = setup().with_var("PW", "pw-1");
    base.run(&mysql("fin_ws", "orders", "dev", "address=db_dev"))
        .ok();
    let mut add = mysql("fin_ws", "orders", "prod", "address=db");
    add.extend(["--description", "orders, \"prod\""]);
    let truths = check_mutations(
        &base,
        &[
            ("datasource.add", add),
            (
                "datasource.add",
                vec![
                    "datasource",
                    "add",
                    DEFAULT_WS,
                    "cache",
                    "--type",
                    "redis",
                    "--prop",
                    "address=c",
                ],
            ),
            (
                "datasource.update",
                vec![
                    "datasource",
                    "update",
                    "fin_ws",
                    "orders",
                    "--env",
                    "prod",
                    "--prop",
                    "driverVersion=8.2.0",
                ],
            ),
            (
                "datasource.remove",
                vec!["datasource", "remove", DEFAULT_WS, "cache", "--yes"],
            ),
        ],
    );
    assert_eq!(truths[1]["warnings"][0]["code"], "default_workspace_prod");
    base.run(&mysql("fin_ws", "orders", "prod", "address=db"))
        .ok();
    base.run(&[
        "compute",
        "attach",
        "fin_ws",
        "mc",
        "--type",
        "maxcompute",
        "--prop",
        "project=p",
    ])
    .ok();
    let columns: &[&str] = &[
        "name",
        "env",
        "type",
        "mode",
        "origin",
        "shared_from",
        "properties",
        "last_test",
    ];
    check_read(&base, &["datasource", "list", "fin_ws"], Some(columns), "");
    check_read(
        &base,
        &[
            "datasource",
            "list",
            "fin_ws",
            "--type",
            "mysql",
            "--env",
            "dev",
        ],
        Some(columns),
        "",
    );
    check_read(
        &base,
        &["datasource", "show", "fin_ws", "orders", "--env", "prod"],
        None,
        "",
    );
    check_read(
        &base,
        &["--as", "gus", "datasource", "list", "fin_ws"],
        Some(columns),
        "",
    );
    // Empty lists.
    for (fmt, out) in [
        ("json", "[]\n"),
        ("jsonl", ""),
        ("table", ""),
        // The same header as a list with rows: every field, not the table's columns.
        (
            "csv",
            "id,workspace,name,env,type,mode,properties,description,origin,last_test,shared_from,created_at,created_by,updated_at,updated_by\n",
        ),
    ] {
        let r = base.run(&["datasource", "list", "lab_ws", "-o", fmt]);
        assert_eq!((r.code, r.stdout.as_str()), (0, out), "{fmt}");
    }
}

/// Issue 14: every fixture of tests/fixtures/api/datasource (the API's examples, one per
/// type and mode) is accepted by `datasource add --props` in the API's shape (envType,
/// address lists, the driver `properties` object), shown with its secrets masked, and
/// exported with a placeholder for each; `regionId` of instance mode is the catalog's.
#[test]
fn the_apis_examples_are_accepted_by_props_and_never_print_their_secrets() {
    let env = Env::new();
    env.run(&["workspace", "create", "api_ws"]).ok();
    // `init`'s default region: an instance must be in the catalog's.
    let region = "cn-hangzhou";
    let dir =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/api/datasource");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 40, "{}", files.len());
    let mut secrets: Vec<String> = Vec::new();
    for (i, path) in files.iter().enumerate() {
        let f: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let type_ = f["type"].as_str().unwrap();
        let spec = dwctl::model::types::lookup(type_).unwrap();
        let mode =
            dwctl::model::api_datasource::mode_from_api(f["mode"].as_str().unwrap()).unwrap();
        let mut props = f["properties"].clone();
        if mode == dwctl::model::types::ConnMode::Instance {
            if let Some(o) = props.as_object_mut() {
                o.insert("regionId".into(), json!(region));
            }
        }
        let file = env.path().join(format!("p{i}.json"));
        std::fs::write(&file, props.to_string()).unwrap();
        let name = format!("api{i}");
        let r = env.run(&[
            "datasource",
            "add",
            "api_ws",
            &name,
            "--type",
            type_,
            "--mode",
            mode.as_str(),
            "--props",
            file.to_str().unwrap(),
            "-o",
            "json",
        ]);
        r.ok();
        let e = if f["properties"]["envType"] == "Dev" {
            "dev"
        } else {
            "prod"
        };
        let shown = show(&env, "api_ws", &name, e);
        assert_eq!(shown["type"], type_, "{}", path.display());
        let flat =
            dwctl::model::api_datasource::flatten(Some(spec), f["properties"].as_object().unwrap())
                .unwrap();
        for (k, v) in &flat.properties {
            if spec.is_secret(k) {
                assert_eq!(shown["properties"][k], "********", "{} {k}", path.display());
                secrets.push(v.clone());
            } else if k != "address" && k != "loadAddress" && k != "regionId" {
                assert_eq!(
                    shown["properties"][k].as_str().map(str::to_lowercase),
                    Some(v.to_lowercase()),
                    "{} {k}",
                    path.display()
                );
            }
        }
    }
    let mut printed = String::new();
    for args in [
        &["datasource", "list", "api_ws", "-o", "json"][..],
        &["datasource", "list", "api_ws", "-o", "csv"],
        &["datasource", "list", "api_ws"],
        &["export", "api_ws"],
        &["export", "api_ws", "-o", "json"],
        &["audit", "list", "-o", "json"],
    ] {
        let r = env.run(args);
        r.ok();
        printed.push_str(&r.stdout);
        printed.push_str(&r.stderr);
    }
    for s in secrets.iter().filter(|s| s.len() > 5) {
        assert!(!printed.contains(s.as_str()), "printed: {s}");
    }
}

/// Issue 14: a key dwctl does not know is kept from `--props` (and a manifest), with a
/// warning naming it, and treated as a secret; `--prop` still refuses it.
#[test]
fn unknown_keys_are_kept_from_props_as_secrets_and_refused_from_prop() {
    let env = setup();
    let file = env.path().join("p.json");
    std::fs::write(
        &file,
        r#"{"address": [{"host": "r", "port": "6379"}], "vendorOption": "v-S3cr3t", "envType": "Prod"}"#,
    )
    .unwrap();
    let r = env.run(&[
        "datasource",
        "add",
        "fin_ws",
        "r1",
        "--type",
        "redis",
        "--props",
        file.to_str().unwrap(),
    ]);
    r.ok();
    assert!(
        r.stderr.contains(
            "warning: redis (url mode): kept property that dwctl does not know: `vendorOption`"
        ),
        "{}",
        r.stderr
    );
    let v = show(&env, "fin_ws", "r1", "prod");
    assert_eq!(v["properties"]["vendorOption"], "********");
    assert_eq!(v["properties"]["address"], "r:6379");
    let exported = env.run(&["export", "fin_ws"]);
    assert!(!exported.stdout.contains("v-S3cr3t"));
    assert!(
        exported.stdout.contains("vendorOption = { env = "),
        "{}",
        exported.stdout
    );
    // An update by --prop of another key keeps it, without a new warning.
    let r = env.run(&[
        "datasource",
        "update",
        "fin_ws",
        "r1",
        "--prop",
        "database=2",
    ]);
    r.ok();
    assert!(!r.stderr.contains("vendorOption"), "{}", r.stderr);
    // --prop refuses an unknown key, and nothing changes.
    env.refused(
        &[
            "datasource",
            "add",
            "fin_ws",
            "r2",
            "--type",
            "redis",
            "--prop",
            "address=r",
            "--prop",
            "vendorOption=x",
        ],
        2,
        "error: redis (url mode): unknown property `vendorOption`",
    );
    // A manifest: the API's address list and envType, and an unknown key kept.
    let m = env.path().join("m.toml");
    std::fs::write(
        &m,
        "version = 1\n[[workspace]]\nname = \"fin_ws\"\n[[workspace.datasource]]\nname = \"r4\"\ntype = \"redis\"\nenv = \"dev\"\nproperties = { address = [{ host = \"r\", port = \"6380\" }], envType = \"Dev\", vendorFlag = \"m-S3cr3t\" }\n",
    )
    .unwrap();
    let r = env.run(&["apply", "--file", m.to_str().unwrap(), "--yes"]);
    r.ok();
    assert!(r.stderr.contains("`vendorFlag`"), "{}", r.stderr);
    let v = show(&env, "fin_ws", "r4", "dev");
    assert_eq!(v["properties"]["address"], "r:6380");
    assert_eq!(v["properties"]["vendorFlag"], "********");
    assert!(v["properties"].get("envType").is_none(), "{v}");
    std::fs::write(
        &m,
        "version = 1\n[[workspace]]\nname = \"fin_ws\"\n[[workspace.datasource]]\nname = \"r5\"\ntype = \"redis\"\nenv = \"dev\"\nproperties = { address = \"r\", envType = \"Prod\" }\n",
    )
    .unwrap();
    env.refused(
        &["apply", "--file", m.to_str().unwrap(), "--yes"],
        2,
        "envType `Prod` is not the env `dev` of the declaration",
    );
    // --env and an envType that disagree are refused.
    env.refused(
        &[
            "datasource",
            "add",
            "fin_ws",
            "r3",
            "--type",
            "redis",
            "--env",
            "dev",
            "--props",
            file.to_str().unwrap(),
        ],
        2,
        "--env dev and the --props file's envType (Prod) disagree",
    );
}

/// Ids only increase: removing the newest data source or compute resource never hands its
/// id to the next one (issue 14), and a list shows each row's own id.
#[test]
fn ids_are_never_reused() {
    let env = setup().with_var("PW", "pw-1");
    let id = |name: &str| show(&env, "fin_ws", name, "prod")["id"].clone();
    for name in ["a", "b"] {
        env.run(&mysql("fin_ws", name, "prod", "address=10.0.0.5"))
            .ok();
    }
    assert_eq!((id("a"), id("b")), (json!(1), json!(2)));
    env.run(&[
        "datasource",
        "remove",
        "fin_ws",
        "b",
        "--env",
        "prod",
        "--yes",
    ])
    .ok();
    env.run(&mysql("fin_ws", "c", "prod", "address=10.0.0.5"))
        .ok();
    assert_eq!(id("c"), json!(3));
    let list = env.json(&["datasource", "list", "fin_ws", "-o", "json"]);
    let ids: Vec<&Value> = list.as_array().unwrap().iter().map(|d| &d["id"]).collect();
    assert_eq!(ids, [&json!(1), &json!(3)]);

    // A compute resource brings a data source: each table counts on its own.
    let attach = |name: &str| {
        env.run(&[
            "compute",
            "attach",
            "fin_ws",
            name,
            "--type",
            "maxcompute",
            "--prop",
            "project=p",
        ])
        .ok();
    };
    let compute_id = |name: &str| {
        env.json(&[
            "compute", "show", "fin_ws", name, "--env", "prod", "-o", "json",
        ])["id"]
            .clone()
    };
    attach("mc1");
    attach("mc2");
    assert_eq!((compute_id("mc1"), compute_id("mc2")), (json!(1), json!(2)));
    assert_eq!(id("mc2"), json!(5));
    env.run(&[
        "compute", "detach", "fin_ws", "mc2", "--env", "prod", "--yes",
    ])
    .ok();
    attach("mc3");
    assert_eq!((compute_id("mc3"), id("mc3")), (json!(3), json!(6)));
}

/// Review of issue 14 (D2): keys in the API's PascalCase (`InstanceId`, `Database`,
/// `EnvType`) are dwctl's camelCase keys wherever properties come in: `--props` of
/// `compute attach`, `datasource add` and `update`, and manifests (plan and apply); a
/// manifest applied so shows no drift afterwards. A key given under both spellings is
/// exit 2.
#[test]
fn pascal_case_keys_become_dwctls_keys_on_every_route() {
    let env = setup().with_var("PW", "pw-1");
    let c8 = env.file(
        "c8.json",
        r#"{"InstanceId":"hgprecn-1","Database":"d","EnvType":"Prod"}"#,
    );
    env.run(&[
        "compute", "attach", "fin_ws", "c8", "--type", "hologres", "--mode", "instance", "--props",
        &c8,
    ])
    .ok();
    let c = env.json(&["compute", "show", "fin_ws", "c8", "-o", "json"]);
    assert_eq!(c["env"], "prod", "{c}");
    assert_eq!(c["properties"]["instanceId"], "hgprecn-1", "{c}");
    assert_eq!(c["properties"]["database"], "d", "{c}");
    assert!(c["properties"].get("InstanceId").is_none(), "{c}");

    let d = env.file(
        "d.json",
        r#"{"Address":[{"host":"db","port":3306}],"Database":"d","Username":"u","Password":"P1","EnvType":"Dev"}"#,
    );
    env.run(&[
        "datasource",
        "add",
        "fin_ws",
        "pas",
        "--type",
        "mysql",
        "--props",
        &d,
    ])
    .ok();
    let v = show(&env, "fin_ws", "pas", "dev");
    assert_eq!(v["properties"]["address"], "db:3306", "{v}");
    assert_eq!(v["properties"]["database"], "d", "{v}");
    assert_eq!(v["properties"]["password"], "********", "{v}");
    let u = env.file(
        "u.json",
        r#"{"Address":"db2","Database":"d2","Username":"u","Password":"P2"}"#,
    );
    env.run(&[
        "datasource",
        "update",
        "fin_ws",
        "pas",
        "--env",
        "dev",
        "--props",
        &u,
    ])
    .ok();
    let v = show(&env, "fin_ws", "pas", "dev");
    assert_eq!(v["properties"]["address"], "db2:3306", "{v}");
    assert_eq!(v["properties"]["database"], "d2", "{v}");
    let both = env.file(
        "both.json",
        r#"{"Address":"db","Database":"d","database":"e","Username":"u","Password":"P"}"#,
    );
    env.refused(
        &[
            "datasource",
            "add",
            "fin_ws",
            "two",
            "--type",
            "mysql",
            "--props",
            &both,
        ],
        2,
        "property `database` is given twice (under two of its names)",
    );

    // A manifest: plan shows the creations, apply makes them, and the next plan is empty.
    let m = env.path().join("m.toml");
    std::fs::write(
        &m,
        "version = 1\n[[workspace]]\nname = \"fin_ws\"\n\n[[workspace.compute]]\nname = \"holo2\"\ntype = \"hologres\"\nenv = \"prod\"\nmode = \"instance\"\nproperties = { InstanceId = \"hgprecn-2\", Database = \"d\", EnvType = \"Prod\" }\n\n[[workspace.datasource]]\nname = \"pas2\"\ntype = \"mysql\"\nenv = \"prod\"\nproperties = { Address = [{ host = \"db\", port = 3306 }], Database = \"d\", Username = \"u\", Password = { env = \"PW\" } }\n",
    )
    .unwrap();
    let path = m.to_str().unwrap();
    let rows = env.rows();
    let r = env.run(&["plan", "--file", path]);
    r.ok();
    assert!(
        r.stdout.contains("+ compute fin_ws/holo2 (prod)")
            && r.stdout.contains("+ datasource fin_ws/pas2 (prod)")
            && r.stderr
                .contains("Plan: 2 to create, 0 to update, 0 to delete."),
        "{}{}",
        r.stdout,
        r.stderr
    );
    assert_eq!(env.rows(), rows, "plan changes nothing");
    env.run(&["apply", "--file", path, "--yes"]).ok();
    let c = env.json(&["compute", "show", "fin_ws", "holo2", "-o", "json"]);
    assert_eq!(c["properties"]["instanceId"], "hgprecn-2", "{c}");
    assert_eq!(c["properties"]["database"], "d", "{c}");
    let v = show(&env, "fin_ws", "pas2", "prod");
    assert_eq!(v["properties"]["address"], "db:3306", "{v}");
    assert_eq!(v["properties"]["username"], "u", "{v}");
    let r = env.run(&["plan", "--file", path, "--exit-code"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.ends_with("Plan: No changes.\n"), "{}", r.stderr);
    // Both spellings in a manifest: exit 2 too.
    std::fs::write(
        &m,
        "version = 1\n[[workspace]]\nname = \"fin_ws\"\n[[workspace.datasource]]\nname = \"pas3\"\ntype = \"mysql\"\nenv = \"prod\"\nproperties = { address = \"db\", Database = \"d\", database = \"e\", username = \"u\", password = \"p\" }\n",
    )
    .unwrap();
    for args in [
        &["plan", "--file", path][..],
        &["apply", "--file", path, "--yes"],
    ] {
        env.refused(
            args,
            2,
            "datasource fin_ws/pas3 (prod): property `database` is given twice",
        );
    }
}
