//! Access reviews (issue 16, part 4): `user show`'s memberships, `access who-can` and
//! `access matrix`, each limited to what the actor could list.

use crate::harness::*;
use serde_json::{json, Value};

/// alice (dev + ops in fin_ws), bob (full access), carol (guest in lab_ws), dave (admin
/// in lab_ws, ops in fin_ws); fin_ws and lab_ws.
fn setup() -> Env {
    let env = Env::new();
    for args in [
        &["user", "add", "alice", "--id", "1000000000000001"][..],
        &[
            "user",
            "add",
            "bob",
            "--id",
            "1000000000000002",
            "--full-access",
        ],
        &["user", "add", "carol", "--id", "1000000000000003"],
        &["user", "add", "dave", "--id", "1000000000000004"],
        &["workspace", "create", "fin_ws"],
        &["workspace", "create", "lab_ws"],
        &["member", "add", "fin_ws", "alice", "--role", "dev,ops"],
        &["member", "add", "lab_ws", "carol", "--role", "guest"],
        &["member", "add", "lab_ws", "dave", "--role", "admin"],
        &["member", "add", "fin_ws", "dave", "--role", "ops"],
    ] {
        env.run(args).ok();
    }
    env
}

/// (workspace, user, through) of each row of `access who-can ... -o json`.
fn holders(env: &Env, args: &[&str]) -> Vec<(String, String, String)> {
    let mut line = vec!["access", "who-can"];
    line.extend_from_slice(args);
    line.extend_from_slice(&["-o", "json"]);
    env.json(&line)
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let s = |k: &str| h[k].as_str().unwrap().to_string();
            (s("workspace"), s("user"), s("through"))
        })
        .collect()
}

