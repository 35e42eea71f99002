//! Compute resources and data sources.

use rusqlite::{params, Row};

use super::stored::Cells;
use super::Tx;
use crate::domain::store::ResourceStore;
use crate::model::error::Result;
use crate::model::resources::ProbeState;
use crate::model::resources::{Compute, DataSource, LastTest};
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

const COMPUTE_COLS: &str =
    "c.pk, w.name, c.name, c.env, c.type, c.mode, c.properties, c.description, c.is_default, \
    c.created_at, c.created_by, c.updated_at, c.updated_by";

fn compute_row(r: &Row) -> Result<Compute> {
    let c = Cells::new(r, "compute", &[(1, "workspace"), (2, "name"), (3, "env")]);
    let type_key = c.parsed(4, "a compute resource type", |s| type_key(s, true))?;
    Ok(Compute {
        pk: c.int(0)?,
        workspace: WorkspaceName::from_stored(c.text(1)?),
        name: c.parsed(2, "a compute resource name", |s| {
            ObjectName::parse(s, "compute resource")
                .ok()
                .map(|n| n.to_string())
        })?,
        env: c.parsed(3, Env::stored_what(), Env::from_stored)?,
        mode: mode_of(&c, &type_key)?,
        type_key,
        properties: Some(c.json(6, PROPS_WHAT)?),
        description: c.text(7)?,
        is_default: c.bool(8)?,
        created_at: c.ts(9)?,
        created_by: c.text(10)?,
        updated_at: c.ts(11)?,
        updated_by: c.text(12)?,
    })
}

const DS_COLS: &str = "d.pk, w.name, d.name, d.env, d.type, d.mode, d.properties, d.description, d.origin, \
    d.test_state, d.test_at, d.test_latency_ms, d.test_message, d.created_at, d.created_by, d.updated_at, d.updated_by";

fn probe_state(s: &str) -> Option<ProbeState> {
    ProbeState::ALL.into_iter().find(|p| p.as_str() == s)
}

fn origin(s: &str) -> Option<String> {
    let ok = s == "manual"
        || s.strip_prefix("compute:")
            .is_some_and(|n| ObjectName::parse(n, "compute resource").is_ok());
    ok.then(|| s.to_string())
}

