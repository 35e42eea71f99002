//! Workspaces, their tags, members and resource-group bindings, as `sqlite::workspaces`
//! reads and writes them (same results, same orders).

use postgres::types::ToSql;
use postgres::Row;
use std::collections::{BTreeMap, HashMap};

use super::principals::prefix_range;
use super::stored::Cells;
use super::Tx;
use crate::domain::store::{WorkspaceFilter, WorkspaceStore};
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

const WS_FROM: &str =
    "FROM workspace w LEFT JOIN resource_group rg ON rg.pk = w.default_resource_group";

/// The column after [`WS_COLS`] in `workspace()`'s query.
const PART: usize = 18;

/// A workspace with its tags and bound groups, in one query: `{WS_WHOLE_FROM} (a query of
/// [`WS_COLS`]) {WS_WHOLE_JOIN}`. The workspace's columns come on every row, then (part 1)
/// a tag's key and value or (part 2) a bound group's name, groups in the order
/// `fill_workspace` reads them; [`whole_workspace`] reads them back.
const WS_WHOLE_FROM: &str = "SELECT w.*, x.part, x.k, x.v FROM";
const WS_WHOLE_JOIN: &str = "w LEFT JOIN LATERAL ( \
       SELECT 1 AS part, key AS k, value AS v FROM workspace_tag WHERE workspace_id = w.id \
       UNION ALL \
       SELECT 2, g.name, NULL FROM binding b JOIN resource_group g ON g.pk = b.group_pk \
       WHERE b.workspace_id = w.id \
     ) x ON true ORDER BY x.part, lower(x.k)";

/// The workspace of a [`WS_WHOLE_FROM`] query's rows, if any.
fn whole_workspace(rows: &[Row]) -> Result<Option<Workspace>> {
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let mut w = workspace_row(first)?;
    for r in rows {
        match Cells::new(r, "workspace", &[(0, "id")]).opt_int(PART)? {
            Some(1) => {
                let c = Cells::new(
                    r,
                    "workspace_tag",
                    &[(0, "workspace_id"), (PART + 1, "key")],
                );
                w.tags.insert(c.text(PART + 1)?, c.text(PART + 2)?);
            }
            Some(_) => w
                .resource_groups
                .push(Cells::new(r, "resource_group", &[(PART + 1, "name")]).text(PART + 1)?),
            None => {}
        }
    }
    Ok(Some(w))
}