fn rows(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    list.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[test]
fn who_can_lists_tenant_grants_then_each_workspaces_members_and_their_roles() {
    let env = setup();
    assert_eq!(
        holders(&env, &["datasource.manage"]),
        rows(&[
            ("*", "root", "account"),
            ("*", "bob", "full access"),
            (DEFAULT_WS, "root", "role_project_owner"),
            ("fin_ws", "root", "role_project_owner"),
            ("fin_ws", "alice", "role_project_pe"),
            ("fin_ws", "dave", "role_project_pe"),
            ("lab_ws", "root", "role_project_owner"),
            ("lab_ws", "dave", "role_project_admin"),
        ])
    );
    // A capability by its first word, in one workspace: the tenant grants hold there.
    assert_eq!(
        holders(&env, &["Develop", "--workspace", "FIN_WS"]),
        rows(&[
            ("fin_ws", "root", "account"),
            ("fin_ws", "bob", "full access"),
            ("fin_ws", "root", "role_project_owner"),
            ("fin_ws", "alice", "role_project_dev"),
        ])
    );
    // A tenant right: no role gives it.
    assert_eq!(
        holders(&env, &["workspace.upgrade"]),
        rows(&[("*", "root", "account")])
    );
    assert_eq!(
        holders(&env, &["user.manage"]),
        rows(&[("*", "root", "account"), ("*", "bob", "full access")])
    );
}

#[test]
fn who_can_shows_only_what_the_actor_could_list() {
    let env = setup();
    // alice is a member of fin_ws only: lab_ws's members are not hers to see.
    assert_eq!(
        holders(&env, &["member.manage", "--as", "alice"]),
        rows(&[
            ("*", "root", "account"),
            ("*", "bob", "full access"),
            ("fin_ws", "root", "role_project_owner"),
        ])
    );
    env.run(&[
        "access",
        "who-can",
        "member.manage",
        "--workspace",
        "lab_ws",
        "--as",
        "alice",
    ])
    .fails(3, "workspace lab_ws not found");
    env.run(&["access", "matrix", "--workspace", "lab_ws", "--as", "alice"])
        .fails(3, "workspace lab_ws not found");
    // An outsider sees the tenant's grants and nothing else.
    env.run(&["user", "add", "eve"]).ok();
    assert_eq!(
        holders(&env, &["objects.list", "--as", "eve"]),
        rows(&[("*", "root", "account"), ("*", "bob", "full access")])
    );
}

#[test]
fn who_can_refuses_what_is_neither_a_right_nor_a_capability() {
    let env = setup();
    let r = env.run(&["access", "who-can", "datasource.destroy"]);
    r.fails(2, "unknown right or capability 'datasource.destroy'");
    assert!(
        r.stderr.contains("capabilities: develop, deploy"),
        "{}",
        r.stderr
    );
    env.run(&["access", "who-can", "develop", "--workspace", "nope_ws"])
        .fails(3, "workspace nope_ws not found");
}

#[test]
fn matrix_lists_every_principals_roles_in_every_workspace_in_four_formats() {
    let env = setup();
    let csv = env.run(&["access", "matrix", "--workspace", "lab_ws", "-o", "csv"]);
    assert_eq!(
        csv.ok(),
        format!(
            "user,user_id,kind,workspace,roles,status\n\
             root,{ACCOUNT},account,lab_ws,\"[\"\"account\"\"]\",\n\
             bob,1000000000000002,ram-user,lab_ws,\"[\"\"full access\"\"]\",\n\
             root,{ACCOUNT},account,lab_ws,\"[\"\"role_project_owner\"\"]\",\n\
             carol,1000000000000003,ram-user,lab_ws,\"[\"\"role_project_guest\"\"]\",\n\
             dave,1000000000000004,ram-user,lab_ws,\"[\"\"role_project_admin\"\"]\",\n"
        )
    );
    let all = env.json(&["access", "matrix", "-o", "json"]);
    let pairs: Vec<(String, String)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["user"].as_str().unwrap().to_string(),
                c["workspace"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(pairs.len(), 9, "{pairs:?}");
    assert_eq!(
        all[4],
        json!({"user": "alice", "user_id": "1000000000000001", "kind": "ram-user",
               "workspace": "fin_ws", "roles": ["role_project_dev", "role_project_pe"],
               "status": null})
    );
    let jsonl = env.run(&["access", "matrix", "-o", "jsonl"]);
    let lines: Vec<Value> = jsonl
        .ok()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(Value::Array(lines), all);
    let table = env.run(&["access", "matrix", "--as", "carol"]);
    let text = table.ok();
    assert!(text.lines().next().unwrap().contains("WORKSPACE"), "{text}");
    assert!(text.contains("role_project_guest"), "{text}");
    assert!(!text.contains("fin_ws"), "carol sees only lab_ws\n{text}");
}

#[test]
fn user_show_lists_memberships_in_the_workspaces_the_actor_can_see() {
    let env = setup();
    let dave = env.json(&["user", "show", "dave", "-o", "json"]);
    assert_eq!(
        dave["memberships"],
        json!([
            {"workspace": "fin_ws", "roles": ["role_project_pe"], "status": "normal"},
            {"workspace": "lab_ws", "roles": ["role_project_admin"], "status": "normal"},
        ])
    );
    assert_eq!(dave["name"], "dave");
    // carol sees lab_ws only.
    let seen = env.json(&["user", "show", "dave", "--as", "carol", "-o", "json"]);
    assert_eq!(
        seen["memberships"],
        json!([{"workspace": "lab_ws", "roles": ["role_project_admin"], "status": "normal"}])
    );
    let none = env.json(&["user", "show", "bob", "-o", "json"]);
    assert_eq!(none["memberships"], json!([]));
    env.run(&["user", "show", "nobody"])
        .fails(3, "principal 'nobody' not found");
}

#[test]
fn who_can_counts_custom_roles_through_what_they_grant() {
    let env = setup();
    env.run(&[
        "role",
        "create",
        "fin_ws",
        "etl_ops",
        "--right",
        "datasource.manage",
        "--capability",
        "deploy",
    ])
    .ok();
    env.run(&["member", "add", "fin_ws", "carol", "--role", "etl_ops"])
        .ok();
    for what in ["datasource.manage", "deploy"] {
        let rows = holders(&env, &[what, "--workspace", "fin_ws"]);
        let carol: Vec<&(String, String, String)> =
            rows.iter().filter(|(_, u, _)| u == "carol").collect();
        assert_eq!(carol.len(), 1, "{what}: {rows:?}");
        assert!(
            !carol[0].2.is_empty() && !carol[0].2.contains("role_project_"),
            "{carol:?}"
        );
    }
    // A right the custom role does not hold: not listed.
    let rows = holders(&env, &["member.manage", "--workspace", "fin_ws"]);
    assert!(rows.iter().all(|(_, u, _)| u != "carol"), "{rows:?}");
}
