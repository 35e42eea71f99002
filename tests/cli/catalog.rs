//! The catalog file: init, implicit init at the default path, files that are not (usable)
//! catalogs, permissions, and two first runs at once (domain.md 1, quality.md R4).

use crate::harness::*;
use serde_json::json;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;

fn mode_of(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// The names in a folder, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Where the default catalog lives when HOME is the temp folder (the `directories`
/// crate's data dir on Linux).
fn default_catalog(env: &Env) -> PathBuf {
    env.path().join(".local/share/dwctl/catalog.db")
}

#[test]
fn init_creates_the_account_the_default_workspace_and_its_group() {
    if file_only() {
        return;
    }
    let env = Env::empty();
    let r = env.run(&[
        "init",
        "--account-id",
        ACCOUNT,
        "--region",
        "cn-shanghai",
        "-o",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "", "no status lines under -o json");
    assert_eq!(
        r.json(),
        json!({
            "action": "catalog.init", "changed": true, "dry_run": false,
            "result": {
                "account_id": ACCOUNT, "region": "cn-shanghai", "account": "root",
                "default_workspace": DEFAULT_WS,
                "default_resource_group": "default_serverless_group",
                "created_at": "2026-11-28T10:00:00.000Z"
            },
            "warnings": []
        })
    );
    assert_eq!(mode_of(&env.catalog), 0o600);
    // Only the catalog is left in the folder: no temporary file, no journal.
    assert_eq!(listing(env.path()), vec!["catalog.db"]);

    let users = env.json(&["user", "list", "-o", "json"]);
    assert_eq!(
        users,
        json!([{ "id": ACCOUNT, "name": "root", "kind": "account",
                 "display_name": "Alibaba Cloud account", "full_access": true,
                 "db_role": null, "created_at": "2026-11-28T10:00:00.000Z" }])
    );
    let ws = env.json(&["workspace", "show", DEFAULT_WS, "-o", "json"]);
    assert_eq!(ws["display_name"], "Default Workspace");
    assert_eq!(ws["mode"], "basic");
    assert_eq!(ws["status"], "available");
    assert_eq!(ws["is_default"], true);
    assert_eq!(ws["owner"], ACCOUNT);
    assert_eq!(ws["default_resource_group"], "default_serverless_group");
    assert_eq!(ws["resource_groups"], json!(["default_serverless_group"]));
    let rg = env.json(&[
        "resourcegroup",
        "show",
        "default_serverless_group",
        "-o",
        "json",
    ]);
    assert_eq!(rg["type"], "serverless");
    assert_eq!(rg["payment"], "postpaid");
    assert_eq!(rg["workspaces"], json!([DEFAULT_WS]));
    assert!(
        rg["id"]
            .as_str()
            .unwrap()
            .strip_prefix("Serverless_res_group_")
            .and_then(|t| t.split_once('_'))
            .is_some_and(|(a, d)| a.len() == 16
                && d.len() == 16
                && (a.to_string() + d).chars().all(|c| c.is_ascii_digit())),
        "{rg}"
    );
    let members = env.json(&["member", "list", DEFAULT_WS, "-o", "json"]);
    assert_eq!(members.as_array().unwrap().len(), 1);
    assert_eq!(members[0]["user"], "root");
    assert_eq!(members[0]["roles"], json!(["role_project_owner"]));
    let events = env.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].key(), ("root", "catalog.init", None, None, "ok"));
    env.json(&["audit", "verify", "-o", "json"]);
}

