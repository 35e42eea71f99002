//! R4: catalog files dwctl must refuse (exit 7, a clear message) without modifying them:
//! not SQLite, truncated, of a newer schema, read-only, in a missing folder, locked.

use std::path::{Path, PathBuf};

use crate::harness::*;

/// Commands that open the catalog: reads, then writes.
const READS: &[&[&str]] = &[
    &["workspace", "list"],
    &["user", "list"],
    &["member", "list", DEFAULT_WS],
    &["audit", "list"],
    &["audit", "verify"],
    &["whoami"],
];
const WRITES: &[&[&str]] = &[
    &["user", "add", "zed"],
    &["workspace", "create", "new_ws"],
    &["member", "add", DEFAULT_WS, "alice", "--role", "dev"],
    &["user", "add", "zed", "--dry-run"],
];

/// A real catalog with some content, copied to `name` next to the harness's catalog.
fn copy_of_real_catalog(env: &Env, name: &str) -> PathBuf {
    env.run(&["user", "add", "alice"]).ok();
    env.run(&["workspace", "create", "sales_ws"]).ok();
    env.run(&["member", "add", "sales_ws", "alice", "--role", "dev"])
        .ok();
    let copy = env.path().join(name);
    std::fs::copy(&env.catalog, &copy).unwrap();
    copy
}

/// Run `args` on `file`: exit 7 with `needle` in the message (and a JSON error under
/// `-o json`), no panic, and the file's bytes unchanged.
#[track_caller]
fn refused_with_7(env: &Env, file: &Path, args: &[&str], needle: &str) {
    let before = std::fs::read(file).ok();
    let catalog = file.to_str().unwrap();
    let mut argv = vec!["--catalog", catalog];
    argv.extend_from_slice(args);
    let r = env.run(&argv);
    r.fails(7, needle);
    assert!(r.stderr.starts_with("error: "), "{args:?}: {}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{args:?}: {}", r.stderr);
    assert_eq!(r.stdout, "", "{args:?}");
    argv.extend_from_slice(&["-o", "json"]);
    let r = env.run(&argv);
    assert_eq!(r.code, 7, "{args:?} -o json: {}", r.stderr);
    let e = r.json_error();
    assert_eq!(e["code"], "catalog_unavailable", "{args:?}");
    assert_eq!(e["exit_code"], 7, "{args:?}");
    assert_eq!(
        std::fs::read(file).ok(),
        before,
        "{args:?} modified {}",
        file.display()
    );
}

fn refuse_every_command(env: &Env, file: &Path, needle: &str) {
    for args in READS.iter().chain(WRITES) {
        refused_with_7(env, file, args, needle);
    }
}

/// `init` in its three forms: a file that is no catalog is exit 7 for it too, never "a
/// catalog already exists" (exit 4, whose hint `--if-not-exists` then failed).
const INITS: &[&[&str]] = &[
    &["init"],
    &["init", "--account-id", ACCOUNT],
    &["init", "--if-not-exists"],
];

/// Every command, `init` included, refuses a file that is not a dwctl catalog.
fn refuse_every_command_and_init(env: &Env, file: &Path) {
    refuse_every_command(env, file, "is not a dwctl catalog");
    for args in INITS {
        refused_with_7(env, file, args, "is not a dwctl catalog");
    }
}

#[test]
fn r4_a_file_that_is_not_sqlite_is_refused_untouched() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let text = env.path().join("notes.db");
    std::fs::write(&text, "this is not a database\n".repeat(200)).unwrap();
    refuse_every_command_and_init(&env, &text);

    let empty = env.path().join("empty.db");
    std::fs::write(&empty, "").unwrap();
    refuse_every_command_and_init(&env, &empty);

    // SQLite's magic followed by garbage: it passes the first glance only.
    let mut fake = b"SQLite format 3\0".to_vec();
    fake.extend(std::iter::repeat_n(0xA5u8, 8192));
    let magic = env.path().join("magic.db");
    std::fs::write(&magic, &fake).unwrap();
    refuse_every_command_and_init(&env, &magic);

    let dir = env.path().join("folder.db");
    std::fs::create_dir(&dir).unwrap();
    refuse_every_command(&env, &dir, "is not a dwctl catalog");
}