fn datasource_row(r: &Row) -> Result<DataSource> {
    let c = Cells::new(
        r,
        "datasource",
        &[(1, "workspace"), (2, "name"), (3, "env")],
    );
    let type_key = c.parsed(4, "a data source type", |s| type_key(s, false))?;
    let state = c.opt_parsed(
        9,
        "a connectivity state (connectable, unreachable, config_error, unsupported)",
        probe_state,
    )?;
    let last_test = match state {
        Some(state) => Some(LastTest {
            state,
            at: c.ts(10)?,
            latency_ms: c.opt_int_in(11, 0..=i64::MAX)?.map(|v| v as u64),
            message: c.opt_text(12)?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(DataSource {
        pk: c.int(0)?,
        workspace: WorkspaceName::from_stored(c.text(1)?),
        name: c.parsed(2, "a data source name", |s| {
            ObjectName::parse(s, "data source")
                .ok()
                .map(|n| n.to_string())
        })?,
        env: c.parsed(3, Env::stored_what(), Env::from_stored)?,
        mode: mode_of(&c, &type_key)?,
        type_key,
        properties: Some(c.json(6, PROPS_WHAT)?),
        description: c.text(7)?,
        origin: c.parsed(8, "manual or compute:NAME", origin)?,
        last_test,
        created_at: c.ts(13)?,
        created_by: c.text(14)?,
        updated_at: c.ts(15)?,
        updated_by: c.text(16)?,
    })
}

/// Compute resources or data sources (`select` names the table as `alias`) of one
/// workspace whose names may start with a prefix, in `order`: a range of the (workspace,
/// env, name) key in each environment.
fn objects_from<T>(
    tx: &Tx<'_>,
    (select, alias, order): (&str, &str, &str),
    (ws, prefix): (i64, &str),
    row: impl FnMut(&Row) -> Result<T>,
) -> Result<Vec<T>> {
    let (args, bounded) = super::names::range_params(&[ws], prefix);
    let a = alias;
    let upper = if bounded {
        format!(" AND {a}.name < ?3")
    } else {
        String::new()
    };
    let mut st = tx.conn.prepare_cached(&format!(
        "{select} JOIN workspace w ON w.id = {a}.workspace_id \
         WHERE {a}.workspace_id = ?1 AND {a}.env IN ('prod', 'dev') AND {a}.name >= ?2{upper} \
         ORDER BY {order}"
    ))?;
    let rows = st.query_and_then(rusqlite::params_from_iter(args), row)?;
    rows.collect()
}

impl ResourceStore for Tx<'_> {
    fn computes_named(&self, ws: i64, name: &str, env: Option<Env>) -> Result<Vec<Compute>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {COMPUTE_COLS} FROM compute c JOIN workspace w ON w.id = c.workspace_id \
             WHERE c.workspace_id = ?1 AND c.name = ?2 AND (?3 IS NULL OR c.env = ?3) ORDER BY c.env DESC"
        ))?;
        let rows = st.query_and_then(params![ws, name, env.map(|e| e.as_str())], compute_row)?;
        rows.collect()
    }

    fn computes(&self, ws: i64, env: Option<Env>) -> Result<Vec<Compute>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {COMPUTE_COLS} FROM compute c JOIN workspace w ON w.id = c.workspace_id \
             WHERE c.workspace_id = ?1 AND (?2 IS NULL OR c.env = ?2) ORDER BY c.created_at, c.pk"
        ))?;
        let rows = st.query_and_then(params![ws, env.map(|e| e.as_str())], compute_row)?;
        rows.collect()
    }

    fn computes_from(&self, ws: i64, prefix: &str) -> Result<Vec<Compute>> {
        objects_from(
            self,
            (
                &format!("SELECT {COMPUTE_COLS} FROM compute c"),
                "c",
                "c.created_at, c.pk",
            ),
            (ws, prefix),
            compute_row,
        )
    }

    fn has_compute_of_type(&self, ws: i64, env: Env, type_key: &str) -> Result<bool> {
        let mut st = self.conn.prepare_cached(
            "SELECT 1 FROM compute WHERE workspace_id = ?1 AND env = ?2 AND type = ?3",
        )?;
        Ok(st.exists(params![ws, env.as_str(), type_key])?)
    }

    fn insert_compute(&self, ws: i64, c: &Compute) -> Result<i64> {
        let mut st = self.conn.prepare_cached(
            "INSERT INTO compute (workspace_id, env, name, type, mode, properties, description, is_default, \
             created_at, created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        st.execute(params![
            ws,
            c.env.as_str(),
            c.name,
            c.type_key,
            c.mode.as_str(),
            props_text(&c.properties),
            c.description,
            c.is_default,
            c.created_at.to_string(),
            c.created_by,
            c.updated_at.to_string(),
            c.updated_by
        ])?;
        Ok(self.conn.last_insert_rowid())
    }

    fn save_compute(&self, c: &Compute) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "UPDATE compute SET properties = ?2, description = ?3, is_default = ?4, updated_at = ?5, updated_by = ?6 WHERE pk = ?1",
        )?;
        st.execute(params![
            c.pk,
            props_text(&c.properties),
            c.description,
            c.is_default,
            c.updated_at.to_string(),
            c.updated_by
        ])?;
        Ok(())
    }

    fn delete_compute(&self, pk: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM compute WHERE pk = ?1", [pk])?;
        Ok(())
    }

    fn datasources_named(&self, ws: i64, name: &str, env: Option<Env>) -> Result<Vec<DataSource>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {DS_COLS} FROM datasource d JOIN workspace w ON w.id = d.workspace_id \
             WHERE d.workspace_id = ?1 AND d.name = ?2 AND (?3 IS NULL OR d.env = ?3) ORDER BY d.env DESC"
        ))?;
        let rows = st.query_and_then(params![ws, name, env.map(|e| e.as_str())], datasource_row)?;
        rows.collect()
    }

    fn datasources(&self, ws: i64, env: Option<Env>) -> Result<Vec<DataSource>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {DS_COLS} FROM datasource d JOIN workspace w ON w.id = d.workspace_id \
             WHERE d.workspace_id = ?1 AND (?2 IS NULL OR d.env = ?2) ORDER BY d.name COLLATE NOCASE, d.env DESC"
        ))?;
        let rows = st.query_and_then(params![ws, env.map(|e| e.as_str())], datasource_row)?;
        rows.collect()
    }

    fn datasources_from(&self, ws: i64, prefix: &str) -> Result<Vec<DataSource>> {
        objects_from(
            self,
            (
                &format!("SELECT {DS_COLS} FROM datasource d"),
                "d",
                "d.name COLLATE NOCASE, d.env DESC",
            ),
            (ws, prefix),
            datasource_row,
        )
    }

    fn insert_datasource(&self, ws: i64, d: &DataSource) -> Result<i64> {
        let mut st = self.conn.prepare_cached(
            "INSERT INTO datasource (workspace_id, env, name, type, mode, properties, description, origin, \
             created_at, created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        st.execute(params![
            ws,
            d.env.as_str(),
            d.name,
            d.type_key,
            d.mode.as_str(),
            props_text(&d.properties),
            d.description,
            d.origin,
            d.created_at.to_string(),
            d.created_by,
            d.updated_at.to_string(),
            d.updated_by
        ])?;
        Ok(self.conn.last_insert_rowid())
    }

    fn save_datasource(&self, d: &DataSource) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "UPDATE datasource SET properties = ?2, description = ?3, origin = ?4, updated_at = ?5, updated_by = ?6 WHERE pk = ?1",
        )?;
        st.execute(params![
            d.pk,
            props_text(&d.properties),
            d.description,
            d.origin,
            d.updated_at.to_string(),
            d.updated_by
        ])?;
        Ok(())
    }

    fn delete_datasource(&self, pk: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM datasource WHERE pk = ?1", [pk])?;
        Ok(())
    }

    fn save_test(&self, pk: i64, t: &LastTest) -> Result<()> {
        self.conn.execute(
            "UPDATE datasource SET test_state = ?2, test_at = ?3, test_latency_ms = ?4, test_message = ?5 WHERE pk = ?1",
            params![pk, t.state.as_str(), t.at.to_string(), t.latency_ms.map(|v| v as i64), t.message],
        )?;
        Ok(())
    }
}
