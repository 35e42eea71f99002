//! The catalog on PostgreSQL: one schema of a database holding one tenant, shared by a
//! team. This module and its children are the only code that knows its SQL. Nothing here
//! runs unless a `postgres://` or `postgresql://` catalog is named.
//!
//! - One REPEATABLE READ transaction per command. A change first takes
//!   `LOCK TABLE dwctl_lock IN EXCLUSIVE MODE` (before any savepoint and before its
//!   snapshot is taken), so that changes and their audit events are serialised and the hash
//!   chain never forks; reads take no lock and never wait. `--lock-timeout` is the change's
//!   `lock_timeout`; a timeout is exit 7 naming the holders.
//! - Opening never migrates: an older schema is exit 7 with the hint `dwctl catalog
//!   migrate`, a newer one exit 7 as on a file.
//! - Event times come from the server's clock, read once per transaction after the lock.
//! - Errors are mapped by SQLSTATE; the password never appears in a message.

mod access_keys;
mod audit;
mod bulk;
mod copy;
mod pending;
mod principals;
mod resource_groups;
mod resources;
mod roles;
pub(crate) mod stored;
pub mod target;
mod tls;
mod workspaces;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{ToSql, Type};
use postgres::{Client, Row, SimpleQueryMessage, Statement};

use crate::domain::store;
use crate::model::clock::Timestamp;
use crate::model::error::{Error, Kind, Result};
use crate::storage::rows::PRINCIPAL_COLS;

pub use target::{is_url, PgEnv, Target};

/// Append-only: never edit or reorder an applied migration; add the next one (and
/// SQLite's of the same number: a test checks both lists are as long).
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_indexes.sql"),
    include_str!("migrations/0003_lasting_ids.sql"),
    include_str!("migrations/0004_access_keys.sql"),
    include_str!("migrations/0005_db_role.sql"),
    include_str!("migrations/0006_custom_roles.sql"),
    include_str!("migrations/0007_signature_nonces.sql"),
    include_str!("migrations/0008_datasource_share.sql"),
    include_str!("migrations/0009_member_access.sql"),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// A session idle inside a transaction longer than this is ended by the server, so that a
/// suspended dwctl (Ctrl-Z, a stopped VM) cannot hold the catalog's write lock forever.
pub const IDLE_IN_TRANSACTION: Duration = Duration::from_secs(30);

/// How long a connection may take when the URL sets no `connect_timeout`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The tables every catalog of this schema has (a missing one is a damaged catalog).
const TABLES: &[&str] = &[
    "access_key",
    "audit",
    "binding",
    "compute",
    "custom_role",
    "datasource",
    "datasource_share",
    "dwctl_lock",
    "dwctl_meta",
    "member",
    "principal",
    "resource_group",
    "signature_nonce",
    "tenant",
    "workspace",
    "workspace_tag",
];

/// The server's clock, as dwctl stores times (UTC, milliseconds).
const NOW_MS: &str =
    "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), current_user";

/// The catalog this process opened (its URL, without the password), so that an error met
/// anywhere names it.
static OPEN_URL: Mutex<Option<String>> = Mutex::new(None);

fn set_open_url(t: &Target) {
    if let Ok(mut u) = OPEN_URL.lock() {
        *u = Some(t.to_string());
    }
}

/// The catalog named in a message.
fn the_catalog() -> String {
    match OPEN_URL.lock().ok().and_then(|u| u.clone()) {
        Some(u) => format!("the catalog {u}"),
        None => "the PostgreSQL catalog".into(),
    }
}

