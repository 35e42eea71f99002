//! R7 (issue 13): the reliability guarantees on a PostgreSQL catalog, whatever the mode of
//! the run (these tests need `DWCTL_TEST_PG_URL` and skip with a note without it). Eight
//! writers at once lose nothing; an `apply` whose connection is cut mid-way leaves the
//! catalog as before or as after and exits 7; a dwctl suspended while it holds the write
//! lock does not block the others forever (the server ends its idle transaction). And an
//! `apply` whose server is stopped (`pg_ctl -m immediate stop`) mid-way: on a cluster of
//! the test's own ([`PgCluster`]), so it needs PostgreSQL's programs instead of the URL.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
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

/// R7 for an `apply` interrupted while it holds the catalog's write lock. On a copy of
/// `base` (made by `copy`), up to 5 attempts until one is interrupted before it ends:
/// `interrupt` is given the copy and the running apply, once seen holding the lock; it
/// interrupts it, and returns what the apply did (and what was done, for messages) once
/// the catalog can be read again. An apply that succeeded leaves the catalog exactly as
/// after it. One that failed exits 7 with the one message of a lost connection, whatever
/// moment it fell on (no SQL, no panic, no manifest line blamed), and leaves the catalog
/// exactly as before it, and running it again then makes it as after; or, had the server
/// committed it before the interruption reached dwctl, exactly as after. `audit verify`
/// passes each time. Returns what the interrupted apply said on stderr.
#[allow(clippy::print_stderr)] // what the interrupted apply said, for the log (--nocapture)
fn interrupted_apply_leaves_before_or_after(
    base: &Env,
    apply: &[String],
    copy: impl Fn(&Env) -> Env,
    mut interrupt: impl FnMut(&Env, std::process::Child) -> (Run, String),
) -> String {
    let args: Vec<&str> = apply.iter().map(String::as_str).collect();
    let before = snapshot(base);
    let reference = copy(base);
    reference.run(&args).ok();
    let after = snapshot(&reference);
    assert_ne!(before, after);

    for attempt in 0..5 {
        let trial = copy(base);
        assert_eq!(snapshot(&trial), before, "the copy is not the catalog");
        let Some(child) = spawn_holding_lock(&trial, apply) else {
            continue; // it finished before it was seen writing: try again
        };
        let (r, done) = interrupt(&trial, child);
        let now = snapshot(&trial);
        let ctx = format!("attempt {attempt}: {done}");
        if r.code == 0 {
            assert_eq!(
                now, after,
                "{ctx}: apply succeeded, the catalog is not as after"
            );
            continue;
        }
        // "error: lost the connection to the catalog URL / caused by: terminating
        // connection ... (or: connection closed) / hint: check that the server is up ...":
        // neither SQL nor the manifest (big.toml) blamed.
        r.fails(7, "error: lost the connection to the catalog ");
        assert!(
            r.stderr.contains("hint: check that the server is up"),
            "{ctx}: {}",
            r.stderr
        );
        for word in [
            "SELECT",
            "INSERT",
            "COPY",
            "LOCK",
            "SAVEPOINT",
            "COMMIT",
            "ROLLBACK",
            "panicked",
            "big.toml",
        ] {
            assert!(
                !r.stderr.contains(word),
                "{ctx}: {word:?} shown: {}",
                r.stderr
            );
        }
        if now == before {
            // As the hint says: run it again, once the server can be reached.
            trial.run(&args).ok();
            assert_eq!(snapshot(&trial), after, "{ctx}: the apply run again");
        } else {
            assert_eq!(
                now, after,
                "{ctx}: apply failed, the catalog is neither as before nor as after"
            );
        }
        let verify = trial.run(&["audit", "verify"]);
        assert_eq!(verify.code, 0, "{ctx}: audit verify: {}", verify.stderr);
        eprintln!("R7: interrupted apply ({ctx}): {}", r.stderr);
        return r.stderr;
    }
    panic!("no attempt interrupted an apply before it ended: R7 tested nothing");
}

