//! Resource groups and their bindings to workspaces. Names and ids compare as SQLite's
//! NOCASE columns do (`lower(..)`, each with its unique index), and sort by `lower(name)`.

use super::principals::prefix_range;
use super::stored::Cells;
use super::Tx;
use crate::domain::store::GroupStore;
use crate::model::clock::Timestamp;
use crate::model::error::Result;
use crate::model::resource_group::ResourceGroup;
use crate::storage::rows::{binding_group, bound_name, group_row, GROUP_COLS as COLS};

impl GroupStore for Tx<'_> {
    fn resource_group(&self, name_or_id: &str) -> Result<Option<ResourceGroup>> {
        if let Some(g) = self.cached_group(name_or_id) {
            return Ok(g);
        }
        let g = match self.resource_group_unbound(name_or_id)? {
            None => None,
            Some(mut g) => {
                self.fill_group(&mut g)?;
                Some(g)
            }
        };
        self.cache_group(name_or_id, &g);
        Ok(g)
    }

    fn resource_group_unbound(&self, name_or_id: &str) -> Result<Option<ResourceGroup>> {
        self.query_opt(&format!(
                "SELECT {COLS} FROM resource_group WHERE lower(name) = lower($1) OR lower(id) = lower($1)"
            ),
            &[&name_or_id],
        )?
        .map(|r| group_row(&r))
        .transpose()
    }

    fn resource_group_named(&self, name: &str) -> Result<Option<ResourceGroup>> {
        self.query_opt(
            &format!("SELECT {COLS} FROM resource_group WHERE lower(name) = lower($1)"),
            &[&name],
        )?
        .map(|r| group_row(&r))
        .transpose()
    }

    fn resource_groups(&self) -> Result<Vec<ResourceGroup>> {
        let mut list: Vec<ResourceGroup> = self
            .query(
                &format!("SELECT {COLS} FROM resource_group ORDER BY lower(name)"),
                &[],
            )?
            .iter()
            .map(group_row)
            .collect::<Result<_>>()?;
        let index: std::collections::HashMap<i64, usize> =
            list.iter().enumerate().map(|(i, g)| (g.pk, i)).collect();
        self.for_each_row("SELECT b.group_pk, w.name FROM binding b JOIN workspace w ON w.id = b.workspace_id ORDER BY lower(w.name)",
            &[],
            &mut |r| {
                if let Some(&i) = index.get(&binding_group(r, 0)?) {
                    list[i].workspaces.push(bound_name(r, 1)?);
                }
                Ok(())
            },
        )?;
        Ok(list)
    }

    fn resource_groups_from(&self, prefix: &str) -> Result<Vec<ResourceGroup>> {
        let (low, high) = prefix_range(prefix);
        let rows = match &high {
            Some(high) => self.query(&format!(
                    "SELECT {COLS} FROM resource_group WHERE lower(name) >= $1 AND lower(name) < $2 ORDER BY lower(name)"
                ),
                &[&low, high],
            )?,
            None => self.query(&format!(
                    "SELECT {COLS} FROM resource_group WHERE lower(name) >= $1 ORDER BY lower(name)"
                ),
                &[&low],
            )?,
        };
        rows.iter().map(group_row).collect()
    }

    fn resource_group_id_taken(&self, id: &str) -> Result<bool> {
        Ok(self
            .query_opt(
                "SELECT 1 FROM resource_group WHERE lower(id) = lower($1)",
                &[&id],
            )?
            .is_some())
    }

    /// Keys are max + 1 under the catalog's write lock, as SQLite's rowids.
    fn insert_resource_group(&self, g: &ResourceGroup) -> Result<i64> {
        let (gtype, payment, at) = (
            g.group_type.as_str(),
            g.payment.as_str(),
            g.created_at.to_string(),
        );
        let row = self.query_one("INSERT INTO resource_group (pk, id, name, type, spec, payment, duration, duration_unit, vpc, vswitch, remark, status, created_at, created_by) \
             VALUES ((SELECT COALESCE(max(pk), 0) + 1 FROM resource_group), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING pk",
            &[
                &g.id,
                &g.name,
                &gtype,
                &g.spec,
                &payment,
                &g.duration,
                &g.duration_unit,
                &g.vpc,
                &g.vswitch,
                &g.remark,
                &g.status.as_str(),
                &at,
                &g.created_by,
            ],
        )?;
        Cells::new(&row, "resource_group", &[(0, "pk")]).int(0)
    }

    fn save_resource_group(&self, g: &ResourceGroup) -> Result<()> {
        self.execute(
            "UPDATE resource_group SET name = $2, spec = $3, remark = $4 WHERE pk = $1",
            &[&g.pk, &g.name, &g.spec, &g.remark],
        )?;
        Ok(())
    }

    fn delete_resource_group(&self, pk: i64) -> Result<()> {
        self.execute("DELETE FROM resource_group WHERE pk = $1", &[&pk])?;
        Ok(())
    }

    fn insert_binding(
        &self,
        group_pk: i64,
        workspace_id: i64,
        at: Timestamp,
        by: &str,
    ) -> Result<()> {
        self.bulk_insert(super::pending::Row::Binding {
            group_pk,
            workspace_id,
            at: at.to_string(),
            by: by.to_string(),
        })
    }

    fn delete_binding(&self, group_pk: i64, workspace_id: i64) -> Result<()> {
        self.execute(
            "DELETE FROM binding WHERE group_pk = $1 AND workspace_id = $2",
            &[&group_pk, &workspace_id],
        )?;
        Ok(())
    }
}

impl Tx<'_> {
    fn fill_group(&self, g: &mut ResourceGroup) -> Result<()> {
        g.workspaces = self
            .query("SELECT w.name FROM binding b JOIN workspace w ON w.id = b.workspace_id WHERE b.group_pk = $1 ORDER BY lower(w.name)",
                &[&g.pk],
            )?
            .iter()
            .map(|r| bound_name(r, 0))
            .collect::<Result<_>>()?;
        Ok(())
    }
}
