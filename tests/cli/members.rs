//! Members and roles: every rule of domain.md 4 and permissions.md 5.

use crate::harness::*;
use serde_json::{json, Value};

/// alice, bob, carol and outsider; fin_ws (standard) and lab_ws (basic).
fn setup() -> Env {
    let env = Env::new();
    for args in [
        &["user", "add", "alice"][..],
        &["user", "add", "bob", "--id", "1000000000000002"],
        &["user", "add", "carol"],
        &["user", "add", "outsider"],
        &["workspace", "create", "fin_ws"],
        &["workspace", "create", "lab_ws", "--mode", "basic"],
    ] {
        env.run(args).ok();
    }
    env
}

fn roles(env: &Env, ws: &str, user: &str) -> Value {
    env.json(&["member", "show", ws, user, "-o", "json"])["roles"].clone()
}

#[test]
fn add_a_member_with_roles_by_code_or_alias() {
    let env = setup();
    let (r, e) = env.changes(&[
        "member",
        "add",
        "FIN_WS",
        "1000000000000002",
        "--role",
        "OPS,analyst",
        "--role",
        "role_project_guest",
        "-o",
        "json",
    ]);
    let v = r.json();
    assert_eq!(v["warnings"], json!([]));
    assert_eq!(
        v["result"],
        json!({"workspace": "fin_ws", "user": "bob", "user_id": "1000000000000002", "kind": "ram-user",
               "roles": ["role_project_pe", "role_project_guest", "role_project_data_analyst"],
               "status": "normal", "expires_at": null, "added_at": "2026-11-28T10:00:00.000Z", "added_by": "root"})
    );
    assert_eq!(
        env.json(&["member", "show", "fin_ws", "BOB", "-o", "json"]),
        v["result"]
    );
    assert_eq!(
        e.key(),
        ("root", "member.add", Some("fin_ws"), Some("bob"), "ok")
    );
    assert_eq!(
        e.details,
        json!({"after": {"roles": ["role_project_pe", "role_project_guest", "role_project_data_analyst"]}})
    );
    // The list: the owner first, then by name; --role filters.
    env.run(&["member", "add", "fin_ws", "alice", "--role", "guest"])
        .ok();
    let users = |args: &[&str]| -> Vec<String> {
        env.json(args)
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["user"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        users(&["member", "list", "fin_ws", "-o", "json"]),
        ["root", "alice", "bob"]
    );
    assert_eq!(
        users(&["member", "list", "fin_ws", "--role", "guest", "-o", "json"]),
        ["alice", "bob"]
    );
    assert_eq!(
        users(&["member", "list", "fin_ws", "--role", "ops", "-o", "json"]),
        ["bob"]
    );
    assert_eq!(
        users(&["member", "list", "fin_ws", "--role", "admin", "-o", "json"]),
        Vec::<String>::new()
    );
}

#[test]
fn bad_input_and_missing_things() {
    let env = setup();
    let r = env.refused(
        &["member", "add", "fin_ws", "alice", "--role", "superuser"],
        2,
        "error: unknown role 'superuser'",
    );
    assert!(r.stderr.contains(
        "hint: roles are: owner, admin, dev, ops, deploy, guest, security, analyst, modeler, governance (codes or aliases; see dwctl role list)"
    ));
    env.refused(
        &["member", "add", "fin_ws", "alice", "--role", ","],
        2,
        "at least one --role is required",
    );
    env.refused(
        &["member", "add", "f", "alice", "--role", "dev"],
        2,
        "invalid workspace name 'f'",
    );
    env.refused(
        &[
            "member", "role", "fin_ws", "alice", "--set", "dev", "--grant", "ops",
        ],
        2,
        "cannot be used with",
    );
    env.refused(
        &["member", "role", "fin_ws", "alice", "--set", ""],
        2,
        "--set needs at least one role",
    );
    // The principal must exist in the tenant.
    let r = env.refused(
        &["member", "add", "fin_ws", "ghost", "--role", "dev"],
        3,
        "error: principal 'ghost' not found",
    );
    assert!(
        r.stderr.contains("hint: add it with dwctl user add ghost"),
        "{}",
        r.stderr
    );
    env.refused(
        &["member", "add", "nope_ws", "alice", "--role", "dev"],
        3,
        "workspace nope_ws not found",
    );
    // Not a member.
    let r = env.refused(
        &["member", "role", "fin_ws", "alice", "--grant", "dev"],
        3,
        "error: alice is not a member of fin_ws",
    );
    assert!(r
        .stderr
        .contains("hint: list the members with dwctl member list fin_ws"));
    env.refused(
        &["member", "remove", "fin_ws", "alice", "--yes"],
        3,
        "alice is not a member of fin_ws",
    );
    env.refused(
        &["member", "show", "fin_ws", "alice"],
        3,
        "alice is not a member of fin_ws",
    );
    env.refused(
        &["member", "remove", "fin_ws", "ghost", "--yes"],
        3,
        "principal 'ghost' not found",
    );
    let v = env.json(&[
        "member",
        "remove",
        "fin_ws",
        "alice",
        "--yes",
        "--if-exists",
        "-o",
        "json",
    ]);
    assert_eq!(
        v,
        json!({"action": "member.remove", "changed": false, "dry_run": false, "result": null, "warnings": []})
    );
}

#[test]
fn an_existing_member_is_a_conflict_unless_if_not_exists() {
    let env = setup();
    env.run(&["member", "add", "fin_ws", "alice", "--role", "dev"])
        .ok();
    let r = env.refused(
        &["member", "add", "fin_ws", "ALICE", "--role", "guest"],
        4,
        "error: alice is already a member of fin_ws",
    );
    assert!(r.stderr.contains("hint: change its roles with dwctl member role fin_ws alice --grant ROLE, or pass --if-not-exists"));
    let rows = env.rows();
    let v = env.json(&[
        "member",
        "add",
        "fin_ws",
        "alice",
        "--role",
        "guest",
        "--if-not-exists",
        "-o",
        "json",
    ]);
    assert_eq!(v["changed"], false);
    assert_eq!(v["result"]["roles"], json!(["role_project_dev"]));
    assert_eq!(
        v["warnings"],
        json!([{"code": "exists_differs", "message": "alice is already a member of fin_ws with role role_project_dev (asked: role_project_guest)"}])
    );
    let v = env.json(&[
        "member",
        "add",
        "fin_ws",
        "alice",
        "--role",
        "dev",
        "--if-not-exists",
        "-o",
        "json",
    ]);
    assert_eq!(
        (v["changed"].clone(), v["warnings"].clone()),
        (json!(false), json!([]))
    );
    assert_eq!(env.rows(), rows);
    // The account is a member of every workspace already.
    env.refused(
        &["member", "add", "fin_ws", "root", "--role", "admin"],
        4,
        "root is already a member of fin_ws",
    );
}

#[test]
fn the_owner_role_is_never_granted_or_revoked_and_the_owner_never_removed() {
    let env = setup();
    env.run(&["member", "add", "fin_ws", "alice", "--role", "admin"])
        .ok();
    let owner = "role_project_owner can be neither granted nor revoked";
    for (args, target) in [
        (
            &["member", "add", "fin_ws", "bob", "--role", "owner"][..],
            "bob",
        ),
        (
            &["member", "role", "fin_ws", "alice", "--grant", "owner"],
            "alice",
        ),
        (
            &[
                "member",
                "role",
                "fin_ws",
                "alice",
                "--set",
                "admin,role_project_owner",
            ],
            "alice",
        ),
        (
            &["member", "role", "fin_ws", "root", "--revoke", "owner"],
            "root",
        ),
        (
            &["member", "role", "fin_ws", "root", "--grant", "dev"],
            "root",
        ),
        (
            &["member", "role", "fin_ws", "root", "--set", "admin"],
            "root",
        ),
        // Not even an admin may.
        (
            &[
                "--as", "alice", "member", "role", "fin_ws", "root", "--revoke", "owner",
            ],
            "root",
        ),
    ] {
        let action = if args.contains(&"add") {
            "member.add"
        } else {
            "member.role"
        };
        env.refused_event(args, 6, owner, (action, Some("fin_ws"), Some(target)));
    }
    for args in [
        &["member", "remove", "fin_ws", "root", "--yes"][..],
        &["member", "remove", "fin_ws", ACCOUNT, "--yes"],
        &[
            "--as", "alice", "member", "remove", "fin_ws", "root", "--yes",
        ],
        &["member", "remove", "fin_ws", "root"],
    ] {
        env.refused_event(
            args,
            6,
            "error: root is the owner of fin_ws and cannot be removed",
            ("member.remove", Some("fin_ws"), Some("root")),
        );
    }
    assert_eq!(roles(&env, "fin_ws", "root"), json!(["role_project_owner"]));
}

#[test]
fn member_role_grants_revokes_and_sets() {
    let env = setup();
    env.run(&["member", "add", "fin_ws", "alice", "--role", "dev"])
        .ok();
    let (r, e) = env.changes(&[
        "member", "role", "fin_ws", "alice", "--grant", "analyst", "--grant", "modeler",
        "--revoke", "dev", "-o", "json",
    ]);
    assert_eq!(
        r.json()["result"]["roles"],
        json!(["role_project_data_analyst", "role_project_erd"])
    );
    assert_eq!(
        e.key(),
        ("root", "member.role", Some("fin_ws"), Some("alice"), "ok")
    );
    assert_eq!(
        e.details,
        json!({"before": {"roles": ["role_project_dev"]}, "after": {"roles": ["role_project_data_analyst", "role_project_erd"]}})
    );
    let (r, _) = env.changes(&[
        "member",
        "role",
        "fin_ws",
        "alice",
        "--set",
        "security,governance",
        "-o",
        "json",
    ]);
    assert_eq!(
        r.json()["result"]["roles"],
        json!(["role_project_security", "role_project_dg_admin"])
    );
    // Already so: no change, no event.
    let events = env.events().len();
    for args in [
        &[
            "member", "role", "fin_ws", "alice", "--grant", "security", "-o", "json",
        ][..],
        &[
            "member", "role", "fin_ws", "alice", "--revoke", "dev", "-o", "json",
        ],
        &[
            "member",
            "role",
            "fin_ws",
            "alice",
            "--set",
            "governance,security",
            "-o",
            "json",
        ],
    ] {
        assert_eq!(env.json(args)["changed"], false, "{args:?}");
    }
    assert_eq!(env.events().len(), events);
    // A member keeps at least one role.
    let r = env.refused_event(
        &[
            "member",
            "role",
            "fin_ws",
            "alice",
            "--revoke",
            "security",
            "--revoke",
            "governance",
        ],
        6,
        "error: alice must keep at least one role in fin_ws",
        ("member.role", Some("fin_ws"), Some("alice")),
    );
    assert!(r
        .stderr
        .contains("hint: remove the member instead: dwctl member remove fin_ws alice"));
    // Removing works.
    let (r, e) = env.changes(&["member", "remove", "fin_ws", "alice", "--yes", "-o", "json"]);
    assert_eq!(
        r.json()["result"]["roles"],
        json!(["role_project_security", "role_project_dg_admin"])
    );
    assert_eq!(
        e.key(),
        ("root", "member.remove", Some("fin_ws"), Some("alice"), "ok")
    );
    env.refused(
        &["member", "show", "fin_ws", "alice"],
        3,
        "alice is not a member of fin_ws",
    );
}

#[test]
fn an_admin_grants_and_revokes_every_role_but_owner() {
    let env = setup();
    env.run(&["member", "add", "fin_ws", "alice", "--role", "admin"])
        .ok();
    env.changes(&[
        "--as", "alice", "member", "add", "fin_ws", "bob", "--role", "guest",
    ]);
    for role in [
        "admin",
        "dev",
        "deploy",
        "security",
        "analyst",
        "modeler",
        "governance",
    ] {
        env.changes(&[
            "--as", "alice", "member", "role", "fin_ws", "bob", "--grant", role,
        ]);
    }
    env.changes(&[
        "--as", "alice", "member", "role", "fin_ws", "bob", "--revoke", "dev", "--grant", "ops",
    ]);
    assert_eq!(
        roles(&env, "fin_ws", "bob"),
        json!([
            "role_project_admin",
            "role_project_pe",
            "role_project_deploy",
            "role_project_guest",
            "role_project_security",
            "role_project_data_analyst",
            "role_project_erd",
            "role_project_dg_admin"
        ])
    );
    env.changes(&[
        "--as", "alice", "member", "remove", "fin_ws", "bob", "--yes",
    ]);
    let e = env.last_event();
    assert_eq!(
        e.key(),
        ("alice", "member.remove", Some("fin_ws"), Some("bob"), "ok")
    );
}

#[test]
fn the_develop_role_cannot_be_granted_where_it_is_disabled() {
    let env = setup();
    env.run(&["workspace", "create", "nodev_ws", "--disable-dev-role"])
        .ok();
    env.run(&["member", "add", "nodev_ws", "alice", "--role", "guest"])
        .ok();
    let msg = "error: the Develop role is disabled in nodev_ws: role_project_dev cannot be granted";
    env.refused_event(
        &["member", "add", "nodev_ws", "bob", "--role", "dev"],
        6,
        msg,
        ("member.add", Some("nodev_ws"), Some("bob")),
    );
    env.refused_event(
        &["member", "role", "nodev_ws", "alice", "--grant", "dev"],
        6,
        msg,
        ("member.role", Some("nodev_ws"), Some("alice")),
    );
    env.refused_event(
        &[
            "member",
            "role",
            "nodev_ws",
            "alice",
            "--set",
            "analyst,dev",
        ],
        6,
        msg,
        ("member.role", Some("nodev_ws"), Some("alice")),
    );
    // Elsewhere it still can.
    env.changes(&["member", "add", "lab_ws", "bob", "--role", "dev"]);
}

#[test]
fn deploy_in_basic_mode_warns_on_stderr_and_in_the_envelope() {
    let env = setup();
    let message = "lab_ws is in basic mode, where role_project_deploy has no effect (there is no deploy step)";
    let r = env.run(&["member", "add", "lab_ws", "alice", "--role", "deploy"]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stderr,
        format!("warning: {message}\nAdded alice to lab_ws as role_project_deploy.\n")
    );
    assert!(!r.stdout.contains("warning"), "{}", r.stdout);
    let r = env.run(&["member", "role", "lab_ws", "alice", "--set", "guest"]);
    assert_eq!(r.stderr, "alice now holds role_project_guest in lab_ws.\n");
    let r = env.run(&[
        "member", "role", "lab_ws", "alice", "--grant", "deploy", "-o", "json",
    ]);
    assert_eq!(
        r.json()["warnings"],
        json!([{"code": "deploy_in_basic_mode", "message": message}])
    );
    assert_eq!(
        r.stderr,
        format!(
            "{}\n",
            json!({"warning": {"code": "deploy_in_basic_mode", "message": message}})
        )
    );
    // It is granted all the same, and standard mode says nothing.
    assert_eq!(
        roles(&env, "lab_ws", "alice"),
        json!(["role_project_deploy", "role_project_guest"])
    );
    let r = env.run(&[
        "member", "add", "fin_ws", "alice", "--role", "deploy", "-o", "json",
    ]);
    assert_eq!(
        (r.json()["warnings"].clone(), r.stderr.as_str()),
        (json!([]), "")
    );
}

#[test]
fn separation_of_duties_warns_enforces_or_stays_silent() {
    let env = setup();
    env.run(&[
        "workspace",
        "create",
        "strict_ws",
        "--sod-policy",
        "enforce",
    ])
    .ok();
    env.run(&["workspace", "create", "free_ws", "--sod-policy", "off"])
        .ok();
    // warn (the default): granted, with a warning.
    let message = "alice now holds both role_project_dev and role_project_pe in fin_ws: one person should not both develop and operate production";
    let r = env.run(&[
        "member", "add", "fin_ws", "alice", "--role", "dev,ops", "-o", "json",
    ]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.json()["warnings"],
        json!([{"code": "separation_of_duties", "message": message}])
    );
    assert_eq!(
        r.stderr,
        format!(
            "{}\n",
            json!({"warning": {"code": "separation_of_duties", "message": message}})
        )
    );
    env.run(&["member", "add", "fin_ws", "bob", "--role", "dev"])
        .ok();
    let r = env.run(&["member", "role", "fin_ws", "bob", "--grant", "ops"]);
    assert!(
        r.stderr.starts_with(
            "warning: bob now holds both role_project_dev and role_project_pe in fin_ws"
        ),
        "{}",
        r.stderr
    );
    // Holding both already: another role brings no new warning.
    let r = env.run(&[
        "member", "role", "fin_ws", "bob", "--grant", "guest", "-o", "json",
    ]);
    assert_eq!(r.json()["warnings"], json!([]));
    // Only these two codes count.
    env.run(&["member", "add", "fin_ws", "carol", "--role", "guest"])
        .ok();
    for set in ["dev,deploy", "admin,ops", "dev,admin"] {
        let r = env.run(&[
            "member", "role", "fin_ws", "carol", "--set", set, "-o", "json",
        ]);
        assert_eq!(
            (r.code, r.json()["warnings"].clone()),
            (0, json!([])),
            "{set}"
        );
    }
    // enforce: refused, whichever way both would be held.
    let msg = "separation of duties is enforced in strict_ws: alice may not hold both role_project_dev and role_project_pe";
    let r = env.refused_event(
        &["member", "add", "strict_ws", "alice", "--role", "dev,ops"],
        6,
        msg,
        ("member.add", Some("strict_ws"), Some("alice")),
    );
    assert!(r.stderr.contains("hint: grant one of the two, or relax it: dwctl workspace update strict_ws --sod-policy warn"), "{}", r.stderr);
    env.run(&["member", "add", "strict_ws", "alice", "--role", "dev"])
        .ok();
    env.refused_event(
        &["member", "role", "strict_ws", "alice", "--grant", "ops"],
        6,
        msg,
        ("member.role", Some("strict_ws"), Some("alice")),
    );
    env.refused_event(
        &["member", "role", "strict_ws", "alice", "--set", "dev,ops"],
        6,
        msg,
        ("member.role", Some("strict_ws"), Some("alice")),
    );
    env.changes(&["member", "role", "strict_ws", "alice", "--set", "ops"]);
    // off: allowed silently.
    let r = env.run(&[
        "member", "add", "free_ws", "alice", "--role", "dev,ops", "-o", "json",
    ]);
    assert_eq!(
        (r.code, r.json()["warnings"].clone(), r.stderr.as_str()),
        (0, json!([]), "")
    );
}

#[test]
fn member_changes_in_disabled_and_deleted_workspaces() {
    let env = setup();
    env.run(&["member", "add", "fin_ws", "alice", "--role", "dev"])
        .ok();
    env.run(&["member", "add", "fin_ws", "bob", "--role", "guest"])
        .ok();
    env.run(&["workspace", "disable", "fin_ws"]).ok();
    env.refused_event(
        &["member", "add", "fin_ws", "carol", "--role", "dev"],
        6,
        "workspace fin_ws is disabled: cannot add members",
        ("member.add", Some("fin_ws"), Some("carol")),
    );
    env.refused_event(
        &["member", "role", "fin_ws", "alice", "--grant", "guest"],
        6,
        "workspace fin_ws is disabled: cannot change member roles",
        ("member.role", Some("fin_ws"), Some("alice")),
    );
    // Offboarding: removing a member works in a disabled workspace.
    env.changes(&["member", "remove", "fin_ws", "alice", "--yes"]);
    env.run(&["workspace", "delete", "fin_ws", "--yes"]).ok();
    for (args, action, target) in [
        (
            &["member", "add", "fin_ws", "carol", "--role", "dev"][..],
            "member.add",
            "carol",
        ),
        (
            &["member", "role", "fin_ws", "bob", "--grant", "dev"],
            "member.role",
            "bob",
        ),
        (
            &["member", "remove", "fin_ws", "bob", "--yes"],
            "member.remove",
            "bob",
        ),
    ] {
        env.refused_event(
            args,
            6,
            "workspace fin_ws is in the recycle bin: cannot",
            (action, Some("fin_ws"), Some(target)),
        );
    }
    // The members are still there to read.
    assert_eq!(roles(&env, "fin_ws", "bob"), json!(["role_project_guest"]));
}

#[test]
fn a_non_member_sees_no_workspace() {
    let env = setup();
    env.run(&["member", "add", "fin_ws", "alice", "--role", "guest"])
        .ok();
    let names = |actor: &str| -> Vec<String> {
        env.json(&["--as", actor, "workspace", "list", "--all", "-o", "json"])
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names("outsider"), Vec::<String>::new());
    assert_eq!(names("alice"), ["fin_ws"]);
    assert_eq!(names("root"), [DEFAULT_WS, "fin_ws", "lab_ws"]);
    // Exactly as if it did not exist, and nothing is recorded.
    for args in [
        &["--as", "outsider", "workspace", "show", "fin_ws"][..],
        &["--as", "outsider", "member", "list", "fin_ws"],
        &["--as", "outsider", "member", "show", "fin_ws", "alice"],
        &[
            "--as", "outsider", "member", "add", "fin_ws", "bob", "--role", "dev",
        ],
        &[
            "--as", "outsider", "member", "role", "fin_ws", "alice", "--grant", "dev",
        ],
        &[
            "--as", "outsider", "member", "remove", "fin_ws", "alice", "--yes",
        ],
        &[
            "--as",
            "outsider",
            "workspace",
            "update",
            "fin_ws",
            "--description",
            "x",
        ],
        &["--as", "alice", "member", "list", "lab_ws"],
    ] {
        let ws = args[args.iter().position(|a| a.ends_with("_ws")).unwrap()];
        let r = env.refused(args, 3, &format!("error: workspace {ws} not found"));
        assert!(r
            .stderr
            .contains("hint: list the workspaces you can see with dwctl workspace list --all"));
    }
    // Any member reads the member list and a member.
    let m = env.json(&["--as", "alice", "member", "list", "fin_ws", "-o", "json"]);
    assert_eq!(m.as_array().unwrap().len(), 2);
    env.json(&[
        "--as", "alice", "member", "show", "fin_ws", "root", "-o", "json",
    ]);
    // Removed, alice no longer sees it.
    env.run(&["member", "remove", "fin_ws", "alice", "--yes"])
        .ok();
    env.refused(
        &["--as", "alice", "workspace", "show", "fin_ws"],
        3,
        "workspace fin_ws not found",
    );
}

/// `--if-exists` excuses only the object the command acts on; a missing workspace,
/// principal or group it is looked up in is "not found" (exit 3) as without the flag.
/// `--if-not-exists` likewise excuses only an existing object, never a missing parent.
#[test]
fn if_exists_and_if_not_exists_excuse_only_the_named_object() {
    let env = setup();
    for args in [
        &["resourcegroup", "create", "rg_etl"][..],
        &["resourcegroup", "bind", "rg_etl", "fin_ws"],
        &["member", "add", "fin_ws", "alice", "--role", "dev"],
        &[
            "compute",
            "attach",
            "fin_ws",
            "mc",
            "--type",
            "maxcompute",
            "--prop",
            "project=fin",
        ],
    ] {
        env.run(args).ok();
    }
    // (command, the not-found message): each names something missing that is not the
    // object acted on.
    let parents: [(&[&str], &str); 16] = [
        (
            &["member", "remove", "no_ws", "alice", "--yes", "--if-exists"],
            "workspace no_ws not found",
        ),
        (
            &[
                "member",
                "remove",
                "fin_ws",
                "ghost",
                "--yes",
                "--if-exists",
            ],
            "principal 'ghost' not found",
        ),
        (
            &["compute", "detach", "no_ws", "mc", "--yes", "--if-exists"],
            "workspace no_ws not found",
        ),
        (
            &[
                "datasource",
                "remove",
                "no_ws",
                "mc",
                "--yes",
                "--if-exists",
            ],
            "workspace no_ws not found",
        ),
        (
            &["resourcegroup", "unbind", "rg_etl", "no_ws", "--if-exists"],
            "workspace no_ws not found",
        ),
        (
            &[
                "resourcegroup",
                "unbind",
                "rg_nope",
                "fin_ws",
                "--if-exists",
            ],
            "resource group 'rg_nope' not found",
        ),
        (
            &[
                "member",
                "add",
                "no_ws",
                "alice",
                "--role",
                "dev",
                "--if-not-exists",
            ],
            "workspace no_ws not found",
        ),
        (
            &[
                "member",
                "add",
                "fin_ws",
                "ghost",
                "--role",
                "dev",
                "--if-not-exists",
            ],
            "principal 'ghost' not found",
        ),
        (
            &[
                "resourcegroup",
                "bind",
                "rg_etl",
                "no_ws",
                "--if-not-exists",
            ],
            "workspace no_ws not found",
        ),
        (
            &[
                "resourcegroup",
                "bind",
                "rg_nope",
                "fin_ws",
                "--if-not-exists",
            ],
            "resource group 'rg_nope' not found",
        ),
        (
            &[
                "compute",
                "attach",
                "no_ws",
                "mc",
                "--type",
                "maxcompute",
                "--prop",
                "project=fin",
                "--if-not-exists",
            ],
            "workspace no_ws not found",
        ),
        (
            &[
                "datasource",
                "add",
                "no_ws",
                "mc",
                "--type",
                "maxcompute",
                "--prop",
                "project=fin",
                "--if-not-exists",
            ],
            "workspace no_ws not found",
        ),
        // A workspace the actor cannot see is missing too.
        (
            &[
                "--as",
                "bob",
                "member",
                "remove",
                "fin_ws",
                "alice",
                "--yes",
                "--if-exists",
            ],
            "workspace fin_ws not found",
        ),
        (
            &[
                "--as",
                "bob",
                "compute",
                "detach",
                "fin_ws",
                "nope",
                "--yes",
                "--if-exists",
            ],
            "workspace fin_ws not found",
        ),
        (
            &[
                "--as",
                "bob",
                "datasource",
                "remove",
                "fin_ws",
                "nope",
                "--yes",
                "--if-exists",
            ],
            "workspace fin_ws not found",
        ),
        (
            &[
                "--as",
                "bob",
                "resourcegroup",
                "unbind",
                "rg_etl",
                "fin_ws",
                "--if-exists",
            ],
            "workspace fin_ws not found",
        ),
    ];
    for (args, message) in parents {
        env.refused(args, 3, &format!("error: {message}"));
    }
    // The object itself missing is excused: exit 0, nothing changed.
    for args in [
        &[
            "member",
            "remove",
            "fin_ws",
            "carol",
            "--yes",
            "--if-exists",
        ][..],
        &[
            "compute",
            "detach",
            "fin_ws",
            "nope",
            "--yes",
            "--if-exists",
        ],
        &[
            "datasource",
            "remove",
            "fin_ws",
            "nope",
            "--yes",
            "--if-exists",
        ],
        &["resourcegroup", "unbind", "rg_etl", "lab_ws", "--if-exists"],
        &["resourcegroup", "delete", "rg_nope", "--yes", "--if-exists"],
        &["user", "remove", "ghost", "--yes", "--if-exists"],
        &["workspace", "delete", "no_ws", "--yes", "--if-exists"],
        &["workspace", "purge", "no_ws", "--yes", "--if-exists"],
    ] {
        let (rows, events) = (env.rows(), env.events().len());
        let mut a = args.to_vec();
        a.extend(["-o", "json"]);
        let v = env.json(&a);
        assert_eq!(v["changed"], false, "{args:?}");
        assert_eq!((env.rows(), env.events().len()), (rows, events), "{args:?}");
    }
}
