//! Batched writes: what makes a large `apply` a few hundred round trips instead of a few
//! hundred thousand (issue 13, P8).
//!
//! The rows a change only ever appends (audit events, members, bindings) are not sent one
//! INSERT at a time: the transaction buffers them, encoded in COPY's text format, and
//! sends each table's buffer as one `COPY ... FROM STDIN`. Correctness first: a table's
//! buffer is flushed before any statement that reads or writes that table (every helper
//! of `Tx` names the tables it touches, or flushes all), before a savepoint, and before
//! commit; a rollback to the savepoint drops what was buffered after it. The domain
//! decides everything as before; only when the rows travel changes.

use std::collections::HashSet;

use postgres::types::ToSql;

use super::pending::*;
use super::Tx;
use crate::model::error::Result;
use crate::model::resource_group::ResourceGroup;
use crate::model::Membership;
use crate::model::{Principal, Tenant, Workspace};
use crate::storage::rows::details_text;

impl Tx<'_> {
    /// Buffer `row` for its table's next COPY.
    pub(super) fn bulk_insert(&self, row: Row) -> Result<()> {
        let full = {
            let mut p = self.pending.borrow_mut();
            let i = match row {
                Row::Audit(e) => {
                    let (seq, at) = (e.seq.to_string(), e.at.to_string());
                    let details = details_text(e);
                    line(
                        &mut p.data[AUDIT],
                        &[
                            Some(&seq),
                            Some(&at),
                            Some(&e.actor),
                            Some(&e.actor_id),
                            Some(&e.action),
                            e.workspace.as_deref(),
                            e.target.as_deref(),
                            Some(&e.outcome),
                            Some(&details),
                            Some(&e.hash),
                        ],
                    );
                    AUDIT
                }
                Row::Principal(pr) => {
                    let pk = pr.pk.to_string();
                    let at = pr.created_at.to_string();
                    let full = if pr.full_access { "t" } else { "f" };
                    line(
                        &mut p.data[PRINCIPAL],
                        &[
                            Some(&pk),
                            Some(&pr.id),
                            Some(pr.name.as_str()),
                            Some(pr.kind.as_str()),
                            pr.display_name.as_deref(),
                            Some(full),
                            Some(&at),
                            pr.db_role.as_deref(),
                        ],
                    );
                    p.known.principals.add(pr.name.as_str(), Some(&pr.id));
                    PRINCIPAL
                }
                Row::Member {
                    workspace_id,
                    principal_pk,
                    roles,
                    at,
                    by,
                    status,
                    expires_at,
                } => {
                    let (w, pk) = (workspace_id.to_string(), principal_pk.to_string());
                    line(
                        &mut p.data[MEMBER],
                        &[
                            Some(&w),
                            Some(&pk),
                            Some(&roles),
                            Some(&at),
                            Some(&by),
                            Some(status),
                            expires_at.as_deref(),
                        ],
                    );
                    p.members.insert((workspace_id, principal_pk));
                    p.member_workspaces.insert(workspace_id);
                    p.known.roles.remove(&(workspace_id, principal_pk));
                    p.known.members.insert((workspace_id, principal_pk));
                    MEMBER
                }
                Row::Binding {
                    group_pk,
                    workspace_id,
                    at,
                    by,
                } => {
                    p.known.bound(group_pk, workspace_id);
                    let (g, w) = (group_pk.to_string(), workspace_id.to_string());
                    line(
                        &mut p.data[BINDING],
                        &[Some(&g), Some(&w), Some(&at), Some(&by)],
                    );
                    BINDING
                }
                Row::Connection(i, fields) => {
                    let fields: Vec<Option<&str>> = fields.iter().map(Option::as_deref).collect();
                    line(&mut p.data[i], &fields);
                    i
                }
            };
            (p.data[i].len() >= FLUSH_AT).then_some(TABLES[i].0)
        };
        match full {
            Some(table) => self.flush(Some(&[table]), false),
            None => Ok(()),
        }
    }

    /// Send what must reach the server before a statement on `tables` (`None`: any
    /// table), writing or not: see [`Tx::take_ahead`].
    fn flush(&self, tables: Option<&[&str]>, write: bool) -> Result<()> {
        let ahead = self.take_ahead(tables, write)?;
        if ahead.is_empty() {
            return Ok(());
        }
        self.send(&ahead)
    }

    /// What must reach the server before a statement on `tables` (`None`: any table),
    /// as simple-protocol SQL for the caller to send (with its own statement, when it is
    /// one): the savepoint commands not sent yet (when the statement writes, or rows go
    /// ahead of it), then the buffered rows of `tables` and of the tables they may refer
    /// to. A table's rows go as one INSERT when they are few, else as one COPY sent here
    /// (after what precedes them).
    fn take_ahead(&self, tables: Option<&[&str]>, write: bool) -> Result<String> {
        let mut sql = if write {
            self.savepoint_sql()
        } else {
            String::new()
        };
        let last = match tables {
            None => Some(TABLES.len() - 1),
            Some(t) => TABLES.iter().rposition(|(name, _)| t.contains(name)),
        };
        let Some(last) = last else {
            return Ok(sql);
        };
        for (i, (_, copy)) in TABLES.iter().enumerate().take(last + 1) {
            let data = {
                let mut p = self.pending.borrow_mut();
                if p.data[i].is_empty() {
                    continue;
                }
                if i == MEMBER {
                    p.members.clear();
                    p.member_workspaces.clear();
                }
                std::mem::take(&mut p.data[i])
            };
            sql.push_str(&self.savepoint_sql());
            if data.len() <= INSERT_UP_TO {
                insert_statement(&mut sql, copy, &data);
            } else {
                if !sql.is_empty() {
                    self.send(&sql)?;
                    sql.clear();
                }
                self.run_copy(copy, &data)?;
            }
            let table = TABLES[i].0;
            if let Some(n) = self.pending.borrow().known.seqs.get(table) {
                // The ids given to these rows are used: the counter moves past them.
                sql.push_str(&format!(
                    "UPDATE dwctl_meta SET value = GREATEST(value, {n}) WHERE key = '{table}_seq'; "
                ));
            }
        }
        Ok(sql)
    }

    /// The key of a new row of `table` (`compute` or `datasource`, whose rows are
    /// buffered): `declared` when not 0 (checked free by the domain), else one past the
    /// counter, as the `TABLE_seq` counter of dwctl_meta gives it (0003); the counter is
    /// read once per transaction and written with the rows.
    pub(super) fn next_connection_pk(&self, table: &'static str, declared: i64) -> Result<i64> {
        let known = self.pending.borrow().known.seqs.get(table).copied();
        let counter = match known {
            Some(n) => n,
            None => {
                let r = self.query_one(
                    &format!(
                        "SELECT GREATEST(value, (SELECT COALESCE(max(pk), 0) FROM {table})) \
                         FROM dwctl_meta WHERE key = '{table}_seq'"
                    ),
                    &[],
                )?;
                super::stored::Cells::new(&r, "dwctl_meta", &[]).int(0)?
            }
        };
        let next = counter.max(declared) + i64::from(declared == 0);
        self.pending.borrow_mut().known.seqs.insert(table, next);
        Ok(if declared == 0 { next } else { declared })
    }

    /// What goes ahead of a simple-protocol batch `sql`, in its round trip.
    pub(super) fn ahead_of_batch(&self, sql: &str) -> Result<String> {
        self.forget_read_ahead(sql);
        self.take_ahead(touched(sql).as_deref(), true)
    }

    /// Forget what the transaction's first batch read, before a statement that writes.
    pub(super) fn forget_read_ahead(&self, sql: &str) {
        if !is_select(sql) {
            *self.read_ahead.borrow_mut() = Default::default();
        }
    }

    /// The tenant, as the first batch read it.
    pub(super) fn tenant_read_ahead(&self) -> Option<Tenant> {
        self.read_ahead.borrow().tenant.clone()
    }

    /// The principal mapped to `login`, as the first batch read it (`Some(None)`: none).
    pub(super) fn by_role_read_ahead(&self, login: &str) -> Option<Option<Principal>> {
        match &self.read_ahead.borrow().by_role {
            Some((l, p)) if l == login => Some(p.clone()),
            _ => None,
        }
    }

    // ---- the savepoint, sent with the next write ----

    /// The savepoint of a change: taken with nothing buffered; sent with the next
    /// statement that writes (a change that only reads, or is refused before writing,
    /// sends none).
    pub(super) fn defer_savepoint(&self) -> Result<()> {
        self.flush(None, true)?;
        let mut d = self.deferred.get();
        d.savepoint = true;
        self.deferred.set(d);
        Ok(())
    }

    /// Whether the savepoint was not sent yet (then nothing was written since it): it
    /// is dropped.
    pub(super) fn savepoint_unsent(&self) -> bool {
        let mut d = self.deferred.get();
        let unsent = d.savepoint;
        d.savepoint = false;
        self.deferred.set(d);
        unsent
    }

    /// Release the savepoint: nothing when it was not sent; else with the next batch
    /// (COMMIT releases it anyway).
    pub(super) fn defer_release(&self) {
        if !self.savepoint_unsent() {
            let mut d = self.deferred.get();
            d.release = true;
            self.deferred.set(d);
        }
    }

    /// The savepoint commands not sent yet, as SQL (taken: the caller sends them).
    pub(super) fn savepoint_sql(&self) -> String {
        let d = self.deferred.take();
        let mut sql = String::new();
        if d.release {
            sql.push_str("RELEASE SAVEPOINT change; ");
        }
        if d.savepoint {
            sql.push_str("SAVEPOINT change; ");
        }
        sql
    }

    /// Forget the buffered rows (a rollback, or a rollback to the savepoint, which was
    /// taken with nothing buffered), and what was known of the rows written.
    pub(super) fn discard_pending(&self) {
        *self.pending.borrow_mut() = Pending::default();
    }

    // ---- what the transaction knows of its own rows ----

    /// The key of a new principal: one past the largest, read once per transaction.
    pub(super) fn next_principal_pk(&self) -> Result<i64> {
        let next = self.pending.borrow().known.next_principal;
        if let Some(pk) = next {
            self.pending.borrow_mut().known.next_principal = Some(pk + 1);
            return Ok(pk);
        }
        let r = self.query_one("SELECT COALESCE(max(pk), 0) + 1 FROM principal", &[])?;
        let pk = super::stored::Cells::new(&r, "principal", &[]).int(0)?;
        self.pending.borrow_mut().known.next_principal = Some(pk + 1);
        Ok(pk)
    }

    /// Whether no principal has the name or id `name_or_id` (`false`: ask the server).
    pub(super) fn principal_absent(&self, name_or_id: &str) -> Result<bool> {
        self.absent(
            |k| &mut k.principals,
            "SELECT name, id FROM principal",
            "principal",
            name_or_id,
        )
    }

    /// Whether no workspace is named `name` (`false`: ask the server).
    pub(super) fn workspace_absent(&self, name: &str) -> Result<bool> {
        self.absent(
            |k| &mut k.workspaces_named,
            "SELECT name FROM workspace",
            "workspace",
            name,
        )
    }

    /// Whether no row of `table` has the name (or id) `key`, from the [`Names`] that
    /// `which` picks: past [`LOAD_NAMES_AFTER`] lookups every row's name (and id, a
    /// second column of `sql`) is read once; before, or for a key that is not ASCII (the
    /// server folds only ASCII letters), the server is asked (`false`).
    fn absent(
        &self,
        which: fn(&mut Known) -> &mut Names,
        sql: &str,
        table: &'static str,
        key: &str,
    ) -> Result<bool> {
        if !key.is_ascii() {
            return Ok(false);
        }
        let load = {
            let mut p = self.pending.borrow_mut();
            let names = which(&mut p.known);
            names.lookups += 1;
            names.loaded.is_none() && names.lookups > LOAD_NAMES_AFTER
        };
        if load {
            let (mut names, mut ids) = (HashSet::new(), HashSet::new());
            self.for_each_row(sql, &[], &mut |r| {
                let c = super::stored::Cells::new(r, table, &[(0, "name")]);
                names.insert(c.text(0)?.to_ascii_lowercase());
                if r.len() > 1 {
                    ids.insert(c.text(1)?);
                }
                Ok(())
            })?;
            which(&mut self.pending.borrow_mut().known).loaded = Some((names, ids));
        }
        let mut p = self.pending.borrow_mut();
        Ok(match &which(&mut p.known).loaded {
            Some((names, ids)) => !names.contains(&key.to_ascii_lowercase()) && !ids.contains(key),
            None => false,
        })
    }

    /// A workspace named `name` was added (its name is known from now on).
    pub(super) fn note_workspace_name(&self, name: &str) {
        self.pending
            .borrow_mut()
            .known
            .workspaces_named
            .add(name, None);
    }

    /// Whether a principal has the id `id`, when every id is known.
    pub(super) fn principal_id_known(&self, id: &str) -> Option<bool> {
        let p = self.pending.borrow();
        p.known
            .principals
            .loaded
            .as_ref()
            .map(|(_, ids)| ids.contains(id))
    }

    /// A workspace created by this transaction: it has no member, compute resource or
    /// data source but those noted from now on.
    pub(super) fn note_fresh_workspace(&self, id: i64) {
        self.pending.borrow_mut().known.fresh.insert(id);
    }

    /// A membership added to a workspace: noted when the workspace is one this
    /// transaction created (its memberships are then those noted).
    pub(super) fn note_membership(&self, workspace_id: i64, principal_pk: i64, m: &Membership) {
        let mut p = self.pending.borrow_mut();
        if p.has_fresh(workspace_id) && !p.known.fresh_memberships_lost {
            p.known
                .fresh_memberships
                .entry(workspace_id)
                .or_default()
                .push((principal_pk, m.clone()));
        }
    }

    /// The memberships of workspace `workspace_id`, when it is one this transaction
    /// created and none may have changed but by [`Tx::note_membership`].
    pub(super) fn fresh_memberships(&self, workspace_id: i64) -> Option<Vec<(i64, Membership)>> {
        let p = self.pending.borrow();
        if !p.has_fresh(workspace_id) || p.known.fresh_memberships_lost {
            return None;
        }
        Some(
            p.known
                .fresh_memberships
                .get(&workspace_id)
                .cloned()
                .unwrap_or_default(),
        )
    }

    /// Whether the member (workspace_id, principal_pk) certainly does not exist.
    pub(super) fn member_absent(&self, workspace_id: i64, principal_pk: i64) -> bool {
        let p = self.pending.borrow();
        p.has_fresh(workspace_id) && !p.known.members.contains(&(workspace_id, principal_pk))
    }

    /// A compute resource or data source added.
    pub(super) fn note_object(&self, table: &'static str, ws: i64, env: &str, name: &str) {
        self.pending
            .borrow_mut()
            .known
            .objects
            .entry((table, ws))
            .or_default()
            .insert((env.to_string(), name.to_ascii_lowercase()));
    }

    /// Whether `table` certainly has no row of workspace `ws` named `name` (in `env`, or
    /// in any env); `name` `None`: no row of `ws` at all.
    pub(super) fn objects_absent(
        &self,
        table: &'static str,
        ws: i64,
        env: Option<&str>,
        name: Option<&str>,
    ) -> bool {
        let p = self.pending.borrow();
        if !p.has_fresh(ws) {
            return false;
        }
        let Some(added) = p.known.objects.get(&(table, ws)) else {
            return true;
        };
        let name = name.map(str::to_ascii_lowercase);
        match (env, name) {
            (Some(env), Some(name)) => !added.contains(&(env.to_string(), name)),
            (env, name) => !added.iter().any(|(e, n)| {
                env.is_none_or(|env| env == e) && name.as_ref().is_none_or(|name| name == n)
            }),
        }
    }

    /// Whether the member (workspace_id, principal_pk) is buffered (a read of that member
    /// must flush first; a read of another one need not).
    pub(super) fn member_pending(&self, workspace_id: i64, principal_pk: i64) -> bool {
        self.pending
            .borrow()
            .members
            .contains(&(workspace_id, principal_pk))
    }

    /// Whether a member of workspace `workspace_id` is buffered (a read of that
    /// workspace's members must flush first; a read of another one's need not).
    pub(super) fn members_pending_in(&self, workspace_id: i64) -> bool {
        self.pending
            .borrow()
            .member_workspaces
            .contains(&workspace_id)
    }

    /// What every statement of the family files does first: forget the workspaces it may
    /// change, and send the buffered rows it could see (and the savepoint, when it
    /// writes).
    pub(super) fn before(&self, sql: &str) -> Result<()> {
        if changes_workspaces(sql) {
            self.pending.borrow_mut().known.workspaces.clear();
        }
        let write = !is_select(sql);
        self.forget_read_ahead(sql);
        if self.pending.borrow().is_empty() && !(write && self.deferred.get().any()) {
            self.forget_counters(sql, write);
            return Ok(());
        }
        self.flush(touched(sql).as_deref(), write)?;
        self.forget_counters(sql, write);
        Ok(())
    }

    /// Forget what was read before a statement that writes and may change it: the id
    /// counters (a statement that may move one, or adds rows that take ids from it: the
    /// next id reads it again), members' roles, the account.
    fn forget_counters(&self, sql: &str, write: bool) {
        if !write {
            return;
        }
        let mut p = self.pending.borrow_mut();
        let anything = touched(sql).is_none();
        if anything || moves_counters(sql) || names_any(sql, &["compute", "datasource"]) {
            p.known.seqs.clear();
        }
        // Memberships change with a statement on members or principals, and a workspace
        // deleted (an INSERT or UPDATE of a workspace leaves its members as they are);
        // resource groups (with the names of their workspaces) with a statement on groups
        // or bindings, and a workspace deleted (workspaces are never renamed).
        let deletes_workspaces = names_any(sql, &["workspace"]) && !is_insert_or_update(sql);
        if anything || deletes_workspaces || writes_any(sql, &["member", "principal"]) {
            p.known.roles.clear();
            p.known.fresh_memberships.clear();
            p.known.fresh_memberships_lost = true;
        }
        if anything || names_any(sql, &["principal"]) {
            p.known.account = None;
        }
        // Names are added by insert_workspace only (workspaces are never renamed; a
        // name deleted stays in the set, which then only costs a query).
        if anything {
            p.known.workspaces_named.loaded = None;
        }
        if anything || deletes_workspaces || writes_any(sql, &["resource_group", "binding"]) {
            p.known.groups.clear();
        }
        if anything || names_any(sql, &["datasource_share"]) {
            p.known.any_share = None;
        }
    }

    /// Whether any share rule exists (read once, kept until a statement that may add one;
    /// see [`Known::any_share`]). The buffered data sources need not go first: a rule that
    /// refers to one is added by a statement that sends them, and forgets this answer.
    pub(super) fn any_share(&self) -> Result<bool> {
        if let Some(any) = self.pending.borrow().known.any_share {
            return Ok(any);
        }
        let r = self.query_opt_unbuffered("SELECT EXISTS (SELECT 1 FROM datasource_share)", &[])?;
        let any = match r {
            Some(r) => r.try_get::<_, bool>(0).map_err(super::pg_err)?,
            None => true,
        };
        self.pending.borrow_mut().known.any_share = Some(any);
        Ok(any)
    }

    /// The resource group `name_or_id` (with its bound workspaces) as read earlier in this
    /// transaction (`Some(None)`: there is none).
    pub(super) fn cached_group(&self, name_or_id: &str) -> Option<Option<ResourceGroup>> {
        kept(&self.pending.borrow().known.groups, name_or_id)
    }

    pub(super) fn cache_group(&self, name_or_id: &str, g: &Option<ResourceGroup>) {
        keep(&mut self.pending.borrow_mut().known.groups, name_or_id, g);
    }

    /// A membership as read earlier in this transaction (`Some(None)`: there is none).
    pub(super) fn cached_membership(
        &self,
        workspace_id: i64,
        principal_pk: i64,
    ) -> Option<Option<Membership>> {
        let p = self.pending.borrow();
        p.known.roles.get(&(workspace_id, principal_pk)).cloned()
    }

    pub(super) fn cache_membership(
        &self,
        workspace_id: i64,
        principal_pk: i64,
        m: &Option<Membership>,
    ) {
        let mut p = self.pending.borrow_mut();
        p.known
            .roles
            .insert((workspace_id, principal_pk), m.clone());
    }

    /// The account principal as read earlier in this transaction.
    pub(super) fn cached_account(&self) -> Option<Principal> {
        self.pending.borrow().known.account.clone()
    }

    pub(super) fn cache_account(&self, account: &Principal) {
        self.pending.borrow_mut().known.account = Some(account.clone());
    }

    /// The workspace named `name` as read earlier in this transaction, if nothing that
    /// could change it ran since (`Some(None)`: there is none).
    pub(super) fn cached_workspace(&self, name: &str) -> Option<Option<Workspace>> {
        kept(&self.pending.borrow().known.workspaces, name)
    }

    pub(super) fn cache_workspace(&self, name: &str, w: &Option<Workspace>) {
        keep(&mut self.pending.borrow_mut().known.workspaces, name, w);
    }

    /// A read of known rows that the buffered ones cannot change (a member looked up by
    /// its key when that key is not buffered): nothing is flushed.
    pub(crate) fn query_opt_unbuffered(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<postgres::Row>> {
        Ok(self.run_query(sql, params)?.into_iter().next())
    }
}

