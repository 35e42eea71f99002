//! The hermetic harness: a temporary catalog, a cleared environment, a pinned clock.
//! Every end-to-end test runs the real binary through `Env::run`.

use assert_cmd::cargo::cargo_bin;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const ACCOUNT: &str = "1234567890123456";
pub const DEFAULT_WS: &str = "default_workspace_3456";
pub const NOW: &str = "2026-11-28T10:00:00Z";

/// The outcome of one run: exit code, stdout, stderr.
#[derive(Debug, Clone)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Assert success and return stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        &self.stdout
    }

    /// Assert the exit code, that stderr mentions `needle`, and that stdout is empty: a
    /// failure prints its message (or, under -o json, its error object) on stderr only.
    /// Exit 9 is a negative *answer*, which stdout carries: use `negative` for it.
    #[track_caller]
    pub fn fails(&self, code: i32, needle: &str) -> &Self {
        assert_ne!(
            code, 9,
            "exit 9 prints its answer on stdout: check it with `negative`"
        );
        self.exits(code, needle);
        assert!(
            self.stdout.is_empty(),
            "a failure (exit {code}) printed on stdout\nstdout: {}\nstderr: {}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Assert exit 9 (the command ran and its answer is negative), that stderr mentions
    /// `needle`, and that stdout holds exactly `stdout` (the answer).
    #[track_caller]
    pub fn negative(&self, needle: &str, stdout: &str) -> &Self {
        self.exits(9, needle);
        assert_eq!(self.stdout, stdout, "stdout of a negative result");
        self
    }

    /// The exit code and the message on stderr, nothing about stdout.
    #[track_caller]
    fn exits(&self, code: i32, needle: &str) {
        assert_eq!(
            self.code, code,
            "wrong exit code\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        assert!(
            self.stderr.contains(needle),
            "stderr does not mention {needle:?}\nstderr: {}",
            self.stderr
        );
    }

    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }

    /// The JSON error object on stderr (under -o json).
    #[track_caller]
    pub fn json_error(&self) -> serde_json::Value {
        let last = self.stderr.lines().last().unwrap_or("");
        let v: serde_json::Value = serde_json::from_str(last)
            .unwrap_or_else(|e| panic!("stderr's last line is not JSON ({e}): {}", self.stderr));
        v["error"].clone()
    }
}

/// One audit event as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub seq: i64,
    pub actor: String,
    pub action: String,
    pub workspace: Option<String>,
    pub target: Option<String>,
    pub outcome: String,
    pub details: serde_json::Value,
}

impl Event {
    /// (actor, action, workspace, target, outcome), for exact comparisons.
    pub fn key(&self) -> (&str, &str, Option<&str>, Option<&str>, &str) {
        (
            &self.actor,
            &self.action,
            self.workspace.as_deref(),
            self.target.as_deref(),
            &self.outcome,
        )
    }
}

/// Whether this run of the suite keeps its catalogs in PostgreSQL: `DWCTL_TEST_BACKEND=postgres`
/// with `DWCTL_TEST_PG_URL` (a database URL; each test gets its own schema in it). Without
/// them (the default) every catalog is a SQLite file.
pub fn postgres_mode() -> bool {
    match std::env::var("DWCTL_TEST_BACKEND").as_deref() {
        Ok("postgres") => {
            assert!(
                pg_url().is_some(),
                "DWCTL_TEST_BACKEND=postgres needs DWCTL_TEST_PG_URL (see README, Development)"
            );
            true
        }
        Ok("sqlite") | Ok("") | Err(_) => false,
        Ok(other) => panic!("DWCTL_TEST_BACKEND={other}: expected sqlite or postgres"),
    }
}

