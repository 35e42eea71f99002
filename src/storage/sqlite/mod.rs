//! The catalog: one SQLite file holding one tenant. This module and its children are the
//! only code that knows SQL. Opening checks the file before SQLite may touch it, migrates
//! append-only on `PRAGMA user_version`, and refuses catalogs it must not use (exit 7).

mod access_keys;
mod audit;
mod backup;
mod copy;
mod file;
pub mod names;
mod principals;
mod resource_groups;
mod resources;
mod roles;
pub(crate) mod stored;
mod workspaces;

use rusqlite::{Connection, OpenFlags};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use crate::domain::store;
use crate::model::error::{Error, Kind, Result};

pub use file::{probe, ModeCheck, Probe};

/// Marks a SQLite file as a dwctl catalog (`PRAGMA application_id`, "dwct").
const APPLICATION_ID: i32 = 0x6477_6374;

/// Append-only: never edit or reorder an applied migration; add the next one.
const MIGRATIONS: &[&str] = &[
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

pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// Where the catalog is, and whether the user named it (a named path never gets created
/// implicitly: a typo must not produce a fresh empty catalog).
#[derive(Debug, Clone)]
pub struct Location {
    pub path: PathBuf,
    pub explicit: bool,
    /// Whether the file's mode is checked (`DWCTL_NO_MODE_CHECK` turns it off).
    pub mode: ModeCheck,
}

pub struct Catalog {
    conn: Connection,
    path: PathBuf,
    read_only: bool,
    lock_timeout: Duration,
    warnings: Vec<crate::model::Warning>,
}

/// The catalog this process opened, so that an SQLite error met anywhere names it.
static OPEN_PATH: Mutex<Option<PathBuf>> = Mutex::new(None);

fn set_open_path(path: &Path) {
    if let Ok(mut p) = OPEN_PATH.lock() {
        *p = Some(path.to_path_buf());
    }
}

fn opened() -> Option<String> {
    OPEN_PATH
        .lock()
        .ok()
        .and_then(|p| p.as_ref().map(|p| p.display().to_string()))
}

/// The catalog named in a message: its path, once one is open.
fn open_path() -> String {
    opened().unwrap_or_else(|| "the catalog".into())
}

/// The catalog file named in a message: `the catalog file PATH`.
fn the_file() -> String {
    match opened() {
        Some(p) => format!("the catalog file {p}"),
        None => "the catalog file".into(),
    }
}

/// An SQLite error that means the schema is not what dwctl made (a table or a column
/// missing: the file was edited, or is not what its mark says).
fn is_schema_damage(detail: &str) -> bool {
    ["no such table", "no such column", "has no column named"]
        .iter()
        .any(|m| detail.contains(m))
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        if let rusqlite::Error::SqliteFailure(f, ref msg) = e {
            let detail = msg.clone().unwrap_or_else(|| f.to_string());
            return match f.code {
                C::DatabaseBusy | C::DatabaseLocked => {
                    Error::catalog(format!("{} is locked by another process", open_path()))
                        .with_hint("wait for it to finish, or raise --lock-timeout")
                }
                // SQLite keeps its log (`-wal`, `-shm`) beside the catalog: in a folder the
                // user may not write, even a read fails, though the file is writable.
                C::ReadOnly if f.extended_code == rusqlite::ffi::SQLITE_READONLY_DIRECTORY => {
                    let path = open_path();
                    let folder = Path::new(&path)
                        .parent()
                        .filter(|p| !p.as_os_str().is_empty())
                        .map_or_else(|| ".".to_string(), |p| p.display().to_string());
                    Error::catalog(format!(
                        "{path} cannot be used: its folder {folder} is not writable, and SQLite keeps its log files beside the catalog"
                    ))
                    .caused_by(detail)
                    .with_hint(format!(
                        "make the folder writable for you (chmod u+w {folder}), or move the catalog to a folder you may write"
                    ))
                }
                C::ReadOnly => Error::catalog(format!("{} is not writable", open_path()))
                    .caused_by(detail)
                    .with_hint("check the file's permissions, or run a read-only command"),
                C::DatabaseCorrupt | C::NotADatabase => {
                    Error::catalog(format!("{} is corrupt", the_file()))
                        .caused_by(detail)
                        .with_hint(RESTORE_HINT)
                }
                C::CannotOpen | C::PermissionDenied | C::SystemIoFailure | C::DiskFull => {
                    Error::catalog(format!("{} cannot be used", open_path())).caused_by(detail)
                }
                C::Unknown if is_schema_damage(&detail) => {
                    Error::catalog(format!("{} is corrupt", the_file()))
                        .caused_by(shorten(&detail))
                        .with_hint(RESTORE_HINT)
                }
                _ => Error::internal(format!("catalog error: {detail}")),
            };
        }
        if let rusqlite::Error::SqlInputError { ref msg, .. } = e {
            // A statement SQLite could not prepare: the schema is not dwctl's (a column or
            // a table missing), or a bug. Its SQL is not repeated.
            if is_schema_damage(msg) {
                return Error::catalog(format!("{} is corrupt", the_file()))
                    .caused_by(shorten(msg))
                    .with_hint(RESTORE_HINT);
            }
            return Error::internal(format!("catalog error: {}", shorten(msg)));
        }
        // A stored value of the wrong type read outside `stored::Cells` (which names the
        // table and row): still the catalog's fault, not a bug.
        let column = match &e {
            rusqlite::Error::InvalidColumnType(_, name, _) => Some(name.clone()),
            rusqlite::Error::FromSqlConversionFailure(i, _, _)
            | rusqlite::Error::IntegralValueOutOfRange(i, _)
            | rusqlite::Error::Utf8Error(i, _) => Some(format!("#{i}")),
            _ => None,
        };
        match column {
            Some(column) => Error::catalog(format!(
                "the catalog holds an unexpected value in column {column}"
            ))
            .caused_by(e.to_string())
            .with_hint(stored::RESTORE_HINT),
            _ => Error::internal(format!("catalog error: {e}")),
        }
    }
}