/// Whether `sql` may read or move the id counters of compute resources and data sources
/// (it names dwctl_meta, and none of the other keys alone).
fn moves_counters(sql: &str) -> bool {
    names_any(sql, &["dwctl_meta"])
        && !sql.contains("'workspace_seq'")
        && !sql.contains("'schema_version'")
}

/// Whether `sql` names one of `tables` (as a whole word).
fn names_any(sql: &str, tables: &[&str]) -> bool {
    sql.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| tables.contains(&w))
}

/// Whether `sql` writes one of `tables` (`INSERT INTO t`, `UPDATE t`, `DELETE FROM t`,
/// also in a WITH's CTEs); a table only read by it does not count.
fn writes_any(sql: &str, tables: &[&str]) -> bool {
    let words: Vec<&str> = sql
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let is = |w: &str, k: &str| w.eq_ignore_ascii_case(k);
    words.windows(3).any(|w| {
        ((is(w[0], "INSERT") && is(w[1], "INTO")) || (is(w[0], "DELETE") && is(w[1], "FROM")))
            && tables.contains(&w[2])
    }) || words
        .windows(2)
        .any(|w| is(w[0], "UPDATE") && tables.contains(&w[1]))
}

/// Whether `sql` is an INSERT or an UPDATE (after the CTEs of a WITH, which may not
/// hide a DELETE): it deletes no row.
fn is_insert_or_update(sql: &str) -> bool {
    let mut words = sql
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty());
    let first = words.next().unwrap_or("");
    let is = |w: &str, k: &str| w.eq_ignore_ascii_case(k);
    (is(first, "INSERT") || is(first, "UPDATE") || is(first, "WITH"))
        && !words.any(|w| is(w, "DELETE"))
}