/// `ident` quoted for SQL.
pub(crate) fn quote_ident(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// `text` as an SQL string literal.
fn quote_literal(text: &str) -> String {
    // As PostgreSQL's own quote_literal: a backslash makes it an E'' string (read the same
    // whatever standard_conforming_strings says).
    if text.contains('\\') {
        format!("E'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
    } else {
        format!("'{}'", text.replace('\'', "''"))
    }
}

/// What to do with a damaged catalog.
const RESTORE_HINT: &str = "restore the schema from a backup (pg_dump/pg_restore), or create a new catalog with dwctl init --catalog URL";

/// Exit 7: the catalog's schema is not what dwctl made.
fn damaged(why: impl Into<String>) -> Error {
    Error::catalog(format!("{} is damaged", the_catalog()))
        .caused_by(why)
        .with_hint(RESTORE_HINT)
}

/// A postgres error as dwctl's, by SQLSTATE (never by message text).
pub(crate) fn pg_err(e: postgres::Error) -> Error {
    use postgres::error::SqlState as S;
    let Some(db) = e.as_db_error() else {
        // No server answer: the connection failed or was cut.
        return lost_connection(e.to_string());
    };
    let detail = db.message().to_string();
    let code = db.code();
    if *code == S::T_R_SERIALIZATION_FAILURE || *code == S::T_R_DEADLOCK_DETECTED {
        return Error::catalog(format!(
            "{} was changed by another session at the same moment",
            the_catalog()
        ))
        .caused_by(detail)
        .with_hint("run the command again");
    }
    if *code == S::LOCK_NOT_AVAILABLE {
        return Error::catalog(format!("{} is locked by another session", the_catalog()))
            .caused_by(detail)
            .with_hint("wait for it to finish, or raise --lock-timeout");
    }
    if *code == S::UNDEFINED_TABLE
        || *code == S::UNDEFINED_COLUMN
        || *code == S::UNDEFINED_FUNCTION
        || *code == S::INVALID_SCHEMA_NAME
    {
        return damaged(detail);
    }
    if *code == S::READ_ONLY_SQL_TRANSACTION {
        return Error::catalog(format!("{} is read-only", the_catalog()))
            .caused_by(detail)
            .with_hint("connect to the primary server, or run a read-only command");
    }
    if *code == S::INSUFFICIENT_PRIVILEGE {
        return Error::catalog(format!("{} cannot be used by this login", the_catalog()))
            .caused_by(detail)
            .with_hint("grant the login USAGE on the schema and SELECT, INSERT, UPDATE, DELETE on its tables (see README, Team catalog on PostgreSQL)");
    }
    if *code == S::IDLE_IN_TRANSACTION_SESSION_TIMEOUT {
        return Error::catalog(format!(
            "the server closed the connection to {}: it was idle in a transaction for over {} s",
            the_catalog(),
            IDLE_IN_TRANSACTION.as_secs()
        ))
        .caused_by(detail)
        .with_hint("run the command again; nothing of it was made");
    }
    if *code == S::QUERY_CANCELED {
        return Error::catalog(format!("a statement on {} was cancelled", the_catalog()))
            .caused_by(detail);
    }
    let class = &code.code()[..2];
    if matches!(class, "08" | "57") {
        // The server ended the connection (shut down, restarted, the backend terminated)
        // or it broke: the same to the user as a connection cut without an answer.
        return lost_connection(detail);
    }
    if matches!(class, "53" | "58" | "XX") {
        return Error::catalog(format!("{} cannot be used", the_catalog()))
            .caused_by(detail)
            .with_hint("check the server; a change that was cut off was made whole or not at all (`dwctl audit list --limit 5` shows which)");
    }
    if *code == S::UNIQUE_VIOLATION
        || *code == S::FOREIGN_KEY_VIOLATION
        || *code == S::CHECK_VIOLATION
        || *code == S::NOT_NULL_VIOLATION
    {
        // The domain checks what it writes: a constraint the catalog enforces is a bug.
        return Error::internal(format!("catalog error: {detail}"));
    }
    Error::internal(format!("catalog error [{}]: {detail}", code.code()))
}

/// Exit 7: the connection went away in the middle of a command, however it went (the
/// server said so, or it simply closed): one message, so scripts and people see one error.
fn lost_connection(cause: impl Into<String>) -> Error {
    Error::catalog(format!("lost the connection to {}", the_catalog()))
        .caused_by(cause)
        // A change cut off is made whole or not at all; which one dwctl cannot know when
        // the connection went during the COMMIT (the server may have committed).
        .with_hint("check that the server is up and reachable; a change that was cut off was made whole or not at all (`dwctl audit list --limit 5` shows which), then run the command again if it was not")
}

fn connect_err(t: &Target, e: postgres::Error) -> Error {
    use postgres::error::SqlState as S;
    let host = t.hosts_or_default().join(",");
    let db = t
        .dbname
        .as_deref()
        .or(t.login())
        .unwrap_or("(default)")
        .to_string();
    let base = format!("cannot connect to the catalog {t} (host {host}, database {db})");
    match e.code() {
        Some(c) if *c == S::INVALID_PASSWORD || *c == S::INVALID_AUTHORIZATION_SPECIFICATION => {
            Error::catalog(base)
                .caused_by(e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string()))
                .with_hint("give the login's password in the URL, in PGPASSWORD or in ~/.pgpass (PGPASSFILE)")
        }
        Some(c) if *c == S::INVALID_CATALOG_NAME => Error::catalog(base)
            .caused_by(e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string()))
            .with_hint("create the database first (createdb), or name another in the URL"),
        _ => match certificate_problem(&e, &host) {
            // A certificate that sslmode=verify-ca/verify-full refuses: said in words,
            // with what to check.
            Some(problem) => Error::catalog(format!("{base}: {problem}"))
                .caused_by(source_chain(&e))
                .with_hint("check sslrootcert (the CA that signed the server's certificate) and that the URL's host is a name the certificate holds; sslmode=require encrypts without checking either"),
            None => Error::catalog(base)
                .caused_by(
                    e.as_db_error()
                        .map_or_else(|| source_chain(&e), |d| d.message().to_string()),
                )
                .with_hint("check the URL, that the server is up, and that it accepts this login"),
        },
    }
}

/// What is wrong with the server's certificate, when TLS refused it (the rustls error
/// inside the connection error, found by type).
fn certificate_problem(e: &postgres::Error, host: &str) -> Option<String> {
    use rustls::CertificateError as C;
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let tls = err.downcast_ref::<rustls::Error>().or_else(|| {
            err.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(rustls::Error::InvalidCertificate(c)) = tls {
            return Some(match c {
                C::UnknownIssuer => {
                    "the server's certificate is not signed by a CA in sslrootcert".into()
                }
                C::NotValidForName | C::NotValidForNameContext { .. } => {
                    format!("the server's certificate is not valid for the host {host}")
                }
                C::Expired | C::ExpiredContext { .. } => {
                    "the server's certificate has expired".into()
                }
                C::NotValidYet | C::NotValidYetContext { .. } => {
                    "the server's certificate is not valid yet".into()
                }
                other => format!("the server's certificate was refused ({other:?})"),
            });
        }
        cur = err.source();
    }
    None
}

/// An error with its causes (`error connecting to server: Connection refused`).
fn source_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        cur = c.source();
    }
    s
}

/// `dwctl USER@HOST`: what the server shows as the session's application, so that the
/// holder of the catalog's lock can be named.
fn application_name(t: &Target) -> String {
    let user = t.env.os_user.clone().unwrap_or_else(|| "?".into());
    format!("dwctl {user}@{}", host_name())
}

fn host_name() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its length; gethostname NUL-terminates within it
        // or truncates, and the last byte is kept 0.
        let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len() - 1) };
        if rc == 0 {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            if let Ok(s) = std::str::from_utf8(&buf[..end]) {
                if !s.is_empty() {
                    return s.to_string();
                }
            }
        }
    }
    "?".into()
}

