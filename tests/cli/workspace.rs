//! Workspaces: fields, names, the lifecycle (disable, delete, restore, purge), settings,
//! the Develop role, separation of duties, and upgrade (domain.md 3).

use crate::harness::*;
use serde_json::{json, Value};

const RETENTION_END: &str = "2026-12-12T10:00:00.000Z";

fn show(env: &Env, name: &str) -> Value {
    env.json(&["workspace", "show", name, "-o", "json"])
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap().to_string())
        .collect()
}

/// The clock moved: every later command runs at `at`.
fn at(env: &Env, when: &str, args: &[&str]) -> Run {
    let mut c = env.cmd(args);
    c.env("DWCTL_NOW", when);
    Env::output(c)
}

#[test]
fn create_fills_every_field_with_its_default() {
    let env = Env::new();
    let (r, e) = env.changes(&["workspace", "create", "fin_ws", "-o", "json"]);
    let v = r.json();
    let want = json!({
        "id": 2, "name": "fin_ws", "display_name": "fin_ws", "description": "",
        "mode": "standard", "status": "available", "owner": ACCOUNT, "is_default": false,
        "dev_role_disabled": false, "pai_tasks_enabled": false, "sod_policy": "warn",
        "default_resource_group": null, "resource_groups": [], "tags": {},
        "created_at": "2026-11-28T10:00:00.000Z", "created_by": "root",
        "updated_at": "2026-11-28T10:00:00.000Z", "deleted_at": null, "deleted_by": null,
        "retention_until": null
    });
    assert_eq!(v["result"], want);
    assert_eq!(show(&env, "fin_ws"), want);
    assert_eq!(
        e.key(),
        (
            "root",
            "workspace.create",
            Some("fin_ws"),
            Some("fin_ws"),
            "ok"
        )
    );
    assert_eq!(e.details, json!({ "after": want }));
    // The account is its owner member.
    let m = env.json(&["member", "list", "fin_ws", "-o", "json"]);
    assert_eq!(m.as_array().unwrap().len(), 1);
    assert_eq!(
        (m[0]["user"].clone(), m[0]["roles"].clone()),
        (json!("root"), json!(["role_project_owner"]))
    );
}

#[test]
fn create_takes_every_setting() {
    let env = Env::new();
    let v = env.json(&[
        "workspace",
        "create",
        "fin_ws",
        "--display-name",
        "Finance tax report 财务",
        "--description",
        "Monthly tax reports",
        "--mode",
        "BASIC",
        "--sod-policy",
        "enforce",
        "--pai-tasks",
        "on",
        "--tag",
        "team=fin",
        "--tag",
        "cost/center=",
        "-o",
        "json",
    ]);
    let w = &v["result"];
    assert_eq!(w["display_name"], "Finance tax report 财务");
    assert_eq!(w["description"], "Monthly tax reports");
    assert_eq!(w["mode"], "basic");
    assert_eq!(w["sod_policy"], "enforce");
    assert_eq!(w["pai_tasks_enabled"], true);
    assert_eq!(w["tags"], json!({"cost/center": "", "team": "fin"}));
    // Names are found case-insensitively and shown as stored.
    assert_eq!(show(&env, "FIN_WS")["name"], "fin_ws");
}

#[test]
fn a_ram_user_that_creates_a_workspace_becomes_its_admin() {
    let env = Env::new();
    env.run(&["user", "add", "fa", "--full-access"]).ok();
    let (r, e) = env.changes(&["--as", "fa", "workspace", "create", "fa_ws", "-o", "json"]);
    assert_eq!(r.json()["result"]["created_by"], "fa");
    assert_eq!(r.json()["result"]["owner"], ACCOUNT);
    assert_eq!(e.actor, "fa");
    let m = env.json(&["member", "list", "fa_ws", "-o", "json"]);
    let pairs: Vec<(Value, Value)> = m
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["user"].clone(), m["roles"].clone()))
        .collect();
    assert_eq!(
        pairs,
        vec![
            (json!("root"), json!(["role_project_owner"])),
            (json!("fa"), json!(["role_project_admin"]))
        ]
    );
}

#[test]
fn ids_increase_and_are_never_reused() {
    let env = Env::new();
    env.run(&["workspace", "create", "aaa"]).ok();
    env.run(&["workspace", "create", "bbb"]).ok();
    env.run(&["workspace", "delete", "bbb", "--yes"]).ok();
    env.run(&["workspace", "purge", "bbb", "--yes"]).ok();
    let v = env.json(&["workspace", "create", "bbb", "-o", "json"]);
    assert_eq!(v["result"]["id"], 4);
    assert_eq!(
        names(&env.json(&["workspace", "list", "-o", "json"])),
        [DEFAULT_WS, "aaa", "bbb"]
    );
    // Only the default workspace is the default.
    let list = env.json(&["workspace", "list", "-o", "json"]);
    let defaults: Vec<bool> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["is_default"].as_bool().unwrap())
        .collect();
    assert_eq!(defaults, [true, false, false]);
}

