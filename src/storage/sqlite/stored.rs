//! Reading stored values of a SQLite catalog: its rows as the backend-neutral checker
//! ([`crate::storage::checked`]) reads them, so that a value dwctl never writes is exit 7
//! naming the table, the row's key and the column, on every backend alike.

use rusqlite::types::ValueRef;
use rusqlite::Row;

use crate::model::error::Result;
use crate::storage::checked::{Cell, StoredRow};

/// The hint of every unexpected stored value.
pub const RESTORE_HINT: &str =
    "the row was changed outside dwctl: restore the catalog from a backup \
(dwctl catalog backup PATH makes one), or put back the value dwctl wrote";

/// One row of one table, with its key for messages.
pub type Cells<'a, 'r, 'k> = crate::storage::checked::Cells<'a, 'k, Row<'r>>;

impl StoredRow for Row<'_> {
    const RESTORE_HINT: &'static str = RESTORE_HINT;

    fn cell(&self, i: usize) -> Result<Cell<'_>> {
        Ok(match self.get_ref(i)? {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(n) => Cell::Integer(n),
            ValueRef::Real(f) => Cell::Real(f),
            ValueRef::Text(t) => Cell::Text(t),
            ValueRef::Blob(b) => Cell::Blob(b.len()),
        })
    }

    fn column_name(&self, i: usize) -> Option<&str> {
        self.as_ref().column_name(i).ok()
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
    use crate::model::error::{Error, Kind};
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