/// A connection to `t`'s server, its session set up (schema, application name, idle
/// timeout). Nothing about the catalog is checked yet.
pub(crate) fn connect(t: &Target, timeout: Option<Duration>) -> Result<Client> {
    let mut cfg = postgres::Config::new();
    for h in t.hosts_or_default() {
        if h.starts_with('/') {
            cfg.host_path(&h);
        } else {
            cfg.host(&h);
        }
    }
    for p in &t.ports {
        cfg.port(*p);
    }
    if let Some(u) = t.login() {
        cfg.user(u);
    }
    if let Some(p) = t.password() {
        cfg.password(p);
    }
    if let Some(d) = &t.dbname {
        cfg.dbname(d);
    }
    cfg.application_name(&application_name(t));
    cfg.connect_timeout(timeout.or(t.connect_timeout).unwrap_or(CONNECT_TIMEOUT));
    set_open_url(t);
    let tls = match t.sslmode {
        target::SslMode::Disable => {
            cfg.ssl_mode(postgres::config::SslMode::Disable);
            None
        }
        mode => {
            cfg.ssl_mode(if mode == target::SslMode::Prefer {
                postgres::config::SslMode::Prefer
            } else {
                postgres::config::SslMode::Require
            });
            Some(tokio_postgres_rustls::MakeRustlsConnect::new(
                tls::client_config(t)?,
            ))
        }
    };
    // The session's settings travel in the startup packet (no round trip of their own).
    // A server or pooler that refuses the `options` parameter (a protocol violation, e.g.
    // pgbouncer) is asked again without it, and the settings are SET after connecting.
    let settings = session_options(t);
    let mut with_options = cfg.clone();
    with_options.options(&settings);
    match open_connection(&with_options, &tls) {
        Err(e) if e.code() == Some(&postgres::error::SqlState::PROTOCOL_VIOLATION) => {}
        other => return other.map_err(|e| connect_err(t, e)),
    }
    if let Some(o) = &t.options {
        cfg.options(o);
    }
    let mut client = open_connection(&cfg, &tls).map_err(|e| connect_err(t, e))?;
    client
        .batch_execute(&format!(
            "SET search_path TO {}; SET idle_in_transaction_session_timeout = '{}s'",
            quote_ident(&t.schema),
            IDLE_IN_TRANSACTION.as_secs()
        ))
        .map_err(pg_err)?;
    Ok(client)
}

/// The startup packet's `options`: the URL's own, then the catalog's schema as
/// `search_path` and [`IDLE_IN_TRANSACTION`] (each `-c` value escaped as the server splits
/// them: a backslash before a space or a backslash).
fn session_options(t: &Target) -> String {
    let escape = |v: &str| v.replace('\\', "\\\\").replace(' ', "\\ ");
    let mut o = t.options.clone().map(|o| o + " ").unwrap_or_default();
    o.push_str(&format!(
        "-c search_path={} -c idle_in_transaction_session_timeout={}s",
        escape(&quote_ident(&t.schema)),
        IDLE_IN_TRANSACTION.as_secs()
    ));
    o
}

/// A connection as `cfg` says, in plain text or over `tls`.
fn open_connection(
    cfg: &postgres::Config,
    tls: &Option<tokio_postgres_rustls::MakeRustlsConnect>,
) -> std::result::Result<Client, postgres::Error> {
    match tls {
        None => cfg.connect(postgres::NoTls),
        Some(tls) => cfg.connect(tls.clone()),
    }
}

/// The rows of a simple-protocol batch, as text.
fn simple_rows(client: &mut Client, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
    let msgs = client.simple_query(sql).map_err(pg_err)?;
    Ok(msgs
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => {
                Some((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect())
            }
            _ => None,
        })
        .collect())
}

/// What a schema holds.
enum Found {
    /// No dwctl catalog: the schema is missing or has no `dwctl_meta`.
    Nothing,
    /// A catalog at this schema version, with these of [`TABLES`] missing.
    Catalog(i64, Vec<String>),
}

/// The query naming the tables of [`TABLES`] the schema lacks (one text, comma-separated;
/// NULL when none is missing). It never fails on a missing table.
fn missing_tables_sql() -> String {
    let list = TABLES
        .iter()
        .map(|t| quote_literal(t))
        .collect::<Vec<_>>()
        .join(",");
    format!(
        "SELECT (SELECT string_agg(t, ',' ORDER BY t) FROM unnest(ARRAY[{list}]) t \
          WHERE to_regclass(quote_ident(t)) IS NULL)"
    )
}

/// The tables a row of [`missing_tables_sql`] names.
fn missing_tables(row: Option<&Vec<Option<String>>>) -> Vec<String> {
    row.and_then(|r| r.first().cloned().flatten())
        .map(|s| s.split(',').map(str::to_string).collect())
        .unwrap_or_default()
}

/// What the schema holds, in one round trip: the tables, then the version (an error when
/// there is no `dwctl_meta`: then no catalog). Not inside a transaction: a failed read
/// would end it.
fn inspect(client: &mut Client) -> Result<Found> {
    let rows = match simple_rows(
        client,
        &format!(
            "{}; SELECT value FROM dwctl_meta WHERE key = 'schema_version'",
            missing_tables_sql()
        ),
    ) {
        Ok(rows) => rows,
        Err(_) if !has_table(client, "dwctl_meta")? => return Ok(Found::Nothing),
        Err(e) => return Err(e),
    };
    let missing = missing_tables(rows.first());
    let version = rows
        .get(1)
        .and_then(|r| r.first().cloned().flatten())
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(|| damaged("its table dwctl_meta has no schema_version"))?;
    Ok(Found::Catalog(version, missing))
}

/// Whether the schema has the table `name` (after a failed read of it).
fn has_table(client: &mut Client, name: &str) -> Result<bool> {
    let rows = simple_rows(
        client,
        &format!("SELECT to_regclass({}) IS NOT NULL", quote_literal(name)),
    )?;
    Ok(rows
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .as_deref()
        == Some("t"))
}

fn no_catalog(t: &Target) -> Error {
    Error::catalog(format!("no dwctl catalog in schema {} of {t}", t.schema))
        .with_hint(format!("create it with dwctl init --catalog {t}"))
}

fn newer(t: &Target, version: i64) -> Error {
    Error::catalog(format!(
        "{t} was written by a newer dwctl (schema {version}; this dwctl knows up to {SCHEMA_VERSION})"
    ))
    .with_hint("upgrade dwctl to use this catalog")
}

/// A catalog on PostgreSQL, connected.
pub struct Catalog {
    client: Client,
    /// Statements prepared on this connection, by their SQL.
    statements: HashMap<String, Statement>,
    /// Statements run once, unnamed (the next run prepares them): see [`Plan`].
    ran_once: HashSet<String>,
    lock_timeout: Duration,
    schema: String,
}

