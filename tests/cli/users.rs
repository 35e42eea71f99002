//! Principals: user add, list, show, update, remove (domain.md 2, permissions.md 2).

use crate::harness::*;
use serde_json::{json, Value};

/// The principal `user show` shows, without its memberships (tests/cli/access.rs).
fn user(env: &Env, name: &str) -> Value {
    let mut v = env.json(&["user", "show", name, "-o", "json"]);
    v.as_object_mut().unwrap().remove("memberships");
    v
}

#[test]
fn add_fills_every_field() {
    let env = Env::new();
    let (r, e) = env.changes(&["user", "add", "alice", "-o", "json"]);
    let p = r.json()["result"].clone();
    let id = p["id"].as_str().unwrap();
    assert!(
        id.len() == 16 && id.chars().all(|c| c.is_ascii_digit()),
        "{id}"
    );
    assert_eq!(
        p,
        json!({"id": id, "name": "alice", "kind": "ram-user", "display_name": null,
               "full_access": false, "db_role": null, "created_at": "2026-11-28T10:00:00.000Z"})
    );
    assert_eq!(e.key(), ("root", "user.add", None, Some("alice"), "ok"));
    assert_eq!(e.details, json!({ "after": p }));
    let v = env.json(&[
        "user",
        "add",
        "etl-role",
        "--kind",
        "ram-role",
        "--id",
        "2000000000000001",
        "--display-name",
        "ETL 作业",
        "--full-access",
        "-o",
        "json",
    ]);
    assert_eq!(
        v["result"],
        json!({"id": "2000000000000001", "name": "etl-role", "kind": "ram-role",
               "display_name": "ETL 作业", "full_access": true, "db_role": null,
               "created_at": "2026-11-28T10:00:00.000Z"})
    );
    // By name (any case) or by id.
    assert_eq!(user(&env, "ETL-ROLE"), v["result"]);
    assert_eq!(user(&env, "2000000000000001"), v["result"]);
    assert_eq!(user(&env, ACCOUNT)["name"], "root");
    // The list: the account first, then by name.
    env.run(&["user", "add", "Bob"]).ok();
    let list = env.json(&["user", "list", "-o", "json"]);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["root", "alice", "Bob", "etl-role"]);
}

#[test]
fn invalid_principals_are_exit_2() {
    let env = Env::new();
    let long = "a".repeat(65);
    let hint = "hint: a principal name is 1-64 characters of A-Z, a-z, 0-9, '.', '_', '@' and '-', starting with a letter or digit, and not all digits";
    for bad in [
        "123456",
        ".alice",
        "_x",
        "al ice",
        "al/ice",
        long.as_str(),
        "",
        "ünicode",
    ] {
        let r = env.refused(&["user", "add", bad], 2, "error: invalid principal name '");
        assert!(r.stderr.contains(hint), "{bad}: {}", r.stderr);
    }
    env.run(&["user", "add", &"a".repeat(64), "--dry-run"]).ok();
    env.run(&["user", "add", "9lives", "--dry-run"]).ok();
    env.run(&["user", "add", "bob.smith@corp", "--dry-run"])
        .ok();
    let d129 = "d".repeat(129);
    for (extra, msg) in [
        (vec!["--id", "12ab"], "invalid principal id '12ab'"),
        (vec!["--kind", "robot"], "invalid principal kind 'robot'"),
        (
            vec!["--kind", "account"],
            "there is exactly one account principal, created by init",
        ),
        (
            vec!["--display-name", d129.as_str()],
            "display name is too long: 129 characters, at most 128",
        ),
        (
            vec!["--display-name", "bell\u{7}"],
            "display name holds the control character U+0007 at position 5",
        ),
        (vec!["--full-access", "true"], "unexpected argument 'true'"),
    ] {
        let mut args = vec!["user", "add", "carol"];
        args.extend(extra);
        env.refused(&args, 2, msg);
    }
    env.run(&["user", "add", "carol"]).ok();
    for (extra, msg) in [
        (
            vec!["--full-access", "maybe"],
            "invalid value 'maybe' for '--full-access <BOOL>'",
        ),
        (
            vec!["--display-name", "bell\u{7}"],
            "display name holds the control character U+0007 at position 5",
        ),
        (vec!["--kind", "ram-role"], "unexpected argument '--kind'"),
        (vec!["--name", "caroline"], "unexpected argument '--name'"),
    ] {
        let mut args = vec!["user", "update", "carol"];
        args.extend(extra);
        env.refused(&args, 2, msg);
    }
}

