//! What may reach a terminal or a spreadsheet from the catalog: control characters
//! escaped, CSV cells that a spreadsheet would evaluate defused.
//!
//! dwctl refuses control characters in free text on input, but a catalog can hold rows
//! written before that rule, or by another tool: every table cell, status line and warning
//! goes through [`escape`], so that no stored value can move the cursor, retitle the
//! terminal or clear the screen of whoever reads it.

use std::borrow::Cow;

use crate::model::{needs_escape, push_escaped};

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

/// `s` with every control character (C0, DEL, C1) and format character written as JSON
/// writes it (`\n`, `\r`, `\t`, `\u001b`, `\u202e`), except those `keep` keeps: the
/// escapes of messages (`model::push_escaped`), here for what comes from the catalog. Borrowed
/// when there is nothing to escape, the usual case.
pub fn escape(s: &str, keep: Keep) -> Cow<'_, str> {
    if s.bytes().all(|b| (b' '..=b'~').contains(&b)) || !s.chars().any(needs_escape) {
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
            c if needs_escape(c) => push_escaped(&mut out, c),
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

/// serde_json's formatting (compact or pretty), except that DEL, C1 control characters and
/// format characters inside strings are written as `\u` escapes too: serde_json escapes
/// only C0, and a terminal takes U+009B for a CSI. The same JSON, read back; no
/// allocation, one scan of each string.
pub struct SafeJson<F>(pub F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for SafeJson<F> {
    #[inline]
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        if fragment.bytes().all(|b| b < 0x7f) {
            return w.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if needs_escape(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(w, "\\u{u:04x}")?;
                }
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    // The layout is the inner formatter's.
    #[inline]
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    #[inline]
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    #[inline]
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    #[inline]
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    #[inline]
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    #[inline]
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    #[inline]
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    #[inline]
    fn end_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_key(w)
    }
    #[inline]
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    #[inline]
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// `v` as one line of JSON (see [`SafeJson`]).
pub fn write_json<T: serde::Serialize + ?Sized>(
    w: &mut impl std::io::Write,
    v: &T,
) -> serde_json::Result<()> {
    v.serialize(&mut serde_json::Serializer::with_formatter(
        w,
        SafeJson(serde_json::ser::CompactFormatter),
    ))
}

/// `v` as indented JSON, as `serde_json::to_writer_pretty` writes it (see [`SafeJson`]).
pub fn write_json_pretty<T: serde::Serialize + ?Sized>(
    w: &mut impl std::io::Write,
    v: &T,
) -> serde_json::Result<()> {
    v.serialize(&mut serde_json::Serializer::with_formatter(
        w,
        SafeJson(serde_json::ser::PrettyFormatter::new()),
    ))
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
            assert!(!out.chars().any(needs_escape), "{keep:?}: {out:?}");
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
    fn json_escapes_what_a_terminal_would_obey() {
        let v = serde_json::json!({"d": "a\u{1b}[2J\u{9b}31m\u{7f}\u{202e}\u{e0001}财务\n", "n": [1, "x"]});
        let mut out = Vec::new();
        write_json(&mut out, &v).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            r#"{"d":"a\u001b[2J\u009b31m\u007f\u202e\udb40\udc01财务\n","n":[1,"x"]}"#
        );
        // The same value, read back.
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), v);
        // Pretty: exactly serde_json's layout.
        let plain = serde_json::json!({"a": [1, {"b": null}], "c": "ok"});
        let mut out = Vec::new();
        write_json_pretty(&mut out, &plain).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string_pretty(&plain).unwrap()
        );
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
