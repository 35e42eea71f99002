//! R1: eight processes writing the same catalog at once. SQLite serialises the writers
//! (IMMEDIATE transactions, `busy_timeout` = `--lock-timeout`); nothing may fail, nothing
//! may be lost, and the audit chain must stay unbroken.

use std::collections::BTreeSet;
use std::sync::Mutex;

use super::integrity;
use crate::harness::*;

const WORKSPACE: &str = "crowd_ws";

fn user(worker: usize, i: usize) -> String {
    format!("w{worker}_u{i:03}")
}

/// `workers` threads each run `per_worker` `member add` processes (the principals are
/// made first, by the same number of concurrent processes), reading lists between the
/// writes. Every failure is collected, so that one report names them all. On a catalog
/// of either backend (reliability::postgres runs it on PostgreSQL whatever the mode).
pub fn concurrent_member_adds(env: Env, workers: usize, per_worker: usize) {
    env.run(&["workspace", "create", WORKSPACE]).ok();
    let failures = Mutex::new(Vec::<String>::new());
    let fail = |what: String| failures.lock().unwrap().push(what);

    std::thread::scope(|s| {
        for w in 0..workers {
            let (env, fail) = (&env, &fail);
            s.spawn(move || {
                for i in 0..per_worker {
                    let r = env.run(&["-q", "user", "add", &user(w, i)]);
                    if r.code != 0 {
                        fail(format!(
                            "user add {}: exit {} {}",
                            user(w, i),
                            r.code,
                            r.stderr
                        ));
                    }
                }
            });
        }
    });
    assert_eq!(failures.lock().unwrap().as_slice(), &[] as &[String]);

    std::thread::scope(|s| {
        for w in 0..workers {
            let (env, fail) = (&env, &fail);
            s.spawn(move || {
                for i in 0..per_worker {
                    let name = user(w, i);
                    let r = env.run(&["-q", "member", "add", WORKSPACE, &name, "--role", "dev"]);
                    if r.code != 0 {
                        fail(format!("member add {name}: exit {} {}", r.code, r.stderr));
                    }
                    // A reader sees a consistent snapshot: at least its own writes, and
                    // well-formed JSON however busy the writers are.
                    if i % 5 == 4 {
                        let r = env.run(&["member", "list", WORKSPACE, "-o", "json"]);
                        match serde_json::from_str::<serde_json::Value>(&r.stdout) {
                            Ok(v) if r.code == 0 => {
                                let mine = v
                                    .as_array()
                                    .unwrap()
                                    .iter()
                                    .filter(|m| {
                                        m["user"]
                                            .as_str()
                                            .unwrap_or("")
                                            .starts_with(&format!("w{w}_"))
                                    })
                                    .count();
                                if mine != i + 1 {
                                    fail(format!("worker {w} saw {mine} of its {} members", i + 1));
                                }
                            }
                            _ => fail(format!("member list: exit {} {}", r.code, r.stderr)),
                        }
                    }
                    if i % 10 == 9 {
                        for args in [
                            &["workspace", "list", "-o", "json"][..],
                            &["audit", "list", "--limit", "20", "-o", "jsonl"][..],
                        ] {
                            let r = env.run(args);
                            if r.code != 0 {
                                fail(format!("{args:?}: exit {} {}", r.code, r.stderr));
                            }
                        }
                    }
                }
            });
        }
    });
    assert_eq!(failures.lock().unwrap().as_slice(), &[] as &[String]);

    let listed = env.run(&["member", "list", WORKSPACE, "-o", "json"]).json();
    let names: BTreeSet<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user"].as_str().unwrap().to_string())
        .collect();
    let mut want: BTreeSet<String> = (0..workers)
        .flat_map(|w| (0..per_worker).map(move |i| user(w, i)))
        .collect();
    want.insert("root".to_string()); // the owner
    assert_eq!(names, want);

    if env.pg.is_none() {
        assert_eq!(integrity(&env.catalog), "ok");
    }
    let adds = env
        .audit()
        .iter()
        .filter(|(_, action, outcome)| action == "member.add" && outcome == "ok")
        .count();
    assert_eq!(adds, workers * per_worker, "one audit event per member add");
    let verify = env.run(&["audit", "verify", "-o", "json"]).json();
    assert_eq!(verify["ok"], true, "{verify}");
}

