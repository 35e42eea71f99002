//! R9: a catalog row edited outside dwctl. For every column dwctl turns into a typed value
//! (enums, role lists, timestamps, JSON, booleans, integers in range, names and ids), a
//! value dwctl never writes makes every command that reads it exit 7 naming the table, the
//! row's key and the column, with a hint to restore from a backup: never a panic, never
//! output, never a masked value, and writes change nothing.

use crate::harness::{file_only, Env};
use std::sync::OnceLock;

/// A catalog holding one of everything: a RAM user in a standard workspace with a tag, a
/// compute resource, a data source with a last test, and a bound resource group.
fn base() -> &'static (Env, String) {
    static BASE: OnceLock<(Env, String)> = OnceLock::new();
    BASE.get_or_init(|| {
        let mut env = Env::new();
        for args in [
            &["user", "add", "alice"][..],
            &["workspace", "create", "sales_ws", "--tag", "team=fin"],
            &["member", "add", "sales_ws", "alice", "--role", "dev"],
            &["compute", "attach", "sales_ws", "mc", "--type", "maxcompute", "--prop", "project=fin"],
            &[
                "datasource", "add", "sales_ws", "orders", "--type", "mysql", "--prop",
                "address=10.0.0.5", "--prop", "database=orders", "--prop", "username=etl",
                "--prop", "password=s3cret-value",
            ],
            &["resourcegroup", "create", "rg_etl", "--spec", "4"],
            &["resourcegroup", "bind", "rg_etl", "sales_ws"],
        ] {
            env.run(args).ok();
        }
        let conn = rusqlite::Connection::open(&env.catalog).unwrap();
        conn.execute_batch(
            "UPDATE datasource SET test_state = 'unreachable', test_at = '2026-11-28T09:00:00.000Z', \
             test_message = 'timed out' WHERE name = 'orders'",
        )
        .unwrap();
        drop(conn);
        let manifest = env.path().join("base.toml");
        env.run(&["export", "--all", "--file", manifest.to_str().unwrap()])
            .ok();
        // The secrets the manifest names, so that `plan` gets as far as reading the catalog.
        let text = std::fs::read_to_string(&manifest).unwrap();
        for part in text.split("env = \"").skip(1) {
            let var = part.split('"').next().unwrap();
            env.vars.push((var.to_string(), "s3cret-value".to_string()));
        }
        (env, manifest.to_string_lossy().into_owned())
    })
}

/// (table, key as the message names it, column, SQL that puts the bad value, commands that
/// read it; `PLAN` and `APPLY` stand for `plan`/`apply --file <the base's manifest>`).
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const WS: &str = "id=2 name=sales_ws";
const WS_READS: &[&str] = &[
    "workspace list",
    "workspace show sales_ws",
    "export --all",
    "check",
    "PLAN",
    "APPLY",
    "workspace update sales_ws --description changed",
    "member role sales_ws alice --grant guest",
];
const DELETED_READS: &[&str] = &[
    "workspace list --all",
    "workspace show sales_ws",
    "workspace restore sales_ws",
    "workspace purge --expired --yes",
];
const MEMBER: &str = "workspace_id=2 principal_pk=2";
const MEMBER_READS: &[&str] = &[
    "member list sales_ws",
    "export --all",
    "check",
    "--as alice whoami",
    "--as alice workspace show sales_ws",
    "PLAN",
    "APPLY",
    "member role sales_ws alice --grant guest",
];
const PRINCIPAL: &str = "pk=2";
const PRINCIPAL_READS: &[&str] = &[
    "user list",
    "user show alice",
    "--as alice whoami",
    "member list sales_ws",
    "PLAN",
    "APPLY",
    "user update alice --display-name Alice",
];
const COMPUTE: &str = "workspace=sales_ws name=mc env=prod";
const COMPUTE_READS: &[&str] = &[
    "compute list sales_ws",
    "compute show sales_ws mc",
    "export --all",
    "check",
    "PLAN",
    "APPLY",
    "compute detach sales_ws mc --env prod --yes",
];
const DS: &str = "workspace=sales_ws name=orders env=prod";
const DS_READS: &[&str] = &[
    "datasource list sales_ws",
    "datasource show sales_ws orders",
    "export --all",
    "check",
    "PLAN",
    "APPLY",
    "datasource update sales_ws orders --env prod --description changed",
];
const RG: &str = "id=";
const RG_READS: &[&str] = &[
    "resourcegroup list",
    "resourcegroup show rg_etl",
    "export --all",
    "check",
    "PLAN",
    "APPLY",
    "resourcegroup update rg_etl --remark changed",
];
const TENANT_READS: &[&str] = &["whoami", "workspace list", "user add bob"];
const AUDIT_READS: &[&str] = &["audit list", "audit verify"];

