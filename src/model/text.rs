//! Text helpers every layer uses: lengths, printability, escaping, quoting names and
//! excerpts in messages.

/// Lengths count Unicode scalar values (domain.md 9).
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// "Printable": no control (Cc) or format (Cf) characters (domain.md 9). Rust's std has no
/// general-category table, so the Cf set is listed: it is small and stable.
pub fn is_printable(s: &str) -> bool {
    s.chars().all(|c| !c.is_control() && !is_format_char(c))
}

pub fn is_format_char(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2
        | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
}

/// How many characters of a piece of user input a message shows before `…`.
pub const EXCERPT_CHARS: usize = 64;

/// Whether a character is written escaped in messages: control (Cc) and format (Cf)
/// characters, and the Unicode line and paragraph separators.
pub fn needs_escape(c: char) -> bool {
    c.is_control() || is_format_char(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Append `c` escaped as JSON writes it: `\n`, `\t`, `\r`, `\b`, `\f`, else `\u001b` (a
/// surrogate pair beyond the BMP).
pub fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        _ => {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
}

/// The one way a piece of user input enters a message: every character that could act on a
/// terminal escaped as in JSON, and cut after [`EXCERPT_CHARS`] characters with `…`, so that
/// hostile input can neither garble the terminal nor flood the log. Unquoted.
pub fn excerpt(s: &str) -> String {
    excerpt_of(s, EXCERPT_CHARS)
}

/// [`excerpt`] with another length (the printer's last line of defence uses a longer one).
pub fn excerpt_of(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i >= max {
            out.push('…');
            break;
        }
        if needs_escape(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// JSON text with the characters that serde_json leaves raw inside strings but a terminal
/// obeys (DEL, C1 controls, format characters) written as `\u` escapes: the same JSON.
/// (Outside strings, JSON text is ASCII.)
pub fn json_without_invisibles(s: String) -> String {
    // (C0 inside strings is escaped already; outside them, it is the layout.)
    let invisible = |c: char| matches!(c, '\u{7f}'..='\u{9f}') || is_format_char(c);
    if s.is_ascii() || !s.chars().any(invisible) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if invisible(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Quote a user-supplied value for a message: `'…'` around its [`excerpt`].
pub fn shown(s: &str) -> String {
    format!("'{}'", excerpt(s))
}

/// A parser's message (toml, serde, serde_json) with every quoted span (`` `...` `` or
/// `"..."`: where those parsers repeat a key or a value of the input) cut like
/// [`excerpt`], so that an unknown 100,000-character key is not repeated whole.
pub fn cut_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(1024));
    let mut rest = message;
    while let Some(i) = rest.find(['`', '"']) {
        let q = rest[i..].chars().next().unwrap_or('"');
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        let Some(j) = rest.find(q) else { break };
        let inner = &rest[..j];
        if char_len(inner) > EXCERPT_CHARS {
            out.push_str(&excerpt(inner));
        } else {
            out.push_str(inner);
        }
        out.push(q);
        rest = &rest[j + 1..];
    }
    out.push_str(rest);
    out
}

/// A user-supplied name inside a message: as given when it is short and printable (so
/// that ordinary messages read naturally), else quoted, escaped and cut like [`shown`].
/// Blanks at either end are quoted too: `no catalog at ' '` rather than a trailing blank.
pub fn named(s: &str) -> String {
    if !s.is_empty()
        && char_len(s) <= EXCERPT_CHARS
        && !s.chars().any(needs_escape)
        && s.trim() == s
    {
        s.to_string()
    } else {
        shown(s)
    }
}

/// The 1-based line and column (in characters, not bytes) of byte `offset` of `text`, as
/// a message about a file names a place: an offset inside a character is that character,
/// one past the end is the end.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_and_never_splits_one() {
        assert_eq!(line_column("a = 1\nbb = 2\n", 7), (2, 2));
        assert_eq!(line_column("x", 0), (1, 1));
        assert_eq!(line_column("x", 9), (1, 2));
        // `é` is two bytes: an offset inside it is that character, not a panic (config's
        // copy sliced at the offset and panicked there).
        assert_eq!(line_column("é = 1", 1), (1, 1));
        assert_eq!(line_column("aé\nb", 3), (1, 3));
        assert_eq!(line_column("aé\nb", 5), (2, 2));
    }
}
