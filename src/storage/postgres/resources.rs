//! Compute resources and data sources, in SQLite's orders: names compared and sorted by
//! `lower(name)` (ASCII folding under "C", as NOCASE), read by the unique index on
//! (workspace_id, env, lower(name)).

use postgres::types::ToSql;

use super::pending::{Row, TABLES};
use super::principals::prefix_range;
use super::stored::Cells;
use super::Tx;
use crate::domain::store::{ResourceStore, ShareFilter};
use crate::model::error::{Error, Result};
use crate::model::resources::{
    AsCompute, AsSource, Compute, Connection, DataSource, LastTest, Share,
};
use crate::model::Env;
use crate::storage::rows::{
    connection_row, props_text, share_row, ConnTable, Written, SHARED_COLS, SHARE_COLS, SHARE_FROM,
};

/// The order of [`Tx::computes`] and [`Tx::datasources`], as SQLite's.
fn list_order<K: ConnTable>() -> &'static str {
    if K::BY_NAME {
        "lower(t.name), t.env DESC"
    } else {
        "t.created_at, t.pk"
    }
}

/// The one SELECT of both tables: the workspace's connections ($1), by `filter` and `order`.
fn select<K: ConnTable>(
    tx: &Tx,
    filter: &str,
    order: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Connection<K>>> {
    let sql = format!(
        "SELECT {SHARED_COLS}, {} FROM {} t JOIN workspace w ON w.id = t.workspace_id \
         WHERE t.workspace_id = $1 AND {filter} ORDER BY {order}",
        K::OWN_COLS,
        K::TABLE
    );
    tx.query(&sql, params)?
        .iter()
        .map(connection_row::<K, _>)
        .collect()
}

fn named<K: ConnTable>(
    tx: &Tx,
    ws: i64,
    name: &str,
    env: Option<Env>,
) -> Result<Vec<Connection<K>>> {
    if tx.objects_absent(K::TABLE, ws, env.map(|e| e.as_str()), Some(name)) {
        return Ok(Vec::new());
    }
    match env {
        Some(env) => select(
            tx,
            "t.env = $3 AND lower(t.name) = lower($2)",
            "t.env DESC",
            &[&ws, &name, &env.as_str()],
        ),
        None => select(
            tx,
            "t.env IN ('prod', 'dev') AND lower(t.name) = lower($2)",
            "t.env DESC",
            &[&ws, &name],
        ),
    }
}

fn all<K: ConnTable>(tx: &Tx, ws: i64, env: Option<Env>) -> Result<Vec<Connection<K>>> {
    if tx.objects_absent(K::TABLE, ws, env.map(|e| e.as_str()), None) {
        return Ok(Vec::new());
    }
    match env {
        Some(env) => select(tx, "t.env = $2", list_order::<K>(), &[&ws, &env.as_str()]),
        None => select(tx, "TRUE", list_order::<K>(), &[&ws]),
    }
}

/// Those of one workspace whose names may start with `prefix`, in the list order: a range
/// of the (workspace, env, lower(name)) key in each environment.
fn from<K: ConnTable>(tx: &Tx, ws: i64, prefix: &str) -> Result<Vec<Connection<K>>> {
    let (low, high) = prefix_range(prefix);
    match &high {
        Some(high) => select(
            tx,
            "t.env IN ('prod', 'dev') AND lower(t.name) >= $2 AND lower(t.name) < $3",
            list_order::<K>(),
            &[&ws, &low, high],
        ),
        None => select(
            tx,
            "t.env IN ('prod', 'dev') AND lower(t.name) >= $2",
            list_order::<K>(),
            &[&ws, &low],
        ),
    }
}

/// Keys from the table's counter (0003), assigned here and the row buffered for the next
/// COPY or INSERT (bulk.rs): an apply adding thousands makes no round trip per row.
fn insert<K: ConnTable>(tx: &Tx, ws: i64, c: &Connection<K>) -> Result<i64> {
    let table = TABLES
        .iter()
        .position(|(t, _)| *t == K::TABLE)
        .ok_or_else(|| Error::internal(format!("{} rows are not buffered", K::TABLE)))?;
    let pk = tx.next_connection_pk(K::TABLE, c.pk)?;
    let written = match c.kind.written() {
        Written::Int(n) => (if n != 0 { "t" } else { "f" }).to_string(),
        Written::Text(t) => t,
    };
    let fields = [
        pk.to_string(),
        ws.to_string(),
        c.env.as_str().to_string(),
        c.name.clone(),
        c.type_key.clone(),
        c.mode.as_str().to_string(),
        props_text(&c.properties),
        c.description.clone(),
        c.created_at.to_string(),
        c.created_by.clone(),
        c.updated_at.to_string(),
        c.updated_by.clone(),
        written,
    ];
    tx.bulk_insert(Row::Connection(
        table,
        fields.into_iter().map(Some).collect(),
    ))?;
    tx.note_object(K::TABLE, ws, c.env.as_str(), &c.name);
    Ok(pk)
}

fn save<K: ConnTable>(tx: &Tx, c: &Connection<K>) -> Result<()> {
    let sql = format!(
        "UPDATE {} SET properties = $2, description = $3, updated_at = $4, updated_by = $5, \
         {} = $6 WHERE pk = $1",
        K::TABLE,
        K::OWN_WRITTEN
    );
    let props = props_text(&c.properties);
    let updated = c.updated_at.to_string();
    let head: [&(dyn ToSql + Sync); 5] = [&c.pk, &props, &c.description, &updated, &c.updated_by];
    match c.kind.written() {
        Written::Int(n) => tx.execute(&sql, &[&head[..], &[&(n != 0)]].concat())?,
        Written::Text(t) => tx.execute(&sql, &[&head[..], &[&t]].concat())?,
    };
    Ok(())
}

fn id_taken<K: ConnTable>(tx: &Tx, id: i64) -> Result<bool> {
    Ok(tx
        .query_opt(&format!("SELECT 1 FROM {} WHERE pk = $1", K::TABLE), &[&id])?
        .is_some())
}

fn delete<K: ConnTable>(tx: &Tx, pk: i64) -> Result<()> {
    tx.execute(&format!("DELETE FROM {} WHERE pk = $1", K::TABLE), &[&pk])?;
    Ok(())
}

impl ResourceStore for Tx<'_> {
    fn computes_named(&self, ws: i64, name: &str, env: Option<Env>) -> Result<Vec<Compute>> {
        named(self, ws, name, env)
    }

    fn computes(&self, ws: i64, env: Option<Env>) -> Result<Vec<Compute>> {
        all(self, ws, env)
    }

    fn computes_from(&self, ws: i64, prefix: &str) -> Result<Vec<Compute>> {
        from(self, ws, prefix)
    }

    fn has_compute_of_type(&self, ws: i64, env: Env, type_key: &str) -> Result<bool> {
        if self.objects_absent("compute", ws, Some(env.as_str()), None) {
            return Ok(false);
        }
        Ok(self
            .query_opt(
                "SELECT 1 FROM compute WHERE workspace_id = $1 AND env = $2 AND type = $3 LIMIT 1",
                &[&ws, &env.as_str(), &type_key],
            )?
            .is_some())
    }

    fn compute_id_taken(&self, id: i64) -> Result<bool> {
        id_taken::<AsCompute>(self, id)
    }

    fn datasource_id_taken(&self, id: i64) -> Result<bool> {
        id_taken::<AsSource>(self, id)
    }

    fn insert_compute(&self, ws: i64, c: &Compute) -> Result<i64> {
        insert(self, ws, c)
    }

    fn save_compute(&self, c: &Compute) -> Result<()> {
        save(self, c)
    }

    fn delete_compute(&self, pk: i64) -> Result<()> {
        delete::<AsCompute>(self, pk)
    }

    fn datasources_named(&self, ws: i64, name: &str, env: Option<Env>) -> Result<Vec<DataSource>> {
        named(self, ws, name, env)
    }

    fn datasources(&self, ws: i64, env: Option<Env>) -> Result<Vec<DataSource>> {
        all(self, ws, env)
    }

    fn datasources_from(&self, ws: i64, prefix: &str) -> Result<Vec<DataSource>> {
        from(self, ws, prefix)
    }

    fn insert_datasource(&self, ws: i64, d: &DataSource) -> Result<i64> {
        insert(self, ws, d)
    }

    fn save_datasource(&self, d: &DataSource) -> Result<()> {
        save(self, d)
    }

    fn delete_datasource(&self, pk: i64) -> Result<()> {
        delete::<AsSource>(self, pk)
    }

    fn save_test(&self, pk: i64, t: &LastTest) -> Result<()> {
        let at = t.at.to_string();
        let latency = t.latency_ms.map(|v| v as i64);
        self.execute("UPDATE datasource SET test_state = $2, test_at = $3, test_latency_ms = $4, test_message = $5 WHERE pk = $1",
            &[&pk, &t.state.as_str(), &at, &latency, &t.message],
        )?;
        Ok(())
    }

    fn shares(&self, f: &ShareFilter) -> Result<Vec<Share>> {
        if !self.any_share()? {
            return Ok(Vec::new());
        }
        // Only the filters given, so that each is served by its index (`$1 IS NULL OR`
        // would make the planner scan).
        let given = [
            ("s.id", f.id),
            ("s.datasource_pk", f.datasource),
            ("d.workspace_id", f.source),
            ("s.target_id", f.target),
        ];
        let mut clauses = vec!["true".to_string()];
        let mut values: Vec<i64> = Vec::new();
        for (column, value) in given {
            if let Some(v) = value {
                values.push(v);
                clauses.push(format!("{column} = ${}", values.len()));
            }
        }
        let params: Vec<&(dyn ToSql + Sync)> =
            values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        let rows = self.query(
            &format!(
                "SELECT {SHARE_COLS} FROM {SHARE_FROM} WHERE {} ORDER BY s.id",
                clauses.join(" AND ")
            ),
            &params,
        )?;
        rows.iter().map(share_row).collect()
    }

    fn insert_share(&self, s: &Share) -> Result<i64> {
        let row = self.query_one(
            "INSERT INTO datasource_share (id, datasource_pk, target_id, user_pk, created_at, created_by) \
             VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM datasource_share), $1, $2, $3, $4, $5) RETURNING id",
            &[&s.datasource_pk, &s.target_id, &s.user_pk, &s.created_at.to_string(), &s.created_by],
        )?;
        Cells::new(&row, "datasource_share", &[]).int(0)
    }

    fn delete_share(&self, id: i64) -> Result<()> {
        self.execute("DELETE FROM datasource_share WHERE id = $1", &[&id])?;
        Ok(())
    }
}
