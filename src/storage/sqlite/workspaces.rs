//! Workspaces, their tags, members and resource-group bindings.

use rusqlite::types::Value;
use rusqlite::{params, Row};
use std::collections::{BTreeMap, HashMap};

use super::stored::{first, Cells};
use super::Tx;
use crate::domain::store::WorkspaceFilter;
use crate::domain::store::WorkspaceStore;
use crate::model::clock::Timestamp;
use crate::model::error::Result;
use crate::model::roles::RoleSet;
use crate::model::{
    Member, MemberStatus, Membership, Mode, PrincipalKind, PrincipalName, SodPolicy, Status,
    Workspace, WorkspaceName, RETENTION_DAYS,
};
use crate::storage::rows::{self, MEMBERSHIP_COLS};

const WS_COLS: &str = "w.id, w.name, w.display_name, w.description, w.mode, w.status, w.owner, \
    w.is_default, w.dev_role_disabled, w.pai_tasks_enabled, w.sod_policy, rg.name, w.created_at, \
    w.created_by, w.updated_at, w.deleted_at, w.deleted_by, w.status_before_delete";

fn workspace_row(r: &Row) -> Result<Workspace> {
    let c = Cells::new(r, "workspace", &[(0, "id"), (1, "name")]);
    let status = c.parsed(5, Status::stored_what(), Status::from_stored)?;
    let deleted_at = c.opt_ts(15)?;
    let deleted_by = c.opt_text(16)?;
    let status_before_delete = c.opt_parsed(17, Status::stored_what(), Status::from_stored)?;
    // A deleted workspace has all three (and was not deleted before); any other has none.
    let deleted = status == Status::Deleted;
    if deleted_at.is_some() != deleted {
        return Err(c.bad(15, deletion_mismatch(deleted)));
    }
    if deleted_by.is_some() != deleted {
        return Err(c.bad(16, deletion_mismatch(deleted)));
    }
    if status_before_delete.is_some() != deleted || status_before_delete == Some(Status::Deleted) {
        return Err(c.bad(17, deletion_mismatch(deleted)));
    }
    let retention_until = match deleted_at {
        Some(t) => Some(t.plus_days(RETENTION_DAYS).ok_or_else(|| {
            c.bad(
                15,
                "its retention would end after 9999-12-31T23:59:59.999Z, which dwctl never writes",
            )
        })?),
        None => None,
    };
    Ok(Workspace {
        id: c.int(0)?,
        name: c.parsed(1, "a workspace name", |s| WorkspaceName::parse(s).ok())?,
        display_name: c.text(2)?,
        description: c.text(3)?,
        mode: c.parsed(4, Mode::stored_what(), Mode::from_stored)?,
        status,
        owner: c.text(6)?,
        is_default: c.bool(7)?,
        dev_role_disabled: c.bool(8)?,
        pai_tasks_enabled: c.bool(9)?,
        sod_policy: c.parsed(10, SodPolicy::stored_what(), SodPolicy::from_stored)?,
        default_resource_group: c.opt_text(11)?,
        resource_groups: Vec::new(),
        tags: BTreeMap::new(),
        created_at: c.ts(12)?,
        created_by: c.text(13)?,
        updated_at: c.ts(14)?,
        deleted_at,
        deleted_by,
        retention_until,
        status_before_delete,
    })
}

fn deletion_mismatch(deleted: bool) -> &'static str {
    if deleted {
        "it is missing (or 'deleted') on a workspace in the recycle bin, where dwctl always writes it"
    } else {
        "it is set on a workspace that is not in the recycle bin, where dwctl writes NULL"
    }
}

/// Members are named by ids in messages: the same key whichever query read the row.
fn member_row(r: &Row) -> Result<Member> {
    let c = Cells::new(r, "member", &[(7, "workspace_id"), (8, "principal_pk")]);
    let ms = rows::membership(&c, 4, 9)?;
    // The principal's columns are the principal table's.
    let p = Cells::new(r, "principal", &[(8, "pk"), (1, "name")]);
    Ok(Member {
        workspace: WorkspaceName::from_stored(c.text(0)?),
        user: p.parsed(1, "a principal name", |s| PrincipalName::parse(s).ok())?,
        user_id: p.text(2)?,
        kind: p.parsed(3, PrincipalKind::stored_what(), PrincipalKind::from_stored)?,
        roles: ms.roles,
        status: ms.status,
        expires_at: ms.expires_at,
        added_at: c.ts(5)?,
        added_by: c.text(6)?,
    })
}

