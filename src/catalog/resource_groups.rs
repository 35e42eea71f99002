//! Resource groups and their bindings to workspaces.

use rusqlite::{params, OptionalExtension, Row};

use super::Tx;
use crate::domain::clock::Timestamp;
use crate::domain::error::Result;
use crate::domain::resource_group::{GroupType, Payment, ResourceGroup};

const COLS: &str = "pk, id, name, type, spec, payment, duration, duration_unit, vpc, vswitch, remark, status, created_at, created_by";

fn group_row(r: &Row) -> rusqlite::Result<ResourceGroup> {
    Ok(ResourceGroup {
        pk: r.get(0)?,
        id: r.get(1)?,
        name: r.get(2)?,
        group_type: GroupType::from_stored(&r.get::<_, String>(3)?),
        spec: r.get(4)?,
        payment: Payment::from_stored(&r.get::<_, String>(5)?),
        duration: r.get(6)?,
        duration_unit: r.get(7)?,
        vpc: r.get(8)?,
        vswitch: r.get(9)?,
        remark: r.get(10)?,
        status: r.get(11)?,
        workspaces: Vec::new(),
        created_at: Timestamp::from_stored(&r.get::<_, String>(12)?),
        created_by: r.get(13)?,
    })
}

impl Tx<'_> {
    fn fill_group(&self, g: &mut ResourceGroup) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "SELECT w.name FROM binding b JOIN workspace w ON w.id = b.workspace_id WHERE b.group_pk = ?1 ORDER BY w.name COLLATE NOCASE",
        )?;
        g.workspaces = st
            .query_map([g.pk], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(())
    }

    /// A group by name or id, case-insensitively.
    pub fn resource_group(&self, name_or_id: &str) -> Result<Option<ResourceGroup>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM resource_group WHERE name = ?1 OR id = ?1"
        ))?;
        let Some(mut g) = st.query_row([name_or_id], group_row).optional()? else {
            return Ok(None);
        };
        self.fill_group(&mut g)?;
        Ok(Some(g))
    }

    pub fn resource_groups(&self) -> Result<Vec<ResourceGroup>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {COLS} FROM resource_group ORDER BY name COLLATE NOCASE"
        ))?;
        let mut list: Vec<ResourceGroup> = st
            .query_map([], group_row)?
            .collect::<rusqlite::Result<_>>()?;
        let mut st = self.conn.prepare_cached(
            "SELECT b.group_pk, w.name FROM binding b JOIN workspace w ON w.id = b.workspace_id ORDER BY w.name COLLATE NOCASE",
        )?;
        let index: std::collections::HashMap<i64, usize> =
            list.iter().enumerate().map(|(i, g)| (g.pk, i)).collect();
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
                list[i].workspaces.push(r.get(1)?);
            }
        }
        Ok(list)
    }

    pub fn resource_group_id_taken(&self, id: &str) -> Result<bool> {
        let mut st = self
            .conn
            .prepare_cached("SELECT 1 FROM resource_group WHERE id = ?1")?;
        Ok(st.exists([id])?)
    }

    pub fn insert_resource_group(&self, g: &ResourceGroup) -> Result<i64> {
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

    pub fn save_resource_group(&self, g: &ResourceGroup) -> Result<()> {
        self.conn.execute(
            "UPDATE resource_group SET name = ?2, spec = ?3, remark = ?4 WHERE pk = ?1",
            params![g.pk, g.name, g.spec, g.remark],
        )?;
        Ok(())
    }

    pub fn delete_resource_group(&self, pk: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM resource_group WHERE pk = ?1", [pk])?;
        Ok(())
    }

    pub fn insert_binding(
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

    pub fn delete_binding(&self, group_pk: i64, workspace_id: i64) -> Result<()> {
        self.conn.execute(
            "DELETE FROM binding WHERE group_pk = ?1 AND workspace_id = ?2",
            [group_pk, workspace_id],
        )?;
        Ok(())
    }
}