impl Catalog {
    /// Whether the connection is gone (the server restarted, the backend was terminated,
    /// the network cut it): a long-lived holder (`serve`'s pool) opens a new one.
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// Open an existing catalog: connect, and check its schema version (never migrating:
    /// an older schema is exit 7 with the hint `dwctl catalog migrate`).
    pub fn open(t: &Target, lock_timeout: Duration) -> Result<Catalog> {
        let mut client = connect(t, None)?;
        match inspect(&mut client)? {
            Found::Nothing => Err(no_catalog(t)),
            Found::Catalog(v, _) if v > SCHEMA_VERSION => Err(newer(t, v)),
            Found::Catalog(v, _) if v < 1 => Err(damaged(format!(
                "its schema version is {v}, which no dwctl writes"
            ))),
            Found::Catalog(v, _) if v < SCHEMA_VERSION => Err(Error::catalog(format!(
                "{t} has schema {v}; this dwctl needs schema {SCHEMA_VERSION}"
            ))
            .with_hint(format!(
                "upgrade it with dwctl catalog migrate --catalog {t} (every dwctl using it must be this version or newer)"
            ))),
            Found::Catalog(_, missing) if !missing.is_empty() => {
                Err(damaged(format!("it has no table {}", missing.join(", "))))
            }
            Found::Catalog(..) => Ok(Catalog {
                client,
                statements: HashMap::new(),
                ran_once: HashSet::new(),
                lock_timeout,
                schema: t.schema.clone(),
            }),
        }
    }

    /// The catalog for shell completion: `None` when there is none (or it cannot be
    /// reached quickly, or has another schema version). Never created, migrated or waited
    /// for.
    pub fn open_for_names(t: &Target) -> Option<Catalog> {
        let mut client = connect(t, Some(Duration::from_secs(1))).ok()?;
        match inspect(&mut client).ok()? {
            Found::Catalog(v, missing) if v == SCHEMA_VERSION && missing.is_empty() => {
                Some(Catalog {
                    client,
                    statements: HashMap::new(),
                    ran_once: HashSet::new(),
                    lock_timeout: Duration::ZERO,
                    schema: t.schema.clone(),
                })
            }
            _ => None,
        }
    }

    /// `dwctl catalog migrate`: bring an older schema to this dwctl's, under the write
    /// lock. The schema version before and after.
    pub fn migrate(t: &Target, lock_timeout: Duration) -> Result<(i64, i64)> {
        let mut client = connect(t, None)?;
        let version = match inspect(&mut client)? {
            Found::Nothing => return Err(no_catalog(t)),
            Found::Catalog(v, _) if v > SCHEMA_VERSION => return Err(newer(t, v)),
            Found::Catalog(v, _) => v,
        };
        if version == SCHEMA_VERSION {
            return Ok((version, version));
        }
        let mut cat = Catalog {
            client,
            statements: HashMap::new(),
            ran_once: HashSet::new(),
            lock_timeout,
            schema: t.schema.clone(),
        };
        // Nothing read ahead: an older schema may lack what it reads.
        let tx = cat.begin_write_reading(false)?;
        // Read again under the lock: another migrate may have run meanwhile.
        let row = tx.query_one(
            "SELECT value FROM dwctl_meta WHERE key = 'schema_version'",
            &[],
        )?;
        let from: i64 = row.get(0);
        run_migrations(&tx, from)?;
        tx.finish("COMMIT")?;
        Ok((version, SCHEMA_VERSION))
    }

    fn begin_write(&mut self) -> Result<Tx<'_>> {
        self.begin_write_reading(true)
    }

    /// Begin a change: the transaction, its lock, the clock (and with `read_ahead` what
    /// every change reads next: [`read_ahead_sql`]), in one round trip.
    fn begin_write_reading(&mut self, read_ahead: bool) -> Result<Tx<'_>> {
        let ms = self.lock_timeout.as_millis();
        // lock_timeout 0 means "wait forever" to PostgreSQL: --lock-timeout 0 means "do not
        // wait".
        let (timeout, nowait) = if ms == 0 {
            ("0".to_string(), " NOWAIT")
        } else {
            (format!("{ms}ms"), "")
        };
        let sql = format!(
            "BEGIN ISOLATION LEVEL REPEATABLE READ; SET LOCAL lock_timeout = '{timeout}'; \
             LOCK TABLE dwctl_lock IN EXCLUSIVE MODE{nowait}; {}",
            if read_ahead {
                read_ahead_sql(true)
            } else {
                NOW_MS.to_string()
            }
        );
        let rows = match simple_rows(&mut self.client, &sql) {
            Ok(rows) => rows,
            Err(e) => {
                let _ = self.client.batch_execute("ROLLBACK");
                return Err(self.lock_error(e));
            }
        };
        let now = parse_now(&rows)?;
        let tx = Tx::new(self, now).with_login(parse_login(&rows));
        Ok(if read_ahead {
            tx.keep_read_ahead(&rows, true)
        } else {
            tx
        })
    }

    /// A lock timeout, naming the sessions that hold the catalog's lock.
    fn lock_error(&mut self, e: Error) -> Error {
        if !e.message.contains("is locked by another session") {
            return e;
        }
        let holders = simple_rows(
            &mut self.client,
            "SELECT a.pid::text, a.application_name, a.usename::text, \
             COALESCE(host(a.client_addr), 'local'), \
             (extract(epoch FROM (clock_timestamp() - a.xact_start)))::bigint::text \
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'relation' AND l.relation = to_regclass('dwctl_lock') \
             AND l.granted AND a.pid <> pg_backend_pid()",
        )
        .unwrap_or_default();
        let who: Vec<String> = holders
            .iter()
            .map(|r| {
                let f = |i: usize| r.get(i).cloned().flatten().unwrap_or_default();
                let app = f(1);
                let app = if app.is_empty() {
                    "(no application name)".into()
                } else {
                    app
                };
                format!(
                    "{app} (login {}, pid {}, from {}, for {} s)",
                    f(2),
                    f(0),
                    f(3),
                    f(4)
                )
            })
            .collect();
        let msg = if who.is_empty() {
            format!(
                "{} is locked by another session (it finished meanwhile)",
                the_catalog()
            )
        } else {
            format!("{} is locked by {}", the_catalog(), who.join(", "))
        };
        Error::catalog(msg).with_hint("wait for it to finish, or raise --lock-timeout")
    }

    fn begin_read(&mut self) -> Result<Tx<'_>> {
        let rows = simple_rows(
            &mut self.client,
            &format!(
                "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; {}",
                read_ahead_sql(false)
            ),
        )?;
        let now = parse_now(&rows)?;
        Ok(Tx::new(self, now)
            .with_login(parse_login(&rows))
            .keep_read_ahead(&rows, false))
    }

    /// The schema holding the catalog.
    pub fn schema(&self) -> &str {
        &self.schema
    }
}