fn tag_row(r: &Row, id: usize, key: usize) -> Result<(i64, String, String)> {
    let keys = [(id, "workspace_id"), (key, "key")];
    let c = Cells::new(r, "workspace_tag", &keys);
    Ok((c.int(id)?, c.text(key)?, c.text(key + 1)?))
}

const MEMBER_SELECT: &str = "SELECT w.name, p.name, p.id, p.kind, m.roles, m.added_at, m.added_by, m.workspace_id, m.principal_pk, m.status, m.expires_at \
    FROM member m JOIN principal p ON p.pk = m.principal_pk JOIN workspace w ON w.id = m.workspace_id";

impl WorkspaceStore for Tx<'_> {
    fn workspace(&self, name: &str) -> Result<Option<Workspace>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {WS_COLS} FROM workspace w LEFT JOIN resource_group rg ON rg.pk = w.default_resource_group WHERE w.name = ?1"
        ))?;
        let Some(mut w) = first(&mut st, [name], workspace_row)? else {
            return Ok(None);
        };
        self.fill_workspace(&mut w)?;
        Ok(Some(w))
    }

    fn workspace_name_by_id(&self, id: i64) -> Result<Option<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT name FROM workspace WHERE id = ?1")?;
        first(&mut st, [id], |r| {
            Cells::new(r, "workspace", &[(0, "name")]).text(0)
        })
    }

    fn workspaces(&self, f: &WorkspaceFilter) -> Result<Vec<Workspace>> {
        // The filters actually given, bound: each tag through `workspace_tag_by_value`, a
        // name prefix through the name's index, so that a narrow list reads what it lists.
        let mut cond: Vec<&str> = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        if !f.include_deleted {
            cond.push("w.status <> 'deleted'");
        }
        if let Some(st) = f.status {
            cond.push("w.status = ?");
            args.push(Value::Text(st.as_str().into()));
        }
        if let Some(m) = f.mode {
            cond.push("w.mode = ?");
            args.push(Value::Text(m.as_str().into()));
        }
        for (k, v) in &f.tags {
            cond.push(
                "w.id IN (SELECT workspace_id FROM workspace_tag WHERE key = ? AND value = ?)",
            );
            args.push(Value::Text(k.clone()));
            args.push(Value::Text(v.clone()));
        }
        if let Some(p) = &f.name_prefix {
            let (low, high) = super::names::nocase_range(p);
            cond.push("w.name >= ?");
            args.push(Value::Text(low));
            if let Some(high) = high {
                cond.push("w.name < ?");
                args.push(Value::Text(high));
            }
        }
        let filter = if cond.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", cond.join(" AND "))
        };
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {WS_COLS} FROM workspace w LEFT JOIN resource_group rg ON rg.pk = w.default_resource_group{filter} \
             ORDER BY w.id"
        ))?;
        let mut list: Vec<Workspace> = st
            .query_and_then(rusqlite::params_from_iter(args), workspace_row)?
            .collect::<Result<_>>()?;
        if f.tags.is_empty() && f.name_prefix.is_none() {
            self.fill_all(&mut list)?;
        } else {
            // A narrow list: each workspace's tags and groups by its key.
            for w in &mut list {
                self.fill_workspace(w)?;
            }
        }
        Ok(list)
    }

    fn insert_workspace(&self, w: &Workspace) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO workspace (name, display_name, description, mode, status, owner, is_default, \
             dev_role_disabled, pai_tasks_enabled, sod_policy, created_at, created_by, updated_at, id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, NULLIF(?14, 0))",
            params![
                w.name.as_str(),
                w.display_name,
                w.description,
                w.mode.as_str(),
                w.status.as_str(),
                w.owner,
                w.is_default,
                w.dev_role_disabled,
                w.pai_tasks_enabled,
                w.sod_policy.as_str(),
                w.created_at.to_string(),
                w.created_by,
                w.updated_at.to_string(),
                w.id
            ],
        )?;
        let id = self.conn.last_insert_rowid();
        self.save_tags(id, &w.tags)?;
        Ok(id)
    }

    fn save_workspace(&self, w: &Workspace) -> Result<()> {
        self.conn.execute(
            "UPDATE workspace SET display_name = ?2, description = ?3, mode = ?4, status = ?5, \
             status_before_delete = ?6, dev_role_disabled = ?7, pai_tasks_enabled = ?8, sod_policy = ?9, \
             default_resource_group = (SELECT pk FROM resource_group WHERE name = ?10), \
             updated_at = ?11, deleted_at = ?12, deleted_by = ?13 WHERE id = ?1",
            params![
                w.id,
                w.display_name,
                w.description,
                w.mode.as_str(),
                w.status.as_str(),
                w.status_before_delete.map(|s| s.as_str()),
                w.dev_role_disabled,
                w.pai_tasks_enabled,
                w.sod_policy.as_str(),
                w.default_resource_group,
                w.updated_at.to_string(),
                w.deleted_at.map(|t| t.to_string()),
                w.deleted_by
            ],
        )?;
        self.conn
            .execute("DELETE FROM workspace_tag WHERE workspace_id = ?1", [w.id])?;
        self.save_tags(w.id, &w.tags)
    }

    fn purge_workspace(&self, id: i64) -> Result<()> {
        self.conn
            .execute("DELETE FROM workspace WHERE id = ?1", [id])?;
        Ok(())
    }

    fn unbind_all(&self, workspace_id: i64) -> Result<usize> {
        Ok(self.conn.execute(
            "DELETE FROM binding WHERE workspace_id = ?1",
            [workspace_id],
        )?)
    }

    fn membership(&self, workspace_id: i64, principal_pk: i64) -> Result<Option<Membership>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {MEMBERSHIP_COLS} FROM member WHERE workspace_id = ?1 AND principal_pk = ?2"
        ))?;
        first(&mut st, [workspace_id, principal_pk], |r| {
            rows::membership_by_ids(r, 0, workspace_id, principal_pk)
        })
    }

    fn memberships_everywhere(&self, principal_pk: i64) -> Result<HashMap<i64, Membership>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT workspace_id, {MEMBERSHIP_COLS} FROM member WHERE principal_pk = ?1"
        ))?;
        let rows = st.query_and_then([principal_pk], |r| {
            let ws = Cells::new(r, "member", &[(0, "workspace_id")]).int(0)?;
            Ok((ws, rows::membership_by_ids(r, 1, ws, principal_pk)?))
        })?;
        rows.collect()
    }

    fn member(&self, workspace_id: i64, principal_pk: i64) -> Result<Option<Member>> {
        let mut st = self.conn.prepare_cached(&format!(
            "{MEMBER_SELECT} WHERE m.workspace_id = ?1 AND m.principal_pk = ?2"
        ))?;
        first(&mut st, [workspace_id, principal_pk], member_row)
    }

    fn members(&self, workspace_id: i64) -> Result<Vec<Member>> {
        let mut st = self.conn.prepare_cached(&format!(
            "{MEMBER_SELECT} WHERE m.workspace_id = ?1 ORDER BY p.kind <> 'account', p.name COLLATE NOCASE"
        ))?;
        let rows = st.query_and_then([workspace_id], member_row)?;
        rows.collect()
    }

    fn memberships(&self, workspace_id: i64) -> Result<Vec<(i64, Membership)>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT principal_pk, {MEMBERSHIP_COLS} FROM member WHERE workspace_id = ?1"
        ))?;
        let rows = st.query_and_then([workspace_id], |r| {
            let pk = Cells::new(r, "member", &[(0, "principal_pk")]).int(0)?;
            Ok((pk, rows::membership_by_ids(r, 1, workspace_id, pk)?))
        })?;
        rows.collect()
    }

    fn for_each_member(
        &self,
        workspace_id: i64,
        f: &mut dyn FnMut(Member) -> Result<()>,
    ) -> Result<()> {
        let mut st = self.conn.prepare_cached(&format!(
            "{MEMBER_SELECT} WHERE m.workspace_id = ?1 ORDER BY p.kind <> 'account', p.name COLLATE NOCASE"
        ))?;
        let mut rows = st.query([workspace_id])?;
        while let Some(r) = rows.next()? {
            f(member_row(r)?)?;
        }
        Ok(())
    }

    fn members_from(&self, workspace_id: i64, prefix: &str) -> Result<Vec<Member>> {
        let (args, bounded) = super::names::range_params(&[workspace_id], prefix);
        let upper = if bounded { " AND p.name < ?3" } else { "" };
        // CROSS JOIN keeps the principal's name range as the outer loop.
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT w.name, p.name, p.id, p.kind, m.roles, m.added_at, m.added_by, m.workspace_id, m.principal_pk, m.status, m.expires_at \
             FROM principal p CROSS JOIN member m ON m.principal_pk = p.pk AND m.workspace_id = ?1 \
             JOIN workspace w ON w.id = m.workspace_id WHERE p.name >= ?2{upper} \
             ORDER BY p.kind <> 'account', p.name COLLATE NOCASE"
        ))?;
        let rows = st.query_and_then(rusqlite::params_from_iter(args), member_row)?;
        rows.collect()
    }

    /// Names of the workspaces (any status) where the principal is a member.
    fn memberships_of(&self, principal_pk: i64) -> Result<Vec<String>> {
        let mut st = self.conn.prepare_cached(
            "SELECT w.name FROM member m JOIN workspace w ON w.id = m.workspace_id \
             WHERE m.principal_pk = ?1 ORDER BY w.name COLLATE NOCASE",
        )?;
        let rows = st.query_and_then([principal_pk], |r| {
            Cells::new(r, "workspace", &[(0, "name")]).text(0)
        })?;
        rows.collect()
    }

    fn insert_member(
        &self,
        workspace_id: i64,
        principal_pk: i64,
        m: &Membership,
        at: Timestamp,
        by: &str,
    ) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "INSERT INTO member (workspace_id, principal_pk, roles, added_at, added_by, status, expires_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        st.execute(params![
            workspace_id,
            principal_pk,
            m.roles.to_stored(),
            at.to_string(),
            by,
            m.status.as_str(),
            m.expires_at.map(|t| t.to_string()),
        ])?;
        Ok(())
    }

    fn set_member_access(
        &self,
        workspace_id: i64,
        principal_pk: i64,
        status: MemberStatus,
        expires_at: Option<Timestamp>,
    ) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "UPDATE member SET status = ?3, expires_at = ?4 WHERE workspace_id = ?1 AND principal_pk = ?2",
        )?;
        st.execute(params![
            workspace_id,
            principal_pk,
            status.as_str(),
            expires_at.map(|t| t.to_string())
        ])?;
        Ok(())
    }

    fn set_member_roles(&self, workspace_id: i64, principal_pk: i64, roles: RoleSet) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "UPDATE member SET roles = ?3 WHERE workspace_id = ?1 AND principal_pk = ?2",
        )?;
        st.execute(params![workspace_id, principal_pk, roles.to_stored()])?;
        Ok(())
    }

    fn delete_member(&self, workspace_id: i64, principal_pk: i64) -> Result<()> {
        let mut st = self
            .conn
            .prepare_cached("DELETE FROM member WHERE workspace_id = ?1 AND principal_pk = ?2")?;
        st.execute([workspace_id, principal_pk])?;
        Ok(())
    }

    fn members_holding(&self, workspace_id: i64, all_of: RoleSet) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for m in self.members(workspace_id)? {
            if all_of.iter().all(|r| m.roles.contains(r)) {
                out.push(m.user.to_string());
            }
        }
        Ok(out)
    }
}

