//! Compute resources and data sources.

use rusqlite::params;
use rusqlite::types::Value as SqlValue;

use super::Tx;
use crate::domain::store::{ResourceStore, ShareFilter};
use crate::model::error::Result;
use crate::model::resources::{
    AsCompute, AsSource, Compute, Connection, DataSource, LastTest, Share,
};
use crate::model::Env;
use crate::storage::rows::{
    connection_row, props_text, share_row, ConnTable, Written, SHARED_COLS, SHARE_COLS, SHARE_FROM,
};

/// The order of [`Tx::computes`] and [`Tx::datasources`].
fn list_order<K: ConnTable>() -> &'static str {
    if K::BY_NAME {
        "t.name COLLATE NOCASE, t.env DESC"
    } else {
        "t.created_at, t.pk"
    }
}

fn written<K: ConnTable>(c: &Connection<K>) -> SqlValue {
    match c.kind.written() {
        Written::Int(n) => SqlValue::Integer(n),
        Written::Text(t) => SqlValue::Text(t),
    }
}

/// The one SELECT of both tables: the workspace's connections, by `filter` and `order`.
fn select<K: ConnTable, P: rusqlite::Params>(
    tx: &Tx,
    filter: &str,
    order: &str,
    params: P,
) -> Result<Vec<Connection<K>>> {
    let mut st = tx.conn.prepare_cached(&format!(
        "SELECT {SHARED_COLS}, {} FROM {} t JOIN workspace w ON w.id = t.workspace_id \
         WHERE t.workspace_id = ?1 AND {filter} ORDER BY {order}",
        K::OWN_COLS,
        K::TABLE
    ))?;
    let rows = st.query_and_then(params, |r| connection_row::<K, _>(r))?;
    rows.collect()
}

fn named<K: ConnTable>(
    tx: &Tx,
    ws: i64,
    name: &str,
    env: Option<Env>,
) -> Result<Vec<Connection<K>>> {
    select(
        tx,
        "t.name = ?2 AND (?3 IS NULL OR t.env = ?3)",
        "t.env DESC",
        params![ws, name, env.map(|e| e.as_str())],
    )
}

fn all<K: ConnTable>(tx: &Tx, ws: i64, env: Option<Env>) -> Result<Vec<Connection<K>>> {
    select(
        tx,
        "(?2 IS NULL OR t.env = ?2)",
        list_order::<K>(),
        params![ws, env.map(|e| e.as_str())],
    )
}

/// Those of one workspace whose names may start with `prefix`, in the list order: a range
/// of the (workspace, env, name) key in each environment.
fn from<K: ConnTable>(tx: &Tx, ws: i64, prefix: &str) -> Result<Vec<Connection<K>>> {
    let (args, bounded) = super::names::range_params(&[ws], prefix);
    let upper = if bounded { " AND t.name < ?3" } else { "" };
    select(
        tx,
        &format!("t.env IN ('prod', 'dev') AND t.name >= ?2{upper}"),
        list_order::<K>(),
        rusqlite::params_from_iter(args),
    )
}

fn insert<K: ConnTable>(tx: &Tx, ws: i64, c: &Connection<K>) -> Result<i64> {
    let mut st = tx.conn.prepare_cached(&format!(
        "INSERT INTO {} (workspace_id, env, name, type, mode, properties, description, \
         created_at, created_by, updated_at, updated_by, {}, pk) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULLIF(?13, 0))",
        K::TABLE,
        K::OWN_WRITTEN
    ))?;
    st.execute(params![
        ws,
        c.env.as_str(),
        c.name,
        c.type_key,
        c.mode.as_str(),
        props_text(&c.properties),
        c.description,
        c.created_at.to_string(),
        c.created_by,
        c.updated_at.to_string(),
        c.updated_by,
        written(c),
        c.pk
    ])?;
    Ok(tx.conn.last_insert_rowid())
}

fn save<K: ConnTable>(tx: &Tx, c: &Connection<K>) -> Result<()> {
    let mut st = tx.conn.prepare_cached(&format!(
        "UPDATE {} SET properties = ?2, description = ?3, updated_at = ?4, updated_by = ?5, \
         {} = ?6 WHERE pk = ?1",
        K::TABLE,
        K::OWN_WRITTEN
    ))?;
    st.execute(params![
        c.pk,
        props_text(&c.properties),
        c.description,
        c.updated_at.to_string(),
        c.updated_by,
        written(c)
    ])?;
    Ok(())
}