fn parse_now(rows: &[Vec<Option<String>>]) -> Result<Timestamp> {
    rows.last()
        .and_then(|r| r.first().cloned().flatten())
        .and_then(|s| Timestamp::from_stored(&s))
        .ok_or_else(|| Error::catalog(format!("{} did not say what time it is", the_catalog())))
}

/// The login of [`NOW_MS`]'s row.
fn parse_login(rows: &[Vec<Option<String>>]) -> Option<String> {
    rows.last().and_then(|r| r.get(1).cloned().flatten())
}

/// [`NOW_MS`], and in the same row what every command reads next: the tenant, the
/// principal mapped to the login, and for a change (`write`) the newest audit event.
fn read_ahead_sql(write: bool) -> String {
    let principal = PRINCIPAL_COLS
        .split(", ")
        .map(|c| format!("p.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let (audit_cols, audit_join) = if write {
        (
            ", a.seq, a.hash",
            " LEFT JOIN LATERAL (SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1) a ON true",
        )
    } else {
        ("", "")
    };
    format!(
        "{NOW_MS}, t.account_id, t.region, t.created_at, {principal}{audit_cols} \
         FROM (SELECT 1) one LEFT JOIN tenant t ON t.singleton = 1 \
         LEFT JOIN principal p ON p.db_role = current_user{audit_join}"
    )
}

impl Tx<'_> {
    /// Keep what [`read_ahead_sql`] read (its last row). A value that does not read back is
    /// not kept: the query made when it is asked for says what is wrong.
    fn keep_read_ahead(mut self, rows: &[Vec<Option<String>>], write: bool) -> Self {
        use crate::storage::rows::{audit_head, principal_row, tenant_row};
        use stored::TextRow;
        let Some(row) = rows.last() else {
            return self;
        };
        let cells = |from: usize, to: usize| row.get(from..to).unwrap_or_default();
        let text = |cells, ints, bools| TextRow { cells, ints, bools };
        let mut ahead = pending::ReadAhead::default();
        if cells(2, 3).first().is_some_and(Option::is_some) {
            ahead.tenant = tenant_row(&text(cells(2, 5), &[], &[])).ok();
        }
        if let Some(login) = row.get(1).cloned().flatten() {
            let principal = if cells(5, 6).first().is_some_and(Option::is_some) {
                principal_row(&text(cells(5, 13), &[0], &[5]))
                    .ok()
                    .map(Some)
            } else {
                Some(None)
            };
            ahead.by_role = principal.map(|p| (login, p));
        }
        if write {
            self.last_hash = if cells(13, 14).first().is_some_and(Option::is_some) {
                audit_head(&text(cells(13, 15), &[0], &[])).ok()
            } else {
                Some(crate::storage::rows::empty_log())
            };
        }
        *self.read_ahead.borrow_mut() = ahead;
        self
    }
}

fn run_migrations(tx: &Tx<'_>, from: i64) -> Result<()> {
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from.max(0) as usize) {
        tx.batch(sql).map_err(|e| match e.kind {
            Kind::Catalog => e,
            _ => damaged(format!("schema {} cannot be applied: {e}", i + 1)),
        })?;
        tx.execute(
            "UPDATE dwctl_meta SET value = $1 WHERE key = 'schema_version'",
            &[&((i + 1) as i64)],
        )?;
    }
    Ok(())
}

impl store::Catalog for Catalog {
    fn write(&mut self) -> Result<Box<dyn store::Tx + '_>> {
        Ok(Box::new(self.begin_write()?))
    }

    fn read(&mut self) -> Result<Box<dyn store::Tx + '_>> {
        Ok(Box::new(self.begin_read()?))
    }

    fn remember_nonce(&mut self, key_id: &str, nonce: &str, ttl: Duration) -> Result<bool> {
        Catalog::remember_nonce(self, key_id, nonce, ttl)
    }
}

/// A catalog being created by `init`: the schema (made if missing), its tables and the
/// tenant, all in one transaction, so that a failed or concurrent init leaves nothing
/// half made.
pub struct NewCatalog {
    cat: Catalog,
    now: Timestamp,
    /// `current_user`: the login `init` maps to the account.
    login: Option<String>,
}

impl NewCatalog {
    /// Start creating the catalog at `t`; `None` when one is already there (checked under
    /// a lock that serialises concurrent inits of the schema).
    pub fn create(t: &Target) -> Result<Option<NewCatalog>> {
        let mut client = connect(t, None)?;
        let schema = quote_ident(&t.schema);
        let rows = simple_rows(
            &mut client,
            &format!(
                "BEGIN ISOLATION LEVEL READ COMMITTED; \
                 SELECT pg_advisory_xact_lock(hashtext({})); \
                 CREATE SCHEMA IF NOT EXISTS {schema}; \
                 SELECT to_regclass('dwctl_meta') IS NOT NULL; {NOW_MS}",
                quote_literal(&format!("dwctl init {}", t.schema))
            ),
        )?;
        let exists = rows
            .iter()
            .rev()
            .nth(1)
            .and_then(|r| r.first().cloned().flatten())
            .as_deref()
            == Some("t");
        let now = parse_now(&rows)?;
        if exists {
            let _ = client.batch_execute("ROLLBACK");
            return Ok(None);
        }
        let mut cat = Catalog {
            client,
            statements: HashMap::new(),
            ran_once: HashSet::new(),
            lock_timeout: Duration::ZERO,
            schema: t.schema.clone(),
        };
        let login = parse_login(&rows);
        {
            let mut tx = Tx::new(&mut cat, now);
            run_migrations(&tx, 0)?;
            tx.batch("LOCK TABLE dwctl_lock IN EXCLUSIVE MODE")?;
            // Kept open: `write` hands it to `init`, whose commit commits it all.
            tx.open = false;
        }
        Ok(Some(NewCatalog { cat, now, login }))
    }

