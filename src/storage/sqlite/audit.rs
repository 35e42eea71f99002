//! The audit log: append and read. Hashing is the domain's (domain::audit); this stores.

use rusqlite::params;
use rusqlite::types::Value;

use super::stored::Cells;
use super::Tx;
use crate::domain::store::AuditFilter;
use crate::domain::store::AuditStore;
use crate::model::audit::AuditEvent;
use crate::model::error::Result;
use crate::storage::rows::{audit_head, details_text, event_row, AUDIT_COLS as COLS};

impl AuditStore for Tx<'_> {
    fn last_audit(&mut self) -> Result<(i64, String)> {
        if let Some(last) = &self.last_hash {
            return Ok(last.clone());
        }
        let last = self.newest_audit()?;
        self.last_hash = Some(last.clone());
        Ok(last)
    }

    fn newest_audit(&self) -> Result<(i64, String)> {
        let row: Option<(i64, String)> = self
            .conn
            .prepare_cached("SELECT seq, hash FROM audit WHERE seq = (SELECT max(seq) FROM audit)")?
            .query_and_then([], |r| audit_head(r))?
            .next()
            .transpose()?;
        Ok(row.unwrap_or((0, "0".repeat(64))))
    }

    fn insert_audit(&mut self, e: &AuditEvent) -> Result<()> {
        let mut st = self.conn.prepare_cached(
            "INSERT INTO audit (seq, at, actor, actor_id, action, workspace, target, outcome, details, hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        st.execute(params![
            e.seq,
            e.at.to_string(),
            e.actor,
            e.actor_id,
            e.action,
            e.workspace,
            e.target,
            e.outcome,
            details_text(e),
            e.hash
        ])?;
        self.last_hash = Some((e.seq, e.hash.clone()));
        Ok(())
    }

    fn for_each_audit(
        &self,
        f: &AuditFilter,
        visit: &mut dyn FnMut(AuditEvent) -> Result<()>,
    ) -> Result<()> {
        let each = match (&f.workspace, &f.actor, &f.action, &f.visible_workspaces) {
            // Without `--workspace` or `--actor`, an actor who sees some workspaces only:
            // the events of each, newest first by its range of `audit_by_workspace` (a
            // few, for most; many, and their events are found soon enough newest first).
            (None, None, _, Some(v)) if v.len() <= MAX_VISIBLE => Some(Each::Workspace(v.clone())),
            // `--action` alone: the actions it can match, each read newest first by its
            // own range of the index (a range of several actions would come out of seq
            // order).
            (None, None, Some(a), None) => self.actions_matching(a)?.map(Each::Action),
            _ => None,
        };
        if each.as_ref().is_some_and(|e| e.keys().is_empty()) {
            return Ok(());
        }
        let (sql, args) = audit_query(f, each.as_ref());
        let mut st = self.conn.prepare_cached(&sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(args))?;
        while let Some(r) = rows.next()? {
            visit(event_row(r)?)?;
        }
        Ok(())
    }

    fn for_each_event(&self, visit: &mut dyn FnMut(AuditEvent) -> Result<()>) -> Result<()> {
        let mut st = self
            .conn
            .prepare_cached(&format!("SELECT {COLS} FROM audit ORDER BY seq"))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            visit(event_row(r)?)?;
        }
        Ok(())
    }
}

