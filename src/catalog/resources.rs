//! Compute resources and data sources.

use rusqlite::{params, Row};

use super::Tx;
use crate::domain::clock::Timestamp;
use crate::domain::error::Result;
use crate::domain::model::{Env, WorkspaceName};
use crate::domain::probe::ProbeState;
use crate::domain::resources::{Compute, DataSource, LastTest};
use crate::domain::types::{ConnMode, Properties};

fn props(text: String) -> Properties {
    serde_json::from_str(&text).unwrap_or_default()
}

fn props_text(p: &Option<Properties>) -> String {
    serde_json::to_string(&p.clone().unwrap_or_default()).unwrap_or_else(|_| "{}".into())
}

fn mode(s: String) -> ConnMode {
    ConnMode::parse(&s).unwrap_or_else(|_| panic!("catalog holds an unknown mode {s:?}"))
}

const COMPUTE_COLS: &str =
    "c.pk, w.name, c.name, c.env, c.type, c.mode, c.properties, c.description, c.is_default, \
    c.created_at, c.created_by, c.updated_at, c.updated_by";

fn compute_row(r: &Row) -> rusqlite::Result<Compute> {
    Ok(Compute {
        pk: r.get(0)?,
        workspace: WorkspaceName::from_stored(r.get(1)?),
        name: r.get(2)?,
        env: Env::from_stored(&r.get::<_, String>(3)?),
        type_key: r.get(4)?,
        mode: mode(r.get(5)?),
        properties: Some(props(r.get(6)?)),
        description: r.get(7)?,
        is_default: r.get(8)?,
        created_at: Timestamp::from_stored(&r.get::<_, String>(9)?),
        created_by: r.get(10)?,
        updated_at: Timestamp::from_stored(&r.get::<_, String>(11)?),
        updated_by: r.get(12)?,
    })
}

const DS_COLS: &str = "d.pk, w.name, d.name, d.env, d.type, d.mode, d.properties, d.description, d.origin, \
    d.test_state, d.test_at, d.test_latency_ms, d.test_message, d.created_at, d.created_by, d.updated_at, d.updated_by";

fn datasource_row(r: &Row) -> rusqlite::Result<DataSource> {
    let state: Option<String> = r.get(9)?;
    let last_test = match state {
        Some(st) => Some(LastTest {
            state: ProbeState::parse(&st).unwrap_or(ProbeState::ConfigError),
            at: Timestamp::from_stored(&r.get::<_, String>(10)?),
            latency_ms: r.get::<_, Option<i64>>(11)?.map(|v| v as u64),
            message: r.get::<_, Option<String>>(12)?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(DataSource {
        pk: r.get(0)?,
        workspace: WorkspaceName::from_stored(r.get(1)?),
        name: r.get(2)?,
        env: Env::from_stored(&r.get::<_, String>(3)?),
        type_key: r.get(4)?,
        mode: mode(r.get(5)?),
        properties: Some(props(r.get(6)?)),
        description: r.get(7)?,
        origin: r.get(8)?,
        last_test,
        created_at: Timestamp::from_stored(&r.get::<_, String>(13)?),
        created_by: r.get(14)?,
        updated_at: Timestamp::from_stored(&r.get::<_, String>(15)?),
        updated_by: r.get(16)?,
    })
}

impl Tx<'_> {
    /// Compute resources of a workspace named `name` (case-insensitively), in one or both envs.
    pub fn computes_named(&self, ws: i64, name: &str, env: Option<Env>) -> Result<Vec<Compute>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {COMPUTE_COLS} FROM compute c JOIN workspace w ON w.id = c.workspace_id \
             WHERE c.workspace_id = ?1 AND c.name = ?2 AND (?3 IS NULL OR c.env = ?3) ORDER BY c.env DESC"
        ))?;
        let rows = st.query_map(params![ws, name, env.map(|e| e.as_str())], compute_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Compute resources of a workspace, oldest first (creation order decides ties).
    pub fn computes(&self, ws: i64, env: Option<Env>) -> Result<Vec<Compute>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {COMPUTE_COLS} FROM compute c JOIN workspace w ON w.id = c.workspace_id \
             WHERE c.workspace_id = ?1 AND (?2 IS NULL OR c.env = ?2) ORDER BY c.created_at, c.pk"
        ))?;
        let rows = st.query_map(params![ws, env.map(|e| e.as_str())], compute_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn has_compute_of_type(&self, ws: i64, env: Env, type_key: &str) -> Result<bool> {
        let mut st = self.conn.prepare_cached(
            "SELECT 1 FROM compute WHERE workspace_id = ?1 AND env = ?2 AND type = ?3",
        )?;
        Ok(st.exists(params![ws, env.as_str(), type_key])?)
    }

    pub fn insert_compute(&self, ws: i64, c: &Compute) -> Result<i64> {
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

    pub fn save_compute(&self, c: &Compute) -> Result<()> {
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

    pub fn delete_compute(&self, pk: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM compute WHERE pk = ?1", [pk])?;
        Ok(())
    }

    pub fn datasources_named(
        &self,
        ws: i64,
        name: &str,
        env: Option<Env>,
    ) -> Result<Vec<DataSource>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {DS_COLS} FROM datasource d JOIN workspace w ON w.id = d.workspace_id \
             WHERE d.workspace_id = ?1 AND d.name = ?2 AND (?3 IS NULL OR d.env = ?3) ORDER BY d.env DESC"
        ))?;
        let rows = st.query_map(params![ws, name, env.map(|e| e.as_str())], datasource_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Data sources of a workspace, by name then env (prod first).
    pub fn datasources(&self, ws: i64, env: Option<Env>) -> Result<Vec<DataSource>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {DS_COLS} FROM datasource d JOIN workspace w ON w.id = d.workspace_id \
             WHERE d.workspace_id = ?1 AND (?2 IS NULL OR d.env = ?2) ORDER BY d.name COLLATE NOCASE, d.env DESC"
        ))?;
        let rows = st.query_map(params![ws, env.map(|e| e.as_str())], datasource_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn insert_datasource(&self, ws: i64, d: &DataSource) -> Result<i64> {
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

    pub fn save_datasource(&self, d: &DataSource) -> Result<()> {
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

    pub fn delete_datasource(&self, pk: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM datasource WHERE pk = ?1", [pk])?;
        Ok(())
    }

    pub fn save_test(&self, pk: i64, t: &LastTest) -> Result<()> {
        self.conn.execute(
            "UPDATE datasource SET test_state = ?2, test_at = ?3, test_latency_ms = ?4, test_message = ?5 WHERE pk = ?1",
            params![pk, t.state.as_str(), t.at.to_string(), t.latency_ms.map(|v| v as i64), t.message],
        )?;
        Ok(())
    }
}
