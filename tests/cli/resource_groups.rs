//! Resource groups: every rule of domain.md 7 (ids, names, spec, payment, networks,
//! bindings and the default group, deletion, scaling) and what init creates.

use crate::harness::*;
use serde_json::{json, Value};

/// fin_ws and ops_ws (available), off_ws (disabled), gone_ws (in the recycle bin).
fn setup() -> Env {
    let env = Env::new();
    for args in [
        &["workspace", "create", "fin_ws"][..],
        &["workspace", "create", "ops_ws"],
        &["workspace", "create", "off_ws"],
        &["workspace", "disable", "off_ws"],
        &["workspace", "create", "gone_ws"],
        &["workspace", "delete", "gone_ws", "--yes"],
    ] {
        env.run(args).ok();
    }
    env
}

fn group(env: &Env, g: &str) -> Value {
    env.json(&["resourcegroup", "show", g, "-o", "json"])
}

fn ws(env: &Env, w: &str) -> Value {
    env.json(&["workspace", "show", w, "-o", "json"])
}

/// `prefix`, the account id, `_` and 16 digits: the API's shape.
fn assert_id(id: &str, prefix: &str) {
    let tail = id
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{id} does not start with {prefix}"));
    let (account, digits) = tail.split_once('_').unwrap_or_else(|| panic!("{id}"));
    assert!(
        !account.is_empty() && account.chars().all(|c| c.is_ascii_digit()),
        "{id}"
    );
    assert!(
        digits.len() == 16 && digits.chars().all(|c| c.is_ascii_digit()),
        "{id}"
    );
}