impl Tx<'_> {
    /// The distinct actions (under NOCASE) in the index range that holds every action `a`
    /// can match, each found by one seek of `audit_by_action`; `None` when there is no such
    /// range, or more than `MAX_ACTIONS` of them (then one range read serves).
    fn actions_matching(&self, a: &str) -> Result<Option<Vec<String>>> {
        let (Some(low), Some(high)) = action_range(a) else {
            return Ok(None);
        };
        let mut st = self.conn.prepare_cached(
            "WITH RECURSIVE found(action) AS ( \
               SELECT (SELECT action FROM audit WHERE action >= ?1 COLLATE NOCASE AND action < ?2 COLLATE NOCASE \
                       ORDER BY action COLLATE NOCASE LIMIT 1) \
               UNION ALL \
               SELECT (SELECT action FROM audit WHERE action > found.action COLLATE NOCASE AND action < ?2 COLLATE NOCASE \
                       ORDER BY action COLLATE NOCASE LIMIT 1) FROM found WHERE found.action IS NOT NULL \
             ) SELECT action FROM found WHERE action IS NOT NULL LIMIT ?3",
        )?;
        let found = st
            .query_and_then(params![low, high, MAX_ACTIONS as i64 + 1], |r| {
                Cells::new(r, "audit", &[(0, "action")]).text(0)
            })?
            .collect::<Result<Vec<String>>>()?;
        Ok((found.len() <= MAX_ACTIONS).then_some(found))
    }
}

/// How many distinct actions `audit list --action` reads one by one (a noun has a few).
const MAX_ACTIONS: usize = 32;

/// How many visible workspaces `audit list` reads one by one: each is one branch of a
/// compound SELECT (SQLite allows 500). An actor who sees more finds their events soon
/// enough reading the log newest first.
const MAX_VISIBLE: usize = 256;

/// The keys whose ranges of an index are read one by one, newest first, then merged.
enum Each {
    /// Of `audit_by_action`: the actions `--action` can match.
    Action(Vec<String>),
    /// Of `audit_by_workspace`: the workspaces the actor sees.
    Workspace(Vec<String>),
}

impl Each {
    fn keys(&self) -> &[String] {
        match self {
            Each::Action(k) | Each::Workspace(k) => k,
        }
    }

    /// The condition of one range (its column first in its index, then seq).
    fn cond(&self) -> &'static str {
        match self {
            Each::Action(_) => "action = ? COLLATE NOCASE",
            Each::Workspace(_) => "workspace = ? COLLATE NOCASE",
        }
    }
}

