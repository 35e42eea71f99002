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

/// A temporary home with a catalog path inside it.
pub struct Env {
    pub dir: tempfile::TempDir,
    pub catalog: PathBuf,
    pub vars: Vec<(String, String)>,
}

impl Env {
    /// A fresh folder; no catalog yet. On Linux the folder is in memory (/dev/shm) when
    /// it can be: every write ends with fsync, which a disk makes slow.
    pub fn empty() -> Env {
        let shm = std::path::Path::new("/dev/shm");
        let dir = tempfile::Builder::new()
            .prefix("dwctl-test-")
            .tempdir_in(shm)
            .or_else(|_| tempfile::tempdir())
            .expect("tempdir");
        let catalog = dir.path().join("catalog.db");
        Env {
            dir,
            catalog,
            vars: Vec::new(),
        }
    }

    /// A catalog made by `init` with the fixed account id.
    pub fn new() -> Env {
        let env = Env::empty();
        env.run(&["init", "--account-id", ACCOUNT]).ok();
        env
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
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
        let env = Env::empty();
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
        table_rows(&self.catalog, &["audit", "sqlite_sequence"])
    }

    /// The audit events as (seq, action, outcome).
    pub fn audit(&self) -> Vec<(i64, String, String)> {
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

    pub fn bytes(&self) -> Vec<u8> {
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

/// Run `c` (from `Env::cmd`) with a deadline of 20 s: a dwctl still running then is
/// killed and the test fails, rather than hanging the suite. For commands whose output is
/// small (the pipes are read once the process has ended).
#[track_caller]
pub fn bounded(mut c: Command) -> Run {
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn dwctl");
    let start = std::time::Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            let o = child.wait_with_output().unwrap();
            return Run {
                code: o.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            };
        }
        if start.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("dwctl hung: {c:?}");
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
    let mut out = BTreeMap::new();
    for t in tables {
        let mut st = conn
            .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY 1, 2"))
            .unwrap();
        let n = st.column_count();
        let rows: Vec<String> = st
            .query_map([], |r| {
                let mut cells = Vec::new();
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    cells.push(format!("{v:?}"));
                }
                Ok(cells.join("|"))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        out.insert(t, rows);
    }
    out
}
