//! Storage: the backends that implement the domain's storage interface
//! (`crate::domain::store`), and how a command opens one. Each backend is a folder
//! here holding all of its SQL; nothing above this module names a backend's types.
//!
//! A backend is added as a folder beside `sqlite/` implementing `store::Catalog` and
//! `store::Tx`, a variant of [`Catalog`], and its arm in each `match` below.

pub mod checked;
pub mod copy;
pub mod postgres;
pub mod rows;
pub mod sqlite;

use std::fmt;
use std::path::Path;
use std::time::Duration;

use crate::domain::store;
use crate::model::error::{Error, Result};
use crate::model::Warning;

// Where a catalog file is, and creating one on first use.
pub use sqlite::{check_header, probe, ModeCheck, Placed, Probe};

/// Where the catalog is: a file, or a schema of a PostgreSQL database (a URL).
#[derive(Debug, Clone)]
pub enum Location {
    File(sqlite::Location),
    Postgres(Box<postgres::Target>),
}

impl Location {
    /// Whether the user named it (a named catalog is never created implicitly; a URL is
    /// always named).
    pub fn explicit(&self) -> bool {
        match self {
            Location::File(f) => f.explicit,
            Location::Postgres(_) => true,
        }
    }

    /// The file, when the catalog is one.
    pub fn file(&self) -> Option<&sqlite::Location> {
        match self {
            Location::File(f) => Some(f),
            Location::Postgres(_) => None,
        }
    }

    /// Exit 2 for a feature of catalog files (`what`) asked of a PostgreSQL catalog.
    pub fn file_only(&self, what: &str, instead: &str) -> Result<&sqlite::Location> {
        match self {
            Location::File(f) => Ok(f),
            Location::Postgres(t) => Err(Error::invalid(format!(
                "{what} works on a catalog file; {t} is a PostgreSQL catalog"
            ))
            .with_hint(instead.to_string())),
        }
    }
}

/// The catalog as messages name it: a file's path, or the URL without its password.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File(l) => write!(f, "{}", l.path.display()),
            Location::Postgres(t) => write!(f, "{t}"),
        }
    }
}

/// A catalog a command opened: one variant per backend.
pub enum Catalog {
    Sqlite(sqlite::Catalog),
    Postgres(Box<postgres::Catalog>),
}

impl Catalog {
    /// Open an existing catalog. Missing files are the caller's business (see
    /// `commands::Ctx::catalog`), which decides between implicit init and exit 7.
    pub fn open(loc: &Location, lock_timeout: Duration) -> Result<Catalog> {
        match loc {
            Location::File(f) => Ok(Catalog::Sqlite(sqlite::Catalog::open(f, lock_timeout)?)),
            Location::Postgres(t) => Ok(Catalog::Postgres(Box::new(postgres::Catalog::open(
                t,
                lock_timeout,
            )?))),
        }
    }

    /// The catalog at `loc` for shell completion: `None` when there is none, and never
    /// created, migrated or waited for (a server is given a short connect timeout).
    pub fn open_for_names(loc: &Location) -> Result<Option<Catalog>> {
        match loc {
            Location::File(f) => Ok(sqlite::names::open_for_names(&f.path)?.map(Catalog::Sqlite)),
            Location::Postgres(t) => {
                Ok(postgres::Catalog::open_for_names(t).map(|c| Catalog::Postgres(Box::new(c))))
            }
        }
    }

    /// Whether the catalog's connection is gone for good (PostgreSQL: the server ended it;
    /// a file never is): whoever keeps a catalog open across commands opens a new one.
    pub fn is_closed(&self) -> bool {
        match self {
            Catalog::Sqlite(_) => false,
            Catalog::Postgres(c) => c.is_closed(),
        }
    }

    /// Warnings about the catalog itself (a file's mode), for the caller to print.
    pub fn take_warnings(&mut self) -> Vec<Warning> {
        match self {
            Catalog::Sqlite(c) => c.take_warnings(),
            Catalog::Postgres(_) => Vec::new(),
        }
    }

    /// `catalog copy`'s source side: every row of every table to `sink`, from one
    /// snapshot, table by table (see [`copy`]).
    pub fn dump(&mut self, sink: &mut dyn copy::Sink) -> Result<()> {
        match self {
            Catalog::Sqlite(c) => c.dump(sink),
            Catalog::Postgres(c) => c.dump(sink),
        }
    }

    /// Copy the whole catalog to `dest`; the bytes written. Files only (the command
    /// refuses a PostgreSQL catalog before opening it).
    pub fn backup_to(&self, dest: &Path) -> Result<u64> {
        match self {
            Catalog::Sqlite(c) => c.backup_to(dest),
            Catalog::Postgres(_) => {
                Err(Error::internal("a PostgreSQL catalog has no file to copy"))
            }
        }
    }
}

/// `dwctl catalog migrate`: bring the catalog to this dwctl's schema; the schema version
/// before and after. A file is migrated as opening it does; PostgreSQL only here.
pub fn migrate(loc: &Location, lock_timeout: Duration) -> Result<(i64, i64)> {
    match loc {
        Location::File(f) => sqlite::Catalog::migrate_file(f, lock_timeout),
        Location::Postgres(t) => postgres::Catalog::migrate(t, lock_timeout),
    }
}

