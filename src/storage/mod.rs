//! Storage: the backends that implement the domain's storage interface
//! (`crate::domain::store`), and how a command opens one. Each backend is a folder
//! here holding all of its SQL; nothing above this module names a backend's types.
//!
//! A backend is added as a folder beside `sqlite/` implementing `store::Catalog` and
//! `store::Tx`, a variant of [`Catalog`], and its arm in each `match` below.

pub mod copy;
pub mod sqlite;

use std::path::Path;
use std::time::Duration;

use crate::domain::store;
use crate::model::error::{Error, Result};
use crate::model::Warning;

// Where a catalog is, and creating one on first use: a SQLite file's, today.
pub use sqlite::{check_header, probe, Location, ModeCheck, NewCatalog, Placed, Probe};

/// A catalog a command opened: one variant per backend.
pub enum Catalog {
    Sqlite(sqlite::Catalog),
}

impl Catalog {
    /// Open an existing catalog. Missing files are the caller's business (see
    /// `commands::Ctx::catalog`), which decides between implicit init and exit 7.
    pub fn open(loc: &Location, lock_timeout: Duration) -> Result<Catalog> {
        Ok(Catalog::Sqlite(sqlite::Catalog::open(loc, lock_timeout)?))
    }

    /// The catalog at `path` for shell completion: `None` when there is none, and never
    /// created, migrated or waited for.
    pub fn open_for_names(path: &Path) -> Result<Option<Catalog>> {
        Ok(sqlite::names::open_for_names(path)?.map(Catalog::Sqlite))
    }

    /// Warnings about the catalog itself (a file's mode), for the caller to print.
    pub fn take_warnings(&mut self) -> Vec<Warning> {
        match self {
            Catalog::Sqlite(c) => c.take_warnings(),
        }
    }

    /// `catalog copy`'s source side: every row of every table to `sink`, from one
    /// snapshot, table by table (see [`copy`]).
    pub fn dump(&mut self, sink: &mut dyn copy::Sink) -> Result<()> {
        match self {
            Catalog::Sqlite(c) => c.dump(sink),
        }
    }

    /// Copy the whole catalog to `dest`; the bytes written.
    pub fn backup_to(&self, dest: &Path) -> Result<u64> {
        match self {
            Catalog::Sqlite(c) => c.backup_to(dest),
        }
    }
}

impl store::Catalog for Catalog {
    fn write(&mut self) -> Result<Box<dyn store::Tx + '_>> {
        match self {
            Catalog::Sqlite(c) => store::Catalog::write(c),
        }
    }

    fn read(&mut self) -> Result<Box<dyn store::Tx + '_>> {
        match self {
            Catalog::Sqlite(c) => store::Catalog::read(c),
        }
    }
}

/// `catalog copy`'s target: a new, empty catalog (schema, no rows), filled in one
/// transaction by a [`copy::Loader`], then put in place.
pub enum CopyTarget {
    Sqlite(sqlite::NewCatalog),
}

impl CopyTarget {
    /// A new catalog at `loc`. A target that is not empty is refused (exit 4): a file that
    /// exists (whatever it holds).
    pub fn create(loc: &Location) -> Result<CopyTarget> {
        let path = &loc.path;
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(not_empty(&path.display().to_string()));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                Error::catalog(format!("cannot create {}", dir.display())).caused_by(e.to_string())
            })?;
        }
        Ok(CopyTarget::Sqlite(sqlite::NewCatalog::create(path)?))
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
        }
    }

    /// Make the loaded catalog the target's (a file appears at its path only now, and
    /// never replaces one that appeared meanwhile: exit 4).
    pub fn place(self, name: &str) -> Result<()> {
        match self {
            CopyTarget::Sqlite(new) => match new.place()? {
                Placed::Created => Ok(()),
                Placed::AlreadyExisted => Err(not_empty(name)),
            },
        }
    }
}

/// Exit 4: `catalog copy` writes only into a new file or an empty schema.
fn not_empty(target: &str) -> Error {
    Error::conflict(format!("the copy's target {target} is not empty"))
        .with_hint("catalog copy writes a new catalog: name a file that does not exist, or an empty PostgreSQL schema")
}
