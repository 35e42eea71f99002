//! The audit log's events and their hash chain (domain.md 8).

use serde::Serialize;

use crate::model::audit::{Anchor, AuditEvent};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::policy;
use super::session::Session;
use crate::catalog::AuditFilter;
use crate::model::error::{Error, Result};
use crate::model::words;

/// Compact JSON with object keys sorted at every level, independent of how serde_json
/// was built (its `preserve_order` feature would otherwise change the bytes).
pub fn canonical_json(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap_or_default());
                out.push(':');
                canonical_json(&map[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// `hash` = hex SHA-256 of the previous hash followed by the event as compact JSON with
/// sorted keys and without `hash`.
pub fn event_hash(prev: &str, e: &AuditEvent) -> String {
    let text = canonical_event(e);
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(text.as_bytes());
    let digest = h.finalize();
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(64);
    for b in digest.iter() {
        hex.push(HEX[(b >> 4) as usize] as char);
        hex.push(HEX[(b & 15) as usize] as char);
    }
    hex
}

/// The event as `canonical_json` would write it, written directly: the fields in sorted
/// order, no intermediate value (this runs once per change, 100,000 times in a large apply).
fn canonical_event(e: &AuditEvent) -> String {
    fn text(out: &mut String, s: &str) {
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    }
    fn opt(out: &mut String, s: &Option<String>) {
        match s {
            Some(s) => text(out, s),
            None => out.push_str("null"),
        }
    }
    let mut out = String::with_capacity(256);
    out.push_str("{\"action\":");
    text(&mut out, &e.action);
    out.push_str(",\"actor\":");
    text(&mut out, &e.actor);
    out.push_str(",\"actor_id\":");
    text(&mut out, &e.actor_id);
    out.push_str(",\"at\":");
    text(&mut out, &e.at.to_string());
    out.push_str(",\"details\":");
    canonical_json(&e.details, &mut out);
    out.push_str(",\"outcome\":");
    text(&mut out, &e.outcome);
    out.push_str(",\"seq\":");
    out.push_str(&e.seq.to_string());
    out.push_str(",\"target\":");
    opt(&mut out, &e.target);
    out.push_str(",\"workspace\":");
    opt(&mut out, &e.workspace);
    out.push('}');
    out
}

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
    visit: impl FnMut(AuditEvent) -> Result<()>,
) -> Result<()> {
    if !s.actor.is_tenant_admin() {
        let mut visible = Vec::new();
        for (ws_id, roles) in s.tx().roles_everywhere(s.actor.pk)? {
            if policy::can_read_audit_of(&s.actor, roles) {
                if let Some(name) = s.tx().workspace_name_by_id(ws_id)? {
                    visible.push(name);
                }
            }
        }
        filter.visible_workspaces = Some(visible);
    }
    s.tx().for_each_audit(&filter, visit)
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
    s.tx().for_each_event(|e| {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::clock::Timestamp;

    #[test]
    fn canonical_json_sorts_keys_everywhere() {
        let v = serde_json::json!({"b": 1, "a": {"d": [1, {"z": null, "y": "x"}], "c": true}});
        let mut s = String::new();
        canonical_json(&v, &mut s);
        assert_eq!(s, r#"{"a":{"c":true,"d":[1,{"y":"x","z":null}]},"b":1}"#);
    }

    #[test]
    fn the_direct_writer_equals_canonical_json_of_the_event() {
        let e = AuditEvent {
            seq: 7,
            at: Timestamp::from_millis(1_700_000_000_123),
            actor: "al\"ice".into(),
            actor_id: "42".into(),
            action: "member.add".into(),
            workspace: None,
            target: Some("b\u{e9}b\n".into()),
            outcome: "ok".into(),
            details: serde_json::json!({"z": [1, {"b": 2, "a": "x"}], "a": null}),
            hash: "ignored".into(),
        };
        let mut v = serde_json::to_value(&e).unwrap();
        v.as_object_mut().unwrap().remove("hash");
        let mut want = String::new();
        canonical_json(&v, &mut want);
        assert_eq!(canonical_event(&e), want);
    }

    #[test]
    fn hash_depends_on_previous_and_content() {
        let e = AuditEvent {
            seq: 1,
            at: Timestamp::from_millis(0),
            actor: "root".into(),
            actor_id: "1".into(),
            action: "workspace.create".into(),
            workspace: Some("ws1".into()),
            target: Some("ws1".into()),
            outcome: "ok".into(),
            details: serde_json::json!({"after": {"name": "ws1"}}),
            hash: String::new(),
        };
        let h1 = event_hash(&"0".repeat(64), &e);
        assert_eq!(h1.len(), 64);
        assert_ne!(h1, event_hash(&"1".repeat(64), &e));
        let mut e2 = e.clone();
        e2.hash = "ignored".into();
        assert_eq!(h1, event_hash(&"0".repeat(64), &e2));
        e2.outcome = "denied".into();
        assert_ne!(h1, event_hash(&"0".repeat(64), &e2));
    }

    #[test]
    fn anchors_parse_as_head_prints_them() {
        let h = "9F86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        let a = Anchor::parse(&format!("42:{h}")).unwrap();
        assert_eq!(
            (a.seq, a.hash.as_str()),
            (42, h.to_ascii_lowercase().as_str())
        );
        assert_eq!(Anchor::parse(&a.to_string()).unwrap(), a);
        assert_eq!(
            Anchor::parse(&format!("0:{}", "0".repeat(64))).unwrap().seq,
            0
        );
        for padded in [
            format!(" 1:{h}"),
            format!("1:{h} "),
            format!("1:{h}\r"),
            format!("1:{h}\n"),
        ] {
            let e = Anchor::parse(&padded).unwrap_err();
            assert!(
                e.message.ends_with("it has spaces or a line end around it"),
                "{padded:?}: {}",
                e.message
            );
        }
        for bad in [
            String::new(),
            "42".into(),
            format!(":{h}"),
            format!("+1:{h}"),
            format!("-1:{h}"),
            format!(" 1:{h}"),
            format!("1:{h} "),
            format!("1:{}", &h[1..]),
            format!("1:{h}0"),
            format!("1:{h}:2"),
            format!("99999999999999999999:{h}"),
            format!("1:{}", "é".repeat(32)),
            format!("0:{h}"),
            format!("0:{}1", "0".repeat(63)),
        ] {
            let e = Anchor::parse(&bad).unwrap_err();
            assert_eq!(e.kind, crate::model::error::Kind::Invalid, "{bad}");
        }
    }
}