fn io_err(path: &Path, what: &str, e: std::io::Error) -> Error {
    Error::catalog(format!("cannot {what} {}", path.display())).caused_by(e.to_string())
}

/// Check the first bytes before SQLite sees the file, so that a file that is not a
/// database is never modified (SQLite would happily write a journal or a header).
/// Exit 7 "not a dwctl catalog" when they are not a dwctl catalog's.
pub fn check_header(path: &Path) -> Result<()> {
    let mut f = fs::File::open(path).map_err(|e| io_err(path, "open", e))?;
    let mut head = [0u8; 100];
    let mut got = 0;
    while got < head.len() {
        match f.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => return Err(io_err(path, "read", e)),
        }
    }
    if got < 100 || &head[..16] != b"SQLite format 3\0" {
        return Err(not_a_catalog(path));
    }
    let app_id = i32::from_be_bytes([head[68], head[69], head[70], head[71]]);
    if app_id != APPLICATION_ID {
        return Err(not_a_catalog(path));
    }
    Ok(())
}

fn not_a_catalog(path: &Path) -> Error {
    Error::catalog(format!("{} is not a dwctl catalog", path.display())).with_hint(
        "name the right file with --catalog, or create one with dwctl init --catalog PATH",
    )
}

/// Settings of every connection dwctl opens.
pub(crate) fn tune(conn: &Connection) -> Result<()> {
    // Every statement dwctl runs stays prepared for the whole command (the default 16
    // is fewer than an apply uses).
    conn.set_prepared_statement_cache_capacity(256);
    // Plans never depend on bound values: otherwise SQLite re-prepares a statement each
    // time certain parameters change, which was half of a large apply's profile.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

/// What to do with a damaged catalog.
const RESTORE_HINT: &str =
    "restore it from a backup (see dwctl catalog backup), or create a new one with dwctl init --catalog PATH";

/// Exit 7 for a file that looks like a catalog but is not usable as one.
pub(crate) fn corrupt(path: &Path, why: &str) -> Error {
    Error::catalog(format!("the catalog file {} is corrupt", path.display()))
        .caused_by(why)
        .with_hint(RESTORE_HINT)
}

/// `PRAGMA quick_check` of `conn`: `None` when the file is sound, else its first problems
/// (SQLite's `*** in database main ***` headings left out), cut short.
pub(crate) fn quick_check_problems(conn: &Connection) -> rusqlite::Result<Option<String>> {
    let mut st = conn.prepare("PRAGMA quick_check(5)")?;
    let found = st
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    if found.len() == 1 && found[0] == "ok" {
        return Ok(None);
    }
    let problems: Vec<&str> = found
        .iter()
        .flat_map(|f| f.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("***"))
        .collect();
    Ok(Some(shorten(&problems.join("; "))))
}

/// The first line of an SQLite message, cut short (never a dump of SQL).
fn shorten(detail: &str) -> String {
    let line = detail.lines().next().unwrap_or("").trim();
    match line.char_indices().nth(160) {
        Some((i, _)) => format!("{}...", &line[..i]),
        None => line.to_string(),
    }
}

/// The tables every catalog of this schema has (a missing one is a damaged file).
const TABLES: &[&str] = &[
    "access_key",
    "audit",
    "binding",
    "compute",
    "custom_role",
    "datasource",
    "datasource_share",
    "member",
    "principal",
    "resource_group",
    "signature_nonce",
    "tenant",
    "workspace",
    "workspace_tag",
];

/// How long opening a catalog may wait for the moment another process holds the whole
/// file (the last connection to close copies the log into it; the first to open after a
/// crash recovers the log), whatever `--lock-timeout` says: milliseconds in practice.
/// Reads never wait for writers; only a change's `BEGIN IMMEDIATE` waits `--lock-timeout`.
pub const OPEN_WAIT: Duration = Duration::from_secs(5);

fn set_pragmas(conn: &Connection, lock_timeout: Duration) -> Result<()> {
    tune(conn)?;
    conn.busy_timeout(lock_timeout.max(OPEN_WAIT))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(())
}

/// The page cache of a change. Large applies touch many pages in one transaction: keep
/// them in memory (64 MiB). Reads keep SQLite's small default, since a cache only grows:
/// with 64 MiB, `audit list --limit 100000` peaked at 55 MiB of memory (P6: 30 MiB).
const WRITE_CACHE_KIB: i64 = 65536;

impl Catalog {
    /// Open an existing catalog. Missing files are the caller's business (see
    /// `commands::open_catalog`), which decides between implicit init and exit 7.
    pub fn open(loc: &Location, lock_timeout: Duration) -> Result<Catalog> {
        let path = loc.path.as_path();
        // Killed creations' files go first, whatever is (or is not) at the path: the next
        // command tidies them even when it then finds no catalog.
        file::remove_stale_temps(path);
        let warnings = match probe(path, loc.mode)? {
            Probe::Missing => {
                return Err(
                    Error::catalog(format!("no catalog at {}", path.display())).with_hint(format!(
                        "create it with dwctl init --catalog {}",
                        path.display()
                    )),
                )
            }
            Probe::File(w) => w,
        };
        let meta = fs::metadata(path).map_err(|e| io_err(path, "read", e))?;
        check_header(path)?;
        set_open_path(path);
        // A file with no write bits is treated as read-only even for root, so that a
        // write-protected catalog behaves the same for every user.
        let read_only = meta.permissions().readonly();
        let flags = if read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX
        };
        let conn = Connection::open_with_flags(path, flags)?;
        set_pragmas(&conn, lock_timeout)?;
        let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version < 0 {
            return Err(corrupt(
                path,
                &format!("its schema version is {version}, which no dwctl writes"),
            ));
        }
        if version > SCHEMA_VERSION {
            return Err(Error::catalog(format!(
                "{} was written by a newer dwctl (schema {version}; this dwctl knows up to {SCHEMA_VERSION})",
                path.display()
            ))
            .with_hint("upgrade dwctl to use this catalog"));
        }
        // A catalog is linked into place only after its first migration (NewCatalog), so
        // schema 0 under our application id is a damaged or hand-made file: migrating it
        // would write into a file that is not ours to repair.
        if version == 0 {
            return Err(corrupt(
                path,
                "it is marked as a dwctl catalog but has no schema",
            ));
        }
        let mut cat = Catalog {
            conn,
            path: path.to_path_buf(),
            read_only,
            lock_timeout,
            warnings,
        };
        if version < SCHEMA_VERSION {
            if read_only {
                return Err(Error::catalog(format!(
                    "{} needs a schema upgrade but is not writable",
                    path.display()
                )));
            }
            cat.migrate().map_err(|e| match e.kind {
                Kind::Catalog => e,
                _ => corrupt(
                    path,
                    &format!("its schema cannot be upgraded: {}", shorten(&e.to_string())),
                ),
            })?;
        }
        cat.check_tables()?;
        // Readers never wait for writers only in WAL mode, which init sets. A catalog put
        // back in rollback mode by another tool (or a copy) is switched back when it may be
        // written; a write-protected one is read as it is.
        if !read_only {
            let mode: String = cat
                .conn
                .pragma_query_value(None, "journal_mode", |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                cat.conn
                    .pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
            }
        }
        Ok(cat)
    }

    /// `dwctl catalog migrate` on a file: migrate as opening does (idempotent); the schema
    /// version before and after.
    pub fn migrate_file(loc: &Location, lock_timeout: Duration) -> Result<(i64, i64)> {
        let mut before = i64::from(SCHEMA_VERSION);
        if let Probe::File(_) = probe(&loc.path, loc.mode)? {
            check_header(&loc.path)?;
            let conn = Connection::open_with_flags(
                &loc.path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.busy_timeout(OPEN_WAIT)?;
            before = conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))?;
        }
        Catalog::open(loc, lock_timeout)?;
        Ok((before, i64::from(SCHEMA_VERSION)))
    }

    /// Every table of the schema is there (a file with a table dropped is damaged, not a
    /// bug of the command that meets it).
    fn check_tables(&self) -> Result<()> {
        let mut st = self
            .conn
            .prepare_cached("SELECT name FROM sqlite_schema WHERE type = 'table'")?;
        let present = st
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<std::collections::HashSet<String>>>()?;
        let missing: Vec<&str> = TABLES
            .iter()
            .copied()
            .filter(|t| !present.contains(*t))
            .collect();
        if !missing.is_empty() {
            return Err(corrupt(
                &self.path,
                &format!("it has no table {}", missing.join(", ")),
            ));
        }
        Ok(())
    }

    /// Warnings about the file itself (its mode), for the caller to print.
    pub fn take_warnings(&mut self) -> Vec<crate::model::Warning> {
        std::mem::take(&mut self.warnings)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    fn migrate(&mut self) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let version: i32 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i32)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Start the one IMMEDIATE transaction of a mutating command.
    pub fn write(&mut self) -> Result<Tx<'_>> {
        if self.read_only {
            return Err(
                Error::catalog(format!("{} is read-only", self.path.display()))
                    .with_hint("make the file writable (chmod u+w), or run a read-only command"),
            );
        }
        self.conn
            .pragma_update(None, "cache_size", -WRITE_CACHE_KIB)?;
        // Opening waited at least OPEN_WAIT; a change waits for other writers only as
        // long as --lock-timeout says.
        self.conn.busy_timeout(self.lock_timeout)?;
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(Tx {
            conn: &self.conn,
            open: true,
            last_hash: None,
        })
    }

    /// A read transaction: one consistent snapshot for the whole command.
    pub fn read(&mut self) -> Result<Tx<'_>> {
        self.conn.execute_batch("BEGIN DEFERRED")?;
        Ok(Tx {
            conn: &self.conn,
            open: true,
            last_hash: None,
        })
    }
}