/// The statement of `audit list` and its parameters, built from the filters actually
/// given (bound parameters only), so that each filter is served by its index, newest
/// first, and `--limit` stops the read early: `--workspace` by `audit_by_workspace`,
/// `--actor` by `audit_by_actor` or `audit_by_actor_id`, `--action` by `audit_by_action`,
/// once per action it can match (`each`, when known); without any of them, the actor's
/// visible workspaces by `audit_by_workspace`, once per workspace (`each`, when there
/// are few enough).
fn audit_query(f: &AuditFilter, each: Option<&Each>) -> (String, Vec<Value>) {
    // The condition whose index serves the read (its column first in that index, then
    // seq), and the others, checked on the rows it yields. One index serves: the first
    // filter given of workspace, actor, action (the narrowest, usually); the others are
    // written `+column` so that SQLite does not pick their index instead.
    let mut cond: Vec<&str> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    let mut served = false;
    if let Some(w) = &f.workspace {
        cond.push("workspace = ? COLLATE NOCASE");
        args.push(Value::Text(w.clone()));
        served = true;
    }
    if let Some(a) = &f.actor {
        // Principal ids are all digits and names never are (model), so a value
        // matches one column only: the one whose index serves it.
        let by_id = !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit());
        cond.push(match (by_id, served) {
            (true, false) => "actor_id = ?",
            (true, true) => "+actor_id = ?",
            (false, false) => "actor = ? COLLATE NOCASE",
            (false, true) => "+actor = ? COLLATE NOCASE",
        });
        args.push(Value::Text(a.clone()));
        served = true;
    }
    if let Some(a) = &f.action {
        // The action itself, or its noun (`member` is `member.*`), matched as always (LIKE:
        // ASCII case folded, `%` and `_` wildcards). Without `each`, the range of the
        // index that holds every such action narrows the read to them.
        if !served && each.is_none() {
            let (low, high) = action_range(a);
            if let Some(low) = low {
                cond.push("action >= ? COLLATE NOCASE");
                args.push(Value::Text(low));
            }
            if let Some(high) = high {
                cond.push("action < ? COLLATE NOCASE");
                args.push(Value::Text(high));
            }
        }
        cond.push("(action = ? OR action LIKE ? || '.%')");
        args.push(Value::Text(a.clone()));
        args.push(Value::Text(a.clone()));
    }
    if let Some(t) = f.since {
        cond.push("at >= ?");
        args.push(Value::Text(t.to_string()));
    }
    if let Some(t) = f.until {
        cond.push("at < ?");
        args.push(Value::Text(t.to_string()));
    }
    let by_workspace = matches!(each, Some(Each::Workspace(_)));
    if let Some(v) = f.visible_workspaces.as_ref().filter(|_| !by_workspace) {
        // The actor's audit visibility, checked on the rows read (when the ranges of the
        // visible workspaces do not serve): after `--workspace` or `--actor`, or alone
        // for an actor who sees very many workspaces, reading the log newest first until
        // `limit` visible events are found.
        cond.push("(+workspace) COLLATE NOCASE IN (SELECT value FROM json_each(?))");
        args.push(Value::Text(serde_json::to_string(v).unwrap_or_default()));
    }
    let limit = Value::Integer(f.limit.map(|l| l.min(i64::MAX as u64) as i64).unwrap_or(-1));
    let newest = match each {
        None => {
            let filter = if cond.is_empty() {
                String::new()
            } else {
                format!(" WHERE {}", cond.join(" AND "))
            };
            args.push(limit);
            format!("SELECT {COLS} FROM audit{filter} ORDER BY seq DESC LIMIT ?")
        }
        Some(each) => {
            // The newest `limit` of each key, then the newest `limit` of them all.
            let rest = args;
            args = Vec::new();
            let mut branches = Vec::new();
            let filter: String = std::iter::once(each.cond())
                .chain(cond.iter().copied())
                .collect::<Vec<_>>()
                .join(" AND ");
            for key in each.keys() {
                branches.push(format!(
                    "SELECT {COLS} FROM (SELECT {COLS} FROM audit WHERE {filter} \
                     ORDER BY seq DESC LIMIT ?)"
                ));
                args.push(Value::Text(key.clone()));
                args.extend(rest.iter().cloned());
                args.push(limit.clone());
            }
            args.push(limit);
            format!("{} ORDER BY seq DESC LIMIT ?", branches.join(" UNION ALL "))
        }
    };
    let sql = format!("SELECT {COLS} FROM ({newest}) ORDER BY seq ASC");
    (sql, args)
}