#[test]
fn r1_eight_writers_at_once_lose_nothing() {
    concurrent_member_adds(Env::new(), 8, 50);
}

#[test]
#[ignore = "stress size (8 x 250): run by bench/stress.sh"]
fn r1_stress_eight_writers_250_each() {
    concurrent_member_adds(Env::new(), 8, 250);
}

/// Readers never wait for writers, `--lock-timeout 0` included: a read takes no lock a
/// writer holds. What it may wait for (at most 5 s, whatever `--lock-timeout` says) is a
/// process holding the whole file, as the last connection to close does while it folds
/// the log into the file; 4 writers and 3 readers at `--lock-timeout 0` meet that often.
#[test]
fn r1_readers_at_lock_timeout_0_never_fail_while_writers_work() {
    let env = Env::new();
    let failures = Mutex::new(Vec::<String>::new());
    let fail = |what: String| failures.lock().unwrap().push(what);
    let writing = std::sync::atomic::AtomicBool::new(true);
    std::thread::scope(|s| {
        let mut writers = Vec::new();
        for w in 0..4 {
            let (env, fail) = (&env, &fail);
            writers.push(s.spawn(move || {
                for i in 0..15 {
                    let r = env.run(&["-q", "user", "add", &user(w, i)]);
                    if r.code != 0 {
                        fail(format!("user add: exit {} {}", r.code, r.stderr));
                    }
                }
            }));
        }
        for _ in 0..3 {
            let (env, fail, writing) = (&env, &fail, &writing);
            s.spawn(move || {
                let mut reads = 0;
                while writing.load(std::sync::atomic::Ordering::Relaxed) || reads < 5 {
                    let r = env.run(&["--lock-timeout", "0", "user", "list", "-o", "json"]);
                    if r.code != 0 {
                        fail(format!("user list: exit {} {}", r.code, r.stderr));
                    }
                    reads += 1;
                }
            });
        }
        for w in writers {
            w.join().unwrap();
        }
        writing.store(false, std::sync::atomic::Ordering::Relaxed);
    });
    assert_eq!(failures.lock().unwrap().as_slice(), &[] as &[String]);
    if env.pg.is_none() {
        assert_eq!(integrity(&env.catalog), "ok");
    }
}

/// The moment a reader may meet deterministically: another process holds the whole file
/// (here an exclusive-mode connection, as a closing connection holds it while it
/// checkpoints). A read at `--lock-timeout 0` waits for it instead of failing.
#[test]
fn r1_a_read_at_lock_timeout_0_waits_out_a_short_exclusive_lock() {
    if file_only() {
        return;
    }
    let env = Env::new();
    let holder = rusqlite::Connection::open(&env.catalog).unwrap();
    holder
        .pragma_update(None, "locking_mode", "EXCLUSIVE")
        .unwrap();
    // The first write takes the exclusive lock, held until the connection closes.
    holder.execute_batch("BEGIN IMMEDIATE; COMMIT;").unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(400));
        drop(holder);
    });
    let r = env.run(&["--lock-timeout", "0", "user", "list", "-o", "json"]);
    release.join().unwrap();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json().as_array().unwrap().len(), 1);
}

/// Readers never wait for writers only in WAL mode. A catalog put back in rollback mode
/// (by another tool, or a copy) is switched back to WAL by the next command that may write
/// the file; a write-protected one is read as it is.
#[test]
fn r1_a_catalog_in_rollback_mode_is_switched_back_to_wal() {
    if file_only() {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let header = |p: &std::path::Path| {
        let b = std::fs::read(p).unwrap();
        (b[18], b[19])
    };
    assert_eq!(header(&env.catalog), (2, 2), "init makes a WAL catalog");
    {
        let conn = rusqlite::Connection::open(&env.catalog).unwrap();
        conn.pragma_update_and_check(None, "journal_mode", "DELETE", |_| Ok(()))
            .unwrap();
    }
    assert_eq!(header(&env.catalog), (1, 1));
    let copy = env.path().join("ro.db");
    std::fs::copy(&env.catalog, &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o400)).unwrap();
    let r = env.run(&["--catalog", copy.to_str().unwrap(), "user", "list"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(
        header(&copy),
        (1, 1),
        "a write-protected catalog is not changed"
    );

    let r = env.run(&["user", "list"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(header(&env.catalog), (2, 2));
    assert_eq!(integrity(&env.catalog), "ok");
}