#[test]
fn a_taken_name_or_id_is_a_conflict_unless_if_not_exists() {
    let env = Env::new();
    env.run(&["user", "add", "alice", "--id", "1000000000000001"])
        .ok();
    let r = env.refused(
        &["user", "add", "ALICE"],
        4,
        "error: principal alice already exists",
    );
    assert!(r
        .stderr
        .contains("hint: choose another name, or pass --if-not-exists"));
    env.refused(&["user", "add", "root"], 4, "principal root already exists");
    env.refused(
        &["user", "add", "bob", "--id", "1000000000000001"],
        4,
        "principal id 1000000000000001 is already taken",
    );
    env.refused(
        &["user", "add", "bob", "--id", ACCOUNT],
        4,
        &format!("principal id {ACCOUNT} is already taken"),
    );
    let rows = env.rows();
    let v = env.json(&[
        "user",
        "add",
        "alice",
        "--if-not-exists",
        "--full-access",
        "--kind",
        "ram-role",
        "-o",
        "json",
    ]);
    assert_eq!(v["changed"], false);
    assert_eq!(v["result"], user(&env, "alice"));
    assert_eq!(
        v["warnings"],
        json!([{"code": "exists_differs", "message": "principal alice exists and differs in: kind, full_access"}])
    );
    let v = env.json(&["user", "add", "alice", "--if-not-exists", "-o", "json"]);
    assert_eq!(
        (v["changed"].clone(), v["warnings"].clone()),
        (json!(false), json!([]))
    );
    assert_eq!(env.rows(), rows);
}

#[test]
fn missing_principals_are_exit_3_with_the_hint_to_add_them() {
    let env = Env::new();
    for args in [
        &["user", "show", "ghost"][..],
        &["user", "update", "ghost", "--display-name", "G"],
        &["user", "remove", "ghost", "--yes"],
        &["user", "show", "1111111111111111"],
    ] {
        let r = env.refused(args, 3, "error: principal '");
        // A name can be added; an id is generated (or given with --id), never a name.
        let hint = if args[2].starts_with('1') {
            "not found\nhint: list the principals with dwctl user list"
        } else {
            "not found\nhint: add it with dwctl user add ghost"
        };
        assert!(r.stderr.contains(hint), "{}", r.stderr);
    }
    let v = env.json(&["user", "remove", "ghost", "--if-exists", "-o", "json"]);
    assert_eq!(
        v,
        json!({"action": "user.remove", "changed": false, "dry_run": false, "result": null, "warnings": []})
    );
}

