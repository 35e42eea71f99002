//! Text to a [`Manifest`]: every error is exit 2 with `SOURCE:LINE:COL: what is wrong,
//! expected ...`, from the parser that found it (toml, serde_json) or from the checks
//! that follow ([`super::duplicates`]).

use super::duplicates::find_problem;
use super::model::*;
use super::pieces;
use super::position::{json_position, json_token_start, locate, position_at, Position};
use crate::model::error::{Error, Result};

/// Parses a manifest. `source` names it in errors (a path, or [`STDIN_SOURCE`]). Every
/// error is `Kind::Invalid` with the message `SOURCE:LINE:COL: what is wrong, expected ...`.
pub fn parse(text: &str, source: &str, format: Format) -> Result<Manifest> {
    // Editors put a byte-order mark at the start; neither parser wants it, and no column
    // counts it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let manifest: Manifest = match format {
        // Table by table; the whole text at once only where that could read otherwise,
        // and for the error (see `pieces`).
        Format::Toml => match pieces::parse(text) {
            Some(m) => m,
            None => toml::from_str(text).map_err(|e| {
                let pos = e
                    .span()
                    .map(|s| position_at(text, s.start))
                    .unwrap_or(Position { line: 1, column: 1 });
                at(source, pos, e.message())
            })?,
        },
        Format::Json => {
            let value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| json_error(text, source, &e))?;
            if let Some((path, expected)) = json_table_as_list(&value) {
                let pos = locate(text, format, &path).unwrap_or(Position { line: 1, column: 1 });
                return Err(at(
                    source,
                    pos,
                    &format!("invalid type: sequence, expected {expected}"),
                ));
            }
            serde_json::from_str(text).map_err(|e| json_error(text, source, &e))?
        }
    };
    if manifest.version != VERSION {
        // Only a missing version gets here: any other wrong value failed where written.
        let example = match format {
            Format::Toml => format!("version = {VERSION}"),
            Format::Json => format!("\"version\": {VERSION}"),
        };
        return Err(at(
            source,
            Position { line: 1, column: 1 },
            &format!("missing `version`, expected `{example}` (the only version this dwctl reads)"),
        )
        .with_hint(format!("add `{example}` at the top of the manifest")));
    }
    if let Some(problem) = find_problem(&manifest) {
        let pos = locate(text, format, &problem.path).unwrap_or(Position { line: 1, column: 1 });
        let mut msg = problem.message;
        if let Some(first) = problem.first.and_then(|p| locate(text, format, &p)) {
            msg.push_str(&format!(" (first at {first})"));
        }
        return Err(at(source, pos, &msg).with_hint(problem.hint));
    }
    Ok(manifest)
}

/// Builds a manifest error the way [`parse`] does, for the planner's own findings.
pub fn error_at(source: &str, pos: Option<Position>, message: &str) -> Error {
    match pos {
        Some(pos) => at(source, pos, message),
        None => Error::invalid(format!("{source}: {message}")),
    }
}

fn at(source: &str, pos: Position, message: &str) -> Error {
    // Parser messages sometimes span lines; an error is one line.
    let message = crate::model::cut_quoted(&message.trim().replace('\n', "; "));
    Error::invalid(format!("{source}:{pos}: {message}"))
}

fn json_error(text: &str, source: &str, e: &serde_json::Error) -> Error {
    // A data error is about a value: point at its start, as TOML errors do. A syntax
    // error is about a character: serde_json's position is right.
    let pos = if e.is_data() {
        json_token_start(text, e.line(), e.column())
    } else {
        json_position(text, e.line(), e.column())
    };
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let msg = full.strip_suffix(&suffix).unwrap_or(&full);
    at(source, pos, msg)
}

/// serde's derived structs also accept a list of their fields in order, which serde_json
/// offers for `[...]`; a manifest has the same structure in both formats, so a list where
/// a table belongs is refused here, before that leniency can apply.
fn json_table_as_list(v: &serde_json::Value) -> Option<(Vec<Step<'static>>, &'static str)> {
    use serde_json::Value;
    use Step::{Index, Key};
    if v.is_array() {
        return Some((vec![], EXPECT_MANIFEST));
    }
    let tables_in = |v: &Value, key: &'static str| -> Option<usize> {
        match v.get(key) {
            Some(Value::Array(items)) => items.iter().position(Value::is_array),
            _ => None,
        }
    };
    for (key, expected) in [
        ("principal", EXPECT_PRINCIPAL),
        ("resource_group", EXPECT_RESOURCE_GROUP),
        ("workspace", EXPECT_WORKSPACE),
    ] {
        if let Some(i) = tables_in(v, key) {
            return Some((vec![Key(key), Index(i)], expected));
        }
    }
    if let Some(Value::Array(workspaces)) = v.get("workspace") {
        for (w, ws) in workspaces.iter().enumerate() {
            for (key, expected) in [
                ("member", EXPECT_MEMBER),
                ("compute", EXPECT_COMPUTE),
                ("datasource", EXPECT_DATASOURCE),
            ] {
                if let Some(i) = tables_in(ws, key) {
                    return Some((
                        vec![Key("workspace"), Index(w), Key(key), Index(i)],
                        expected,
                    ));
                }
            }
        }
    }
    None
}
