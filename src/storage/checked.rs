//! Reading stored values, whatever the backend. Every cell that dwctl turns into a typed
//! value goes through [`Cells`], which checks it is what dwctl writes: a value edited
//! outside dwctl (an unknown status, a role list in another shape, a timestamp that does
//! not parse, text in an integer column, corrupt JSON, NULL where dwctl never writes one,
//! a number out of range) is exit 7 naming the table, the row's key and the column, never
//! a panic and never a silently masked value.
//!
//! A backend hands its rows over as [`StoredRow`]: each cell as a [`Cell`] (what the
//! backend holds, borrowed), and each column's name. The checks and their messages are
//! the same on every backend.

use crate::model::clock::Timestamp;
use crate::model::error::{Error, Result};
use crate::model::{named, shown};

/// Exit 7: `table`'s row `key` holds in `column` what dwctl never writes; `why` says what,
/// `hint` how to repair it (the backend's way of restoring a catalog).
pub fn unexpected(
    hint: &str,
    table: &str,
    key: &str,
    column: &str,
    why: impl Into<String>,
) -> Error {
    Error::catalog(format!(
        "the catalog holds an unexpected value in table {table}, row {key}, column {column}"
    ))
    .caused_by(why)
    .with_hint(hint)
}

/// One stored cell, as the backend holds it (text as bytes: a backend may hold text that
/// is not UTF-8).
#[derive(Debug, Clone, Copy)]
pub enum Cell<'v> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'v [u8]),
    Blob(usize),
    /// A value of a type dwctl never stores in any column (a column whose type was
    /// changed outside dwctl): the type's name, for the message.
    Other(&'v str),
}

/// A row of a backend, read cell by cell.
pub trait StoredRow {
    /// How to repair a catalog holding an unexpected value (every message says it).
    const RESTORE_HINT: &'static str;

    /// Cell `i`; an error when the backend cannot read it at all.
    fn cell(&self, i: usize) -> Result<Cell<'_>>;

    /// The name of column `i`, when the backend knows it.
    fn column_name(&self, i: usize) -> Option<&str>;
}

/// A stored cell as a few words for a message: text escaped and cut, never a blob's bytes.
fn describe(v: Cell) -> String {
    match v {
        Cell::Null => "NULL".into(),
        Cell::Integer(i) => format!("the integer {i}"),
        Cell::Real(f) => format!("the number {f}"),
        Cell::Text(t) => match std::str::from_utf8(t) {
            Ok(s) => shown(s),
            Err(_) => "text that is not UTF-8".into(),
        },
        Cell::Blob(n) => format!("a blob of {n} bytes"),
        Cell::Other(ty) => format!("a value of type {ty}"),
    }
}

