//! The audit log's events and their hash chain (domain.md 8).

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::clock::Timestamp;
use super::error::{Error, Result};
use super::policy;
use super::session::Session;
use crate::catalog::AuditFilter;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: Timestamp,
    pub actor: String,
    pub actor_id: String,
    pub action: String,
    pub workspace: Option<String>,
    pub target: Option<String>,
    pub outcome: String,
    pub details: Value,
    pub hash: String,
}

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
    pub message: String,
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

/// `audit verify`: recompute the chain and name the first event that does not match.
/// Reading the whole log needs the tenant-level right to read it.
pub fn verify(s: &mut Session) -> Result<Verification> {
    if !s.actor.is_tenant_admin() {
        return Err(Error::denied(format!(
            "{} may not verify the whole audit log",
            s.actor.name
        ))
        .with_hint("this needs the account or a RAM user with full access"));
    }
    // The chain can only be trusted in a sound file (exit 7 when it is not).
    s.tx().quick_check()?;
    let mut prev = "0".repeat(64);
    let mut expected_seq = 1;
    let mut count = 0;
    let mut bad: Option<(i64, String)> = None;
    s.tx().for_each_event(|e| {
        count += 1;
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
    Ok(match bad {
        None => Verification {
            ok: true,
            events: count,
            first_bad_seq: None,
            message: format!("the audit chain of {count} events verifies"),
        },
        Some((seq, message)) => Verification {
            ok: false,
            events: count,
            first_bad_seq: Some(seq),
            message,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
