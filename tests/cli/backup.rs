//! `dwctl catalog backup PATH`: a consistent copy, mode 0600, never over an existing file,
//! while other processes keep writing.

use crate::harness::{file_only, Env};
use std::path::Path;

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Files in the folder other than the catalog's own, for "nothing left behind" checks.
fn strays(env: &Env, except: &[&str]) -> Vec<String> {
    std::fs::read_dir(env.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("catalog.db") && !except.contains(&n.as_str()))
        .collect()
}

/// The copy read as a catalog: the same rows, and its audit chain verifies.
fn same_catalog(env: &Env, copy: &Path) {
    let mut other = env.fork();
    other.catalog = copy.to_path_buf();
    assert_eq!(other.rows(), env.rows());
    assert_eq!(other.audit(), env.audit());
    other.run(&["audit", "verify"]).ok();
    assert_eq!(crate::reliability::integrity(copy), "ok");
}

#[test]
fn a_backup_is_the_catalog_in_a_new_0600_file_and_writes_no_event() {
    if file_only() {
        return;
    }
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    env.run(&["workspace", "create", "sales_ws"]).ok();
    let audit = env.audit();
    let copy = env.path().join("backup.db");
    let r = env.run(&["-o", "json", "catalog", "backup", copy.to_str().unwrap()]);
    let v = r.json();
    assert_eq!(v["path"], copy.to_str().unwrap());
    assert_eq!(v["bytes"], std::fs::metadata(&copy).unwrap().len());
    #[cfg(unix)]
    assert_eq!(mode(&copy), 0o600);
    assert_eq!(env.audit(), audit, "a backup changes nothing");
    same_catalog(&env, &copy);
    // Under the table format a status line names the file.
    let copy2 = env.path().join("second.db");
    let r = env.run(&["catalog", "backup", copy2.to_str().unwrap()]);
    r.ok();
    assert!(
        r.stderr.contains("Backed up the catalog to"),
        "{}",
        r.stderr
    );
    assert!(strays(&env, &["backup.db", "second.db"]).is_empty());
}

#[test]
#[cfg(unix)]
fn a_backup_is_0600_whatever_the_umask_allows() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let copy = env.path().join("open.db");
    let c = env.cmd(&["catalog", "backup", copy.to_str().unwrap()]);
    // The same command under a permissive umask: the file is still created 0600.
    let mut wrapped = std::process::Command::new("sh");
    wrapped
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(c.get_program())
        .args(c.get_args())
        .env_clear()
        .current_dir(env.path());
    for (k, v) in c.get_envs() {
        if let Some(v) = v {
            wrapped.env(k, v);
        }
    }
    let r = Env::output(wrapped);
    r.ok();
    assert_eq!(mode(&copy), 0o600);
}

#[test]
fn an_existing_path_is_never_replaced() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let target = env.path().join("precious.txt");
    std::fs::write(&target, "keep me").unwrap();
    let rows = env.rows();
    let r = env.run(&["catalog", "backup", target.to_str().unwrap()]);
    r.fails(4, "already exists");
    assert!(r.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    // The catalog itself is a path that exists too.
    env.run(&["catalog", "backup", env.catalog.to_str().unwrap()])
        .fails(4, "already exists");
    assert_eq!(env.rows(), rows);
    assert!(
        strays(&env, &["precious.txt"]).is_empty(),
        "{:?}",
        strays(&env, &["precious.txt"])
    );
}

#[test]
fn a_backup_needs_the_account_or_full_access() {
    if file_only() {
        return;
    }
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    env.run(&["workspace", "create", "sales_ws"]).ok();
    env.run(&["member", "add", "sales_ws", "alice", "--role", "admin"])
        .ok();
    let copy = env.path().join("stolen.db");
    let r = env.run(&["--as", "alice", "catalog", "backup", copy.to_str().unwrap()]);
    r.fails(5, "may not back up the catalog");
    assert!(r.stdout.is_empty());
    assert!(!copy.exists());
    // A RAM user with full access may.
    env.run(&["user", "update", "alice", "--full-access", "true"])
        .ok();
    env.run(&["--as", "alice", "catalog", "backup", copy.to_str().unwrap()])
        .ok();
    same_catalog(&env, &copy);
}

