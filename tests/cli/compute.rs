//! Compute resources: attach brings its data source, types, properties and modes, the
//! environments, name conflicts, defaults, update, detach, and the workspace states
//! (domain.md 3.3, 5 and types.md).

use crate::harness::*;
use crate::output::{check_mutations, check_read};
use serde_json::{json, Value};

const COMPUTE_TYPES: &str = "maxcompute, hologres, emr_serverless_spark, emr, clickhouse, analyticdb_for_postgresql, analyticdb_for_mysql, starrocks, flink, cdh";

/// fin_ws (standard) and lab_ws (basic).
fn setup() -> Env {
    let env = Env::new();
    for args in [
        &["workspace", "create", "fin_ws"][..],
        &["workspace", "create", "lab_ws", "--mode", "basic"],
    ] {
        env.run(args).ok();
    }
    env
}

fn attach_mc(env: &Env, name: &str, extra: &[&str]) {
    let mut args = vec!["compute", "attach", "fin_ws", name, "--type", "maxcompute"];
    args.extend(["--prop", "project=fin"]);
    args.extend(extra);
    env.run(&args).ok();
}

fn compute(env: &Env, ws: &str, name: &str, e: &str) -> Value {
    env.json(&["compute", "show", ws, name, "--env", e, "-o", "json"])
}

fn datasource(env: &Env, ws: &str, name: &str, e: &str) -> Value {
    env.json(&["datasource", "show", ws, name, "--env", e, "-o", "json"])
}

