//! Compute resources and data sources.

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Row};

use super::stored::Cells;
use super::Tx;
use crate::domain::store::ResourceStore;
use crate::model::error::Result;
use crate::model::resources::{
    AsCompute, AsSource, Compute, Connection, DataSource, LastTest, Origin, ProbeState,
};
use crate::model::types::{self, ConnMode, Properties};
use crate::model::{Env, ObjectName, WorkspaceName};

const PROPS_WHAT: &str = "a JSON object of string values";

fn props_text(p: &Option<Properties>) -> String {
    serde_json::to_string(&p.clone().unwrap_or_default()).unwrap_or_else(|_| "{}".into())
}

fn conn_mode(s: &str) -> Option<ConnMode> {
    ConnMode::ALL.into_iter().find(|m| m.as_str() == s)
}

const MODE_WHAT: &str = "a connection mode (instance, url, cdh)";

/// A type key of the type table (`compute`: one that can be a compute resource).
fn type_key(s: &str, compute: bool) -> Option<String> {
    types::lookup(s)
        .filter(|t| t.compute || !compute)
        .map(|_| s.to_string())
}

/// The connection mode, one that the row's type supports.
fn mode_of(c: &Cells, type_key: &str) -> Result<ConnMode> {
    let mode = c.parsed(5, MODE_WHAT, conn_mode)?;
    match types::lookup(type_key) {
        Some(t) if t.mode(mode).is_none() => Err(c.bad(
            5,
            format!(
                "{type_key} has no mode {mode} (its modes: {})",
                t.mode_names()
            ),
        )),
        _ => Ok(mode),
    }
}

/// What the two tables of connections differ in: their name, their own columns, and
/// how a row's own columns read. The columns they share come first, in one order.
trait Table: Sized {
    const NOUN: &'static str;
    const TABLE: &'static str;
    /// Only types that can be compute resources.
    const COMPUTE_ONLY: bool;
    const TYPE_WHAT: &'static str;
    const NAME_WHAT: &'static str;
    /// The table's own columns (alias `t`), read from index [`OWN_AT`] on.
    const OWN_COLS: &'static str;
    /// The own columns written on insert and on save (the connectivity test is saved apart).
    const OWN_WRITTEN: &'static str;
    /// The order of [`Tx::computes`] and [`Tx::datasources`].
    const LIST_ORDER: &'static str;
    fn read(c: &Cells, at: usize) -> Result<Self>;
    /// The values of [`Table::OWN_WRITTEN`].
    fn written(&self) -> SqlValue;
}

const SHARED_COLS: &str =
    "t.pk, w.name, t.name, t.env, t.type, t.mode, t.properties, t.description, \
    t.created_at, t.created_by, t.updated_at, t.updated_by";
const OWN_AT: usize = 12;

impl Table for AsCompute {
    const TABLE: &'static str = "compute";
    const NOUN: &'static str = "compute resource";
    const COMPUTE_ONLY: bool = true;
    const TYPE_WHAT: &'static str = "a compute resource type";
    const NAME_WHAT: &'static str = "a compute resource name";
    const OWN_COLS: &'static str = "t.is_default";
    const OWN_WRITTEN: &'static str = "is_default";
    const LIST_ORDER: &'static str = "t.created_at, t.pk";
    fn read(c: &Cells, at: usize) -> Result<Self> {
        Ok(AsCompute {
            is_default: c.bool(at)?,
        })
    }
    fn written(&self) -> SqlValue {
        SqlValue::Integer(self.is_default.into())
    }
}

fn probe_state(s: &str) -> Option<ProbeState> {
    ProbeState::ALL.into_iter().find(|p| p.as_str() == s)
}

