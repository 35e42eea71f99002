//! What may reach a terminal or a spreadsheet from the catalog: control characters
//! escaped, CSV cells that a spreadsheet would evaluate defused.
//!
//! dwctl refuses control characters in free text on input, but a catalog can hold rows
//! written before that rule, or by another tool: every table cell, status line and warning
//! goes through [`escape`], so that no stored value can move the cursor, retitle the
//! terminal or clear the screen of whoever reads it.

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::domain::model::is_format_char;

/// Which harmless control characters a rendering keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// None: one line (list rows, status lines, warnings).
    Nothing,
    /// Line breaks, and tabs as spaces to the next multiple of 8 (a `show` value).
    LineBreaks,
    /// Line breaks and tabs as they are (CSV, whose quoting carries them).
    LineBreaksAndTabs,
}

fn unsafe_char(c: char) -> bool {
    c.is_control() || is_format_char(c)
}

/// `s` with every control character (C0, DEL, C1) and format character written as JSON
/// writes it (`\n`, `\r`, `\t`, `\u001b`, `\u202e`), except those `keep` keeps. Borrowed
/// when there is nothing to escape, the usual case.
pub fn escape(s: &str, keep: Keep) -> Cow<'_, str> {
    if s.bytes().all(|b| (b' '..=b'~').contains(&b)) || !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut column = 0usize;
    for c in s.chars() {
        match c {
            '\n' if keep != Keep::Nothing => {
                out.push('\n');
                column = 0;
                continue;
            }
            '\t' if keep == Keep::LineBreaksAndTabs => out.push('\t'),
            '\t' if keep == Keep::LineBreaks => {
                let n = 8 - column % 8;
                out.extend(std::iter::repeat_n(' ', n));
                column += n;
                continue;
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if unsafe_char(c) => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
            c => out.push(c),
        }
        column += 1;
    }
    Cow::Owned(out)
}

/// A CSV cell that a spreadsheet would read as a formula (OWASP: one starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, which spreadsheets show
/// as text and do not evaluate. Only text cells: numbers are written as numbers.
pub fn defuse_formula(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// A text cell of CSV, before quoting: defused, and no control character but line breaks
/// and tabs (JSON output is exact; CSV is read by people and spreadsheets).
pub fn csv_text(s: &str) -> String {
    escape(&defuse_formula(s), Keep::LineBreaksAndTabs).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_as_json_writes_them() {
        let hostile = "a\u{1b}]0;pwned\u{7}b\u{1b}[2J\rc\u{9b}31m\u{7f}\u{202e}\u{e0001}\u{8}\u{c}";
        let want =
            "a\\u001b]0;pwned\\u0007b\\u001b[2J\\rc\\u009b31m\\u007f\\u202e\\udb40\\udc01\\b\\f";
        assert_eq!(escape(hostile, Keep::Nothing), want);
        assert_eq!(escape(hostile, Keep::LineBreaks), want);
        // The same text as serde_json writes inside a JSON string (but for the characters
        // JSON leaves raw: DEL, C1 and format characters, which a terminal must not get).
        let json = serde_json::to_string("\u{1b}\u{7}\r\n\t").unwrap();
        assert_eq!(
            json,
            format!("\"{}\"", escape("\u{1b}\u{7}\r\n\t", Keep::Nothing))
        );
        for keep in [Keep::Nothing, Keep::LineBreaks, Keep::LineBreaksAndTabs] {
            let out = escape(hostile, keep);
            assert!(!out.chars().any(unsafe_char), "{keep:?}: {out:?}");
        }
        assert!(matches!(
            escape("plain ascii", Keep::Nothing),
            Cow::Borrowed(_)
        ));
        assert!(matches!(
            escape("财务 report", Keep::Nothing),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn line_breaks_and_tabs_as_each_rendering_wants() {
        let s = "one\ttab\nab\tc";
        assert_eq!(escape(s, Keep::Nothing), "one\\ttab\\nab\\tc");
        assert_eq!(escape(s, Keep::LineBreaks), "one     tab\nab      c");
        assert_eq!(escape(s, Keep::LineBreaksAndTabs), s);
    }

    #[test]
    fn formulas_are_defused() {
        for s in [
            "=1+2",
            "+1",
            "-1",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"http://x\")",
        ] {
            assert_eq!(defuse_formula(s), format!("'{s}"), "{s:?}");
        }
        for s in [
            "",
            "plain",
            "1-2",
            "a=b",
            " =1",
            "'quoted",
            "2026-11-28T10:00:00.000Z",
        ] {
            assert_eq!(defuse_formula(s), s, "{s:?}");
        }
        assert_eq!(csv_text("\r=1"), "'\\r=1");
        assert_eq!(
            csv_text("two\nlines\tand\u{1b}[2J"),
            "two\nlines\tand\\u001b[2J"
        );
    }
}