/// The PostgreSQL server of the tests that need one whatever the mode (`DWCTL_TEST_PG_URL`,
/// e.g. `postgresql://postgres@127.0.0.1:5432/dwctl`), or None.
pub fn pg_url() -> Option<String> {
    std::env::var("DWCTL_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// The name the test harness gave the running test (libtest names its thread so).
pub fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("this test")
        .to_string()
}

/// For a test about the catalog *file* (its mode, its bytes, its journal, FIFOs and paths,
/// kill tests of a file, backup, direct SQLite edits): `if file_only() { return; }` as its
/// first line. In PostgreSQL mode it prints a note and the test returns (skipped); with
/// SQLite files it returns false. The one mechanism marking SQLite-only tests.
#[allow(clippy::print_stderr)] // the visible note of a skipped test
pub fn file_only() -> bool {
    if postgres_mode() {
        eprintln!(
            "skipped on PostgreSQL: {} is about the SQLite catalog file",
            test_name()
        );
        return true;
    }
    false
}

/// For a test that needs PostgreSQL whatever the mode: the server's URL, or None after a
/// note (then the test returns: skipped), so that `cargo test` passes without one.
#[allow(clippy::print_stderr)] // the visible note of a skipped test
pub fn needs_pg() -> Option<String> {
    let url = pg_url();
    if url.is_none() {
        eprintln!(
            "skipped: {} needs PostgreSQL: set DWCTL_TEST_PG_URL (see README, Development)",
            test_name()
        );
    }
    url
}

/// A schema of its own in the tests' PostgreSQL database, dropped (with everything in it)
/// when the last Env using it goes. The harness reads it through a connection of its own
/// (the `postgres` crate, no TLS: the tests' server is local), opened at first use.
pub struct PgSchema {
    /// The database URL as given (no `schema` parameter).
    pub base: String,
    pub name: String,
    client: std::sync::Mutex<Option<postgres::Client>>,
}

impl PgSchema {
    /// A fresh name; the schema itself is created by `dwctl init`, as a user's is.
    pub fn fresh(base: &str) -> PgSchema {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "t_{}_{}_{:06x}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            fastrand::u32(..0x100_0000)
        );
        PgSchema {
            base: base.to_string(),
            name,
            client: std::sync::Mutex::new(None),
        }
    }

    /// Run `f` on the harness's connection (search_path: this schema), connecting first.
    fn with_client<T>(
        &self,
        f: impl FnOnce(&mut postgres::Client) -> Result<T, postgres::Error>,
    ) -> Result<T, String> {
        let mut guard = self.client.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none() {
            let mut c = postgres::Client::connect(&self.base, postgres::NoTls)
                .unwrap_or_else(|e| panic!("connect to DWCTL_TEST_PG_URL: {e}"));
            c.batch_execute(&format!("SET search_path TO \"{}\"", self.name))
                .expect("set search_path");
            *guard = Some(c);
        }
        f(guard.as_mut().unwrap()).map_err(|e| match e.as_db_error() {
            Some(db) => format!("{}: {}", db.severity(), db.message()),
            None => e.to_string(),
        })
    }

    /// Forget the harness's connection (the next read connects again): for a test that
    /// restarted the server, which ended it.
    pub fn reconnect(&self) {
        *self.client.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Run SQL statements (no psql commands) on this schema.
    pub fn execute(&self, sql: &str) -> Result<(), String> {
        self.with_client(|c| c.batch_execute(sql))
    }

    /// The first column of the first row of `query`, as text.
    fn text(&self, query: &str) -> String {
        self.with_client(|c| {
            let rows = c.simple_query(query)?;
            Ok(rows.into_iter().find_map(|m| match m {
                postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
                _ => None,
            }))
        })
        .unwrap_or_else(|e| panic!("{e}\n{query}"))
        .unwrap_or_else(|| panic!("no value: {query}"))
    }

    /// The catalog URL dwctl is given: the database URL with `schema=NAME`.
    pub fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}schema={}", self.base, self.name)
    }

    /// Run a script (SQL and psql's backslash commands, as pg_dump writes) with psql on
    /// the tests' database, `search_path` set to this schema; stdout, unaligned and
    /// without headers. Panics when psql fails.
    pub fn psql(&self, sql: &str) -> String {
        self.try_psql(sql)
            .unwrap_or_else(|e| panic!("psql failed: {e}\n{sql}"))
    }

    /// [`PgSchema::psql`], returning psql's error message when it fails.
    fn try_psql(&self, sql: &str) -> Result<String, String> {
        use std::io::Write;
        let mut child = Command::new("psql")
            .args([
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                &self.base,
            ])
            .env("PGOPTIONS", format!("-c search_path={}", self.name))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run psql (PostgreSQL's client must be on PATH in PostgreSQL mode)");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(sql.as_bytes())
            .unwrap();
        let o = child.wait_with_output().unwrap();
        if !o.status.success() {
            return Err(String::from_utf8_lossy(&o.stderr).into_owned());
        }
        Ok(String::from_utf8(o.stdout).expect("psql's output is UTF-8"))
    }

    /// One JSON value computed by `query`.
    pub fn json(&self, query: &str) -> serde_json::Value {
        let out = self.text(query);
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("the answer is not JSON ({e}): {out}\n{query}"))
    }

    /// Every row of every table of the schema (as PostgreSQL's text form of the row,
    /// sorted), by table, except the tables in `except`.
    pub fn tables(&self, except: &[&str]) -> BTreeMap<String, Vec<String>> {
        let except: Vec<String> = except.iter().map(|t| format!("'{t}'")).collect();
        let except = if except.is_empty() {
            "''".to_string()
        } else {
            except.join(", ")
        };
        // One query over every table, written by PostgreSQL itself.
        let query = self.text(&format!(
            "SELECT 'SELECT json_build_object(' || coalesce(string_agg(format( \
               '%L, (SELECT coalesce(json_agg(x::text ORDER BY x::text), ''[]'') FROM %I.%I x)', \
               table_name, table_schema, table_name), ', ' ORDER BY table_name), '') || ')' \
             FROM information_schema.tables \
             WHERE table_schema = '{}' AND table_type = 'BASE TABLE' AND table_name NOT IN ({except})",
            self.name
        ));
        serde_json::from_value(self.json(&query)).expect("rows by table")
    }

    /// The server processes (backend pids) of clients holding a granted lock on a table
    /// of this schema (autovacuum aside): the dwctl working on this catalog, seen from
    /// outside.
    pub fn lock_holders(&self) -> Vec<i32> {
        let v = self.json(&format!(
            "SELECT coalesce(json_agg(DISTINCT l.pid), '[]') FROM pg_locks l \
             JOIN pg_class c ON c.oid = l.relation \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE n.nspname = '{}' AND l.granted AND l.pid <> pg_backend_pid() \
             AND a.backend_type = 'client backend'",
            self.name
        ));
        serde_json::from_value(v).expect("pids")
    }

    /// Every row of `table` (as PostgreSQL's text form of the row), sorted.
    pub fn table(&self, table: &str) -> Vec<String> {
        let v = self.json(&format!(
            "SELECT coalesce(json_agg(x::text ORDER BY x::text), '[]') FROM \"{table}\" x"
        ));
        serde_json::from_value(v).expect("rows")
    }

    /// Whether the schema holds any table (a catalog).
    pub fn exists(&self) -> bool {
        self.text(&format!(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = '{}'",
            self.name
        )) != "0"
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        // Never a panic here: it would hide the test's own failure.
        let client = self
            .client
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let client = client.or_else(|| postgres::Client::connect(&self.base, postgres::NoTls).ok());
        if let Some(mut c) = client {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.name));
        }
    }
}

