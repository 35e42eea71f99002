//! `catalog copy` for PostgreSQL: streaming every row out of one snapshot, and loading rows
//! into a new schema with `COPY ... FROM STDIN` in batches (see `storage::copy`).

use super::{Catalog, NewCatalog, Tx};
use crate::domain::store;
use crate::model::error::Result;
use crate::storage::copy::{Loader, Sink, Table, Value, TABLES};

/// Rows sent to the server per `COPY` (a batch is all that is held in memory).
const BATCH_ROWS: usize = 5000;

impl Catalog {
    /// Hand every row of every table to `sink`, from one REPEATABLE READ snapshot, each
    /// table in its key's order (streamed: never held); then the workspace ids used.
    pub fn dump(&mut self, sink: &mut dyn Sink) -> Result<()> {
        let tx = self.begin_read()?;
        let mut cells = Vec::new();
        for table in TABLES {
            sink.table(table)?;
            let sql = format!(
                "SELECT {} FROM {} ORDER BY {}",
                table.column_list(),
                table.name,
                table.key_list()
            );
            let key = table.key_columns();
            tx.for_each_row(&sql, &[], &mut |r| {
                table.neutral(r, &key, &mut cells)?;
                sink.row(&cells)
            })?;
            sink.end_table()?;
        }
        // Every never-reused key's high-water mark: `dwctl_meta`'s `TABLE_seq` counters.
        for r in tx.query(
            "SELECT left(key, -4), value FROM dwctl_meta WHERE key LIKE '%\\_seq' ORDER BY key",
            &[],
        )? {
            let table: String = r.get(0);
            sink.ids_used(&table, r.get(1))?;
        }
        tx.finish("COMMIT")
    }
}

/// Loads rows into a new schema, in the transaction that created it.
pub struct Load<'c> {
    tx: Tx<'c>,
    copy: String,
    /// The batch, in COPY's text format.
    data: Vec<u8>,
    rows: usize,
}

impl NewCatalog {
    /// A loader in the new schema's one transaction: `commit` it when every row is in.
    pub fn loader(&mut self) -> Result<Load<'_>> {
        Ok(Load {
            tx: self.write()?,
            copy: String::new(),
            data: Vec::new(),
            rows: 0,
        })
    }
}

impl Load<'_> {
    pub fn commit(self) -> Result<()> {
        self.tx.finish("COMMIT")
    }

    fn flush(&mut self) -> Result<()> {
        if self.rows > 0 {
            self.tx.copy_in(&self.copy, &self.data)?;
            self.data.clear();
            self.rows = 0;
        }
        Ok(())
    }
}

/// One value in COPY's text format (as `pending.rs` writes it).
fn put_cell(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => super::pending::field(out, None),
        Value::Int(n) => super::pending::field(out, Some(&n.to_string())),
        Value::Text(s) => super::pending::field(out, Some(s)),
    }
}

impl Sink for Load<'_> {
    fn table(&mut self, table: &'static Table) -> Result<()> {
        self.flush()?;
        self.copy = format!("COPY {} ({}) FROM STDIN", table.name, table.column_list());
        Ok(())
    }

    /// Booleans travel as 0/1, which PostgreSQL's boolean input reads.
    fn row(&mut self, cells: &[Value]) -> Result<()> {
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                self.data.push(b'\t');
            }
            put_cell(&mut self.data, c);
        }
        self.data.push(b'\n');
        self.rows += 1;
        if self.rows >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn end_table(&mut self) -> Result<()> {
        self.flush()
    }

    /// A never-reused key's counter is `dwctl_meta`'s `TABLE_seq` (ids are never reused).
    fn ids_used(&mut self, table: &str, last: i64) -> Result<()> {
        self.tx.execute(
            "INSERT INTO dwctl_meta (key, value) VALUES ($1 || '_seq', $2) \
             ON CONFLICT (key) DO UPDATE SET value = greatest(dwctl_meta.value, EXCLUDED.value)",
            &[&table, &last],
        )?;
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

    /// The neutral form names every column of every table of the PostgreSQL schema too
    /// (a migration that adds a column must add it to `storage::copy::TABLES`).
    #[test]
    fn the_neutral_tables_are_the_schema() {
        let Some(mut s) = super::super::testing::schema("the_neutral_tables_are_the_schema") else {
            return;
        };
        let schema = s.target.schema.clone();
        let cat = s.catalog.as_mut().unwrap();
        for t in TABLES {
            let mut cols: Vec<String> = cat
                .client
                .query(
                    "SELECT column_name::text FROM information_schema.columns \
                     WHERE table_schema = $1 AND table_name = $2",
                    &[&schema, &t.name],
                )
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            cols.sort();
            let mut mine: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
            mine.sort();
            assert_eq!(cols, mine, "{}", t.name);
        }
    }

    #[test]
    fn copy_text_escapes_what_it_must() {
        let mut out = Vec::new();
        for (i, c) in [
            Value::Null,
            Value::Int(-7),
            Value::Text("a\\b\tc\nd\re é \\N".into()),
            Value::Text(String::new()),
        ]
        .iter()
        .enumerate()
        {
            if i > 0 {
                out.push(b'\t');
            }
            put_cell(&mut out, c);
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\\N\t-7\ta\\\\b\\tc\\nd\\re é \\\\N\t"
        );
    }
}
