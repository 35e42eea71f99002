//! `catalog copy`: every row verbatim into a new catalog, appending nothing (issue 13).
//! These run file -> file; the PostgreSQL directions are in `copy::pg` (they need
//! `DWCTL_TEST_PG_URL`).

use crate::harness::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Every row of every table, the audit log and SQLite's id high-water marks included.
fn everything(path: &Path) -> BTreeMap<String, Vec<String>> {
    table_rows(path, &[])
}

/// `catalog copy --from FROM --to TO`.
fn copy_between(env: &Env, from: &Path, to: &Path) -> Run {
    env.run(&[
        "catalog",
        "copy",
        "--from",
        from.to_str().unwrap(),
        "--to",
        to.to_str().unwrap(),
    ])
}

/// A catalog with something of every kind, a purged workspace (its id is never reused),
/// a login mapped, and denied and refused events in the log.
fn source() -> Env {
    let env = crate::manifest::varied();
    env.run(&["user", "update", "alice", "--db-role", "alice"])
        .ok();
    env.run(&["workspace", "create", "purged_ws"]).ok();
    env.run(&["workspace", "delete", "purged_ws", "--yes"]).ok();
    env.run(&["workspace", "purge", "purged_ws", "--yes"]).ok();
    env.run(&["--as", "bob", "workspace", "create", "nope_ws"])
        .fails(5, "may not");
    env
}

#[test]
fn a_copy_holds_every_row_verbatim_and_appends_nothing() {
    let env = source();
    let before = everything(&env.catalog);
    let export = env.run(&["export", "--all"]).ok().to_string();
    let to = env.path().join("sub/copy.db");
    let r = env.run(&[
        "catalog",
        "copy",
        "--to",
        to.to_str().unwrap(),
        "-o",
        "json",
    ]);
    let v = r.json();
    assert_eq!(v["to"], to.to_str().unwrap());
    let events = env.audit().len() as u64;
    assert_eq!(v["tables"]["audit"], events);
    assert_eq!(v["tables"]["tenant"], 1);
    // Nothing appended to the source, nothing more in the copy: every table the same,
    // keys, ids, hashes and the workspace ids' high-water mark.
    assert_eq!(everything(&env.catalog), before);
    assert_eq!(everything(&to), before);
    // The copy is a catalog like any other: 0600, its chain verifies, it exports the
    // same bytes, and its next workspace gets the id the source's would.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&to).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let copy = Env {
        dir: tempfile::tempdir().unwrap(),
        catalog: to.clone(),
        vars: env.vars.clone(),
    };
    copy.run(&["audit", "verify"]).ok();
    assert_eq!(copy.run(&["export", "--all"]).ok(), export);
    let a = env.json(&["workspace", "create", "next_ws", "-o", "json"]);
    let b = copy.json(&["workspace", "create", "next_ws", "-o", "json"]);
    assert_eq!(a["result"]["id"], b["result"]["id"]);
    // ...and back: a copy of the copy, named explicitly.
    let back = env.path().join("back.db");
    copy_between(&env, &to, &back).ok();
    assert_eq!(everything(&back), everything(&to));
}

#[test]
fn a_target_that_is_not_empty_is_refused() {
    let env = Env::new();
    let other = Env::new();
    // Another catalog, an empty file, a folder: exit 4, untouched.
    let empty = env.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    for to in [other.catalog.as_path(), empty.as_path(), env.path()] {
        let bytes = std::fs::read(to).ok();
        env.refused(
            &["catalog", "copy", "--to", to.to_str().unwrap()],
            4,
            "is not empty",
        );
        assert_eq!(std::fs::read(to).ok(), bytes);
    }
    // Onto itself, too.
    env.refused(
        &["catalog", "copy", "--to", env.catalog.to_str().unwrap()],
        4,
        "is not empty",
    );
    let names: Vec<String> = std::fs::read_dir(env.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp")), "{names:?}");
}

#[test]
fn copying_needs_a_tenant_administrator() {
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    let to = env.path().join("stolen.db");
    let audit = env.audit();
    let as_alice = [
        "--as",
        "alice",
        "catalog",
        "copy",
        "--to",
        to.to_str().unwrap(),
    ];
    let r = env.run(&as_alice);
    r.fails(5, "alice may not copy the catalog");
    assert!(r.stdout.is_empty());
    assert!(!to.exists());
    assert_eq!(env.audit(), audit);
    env.run(&["user", "update", "alice", "--full-access", "true"])
        .ok();
    env.run(&as_alice).ok();
    assert!(to.exists());
}

#[test]
fn a_source_that_is_missing_or_damaged_is_exit_7_and_writes_nothing() {
    let env = Env::new();
    let to = env.path().join("copy.db");
    let missing = env.path().join("missing.db");
    copy_between(&env, &missing, &to).fails(7, "no catalog at");
    assert!(!to.exists());
    // A stored value dwctl never writes: named, and no copy appears.
    let conn = rusqlite::Connection::open(&env.catalog).unwrap();
    conn.execute("UPDATE workspace SET is_default = 7", [])
        .unwrap();
    drop(conn);
    let r = env.run(&["catalog", "copy", "--to", to.to_str().unwrap()]);
    r.fails(7, "table workspace, row id=1, column is_default");
    assert!(!to.exists());
}
