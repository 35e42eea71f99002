//! The audit log: append and read. Hashing is the domain's (domain::audit); this stores.
//! Events are appended through the transaction's bulk buffer (`bulk.rs`: one COPY per
//! flush, before any read of the log and at commit); reads use the same indexes and return
//! the same events in the same order as SQLite's (`lower(column)` for its NOCASE).

use postgres::types::ToSql;

use super::Tx;
use crate::domain::store::{AuditFilter, AuditStore};
use crate::model::audit::AuditEvent;
use crate::model::error::Result;
use crate::storage::rows::{audit_head, empty_log, event_row, AUDIT_COLS as COLS};

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
        let row = self.query_opt("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &[])?;
        Ok(match row {
            Some(r) => audit_head(&r)?,
            None => empty_log(),
        })
    }

    fn insert_audit(&mut self, e: &AuditEvent) -> Result<()> {
        self.bulk_insert(super::pending::Row::Audit(e))?;
        self.last_hash = Some((e.seq, e.hash.clone()));
        Ok(())
    }

    fn for_each_audit(
        &self,
        f: &AuditFilter,
        visit: &mut dyn FnMut(AuditEvent) -> Result<()>,
    ) -> Result<()> {
        let each = match (&f.workspace, &f.actor, &f.action, &f.visible_workspaces) {
            // As on SQLite: an actor who sees some workspaces only reads each one's range
            // of `audit_by_workspace`, newest first.
            (None, None, _, Some(v)) if v.len() <= MAX_VISIBLE => Some(Each::Workspace(v.clone())),
            // `--action` alone: each action it can match, by its own range of the index.
            (None, None, Some(a), None) => self.actions_matching(a)?.map(Each::Action),
            _ => None,
        };
        if each.as_ref().is_some_and(|e| e.keys().is_empty()) {
            return Ok(());
        }
        let mut args = Args::default();
        let sql = audit_query(f, each.as_ref(), &mut args);
        self.for_each_row(&sql, &args.refs(), &mut |r| visit(event_row(r)?))
    }

    fn for_each_event(&self, visit: &mut dyn FnMut(AuditEvent) -> Result<()>) -> Result<()> {
        self.for_each_row(
            &format!("SELECT {COLS} FROM audit ORDER BY seq"),
            &[],
            &mut |r| visit(event_row(r)?),
        )
    }
}

impl Tx<'_> {
    /// The distinct actions (case-insensitively) in the index range that holds every
    /// action `a` can match, each found by one seek of `audit_by_action`; `None` when there
    /// is no such range, or more than `MAX_ACTIONS` of them (then one range read serves).
    fn actions_matching(&self, a: &str) -> Result<Option<Vec<String>>> {
        let (Some(low), Some(high)) = action_range(a) else {
            return Ok(None);
        };
        let limit = MAX_ACTIONS as i64 + 1;
        let rows = self.query("WITH RECURSIVE found(action) AS ( \
               SELECT (SELECT lower(action) FROM audit WHERE lower(action) >= $1 AND lower(action) < $2 \
                       ORDER BY lower(action) LIMIT 1) \
               UNION ALL \
               SELECT (SELECT lower(action) FROM audit WHERE lower(action) > found.action AND lower(action) < $2 \
                       ORDER BY lower(action) LIMIT 1) FROM found WHERE found.action IS NOT NULL \
             ) SELECT action FROM found WHERE action IS NOT NULL LIMIT $3",
            &[&low, &high, &limit],
        )?;
        let found = rows
            .iter()
            .map(|r| super::stored::Cells::new(r, "audit", &[(0, "action")]).text(0))
            .collect::<Result<Vec<String>>>()?;
        Ok((found.len() <= MAX_ACTIONS).then_some(found))
    }
}

/// How many distinct actions `audit list --action` reads one by one (a noun has a few).
const MAX_ACTIONS: usize = 32;

/// How many visible workspaces `audit list` reads one by one, as on SQLite.
const MAX_VISIBLE: usize = 256;

/// The keys whose ranges of an index are read one by one, newest first, then merged.
enum Each {
    /// Of `audit_by_action`: the actions `--action` can match (lower-cased).
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

    /// The column of the index that serves one range.
    fn column(&self) -> &'static str {
        match self {
            Each::Action(_) => "lower(action)",
            Each::Workspace(_) => "lower(workspace)",
        }
    }
}

/// The parameters of a statement being built, numbered as they are added.
#[derive(Default)]
struct Args(Vec<Box<dyn ToSql + Sync>>);

impl Args {
    /// `$n` of a new parameter.
    fn add(&mut self, v: impl ToSql + Sync + 'static) -> String {
        self.0.push(Box::new(v));
        format!("${}", self.0.len())
    }

    fn refs(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.0.iter().map(|b| &**b as &(dyn ToSql + Sync)).collect()
    }
}

