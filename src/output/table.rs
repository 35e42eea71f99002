//! Table rendering with comfy-table: fitted to the terminal when stdout is one, never
//! wrapped into a pipe, coloured only when asked.

use comfy_table::{presets, Attribute, Cell, Color, ContentArrangement, Table};
use serde_json::Value;

/// The terminal's width, if it tells one: a pseudo-terminal that was never sized reports
/// 0 columns, and fitting a table into that would put one letter per line.
pub fn terminal_width() -> Option<u16> {
    Table::new().width().filter(|w| *w > 0)
}

fn new_table(color: bool, width: Option<u16>) -> Table {
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    if color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    match width {
        Some(w) => {
            t.set_width(w);
            t.set_content_arrangement(ContentArrangement::Dynamic);
        }
        None => {
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    t
}

/// How a JSON value reads in a table cell.
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::String(s) => s.clone(),
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
                    .map(|(k, v)| format!("{k}={}", cell_text(v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        }
    }
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

fn header(names: &[&str], color: bool) -> Vec<Cell> {
    names
        .iter()
        .map(|n| {
            let c = Cell::new(n.to_ascii_uppercase().replace('_', " "));
            if color {
                c.add_attribute(Attribute::Bold)
            } else {
                c
            }
        })
        .collect()
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

/// A table of rows already turned into cells, one per column.
pub fn render(
    columns: &[&str],
    cells: Vec<Vec<String>>,
    color: bool,
    width: Option<u16>,
) -> String {
    if !color && width.is_none() {
        if let Some(plain) = plain_rows(columns, &cells) {
            return plain;
        }
    }
    let mut t = new_table(color, width);
    t.set_header(header(columns, color));
    for row in cells {
        t.add_row(row.into_iter().map(|text| styled(text, color)));
    }
    trim_lines(t.to_string())
}

/// What comfy-table writes for an unfitted, uncoloured table of one-line printable ASCII
/// cells (each cell padded with a space on either side, columns as wide as their widest
/// cell, trailing blanks trimmed), written directly. Listing the 128,000 changes of a
/// large apply through comfy-table took a quarter of the apply; this takes a few percent.
/// `None` for any other text (wide or combining characters, line breaks), which
/// comfy-table measures.
fn plain_rows(columns: &[&str], cells: &[Vec<String>]) -> Option<String> {
    let plain = |s: &str| s.bytes().all(|b| (b' '..=b'~').contains(&b));
    let head: Vec<String> = columns
        .iter()
        .map(|n| n.to_ascii_uppercase().replace('_', " "))
        .collect();
    let mut widths: Vec<usize> = head.iter().map(String::len).collect();
    for row in cells {
        for (w, text) in widths.iter_mut().zip(row) {
            if !plain(text) {
                return None;
            }
            *w = (*w).max(text.len());
        }
    }
    let line_len = widths.iter().map(|w| w + 2).sum::<usize>() + 1;
    let mut out = String::with_capacity(line_len * (cells.len() + 1));
    for row in std::iter::once(&head).chain(cells) {
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

/// One object as FIELD / VALUE rows.
pub fn fields(v: &Value, color: bool, width: Option<u16>) -> String {
    let mut t = new_table(color, width);
    t.set_header(header(&["field", "value"], color));
    match v {
        Value::Object(m) => {
            for (k, val) in m {
                t.add_row(vec![Cell::new(k), styled(cell_text(val), color)]);
            }
        }
        other => {
            t.add_row(vec![Cell::new("value"), Cell::new(cell_text(other))]);
        }
    }
    trim_lines(t.to_string())
}

/// comfy-table pads the last column; trailing blanks only get in the way of diff and grep.
fn trim_lines(s: String) -> String {
    s.lines()
        .map(|l| l.trim_end())
        .collect::<Vec<_>>()
        .join("\n")
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
                let mut t = new_table(false, None);
                t.set_header(header(columns, false));
                for row in &cells {
                    t.add_row(row.iter().map(|text| styled(text.clone(), false)));
                }
                let comfy = trim_lines(t.to_string());
                assert_eq!(plain_rows(columns, &cells).as_deref(), Some(comfy.as_str()));
            }
        }
        // Anything but one-line printable ASCII is left to comfy-table.
        assert_eq!(plain_rows(&["a"], &[vec!["two\nlines".into()]]), None);
        assert_eq!(plain_rows(&["a"], &[vec!["工作".into()]]), None);
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
}