#[test]
fn r4_another_programs_sqlite_database_is_refused_untouched() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let other = env.path().join("other.db");
    {
        let conn = rusqlite::Connection::open(&other).unwrap();
        conn.execute_batch("CREATE TABLE tenant (x); INSERT INTO tenant VALUES (1);")
            .unwrap();
    }
    refuse_every_command_and_init(&env, &other);
}

#[test]
fn r4_a_truncated_catalog_is_refused_untouched() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let copy = copy_of_real_catalog(&env, "truncated.db");
    let bytes = std::fs::read(&copy).unwrap();
    assert!(bytes.len() >= 8 * 4096, "a catalog of several pages");
    // Cut in half, and at a few other page boundaries.
    for cut in [
        bytes.len() / 2,
        4096,
        bytes.len() - 4096,
        bytes.len() / 3 + 100,
    ] {
        std::fs::write(&copy, &bytes[..cut]).unwrap();
        refuse_every_command(&env, &copy, "corrupt");
    }
}

#[test]
fn r4_a_catalog_of_a_newer_schema_is_refused_untouched() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let copy = copy_of_real_catalog(&env, "newer.db");
    {
        let conn = rusqlite::Connection::open(&copy).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    refuse_every_command(&env, &copy, "written by a newer dwctl (schema 99");
}

#[test]
fn r4_a_read_only_catalog_reads_but_refuses_writes_untouched() {
    if file_only() {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let copy = copy_of_real_catalog(&env, "readonly.db");
    // Read-only for its owner only (0444 would warn that others can read it).
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o400)).unwrap();
    let before = std::fs::read(&copy).unwrap();
    // Reads work on a read-only catalog (domain.md 1) ...
    for args in READS {
        let mut argv = vec!["--catalog", copy.to_str().unwrap()];
        argv.extend_from_slice(args);
        let r = env.run(&argv);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }
    // ... and every write is exit 7, even for root (no write bits = read-only).
    for args in WRITES {
        refused_with_7(&env, &copy, args, "is read-only");
    }
    assert_eq!(std::fs::read(&copy).unwrap(), before);
}

#[test]
fn r4_a_catalog_in_a_missing_folder_is_not_created() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let missing = env.path().join("no_such_folder").join("catalog.db");
    refuse_every_command(&env, &missing, "no catalog at");
    assert!(
        !missing.parent().unwrap().exists(),
        "the folder was created"
    );
}

#[test]
fn r4_a_catalog_locked_past_the_timeout_is_exit_7_and_unchanged() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let conn = rusqlite::Connection::open(&env.catalog).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let (rows, audit) = (env.rows(), env.audit());
    let r = env.run(&["--lock-timeout", "0.2", "user", "add", "zed"]);
    r.fails(7, "locked");
    conn.execute_batch("ROLLBACK").unwrap();
    drop(conn);
    assert_eq!((env.rows(), env.audit()), (rows, audit));
}

/// A file that carries dwctl's application id but not its tables (an interrupted copy, a
/// hand-made file): not a catalog dwctl can use, and not one it may "repair".
#[test]
fn r4_a_file_with_our_id_but_no_catalog_inside_is_refused_untouched() {
    if file_only() {
        return;
    }
    let env = Env::new();
    for (name, version) in [("v0.db", 0), ("v1.db", 1)] {
        let path = env.path().join(name);
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.pragma_update(None, "application_id", 0x6477_6374)
                .unwrap();
            conn.pragma_update(None, "user_version", version).unwrap();
            conn.execute_batch("CREATE TABLE unrelated (x)").unwrap();
        }
        refuse_every_command(&env, &path, "corrupt");
    }
}

