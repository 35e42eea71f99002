//! The audit log's events and their hash chain (domain.md 8).

use serde::Serialize;

use crate::model::audit::{Anchor, AuditEvent};

use super::chain::event_hash;
use super::policy;
use super::session::Session;
use crate::domain::store::AuditFilter;
use crate::model::error::{Error, Result};
use crate::model::words;

/// The outcome of `audit verify`.
#[derive(Debug, Serialize)]
pub struct Verification {
    pub ok: bool,
    pub events: i64,
    pub first_bad_seq: Option<i64>,
    /// How many `--expect` anchors were checked and hold.
    pub anchors: usize,
    pub message: String,
    /// What to do about a failure (for the error's hint).
    #[serde(skip)]
    pub hint: Option<String>,
}

/// Reading the whole log (verifying it, or its head) needs the tenant-level right to read it.
fn require_whole_log(s: &Session, doing: &str) -> Result<()> {
    if s.actor.is_tenant_admin() {
        return Ok(());
    }
    Err(Error::denied(format!(
        "{} may not {doing} the whole audit log",
        s.actor.name
    ))
    .with_hint("this needs the account or a RAM user with full access"))
}

/// `audit head`: the newest event's seq and hash, as the log holds them now.
pub fn head(s: &mut Session) -> Result<Anchor> {
    require_whole_log(s, "read the head of")?;
    let (seq, hash) = s.tx().newest_audit()?;
    Ok(Anchor { seq, hash })
}

/// `audit list`: tenant administrators see everything; others the events of the
/// workspaces they administer (owner/admin).
pub fn list(
    s: &mut Session,
    mut filter: AuditFilter,
    mut visit: impl FnMut(AuditEvent) -> Result<()>,
) -> Result<()> {
    if !s.actor.is_tenant_admin() {
        let mut visible = Vec::new();
        for (ws_id, grants) in super::admit::grants_everywhere(s)? {
            if policy::can_read_audit_of(&s.actor, grants) {
                if let Some(name) = s.tx().workspace_name_by_id(ws_id)? {
                    visible.push(name);
                }
            }
        }
        filter.visible_workspaces = Some(visible);
    }
    s.tx().for_each_audit(&filter, &mut visit)
}

/// `audit verify`: recompute the chain and name the first event that does not match; then
/// check that the chain still holds each anchor of `expect` (`--expect SEQ:HASH`, kept
/// outside the catalog): an anchor past the newest event means the newest events were
/// deleted; another hash at its seq means an event at or before it was rewritten (every
/// hash depends on all those before it, so re-hashing the chain after a rewrite changes
/// the anchored one too).
pub fn verify(s: &mut Session, expect: &[Anchor]) -> Result<Verification> {
    require_whole_log(s, "verify")?;
    // The hash the log holds at each anchored seq, as the walk finds it.
    let mut found: std::collections::BTreeMap<i64, Option<String>> =
        expect.iter().map(|a| (a.seq, None)).collect();
    // The chain can only be trusted in a sound file (exit 7 when it is not).
    s.tx().quick_check()?;
    let mut prev = "0".repeat(64);
    let mut expected_seq = 1;
    let mut count = 0;
    let mut last_seq = 0;
    let mut bad: Option<(i64, String)> = None;
    s.tx().for_each_event(&mut |e| {
        count += 1;
        last_seq = e.seq;
        if let Some(slot) = found.get_mut(&e.seq) {
            *slot = Some(e.hash.clone());
        }
        if bad.is_none() {
            if e.seq != expected_seq {
                bad = Some((
                    e.seq,
                    format!(
                        "event {} follows event {} (an event is missing)",
                        e.seq,
                        expected_seq - 1
                    ),
                ));
            } else if event_hash(&prev, &e) != e.hash {
                bad = Some((
                    e.seq,
                    format!(
                        "event {} does not match its hash: it was changed, or an earlier one was",
                        e.seq
                    ),
                ));
            }
            prev = e.hash.clone();
            expected_seq = e.seq + 1;
        }
        Ok(())
    })?;
    if let Some((seq, message)) = bad {
        return Ok(Verification {
            ok: false,
            events: count,
            first_bad_seq: Some(seq),
            anchors: 0,
            message,
            hint: Some(
                "restore the catalog from a backup; events before the broken one are intact".into(),
            ),
        });
    }
    // The chain holds; the anchors, lowest seq first (the earliest damage is the one to name).
    let mut anchors: Vec<&Anchor> = expect.iter().collect();
    anchors.sort_by_key(|a| a.seq);
    for a in &anchors {
        // Seq 0 is the chain's start, held by every log: its hash is the starting value.
        let held = if a.seq == 0 {
            Some("0".repeat(64))
        } else {
            found.get(&a.seq).cloned().flatten()
        };
        let problem = match held {
            None => Some(format!(
                "the log ends at event {last_seq}, but event {} was recorded: the newest events were deleted",
                a.seq
            )),
            Some(h) if h != a.hash => Some(format!(
                "event {} has hash {h}, not the expected {}: the log was rewritten at or before event {}",
                a.seq, a.hash, a.seq
            )),
            Some(_) => None,
        };
        if let Some(message) = problem {
            return Ok(Verification {
                ok: false,
                events: count,
                first_bad_seq: Some(a.seq.min(last_seq + 1)),
                anchors: 0,
                message,
                hint: Some(format!(
                    "restore the catalog from a backup that holds event {} with that hash",
                    a.seq
                )),
            });
        }
    }
    let chain = words::count(count as usize, "event", "events");
    let message = match expect.len() {
        0 => format!("the audit chain of {chain} verifies"),
        1 => format!("the audit chain of {chain} verifies and holds the expected event"),
        k => format!("the audit chain of {chain} verifies and holds the {k} expected events"),
    };
    Ok(Verification {
        ok: true,
        events: count,
        first_bad_seq: None,
        anchors: expect.len(),
        message,
        hint: None,
    })
}
