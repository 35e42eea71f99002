//! Reading stored values. Every cell that dwctl turns into a typed value goes through
//! [`Cells`], which checks it is what dwctl writes: a value edited outside dwctl (an unknown
//! status, a role list in another shape, a timestamp that does not parse, text in an
//! integer column, corrupt JSON, NULL where dwctl never writes one) is exit 7 naming the
//! table, the row's key and the column, never a panic and never a silently masked value.

use rusqlite::types::ValueRef;
use rusqlite::Row;

use crate::model::clock::Timestamp;
use crate::model::error::{Error, Result};
use crate::model::{named, shown};

/// The hint of every unexpected stored value.
pub const RESTORE_HINT: &str =
    "the row was changed outside dwctl: restore the catalog from a backup \
(dwctl catalog backup PATH makes one), or put back the value dwctl wrote";

/// Exit 7: `table`'s row `key` holds in `column` what dwctl never writes; `why` says what.
pub fn unexpected(table: &str, key: &str, column: &str, why: impl Into<String>) -> Error {
    Error::catalog(format!(
        "the catalog holds an unexpected value in table {table}, row {key}, column {column}"
    ))
    .caused_by(why)
    .with_hint(RESTORE_HINT)
}

/// A stored cell as a few words for a message: text escaped and cut, never a blob's bytes.
fn describe(v: ValueRef) -> String {
    match v {
        ValueRef::Null => "NULL".into(),
        ValueRef::Integer(i) => format!("the integer {i}"),
        ValueRef::Real(f) => format!("the number {f}"),
        ValueRef::Text(t) => match std::str::from_utf8(t) {
            Ok(s) => shown(s),
            Err(_) => "text that is not UTF-8".into(),
        },
        ValueRef::Blob(b) => format!("a blob of {} bytes", b.len()),
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
pub struct Cells<'a, 'r, 'k> {
    row: &'a Row<'r>,
    table: &'static str,
    key: Key<'k>,
}

impl<'a, 'r, 'k> Cells<'a, 'r, 'k> {
    /// `keys`: the columns (index, label) that name the row, e.g. `[(0, "id"), (1, "name")]`.
    pub fn new(row: &'a Row<'r>, table: &'static str, keys: &'k [(usize, &'k str)]) -> Self {
        Cells {
            row,
            table,
            key: Key::Columns(keys),
        }
    }

    /// A row named by two ids the caller has.
    pub fn by_ids(row: &'a Row<'r>, table: &'static str, ids: [(&'static str, i64); 2]) -> Self {
        Cells {
            row,
            table,
            key: Key::Ids(ids),
        }
    }

    /// A row named by a fixed key (the tenant's one row).
    pub fn fixed(row: &'a Row<'r>, table: &'static str, key: &'static str) -> Self {
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
                let v = match row.get_ref(i) {
                    Ok(ValueRef::Text(t)) => match std::str::from_utf8(t) {
                        Ok(s) => named(s),
                        Err(_) => "(not UTF-8)".into(),
                    },
                    Ok(ValueRef::Integer(n)) => n.to_string(),
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
            .as_ref()
            .column_name(i)
            .map(str::to_string)
            .unwrap_or_else(|_| format!("#{i}"))
    }

    /// Exit 7 for column `i` of this row.
    pub fn bad(&self, i: usize, why: impl Into<String>) -> Error {
        unexpected(self.table, &self.key(), &self.column(i), why)
    }

    fn value(&self, i: usize) -> Result<ValueRef<'_>> {
        Ok(self.row.get_ref(i)?)
    }

    /// Text as stored (borrowed: parsing needs no copy), or NULL as `None`.
    fn opt_str(&self, i: usize) -> Result<Option<&str>> {
        match self.value(i)? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(t) => match std::str::from_utf8(t) {
                Ok(s) => Ok(Some(s)),
                Err(_) => Err(self.bad(i, "it holds text that is not UTF-8")),
            },
            v => Err(self.bad(i, format!("it holds {}, not text", describe(v)))),
        }
    }

    fn str(&self, i: usize) -> Result<&str> {
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
            ValueRef::Null => Ok(None),
            ValueRef::Integer(n) => Ok(Some(n)),
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
        self.parsed(
            i,
            "a timestamp as dwctl writes it (e.g. 2026-11-28T10:00:00.000Z)",
            Timestamp::from_stored,
        )
    }

    pub fn opt_ts(&self, i: usize) -> Result<Option<Timestamp>> {
        self.opt_parsed(
            i,
            "a timestamp as dwctl writes it (e.g. 2026-11-28T10:00:00.000Z)",
            Timestamp::from_stored,
        )
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
}

/// The first row of a query, mapped by `f`, or `None`.
pub fn first<T, P: rusqlite::Params>(
    st: &mut rusqlite::Statement,
    params: P,
    f: impl FnMut(&Row) -> Result<T>,
) -> Result<Option<T>> {
    let mut rows = st.query_and_then(params, f)?;
    rows.next().transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::error::Kind;
    use rusqlite::Connection;

    fn read<T>(value: &str, f: impl Fn(&Cells) -> Result<T>) -> Result<T> {
        let conn = Connection::open_in_memory().unwrap();
        let mut st = conn
            .prepare(&format!("SELECT 7 AS pk, {value} AS flag"))
            .unwrap();
        first(&mut st, [], |r| f(&Cells::new(r, "thing", &[(0, "pk")]))).map(|v| v.unwrap())
    }

    #[test]
    fn a_cell_is_what_dwctl_writes_or_exit_7_naming_table_row_and_column() {
        assert_eq!(read("1", |c| c.bool(1)), Ok(true));
        assert_eq!(read("0", |c| c.bool(1)), Ok(false));
        for bad in ["2", "'yes'", "NULL", "X'01'", "1.0"] {
            let e = read(bad, |c| c.bool(1)).unwrap_err();
            assert_eq!(e.kind, Kind::Catalog, "{bad}");
            assert!(
                e.message.contains("table thing, row pk=7, column flag"),
                "{bad}: {}",
                e.message
            );
            assert!(e.hint.as_deref().unwrap().contains("dwctl catalog backup"));
        }
        assert!(read("'abc'", |c| c.int(1)).is_err());
        assert!(read("5", |c| c.int_in(1, 0..=4)).is_err());
        assert_eq!(read("NULL", |c| c.opt_text(1)), Ok(None));
        let e = read("'{\"password\": \"hunter2\"'", |c| {
            c.json::<std::collections::BTreeMap<String, String>>(1, "an object")
        })
        .unwrap_err();
        assert!(!format!("{e:?}").contains("hunter2"), "{e:?}");
    }

    #[test]
    fn a_stored_value_of_the_wrong_type_read_elsewhere_is_exit_7_too() {
        let conn = Connection::open_in_memory().unwrap();
        let e: Error = conn
            .query_row("SELECT 'abc' AS n", [], |r| r.get::<_, i64>(0))
            .unwrap_err()
            .into();
        assert_eq!(e.kind, Kind::Catalog);
        assert!(e.message.contains("column n"), "{}", e.message);
    }
}
