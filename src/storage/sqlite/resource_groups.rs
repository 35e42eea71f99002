//! Resource groups and their bindings to workspaces.

use rusqlite::params;

use super::stored::first;
use super::Tx;
use crate::domain::store::GroupStore;
use crate::model::clock::Timestamp;
use crate::model::error::Result;
use crate::model::resource_group::ResourceGroup;
use crate::storage::rows::{binding_group, bound_name, group_row, GROUP_COLS as COLS};

impl GroupStore for Tx<'_> {
    fn resource_group(&self, name_or_id: &str) -> Result<Option<ResourceGroup>> {
        let Some(mut g) = self.resource_group_unbound(name_or_id)? else {
            return Ok(None);
        };
        self.fill_group(&mut g)?;
        Ok(Some(g))
    }

    fn resource_group_unbound(&self, name_or_id: &str) -> Result<Option<ResourceGroup>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM resource_group WHERE name = ?1 OR id = ?1"
        ))?;
        first(&mut st, [name_or_id], |r| group_row(r))
    }

    fn resource_group_named(&self, name: &str) -> Result<Option<ResourceGroup>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM resource_group WHERE name = ?1"
        ))?;
        first(&mut st, [name], |r| group_row(r))
    }

    fn resource_groups(&self) -> Result<Vec<ResourceGroup>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM resource_group ORDER BY name COLLATE NOCASE"
        ))?;
        let mut list: Vec<ResourceGroup> = st
            .query_and_then([], |r| group_row(r))?
            .collect::<Result<_>>()?;
        let mut st = self.conn.prepare_cached(
            "SELECT b.group_pk, w.name FROM binding b JOIN workspace w ON w.id = b.workspace_id ORDER BY w.name COLLATE NOCASE",
        )?;
        let index: std::collections::HashMap<i64, usize> =
            list.iter().enumerate().map(|(i, g)| (g.pk, i)).collect();
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let pk = binding_group(r, 0)?;
            if let Some(&i) = index.get(&pk) {
                list[i].workspaces.push(bound_name(r, 1)?);
            }
        }
        Ok(list)
    }

    fn resource_groups_from(&self, prefix: &str) -> Result<Vec<ResourceGroup>> {
        let (args, bounded) = super::names::range_params(&[], prefix);
        let upper = if bounded { " AND name < ?2" } else { "" };
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM resource_group WHERE name >= ?1{upper} ORDER BY name COLLATE NOCASE"
        ))?;
        let rows = st.query_and_then(rusqlite::params_from_iter(args), |r| group_row(r))?;
        rows.collect()
    }

    fn resource_group_id_taken(&self, id: &str) -> Result<bool> {
        let mut st = self
            .conn
            .prepare_cached("SELECT 1 FROM resource_group WHERE id = ?1")?;
        Ok(st.exists([id])?)
    }

    fn insert_resource_group(&self, g: &ResourceGroup) -> Result<i64> {
        let mut st = self.conn.prepare_cached(
            "INSERT INTO resource_group (id, name, type, spec, payment, duration, duration_unit, vpc, vswitch, remark, status, created_at, created_by) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?;
        st.execute(params![
            g.id,
            g.name,
            g.group_type.as_str(),
            g.spec,
            g.payment.as_str(),
            g.duration,
            g.duration_unit,
            g.vpc,
            g.vswitch,
            g.remark,
            g.status,
            g.created_at.to_string(),
            g.created_by
        ])?;
        Ok(self.conn.last_insert_rowid())
    }

    fn save_resource_group(&self, g: &ResourceGroup) -> Result<()> {
        self.conn.execute(
            "UPDATE resource_group SET name = ?2, spec = ?3, remark = ?4 WHERE pk = ?1",
            params![g.pk, g.name, g.spec, g.remark],
        )?;
        Ok(())
    }

    fn delete_resource_group(&self, pk: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM resource_group WHERE pk = ?1", [pk])?;
        Ok(())
    }

    fn insert_binding(
        &self,
        group_pk: i64,
        workspace_id: i64,
        at: Timestamp,
        by: &str,
    ) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "INSERT INTO binding (group_pk, workspace_id, bound_at, bound_by) VALUES (?1, ?2, ?3, ?4)",
        )?;
        st.execute(params![group_pk, workspace_id, at.to_string(), by])?;
        Ok(())
    }

    fn delete_binding(&self, group_pk: i64, workspace_id: i64) -> Result<()> {
        self.conn.execute(
            "DELETE FROM binding WHERE group_pk = ?1 AND workspace_id = ?2",
            [group_pk, workspace_id],
        )?;
        Ok(())
    }
}

impl Tx<'_> {
    fn fill_group(&self, g: &mut ResourceGroup) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "SELECT w.name FROM binding b JOIN workspace w ON w.id = b.workspace_id WHERE b.group_pk = ?1 ORDER BY w.name COLLATE NOCASE",
        )?;
        g.workspaces = st
            .query_and_then([g.pk], |r| bound_name(r, 0))?
            .collect::<Result<_>>()?;
        Ok(())
    }
}
