//! Commands: thin. Each takes its arguments as domain types (parsed at the edge, by the
//! command line's value parsers), confirms when needed, calls the domain in one
//! transaction, and hands the view to the printer. `lib.rs` dispatches the parsed command
//! line to them; `mod.rs` holds the plumbing every command shares.

pub mod access;
pub mod audit;
pub mod catalog;
pub mod check;
pub mod completions;
pub mod compute;
pub mod connection;
pub mod datasource;
pub mod import;
pub mod init;
pub mod manifest;
pub mod member;
mod props;
pub mod resource_group;
pub mod role;
pub mod user;
pub mod workspace;

use serde::Serialize;

use crate::config::Settings;
use crate::domain::ids::Ids;
use crate::domain::session::{self, Done, Outcome, Request, Session};
use crate::domain::tenant;
use crate::model::error::{Error, Kind, Result};
use crate::model::Warning;
use crate::output::Printer;
use crate::storage::{Catalog, Location, NewCatalog, Placed, Probe};

/// Carries an output error out of a catalog visitor (whose errors are domain errors), so
/// that a list printed row by row as the catalog reads it reports a failed write as itself.
#[derive(Default)]
struct OutputError(Option<std::io::Error>);

impl OutputError {
    fn keep<T>(&mut self, r: std::io::Result<T>) -> Result<T> {
        r.map_err(|e| {
            self.0 = Some(e);
            Error::internal("output failed")
        })
    }

    fn or(self, e: Error) -> anyhow::Error {
        match self.0 {
            Some(io) => io.into(),
            None => e.into(),
        }
    }
}

/// The region of a catalog `init` (or the first command at the default path) creates
/// without `--region`.
pub const DEFAULT_REGION: &str = "cn-hangzhou";

/// Whether this process already warned about the catalog file's mode.
static FILE_WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// What every command gets.
pub struct Ctx {
    pub settings: Settings,
    pub printer: Printer,
}

impl Ctx {
    pub fn request(&self, dry_run: bool) -> Request {
        Request {
            actor: self.settings.actor.clone(),
            now: self.settings.now,
            pinned_clock: self.settings.pinned_clock,
            dry_run,
            seed: self.settings.seed,
        }
    }

