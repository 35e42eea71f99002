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
use crate::model::Workspace;
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
                    if let Some((names, ids)) = &mut p.known.principals {
                        names.insert(pr.name.as_str().to_ascii_lowercase());
                        ids.insert(pr.id.clone());
                    }
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
                    p.known.members.insert((workspace_id, principal_pk));
                    MEMBER
                }
                Row::Binding {
                    group_pk,
                    workspace_id,
                    at,
                    by,
                } => {
                    p.known.workspaces.clear();
                    let (g, w) = (group_pk.to_string(), workspace_id.to_string());
                    line(
                        &mut p.data[BINDING],
                        &[Some(&g), Some(&w), Some(&at), Some(&by)],
                    );
                    BINDING
                }
            };
            (p.data[i].len() >= FLUSH_AT).then_some(TABLES[i].0)
        };
        match full {
            Some(table) => self.flush_for(&[table]),
            None => Ok(()),
        }
    }

    /// Send the buffered rows of `tables` (each table's as one COPY), after those of the
    /// tables they may reference.
    pub(super) fn flush_for(&self, tables: &[&str]) -> Result<()> {
        let Some(last) = TABLES.iter().rposition(|(t, _)| tables.contains(t)) else {
            return Ok(());
        };
        for (i, (_, copy)) in TABLES.iter().enumerate().take(last + 1) {
            let data = {
                let mut p = self.pending.borrow_mut();
                if p.data[i].is_empty() {
                    continue;
                }
                if i == MEMBER {
                    p.members.clear();
                }
                std::mem::take(&mut p.data[i])
            };
            self.copy_in(copy, &data)?;
        }
        Ok(())
    }

    /// Send every buffered row: before a statement that does not say what it touches, a
    /// savepoint, and commit.
    pub(super) fn flush_all(&self) -> Result<()> {
        if self.pending.borrow().is_empty() {
            return Ok(());
        }
        self.flush_for(&TABLES.map(|(t, _)| t))
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
    /// Past [`LOAD_NAMES_AFTER`] lookups, every name and id is read once.
    pub(super) fn principal_absent(&self, name_or_id: &str) -> Result<bool> {
        if !name_or_id.is_ascii() {
            return Ok(false);
        }
        let load = {
            let mut p = self.pending.borrow_mut();
            p.known.lookups += 1;
            p.known.principals.is_none() && p.known.lookups > LOAD_NAMES_AFTER
        };
        if load {
            let mut names = HashSet::new();
            let mut ids = HashSet::new();
            self.for_each_row("SELECT name, id FROM principal", &[], &mut |r| {
                let c = super::stored::Cells::new(r, "principal", &[(1, "id")]);
                names.insert(c.text(0)?.to_ascii_lowercase());
                ids.insert(c.text(1)?);
                Ok(())
            })?;
            self.pending.borrow_mut().known.principals = Some((names, ids));
        }
        Ok(match &self.pending.borrow().known.principals {
            Some((names, ids)) => {
                !names.contains(&name_or_id.to_ascii_lowercase()) && !ids.contains(name_or_id)
            }
            None => false,
        })
    }

    /// Whether a principal has the id `id`, when every id is known.
    pub(super) fn principal_id_known(&self, id: &str) -> Option<bool> {
        let p = self.pending.borrow();
        p.known.principals.as_ref().map(|(_, ids)| ids.contains(id))
    }

    /// A workspace created by this transaction: it has no member, compute resource or
    /// data source but those noted from now on.
    pub(super) fn note_fresh_workspace(&self, id: i64) {
        self.pending.borrow_mut().known.fresh.insert(id);
    }

    /// Whether the member (workspace_id, principal_pk) certainly does not exist.
    pub(super) fn member_absent(&self, workspace_id: i64, principal_pk: i64) -> bool {
        let p = self.pending.borrow();
        p.has_fresh(workspace_id) && !p.known.members.contains(&(workspace_id, principal_pk))
    }

    /// A compute resource or data source added.
    pub(super) fn note_object(&self, table: &'static str, ws: i64, env: &str, name: &str) {
        let key = (table, ws, env.to_string(), name.to_ascii_lowercase());
        self.pending.borrow_mut().known.objects.insert(key);
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
        let name = name.map(str::to_ascii_lowercase);
        !p.known.objects.iter().any(|(t, w, e, n)| {
            *t == table
                && *w == ws
                && env.is_none_or(|env| env == e)
                && name.as_ref().is_none_or(|name| name == n)
        })
    }

    /// Whether the member (workspace_id, principal_pk) is buffered (a read of that member
    /// must flush first; a read of another one need not).
    pub(super) fn member_pending(&self, workspace_id: i64, principal_pk: i64) -> bool {
        self.pending
            .borrow()
            .members
            .contains(&(workspace_id, principal_pk))
    }

    /// What every statement of the family files does first: forget the workspaces it may
    /// change, and send the buffered rows it could see.
    pub(super) fn before(&self, sql: &str) -> Result<()> {
        if changes_workspaces(sql) {
            self.pending.borrow_mut().known.workspaces.clear();
        }
        self.flush_touched(sql)
    }

    /// The workspace named `name` as read earlier in this transaction, if nothing that
    /// could change it ran since (`Some(None)`: there is none).
    pub(super) fn cached_workspace(&self, name: &str) -> Option<Option<Workspace>> {
        let p = self.pending.borrow();
        p.known.workspaces.get(&name.to_ascii_lowercase()).cloned()
    }

    pub(super) fn cache_workspace(&self, name: &str, w: &Option<Workspace>) {
        if name.is_ascii() {
            let mut p = self.pending.borrow_mut();
            p.known
                .workspaces
                .insert(name.to_ascii_lowercase(), w.clone());
        }
    }

    /// Send the buffered rows that statement `sql` could see or depend on: those of the
    /// buffered tables it names, or all of them for a statement that may reach a table it
    /// does not name (a DELETE cascades; anything but SELECT, INSERT, UPDATE or WITH is
    /// not looked into).
    pub(super) fn flush_touched(&self, sql: &str) -> Result<()> {
        if self.pending.borrow().is_empty() {
            return Ok(());
        }
        match touched(sql) {
            None => self.flush_all(),
            Some(tables) => self.flush_for(&tables),
        }
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
    Some(
        TABLES
            .iter()
            .map(|(t, _)| *t)
            .filter(|t| words.contains(t))
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
    fn copy_text_escapes_what_copy_reads_specially() {
        let mut out = Vec::new();
        line(
            &mut out,
            &[Some("a\tb\\c\nd\re"), None, Some(""), Some("\\N")],
        );
        assert_eq!(out, b"a\\tb\\\\c\\nd\\re\t\\N\t\t\\\\N\n");
    }
}