impl Tx<'_> {
    fn fill_workspace(&self, w: &mut Workspace) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "SELECT workspace_id, key, value FROM workspace_tag WHERE workspace_id = ?1",
        )?;
        w.tags = st
            .query_and_then([w.id], |r| tag_row(r, 0, 1).map(|(_, k, v)| (k, v)))?
            .collect::<Result<_>>()?;
        let mut st = self.conn.prepare_cached(
            "SELECT g.name FROM binding b JOIN resource_group g ON g.pk = b.group_pk \
             WHERE b.workspace_id = ?1 ORDER BY g.name COLLATE NOCASE",
        )?;
        w.resource_groups = st
            .query_and_then([w.id], |r| {
                Cells::new(r, "resource_group", &[(0, "name")]).text(0)
            })?
            .collect::<Result<_>>()?;
        Ok(())
    }

    /// Tags and bindings of every workspace listed, in two queries, not two per workspace.
    fn fill_all(&self, list: &mut [Workspace]) -> Result<()> {
        let index: HashMap<i64, usize> = list.iter().enumerate().map(|(i, w)| (w.id, i)).collect();
        let mut st = self
            .conn
            .prepare_cached("SELECT workspace_id, key, value FROM workspace_tag")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let (id, k, v) = tag_row(r, 0, 1)?;
            if let Some(&i) = index.get(&id) {
                list[i].tags.insert(k, v);
            }
        }
        let mut st = self.conn.prepare_cached(
            "SELECT b.workspace_id, g.name FROM binding b JOIN resource_group g ON g.pk = b.group_pk ORDER BY g.name COLLATE NOCASE",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let c = Cells::new(r, "binding", &[(0, "workspace_id"), (1, "group")]);
            if let Some(&i) = index.get(&c.int(0)?) {
                list[i].resource_groups.push(c.text(1)?);
            }
        }
        Ok(())
    }

    fn save_tags(&self, id: i64, tags: &BTreeMap<String, String>) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "INSERT INTO workspace_tag (workspace_id, key, value) VALUES (?1, ?2, ?3)",
        )?;
        for (k, v) in tags {
            st.execute(params![id, k, v])?;
        }
        Ok(())
    }
}