    /// The open transaction that made the schema: `init` writes the tenant in it and
    /// commits.
    pub fn write(&mut self) -> Result<Tx<'_>> {
        Ok(Tx::new(&mut self.cat, self.now).with_login(self.login.clone()))
    }
}

/// A transaction on the catalog. Dropping it without `commit` rolls it back.
pub struct Tx<'c> {
    cat: RefCell<&'c mut Catalog>,
    open: bool,
    /// The server's clock when the transaction began (after the write lock).
    now: Timestamp,
    /// The newest audit event, cached so that `apply` does not look it up per event.
    pub(crate) last_hash: Option<(i64, String)>,
    /// The login the server authenticated (`current_user`), read with the clock as the
    /// transaction began: who acts (README "Who is acting").
    login: Option<String>,
    /// The rows buffered for the next COPY (`bulk.rs`).
    pending: RefCell<pending::Pending>,
    /// The savepoint commands not sent yet: they go with the next statement that writes
    /// (`bulk.rs`).
    deferred: std::cell::Cell<pending::Deferred>,
    /// What the transaction's first batch read with the clock (`bulk.rs`).
    read_ahead: RefCell<pending::ReadAhead>,
}

/// How a statement runs on this connection: its first run is an unnamed statement with
/// the parameters' types given (parse, bind and execute in one round trip); from its second
/// run on it is prepared once (one round trip) and then executed (one each), so the server
/// parses and plans a statement that repeats (apply) once.
enum Plan {
    Typed(Vec<Type>),
    Prepared(Statement),
}

fn plan(cat: &mut Catalog, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Plan> {
    if let Some(st) = cat.statements.get(sql) {
        return Ok(Plan::Prepared(st.clone()));
    }
    if !cat.ran_once.contains(sql) {
        if let Some(types) = param_types(params) {
            cat.ran_once.insert(sql.to_string());
            return Ok(Plan::Typed(types));
        }
    }
    let st = cat.client.prepare(sql).map_err(pg_err)?;
    cat.statements.insert(sql.to_string(), st.clone());
    Ok(Plan::Prepared(st))
}

/// The types of parameters as dwctl passes them, found by asking each value which it
/// encodes as (`None`: a value of another type; the statement is then prepared, and the
/// server says).
fn param_types(params: &[&(dyn ToSql + Sync)]) -> Option<Vec<Type>> {
    const TYPES: [Type; 8] = [
        Type::INT8,
        Type::TEXT,
        Type::BOOL,
        Type::INT4,
        Type::INT2,
        Type::FLOAT8,
        Type::TEXT_ARRAY,
        Type::INT8_ARRAY,
    ];
    let mut buf = bytes::BytesMut::new();
    params
        .iter()
        .map(|p| {
            TYPES.iter().find_map(|t| {
                buf.clear();
                p.to_sql_checked(t, &mut buf).is_ok().then(|| t.clone())
            })
        })
        .collect()
}

/// `params` with their types, as the typed calls take them.
fn typed<'p>(
    params: &[&'p (dyn ToSql + Sync)],
    types: Vec<Type>,
) -> Vec<(&'p (dyn ToSql + Sync), Type)> {
    params.iter().copied().zip(types).collect()
}

impl<'c> Tx<'c> {
    fn new(cat: &'c mut Catalog, now: Timestamp) -> Tx<'c> {
        Tx {
            cat: RefCell::new(cat),
            open: true,
            now,
            last_hash: None,
            login: None,
            pending: pending::Pending::new(),
            deferred: Default::default(),
            read_ahead: Default::default(),
        }
    }

    fn with_login(mut self, login: Option<String>) -> Tx<'c> {
        self.login = login;
        self
    }

    fn conn(&self) -> Result<std::cell::RefMut<'_, &'c mut Catalog>> {
        self.cat
            .try_borrow_mut()
            .map_err(|_| Error::internal("a catalog query was made while a streamed read was open"))
    }

    /// Run `sql` with `params`; every row. The rows buffered for COPY that it could see
    /// are sent first (bulk.rs).
    pub(crate) fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        self.before(sql)?;
        self.run_query(sql, params)
    }

    fn run_query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        let mut c = self.conn()?;
        match plan(&mut c, sql, params)? {
            Plan::Typed(types) => c.client.query_typed(sql, &typed(params, types)),
            Plan::Prepared(st) => c.client.query(&st, params),
        }
        .map_err(pg_err)
    }

    /// The first row, if any.
    pub(crate) fn query_opt(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Exactly one row (a query that always returns one, e.g. an aggregate).
    pub(crate) fn query_one(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Row> {
        self.query_opt(sql, params)?
            .ok_or_else(|| Error::internal("a catalog query returned no row"))
    }

    /// Run a statement; the rows it changed.
    pub(crate) fn execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        self.before(sql)?;
        self.run_execute(sql, params)
    }

    fn run_execute(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        let mut c = self.conn()?;
        match plan(&mut c, sql, params)? {
            Plan::Typed(types) => c.client.execute_typed(sql, &typed(params, types)),
            Plan::Prepared(st) => c.client.execute(&st, params),
        }
        .map_err(pg_err)
    }

    /// Hand each row to `f` as the server sends it: whole-tenant lists are never held in
    /// memory. `f` must not query this transaction (the connection is busy streaming).
    pub(crate) fn for_each_row(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
        f: &mut dyn FnMut(&Row) -> Result<()>,
    ) -> Result<()> {
        self.before(sql)?;
        self.run_for_each_row(sql, params, f)
    }

    fn run_for_each_row(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
        f: &mut dyn FnMut(&Row) -> Result<()>,
    ) -> Result<()> {
        let mut c = self.conn()?;
        let mut rows = match plan(&mut c, sql, params)? {
            Plan::Typed(types) => c.client.query_typed_raw(sql, typed(params, types)),
            Plan::Prepared(st) => c.client.query_raw(&st, params.iter().copied()),
        }
        .map_err(pg_err)?;
        while let Some(r) = rows.next().map_err(pg_err)? {
            f(&r)?;
        }
        Ok(())
    }

    /// Run statements without parameters (the simple protocol), after the savepoint
    /// commands and the buffered rows they could see, in the same round trip.
    pub(crate) fn batch(&self, sql: &str) -> Result<()> {
        let ahead = self.ahead_of_batch(sql)?;
        self.send(&(ahead + sql))
    }

    /// Send a simple-protocol batch as it is.
    fn send(&self, sql: &str) -> Result<()> {
        self.conn()?.client.batch_execute(sql).map_err(pg_err)
    }

    /// `COPY ... FROM STDIN` of `data` (text format), for bulk loads; the savepoint
    /// commands not sent yet go first.
    pub(crate) fn copy_in(&self, sql: &str, data: &[u8]) -> Result<u64> {
        let ahead = self.savepoint_sql();
        if !ahead.is_empty() {
            self.send(&ahead)?;
        }
        self.run_copy(sql, data)
    }

    /// A COPY (its statement prepared once per connection: a large apply flushes often).
    fn run_copy(&self, sql: &str, data: &[u8]) -> Result<u64> {
        use std::io::Write;
        let mut c = self.conn()?;
        let st = match c.statements.get(sql) {
            Some(st) => st.clone(),
            None => {
                let st = c.client.prepare(sql).map_err(pg_err)?;
                c.statements.insert(sql.to_string(), st.clone());
                st
            }
        };
        let mut w = c.client.copy_in(&st).map_err(pg_err)?;
        w.write_all(data)
            .map_err(|e| lost_connection(e.to_string()))?;
        w.finish().map_err(pg_err)
    }

    fn finish(mut self, sql: &str) -> Result<()> {
        // COMMIT and ROLLBACK end every savepoint: none is sent for them.
        self.deferred.take();
        if sql == "ROLLBACK" {
            self.discard_pending();
        }
        self.open = false;
        self.batch(sql)
    }
}