#[test]
fn update_changes_display_name_and_full_access() {
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    let (r, e) = env.changes(&[
        "user",
        "update",
        "alice",
        "--display-name",
        "Alice Li",
        "--full-access",
        "true",
        "-o",
        "json",
    ]);
    let p = r.json()["result"].clone();
    assert_eq!(
        (p["display_name"].clone(), p["full_access"].clone()),
        (json!("Alice Li"), json!(true))
    );
    assert_eq!(e.key(), ("root", "user.update", None, Some("alice"), "ok"));
    assert_eq!(
        e.details,
        json!({"before": {"display_name": null, "full_access": false}, "after": {"display_name": "Alice Li", "full_access": true}})
    );
    // '' clears the display name.
    let (r, _) = env.changes(&[
        "user",
        "update",
        "alice",
        "--display-name",
        "",
        "-o",
        "json",
    ]);
    assert_eq!(r.json()["result"]["display_name"], Value::Null);
    // The same values: no change, no event.
    let events = env.events().len();
    let v = env.json(&[
        "user",
        "update",
        "alice",
        "--full-access",
        "true",
        "-o",
        "json",
    ]);
    assert_eq!(v["changed"], false);
    assert_eq!(env.events().len(), events);
    // The account always has full access.
    env.refused_event(
        &["user", "update", "root", "--full-access", "false"],
        6,
        "error: the account always has full access",
        ("user.update", None, Some("root")),
    );
    let v = env.json(&[
        "user",
        "update",
        "root",
        "--full-access",
        "true",
        "-o",
        "json",
    ]);
    assert_eq!(v["changed"], false);
}

#[test]
fn remove_is_refused_while_a_member_unless_cascade() {
    let env = Env::new();
    env.run(&["user", "add", "bob"]).ok();
    env.run(&["workspace", "create", "lab_ws"]).ok();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    env.run(&["member", "add", "lab_ws", "bob", "--role", "dev"])
        .ok();
    env.run(&["member", "add", "fin_ws", "bob", "--role", "guest"])
        .ok();
    let r = env.refused(
        &["user", "remove", "bob", "--yes"],
        4,
        "error: bob is a member of fin_ws, lab_ws",
    );
    assert!(r.stderr.contains(
        "hint: remove the memberships first, or pass --cascade: dwctl user remove bob --cascade"
    ));
    // Without --yes the conflict is reported before asking.
    env.refused(
        &["user", "remove", "bob"],
        4,
        "bob is a member of fin_ws, lab_ws",
    );
    let before = env.events().len();
    let v = env.json(&["user", "remove", "bob", "--cascade", "--yes", "-o", "json"]);
    assert_eq!(v["result"]["name"], "bob");
    // One `member.remove` event per membership, in its workspace, then the removal.
    let events = env.events().split_off(before);
    let keys: Vec<_> = events.iter().map(|e| e.key()).collect();
    assert_eq!(
        keys,
        [
            ("root", "member.remove", Some("fin_ws"), Some("bob"), "ok"),
            ("root", "member.remove", Some("lab_ws"), Some("bob"), "ok"),
            ("root", "user.remove", None, Some("bob"), "ok"),
        ]
    );
    assert_eq!(events[0].details["cascade"], true);
    assert_eq!(
        events[0].details["before"]["roles"],
        json!(["role_project_guest"])
    );
    let e = &events[2];
    assert_eq!(
        e.details["memberships_removed"],
        json!(["fin_ws", "lab_ws"])
    );
    env.refused(&["user", "show", "bob"], 3, "principal 'bob' not found");
    for ws in ["fin_ws", "lab_ws"] {
        let m = env.json(&["member", "list", ws, "-o", "json"]);
        assert_eq!(m.as_array().unwrap().len(), 1, "{ws}");
    }
    // The name is free again.
    env.run(&["user", "add", "bob"]).ok();
    // A principal that is a member of nothing goes without --cascade.
    env.changes(&["user", "remove", "bob", "--yes"]);
}

#[test]
fn the_account_cannot_be_removed() {
    let env = Env::new();
    for args in [
        &["user", "remove", "root", "--yes"][..],
        &["user", "remove", ACCOUNT, "--yes", "--cascade"],
        &["user", "remove", "root"],
    ] {
        env.refused_event(
            args,
            6,
            "error: the account principal cannot be removed",
            ("user.remove", None, Some("root")),
        );
    }
}

