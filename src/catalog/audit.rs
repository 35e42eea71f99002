//! The audit log: append and read. Hashing is the domain's (domain::audit); this stores.

use rusqlite::{params, Row};

use super::stored::Cells;
use super::Tx;
use crate::domain::audit::AuditEvent;
use crate::domain::clock::Timestamp;
use crate::domain::error::Result;

/// Filters of `audit list`.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub workspace: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// When set, only events of these workspaces (the actor's audit visibility).
    pub visible_workspaces: Option<Vec<String>>,
    pub limit: Option<u64>,
}

fn event_row(r: &Row) -> Result<AuditEvent> {
    let c = Cells::new(r, "audit", &[(0, "seq")]);
    Ok(AuditEvent {
        seq: c.int(0)?,
        at: c.ts(1)?,
        actor: c.text(2)?,
        actor_id: c.text(3)?,
        action: c.text(4)?,
        workspace: c.opt_text(5)?,
        target: c.opt_text(6)?,
        outcome: c.text(7)?,
        details: c.json(8, "a JSON document")?,
        hash: c.text(9)?,
    })
}

const COLS: &str = "seq, at, actor, actor_id, action, workspace, target, outcome, details, hash";

impl Tx<'_> {
    /// The seq and hash of the newest event ((0, 64 zeros) for an empty log), cached for
    /// the transaction so that `apply` does not look it up per event.
    pub fn last_audit(&mut self) -> Result<(i64, String)> {
        if let Some(last) = &self.last_hash {
            return Ok(last.clone());
        }
        let last = self.newest_audit()?;
        self.last_hash = Some(last.clone());
        Ok(last)
    }

    /// The seq and hash of the newest event as stored ((0, 64 zeros) for an empty log).
    pub fn newest_audit(&self) -> Result<(i64, String)> {
        let row: Option<(i64, String)> = self
            .conn
            .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")?
            .query_and_then([], |r| {
                let c = Cells::new(r, "audit", &[(0, "seq")]);
                // The head is printed as an anchor and chained to by the next event: a seq
                // or a hash dwctl never writes is exit 7 here, never an anchor that
                // `--expect` would refuse, nor a chain extended from garbage.
                let seq = c.int_in(0, 1..=i64::MAX)?;
                let hash = c.text(1)?;
                let is_hash = hash.len() == 64
                    && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                if !is_hash {
                    return Err(c.bad(
                        1,
                        "it is not a hash as dwctl writes it (64 lower-case hex digits)",
                    ));
                }
                Ok::<_, crate::domain::error::Error>((seq, hash))
            })?
            .next()
            .transpose()?;
        Ok(row.unwrap_or((0, "0".repeat(64))))
    }

    pub fn insert_audit(&mut self, e: &AuditEvent) -> Result<()> {
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
            serde_json::to_string(&e.details).unwrap_or_default(),
            e.hash
        ])?;
        self.last_hash = Some((e.seq, e.hash.clone()));
        Ok(())
    }

    /// Visit matching events, oldest first (the newest `limit` of them when limited).
    pub fn for_each_audit(
        &self,
        f: &AuditFilter,
        mut visit: impl FnMut(AuditEvent) -> Result<()>,
    ) -> Result<()> {
        let visible = f
            .visible_workspaces
            .as_ref()
            .map(|v| serde_json::to_string(v).unwrap_or_default());
        let sql = format!(
            "SELECT {COLS} FROM (SELECT {COLS} FROM audit WHERE \
             (?1 IS NULL OR workspace = ?1 COLLATE NOCASE) AND (?2 IS NULL OR actor = ?2 COLLATE NOCASE OR actor_id = ?2) \
             AND (?3 IS NULL OR action = ?3 OR action LIKE ?3 || '.%') AND (?4 IS NULL OR at >= ?4) AND (?5 IS NULL OR at < ?5) \
             AND (?6 IS NULL OR workspace COLLATE NOCASE IN (SELECT value FROM json_each(?6))) \
             ORDER BY seq DESC LIMIT ?7) ORDER BY seq ASC"
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let limit = f.limit.map(|l| l.min(i64::MAX as u64) as i64).unwrap_or(-1);
        let mut rows = st.query(params![
            f.workspace,
            f.actor,
            f.action,
            f.since.map(|t| t.to_string()),
            f.until.map(|t| t.to_string()),
            visible,
            limit
        ])?;
        while let Some(r) = rows.next()? {
            visit(event_row(r)?)?;
        }
        Ok(())
    }

    /// Every event in order, for `audit verify`.
    pub fn for_each_event(&self, mut visit: impl FnMut(AuditEvent) -> Result<()>) -> Result<()> {
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