const CASES: &[Case] = &[
    // workspace: enums, timestamps, booleans, names, text
    ("workspace", WS, "status", "UPDATE workspace SET status = 'archived' WHERE id = 2", WS_READS),
    ("workspace", WS, "status", "UPDATE workspace SET status = 'Available' WHERE id = 2", WS_READS),
    ("workspace", WS, "mode", "UPDATE workspace SET mode = 'enterprise' WHERE id = 2", WS_READS),
    ("workspace", WS, "sod_policy", "UPDATE workspace SET sod_policy = 'strict' WHERE id = 2", WS_READS),
    ("workspace", WS, "status_before_delete", "UPDATE workspace SET status_before_delete = 'gone' WHERE id = 2", WS_READS),
    ("workspace", WS, "created_at", "UPDATE workspace SET created_at = 'yesterday' WHERE id = 2", WS_READS),
    ("workspace", WS, "updated_at", "UPDATE workspace SET updated_at = '2026-11-28 10:00:00' WHERE id = 2", WS_READS),
    ("workspace", WS, "updated_at", "UPDATE workspace SET updated_at = '2026-02-30T10:00:00.000Z' WHERE id = 2", WS_READS),
    ("workspace", WS, "created_at", "UPDATE workspace SET created_at = 253403337600000 WHERE id = 2", WS_READS),
    // a retention that would end past 9999-12-31
    ("workspace", WS, "deleted_at", "UPDATE workspace SET status = 'deleted', status_before_delete = 'available', deleted_at = '9999-12-25T00:00:00.000Z', deleted_by = 'root' WHERE id = 2", DELETED_READS),
    // a workspace half in the recycle bin
    ("workspace", WS, "deleted_at", "UPDATE workspace SET status = 'deleted' WHERE id = 2", DELETED_READS),
    ("workspace", WS, "deleted_at", "UPDATE workspace SET deleted_at = '2026-11-20T00:00:00.000Z' WHERE id = 2", WS_READS),
    ("workspace", WS, "status_before_delete", "UPDATE workspace SET status_before_delete = 'disabled' WHERE id = 2", WS_READS),
    ("workspace", WS, "status_before_delete", "UPDATE workspace SET status = 'deleted', status_before_delete = NULL, deleted_at = '2026-11-20T00:00:00.000Z', deleted_by = 'root' WHERE id = 2", DELETED_READS),
    ("workspace", WS, "is_default", "UPDATE workspace SET is_default = 2 WHERE id = 2", WS_READS),
    ("workspace", WS, "dev_role_disabled", "UPDATE workspace SET dev_role_disabled = 'yes' WHERE id = 2", WS_READS),
    ("workspace", WS, "pai_tasks_enabled", "UPDATE workspace SET pai_tasks_enabled = X'01' WHERE id = 2", WS_READS),
    ("workspace", WS, "display_name", "UPDATE workspace SET display_name = X'00FF' WHERE id = 2", WS_READS),
    ("workspace", "id=2", "name", "UPDATE workspace SET name = 'bad name!' WHERE id = 2", &["workspace list", "export --all", "check"]),
    ("workspace_tag", "workspace_id=2 key=team", "value", "UPDATE workspace_tag SET value = X'00' WHERE workspace_id = 2", &["workspace list", "workspace show sales_ws", "export --all"]),
    // member: role lists in other shapes, timestamps
    ("member", MEMBER, "roles", "UPDATE member SET roles = 'role_project_superuser' WHERE principal_pk = 2", MEMBER_READS),
    ("member", MEMBER, "roles", "UPDATE member SET roles = '[\"role_project_dev\"]' WHERE principal_pk = 2", MEMBER_READS),
    ("member", MEMBER, "roles", "UPDATE member SET roles = 'dev' WHERE principal_pk = 2", MEMBER_READS),
    ("member", MEMBER, "roles", "UPDATE member SET roles = '' WHERE principal_pk = 2", MEMBER_READS),
    ("member", MEMBER, "roles", "UPDATE member SET roles = 'role_project_pe,role_project_dev' WHERE principal_pk = 2", MEMBER_READS),
    ("member", MEMBER, "roles", "UPDATE member SET roles = 'role_project_dev, role_project_pe' WHERE principal_pk = 2", MEMBER_READS),
    ("member", MEMBER, "added_at", "UPDATE member SET added_at = '2026-13-01T00:00:00.000Z' WHERE principal_pk = 2", &["member list sales_ws", "export --all"]),
    // principal
    ("principal", PRINCIPAL, "kind", "UPDATE principal SET kind = 'robot' WHERE pk = 2", PRINCIPAL_READS),
    ("principal", PRINCIPAL, "full_access", "UPDATE principal SET full_access = 7 WHERE pk = 2", &["user list", "user show alice", "--as alice whoami"]),
    ("principal", PRINCIPAL, "created_at", "UPDATE principal SET created_at = '2026-11-28T10:00:00Z' WHERE pk = 2", &["user list", "user show alice", "--as alice whoami"]),
    ("principal", PRINCIPAL, "id", "UPDATE principal SET id = 'abc' WHERE pk = 2", &["user list", "user show alice"]),
    // compute
    ("compute", "workspace=sales_ws name=mc env=staging", "env", "UPDATE compute SET env = 'staging'", &["compute list sales_ws", "compute show sales_ws mc", "export --all", "check"]),
    ("compute", COMPUTE, "mode", "UPDATE compute SET mode = 'jdbc'", COMPUTE_READS),
    ("compute", COMPUTE, "type", "UPDATE compute SET type = 'oracle9'", COMPUTE_READS),
    ("compute", COMPUTE, "properties", "UPDATE compute SET properties = '{\"project\": '", COMPUTE_READS),
    ("compute", COMPUTE, "properties", "UPDATE compute SET properties = '[\"fin\"]'", COMPUTE_READS),
    ("compute", COMPUTE, "is_default", "UPDATE compute SET is_default = 3", COMPUTE_READS),
    // datasource (the compute resource's own data source is left as it is)
    ("datasource", DS, "properties", "UPDATE datasource SET properties = 'not json' WHERE name = 'orders'", DS_READS),
    ("datasource", DS, "properties", "UPDATE datasource SET properties = '{\"password\": 5}' WHERE name = 'orders'", DS_READS),
    ("datasource", DS, "test_state", "UPDATE datasource SET test_state = 'green' WHERE name = 'orders'", DS_READS),
    ("datasource", DS, "test_at", "UPDATE datasource SET test_at = 'soon' WHERE name = 'orders'", DS_READS),
    ("datasource", DS, "test_latency_ms", "UPDATE datasource SET test_latency_ms = -5 WHERE name = 'orders'", DS_READS),
    ("datasource", DS, "mode", "UPDATE datasource SET mode = 'cdh' WHERE name = 'orders'", DS_READS),
    ("datasource", DS, "origin", "UPDATE datasource SET origin = 'imported' WHERE name = 'orders'", DS_READS),
    ("datasource", DS, "origin", "UPDATE datasource SET origin = 'compute:' WHERE name = 'orders'", DS_READS),
    ("datasource", "workspace=sales_ws name=orders env=qa", "env", "UPDATE datasource SET env = 'qa' WHERE name = 'orders'", &["datasource list sales_ws", "datasource show sales_ws orders", "export --all", "check"]),
    // resource_group
    ("resource_group", RG, "type", "UPDATE resource_group SET type = 'gpu' WHERE name = 'rg_etl'", RG_READS),
    ("resource_group", RG, "spec", "UPDATE resource_group SET spec = 0 WHERE name = 'rg_etl'", RG_READS),
    ("resource_group", RG, "spec", "UPDATE resource_group SET spec = 'four' WHERE name = 'rg_etl'", RG_READS),
    ("resource_group", RG, "payment", "UPDATE resource_group SET payment = 'free' WHERE name = 'rg_etl'", RG_READS),
    ("resource_group", RG, "status", "UPDATE resource_group SET status = 'frozen' WHERE name = 'rg_etl'", RG_READS),
    ("resource_group", RG, "created_at", "UPDATE resource_group SET created_at = '' WHERE name = 'rg_etl'", RG_READS),
    ("resource_group", RG, "duration", "UPDATE resource_group SET duration = 99 WHERE name = 'rg_etl'", RG_READS),
    // tenant
    ("tenant", "singleton=1", "created_at", "UPDATE tenant SET created_at = 'x'", TENANT_READS),
    ("tenant", "singleton=1", "region", "UPDATE tenant SET region = 'Mars'", TENANT_READS),
    // audit (append-only for dwctl: an outsider drops the triggers first)
    ("audit", "seq=1", "at", "DROP TRIGGER audit_no_update; UPDATE audit SET at = 'then' WHERE seq = 1", AUDIT_READS),
    ("audit", "seq=1", "details", "DROP TRIGGER audit_no_update; UPDATE audit SET details = '{broken' WHERE seq = 1", AUDIT_READS),
];