fn workspace_row(r: &Row) -> Result<Workspace> {
    let c = Cells::new(r, "workspace", &[(0, "id"), (1, "name")]);
    let status = c.parsed(5, Status::stored_what(), Status::from_stored)?;
    let deleted_at = c.opt_ts(15)?;
    let deleted_by = c.opt_text(16)?;
    let status_before_delete = c.opt_parsed(17, Status::stored_what(), Status::from_stored)?;
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

fn member_row(r: &Row) -> Result<Member> {
    let c = Cells::new(r, "member", &[(7, "workspace_id"), (8, "principal_pk")]);
    let p = Cells::new(r, "principal", &[(8, "pk"), (1, "name")]);
    let ms = rows::membership(&c, 4, 9)?;
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

fn tag_row(r: &Row) -> Result<(i64, String, String)> {
    let c = Cells::new(r, "workspace_tag", &[(0, "workspace_id"), (1, "key")]);
    Ok((c.int(0)?, c.text(1)?, c.text(2)?))
}

const MEMBER_COLS: &str =
    "w.name, p.name, p.id, p.kind, m.roles, m.added_at, m.added_by, m.workspace_id, m.principal_pk, m.status, m.expires_at";

const MEMBER_SELECT: &str = "SELECT w.name, p.name, p.id, p.kind, m.roles, m.added_at, m.added_by, m.workspace_id, m.principal_pk, m.status, m.expires_at \
    FROM member m JOIN principal p ON p.pk = m.principal_pk JOIN workspace w ON w.id = m.workspace_id";

/// Members: the account first, then by name as SQLite's NOCASE sorts it.
const MEMBER_ORDER: &str = "ORDER BY p.kind <> 'account', lower(p.name)";

impl WorkspaceStore for Tx<'_> {
    fn workspace(&self, name: &str) -> Result<Option<Workspace>> {
        if let Some(w) = self.cached_workspace(name) {
            return Ok(w);
        }
        if self.workspace_absent(name)? {
            self.cache_workspace(name, &None);
            return Ok(None);
        }
        let rows = self.query(
            &format!("{WS_WHOLE_FROM} (SELECT {WS_COLS} {WS_FROM} WHERE lower(w.name) = lower($1)) {WS_WHOLE_JOIN}"),
            &[&name],
        )?;
        let w = whole_workspace(&rows)?;
        self.cache_workspace(name, &w);
        Ok(w)
    }

    fn workspace_name_by_id(&self, id: i64) -> Result<Option<String>> {
        self.query_opt("SELECT name FROM workspace WHERE id = $1", &[&id])?
            .map(|r| Cells::new(&r, "workspace", &[(0, "name")]).text(0))
            .transpose()
    }

    fn workspaces(&self, f: &WorkspaceFilter) -> Result<Vec<Workspace>> {
        let mut cond: Vec<String> = Vec::new();
        let mut args: Vec<Box<dyn ToSql + Sync>> = Vec::new();
        let mut arg = |cond: &mut Vec<String>, sql: &str, v: Box<dyn ToSql + Sync>| {
            args.push(v);
            cond.push(sql.replace('?', &format!("${}", args.len())));
        };
        if !f.include_deleted {
            cond.push("w.status <> 'deleted'".into());
        }
        if let Some(st) = f.status {
            arg(&mut cond, "w.status = ?", Box::new(st.as_str().to_string()));
        }
        if let Some(m) = f.mode {
            arg(&mut cond, "w.mode = ?", Box::new(m.as_str().to_string()));
        }
        for (k, v) in &f.tags {
            let mut both = Vec::new();
            arg(&mut both, "?", Box::new(k.clone()));
            arg(&mut both, "?", Box::new(v.clone()));
            cond.push(format!(
                "w.id IN (SELECT workspace_id FROM workspace_tag WHERE key = {} AND value = {})",
                both[0], both[1]
            ));
        }
        if let Some(p) = &f.name_prefix {
            let (low, high) = prefix_range(p);
            arg(&mut cond, "lower(w.name) >= ?", Box::new(low));
            if let Some(high) = high {
                arg(&mut cond, "lower(w.name) < ?", Box::new(high));
            }
        }
        let filter = if cond.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", cond.join(" AND "))
        };
        let params: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a.as_ref()).collect();
        let rows = self.query(
            &format!("SELECT {WS_COLS} {WS_FROM}{filter} ORDER BY w.id"),
            &params,
        )?;
        let mut list: Vec<Workspace> = rows.iter().map(workspace_row).collect::<Result<_>>()?;
        if f.tags.is_empty() && f.name_prefix.is_none() {
            self.fill_all(&mut list)?;
        } else {
            for w in &mut list {
                self.fill_workspace(w)?;
            }
        }
        Ok(list)
    }

    fn insert_workspace(&self, w: &Workspace) -> Result<i64> {
        // Ids are never reused, even after purge (SQLite's AUTOINCREMENT): the counter
        // in dwctl_meta, kept past every id in the table.
        let keys: Vec<&str> = w.tags.keys().map(String::as_str).collect();
        let values: Vec<&str> = w.tags.values().map(String::as_str).collect();
        let r = self.query_one(
            // A declared id ($14, checked free by the domain) moves the counter past it.
            // The new row comes back as `workspace()` reads it, kept for the reads that
            // follow (a new workspace has no bound group); its tags are written by the
            // same statement.
            &format!(
            "WITH n AS (UPDATE dwctl_meta SET value = GREATEST(value, \
               (SELECT COALESCE(max(id), 0) FROM workspace), $14) + CASE WHEN $14 = 0 THEN 1 ELSE 0 END \
               WHERE key = 'workspace_seq' RETURNING value), \
             i AS (INSERT INTO workspace (id, name, display_name, description, mode, status, owner, is_default, \
             dev_role_disabled, pai_tasks_enabled, sod_policy, created_at, created_by, updated_at) \
             SELECT CASE WHEN $14 = 0 THEN n.value ELSE $14 END, \
             $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13 FROM n RETURNING *), \
             t AS (INSERT INTO workspace_tag (workspace_id, key, value) \
               SELECT i.id, k, v FROM i, unnest($15::text[], $16::text[]) AS t(k, v)) \
             SELECT {WS_COLS} {}",
                WS_FROM.replacen("FROM workspace w", "FROM i w", 1)
            ),
            &[
                &w.name.as_str(),
                &w.display_name,
                &w.description,
                &w.mode.as_str(),
                &w.status.as_str(),
                &w.owner,
                &w.is_default,
                &w.dev_role_disabled,
                &w.pai_tasks_enabled,
                &w.sod_policy.as_str(),
                &w.created_at.to_string(),
                &w.created_by,
                &w.updated_at.to_string(),
                &w.id,
                &keys,
                &values,
            ],
        )?;
        let mut read = workspace_row(&r)?;
        let id = read.id;
        self.note_fresh_workspace(id);
        self.note_workspace_name(w.name.as_str());
        read.tags = w.tags.clone();
        self.cache_workspace(w.name.as_str(), &Some(read));
        Ok(id)
    }

    fn save_workspace(&self, w: &Workspace) -> Result<()> {
        // The tags are written again only when they differ from those read (apply saves a
        // workspace after each change to it, its tags mostly unchanged).
        let same_tags = matches!(
            self.cached_workspace(w.name.as_str()),
            Some(Some(read)) if read.id == w.id && read.tags == w.tags
        );
        // The row comes back as `workspace()` reads it (its default group's name as
        // stored), kept for the reads that follow with the tags written below; its bound
        // groups as read before (kept up to date with each binding added: bulk.rs), or
        // read with it.
        let groups = match self.cached_workspace(w.name.as_str()) {
            Some(Some(read)) if read.id == w.id => Some(read.resource_groups),
            _ => None,
        };
        let update = "WITH u AS (UPDATE workspace SET display_name = $2, description = $3, mode = $4, status = $5, \
             status_before_delete = $6, dev_role_disabled = $7, pai_tasks_enabled = $8, sod_policy = $9, \
             default_resource_group = (SELECT pk FROM resource_group WHERE lower(name) = lower($10)), \
             updated_at = $11, deleted_at = $12, deleted_by = $13 WHERE id = $1 RETURNING *)";
        let from_u = WS_FROM.replacen("FROM workspace w", "FROM u w", 1);
        let rows = self.query(
            &match groups {
                Some(_) => format!("{update} SELECT {WS_COLS} {from_u}"),
                None => {
                    format!("{update} {WS_WHOLE_FROM} (SELECT {WS_COLS} {from_u}) {WS_WHOLE_JOIN}")
                }
            },
            &[
                &w.id,
                &w.display_name,
                &w.description,
                &w.mode.as_str(),
                &w.status.as_str(),
                &w.status_before_delete.map(|s| s.as_str()),
                &w.dev_role_disabled,
                &w.pai_tasks_enabled,
                &w.sod_policy.as_str(),
                &w.default_resource_group,
                &w.updated_at.to_string(),
                &w.deleted_at.map(|t| t.to_string()),
                &w.deleted_by,
            ],
        )?;
        let read = match groups {
            Some(groups) => rows
                .first()
                .map(|r| {
                    let mut read = workspace_row(r)?;
                    read.resource_groups = groups;
                    Ok::<_, crate::model::error::Error>(read)
                })
                .transpose()?,
            None => whole_workspace(&rows)?,
        };
        if !same_tags {
            self.execute(
                "DELETE FROM workspace_tag WHERE workspace_id = $1",
                &[&w.id],
            )?;
            self.save_tags(w.id, &w.tags)?;
        }
        if let Some(mut read) = read {
            read.tags = w.tags.clone();
            self.cache_workspace(w.name.as_str(), &Some(read));
        }
        Ok(())
    }

    fn purge_workspace(&self, id: i64) -> Result<()> {
        self.execute("DELETE FROM workspace WHERE id = $1", &[&id])?;
        Ok(())
    }

    fn unbind_all(&self, workspace_id: i64) -> Result<usize> {
        Ok(self.execute(
            "DELETE FROM binding WHERE workspace_id = $1",
            &[&workspace_id],
        )? as usize)
    }

    fn membership(&self, workspace_id: i64, principal_pk: i64) -> Result<Option<Membership>> {
        // As `member`: known absent, or read without sending the other buffered members.
        if self.member_absent(workspace_id, principal_pk) {
            return Ok(None);
        }
        if let Some(m) = self.cached_membership(workspace_id, principal_pk) {
            return Ok(m);
        }
        let sql = format!(
            "SELECT {MEMBERSHIP_COLS} FROM member WHERE workspace_id = $1 AND principal_pk = $2"
        );
        let params: [&(dyn ToSql + Sync); 2] = [&workspace_id, &principal_pk];
        let r = if self.member_pending(workspace_id, principal_pk) {
            self.query_opt(&sql, &params)?
        } else {
            self.query_opt_unbuffered(&sql, &params)?
        };
        let m = r
            .map(|r| rows::membership_by_ids(&r, 0, workspace_id, principal_pk))
            .transpose()?;
        self.cache_membership(workspace_id, principal_pk, &m);
        Ok(m)
    }

    fn memberships_everywhere(&self, principal_pk: i64) -> Result<HashMap<i64, Membership>> {
        let rows = self.query(
            &format!("SELECT workspace_id, {MEMBERSHIP_COLS} FROM member WHERE principal_pk = $1"),
            &[&principal_pk],
        )?;
        rows.iter()
            .map(|r| {
                let ws = Cells::new(r, "member", &[(0, "workspace_id")]).int(0)?;
                Ok((ws, rows::membership_by_ids(r, 1, ws, principal_pk)?))
            })
            .collect()
    }

    fn member(&self, workspace_id: i64, principal_pk: i64) -> Result<Option<Member>> {
        if self.member_absent(workspace_id, principal_pk) {
            return Ok(None);
        }
        // Only this member's buffered row could change the answer (apply adds thousands
        // of members, each looked up first: the others stay buffered).
        let sql = format!("{MEMBER_SELECT} WHERE m.workspace_id = $1 AND m.principal_pk = $2");
        let params: [&(dyn ToSql + Sync); 2] = [&workspace_id, &principal_pk];
        let row = if self.member_pending(workspace_id, principal_pk) {
            self.query_opt(&sql, &params)?
        } else {
            self.query_opt_unbuffered(&sql, &params)?
        };
        row.map(|r| member_row(&r)).transpose()
    }

    fn members(&self, workspace_id: i64) -> Result<Vec<Member>> {
        let rows = self.query(
            &format!("{MEMBER_SELECT} WHERE m.workspace_id = $1 {MEMBER_ORDER}"),
            &[&workspace_id],
        )?;
        rows.iter().map(member_row).collect()
    }

    fn memberships(&self, workspace_id: i64) -> Result<Vec<(i64, Membership)>> {
        if let Some(list) = self.fresh_memberships(workspace_id) {
            return Ok(list);
        }
        // Only this workspace's buffered members could change the answer: apply reads a
        // workspace's memberships before adding its members, with the previous
        // workspace's still buffered.
        let sql =
            format!("SELECT principal_pk, {MEMBERSHIP_COLS} FROM member WHERE workspace_id = $1");
        let rows = if self.members_pending_in(workspace_id) {
            self.query(&sql, &[&workspace_id])?
        } else {
            self.run_query(&sql, &[&workspace_id])?
        };
        rows.iter()
            .map(|r| {
                let pk = Cells::new(r, "member", &[(0, "principal_pk")]).int(0)?;
                Ok((pk, rows::membership_by_ids(r, 1, workspace_id, pk)?))
            })
            .collect()
    }

    fn for_each_member(
        &self,
        workspace_id: i64,
        f: &mut dyn FnMut(Member) -> Result<()>,
    ) -> Result<()> {
        self.for_each_row(
            &format!("{MEMBER_SELECT} WHERE m.workspace_id = $1 {MEMBER_ORDER}"),
            &[&workspace_id],
            &mut |r| f(member_row(r)?),
        )
    }

    fn members_from(&self, workspace_id: i64, prefix: &str) -> Result<Vec<Member>> {
        let (low, high) = prefix_range(prefix);
        let from = format!(
            "SELECT {MEMBER_COLS} FROM principal p JOIN member m ON m.principal_pk = p.pk AND m.workspace_id = $1 \
             JOIN workspace w ON w.id = m.workspace_id WHERE lower(p.name) >= $2"
        );
        let rows = match &high {
            Some(high) => self.query(
                &format!("{from} AND lower(p.name) < $3 {MEMBER_ORDER}"),
                &[&workspace_id, &low, high],
            )?,
            None => self.query(&format!("{from} {MEMBER_ORDER}"), &[&workspace_id, &low])?,
        };
        rows.iter().map(member_row).collect()
    }

    fn memberships_of(&self, principal_pk: i64) -> Result<Vec<String>> {
        let rows = self.query(
            "SELECT w.name FROM member m JOIN workspace w ON w.id = m.workspace_id \
             WHERE m.principal_pk = $1 ORDER BY lower(w.name)",
            &[&principal_pk],
        )?;
        rows.iter()
            .map(|r| Cells::new(r, "workspace", &[(0, "name")]).text(0))
            .collect()
    }

    fn insert_member(
        &self,
        workspace_id: i64,
        principal_pk: i64,
        m: &Membership,
        at: Timestamp,
        by: &str,
    ) -> Result<()> {
        // Appended by the next COPY (bulk.rs); its membership is known from now on (the
        // actor's is checked for every object apply adds to the workspace).
        self.bulk_insert(super::pending::Row::Member {
            workspace_id,
            principal_pk,
            roles: m.roles.to_stored(),
            at: at.to_string(),
            by: by.to_string(),
            status: m.status.as_str(),
            expires_at: m.expires_at.map(|t| t.to_string()),
        })?;
        self.cache_membership(workspace_id, principal_pk, &Some(m.clone()));
        self.note_membership(workspace_id, principal_pk, m);
        Ok(())
    }

    fn set_member_access(
        &self,
        workspace_id: i64,
        principal_pk: i64,
        status: MemberStatus,
        expires_at: Option<Timestamp>,
    ) -> Result<()> {
        self.execute(
            "UPDATE member SET status = $3, expires_at = $4 WHERE workspace_id = $1 AND principal_pk = $2",
            &[
                &workspace_id,
                &principal_pk,
                &status.as_str(),
                &expires_at.map(|t| t.to_string()),
            ],
        )?;
        Ok(())
    }

    fn set_member_roles(&self, workspace_id: i64, principal_pk: i64, roles: RoleSet) -> Result<()> {
        self.execute(
            "UPDATE member SET roles = $3 WHERE workspace_id = $1 AND principal_pk = $2",
            &[&workspace_id, &principal_pk, &roles.to_stored()],
        )?;
        Ok(())
    }

    fn delete_member(&self, workspace_id: i64, principal_pk: i64) -> Result<()> {
        self.execute(
            "DELETE FROM member WHERE workspace_id = $1 AND principal_pk = $2",
            &[&workspace_id, &principal_pk],
        )?;
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
        let rows = self.query(
            "SELECT workspace_id, key, value FROM workspace_tag WHERE workspace_id = $1",
            &[&w.id],
        )?;
        w.tags = rows
            .iter()
            .map(|r| tag_row(r).map(|(_, k, v)| (k, v)))
            .collect::<Result<_>>()?;
        let rows = self.query(
            "SELECT g.name FROM binding b JOIN resource_group g ON g.pk = b.group_pk \
             WHERE b.workspace_id = $1 ORDER BY lower(g.name)",
            &[&w.id],
        )?;
        w.resource_groups = rows
            .iter()
            .map(|r| Cells::new(r, "resource_group", &[(0, "name")]).text(0))
            .collect::<Result<_>>()?;
        Ok(())
    }

    /// Tags and bindings of every workspace listed, in two queries, not two per workspace.
    fn fill_all(&self, list: &mut [Workspace]) -> Result<()> {
        let index: HashMap<i64, usize> = list.iter().enumerate().map(|(i, w)| (w.id, i)).collect();
        self.for_each_row(
            "SELECT workspace_id, key, value FROM workspace_tag",
            &[],
            &mut |r| {
                let (id, k, v) = tag_row(r)?;
                if let Some(&i) = index.get(&id) {
                    list[i].tags.insert(k, v);
                }
                Ok(())
            },
        )?;
        self.for_each_row(
            "SELECT b.workspace_id, g.name FROM binding b JOIN resource_group g ON g.pk = b.group_pk ORDER BY lower(g.name)",
            &[],
            &mut |r| {
                let c = Cells::new(r, "binding", &[(0, "workspace_id"), (1, "group")]);
                if let Some(&i) = index.get(&c.int(0)?) {
                    list[i].resource_groups.push(c.text(1)?);
                }
                Ok(())
            },
        )
    }

    fn save_tags(&self, id: i64, tags: &BTreeMap<String, String>) -> Result<()> {
        if tags.is_empty() {
            return Ok(());
        }
        let keys: Vec<&str> = tags.keys().map(String::as_str).collect();
        let values: Vec<&str> = tags.values().map(String::as_str).collect();
        self.execute(
            "INSERT INTO workspace_tag (workspace_id, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS t(k, v)",
            &[&id, &keys, &values],
        )?;
        Ok(())
    }
}
