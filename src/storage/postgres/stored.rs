//! Reading stored values of a PostgreSQL catalog: its rows as the backend-neutral checker
//! ([`crate::storage::checked`]) reads them, so that a value dwctl never writes is exit 7
//! naming the table, the row's key and the column, with the same checks and words as on
//! SQLite. PostgreSQL's column types already rule out text in an integer column; a column
//! whose type was changed outside dwctl is named with its type.

use postgres::types::{FromSql, Type};
use postgres::Row;

use crate::model::error::{Error, Result};
use crate::storage::checked::{Cell, StoredRow};

/// The hint of every unexpected stored value.
pub const RESTORE_HINT: &str = "the row was changed outside dwctl: restore the schema from a backup (pg_dump), or put back the value dwctl wrote";

/// One row of one table, with its key for messages.
pub type Cells<'a, 'k> = crate::storage::checked::Cells<'a, 'k, Row>;

/// A cell's bytes as the server sent them (binary format), whatever its type.
struct Raw<'a>(&'a [u8]);

impl<'a> FromSql<'a> for Raw<'a> {
    fn from_sql(
        _: &Type,
        raw: &'a [u8],
    ) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(raw))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A big-endian integer of `N` bytes, as PostgreSQL's binary format sends INT2/4/8.
fn int<const N: usize>(raw: &[u8]) -> Option<i64> {
    let b: [u8; N] = raw.try_into().ok()?;
    Some(match N {
        2 => i16::from_be_bytes([b[0], b[1]]) as i64,
        4 => i32::from_be_bytes([b[0], b[1], b[2], b[3]]) as i64,
        _ => i64::from_be_bytes(raw.try_into().ok()?),
    })
}

impl StoredRow for Row {
    const RESTORE_HINT: &'static str = RESTORE_HINT;

    fn cell(&self, i: usize) -> Result<Cell<'_>> {
        let Some(column) = self.columns().get(i) else {
            return Err(Error::internal(format!("no column #{i} in a catalog row")));
        };
        let raw: Option<Raw> = self
            .try_get(i)
            .map_err(|e| Error::internal(format!("catalog row: {e}")))?;
        let Some(Raw(raw)) = raw else {
            return Ok(Cell::Null);
        };
        let ty = column.type_();
        let cell = match *ty {
            Type::INT2 => int::<2>(raw).map(Cell::Integer),
            Type::INT4 => int::<4>(raw).map(Cell::Integer),
            Type::INT8 => int::<8>(raw).map(Cell::Integer),
            // dwctl's booleans read as SQLite's 0 and 1.
            Type::BOOL => match raw {
                [0] => Some(Cell::Integer(0)),
                [1] => Some(Cell::Integer(1)),
                _ => None,
            },
            Type::FLOAT4 => <[u8; 4]>::try_from(raw)
                .ok()
                .map(|b| Cell::Real(f32::from_be_bytes(b) as f64)),
            Type::FLOAT8 => <[u8; 8]>::try_from(raw)
                .ok()
                .map(|b| Cell::Real(f64::from_be_bytes(b))),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::JSON => {
                Some(Cell::Text(raw))
            }
            // jsonb's binary form is a version byte, then the text.
            Type::JSONB => raw.split_first().map(|(_, t)| Cell::Text(t)),
            Type::BYTEA => Some(Cell::Blob(raw.len())),
            _ => Some(Cell::Other(ty.name())),
        };
        cell.ok_or_else(|| {
            Error::internal(format!(
                "catalog row: column {} sent a {} of {} bytes",
                column.name(),
                ty.name(),
                raw.len()
            ))
        })
    }

    fn column_name(&self, i: usize) -> Option<&str> {
        self.columns().get(i).map(|c| c.name())
    }
}

/// A row of a simple-protocol batch (every cell as text), read as the checker reads a
/// typed row: the columns in `ints` hold integers, those in `bools` booleans (`t`/`f`).
pub struct TextRow<'a> {
    pub cells: &'a [Option<String>],
    pub ints: &'a [usize],
    pub bools: &'a [usize],
}

impl StoredRow for TextRow<'_> {
    const RESTORE_HINT: &'static str = RESTORE_HINT;

    fn cell(&self, i: usize) -> Result<Cell<'_>> {
        let Some(cell) = self.cells.get(i) else {
            return Err(Error::internal(format!("no column #{i} in a catalog row")));
        };
        let Some(text) = cell else {
            return Ok(Cell::Null);
        };
        Ok(if self.ints.contains(&i) {
            text.parse()
                .map_or(Cell::Text(text.as_bytes()), Cell::Integer)
        } else if self.bools.contains(&i) {
            match text.as_str() {
                "t" => Cell::Integer(1),
                "f" => Cell::Integer(0),
                _ => Cell::Text(text.as_bytes()),
            }
        } else {
            Cell::Text(text.as_bytes())
        })
    }

    fn column_name(&self, _: usize) -> Option<&str> {
        None
    }
}