#[test]
fn invalid_input_is_exit_2_and_changes_nothing() {
    let env = Env::new();
    let long = "a".repeat(29);
    let hint =
        "hint: a workspace name is 3-28 characters of A-Z, a-z, 0-9 and _, starting with a letter";
    for bad in [
        "ab",
        "1abc",
        "_abc",
        "abc-def",
        long.as_str(),
        "café_ws",
        "a b c",
        "x';DROP TABLE workspace;--",
    ] {
        let r = env.refused(&["workspace", "create", bad], 2, "invalid workspace name '");
        assert!(r.stderr.contains(hint), "{bad}: {}", r.stderr);
    }
    env.refused(&["workspace", "create", ""], 2, "invalid workspace name ''");
    // 28 characters is the limit.
    env.run(&["workspace", "create", &"a".repeat(28), "--dry-run"])
        .ok();
    let d3001 = "d".repeat(3001);
    let x65 = "x".repeat(65);
    let t129 = format!("k={}", "v".repeat(129));
    let tags21: Vec<String> = (0..21).map(|i| format!("k{i}=v")).collect();
    let mut too_many = vec!["workspace", "create", "many_tags"];
    for t in &tags21 {
        too_many.extend(["--tag", t.as_str()]);
    }
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--display-name", ""],
            "invalid display name: it must be 1-64 printable characters",
        ),
        (vec!["--display-name", &x65], "invalid display name"),
        (vec!["--display-name", "tab\there"], "invalid display name"),
        (
            vec!["--description", &d3001],
            "description is too long: 3001 characters, at most 3000",
        ),
        (
            vec!["--mode", "advanced"],
            "invalid workspace mode 'advanced'",
        ),
        (
            vec!["--sod-policy", "strict"],
            "invalid separation-of-duties policy 'strict'",
        ),
        (vec!["--pai-tasks", "maybe"], "invalid value 'maybe'"),
        (
            vec!["--tag", "novalue"],
            "invalid tag 'novalue': expected key=value",
        ),
        (vec!["--tag", "=v"], "invalid tag key ''"),
        (vec!["--tag", "bad key=v"], "invalid tag key 'bad key'"),
        (vec!["--tag", &t129], "invalid tag value"),
        (vec!["--name", "other"], "unexpected argument '--name'"),
        (vec!["--owner", "1"], "unexpected argument '--owner'"),
    ];
    for (extra, msg) in cases {
        let mut args = vec!["workspace", "create", "good_name"];
        args.extend(extra);
        env.refused(&args, 2, msg);
    }
    env.refused(&too_many, 2, "a workspace holds at most 20 tags");
    // Invalid input decides first: before a permission check or a conflict.
    env.run(&["user", "add", "alice"]).ok();
    let mut as_alice = vec!["--as", "alice"];
    as_alice.extend(&too_many);
    env.refused(&as_alice, 2, "a workspace holds at most 20 tags");
    let mut taken = too_many.clone();
    taken[2] = DEFAULT_WS;
    env.refused(&taken, 2, "a workspace holds at most 20 tags");
    env.refused(
        &["--as", "alice", "workspace", "create", "1bad"],
        2,
        "invalid workspace name '1bad'",
    );
    // A description of 3000 characters and 20 tags are fine.
    let d3000 = "d".repeat(3000);
    let mut ok = vec!["workspace", "create", "many_tags", "--description", &d3000];
    for t in &tags21[..20] {
        ok.extend(["--tag", t.as_str()]);
    }
    env.run(&ok).ok();
    // update: name, owner and id never change; bad values are usage errors.
    for (extra, msg) in [
        (vec!["--name", "renamed"], "unexpected argument '--name'"),
        (vec!["--owner", "1"], "unexpected argument '--owner'"),
        (vec!["--id", "9"], "unexpected argument '--id'"),
        (
            vec!["--enable-dev-role", "--disable-dev-role"],
            "the argument '--enable-dev-role' cannot be used with '--disable-dev-role'",
        ),
        (
            vec!["--sod-policy", "maybe"],
            "invalid separation-of-duties policy 'maybe'",
        ),
        (vec!["--display-name", ""], "invalid display name"),
        (vec!["--untag", "bad key"], "invalid tag key 'bad key'"),
    ] {
        let mut args = vec!["workspace", "update", "many_tags"];
        args.extend(extra);
        env.refused(&args, 2, msg);
    }
}

#[test]
fn a_taken_name_is_a_conflict_unless_if_not_exists() {
    let env = Env::new();
    env.run(&["workspace", "create", "fin_ws", "--description", "tax"])
        .ok();
    let r = env.refused(
        &["workspace", "create", "FIN_WS"],
        4,
        "error: workspace fin_ws already exists",
    );
    assert!(r
        .stderr
        .contains("hint: choose another name, or pass --if-not-exists"));
    // --if-not-exists: the stored workspace, unchanged; a warning names what differs.
    let rows = env.rows();
    let r = env.run(&[
        "workspace",
        "create",
        "fin_ws",
        "--if-not-exists",
        "--mode",
        "basic",
        "--description",
        "other",
        "-o",
        "json",
    ]);
    let v = r.json();
    assert_eq!(v["changed"], false);
    assert_eq!(v["result"], show(&env, "fin_ws"));
    assert_eq!(
        v["warnings"],
        json!([{"code": "exists_differs", "message": "workspace fin_ws exists and differs in: description, mode"}])
    );
    let v = env.json(&[
        "workspace",
        "create",
        "fin_ws",
        "--if-not-exists",
        "--description",
        "tax",
        "-o",
        "json",
    ]);
    assert_eq!(
        (v["changed"].clone(), v["warnings"].clone()),
        (json!(false), json!([]))
    );
    assert_eq!(env.rows(), rows);
    assert_eq!(env.events().len(), 2);
}

