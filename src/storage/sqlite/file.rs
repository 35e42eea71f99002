//! The catalog path as a file, looked at before SQLite opens it: what kind of file is there
//! (only a regular file is a catalog: a FIFO would block `open` forever), SQLite's files
//! beside it, its mode (it holds secrets and the audit log), and the temporary files of
//! creations that were killed.

use std::fs;
use std::path::{Path, PathBuf};

use crate::model::error::{Error, Result};
use crate::model::Warning;

/// What is at the catalog path.
#[derive(Debug)]
pub enum Probe {
    /// Nothing (a missing folder included): a catalog may be created there.
    Missing,
    /// A regular file (directly or through a symbolic link), with the warnings its mode
    /// deserves.
    File(Vec<Warning>),
}

/// Whether the catalog file's mode is checked (`DWCTL_NO_MODE_CHECK`, `mode_check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModeCheck {
    On,
    Off,
}

/// The suffixes of the files SQLite keeps beside a database and opens with it.
const SIDECARS: [&str; 3] = ["-wal", "-shm", "-journal"];

/// Look at `path` without opening it. A FIFO, a socket, a device or a directory is exit 7
/// ("not a regular file"); so is a symbolic link to nothing ("no catalog at"), even for
/// `init` (which would otherwise create a file wherever the link points). A catalog that
/// group or others can write is exit 7; one they can read gets a warning.
pub fn probe(path: &Path, mode: ModeCheck) -> Result<Probe> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Probe::Missing),
        Err(e) => return Err(cannot(path, "read", e)),
    };
    let meta = if meta.file_type().is_symlink() {
        match fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let target = fs::read_link(path)
                    .map(|t| t.display().to_string())
                    .unwrap_or_else(|_| "?".into());
                return Err(Error::catalog(format!(
                    "no catalog at {}: it is a symbolic link to {target}, which does not exist",
                    path.display()
                ))
                .with_hint("point the link at a catalog, or remove it and run dwctl init"));
            }
            Err(e) => return Err(cannot(path, "read", e)),
        }
    } else {
        meta
    };
    if !meta.is_file() {
        return Err(not_regular(path, &meta));
    }
    let mut warnings = Vec::new();
    if mode == ModeCheck::On {
        if let Some(w) = check_mode(path, &meta)? {
            warnings.push(w);
        }
    }
    check_sidecars(path, mode, &mut warnings)?;
    Ok(Probe::File(warnings))
}

fn cannot(path: &Path, what: &str, e: std::io::Error) -> Error {
    Error::catalog(format!("cannot {what} {}", path.display())).caused_by(e.to_string())
}

fn kind_name(meta: &fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
    }
    if t.is_symlink() {
        return "a symbolic link";
    }
    "not a file"
}

fn not_regular(path: &Path, meta: &fs::Metadata) -> Error {
    Error::catalog(format!(
        "{} is not a dwctl catalog: it is {}, not a regular file",
        path.display(),
        kind_name(meta)
    ))
    .with_hint("name the catalog file with --catalog, or create one with dwctl init --catalog PATH")
}

/// The file SQLite really opens: it resolves symbolic links, and keeps its log beside the
/// target.
fn real_path(path: &Path) -> PathBuf {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link {
        fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    } else {
        path.to_path_buf()
    }
}

/// SQLite opens `PATH-wal`, `PATH-shm` and `PATH-journal` when they exist: any of them
/// being something else than a regular file (a FIFO blocks, a link may point anywhere)
/// makes the catalog unusable, and so does one that group or others can write (the log
/// holds the newest changes: whoever writes it writes the catalog). One they can read
/// gets the catalog's warning (the log holds the newest secrets), unless the catalog's
/// own warning already says it.
fn check_sidecars(path: &Path, mode: ModeCheck, warnings: &mut Vec<Warning>) -> Result<()> {
    let real = real_path(path);
    for suffix in SIDECARS {
        let mut side = real.clone().into_os_string();
        side.push(suffix);
        let side = PathBuf::from(side);
        if let Ok(m) = fs::symlink_metadata(&side) {
            if !m.file_type().is_file() {
                return Err(Error::catalog(format!(
                    "{} cannot be used: SQLite's {} beside it is {}, not a regular file",
                    path.display(),
                    side.display(),
                    kind_name(&m)
                ))
                .with_hint(format!(
                    "remove {} (SQLite makes it again when it needs it)",
                    side.display()
                )));
            }
            if mode == ModeCheck::On {
                if let Some(w) = check_mode(&side, &m)? {
                    if warnings.is_empty() {
                        warnings.push(w);
                    }
                }
            }
        }
    }
    Ok(())
}