fn id_taken<K: ConnTable>(tx: &Tx, id: i64) -> Result<bool> {
    let mut st = tx
        .conn
        .prepare_cached(&format!("SELECT 1 FROM {} WHERE pk = ?1", K::TABLE))?;
    Ok(st.exists([id])?)
}

fn delete<K: ConnTable>(tx: &Tx, pk: i64) -> Result<()> {
    tx.conn
        .execute(&format!("DELETE FROM {} WHERE pk = ?1", K::TABLE), [pk])?;
    Ok(())
}

impl ResourceStore for Tx<'_> {
    /// Compute resources of a workspace named `name` (case-insensitively), in one or both envs.
    fn computes_named(&self, ws: i64, name: &str, env: Option<Env>) -> Result<Vec<Compute>> {
        named(self, ws, name, env)
    }

    /// Compute resources of a workspace, oldest first (creation order decides ties).
    fn computes(&self, ws: i64, env: Option<Env>) -> Result<Vec<Compute>> {
        all(self, ws, env)
    }

    fn computes_from(&self, ws: i64, prefix: &str) -> Result<Vec<Compute>> {
        from(self, ws, prefix)
    }

    fn has_compute_of_type(&self, ws: i64, env: Env, type_key: &str) -> Result<bool> {
        let mut st = self.conn.prepare_cached(
            "SELECT 1 FROM compute WHERE workspace_id = ?1 AND env = ?2 AND type = ?3",
        )?;
        Ok(st.exists(params![ws, env.as_str(), type_key])?)
    }

    fn insert_compute(&self, ws: i64, c: &Compute) -> Result<i64> {
        insert(self, ws, c)
    }

    fn compute_id_taken(&self, id: i64) -> Result<bool> {
        id_taken::<AsCompute>(self, id)
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

    /// Data sources of a workspace, by name then env (prod first).
    fn datasources(&self, ws: i64, env: Option<Env>) -> Result<Vec<DataSource>> {
        all(self, ws, env)
    }

    fn datasources_from(&self, ws: i64, prefix: &str) -> Result<Vec<DataSource>> {
        from(self, ws, prefix)
    }

    fn insert_datasource(&self, ws: i64, d: &DataSource) -> Result<i64> {
        insert(self, ws, d)
    }

    fn datasource_id_taken(&self, id: i64) -> Result<bool> {
        id_taken::<AsSource>(self, id)
    }

    fn save_datasource(&self, d: &DataSource) -> Result<()> {
        save(self, d)
    }

    fn delete_datasource(&self, pk: i64) -> Result<()> {
        delete::<AsSource>(self, pk)
    }

    fn save_test(&self, pk: i64, t: &LastTest) -> Result<()> {
        self.conn.execute(
            "UPDATE datasource SET test_state = ?2, test_at = ?3, test_latency_ms = ?4, test_message = ?5 WHERE pk = ?1",
            params![pk, t.state.as_str(), t.at.to_string(), t.latency_ms.map(|v| v as i64), t.message],
        )?;
        Ok(())
    }

    fn shares(&self, f: &ShareFilter) -> Result<Vec<Share>> {
        // Only the fields given, so that SQLite searches by their indexes (`?N IS NULL OR`
        // would make it scan the table).
        let given = [
            ("s.id", f.id),
            ("s.datasource_pk", f.datasource),
            ("d.workspace_id", f.source),
            ("s.target_id", f.target),
        ];
        let mut clauses = vec!["1 = 1".to_string()];
        let mut values = Vec::new();
        for (column, value) in given {
            if let Some(v) = value {
                values.push(v);
                clauses.push(format!("{column} = ?{}", values.len()));
            }
        }
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {SHARE_COLS} FROM {SHARE_FROM} WHERE {} ORDER BY s.id",
            clauses.join(" AND ")
        ))?;
        let rows = st.query_and_then(rusqlite::params_from_iter(values), |r| share_row(r))?;
        rows.collect()
    }

    fn insert_share(&self, s: &Share) -> Result<i64> {
        let id: i64 = self.conn.query_row(
            "INSERT INTO datasource_share (id, datasource_pk, target_id, user_pk, created_at, created_by) \
             VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM datasource_share), ?1, ?2, ?3, ?4, ?5) RETURNING id",
            params![s.datasource_pk, s.target_id, s.user_pk, s.created_at.to_string(), s.created_by],
            |r| r.get(0),
        )?;
        Ok(id)
    }

    fn delete_share(&self, id: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM datasource_share WHERE id = ?1", [id])?;
        Ok(())
    }
}