/// Whether `sql` only reads (a SELECT: dwctl's call no function that writes).
fn is_select(sql: &str) -> bool {
    sql.trim_start()
        .get(..6)
        .is_some_and(|w| w.eq_ignore_ascii_case("SELECT"))
}

/// `copy`'s rows (`COPY table (columns) FROM STDIN`, `data` in its text format) as one
/// multi-row INSERT, appended to `sql`.
fn insert_statement(sql: &mut String, copy: &str, data: &[u8]) {
    let target = copy
        .strip_prefix("COPY ")
        .and_then(|c| c.strip_suffix(" FROM STDIN"))
        .unwrap_or(copy);
    sql.push_str("INSERT INTO ");
    sql.push_str(target);
    sql.push_str(" VALUES ");
    for (n, row) in data
        .split(|&b| b == b'\n')
        .filter(|r| !r.is_empty())
        .enumerate()
    {
        if n > 0 {
            sql.push(',');
        }
        sql.push('(');
        for (i, f) in row.split(|&b| b == b'\t').enumerate() {
            if i > 0 {
                sql.push(',');
            }
            match unescape(f) {
                None => sql.push_str("NULL"),
                Some(v) => sql.push_str(&super::quote_literal(&v)),
            }
        }
        sql.push(')');
    }
    sql.push_str("; ");
}