#[test]
fn a_deleted_workspace_holds_its_name_until_purged() {
    let env = Env::new();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    env.run(&["workspace", "delete", "fin_ws", "--yes"]).ok();
    for extra in [&[][..], &["--if-not-exists"]] {
        let mut args = vec!["workspace", "create", "Fin_Ws"];
        args.extend(extra);
        let r = env.refused(
            &args,
            4,
            &format!("error: the name fin_ws is held by a deleted workspace until {RETENTION_END}"),
        );
        assert!(r.stderr.contains("hint: restore it (dwctl workspace restore fin_ws), purge it (dwctl workspace purge fin_ws), or choose another name"), "{}", r.stderr);
    }
    env.run(&["workspace", "purge", "fin_ws", "--yes"]).ok();
    let v = env.json(&["workspace", "create", "fin_ws", "-o", "json"]);
    assert_eq!(v["result"]["status"], "available");
}

#[test]
fn disable_and_enable_and_their_no_ops() {
    let env = Env::new();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    let (r, e) = env.changes(&["workspace", "disable", "fin_ws", "-o", "json"]);
    let v = r.json();
    assert_eq!(
        (v["changed"].clone(), v["result"]["status"].clone()),
        (json!(true), json!("disabled"))
    );
    assert_eq!(
        e.key(),
        (
            "root",
            "workspace.disable",
            Some("fin_ws"),
            Some("fin_ws"),
            "ok"
        )
    );
    assert_eq!(
        e.details,
        json!({"before": {"status": "available"}, "after": {"status": "disabled"}})
    );
    // Already disabled: success, no change, no event.
    let events = env.events().len();
    let v = env.json(&["workspace", "disable", "fin_ws", "-o", "json"]);
    assert_eq!(
        (v["changed"].clone(), v["result"]["status"].clone()),
        (json!(false), json!("disabled"))
    );
    assert_eq!(env.events().len(), events);
    // Reads work in a disabled workspace.
    assert_eq!(show(&env, "fin_ws")["status"], "disabled");
    env.json(&["member", "list", "fin_ws", "-o", "json"]);
    let (r, _) = env.changes(&["workspace", "enable", "fin_ws", "-o", "json"]);
    assert_eq!(r.json()["result"]["status"], "available");
    let v = env.json(&["workspace", "enable", "fin_ws", "-o", "json"]);
    assert_eq!(v["changed"], false);
    assert_eq!(env.events().len(), events + 1);
    // Neither applies to the recycle bin.
    env.run(&["workspace", "delete", "fin_ws", "--yes"]).ok();
    env.refused_event(
        &["workspace", "disable", "fin_ws"],
        6,
        "workspace fin_ws is in the recycle bin: cannot disable it",
        ("workspace.disable", Some("fin_ws"), Some("fin_ws")),
    );
    env.refused_event(
        &["workspace", "enable", "fin_ws"],
        6,
        "workspace fin_ws is in the recycle bin: cannot enable it",
        ("workspace.enable", Some("fin_ws"), Some("fin_ws")),
    );
}

/// A workspace with a member, a bound default group and a tag.
fn populated() -> Env {
    let env = Env::new();
    for args in [
        &["user", "add", "alice"][..],
        &["user", "add", "bob"],
        &["workspace", "create", "fin_ws", "--tag", "team=fin"],
        &["member", "add", "fin_ws", "alice", "--role", "admin"],
        &["resourcegroup", "create", "rg_etl"],
        &["resourcegroup", "bind", "rg_etl", "fin_ws", "--default"],
    ] {
        env.run(args).ok();
    }
    env
}

