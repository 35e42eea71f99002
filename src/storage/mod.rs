//! Storage: the backends that implement the domain's storage interface
//! (`crate::domain::store`), and how a command opens one. Each backend is a folder
//! here holding all of its SQL; nothing above this module names a backend's types.
//!
//! A backend is added as a folder beside `sqlite/` implementing `store::Catalog` and
//! `store::Tx`, a variant of [`Catalog`], and its arm in each `match` below.

pub mod checked;
pub mod rows;
pub mod sqlite;

use std::path::Path;
use std::time::Duration;

use crate::domain::store;
use crate::model::error::Result;
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
