//! The audit log's hash chain (domain.md 8): each event's hash covers the previous hash
//! and the event, so that a rewritten or removed event shows.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::model::audit::AuditEvent;

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
}
