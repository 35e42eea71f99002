//! Custom workspace roles (issue 16 section 1): `role create/update/delete`, `role
//! list/show --workspace`, granting them, what they grant, separation of duties and
//! manifests.

use serde_json::{json, Value};

use crate::harness::Env;

fn setup() -> Env {
    let env = Env::new();
    for args in [
        &["user", "add", "alice"][..],
        &["user", "add", "bob"],
        &["user", "add", "carol"],
        &["workspace", "create", "fin_ws"],
        &["workspace", "create", "lab_ws"],
    ] {
        env.run(args).ok();
    }
    env
}

fn mysql(env: &Env, actor: &str, name: &str) -> crate::harness::Run {
    env.run(&[
        "--as",
        actor,
        "datasource",
        "add",
        "fin_ws",
        name,
        "--type",
        "mysql",
        "--env",
        "prod",
        "--prop",
        "address=db.example:3306",
        "--prop",
        "database=orders",
        "--prop",
        "username=etl",
        "--prop",
        "password=pw",
    ])
}

#[test]
fn create_list_show_update_delete() {
    let env = setup();
    let (r, e) = env.changes(&[
        "role",
        "create",
        "fin_ws",
        "Auditor",
        "--right",
        "datasource.test",
        "--right",
        "properties.read",
        "--right",
        "datasource.test",
        "--description",
        "reads connections",
        "-o",
        "json",
    ]);
    let v: Value = serde_json::from_str(r.ok()).unwrap();
    assert_eq!(v["action"], "role.create");
    let role = &v["result"];
    let code = role["code"].as_str().unwrap().to_string();
    assert!(code.starts_with("base_role_"), "{code}");
    assert_eq!(role["name"], "Auditor");
    assert_eq!(
        role["rights"],
        json!(["datasource.test", "properties.read"])
    );
    assert_eq!(role["capabilities"], json!([]));
    assert_eq!(
        (
            e.action.as_str(),
            e.workspace.as_deref(),
            e.target.as_deref()
        ),
        ("role.create", Some("fin_ws"), Some("Auditor"))
    );

    // Names are unique per workspace, case-insensitively; another workspace may reuse one.
    env.refused(
        &[
            "role",
            "create",
            "fin_ws",
            "AUDITOR",
            "--right",
            "objects.list",
        ],
        4,
        "error: role Auditor already exists in fin_ws",
    );
    let again = env.json(&[
        "role",
        "create",
        "fin_ws",
        "auditor",
        "--right",
        "objects.list",
        "--if-not-exists",
        "-o",
        "json",
    ]);
    assert_eq!(again["changed"], false);
    assert_eq!(again["result"]["code"], code.as_str());
    assert!(again["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("differs in: rights"));
    let other = env.json(&[
        "role",
        "create",
        "lab_ws",
        "auditor",
        "--capability",
        "analyse",
        "-o",
        "json",
    ]);
    assert_ne!(other["result"]["code"], code.as_str());

    // Built-in codes and aliases, owner's and tenant rights, and nothing at all: exit 2.
    for (args, msg) in [
        (
            &["role", "create", "fin_ws", "OPS", "--right", "objects.list"][..],
            "error: 'OPS' is a built-in role (role_project_pe)",
        ),
        (
            &[
                "role",
                "create",
                "fin_ws",
                "role_project_x",
                "--right",
                "objects.list",
            ],
            "names starting with base_role_ or role_project_ are kept for role codes",
        ),
        (
            &[
                "role",
                "create",
                "fin_ws",
                "x",
                "--right",
                "workspace.delete",
            ],
            "'workspace.delete' is not a workspace right a custom role may hold",
        ),
        (
            &[
                "role",
                "create",
                "fin_ws",
                "x",
                "--right",
                "workspace.lifecycle",
            ],
            "is not a workspace right a custom role may hold",
        ),
        (
            &["role", "create", "fin_ws", "x", "--right", "datasource.add"],
            "error: unknown right 'datasource.add'",
        ),
        (
            &["role", "create", "fin_ws", "x"],
            "role x needs at least one --right or --capability",
        ),
        (
            &["role", "create", "fin_ws", "x", "--capability", "fly"],
            "error: unknown capability 'fly'",
        ),
    ] {
        env.refused(args, 2, msg);
    }

    // Listed after the built-in roles; shown by name or code.
    let list = env.json(&["role", "list", "--workspace", "fin_ws", "-o", "json"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 11);
    assert_eq!(list[0]["type"], "system");
    assert_eq!(list[10]["code"], code.as_str());
    assert_eq!(list[10]["type"], "custom");
    assert_eq!(list[10]["alias"], Value::Null);
    let shown = env.json(&["role", "show", &code, "--workspace", "fin_ws", "-o", "json"]);
    assert_eq!(shown["name"], "Auditor");
    assert_eq!(
        shown["rights"],
        json!(["datasource.test", "read connection properties"])
    );
    assert_eq!(
        env.json(&["role", "show", "auditor", "-w", "fin_ws", "-o", "json"])["code"],
        code.as_str()
    );
    env.refused(
        &["role", "show", "nope", "--workspace", "fin_ws"],
        3,
        "error: role 'nope' not found in fin_ws",
    );
    // Without --workspace, as before: built-ins only.
    env.refused(
        &["role", "show", "auditor"],
        2,
        "error: unknown role 'auditor'",
    );

    // Update: add and remove rights and capabilities, change the description.
    let (r, e) = env.changes(&[
        "role",
        "update",
        "fin_ws",
        "auditor",
        "--add-right",
        "compute.manage",
        "--remove-right",
        "properties.read",
        "--add-capability",
        "develop",
        "--description",
        "",
        "-o",
        "json",
    ]);
    let v: Value = serde_json::from_str(r.ok()).unwrap();
    assert_eq!(
        v["result"]["rights"],
        json!(["datasource.test", "compute.manage"])
    );
    assert_eq!(v["result"]["capabilities"], json!(["develop"]));
    assert_eq!(v["result"]["description"], Value::Null);
    assert_eq!(e.action, "role.update");
    let same = env.json(&[
        "role",
        "update",
        "fin_ws",
        "auditor",
        "--add-right",
        "compute.manage",
        "-o",
        "json",
    ]);
    assert_eq!(same["changed"], false);
    env.refused(
        &[
            "role",
            "update",
            "fin_ws",
            "dev",
            "--add-right",
            "compute.manage",
        ],
        6,
        "error: role_project_dev is a built-in role: it cannot be changed or deleted",
    );
    env.refused(
        &[
            "role",
            "update",
            "fin_ws",
            "nope",
            "--add-right",
            "compute.manage",
        ],
        3,
        "error: role 'nope' not found in fin_ws",
    );
    env.refused(
        &["role", "update", "fin_ws", "auditor"],
        2,
        "error: nothing to change",
    );

    // --dry-run writes nothing but says what would be.
    let before = env.rows();
    let dry = env.json(&[
        "role",
        "delete",
        "fin_ws",
        "auditor",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(
        (dry["changed"].clone(), dry["dry_run"].clone()),
        (json!(true), json!(true))
    );
    assert_eq!(before, env.rows());

    let (_, e) = env.changes(&["role", "delete", "fin_ws", "auditor", "--yes"]);
    assert_eq!(
        (e.action.as_str(), e.target.as_deref()),
        ("role.delete", Some("Auditor"))
    );
    env.refused(
        &["role", "delete", "fin_ws", "auditor", "--yes"],
        3,
        "error: role 'auditor' not found in fin_ws",
    );
    let gone = env.json(&[
        "role",
        "delete",
        "fin_ws",
        "auditor",
        "--yes",
        "--if-exists",
        "-o",
        "json",
    ]);
    assert_eq!(gone["changed"], false);
    // A code is never reused.
    let next = env.json(&[
        "role",
        "create",
        "fin_ws",
        "auditor",
        "--right",
        "objects.list",
        "-o",
        "json",
    ]);
    assert_ne!(next["result"]["code"], code.as_str());
}

#[test]
fn custom_roles_are_granted_and_enforced_like_built_in_ones() {
    let env = setup();
    env.run(&[
        "role",
        "create",
        "fin_ws",
        "sources",
        "--right",
        "datasource.manage",
    ])
    .ok();
    env.run(&[
        "role",
        "create",
        "fin_ws",
        "gatekeeper",
        "--right",
        "member.manage",
    ])
    .ok();

    // Without the role: denied, naming the built-in roles that grant the right.
    env.run(&["member", "add", "fin_ws", "alice", "--role", "guest"])
        .ok();
    mysql(&env, "alice", "orders").fails(5, "error: alice may not add data sources to fin_ws");

    // Granted by name (any case) or code; shown by code.
    let code = env.json(&["role", "show", "sources", "-w", "fin_ws", "-o", "json"])["code"]
        .as_str()
        .unwrap()
        .to_string();
    let m = env.json(&[
        "member", "role", "fin_ws", "alice", "--grant", "SOURCES", "-o", "json",
    ]);
    assert_eq!(m["result"]["roles"], json!(["role_project_guest", code]));
    mysql(&env, "alice", "orders").ok();
    // Only the role's rights: no compute, no members.
    env.refused(
        &[
            "--as", "alice", "member", "add", "fin_ws", "bob", "--role", "guest",
        ],
        5,
        "error: alice may not add members to fin_ws",
    );
    env.refused(
        &[
            "--as",
            "alice",
            "role",
            "create",
            "fin_ws",
            "mine",
            "--right",
            "member.manage",
        ],
        5,
        "error: alice may not create roles in fin_ws",
    );

    // member.manage through a custom role: may add members and define roles.
    env.run(&["member", "add", "fin_ws", "bob", "--role", "gatekeeper"])
        .ok();
    env.run(&[
        "--as", "bob", "member", "add", "fin_ws", "carol", "--role", "sources",
    ])
    .ok();
    env.run(&[
        "--as",
        "bob",
        "role",
        "create",
        "fin_ws",
        "viewer",
        "--right",
        "properties.read",
    ])
    .ok();

    // member list --role takes a custom role too.
    let holders: Vec<String> = env
        .json(&[
            "member", "list", "fin_ws", "--role", "sources", "-o", "json",
        ])
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(holders, ["alice", "carol"]);

    // An unknown role: exit 2, the hint naming the custom roles.
    let r = env.refused(
        &["member", "role", "fin_ws", "alice", "--grant", "nosuch"],
        2,
        "error: unknown role 'nosuch'",
    );
    assert!(
        r.stderr
            .contains("the custom roles of fin_ws are: sources, gatekeeper, viewer"),
        "{}",
        r.stderr
    );
    // A role of another workspace is not one of this one.
    env.run(&[
        "role",
        "create",
        "lab_ws",
        "labonly",
        "--right",
        "objects.list",
    ])
    .ok();
    env.refused(
        &["member", "role", "fin_ws", "alice", "--grant", "labonly"],
        2,
        "error: unknown role 'labonly'",
    );

    // Revoked: the right goes with it, for the next command.
    env.run(&["member", "role", "fin_ws", "alice", "--revoke", &code])
        .ok();
    mysql(&env, "alice", "orders2").fails(5, "error: alice may not add data sources to fin_ws");

    // Changing the role changes what its holders may do.
    env.run(&[
        "role",
        "update",
        "fin_ws",
        "sources",
        "--remove-right",
        "datasource.manage",
        "--add-right",
        "objects.list",
    ])
    .ok();
    mysql(&env, "carol", "orders3").fails(5, "error: carol may not add data sources to fin_ws");
}

#[test]
fn a_role_in_use_is_deleted_only_with_revoke_from_members() {
    let env = setup();
    env.run(&[
        "role",
        "create",
        "fin_ws",
        "etl",
        "--right",
        "datasource.test",
    ])
    .ok();
    env.run(&["member", "add", "fin_ws", "alice", "--role", "etl,guest"])
        .ok();
    env.run(&[
        "member", "add", "fin_ws", "bob", "--role", "etl", "--role", "dev",
    ])
    .ok();
    env.refused(
        &["role", "delete", "fin_ws", "etl", "--yes"],
        4,
        "error: role etl is held by 2 members: alice, bob",
    );
    let before = env.events().len();
    env.run(&[
        "role",
        "delete",
        "fin_ws",
        "etl",
        "--yes",
        "--revoke-from-members",
    ])
    .ok();
    let events = env.events();
    let new: Vec<(String, Option<String>)> = events[before..]
        .iter()
        .map(|e| (e.action.clone(), e.target.clone()))
        .collect();
    assert_eq!(
        new,
        [
            ("member.role".to_string(), Some("alice".to_string())),
            ("member.role".to_string(), Some("bob".to_string())),
            ("role.delete".to_string(), Some("etl".to_string())),
        ]
    );
    assert_eq!(
        env.json(&["member", "show", "fin_ws", "alice", "-o", "json"])["roles"],
        json!(["role_project_guest"])
    );

    // A member whose only role it is keeps it: refused, nothing changes.
    env.run(&[
        "role",
        "create",
        "fin_ws",
        "solo",
        "--right",
        "datasource.test",
    ])
    .ok();
    env.run(&["member", "add", "fin_ws", "carol", "--role", "solo"])
        .ok();
    env.refused(
        &[
            "role",
            "delete",
            "fin_ws",
            "solo",
            "--yes",
            "--revoke-from-members",
        ],
        6,
        "error: role solo is the only role of carol in fin_ws",
    );
    // A member who must keep a role cannot lose the last one either.
    env.refused(
        &["member", "role", "fin_ws", "carol", "--revoke", "solo"],
        6,
        "carol must keep at least one role in fin_ws",
    );
}

#[test]
fn separation_of_duties_counts_custom_develop_and_operate() {
    let env = setup();
    env.run(&[
        "role",
        "create",
        "fin_ws",
        "builder",
        "--right",
        "datasource.test",
        "--capability",
        "develop",
    ])
    .ok();
    env.run(&[
        "role",
        "create",
        "fin_ws",
        "runner",
        "--right",
        "datasource.test",
        "--capability",
        "operate",
    ])
    .ok();
    env.run(&["member", "add", "fin_ws", "alice", "--role", "builder"])
        .ok();
    let r = env.json(&[
        "member", "role", "fin_ws", "alice", "--grant", "ops", "-o", "json",
    ]);
    assert!(
        r["warnings"][0]["message"].as_str().unwrap().contains(
            "alice now holds both builder (custom, develop) and role_project_pe in fin_ws"
        ),
        "{r}"
    );
    // check reports it (DW003), and enforce is refused while it holds.
    let c = env.run(&["check", "fin_ws", "-o", "json"]);
    assert!(c.stdout.contains("DW003"), "{}", c.stdout);
    env.refused(
        &["workspace", "update", "fin_ws", "--sod-policy", "enforce"],
        6,
        "cannot enforce separation of duties in fin_ws: alice holds both",
    );
    env.run(&["member", "role", "fin_ws", "alice", "--revoke", "ops"])
        .ok();
    env.run(&["workspace", "update", "fin_ws", "--sod-policy", "enforce"])
        .ok();
    env.refused(
        &["member", "role", "fin_ws", "alice", "--grant", "runner"],
        6,
        "separation of duties is enforced in fin_ws: alice may not hold both builder (custom, develop) and runner (custom, operate)",
    );
    // A role that gains operate while its holder develops: refused too.
    env.run(&["member", "add", "fin_ws", "bob", "--role", "builder,guest"])
        .ok();
    env.run(&[
        "role",
        "create",
        "fin_ws",
        "quiet",
        "--right",
        "objects.list",
    ])
    .ok();
    env.run(&["member", "role", "fin_ws", "bob", "--grant", "quiet"])
        .ok();
    env.refused(
        &[
            "role",
            "update",
            "fin_ws",
            "quiet",
            "--add-capability",
            "operate",
        ],
        6,
        "with this change bob would hold both Develop and O&M through role quiet",
    );
}

#[test]
fn manifests_declare_custom_roles_before_their_members() {
    let env = setup();
    env.run(&[
        "role",
        "create",
        "fin_ws",
        "auditor",
        "--right",
        "datasource.test",
        "--right",
        "properties.read",
        "--description",
        "reads \"all\"",
    ])
    .ok();
    env.run(&[
        "role",
        "create",
        "fin_ws",
        "builder",
        "--capability",
        "develop",
    ])
    .ok();
    env.run(&["member", "add", "fin_ws", "alice", "--role", "auditor,dev"])
        .ok();
    let file = env.path().join("m.toml");
    let file = file.to_str().unwrap();
    env.run(&["export", "fin_ws", "--file", file]).ok();
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains("custom_roles = [\n  { name = \"auditor\", code = \"base_role_1\", rights = [\"datasource.test\", \"properties.read\"], capabilities = [], description = \"reads \\\"all\\\"\" },\n  { name = \"builder\", code = \"base_role_2\", rights = [], capabilities = [\"develop\"] },\n]\n"), "{text}");
    assert!(
        text.contains("roles = [\"role_project_dev\", \"base_role_1\"]"),
        "{text}"
    );
    let r = env.run(&["plan", "--file", file, "--exit-code"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (0, "(none)\nPlan: No changes.\n")
    );

    // Into another catalog: the same roles, codes and members; exported byte for byte.
    let other = Env::new();
    other.run(&["apply", "--file", file]).ok();
    let again = other.path().join("again.toml");
    let again = again.to_str().unwrap();
    other.run(&["export", "fin_ws", "--file", again]).ok();
    assert_eq!(text, std::fs::read_to_string(again).unwrap());

    // Changed in the manifest: updated; a member may name a role by name; undeclared
    // roles go with --prune only.
    let changed = text
        .replace(
            "capabilities = [\"develop\"]",
            "capabilities = [\"develop\", \"review\"]",
        )
        .replace(
            "roles = [\"role_project_dev\", \"base_role_1\"]",
            "roles = [\"dev\", \"Auditor\"]",
        )
        .replace(
            "  { name = \"builder\"",
            "  { name = \"tester\", rights = [\"datasource.test\"] },\n  { name = \"builder\"",
        );
    std::fs::write(file, &changed).unwrap();
    let plan = env.run(&["plan", "--file", file]);
    assert!(
        plan.stdout.contains("+ role fin_ws/tester"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("~ role fin_ws/builder"),
        "{}",
        plan.stdout
    );
    assert!(
        !plan.stdout.contains("member fin_ws/alice"),
        "{}",
        plan.stdout
    );
    env.run(&["apply", "--file", file]).ok();
    assert_eq!(
        env.json(&["role", "show", "builder", "-w", "fin_ws", "-o", "json"])["capabilities"],
        json!(["develop", "review deployments (standard mode)"])
    );
    // A role declared under another code: refused.
    std::fs::write(file, changed.replace("base_role_2", "base_role_9")).unwrap();
    env.refused(
        &["apply", "--file", file],
        6,
        "its code is base_role_2 and never changes",
    );
    // An unknown role for a member names the member.
    std::fs::write(file, text.replace("base_role_1\"]", "nosuch\"]")).unwrap();
    env.refused(
        &["plan", "--file", file],
        2,
        "member fin_ws/alice: unknown role 'nosuch'",
    );
}