#[test]
fn only_tenant_administrators_manage_principals() {
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    env.run(&["user", "add", "bob"]).ok();
    env.run(&["user", "add", "fa", "--full-access"]).ok();
    // A workspace admin is not a tenant administrator.
    env.run(&["member", "add", DEFAULT_WS, "alice", "--role", "admin"])
        .ok();
    for (args, action, target) in [
        (
            &["--as", "alice", "user", "add", "carol"][..],
            "user.add",
            "carol",
        ),
        (
            &[
                "--as",
                "alice",
                "user",
                "update",
                "bob",
                "--display-name",
                "B",
            ],
            "user.update",
            "bob",
        ),
        (
            &[
                "--as",
                "alice",
                "user",
                "update",
                "alice",
                "--full-access",
                "true",
            ],
            "user.update",
            "alice",
        ),
        (
            &["--as", "alice", "user", "remove", "bob", "--yes"],
            "user.remove",
            "bob",
        ),
        (
            &["--as", "alice", "user", "remove", "bob"],
            "user.remove",
            "bob",
        ),
    ] {
        let r = env.refused_event(
            args,
            5,
            "error: alice may not manage principals",
            (action, None, Some(target)),
        );
        assert!(r.stderr.contains("hint: this needs the account or a RAM user with full access (dwctl user update NAME --full-access true)"), "{}", r.stderr);
        assert_eq!(env.last_event().actor, "alice");
    }
    // Anyone may read the directory.
    assert_eq!(
        env.json(&["--as", "bob", "user", "list", "-o", "json"])
            .as_array()
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        env.json(&["--as", "bob", "user", "show", "fa", "-o", "json"])["full_access"],
        true
    );
    // A full-access user may.
    env.changes(&["--as", "fa", "user", "add", "carol"]);
    env.changes(&[
        "--as",
        "fa",
        "user",
        "update",
        "carol",
        "--full-access",
        "true",
    ]);
    env.changes(&["--as", "fa", "user", "remove", "carol", "--yes"]);
    env.refused(
        &["--as", "fa", "user", "remove", "root", "--yes"],
        6,
        "the account principal cannot be removed",
    );
}

#[test]
fn a_right_lost_is_lost_for_the_next_command() {
    let env = Env::new();
    env.run(&["user", "add", "fa", "--full-access"]).ok();
    env.changes(&["--as", "fa", "workspace", "create", "fa_ws"]);
    env.run(&["user", "update", "fa", "--full-access", "false"])
        .ok();
    env.refused(
        &["--as", "fa", "workspace", "create", "fa_ws2"],
        5,
        "fa may not create workspaces",
    );
    // fa is still admin of the workspace it created.
    env.changes(&[
        "--as",
        "fa",
        "workspace",
        "update",
        "fa_ws",
        "--description",
        "mine",
    ]);
    env.run(&["member", "remove", "fa_ws", "fa", "--yes"]).ok();
    env.refused(
        &[
            "--as",
            "fa",
            "workspace",
            "update",
            "fa_ws",
            "--description",
            "x",
        ],
        3,
        "workspace fa_ws not found",
    );
    env.run(&["user", "remove", "fa", "--yes"]).ok();
    let r = env.run(&["--as", "fa", "workspace", "list"]);
    r.fails(5, "unknown actor 'fa': not a principal of this tenant");
}

