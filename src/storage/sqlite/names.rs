//! The catalog as shell completion opens it. A TAB must never change anything: this opens
//! a catalog that exists and is of this dwctl's schema, and otherwise answers with none. It
//! never creates, migrates or waits long for the catalog. The names themselves are read
//! through the domain (`domain::names`), as the actor, like `list`.

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

use super::{check_header, Catalog, SCHEMA_VERSION};
use crate::model::error::Result;

/// How long a TAB may wait for a writer holding the catalog.
const BUSY_TIMEOUT: Duration = Duration::from_millis(200);

/// The catalog opened for reading names (through the domain, as the actor), or `None` when
/// there is none to read: a missing file, or a schema this dwctl would have to migrate (a
/// write) or does not know. The connection is `query_only`, and the catalog is marked
/// read-only, so that nothing can be written through it.
pub fn open_for_names(path: &Path) -> Result<Option<Catalog>> {
    // Only a regular file, never a FIFO (opening one blocks); a TAB ignores the file's
    // mode (it prints nothing but names, and must stay silent).
    if let super::Probe::Missing = super::probe(path, super::ModeCheck::Off)? {
        return Ok(None);
    }
    check_header(path)?;
    // Read-write without CREATE, so that SQLite tidies its WAL files on close; `query_only`
    // makes sure nothing is written. A write-protected file is opened read-only.
    let read_only = std::fs::metadata(path)
        .map(|m| m.permissions().readonly())
        .unwrap_or(true);
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
    } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "query_only", "ON")?;
    let version: i32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version != SCHEMA_VERSION {
        // Older catalogs need a migration (a write); newer ones are not ours to read.
        return Ok(None);
    }
    Ok(Some(Catalog {
        conn,
        path: path.to_path_buf(),
        read_only: true,
        lock_timeout: BUSY_TIMEOUT,
        warnings: Vec::new(),
    }))
}

/// Bounds of an index range (under NOCASE) that holds every name starting with `prefix`,
/// whatever its ASCII case: `prefix` up to the next string past all those that start with
/// it (none when there is no such string). Callers keep the names that do start with it.
pub(crate) fn nocase_range(prefix: &str) -> (String, Option<String>) {
    (prefix.to_string(), successor(&prefix.to_ascii_lowercase()))
}

/// The parameters of a query by a name range (`nocase_range` of `prefix`): the `scope`
/// ones first (a workspace), then the range's bounds; and whether there is an upper bound.
pub(crate) fn range_params(scope: &[i64], prefix: &str) -> (Vec<rusqlite::types::Value>, bool) {
    let (low, high) = nocase_range(prefix);
    let bounded = high.is_some();
    let mut args: Vec<rusqlite::types::Value> = scope.iter().map(|&i| i.into()).collect();
    args.push(low.into());
    args.extend(high.map(Into::into));
    (args, bounded)
}

/// A string greater (in code point order, which is UTF-8's byte order, which is how
/// SQLite compares) than every string that starts with `s`, or `None` when there is none.
pub(crate) fn successor(s: &str) -> Option<String> {
    let mut chars: Vec<char> = s.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (last as u32 + 1..=char::MAX as u32).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_range_holds_every_name_that_starts_with_it() {
        assert_eq!(nocase_range("Ab"), ("Ab".into(), Some("ac".into())));
        assert_eq!(nocase_range("a@"), ("a@".into(), Some("aA".into())));
        assert_eq!(successor("a\u{D7FF}"), Some("a\u{E000}".into()));
        assert_eq!(successor("a\u{10FFFF}"), Some("b".into()));
        assert_eq!(successor("\u{10FFFF}"), None);
        // Checked by SQLite itself, under NOCASE as the name columns are.
        let conn = Connection::open_in_memory().unwrap();
        for (name, prefix) in [("ALICE", "al"), ("alice", "AL"), ("a@b", "a@"), ("aZ", "a")] {
            let (low, high) = nocase_range(prefix);
            let inside: bool = conn
                .query_row(
                    "SELECT ?1 >= ?2 COLLATE NOCASE AND ?1 < ?3 COLLATE NOCASE",
                    rusqlite::params![name, low, high],
                    |r| r.get(0),
                )
                .unwrap();
            assert!(inside, "{name} is in the range of {prefix}");
        }
    }

    #[test]
    fn a_missing_catalog_has_no_names_and_stays_missing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope.db");
        assert!(open_for_names(&path).unwrap().is_none());
        assert!(!path.exists());
    }

    #[test]
    fn a_file_that_is_not_a_catalog_is_an_error_and_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, "not a catalog").unwrap();
        assert!(open_for_names(&path).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"not a catalog");
    }
}
