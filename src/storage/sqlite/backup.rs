//! `catalog backup`: a consistent copy of the catalog, made with SQLite's online backup
//! while other processes keep reading and writing.

use rusqlite::{Connection, OpenFlags};
use std::fs;
use std::path::{Path, PathBuf};

use super::Catalog;
use crate::model::error::{Error, Result};
use crate::model::shown;

fn path_shown(p: &Path) -> String {
    shown(&p.to_string_lossy())
}

/// Removes the temporary copy unless it was put in place.
struct TmpFile(Option<PathBuf>);

impl Drop for TmpFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = fs::remove_file(&p);
            for suffix in ["-wal", "-shm", "-journal"] {
                let _ = fs::remove_file(format!("{}{suffix}", p.display()));
            }
        }
    }
}

fn exists(dest: &Path) -> Error {
    Error::conflict(format!("{} already exists", path_shown(dest)))
        .with_hint("name a new file: a backup never replaces one")
}

impl Catalog {
    /// SQLite treats `CATALOG-wal`, `-shm` and `-journal` as the catalog's own files: a
    /// backup written there is deleted by the next command (or, as a journal, could be
    /// played back into the catalog). Exit 2, whichever path names them.
    fn not_a_side_file(&self, dest: &Path) -> Result<()> {
        let real = |p: &Path| -> Option<PathBuf> {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            Some(fs::canonicalize(dir).ok()?.join(p.file_name()?))
        };
        let catalog = fs::canonicalize(&self.path)
            .ok()
            .or_else(|| real(&self.path));
        let (Some(catalog), Some(dest_real)) = (catalog, real(dest)) else {
            return Ok(());
        };
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut side = catalog.clone().into_os_string();
            side.push(suffix);
            if side == dest_real.as_os_str() {
                return Err(Error::invalid(format!(
                    "{} is SQLite's {suffix} file of the catalog: a backup there would be deleted or read as the catalog's log",
                    path_shown(dest)
                ))
                .with_hint("name a new file of its own, e.g. catalog-backup.db"));
            }
        }
        Ok(())
    }

    /// Copy the catalog to `dest`, a new file (exit 4 when something is there), mode 0600
    /// from its creation on. The copy is built under a temporary name beside `dest` and
    /// linked into place when complete, so that `dest` never holds half a catalog.
    /// Returns the size of the copy in bytes.
    pub fn backup_to(&self, dest: &Path) -> Result<u64> {
        self.not_a_side_file(dest)?;
        if fs::symlink_metadata(dest).is_ok() {
            return Err(exists(dest));
        }
        if dest.file_name().is_none() {
            return Err(Error::invalid(format!(
                "{} is not a file path",
                path_shown(dest)
            )));
        }
        // A backup killed half-way left its temporary copy (every secret in clear) beside
        // PATH: the next backup to PATH removes those of processes that are gone. The
        // temporary name is the one catalog creation uses, so that one cleaner knows both.
        super::file::remove_stale_temps(dest);
        let tmp = super::file::temp_name(dest)?;
        {
            let mut opts = fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            // PATH is the user's input: a missing folder, a name too long, a folder one may
            // not write is a bad PATH (exit 2), named with the OS's reason.
            opts.open(&tmp).map_err(|e| {
                Error::invalid(format!("cannot create {}", path_shown(dest)))
                    .caused_by(e.to_string())
                    .with_hint("name a new file in a folder that exists and that you may write")
            })?;
        }
        let mut guard = TmpFile(Some(tmp.clone()));
        {
            let mut copy = Connection::open_with_flags(
                &tmp,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            {
                let backup = rusqlite::backup::Backup::new(&self.conn, &mut copy)?;
                // All pages in one step: one read transaction, one consistent snapshot,
                // taken without blocking writers (WAL).
                backup.step(-1)?;
            }
            // A backup is for restoring: a copy of a damaged catalog is no backup, and
            // saying "Backed up" would hide the damage until the day it is needed. The
            // copy holds every page the catalog had, so checking it checks the catalog
            // (without holding the catalog's read snapshot any longer).
            quick_check(&copy, &self.path)?;
            // The copy keeps the catalog's WAL mode (the header is copied), so that a
            // restored copy behaves as the original did; closing leaves no WAL file.
            copy.close().map_err(|(_, e)| Error::from(e))?;
        }
        fs::File::open(&tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| backup_io(&tmp, "write", e))?;
        match fs::hard_link(&tmp, dest) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(exists(dest)),
            Err(e) => return Err(backup_io(dest, "create", e)),
        }
        if let Some(p) = guard.0.take() {
            let _ = fs::remove_file(p);
        }
        let size = fs::metadata(dest)
            .map_err(|e| backup_io(dest, "read", e))?
            .len();
        Ok(size)
    }
}

/// `PRAGMA quick_check` of the copy: exit 7 naming the catalog when it is not sound.
fn quick_check(copy: &Connection, path: &Path) -> Result<()> {
    let why = match super::quick_check_problems(copy) {
        Ok(None) => return Ok(()),
        Ok(Some(problems)) => problems,
        Err(e) => super::shorten(&e.to_string()),
    };
    Err(super::corrupt(
        path,
        &format!("a copy of it would be damaged too ({why}); no backup was written"),
    )
    .with_hint(
        "restore it from an earlier backup; to keep what is left, copy the file itself (cp) \
while no dwctl is running",
    ))
}

/// The backup's file could not be written: the destination's problem, not the catalog's.
fn backup_io(path: &Path, what: &str, e: std::io::Error) -> Error {
    Error::internal(format!("cannot {what} {}", path_shown(path))).caused_by(e.to_string())
}
