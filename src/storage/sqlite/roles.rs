//! Custom workspace roles (issue 16).

use rusqlite::params;

use super::Tx;
use crate::domain::store::RoleStore;
use crate::model::error::Result;
use crate::model::roles::CustomRole;
use crate::storage::rows::{custom_role_row, CUSTOM_ROLE_COLS};

impl RoleStore for Tx<'_> {
    fn custom_roles(&self, workspace_id: i64) -> Result<Vec<CustomRole>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {CUSTOM_ROLE_COLS} FROM custom_role r JOIN workspace w ON w.id = r.workspace_id \
             WHERE r.workspace_id = ?1 ORDER BY r.id"
        ))?;
        let rows = st.query_and_then([workspace_id], |r| custom_role_row(r))?;
        rows.collect()
    }

    fn insert_custom_role(&self, workspace_id: i64, r: &CustomRole) -> Result<i64> {
        let mut st = self.conn.prepare_cached(
            "INSERT INTO custom_role (id, workspace_id, name, description, rights, capabilities, \
             created_at, created_by, updated_at) \
             VALUES (NULLIF(?1, 0), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        st.execute(params![
            r.id,
            workspace_id,
            r.name,
            r.description,
            r.rights.join(","),
            r.capabilities.join(","),
            r.created_at.to_string(),
            r.created_by,
            r.updated_at.to_string(),
        ])?;
        Ok(self.conn.last_insert_rowid())
    }

    fn custom_role_id_taken(&self, id: i64) -> Result<bool> {
        let mut st = self
            .conn
            .prepare_cached("SELECT 1 FROM custom_role WHERE id = ?1")?;
        Ok(st.exists([id])?)
    }

    fn save_custom_role(&self, r: &CustomRole) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "UPDATE custom_role SET description = ?2, rights = ?3, capabilities = ?4, \
             updated_at = ?5 WHERE id = ?1",
        )?;
        st.execute(params![
            r.id,
            r.description,
            r.rights.join(","),
            r.capabilities.join(","),
            r.updated_at.to_string(),
        ])?;
        Ok(())
    }

    fn delete_custom_role(&self, id: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM custom_role WHERE id = ?1", [id])?;
        Ok(())
    }
}
