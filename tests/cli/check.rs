//! `dwctl check`: the production guidelines DW001-DW010 (cli.md 9), one catalog that
//! triggers each rule and one that does not, visibility, `--strict` and every format.

use crate::harness::*;

/// A catalog with nothing to report: the default workspace gets a RAM administrator
/// (without one, DW010 fires for it).
fn clean() -> Env {
    let env = Env::new().with_var("PW", "s3cret");
    env.run(&["user", "add", "ada"]).ok();
    env.run(&["member", "add", DEFAULT_WS, "ada", "--role", "admin"])
        .ok();
    env
}

/// A workspace with a RAM administrator, so that only the rule under test fires.
fn workspace(env: &Env, name: &str, mode: &str) {
    env.run(&["workspace", "create", name, "--mode", mode]).ok();
    env.run(&["member", "add", name, "ada", "--role", "admin"])
        .ok();
}

fn mysql(env: &Env, ws: &str, name: &str, which: &str, address: &str, database: &str) {
    let address = format!("address={address}");
    let database = format!("database={database}");
    env.run(&[
        "datasource",
        "add",
        ws,
        name,
        "--type",
        "mysql",
        "--env",
        which,
        "--prop",
        &address,
        "--prop",
        &database,
        "--prop",
        "username=etl",
        "--prop",
        "password=env:PW",
    ])
    .ok();
}

fn maxcompute(env: &Env, ws: &str, name: &str, which: &str, project: &str) {
    let project = format!("project={project}");
    env.run(&[
        "compute",
        "attach",
        ws,
        name,
        "--type",
        "maxcompute",
        "--env",
        which,
        "--prop",
        &project,
    ])
    .ok();
}

/// The findings as `RULE WORKSPACE OBJECT` (`-` for a null workspace), in output order.
fn found(env: &Env, args: &[&str]) -> Vec<String> {
    let mut all = vec!["check", "-o", "json"];
    all.extend_from_slice(args);
    let v = env.run(&all).json();
    v.as_array()
        .expect("a JSON array")
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["rule"].as_str().unwrap(),
                f["workspace"].as_str().unwrap_or("-"),
                f["object"].as_str().unwrap()
            )
        })
        .collect()
}

/// The findings of one rule.
fn found_rule(env: &Env, rule: &str, args: &[&str]) -> Vec<String> {
    found(env, args)
        .into_iter()
        .filter(|f| f.starts_with(&format!("{rule} ")))
        .collect()
}

fn none() -> Vec<String> {
    Vec::new()
}

// ---- the catalog as init leaves it ----

#[test]
fn a_fresh_catalog_reports_only_that_no_ram_user_administers_the_default_workspace() {
    let env = Env::new();
    let v = env.run(&["check", "-o", "json"]).json();
    assert_eq!(
        v,
        serde_json::json!([{
            "rule": "DW010",
            "severity": "info",
            "workspace": DEFAULT_WS,
            "object": DEFAULT_WS,
            "message": format!("no RAM user holds role_project_admin in {DEFAULT_WS}: everything goes through the account"),
            "hint": format!("make a RAM user its administrator: dwctl member add {DEFAULT_WS} USER --role admin (dwctl user add USER first if needed)"),
        }])
    );
}