impl Table for AsSource {
    const TABLE: &'static str = "datasource";
    const NOUN: &'static str = "data source";
    const COMPUTE_ONLY: bool = false;
    const TYPE_WHAT: &'static str = "a data source type";
    const NAME_WHAT: &'static str = "a data source name";
    const OWN_COLS: &'static str =
        "t.origin, t.test_state, t.test_at, t.test_latency_ms, t.test_message";
    const OWN_WRITTEN: &'static str = "origin";
    const LIST_ORDER: &'static str = "t.name COLLATE NOCASE, t.env DESC";
    fn read(c: &Cells, at: usize) -> Result<Self> {
        let origin = c.parsed(at, "manual or compute:NAME", Origin::from_stored)?;
        let state = c.opt_parsed(
            at + 1,
            "a connectivity state (connectable, unreachable, config_error, unsupported)",
            probe_state,
        )?;
        let last_test = match state {
            Some(state) => Some(LastTest {
                state,
                at: c.ts(at + 2)?,
                latency_ms: c.opt_int_in(at + 3, 0..=i64::MAX)?.map(|v| v as u64),
                message: c.opt_text(at + 4)?.unwrap_or_default(),
            }),
            None => None,
        };
        Ok(AsSource { origin, last_test })
    }
    fn written(&self) -> SqlValue {
        SqlValue::Text(self.origin.to_string())
    }
}

fn row<K: Table>(r: &Row) -> Result<Connection<K>> {
    let c = Cells::new(r, K::TABLE, &[(1, "workspace"), (2, "name"), (3, "env")]);
    let type_key = c.parsed(4, K::TYPE_WHAT, |s| type_key(s, K::COMPUTE_ONLY))?;
    Ok(Connection {
        pk: c.int(0)?,
        workspace: WorkspaceName::from_stored(c.text(1)?),
        name: c.parsed(2, K::NAME_WHAT, |s| {
            ObjectName::parse(s, K::NOUN).ok().map(|n| n.to_string())
        })?,
        env: c.parsed(3, Env::stored_what(), Env::from_stored)?,
        mode: mode_of(&c, &type_key)?,
        type_key,
        properties: Some(c.json(6, PROPS_WHAT)?),
        description: c.text(7)?,
        kind: K::read(&c, OWN_AT)?,
        created_at: c.ts(8)?,
        created_by: c.text(9)?,
        updated_at: c.ts(10)?,
        updated_by: c.text(11)?,
    })
}

/// The one SELECT of both tables: the workspace's connections, by `filter` and `order`.
fn select<K: Table, P: rusqlite::Params>(
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
    let rows = st.query_and_then(params, row::<K>)?;
    rows.collect()
}

fn named<K: Table>(tx: &Tx, ws: i64, name: &str, env: Option<Env>) -> Result<Vec<Connection<K>>> {
    select(
        tx,
        "t.name = ?2 AND (?3 IS NULL OR t.env = ?3)",
        "t.env DESC",
        params![ws, name, env.map(|e| e.as_str())],
    )
}

fn all<K: Table>(tx: &Tx, ws: i64, env: Option<Env>) -> Result<Vec<Connection<K>>> {
    select(
        tx,
        "(?2 IS NULL OR t.env = ?2)",
        K::LIST_ORDER,
        params![ws, env.map(|e| e.as_str())],
    )
}

/// Those of one workspace whose names may start with `prefix`, in the list order: a range
/// of the (workspace, env, name) key in each environment.
fn from<K: Table>(tx: &Tx, ws: i64, prefix: &str) -> Result<Vec<Connection<K>>> {
    let (args, bounded) = super::names::range_params(&[ws], prefix);
    let upper = if bounded { " AND t.name < ?3" } else { "" };
    select(
        tx,
        &format!("t.env IN ('prod', 'dev') AND t.name >= ?2{upper}"),
        K::LIST_ORDER,
        rusqlite::params_from_iter(args),
    )
}

fn insert<K: Table>(tx: &Tx, ws: i64, c: &Connection<K>) -> Result<i64> {
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
        c.kind.written(),
        c.pk
    ])?;
    Ok(tx.conn.last_insert_rowid())
}

fn save<K: Table>(tx: &Tx, c: &Connection<K>) -> Result<()> {
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
        c.kind.written()
    ])?;
    Ok(())
}

fn id_taken<K: Table>(tx: &Tx, id: i64) -> Result<bool> {
    let mut st = tx
        .conn
        .prepare_cached(&format!("SELECT 1 FROM {} WHERE pk = ?1", K::TABLE))?;
    Ok(st.exists([id])?)
}

fn delete<K: Table>(tx: &Tx, pk: i64) -> Result<()> {
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
}