/// The catalog's write lock held by the test ([`Env::hold_write_lock`]); dropping it
/// rolls back and lets go.
pub enum WriteLock {
    Sqlite(rusqlite::Connection),
    Postgres(Box<postgres::Client>),
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        let _ = match self {
            WriteLock::Sqlite(c) => c.execute_batch("ROLLBACK").map_err(|e| e.to_string()),
            WriteLock::Postgres(c) => c.batch_execute("ROLLBACK").map_err(|e| e.to_string()),
        };
    }
}

/// A temporary home with a catalog inside it: a SQLite file in the home, or in PostgreSQL
/// mode ([`postgres_mode`]) a schema of its own (then `catalog` holds its URL).
pub struct Env {
    pub dir: tempfile::TempDir,
    pub catalog: PathBuf,
    pub vars: Vec<(String, String)>,
    /// The schema, in PostgreSQL mode.
    pub pg: Option<std::sync::Arc<PgSchema>>,
}

impl Env {
    /// A fresh folder; no catalog yet. On Linux the folder is in memory (/dev/shm) when
    /// it can be: every write ends with fsync, which a disk makes slow.
    pub fn empty() -> Env {
        Env::empty_in(if postgres_mode() { pg_url() } else { None })
    }

    /// [`Env::empty`] with a catalog in PostgreSQL (a fresh schema in the database at
    /// `url`) whatever the mode, or a SQLite file for None.
    pub fn empty_in(url: Option<String>) -> Env {
        let shm = std::path::Path::new("/dev/shm");
        let dir = tempfile::Builder::new()
            .prefix("dwctl-test-")
            .tempdir_in(shm)
            .or_else(|_| tempfile::tempdir())
            .expect("tempdir");
        if let Some(url) = url {
            let schema = PgSchema::fresh(&url);
            return Env {
                dir,
                catalog: PathBuf::from(schema.url()),
                vars: Vec::new(),
                pg: Some(std::sync::Arc::new(schema)),
            };
        }
        let catalog = dir.path().join("catalog.db");
        Env {
            dir,
            catalog,
            vars: Vec::new(),
            pg: None,
        }
    }

