//! Where a value is in a manifest's text: 1-based lines and character columns, for errors
//! found while parsing ([`position_at`], serde_json's positions made to point at a value's
//! start) and after it ([`locate`], for the planner).

use std::fmt;

use super::model::{Format, Step};
use super::pieces;
use crate::model::line_column;

/// A place in a manifest's text, 1-based. Columns count characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// The position of byte `offset` of `text`.
pub(super) fn position_at(text: &str, offset: usize) -> Position {
    let (line, column) = line_column(text, offset);
    Position { line, column }
}

/// serde_json counts columns in bytes, pointing at the last byte it read; convert to the
/// character column of that character.
pub(super) fn json_position(text: &str, line: usize, byte_column: usize) -> Position {
    let line = line.max(1);
    let Some(line_text) = text.split('\n').nth(line - 1) else {
        return Position { line, column: 1 };
    };
    let mut end = byte_column.min(line_text.len());
    while !line_text.is_char_boundary(end) {
        end += 1;
    }
    Position {
        line,
        column: line_text[..end].chars().count().max(1),
    }
}

/// Where the value at `path` starts in `text` (a manifest that parses), e.g.
/// `[Key("workspace"), Index(0), Key("member"), Index(2), Key("user")]`: for the planner,
/// to point at what it refuses. (For a `[[table]]` of TOML, the start of its header.)
/// `None` when the path is not in the text.
pub fn locate(text: &str, format: Format, path: &[Step]) -> Option<Position> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Toml => {
            // The piece that holds it, else the whole text.
            let offset = pieces::locate(text, path).or_else(|| pieces::find(text, path))?;
            Some(position_at(text, offset))
        }
        Format::Json => {
            let mut scan = JsonScan {
                bytes: text.as_bytes(),
                i: 0,
            };
            scan.find(path).map(|offset| position_at(text, offset))
        }
    }
}

/// Finds where a value starts in JSON text that serde_json accepted. serde_json keeps no
/// positions but that of its error, which for a table or list can land past it (on the
/// next line even); so walk the text, which is short and known to be valid.
struct JsonScan<'t> {
    bytes: &'t [u8],
    i: usize,
}

impl JsonScan<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }
    /// At an opening quote: moves past the string and returns its raw bytes (escapes kept).
    fn string(&mut self) -> Option<&[u8]> {
        self.i += 1;
        let start = self.i;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' => self.i += 2,
                _ => self.i += 1,
            }
        }
        self.i += 1;
        self.bytes.get(start..self.i - 1)
    }
    fn key_is(&mut self, key: &str) -> Option<bool> {
        let start = self.i;
        let raw = self.string()?;
        if !raw.contains(&b'\\') {
            return Some(raw == key.as_bytes());
        }
        let decoded: String = serde_json::from_slice(&self.bytes[start..self.i]).ok()?;
        Some(decoded == key)
    }
    fn skip_value(&mut self) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'"' => {
                self.string()?;
            }
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.i += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
            }
            _ => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    self.i += 1;
                }
            }
        }
        Some(())
    }
    fn find(&mut self, path: &[Step]) -> Option<usize> {
        self.ws();
        let Some((step, rest)) = path.split_first() else {
            return Some(self.i);
        };
        match (step, self.peek()?) {
            (Step::Key(key), b'{') => {
                self.i += 1;
                loop {
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'"' => {
                            let hit = self.key_is(key)?;
                            self.ws();
                            if self.peek()? != b':' {
                                return None;
                            }
                            self.i += 1;
                            if hit {
                                return self.find(rest);
                            }
                            self.skip_value()?;
                        }
                        _ => return None,
                    }
                }
            }
            (Step::Index(n), b'[') => {
                self.i += 1;
                let mut index = 0;
                loop {
                    self.ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => return None,
                        _ if index == *n => return self.find(rest),
                        _ => {
                            self.skip_value()?;
                            index += 1;
                        }
                    }
                }
            }
            _ => None,
        }
    }
}

/// serde_json reports a data error just after the value it has read (or, for a table or a
/// list it refuses, just before it). Point at the value's first character instead, as for
/// TOML: walk back over a string or a bare word (a number, `true`, `null`), or forward to
/// the `{` or `[`.
pub(super) fn json_token_start(text: &str, line: usize, byte_column: usize) -> Position {
    let fallback = json_position(text, line, byte_column);
    let line_start = match line {
        0 | 1 => 0,
        n => match text.match_indices('\n').nth(n - 2) {
            Some((i, _)) => i + 1,
            None => return fallback,
        },
    };
    let bytes = text.as_bytes();
    let end = (line_start + byte_column).min(bytes.len());
    let Some(last) = end.checked_sub(1) else {
        return fallback;
    };
    let is_word = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.');
    let start = match bytes[last] {
        b'"' => (0..last).rev().find(|&q| {
            bytes[q] == b'"'
                && bytes[..q].iter().rev().take_while(|b| **b == b'\\').count() % 2 == 0
        }),
        b if is_word(b) => Some(
            bytes[..last]
                .iter()
                .rposition(|b| !is_word(*b))
                .map_or(0, |p| p + 1),
        ),
        _ => bytes[end..]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|p| end + p)
            .filter(|&n| matches!(bytes[n], b'{' | b'[')),
    };
    // Every offset found is at an ASCII byte, so a character boundary.
    start.map_or(fallback, |offset| position_at(text, offset))
}
