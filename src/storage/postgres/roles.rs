//! Custom workspace roles, as `sqlite::roles` reads and writes them.

use super::Tx;
use crate::domain::store::RoleStore;
use crate::model::error::Result;
use crate::model::roles::CustomRole;
use crate::storage::rows::{custom_role_row, CUSTOM_ROLE_COLS};

impl RoleStore for Tx<'_> {
    fn custom_roles(&self, workspace_id: i64) -> Result<Vec<CustomRole>> {
        let rows = self.query(
            &format!(
                "SELECT {CUSTOM_ROLE_COLS} FROM custom_role r JOIN workspace w ON w.id = r.workspace_id \
                 WHERE r.workspace_id = $1 ORDER BY r.id"
            ),
            &[&workspace_id],
        )?;
        rows.iter().map(custom_role_row).collect()
    }

    fn insert_custom_role(&self, workspace_id: i64, r: &CustomRole) -> Result<i64> {
        // Ids are never reused: the counter in dwctl_meta; a declared id ($1, checked
        // free by the domain) moves the counter past it.
        let row = self.query_one(
            "WITH n AS (UPDATE dwctl_meta SET value = GREATEST(value, \
               (SELECT COALESCE(max(id), 0) FROM custom_role), $1) + CASE WHEN $1 = 0 THEN 1 ELSE 0 END \
               WHERE key = 'custom_role_seq' RETURNING value) \
             INSERT INTO custom_role (id, workspace_id, name, description, rights, capabilities, \
             created_at, created_by, updated_at) \
             SELECT CASE WHEN $1 = 0 THEN n.value ELSE $1 END, $2, $3, $4, $5, $6, $7, $8, $9 \
             FROM n RETURNING id",
            &[
                &r.id,
                &workspace_id,
                &r.name,
                &r.description,
                &r.rights.join(","),
                &r.capabilities.join(","),
                &r.created_at.to_string(),
                &r.created_by,
                &r.updated_at.to_string(),
            ],
        )?;
        super::stored::Cells::new(&row, "custom_role", &[(0, "id")]).int(0)
    }

    fn custom_role_id_taken(&self, id: i64) -> Result<bool> {
        Ok(self
            .query_opt("SELECT 1 FROM custom_role WHERE id = $1", &[&id])?
            .is_some())
    }

    fn save_custom_role(&self, r: &CustomRole) -> Result<()> {
        self.execute(
            "UPDATE custom_role SET description = $2, rights = $3, capabilities = $4, \
             updated_at = $5 WHERE id = $1",
            &[
                &r.id,
                &r.description,
                &r.rights.join(","),
                &r.capabilities.join(","),
                &r.updated_at.to_string(),
            ],
        )?;
        Ok(())
    }

    fn delete_custom_role(&self, id: i64) -> Result<()> {
        self.execute("DELETE FROM custom_role WHERE id = $1", &[&id])?;
        Ok(())
    }
}