    /// Whether the catalog exists (a file, or a schema with tables).
    pub fn exists(&self) -> bool {
        match &self.pg {
            Some(pg) => pg.exists(),
            None => self.catalog.exists(),
        }
    }

    /// A catalog made by `init` with the fixed account id.
    pub fn new() -> Env {
        let env = Env::empty();
        env.run(&["init", "--account-id", ACCOUNT]).ok();
        env
    }

    /// [`Env::new`] on PostgreSQL (the database at `url`) whatever the mode.
    pub fn new_on_pg(url: &str) -> Env {
        let env = Env::empty_in(Some(url.to_string()));
        env.run(&["init", "--account-id", ACCOUNT]).ok();
        env
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to the file `name` of the test's folder: its path, to pass on.
    pub fn file(&self, name: &str, text: &str) -> String {
        let p = self.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    }

    pub fn with_var(mut self, k: &str, v: &str) -> Env {
        self.vars.push((k.to_string(), v.to_string()));
        self
    }

    /// The command with a cleared environment: only HOME (the temp folder), the catalog,
    /// the pinned clock and no config file.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = self.hermetic(Command::new(cargo_bin("dwctl")));
        c.args(args).stdin(Stdio::null());
        c
    }

    /// `program` with the hermetic environment of `cmd`.
    fn hermetic(&self, mut c: Command) -> Command {
        c.env_clear()
            .env("HOME", self.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DWCTL_CATALOG", &self.catalog)
            .env("DWCTL_NOW", NOW)
            .env("DWCTL_NO_CONFIG", "1")
            .current_dir(self.path());
        for (k, v) in &self.vars {
            c.env(k, v);
        }
        c
    }

    /// Run `cmd` (already set up) and collect its outcome.
    pub fn output(mut c: Command) -> Run {
        Run::from(c.output().expect("run dwctl"))
    }

    /// Wait for a spawned dwctl (stdout and stderr piped) and collect its outcome.
    pub fn output_of(child: std::process::Child) -> Run {
        Run::from(child.wait_with_output().expect("wait for dwctl"))
    }

    /// Run, assert success, and parse stdout as JSON.
    #[track_caller]
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let r = self.run(args);
        r.ok();
        r.json()
    }

    /// A copy of this catalog in a fresh folder, for tests that try many things on the
    /// same starting state.
    pub fn fork(&self) -> Env {
        let env = Env::empty_in(self.pg.as_ref().map(|pg| pg.base.clone()));
        if let (Some(from), Some(to)) = (&self.pg, &env.pg) {
            // pg_dump the schema and load the dump under the fork's name (schema names are
            // unique and appear nowhere in a catalog's rows, so the text can be renamed).
            // The original is only read: tests fork one template from several threads.
            let dump = Command::new("pg_dump")
                .args(["-O", "-x", "-n", &from.name, "-d", &from.base])
                .stdin(Stdio::null())
                .output()
                .expect("run pg_dump (it must be on PATH in PostgreSQL mode)");
            assert!(
                dump.status.success(),
                "pg_dump failed: {}",
                String::from_utf8_lossy(&dump.stderr)
            );
            let dump = String::from_utf8(dump.stdout).expect("a UTF-8 dump");
            to.psql(&dump.replace(&from.name, &to.name));
            return Env {
                vars: self.vars.clone(),
                ..env
            };
        }
        for suffix in ["", "-wal", "-shm"] {
            let from = PathBuf::from(format!("{}{suffix}", self.catalog.display()));
            if from.exists() {
                let to = PathBuf::from(format!("{}{suffix}", env.catalog.display()));
                std::fs::copy(&from, &to).expect("copy catalog");
            }
        }
        Env {
            vars: self.vars.clone(),
            ..env
        }
    }

    /// Run dwctl on a pseudo-terminal (see [`Tty`]), so that stdin, stdout and stderr are
    /// all terminals. `steps` are (text to wait for, text to type). stdout of the result
    /// holds everything the terminal showed.
    pub fn pty(&self, args: &[&str], steps: &[(&str, &str)]) -> Run {
        self.tty(args).steps(steps).finish()
    }

