//! R7 (issue 13): the reliability guarantees on a PostgreSQL catalog, whatever the mode of
//! the run (these tests need `DWCTL_TEST_PG_URL` and skip with a note without it). Eight
//! writers at once lose nothing; an `apply` whose connection is cut mid-way leaves the
//! catalog as before or as after and exits 7; a dwctl suspended while it holds the write
//! lock does not block the others forever (the server ends its idle transaction).

use std::time::{Duration, Instant};

use super::concurrency::concurrent_member_adds;
use super::crash::{crash_manifest, holds_write_lock, snapshot, stop};
use crate::harness::*;

#[test]
fn r7_eight_writers_at_once_lose_nothing_on_postgres() {
    let Some(url) = needs_pg() else { return };
    concurrent_member_adds(Env::new_on_pg(&url), 8, 25);
}

/// A catalog on PostgreSQL and a manifest file adding `members` members: (env, args of
/// the apply).
fn apply_setup(url: &str, members: usize) -> (Env, Vec<String>) {
    let env = Env::new_on_pg(url);
    let manifest = env.path().join("big.toml");
    std::fs::write(&manifest, crash_manifest(members)).unwrap();
    let args = ["-q", "apply", "--file", manifest.to_str().unwrap(), "--yes"]
        .map(str::to_string)
        .to_vec();
    (env, args)
}

/// Start `dwctl ARGS` on `env` and wait until it holds the catalog's write lock (its
/// server process holds a lock in the schema). None when it ended first.
fn spawn_holding_lock(env: &Env, args: &[String]) -> Option<std::process::Child> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = env
        .cmd(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn dwctl");
    while !holds_write_lock(child.id(), env) {
        if child.try_wait().unwrap().is_some() {
            return None;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    Some(child)
}

/// The connection of an `apply` is cut (its server process terminated, as a server
/// restart or a network failure does) while it writes: dwctl exits 7 saying the catalog
/// is unavailable, and the catalog is exactly as before (or, had the commit won the race,
/// exactly as after), with a chain that verifies.
#[test]
#[allow(clippy::print_stderr)] // what the cut apply said, for the log (--nocapture)
fn r7_an_apply_whose_connection_is_cut_leaves_the_catalog_before_or_after() {
    let Some(url) = needs_pg() else { return };
    let (base, apply) = apply_setup(&url, 2_000);
    let before = snapshot(&base);
    let reference = base.fork();
    let args: Vec<&str> = apply.iter().map(String::as_str).collect();
    reference.run(&args).ok();
    let after = snapshot(&reference);
    assert_ne!(before, after);

    let mut cut = 0;
    for attempt in 0..5 {
        let trial = base.fork();
        let Some(child) = spawn_holding_lock(&trial, &apply) else {
            continue; // it finished before it was seen writing: try again
        };
        let pg = trial.pg.as_ref().unwrap();
        let pids = pg.lock_holders();
        let killed = pg.json(&format!(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM unnest(ARRAY{pids:?}::int[]) pid) t"
        ));
        let r = Env::output_of(child);
        let now = snapshot(&trial);
        let ctx = format!("attempt {attempt}: terminated {killed} ({pids:?})");
        if r.code == 0 {
            assert_eq!(
                now, after,
                "{ctx}: apply succeeded, the catalog is not as after"
            );
        } else {
            // "error: lost the connection to the catalog URL / caused by: terminating
            // connection ... (or: connection closed) / hint: check that the server is up
            // ...": the same words wherever the cut fell, and no manifest line blamed.
            r.fails(7, "error: lost the connection to the catalog ");
            assert!(
                r.stderr.contains("hint: check that the server is up"),
                "{ctx}: {}",
                r.stderr
            );
            assert!(!r.stderr.contains("panicked"), "{ctx}: {}", r.stderr);
            assert_eq!(
                now, before,
                "{ctx}: apply failed, the catalog is not as before"
            );
            cut += 1;
        }
        let verify = trial.run(&["audit", "verify"]);
        assert_eq!(verify.code, 0, "{ctx}: audit verify: {}", verify.stderr);
        if cut > 0 {
            eprintln!("R7: cut apply: {}", r.stderr);
            break;
        }
    }
    assert!(
        cut > 0,
        "no attempt cut an apply mid-way: R7 tested nothing"
    );
}

/// A dwctl stopped (SIGSTOP) while it holds the write lock: another writer gets the lock
/// once the server has ended the stopped one's idle transaction
/// (`idle_in_transaction_session_timeout`), the stopped one's change is rolled back, and
/// when it is resumed it exits 7. Nothing waits forever.
#[test]
#[allow(clippy::print_stderr)] // how long the second writer waited (--nocapture)
fn r7_a_suspended_dwctl_holding_the_write_lock_does_not_block_others_forever() {
    let Some(url) = needs_pg() else { return };
    let mut found = None;
    for _ in 0..5 {
        let (env, apply) = apply_setup(&url, 3_000);
        let Some(child) = spawn_holding_lock(&env, &apply) else {
            continue;
        };
        stop(child.id());
        if holds_write_lock(child.id(), &env) {
            found = Some((env, child));
            break;
        }
        // It committed between the look and the stop: let it end, try again.
        resume(&child);
        Env::output_of(child);
    }
    let (env, mut holder) = found.expect("apply was never seen holding the write lock");
    let before = (env.audit().len(), env.json(&["user", "list", "-o", "json"]));

    // Another writer, waiting as long as it takes (bounded: 120 s, far beyond the
    // server's idle transaction timeout).
    let t0 = Instant::now();
    let r = bounded_for(
        env.cmd(&["--lock-timeout", "120", "user", "add", "after_the_stop"]),
        Duration::from_secs(150),
    );
    let waited = t0.elapsed();
    r.ok();
    eprintln!("R7: the second writer got the lock after {waited:?}");

    // The stopped apply, resumed, finds its connection gone: exit 7, nothing of it kept.
    resume(&holder);
    let deadline = Instant::now() + Duration::from_secs(60);
    while holder.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the resumed apply never ended");
        std::thread::sleep(Duration::from_millis(10));
    }
    let resumed = Env::output_of(holder);
    resumed.fails(7, "error: ");
    let users = env.json(&["user", "list", "-o", "json"]);
    let names: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"after_the_stop"), "{names:?}");
    assert!(
        !names.iter().any(|n| n.starts_with("crash_user_")),
        "the stopped apply's change was kept"
    );
    assert_eq!(names.len(), before.1.as_array().unwrap().len() + 1);
    assert_eq!(env.audit().len(), before.0 + 1, "one more audit event");
    env.run(&["audit", "verify"]).ok();
}

/// SIGCONT to a child stopped by [`stop`].
fn resume(child: &std::process::Child) {
    // SAFETY: kill(2) on our own child, not yet waited for (no pid reuse).
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGCONT) };
}
