//! R2: `apply` killed with SIGKILL at random moments. `apply` runs in one transaction,
//! so whenever it dies the catalog must be exactly as before or exactly as after, with
//! integrity `ok` and an audit chain that verifies. On either backend (on PostgreSQL the
//! server sees the connection close and rolls back).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use super::integrity;
use crate::harness::*;

/// A manifest adding `members` principals and making them all members of one workspace.
pub fn crash_manifest(members: usize) -> String {
    let mut m = String::from("version = 1\n\n");
    for i in 0..members {
        m.push_str(&format!("[[principal]]\nname = \"crash_user_{i:05}\"\n\n"));
    }
    m.push_str("[[workspace]]\nname = \"crash_ws\"\ndisplay_name = \"Crash test\"\n\n");
    for i in 0..members {
        m.push_str(&format!(
            "[[workspace.member]]\nuser = \"crash_user_{i:05}\"\nroles = [\"role_project_dev\"]\n\n"
        ));
    }
    m
}

/// Principal ids are random: replace every 16-digit run but the account's, so that two
/// applies of the same manifest compare equal.
pub fn normalise(rows: BTreeMap<String, Vec<String>>) -> BTreeMap<String, Vec<String>> {
    let mask = |s: &str| {
        let mut out = String::new();
        let mut digits = String::new();
        for c in s.chars().chain(std::iter::once('\0')) {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            if digits.len() == 16 && digits != ACCOUNT {
                out.push_str("<id>");
            } else {
                out.push_str(&digits);
            }
            digits.clear();
            if c != '\0' {
                out.push(c);
            }
        }
        out
    };
    rows.into_iter()
        .map(|(t, rs)| (t, rs.iter().map(|r| mask(r)).collect()))
        .collect()
}

/// A small xorshift, seeded from the clock: the seed is printed on failure.
struct Rng(u64);
impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The rows (ids masked) and the number of audit events: "as before" or "as after".
pub fn snapshot(env: &Env) -> (BTreeMap<String, Vec<String>>, usize) {
    (normalise(env.rows()), env.audit().len())
}

/// Whether dwctl process `pid` holds the write lock of `env`'s catalog. On PostgreSQL:
/// some server process holds a lock on a table of the catalog's schema (only that dwctl
/// writes it).
pub fn holds_write_lock(pid: u32, env: &Env) -> bool {
    match &env.pg {
        Some(pg) => !pg.lock_holders().is_empty(),
        None => holds_sqlite_write_lock(pid, &env.catalog),
    }
}

/// Whether process `pid` holds SQLite's WAL write lock on `catalog`: an exclusive POSIX
/// lock on byte 120 of `CATALOG-shm`, taken when the write transaction begins and
/// released when it ends. Read from /proc/locks, which disturbs nothing.
fn holds_sqlite_write_lock(pid: u32, catalog: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(shm) = std::fs::metadata(format!("{}-shm", catalog.display())) else {
        return false;
    };
    let (pid, inode) = (pid.to_string(), shm.ino().to_string());
    let locks = std::fs::read_to_string("/proc/locks").expect("read /proc/locks");
    locks.lines().any(|l| {
        // `1: POSIX  ADVISORY  WRITE 4242 fe:00:1234 120 120` (a waiter has `->` too).
        let f: Vec<&str> = l.split_whitespace().collect();
        f.len() >= 8
            && f[1] == "POSIX"
            && f[3] == "WRITE"
            && f[4] == pid
            && f[5].rsplit(':').next() == Some(inode.as_str())
            && f[6] == "120"
    })
}