impl store::Catalog for Catalog {
    fn write(&mut self) -> Result<Box<dyn store::Tx + '_>> {
        Ok(Box::new(Catalog::write(self)?))
    }

    fn read(&mut self) -> Result<Box<dyn store::Tx + '_>> {
        Ok(Box::new(Catalog::read(self)?))
    }

    fn remember_nonce(&mut self, key_id: &str, nonce: &str, ttl: Duration) -> Result<bool> {
        Catalog::remember_nonce(self, key_id, nonce, ttl)
    }
}

/// A transaction on the catalog. Dropping it without `commit` rolls it back.
pub struct Tx<'c> {
    conn: &'c Connection,
    open: bool,
    /// The newest audit hash, cached so that `apply` does not look it up per event.
    last_hash: Option<(i64, String)>,
}

impl Tx<'_> {
    pub fn commit(mut self) -> Result<()> {
        self.open = false;
        self.conn.execute_batch("COMMIT")?;
        Ok(())
    }

    pub fn rollback(mut self) -> Result<()> {
        self.open = false;
        self.conn.execute_batch("ROLLBACK")?;
        Ok(())
    }
}

impl store::Tx for Tx<'_> {
    /// `PRAGMA quick_check`.
    fn quick_check(&self) -> Result<()> {
        match quick_check_problems(self.conn)? {
            None => Ok(()),
            Some(problems) => Err(Error::catalog(format!("{} is corrupt", the_file()))
                .caused_by(problems)
                .with_hint(RESTORE_HINT)),
        }
    }

    /// A file authenticates no one: `--as` chooses the actor.
    fn login(&self) -> Result<Option<String>> {
        Ok(None)
    }

    /// SQLite keeps an AUTOINCREMENT table's high-water mark in `sqlite_sequence`.
    fn reserve_ids(&self, ids: store::IdCounter, last: i64) -> Result<()> {
        let table = ids.table();
        let updated = self.conn.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?2) WHERE name = ?1",
            rusqlite::params![table, last],
        )?;
        if updated == 0 && last > 0 {
            self.conn.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (?1, ?2)",
                rusqlite::params![table, last],
            )?;
        }
        Ok(())
    }

    fn commit(self: Box<Self>) -> Result<()> {
        (*self).commit()
    }

    fn rollback(self: Box<Self>) -> Result<()> {
        (*self).rollback()
    }

    fn savepoint(&mut self) -> Result<()> {
        self.conn.execute_batch("SAVEPOINT change")?;
        Ok(())
    }

    fn rollback_to_savepoint(&mut self) -> Result<()> {
        self.conn
            .execute_batch("ROLLBACK TO change; RELEASE change")?;
        self.last_hash = None;
        Ok(())
    }

    fn release_savepoint(&mut self) -> Result<()> {
        self.conn.execute_batch("RELEASE change")?;
        Ok(())
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

/// A catalog being created: built under a temporary name in the target folder, then
/// linked into place without replacing a file that appeared meanwhile (two first runs at
/// once end with one valid catalog).
pub struct NewCatalog {
    conn: Option<Connection>,
    tmp: PathBuf,
    path: PathBuf,
}

/// What happened when a new catalog was put in place.
pub enum Placed {
    Created,
    /// Another process (or an earlier run) created it first; ours was discarded.
    AlreadyExisted,
}

impl NewCatalog {
    pub fn create(path: &Path) -> Result<NewCatalog> {
        let tmp = file::temp_name(path)?;
        file::remove_stale_temps(path);
        {
            let mut opts = fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            opts.open(&tmp).map_err(|e| io_err(&tmp, "create", e))?;
        }
        let conn = Connection::open_with_flags(
            &tmp,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        tune(&conn)?;
        let mut new = NewCatalog {
            conn: Some(conn),
            tmp,
            path: path.to_path_buf(),
        };
        {
            let conn = new.conn.as_ref().expect("open");
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
        }
        let mut cat = Catalog {
            conn: new.conn.take().expect("open"),
            path: new.tmp.clone(),
            read_only: false,
            lock_timeout: Duration::ZERO,
            warnings: Vec::new(),
        };
        cat.migrate()?;
        new.conn = Some(cat.conn);
        Ok(new)
    }

    pub fn write(&mut self) -> Result<Tx<'_>> {
        let conn = self.conn.as_ref().expect("open");
        conn.pragma_update(None, "cache_size", -WRITE_CACHE_KIB)?;
        conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(Tx {
            conn,
            open: true,
            last_hash: None,
        })
    }

    /// Switch to WAL, close, and link into place.
    pub fn place(mut self) -> Result<Placed> {
        let conn = self.conn.take().expect("open");
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(()))?;
        conn.close().map_err(|(_, e)| Error::from(e))?;
        let result = match fs::hard_link(&self.tmp, &self.path) {
            Ok(()) => Ok(Placed::Created),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(Placed::AlreadyExisted),
            Err(e) => Err(io_err(&self.path, "create", e)),
        };
        let _ = fs::remove_file(&self.tmp);
        result
    }
}

