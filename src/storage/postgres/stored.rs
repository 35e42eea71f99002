//! Reading stored values from PostgreSQL, as `sqlite::stored` reads SQLite's: every cell
//! that dwctl turns into a typed value is checked to be what dwctl writes; anything else
//! (a value edited outside dwctl) is exit 7 naming the table, the row's key and the
//! column. PostgreSQL's column types already rule out text in an integer column, so what
//! is left to check is NULLs and the text's shape.

use postgres::Row;

use crate::model::clock::Timestamp;
use crate::model::error::{Error, Result};
use crate::model::{named, shown};

/// The hint of every unexpected stored value.
pub const RESTORE_HINT: &str = "the row was changed outside dwctl: restore the schema from a backup (pg_dump), or put back the value dwctl wrote";

/// Exit 7: `table`'s row `key` holds in `column` what dwctl never writes.
pub fn unexpected(table: &str, key: &str, column: &str, why: impl Into<String>) -> Error {
    Error::catalog(format!(
        "the catalog holds an unexpected value in table {table}, row {key}, column {column}"
    ))
    .caused_by(why)
    .with_hint(RESTORE_HINT)
}

enum Key<'k> {
    Columns(&'k [(usize, &'k str)]),
    Ids([(&'static str, i64); 2]),
    Fixed(&'static str),
}

/// One row of one table, with its key for messages.
pub struct Cells<'a, 'k> {
    row: &'a Row,
    table: &'static str,
    key: Key<'k>,
}

#[allow(dead_code)] // every reader of every family: some are resources' only
impl<'a, 'k> Cells<'a, 'k> {
    pub fn new(row: &'a Row, table: &'static str, keys: &'k [(usize, &'k str)]) -> Self {
        Cells {
            row,
            table,
            key: Key::Columns(keys),
        }
    }

    pub fn by_ids(row: &'a Row, table: &'static str, ids: [(&'static str, i64); 2]) -> Self {
        Cells {
            row,
            table,
            key: Key::Ids(ids),
        }
    }

    pub fn fixed(row: &'a Row, table: &'static str, key: &'static str) -> Self {
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
        keys.iter()
            .map(|&(i, label)| {
                let v = if let Ok(Some(s)) = self.row.try_get::<_, Option<&str>>(i) {
                    named(s)
                } else if let Ok(Some(n)) = self.row.try_get::<_, Option<i64>>(i) {
                    n.to_string()
                } else {
                    "?".into()
                };
                format!("{label}={v}")
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn column(&self, i: usize) -> String {
        self.row
            .columns()
            .get(i)
            .map_or_else(|| format!("#{i}"), |c| c.name().to_string())
    }

    /// Exit 7 for column `i` of this row.
    pub fn bad(&self, i: usize, why: impl Into<String>) -> Error {
        unexpected(self.table, &self.key(), &self.column(i), why)
    }

    fn typed<T: for<'r> postgres::types::FromSql<'r>>(&self, i: usize, what: &str) -> Result<T> {
        self.row
            .try_get::<_, T>(i)
            .map_err(|e| self.bad(i, format!("it is not {what}: {e}")))
    }

    fn opt_str(&self, i: usize) -> Result<Option<&'a str>> {
        self.row
            .try_get::<_, Option<&str>>(i)
            .map_err(|e| self.bad(i, format!("it is not text: {e}")))
    }

    fn str(&self, i: usize) -> Result<&'a str> {
        self.opt_str(i)?
            .ok_or_else(|| self.bad(i, "it is NULL, where dwctl always writes text"))
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.opt_str(i)?.map(str::to_string))
    }

    pub fn text(&self, i: usize) -> Result<String> {
        self.str(i).map(str::to_string)
    }

    pub fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        self.typed::<Option<i64>>(i, "an integer")
    }

    pub fn int(&self, i: usize) -> Result<i64> {
        self.opt_int(i)?
            .ok_or_else(|| self.bad(i, "it is NULL, where dwctl always writes an integer"))
    }

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

    pub fn bool(&self, i: usize) -> Result<bool> {
        self.typed::<Option<bool>>(i, "a boolean")?
            .ok_or_else(|| self.bad(i, "it is NULL, where dwctl always writes true or false"))
    }

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

    /// A JSON document; never repeated in the message (properties hold secrets).
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
}

const TS_WHAT: &str = "a timestamp as dwctl writes it (e.g. 2026-11-28T10:00:00.000Z)";
