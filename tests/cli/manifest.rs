//! Declarative manifests: export, plan and apply (cli.md 8). The round trip through a new
//! catalog, one transaction for all or nothing, rights and rules as the single commands
//! check them, --prune, --dry-run, parse errors, mode changes, stdin and JSON.

use crate::harness::*;
use serde_json::{json, Value};

/// The secrets of the round-trip catalog, by the variable `export` names for them.
const SECRETS: [(&str, &str); 5] = [
    ("DWCTL_SECRET_FIN__WS_CH_PROD_PASSWORD", "ch-pw"),
    (
        "DWCTL_SECRET_FIN__WS_ORDERS_PROD_PASSWORD",
        "orders-prod-pw",
    ),
    ("DWCTL_SECRET_FIN__WS_ORDERS_DEV_PASSWORD", "orders-dev-pw"),
    ("DWCTL_SECRET_FIN__WS_LAKE_PROD_ACCESS_KEY", "lake-secret"),
    (
        "DWCTL_SECRET_FIN__WS_LAKE_PROD_EXTRA__DB__PASSWORD",
        "lake-db-pw",
    ),
];

/// A catalog with something of every kind, built with the single commands.
pub(crate) fn varied() -> Env {
    let mut env = Env::new().with_var("PW", "unused");
    for (k, v) in SECRETS {
        env = env.with_var(k, v);
    }
    let pw = |k: &str| format!("password=env:{k}");
    let ch_pw = pw(SECRETS[0].0);
    let orders_prod = pw(SECRETS[1].0);
    let orders_dev = pw(SECRETS[2].0);
    let lake_secret = format!("accessKeySecret=env:{}", SECRETS[3].0);
    let lake_db = format!("extra.db.password=env:{}", SECRETS[4].0);
    let steps: Vec<Vec<&str>> = vec![
        vec!["user", "add", "alice", "--display-name", "Alice Li 李"],
        vec!["user", "add", "bob"],
        vec!["user", "add", "etl_role", "--kind", "ram-role"],
        vec!["user", "add", "admin1", "--full-access"],
        vec!["user", "add", "carol", "--id", "1000000000000007"],
        vec![
            "resourcegroup",
            "create",
            "rg_etl",
            "--spec",
            "4",
            "--vpc",
            "vpc-abc123",
            "--vswitch",
            "vsw-def456",
            "--remark",
            "nightly ETL, \"main\"",
        ],
        vec![
            "resourcegroup",
            "create",
            "rg_year",
            "--payment",
            "prepaid",
            "--duration",
            "1",
            "--duration-unit",
            "year",
        ],
        vec![
            "resourcegroup",
            "create",
            "rg_sched",
            "--type",
            "scheduler",
            "--spec",
            "8",
        ],
        vec!["resourcegroup", "create", "rg_spare"],
        vec![
            "workspace",
            "create",
            "fin_ws",
            "--display-name",
            "Finance 财务",
            "--description",
            "Tax \"reports\"\nmonthly \\ yearly",
            "--tag",
            "team=fin",
            "--tag",
            "cost/center=a b",
            "--pai-tasks",
            "on",
        ],
        vec!["member", "add", "fin_ws", "alice", "--role", "dev,analyst"],
        vec!["member", "add", "fin_ws", "bob", "--role", "ops,guest"],
        vec!["member", "add", "fin_ws", "etl_role", "--role", "admin"],
        vec!["member", "add", "fin_ws", "carol", "--role", "security"],
        vec!["workspace", "update", "fin_ws", "--sod-policy", "enforce"],
        vec!["workspace", "create", "lab_ws", "--mode", "basic"],
        vec!["member", "add", "lab_ws", "bob", "--role", "guest,deploy"],
        vec![
            "compute",
            "attach",
            "lab_ws",
            "mc",
            "--type",
            "maxcompute",
            "--prop",
            "project=lab",
        ],
        // A second engine of the same type, made the default: the export says which.
        vec![
            "compute",
            "attach",
            "lab_ws",
            "mc_b",
            "--type",
            "maxcompute",
            "--prop",
            "project=lab_b",
        ],
        vec!["compute", "set-default", "lab_ws", "mc_b"],
        vec![
            "workspace",
            "create",
            "old_ws",
            "--sod-policy",
            "off",
            "--disable-dev-role",
        ],
        vec!["member", "add", "old_ws", "alice", "--role", "guest"],
        vec!["resourcegroup", "bind", "rg_sched", "old_ws"],
        vec![
            "datasource",
            "add",
            "old_ws",
            "cache",
            "--type",
            "redis",
            "--prop",
            "address=cache.example.com",
        ],
        vec!["workspace", "disable", "old_ws"],
        vec!["workspace", "create", "gone_ws"],
        vec!["workspace", "delete", "gone_ws", "--yes"],
        vec!["resourcegroup", "bind", "rg_etl", "fin_ws", "--default"],
        vec!["resourcegroup", "bind", "rg_year", "fin_ws"],
        vec![
            "compute",
            "attach",
            "fin_ws",
            "mc",
            "--type",
            "maxcompute",
            "--prop",
            "project=fin",
            "--description",
            "warehouse",
        ],
        vec![
            "compute",
            "attach",
            "fin_ws",
            "mc",
            "--env",
            "dev",
            "--type",
            "maxcompute",
            "--prop",
            "project=fin_dev",
        ],
        vec![
            "compute",
            "attach",
            "fin_ws",
            "ch",
            "--type",
            "clickhouse",
            "--prop",
            "instanceId=cc-1",
            "--prop",
            "username=ch",
            "--prop",
            &ch_pw,
        ],
        vec![
            "datasource",
            "add",
            "fin_ws",
            "orders",
            "--type",
            "mysql",
            "--prop",
            "address=10.0.0.5",
            "--prop",
            "database=orders",
            "--prop",
            "username=etl",
            "--prop",
            &orders_prod,
            "--prop",
            "driverVersion=5.1.49",
        ],
        vec![
            "datasource",
            "add",
            "fin_ws",
            "orders",
            "--env",
            "dev",
            "--type",
            "mysql",
            "--prop",
            "address=10.0.1.5",
            "--prop",
            "database=orders_dev",
            "--prop",
            "username=etl",
            "--prop",
            &orders_dev,
        ],
        vec![
            "datasource",
            "add",
            "fin_ws",
            "lake",
            "--type",
            "oss",
            "--prop",
            "endpoint=https://oss-cn-hangzhou.aliyuncs.com",
            "--prop",
            "bucket=lake",
            "--prop",
            "accessKeyId=AK1",
            "--prop",
            &lake_secret,
            "--prop",
            &lake_db,
            "--description",
            "the lake",
        ],
        vec![
            "datasource",
            "add",
            "fin_ws",
            "events",
            "--type",
            "kafka",
            "--prop",
            "address=k1:9092,k2",
        ],
        vec![
            "compute",
            "attach",
            "fin_ws",
            "spark",
            "--type",
            "emr_serverless_spark",
            "--prop",
            "workspaceId=w-1",
        ],
        vec![
            "compute",
            "detach",
            "fin_ws",
            "spark",
            "--keep-datasource",
            "--yes",
        ],
        vec![
            "datasource",
            "add",
            DEFAULT_WS,
            "scratch",
            "--type",
            "redis",
            "--prop",
            "address=scratch",
        ],
    ];
    for args in &steps {
        let r = env.run(args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }
    env
}

/// A fresh catalog of the same account, with the secrets in its environment.
fn target() -> Env {
    let mut env = Env::new();
    for (k, v) in SECRETS {
        env = env.with_var(k, v);
    }
    env
}

fn write(env: &Env, name: &str, text: &str) -> String {
    let p = env.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

fn export(env: &Env, file: &str) -> String {
    let p = env.path().join(file);
    env.run(&["export", "--all", "--file", p.to_str().unwrap()])
        .ok();
    std::fs::read_to_string(p).unwrap()
}

fn stored_secret(env: &Env, ws: &str, name: &str, e: &str, key: &str) -> Value {
    let text = env.query_text(&format!(
        "SELECT d.properties FROM datasource d JOIN workspace w ON w.id = d.workspace_id \
         WHERE w.name = {} AND d.name = {} AND d.env = {}",
        sql_text(ws),
        sql_text(name),
        sql_text(e)
    ));
    serde_json::from_str::<Value>(&text).unwrap()[key].clone()
}

#[test]
fn export_then_apply_into_a_new_catalog_reproduces_it_byte_for_byte() {
    let source = varied();
    let first = export(&source, "first.toml");
    // Exports of the same catalog are equal; stdout holds the same text.
    assert_eq!(export(&source, "again.toml"), first);
    assert_eq!(source.run(&["export", "--all"]).stdout, first);
    // What it holds: every kind, secrets as placeholders, no account, owners, recycle bin
    // or compute-created data sources.
    for needle in [
        "[[principal]]\nname = \"alice\"\nid = \"",
        "kind = \"ram-user\"\nfull_access = false\ndisplay_name = \"Alice Li 李\"\n",
        "[[principal]]\nname = \"carol\"\nid = \"1000000000000007\"\nkind = \"ram-user\"\n",
        "kind = \"ram-role\"\n",
        "kind = \"ram-user\"\nfull_access = true\n",
        "name = \"mc\"\ntype = \"maxcompute\"\nenv = \"prod\"\nmode = \"url\"\nproperties = { authType = \"Executor\", endpointMode = \"SelfAdaption\", project = \"lab\" }\ndefault = false\n",
        "name = \"mc_b\"\ntype = \"maxcompute\"\nenv = \"prod\"\nmode = \"url\"\nproperties = { authType = \"Executor\", endpointMode = \"SelfAdaption\", project = \"lab_b\" }\ndefault = true\n",
        "[[resource_group]]\nname = \"rg_etl\"\ntype = \"serverless\"\nspec = 4\npayment = \"postpaid\"\nvpc = \"vpc-abc123\"\nvswitch = \"vsw-def456\"\nremark = \"nightly ETL, \\\"main\\\"\"\n",
        "name = \"rg_year\"\ntype = \"serverless\"\nspec = 2\npayment = \"prepaid\"\nduration = 1\nduration_unit = \"year\"\n",
        "description = \"Tax \\\"reports\\\"\\nmonthly \\\\ yearly\"\n",
        "status = \"disabled\"\nsod_policy = \"off\"\ndev_role_disabled = true\n",
        "resource_groups = [\"rg_etl\", \"rg_year\"]\ndefault_resource_group = \"rg_etl\"\ntags = { \"cost/center\" = \"a b\", team = \"fin\" }\n",
        "password = { env = \"DWCTL_SECRET_FIN__WS_ORDERS_DEV_PASSWORD\" }",
        "roles = [\"role_project_pe\", \"role_project_guest\"]",
    ] {
        assert!(first.contains(needle), "{needle}\n---\n{first}");
    }
    for absent in [
        "name = \"root\"",
        "role_project_owner",
        "gone_ws",
        "orders-prod-pw",
        "origin",
    ] {
        assert!(!first.contains(absent), "{absent}\n---\n{first}");
    }
    // The compute resources' data sources are implied: mc and ch appear once per env.
    assert_eq!(first.matches("\nname = \"ch\"").count(), 1);
    assert_eq!(first.matches("\nname = \"mc\"").count(), 3);
    // The data source a detached compute left behind is an ordinary one.
    assert!(first.contains("[[workspace.datasource]]\nname = \"spark\""));

    // Applied to the catalog it came from, it changes nothing.
    let path = write(&source, "first.toml", &first);
    let v = source.json(&["apply", "--file", &path, "-o", "json"]);
    assert_eq!(
        (v["changed"].clone(), v["result"].clone()),
        (json!(false), json!([]))
    );
    // A new catalog of the same account: apply, then export again.
    let copy = target();
    let path = write(&copy, "first.toml", &first);
    let v = copy.json(&["apply", "--file", &path, "-o", "json"]);
    assert_eq!(
        (v["changed"].clone(), v["dry_run"].clone()),
        (json!(true), json!(false))
    );
    // One event per change.
    let changes = v["result"].as_array().unwrap().len();
    assert_eq!(copy.events().len(), 1 + changes);
    assert_eq!(export(&copy, "second.toml"), first);
    // The secrets came from the environment.
    assert_eq!(
        stored_secret(&copy, "fin_ws", "orders", "dev", "password"),
        "orders-dev-pw"
    );
    assert_eq!(
        stored_secret(&copy, "fin_ws", "lake", "prod", "extra.db.password"),
        "lake-db-pw"
    );
    assert_eq!(
        stored_secret(&copy, "fin_ws", "ch", "prod", "password"),
        "ch-pw"
    );
    // Everything else as in the source, e.g. members and bindings.
    for args in [
        &["member", "list", "fin_ws", "-o", "json"][..],
        &["workspace", "list", "-o", "json"],
        &["resourcegroup", "list", "-o", "json"],
        &["user", "list", "-o", "json"],
        &["compute", "list", "fin_ws", "-o", "json"],
        &["datasource", "list", "fin_ws", "-o", "json"],
    ] {
        // Ids are generated; compute resources list in creation order.
        let strip = |mut v: Value| {
            let items = v.as_array_mut().unwrap();
            for item in items.iter_mut() {
                item.as_object_mut().unwrap().remove("user_id");
                item.as_object_mut().unwrap().remove("id");
            }
            items.sort_by_key(|i| format!("{}/{}", i["name"], i["env"]));
            v
        };
        assert_eq!(strip(copy.json(args)), strip(source.json(args)), "{args:?}");
    }

    // A second apply changes nothing, and the plan says so.
    let events = copy.events().len();
    let rows = copy.rows();
    let v = copy.json(&["apply", "--file", &path, "-o", "json"]);
    assert_eq!(
        v,
        json!({"action": "apply", "changed": false, "dry_run": false, "result": [], "warnings": []})
    );
    let r = copy.run(&["apply", "--file", &path]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    assert_eq!(r.stderr, "No changes.\n");
    let r = copy.run(&["plan", "--file", &path, "--exit-code"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (0, "(none)\nPlan: No changes.\n")
    );
    assert_eq!((copy.events().len(), copy.rows()), (events, rows));

    // The same through JSON.
    let json_path = source.path().join("first.json");
    source
        .run(&["export", "--all", "--file", json_path.to_str().unwrap()])
        .ok();
    let json_text = std::fs::read_to_string(&json_path).unwrap();
    assert!(json_text.starts_with("{\n  \"version\": 1,"), "{json_text}");
    assert_eq!(
        source.run(&["export", "--all", "-o", "json"]).stdout,
        json_text
    );
    let third = target();
    let p = write(&third, "m.json", &json_text);
    third.run(&["apply", "--file", &p]).ok();
    assert_eq!(export(&third, "third.toml"), first);
}

#[test]
fn export_of_named_workspaces_takes_what_they_use() {
    let env = varied();
    let r = env.run(&["export", "lab_ws"]);
    r.ok();
    assert!(r
        .stdout
        .starts_with("version = 1\nregion = \"cn-hangzhou\"\n\n[[principal]]\nname = \"bob\"\n"));
    assert_eq!(r.stdout.matches("[[principal]]").count(), 1);
    assert_eq!(r.stdout.matches("[[resource_group]]").count(), 0);
    assert_eq!(r.stdout.matches("[[workspace]]").count(), 1);
    env.refused(
        &["export"],
        2,
        "name the workspaces to export, or pass --all",
    );
    env.refused(&["export", "nope_ws"], 3, "workspace nope_ws not found");
    let rows = env.rows();
    env.run(&["export", "gone_ws"]).fails(
        6,
        ": workspace gone_ws is in the recycle bin and cannot be exported",
    );
    assert_eq!(env.rows(), rows);
}

#[test]
fn a_refused_last_change_refuses_the_whole_apply() {
    let env = Env::new();
    for args in [
        &["workspace", "create", "fin_ws"][..],
        &["workspace", "create", "lab_ws", "--mode", "basic"],
        &["workspace", "create", "old_ws", "--disable-dev-role"],
        &["user", "add", "alice"],
    ] {
        env.run(args).ok();
    }
    let lead = r#"version = 1

[[principal]]
name = "bob"

[[resource_group]]
name = "rg_new"

[[workspace]]
name = "fin_ws"
tags = { team = "fin" }
resource_groups = ["rg_new"]

[[workspace.member]]
user = "alice"
roles = ["dev"]

[[workspace]]
name = "new_ws"
"#;
    for (last, message, hint) in [
        (
            "\n[[workspace]]\nname = \"lab_ws\"\n\n[[workspace.datasource]]\nname = \"x\"\ntype = \"redis\"\nenv = \"dev\"\nproperties = { address = \"c\" }\n",
            ": + datasource lab_ws/x (dev): lab_ws is in basic mode, which has no dev environment",
            "hint: use --env prod, or upgrade it: dwctl workspace upgrade lab_ws",
        ),
        (
            "\n[[workspace]]\nname = \"old_ws\"\n\n[[workspace.member]]\nuser = \"bob\"\nroles = [\"dev\"]\n",
            ": + member old_ws/bob: the Develop role is disabled in old_ws: role_project_dev cannot be granted",
            "",
        ),
        (
            "\n[[workspace]]\nname = \"lab_ws\"\ndev_role_disabled = true\n",
            ": ~ workspace lab_ws: cannot disable the development role of lab_ws: once enabled it stays enabled (the DataWorks API does not allow disabling it)",
            "hint: a workspace is created with the role disabled by dwctl workspace create NAME --disable-dev-role",
        ),
    ] {
        let path = write(&env, "m.toml", &format!("{lead}{last}"));
        for verb in ["plan", "apply"] {
            let rows = env.rows();
            let events = env.events().len();
            let r = env.run(&[verb, "--file", &path]);
            r.fails(6, message);
            assert!(r.stderr.contains(hint), "{}", r.stderr);
            assert_eq!(r.stdout, "");
            assert_eq!(env.rows(), rows, "{verb} changed the catalog");
            let after = env.events();
            if verb == "plan" {
                // A plan is a dry run: it writes no event.
                assert_eq!(after.len(), events);
                continue;
            }
            // One event, the apply's own: the changes before it left no trace.
            assert_eq!(after.len(), events + 1, "{after:?}");
            let e = after.last().unwrap();
            assert_eq!(e.key(), ("root", "apply", None, Some(path.as_str()), "refused"));
            // The apply's error: where in the file, then the change and why.
            let detail = e.details["error"].as_str().unwrap();
            assert!(
                detail.starts_with(path.as_str()) && detail.ends_with(message.strip_prefix(": ").unwrap()),
                "{detail}"
            );
        }
        // Under JSON, the error object.
        let r = env.run(&["apply", "--file", &path, "-o", "json"]);
        assert_eq!(r.json_error()["code"], "rule_violation");
    }
    env.refused(&["user", "show", "bob"], 3, "principal 'bob' not found");
    env.refused(
        &["workspace", "show", "new_ws"],
        3,
        "workspace new_ws not found",
    );
}

#[test]
fn an_actor_without_the_right_is_denied_and_nothing_changes() {
    let env = Env::new();
    for args in [
        &["workspace", "create", "fin_ws"][..],
        &["user", "add", "gus"],
        &["user", "add", "alice"],
        &["member", "add", "fin_ws", "gus", "--role", "guest"],
        &["member", "add", "fin_ws", "alice", "--role", "admin"],
    ] {
        env.run(args).ok();
    }
    let path = write(
        &env,
        "m.toml",
        "version = 1\n\n[[workspace]]\nname = \"fin_ws\"\ntags = { a = \"1\" }\n\n[[workspace.member]]\nuser = \"alice\"\nroles = [\"admin\", \"dev\"]\n",
    );
    let r = env.refused(
        &["--as", "gus", "apply", "--file", &path],
        5,
        ": ~ workspace fin_ws: gus may not change the settings of fin_ws",
    );
    assert!(r.stderr.contains("hint: this needs"), "{}", r.stderr);
    let e = env.last_event();
    assert_eq!(
        e.key(),
        ("gus", "apply", None, Some(path.as_str()), "denied")
    );
    // A plan checks the same rights, and writes no event.
    let events = env.events().len();
    let r = env.run(&["--as", "gus", "plan", "--file", &path]);
    r.fails(5, "gus may not change the settings of fin_ws");
    assert_eq!(env.events().len(), events);
    // The admin may; the account too.
    let v = env.json(&["--as", "alice", "apply", "--file", &path, "-o", "json"]);
    assert_eq!(v["result"].as_array().unwrap().len(), 2);
    assert!(env
        .events()
        .iter()
        .rev()
        .take(2)
        .all(|e| e.actor == "alice"));
    // Principals and resource groups need tenant rights.
    let path = write(
        &env,
        "p.toml",
        "version = 1\n\n[[principal]]\nname = \"zed\"\n",
    );
    env.refused(
        &["--as", "alice", "apply", "--file", &path],
        5,
        ": + principal zed: alice may not manage principals",
    );
}

/// A member is named by name in any case or by the principal's id; `--prune` removes the
/// others in `member list` order.
#[test]
fn members_match_by_name_in_any_case_or_by_id() {
    let env = Env::new();
    for args in [
        &["workspace", "create", "fin_ws"][..],
        &["user", "add", "alice"],
        &["user", "add", "bob"],
        &["user", "add", "dave"],
        &["user", "add", "Carol"],
        &["member", "add", "fin_ws", "alice", "--role", "dev"],
        &["member", "add", "fin_ws", "bob", "--role", "guest"],
        &["member", "add", "fin_ws", "dave", "--role", "guest"],
        &["member", "add", "fin_ws", "Carol", "--role", "guest"],
    ] {
        env.run(args).ok();
    }
    let bob = env.json(&["user", "show", "bob", "-o", "json"])["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = write(
        &env,
        "m.toml",
        &format!(
            "version = 1\n\n[[workspace]]\nname = \"fin_ws\"\n\n\
             [[workspace.member]]\nuser = \"ALICE\"\nroles = [\"dev\"]\n\n\
             [[workspace.member]]\nuser = \"{bob}\"\nroles = [\"guest\"]\n"
        ),
    );
    let r = env.run(&["plan", "--file", &path]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
    let r = env.run(&["plan", "--file", &path, "--prune"]);
    assert_eq!(
        r.stdout,
        " CHANGE\n - member fin_ws/Carol\n - member fin_ws/dave\n"
    );
    // A member that is no principal is named, with its place in the manifest.
    let path = write(
        &env,
        "n.toml",
        "version = 1\n\n[[workspace]]\nname = \"fin_ws\"\n\n\
         [[workspace.member]]\nuser = \"nobody\"\nroles = [\"dev\"]\n",
    );
    env.refused(
        &["apply", "--file", &path],
        3,
        "n.toml:6:1: + member fin_ws/nobody: principal 'nobody' not found",
    );
}

/// Members are applied in order, and each change is checked with the actor's roles as they
/// are at that point: an admin who demotes themselves cannot add the next member.
#[test]
fn an_actor_who_changes_their_own_roles_is_checked_with_the_new_ones() {
    let env = Env::new();
    for args in [
        &["workspace", "create", "fin_ws"][..],
        &["user", "add", "alice"],
        &["user", "add", "bob"],
        &["user", "add", "carol"],
        &["member", "add", "fin_ws", "alice", "--role", "admin"],
    ] {
        env.run(args).ok();
    }
    let member = |user: &str, role: &str| {
        format!("\n[[workspace.member]]\nuser = \"{user}\"\nroles = [\"{role}\"]\n")
    };
    let head = "version = 1\n\n[[workspace]]\nname = \"fin_ws\"\n";
    let demoted = write(
        &env,
        "demoted.toml",
        &format!(
            "{head}{}{}{}",
            member("bob", "dev"),
            member("alice", "guest"),
            member("carol", "dev")
        ),
    );
    // `refused` also checks that no row changed and that one `denied` event was written.
    env.refused(
        &["--as", "alice", "apply", "--file", &demoted],
        5,
        ": + member fin_ws/carol: alice may not add members to fin_ws",
    );
    // In the other order every change is made while alice is still an admin.
    let last = write(
        &env,
        "last.toml",
        &format!(
            "{head}{}{}{}",
            member("bob", "dev"),
            member("carol", "dev"),
            member("alice", "guest")
        ),
    );
    let v = env.json(&["--as", "alice", "apply", "--file", &last, "-o", "json"]);
    assert_eq!(v["result"].as_array().unwrap().len(), 3);
    let roles = env.json(&["member", "show", "fin_ws", "alice", "-o", "json"]);
    assert_eq!(
        roles["roles"],
        serde_json::json!(["role_project_guest"]),
        "{roles}"
    );
}

#[test]
fn plan_prints_each_change_and_exit_code_9_when_there_are_some() {
    let env = Env::new();
    for args in [
        &["workspace", "create", "fin_ws", "--tag", "old=1"][..],
        &["user", "add", "alice"],
        &["member", "add", "fin_ws", "alice", "--role", "dev"],
        &["resourcegroup", "create", "rg_etl"],
        &["resourcegroup", "bind", "rg_etl", "fin_ws"],
        &[
            "compute",
            "attach",
            "fin_ws",
            "mc",
            "--type",
            "maxcompute",
            "--prop",
            "project=a",
        ],
    ] {
        env.run(args).ok();
    }
    let path = write(
        &env,
        "m.toml",
        r#"version = 1

[[principal]]
name = "bob"

[[resource_group]]
name = "rg_etl"
spec = 4

[[workspace]]
name = "fin_ws"
description = "new"
resource_groups = ["rg_etl"]

[[workspace.member]]
user = "alice"
roles = ["dev", "analyst"]

[[workspace.member]]
user = "bob"
roles = ["guest"]

[[workspace.compute]]
name = "mc"
type = "maxcompute"
env = "prod"
properties = { project = "b" }
"#,
    );
    let rows = env.rows();
    let events = env.events().len();
    let change = |op: &str,
                  kind: &str,
                  ws: Option<&str>,
                  name: &str,
                  e: Option<&str>,
                  fields: &[&str]| {
        let sign = match op {
            "create" => "+",
            "update" => "~",
            _ => "-",
        };
        let mut line = format!(
            "{sign} {kind} {}{name}",
            ws.map(|w| format!("{w}/")).unwrap_or_default()
        );
        if let Some(e) = e {
            line.push_str(&format!(" ({e})"));
        }
        if !fields.is_empty() {
            line.push_str(&format!(": {}", fields.join(", ")));
        }
        json!({"change": line, "op": op, "kind": kind, "workspace": ws, "name": name, "env": e, "fields": fields})
    };
    let want = json!([
        change("create", "principal", None, "bob", None, &[]),
        change("update", "resource_group", None, "rg_etl", None, &["spec"]),
        change(
            "update",
            "workspace",
            None,
            "fin_ws",
            None,
            &["description"]
        ),
        change(
            "update",
            "member",
            Some("fin_ws"),
            "alice",
            None,
            &["roles"]
        ),
        change("create", "member", Some("fin_ws"), "bob", None, &[]),
        change(
            "update",
            "compute",
            Some("fin_ws"),
            "mc",
            Some("prod"),
            &["properties"]
        ),
    ]);
    let r = env.run(&["plan", "--file", &path, "-o", "json"]);
    r.ok();
    assert_eq!(r.json(), want);
    assert_eq!(r.stderr, "");
    let r = env.run(&["plan", "--file", &path]);
    r.ok();
    assert_eq!(
        r.stdout,
        " CHANGE\n \
         + principal bob\n \
         ~ resource_group rg_etl: spec\n \
         ~ workspace fin_ws: description\n \
         ~ member fin_ws/alice: roles\n \
         + member fin_ws/bob\n \
         ~ compute fin_ws/mc (prod): properties\n"
    );
    assert_eq!(r.stderr, "Plan: 2 to create, 4 to update, 0 to delete.\n");
    // --exit-code: changes are the expected answer, not an error. A status line says how
    // many (none under JSON, and no error object either), and the exit is 9.
    let r = env.run(&["plan", "--file", &path, "--exit-code"]);
    r.negative(
        "",
        " CHANGE\n \
         + principal bob\n \
         ~ resource_group rg_etl: spec\n \
         ~ workspace fin_ws: description\n \
         ~ member fin_ws/alice: roles\n \
         + member fin_ws/bob\n \
         ~ compute fin_ws/mc (prod): properties\n",
    );
    assert_eq!(
        r.stderr,
        format!(
            "Plan: 2 to create, 4 to update, 0 to delete.\n\
             6 changes to apply (dwctl apply --file {path}).\n"
        )
    );
    let r = env.run(&["plan", "--file", &path, "--exit-code", "-q"]);
    assert_eq!((r.code, r.stderr.as_str()), (9, ""));
    let r = env.run(&["plan", "--file", &path, "--exit-code", "-o", "jsonl"]);
    assert_eq!(r.code, 9);
    let lines: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(serde_json::Value::from(lines), want);
    assert_eq!(r.stderr, "");
    // One change is "1 change".
    let one = write(
        &env,
        "one.toml",
        "version = 1\n\n[[principal]]\nname = \"bob\"\n",
    );
    let r = env.run(&["plan", "--file", &one, "--exit-code"]);
    r.negative("", " CHANGE\n + principal bob\n");
    assert_eq!(
        r.stderr,
        format!(
            "Plan: 1 to create, 0 to update, 0 to delete.\n\
             1 change to apply (dwctl apply --file {one}).\n"
        )
    );
    // CSV: one row per change.
    let r = env.run(&["plan", "--file", &path, "-o", "csv"]);
    assert_eq!(
        r.stdout.lines().next().unwrap(),
        "change,op,kind,workspace,name,env,fields"
    );
    assert_eq!(r.stdout.lines().count(), 7);
    // The plan wrote nothing; apply --dry-run neither, and says the same.
    assert_eq!((env.rows(), env.events().len()), (rows.clone(), events));
    // apply --dry-run prints what plan prints: the table, CSV, then its own status line.
    let table = env.run(&["plan", "--file", &path]).stdout;
    let r = env.run(&["apply", "--file", &path, "--dry-run"]);
    assert_eq!(r.stdout, table);
    assert_eq!(
        r.stderr,
        "Dry run (nothing written): 2 to create, 4 to update, 0 to delete.\n"
    );
    let r = env.run(&["apply", "--file", &path, "--dry-run", "-o", "csv"]);
    assert_eq!(
        r.stdout,
        env.run(&["plan", "--file", &path, "-o", "csv"]).stdout
    );
    let v = env.json(&["apply", "--file", &path, "--dry-run", "-o", "json"]);
    assert_eq!(
        (
            v["dry_run"].clone(),
            v["changed"].clone(),
            v["result"].clone()
        ),
        (json!(true), json!(true), want.clone())
    );
    assert_eq!((env.rows(), env.events().len()), (rows, events));
    // apply does it, one event per change, in the plan's order.
    let v = env.json(&["apply", "--file", &path, "-o", "json"]);
    assert_eq!(v["result"], want);
    let actions: Vec<String> = env.events()[events..]
        .iter()
        .map(|e| e.action.clone())
        .collect();
    assert_eq!(
        actions,
        [
            "user.add",
            "resourcegroup.update",
            "workspace.update",
            "member.role",
            "member.add",
            "compute.update"
        ]
    );
    // Without --prune the old tag stays: tags merge.
    assert_eq!(
        env.json(&["workspace", "show", "fin_ws", "-o", "json"])["tags"],
        json!({"old": "1"})
    );
    env.run(&["plan", "--file", &path, "--exit-code"]).ok();
}

#[test]
fn prune_removes_what_the_listed_workspaces_do_not_mention_and_asks_first() {
    let env = Env::new();
    for args in [
        &[
            "workspace",
            "create",
            "fin_ws",
            "--tag",
            "team=fin",
            "--tag",
            "old=1",
        ][..],
        &["workspace", "create", "ops_ws", "--tag", "keep=1"],
        &["user", "add", "alice"],
        &["user", "add", "bob"],
        &["member", "add", "fin_ws", "alice", "--role", "dev"],
        &["member", "add", "fin_ws", "bob", "--role", "ops"],
        &["member", "add", "ops_ws", "bob", "--role", "ops"],
        &["resourcegroup", "create", "rg_a"],
        &["resourcegroup", "create", "rg_b"],
        &["resourcegroup", "bind", "rg_a", "fin_ws"],
        &["resourcegroup", "bind", "rg_b", "fin_ws", "--default"],
        &["resourcegroup", "bind", "rg_b", "ops_ws"],
        &[
            "compute",
            "attach",
            "fin_ws",
            "mc",
            "--type",
            "maxcompute",
            "--prop",
            "project=a",
        ],
        &[
            "compute",
            "attach",
            "fin_ws",
            "mc",
            "--env",
            "dev",
            "--type",
            "maxcompute",
            "--prop",
            "project=a_dev",
        ],
        &[
            "datasource",
            "add",
            "fin_ws",
            "cache",
            "--type",
            "redis",
            "--prop",
            "address=c",
        ],
        &[
            "datasource",
            "add",
            "fin_ws",
            "kv",
            "--type",
            "redis",
            "--prop",
            "address=kv",
        ],
        &[
            "datasource",
            "add",
            "ops_ws",
            "cache",
            "--type",
            "redis",
            "--prop",
            "address=c",
        ],
    ] {
        env.run(args).ok();
    }
    let path = write(
        &env,
        "m.toml",
        r#"version = 1

[[workspace]]
name = "fin_ws"
resource_groups = ["rg_a"]
tags = { team = "fin" }

[[workspace.member]]
user = "alice"
roles = ["dev"]

[[workspace.compute]]
name = "mc"
type = "maxcompute"
env = "prod"

[[workspace.datasource]]
name = "kv"
type = "redis"
env = "prod"
"#,
    );
    let deletes = json!([
        {"change": "~ workspace fin_ws: tags", "op": "update", "kind": "workspace", "workspace": null, "name": "fin_ws", "env": null, "fields": ["tags"]},
        {"change": "- binding fin_ws/rg_b", "op": "delete", "kind": "binding", "workspace": "fin_ws", "name": "rg_b", "env": null, "fields": []},
        {"change": "- member fin_ws/bob", "op": "delete", "kind": "member", "workspace": "fin_ws", "name": "bob", "env": null, "fields": []},
        {"change": "- compute fin_ws/mc (dev)", "op": "delete", "kind": "compute", "workspace": "fin_ws", "name": "mc", "env": "dev", "fields": []},
        {"change": "- datasource fin_ws/cache (prod)", "op": "delete", "kind": "datasource", "workspace": "fin_ws", "name": "cache", "env": "prod", "fields": []},
    ]);
    // Without --prune: nothing to do (tags merge, nothing is removed).
    let r = env.run(&["plan", "--file", &path, "-o", "json"]);
    assert_eq!(r.json(), json!([]));
    let r = env.run(&["plan", "--file", &path, "--prune", "-o", "json"]);
    assert_eq!(r.json(), deletes);
    // apply --prune asks first: without a terminal, exit 8 and nothing changed.
    let r = env.refused(
        &["apply", "--file", &path, "--prune"],
        8,
        "error: confirmation needed: Apply 5 changes, deleting:\n  - binding fin_ws/rg_b\n  - member fin_ws/bob\n  - compute fin_ws/mc (dev)\n  - datasource fin_ws/cache (prod)\nContinue?",
    );
    assert!(r.stderr.contains("hint: pass --yes"), "{}", r.stderr);
    // --dry-run does not ask, and writes nothing.
    let rows = env.rows();
    let events = env.events().len();
    let v = env.json(&[
        "apply",
        "--file",
        &path,
        "--prune",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(v["result"], deletes);
    assert_eq!((env.rows(), env.events().len()), (rows, events));
    // --yes: done, one event per change.
    let v = env.json(&["apply", "--file", &path, "--prune", "--yes", "-o", "json"]);
    assert_eq!(v["result"], deletes);
    assert_eq!(env.events().len(), events + 5);
    let w = env.json(&["workspace", "show", "fin_ws", "-o", "json"]);
    assert_eq!(
        (
            w["tags"].clone(),
            w["resource_groups"].clone(),
            w["default_resource_group"].clone()
        ),
        (json!({"team": "fin"}), json!(["rg_a"]), Value::Null)
    );
    let members: Vec<Value> = env
        .json(&["member", "list", "fin_ws", "-o", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user"].clone())
        .collect();
    assert_eq!(members, [json!("root"), json!("alice")]);
    let sources: Vec<(Value, Value)> = env
        .json(&["datasource", "list", "fin_ws", "-o", "json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["name"].clone(), d["env"].clone()))
        .collect();
    assert_eq!(
        sources,
        [(json!("kv"), json!("prod")), (json!("mc"), json!("prod"))]
    );
    // Workspaces not listed, principals and groups stay.
    assert_eq!(
        env.json(&["workspace", "show", "ops_ws", "-o", "json"])["resource_groups"],
        json!(["rg_b"])
    );
    assert_eq!(
        env.json(&["datasource", "list", "ops_ws", "-o", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    env.run(&["user", "show", "bob"]).ok();
    env.run(&["resourcegroup", "show", "rg_b"]).ok();
    // Nothing left to prune.
    env.run(&["plan", "--file", &path, "--prune", "--exit-code"])
        .ok();
    // A prune with nothing to delete does not ask.
    let r = env.run(&["apply", "--file", &path, "--prune"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn manifest_errors_name_the_file_line_and_column() {
    let env = Env::new();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    for (name, text, msg) in [
        (
            "unknown.toml",
            "version = 1\n\n[[workspace]]\nname = \"fin_ws\"\ncolour = \"blue\"\n",
            "unknown.toml:5:1: unknown field `colour`, expected one of `name`,",
        ),
        (
            "type.toml",
            "version = 1\n[[workspace]]\nname = 5\n",
            "type.toml:3:8: invalid type: integer `5`, expected a string",
        ),
        (
            "noversion.toml",
            "[[workspace]]\nname = \"fin_ws\"\n",
            "noversion.toml:1:1: missing `version`, expected `version = 1`",
        ),
        (
            "syntax.toml",
            "version = 1\n[[workspace]\nname = \"x\"\n",
            "syntax.toml:2:",
        ),
        (
            "dup.toml",
            "version = 1\n[[workspace]]\nname = \"fin_ws\"\n[[workspace.member]]\nuser = \"alice\"\nroles = [\"dev\"]\n[[workspace.member]]\nuser = \"ALICE\"\nroles = [\"ops\"]\n",
            "dup.toml:8:8: duplicate member `ALICE` in workspace `fin_ws` (first at 5:8)",
        ),
        (
            "comma.json",
            "{\"version\": 1, \"workspace\": [{\"name\": \"fin_ws\",}]}",
            "comma.json:1:48: trailing comma",
        ),
        (
            "unknown.json",
            "{\n  \"version\": 1,\n  \"workspace\": [{\"name\": \"fin_ws\", \"colour\": 1}]\n}\n",
            "unknown.json:3:36: unknown field `colour`",
        ),
        (
            "version.toml",
            "version = 2\n",
            "version.toml:1:11:",
        ),
    ] {
        let path = write(&env, name, text);
        for verb in ["plan", "apply"] {
            let r = env.refused(&[verb, "--file", &path], 2, &format!("error: {}", msg.replace(name, &path)));
            assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        }
    }
    // Checks after parsing name the object and what was wrong.
    for (text, msg) in [
        (
            "version = 1\n[[workspace]]\nname = \"fin_ws\"\n[[workspace.member]]\nuser = \"root\"\nroles = [\"nope\"]\n",
            ": member fin_ws/root: unknown role 'nope'",
        ),
        (
            "version = 1\n[[workspace]]\nname = \"fin_ws\"\n[[workspace.member]]\nuser = \"alice\"\nroles = [\"owner\"]\n",
            "role_project_owner is the account's, implied in every workspace; do not list it",
        ),
        (
            "version = 1\n[[workspace]]\nname = \"x\"\n",
            ": workspace x: invalid workspace name 'x'",
        ),
        (
            "version = 1\n[[principal]]\nname = \"root\"\n",
            ": principal root: the account principal is implied; do not list it",
        ),
        (
            "version = 1\n[[workspace]]\nname = \"fin_ws\"\n[[workspace.datasource]]\nname = \"r\"\ntype = \"redis\"\nenv = \"prod\"\nproperties = { address = \"c\", database = \"16\" }\n",
            "redis (url mode): invalid `database` value",
        ),
        (
            "version = 1\n[[resource_group]]\nname = \"rg_x\"\npayment = \"prepaid\"\nduration = 2\n",
            ": resource group rg_x: duration needs duration_unit (month or year)",
        ),
        (
            "version = 1\n[[workspace]]\nname = \"fin_ws\"\nstatus = \"deleted\"\n",
            ": workspace fin_ws: status is available or disabled",
        ),
    ] {
        let path = write(&env, "m.toml", text);
        env.refused(&["apply", "--file", &path], 2, msg);
    }
    env.refused(
        &["apply", "--file", "/nonexistent/m.toml"],
        2,
        "error: cannot read manifest '/nonexistent/m.toml'",
    );
    env.refused(&["apply"], 2, "--file <PATH>");
}

#[test]
fn mode_goes_from_basic_to_standard_only_by_the_account() {
    let env = Env::new();
    for args in [
        &["workspace", "create", "lab_ws", "--mode", "basic"][..],
        &["workspace", "create", "fin_ws"],
        &["user", "add", "fa", "--full-access"],
        &[
            "compute",
            "attach",
            "lab_ws",
            "mc",
            "--type",
            "maxcompute",
            "--prop",
            "project=sales",
        ],
    ] {
        env.run(args).ok();
    }
    let down = write(
        &env,
        "down.toml",
        "version = 1\n[[workspace]]\nname = \"fin_ws\"\nmode = \"basic\"\n",
    );
    env.refused(
        &["apply", "--file", &down],
        6,
        ": ~ workspace fin_ws: a standard-mode workspace cannot go back to basic mode",
    );
    let up = write(
        &env,
        "up.toml",
        "version = 1\n[[workspace]]\nname = \"lab_ws\"\nmode = \"standard\"\n\n[[workspace.compute]]\nname = \"mc\"\ntype = \"maxcompute\"\nenv = \"dev\"\nproperties = { project = \"sales_test\" }\n",
    );
    let r = env.refused(
        &["--as", "fa", "apply", "--file", &up],
        5,
        ": ~ workspace lab_ws: fa may not upgrade workspaces",
    );
    assert!(r
        .stderr
        .contains("hint: only the account (root) may do this"));
    assert_eq!(
        env.last_event().key(),
        ("fa", "apply", None, Some(up.as_str()), "denied")
    );
    // The account upgrades (confirmed, as it cannot be undone): the copies, then the
    // manifest's own dev settings.
    let events = env.events().len();
    let v = env.json(&["apply", "--file", &up, "--yes", "-o", "json"]);
    assert_eq!(
        without_change(&v["result"]),
        json!([
            {"op": "update", "kind": "workspace", "workspace": null, "name": "lab_ws", "env": null, "fields": ["mode"]},
            {"op": "update", "kind": "compute", "workspace": "lab_ws", "name": "mc", "env": "dev", "fields": ["properties"]},
        ])
    );
    let actions: Vec<String> = env.events()[events..]
        .iter()
        .map(|e| e.action.clone())
        .collect();
    assert_eq!(actions, ["workspace.upgrade", "compute.update"]);
    assert_eq!(
        env.json(&["workspace", "show", "lab_ws", "-o", "json"])["mode"],
        "standard"
    );
    assert_eq!(
        env.json(&["compute", "show", "lab_ws", "mc", "--env", "dev", "-o", "json"])["properties"]
            ["project"],
        "sales_test"
    );
}

/// Compute resources and data sources keep their type and mode (the refusal names the
/// way out for each), and `default = true` moves a compute resource's default.
#[test]
fn objects_keep_type_and_mode_and_default_moves() {
    let env = Env::new();
    for args in [
        &["workspace", "create", "fin_ws"][..],
        &[
            "compute",
            "attach",
            "fin_ws",
            "mc_a",
            "--type",
            "maxcompute",
            "--prop",
            "project=a",
        ],
        &[
            "compute",
            "attach",
            "fin_ws",
            "mc_b",
            "--type",
            "maxcompute",
            "--prop",
            "project=b",
        ],
        &[
            "datasource",
            "add",
            "fin_ws",
            "kq",
            "--type",
            "kafka",
            "--mode",
            "url",
            "--prop",
            "address=k.example:9092",
        ],
    ] {
        env.run(args).ok();
    }
    let head = "version = 1\n\n[[workspace]]\nname = \"fin_ws\"\n";
    let compute = |name: &str, type_: &str, extra: &str| {
        format!("\n[[workspace.compute]]\nname = \"{name}\"\ntype = \"{type_}\"\nenv = \"prod\"\n{extra}")
    };
    let path = write(
        &env,
        "t.toml",
        &format!("{head}{}", compute("mc_a", "hologres", "")),
    );
    let r = env.refused(
        &["apply", "--file", &path],
        6,
        "t.toml:6:1: ~ compute fin_ws/mc_a (prod): its type and mode never change",
    );
    assert!(
        r.stderr.contains("hint: detach it and attach a new one"),
        "{}",
        r.stderr
    );
    let path = write(
        &env,
        "m.toml",
        &format!(
            "{head}\n[[workspace.datasource]]\nname = \"kq\"\ntype = \"kafka\"\nenv = \"prod\"\nmode = \"instance\"\n"
        ),
    );
    let r = env.refused(
        &["apply", "--file", &path],
        6,
        "m.toml:6:1: ~ datasource fin_ws/kq (prod): its type and mode never change",
    );
    assert!(
        r.stderr.contains("hint: remove it and add a new one"),
        "{}",
        r.stderr
    );
    // mc_a, attached first, is the default; the manifest moves it to mc_b.
    let path = write(
        &env,
        "d.toml",
        &format!(
            "{head}{}{}",
            compute("mc_a", "maxcompute", "default = false\n"),
            compute("mc_b", "maxcompute", "default = true\n")
        ),
    );
    let v = env.json(&["apply", "--file", &path, "-o", "json"]);
    let changes: Vec<&str> = v["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["change"].as_str().unwrap())
        .collect();
    assert_eq!(changes, ["~ compute fin_ws/mc_b (prod): default"]);
    let r = env.run(&["plan", "--file", &path]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
}

#[test]
fn a_name_in_the_recycle_bin_is_a_conflict() {
    let env = Env::new();
    env.run(&["workspace", "create", "gone_ws"]).ok();
    env.run(&["workspace", "delete", "gone_ws", "--yes"]).ok();
    let path = write(
        &env,
        "m.toml",
        "version = 1\n[[principal]]\nname = \"alice\"\n[[workspace]]\nname = \"GONE_WS\"\n",
    );
    for verb in ["plan", "apply"] {
        let r = env.refused(
            &[verb, "--file", &path],
            4,
            ": + workspace GONE_WS: the name is held by a deleted workspace until 2026-12-12T10:00:00.000Z",
        );
        assert!(r.stderr.contains("hint: restore it (dwctl workspace restore gone_ws) or purge it (dwctl workspace purge gone_ws)"), "{}", r.stderr);
    }
    env.refused(&["user", "show", "alice"], 3, "principal 'alice' not found");
}

#[test]
fn stdin_and_json_manifests() {
    let env = Env::new();
    let toml = "version = 1\n\n[[principal]]\nname = \"alice\"\n\n[[workspace]]\nname = \"fin_ws\"\n\n[[workspace.member]]\nuser = \"alice\"\nroles = [\"analyst\"]\n";
    let r = env.run_stdin(&["plan", "--file", "-", "-o", "json"], toml);
    r.ok();
    assert_eq!(r.json().as_array().unwrap().len(), 3);
    let r = env.run_stdin(&["apply", "--file", "-", "-o", "json"], toml);
    r.ok();
    assert_eq!(r.json()["result"].as_array().unwrap().len(), 3);
    let r = env.run_stdin(&["apply", "--file", "-", "-o", "json"], toml);
    assert_eq!(r.json()["changed"], false);
    // A refusal from stdin names <stdin> in its event.
    let r = env.run_stdin(
        &["apply", "--file", "-"],
        "version = 1\n[[workspace]]\nname = \"fin_ws\"\nmode = \"basic\"\n",
    );
    r.fails(6, "cannot go back to basic mode");
    assert_eq!(env.last_event().target.as_deref(), Some("<stdin>"));
    // Parse errors on stdin name <stdin>.
    let r = env.run_stdin(&["apply", "--file", "-"], "version = 1\nbogus = 1\n");
    r.fails(2, "error: <stdin>:2:1: unknown field `bogus`");
    // JSON, by the file's extension.
    let path = write(
        &env,
        "m.json",
        r#"{"version": 1, "workspace": [{"name": "fin_ws", "tags": {"team": "fin"},
            "member": [{"user": "alice", "roles": ["analyst", "guest"]}]}]}"#,
    );
    let v = env.json(&["apply", "--file", &path, "-o", "json"]);
    assert_eq!(
        without_change(&v["result"]),
        json!([
            {"op": "update", "kind": "workspace", "workspace": null, "name": "fin_ws", "env": null, "fields": ["tags"]},
            {"op": "update", "kind": "member", "workspace": "fin_ws", "name": "alice", "env": null, "fields": ["roles"]},
        ])
    );
    // A JSON list where a table belongs is refused, not read by position.
    let path = write(
        &env,
        "list.json",
        r#"{"version": 1, "workspace": [["fin_ws"]]}"#,
    );
    env.refused(
        &["apply", "--file", &path],
        2,
        "invalid type: sequence, expected",
    );
}

/// A plan's changes without their one-line `change` (checked in the plan test).
fn without_change(v: &serde_json::Value) -> serde_json::Value {
    let mut v = v.clone();
    for c in v.as_array_mut().into_iter().flatten() {
        c.as_object_mut().map(|o| o.remove("change"));
    }
    v
}

/// Issue 11: a manifest exported from a cn-shanghai catalog changed region silently when
/// applied to a cn-hangzhou one. Export writes the catalog's region; plan and apply refuse
/// (exit 6, one `refused` event, nothing changed) a manifest of another region; a manifest
/// that says no region (older exports, hand-written ones) applies anywhere.
#[test]
fn a_manifest_keeps_its_region() {
    let shanghai = Env::empty().with_var("PG_PW", "pg-pw");
    shanghai
        .run(&["init", "--account-id", ACCOUNT, "--region", "cn-shanghai"])
        .ok();
    shanghai.run(&["workspace", "create", "fin_ws"]).ok();
    shanghai
        .run(&[
            "datasource",
            "add",
            "fin_ws",
            "pg",
            "--type",
            "postgresql",
            "--prop",
            "address=db:5432",
            "--prop",
            "database=d",
            "--prop",
            "username=u",
            "--prop",
            "password=env:PG_PW",
        ])
        .ok();
    let text = export(&shanghai, "sh.toml");
    assert!(
        text.starts_with("version = 1\nregion = \"cn-shanghai\"\n\n"),
        "{text}"
    );
    let json_text = shanghai.run(&["export", "--all", "-o", "json"]).stdout;
    assert!(
        json_text.starts_with("{\n  \"version\": 1,\n  \"region\": \"cn-shanghai\",\n"),
        "{json_text}"
    );

    let var = "DWCTL_SECRET_FIN__WS_PG_PROD_PASSWORD";
    assert!(text.contains(var), "{text}");
    let hangzhou = Env::new().with_var(var, "pg-pw");
    let toml = write(&hangzhou, "sh.toml", &text);
    let json = write(&hangzhou, "sh.json", &json_text);
    let msg = "the manifest is for region cn-shanghai, and this catalog is in cn-hangzhou";
    for (verb, file) in [
        ("plan", &toml),
        ("apply", &toml),
        ("apply", &json),
        ("plan", &json),
    ] {
        let args = [verb, "--file", file.as_str()];
        let r = if verb == "apply" {
            hangzhou.refused_event(&args, 6, msg, ("apply", None, Some(file.as_str())))
        } else {
            // plan, a dry run, writes no event.
            let (rows, audit) = (hangzhou.rows(), hangzhou.audit());
            let r = hangzhou.run(&args);
            r.fails(6, msg);
            assert_eq!((rows, audit), (hangzhou.rows(), hangzhou.audit()));
            r
        };
        assert!(r.stdout.is_empty(), "{}", r.stdout);
        assert!(
            r.stderr.contains(&format!(
                "error: {file}:{}:",
                if file.ends_with(".json") { 3 } else { 2 }
            )),
            "the message points at the region line: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("hint: apply it to a catalog of cn-shanghai; to move its objects to cn-hangzhou on purpose, change the manifest's region to cn-hangzhou (and check any regionId)\n"),
            "{}",
            r.stderr
        );
    }
    let r = hangzhou.run(&["apply", "--file", &toml, "--dry-run"]);
    r.fails(6, msg);

    // Into a catalog of the same region (any case): applied, and exported the same.
    let same = Env::empty().with_var(var, "pg-pw");
    same.run(&["init", "--account-id", ACCOUNT, "--region", "cn-shanghai"])
        .ok();
    let p = write(&same, "m.toml", &text.replace("cn-shanghai", "CN-Shanghai"));
    same.run(&["apply", "--file", &p]).ok();
    assert_eq!(export(&same, "again.toml"), text);

    // A region that is no region id (a typo, empty, a stray space) is bad input, exit 2
    // naming it at its line, before any refusal; no event, nothing changed.
    for bad in ["Mars", "", "cn-hangzhou ", " cn-shanghai", "cn_shanghai"] {
        let p = write(
            &hangzhou,
            "bad-region.toml",
            &text.replace("region = \"cn-shanghai\"", &format!("region = \"{bad}\"")),
        );
        for verb in ["plan", "apply"] {
            let r = hangzhou.refused(&[verb, "--file", &p], 2, "invalid region");
            assert!(
                r.stderr.contains(&format!("error: {p}:2:")),
                "the message points at the region line: {}",
                r.stderr
            );
            assert!(!r.stderr.contains("is for region"), "{}", r.stderr);
        }
    }

    // Without a region, a manifest applies anywhere; an explicit region moves it on purpose.
    let anywhere = text.replace("region = \"cn-shanghai\"\n", "");
    let p = write(&hangzhou, "anywhere.toml", &anywhere);
    hangzhou.run(&["plan", "--file", &p]).ok();
    let moved = text.replace("cn-shanghai", "cn-hangzhou");
    let p = write(&hangzhou, "moved.toml", &moved);
    hangzhou.run(&["apply", "--file", &p]).ok();
    assert_eq!(export(&hangzhou, "moved-export.toml"), moved);

    // Without a region, an instance's explicit regionId that is not the catalog's is
    // refused as `datasource add` refuses it (exit 2, naming the declaration).
    let p = write(
        &hangzhou,
        "region-id.toml",
        "version = 1\n[[workspace]]\nname = \"fin_ws\"\n[[workspace.datasource]]\nname = \"h\"\ntype = \"hologres\"\nenv = \"prod\"\nmode = \"instance\"\nproperties = { instanceId = \"hgpre-1\", database = \"d\", regionId = \"cn-shanghai\" }\n",
    );
    hangzhou.refused(
        &["apply", "--file", &p],
        2,
        ":4:1: + datasource fin_ws/h (prod): hologres (instance mode): regionId `cn-shanghai` is not the catalog's region `cn-hangzhou`",
    );
}

/// `apply --prune` that would remove the acting admin's own membership is refused before
/// any change (exit 6, one `refused` event, nothing changed), with a hint; before, it failed
/// half-way with "workspace not found". A tenant administrator keeps seeing the workspace,
/// so its own membership is pruned like any other.
#[test]
fn prune_never_removes_the_actors_own_membership() {
    let env = Env::new();
    for args in [
        &["workspace", "create", "fin_ws"][..],
        &["user", "add", "alice"],
        &["user", "add", "bob"],
        &["user", "add", "carol"],
        &["user", "add", "fa", "--full-access"],
        &["member", "add", "fin_ws", "alice", "--role", "admin"],
        &["member", "add", "fin_ws", "bob", "--role", "dev"],
        &["member", "add", "fin_ws", "carol", "--role", "dev"],
        &["member", "add", "fin_ws", "fa", "--role", "guest"],
        &[
            "compute",
            "attach",
            "fin_ws",
            "mc",
            "--type",
            "maxcompute",
            "--prop",
            "project=a",
        ],
    ] {
        env.run(args).ok();
    }
    let member =
        |user: &str| format!("\n[[workspace.member]]\nuser = \"{user}\"\nroles = [\"dev\"]\n");
    let head = "version = 1\n\n[[workspace]]\nname = \"fin_ws\"\n";
    // Without alice (and without carol, whose removal comes after alice's in name order).
    let without = write(
        &env,
        "without.toml",
        &format!("{head}{}{}", member("bob"), member("fa")),
    );
    let r = env.refused_event(
        &["--as", "alice", "apply", "--prune", "--file", &without],
        6,
        "without.toml:3:1: - member fin_ws/alice: --prune would remove the membership of alice, the actor, and with it alice's access to fin_ws",
        ("apply", None, Some(without.as_str())),
    );
    assert!(
        r.stderr.contains(
            "hint: list alice among the members of fin_ws in the manifest, or remove that membership on its own: dwctl member remove fin_ws alice"
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("not found"), "{}", r.stderr);
    // plan says the same, and writes nothing.
    let rows = env.rows();
    env.run(&["--as", "alice", "plan", "--prune", "--file", &without])
        .fails(6, "--prune would remove the membership of alice, the actor");
    assert_eq!(rows, env.rows());
    // Listed, alice prunes the others.
    let with = write(
        &env,
        "with.toml",
        &format!(
            "{head}{}{}",
            member("bob"),
            "\n[[workspace.member]]\nuser = \"alice\"\nroles = [\"admin\"]\n"
        ),
    );
    env.run(&[
        "--as", "alice", "apply", "--prune", "--yes", "--file", &with,
    ])
    .ok();
    let members = env.json(&["member", "list", "fin_ws", "-o", "json"]);
    let names: Vec<&str> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(
        !names.contains(&"carol") && !names.contains(&"fa"),
        "{names:?}"
    );
    // A tenant administrator's own membership goes like any other.
    env.run(&["member", "add", "fin_ws", "fa", "--role", "guest"])
        .ok();
    env.run(&["--as", "fa", "apply", "--prune", "--yes", "--file", &with])
        .ok();
    env.refused(
        &["member", "show", "fin_ws", "fa"],
        3,
        "fa is not a member of fin_ws",
    );
}

#[test]
fn a_parser_error_repeats_a_long_key_or_value_only_as_an_excerpt() {
    // The parsers (toml, serde_json) quote the unknown key or the bad value whole; dwctl
    // cuts what they quote, as it cuts every piece of input in a message.
    let env = target();
    let rows = env.rows();
    let long = "k".repeat(100_000);
    for (name, text) in [
        ("long.toml", format!("version = 1\n{long} = 1\n")),
        ("long.json", format!("{{\"version\": 1, \"{long}\": 1}}")),
        (
            "type.toml",
            format!(
                "version = 1\n[[workspace]]\nname = \"fin_ws\"\ndev_role_disabled = \"{long}\"\n"
            ),
        ),
    ] {
        let file = write(&env, name, &text);
        for cmd in ["plan", "apply"] {
            let r = env.run(&[cmd, "--file", &file, "--yes"]);
            r.fails(2, &format!("{}…", "k".repeat(64)));
            assert!(!r.stderr.contains(&"k".repeat(65)), "{name}: {}", r.stderr);
            assert!(r.stderr.len() < 512, "{name}: {} bytes", r.stderr.len());
        }
    }
    assert_eq!(env.rows(), rows);
}

#[test]
fn a_prune_of_many_objects_asks_with_the_first_twenty_and_stays_under_4_kib() {
    let env = Env::new();
    let mut grow = String::from("version = 1\nregion = \"cn-hangzhou\"\n");
    for i in 0..150 {
        grow.push_str(&format!(
            "\n[[principal]]\nname = \"user_with_a_longer_name_{i:03}\"\nkind = \"ram-user\"\n"
        ));
    }
    grow.push_str("\n[[workspace]]\nname = \"big_ws\"\nmode = \"basic\"\n");
    for i in 0..150 {
        grow.push_str(&format!(
            "\n[[workspace.member]]\nuser = \"user_with_a_longer_name_{i:03}\"\nroles = [\"guest\"]\n"
        ));
    }
    let path = write(&env, "grow.toml", &grow);
    env.run(&["apply", "--file", &path, "--yes"]).ok();
    let shrink = write(
        &env,
        "shrink.toml",
        "version = 1\nregion = \"cn-hangzhou\"\n\n[[workspace]]\nname = \"big_ws\"\nmode = \"basic\"\n",
    );
    let rows = env.rows();
    let events = env.events();
    for format in ["table", "json"] {
        let r = env.run(&["apply", "--file", &shrink, "--prune", "-o", format]);
        assert_eq!(r.code, 8, "{}", r.stderr);
        assert_eq!(r.stdout, "");
        assert!(r.stderr.len() < 4096, "{format}: {} bytes", r.stderr.len());
        for piece in [
            "Apply 150 changes, deleting:",
            "member big_ws/user_with_a_longer_name_019",
            "… and 130 more (dwctl plan --prune lists every change)",
            "Continue?",
            "pass --yes",
        ] {
            assert!(r.stderr.contains(piece), "{format}: {piece}: {}", r.stderr);
        }
        assert!(!r.stderr.contains("user_with_a_longer_name_020"));
    }
    assert_eq!((env.rows(), env.events()), (rows, events));
}

/// A declaration's values are checked when `apply` reaches it, in a fixed order of its
/// fields, and named with their declaration: so a wrong value is reported after the
/// manifest's shape, its duplicates, its region and the refusals of the declarations
/// before it, and a wrong name before a wrong mode written above it. (Typing the
/// manifest's fields as they are read must keep this order.)
#[test]
fn a_wrong_value_is_reported_where_apply_reaches_its_declaration() {
    let env = Env::new();
    env.run(&["user", "add", "bob"]).ok();
    for (name, text, actor, code, msg) in [
        (
            "region.toml",
            "version = 1\nregion = \"cn-shanghai\"\n[[workspace]]\nmode = \"bogus\"\nname = \"ok_ws\"\n",
            "root",
            6,
            "region.toml:2:10: the manifest is for region cn-shanghai, and this catalog is in cn-hangzhou",
        ),
        (
            "denied.toml",
            "version = 1\n[[principal]]\nname = \"carol\"\n[[workspace]]\nname = \"ok_ws\"\nmode = \"bogus\"\n",
            "bob",
            5,
            "denied.toml:2:1: + principal carol: bob may not manage principals",
        ),
        (
            "dup.toml",
            "version = 1\n[[workspace]]\nname = \"ok_ws\"\nmode = \"bogus\"\n[[workspace]]\nname = \"OK_WS\"\n",
            "root",
            2,
            "dup.toml:6:8: duplicate workspace `OK_WS` (first at 3:8)",
        ),
        (
            "name.toml",
            "version = 1\n[[workspace]]\nmode = \"bogus\"\nname = \"x\"\n",
            "root",
            2,
            "name.toml:2:1: workspace x: invalid workspace name 'x'",
        ),
    ] {
        let path = write(&env, name, text);
        let msg = format!("error: {}", msg.replace(name, &path));
        for verb in ["plan", "apply"] {
            env.run(&["--as", actor, verb, "--file", &path])
                .fails(code, &msg);
        }
    }
}

/// Issue 14: `dev_role_disabled = true` creates a workspace with the development role
/// disabled; `false` enables it on an existing one, before the members, so the same
/// manifest may grant Develop; `true` on a workspace where it is enabled is refused (a
/// refused apply, tested with the other last changes).
#[test]
fn the_development_role_follows_the_manifest_one_way() {
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    let created = write(
        &env,
        "c.toml",
        "version = 1\n[[workspace]]\nname = \"nodev_ws\"\ndev_role_disabled = true\n",
    );
    env.run(&["apply", "--file", &created]).ok();
    let show = |ws: &str| env.json(&["workspace", "show", ws, "-o", "json"]);
    assert_eq!(show("nodev_ws")["dev_role_disabled"], true);
    env.run(&["plan", "--file", &created, "--exit-code"]).ok();
    let enable = write(
        &env,
        "e.toml",
        "version = 1\n[[workspace]]\nname = \"nodev_ws\"\ndev_role_disabled = false\n\n[[workspace.member]]\nuser = \"alice\"\nroles = [\"dev\"]\n",
    );
    let r = env.run(&["plan", "--file", &enable]);
    assert!(
        r.ok().contains("~ workspace nodev_ws: dev_role_disabled"),
        "{}",
        r.stdout
    );
    assert_eq!(show("nodev_ws")["dev_role_disabled"], true);
    env.run(&["apply", "--file", &enable]).ok();
    assert_eq!(show("nodev_ws")["dev_role_disabled"], false);
    let m = env.json(&["member", "show", "nodev_ws", "alice", "-o", "json"]);
    assert!(m.to_string().contains("role_project_dev"), "{m}");
    let rows = env.rows();
    for verb in ["plan", "apply"] {
        env.run(&[verb, "--file", &created]).fails(
            6,
            "~ workspace nodev_ws: cannot disable the development role of nodev_ws",
        );
    }
    assert_eq!(rows, env.rows());
}

/// A manifest may give workspaces, resource groups, compute resources and data sources
/// the ids they have elsewhere (import keeps a real tenant's): new objects take them, an
/// id another object holds is exit 4, an existing object's id never changes (exit 6), and
/// `export` writes none of them, so an export still applies to any catalog.
#[test]
fn declared_ids_are_kept_and_never_clash() {
    let env = Env::new().with_var("PW", "pw");
    let group_id = "Serverless_res_group_524257424564736_6831777003123456";
    let text = format!(
        r#"version = 1

[[resource_group]]
name = "rg_kept"
id = "{group_id}"

[[workspace]]
name = "kept_ws"
id = 42
mode = "standard"
resource_groups = ["rg_kept"]

[[workspace.compute]]
name = "mc"
id = 7
type = "maxcompute"
env = "prod"
properties = {{ project = "p" }}
datasource_id = 101

[[workspace.datasource]]
name = "orders"
id = 100
type = "mysql"
env = "prod"
properties = {{ address = "10.0.0.5:3306", database = "d", username = "u", password = {{ env = "PW" }} }}
"#
    );
    let path = write(&env, "ids.toml", &text);
    env.run(&["apply", "--file", &path]).ok();
    let show = |args: &[&str]| env.json(args)["id"].clone();
    assert_eq!(
        show(&["resourcegroup", "show", "rg_kept", "-o", "json"]),
        json!(group_id)
    );
    assert_eq!(
        show(&["workspace", "show", "kept_ws", "-o", "json"]),
        json!(42)
    );
    assert_eq!(
        show(&["compute", "show", "kept_ws", "mc", "-o", "json"]),
        json!(7)
    );
    assert_eq!(
        show(&["datasource", "show", "kept_ws", "orders", "-o", "json"]),
        json!(100)
    );
    // The data source the compute resource brings keeps its declared id.
    assert_eq!(
        show(&["datasource", "show", "kept_ws", "mc", "-o", "json"]),
        json!(101)
    );
    // The group is found by its id too; ids go on from the largest.
    assert_eq!(
        show(&[
            "resourcegroup",
            "show",
            &group_id.to_lowercase(),
            "-o",
            "json"
        ]),
        json!(group_id)
    );
    env.run(&["workspace", "create", "next_ws"]).ok();
    assert_eq!(
        show(&["workspace", "show", "next_ws", "-o", "json"]),
        json!(43)
    );
    // Applying it again changes nothing; the export names no id.
    let v = env.json(&["apply", "--file", &path, "-o", "json"]);
    assert_eq!(v["changed"], json!(false), "{v}");
    let exported = export(&env, "out.toml");
    assert!(
        !exported
            .lines()
            .any(|l| l.starts_with("id = ") && !l.contains('"')),
        "{exported}"
    );
    assert!(!exported.contains(group_id), "{exported}");

    // Another object with a taken id: exit 4, nothing changed.
    for (decl, msg) in [
        (
            "[[workspace]]\nname = \"other_ws\"\nid = 42\n",
            "workspace id 42 is taken by kept_ws",
        ),
        (
            &format!("[[resource_group]]\nname = \"rg_other\"\nid = \"{group_id}\"\n") as &str,
            "is taken",
        ),
        (
            "[[workspace]]\nname = \"kept_ws\"\n[[workspace.datasource]]\nname = \"o2\"\nid = 100\ntype = \"mysql\"\nenv = \"dev\"\nproperties = { address = \"h:1\", database = \"d\", username = \"u\", password = { env = \"PW\" } }\n",
            "data source id 100 is taken",
        ),
        (
            "[[workspace]]\nname = \"kept_ws\"\n[[workspace.compute]]\nname = \"mc2\"\nid = 7\ntype = \"maxcompute\"\nenv = \"dev\"\nproperties = { project = \"q\" }\n",
            "compute resource id 7 is taken",
        ),
        (
            "[[workspace]]\nname = \"kept_ws\"\n[[workspace.compute]]\nname = \"mc3\"\ndatasource_id = 100\ntype = \"maxcompute\"\nenv = \"prod\"\nproperties = { project = \"q\" }\n",
            "data source id 100 is taken",
        ),
    ] {
        let p = write(&env, "clash.toml", &format!("version = 1\n{decl}"));
        env.refused(&["apply", "--file", &p], 4, msg);
    }
    // An existing object's id never changes.
    for decl in [
        "[[workspace]]\nname = \"kept_ws\"\nid = 41\n",
        "[[resource_group]]\nname = \"rg_kept\"\nid = \"Serverless_res_group_1_2\"\n",
        "[[workspace]]\nname = \"kept_ws\"\n[[workspace.compute]]\nname = \"mc\"\nid = 8\ntype = \"maxcompute\"\nenv = \"prod\"\n",
        "[[workspace]]\nname = \"kept_ws\"\n[[workspace.datasource]]\nname = \"orders\"\nid = 1\ntype = \"mysql\"\nenv = \"prod\"\n",
        "[[workspace]]\nname = \"kept_ws\"\n[[workspace.compute]]\nname = \"mc\"\ndatasource_id = 102\ntype = \"maxcompute\"\nenv = \"prod\"\n",
    ] {
        let p = write(&env, "moved.toml", &format!("version = 1\n{decl}"));
        env.refused(&["apply", "--file", &p], 6, "and never changes");
    }
    // Ids that cannot be ids: exit 2.
    for (decl, msg) in [
        (
            "[[workspace]]\nname = \"zero_ws\"\nid = 0\n",
            "invalid id 0",
        ),
        (
            "[[workspace]]\nname = \"kept_ws\"\n[[workspace.compute]]\nname = \"mc4\"\ndatasource_id = 0\ntype = \"maxcompute\"\nenv = \"prod\"\nproperties = { project = \"q\" }\n",
            "invalid id 0",
        ),
        (
            "[[resource_group]]\nname = \"rg_bad\"\nid = \"rg_1\"\n",
            "invalid id 'rg_1'",
        ),
        // A name shaped like a group id, of either shape, is no name.
        (
            "[[resource_group]]\nname = \"rg_res_group_1_2\"\n",
            "looks like a resource group id",
        ),
        (
            "[[resource_group]]\nname = \"Serverless_res_group_524257424564736_6831777003123456\"\n",
            "looks like a resource group id",
        ),
    ] {
        let p = write(&env, "bad.toml", &format!("version = 1\n{decl}"));
        env.refused(&["apply", "--file", &p], 2, msg);
    }
}

/// Ids a manifest declares win over the order of creation: a compute resource is created
/// before the data sources of its workspace, and the data source it brings, which has no
/// declared id, must not take the id 1 that the manifest gives `orders` (before, `orders`
/// was refused: "data source id 1 is taken"). Nor does a workspace without an id take the
/// one another declares. Ids only increase: what comes next is above every declared one.
#[test]
fn declared_ids_win_over_objects_created_without_one() {
    let env = Env::new();
    let p = write(
        &env,
        "ids.toml",
        "version = 1\n\
         [[workspace]]\nname = \"a_ws\"\n\
         [[workspace]]\nname = \"fin_ws\"\nid = 7\n\
         [[workspace.compute]]\nname = \"fin_mc\"\nid = 1\ntype = \"maxcompute\"\nenv = \"prod\"\nproperties = { project = \"fin\" }\n\
         [[workspace.datasource]]\nname = \"orders\"\nid = 1\ntype = \"mysql\"\nenv = \"prod\"\nmode = \"url\"\nproperties = { address = \"10.0.0.5:3306\", database = \"orders\", username = \"etl\", password = \"x\" }\n",
    );
    env.run(&["apply", "--file", &p, "-y"]).ok();
    let id = |args: &[&str], name: &str| -> i64 {
        let mut args = args.to_vec();
        args.extend(["-o", "json"]);
        let list = env.json(&args);
        let found = list.as_array().unwrap().iter().find(|x| x["name"] == name);
        found.unwrap_or_else(|| panic!("{name} in {list}"))["id"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(id(&["datasource", "list", "fin_ws"], "orders"), 1);
    assert_eq!(id(&["compute", "list", "fin_ws"], "fin_mc"), 1);
    assert_eq!(id(&["datasource", "list", "fin_ws"], "fin_mc"), 2);
    assert_eq!(id(&["workspace", "list"], "fin_ws"), 7);
    assert_eq!(id(&["workspace", "list"], "a_ws"), 8);
    env.run(&["workspace", "create", "b_ws"]).ok();
    assert_eq!(id(&["workspace", "list"], "b_ws"), 9);
}