impl Drop for NewCatalog {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let _ = conn.close();
        }
        let _ = fs::remove_file(&self.tmp);
        let _ = fs::remove_file(self.tmp.with_extension("tmp-journal"));
    }
}

/// Is this error one that means "the catalog cannot be used"?
pub fn is_catalog_error(e: &Error) -> bool {
    e.kind == Kind::Catalog
}

/// The connection, for tests that read query plans.
#[cfg(test)]
impl Catalog {
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

#[cfg(test)]
pub(crate) fn in_memory() -> Catalog {
    let conn = Connection::open_in_memory().expect("memory db");
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    let mut cat = Catalog {
        conn,
        path: PathBuf::from(":memory:"),
        read_only: false,
        lock_timeout: Duration::ZERO,
        warnings: Vec::new(),
    };
    cat.migrate().expect("migrate");
    cat
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_list_matches_the_schema() {
        let cat = in_memory();
        cat.check_tables().unwrap();
        let mut st = cat
            .conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .unwrap();
        let names: Vec<String> = st
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(names, TABLES);
    }

    /// A catalog in a folder the user may not write: SQLite cannot make its log beside it,
    /// and even reads fail with READONLY_DIRECTORY. The message names the folder (not "the
    /// file is not writable; run a read-only command", which is what was run).
    #[test]
    fn a_folder_that_is_not_writable_is_named_with_its_fix() {
        let e = |extended_code| {
            Error::from(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error {
                    code: rusqlite::ErrorCode::ReadOnly,
                    extended_code,
                },
                Some("attempt to write a readonly database".into()),
            ))
        };
        let folder = e(rusqlite::ffi::SQLITE_READONLY_DIRECTORY);
        assert_eq!(folder.kind, Kind::Catalog);
        assert!(
            folder
                .message
                .contains("is not writable, and SQLite keeps its log files beside the catalog"),
            "{}",
            folder.message
        );
        assert!(
            folder.hint.as_deref().unwrap().contains("chmod u+w"),
            "{folder:?}"
        );
        assert!(!folder
            .hint
            .as_deref()
            .unwrap()
            .contains("read-only command"));
        let file = e(rusqlite::ffi::SQLITE_READONLY);
        assert!(
            file.message.ends_with("is not writable"),
            "{}",
            file.message
        );
    }