#[test]
fn a_backup_while_another_process_writes_is_consistent() {
    if file_only() {
        return;
    }
    let env = Env::new();
    env.run(&["workspace", "create", "sales_ws"]).ok();
    let before = (env.rows(), env.audit());
    // Another process holds the write lock with a change not yet committed.
    let conn = rusqlite::Connection::open(&env.catalog).unwrap();
    conn.execute_batch(
        "BEGIN IMMEDIATE; UPDATE workspace SET description = 'half-done' WHERE name = 'sales_ws';",
    )
    .unwrap();
    let copy = env.path().join("during.db");
    env.run(&[
        "--lock-timeout",
        "0",
        "catalog",
        "backup",
        copy.to_str().unwrap(),
    ])
    .ok();
    conn.execute_batch("COMMIT").unwrap();
    drop(conn);
    // The copy is the catalog as it was before the uncommitted change.
    let mut other = env.fork();
    other.catalog = copy.clone();
    assert_eq!((other.rows(), other.audit()), before);
    other.run(&["audit", "verify"]).ok();
    assert_eq!(crate::reliability::integrity(&copy), "ok");
}

#[test]
fn a_backup_into_a_missing_folder_fails_and_leaves_nothing() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let copy = env.path().join("no_such_folder").join("b.db");
    // A PATH that cannot be created is bad input (2), named with the OS's reason.
    let r = env.run(&["catalog", "backup", copy.to_str().unwrap()]);
    r.fails(2, "no_such_folder/b.db");
    assert!(
        r.stderr.contains("caused by: No such file or directory"),
        "{}",
        r.stderr
    );
    assert!(!copy.parent().unwrap().exists());
}

/// A backup killed half-way leaves its temporary copy beside PATH (every secret in clear):
/// the next backup to PATH removes those of processes that are gone, and keeps anything
/// else (a live process's, another file's).
#[test]
fn a_backup_removes_the_temporary_copies_of_killed_backups() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let copy = env.path().join("b.db");
    // PID 0x7fff_fff0 exists nowhere (Linux caps PIDs at 2^22).
    let dead = [".b.db.2147483632.17.tmp", ".b.db.2147483632.17.tmp-journal"];
    let keep = [".b.db.1.17.tmp", ".other.db.2147483632.17.tmp"];
    for n in dead.iter().chain(&keep) {
        std::fs::write(env.path().join(n), "secret").unwrap();
    }
    env.run(&["catalog", "backup", copy.to_str().unwrap()]).ok();
    if Path::new("/proc/self").exists() {
        for n in dead {
            assert!(!env.path().join(n).exists(), "{n} was kept");
        }
    }
    for n in keep {
        assert!(env.path().join(n).exists(), "{n} was removed");
    }
    same_catalog(&env, &copy);
}

/// SQLite treats CATALOG-wal, -shm and -journal as the catalog's own files: a backup there
/// said "Backed up" and the next command deleted it (a journal could even be played back
/// into the catalog). Refused (exit 2), whichever path names them; nothing written.
#[test]
fn a_backup_is_never_written_as_the_catalogs_own_log() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let dir = env.path().display().to_string();
    for dest in [
        format!("{dir}/catalog.db-journal"),
        format!("{dir}/catalog.db-wal"),
        format!("{dir}/catalog.db-shm"),
        "catalog.db-journal".to_string(),
        "./catalog.db-journal".to_string(),
        format!(
            "{dir}/../{}/catalog.db-journal",
            env.path().file_name().unwrap().to_str().unwrap()
        ),
    ] {
        let r = env.refused(&["catalog", "backup", &dest], 2, "file of the catalog");
        assert!(r.stderr.contains("hint: name a new file"), "{}", r.stderr);
        assert!(
            strays(&env, &[]).is_empty(),
            "{dest}: {:?}",
            strays(&env, &[])
        );
        // (-wal and -shm may be SQLite's own, left by the harness's reads.)
        if dest.ends_with("-journal") {
            assert!(!env.path().join(&dest).exists(), "{dest} was written");
        }
    }
    // A name that only starts like one is an ordinary new file.
    let other = format!("{dir}/catalog.db-journal.bak");
    env.run(&["catalog", "backup", &other]).ok();
    env.run(&["workspace", "list"]).ok();
    assert!(Path::new(&other).exists());
}