#[test]
fn init_creates_a_serverless_group_bound_to_the_default_workspace() {
    let env = Env::new();
    let list = env.json(&["resourcegroup", "list", "-o", "json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let g = list[0].clone();
    assert_id(g["id"].as_str().unwrap(), "Serverless_res_group_");
    let id = g["id"].clone();
    assert_eq!(
        g,
        json!({
            "id": id, "name": "default_serverless_group", "type": "serverless", "spec": 2,
            "payment": "postpaid", "duration": null, "duration_unit": null, "vpc": null,
            "vswitch": null, "remark": "created with the catalog", "status": "normal",
            "workspaces": [DEFAULT_WS], "created_at": "2026-11-28T10:00:00.000Z",
            "created_by": "root"
        })
    );
    let w = ws(&env, DEFAULT_WS);
    assert_eq!(
        (
            w["default_resource_group"].clone(),
            w["resource_groups"].clone()
        ),
        (
            json!("default_serverless_group"),
            json!(["default_serverless_group"])
        )
    );
}

#[test]
fn ids_follow_the_type_and_groups_are_found_by_name_or_id() {
    let env = setup();
    let mut ids = Vec::new();
    for (name, ty, prefix) in [
        ("rg_sl", None, "Serverless_res_group_"),
        ("rg_sl2", Some("SERVERLESS"), "Serverless_res_group_"),
        ("rg_sched", Some("scheduler"), "S_res_group_"),
        ("rg_di", Some("integration"), "di_res_group_"),
        ("rg_ds", Some("dataservice"), "ds_res_group_"),
    ] {
        let mut args = vec!["resourcegroup", "create", name, "-o", "json"];
        if let Some(t) = ty {
            args.extend(["--type", t]);
        }
        let (r, e) = env.changes(&args);
        let g = r.json()["result"].clone();
        let id = g["id"].as_str().unwrap().to_string();
        assert_id(&id, prefix);
        assert_eq!(
            e.key(),
            ("root", "resourcegroup.create", None, Some(name), "ok")
        );
        assert_eq!(e.details, json!({ "after": g }));
        // By name, by id, in any case: the same group.
        assert_eq!(group(&env, name), g);
        assert_eq!(group(&env, &id), g);
        assert_eq!(group(&env, &id.to_ascii_lowercase()), g);
        assert_eq!(group(&env, &name.to_ascii_uppercase()), g);
        ids.push(id);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5);
    // Every verb takes the id too.
    let id = group(&env, "rg_sl")["id"].as_str().unwrap().to_string();
    env.run(&["resourcegroup", "bind", &id, "fin_ws"]).ok();
    env.run(&["resourcegroup", "update", &id, "--remark", "by id"])
        .ok();
    let r = env.run(&["resourcegroup", "unbind", &id, "fin_ws"]);
    r.ok();
    assert_eq!(r.stderr, "Released resource group rg_sl from fin_ws.\n");
    let r = env.run(&["resourcegroup", "delete", &id, "--yes"]);
    r.ok();
    assert_eq!(r.stderr, "Deleted resource group rg_sl.\n");
    assert_eq!(env.last_event().target.as_deref(), Some("rg_sl"));
    // An id that names no group is not found; a name-shaped id of another type too.
    env.refused(
        &["resourcegroup", "show", &id],
        3,
        &format!("resource group '{id}' not found"),
    );
    env.refused(
        &["resourcegroup", "show", "di_res_group_0000000000000000"],
        3,
        "resource group 'di_res_group_0000000000000000' not found",
    );
}

#[test]
fn names_are_checked_and_never_look_like_ids() {
    let env = setup();
    let long = format!("g{}", "x".repeat(128));
    for (bad, msg) in [
        ("1rg", "invalid resource group name '1rg'"),
        ("rg-x", "invalid resource group name 'rg-x'"),
        ("_rg", "invalid resource group name '_rg'"),
        ("", "invalid resource group name ''"),
        (long.as_str(), "invalid resource group name"),
        (
            "Serverless_res_group_1234",
            "resource group name 'Serverless_res_group_1234' looks like a resource group id",
        ),
        ("my_res_group_1", "looks like a resource group id"),
        ("MY_RES_GROUP_42", "looks like a resource group id"),
        (
            "a_res_group_x_res_group_12",
            "looks like a resource group id",
        ),
        // The API's shape (issue 14).
        (
            "Serverless_res_group_524257424564736_6831777003123456",
            "looks like a resource group id",
        ),
        (
            "S_res_group_7708_1667792816832",
            "looks like a resource group id",
        ),
        ("my_res_group_1_2", "looks like a resource group id"),
    ] {
        let r = env.refused(&["resourcegroup", "create", bad], 2, msg);
        if msg.contains("resource group id") {
            assert!(
                r.stderr
                    .contains("hint: choose a name that does not end in _res_group_<digits> or _res_group_<digits>_<digits>"),
                "{}",
                r.stderr
            );
        }
    }
    // Near misses are names.
    for good in [
        "res_group_1",
        "my_res_group_x",
        "my_res_group_1x",
        &long[..128],
    ] {
        env.run(&["resourcegroup", "create", good, "-q"]).ok();
    }
    // A rename follows the same rules, and must not take a name in use.
    env.refused(
        &[
            "resourcegroup",
            "update",
            "res_group_1",
            "--name",
            "x_res_group_7",
        ],
        2,
        "looks like a resource group id",
    );
    env.refused(
        &[
            "resourcegroup",
            "update",
            "res_group_1",
            "--name",
            "MY_RES_GROUP_X",
        ],
        4,
        "error: resource group my_res_group_x already exists",
    );
    // Names are unique case-insensitively.
    let r = env.refused(
        &["resourcegroup", "create", "Res_Group_1"],
        4,
        "error: resource group res_group_1 already exists",
    );
    assert!(r
        .stderr
        .contains("hint: choose another name, or pass --if-not-exists"));
}

#[test]
fn spec_payment_network_and_remark_are_checked() {
    let env = setup();
    for (extra, msg) in [
        (
            vec!["--spec", "1"],
            "error: invalid spec 1: a resource group has at least 2 CU",
        ),
        (vec!["--spec", "0"], "invalid spec 0"),
        (vec!["--spec=-4"], "invalid spec -4"),
        (
            vec!["--spec", "100001"],
            "invalid spec 100001: at most 100000 CU",
        ),
        (vec!["--spec", "two"], "invalid value 'two'"),
        (
            vec!["--payment", "prepaid"],
            "error: a prepaid resource group needs a duration",
        ),
        (
            vec!["--payment", "prepaid", "--duration", "2"],
            "error: --duration needs --duration-unit month|year",
        ),
        (
            vec!["--payment", "prepaid", "--duration-unit", "year"],
            "error: --duration-unit needs --duration N",
        ),
        (
            vec!["--duration", "1", "--duration-unit", "year"],
            "error: a postpaid (pay-as-you-go) resource group has no duration",
        ),
        (
            vec![
                "--payment",
                "postpaid",
                "--duration",
                "1",
                "--duration-unit",
                "month",
            ],
            "a postpaid (pay-as-you-go) resource group has no duration",
        ),
        (
            vec![
                "--payment",
                "prepaid",
                "--duration",
                "12",
                "--duration-unit",
                "month",
            ],
            "invalid duration 12 months: 1-11 months",
        ),
        (
            vec![
                "--payment",
                "prepaid",
                "--duration",
                "6",
                "--duration-unit",
                "year",
            ],
            "invalid duration 6 years: 1-5 years",
        ),
        (
            vec![
                "--payment",
                "prepaid",
                "--duration",
                "0",
                "--duration-unit",
                "month",
            ],
            "invalid duration 0 months: 1-11 months",
        ),
        (
            vec![
                "--payment",
                "prepaid",
                "--duration",
                "1",
                "--duration-unit",
                "week",
            ],
            "invalid duration unit 'week'",
        ),
        (vec!["--payment", "monthly"], "invalid payment 'monthly'"),
        (vec!["--type", "gpu"], "invalid resource group type 'gpu'"),
        (vec!["--vpc", "vpc-ABC"], "error: invalid VPC id 'vpc-ABC'"),
        (vec!["--vpc", "vpc-"], "invalid VPC id 'vpc-'"),
        (vec!["--vpc", "vsw-abc"], "invalid VPC id 'vsw-abc'"),
        (vec!["--vpc", "vpc_abc"], "invalid VPC id 'vpc_abc'"),
        (vec!["--vswitch", "vsw-a b"], "invalid vSwitch id 'vsw-a b'"),
        (vec!["--vswitch", "vpc-abc"], "invalid vSwitch id 'vpc-abc'"),
        (
            vec!["--remark", &"r".repeat(129)],
            "remark is too long: 129 characters, at most 128",
        ),
    ] {
        let mut args = vec!["resourcegroup", "create", "rg_x"];
        args.extend(extra.iter().copied());
        env.refused(&args, 2, msg);
    }
    let r = env.refused(
        &["resourcegroup", "create", "rg_x", "--vpc", "vpc-Bad"],
        2,
        "invalid VPC id",
    );
    assert!(r
        .stderr
        .contains("hint: a VPC id is vpc- followed by 1-64 lowercase letters and digits"));
    let max_vpc = format!("vpc-{}", "a".repeat(64));
    let too_long_vpc = format!("vpc-{}", "a".repeat(65));
    env.refused(
        &["resourcegroup", "create", "rg_x", "--vpc", &too_long_vpc],
        2,
        "invalid VPC id",
    );
    // What is allowed, and stored as given.
    let v = env.json(&[
        "resourcegroup",
        "create",
        "rg_year",
        "--spec",
        "100000",
        "--payment",
        "PREPAID",
        "--duration",
        "5",
        "--duration-unit",
        "Year",
        "--vpc",
        &max_vpc,
        "--vswitch",
        "vsw-def456",
        "--remark",
        &"r".repeat(128),
        "-o",
        "json",
    ]);
    let g = &v["result"];
    assert_eq!(
        (
            g["spec"].clone(),
            g["payment"].clone(),
            g["duration"].clone(),
            g["duration_unit"].clone(),
            g["vpc"].clone(),
            g["vswitch"].clone()
        ),
        (
            json!(100000),
            json!("prepaid"),
            json!(5),
            json!("year"),
            json!(max_vpc),
            json!("vsw-def456")
        )
    );
    let v = env.json(&[
        "resourcegroup",
        "create",
        "rg_month",
        "--payment",
        "prepaid",
        "--duration",
        "11",
        "--duration-unit",
        "month",
        "-o",
        "json",
    ]);
    assert_eq!(
        (v["result"]["duration"].clone(), v["result"]["spec"].clone()),
        (json!(11), json!(2))
    );
}

#[test]
fn create_if_not_exists_names_what_differs() {
    let env = setup();
    env.run(&["resourcegroup", "create", "rg_etl", "--spec", "4"])
        .ok();
    let stored = group(&env, "rg_etl");
    let rows = env.rows();
    let events = env.events().len();
    let v = env.json(&[
        "resourcegroup",
        "create",
        "RG_ETL",
        "--spec",
        "4",
        "--if-not-exists",
        "-o",
        "json",
    ]);
    assert_eq!(
        v,
        json!({"action": "resourcegroup.create", "changed": false, "dry_run": false, "result": stored, "warnings": []})
    );
    let v = env.json(&[
        "resourcegroup",
        "create",
        "rg_etl",
        "--type",
        "scheduler",
        "--spec",
        "8",
        "--vpc",
        "vpc-a",
        "--if-not-exists",
        "-o",
        "json",
    ]);
    assert_eq!(
        v["warnings"],
        json!([{"code": "exists_differs", "message": "resource group rg_etl exists and differs in: type, spec, vpc"}])
    );
    assert_eq!((env.rows(), env.events().len()), (rows, events));
}

#[test]
fn binding_needs_an_available_workspace_and_happens_once() {
    let env = setup();
    env.run(&["resourcegroup", "create", "rg_etl"]).ok();
    // Disabled or in the recycle bin: exit 6.
    let r = env.refused_event(
        &["resourcegroup", "bind", "RG_ETL", "OFF_WS"],
        6,
        "error: workspace off_ws is disabled: cannot bind resource groups",
        ("resourcegroup.bind", Some("off_ws"), Some("rg_etl")),
    );
    assert!(r
        .stderr
        .contains("hint: enable it first: dwctl workspace enable off_ws"));
    env.refused_event(
        &["resourcegroup", "bind", "rg_etl", "gone_ws"],
        6,
        "error: workspace gone_ws is in the recycle bin: cannot bind resource groups",
        ("resourcegroup.bind", Some("gone_ws"), Some("rg_etl")),
    );
    env.refused(
        &["resourcegroup", "bind", "rg_nope", "fin_ws"],
        3,
        "error: resource group 'rg_nope' not found",
    );
    env.refused(
        &["resourcegroup", "bind", "rg_etl", "nope_ws"],
        3,
        "error: workspace nope_ws not found",
    );
    // Bind: one event, the group lists the workspace and the workspace the group.
    let (r, e) = env.changes(&["resourcegroup", "bind", "rg_etl", "fin_ws", "-o", "json"]);
    assert_eq!(r.json()["result"]["workspaces"], json!(["fin_ws"]));
    assert_eq!(
        e.key(),
        (
            "root",
            "resourcegroup.bind",
            Some("fin_ws"),
            Some("rg_etl"),
            "ok"
        )
    );
    assert_eq!(
        e.details,
        json!({"group": "rg_etl", "workspace": "fin_ws", "bound": true, "default": false, "default_changed": false})
    );
    assert_eq!(ws(&env, "fin_ws")["resource_groups"], json!(["rg_etl"]));
    assert_eq!(ws(&env, "fin_ws")["default_resource_group"], Value::Null);
    // Twice: exit 4, or no change with --if-not-exists.
    let r = env.refused(
        &["resourcegroup", "bind", "rg_etl", "FIN_WS"],
        4,
        "error: resource group rg_etl is already bound to fin_ws",
    );
    assert!(r
        .stderr
        .contains("hint: pass --if-not-exists to accept that"));
    let events = env.events().len();
    let v = env.json(&[
        "resourcegroup",
        "bind",
        "rg_etl",
        "fin_ws",
        "--if-not-exists",
        "-o",
        "json",
    ]);
    assert_eq!(
        (v["changed"].clone(), v["warnings"].clone()),
        (json!(false), json!([]))
    );
    assert_eq!(env.events().len(), events);
    // One group serves many workspaces; a workspace uses many groups.
    env.run(&["resourcegroup", "bind", "rg_etl", "ops_ws"]).ok();
    env.run(&[
        "resourcegroup",
        "bind",
        "default_serverless_group",
        "fin_ws",
    ])
    .ok();
    assert_eq!(
        group(&env, "rg_etl")["workspaces"],
        json!(["fin_ws", "ops_ws"])
    );
    assert_eq!(
        ws(&env, "fin_ws")["resource_groups"],
        json!(["default_serverless_group", "rg_etl"])
    );
    // --dry-run writes nothing.
    env.run(&["resourcegroup", "create", "rg_new"]).ok();
    let rows = env.rows();
    let events = env.events().len();
    let v = env.json(&[
        "resourcegroup",
        "bind",
        "rg_new",
        "fin_ws",
        "--default",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(
        (v["dry_run"].clone(), v["result"]["workspaces"].clone()),
        (json!(true), json!(["fin_ws"]))
    );
    assert_eq!((env.rows(), env.events().len()), (rows, events));
}

#[test]
fn the_default_group_is_set_by_bind_and_cleared_by_unbind() {
    let env = setup();
    env.run(&["resourcegroup", "create", "rg_a"]).ok();
    env.run(&["resourcegroup", "create", "rg_b"]).ok();
    let (_, e) = env.changes(&["resourcegroup", "bind", "rg_a", "fin_ws", "--default"]);
    assert_eq!(
        e.details,
        json!({"group": "rg_a", "workspace": "fin_ws", "bound": true, "default": true, "default_changed": true})
    );
    assert_eq!(ws(&env, "fin_ws")["default_resource_group"], "rg_a");
    // Binding another as the default moves it.
    env.run(&["resourcegroup", "bind", "rg_b", "fin_ws", "--default"])
        .ok();
    assert_eq!(ws(&env, "fin_ws")["default_resource_group"], "rg_b");
    // Already bound, --if-not-exists --default: only the default changes.
    let (r, e) = env.changes(&[
        "resourcegroup",
        "bind",
        "rg_a",
        "fin_ws",
        "--default",
        "--if-not-exists",
        "-o",
        "json",
    ]);
    assert_eq!(r.json()["changed"], true);
    assert_eq!(
        e.details,
        json!({"group": "rg_a", "workspace": "fin_ws", "bound": false, "default": true, "default_changed": true})
    );
    assert_eq!(ws(&env, "fin_ws")["default_resource_group"], "rg_a");
    // --default also needs the right to change the workspace: ops may bind, not that.
    env.run(&["user", "add", "olga"]).ok();
    env.run(&["member", "add", "ops_ws", "olga", "--role", "ops"])
        .ok();
    env.refused_event(
        &[
            "--as",
            "olga",
            "resourcegroup",
            "bind",
            "rg_a",
            "ops_ws",
            "--default",
        ],
        5,
        "olga may not set the default resource group of ops_ws",
        ("resourcegroup.bind", Some("ops_ws"), Some("rg_a")),
    );
    env.run(&["--as", "olga", "resourcegroup", "bind", "rg_a", "ops_ws"])
        .ok();
    // Unbinding the default clears it, with a warning.
    let (r, e) = env.changes(&["resourcegroup", "unbind", "RG_A", "fin_ws", "-o", "json"]);
    let warning = json!({"code": "default_cleared", "message": "rg_a was the default resource group of fin_ws; fin_ws now has none"});
    assert_eq!(r.json()["warnings"], json!([warning]));
    assert_eq!(r.json()["result"]["workspaces"], json!(["ops_ws"]));
    assert_eq!(r.stderr, format!("{}\n", json!({ "warning": warning })));
    assert_eq!(
        e.key(),
        (
            "root",
            "resourcegroup.unbind",
            Some("fin_ws"),
            Some("rg_a"),
            "ok"
        )
    );
    let w = ws(&env, "fin_ws");
    assert_eq!(
        (
            w["default_resource_group"].clone(),
            w["resource_groups"].clone()
        ),
        (Value::Null, json!(["rg_b"]))
    );
    // Unbinding another one: no warning.
    let r = env.run(&["resourcegroup", "unbind", "rg_a", "ops_ws"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (0, "Released resource group rg_a from ops_ws.\n")
    );
    // Not bound: exit 3, or no change with --if-exists.
    let r = env.refused(
        &["resourcegroup", "unbind", "rg_a", "fin_ws"],
        3,
        "error: resource group rg_a is not bound to fin_ws",
    );
    assert!(r.stderr.contains("hint: pass --if-exists to accept that"));
    let v = env.json(&[
        "resourcegroup",
        "unbind",
        "rg_a",
        "fin_ws",
        "--if-exists",
        "-o",
        "json",
    ]);
    assert_eq!(v["changed"], false);
    // The default follows a rename (it is the group, not its name).
    env.run(&["resourcegroup", "update", "rg_b", "--name", "rg_etl"])
        .ok();
    let w = ws(&env, "fin_ws");
    assert_eq!(
        (
            w["default_resource_group"].clone(),
            w["resource_groups"].clone()
        ),
        (Value::Null, json!(["rg_etl"]))
    );
    env.run(&[
        "workspace",
        "update",
        "fin_ws",
        "--default-resource-group",
        "rg_etl",
    ])
    .ok();
    env.run(&["resourcegroup", "update", "rg_etl", "--name", "rg_main"])
        .ok();
    assert_eq!(ws(&env, "fin_ws")["default_resource_group"], "rg_main");
}

#[test]
fn a_bound_group_cannot_be_deleted_and_deleting_a_workspace_releases_it() {
    let env = setup();
    env.run(&["resourcegroup", "create", "rg_etl"]).ok();
    env.run(&["resourcegroup", "bind", "rg_etl", "ops_ws", "--default"])
        .ok();
    env.run(&["resourcegroup", "bind", "rg_etl", "fin_ws"]).ok();
    let r = env.refused(
        &["resourcegroup", "delete", "rg_etl", "--yes"],
        4,
        "error: resource group rg_etl is still bound to fin_ws, ops_ws",
    );
    assert!(r
        .stderr
        .contains("hint: unbind it first: dwctl resourcegroup unbind rg_etl WORKSPACE"));
    // A doomed deletion does not ask first.
    env.refused(
        &["resourcegroup", "delete", "rg_etl"],
        4,
        "is still bound to fin_ws, ops_ws",
    );
    // A disabled workspace may still release it (offboarding).
    env.run(&["workspace", "disable", "fin_ws"]).ok();
    env.run(&["resourcegroup", "unbind", "rg_etl", "fin_ws"])
        .ok();
    // Deleting a workspace releases its bindings and clears its default, for good.
    let (_, e) = env.changes(&["workspace", "delete", "ops_ws", "--yes"]);
    assert_eq!(e.action, "workspace.delete");
    assert_eq!(group(&env, "rg_etl")["workspaces"], json!([]));
    env.run(&["workspace", "restore", "ops_ws"]).ok();
    let w = ws(&env, "ops_ws");
    assert_eq!(
        (
            w["default_resource_group"].clone(),
            w["resource_groups"].clone()
        ),
        (Value::Null, json!([]))
    );
    // Now it can go, once confirmed.
    env.refused(
        &["resourcegroup", "delete", "rg_etl"],
        8,
        "confirmation needed: Delete resource group rg_etl?",
    );
    let id = group(&env, "rg_etl")["id"].clone();
    let (r, e) = env.changes(&["resourcegroup", "delete", "rg_etl", "--yes", "-o", "json"]);
    assert_eq!(r.json()["result"]["id"], id);
    assert_eq!(
        e.key(),
        ("root", "resourcegroup.delete", None, Some("rg_etl"), "ok")
    );
    env.refused(
        &["resourcegroup", "show", "rg_etl"],
        3,
        "resource group 'rg_etl' not found",
    );
    let v = env.json(&[
        "resourcegroup",
        "delete",
        "rg_etl",
        "--yes",
        "--if-exists",
        "-o",
        "json",
    ]);
    assert_eq!(v["changed"], false);
    // The name is free again.
    env.run(&["resourcegroup", "create", "rg_etl"]).ok();
}

#[test]
fn update_scales_only_serverless_groups() {
    let env = setup();
    env.run(&["resourcegroup", "create", "rg_sl"]).ok();
    env.run(&[
        "resourcegroup",
        "create",
        "rg_s",
        "--type",
        "scheduler",
        "--spec",
        "4",
    ])
    .ok();
    let (r, e) = env.changes(&[
        "resourcegroup",
        "update",
        "RG_SL",
        "--spec",
        "16",
        "--remark",
        "nightly",
        "-o",
        "json",
    ]);
    assert_eq!(
        (
            r.json()["result"]["spec"].clone(),
            r.json()["result"]["remark"].clone()
        ),
        (json!(16), json!("nightly"))
    );
    assert_eq!(
        e.key(),
        ("root", "resourcegroup.update", None, Some("rg_sl"), "ok")
    );
    assert_eq!(
        e.details,
        json!({"before": {"spec": 2, "remark": ""}, "after": {"spec": 16, "remark": "nightly"}})
    );
    // Legacy groups keep their size: exit 6 (the same size is no change).
    let r = env.refused_event(
        &["resourcegroup", "update", "RG_S", "--spec", "8"],
        6,
        "error: resource group rg_s is a legacy scheduler group: only serverless groups scale",
        ("resourcegroup.update", None, Some("rg_s")),
    );
    assert_eq!(r.stdout, "");
    let events = env.events().len();
    let v = env.json(&[
        "resourcegroup",
        "update",
        "rg_s",
        "--spec",
        "4",
        "-o",
        "json",
    ]);
    assert_eq!(v["changed"], false);
    assert_eq!(env.events().len(), events);
    // ...but take a remark and a new name.
    env.run(&[
        "resourcegroup",
        "update",
        "rg_s",
        "--remark",
        "old",
        "--name",
        "rg_old",
    ])
    .ok();
    assert_eq!(group(&env, "rg_old")["remark"], "old");
    // Bad values: exit 2 before anything else.
    env.refused(
        &["resourcegroup", "update", "rg_nope", "--spec", "1"],
        2,
        "invalid spec 1",
    );
    env.refused(
        &["resourcegroup", "update", "rg_nope", "--spec", "4"],
        3,
        "resource group 'rg_nope' not found",
    );
    // Only tenant administrators manage groups.
    env.run(&["user", "add", "alice"]).ok();
    env.refused_event(
        &[
            "--as",
            "alice",
            "resourcegroup",
            "update",
            "rg_sl",
            "--spec",
            "4",
        ],
        5,
        "alice may not update resource groups",
        ("resourcegroup.update", None, Some("rg_sl")),
    );
}