#[test]
fn init_defaults_to_a_random_account_in_cn_hangzhou() {
    let env = Env::empty();
    let v = env.json(&["init", "-o", "json"]);
    let id = v["result"]["account_id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 16, "{id}");
    assert!(id.chars().all(|c| c.is_ascii_digit()), "{id}");
    assert_eq!(v["result"]["region"], "cn-hangzhou");
    assert_eq!(
        v["result"]["default_workspace"],
        format!("default_workspace_{}", &id[12..])
    );
}

#[test]
fn init_rejects_a_bad_account_id_or_region_and_creates_nothing() {
    let env = Env::empty();
    env.run(&["init", "--account-id", "123"])
        .fails(2, "invalid account id '123'");
    env.run(&["init", "--region", "Hangzhou"])
        .fails(2, "invalid region 'Hangzhou'");
    assert!(listing(env.path()).is_empty());
}

#[test]
fn init_twice_is_a_conflict_unless_if_not_exists() {
    let env = Env::new();
    let before = env.bytes();
    let r = env.refused(
        &["init", "--account-id", ACCOUNT],
        4,
        "a catalog already exists at",
    );
    assert!(
        r.stderr.contains("hint: pass --if-not-exists"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");
    assert_eq!(env.bytes(), before);

    // --if-not-exists: success, nothing changed, and the tenant that is there.
    let v = env.json(&[
        "init",
        "--if-not-exists",
        "--account-id",
        "9999999999999999",
        "-o",
        "json",
    ]);
    assert_eq!(v["action"], "catalog.init");
    assert_eq!(v["changed"], false);
    assert_eq!(v["result"]["account_id"], ACCOUNT);
    assert_eq!(v["result"]["default_workspace"], DEFAULT_WS);
    assert_eq!(env.bytes(), before);
    assert_eq!(env.events().len(), 1);
}

#[test]
fn the_first_command_at_the_default_path_creates_the_catalog_and_says_so() {
    if file_only() {
        return;
    }
    let env = Env::empty();
    let path = default_catalog(&env);
    let mut c = env.cmd(&["workspace", "list", "-o", "json"]);
    c.env_remove("DWCTL_CATALOG");
    let r = Env::output(c);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let list = r.json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let owner = list[0]["owner"].as_str().unwrap().to_string();
    assert_eq!(
        list[0]["name"],
        format!("default_workspace_{}", &owner[12..])
    );
    let notice: serde_json::Value = serde_json::from_str(r.stderr.trim_end()).unwrap();
    assert_eq!(
        notice,
        json!({"warning": {"code": "catalog_created", "message": format!(
            "created a new catalog at {} (account {owner}, region cn-hangzhou)",
            path.display()
        )}})
    );
    assert_eq!(mode_of(&path), 0o600);
    assert_eq!(listing(path.parent().unwrap()), vec!["catalog.db"]);

    // The second run uses it, silently.
    let mut c = env.cmd(&["whoami", "-o", "json"]);
    c.env_remove("DWCTL_CATALOG");
    let r = Env::output(c);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(r.json()["account_id"], owner.as_str());

    // In table form the notice is a warning line.
    let env = Env::empty();
    let mut c = env.cmd(&["user", "list"]);
    c.env_remove("DWCTL_CATALOG");
    let r = Env::output(c);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.starts_with(&format!(
            "warning: created a new catalog at {}",
            default_catalog(&env).display()
        )),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("root"), "{}", r.stdout);
}

#[test]
fn a_named_catalog_that_does_not_exist_is_exit_7_and_is_never_created() {
    if file_only() {
        return;
    }
    let env = Env::empty();
    for args in [
        &["workspace", "list"][..],
        &["user", "add", "alice"],
        &["whoami"],
    ] {
        let r = env.run(args);
        r.fails(
            7,
            &format!("error: no catalog at {}", env.catalog.display()),
        );
        assert!(
            r.stderr.contains(&format!(
                "hint: create it with dwctl init --catalog {}",
                env.catalog.display()
            )),
            "{}",
            r.stderr
        );
        assert_eq!(r.stdout, "");
    }
    // --catalog in a folder that does not exist: the folder is not created either.
    let missing = env.path().join("no/such/dir/c.db");
    env.run(&["--catalog", missing.to_str().unwrap(), "workspace", "list"])
        .fails(7, "dwctl init --catalog");
    // A catalog named in the config file is named too.
    std::fs::write(
        env.path().join("cfg.toml"),
        format!("catalog = \"{}\"\n", env.path().join("typo.db").display()),
    )
    .unwrap();
    let mut c = env.cmd(&["--config", "cfg.toml", "workspace", "list"]);
    c.env_remove("DWCTL_CATALOG").env_remove("DWCTL_NO_CONFIG");
    Env::output(c).fails(7, "typo.db");
    assert_eq!(listing(env.path()), vec!["cfg.toml"]);
    // Under -o json the error is JSON and names the hint.
    let e = env.run(&["workspace", "list", "-o", "json"]).json_error();
    assert_eq!(e["code"], "catalog_unavailable");
    assert_eq!(e["exit_code"], 7);
    assert_eq!(
        e["hint"],
        format!(
            "create it with dwctl init --catalog {}",
            env.catalog.display()
        )
    );
}

/// A real catalog's bytes, to truncate.
fn catalog_bytes() -> Vec<u8> {
    Env::new().bytes()
}

#[test]
fn files_that_are_not_dwctl_catalogs_are_exit_7_and_stay_byte_identical() {
    if file_only() {
        return;
    }
    let other_sqlite = {
        let env = Env::empty();
        let conn = rusqlite::Connection::open(&env.catalog).unwrap();
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        drop(conn);
        env.bytes()
    };
    let real = catalog_bytes();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("text", b"hello, world\n".to_vec(), "is not a dwctl catalog"),
        ("empty", Vec::new(), "is not a dwctl catalog"),
        ("other sqlite", other_sqlite, "is not a dwctl catalog"),
        ("header only", real[..50].to_vec(), "is not a dwctl catalog"),
        ("truncated", real[..8192].to_vec(), "is corrupt"),
    ];
    for (what, bytes, needle) in cases {
        let env = Env::empty();
        std::fs::write(&env.catalog, &bytes).unwrap();
        for args in [
            &["workspace", "list"][..],
            &["user", "add", "alice"],
            &["init", "--if-not-exists"],
        ] {
            let r = env.run(args);
            assert_eq!(r.code, 7, "{what} {args:?}: {}", r.stderr);
            assert!(r.stderr.contains(needle), "{what}: {}", r.stderr);
            assert_eq!(r.stdout, "", "{what}");
            assert_eq!(
                env.bytes(),
                bytes,
                "{what}: the file changed after {args:?}"
            );
        }
        assert_eq!(listing(env.path()), vec!["catalog.db"], "{what}");
    }
}

#[test]
fn init_does_not_touch_a_file_that_is_already_there() {
    if file_only() {
        return;
    }
    // `init` on a file that is not a catalog: exit 7 as for every command (it is not "a
    // catalog that already exists"), untouched.
    let env = Env::empty();
    std::fs::write(&env.catalog, b"precious data").unwrap();
    for args in [&["init"][..], &["init", "--if-not-exists"]] {
        env.run(args).fails(7, "is not a dwctl catalog");
        assert_eq!(env.bytes(), b"precious data");
    }
}

#[test]
fn a_catalog_of_a_newer_schema_is_exit_7_and_stays_byte_identical() {
    if file_only() {
        return;
    }
    let env = Env::new();
    {
        let conn = rusqlite::Connection::open(&env.catalog).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let before = env.bytes();
    for args in [&["workspace", "list"][..], &["user", "add", "alice"]] {
        let r = env.run(args);
        r.fails(
            7,
            &format!(
                "error: {} was written by a newer dwctl (schema 99; this dwctl knows up to {})",
                env.catalog.display(),
                dwctl::storage::sqlite::SCHEMA_VERSION
            ),
        );
        assert!(r.stderr.contains("hint: upgrade dwctl"), "{}", r.stderr);
        assert_eq!(env.bytes(), before);
    }
}

#[test]
fn a_read_only_catalog_refuses_writes_with_exit_7_and_serves_reads() {
    if file_only() {
        return;
    }
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    std::fs::set_permissions(&env.catalog, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = env.bytes();
    for args in [
        &["user", "add", "bob"][..],
        &["workspace", "create", "fin_ws"],
        &["workspace", "delete", DEFAULT_WS, "--yes"],
        &["member", "add", DEFAULT_WS, "alice", "--role", "dev"],
    ] {
        let r = env.run(args);
        r.fails(7, &format!("error: {} is read-only", env.catalog.display()));
        assert!(r.stderr.contains("chmod u+w"), "{}", r.stderr);
        assert_eq!(env.bytes(), before, "{args:?}");
    }
    assert_eq!(
        env.run(&["user", "add", "bob", "-o", "json"]).json_error()["code"],
        "catalog_unavailable"
    );
    // Reads work.
    let list = env.json(&["user", "list", "-o", "json"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    env.json(&["workspace", "show", DEFAULT_WS, "-o", "json"]);
    let v = env.json(&["audit", "verify", "-o", "json"]);
    assert_eq!(v["ok"], true);
    assert_eq!(
        env.json(&["--as", "alice", "whoami", "-o", "json"])["actor"],
        "alice"
    );
    assert_eq!(env.bytes(), before);
    assert_eq!(mode_of(&env.catalog), 0o444);
}

#[test]
fn two_first_runs_at_once_end_with_one_valid_catalog() {
    if file_only() {
        return;
    }
    // Implicit init at the default path: every run succeeds on the same tenant, and only
    // one of them says it created the catalog.
    let env = Env::empty();
    let children: Vec<_> = (0..6)
        .map(|_| {
            let mut c = env.cmd(&["whoami", "-o", "json"]);
            c.env_remove("DWCTL_CATALOG")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            c.spawn().unwrap()
        })
        .collect();
    let runs: Vec<Run> = children
        .into_iter()
        .map(|c| {
            let o = c.wait_with_output().unwrap();
            Run {
                code: o.status.code().unwrap(),
                stdout: String::from_utf8(o.stdout).unwrap(),
                stderr: String::from_utf8(o.stderr).unwrap(),
            }
        })
        .collect();
    for r in &runs {
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let accounts: std::collections::BTreeSet<String> = runs
        .iter()
        .map(|r| r.json()["account_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(accounts.len(), 1, "{accounts:?}");
    assert_eq!(
        runs.iter()
            .filter(|r| r.stderr.contains("catalog_created"))
            .count(),
        1
    );
    // One catalog and no temporary file left (SQLite may keep its -wal and -shm files
    // when readers close at the same moment).
    let path = default_catalog(&env);
    let files = listing(path.parent().unwrap());
    let others: Vec<&String> = files
        .iter()
        .filter(|f| !["catalog.db-wal", "catalog.db-shm"].contains(&f.as_str()))
        .collect();
    assert_eq!(others, ["catalog.db"], "{files:?}");
    let mut c = env.cmd(&["audit", "verify", "-o", "json"]);
    c.env_remove("DWCTL_CATALOG");
    let v = Env::output(c).json();
    assert_eq!(
        (v["ok"].clone(), v["events"].clone()),
        (json!(true), json!(1))
    );

    // Explicit `init` at once: one creates it, the others find it there (exit 4).
    let env = Env::empty();
    let children: Vec<_> = (0..6)
        .map(|_| {
            let mut c = env.cmd(&["init", "--account-id", ACCOUNT]);
            c.stdout(Stdio::null()).stderr(Stdio::piped());
            c.spawn().unwrap()
        })
        .collect();
    let mut codes: Vec<i32> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap().status.code().unwrap())
        .collect();
    codes.sort();
    assert_eq!(codes, vec![0, 4, 4, 4, 4, 4]);
    assert_eq!(listing(env.path()), vec!["catalog.db"]);
    assert_eq!(env.events().len(), 1);
}

#[test]
fn commands_that_need_no_catalog_never_create_one() {
    if file_only() {
        return;
    }
    let env = Env::empty();
    for args in [
        &["--version"][..],
        &["--help"],
        &["workspace", "--help"],
        &["role", "list"],
        &["role", "show", "ops", "-o", "json"],
    ] {
        // At the default path, where any other command would create a catalog.
        let mut c = env.cmd(args);
        c.env_remove("DWCTL_CATALOG");
        let r = Env::output(c);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert_eq!(r.stderr, "", "{args:?}");
        assert!(!r.stdout.is_empty(), "{args:?}");
    }
    assert!(listing(env.path()).is_empty(), "{:?}", listing(env.path()));
    let v = env.json(&["role", "show", "ops", "-o", "json"]);
    assert_eq!(v["code"], "role_project_pe");
    assert_eq!(
        env.json(&["role", "list", "-o", "json"])
            .as_array()
            .unwrap()
            .len(),
        10
    );
    assert!(listing(env.path()).is_empty());
}

#[test]
fn a_catalog_locked_past_the_lock_timeout_is_exit_7() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let conn = rusqlite::Connection::open(&env.catalog).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let start = std::time::Instant::now();
    let r = env.run(&["--lock-timeout", "0.3", "user", "add", "alice"]);
    let waited = start.elapsed();
    r.fails(7, "is locked by another process");
    assert!(
        r.stderr
            .contains("hint: wait for it to finish, or raise --lock-timeout"),
        "{}",
        r.stderr
    );
    assert!(
        waited >= std::time::Duration::from_millis(300),
        "{waited:?}"
    );
    let mut c = env.cmd(&["user", "add", "alice", "-o", "json"]);
    c.env("DWCTL_LOCK_TIMEOUT", "0");
    assert_eq!(Env::output(c).json_error()["code"], "catalog_unavailable");
    // Reads do not wait for a writer.
    assert_eq!(
        env.json(&["user", "list", "-o", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    conn.execute_batch("ROLLBACK").unwrap();
    env.changes(&["--lock-timeout", "0.3", "user", "add", "alice"]);
    // A writer that finishes within the timeout is waited for.
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let child = env
        .cmd(&["--lock-timeout", "10", "user", "add", "bob"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    conn.execute_batch("COMMIT").unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(env.events().last().unwrap().target.as_deref(), Some("bob"));
}

/// A PID that was in use a moment ago and is no more.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// A killed `init` (or first run) leaves `.NAME.PID.RAND.tmp` and its `-journal`: the next
/// command at that path removes those of dead processes, and only those.
#[test]
fn the_next_command_removes_what_a_killed_init_left() {
    if file_only() {
        return;
    }
    let env = Env::empty();
    let dead = dead_pid();
    let stale = [
        format!(".catalog.db.{dead}.123456789.tmp"),
        format!(".catalog.db.{dead}.123456789.tmp-journal"),
        format!(".catalog.db.{dead}.42.tmp-wal"),
    ];
    // A creation still under way (this test process is alive), and files that only
    // look alike: kept.
    let live = format!(".catalog.db.{}.7.tmp", std::process::id());
    let others = [
        live.as_str(),
        ".catalog.db.tmp",
        ".other.db.1.2.tmp",
        "catalog.db.bak",
    ];
    for n in stale.iter().map(String::as_str).chain(others) {
        std::fs::write(env.path().join(n), "x").unwrap();
    }
    env.run(&["init", "--account-id", ACCOUNT]).ok();
    let mut want: Vec<String> = others.iter().map(|s| s.to_string()).collect();
    want.push("catalog.db".into());
    want.sort();
    assert_eq!(listing(env.path()), want);

    // Any later command too (a read included), at an explicit path.
    for n in &stale {
        std::fs::write(env.path().join(n), "x").unwrap();
    }
    env.run(&["workspace", "list"]).ok();
    assert_eq!(listing(env.path()), want);

    // Even a command that then finds no catalog at the (explicit) path: the killed init
    // never linked one into place, and its leftovers still go.
    let missing = Env::empty();
    for n in &stale {
        std::fs::write(missing.path().join(n), "x").unwrap();
    }
    missing
        .run(&["workspace", "list"])
        .fails(7, "no catalog at");
    assert!(
        listing(missing.path()).is_empty(),
        "{:?}",
        listing(missing.path())
    );
}

/// Killing `init` at random moments: after the next command, the folder holds the
/// catalog (or nothing) and no temporary file.
#[test]
fn killing_init_at_any_moment_leaves_no_temporary_file_after_the_next_command() {
    if file_only() {
        return;
    }
    for delay_ms in [0u64, 2, 5, 10, 20, 40] {
        let env = Env::empty();
        let mut child = env
            .cmd(&["init", "--account-id", ACCOUNT])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let r = env.run(&["init", "--account-id", ACCOUNT, "--if-not-exists"]);
        r.ok();
        assert_eq!(
            listing(env.path()),
            vec!["catalog.db"],
            "killed after {delay_ms} ms"
        );
    }
}

/// At the default path too, whatever is there that is not a regular file is exit 7: the
/// implicit init neither creates over it nor opens it.
#[test]
fn the_default_path_holding_a_fifo_a_folder_or_a_dangling_link_is_exit_7() {
    if file_only() {
        return;
    }
    for (what, make, needle) in [
        (
            "fifo",
            (|p: &Path| {
                assert!(std::process::Command::new("mkfifo")
                    .arg(p)
                    .status()
                    .unwrap()
                    .success())
            }) as fn(&Path),
            "it is a FIFO (named pipe), not a regular file",
        ),
        (
            "folder",
            |p: &Path| std::fs::create_dir(p).unwrap(),
            "it is a directory, not a regular file",
        ),
        (
            "dangling link",
            |p: &Path| std::os::unix::fs::symlink("gone.db", p).unwrap(),
            "no catalog at",
        ),
    ] {
        let env = Env::empty();
        let path = default_catalog(&env);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        make(&path);
        for args in [
            &["workspace", "list"][..],
            &["user", "add", "bob"],
            &["init"],
        ] {
            let mut c = env.cmd(args);
            c.env_remove("DWCTL_CATALOG");
            let r = bounded(c);
            r.fails(7, needle);
            assert!(r.stderr.contains(&path.display().to_string()), "{what}");
            assert!(!r.stderr.contains("created"), "{what}: {}", r.stderr);
            assert_eq!(
                listing(path.parent().unwrap()),
                vec!["catalog.db"],
                "{what}"
            );
        }
        assert!(!env.path().join(".local/share/dwctl/gone.db").exists());
    }
}

#[test]
fn catalog_migrate_on_a_file_of_this_schema_changes_nothing_and_says_so() {
    let env = Env::new();
    let out = env.run(&["catalog", "migrate", "-o", "json"]);
    let v = out.json();
    assert_eq!(v["changed"], false, "{v}");
    assert_eq!(v["result"]["from"], v["result"]["to"], "{v}");
    let out = env.run(&["catalog", "migrate"]);
    assert!(out.stderr.contains("is at schema"), "{}", out.stderr);
    env.run(&["audit", "verify"]).ok();
    // A catalog that is not there is not created by it.
    let missing = env.path().join("nope.db");
    env.run(&["--catalog", missing.to_str().unwrap(), "catalog", "migrate"])
        .fails(7, "no catalog at");
    assert!(!missing.exists());
}

/// Unreachable on purpose: nothing listens on port 1.
const NO_SERVER: &str = "postgres://dw:hunter2@127.0.0.1:1/platform?schema=team";

#[test]
fn catalog_backup_of_a_postgresql_catalog_is_exit_2_and_names_pg_dump() {
    let env = Env::empty().with_var("DWCTL_CATALOG", NO_SERVER);
    let out = env.run(&["catalog", "backup", "copy.db"]);
    out.fails(2, "catalog backup works on a catalog file");
    assert!(out.stderr.contains("pg_dump"), "{}", out.stderr);
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
    assert!(!env.path().join("copy.db").exists());
}

#[test]
fn a_postgresql_url_is_checked_and_its_password_never_shown() {
    let env = Env::empty();
    for (url, needle) in [
        ("postgres://dw:hunter2@db/platform?bogus=1", "bogus"),
        (
            "postgresql://dw:hunter2@db/platform?application_name=x",
            "application_name",
        ),
        (
            "postgres://dw:hunter2@db/platform?sslmode=sometimes",
            "sslmode",
        ),
        ("postgres://dw:hunter2@db:99999/platform", "port 99999"),
    ] {
        let out = env.run(&["--catalog", url, "workspace", "list"]);
        out.fails(2, needle);
        assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
        let out = env
            .cmd(&["workspace", "list"])
            .env("DWCTL_CATALOG", url)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("DWCTL_CATALOG"));
    }
}

#[test]
fn an_unreachable_server_is_exit_7_naming_host_and_database_not_the_password() {
    let env = Env::empty().with_var("DWCTL_CATALOG", NO_SERVER);
    for args in [
        &["workspace", "list"][..],
        &["init"],
        &["catalog", "migrate"],
    ] {
        let out = env.run(args);
        out.fails(
            7,
            "cannot connect to the catalog postgres://dw@127.0.0.1:1/platform?schema=team",
        );
        assert!(out.stderr.contains("database platform"), "{}", out.stderr);
        assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
    }
    // Nothing is created anywhere, not even the default catalog file.
    assert!(!env.catalog.exists());
}