/// A schema version no dwctl writes (negative, or past this dwctl's), read by every
/// command: exit 7 naming the file, never an attempt to migrate (which dumped the
/// migration's SQL with exit 1).
#[test]
fn r4_a_negative_or_unknown_schema_version_is_exit_7_without_sql() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let base = copy_of_real_catalog(&env, "base.db");
    for (version, needle) in [
        (-1, "is corrupt"),
        (-3, "is corrupt"),
        (i32::MIN, "is corrupt"),
        // One past this dwctl's schema.
        (
            dwctl::storage::sqlite::SCHEMA_VERSION + 1,
            "written by a newer dwctl",
        ),
        (i32::MAX, "written by a newer dwctl"),
    ] {
        let copy = env.path().join(format!("v{version}.db"));
        std::fs::copy(&base, &copy).unwrap();
        {
            let conn = rusqlite::Connection::open(&copy).unwrap();
            conn.pragma_update(None, "user_version", version).unwrap();
        }
        refuse_every_command(&env, &copy, needle);
        let r = env.run(&["--catalog", copy.to_str().unwrap(), "user", "list"]);
        assert!(
            r.stderr.contains(copy.to_str().unwrap()),
            "the message names the file: {}",
            r.stderr
        );
        assert!(!r.stderr.contains("CREATE"), "{}", r.stderr);
        assert!(r.stderr.lines().count() <= 3, "{}", r.stderr);
    }
}

/// A dwctl catalog with one table dropped (or a column): exit 7 with the path and the
/// restore hint for every command, whichever table it reads.
#[test]
fn r4_a_catalog_missing_a_table_or_a_column_is_exit_7() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let base = copy_of_real_catalog(&env, "base.db");
    for table in ["audit", "binding", "workspace_tag", "datasource", "tenant"] {
        let copy = env.path().join(format!("no_{table}.db"));
        std::fs::copy(&base, &copy).unwrap();
        {
            let conn = rusqlite::Connection::open(&copy).unwrap();
            conn.execute_batch(&format!("DROP TABLE {table}")).unwrap();
        }
        refuse_every_command(&env, &copy, "is corrupt");
        let r = env.run(&["--catalog", copy.to_str().unwrap(), "whoami"]);
        assert!(
            r.stderr.contains(&format!("has no table {table}")),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("hint: restore it from a backup"),
            "{}",
            r.stderr
        );
    }
    // A column dropped: the commands that read it say the file is corrupt (exit 7),
    // without the statement's SQL.
    let copy = env.path().join("no_column.db");
    std::fs::copy(&base, &copy).unwrap();
    {
        let conn = rusqlite::Connection::open(&copy).unwrap();
        conn.execute_batch("ALTER TABLE principal DROP COLUMN display_name")
            .unwrap();
    }
    for args in [&["user", "list"][..], &["whoami"], &["user", "add", "zed"]] {
        refused_with_7(&env, &copy, args, "is corrupt");
        let mut argv = vec!["--catalog", copy.to_str().unwrap()];
        argv.extend_from_slice(args);
        let r = env.run(&argv);
        assert!(
            r.stderr.contains("no such column: display_name"),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains("SELECT"), "{}", r.stderr);
    }
}