impl store::Catalog for Catalog {
    fn write(&mut self) -> Result<Box<dyn store::Tx + '_>> {
        match self {
            Catalog::Sqlite(c) => store::Catalog::write(c),
            Catalog::Postgres(c) => store::Catalog::write(&mut **c),
        }
    }

    fn read(&mut self) -> Result<Box<dyn store::Tx + '_>> {
        match self {
            Catalog::Sqlite(c) => store::Catalog::read(c),
            Catalog::Postgres(c) => store::Catalog::read(&mut **c),
        }
    }

    fn remember_nonce(&mut self, key_id: &str, nonce: &str, ttl: Duration) -> Result<bool> {
        match self {
            Catalog::Sqlite(c) => c.remember_nonce(key_id, nonce, ttl),
            Catalog::Postgres(c) => c.remember_nonce(key_id, nonce, ttl),
        }
    }
}

/// A catalog being created (by `init`, or a first command at the default path): its
/// schema and tenant are written in one transaction, then it is put in place.
pub enum NewCatalog {
    Sqlite(sqlite::NewCatalog),
    Postgres(Box<postgres::NewCatalog>),
}

impl NewCatalog {
    /// Start creating the catalog at `loc`; `None` when a PostgreSQL schema already holds
    /// one (a file's existence is the caller's to check, and `place` tells a race).
    pub fn create(loc: &Location) -> Result<Option<NewCatalog>> {
        match loc {
            Location::File(f) => Ok(Some(NewCatalog::Sqlite(sqlite::NewCatalog::create(
                &f.path,
            )?))),
            Location::Postgres(t) => {
                Ok(postgres::NewCatalog::create(t)?.map(|n| NewCatalog::Postgres(Box::new(n))))
            }
        }
    }

    /// The transaction the tenant is written in.
    pub fn write(&mut self) -> Result<Box<dyn store::Tx + '_>> {
        match self {
            NewCatalog::Sqlite(n) => Ok(Box::new(n.write()?)),
            NewCatalog::Postgres(n) => Ok(Box::new(n.write()?)),
        }
    }

    /// Put the catalog in place (a file is linked; a schema was committed by `write`'s
    /// transaction).
    pub fn place(self) -> Result<Placed> {
        match self {
            NewCatalog::Sqlite(n) => n.place(),
            NewCatalog::Postgres(_) => Ok(Placed::Created),
        }
    }
}

/// `catalog copy`'s target: a new, empty catalog (schema, no rows), filled in one
/// transaction by a [`copy::Loader`], then put in place.
pub enum CopyTarget {
    Sqlite(sqlite::NewCatalog),
    Postgres(Box<postgres::NewCatalog>),
}

impl CopyTarget {
    /// A new catalog at `loc`, made as `init` makes one but without its rows. A target
    /// that is not empty is refused (exit 4): a file that exists (whatever it holds), a
    /// schema that holds a catalog.
    pub fn create(loc: &Location) -> Result<CopyTarget> {
        match loc {
            Location::File(f) => {
                let path = &f.path;
                if std::fs::symlink_metadata(path).is_ok() {
                    return Err(not_empty(loc));
                }
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        Error::catalog(format!("cannot create {}", dir.display()))
                            .caused_by(e.to_string())
                    })?;
                }
                Ok(CopyTarget::Sqlite(sqlite::NewCatalog::create(path)?))
            }
            Location::Postgres(t) => match postgres::NewCatalog::create(t)? {
                Some(new) => Ok(CopyTarget::Postgres(Box::new(new))),
                None => Err(not_empty(loc)),
            },
        }
    }

    /// Run `fill` with a loader in the target's one transaction; commit when it succeeds.
    pub fn load(
        &mut self,
        fill: &mut dyn FnMut(&mut dyn copy::Loader) -> Result<()>,
    ) -> Result<()> {
        match self {
            CopyTarget::Sqlite(new) => {
                let mut load = new.loader()?;
                fill(&mut load)?;
                load.commit()
            }
            CopyTarget::Postgres(new) => {
                let mut load = new.loader()?;
                fill(&mut load)?;
                load.commit()
            }
        }
    }

    /// Make the loaded catalog the target's (a file appears at its path only now, and
    /// never replaces one that appeared meanwhile: exit 4; a schema was committed by
    /// `load`).
    pub fn place(self, loc: &Location) -> Result<()> {
        match self {
            CopyTarget::Sqlite(new) => match new.place()? {
                Placed::Created => Ok(()),
                Placed::AlreadyExisted => Err(not_empty(loc)),
            },
            CopyTarget::Postgres(_) => Ok(()),
        }
    }
}

/// Exit 4: `catalog copy` writes only into a new file or an empty schema.
fn not_empty(target: &Location) -> Error {
    Error::conflict(format!("the copy's target {target} is not empty"))
        .with_hint("catalog copy writes a new catalog: name a file that does not exist, or a schema that holds no catalog")
}