/// (name, env, is_default) of every compute resource of a workspace, in list order.
fn defaults(env: &Env, ws: &str) -> Vec<(String, String, bool)> {
    env.json(&["compute", "list", ws, "-o", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["env"].as_str().unwrap().to_string(),
                c["is_default"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn triple(name: &str, e: &str, d: bool) -> (String, String, bool) {
    (name.to_string(), e.to_string(), d)
}

/// The clock moved: this command runs at `when`.
fn at(env: &Env, when: &str, args: &[&str]) -> Run {
    let mut c = env.cmd(args);
    c.env("DWCTL_NOW", when);
    Env::output(c)
}

#[test]
fn attach_brings_a_data_source_of_the_same_name_in_one_event() {
    let env = setup();
    // --dry-run: the same result, nothing written, no event.
    let rows = env.rows();
    let events = env.events();
    let args = [
        "compute",
        "attach",
        "fin_ws",
        "mc_fin",
        "--type",
        "MaxCompute",
        "--prop",
        "project=fin",
        "--description",
        "the warehouse",
        "-o",
        "json",
    ];
    let mut dry = args.to_vec();
    dry.push("--dry-run");
    let d = env.json(&dry);
    assert_eq!(
        (d["dry_run"].clone(), d["changed"].clone()),
        (json!(true), json!(true))
    );
    assert_eq!((env.rows(), env.events()), (rows, events));

    let (r, e) = env.changes(&args);
    let v = r.json();
    let want = json!({
        "id": 1, "workspace": "fin_ws", "name": "mc_fin", "env": "prod", "type": "maxcompute",
        "mode": "url",
        "properties": {"authType": "Executor", "endpointMode": "SelfAdaption", "project": "fin"},
        "description": "the warehouse", "is_default": true,
        "created_at": "2026-11-28T10:00:00.000Z", "created_by": "root",
        "updated_at": "2026-11-28T10:00:00.000Z", "updated_by": "root"
    });
    assert_eq!(
        v,
        json!({"action": "compute.attach", "changed": true, "dry_run": false, "result": want, "warnings": []})
    );
    assert_eq!(d["result"], want);
    assert_eq!(compute(&env, "FIN_WS", "MC_FIN", "prod"), want);
    assert_eq!(
        e.key(),
        (
            "root",
            "compute.attach",
            Some("fin_ws"),
            Some("mc_fin"),
            "ok"
        )
    );
    assert_eq!(e.details, json!({"env": "prod", "after": want}));
    // Its data source: same name, type, env, mode, properties; origin compute:<name>.
    assert_eq!(
        datasource(&env, "fin_ws", "mc_fin", "prod"),
        json!({
            "id": 1, "workspace": "fin_ws", "name": "mc_fin", "env": "prod", "type": "maxcompute",
            "mode": "url", "properties": want["properties"], "description": "the warehouse",
            "origin": "compute:mc_fin", "last_test": null, "shared_from": null,
            "created_at": "2026-11-28T10:00:00.000Z", "created_by": "root",
            "updated_at": "2026-11-28T10:00:00.000Z", "updated_by": "root"
        })
    );
    // One row in each table.
    let rows = env.rows();
    assert_eq!((rows["compute"].len(), rows["datasource"].len()), (1, 1));
}

#[test]
fn the_type_must_be_a_known_compute_type() {
    let env = setup();
    let r = env.refused(
        &[
            "compute",
            "attach",
            "fin_ws",
            "my",
            "--type",
            "mysql",
            "--prop",
            "address=db:3306",
        ],
        2,
        "error: type `mysql` cannot be attached as a compute resource",
    );
    assert!(
        r.stderr
            .contains(&format!("hint: compute types: {COMPUTE_TYPES}")),
        "{}",
        r.stderr
    );
    let r = env.refused(
        &["compute", "attach", "fin_ws", "x", "--type", "nosql"],
        2,
        "error: unknown compute resource type `nosql`",
    );
    assert!(r.stderr.contains(COMPUTE_TYPES), "{}", r.stderr);
    env.refused(
        &["compute", "attach", "fin_ws", "x"],
        2,
        "the following required arguments were not provided",
    );
    // Every compute type of types.md is accepted, with its required properties.
    for (name, ty, props) in [
        ("c_mc", "maxcompute", vec!["project=p"]),
        (
            "c_holo",
            "hologres",
            vec!["instanceId=hgpre-1", "database=d"],
        ),
        ("c_spark", "emr_serverless_spark", vec!["workspaceId=w-1"]),
        ("c_emr", "emr", vec!["clusterId=c-1"]),
        (
            "c_ch",
            "clickhouse",
            vec!["instanceId=cc-1", "username=u", "password=pw"],
        ),
        (
            "c_pg",
            "analyticdb_for_postgresql",
            vec!["instanceId=gp-1", "database=d", "username=u", "password=pw"],
        ),
        (
            "c_adb",
            "analyticdb_for_mysql",
            vec![
                "address=adb:3306",
                "database=d",
                "username=u",
                "password=pw",
            ],
        ),
        (
            "c_sr",
            "starrocks",
            vec!["instanceId=sr-1", "username=u", "password=pw"],
        ),
        ("c_flink", "flink", vec!["workspaceId=f-1", "namespace=n"]),
        ("c_cdh", "cdh", vec!["clusterIdentifier=cdh1"]),
    ] {
        let mut args = vec!["compute", "attach", "fin_ws", name, "--type", ty];
        for p in &props {
            args.extend(["--prop", p]);
        }
        args.extend(["-q", "-o", "json"]);
        assert_eq!(env.json(&args)["result"]["type"], ty, "{args:?}");
    }
}

#[test]
fn properties_are_checked_against_the_type_and_mode() {
    let env = setup();
    let holo = |extra: &[&'static str]| -> Vec<&'static str> {
        let mut a = vec!["compute", "attach", "fin_ws", "holo", "--type", "hologres"];
        a.extend(extra);
        a
    };
    // An unknown key: exit 2, with the allowed keys in the hint.
    let r = env.refused(
        &holo(&[
            "--prop",
            "instanceId=hgpre-1",
            "--prop",
            "database=d",
            "--prop",
            "colour=blue",
        ]),
        2,
        "error: hologres (instance mode): unknown property `colour`",
    );
    assert!(
        r.stderr.contains("hint: allowed keys for hologres (instance mode): instanceId, database, authType, securityProtocol, authIdentity, warehouseName, sslMode, crossAccountOwnerId, crossAccountRoleName, regionId; keys starting with `extra.` pass through as driver options"),
        "{}",
        r.stderr
    );
    // A key in the wrong case gets a suggestion.
    let r = env.refused(
        &holo(&[
            "--prop",
            "instanceid=hgpre-1",
            "--prop",
            "database=d",
            "--mode",
            "instance",
        ]),
        2,
        "unknown property `instanceid`",
    );
    assert!(
        r.stderr.contains("did you mean `instanceId`"),
        "{}",
        r.stderr
    );
    // A missing required key.
    let r = env.refused(
        &holo(&[
            "--mode",
            "url",
            "--prop",
            "address=holo:80",
            "--prop",
            "database=d",
        ]),
        2,
        "error: hologres (url mode): missing required properties username, password",
    );
    assert!(
        r.stderr
            .contains("hologres (url mode) requires address, database, username, password"),
        "{}",
        r.stderr
    );
    env.refused(
        &["compute", "attach", "fin_ws", "mc", "--type", "maxcompute"],
        2,
        "maxcompute (url mode): missing required property project",
    );
    // Malformed values and properties.
    for (props, msg) in [
        (
            vec!["instanceId=bad id!", "database=d"],
            "invalid `instanceId` value",
        ),
        (
            vec!["instanceId=hgpre-1", "database="],
            "`database` is empty",
        ),
        (
            vec!["novalue"],
            "the 1st --prop has no `=` (it starts with `nov…`)",
        ),
        (vec!["=v"], "--prop has an empty key"),
        (
            vec!["bad key=v"],
            "--prop key `bad key` may use only A-Za-z0-9._-",
        ),
        (
            vec!["instanceId=hgpre-1", "database=d", "regionId=cn-beijing"],
            "regionId `cn-beijing` is not the catalog's region `cn-hangzhou`",
        ),
        (
            vec!["instanceId=hgpre-1", "database=d", "securityProtocol=tls"],
            "invalid `securityProtocol` value",
        ),
        (
            vec!["instanceId=hgpre-1", "database=d", "extra.=1"],
            "has nothing after `extra.`",
        ),
    ] {
        let mut args = holo(&["--mode", "instance"]);
        for p in &props {
            args.extend(["--prop", p]);
        }
        env.refused(&args, 2, msg);
    }
    // extra.* keys pass through as given; enums are stored in the casing shown.
    let v = env.json(&holo(&[
        "--prop",
        "instanceId=hgpre-1",
        "--prop",
        "database=d",
        "--prop",
        "extra.socketTimeout=30",
        "--prop",
        "securityProtocol=AUTHTYPESSL",
        "-o",
        "json",
    ]));
    assert_eq!(
        v["result"]["properties"],
        json!({"database": "d", "extra.socketTimeout": "30", "instanceId": "hgpre-1", "securityProtocol": "authTypeSsl"})
    );
}

#[test]
fn the_mode_is_inferred_or_must_be_given() {
    let env = setup();
    let mode = |name: &str, ty: &str, props: &[&str]| -> Value {
        let mut args = vec!["compute", "attach", "fin_ws", name, "--type", ty];
        for p in props {
            args.extend(["--prop", p]);
        }
        args.extend(["-o", "json"]);
        env.json(&args)["result"]["mode"].clone()
    };
    // One mode: no need to say it.
    assert_eq!(mode("m1", "maxcompute", &["project=p"]), "url");
    assert_eq!(mode("m2", "emr", &["clusterId=c-1"]), "instance");
    assert_eq!(mode("m3", "cdh", &["clusterIdentifier=x"]), "cdh");
    // The properties show it.
    assert_eq!(
        mode("h1", "hologres", &["instanceId=hgpre-1", "database=d"]),
        "instance"
    );
    assert_eq!(
        mode(
            "h2",
            "hologres",
            &["address=holo", "database=d", "username=u", "password=p"]
        ),
        "url"
    );
    // Or --mode does.
    let v = env.json(&[
        "compute",
        "attach",
        "fin_ws",
        "s1",
        "--type",
        "starrocks",
        "--mode",
        "URL",
        "--prop",
        "address=sr",
        "--prop",
        "database=d",
        "--prop",
        "username=u",
        "--prop",
        "password=p",
        "-q",
        "-o",
        "json",
    ]);
    assert_eq!(
        (
            v["result"]["mode"].clone(),
            v["result"]["properties"]["address"].clone()
        ),
        (json!("url"), json!("sr:9030"))
    );
    // Nothing shows it: exit 2, with the modes in the hint.
    let r = env.refused(
        &[
            "compute", "attach", "fin_ws", "h3", "--type", "hologres", "--prop", "database=d",
        ],
        2,
        "error: the connection mode of this hologres is not given and the properties do not show which",
    );
    assert!(
        r.stderr
            .contains("hint: pass --mode with one of: instance, url"),
        "{}",
        r.stderr
    );
    env.refused(
        &[
            "compute",
            "attach",
            "fin_ws",
            "h3",
            "--type",
            "hologres",
            "--prop",
            "database=d",
            "--prop",
            "instanceId=hgpre-1",
            "--prop",
            "address=holo:80",
        ],
        2,
        "the properties point at more than one (instance, url)",
    );
    env.refused(
        &[
            "compute",
            "attach",
            "fin_ws",
            "m4",
            "--type",
            "maxcompute",
            "--mode",
            "instance",
            "--prop",
            "project=p",
        ],
        2,
        "type maxcompute has no `instance` mode",
    );
    env.refused(
        &[
            "compute",
            "attach",
            "fin_ws",
            "m4",
            "--type",
            "maxcompute",
            "--mode",
            "jdbc",
        ],
        2,
        "jdbc",
    );
}

#[test]
fn environments_follow_the_workspace_mode() {
    let env = setup();
    // prod is the default; dev is refused in a basic workspace.
    let v = env.json(&[
        "compute",
        "attach",
        "lab_ws",
        "mc",
        "--type",
        "maxcompute",
        "--prop",
        "project=lab",
        "-o",
        "json",
    ]);
    assert_eq!(v["result"]["env"], "prod");
    let r = env.refused_event(
        &[
            "compute",
            "attach",
            "LAB_WS",
            "mc_dev",
            "--type",
            "maxcompute",
            "--prop",
            "project=lab",
            "--env",
            "dev",
        ],
        6,
        "error: lab_ws is in basic mode, which has no dev environment",
        ("compute.attach", Some("lab_ws"), Some("mc_dev")),
    );
    assert!(
        r.stderr
            .contains("hint: use --env prod, or upgrade it: dwctl workspace upgrade lab_ws"),
        "{}",
        r.stderr
    );
    // A standard workspace has both.
    attach_mc(&env, "mc", &["--env", "DEV"]);
    assert_eq!(compute(&env, "fin_ws", "mc", "dev")["env"], "dev");
    env.refused(
        &[
            "compute",
            "attach",
            "fin_ws",
            "x",
            "--type",
            "maxcompute",
            "--prop",
            "project=p",
            "--env",
            "staging",
        ],
        2,
        "staging",
    );
}

#[test]
fn names_are_checked_and_conflicts_are_exit_4() {
    let env = setup();
    for bad in ["1mc", "_mc", "mc-x", "mc x", "é", ""] {
        env.refused(
            &[
                "compute",
                "attach",
                "fin_ws",
                bad,
                "--type",
                "maxcompute",
                "--prop",
                "project=p",
            ],
            2,
            "invalid compute resource name",
        );
    }
    let long = format!("m{}", "x".repeat(255));
    env.refused(
        &[
            "compute",
            "attach",
            "fin_ws",
            &long,
            "--type",
            "maxcompute",
            "--prop",
            "project=p",
        ],
        2,
        "invalid compute resource name",
    );
    attach_mc(&env, &long[..255], &["-q"]);
    attach_mc(&env, "mc", &[]);
    // The same name in the same env, in any case.
    let r = env.refused(
        &[
            "compute",
            "attach",
            "fin_ws",
            "MC",
            "--type",
            "maxcompute",
            "--prop",
            "project=other",
        ],
        4,
        "error: compute resource mc already exists in fin_ws (prod)",
    );
    assert!(
        r.stderr
            .contains("hint: choose another name, or pass --if-not-exists"),
        "{}",
        r.stderr
    );
    // A data source already has the name in that env.
    env.run(&[
        "datasource",
        "add",
        "fin_ws",
        "orders",
        "--type",
        "redis",
        "--prop",
        "address=cache",
    ])
    .ok();
    env.refused(
        &[
            "compute",
            "attach",
            "fin_ws",
            "Orders",
            "--type",
            "maxcompute",
            "--prop",
            "project=p",
        ],
        4,
        "error: a data source named orders already exists in fin_ws (prod): attaching would create another",
    );
    env.refused(
        &[
            "compute",
            "attach",
            "fin_ws",
            "orders",
            "--type",
            "maxcompute",
            "--prop",
            "project=p",
            "--if-not-exists",
        ],
        4,
        "a data source named orders already exists",
    );
    // In the other env the name is free, with the same type only.
    env.refused(
        &[
            "compute",
            "attach",
            "fin_ws",
            "orders",
            "--type",
            "maxcompute",
            "--prop",
            "project=p",
            "--env",
            "dev",
        ],
        4,
        "orders is a redis data source in prod; its dev configuration must have the same type, not maxcompute",
    );
    env.refused(
        &[
            "compute",
            "attach",
            "fin_ws",
            "mc",
            "--type",
            "emr",
            "--prop",
            "clusterId=c-1",
            "--env",
            "dev",
        ],
        4,
        "mc is a maxcompute data source in prod; its dev configuration must have the same type, not emr",
    );
    attach_mc(&env, "mc", &["--env", "dev"]);
}

#[test]
fn if_not_exists_returns_the_stored_one_and_warns_when_it_differs() {
    let env = setup();
    attach_mc(&env, "mc", &[]);
    let stored = compute(&env, "fin_ws", "mc", "prod");
    let events = env.events().len();
    let rows = env.rows();
    let same = env.run(&[
        "compute",
        "attach",
        "fin_ws",
        "MC",
        "--type",
        "maxcompute",
        "--prop",
        "project=fin",
        "--if-not-exists",
        "-o",
        "json",
    ]);
    assert_eq!(same.stderr, "");
    assert_eq!(
        same.json(),
        json!({"action": "compute.attach", "changed": false, "dry_run": false, "result": stored, "warnings": []})
    );
    let differs = env.run(&[
        "compute",
        "attach",
        "fin_ws",
        "mc",
        "--type",
        "maxcompute",
        "--prop",
        "project=other",
        "--if-not-exists",
        "-o",
        "json",
    ]);
    let warning = json!({"code": "exists_differs", "message": "compute resource mc exists and differs in: properties"});
    assert_eq!(
        (
            differs.json()["result"].clone(),
            differs.json()["warnings"].clone()
        ),
        (stored.clone(), json!([warning]))
    );
    assert_eq!(
        differs.stderr,
        format!("{}\n", json!({ "warning": warning }))
    );
    let r = env.run(&[
        "compute",
        "attach",
        "fin_ws",
        "mc",
        "--type",
        "emr",
        "--prop",
        "clusterId=c-1",
        "--if-not-exists",
    ]);
    assert_eq!(
        r.stderr,
        "warning: compute resource mc exists and differs in: type, mode, properties\n\
         Compute resource mc already exists in fin_ws (prod). (no change)\n"
    );
    assert_eq!((env.events().len(), env.rows()), (events, rows));
}

#[test]
fn the_first_of_a_type_in_an_env_is_the_default_and_set_default_moves_it() {
    let env = setup();
    let t0 = "2026-11-28T10:00:00Z";
    let t1 = "2026-11-28T11:00:00Z";
    let t2 = "2026-11-28T12:00:00Z";
    let mc = |name: &str, e: &str| -> Vec<String> {
        [
            "compute",
            "attach",
            "fin_ws",
            name,
            "--type",
            "maxcompute",
            "--prop",
            "project=p",
            "--env",
            e,
        ]
        .map(String::from)
        .to_vec()
    };
    let run_at = |when: &str, args: Vec<String>| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        at(&env, when, &a).ok();
    };
    // mc_b is attached before mc_c, but with a later clock: mc_c is the older one.
    run_at(t0, mc("mc_a", "prod"));
    run_at(t2, mc("mc_b", "prod"));
    run_at(t1, mc("mc_c", "prod"));
    run_at(t0, mc("mc_d", "dev"));
    env.run(&[
        "compute",
        "attach",
        "fin_ws",
        "emr_a",
        "--type",
        "emr",
        "--prop",
        "clusterId=c-1",
    ])
    .ok();
    assert_eq!(
        defaults(&env, "fin_ws"),
        [
            triple("mc_a", "prod", true),
            triple("mc_d", "dev", true),
            triple("emr_a", "prod", true),
            triple("mc_c", "prod", false),
            triple("mc_b", "prod", false),
        ]
    );
    // set-default moves it within the type and env.
    let (r, e) = env.changes(&["compute", "set-default", "fin_ws", "MC_B", "-o", "json"]);
    assert_eq!(r.json()["result"]["is_default"], true);
    assert_eq!(
        e.key(),
        (
            "root",
            "compute.set-default",
            Some("fin_ws"),
            Some("mc_b"),
            "ok"
        )
    );
    assert_eq!(
        e.details,
        json!({"env": "prod", "type": "maxcompute", "before": "mc_a", "after": "mc_b"})
    );
    let is_default = |name: &str, e: &str| compute(&env, "fin_ws", name, e)["is_default"].clone();
    assert_eq!(
        [
            is_default("mc_a", "prod"),
            is_default("mc_b", "prod"),
            is_default("mc_c", "prod"),
            is_default("mc_d", "dev"),
            is_default("emr_a", "prod"),
        ],
        [
            json!(false),
            json!(true),
            json!(false),
            json!(true),
            json!(true)
        ]
    );
    // Already the default: no change, no event.
    let events = env.events().len();
    let v = env.json(&["compute", "set-default", "fin_ws", "mc_b", "-o", "json"]);
    assert_eq!(v["changed"], false);
    assert_eq!(env.events().len(), events);
    // --dry-run changes nothing.
    let rows = env.rows();
    let v = env.json(&[
        "compute",
        "set-default",
        "fin_ws",
        "mc_a",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(
        (v["dry_run"].clone(), v["result"]["is_default"].clone()),
        (json!(true), json!(true))
    );
    assert_eq!((env.rows(), env.events().len()), (rows, events));
    // Detaching the default promotes the oldest remaining one of its type and env.
    let (r, e) = env.changes(&["compute", "detach", "fin_ws", "mc_b", "--yes", "-o", "json"]);
    assert_eq!(r.json()["result"]["name"], "mc_b");
    assert_eq!(e.details["promoted_default"], "mc_a");
    env.run(&["compute", "detach", "fin_ws", "mc_a", "--yes"])
        .ok();
    assert_eq!(env.last_event().details["promoted_default"], "mc_c");
    assert_eq!(is_default("mc_c", "prod"), true);
    // Detaching one that is not the default promotes nothing.
    attach_mc(&env, "mc_e", &[]);
    env.run(&["compute", "detach", "fin_ws", "mc_e", "--yes"])
        .ok();
    assert_eq!(env.last_event().details["promoted_default"], Value::Null);
    // The last one of its type: nothing to promote.
    env.run(&["compute", "detach", "fin_ws", "mc_c", "--yes"])
        .ok();
    assert_eq!(env.last_event().details["promoted_default"], Value::Null);
    assert_eq!(
        defaults(&env, "fin_ws"),
        [triple("mc_d", "dev", true), triple("emr_a", "prod", true)]
    );
    // The next one attached is the default again.
    attach_mc(&env, "mc_f", &[]);
    assert_eq!(is_default("mc_f", "prod"), true);
}

#[test]
fn detach_removes_the_data_source_unless_kept() {
    let env = setup();
    attach_mc(&env, "mc", &["--env", "prod"]);
    attach_mc(&env, "keep", &["--env", "prod"]);
    // It asks first.
    env.refused(
        &["compute", "detach", "fin_ws", "mc"],
        8,
        "confirmation needed: Detach compute resource mc (prod) and its data source from fin_ws?",
    );
    let stored = compute(&env, "fin_ws", "mc", "prod");
    let (r, e) = env.changes(&["compute", "detach", "fin_ws", "MC", "--yes", "-o", "json"]);
    assert_eq!(
        r.json(),
        json!({"action": "compute.detach", "changed": true, "dry_run": false, "result": stored, "warnings": []})
    );
    assert_eq!(
        e.key(),
        ("root", "compute.detach", Some("fin_ws"), Some("mc"), "ok")
    );
    assert_eq!(
        e.details,
        json!({"env": "prod", "before": stored, "kept_datasource": false, "promoted_default": "keep"})
    );
    env.refused(
        &["datasource", "show", "fin_ws", "mc"],
        3,
        "data source 'mc' not found in fin_ws",
    );
    // --keep-datasource: it stays, as an ordinary data source.
    let r = env.run(&[
        "compute",
        "detach",
        "fin_ws",
        "keep",
        "--keep-datasource",
        "--yes",
    ]);
    r.ok();
    assert_eq!(
        r.stderr,
        "Detached compute resource keep from fin_ws (prod).\n"
    );
    assert_eq!(env.last_event().details["kept_datasource"], true);
    let d = datasource(&env, "fin_ws", "keep", "prod");
    assert_eq!(
        (
            d["origin"].clone(),
            d["type"].clone(),
            d["properties"]["project"].clone()
        ),
        (json!("manual"), json!("maxcompute"), json!("fin"))
    );
    env.refused(
        &["compute", "show", "fin_ws", "keep"],
        3,
        "compute resource 'keep' not found in fin_ws",
    );
    // ...so that it can be removed on its own now.
    env.run(&["datasource", "remove", "fin_ws", "keep", "--yes"])
        .ok();
    // Missing: exit 3, or no change with --if-exists.
    let r = env.refused(
        &["compute", "detach", "fin_ws", "nope", "--yes"],
        3,
        "error: compute resource 'nope' not found in fin_ws",
    );
    assert!(
        r.stderr
            .contains("hint: list them with dwctl compute list fin_ws"),
        "{}",
        r.stderr
    );
    let v = env.json(&[
        "compute",
        "detach",
        "fin_ws",
        "nope",
        "--yes",
        "--if-exists",
        "-o",
        "json",
    ]);
    assert_eq!(
        v,
        json!({"action": "compute.detach", "changed": false, "dry_run": false, "result": null, "warnings": []})
    );
    // --dry-run: no prompt, nothing written.
    attach_mc(&env, "mc2", &[]);
    let rows = env.rows();
    let events = env.events().len();
    let v = env.json(&[
        "compute",
        "detach",
        "fin_ws",
        "mc2",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(v["dry_run"], true);
    assert_eq!((env.rows(), env.events().len()), (rows, events));
}

#[test]
fn env_is_needed_only_when_the_name_is_in_both() {
    let env = setup();
    attach_mc(&env, "mc", &["--env", "prod"]);
    attach_mc(&env, "mc", &["--env", "dev"]);
    attach_mc(&env, "only_dev", &["--env", "dev"]);
    for args in [
        &["compute", "show", "fin_ws", "mc"][..],
        &["compute", "update", "fin_ws", "mc", "--description", "x"],
        &["compute", "detach", "fin_ws", "mc", "--yes"],
        &["compute", "set-default", "fin_ws", "mc"],
        &["datasource", "show", "fin_ws", "mc"],
    ] {
        let what = if args[0] == "compute" {
            "compute resource"
        } else {
            "data source"
        };
        let r = env.refused(
            args,
            2,
            &format!("error: {what} mc exists in both prod and dev in fin_ws"),
        );
        assert!(
            r.stderr.contains("hint: pass --env prod or --env dev"),
            "{args:?}: {}",
            r.stderr
        );
    }
    // Named in only one env, it needs no --env.
    assert_eq!(
        env.json(&["compute", "show", "fin_ws", "only_dev", "-o", "json"])["env"],
        "dev"
    );
    env.run(&[
        "compute",
        "update",
        "fin_ws",
        "only_dev",
        "--description",
        "d",
    ])
    .ok();
    // --env names one, and a wrong one is not found.
    assert_eq!(
        compute(&env, "fin_ws", "mc", "dev")["properties"]["project"],
        "fin"
    );
    env.refused(
        &["compute", "show", "fin_ws", "only_dev", "--env", "prod"],
        3,
        "compute resource 'only_dev' not found in fin_ws",
    );
    // The list filters by env.
    let names: Vec<(Value, Value)> = env
        .json(&["compute", "list", "fin_ws", "--env", "dev", "-o", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].clone(), c["env"].clone()))
        .collect();
    assert_eq!(
        names,
        [
            (json!("mc"), json!("dev")),
            (json!("only_dev"), json!("dev"))
        ]
    );
}

#[test]
fn update_merges_properties_and_the_data_source_follows() {
    let env = setup();
    env.run(&[
        "compute",
        "attach",
        "fin_ws",
        "holo",
        "--type",
        "hologres",
        "--prop",
        "instanceId=hgpre-1",
        "--prop",
        "database=a",
    ])
    .ok();
    let props = |env: &Env| compute(env, "fin_ws", "holo", "prod")["properties"].clone();
    // --prop sets keys, the others stay.
    let (r, e) = env.changes(&[
        "compute",
        "update",
        "fin_ws",
        "HOLO",
        "--prop",
        "database=b",
        "--prop",
        "extra.k=1",
        "--description",
        "hot data",
        "-o",
        "json",
    ]);
    let want = json!({"database": "b", "extra.k": "1", "instanceId": "hgpre-1"});
    assert_eq!(r.json()["result"]["properties"], want);
    assert_eq!(r.json()["result"]["description"], "hot data");
    assert_eq!(
        e.key(),
        ("root", "compute.update", Some("fin_ws"), Some("holo"), "ok")
    );
    assert_eq!(
        e.details,
        json!({
            "before": {"properties": {"database": "a", "instanceId": "hgpre-1"}, "description": ""},
            "after": {"properties": want, "description": "hot data"}
        })
    );
    // The data source follows: properties and description.
    let d = datasource(&env, "fin_ws", "holo", "prod");
    assert_eq!(
        (d["properties"].clone(), d["description"].clone()),
        (want.clone(), json!("hot data"))
    );
    // --unprop removes a key.
    env.run(&["compute", "update", "fin_ws", "holo", "--unprop", "extra.k"])
        .ok();
    assert_eq!(
        props(&env),
        json!({"database": "b", "instanceId": "hgpre-1"})
    );
    // --props FILE replaces the set, and --prop wins over it.
    let file = env.path().join("holo.json");
    std::fs::write(
        &file,
        r#"{"instanceId": "hgpre-2", "database": "c", "authType": "x"}"#,
    )
    .unwrap();
    env.run(&[
        "compute",
        "update",
        "fin_ws",
        "holo",
        "--props",
        file.to_str().unwrap(),
        "--prop",
        "database=d",
    ])
    .ok();
    let want = json!({"authType": "x", "database": "d", "instanceId": "hgpre-2"});
    assert_eq!(props(&env), want);
    assert_eq!(
        datasource(&env, "fin_ws", "holo", "prod")["properties"],
        want
    );
    // --props - reads stdin.
    let r = env.run_stdin(
        &[
            "compute", "update", "fin_ws", "holo", "--props", "-", "-o", "json",
        ],
        r#"{"instanceId": "hgpre-3", "database": "e"}"#,
    );
    r.ok();
    assert_eq!(
        r.json()["result"]["properties"],
        json!({"database": "e", "instanceId": "hgpre-3"})
    );
    // The same values again: no change, no event.
    let events = env.events().len();
    let v = env.json(&[
        "compute",
        "update",
        "fin_ws",
        "holo",
        "--prop",
        "database=e",
        "-o",
        "json",
    ]);
    assert_eq!(v["changed"], false);
    assert_eq!(env.events().len(), events);
    // The result is validated as a whole.
    env.refused(
        &[
            "compute", "update", "fin_ws", "holo", "--unprop", "database",
        ],
        2,
        "hologres (instance mode): missing required property database",
    );
    env.refused(
        &[
            "compute",
            "update",
            "fin_ws",
            "holo",
            "--prop",
            "address=h:1",
        ],
        2,
        "hologres (instance mode): unknown property `address`",
    );
    std::fs::write(&file, "[1, 2]").unwrap();
    env.refused(
        &[
            "compute",
            "update",
            "fin_ws",
            "holo",
            "--props",
            file.to_str().unwrap(),
        ],
        2,
        "expected a JSON object",
    );
    std::fs::write(&file, "{\"database\": ").unwrap();
    env.refused(
        &[
            "compute",
            "update",
            "fin_ws",
            "holo",
            "--props",
            file.to_str().unwrap(),
        ],
        2,
        "line 1, column",
    );
    env.refused(
        &[
            "compute",
            "update",
            "fin_ws",
            "holo",
            "--props",
            "/nonexistent/props.json",
        ],
        2,
        "cannot read --props '/nonexistent/props.json'",
    );
    env.refused(
        &["compute", "update", "fin_ws", "nope", "--prop", "a=b"],
        3,
        "compute resource 'nope' not found in fin_ws",
    );
    // --dry-run shows the change and writes nothing.
    let rows = env.rows();
    let v = env.json(&[
        "compute",
        "update",
        "fin_ws",
        "holo",
        "--prop",
        "database=f",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(
        (
            v["dry_run"].clone(),
            v["result"]["properties"]["database"].clone()
        ),
        (json!(true), json!("f"))
    );
    assert_eq!((env.rows(), env.events().len()), (rows, events));
}

#[test]
fn a_disabled_or_deleted_workspace_refuses_every_change() {
    let env = setup();
    attach_mc(&env, "mc", &[]);
    attach_mc(&env, "mc2", &[]);
    let changes: [(&[&str], &str, &str); 4] = [
        (
            &[
                "compute",
                "attach",
                "fin_ws",
                "mc3",
                "--type",
                "maxcompute",
                "--prop",
                "project=p",
            ],
            "compute.attach",
            "cannot attach compute resources",
        ),
        (
            &["compute", "update", "FIN_WS", "MC", "--prop", "project=q"],
            "compute.update",
            "cannot change compute resources",
        ),
        (
            &["compute", "detach", "Fin_Ws", "Mc", "--yes"],
            "compute.detach",
            "cannot detach compute resources",
        ),
        (
            &["compute", "set-default", "fin_ws", "mc2"],
            "compute.set-default",
            "cannot change the default compute resource",
        ),
    ];
    env.run(&["workspace", "disable", "fin_ws"]).ok();
    // The events name the workspace and the target as stored, not as typed.
    for (args, action, what) in changes {
        let target = args[3].to_ascii_lowercase();
        let r = env.refused_event(
            args,
            6,
            &format!("error: workspace fin_ws is disabled: {what}"),
            (action, Some("fin_ws"), Some(&target)),
        );
        assert!(
            r.stderr
                .contains("hint: enable it first: dwctl workspace enable fin_ws"),
            "{}",
            r.stderr
        );
    }
    // Reads work.
    assert_eq!(
        env.json(&["compute", "list", "fin_ws", "-o", "json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    env.run(&["workspace", "delete", "fin_ws", "--yes"]).ok();
    for (args, action, what) in changes {
        let target = args[3].to_ascii_lowercase();
        let r = env.refused_event(
            args,
            6,
            &format!("error: workspace fin_ws is in the recycle bin: {what}"),
            (action, Some("fin_ws"), Some(&target)),
        );
        assert!(
            r.stderr
                .contains("hint: restore it first: dwctl workspace restore fin_ws"),
            "{}",
            r.stderr
        );
    }
    assert_eq!(compute(&env, "fin_ws", "mc", "prod")["name"], "mc");
}

#[test]
fn prod_compute_in_the_default_workspace_warns() {
    let env = setup();
    let message = format!("{DEFAULT_WS} is the default workspace, meant for exploring: do not use it for production compute");
    let args = [
        "compute",
        "attach",
        DEFAULT_WS,
        "mc",
        "--type",
        "maxcompute",
        "--prop",
        "project=p",
    ];
    let r = env.fork().run(&args);
    r.ok();
    assert_eq!(
        r.stderr,
        format!("warning: {message}\nAttached maxcompute compute resource mc to {DEFAULT_WS} (prod), with its data source.\n")
    );
    let mut json_args = args.to_vec();
    json_args.extend(["-o", "json"]);
    let (r, _) = env.changes(&json_args);
    let warning = json!({"code": "default_workspace_prod", "message": message});
    assert_eq!(r.json()["warnings"], json!([warning]));
    assert_eq!(r.stderr, format!("{}\n", json!({ "warning": warning })));
    // --quiet silences it.
    let r = env.run(&[
        "compute",
        "attach",
        DEFAULT_WS,
        "mc2",
        "--type",
        "maxcompute",
        "--prop",
        "project=p",
        "-q",
    ]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    // Other workspaces: no warning.
    let r = env.run(&[
        "compute",
        "attach",
        "fin_ws",
        "mc",
        "--type",
        "maxcompute",
        "--prop",
        "project=p",
        "-o",
        "json",
    ]);
    assert_eq!(
        (r.json()["warnings"].clone(), r.stderr.as_str()),
        (json!([]), "")
    );
}

#[test]
fn a_guest_sees_no_properties() {
    let env = setup();
    attach_mc(&env, "mc", &[]);
    env.run(&["user", "add", "gus"]).ok();
    env.run(&["member", "add", "fin_ws", "gus", "--role", "guest"])
        .ok();
    let c = env.json(&[
        "--as", "gus", "compute", "show", "fin_ws", "mc", "-o", "json",
    ]);
    assert_eq!(
        (c["name"].clone(), c["properties"].clone()),
        (json!("mc"), Value::Null)
    );
    let list = env.json(&["--as", "gus", "compute", "list", "fin_ws", "-o", "json"]);
    assert_eq!(list[0]["properties"], Value::Null);
    // Not a member: not found.
    env.run(&["user", "add", "stranger"]).ok();
    env.refused(
        &["--as", "stranger", "compute", "list", "fin_ws"],
        3,
        "workspace fin_ws not found",
    );
}

#[test]
fn every_verb_in_every_format() {
    let base = setup();
    attach_mc(&base, "mc", &["--env", "dev"]);
    let truths = check_mutations(
        &base,
        &[
            (
                "compute.attach",
                vec![
                    "compute",
                    "attach",
                    DEFAULT_WS,
                    "mc_x",
                    "--type",
                    "maxcompute",
                    "--prop",
                    "project=p",
                    "--description",
                    "a, \"b\"",
                ],
            ),
            (
                "compute.attach",
                vec![
                    "compute",
                    "attach",
                    "fin_ws",
                    "mc",
                    "--type",
                    "maxcompute",
                    "--prop",
                    "project=q",
                ],
            ),
            (
                "compute.attach",
                vec![
                    "compute",
                    "attach",
                    "fin_ws",
                    "mc2",
                    "--type",
                    "maxcompute",
                    "--prop",
                    "project=r",
                ],
            ),
            (
                "compute.update",
                vec![
                    "compute",
                    "update",
                    "fin_ws",
                    "mc",
                    "--env",
                    "prod",
                    "--prop",
                    "authType=TaskOwner",
                ],
            ),
            (
                "compute.set-default",
                vec!["compute", "set-default", "fin_ws", "mc2"],
            ),
            (
                "compute.detach",
                vec![
                    "compute",
                    "detach",
                    "fin_ws",
                    "mc",
                    "--env",
                    "prod",
                    "--keep-datasource",
                    "--yes",
                ],
            ),
        ],
    );
    assert_eq!(truths[0]["warnings"][0]["code"], "default_workspace_prod");
    assert!(truths.iter().all(|t| t["changed"] == true));
    let columns: &[&str] = &[
        "name",
        "env",
        "type",
        "mode",
        "is_default",
        "properties",
        "updated_at",
    ];
    base.run(&[
        "compute",
        "attach",
        "fin_ws",
        "mc",
        "--type",
        "maxcompute",
        "--prop",
        "project=q",
    ])
    .ok();
    check_read(&base, &["compute", "list", "fin_ws"], Some(columns), "");
    check_read(
        &base,
        &["compute", "list", "fin_ws", "--env", "dev"],
        Some(columns),
        "",
    );
    check_read(
        &base,
        &["compute", "show", "fin_ws", "mc", "--env", "dev"],
        None,
        "",
    );
    // An empty list.
    for (fmt, out) in [("json", "[]\n"), ("jsonl", ""), ("table", "")] {
        let r = base.run(&["compute", "list", "lab_ws", "-o", fmt]);
        assert_eq!((r.code, r.stdout.as_str()), (0, out), "{fmt}");
    }
}