/// The statement of `audit list`, built from the filters actually given (bound parameters
/// only), as SQLite's: each filter served by its index newest first, `--limit` stopping
/// the read early. PostgreSQL picks the index from the conditions, so no condition needs
/// SQLite's `+column` to keep an index out.
fn audit_query(f: &AuditFilter, each: Option<&Each>, args: &mut Args) -> String {
    // The conditions besides the one of `each`, with their parameters; rebuilt per branch
    // when `each` reads several ranges (each branch numbers its own parameters).
    let cond = |args: &mut Args| -> Vec<String> {
        let mut cond = Vec::new();
        if let Some(w) = &f.workspace {
            cond.push(format!("lower(workspace) = lower({})", args.add(w.clone())));
        }
        if let Some(a) = &f.actor {
            // Principal ids are all digits and names never are (model), so a value
            // matches one column only.
            let by_id = !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit());
            cond.push(if by_id {
                format!("actor_id = {}", args.add(a.clone()))
            } else {
                format!("lower(actor) = lower({})", args.add(a.clone()))
            });
        }
        if let Some(a) = &f.action {
            // The action itself, or its noun (`member` is `member.*`), matched as SQLite's
            // LIKE matches: ASCII case folded, `%` and `_` wildcards, no escape character.
            if f.workspace.is_none() && f.actor.is_none() && each.is_none() {
                let (low, high) = action_range(a);
                if let Some(low) = low {
                    cond.push(format!("lower(action) >= {}", args.add(low)));
                }
                if let Some(high) = high {
                    cond.push(format!("lower(action) < {}", args.add(high)));
                }
            }
            let p = args.add(a.clone());
            cond.push(format!(
                "(action = {p} OR lower(action) LIKE lower({p}) || '.%' ESCAPE '')"
            ));
        }
        if let Some(t) = f.since {
            cond.push(format!("at >= {}", args.add(t.to_string())));
        }
        if let Some(t) = f.until {
            cond.push(format!("at < {}", args.add(t.to_string())));
        }
        let by_workspace = matches!(each, Some(Each::Workspace(_)));
        if let Some(v) = f.visible_workspaces.as_ref().filter(|_| !by_workspace) {
            let lower: Vec<String> = v.iter().map(|w| w.to_ascii_lowercase()).collect();
            cond.push(format!("lower(workspace) = ANY({})", args.add(lower)));
        }
        cond
    };
    let limit: Option<i64> = f.limit.map(|l| l.min(i64::MAX as u64) as i64);
    let filter = |cond: Vec<String>| {
        if cond.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", cond.join(" AND "))
        }
    };
    match each {
        None => {
            let c = cond(args);
            match limit {
                None => format!("SELECT {COLS} FROM audit{} ORDER BY seq", filter(c)),
                Some(l) => format!(
                    "SELECT {COLS} FROM (SELECT {COLS} FROM audit{} ORDER BY seq DESC LIMIT {}) newest ORDER BY seq",
                    filter(c),
                    args.add(l)
                ),
            }
        }
        Some(each) => {
            // The newest `limit` of each key, then the newest `limit` of them all.
            let mut branches = Vec::new();
            for key in each.keys() {
                let key = match each {
                    Each::Action(_) => key.clone(),
                    Each::Workspace(_) => key.to_ascii_lowercase(),
                };
                let mut c = vec![format!("{} = {}", each.column(), args.add(key))];
                c.extend(cond(args));
                branches.push(match limit {
                    None => format!("(SELECT {COLS} FROM audit{})", filter(c)),
                    Some(l) => format!(
                        "(SELECT {COLS} FROM audit{} ORDER BY seq DESC LIMIT {})",
                        filter(c),
                        args.add(l)
                    ),
                });
            }
            let all = branches.join(" UNION ALL ");
            match limit {
                None => format!("SELECT {COLS} FROM ({all}) every ORDER BY seq"),
                Some(l) => format!(
                    "SELECT {COLS} FROM (SELECT {COLS} FROM ({all}) every ORDER BY seq DESC LIMIT {}) newest ORDER BY seq",
                    args.add(l)
                ),
            }
        }
    }
}

/// Bounds (lower-cased) of every action that `action = A OR action LIKE A || '.%'` can
/// match, as SQLite's `action_range`: `A` up to `A/` when `A` has no wildcard (`.` sorts
/// just before `/`); else the range of the text before the first wildcard.
fn action_range(a: &str) -> (Option<String>, Option<String>) {
    let literal = match a.find(['%', '_']) {
        None => {
            let low = a.to_ascii_lowercase();
            return (Some(low.clone()), Some(format!("{low}/")));
        }
        Some(i) => &a[..i],
    };
    if literal.is_empty() {
        return (None, None);
    }
    let (low, high) = super::principals::prefix_range(literal);
    (Some(low), high)
}