    /// [`Env::pty`] for a shell command line (dwctl and, e.g., `stty -a` after it on the
    /// same terminal).
    pub fn pty_line(&self, line: &str, steps: &[(&str, &str)]) -> Run {
        self.tty_line(line).steps(steps).finish()
    }

    /// dwctl ARGS started on a pseudo-terminal of unknown size, with the environment of
    /// `cmd`.
    pub fn tty(&self, args: &[&str]) -> Tty {
        Tty::spawn(self.cmd(args), None)
    }

    /// A shell command line (`sh -c LINE`) on a pseudo-terminal.
    pub fn tty_line(&self, line: &str) -> Tty {
        let mut c = self.hermetic(Command::new("sh"));
        c.args(["-c", line]);
        Tty::spawn(c, None)
    }

    /// `dwctl ARGS` as a shell command line (each argument quoted).
    pub fn shell_line(args: &[&str]) -> String {
        let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
        let mut line = quote(&cargo_bin("dwctl").display().to_string());
        for a in args {
            line.push(' ');
            line.push_str(&quote(a));
        }
        line
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd(args).output().expect("run dwctl"))
    }

    /// Run with `input` on stdin.
    pub fn run_stdin(&self, args: &[&str], input: &str) -> Run {
        use std::io::Write;
        let mut c = self.cmd(args);
        c.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().expect("spawn dwctl");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        Run::from(child.wait_with_output().unwrap())
    }

    /// Every row of every table except the audit log, for "nothing changed" checks.
    pub fn rows(&self) -> BTreeMap<String, Vec<String>> {
        if let Some(pg) = &self.pg {
            // dwctl_meta holds the schema version and the workspace id counter: what
            // SQLite keeps in its header and sqlite_sequence. signature_nonce is what
            // `serve` remembers of the wire (tests/cli/serve.rs reads it on its own).
            return pg.tables(&["audit", "dwctl_meta", "signature_nonce"]);
        }
        table_rows(
            &self.catalog,
            &["audit", "sqlite_sequence", "signature_nonce"],
        )
    }

    /// Hold the catalog's write lock, as a change in progress does, until the guard is
    /// dropped: dwctl's changes wait for it (reads do not).
    pub fn hold_write_lock(&self) -> WriteLock {
        match &self.pg {
            Some(pg) => {
                let mut c = postgres::Client::connect(&pg.base, postgres::NoTls)
                    .expect("connect to DWCTL_TEST_PG_URL");
                c.batch_execute(&format!(
                    "SET search_path TO \"{}\"; BEGIN; LOCK TABLE dwctl_lock IN EXCLUSIVE MODE",
                    pg.name
                ))
                .expect("lock the catalog");
                WriteLock::Postgres(Box::new(c))
            }
            None => {
                let c = rusqlite::Connection::open(&self.catalog).expect("open catalog");
                c.execute_batch("BEGIN IMMEDIATE")
                    .expect("lock the catalog");
                WriteLock::Sqlite(c)
            }
        }
    }

    /// Every row of one table, each a line of its values (sorted, in a form of the
    /// backend's own): for searching what is stored, not for comparing backends.
    pub fn table_rows(&self, table: &str) -> Vec<String> {
        if let Some(pg) = &self.pg {
            return pg.table(table);
        }
        let conn = rusqlite::Connection::open_with_flags(
            &self.catalog,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("open catalog");
        sqlite_table(&conn, table)
    }

    /// Run SQL statements on the catalog behind dwctl's back, on either backend (portable
    /// SQL only; quote values with [`sql_text`]): for tests of what dwctl does with rows it
    /// never writes, as a hand edit or another tool leaves them.
    pub fn sql(&self, sql: &str) {
        self.try_sql(sql).unwrap_or_else(|e| panic!("{e}: {sql}"))
    }

    /// [`Env::sql`], returning the database's error message when it refuses.
    pub fn try_sql(&self, sql: &str) -> Result<(), String> {
        match &self.pg {
            Some(pg) => pg.execute(sql),
            None => rusqlite::Connection::open(&self.catalog)
                .expect("open catalog")
                .execute_batch(sql)
                .map_err(|e| e.to_string()),
        }
    }

    /// The first column of every row of `query` (portable SQL returning text; quote values
    /// with [`sql_text`]), on either backend: for reading what is stored, unredacted.
    pub fn query_texts(&self, query: &str) -> Vec<String> {
        match &self.pg {
            Some(pg) => {
                let v = pg.json(&format!(
                    "SELECT coalesce(json_agg(t.v), '[]') FROM ({query}) AS t(v)"
                ));
                serde_json::from_value(v).expect("texts")
            }
            None => {
                let conn = rusqlite::Connection::open_with_flags(
                    &self.catalog,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
                )
                .expect("open catalog");
                let mut st = conn.prepare(query).unwrap();
                st.query_map([], |r| r.get(0))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap()
            }
        }
    }

    /// The one value of `query` (see [`Env::query_texts`]).
    #[track_caller]
    pub fn query_text(&self, query: &str) -> String {
        let mut v = self.query_texts(query);
        assert_eq!(v.len(), 1, "{query}: {v:?}");
        v.pop().unwrap()
    }

    /// Let [`Env::sql`] edit and delete audit events (the catalog's append-only triggers
    /// refuse it), as someone with the file or the database's owner could.
    pub fn make_audit_editable(&self) {
        self.sql(match self.pg {
            Some(_) => "ALTER TABLE audit DISABLE TRIGGER USER",
            None => "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;",
        })
    }

    /// The audit events as (seq, action, outcome).
    pub fn audit(&self) -> Vec<(i64, String, String)> {
        if let Some(pg) = &self.pg {
            let v = pg.json(
                "SELECT coalesce(json_agg(json_build_array(seq, action, outcome) ORDER BY seq), '[]') FROM audit",
            );
            return serde_json::from_value(v).expect("audit rows");
        }
        let conn = rusqlite::Connection::open_with_flags(
            &self.catalog,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("open catalog");
        let mut st = conn
            .prepare("SELECT seq, action, outcome FROM audit ORDER BY seq")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// Every audit event, oldest first.
    pub fn events(&self) -> Vec<Event> {
        if let Some(pg) = &self.pg {
            let v = pg.json(
                "SELECT coalesce(json_agg(json_build_array(seq, actor, action, workspace, target, outcome, details) ORDER BY seq), '[]') FROM audit",
            );
            return v
                .as_array()
                .expect("audit rows")
                .iter()
                .map(|r| Event {
                    seq: r[0].as_i64().unwrap(),
                    actor: r[1].as_str().unwrap().to_string(),
                    action: r[2].as_str().unwrap().to_string(),
                    workspace: r[3].as_str().map(str::to_string),
                    target: r[4].as_str().map(str::to_string),
                    outcome: r[5].as_str().unwrap().to_string(),
                    details: serde_json::from_str(r[6].as_str().unwrap()).unwrap(),
                })
                .collect();
        }
        let conn = rusqlite::Connection::open_with_flags(
            &self.catalog,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("open catalog");
        let mut st = conn
            .prepare("SELECT seq, actor, action, workspace, target, outcome, details FROM audit ORDER BY seq")
            .unwrap();
        st.query_map([], |r| {
            let details: String = r.get(6)?;
            Ok(Event {
                seq: r.get(0)?,
                actor: r.get(1)?,
                action: r.get(2)?,
                workspace: r.get(3)?,
                target: r.get(4)?,
                outcome: r.get(5)?,
                details: serde_json::from_str(&details).unwrap(),
            })
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    /// The newest audit event.
    pub fn last_event(&self) -> Event {
        self.events().pop().expect("an audit event")
    }

    /// Run a command that must succeed and write exactly one audit event, and return
    /// stdout and that event.
    #[track_caller]
    pub fn changes(&self, args: &[&str]) -> (Run, Event) {
        let before = self.events().len();
        let r = self.run(args);
        r.ok();
        let events = self.events();
        assert_eq!(
            events.len(),
            before + 1,
            "expected exactly one audit event for {args:?}: {:?}",
            &events[before.min(events.len())..]
        );
        (r, events.last().unwrap().clone())
    }

    /// Run a refused command (see `refused`) and check that its event, when it writes
    /// one, names `action`, `workspace` and `target`.
    #[track_caller]
    pub fn refused_event(
        &self,
        args: &[&str],
        code: i32,
        needle: &str,
        want: (&str, Option<&str>, Option<&str>),
    ) -> Run {
        let r = self.refused(args, code, needle);
        let e = self.last_event();
        assert_eq!(
            (
                e.action.as_str(),
                e.workspace.as_deref(),
                e.target.as_deref()
            ),
            want,
            "{args:?}"
        );
        r
    }

    /// The whole catalog, for "nothing changed, not a byte" checks: the file's bytes, or in
    /// PostgreSQL mode a dump of every row of every table (the audit log included).
    pub fn bytes(&self) -> Vec<u8> {
        if let Some(pg) = &self.pg {
            return serde_json::to_vec(&pg.tables(&[])).unwrap();
        }
        std::fs::read(&self.catalog).expect("read catalog")
    }

    /// Run a command that must be refused and change nothing: the exit code, the message,
    /// the same rows, and exactly the audit event its code writes (one `denied` for 5,
    /// one `refused` for 6, none otherwise).
    #[track_caller]
    pub fn refused(&self, args: &[&str], code: i32, needle: &str) -> Run {
        let rows = self.rows();
        let audit = self.audit();
        let r = self.run(args);
        r.fails(code, needle);
        assert_eq!(
            rows,
            self.rows(),
            "the catalog changed after a refused command: {args:?}"
        );
        let after = self.audit();
        match code {
            5 | 6 => {
                assert_eq!(
                    after.len(),
                    audit.len() + 1,
                    "expected one audit event for {args:?}"
                );
                let want = if code == 5 { "denied" } else { "refused" };
                assert_eq!(after.last().unwrap().2, want, "{args:?}");
                // ...and it is the actor's: `--as NAME`, or the account.
                let actor = args
                    .windows(2)
                    .find(|w| w[0] == "--as")
                    .map_or("root", |w| w[1]);
                if !actor.chars().all(|c| c.is_ascii_digit()) {
                    let got = self.last_event().actor;
                    assert!(got.eq_ignore_ascii_case(actor), "event by {got}: {args:?}");
                }
            }
            _ => assert_eq!(
                after, audit,
                "no audit event expected for exit {code}: {args:?}"
            ),
        }
        r
    }
}

/// Every row of a SQLite table, its values joined by `|`, in key order.
fn sqlite_table(conn: &rusqlite::Connection, table: &str) -> Vec<String> {
    let mut st = conn
        .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY 1, 2"))
        .unwrap();
    let n = st.column_count();
    st.query_map([], |r| {
        let mut cells = Vec::new();
        for i in 0..n {
            let v: rusqlite::types::Value = r.get(i)?;
            cells.push(format!("{v:?}"));
        }
        Ok(cells.join("|"))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// `s` as an SQL string literal (for [`Env::sql`]).
pub fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Run `c` (from `Env::cmd`) with a deadline of 20 s: a dwctl still running then is
/// killed and the test fails, rather than hanging the suite. For commands whose output is
/// small (the pipes are read once the process has ended).
#[track_caller]
pub fn bounded(c: Command) -> Run {
    bounded_for(c, std::time::Duration::from_secs(20))
}

/// [`bounded`] with a deadline of `limit`.
#[track_caller]
pub fn bounded_for(mut c: Command, limit: std::time::Duration) -> Run {
    let child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn dwctl");
    wait_within(child, limit, &format!("{c:?}"))
}

/// Wait for a spawned dwctl (stdout and stderr piped, small) for at most `limit`: one
/// still running then is killed and the test fails (`what` names it), rather than
/// hanging the suite.
#[track_caller]
pub fn wait_within(mut child: std::process::Child, limit: std::time::Duration, what: &str) -> Run {
    let start = std::time::Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return Env::output_of(child);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("dwctl hung (still running after {limit:?}): {what}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// A program on a pseudo-terminal: the one pty driver of the tests (rexpect). Its stdin,
/// stdout and stderr are the terminal, which starts as a terminal does (echo on, line
/// mode; rexpect turns echo off, which would hide what a prompt echoes), of unknown size
/// (0 columns) unless given one. Everything it shows is kept, so a step may wait for text
/// shown before the previous step's.
pub struct Tty {
    p: rexpect::session::PtySession,
    /// What the terminal showed so far, one char per byte (as rexpect reads).
    seen: String,
    deadline: std::time::Instant,
}

/// How long a terminal run may take, start to end.
const TTY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

impl Tty {
    /// Start `c` (set up by the harness) on a fresh pseudo-terminal.
    pub fn spawn(mut c: Command, cols: Option<u16>) -> Tty {
        use std::os::unix::process::CommandExt;
        c.stdin(Stdio::inherit())
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit());
        // SAFETY: only tcgetattr/tcsetattr/ioctl on stdin between fork and exec.
        unsafe {
            c.pre_exec(move || {
                let mut t: libc::termios = std::mem::zeroed();
                if libc::tcgetattr(0, &mut t) == 0 {
                    t.c_lflag |= libc::ECHO;
                    libc::tcsetattr(0, libc::TCSANOW, &t);
                }
                if let Some(cols) = cols {
                    let size = libc::winsize {
                        ws_row: 200,
                        ws_col: cols,
                        ws_xpixel: 0,
                        ws_ypixel: 0,
                    };
                    libc::ioctl(0, libc::TIOCSWINSZ, &size);
                }
                Ok(())
            });
        }
        let timeout = TTY_TIMEOUT.as_millis() as u64;
        let p = rexpect::session::spawn_command(c, Some(timeout)).expect("spawn on a pty");
        Tty {
            p,
            seen: String::new(),
            deadline: std::time::Instant::now() + TTY_TIMEOUT,
        }
    }

    /// What the terminal showed so far, as UTF-8 (lossy).
    pub fn shown(&self) -> String {
        let bytes: Vec<u8> = self.seen.chars().map(|c| c as u32 as u8).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Wait until the terminal has shown `text` (at any time since the start).
    #[track_caller]
    pub fn expect(&mut self, text: &str) -> &mut Self {
        let needle: String = text.bytes().map(char::from).collect();
        while !self.seen.contains(&needle) {
            let before = self.seen.len();
            while let Some(c) = self.p.try_read() {
                self.seen.push(c);
            }
            if self.seen.len() == before {
                if std::time::Instant::now() > self.deadline {
                    panic!(
                        "the terminal never showed {text:?}; it showed:\n{}",
                        self.shown()
                    )
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
        self
    }

    /// Type `text`.
    pub fn send(&mut self, text: &str) -> &mut Self {
        self.p.send(text).expect("type on the pty");
        self.p.flush().expect("type on the pty");
        self
    }

    /// For each (text to wait for, text to type): wait, then type. A prompt is drawn
    /// before it reads (and, for a password, before it turns the echo off): typing at
    /// once can race it on a loaded machine, as a person never does, so each step gives
    /// it a moment.
    pub fn steps(mut self, steps: &[(&str, &str)]) -> Self {
        for (wait_for, input) in steps {
            self.expect(wait_for);
            std::thread::sleep(std::time::Duration::from_millis(150));
            self.send(input);
        }
        self
    }

    /// Send `signal` to the program (not through the terminal).
    pub fn signal(&mut self, signal: rexpect::process::Signal) {
        self.p
            .process_mut()
            .signal(signal)
            .expect("signal the program");
    }

    /// Read to the end and wait: how the program ended and everything the terminal showed.
    pub fn wait(mut self) -> (rexpect::process::WaitStatus, String) {
        let rest = self.p.exp_eof().unwrap_or_else(|e| {
            panic!(
                "the program on the terminal did not finish ({e}); it showed:\n{}",
                self.shown()
            )
        });
        self.seen.push_str(&rest);
        let status = self.p.process().wait().expect("wait for the program");
        (status, self.shown())
    }

    /// [`Tty::wait`] as a [`Run`]: stdout is everything the terminal showed (stderr
    /// included), the code is the exit status, or minus the signal that ended it.
    pub fn finish(self) -> Run {
        use rexpect::process::WaitStatus;
        let (status, stdout) = self.wait();
        let code = match status {
            WaitStatus::Exited(_, code) => code,
            WaitStatus::Signaled(_, signal, _) => -(signal as i32),
            other => panic!("the program on the terminal did not end: {other:?}"),
        };
        Run {
            code,
            stdout,
            stderr: String::new(),
        }
    }
}

/// Every row of every table of the catalog file at `path` but those of `except`, as text,
/// by table.
pub fn table_rows(path: &Path, except: &[&str]) -> BTreeMap<String, Vec<String>> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open catalog");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<Vec<String>, _>>()
        .unwrap()
        .into_iter()
        .filter(|t| !except.contains(&t.as_str()))
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let rows = sqlite_table(&conn, &t);
            (t, rows)
        })
        .collect()
}