/// Bounds (under NOCASE) of every action that `action = A OR action LIKE A || '.%'` can
/// match: `A` up to `A/` when `A` has no wildcard (`.` sorts just before `/`); else the
/// range of the text before the first wildcard (LIKE folds ASCII case, as NOCASE does).
fn action_range(a: &str) -> (Option<String>, Option<String>) {
    let literal = match a.find(['%', '_']) {
        None => return (Some(a.to_string()), Some(format!("{a}/"))),
        Some(i) => &a[..i],
    };
    if literal.is_empty() {
        return (None, None);
    }
    let (low, high) = super::names::nocase_range(literal);
    (Some(low), high)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::clock::Timestamp;

    /// `audit list` before schema 2: one statement for every filter combination.
    const OLD: &str = "SELECT seq FROM (SELECT seq FROM audit WHERE \
        (?1 IS NULL OR workspace = ?1 COLLATE NOCASE) AND (?2 IS NULL OR actor = ?2 COLLATE NOCASE OR actor_id = ?2) \
        AND (?3 IS NULL OR action = ?3 OR action LIKE ?3 || '.%') AND (?4 IS NULL OR at >= ?4) AND (?5 IS NULL OR at < ?5) \
        AND (?6 IS NULL OR workspace COLLATE NOCASE IN (SELECT value FROM json_each(?6))) \
        ORDER BY seq DESC LIMIT ?7) ORDER BY seq ASC";

    #[test]
    fn each_filter_selects_what_the_single_statement_did() {
        let mut cat = crate::storage::sqlite::in_memory();
        let tx = cat.write().unwrap();
        let actions = [
            "member.add",
            "MEMBER.Remove",
            "member.remove",
            "Member.Add",
            "member",
            "member.add.more",
            "members.add",
            "member-x.add",
            "memberxadd",
            "workspace.create",
            "resourcegroup.bind",
            "user.add",
        ];
        let workspaces = [Some("sales_ws"), Some("SALES_WS"), Some("ops_ws"), None];
        let actors = [("root", "1234567890123456"), ("Alice", "2000000000000001")];
        for i in 0..240usize {
            let (actor, actor_id) = actors[i % 2];
            tx.conn
                .execute(
                    "INSERT INTO audit (seq, at, actor, actor_id, action, workspace, target, outcome, details, hash) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, 'ok', '{}', 'h')",
                    params![
                        i as i64 + 1,
                        format!("2026-11-{:02}T00:00:00.000Z", 1 + i % 28),
                        actor,
                        actor_id,
                        actions[i % actions.len()],
                        workspaces[i % 3 + (i / 7) % 2]
                    ],
                )
                .unwrap();
        }
        let since = Timestamp::parse("2026-11-05T00:00:00Z").unwrap();
        let until = Timestamp::parse("2026-11-20T00:00:00Z").unwrap();
        let mut filters = Vec::new();
        for workspace in [None, Some("sales_ws"), Some("Ops_WS"), Some("none_ws")] {
            for actor in [None, Some("alice"), Some("ROOT"), Some("2000000000000001")] {
                for action in [
                    None,
                    Some("member"),
                    Some("MEMBER"),
                    Some("member.add"),
                    Some("member.remove"),
                    Some("mem_er"),
                    Some("mem%"),
                    Some("%"),
                    Some("_"),
                    Some("workspace"),
                    Some("nothing"),
                ] {
                    for (times, visible) in [
                        (None, None),
                        (Some((since, until)), None),
                        (None, Some(vec!["SALES_WS".to_string()])),
                        (
                            None,
                            Some(vec!["ops_ws".to_string(), "SALES_WS".to_string()]),
                        ),
                        (Some((since, until)), Some(vec!["ops_ws".to_string()])),
                        (None, Some(vec![])),
                    ] {
                        for limit in [None, Some(1), Some(7)] {
                            filters.push(AuditFilter {
                                workspace: workspace.map(str::to_string),
                                actor: actor.map(str::to_string),
                                action: action.map(str::to_string),
                                since: times.map(|t| t.0),
                                until: times.map(|t| t.1),
                                visible_workspaces: visible.clone(),
                                limit,
                            });
                        }
                    }
                }
            }
        }
        let mut matched = 0;
        for f in filters {
            let mut new = Vec::new();
            tx.for_each_audit(&f, &mut |e| {
                new.push(e.seq);
                Ok(())
            })
            .unwrap();
            let old: Vec<i64> = tx
                .conn
                .prepare(OLD)
                .unwrap()
                .query_map(
                    params![
                        f.workspace,
                        f.actor,
                        f.action,
                        f.since.map(|t| t.to_string()),
                        f.until.map(|t| t.to_string()),
                        f.visible_workspaces
                            .as_ref()
                            .map(|v| serde_json::to_string(v).unwrap()),
                        f.limit.map(|l| l as i64).unwrap_or(-1)
                    ],
                    |r| r.get(0),
                )
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert_eq!(new, old, "{f:?}");
            matched += usize::from(!new.is_empty());
        }
        assert!(matched > 500, "{matched} filters matched events");
    }
}