/// Stop `pid` (SIGSTOP) and wait until it is stopped or has exited, so that what it holds
/// can be read before it is killed.
pub fn stop(pid: u32) {
    // SAFETY: kill(2) on our own child, which has not been waited for (no reuse).
    unsafe { libc::kill(pid as libc::pid_t, libc::SIGSTOP) };
    let deadline = Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let state = stat
            .rsplit(')')
            .next()
            .and_then(|s| s.trim_start().chars().next());
        if matches!(state, Some('T' | 't' | 'Z' | 'X') | None) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "dwctl {pid} did not stop: {stat}"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

#[allow(clippy::print_stderr)] // the stress run reports how the kills fell (--nocapture)
fn kill_apply_at_random_moments(members: usize, kills: usize) {
    let base = Env::new();
    let manifest = base.path().join("crash.toml");
    std::fs::write(&manifest, crash_manifest(members)).unwrap();
    let manifest = manifest.to_str().unwrap().to_string();
    let apply = ["-q", "apply", "--file", manifest.as_str(), "--yes"];
    let before = snapshot(&base);

    // One complete apply gives the "after" state and how long an apply takes.
    let reference = base.fork();
    let t0 = Instant::now();
    reference.run(&apply).ok();
    let full = t0.elapsed();
    let after = snapshot(&reference);
    assert_ne!(before, after);
    if reference.pg.is_none() {
        assert_eq!(integrity(&reference.catalog), "ok");
    }

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut rng = Rng(seed);
    let (mut as_before, mut as_after, mut mid_transaction) = (0, 0, 0);
    for k in 0..kills {
        let trial = base.fork();
        let mut child = trial
            .cmd(&apply)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn dwctl apply");
        let started = Instant::now();
        if k == 0 {
            // The first kill waits for the write transaction to be open, so that at
            // least one lands in the middle of the apply whatever the random moments.
            while !holds_write_lock(child.id(), &trial) {
                assert!(
                    child.try_wait().unwrap().is_none(),
                    "apply ended before its write transaction was seen"
                );
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        } else {
            // Anywhere from start-up to a little past the usual end.
            std::thread::sleep(full.mul_f64(rng.next_f64() * 1.1));
        }
        // Stopped, it is seen as it is when SIGKILL lands.
        stop(child.id());
        let in_transaction = holds_write_lock(child.id(), &trial);
        mid_transaction += usize::from(in_transaction);
        let at = started.elapsed();
        let _ = child.kill(); // SIGKILL; it may have finished already
        let status = child.wait().unwrap();
        let ctx = format!(
            "seed {seed}, kill {k} at {at:?} of {full:?} ({status}, {})",
            if in_transaction {
                "in the write transaction"
            } else {
                "outside the write transaction"
            }
        );

        // The next dwctl recovers the WAL; the chain must verify.
        let verify = trial.run(&["audit", "verify"]);
        assert_eq!(verify.code, 0, "{ctx}: audit verify: {}", verify.stderr);
        if trial.pg.is_none() {
            assert_eq!(integrity(&trial.catalog), "ok", "{ctx}");
        }
        let now = snapshot(&trial);
        if now == before {
            as_before += 1;
        } else if now == after {
            as_after += 1;
        } else {
            panic!(
                "{ctx}: the catalog is neither as before nor as after: {} audit events \
                 (before {}, after {}), member rows {} (before {}, after {})",
                now.1,
                before.1,
                after.1,
                now.0.get("member").map_or(0, Vec::len),
                before.0.get("member").map_or(0, Vec::len),
                after.0.get("member").map_or(0, Vec::len),
            );
        }
    }
    eprintln!(
        "R2: {kills} kills, {mid_transaction} in the write transaction; \
         {as_before} left the catalog as before, {as_after} as after"
    );
    assert!(
        mid_transaction >= 1,
        "no kill landed while apply was writing: R2 tested nothing (seed {seed})"
    );
}

/// Sized for `cargo test` on a debug build (an apply of 5,000 members takes seconds
/// there); the stress test below has the full size.
#[test]
fn r2_apply_killed_at_random_moments_is_all_or_nothing() {
    kill_apply_at_random_moments(1_000, 3);
}

#[test]
#[ignore = "stress size (20 kills): run by bench/stress.sh"]
fn r2_stress_twenty_kills() {
    kill_apply_at_random_moments(5_000, 20);
}
