//! `catalog copy` for a SQLite file: streaming every row out of one snapshot, and loading
//! rows into a new file (see `storage::copy`).

use rusqlite::types::{ToSql, ToSqlOutput, ValueRef};

use super::stored::unexpected;
use super::{Catalog, NewCatalog, Tx};
use crate::domain::store;
use crate::model::error::Result;
use crate::model::shown;
use crate::storage::copy::{Cell, Loader, Sink, Table, Ty, TABLES};

impl ToSql for Cell {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Cell::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Cell::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Cell::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

/// A stored value in the neutral form; anything dwctl never writes in such a column
/// (a real, a blob, text in an integer column, a boolean other than 0 or 1) is exit 7
/// naming the table, the row's key and the column.
fn cell(table: &Table, i: usize, v: ValueRef, key: &dyn Fn() -> String) -> Result<Cell> {
    let c = &table.columns[i];
    let bad = |why: String| unexpected(table.name, &key(), c.name, why);
    Ok(match (v, c.ty) {
        (ValueRef::Null, _) => Cell::Null,
        (ValueRef::Integer(n), Ty::Int) => Cell::Int(n),
        (ValueRef::Integer(n @ (0 | 1)), Ty::Bool) => Cell::Int(n),
        (ValueRef::Text(t), Ty::Text) => Cell::Text(
            String::from_utf8(t.to_vec())
                .map_err(|_| bad("it holds text that is not UTF-8".into()))?,
        ),
        (v, ty) => {
            return Err(bad(format!(
                "it holds {}, where dwctl writes {}",
                match v {
                    ValueRef::Integer(n) => format!("the integer {n}"),
                    ValueRef::Real(f) => format!("the number {f}"),
                    ValueRef::Text(_) => "text".into(),
                    ValueRef::Blob(b) => format!("a blob of {} bytes", b.len()),
                    ValueRef::Null => "NULL".into(),
                },
                match ty {
                    Ty::Int => "an integer",
                    Ty::Bool => "0 or 1",
                    Ty::Text => "text",
                }
            )))
        }
    })
}

/// `pk=3`, `workspace_id=2 key='team'`: a row named in a message.
fn row_key(table: &Table, r: &rusqlite::Row) -> String {
    table
        .key
        .iter()
        .map(|k| {
            let at = table.columns.iter().position(|c| c.name == *k);
            match at.map(|i| r.get_ref(i)) {
                Some(Ok(ValueRef::Integer(n))) => format!("{k}={n}"),
                Some(Ok(ValueRef::Text(t))) => {
                    format!("{k}={}", shown(&String::from_utf8_lossy(t)))
                }
                _ => format!("{k}=?"),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Catalog {
    /// Hand every row of every table to `sink`, from one read snapshot, each table in its
    /// key's order; then the workspace ids used.
    pub fn dump(&mut self, sink: &mut dyn Sink) -> Result<()> {
        let tx = self.read()?;
        let mut cells = Vec::new();
        for table in TABLES {
            sink.table(table)?;
            let mut st = tx.conn.prepare(&format!(
                "SELECT {} FROM {} ORDER BY {}",
                table.column_list(),
                table.name,
                table.key_list()
            ))?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                cells.clear();
                let key = || row_key(table, r);
                for i in 0..table.columns.len() {
                    cells.push(cell(table, i, r.get_ref(i)?, &key)?);
                }
                sink.row(&cells)?;
            }
            sink.end_table()?;
        }
        let last: i64 = tx.conn.query_row(
            "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'workspace'",
            [],
            |r| r.get(0),
        )?;
        sink.workspace_ids_used(last)?;
        tx.commit()
    }
}

/// Loads rows into a new catalog file, in its one transaction.
pub struct Load<'c> {
    tx: Tx<'c>,
    insert: String,
}

impl NewCatalog {
    /// A loader in the new file's one transaction: `commit` it when every row is in.
    pub fn loader(&mut self) -> Result<Load<'_>> {
        Ok(Load {
            tx: self.write()?,
            insert: String::new(),
        })
    }
}

impl Load<'_> {
    pub fn commit(self) -> Result<()> {
        self.tx.commit()
    }
}

impl Sink for Load<'_> {
    fn table(&mut self, table: &'static Table) -> Result<()> {
        let params = (1..=table.columns.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        self.insert = format!(
            "INSERT INTO {} ({}) VALUES ({params})",
            table.name,
            table.column_list()
        );
        Ok(())
    }

    /// One prepared insert per row, in the one transaction: SQLite has no round trips
    /// to save, and its page cache holds the batch.
    fn row(&mut self, cells: &[Cell]) -> Result<()> {
        let mut st = self.tx.conn.prepare_cached(&self.insert)?;
        st.execute(rusqlite::params_from_iter(cells))?;
        Ok(())
    }

    fn end_table(&mut self) -> Result<()> {
        Ok(())
    }

    /// SQLite keeps an AUTOINCREMENT table's high-water mark in `sqlite_sequence`: the
    /// copy's next workspace id is the source's.
    fn workspace_ids_used(&mut self, last: i64) -> Result<()> {
        let c = self.tx.conn;
        let updated = c.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?1) WHERE name = 'workspace'",
            [last],
        )?;
        if updated == 0 && last > 0 {
            c.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES ('workspace', ?1)",
                [last],
            )?;
        }
        Ok(())
    }
}

impl Loader for Load<'_> {
    fn tx(&mut self) -> &mut dyn store::Tx {
        &mut self.tx
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The neutral form names every column of every table of the schema, and nothing
    /// else: a migration that adds a column must add it to `storage::copy::TABLES`.
    #[test]
    fn the_neutral_tables_are_the_schema() {
        let cat = super::super::in_memory();
        let conn = cat.conn();
        let names: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut ours: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        ours.sort();
        assert_eq!(names, ours);
        for t in TABLES {
            let cols: Vec<(String, String, i64)> = conn
                .prepare(&format!("PRAGMA table_info({})", t.name))
                .unwrap()
                .query_map([], |r| Ok((r.get(1)?, r.get(2)?, r.get(5)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let mut names: Vec<&str> = cols.iter().map(|c| c.0.as_str()).collect();
            let mut mine: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
            names.sort();
            mine.sort();
            assert_eq!(names, mine, "{}", t.name);
            let mut key: Vec<(i64, &str)> = cols
                .iter()
                .filter(|c| c.2 > 0)
                .map(|c| (c.2, c.0.as_str()))
                .collect();
            key.sort();
            let key: Vec<&str> = key.into_iter().map(|k| k.1).collect();
            assert_eq!(key, t.key, "{}'s key", t.name);
            for c in t.columns {
                let declared = &cols.iter().find(|x| x.0 == c.name).unwrap().1;
                let want = if c.ty == Ty::Text { "TEXT" } else { "INTEGER" };
                assert_eq!(declared, want, "{}.{}", t.name, c.name);
            }
        }
    }

    /// A row's references come before it: loading in `TABLES`' order never meets a
    /// foreign key to a row not yet loaded.
    #[test]
    fn tables_come_after_the_tables_they_reference() {
        let cat = super::super::in_memory();
        let conn = cat.conn();
        for (i, t) in TABLES.iter().enumerate() {
            let parents: Vec<String> = conn
                .prepare(&format!("PRAGMA foreign_key_list({})", t.name))
                .unwrap()
                .query_map([], |r| r.get(2))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            for p in parents {
                let at = TABLES.iter().position(|x| x.name == p).unwrap();
                assert!(at < i, "{} references {p}, loaded later", t.name);
            }
        }
    }
}