/// `--cascade` removes memberships in workspaces in the recycle bin too (each a
/// `member.remove` event); restoring such a workspace brings it back without them.
#[test]
fn cascade_removes_memberships_in_the_recycle_bin_too() {
    let env = Env::new();
    for args in [
        &["user", "add", "bob"][..],
        &["workspace", "create", "lab_ws"],
        &["workspace", "create", "old_ws"],
        &["member", "add", "lab_ws", "bob", "--role", "dev"],
        &["member", "add", "old_ws", "bob", "--role", "admin"],
        &["workspace", "disable", "lab_ws"],
        &["workspace", "delete", "old_ws", "--yes"],
    ] {
        env.run(args).ok();
    }
    // Without --cascade: the conflict names both.
    env.refused(
        &["user", "remove", "bob", "--yes"],
        4,
        "error: bob is a member of lab_ws, old_ws",
    );
    let before = env.events().len();
    env.run(&["user", "remove", "bob", "--cascade", "--yes"])
        .ok();
    let keys: Vec<_> = env.events()[before..]
        .iter()
        .map(|e| {
            let (a, b, c, d, o) = e.key();
            (
                a.to_string(),
                b.to_string(),
                c.map(str::to_string),
                d.map(str::to_string),
                o.to_string(),
            )
        })
        .collect();
    let ev = |action: &str, ws: Option<&str>| {
        (
            "root".to_string(),
            action.to_string(),
            ws.map(str::to_string),
            Some("bob".to_string()),
            "ok".to_string(),
        )
    };
    assert_eq!(
        keys,
        [
            ev("member.remove", Some("lab_ws")),
            ev("member.remove", Some("old_ws")),
            ev("user.remove", None),
        ]
    );
    env.refused(&["user", "show", "bob"], 3, "principal 'bob' not found");
    // Restored, old_ws comes back without bob; a new bob is no member of it.
    env.run(&["workspace", "restore", "old_ws"]).ok();
    let members = env.json(&["member", "list", "old_ws", "-o", "json"]);
    assert_eq!(members.as_array().unwrap().len(), 1, "{members}");
    env.run(&["user", "add", "bob"]).ok();
    env.refused(
        &["member", "show", "old_ws", "bob"],
        3,
        "bob is not a member of old_ws",
    );
    let events = env.json(&["audit", "list", "--workspace", "old_ws", "-o", "json"]);
    assert!(events
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "member.remove" && e["target"] == "bob"));
}

/// `--db-role` maps a principal to the PostgreSQL login that acts as it on a shared
/// catalog: shown in JSON, set and cleared by the account only, one principal per login.
#[test]
fn db_roles_are_mapped_by_the_account_one_principal_per_login() {
    // The file catalog's model of who is acting (on PostgreSQL the login decides: copy::pg).
    if file_only() {
        return;
    }
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    env.run(&["user", "add", "bob", "--full-access"]).ok();
    assert_eq!(user(&env, "alice")["db_role"], Value::Null);
    let set = [
        "user",
        "update",
        "alice",
        "--db-role",
        "alice_pg",
        "-o",
        "json",
    ];
    let (r, e) = env.changes(&set);
    assert_eq!(r.json()["result"]["db_role"], "alice_pg");
    assert_eq!(e.key(), ("root", "user.update", None, Some("alice"), "ok"));
    assert_eq!(
        e.details,
        json!({"before": {"db_role": null}, "after": {"db_role": "alice_pg"}})
    );
    assert_eq!(user(&env, "alice")["db_role"], "alice_pg");
    let list = env.json(&["user", "list", "-o", "json"]);
    assert_eq!(list[1]["name"], "alice");
    assert_eq!(list[1]["db_role"], "alice_pg");
    // Setting it again changes nothing.
    let same = env.json(&set);
    assert_eq!(same["changed"], false);
    // A login maps to one principal: exit 4 naming the other.
    let r = env.refused(
        &["user", "update", "bob", "--db-role", "alice_pg"],
        4,
        "error: database login 'alice_pg' is already mapped to principal alice",
    );
    assert!(r.stderr.contains("--no-db-role"), "{}", r.stderr);
    env.refused(
        &["user", "add", "carol", "--db-role", "alice_pg"],
        4,
        "already mapped to principal alice",
    );
    // Logins are case-sensitive, as PostgreSQL's roles are.
    env.run(&["user", "update", "bob", "--db-role", "ALICE_PG"])
        .ok();
    // Only the account maps logins: a full-access user is denied (5), audited.
    env.refused_event(
        &["--as", "bob", "user", "update", "alice", "--db-role", "x"],
        5,
        "error: bob may not map principals to database logins",
        ("user.update", None, Some("alice")),
    );
    env.refused(
        &["--as", "bob", "user", "update", "alice", "--no-db-role"],
        5,
        "bob may not map principals to database logins",
    );
    env.refused(
        &["--as", "bob", "user", "add", "dave", "--db-role", "dave"],
        5,
        "bob may not map principals to database logins",
    );
    // ...but may change what else it may.
    env.run(&[
        "--as",
        "bob",
        "user",
        "update",
        "alice",
        "--display-name",
        "A",
    ])
    .ok();
    // Cleared by the account; on a file the account's own may be cleared too.
    env.run(&["user", "update", "alice", "--no-db-role"]).ok();
    assert_eq!(user(&env, "alice")["db_role"], Value::Null);
    env.run(&["user", "update", "root", "--db-role", "postgres"])
        .ok();
    env.run(&["user", "update", "root", "--no-db-role"]).ok();
    // Added with one.
    let v = env.json(&["user", "add", "erin", "--db-role", "erin", "-o", "json"]);
    assert_eq!(v["result"]["db_role"], "erin");
}