    #[test]
    fn sqlite_messages_are_cut_to_their_first_line() {
        assert_eq!(
            shorten("no such table: x\nCREATE TABLE y (z)"),
            "no such table: x"
        );
        let long = "é".repeat(500);
        let cut = shorten(&long);
        assert_eq!(cut.chars().count(), 163);
        assert!(cut.ends_with("..."));
    }

    /// An in-memory catalog of an older schema, migrated to this one.
    fn migrated(conn: rusqlite::Connection) -> Catalog {
        let mut cat = Catalog {
            conn,
            path: ":memory:".into(),
            read_only: false,
            lock_timeout: std::time::Duration::ZERO,
            warnings: Vec::new(),
        };
        cat.migrate().unwrap();
        cat
    }

    #[test]
    fn a_schema_2_catalog_keeps_its_connection_ids_and_never_reuses_one() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute_batch(MIGRATIONS[1]).unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.execute_batch(
            "INSERT INTO workspace (name, display_name, mode, status, owner, created_at, created_by, updated_at) \
               VALUES ('ws', 'ws', 'basic', 'available', '1', 't', 'root', 't');
             INSERT INTO compute (pk, workspace_id, env, name, type, mode, properties, created_at, created_by, updated_at, updated_by) \
               VALUES (7, 1, 'prod', 'mc', 'maxcompute', 'instance', '{}', 't', 'root', 't', 'root');
             INSERT INTO datasource (pk, workspace_id, env, name, type, mode, properties, test_state, created_at, created_by, updated_at, updated_by) \
               VALUES (3, 1, 'prod', 'a', 'mysql', 'url', '{}', 'unsupported', 't', 'root', 't', 'root'), \
                      (9, 1, 'prod', 'b', 'mysql', 'url', '{}', NULL, 't', 'root', 't', 'root');",
        )
        .unwrap();
        let cat = migrated(conn);
        let ids = |conn: &rusqlite::Connection, table: &str| -> Vec<(i64, String)> {
            conn.prepare(&format!("SELECT pk, name FROM {table} ORDER BY pk"))
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        assert_eq!(ids(&cat.conn, "compute"), [(7, "mc".to_string())]);
        assert_eq!(
            ids(&cat.conn, "datasource"),
            [(3, "a".to_string()), (9, "b".to_string())]
        );
        let state: Option<String> = cat
            .conn
            .query_row("SELECT test_state FROM datasource WHERE pk = 3", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(state.as_deref(), Some("unsupported"));
        // The newest row deleted, the next one still gets a larger id.
        for (table, newest) in [("compute", 7), ("datasource", 9)] {
            cat.conn
                .execute(&format!("DELETE FROM {table} WHERE pk = ?1"), [newest])
                .unwrap();
            cat.conn
                .execute(
                    &format!(
                        "INSERT INTO {table} (workspace_id, env, name, type, mode, properties, created_at, created_by, updated_at, updated_by) \
                         VALUES (1, 'prod', 'c', 'mysql', 'url', '{{}}', 't', 'root', 't', 'root')"
                    ),
                    [],
                )
                .unwrap();
            assert_eq!(cat.conn.last_insert_rowid(), newest + 1, "{table}");
        }
        // The name is still unique within (workspace, env), without regard to case.
        let again = cat.conn.execute(
            "INSERT INTO datasource (workspace_id, env, name, type, mode, properties, created_at, created_by, updated_at, updated_by) \
             VALUES (1, 'prod', 'A', 'mysql', 'url', '{}', 't', 'root', 't', 'root')",
            [],
        );
        assert!(again.is_err());
    }

    #[test]
    fn a_schema_1_catalog_gets_the_indexes() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        let cat = migrated(conn);
        let version: i32 = cat
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let indexes: Vec<String> = cat
            .conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for name in [
            "audit_by_action",
            "audit_by_actor",
            "audit_by_actor_id",
            "principal_account",
            "workspace_tag_by_value",
        ] {
            assert!(indexes.iter().any(|i| i == name), "{name} in {indexes:?}");
        }
    }
}