impl store::Tx for Tx<'_> {
    /// The tables are all there, and the tenant can be read.
    fn quick_check(&self) -> Result<()> {
        let missing = {
            let mut c = self.conn()?;
            missing_tables(simple_rows(&mut c.client, &missing_tables_sql())?.first())
        };
        if !missing.is_empty() {
            return Err(damaged(format!("it has no table {}", missing.join(", "))));
        }
        store::PrincipalStore::tenant(self)?;
        Ok(())
    }

    fn commit(self: Box<Self>) -> Result<()> {
        (*self).finish("COMMIT")
    }

    /// The counter is `dwctl_meta`'s `TABLE_seq` (0001, 0003).
    fn reserve_ids(&self, ids: store::IdCounter, last: i64) -> Result<()> {
        self.execute(
            "UPDATE dwctl_meta SET value = GREATEST(value, $2) WHERE key = $1 || '_seq'",
            &[&ids.table(), &last],
        )?;
        Ok(())
    }

    fn rollback(self: Box<Self>) -> Result<()> {
        (*self).finish("ROLLBACK")
    }

    /// Taken with nothing buffered, and sent with the next statement that writes (bulk.rs).
    fn savepoint(&mut self) -> Result<()> {
        self.defer_savepoint()
    }

    fn rollback_to_savepoint(&mut self) -> Result<()> {
        // Buffered rows are all newer than the savepoint (taken with none buffered).
        self.discard_pending();
        if self.savepoint_unsent() {
            // Nothing was written since: nothing to undo on the server.
        } else {
            self.batch("ROLLBACK TO SAVEPOINT change; RELEASE SAVEPOINT change")?;
        }
        self.last_hash = None;
        Ok(())
    }

    fn release_savepoint(&mut self) -> Result<()> {
        self.defer_release();
        Ok(())
    }

    fn now(&self) -> Result<Option<Timestamp>> {
        Ok(Some(self.now))
    }

    /// `current_user`, as the transaction began.
    fn login(&self) -> Result<Option<String>> {
        Ok(self.login.clone())
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            if let Ok(mut c) = self.cat.try_borrow_mut() {
                let _ = c.client.batch_execute("ROLLBACK");
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! A fresh schema per test on `DWCTL_TEST_PG_URL`'s server, dropped at the end.

    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// A catalog in a new schema, dropped when the guard goes; `None` (and a visible note)
    /// when `DWCTL_TEST_PG_URL` is not set.
    pub struct TestSchema {
        pub target: Target,
        pub catalog: Option<Catalog>,
    }

    impl Drop for TestSchema {
        fn drop(&mut self) {
            self.catalog = None;
            if let Ok(mut c) = connect(&self.target, None) {
                let _ = c.batch_execute(&format!(
                    "DROP SCHEMA IF EXISTS {} CASCADE",
                    quote_ident(&self.target.schema)
                ));
            }
        }
    }

    static N: AtomicU32 = AtomicU32::new(0);

    /// The test server's URL, or a visible note that the test is skipped.
    #[allow(clippy::print_stderr)]
    pub fn url(test: &str) -> Option<String> {
        match std::env::var("DWCTL_TEST_PG_URL") {
            Ok(u) if !u.is_empty() => Some(u),
            _ => {
                eprintln!("skipped: {test} needs PostgreSQL (set DWCTL_TEST_PG_URL)");
                None
            }
        }
    }

    /// A new schema with the catalog's tables (no tenant): tests write what they need.
    pub fn schema(test: &str) -> Option<TestSchema> {
        let url = url(test)?;
        let name = format!(
            "dwctl_t_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            test.chars()
                .filter(char::is_ascii_alphanumeric)
                .take(20)
                .collect::<String>()
        );
        let sep = if url.contains('?') { '&' } else { '?' };
        let target = Target::parse(&format!("{url}{sep}schema={name}"), PgEnv::default())
            .expect("DWCTL_TEST_PG_URL is a valid URL");
        let new = NewCatalog::create(&target)
            .expect("create the test schema")
            .expect("new");
        let NewCatalog { mut cat, .. } = new;
        cat.client.batch_execute("COMMIT").expect("commit");
        let catalog = Catalog::open(&target, Duration::from_secs(5)).expect("open");
        Some(TestSchema {
            target,
            catalog: Some(catalog),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_typed_by_what_they_encode_as() {
        let (n, s, none, b): (i64, &str, Option<String>, bool) = (1, "x", None, true);
        assert_eq!(
            param_types(&[&n, &s, &none, &b, &String::new()]),
            Some(vec![
                Type::INT8,
                Type::TEXT,
                Type::TEXT,
                Type::BOOL,
                Type::TEXT
            ])
        );
        // A type dwctl does not type itself: the statement is prepared (the server says).
        let odd: u32 = 5;
        assert_eq!(param_types(&[&n, &odd]), None);
    }

    #[test]
    fn session_settings_travel_escaped_in_the_startup_packet() {
        let t = Target::parse(
            "postgresql://u@h/db?schema=my%20s%5Cchema&options=-c%20work_mem%3D4MB",
            PgEnv::default(),
        )
        .unwrap();
        assert_eq!(
            session_options(&t),
            format!(
                "-c work_mem=4MB -c search_path=\"my\\ s\\\\chema\" -c idle_in_transaction_session_timeout={}s",
                IDLE_IN_TRANSACTION.as_secs()
            )
        );
    }

    #[test]
    fn both_backends_have_as_many_migrations() {
        assert_eq!(
            MIGRATIONS.len(),
            crate::storage::sqlite::SCHEMA_VERSION as usize,
            "every migration has its PostgreSQL twin"
        );
    }

    #[test]
    fn a_new_schema_has_every_table_and_opens() {
        let Some(mut s) = testing::schema("a_new_schema_has_every_table_and_opens") else {
            return;
        };
        let cat = s.catalog.as_mut().unwrap();
        match inspect(&mut cat.client).unwrap() {
            Found::Catalog(v, missing) => {
                assert_eq!(v, SCHEMA_VERSION);
                assert!(missing.is_empty(), "{missing:?}");
            }
            Found::Nothing => panic!("no catalog"),
        }
        // No tenant yet: the schema is there but the catalog is damaged.
        let tx = store::Catalog::read(cat).unwrap();
        assert_eq!(tx.tenant().unwrap_err().kind, Kind::Catalog);
    }

    #[test]
    fn a_terminated_connection_says_it_is_closed() {
        let Some(mut s) = testing::schema("a_terminated_connection_says_it_is_closed") else {
            return;
        };
        let cat = s.catalog.as_mut().unwrap();
        assert!(!cat.is_closed());
        let pid: i32 = cat
            .client
            .query_one("SELECT pg_backend_pid()", &[])
            .unwrap()
            .get(0);
        let mut other = connect(&s.target, None).unwrap();
        other
            .execute("SELECT pg_terminate_backend($1)", &[&pid])
            .unwrap();
        // The client learns it at its next use: that use fails, as a lost connection.
        let e = store::Catalog::read(cat)
            .and_then(|tx| tx.tenant().map(|_| ()))
            .unwrap_err();
        assert_eq!(e.kind, Kind::Catalog, "{e}");
        assert!(cat.is_closed());
    }

    #[test]
    fn an_older_schema_is_not_migrated_by_opening() {
        let Some(mut s) = testing::schema("an_older_schema_is_not_migrated_by_opening") else {
            return;
        };
        s.catalog
            .as_mut()
            .unwrap()
            .client
            // Back to schema 1: what 0002 and later add goes.
            .batch_execute(
                "UPDATE dwctl_meta SET value = 1 WHERE key = 'schema_version'; \
                 DROP INDEX audit_by_actor, audit_by_actor_id, audit_by_action, workspace_tag_by_value, principal_account, principal_db_role; \
                 DELETE FROM dwctl_meta WHERE key IN ('compute_seq', 'datasource_seq', 'custom_role_seq'); \
                 DROP TABLE access_key, signature_nonce; \
                 DROP TABLE datasource_share, custom_role; \
                 ALTER TABLE member DROP COLUMN status, DROP COLUMN expires_at; \
                 ALTER TABLE principal DROP COLUMN db_role",
            )
            .unwrap();
        let e = Catalog::open(&s.target, Duration::ZERO).err().unwrap();
        assert_eq!(e.kind, Kind::Catalog);
        assert!(
            e.hint.as_deref().unwrap().contains("dwctl catalog migrate"),
            "{e:?}"
        );
        assert_eq!(
            Catalog::migrate(&s.target, Duration::from_secs(5)).unwrap(),
            (1, SCHEMA_VERSION)
        );
        assert_eq!(
            Catalog::migrate(&s.target, Duration::from_secs(5)).unwrap(),
            (SCHEMA_VERSION, SCHEMA_VERSION)
        );
        Catalog::open(&s.target, Duration::ZERO).unwrap();
        s.catalog
            .as_mut()
            .unwrap()
            .client
            .batch_execute("UPDATE dwctl_meta SET value = 99 WHERE key = 'schema_version'")
            .unwrap();
        let e = Catalog::open(&s.target, Duration::ZERO).err().unwrap();
        assert!(e.message.contains("newer dwctl"), "{e:?}");
    }

    #[test]
    fn a_change_waits_for_the_lock_and_names_its_holder() {
        let Some(s) = testing::schema("a_change_waits_for_the_lock_and_names_its_holder") else {
            return;
        };
        let mut a = Catalog::open(&s.target, Duration::from_secs(5)).unwrap();
        let mut b = Catalog::open(&s.target, Duration::from_millis(100)).unwrap();
        let _held = a.begin_write().unwrap();
        // A read does not wait.
        drop(b.begin_read().unwrap());
        let e = b.begin_write().err().unwrap();
        assert_eq!(e.kind, Kind::Catalog);
        assert!(e.message.contains("is locked by dwctl "), "{}", e.message);
        let mut c = Catalog::open(&s.target, Duration::ZERO).unwrap();
        let e = c.begin_write().err().unwrap();
        assert!(e.message.contains("is locked by dwctl "), "{}", e.message);
    }
}

#[cfg(test)]
mod family_tests;