    /// Open the catalog. At the default path a missing catalog is created as `init`
    /// would (and said on stderr); a path the user named must exist (exit 7). Whatever
    /// is at the path that is not a regular file is exit 7 (never created over, never
    /// opened), and so is a catalog others can write; one they can read is a warning that
    /// `--quiet` does not silence.
    pub fn catalog(&mut self) -> Result<Catalog> {
        let loc = self.settings.catalog.clone();
        if let Some(file) = loc.file() {
            if !file.explicit
                && matches!(
                    crate::storage::probe(&file.path, file.mode)?,
                    Probe::Missing
                )
            {
                let mut ids = Ids::for_new_catalog(self.settings.seed);
                let account_id = ids.digits();
                let (new, _) = new_catalog(&loc, &account_id, DEFAULT_REGION, &self.settings, ids)?
                    .ok_or_else(|| Error::internal("a new catalog file was found existing"))?;
                if let Placed::Created = new.place()? {
                    self.printer.warning(&Warning::new(
                        "catalog_created",
                        format!(
                            "created a new catalog at {} (account {account_id}, region {})",
                            file.path.display(),
                            DEFAULT_REGION
                        ),
                    ));
                }
            }
        }
        let mut cat = Catalog::open(&loc, self.settings.lock_timeout)?;
        // A command that opens the catalog twice (a confirmed change runs a dry run
        // first) warns once.
        let warnings = cat.take_warnings();
        if !warnings.is_empty() && !FILE_WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) {
            for w in &warnings {
                self.printer.warning_even_if_quiet(w);
            }
        }
        Ok(cat)
    }

    /// Run a read in one read transaction.
    pub fn read<T>(&mut self, f: impl FnOnce(&mut Session) -> Result<T>) -> Result<T> {
        let mut cat = self.catalog()?;
        session::read(&mut cat, &self.request(false), f)
    }

    /// A long list read in one transaction and printed row by row as `list` hands each
    /// row on (JSON, JSON lines and CSV never hold it all).
    pub fn stream<T: crate::output::View>(
        &mut self,
        list: impl FnOnce(&mut Session, &mut dyn FnMut(T) -> Result<()>) -> Result<()>,
    ) -> anyhow::Result<()> {
        let mut cat = self.catalog()?;
        let req = self.request(false);
        let printer = &mut self.printer;
        let mut out = OutputError::default();
        session::read(&mut cat, &req, |s| {
            let mut w = out.keep(printer.list_writer::<T>())?;
            list(s, &mut |row| out.keep(w.row(&row)))?;
            out.keep(w.finish())
        })
        .map_err(|e| out.or(e))?;
        Ok(())
    }

    /// Run a change in one IMMEDIATE transaction with its audit event.
    pub fn write<T>(
        &mut self,
        dry_run: bool,
        f: impl FnOnce(&mut Session) -> Result<T>,
    ) -> Result<Done<T>> {
        let mut cat = self.catalog()?;
        session::write(&mut cat, &self.request(dry_run), f)
    }

    /// A change that asks first (delete, remove, purge, upgrade...). The change runs once
    /// as a dry run, so that a missing object, a missing right or a broken rule is reported
    /// before anyone is asked; then, confirmed, for real. A refused dry run is run for
    /// real too, so that the refusal is audited exactly as without the prompt.
    pub fn confirmed_write<T>(
        &mut self,
        dry_run: bool,
        ask: impl FnOnce(&Settings, &T) -> Result<()>,
        f: impl Fn(&mut Session) -> Result<Outcome<T>>,
    ) -> Result<Done<Outcome<T>>> {
        if dry_run {
            return self.write(true, f);
        }
        match self.write(true, &f) {
            Ok(preview) => {
                if preview.value.changed {
                    ask(&self.settings, &preview.value.value)?;
                }
                self.write(false, f)
            }
            Err(e) if matches!(e.kind, Kind::Denied | Kind::Refused) => self.write(false, f),
            Err(e) => Err(e),
        }
    }

    /// Print a mutation's result: the envelope, warnings, and a status line.
    pub fn print_mutation<T: Serialize>(
        &mut self,
        action: &str,
        dry_run: bool,
        done: Done<Outcome<T>>,
        status: &str,
    ) -> anyhow::Result<()> {
        self.printer.mutation(
            action,
            done.value.changed,
            dry_run,
            &done.value.value,
            &done.warnings,
            status,
        )?;
        Ok(())
    }

    /// Print the result of a removal `--if-exists` may excuse (`if_exists`): as done, with
    /// `status` of what was removed, or, when the object was missing, as no change, with
    /// `missing` for the status line.
    pub fn print_removal<T: Serialize>(
        &mut self,
        action: &str,
        dry_run: bool,
        flag: bool,
        r: Result<Done<Outcome<T>>>,
        status: impl FnOnce(&T) -> String,
        missing: &str,
    ) -> anyhow::Result<()> {
        match if_exists(flag, r)? {
            Some(done) => {
                let status = status(&done.value.value);
                self.print_mutation(action, dry_run, done, &status)
            }
            None => {
                self.printer.mutation(
                    action,
                    false,
                    dry_run,
                    &serde_json::Value::Null,
                    &[],
                    missing,
                )?;
                Ok(())
            }
        }
    }
}

/// A new catalog at `loc` (a file, and its folder; or a PostgreSQL schema, made if
/// missing), holding the tenant `init` makes, not yet in place (`NewCatalog::place`): what
/// `init` and the implicit creation at the default path share. `None` when a PostgreSQL
/// schema already holds a catalog.
fn new_catalog(
    loc: &Location,
    account_id: &str,
    region: &str,
    settings: &Settings,
    ids: Ids,
) -> Result<Option<(NewCatalog, tenant::InitResult)>> {
    if let Some(dir) = loc.file().and_then(|f| f.path.parent()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::catalog(format!("cannot create {}", dir.display())).caused_by(e.to_string())
        })?;
    }
    let Some(mut new) = NewCatalog::create(loc)? else {
        return Ok(None);
    };
    let result = {
        let mut tx = new.write()?;
        // A shared server's clock, unless DWCTL_NOW pins it.
        let now = match tx.now()? {
            Some(t) if !settings.pinned_clock => t,
            _ => settings.now,
        };
        let r = tenant::init(&mut *tx, account_id, region, now, ids)?;
        tx.commit()?;
        r
    };
    Ok(Some((new, result)))
}

/// `--if-exists`: a missing object is success with `"changed": false`. Only the object
/// the command acts on: a missing workspace, principal or group it is looked up in is
/// still "not found" (exit 3).
fn if_exists<T>(flag: bool, r: Result<Done<Outcome<T>>>) -> Result<Option<Done<Outcome<T>>>> {
    match r {
        Err(e) if flag && e.kind == Kind::NotFound && e.missing_target => Ok(None),
        other => other.map(Some),
    }
}