/// Group- or other-writable: refused. Group- or other-readable: a warning.
#[cfg(unix)]
fn check_mode(path: &Path, meta: &fs::Metadata) -> Result<Option<Warning>> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o7777;
    let who = |bits: u32| match (mode & (bits << 3) != 0, mode & bits != 0) {
        (true, true) => "group and others",
        (true, false) => "its group",
        _ => "others",
    };
    if mode & 0o022 != 0 {
        return Err(Error::catalog(format!(
            "{} can be written by {} (mode {mode:04o}): it holds secrets and the audit log",
            path.display(),
            who(0o002)
        ))
        .with_hint(format!("chmod 600 {}", path.display())));
    }
    if mode & 0o044 != 0 {
        return Ok(Some(Warning::new(
            "catalog_mode",
            format!(
                "{} can be read by {} (mode {mode:04o}), and it holds secrets in clear: chmod 600 {}",
                path.display(),
                who(0o004),
                path.display()
            ),
        )));
    }
    Ok(None)
}

#[cfg(not(unix))]
fn check_mode(_path: &Path, _meta: &fs::Metadata) -> Result<Option<Warning>> {
    Ok(None)
}

/// A creation's temporary file: `.NAME.PID.RAND.tmp`, and SQLite's files beside it.
fn temp_owner(entry: &str, file: &str) -> Option<u32> {
    let rest = entry
        .strip_prefix('.')?
        .strip_prefix(file)?
        .strip_prefix('.')?;
    let rest = ["", "-journal", "-wal", "-shm"]
        .iter()
        .find_map(|s| rest.strip_suffix(&format!(".tmp{s}")))?;
    let (pid, rand) = rest.split_once('.')?;
    if rand.is_empty() || !rand.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// The name of a creation's temporary file for `path`, in its folder.
pub fn temp_name(path: &Path) -> Result<PathBuf> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file = path
        .file_name()
        .ok_or_else(|| Error::catalog(format!("{} is not a file path", path.display())))?;
    Ok(dir.join(format!(
        ".{}.{}.{}.tmp",
        file.to_string_lossy(),
        std::process::id(),
        fastrand::u64(..)
    )))
}

/// Is process `pid` gone? Only Linux can tell cheaply (`/proc`); elsewhere a temporary
/// file is taken as stale once it is a day old.
fn is_dead(pid: u32, entry: &Path) -> bool {
    if pid == std::process::id() {
        return false;
    }
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return !proc.join(pid.to_string()).exists();
    }
    fs::symlink_metadata(entry)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() > 86_400)
}

/// Remove the temporary files that creations of a catalog at `path` left when they were
/// killed (their process is gone). Best effort: a failure changes nothing else.
pub fn remove_stale_temps(path: &Path) {
    let Some(file) = path.file_name().map(|f| f.to_string_lossy().into_owned()) else {
        return;
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{file}.");
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !name.starts_with(&prefix) {
            continue;
        }
        let Some(pid) = temp_owner(&name, &file) else {
            continue;
        };
        let p = entry.path();
        let regular = entry.file_type().is_ok_and(|t| t.is_file());
        if regular && is_dead(pid, &p) {
            let _ = fs::remove_file(&p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_are_recognised_exactly() {
        let f = "catalog.db";
        assert_eq!(temp_owner(".catalog.db.42.123.tmp", f), Some(42));
        assert_eq!(temp_owner(".catalog.db.42.123.tmp-journal", f), Some(42));
        assert_eq!(temp_owner(".catalog.db.42.123.tmp-wal", f), Some(42));
        assert_eq!(temp_owner(".catalog.db.42.123.tmp-shm", f), Some(42));
        for other in [
            "catalog.db",
            ".catalog.db.42.tmp",
            ".catalog.db.x.123.tmp",
            ".catalog.db.42.12a.tmp",
            ".catalog.db.42.123.tmp.bak",
            ".other.db.42.123.tmp",
            ".catalog.dbx.42.123.tmp",
        ] {
            assert_eq!(temp_owner(other, f), None, "{other}");
        }
        let t = temp_name(Path::new("/x/catalog.db")).unwrap();
        let name = t.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(temp_owner(&name, f), Some(std::process::id()));
    }

    #[test]
    fn stale_temporary_files_of_dead_processes_are_removed_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.db");
        // PID 0x7fff_fff0 exists nowhere (Linux caps PIDs at 2^22).
        let dead = [
            ".catalog.db.2147483632.1.tmp",
            ".catalog.db.2147483632.1.tmp-journal",
        ];
        let mine = format!(".catalog.db.{}.7.tmp", std::process::id());
        let keep = [
            mine.as_str(),
            ".catalog.db.tmp",
            ".other.db.2147483632.1.tmp",
        ];
        for n in dead.iter().chain(&keep) {
            fs::write(dir.path().join(n), "x").unwrap();
        }
        remove_stale_temps(&path);
        for n in dead {
            assert!(
                !dir.path().join(n).exists() || !Path::new("/proc/self").exists(),
                "{n} was kept"
            );
        }
        for n in keep {
            assert!(dir.path().join(n).exists(), "{n} was removed");
        }
    }
}
