//! `catalog copy` for a SQLite file: streaming every row out of one snapshot, and loading
//! rows into a new file (see `storage::copy`).

use rusqlite::types::{ToSql, ToSqlOutput, ValueRef};

use super::{Catalog, NewCatalog, Tx};
use crate::domain::store;
use crate::model::error::Result;
use crate::storage::copy::{Loader, Sink, Table, Value, TABLES};

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
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
            let key = table.key_columns();
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                table.neutral(r, &key, &mut cells)?;
                sink.row(&cells)?;
            }
            sink.end_table()?;
        }
        // Every AUTOINCREMENT table's high-water mark (SQLite's `sqlite_sequence`).
        let mut st = tx
            .conn
            .prepare("SELECT name, seq FROM sqlite_sequence ORDER BY name")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let name: String = r.get(0)?;
            sink.ids_used(&name, r.get(1)?)?;
        }
        drop(rows);
        drop(st);
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
    fn row(&mut self, cells: &[Value]) -> Result<()> {
        let mut st = self.tx.conn.prepare_cached(&self.insert)?;
        st.execute(rusqlite::params_from_iter(cells))?;
        Ok(())
    }

    fn end_table(&mut self) -> Result<()> {
        Ok(())
    }

    /// SQLite keeps an AUTOINCREMENT table's high-water mark in `sqlite_sequence`.
    fn ids_used(&mut self, table: &str, last: i64) -> Result<()> {
        let c = self.tx.conn;
        let updated = c.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?2) WHERE name = ?1",
            rusqlite::params![table, last],
        )?;
        if updated == 0 && last > 0 {
            c.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (?1, ?2)",
                rusqlite::params![table, last],
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
        ours.extend(crate::storage::copy::NOT_COPIED);
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
                let want = if c.ty == crate::storage::copy::Ty::Text {
                    "TEXT"
                } else {
                    "INTEGER"
                };
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