fn args<'a>(command: &'a str, manifest: &'a str) -> Vec<&'a str> {
    if command == "PLAN" {
        vec!["plan", "--file", manifest]
    } else if command == "APPLY" {
        vec!["apply", "--file", manifest, "--yes"]
    } else {
        command.split(' ').collect()
    }
}

#[test]
fn r9_the_base_catalog_reads_cleanly() {
    if file_only() {
        return;
    }
    // Every command of the cases succeeds before the edit: what fails below is the edit.
    let (base, manifest) = base();
    let mut seen = std::collections::BTreeSet::new();
    for (.., commands) in CASES {
        for c in commands.iter() {
            if seen.insert(*c) {
                // Read cleanly: success, or a refusal that is not the catalog's (restoring a
                // workspace that is not deleted is exit 6).
                let r = base.fork().run(&args(c, manifest));
                assert!(
                    r.code == 0 || (2..=6).contains(&r.code),
                    "dwctl {c}: {}",
                    r.stderr
                );
            }
        }
    }
}

#[test]
fn r9_an_unexpected_stored_value_is_exit_7_naming_table_row_and_column() {
    if file_only() {
        return;
    }
    let (base, manifest) = base();
    for &(table, key, column, sql, commands) in CASES {
        let env = base.fork();
        {
            let conn = rusqlite::Connection::open(&env.catalog).unwrap();
            conn.execute_batch(&format!("PRAGMA ignore_check_constraints = ON; {sql}"))
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        let (rows, audit) = (env.rows(), env.audit());
        for c in commands.iter() {
            let r = env.run(&args(c, manifest));
            let case = format!(
                "{sql}\n  dwctl {c}\nstdout: {}\nstderr: {}",
                r.stdout, r.stderr
            );
            assert_eq!(r.code, 7, "{case}");
            assert!(!r.stderr.contains("panicked"), "{case}");
            assert!(r.stdout.is_empty(), "{case}");
            for needle in [
                format!("table {table},"),
                format!("row {key}"),
                format!("column {column}"),
                "dwctl catalog backup".to_string(),
            ] {
                assert!(r.stderr.contains(&needle), "no {needle:?}: {case}");
            }
            assert!(
                !r.stderr.contains("s3cret"),
                "a secret in a message: {case}"
            );
        }
        assert_eq!((env.rows(), env.audit()), (rows, audit), "{sql}: changed");
    }
}

#[test]
fn r9_json_errors_name_the_column_without_repeating_its_secrets() {
    if file_only() {
        return;
    }
    let (base, _) = base();
    let env = base.fork();
    let conn = rusqlite::Connection::open(&env.catalog).unwrap();
    conn.execute_batch(
        "UPDATE datasource SET properties = '{\"password\": \"s3cret-value\", ' WHERE name = 'orders'",
    )
    .unwrap();
    let r = env.run(&["-o", "json", "datasource", "show", "sales_ws", "orders"]);
    assert_eq!(r.code, 7, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(!r.stderr.contains("s3cret"), "{}", r.stderr);
    let e = r.json_error();
    assert!(e.to_string().contains("column properties"), "{e}");
}

/// Every time prints as RFC 3339; a clock that would put one past 9999-12-31 is exit 2.
#[test]
fn r9_times_stay_within_the_years_0000_to_9999() {
    if file_only() {
        return;
    }
    let env = Env::new();
    env.run(&["workspace", "create", "late_ws"]).ok();
    env.run(&["workspace", "create", "last_ws"]).ok();
    // Deleting on 9999-12-25 would keep the workspace until 10000-01-08: refused, unchanged.
    let late = env.fork().with_var("DWCTL_NOW", "9999-12-25T00:00:00Z");
    let (rows, audit) = (late.rows(), late.audit());
    let r = late.run(&["workspace", "delete", "late_ws", "--yes"]);
    r.fails(2, "9999-12-31T23:59:59.999Z");
    assert!(r.stdout.is_empty());
    assert_eq!((late.rows(), late.audit()), (rows, audit));
    // The last moment that still fits: retention ends at the very end of 9999.
    let last = env.fork().with_var("DWCTL_NOW", "9999-12-17T23:59:59.999Z");
    last.run(&["workspace", "delete", "last_ws", "--yes"]).ok();
    let w = last.json(&["-o", "json", "workspace", "show", "last_ws"]);
    assert_eq!(w["retention_until"], "9999-12-31T23:59:59.999Z");
    assert_eq!(w["deleted_at"], "9999-12-17T23:59:59.999Z");
    let table = last.run(&["workspace", "show", "last_ws"]);
    assert!(table.ok().contains("9999-12-31T23:59:59.999Z"));
    // Clocks and inputs past the range.
    for now in ["10000-01-01T00:00:00Z", "9999-12-31T23:59:59-01:00"] {
        env.fork()
            .with_var("DWCTL_NOW", now)
            .run(&["workspace", "list"])
            .fails(2, "DWCTL_NOW");
    }
    env.run(&["audit", "list", "--until", "9999-12-31T23:30:00-01:00"])
        .fails(2, "9999-12-31T23:59:59.999Z");
}