/// The connection of an `apply` is cut (its server process terminated, as a server
/// restart or a network failure does) while it writes.
#[test]
fn r7_an_apply_whose_connection_is_cut_leaves_the_catalog_before_or_after() {
    let Some(url) = needs_pg() else { return };
    let (base, apply) = apply_setup(&url, 2_000);
    interrupted_apply_leaves_before_or_after(&base, &apply, Env::fork, |trial, child| {
        let pg = trial.pg.as_ref().unwrap();
        let pids = pg.lock_holders();
        let killed = pg.json(&format!(
            "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM unnest(ARRAY{pids:?}::int[]) pid) t"
        ));
        let r = wait_within(child, Duration::from_secs(60), "the cut apply");
        (r, format!("terminated {killed} ({pids:?})"))
    });
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
    let (env, holder) = found.expect("apply was never seen holding the write lock");
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
    let resumed = wait_within(holder, Duration::from_secs(60), "the resumed apply");
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

/// A PostgreSQL cluster of the test's own, for a test that stops the server (stopping the
/// shared one of `DWCTL_TEST_PG_URL` would break every other test running): `initdb` in a
/// temporary folder, run as the `postgres` user when we are root (PostgreSQL refuses to
/// run as root), password authentication (SCRAM) for a random password, a free loopback
/// port, fsync off, and a database `dwctl`. The programs are found as `.ci/pg-cluster.sh`
/// finds them (its `pg_find_bin`: `initdb` on PATH, else the newest
/// /usr/lib/postgresql/*/bin). Unlike that script's cluster, commits are synchronous: a
/// commit dwctl saw must survive an immediate stop. Stopped and removed when dropped, on
/// every exit path of the test (a failed assertion included).
struct PgCluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    password: String,
    as_postgres: bool,
}

impl PgCluster {
    /// A running cluster, or None after a note (the test is skipped) when PostgreSQL's
    /// programs are not installed.
    #[allow(clippy::print_stderr)] // the visible note of a skipped test
    fn start() -> Option<PgCluster> {
        let Some(bin) = pg_find_bin() else {
            eprintln!(
                "skipped: {} needs PostgreSQL's initdb and pg_ctl (on PATH or in /usr/lib/postgresql/*/bin)",
                test_name()
            );
            return None;
        };
        // SAFETY: geteuid has no preconditions and cannot fail.
        let as_postgres = unsafe { libc::geteuid() } == 0;
        let dir = tempfile::Builder::new()
            .prefix("dwctl-pg-")
            .tempdir()
            .expect("tempdir");
        let mut cluster = PgCluster {
            bin,
            dir,
            port: 0,
            password: format!("r7-{:016x}", fastrand::u64(..)),
            as_postgres,
        };
        // From here on, dropping `cluster` stops and removes whatever was made.
        use std::os::unix::fs::PermissionsExt;
        let top = cluster.dir.path();
        std::fs::set_permissions(top, std::fs::Permissions::from_mode(0o755)).unwrap();
        let pwfile = top.join("pwfile");
        std::fs::write(&pwfile, format!("{}\n", cluster.password)).unwrap();
        std::fs::set_permissions(&pwfile, std::fs::Permissions::from_mode(0o644)).unwrap();
        for d in [cluster.data(), cluster.run_dir()] {
            std::fs::create_dir(&d).unwrap();
            if as_postgres {
                let o = Command::new("chown")
                    .arg("postgres:")
                    .arg(&d)
                    .output()
                    .expect("run chown");
                assert!(o.status.success(), "chown postgres: {o:?}");
            }
        }
        let (data, pwfile_arg) = (cluster.data(), pwfile.display().to_string());
        cluster.pg_ok(
            "initdb",
            cluster.pg(
                "initdb",
                &[
                    "-D",
                    data.to_str().unwrap(),
                    "-A",
                    "scram-sha-256",
                    "-U",
                    "postgres",
                    "--pwfile",
                    &pwfile_arg,
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ],
            ),
        );
        std::fs::remove_file(&pwfile).unwrap();
        // A free port can be taken between finding it and binding it: try a few.
        for attempt in 1..=5 {
            cluster.port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free loopback port")
                .port();
            let started = cluster.pg_ctl_start().output().expect("run pg_ctl");
            if started.status.success() {
                break;
            }
            assert!(attempt < 5, "the cluster did not start: {}", cluster.log());
        }
        let mut admin = postgres::Client::connect(&cluster.url_of("postgres"), postgres::NoTls)
            .expect("connect to the test's cluster");
        admin.batch_execute("CREATE DATABASE dwctl").unwrap();
        Some(cluster)
    }

    /// The database `dwctl`'s URL, with the password.
    fn url(&self) -> String {
        self.url_of("dwctl")
    }

    fn url_of(&self, db: &str) -> String {
        format!(
            "postgresql://postgres:{}@127.0.0.1:{}/{db}",
            self.password, self.port
        )
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run_dir(&self) -> PathBuf {
        self.dir.path().join("run")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.run_dir().join("server.log")).unwrap_or_default()
    }