/// How a row is named in messages; worked out only when a message needs it (a list
/// of 100,000 members reads 100,000 rows).
enum Key<'k> {
    /// Columns (index, label) of the row.
    Columns(&'k [(usize, &'k str)]),
    /// Two ids the caller already has, e.g. `workspace_id=2 principal_pk=5`.
    Ids([(&'static str, i64); 2]),
    Fixed(&'static str),
}

/// One row of one table, with its key for messages.
pub struct Cells<'a, 'k, R: ?Sized> {
    row: &'a R,
    table: &'static str,
    key: Key<'k>,
}

impl<'a, 'k, R: StoredRow + ?Sized> Cells<'a, 'k, R> {
    /// `keys`: the columns (index, label) that name the row, e.g. `[(0, "id"), (1, "name")]`.
    pub fn new(row: &'a R, table: &'static str, keys: &'k [(usize, &'k str)]) -> Self {
        Cells {
            row,
            table,
            key: Key::Columns(keys),
        }
    }

    /// A row named by two ids the caller has.
    pub fn by_ids(row: &'a R, table: &'static str, ids: [(&'static str, i64); 2]) -> Self {
        Cells {
            row,
            table,
            key: Key::Ids(ids),
        }
    }

    /// A row named by a fixed key (the tenant's one row).
    pub fn fixed(row: &'a R, table: &'static str, key: &'static str) -> Self {
        Cells {
            row,
            table,
            key: Key::Fixed(key),
        }
    }

    fn key(&self) -> String {
        let keys = match &self.key {
            Key::Fixed(k) => return k.to_string(),
            Key::Ids([(a, x), (b, y)]) => return format!("{a}={x} {b}={y}"),
            Key::Columns(keys) => keys,
        };
        let row = self.row;
        keys.iter()
            .map(|&(i, label)| {
                let v = match row.cell(i) {
                    Ok(Cell::Text(t)) => match std::str::from_utf8(t) {
                        Ok(s) => named(s),
                        Err(_) => "(not UTF-8)".into(),
                    },
                    Ok(Cell::Integer(n)) => n.to_string(),
                    Ok(v) => describe(v),
                    Err(_) => "?".into(),
                };
                format!("{label}={v}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn column(&self, i: usize) -> String {
        self.row
            .column_name(i)
            .map(str::to_string)
            .unwrap_or_else(|| format!("#{i}"))
    }

    /// Exit 7 for column `i` of this row.
    pub fn bad(&self, i: usize, why: impl Into<String>) -> Error {
        unexpected(
            R::RESTORE_HINT,
            self.table,
            &self.key(),
            &self.column(i),
            why,
        )
    }

    fn value(&self, i: usize) -> Result<Cell<'a>> {
        self.row.cell(i)
    }

    /// Text as stored (borrowed: parsing needs no copy), or NULL as `None`.
    fn opt_str(&self, i: usize) -> Result<Option<&'a str>> {
        match self.value(i)? {
            Cell::Null => Ok(None),
            Cell::Text(t) => match std::str::from_utf8(t) {
                Ok(s) => Ok(Some(s)),
                Err(_) => Err(self.bad(i, "it holds text that is not UTF-8")),
            },
            v => Err(self.bad(i, format!("it holds {}, not text", describe(v)))),
        }
    }

    fn str(&self, i: usize) -> Result<&'a str> {
        self.opt_str(i)?
            .ok_or_else(|| self.bad(i, "it is NULL, where dwctl always writes text"))
    }

    /// Text, or NULL as `None`.
    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.opt_str(i)?.map(str::to_string))
    }

    pub fn text(&self, i: usize) -> Result<String> {
        self.str(i).map(str::to_string)
    }

    /// An integer, or NULL as `None`.
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        match self.value(i)? {
            Cell::Null => Ok(None),
            Cell::Integer(n) => Ok(Some(n)),
            v => Err(self.bad(i, format!("it holds {}, not an integer", describe(v)))),
        }
    }

    pub fn int(&self, i: usize) -> Result<i64> {
        self.opt_int(i)?
            .ok_or_else(|| self.bad(i, "it is NULL, where dwctl always writes an integer"))
    }

    /// An integer in `range`.
    pub fn int_in(&self, i: usize, range: std::ops::RangeInclusive<i64>) -> Result<i64> {
        let n = self.int(i)?;
        self.check_range(i, n, &range)
    }

    pub fn opt_int_in(
        &self,
        i: usize,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<Option<i64>> {
        self.opt_int(i)?
            .map(|n| self.check_range(i, n, &range))
            .transpose()
    }

    fn check_range(&self, i: usize, n: i64, range: &std::ops::RangeInclusive<i64>) -> Result<i64> {
        if range.contains(&n) {
            Ok(n)
        } else {
            Err(self.bad(
                i,
                format!("it holds {n}, outside {}..={}", range.start(), range.end()),
            ))
        }
    }

    /// A boolean, which dwctl stores as 0 or 1.
    pub fn bool(&self, i: usize) -> Result<bool> {
        match self.int(i)? {
            0 => Ok(false),
            1 => Ok(true),
            n => Err(self.bad(i, format!("it holds {n}, where dwctl writes 0 or 1"))),
        }
    }

    /// Text turned into a typed value by `parse`; `what` names the type for the message.
    pub fn parsed<T>(
        &self,
        i: usize,
        what: &str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T> {
        let s = self.str(i)?;
        parse(s).ok_or_else(|| self.bad(i, format!("{} is not {what}", shown(s))))
    }

    pub fn opt_parsed<T>(
        &self,
        i: usize,
        what: &str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>> {
        match self.opt_str(i)? {
            None => Ok(None),
            Some(s) => parse(s)
                .map(Some)
                .ok_or_else(|| self.bad(i, format!("{} is not {what}", shown(s)))),
        }
    }

    pub fn ts(&self, i: usize) -> Result<Timestamp> {
        self.parsed(i, TS_WHAT, Timestamp::from_stored)
    }

    pub fn opt_ts(&self, i: usize) -> Result<Option<Timestamp>> {
        self.opt_parsed(i, TS_WHAT, Timestamp::from_stored)
    }

    /// A JSON document; `what` says what it should be. The value is never repeated in the
    /// message: properties hold secrets.
    pub fn json<T: serde::de::DeserializeOwned>(&self, i: usize, what: &str) -> Result<T> {
        let s = self.str(i)?;
        serde_json::from_str(s).map_err(|e| {
            self.bad(
                i,
                format!(
                    "it is not {what} (JSON error at line {} column {})",
                    e.line(),
                    e.column()
                ),
            )
        })
    }

    /// The seq and hash of an audit event as dwctl writes them: the head of the chain is
    /// printed as an anchor and chained to by the next event, so a seq or a hash dwctl
    /// never writes is exit 7, never an anchor that `--expect` would refuse, nor a chain
    /// extended from garbage.
    pub fn audit_head(&self, seq: usize, hash: usize) -> Result<(i64, String)> {
        let n = self.int_in(seq, 1..=i64::MAX)?;
        let h = self.text(hash)?;
        let is_hash = h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !is_hash {
            return Err(self.bad(
                hash,
                "it is not a hash as dwctl writes it (64 lower-case hex digits)",
            ));
        }
        Ok((n, h))
    }
}

const TS_WHAT: &str = "a timestamp as dwctl writes it (e.g. 2026-11-28T10:00:00.000Z)";
