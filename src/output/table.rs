//! Table rendering with comfy-table: fitted to the terminal when stdout is one, never
//! wrapped into a pipe, coloured only when asked.
//!
//! Fitting is dwctl's own, not comfy-table's (which splits any word anywhere): a cell
//! breaks only at spaces, so an identifier (a name, an id, a role code, a status, a time)
//! is never split, and a list breaks between its items. Free text (display names,
//! descriptions, remarks, tags, messages) wraps at word boundaries. A list whose words
//! cannot all fit the terminal side by side is printed as one FIELD/VALUE block per row
//! instead (as `psql`'s expanded display). There, and in a `show`, a free-text word wider
//! than the whole value column is shortened with `…`; only an identifier wider than the
//! terminal by itself makes a line wider than it.

use comfy_table::{
    presets, Attribute, Cell, Color, ColumnConstraint, ContentArrangement, Table, Width,
};
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use super::text::{escape, Keep};

/// The terminal's width, if it tells one: a pseudo-terminal that was never sized reports
/// 0 columns, and fitting a table into that would put one letter per line.
pub fn terminal_width() -> Option<u16> {
    Table::new().width().filter(|w| *w > 0)
}

/// A table of cells already laid out (comfy-table never rearranges them).
fn new_table(color: bool) -> Table {
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    if color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t.set_content_arrangement(ContentArrangement::Disabled);
    t
}

