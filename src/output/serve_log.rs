//! What `dwctl serve` prints: the address it listens on (the first line on stdout, for
//! scripts and tests), and one line per request on stderr (`--log-format json|text`).

use std::io::Write;

use serde::Serialize;

/// `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Text,
}

/// One request, as logged.
#[derive(Debug, Clone, Serialize)]
pub struct RequestLine<'a> {
    pub time: &'a str,
    pub request_id: &'a str,
    pub action: &'a str,
    pub principal: &'a str,
    /// `200` or `403 Forbidden.Access`: the status and the API's error code.
    pub outcome: &'a str,
    pub status: u16,
    pub duration_ms: f64,
}

/// The first line on stdout: the address the server listens on, flushed at once.
pub fn listening(address: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{address}")?;
    out.flush()
}

/// A line about the server itself (shutting down), on stderr.
pub fn note(format: LogFormat, message: &str) {
    let mut err = std::io::stderr().lock();
    let _ = match format {
        LogFormat::Json => {
            let _ = super::text::write_json(&mut err, &serde_json::json!({ "message": message }));
            writeln!(err)
        }
        LogFormat::Text => writeln!(err, "{message}"),
    };
}

/// One line per request on stderr; a failed write is ignored (the request is served).
pub fn request(format: LogFormat, line: &RequestLine) {
    let mut err = std::io::stderr().lock();
    let _ = match format {
        LogFormat::Json => {
            let _ = super::text::write_json(&mut err, line);
            writeln!(err)
        }
        LogFormat::Text => writeln!(
            err,
            "{} {} action={} principal={} outcome={} duration_ms={:.1}",
            line.time,
            line.request_id,
            field(line.action),
            field(line.principal),
            line.outcome.replace(' ', "/"),
            line.duration_ms
        ),
    };
}

/// A value of a text log line: control characters escaped, spaces kept out, `-` for none.
fn field(s: &str) -> String {
    if s.is_empty() {
        return "-".into();
    }
    let mut out = String::new();
    for c in s.chars().take(128) {
        if c == ' ' {
            out.push_str("\\x20");
        } else if crate::model::needs_escape(c) {
            crate::model::push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}