/// Whether `sql` may change what a workspace reads as (its row, tags, bindings or groups):
/// anything but a SELECT that names one of those tables, or a statement not looked into.
fn changes_workspaces(sql: &str) -> bool {
    let mut words = sql
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty());
    let first = words.next().unwrap_or("");
    let is = |w: &str, k: &str| w.eq_ignore_ascii_case(k);
    if is(first, "SELECT") {
        return false;
    }
    if !["INSERT", "UPDATE", "WITH", "DELETE"]
        .iter()
        .any(|k| is(first, k))
    {
        return true;
    }
    words.any(|w| ["workspace", "workspace_tag", "binding", "resource_group"].contains(&w))
}

/// The buffered tables that `sql` names (as whole words), or `None` when it may touch
/// others than it names.
fn touched(sql: &str) -> Option<Vec<&'static str>> {
    let mut words = sql
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty());
    let first = words.next().unwrap_or("");
    let is = |w: &str, k: &str| w.eq_ignore_ascii_case(k);
    if is(first, "DELETE") {
        // A DELETE from a table no row refers to reaches that table only.
        return match (words.next(), words.next()) {
            (Some(from), Some(table)) if is(from, "FROM") && LEAVES.contains(&table) => Some(
                TABLES
                    .iter()
                    .map(|(t, _)| *t)
                    .filter(|t| *t == table)
                    .collect(),
            ),
            _ => None,
        };
    }
    if !["SELECT", "INSERT", "UPDATE", "WITH"]
        .iter()
        .any(|k| is(first, k))
    {
        return None;
    }
    let words: HashSet<&str> = words.chain([first]).collect();
    // A WITH may hide a DELETE.
    if words.iter().any(|w| is(w, "DELETE")) {
        return None;
    }
    // dwctl_meta holds the counters of the buffered compute resources and data sources,
    // written with them.
    let meta = moves_counters(sql);
    // A share refers to a data source (0008).
    let shares = words.contains("datasource_share");
    Some(
        TABLES
            .iter()
            .map(|(t, _)| *t)
            .filter(|t| {
                words.contains(t)
                    || (meta && ["compute", "datasource"].contains(t))
                    || (shares && *t == "datasource")
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_flushes_the_buffered_tables_it_names_or_all() {
        assert_eq!(
            touched("SELECT w.name FROM member m JOIN workspace w ON w.id = m.workspace_id"),
            Some(vec!["member"])
        );
        assert_eq!(touched("select 1 from members_x"), Some(vec![]));
        assert_eq!(
            touched("INSERT INTO audit (seq) SELECT 1 FROM binding"),
            Some(vec!["binding", "audit"])
        );
        assert_eq!(touched("DELETE FROM workspace WHERE id = $1"), None);
        assert_eq!(touched("DELETE FROM principal WHERE pk = $1"), None);
        assert_eq!(
            touched("DELETE FROM member WHERE workspace_id = $1"),
            Some(vec!["member"])
        );
        assert_eq!(
            touched("DELETE FROM workspace_tag WHERE workspace_id = $1"),
            Some(vec![])
        );
        assert_eq!(touched("WITH d AS (DELETE FROM principal) SELECT 1"), None);
        assert_eq!(touched("LOCK TABLE dwctl_lock IN EXCLUSIVE MODE"), None);
        assert_eq!(touched("SAVEPOINT change"), None);
    }

    #[test]
    fn only_a_statement_that_may_delete_forgets_memberships_for_a_workspace() {
        assert!(is_insert_or_update("UPDATE workspace SET x = 1"));
        assert!(is_insert_or_update(
            "WITH n AS (UPDATE dwctl_meta SET value = 1) INSERT INTO workspace SELECT 1"
        ));
        assert!(!is_insert_or_update("DELETE FROM workspace WHERE id = $1"));
        assert!(!is_insert_or_update(
            "WITH d AS (DELETE FROM workspace) SELECT 1"
        ));
        assert!(!is_insert_or_update("SELECT 1 FROM workspace"));
        assert!(writes_any(
            "INSERT INTO binding (a) VALUES (1)",
            &["binding"]
        ));
        assert!(writes_any(
            "WITH d AS (DELETE FROM binding) SELECT 1",
            &["binding"]
        ));
        assert!(writes_any(
            "UPDATE resource_group SET x = 1",
            &["resource_group"]
        ));
        assert!(!writes_any(
            "UPDATE workspace SET g = (SELECT pk FROM resource_group)",
            &["resource_group"]
        ));
        assert!(!writes_any("SELECT 1 FROM binding", &["binding"]));
    }

    #[test]
    fn a_workspace_read_is_kept_until_a_statement_may_change_it() {
        assert!(!changes_workspaces("SELECT * FROM workspace"));
        assert!(!changes_workspaces(
            "INSERT INTO datasource (pk) VALUES ($1)"
        ));
        assert!(!changes_workspaces(
            "DELETE FROM member WHERE workspace_id = $1"
        ));
        assert!(changes_workspaces("UPDATE workspace SET x = 1"));
        assert!(changes_workspaces(
            "DELETE FROM workspace_tag WHERE workspace_id = $1"
        ));
        assert!(changes_workspaces(
            "WITH n AS (UPDATE dwctl_meta SET value = 1) INSERT INTO workspace SELECT 1"
        ));
        assert!(changes_workspaces("UPDATE resource_group SET name = $2"));
        assert!(changes_workspaces("ROLLBACK TO SAVEPOINT change"));
    }

    #[test]
    fn few_buffered_rows_go_as_one_insert_of_the_same_values() {
        let mut data = Vec::new();
        line(&mut data, &[Some("1"), Some("it's a\tb\\c\nd"), None]);
        line(&mut data, &[Some("2"), Some(""), Some("\\N")]);
        let mut sql = String::new();
        insert_statement(&mut sql, "COPY t (a, b, c) FROM STDIN", &data);
        assert_eq!(
            sql,
            "INSERT INTO t (a, b, c) VALUES ('1',E'it''s a\tb\\\\c\nd',NULL),('2','',E'\\\\N'); "
        );
        for v in [
            "plain",
            "tab\there",
            "back\\slash",
            "\\N",
            "",
            "new\nline\r",
        ] {
            let mut one = Vec::new();
            line(&mut one, &[Some(v)]);
            assert_eq!(unescape(&one[..one.len() - 1]).as_deref(), Some(v));
        }
        assert_eq!(unescape(b"\\N"), None);
    }

    #[test]
    fn the_id_counter_is_flushed_with_statements_naming_dwctl_meta() {
        assert_eq!(
            touched("UPDATE dwctl_meta SET value = 1 WHERE key = $1"),
            Some(vec!["compute", "datasource"])
        );
        assert_eq!(
            touched("WITH n AS (UPDATE dwctl_meta SET value = value + 1 WHERE key = 'workspace_seq' RETURNING value) INSERT INTO workspace SELECT 1"),
            Some(vec![])
        );
        assert_eq!(
            touched("INSERT INTO datasource_share (id, datasource_pk) VALUES ($1, $2)"),
            Some(vec!["datasource"])
        );
        assert!(is_select("  select 1"));
        assert!(!is_select("WITH d AS (SELECT 1) SELECT 1"));
        assert!(names_any(
            "DELETE FROM datasource WHERE pk = $1",
            &["datasource"]
        ));
        assert!(!names_any("SELECT 1 FROM datasources", &["datasource"]));
    }

    #[test]
    fn copy_text_escapes_what_copy_reads_specially() {
        let mut out = Vec::new();
        line(
            &mut out,
            &[Some("a\tb\\c\nd\re"), None, Some(""), Some("\\N")],
        );
        assert_eq!(out, b"a\\tb\\\\c\\nd\\re\t\\N\t\t\\\\N\n");
    }
}
