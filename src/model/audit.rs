//! Audit events as stored, and the anchor that pins the log's head.

use serde::Serialize;
use serde_json::Value;

use super::clock::Timestamp;
use super::error::{Error, Result};
use super::text::shown;

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

/// The newest event's seq and hash: an anchor to keep outside the catalog (`audit head`),
/// and to give back to `audit verify --expect`. An empty log's head is `0` and the chain's
/// starting value (64 `0`s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
}

impl std::fmt::Display for Anchor {
    /// `SEQ:HASH`, the form `--expect` takes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

const ANCHOR_HINT: &str = "an anchor is SEQ:HASH as dwctl audit head prints it, e.g. 42:9f86d081884c7d65...: a sequence number and 64 hex digits";

impl Anchor {
    /// `SEQ:HASH`: a seq of digits (0 or more) and 64 hex digits (any case).
    pub fn parse(s: &str) -> Result<Anchor> {
        let bad = || Error::invalid(format!("invalid anchor {}", shown(s))).with_hint(ANCHOR_HINT);
        // An anchor is exact; but spaces or a line end around it (`\r` from a file written
        // on Windows) hide past the message's excerpt: say so.
        if s.trim() != s && Anchor::parse(s.trim()).is_ok() {
            return Err(Error::invalid(format!(
                "invalid anchor {}: it has spaces or a line end around it",
                shown(s)
            ))
            .with_hint(
                "pass it exactly as dwctl audit head printed it, without spaces or line ends",
            ));
        }
        let (seq, hash) = s.split_once(':').ok_or_else(bad)?;
        if seq.is_empty() || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let seq: i64 = seq.parse().map_err(|_| bad())?;
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        // Seq 0 is the start of every chain, whose hash is 64 `0`s (the head of an empty
        // log): any other is no anchor dwctl printed, not a sign that the log was rewritten.
        if seq == 0 && hash.bytes().any(|b| b != b'0') {
            return Err(Error::invalid(format!(
                "invalid anchor {}: event 0 is the start of every chain, and its hash is 64 zeros",
                shown(s)
            ))
            .with_hint(ANCHOR_HINT));
        }
        Ok(Anchor {
            seq,
            hash: hash.to_ascii_lowercase(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            assert_eq!(e.kind, super::super::error::Kind::Invalid, "{bad}");
        }
    }
}