#[test]
fn no_findings_in_every_format() {
    let env = clean();
    let r = env.run(&["check"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    assert_eq!(r.stderr, "No findings.\n");
    let r = env.run(&["check", "-o", "json"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "[]\n", "")
    );
    let r = env.run(&["check", "-o", "jsonl"]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    let r = env.run(&["check", "-o", "csv"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "rule,severity,workspace,object,message,hint\n", "")
    );
    let r = env.run(&["check", "--strict"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    let r = env.run(&["--quiet", "check"]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
}

// ---- DW001: the default workspace in production ----

#[test]
fn dw001_the_default_workspace_holds_prod_objects() {
    let env = clean();
    mysql(&env, DEFAULT_WS, "orders", "prod", "10.0.0.5", "orders");
    maxcompute(&env, DEFAULT_WS, "mc", "prod", "explore");
    // The data source the compute resource brought is reported through it, once.
    assert_eq!(
        found_rule(&env, "DW001", &[]),
        [
            format!("DW001 {DEFAULT_WS} mc"),
            format!("DW001 {DEFAULT_WS} orders"),
        ]
    );
    let v = env.run(&["check", "-o", "json"]).json();
    let orders = v
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "DW001" && f["object"] == "orders")
        .unwrap();
    assert_eq!(orders["severity"], "warning");
    assert_eq!(
        orders["message"],
        format!("the default workspace {DEFAULT_WS} holds the prod data source orders: it is meant for exploring, not for production work")
    );
    assert!(orders["hint"].as_str().unwrap().ends_with(&format!(
        "dwctl datasource remove {DEFAULT_WS} orders --env prod --yes"
    )));
}

#[test]
fn dw001_not_for_a_workspace_named_for_its_purpose() {
    let env = clean();
    workspace(&env, "sales_report", "basic");
    mysql(&env, "sales_report", "orders", "prod", "10.0.0.5", "orders");
    assert_eq!(found(&env, &[]), none());
}

// ---- DW002: basic mode in production ----

#[test]
fn dw002_a_basic_workspace_holds_a_prod_compute_resource() {
    let env = clean();
    workspace(&env, "sales_report", "basic");
    env.run(&[
        "resourcegroup",
        "bind",
        "default_serverless_group",
        "sales_report",
    ])
    .ok();
    maxcompute(&env, "sales_report", "mc_sales", "prod", "sales");
    assert_eq!(found(&env, &[]), ["DW002 sales_report mc_sales"]);
    let v = env.run(&["check", "-o", "json"]).json();
    assert_eq!(
        v[0]["hint"],
        "upgrade it to standard mode, which isolates dev from prod: dwctl workspace upgrade sales_report --yes (irreversible; the account only)"
    );
}

#[test]
fn dw002_not_after_the_upgrade() {
    let env = clean();
    workspace(&env, "sales_report", "basic");
    env.run(&[
        "resourcegroup",
        "bind",
        "default_serverless_group",
        "sales_report",
    ])
    .ok();
    maxcompute(&env, "sales_report", "mc_sales", "prod", "sales");
    env.run(&["workspace", "upgrade", "sales_report", "--yes"])
        .ok();
    // The upgrade gave mc_sales a dev copy on its own project: nothing left to report.
    assert_eq!(found(&env, &[]), none());
}

// ---- DW003: Develop and O&M on one member ----

#[test]
fn dw003_a_member_holds_develop_and_operations() {
    let env = clean();
    workspace(&env, "sales_report", "standard");
    for user in ["bob", "carol", "dave"] {
        env.run(&["user", "add", user]).ok();
    }
    env.run(&[
        "member",
        "add",
        "sales_report",
        "bob",
        "--role",
        "dev",
        "--role",
        "ops",
    ])
    .ok();
    env.run(&["member", "add", "sales_report", "carol", "--role", "dev"])
        .ok();
    env.run(&[
        "member",
        "add",
        "sales_report",
        "dave",
        "--role",
        "ops",
        "--role",
        "deploy",
    ])
    .ok();
    assert_eq!(found(&env, &[]), ["DW003 sales_report bob"]);
}

#[test]
fn dw003_not_once_one_role_is_revoked() {
    let env = clean();
    workspace(&env, "sales_report", "standard");
    env.run(&["user", "add", "bob"]).ok();
    env.run(&[
        "member",
        "add",
        "sales_report",
        "bob",
        "--role",
        "dev",
        "--role",
        "ops",
    ])
    .ok();
    env.run(&["member", "role", "sales_report", "bob", "--revoke", "ops"])
        .ok();
    assert_eq!(found(&env, &[]), none());
}

// ---- DW004: generic names ----

#[test]
fn dw004_generic_workspace_names() {
    let env = clean();
    for name in ["test_1", "Demo__", "tmp2_", "ws7"] {
        workspace(&env, name, "standard");
    }
    assert_eq!(
        found(&env, &[]),
        [
            "DW004 Demo__ Demo__",
            "DW004 test_1 test_1",
            "DW004 tmp2_ tmp2_",
            "DW004 ws7 ws7",
        ]
    );
}

#[test]
fn dw004_not_for_names_that_say_what_they_are_for() {
    let env = clean();
    for name in ["finance_tax_report", "test_data", "my_demo"] {
        workspace(&env, name, "standard");
    }
    // Nor for the default workspace's name.
    assert_eq!(found(&env, &[]), none());
}

// ---- DW005: prod without dev ----

#[test]
fn dw005_prod_objects_without_a_dev_counterpart() {
    let env = clean();
    workspace(&env, "sales_report", "standard");
    env.run(&[
        "resourcegroup",
        "bind",
        "default_serverless_group",
        "sales_report",
    ])
    .ok();
    maxcompute(&env, "sales_report", "mc_sales", "prod", "sales");
    mysql(&env, "sales_report", "orders", "prod", "10.0.0.5", "orders");
    // mc_sales once (as the compute resource), not again for the data source it brought.
    assert_eq!(
        found(&env, &[]),
        ["DW005 sales_report mc_sales", "DW005 sales_report orders"]
    );
    let v = env.run(&["check", "-o", "json"]).json();
    assert_eq!(
        v[0]["hint"],
        "attach its dev configuration under the same name, pointing somewhere else: dwctl compute attach sales_report mc_sales --type maxcompute --env dev --prop KEY=VALUE"
    );
    assert_eq!(
        v[1]["hint"],
        "add its dev configuration under the same name, pointing somewhere else: dwctl datasource add sales_report orders --type mysql --env dev --prop KEY=VALUE"
    );
}

#[test]
fn dw005_not_when_dev_exists_nor_in_basic_mode() {
    let env = clean();
    workspace(&env, "sales_report", "standard");
    env.run(&[
        "resourcegroup",
        "bind",
        "default_serverless_group",
        "sales_report",
    ])
    .ok();
    maxcompute(&env, "sales_report", "mc_sales", "prod", "sales");
    maxcompute(&env, "sales_report", "mc_sales", "dev", "sales_dev");
    mysql(&env, "sales_report", "orders", "prod", "10.0.0.5", "orders");
    mysql(&env, "sales_report", "orders", "dev", "10.0.0.6", "orders");
    // Basic mode has no dev environment: a prod data source alone is all it can have.
    workspace(&env, "hr_payroll", "basic");
    mysql(&env, "hr_payroll", "staff", "prod", "10.0.0.7", "staff");
    assert_eq!(found(&env, &[]), none());
}

// ---- DW006: dev and prod at the same place ----

#[test]
fn dw006_dev_and_prod_point_at_the_same_place() {
    let env = clean();
    workspace(&env, "sales_report", "standard");
    mysql(
        &env,
        "sales_report",
        "orders",
        "prod",
        "DB.example.com:3306",
        "orders",
    );
    // The same place, spelled differently: the port is the usual one, the host's case differs.
    mysql(
        &env,
        "sales_report",
        "orders",
        "dev",
        "db.example.com",
        "orders",
    );
    env.run(&["user", "add", "gina"]).ok();
    env.run(&["member", "add", "sales_report", "gina", "--role", "guest"])
        .ok();
    let v = env.run(&["check", "-o", "json"]).json();
    assert_eq!(
        v,
        serde_json::json!([{
            "rule": "DW006",
            "severity": "warning",
            "workspace": "sales_report",
            "object": "orders",
            "message": "dev and prod of the data source orders in sales_report both point at address db.example.com:3306, database orders: no physical isolation between development and production",
            "hint": "point dev somewhere else: dwctl datasource update sales_report orders --env dev --prop database=orders_dev",
        }])
    );
    // A guest may not read connection properties: told that, not where.
    let v = env.run(&["--as", "gina", "check", "-o", "json"]).json();
    assert_eq!(v[0]["rule"], "DW006");
    assert_eq!(
        v[0]["message"],
        "dev and prod of the data source orders in sales_report point at the same place: no physical isolation between development and production"
    );
    assert_eq!(
        v[0]["hint"],
        "point dev somewhere else: dwctl datasource update sales_report orders --env dev --prop database=<dev database>"
    );
}

#[test]
fn dw006_the_upgrade_copies_non_maxcompute_sources_to_the_same_place() {
    let env = clean();
    workspace(&env, "sales_report", "basic");
    env.run(&[
        "resourcegroup",
        "bind",
        "default_serverless_group",
        "sales_report",
    ])
    .ok();
    maxcompute(&env, "sales_report", "mc_sales", "prod", "sales");
    mysql(&env, "sales_report", "orders", "prod", "10.0.0.5", "orders");
    env.run(&["workspace", "upgrade", "sales_report", "--yes"])
        .ok();
    // maxcompute's dev copy got its own project (sales_dev); mysql's points where prod does.
    assert_eq!(found(&env, &[]), ["DW006 sales_report orders"]);
    env.run(&[
        "datasource",
        "update",
        "sales_report",
        "orders",
        "--env",
        "dev",
        "--prop",
        "database=orders_dev",
    ])
    .ok();
    assert_eq!(found(&env, &[]), none());
}

#[test]
fn dw006_compute_resources_through_the_data_sources_they_brought() {
    let env = clean();
    workspace(&env, "sales_report", "standard");
    env.run(&[
        "resourcegroup",
        "bind",
        "default_serverless_group",
        "sales_report",
    ])
    .ok();
    maxcompute(&env, "sales_report", "mc_sales", "prod", "sales");
    maxcompute(&env, "sales_report", "mc_sales", "dev", "sales");
    let v = env.run(&["check", "-o", "json"]).json();
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v[0]["rule"], "DW006");
    assert_eq!(v[0]["object"], "mc_sales");
    assert_eq!(
        v[0]["hint"],
        "point dev somewhere else: dwctl compute update sales_report mc_sales --env dev --prop project=sales_dev"
    );
}

// ---- DW007: compute without a resource group ----

#[test]
fn dw007_an_available_workspace_with_compute_and_no_resource_group() {
    let env = clean();
    workspace(&env, "sales_report", "basic");
    maxcompute(&env, "sales_report", "mc_sales", "prod", "sales");
    assert_eq!(
        found_rule(&env, "DW007", &[]),
        ["DW007 sales_report sales_report"]
    );
}

#[test]
fn dw007_not_with_a_group_bound_nor_without_compute_nor_when_disabled() {
    let env = clean();
    workspace(&env, "sales_report", "basic");
    maxcompute(&env, "sales_report", "mc_sales", "prod", "sales");
    env.run(&["resourcegroup", "create", "rg_etl"]).ok();
    env.run(&[
        "resourcegroup",
        "bind",
        "rg_etl",
        "sales_report",
        "--default",
    ])
    .ok();
    workspace(&env, "hr_payroll", "basic");
    workspace(&env, "ops_archive", "basic");
    maxcompute(&env, "ops_archive", "mc_archive", "prod", "archive");
    env.run(&["workspace", "disable", "ops_archive"]).ok();
    assert_eq!(found_rule(&env, "DW007", &[]), none());
}

// ---- DW008: a group bound to nothing ----

#[test]
fn dw008_a_resource_group_bound_to_no_workspace() {
    let env = clean();
    env.run(&["resourcegroup", "create", "rg_idle"]).ok();
    let v = env.run(&["check", "-o", "json"]).json();
    assert_eq!(
        v,
        serde_json::json!([{
            "rule": "DW008",
            "severity": "info",
            "workspace": null,
            "object": "rg_idle",
            "message": "the resource group rg_idle is bound to no workspace: it still costs money",
            "hint": "bind it where it is needed (dwctl resourcegroup bind rg_idle WORKSPACE) or delete it (dwctl resourcegroup delete rg_idle --yes)",
        }])
    );
    // Tenant-level: not when workspaces are named.
    assert_eq!(found(&env, &[DEFAULT_WS]), none());
}

#[test]
fn dw008_not_once_the_group_is_bound() {
    let env = clean();
    env.run(&["resourcegroup", "create", "rg_idle"]).ok();
    env.run(&["resourcegroup", "bind", "rg_idle", DEFAULT_WS])
        .ok();
    assert_eq!(found(&env, &[]), none());
}

#[test]
fn dw008_only_for_tenant_administrators() {
    let env = clean();
    env.run(&["resourcegroup", "create", "rg_idle"]).ok();
    env.run(&["user", "add", "fa", "--full-access"]).ok();
    assert_eq!(found(&env, &["--as", "fa"]), ["DW008 - rg_idle"]);
    // ada administers the default workspace but is no tenant administrator.
    assert_eq!(found(&env, &["--as", "ada"]), none());
}

// ---- DW009: a disabled workspace keeps its groups ----

#[test]
fn dw009_a_disabled_workspace_with_groups_bound() {
    let env = clean();
    workspace(&env, "sales_report", "standard");
    env.run(&["resourcegroup", "create", "rg_etl"]).ok();
    env.run(&["resourcegroup", "bind", "rg_etl", "sales_report"])
        .ok();
    env.run(&[
        "resourcegroup",
        "bind",
        "default_serverless_group",
        "sales_report",
    ])
    .ok();
    env.run(&["workspace", "disable", "sales_report"]).ok();
    assert_eq!(
        found(&env, &[]),
        [
            "DW009 sales_report default_serverless_group",
            "DW009 sales_report rg_etl",
        ]
    );
    let v = env.run(&["check", "-o", "json"]).json();
    assert_eq!(v[1]["severity"], "info");
    assert_eq!(
        v[1]["hint"],
        "release it: dwctl resourcegroup unbind rg_etl sales_report (or enable the workspace again: dwctl workspace enable sales_report)"
    );
}

#[test]
fn dw009_not_when_available_nor_once_unbound() {
    let env = clean();
    workspace(&env, "sales_report", "standard");
    env.run(&["resourcegroup", "create", "rg_etl"]).ok();
    env.run(&["resourcegroup", "bind", "rg_etl", "sales_report"])
        .ok();
    assert_eq!(found(&env, &[]), none());
    env.run(&["workspace", "disable", "sales_report"]).ok();
    env.run(&["resourcegroup", "unbind", "rg_etl", "sales_report"])
        .ok();
    // Unbound, rg_etl is now DW008's business.
    assert_eq!(found(&env, &[]), ["DW008 - rg_etl"]);
}

// ---- DW010: no RAM administrator ----

#[test]
fn dw010_no_ram_user_administers_the_workspace() {
    let env = clean();
    env.run(&["workspace", "create", "sales_report"]).ok();
    env.run(&["user", "add", "bob"]).ok();
    env.run(&["user", "add", "etl-role", "--kind", "ram-role"])
        .ok();
    // A developer is no administrator, and a RAM role is no RAM user.
    env.run(&["member", "add", "sales_report", "bob", "--role", "dev"])
        .ok();
    env.run(&[
        "member",
        "add",
        "sales_report",
        "etl-role",
        "--role",
        "admin",
    ])
    .ok();
    assert_eq!(found(&env, &[]), ["DW010 sales_report sales_report"]);
}

#[test]
fn dw010_not_with_a_ram_user_as_administrator() {
    let env = clean();
    env.run(&["workspace", "create", "sales_report"]).ok();
    env.run(&["user", "add", "bob"]).ok();
    env.run(&["member", "add", "sales_report", "bob", "--role", "admin"])
        .ok();
    assert_eq!(found(&env, &[]), none());
}

// ---- which workspaces ----

#[test]
fn findings_are_sorted_by_workspace_then_rule_then_object() {
    let env = Env::new().with_var("PW", "s3cret");
    env.run(&["resourcegroup", "create", "rg_idle"]).ok();
    env.run(&["workspace", "create", "tmp1", "--mode", "basic"])
        .ok();
    maxcompute(&env, "tmp1", "zeta", "prod", "zeta_proj");
    maxcompute(&env, "tmp1", "alpha", "prod", "alpha_proj");
    mysql(&env, DEFAULT_WS, "orders", "prod", "10.0.0.5", "orders");
    assert_eq!(
        found(&env, &[]),
        [
            "DW008 - rg_idle".to_string(),
            format!("DW001 {DEFAULT_WS} orders"),
            format!("DW010 {DEFAULT_WS} {DEFAULT_WS}"),
            "DW002 tmp1 alpha".into(),
            "DW002 tmp1 zeta".into(),
            "DW004 tmp1 tmp1".into(),
            "DW007 tmp1 tmp1".into(),
            "DW010 tmp1 tmp1".into(),
        ]
    );
}

#[test]
fn a_member_sees_only_the_workspaces_they_belong_to() {
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    env.run(&["workspace", "create", "test_1"]).ok();
    env.run(&["workspace", "create", "demo_2"]).ok();
    env.run(&["resourcegroup", "create", "rg_idle"]).ok();
    env.run(&["member", "add", "test_1", "alice", "--role", "guest"])
        .ok();
    assert_eq!(
        found(&env, &["--as", "alice"]),
        ["DW004 test_1 test_1", "DW010 test_1 test_1"]
    );
    // Another workspace is not found for alice, exactly as if it did not exist.
    env.refused(
        &["--as", "alice", "check", "demo_2"],
        3,
        "workspace demo_2 not found",
    );
    env.refused(
        &["--as", "alice", "check", DEFAULT_WS],
        3,
        &format!("workspace {DEFAULT_WS} not found"),
    );
    // The account sees everything.
    assert_eq!(
        found(&env, &[]),
        [
            "DW008 - rg_idle".to_string(),
            format!("DW010 {DEFAULT_WS} {DEFAULT_WS}"),
            "DW004 demo_2 demo_2".into(),
            "DW010 demo_2 demo_2".into(),
            "DW004 test_1 test_1".into(),
            "DW010 test_1 test_1".into(),
        ]
    );
}

#[test]
fn named_workspaces_only_and_each_once() {
    let env = Env::new();
    env.run(&["workspace", "create", "test_1"]).ok();
    env.run(&["workspace", "create", "demo_2"]).ok();
    assert_eq!(
        found(&env, &["demo_2", "DEMO_2", "test_1"]),
        [
            "DW004 demo_2 demo_2",
            "DW010 demo_2 demo_2",
            "DW004 test_1 test_1",
            "DW010 test_1 test_1",
        ]
    );
}

#[test]
fn an_unknown_or_invalid_workspace_name() {
    let env = Env::new();
    let r = env.refused(
        &["check", DEFAULT_WS, "nope"],
        3,
        "error: workspace nope not found",
    );
    assert_eq!(r.stdout, "");
    assert!(r
        .stderr
        .contains("hint: list the workspaces you can see with dwctl workspace list --all"));
    let r = env.refused(&["check", "-o", "json", "nope"], 3, "not_found");
    assert_eq!(r.json_error()["code"], "not_found");
    env.refused(&["check", "1bad"], 2, "invalid workspace name '1bad'");
    // A bad name is a usage error even after an unknown one.
    env.refused(&["check", "nope", "x"], 2, "invalid workspace name 'x'");
}

#[test]
fn deleted_workspaces_are_skipped() {
    let env = clean();
    workspace(&env, "test_9", "standard");
    env.run(&["workspace", "delete", "test_9", "--yes"]).ok();
    assert_eq!(found(&env, &[]), none());
    let r = env.run(&["check", "test_9"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    assert_eq!(
        r.stderr,
        "warning: workspace test_9 is in the recycle bin: not checked\nNo findings.\n"
    );
    let r = env.run(&["check", "test_9", "-o", "json"]);
    assert_eq!(r.stdout, "[]\n");
    assert_eq!(
        r.stderr,
        "{\"warning\":{\"code\":\"skipped_deleted\",\"message\":\"workspace test_9 is in the recycle bin: not checked\"}}\n"
    );
}

#[test]
fn check_reads_and_changes_nothing() {
    let env = clean();
    workspace(&env, "test_1", "standard");
    let (rows, audit) = (env.rows(), env.audit());
    env.run(&["check"]).ok();
    env.run(&["check", "--strict"]);
    assert_eq!(rows, env.rows());
    assert_eq!(audit, env.audit());
}

// ---- --strict ----

#[test]
fn strict_exits_9_on_warnings_after_printing_the_findings() {
    let env = clean();
    workspace(&env, "test_1", "standard");
    workspace(&env, "demo_2", "standard");
    let r = env.run(&["check", "--strict", "-o", "json"]);
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert_eq!(r.json().as_array().unwrap().len(), 2);
    assert_eq!(
        r.json_error(),
        serde_json::json!({
            "code": "negative_result",
            "exit_code": 9,
            "message": "check found 2 warnings",
            "hint": "fix each as its hint says; without --strict, check reports without failing",
        })
    );
    let r = env.run(&["check", "--strict", "demo_2"]);
    assert_eq!(r.code, 9);
    assert!(r.stdout.contains("DW004"), "{}", r.stdout);
    assert!(
        r.stderr.ends_with("error: check found 1 warning\nhint: fix each as its hint says; without --strict, check reports without failing\n"),
        "{}",
        r.stderr
    );
    // Without --strict the same findings exit 0.
    env.run(&["check"]).ok();
}

#[test]
fn strict_ignores_info_findings() {
    let env = Env::new();
    env.run(&["resourcegroup", "create", "rg_idle"]).ok();
    let r = env.run(&["check", "--strict", "-o", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rules: Vec<String> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["rule"], f["severity"]))
        .collect();
    assert_eq!(rules, ["\"DW008\" \"info\"", "\"DW010\" \"info\""]);
}

// ---- formats ----

#[test]
fn every_format_carries_the_same_fields() {
    let env = Env::new();
    env.run(&["workspace", "create", "test_1"]).ok();
    let v = env.run(&["check", "-o", "json"]).json();
    let keys: Vec<&str> = v[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["rule", "severity", "workspace", "object", "message", "hint"]
    );

    let r = env.run(&["check", "-o", "jsonl"]);
    let lines: Vec<serde_json::Value> = r
        .ok()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(serde_json::Value::Array(lines), v);

    let r = env.run(&["check", "-o", "csv"]);
    let csv: Vec<&str> = r.ok().lines().collect();
    assert_eq!(csv.len(), 4);
    assert_eq!(csv[0], "rule,severity,workspace,object,message,hint");
    assert_eq!(
        csv[2],
        "DW004,warning,test_1,test_1,the workspace name test_1 is generic: it does not say what the workspace is for,\"names cannot change: create one named for its business purpose (dwctl workspace create finance_tax_report), move the work there, then dwctl workspace delete test_1\""
    );

    let r = env.run(&["check"]);
    let table: Vec<&str> = r.ok().lines().collect();
    assert_eq!(table.len(), 4);
    let header: Vec<&str> = table[0].split_whitespace().collect();
    assert_eq!(
        header,
        ["RULE", "SEVERITY", "WORKSPACE", "OBJECT", "MESSAGE", "HINT"]
    );
    let row: Vec<&str> = table[2].split_whitespace().take(4).collect();
    assert_eq!(row, ["DW004", "warning", "test_1", "test_1"]);
    assert_eq!(r.stderr, "");
}