#[test]
fn invalid_db_roles_are_exit_2() {
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    let long = "a".repeat(64);
    for bad in ["", " alice", "alice ", "a\tb", long.as_str()] {
        let r = env.refused(
            &["user", "update", "alice", "--db-role", bad],
            2,
            "error: invalid database login",
        );
        assert!(r.stderr.contains("1-63 bytes"), "{bad:?}: {}", r.stderr);
    }
    env.refused(
        &["user", "update", "alice", "--db-role", "a", "--no-db-role"],
        2,
        "cannot be used with",
    );
    // Any role name PostgreSQL takes (quoted), up to 63 bytes.
    let max = "é".repeat(31);
    env.run(&["user", "update", "alice", "--db-role", &max])
        .ok();
    env.run(&["user", "update", "alice", "--db-role", "Team Lead"])
        .ok();
}

/// A principal's login travels in manifests: export writes it when set, apply sets and
/// clears it (`db_role = ""`), only for the account, and the round trip is byte-identical.
#[test]
fn db_roles_round_trip_through_manifests() {
    let env = Env::new();
    env.run(&["user", "add", "alice", "--db-role", "alice"])
        .ok();
    env.run(&["user", "add", "bob", "--full-access"]).ok();
    let exported = env.run(&["export", "--all"]);
    let text = exported.ok();
    assert!(text.contains("name = \"alice\"\n"), "{text}");
    assert!(text.contains("db_role = \"alice\"\n"), "{text}");
    assert_eq!(text.matches("db_role").count(), 1, "{text}");
    let file = env.path().join("m.toml");
    std::fs::write(&file, text).unwrap();
    let other = Env::new();
    other
        .run(&["apply", "--file", file.to_str().unwrap(), "--yes"])
        .ok();
    assert_eq!(other.run(&["export", "--all"]).ok(), text);
    assert_eq!(
        other.json(&["user", "show", "alice", "-o", "json"])["db_role"],
        "alice"
    );
    // Clearing in a manifest; only the account may.
    std::fs::write(
        &file,
        "version = 1\n[[principal]]\nname = \"alice\"\ndb_role = \"\"\n",
    )
    .unwrap();
    let r = other.run(&[
        "--as",
        "bob",
        "apply",
        "--file",
        file.to_str().unwrap(),
        "--yes",
    ]);
    r.fails(5, "bob may not map principals to database logins");
    assert_eq!(
        other.json(&["user", "show", "alice", "-o", "json"])["db_role"],
        "alice"
    );
    other
        .run(&["apply", "--file", file.to_str().unwrap(), "--yes"])
        .ok();
    assert_eq!(
        other.json(&["user", "show", "alice", "-o", "json"])["db_role"],
        Value::Null
    );
}