/// How a JSON value reads in a table cell: one line, control characters escaped.
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::String(s) => escape(s, Keep::Nothing).into_owned(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => {
            if items.is_empty() {
                "-".into()
            } else {
                let objects = items.iter().any(|i| i.is_object());
                let parts: Vec<String> = items
                    .iter()
                    .map(|i| match i {
                        // An object inside a list reads as its values: `ws1: role_a, role_b`.
                        Value::Object(m) => {
                            m.values().map(cell_text).collect::<Vec<_>>().join(": ")
                        }
                        other => cell_text(other),
                    })
                    .collect();
                parts.join(if objects { "; " } else { ", " })
            }
        }
        Value::Object(m) => {
            if m.is_empty() {
                "-".into()
            } else {
                m.iter()
                    .map(|(k, v)| format!("{}={}", escape(k, Keep::Nothing), cell_text(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        }
    }
}

/// Fields whose values are free text: a word too long for the column is shortened with
/// `…`. Every other value keeps its words whole, whatever the width.
const FREE_TEXT: &[&str] = &[
    "display_name",
    "description",
    "remark",
    "tags",
    "message",
    "hint",
    "summary",
];

fn is_free_text(field: &str) -> bool {
    FREE_TEXT.contains(&field)
}

fn width_of(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(['\n', ' ']).filter(|w| !w.is_empty())
}

/// The widest word of `s`: the narrowest a column can be without splitting one.
fn longest_word(s: &str) -> usize {
    words(s).map(width_of).max().unwrap_or(0)
}

/// The widest line of `s`: the column's width when nothing wraps.
fn widest_line(s: &str) -> usize {
    s.split('\n').map(width_of).max().unwrap_or(0)
}

/// `word` cut to `width` columns, the last of them `…`.
fn shorten(word: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in word.chars() {
        let w = UnicodeWidthStr::width(c.encode_utf8(&mut [0; 4]) as &str);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `text` wrapped to `width` columns at spaces (its own line breaks kept). A word wider
/// than the column is shortened with `…` when `free`, else left whole (the line is
/// wider than the column).
pub fn wrap(text: &str, width: usize, free: bool) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in text.split('\n') {
        if width_of(line) <= width {
            out.push(line.to_string());
            continue;
        }
        let mut cur = String::new();
        let mut cur_w = 0;
        for word in line.split(' ').filter(|w| !w.is_empty()) {
            let word = if free && width_of(word) > width {
                shorten(word, width)
            } else {
                word.to_string()
            };
            let w = width_of(&word);
            if cur_w == 0 {
                cur = word;
                cur_w = w;
            } else if cur_w + 1 + w <= width {
                cur.push(' ');
                cur.push_str(&word);
                cur_w += 1 + w;
            } else {
                out.push(std::mem::replace(&mut cur, word));
                cur_w = w;
            }
        }
        out.push(cur);
    }
    out.join("\n")
}

/// How wide each column may be on a terminal of `width` columns (a column takes its
/// width plus a space either side; the last one's trailing space is trimmed), or `None`
/// when the columns cannot fit without splitting a word they must keep whole.
fn fit(mins: &[usize], fulls: &[usize], width: usize) -> Option<Vec<usize>> {
    let avail = width + 1;
    let need: usize = mins.iter().map(|m| m + 2).sum();
    if need > avail {
        return None;
    }
    let mut w = mins.to_vec();
    let mut rest = avail - need;
    // Every column that would wrap shares what is left, in equal parts.
    loop {
        let open: Vec<usize> = (0..w.len()).filter(|&i| w[i] < fulls[i]).collect();
        if open.is_empty() || rest == 0 {
            break;
        }
        let share = (rest / open.len()).max(1);
        for i in open {
            let grow = share.min(fulls[i] - w[i]).min(rest);
            w[i] += grow;
            rest -= grow;
        }
    }
    Some(w)
}

fn styled(text: String, color: bool) -> Cell {
    let c = Cell::new(&text);
    if !color {
        return c;
    }
    match text.as_str() {
        "available" | "ok" | "connectable" | "normal" => c.fg(Color::Green),
        "disabled" | "warning" | "unsupported" => c.fg(Color::Yellow),
        "deleted" | "denied" | "refused" | "unreachable" | "config_error" => c.fg(Color::Red),
        _ => c,
    }
}

fn header_name(name: &str) -> String {
    name.to_ascii_uppercase().replace('_', " ")
}

fn bold(text: String, color: bool) -> Cell {
    let c = Cell::new(text);
    if color {
        c.add_attribute(Attribute::Bold)
    } else {
        c
    }
}

fn header(names: &[String], color: bool) -> Vec<Cell> {
    names.iter().map(|n| bold(n.clone(), color)).collect()
}

/// A list as rows, with the view's columns.
pub fn rows(items: &[Value], columns: &[&str], color: bool, width: Option<u16>) -> String {
    let cells: Vec<Vec<String>> = items
        .iter()
        .map(|item| value_cells(item, columns))
        .collect();
    render(columns, cells, color, width)
}

/// The cells of `columns` of one JSON object.
pub fn value_cells(item: &Value, columns: &[&str]) -> Vec<String> {
    columns
        .iter()
        .map(|c| cell_text(item.get(*c).unwrap_or(&Value::Null)))
        .collect()
}

/// A table of rows already turned into cells, one per column: fitted to `width` when
/// there is one (see the module's comment), else as wide as its cells.
pub fn render(
    columns: &[&str],
    cells: Vec<Vec<String>>,
    color: bool,
    width: Option<u16>,
) -> String {
    Layout::new(columns, cells, color, width).1
}

/// How the rows of a long table are drawn once its first rows are printed: laid out from
/// those (fitted, or one block per row), each later row drawn alone with the same column
/// widths. A later cell wider than its column (a word longer than any before it) keeps
/// its words whole and pushes the rest of its own row to the right.
pub struct Layout {
    columns: Vec<String>,
    names: Vec<String>,
    color: bool,
    kind: Kind,
}

enum Kind {
    /// Columns this wide (their text, without the padding), each cell first wrapped to
    /// `wrap` when there is a terminal to fit.
    Table {
        widths: Vec<usize>,
        wrap: Option<Vec<usize>>,
    },
    /// One FIELD/VALUE block per row, on a terminal this wide.
    Expanded { width: usize },
}

impl Layout {
    /// The layout of a table of these rows, and the table (header and rows) drawn.
    pub fn new(
        columns: &[&str],
        mut cells: Vec<Vec<String>>,
        color: bool,
        width: Option<u16>,
    ) -> (Layout, String) {
        let mut names: Vec<String> = columns.iter().map(|c| header_name(c)).collect();
        let mut wrap_to = None;
        if let Some(width) = width {
            let mut mins: Vec<usize> = names.iter().map(|n| longest_word(n)).collect();
            let mut fulls: Vec<usize> = names.iter().map(|n| widest_line(n)).collect();
            // No word is shortened in a table: free text often names identifiers (a
            // check's message). A list whose words cannot all fit is one block per row.
            for row in &cells {
                for (i, text) in row.iter().enumerate() {
                    mins[i] = mins[i].max(longest_word(text));
                    fulls[i] = fulls[i].max(widest_line(text));
                }
            }
            let Some(widths) = fit(&mins, &fulls, width as usize) else {
                let layout = Layout {
                    columns: columns.iter().map(|c| c.to_string()).collect(),
                    names,
                    color,
                    kind: Kind::Expanded {
                        width: width as usize,
                    },
                };
                let text = layout.blocks(&cells);
                return (layout, text);
            };
            for (i, name) in names.iter_mut().enumerate() {
                *name = wrap(name, widths[i], false);
            }
            for row in &mut cells {
                wrap_cells(row, &widths);
            }
            wrap_to = Some(widths);
        }
        // As wide as the widest text of each column (comfy-table's measure).
        let mut widths: Vec<usize> = names.iter().map(|n| widest_line(n)).collect();
        for row in &cells {
            for (w, text) in widths.iter_mut().zip(row) {
                *w = (*w).max(widest_line(text));
            }
        }
        let layout = Layout {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            names,
            color,
            kind: Kind::Table {
                widths,
                wrap: wrap_to,
            },
        };
        let text = layout.draw(true, cells);
        (layout, text)
    }

    /// One more row, drawn as the rows before it.
    pub fn row(&self, mut cells: Vec<String>) -> String {
        match &self.kind {
            Kind::Table { wrap, .. } => {
                if let Some(widths) = wrap {
                    wrap_cells(&mut cells, widths);
                }
                self.draw(false, vec![cells])
            }
            Kind::Expanded { .. } => format!("\n{}", self.blocks(&[cells])),
        }
    }

    /// Rows as a table with the layout's widths, under the header if `header`.
    fn draw(&self, with_header: bool, cells: Vec<Vec<String>>) -> String {
        let Kind::Table { widths, .. } = &self.kind else {
            return self.blocks(&cells);
        };
        if !self.color {
            let head = with_header.then_some(&self.names);
            if let Some(plain) = plain_rows(head, &cells, widths) {
                return plain;
            }
        }
        let mut t = new_table(self.color);
        if with_header {
            t.set_header(header(&self.names, self.color));
        }
        for row in cells {
            t.add_row(row.into_iter().map(|text| styled(text, self.color)));
        }
        // Each column at least as wide as the layout's (wider for a longer word); set once
        // the rows have made the columns.
        t.set_constraints(widths.iter().map(|w| {
            ColumnConstraint::LowerBoundary(Width::Fixed(u16::try_from(w + 2).unwrap_or(u16::MAX)))
        }));
        trim_lines(t.to_string())
    }

    /// Rows as FIELD/VALUE blocks, a blank line between.
    fn blocks(&self, cells: &[Vec<String>]) -> String {
        let Kind::Expanded { width } = self.kind else {
            return String::new();
        };
        let columns: Vec<&str> = self.columns.iter().map(String::as_str).collect();
        expanded(&self.names, &columns, cells, self.color, width)
    }
}

/// The cells of a row wrapped to the widths of their columns, where wider.
fn wrap_cells(row: &mut [String], widths: &[usize]) {
    for (i, text) in row.iter_mut().enumerate() {
        if widest_line(text) > widths[i] {
            *text = wrap(text, widths[i], false);
        }
    }
}

/// A list too wide for the terminal: one FIELD/VALUE block per row, a blank line between.
fn expanded(
    names: &[String],
    columns: &[&str],
    cells: &[Vec<String>],
    color: bool,
    width: usize,
) -> String {
    let field_width = names.iter().map(|n| width_of(n)).max().unwrap_or(0);
    let value_width = width.saturating_sub(field_width + 3).max(1);
    let blocks: Vec<String> = cells
        .iter()
        .map(|row| {
            let mut t = new_table(color);
            for (i, text) in row.iter().enumerate() {
                let value = wrap(text, value_width, is_free_text(columns[i]));
                t.add_row(vec![bold(names[i].clone(), color), styled(value, color)]);
            }
            trim_lines(t.to_string())
        })
        .collect();
    blocks.join("\n\n")
}

/// What comfy-table writes for an uncoloured table of one-line printable ASCII cells
/// (each cell padded with a space on either side, each column as wide as `widths` says or
/// its widest cell, trailing blanks trimmed), under the header `head` if given, written
/// directly. Listing the 128,000 changes of a large apply through comfy-table took a
/// quarter of the apply; this takes a few percent. `None` for any other text (wide or
/// combining characters, line breaks), which comfy-table measures.
fn plain_rows(
    head: Option<&Vec<String>>,
    cells: &[Vec<String>],
    widths: &[usize],
) -> Option<String> {
    let plain = |s: &str| s.bytes().all(|b| (b' '..=b'~').contains(&b));
    let mut widths = widths.to_vec();
    for row in head.into_iter().chain(cells) {
        for (w, text) in widths.iter_mut().zip(row) {
            if !plain(text) {
                return None;
            }
            *w = (*w).max(text.len());
        }
    }
    let line_len = widths.iter().map(|w| w + 2).sum::<usize>() + 1;
    let mut out = String::with_capacity(line_len * (cells.len() + 1));
    for row in head.into_iter().chain(cells) {
        let start = out.len();
        for (text, w) in row.iter().zip(&widths) {
            out.push(' ');
            out.push_str(text);
            out.extend(std::iter::repeat_n(' ', w - text.len() + 1));
        }
        out.truncate(out[start..].trim_end().len() + start);
        out.push('\n');
    }
    out.pop();
    Some(out)
}

/// A list of objects whose columns are their own keys (the first object's).
pub fn rows_generic(items: &[Value], color: bool, width: Option<u16>) -> String {
    let keys: Vec<String> = match items.first() {
        Some(Value::Object(m)) => m.keys().cloned().collect(),
        _ => vec![],
    };
    let cols: Vec<&str> = keys.iter().map(String::as_str).collect();
    rows(items, &cols, color, width)
}

/// One object as FIELD / VALUE rows. A text value keeps its line breaks; on a terminal,
/// values wrap to the width that the FIELD column leaves.
pub fn fields(v: &Value, color: bool, width: Option<u16>) -> String {
    let rows: Vec<(String, String)> = match v {
        Value::Object(m) => m
            .iter()
            .map(|(k, val)| {
                let text = match val {
                    Value::String(s) => escape(s, Keep::LineBreaks).into_owned(),
                    other => cell_text(other),
                };
                (escape(k, Keep::Nothing).into_owned(), text)
            })
            .collect(),
        other => vec![("value".to_string(), cell_text(other))],
    };
    let mut t = new_table(color);
    t.set_header(header(&["FIELD".to_string(), "VALUE".to_string()], color));
    let field_width = rows
        .iter()
        .map(|(k, _)| width_of(k))
        .chain([width_of("FIELD")])
        .max()
        .unwrap_or(0);
    for (k, text) in rows {
        let text = match width {
            Some(w) => {
                let value_width = (w as usize).saturating_sub(field_width + 3).max(1);
                if widest_line(&text) > value_width {
                    wrap(&text, value_width, is_free_text(&k))
                } else {
                    text
                }
            }
            None => text,
        };
        t.add_row(vec![Cell::new(k), styled(text, color)]);
    }
    trim_lines(t.to_string())
}

/// comfy-table pads the last column; trailing blanks only get in the way of diff and grep.
/// A coloured last cell is padded inside its colour (`\x1b[32m ok    \x1b[39m`): those
/// blanks go too, and the colour codes stay. (Cell text never holds a raw ESC: it is
/// escaped, so every ESC here is the table's own styling.)
fn trim_lines(s: String) -> String {
    s.lines().map(trim_line).collect::<Vec<_>>().join("\n")
}

fn trim_line(line: &str) -> String {
    let mut body = line.trim_end();
    let mut codes = Vec::new();
    // Peel off the SGR sequences (`ESC [ digits ; m`) that end the line, with the blanks
    // before each.
    while let Some(start) = body.rfind('\x1b') {
        let code = &body[start..];
        let sgr = code.len() >= 3
            && code.starts_with("\x1b[")
            && code.ends_with('m')
            && code[2..code.len() - 1]
                .chars()
                .all(|c| c.is_ascii_digit() || c == ';');
        if !sgr {
            break;
        }
        codes.push(code);
        body = body[..start].trim_end();
    }
    let mut out = body.to_string();
    out.extend(codes.into_iter().rev());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells() {
        assert_eq!(cell_text(&serde_json::json!(null)), "-");
        assert_eq!(cell_text(&serde_json::json!(true)), "yes");
        assert_eq!(cell_text(&serde_json::json!(["a", "b"])), "a, b");
        assert_eq!(cell_text(&serde_json::json!({"team": "fin"})), "team=fin");
    }

    /// The direct rendering must be exactly what comfy-table writes.
    #[test]
    fn plain_rows_are_what_comfy_table_writes() {
        let samples = [
            vec![],
            vec![serde_json::json!({"name": "ws1", "status": "available"})],
            vec![
                serde_json::json!({"name": "a", "status": ""}),
                serde_json::json!({"name": "a much longer name", "status": "  padded  "}),
                serde_json::json!({"name": "", "status": null}),
                serde_json::json!({"name": "x y", "status": ["r1", "r2"], "extra": 1}),
                serde_json::json!({"status": {"k": "v"}}),
            ],
        ];
        for items in samples {
            for columns in [
                &["name", "status"][..],
                &["status"],
                &["name", "status_code"],
            ] {
                let cells: Vec<Vec<String>> = items
                    .iter()
                    .map(|i| {
                        columns
                            .iter()
                            .map(|c| cell_text(i.get(*c).unwrap_or(&Value::Null)))
                            .collect()
                    })
                    .collect();
                let mut t = new_table(false);
                let names: Vec<String> = columns.iter().map(|c| header_name(c)).collect();
                t.set_header(header(&names, false));
                for row in &cells {
                    t.add_row(row.iter().map(|text| styled(text.clone(), false)));
                }
                let comfy = trim_lines(t.to_string());
                let names: Vec<String> = columns.iter().map(|c| header_name(c)).collect();
                assert_eq!(
                    plain_rows(Some(&names), &cells, &vec![0; columns.len()]).as_deref(),
                    Some(comfy.as_str())
                );
            }
        }
        // Anything but one-line printable ASCII is left to comfy-table.
        assert_eq!(plain_rows(None, &[vec!["two\nlines".into()]], &[1]), None);
        assert_eq!(plain_rows(None, &[vec!["工作".into()]], &[1]), None);
    }

    #[test]
    fn wrapping_breaks_only_at_spaces() {
        // Identifiers and lists: never split, even when wider than the column.
        assert_eq!(
            wrap("role_project_admin, role_project_dev", 10, false),
            "role_project_admin,\nrole_project_dev"
        );
        assert_eq!(
            wrap("default_workspace_3456", 5, false),
            "default_workspace_3456"
        );
        // Free text: between words; a word too long is shortened with `…`.
        assert_eq!(wrap("Default Workspace", 10, true), "Default\nWorkspace");
        assert_eq!(wrap("a verylongword b", 6, true), "a\nveryl…\nb");
        assert_eq!(wrap("财务报表 月度", 5, true), "财务…\n月度");
        // Its own line breaks are kept.
        assert_eq!(wrap("one two\nthree", 3, false), "one\ntwo\nthree");
        assert_eq!(shorten("abcdef", 4), "abc…");
    }

    #[test]
    fn columns_fit_or_say_they_cannot() {
        // Minimums that do not fit: none.
        assert_eq!(fit(&[30, 30], &[30, 30], 60), None);
        // Room left is shared by the columns that would wrap.
        assert_eq!(fit(&[10, 5, 5], &[10, 40, 40], 40), Some(vec![10, 13, 12]));
        // Everything at its full width when it fits (the last column's trailing space
        // does not count).
        assert_eq!(fit(&[2, 3], &[4, 5], 12), Some(vec![4, 5]));
    }

    #[test]
    fn a_list_too_wide_for_the_terminal_is_one_block_per_row() {
        let items = vec![
            serde_json::json!({"name": "default_workspace_3456", "at": "2026-11-28T10:00:00.000Z", "display_name": "Default Workspace"}),
            serde_json::json!({"name": "fin_ws", "at": "2026-11-28T10:00:00.000Z", "display_name": "Finance"}),
        ];
        let cols = ["name", "at", "display_name"];
        let out = rows(&items, &cols, false, Some(40));
        assert_eq!(
            out,
            " NAME          default_workspace_3456\n AT            2026-11-28T10:00:00.000Z\n DISPLAY NAME  Default Workspace\n\n NAME          fin_ws\n AT            2026-11-28T10:00:00.000Z\n DISPLAY NAME  Finance"
        );
        // Wide enough: a table, the display name wrapped between words.
        let out = rows(&items, &cols, false, Some(68));
        assert!(out.starts_with(" NAME "), "{out}");
        assert!(out.lines().all(|l| l.chars().count() <= 68), "{out}");
        assert!(out.contains(" default_workspace_3456 "), "{out}");
    }

    /// A long table is laid out from its first rows: a later row no wider than them is
    /// drawn as the whole table would draw it; a wider word pushes only its own row.
    #[test]
    fn later_rows_are_drawn_with_the_first_rows_widths() {
        let items = [
            serde_json::json!({"name": "default_workspace_3456", "status": "available", "display_name": "Default Workspace"}),
            serde_json::json!({"name": "fin_ws", "status": "deleted", "display_name": "财务 Finance"}),
            serde_json::json!({"name": "ops", "status": "ok", "display_name": "two\nlines"}),
            serde_json::json!({"name": "a_much_longer_workspace_name", "status": "ok", "display_name": "-"}),
        ];
        let cols = ["name", "status", "display_name"];
        let cells: Vec<Vec<String>> = items.iter().map(|i| value_cells(i, &cols)).collect();
        for color in [false, true] {
            for width in [None, Some(200), Some(50), Some(30)] {
                let (layout, first) = Layout::new(&cols, cells[..2].to_vec(), color, width);
                assert_eq!(first, render(&cols, cells[..2].to_vec(), color, width));
                let streamed = format!("{first}\n{}", layout.row(cells[2].clone()));
                assert_eq!(
                    streamed,
                    render(&cols, cells[..3].to_vec(), color, width),
                    "{color} {width:?}"
                );
                // Wider than the first rows: only its own line is longer.
                let last = layout.row(cells[3].clone());
                assert!(last.contains("a_much_longer_workspace_name"), "{last}");
                if width != Some(30) {
                    assert_eq!(last.lines().count(), 1, "{last}");
                }
            }
        }
    }

    #[test]
    fn rows_render_without_colour_codes() {
        let items = vec![serde_json::json!({"name": "ws1", "status": "available"})];
        let out = rows(&items, &["name", "status"], false, None);
        assert!(out.contains("NAME"));
        assert!(out.contains("ws1"));
        assert!(!out.contains('\x1b'));
        let coloured = rows(&items, &["name", "status"], true, None);
        assert!(coloured.contains('\x1b'));
    }

    /// A coloured value in the last column (a status) ends where its text ends: comfy-table
    /// pads the column inside the colour, and those blanks would be trailing blanks.
    #[test]
    fn a_coloured_last_column_has_no_padding_inside_the_colour() {
        let items = vec![
            serde_json::json!({"name": "default_workspace_3456", "at": "2026-11-28T10:00:00.000Z", "status": "available"}),
            serde_json::json!({"name": "fin_ws", "at": "2026-11-28T10:00:00.000Z", "status": "deleted"}),
        ];
        let padded = |out: &str| {
            out.lines().any(|l| {
                let body = l.trim_end_matches(|c: char| {
                    c == 'm' || c.is_ascii_digit() || c == ';' || c == '['
                });
                body.ends_with("\x1b") && body[..body.len() - 1].ends_with(' ') || l.ends_with(' ')
            })
        };
        for cols in [&["name", "at", "status"][..], &["status"]] {
            // As a table, and as one block per row (too narrow for the table).
            for width in [None, Some(200), Some(40)] {
                let out = rows(&items, cols, true, width);
                assert!(out.contains("\x1b["), "{out:?}");
                assert!(!padded(&out), "{width:?}: {out:?}");
                assert!(out.contains("available\x1b[39m"), "{width:?}: {out:?}");
            }
        }
        let out = fields(&items[1], true, Some(80));
        assert!(!padded(&out), "{out:?}");
        assert!(out.contains("deleted\x1b[39m"), "{out:?}");
    }
}