    /// `program` of PostgreSQL's, as the cluster's owner, in the cluster's folder (the
    /// owner may not be able to enter ours).
    fn pg(&self, program: &str, args: &[&str]) -> Command {
        let program = self.bin.join(program);
        let mut c = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        c.args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        c
    }

    /// Run `c` (from [`PgCluster::pg`]); fail the test (with its output and the server's
    /// log) unless it succeeds.
    #[track_caller]
    fn pg_ok(&self, what: &str, mut c: Command) {
        let o = c.output().expect("run PostgreSQL's program");
        assert!(
            o.status.success(),
            "{what} failed: {}{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr),
            self.log()
        );
    }

    /// `pg_ctl start` on the cluster's port, waiting until the server accepts connections.
    fn pg_ctl_start(&self) -> Command {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -c unix_socket_directories={} \
             -c fsync=off -c full_page_writes=off -c shared_buffers=32MB",
            self.port,
            self.run_dir().display()
        );
        let (data, log) = (self.data(), self.run_dir().join("server.log"));
        self.pg(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-t",
                "60",
                "-o",
                &options,
                "start",
            ],
        )
    }

    /// `pg_ctl -m immediate stop`, waiting until the server is gone: every server process
    /// quits at once, as in a crash; nothing is shut down cleanly.
    fn pg_ctl_stop(&self) -> Command {
        let data = self.data();
        let data = data.to_str().unwrap();
        self.pg(
            "pg_ctl",
            &["-D", data, "-m", "immediate", "-w", "-t", "30", "stop"],
        )
    }

    /// The server stopped as a crash stops it ([`PgCluster::pg_ctl_stop`]).
    #[track_caller]
    fn stop_immediately(&self) {
        self.pg_ok("pg_ctl stop", self.pg_ctl_stop());
    }

    /// The server started again on the same port (it recovers from its log first).
    #[track_caller]
    fn restart(&self) {
        self.pg_ok("pg_ctl start", self.pg_ctl_start());
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        // Never a panic here: it would hide the test's own failure (or abort it).
        if self.data().join("postmaster.pid").exists() {
            let _ = self.pg_ctl_stop().output();
        }
        // Then the TempDir removes the folder.
    }
}

/// The folder of PostgreSQL's programs, found by `.ci/pg-cluster.sh`'s own `pg_find_bin`
/// (one rule for CI and this test), or None.
fn pg_find_bin() -> Option<PathBuf> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/pg-cluster.sh");
    let o = Command::new("bash")
        .args(["-c", ". \"$1\" && pg_find_bin", "pg-cluster"])
        .arg(&script)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    let dir = String::from_utf8_lossy(&o.stdout).trim().to_string();
    (o.status.success() && !dir.is_empty()).then(|| PathBuf::from(dir))
}

/// A copy of `env`'s PostgreSQL catalog in a new schema of the same database (`dwctl
/// catalog copy`: every row verbatim, the audit chain included).
fn copy_of(env: &Env) -> Env {
    let copy = Env::empty_in(Some(env.pg.as_ref().unwrap().base.clone()));
    env.run(&["catalog", "copy", "--to", copy.catalog.to_str().unwrap()])
        .ok();
    copy
}

/// The server of an `apply` is stopped (`pg_ctl -m immediate stop`, as a crash or an
/// emergency stop does) while the apply writes; it is started again once the apply has
/// ended. On a cluster of the test's own ([`PgCluster`]), whose URL holds a password: the
/// message names the catalog without it.
#[test]
fn r7_an_apply_whose_server_is_stopped_leaves_the_catalog_before_or_after() {
    // Declared first, so dropped last: the schemas of the Envs below are dropped while the
    // server is still up.
    let Some(cluster) = PgCluster::start() else {
        return;
    };
    let (base, apply) = apply_setup(&cluster.url(), 2_000);
    let said = interrupted_apply_leaves_before_or_after(&base, &apply, copy_of, |trial, child| {
        cluster.stop_immediately();
        let r = wait_within(
            child,
            Duration::from_secs(60),
            "the apply whose server stopped",
        );
        cluster.restart();
        // The harness's own connection ended with the server.
        trial.pg.as_ref().unwrap().reconnect();
        (r, "server stopped".to_string())
    });
    let shown = format!(
        "error: lost the connection to the catalog postgresql://postgres@127.0.0.1:{}/dwctl?schema=",
        cluster.port
    );
    assert!(said.contains(&shown), "{said}");
    assert!(!said.contains(&cluster.password), "{said}");
}