/// Garbage (random bytes, or zeros) written over each page after the first of a real
/// catalog: every command exits 7, or as if the rows on that page were not there (0, or
/// 3 and 4 for what is missing or there twice); never 1, never a panic;
/// `audit verify` checks the whole file and is exit 7 whenever SQLite finds it unsound.
#[test]
fn r4_corrupted_pages_are_exit_7_and_audit_verify_checks_the_file() {
    if file_only() {
        return;
    }
    let env = Env::new();
    for i in 0..20 {
        env.run(&["user", "add", &format!("user{i}")]).ok();
    }
    let real = copy_of_real_catalog(&env, "real.db");
    let bytes = std::fs::read(&real).unwrap();
    let pages = bytes.len() / 4096;
    assert!(pages >= 8);
    let mut unsound = 0;
    for page in 2..=pages {
        for zeros in [false, true] {
            let mut damaged = bytes.clone();
            let at = (page - 1) * 4096;
            for (i, b) in damaged[at..at + 4096].iter_mut().enumerate() {
                *b = if zeros {
                    0
                } else {
                    (i as u8).wrapping_mul(31).wrapping_add(page as u8) ^ 0x5A
                };
            }
            let path = env.path().join(format!("page{page}_{zeros}.db"));
            std::fs::write(&path, &damaged).unwrap();
            std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600))
                .unwrap();
            let sound = rusqlite::Connection::open(&path)
                .and_then(|c| c.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0)))
                .is_ok_and(|s| s == "ok");
            let catalog = path.to_str().unwrap();
            for args in [
                &["workspace", "list"][..],
                &["user", "list"],
                &["audit", "list"],
                &["whoami"],
                &["user", "add", "zed"],
            ] {
                let mut argv = vec!["--catalog", catalog];
                argv.extend_from_slice(args);
                let r = env.run(&argv);
                assert!(
                    matches!(r.code, 0 | 3 | 4 | 7),
                    "page {page} {args:?}: exit {} {}",
                    r.code,
                    r.stderr
                );
                assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
                if r.code == 7 {
                    assert!(r.stderr.contains(catalog), "{}", r.stderr);
                }
            }
            if !sound {
                unsound += 1;
                // Written again: the writes above may have been refused half-way.
                std::fs::write(&path, &damaged).unwrap();
                let r = env.run(&["--catalog", catalog, "audit", "verify"]);
                r.fails(7, &format!("the catalog file {catalog} is corrupt"));
                assert!(
                    r.stderr.contains("hint: restore it from a backup"),
                    "{}",
                    r.stderr
                );
                assert_eq!(r.stdout, "");
                // A copy of an unsound file is no backup: exit 7, and no file written
                // (no "Backed up" for a copy that would fail the day it is restored).
                let copy = env.path().join(format!("backup{page}_{zeros}.db"));
                let r = env.run(&[
                    "--catalog",
                    catalog,
                    "catalog",
                    "backup",
                    copy.to_str().unwrap(),
                ]);
                r.fails(7, &format!("the catalog file {catalog} is corrupt"));
                assert!(!copy.exists(), "page {page}: a damaged backup was written");
                let left: Vec<_> = std::fs::read_dir(env.path())
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|n| n.contains(&format!("backup{page}_{zeros}")))
                    .collect();
                assert!(left.is_empty(), "{left:?}");
            }
        }
    }
    assert!(
        unsound > pages,
        "most damaged copies are unsound ({unsound})"
    );
}

/// A write-ahead log cut short (a crash, a careless copy): SQLite ignores the frames
/// that are not whole, so the catalog reads as of its last whole commit: exit 0 and a
/// sound file, or exit 7; never a panic, never exit 1.
#[test]
fn r4_a_truncated_write_ahead_log_is_recovered_or_refused() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let wal = std::path::PathBuf::from(format!("{}-wal", env.catalog.display()));
    // A reader kept open stops dwctl from folding the log into the file on close.
    let holder = rusqlite::Connection::open(&env.catalog).unwrap();
    holder
        .query_row("SELECT count(*) FROM principal", [], |r| r.get::<_, i64>(0))
        .unwrap();
    for i in 0..10 {
        env.run(&["user", "add", &format!("late{i}")]).ok();
    }
    let db = std::fs::read(&env.catalog).unwrap();
    let log = std::fs::read(&wal).unwrap();
    drop(holder);
    assert!(
        log.len() > 32 + 4120 * 3,
        "the log holds frames: {}",
        log.len()
    );
    for cut in [
        0,
        16,
        32,
        32 + 24,
        32 + 4120,
        log.len() / 2,
        log.len() - 100,
        log.len() - 1,
    ] {
        let path = env.path().join(format!("cut{cut}.db"));
        std::fs::write(&path, &db).unwrap();
        std::fs::write(format!("{}-wal", path.display()), &log[..cut]).unwrap();
        for p in [path.clone(), format!("{}-wal", path.display()).into()] {
            std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o600))
                .unwrap();
        }
        let catalog = path.to_str().unwrap();
        for args in READS.iter().chain(WRITES) {
            let mut argv = vec!["--catalog", catalog];
            argv.extend_from_slice(args);
            let r = env.run(&argv);
            assert!(
                matches!(r.code, 0 | 3 | 4 | 7),
                "cut {cut} {args:?}: exit {} {}",
                r.code,
                r.stderr
            );
            assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        }
        assert_eq!(super::integrity(&path), "ok", "cut {cut}");
    }
}