#[test]
fn changes_inside_a_disabled_workspace_are_refused_except_offboarding() {
    let env = populated();
    env.run(&["workspace", "disable", "fin_ws"]).ok();
    let disabled = "workspace fin_ws is disabled: cannot";
    for (args, action, target) in [
        (
            &["workspace", "update", "fin_ws", "--description", "x"][..],
            "workspace.update",
            "fin_ws",
        ),
        (
            &["member", "add", "fin_ws", "bob", "--role", "dev"],
            "member.add",
            "bob",
        ),
        (
            &["member", "role", "fin_ws", "alice", "--grant", "dev"],
            "member.role",
            "alice",
        ),
        (
            &[
                "resourcegroup",
                "bind",
                "default_serverless_group",
                "fin_ws",
            ],
            "resourcegroup.bind",
            "default_serverless_group",
        ),
        (
            &["workspace", "upgrade", "fin_ws", "--yes"],
            "workspace.upgrade",
            "fin_ws",
        ),
    ] {
        let r = env.refused_event(args, 6, disabled, (action, Some("fin_ws"), Some(target)));
        assert!(
            r.stderr
                .contains("hint: enable it first: dwctl workspace enable fin_ws"),
            "{}",
            r.stderr
        );
    }
    // Offboarding works: member remove, unbind, user remove --cascade.
    env.changes(&["member", "remove", "fin_ws", "alice", "--yes"]);
    let (r, _) = env.changes(&["resourcegroup", "unbind", "rg_etl", "fin_ws", "-o", "json"]);
    assert_eq!(r.json()["warnings"][0]["code"], "default_cleared");
    env.run(&["member", "add", DEFAULT_WS, "bob", "--role", "guest"])
        .ok();
    env.run(&["workspace", "enable", "fin_ws"]).ok();
    env.run(&["member", "add", "fin_ws", "bob", "--role", "guest"])
        .ok();
    env.run(&["workspace", "disable", "fin_ws"]).ok();
    let v = env.json(&["user", "remove", "bob", "--cascade", "--yes", "-o", "json"]);
    assert_eq!(v["result"]["name"], "bob");
    let w = show(&env, "fin_ws");
    assert_eq!(
        (
            w["resource_groups"].clone(),
            w["default_resource_group"].clone()
        ),
        (json!([]), json!(null))
    );
    assert_eq!(
        env.json(&["member", "list", "fin_ws", "-o", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn delete_moves_to_the_recycle_bin_and_releases_resource_groups() {
    let env = populated();
    env.run(&["workspace", "disable", "fin_ws"]).ok();
    let (r, e) = env.changes(&["workspace", "delete", "fin_ws", "--yes", "-o", "json"]);
    let w = r.json()["result"].clone();
    assert_eq!(w["status"], "deleted");
    assert_eq!(w["deleted_at"], "2026-11-28T10:00:00.000Z");
    assert_eq!(w["deleted_by"], "root");
    assert_eq!(w["retention_until"], RETENTION_END);
    assert_eq!(w["resource_groups"], json!([]));
    assert_eq!(w["default_resource_group"], Value::Null);
    assert_eq!(
        e.key(),
        (
            "root",
            "workspace.delete",
            Some("fin_ws"),
            Some("fin_ws"),
            "ok"
        )
    );
    assert_eq!(
        env.json(&["resourcegroup", "show", "rg_etl", "-o", "json"])["workspaces"],
        json!([])
    );
    // Hidden from the plain list; shown with --all or --status deleted.
    assert_eq!(
        names(&env.json(&["workspace", "list", "-o", "json"])),
        [DEFAULT_WS]
    );
    assert_eq!(
        names(&env.json(&["workspace", "list", "--all", "-o", "json"])),
        [DEFAULT_WS, "fin_ws"]
    );
    assert_eq!(
        names(&env.json(&["workspace", "list", "--status", "deleted", "-o", "json"])),
        ["fin_ws"]
    );
    // Members stay; nothing can change them.
    assert_eq!(
        env.json(&["member", "list", "fin_ws", "-o", "json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let bin = "workspace fin_ws is in the recycle bin: cannot";
    for (args, action, target) in [
        (
            &["workspace", "update", "fin_ws", "--description", "x"][..],
            "workspace.update",
            "fin_ws",
        ),
        (
            &["member", "add", "fin_ws", "bob", "--role", "dev"],
            "member.add",
            "bob",
        ),
        (
            &["member", "role", "fin_ws", "alice", "--grant", "dev"],
            "member.role",
            "alice",
        ),
        (
            &["member", "remove", "fin_ws", "alice", "--yes"],
            "member.remove",
            "alice",
        ),
        (
            &["resourcegroup", "bind", "rg_etl", "fin_ws"],
            "resourcegroup.bind",
            "rg_etl",
        ),
        (
            &["workspace", "upgrade", "fin_ws", "--yes"],
            "workspace.upgrade",
            "fin_ws",
        ),
    ] {
        let r = env.refused_event(args, 6, bin, (action, Some("fin_ws"), Some(target)));
        assert!(
            r.stderr
                .contains("hint: restore it first: dwctl workspace restore fin_ws"),
            "{}",
            r.stderr
        );
    }
    // Deleting it again: success, no change, no prompt.
    let events = env.events().len();
    let v = env.json(&["workspace", "delete", "fin_ws", "-o", "json"]);
    assert_eq!(v["changed"], false);
    assert_eq!(env.events().len(), events);
    // Restore brings back the state it had (disabled), not the bindings.
    let (r, e) = env.changes(&["workspace", "restore", "fin_ws", "-o", "json"]);
    let w = r.json()["result"].clone();
    assert_eq!(w["status"], "disabled");
    assert_eq!(
        (
            w["deleted_at"].clone(),
            w["deleted_by"].clone(),
            w["retention_until"].clone()
        ),
        (Value::Null, Value::Null, Value::Null)
    );
    assert_eq!(
        (
            w["resource_groups"].clone(),
            w["default_resource_group"].clone()
        ),
        (json!([]), Value::Null)
    );
    assert_eq!(w["tags"], json!({"team": "fin"}));
    assert_eq!(
        e.key(),
        (
            "root",
            "workspace.restore",
            Some("fin_ws"),
            Some("fin_ws"),
            "ok"
        )
    );
    assert_eq!(
        env.json(&["member", "list", "fin_ws", "-o", "json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn restore_works_for_14_days_and_not_a_moment_longer() {
    let env = Env::new();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    env.run(&["workspace", "delete", "fin_ws", "--yes"]).ok();
    let fork = env.fork();
    // At the end of the retention: still restorable, back to available.
    let r = at(
        &env,
        "2026-12-12T10:00:00Z",
        &["workspace", "restore", "fin_ws", "-o", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["result"]["status"], "available");
    // One millisecond later: only purge.
    let rows = fork.rows();
    let r = at(
        &fork,
        "2026-12-12T10:00:00.001Z",
        &["workspace", "restore", "fin_ws"],
    );
    r.fails(6, &format!("error: workspace fin_ws can no longer be restored: its retention ended at {RETENTION_END}"));
    assert!(r
        .stderr
        .contains("hint: purge it: dwctl workspace purge fin_ws"));
    assert_eq!(fork.rows(), rows);
    assert_eq!(
        fork.last_event().key(),
        (
            "root",
            "workspace.restore",
            Some("fin_ws"),
            Some("fin_ws"),
            "refused"
        )
    );
}

#[test]
fn purge_expired_takes_a_workspace_the_millisecond_its_retention_ends_and_not_before() {
    // The same boundary as restore's: at the retention's end the workspace can still be
    // restored, so --expired leaves it; one millisecond later it has expired.
    let env = Env::new();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    env.run(&["workspace", "delete", "fin_ws", "--yes"]).ok();
    assert_eq!(show(&env, "fin_ws")["retention_until"], RETENTION_END);
    let purge = ["workspace", "purge", "--expired", "--yes", "-o", "json"];
    for when in ["2026-12-12T09:59:59.999Z", "2026-12-12T10:00:00Z"] {
        let (rows, events) = (env.rows(), env.events().len());
        let r = at(&env, when, &purge);
        assert_eq!(r.code, 0, "{when}: {}", r.stderr);
        assert_eq!(
            (r.json()["changed"].clone(), r.json()["result"].clone()),
            (json!(false), json!([])),
            "{when}"
        );
        assert_eq!((env.rows(), env.events().len()), (rows, events), "{when}");
    }
    let r = at(&env, "2026-12-12T10:00:00.001Z", &purge);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(names(&r.json()["result"]), ["fin_ws"]);
    assert_eq!(
        env.last_event().key(),
        (
            "root",
            "workspace.purge",
            Some("fin_ws"),
            Some("fin_ws"),
            "ok"
        )
    );
    env.refused(
        &["workspace", "show", "fin_ws"],
        3,
        "error: workspace fin_ws not found",
    );
}

#[test]
fn restore_and_purge_need_the_recycle_bin() {
    let env = Env::new();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    env.refused_event(
        &["workspace", "restore", "fin_ws"],
        6,
        "error: workspace fin_ws is not in the recycle bin (it is available)",
        ("workspace.restore", Some("fin_ws"), Some("fin_ws")),
    );
    env.run(&["workspace", "disable", "fin_ws"]).ok();
    let r = env.refused_event(
        &["workspace", "purge", "fin_ws", "--yes"],
        6,
        "error: workspace fin_ws is not in the recycle bin (it is disabled)",
        ("workspace.purge", Some("fin_ws"), Some("fin_ws")),
    );
    assert!(r
        .stderr
        .contains("hint: delete it first: dwctl workspace delete fin_ws"));
    // Without --yes the refusal is the same (the rule is checked before asking).
    env.refused(
        &["workspace", "purge", "fin_ws"],
        6,
        "is not in the recycle bin",
    );
}

#[test]
fn purge_removes_the_workspace_for_good_and_keeps_its_audit_events() {
    let env = populated();
    env.run(&["workspace", "delete", "fin_ws", "--yes"]).ok();
    let (r, e) = env.changes(&["workspace", "purge", "fin_ws", "--yes", "-o", "json"]);
    assert_eq!(r.json()["result"]["name"], "fin_ws");
    assert_eq!(
        e.key(),
        (
            "root",
            "workspace.purge",
            Some("fin_ws"),
            Some("fin_ws"),
            "ok"
        )
    );
    env.refused(
        &["workspace", "show", "fin_ws"],
        3,
        "workspace fin_ws not found",
    );
    env.refused(
        &["member", "list", "fin_ws"],
        3,
        "workspace fin_ws not found",
    );
    assert_eq!(
        names(&env.json(&["workspace", "list", "--all", "-o", "json"])),
        [DEFAULT_WS]
    );
    // Its members are gone from the catalog (alice is a member of nothing now).
    assert_eq!(
        env.json(&["--as", "alice", "whoami", "-o", "json"])["workspaces"],
        json!([])
    );
    let actions: Vec<String> = env
        .json(&["audit", "list", "--workspace", "fin_ws", "-o", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        actions,
        [
            "workspace.create",
            "member.add",
            "resourcegroup.bind",
            "workspace.delete",
            "workspace.purge"
        ]
    );
    env.json(&["audit", "verify", "-o", "json"]);
    // Missing: exit 3, or success with --if-exists.
    env.refused(
        &["workspace", "purge", "fin_ws", "--yes"],
        3,
        "workspace fin_ws not found",
    );
    let v = env.json(&[
        "workspace",
        "purge",
        "fin_ws",
        "--yes",
        "--if-exists",
        "-o",
        "json",
    ]);
    assert_eq!(
        v,
        json!({"action": "workspace.purge", "changed": false, "dry_run": false, "result": null, "warnings": []})
    );
    let v = env.json(&["workspace", "delete", "fin_ws", "--if-exists", "-o", "json"]);
    assert_eq!(
        (v["changed"].clone(), v["result"].clone()),
        (json!(false), Value::Null)
    );
    env.refused(
        &["workspace", "delete", "fin_ws", "--yes"],
        3,
        "workspace fin_ws not found",
    );
}

#[test]
fn purge_expired_purges_only_what_retention_no_longer_holds() {
    let env = Env::new();
    for n in ["old_ws", "new_ws", "live_ws"] {
        env.run(&["workspace", "create", n]).ok();
    }
    env.run(&["workspace", "delete", "old_ws", "--yes"]).ok();
    let r = at(
        &env,
        "2026-12-01T00:00:00Z",
        &["workspace", "delete", "new_ws", "--yes"],
    );
    assert_eq!(r.code, 0);
    // Nothing has expired yet: no change, no prompt, no event.
    let events = env.events().len();
    let v = env.json(&["workspace", "purge", "--expired", "-o", "json"]);
    assert_eq!(
        (v["changed"].clone(), v["result"].clone()),
        (json!(false), json!([]))
    );
    assert_eq!(env.events().len(), events);
    // On 2026-12-13 old_ws has expired, new_ws has not: asking is needed, then one event.
    let later = "2026-12-13T00:00:00Z";
    let rows = env.rows();
    let r = at(&env, later, &["workspace", "purge", "--expired"]);
    r.fails(
        8,
        "confirmation needed: Purge 1 expired workspace for good (old_ws)?",
    );
    assert_eq!((env.rows(), env.events().len()), (rows, events));
    let r = at(
        &env,
        later,
        &["workspace", "purge", "--expired", "--yes", "-o", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(names(&r.json()["result"]), ["old_ws"]);
    assert_eq!(env.events().len(), events + 1);
    assert_eq!(
        env.last_event().key(),
        (
            "root",
            "workspace.purge",
            Some("old_ws"),
            Some("old_ws"),
            "ok"
        )
    );
    assert_eq!(
        names(&env.json(&["workspace", "list", "--all", "-o", "json"])),
        [DEFAULT_WS, "new_ws", "live_ws"]
    );
    // Not with a name.
    env.refused(
        &["workspace", "purge", "new_ws", "--expired"],
        2,
        "cannot be used with '--expired'",
    );
    // A tenant right: a workspace admin may not; a full-access user may.
    env.run(&["user", "add", "alice"]).ok();
    env.run(&["user", "add", "fa", "--full-access"]).ok();
    env.run(&["member", "add", "live_ws", "alice", "--role", "admin"])
        .ok();
    let r = at(
        &env,
        "2026-12-29T00:00:00Z",
        &["--as", "alice", "workspace", "purge", "--expired", "--yes"],
    );
    r.fails(5, "error: alice may not purge workspaces");
    assert_eq!(
        env.last_event().key(),
        ("alice", "workspace.purge", None, None, "denied")
    );
    let r = at(
        &env,
        "2026-12-29T00:00:00Z",
        &[
            "--as",
            "fa",
            "workspace",
            "purge",
            "--expired",
            "--yes",
            "-o",
            "json",
        ],
    );
    assert_eq!(names(&r.json()["result"]), ["new_ws"]);
    assert_eq!(
        env.last_event().key(),
        (
            "fa",
            "workspace.purge",
            Some("new_ws"),
            Some("new_ws"),
            "ok"
        )
    );
}

#[test]
fn update_changes_each_setting_and_records_before_and_after() {
    let env = populated();
    env.run(&["resourcegroup", "create", "rg_two"]).ok();
    env.run(&["resourcegroup", "bind", "rg_two", "fin_ws"]).ok();
    let (r, e) = env.changes(&[
        "workspace",
        "update",
        "fin_ws",
        "--display-name",
        "Finance",
        "--description",
        "Tax",
        "--tag",
        "env=prod",
        "--tag",
        "team=finance",
        "--pai-tasks",
        "on",
        "--sod-policy",
        "off",
        "--default-resource-group",
        "RG_TWO",
        "-o",
        "json",
    ]);
    let w = r.json()["result"].clone();
    assert_eq!(w["display_name"], "Finance");
    assert_eq!(w["description"], "Tax");
    assert_eq!(w["tags"], json!({"env": "prod", "team": "finance"}));
    assert_eq!(w["pai_tasks_enabled"], true);
    assert_eq!(w["sod_policy"], "off");
    assert_eq!(w["default_resource_group"], "rg_two");
    assert_eq!(w["name"], "fin_ws");
    assert_eq!(
        e.key(),
        (
            "root",
            "workspace.update",
            Some("fin_ws"),
            Some("fin_ws"),
            "ok"
        )
    );
    assert_eq!(
        e.details,
        json!({
            "before": {"display_name": "fin_ws", "description": "", "pai_tasks_enabled": false,
                       "sod_policy": "warn", "default_resource_group": "rg_etl", "tags": {"team": "fin"}},
            "after": {"display_name": "Finance", "description": "Tax", "pai_tasks_enabled": true,
                      "sod_policy": "off", "default_resource_group": "rg_two",
                      "tags": {"env": "prod", "team": "finance"}}
        })
    );
    assert_eq!(show(&env, "fin_ws"), w);
    // --untag and `none`.
    let (r, _) = env.changes(&[
        "workspace",
        "update",
        "fin_ws",
        "--untag",
        "team",
        "--default-resource-group",
        "none",
        "--pai-tasks",
        "off",
        "-o",
        "json",
    ]);
    let w = r.json()["result"].clone();
    assert_eq!(
        (
            w["tags"].clone(),
            w["default_resource_group"].clone(),
            w["pai_tasks_enabled"].clone()
        ),
        (json!({"env": "prod"}), Value::Null, json!(false))
    );
    // The same values again: no change, no event.
    let events = env.events().len();
    let v = env.json(&[
        "workspace",
        "update",
        "fin_ws",
        "--description",
        "Tax",
        "--untag",
        "nope",
        "-o",
        "json",
    ]);
    assert_eq!(v["changed"], false);
    assert_eq!(env.events().len(), events);
    // The default group must be bound here, and exist.
    let r = env.refused_event(
        &[
            "workspace",
            "update",
            "fin_ws",
            "--default-resource-group",
            "default_serverless_group",
        ],
        6,
        "error: resource group default_serverless_group is not bound to fin_ws",
        ("workspace.update", Some("fin_ws"), Some("fin_ws")),
    );
    assert!(r
        .stderr
        .contains("hint: bind it first: dwctl resourcegroup bind default_serverless_group fin_ws"));
    env.refused(
        &[
            "workspace",
            "update",
            "fin_ws",
            "--default-resource-group",
            "rg_nope",
        ],
        3,
        "resource group rg_nope not found",
    );
    // Not found decides before permission.
    env.run(&["member", "add", "fin_ws", "bob", "--role", "guest"])
        .ok();
    env.refused(
        &[
            "--as",
            "bob",
            "workspace",
            "update",
            "fin_ws",
            "--default-resource-group",
            "rg_nope",
        ],
        3,
        "error: resource group rg_nope not found",
    );
    env.refused(
        &[
            "--as",
            "bob",
            "workspace",
            "update",
            "fin_ws",
            "--default-resource-group",
            "rg_two",
        ],
        5,
        "error: bob may not change the settings of fin_ws",
    );
    env.refused(
        &["workspace", "update", "nope_ws", "--description", "x"],
        3,
        "workspace nope_ws not found",
    );
}

#[test]
fn a_workspace_holds_at_most_20_tags() {
    let env = Env::new();
    let mut args = vec!["workspace".to_string(), "create".into(), "fin_ws".into()];
    for i in 1..=20 {
        args.extend(["--tag".into(), format!("k{i}=v")]);
    }
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    env.run(&a).ok();
    let r = env.refused_event(
        &["workspace", "update", "fin_ws", "--tag", "k21=v"],
        6,
        "error: workspace fin_ws would have 21 tags; a workspace holds at most 20",
        ("workspace.update", Some("fin_ws"), Some("fin_ws")),
    );
    assert!(r.stderr.contains("hint: remove some with --untag KEY"));
    // Replacing a tag, or removing one to add another, stays within the limit.
    env.changes(&["workspace", "update", "fin_ws", "--tag", "k1=w"]);
    let (r, _) = env.changes(&[
        "workspace",
        "update",
        "fin_ws",
        "--untag",
        "k2",
        "--tag",
        "k21=v",
        "-o",
        "json",
    ]);
    let tags = r.json()["result"]["tags"].clone();
    assert_eq!(tags.as_object().unwrap().len(), 20);
    assert_eq!(
        (
            tags["k1"].clone(),
            tags["k21"].clone(),
            tags.get("k2").cloned()
        ),
        (json!("w"), json!("v"), None)
    );
}

#[test]
fn the_development_role_is_disabled_at_creation_and_enabled_for_good() {
    let env = Env::new();
    env.run(&["user", "add", "bob"]).ok();
    let v = env.json(&[
        "workspace",
        "create",
        "fin_ws",
        "--disable-dev-role",
        "-o",
        "json",
    ]);
    assert_eq!(v["result"]["dev_role_disabled"], true);
    env.run(&["workspace", "create", "open_ws"]).ok();
    assert_eq!(
        env.json(&["workspace", "show", "open_ws", "-o", "json"])["dev_role_disabled"],
        false
    );
    // --if-not-exists names the setting that differs.
    let r = env.run(&[
        "workspace",
        "create",
        "open_ws",
        "--disable-dev-role",
        "--if-not-exists",
    ]);
    r.ok();
    assert!(
        r.stderr.contains("differs in: dev_role_disabled"),
        "{}",
        r.stderr
    );
    // While disabled, no Develop grant.
    env.run(&["member", "add", "fin_ws", "bob", "--role", "analyst"])
        .ok();
    env.refused_event(
        &["member", "role", "fin_ws", "bob", "--grant", "dev"],
        6,
        "error: the Develop role is disabled in fin_ws: role_project_dev cannot be granted",
        ("member.role", Some("fin_ws"), Some("bob")),
    );
    // Enabling is one way.
    let (r, e) = env.changes(&[
        "workspace",
        "update",
        "fin_ws",
        "--enable-dev-role",
        "-o",
        "json",
    ]);
    assert_eq!(r.json()["result"]["dev_role_disabled"], false);
    assert_eq!(
        e.details,
        json!({"before": {"dev_role_disabled": true}, "after": {"dev_role_disabled": false}})
    );
    let v = env.json(&[
        "workspace",
        "update",
        "fin_ws",
        "--enable-dev-role",
        "-o",
        "json",
    ]);
    assert_eq!(v["changed"], false);
    env.run(&["member", "role", "fin_ws", "bob", "--grant", "dev"])
        .ok();
    // Disabling after creation is refused, with or without holders, and changes nothing.
    for ws in ["fin_ws", "open_ws"] {
        let r = env.refused_event(
            &["workspace", "update", ws, "--disable-dev-role"],
            6,
            &format!("error: cannot disable the development role of {ws}: once enabled it stays enabled (the DataWorks API does not allow disabling it)"),
            ("workspace.update", Some(ws), Some(ws)),
        );
        assert!(
            r.stderr
                .contains("hint: a workspace is created with the role disabled by dwctl workspace create NAME --disable-dev-role"),
            "{}",
            r.stderr
        );
    }
    // The flag is not offered on update any more.
    let help = env.run(&["workspace", "update", "--help"]);
    assert!(!help.ok().contains("--disable-dev-role"), "{}", help.stdout);
    assert!(help.stdout.contains("--enable-dev-role"));
}

#[test]
fn enforcing_separation_of_duties_is_refused_while_someone_holds_both() {
    let env = Env::new();
    for u in ["alice", "bob", "carol"] {
        env.run(&["user", "add", u]).ok();
    }
    env.run(&["workspace", "create", "fin_ws"]).ok();
    env.run(&["member", "add", "fin_ws", "bob", "--role", "dev,ops"])
        .ok();
    env.run(&[
        "member",
        "add",
        "fin_ws",
        "alice",
        "--role",
        "dev,ops,analyst",
    ])
    .ok();
    env.run(&["member", "add", "fin_ws", "carol", "--role", "dev"])
        .ok();
    let r = env.refused_event(
        &["workspace", "update", "fin_ws", "--sod-policy", "enforce"],
        6,
        "error: cannot enforce separation of duties in fin_ws: alice, bob hold both role_project_dev and role_project_pe",
        ("workspace.update", Some("fin_ws"), Some("fin_ws")),
    );
    assert!(r
        .stderr
        .contains("hint: revoke one of the two roles from each of them first"));
    env.run(&["member", "role", "fin_ws", "alice", "--revoke", "ops"])
        .ok();
    // One holder left: the verb agrees, and the hint names one member.
    env.refused_event(
        &["workspace", "update", "fin_ws", "--sod-policy", "enforce"],
        6,
        "error: cannot enforce separation of duties in fin_ws: bob holds both role_project_dev and role_project_pe\n\
         hint: revoke one of the two roles from that member first (dwctl member role fin_ws bob --revoke ROLE)",
        ("workspace.update", Some("fin_ws"), Some("fin_ws")),
    );
    env.run(&["member", "role", "fin_ws", "bob", "--revoke", "dev"])
        .ok();
    let (r, _) = env.changes(&[
        "workspace",
        "update",
        "fin_ws",
        "--sod-policy",
        "enforce",
        "-o",
        "json",
    ]);
    assert_eq!(r.json()["result"]["sod_policy"], "enforce");
}

#[test]
fn upgrade_makes_a_basic_workspace_standard_for_good() {
    let env = Env::new();
    env.run(&["user", "add", "fa", "--full-access"]).ok();
    env.run(&["workspace", "create", "lab_ws", "--mode", "basic"])
        .ok();
    // --dry-run: the result, nothing written, no event, no prompt.
    let rows = env.rows();
    let events = env.events();
    let v = env.json(&["workspace", "upgrade", "lab_ws", "--dry-run", "-o", "json"]);
    assert_eq!(
        (
            v["action"].clone(),
            v["changed"].clone(),
            v["dry_run"].clone()
        ),
        (json!("workspace.upgrade"), json!(true), json!(true))
    );
    assert_eq!(v["result"]["workspace"]["mode"], "standard");
    assert_eq!(v["result"]["copies"], json!([]));
    assert_eq!((env.rows(), env.events()), (rows, events));
    // It asks first.
    env.refused(
        &["workspace", "upgrade", "lab_ws"],
        8,
        "confirmation needed: Upgrade lab_ws to standard mode? This cannot be undone.",
    );
    // Only the account: a full-access user is denied.
    let r = env.refused_event(
        &["--as", "fa", "workspace", "upgrade", "lab_ws", "--yes"],
        5,
        "error: fa may not upgrade workspaces",
        ("workspace.upgrade", Some("lab_ws"), Some("lab_ws")),
    );
    assert!(r
        .stderr
        .contains("hint: only the account (root) may do this"));
    let (r, e) = env.changes(&["workspace", "upgrade", "lab_ws", "--yes", "-o", "json"]);
    let v = r.json();
    assert_eq!(v["result"]["workspace"], show(&env, "lab_ws"));
    assert_eq!(v["result"]["workspace"]["mode"], "standard");
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
    assert_eq!(
        e.details,
        json!({"before": {"mode": "basic"}, "after": {"mode": "standard"}, "copies": []})
    );
    // Already standard.
    env.refused_event(
        &["workspace", "upgrade", "lab_ws", "--yes"],
        6,
        "error: workspace lab_ws is already in standard mode",
        ("workspace.upgrade", Some("lab_ws"), Some("lab_ws")),
    );
    // There is no downgrade.
    env.refused(
        &["workspace", "update", "lab_ws", "--mode", "basic"],
        2,
        "unexpected argument '--mode'",
    );
    // A disabled basic workspace cannot be upgraded.
    env.run(&["workspace", "create", "off_ws", "--mode", "basic"])
        .ok();
    env.run(&["workspace", "disable", "off_ws"]).ok();
    env.refused(
        &["workspace", "upgrade", "off_ws", "--yes"],
        6,
        "workspace off_ws is disabled: cannot upgrade it",
    );
    env.refused(
        &["workspace", "upgrade", "nope_ws", "--yes"],
        3,
        "workspace nope_ws not found",
    );
}

#[test]
fn dry_runs_check_everything_and_write_nothing() {
    let env = populated();
    let rows = env.rows();
    let events = env.events();
    for args in [
        &["workspace", "create", "new_ws", "--dry-run"][..],
        &[
            "workspace",
            "update",
            "fin_ws",
            "--description",
            "x",
            "--dry-run",
        ],
        &["workspace", "disable", "fin_ws", "--dry-run"],
        &["workspace", "delete", "fin_ws", "--dry-run"],
    ] {
        let mut a = args.to_vec();
        a.extend(["-o", "json"]);
        let v = env.json(&a);
        assert_eq!(
            (v["dry_run"].clone(), v["changed"].clone()),
            (json!(true), json!(true)),
            "{args:?}"
        );
    }
    // A dry run exits as the real run would, and writes no event even then.
    for (args, code) in [
        (&["workspace", "create", "fin_ws", "--dry-run"][..], 4),
        (&["workspace", "restore", "fin_ws", "--dry-run"], 6),
        (
            &["--as", "alice", "workspace", "create", "x_ws", "--dry-run"],
            5,
        ),
        (&["workspace", "show", "nope_ws"], 3),
    ] {
        assert_eq!(env.run(args).code, code, "{args:?}");
    }
    assert_eq!((env.rows(), env.events()), (rows, events));
}
