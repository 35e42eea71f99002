//! The only code that writes to stdout and stderr. Every command hands it one Serialize
//! view; the format decides the rendering, never the command.
//!
//! stdout carries only results. Status lines, warnings, prompts and errors go to stderr,
//! and under `-o json`/`-o jsonl` stderr carries JSON lines too.
#![allow(clippy::print_stderr)]

mod cells;
pub mod serve_log;
mod table;
mod text;
pub mod type_catalog;
pub mod views;

use serde::Serialize;
use serde_json::Value;
use std::io::{self, BufWriter, IsTerminal, Stdout, Write};

use crate::model::error::{Error, Result};
use crate::model::Warning;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Jsonl,
    Csv,
}

impl Format {
    pub fn parse(s: &str) -> Result<Format> {
        match s.to_ascii_lowercase().as_str() {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "jsonl" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            _ => Err(
                Error::invalid(format!("invalid output format {}", crate::model::shown(s)))
                    .with_hint("expected one of: table, json, jsonl, csv"),
            ),
        }
    }
    pub fn is_json(self) -> bool {
        matches!(self, Format::Json | Format::Jsonl)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn parse(s: &str) -> Result<ColorChoice> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(ColorChoice::Auto),
            "always" => Ok(ColorChoice::Always),
            "never" => Ok(ColorChoice::Never),
            _ => Err(
                Error::invalid(format!("invalid colour choice {}", crate::model::shown(s)))
                    .with_hint("expected one of: auto, always, never"),
            ),
        }
    }
}

/// The status line of an `apply` that changed nothing (cli.md 8).
pub const NO_CHANGES: &str = "No changes.";

/// A view that can be listed: its JSON fields, and those a table shows as columns.
pub trait View: Serialize {
    /// Every field it serializes, in order: the CSV header, the same whether or not the
    /// list has rows. (In debug builds, every CSV row is checked against it.)
    const FIELDS: &'static [&'static str];
    /// The fields a table shows.
    const COLUMNS: &'static [&'static str];
}

/// The JSON envelope of a mutating command (cli.md 3).
#[derive(Serialize)]
struct Envelope<'a, T: Serialize + ?Sized> {
    action: &'a str,
    changed: bool,
    dry_run: bool,
    result: &'a T,
    warnings: &'a [Warning],
}

pub struct Printer {
    format: Format,
    color_out: bool,
    color_err: bool,
    quiet: bool,
    /// The terminal's width when stdout is a terminal; tables into pipes never wrap.
    width: Option<u16>,
    out: BufWriter<Stdout>,
}

impl Printer {
    pub fn new(format: Format, color: ColorChoice, quiet: bool) -> Printer {
        let out_tty = io::stdout().is_terminal();
        let err_tty = io::stderr().is_terminal();
        let (color_out, color_err) = match color {
            ColorChoice::Always => (true, true),
            ColorChoice::Never => (false, false),
            ColorChoice::Auto => (out_tty, err_tty),
        };
        let width = if out_tty {
            table::terminal_width()
        } else {
            None
        };
        Printer {
            format,
            color_out,
            color_err,
            quiet,
            width,
            out: BufWriter::with_capacity(64 * 1024, io::stdout()),
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// A list: a JSON array (`[]` when empty), JSON lines, CSV rows, or a table.
    pub fn list<T: View>(&mut self, items: &[T]) -> io::Result<()> {
        self.list_or_say(items, "(none)")
    }

    /// A list whose emptiness is the news (`check`): an empty table says `empty` on
    /// stderr instead of "(none)"; other formats are as `list`.
    pub fn list_or_say<T: View>(&mut self, items: &[T], empty: &'static str) -> io::Result<()> {
        let mut w = self.list_writer_or_say::<T>(empty)?;
        for item in items {
            w.row(item)?;
        }
        w.finish()
    }

    /// Stream a long list row by row (JSON, JSON lines and CSV never hold it all).
    pub fn list_writer<T: View>(&mut self) -> io::Result<ListWriter<'_, T>> {
        if self.format == Format::Json {
            self.out.write_all(b"[")?;
        }
        Ok(ListWriter {
            printer: self,
            count: 0,
            rows: Vec::new(),
            layout: None,
            empty: "(none)",
            _t: std::marker::PhantomData,
        })
    }

    /// `list_writer` for a list whose emptiness is the news, as `list_or_say`.
    pub fn list_writer_or_say<T: View>(
        &mut self,
        empty: &'static str,
    ) -> io::Result<ListWriter<'_, T>> {
        let mut w = self.list_writer::<T>()?;
        w.empty = empty;
        Ok(w)
    }

    /// One object (`show`): pretty JSON, one JSON line, one CSV row, or a field/value table.
    pub fn object<T: Serialize>(&mut self, item: &T) -> io::Result<()> {
        match self.format {
            Format::Json => {
                text::write_json_pretty(&mut self.out, item)?;
                self.out.write_all(b"\n")
            }
            Format::Jsonl => {
                text::write_json(&mut self.out, item)?;
                self.out.write_all(b"\n")
            }
            Format::Csv => {
                let v = serde_json::to_value(item)?;
                write_csv_object(&mut self.out, &v)
            }
            Format::Table => {
                let v = serde_json::to_value(item)?;
                let t = table::fields(&v, self.color_out, self.width);
                writeln!(self.out, "{t}")
            }
        }
    }

    /// The result of a mutating command: the envelope under JSON, its result otherwise,
    /// and a status line on stderr.
    pub fn mutation<T: Serialize + ?Sized>(
        &mut self,
        action: &str,
        changed: bool,
        dry_run: bool,
        result: &T,
        warnings: &[Warning],
        status: &str,
    ) -> io::Result<()> {
        for w in warnings {
            self.warning(w);
        }
        let env = Envelope {
            action,
            changed,
            dry_run,
            result,
            warnings,
        };
        match self.format {
            Format::Json => {
                text::write_json_pretty(&mut self.out, &env)?;
                self.out.write_all(b"\n")?;
            }
            Format::Jsonl => {
                text::write_json(&mut self.out, &env)?;
                self.out.write_all(b"\n")?;
            }
            Format::Csv | Format::Table => {
                let v = serde_json::to_value(result)?;
                match (&v, self.format) {
                    // Nothing was there (`--if-exists`): no result to print.
                    (Value::Null, _) => {}
                    (Value::Array(items), Format::Csv) => write_csv_rows(&mut self.out, items)?,
                    (Value::Array(items), _) => {
                        if !items.is_empty() {
                            let t = table::rows_generic(items, self.color_out, self.width);
                            writeln!(self.out, "{t}")?;
                        }
                    }
                    (_, Format::Csv) => write_csv_object(&mut self.out, &v)?,
                    _ => {
                        let t = table::fields(&v, self.color_out, self.width);
                        writeln!(self.out, "{t}")?;
                    }
                }
                self.mutation_status(changed, dry_run, status);
            }
        }
        Ok(())
    }

    /// A mutation whose result is a list (`apply`'s changes): the envelope under JSON
    /// formats, else the rows as `list` prints them (nothing when there are none, the
    /// status line says so), then the status line.
    pub fn mutation_list<T: View, L: Rows<T> + Serialize + ?Sized>(
        &mut self,
        action: &str,
        changed: bool,
        dry_run: bool,
        items: &L,
        warnings: &[Warning],
        status: &str,
    ) -> io::Result<()> {
        if self.format.is_json() {
            return self.mutation(action, changed, dry_run, items, warnings, status);
        }
        for w in warnings {
            self.warning(w);
        }
        let mut list = self.list_writer::<T>()?;
        list.empty = "";
        items.each(&mut |item| list.row(item))?;
        list.finish()?;
        self.mutation_status(changed, dry_run, status);
        Ok(())
    }

    /// The status line of a mutation: `Dry run (nothing written): ` first when it was one,
    /// ` (no change)` last when nothing changed (unless the line says so itself).
    fn mutation_status(&self, changed: bool, dry_run: bool, status: &str) {
        let prefix = if dry_run {
            "Dry run (nothing written): "
        } else {
            ""
        };
        let suffix = if changed || status == NO_CHANGES {
            ""
        } else {
            " (no change)"
        };
        self.status(&format!("{prefix}{status}{suffix}"));
    }

    /// A status line on stderr: not under JSON formats, not with `--quiet`. One line:
    /// control characters from the catalog are escaped.
    pub fn status(&self, msg: &str) {
        if self.quiet || self.format.is_json() || msg.is_empty() {
            return;
        }
        eprintln!("{}", text::escape(msg, text::Keep::Nothing));
    }

    pub fn warning(&self, w: &Warning) {
        if self.quiet {
            return;
        }
        self.warning_even_if_quiet(w);
    }

    /// A warning `--quiet` does not silence: the catalog's safety (its file mode).
    pub fn warning_even_if_quiet(&self, w: &Warning) {
        if self.format.is_json() {
            let line = serde_json::json!({ "warning": { "code": w.code, "message": w.message } });
            let mut buf = Vec::new();
            if text::write_json(&mut buf, &line).is_ok() {
                eprintln!("{}", String::from_utf8_lossy(&buf));
            }
        } else {
            let message = text::escape(&w.message, text::Keep::Nothing);
            if self.color_err {
                eprintln!("\x1b[33mwarning:\x1b[0m {message}");
            } else {
                eprintln!("warning: {message}");
            }
        }
    }

    /// The error, last on stderr: text with `caused by:` and `hint:` lines, or one JSON
    /// object under JSON formats.
    pub fn error(&self, e: &Error, code: &str, exit_code: i32) {
        eprint!("{}", self.error_text(e, code, exit_code));
    }

    /// The error as `error` prints it on stderr: one JSON line under JSON formats, else
    /// `error:`, `caused by:` and `hint:` lines. Prompts keep it ready for Ctrl-C, when
    /// nothing but a plain write is safe.
    pub fn error_text(&self, e: &Error, code: &str, exit_code: i32) -> String {
        // Messages quote user input through `model::excerpt` already; this is the last line
        // of defence for what reached one another way (a parser's message, an OS error, a
        // list of many lines): no raw control character, and under 4 KiB on stderr
        // whatever happens. Each part has a budget; should the whole still be too long
        // (JSON doubles every backslash), the budgets are halved.
        let mut budget = 2048;
        loop {
            let t = self.error_text_within(e, code, exit_code, budget);
            if t.len() < ERROR_TEXT_MAX || budget < 64 {
                return t;
            }
            budget /= 2;
        }
    }

    fn error_text_within(&self, e: &Error, code: &str, exit_code: i32, budget: usize) -> String {
        use std::fmt::Write as _;
        let mut t = String::new();
        let e = &Error {
            kind: e.kind,
            message: clip_lines(&e.to_string(), budget.min(1024), budget),
            context: Vec::new(),
            hint: e
                .hint
                .as_deref()
                .map(|h| clip_lines(h, budget.min(1024) * 3 / 4, budget * 3 / 8)),
            causes: e
                .causes
                .iter()
                .take(12)
                .map(|c| clip(c, (budget * 5 / 64).max(32)))
                .collect(),
            missing_target: e.missing_target,
        };
        if self.format.is_json() {
            let mut obj = serde_json::json!({
                "code": code, "exit_code": exit_code, "message": e.message, "hint": e.hint,
            });
            if !e.causes.is_empty() {
                obj["causes"] = serde_json::json!(e.causes);
            }
            let _ = writeln!(t, "{}", serde_json::json!({ "error": obj }));
            return t;
        }
        if self.color_err {
            let _ = writeln!(t, "\x1b[1;31merror:\x1b[0m {}", e.message);
        } else {
            let _ = writeln!(t, "error: {}", e.message);
        }
        for c in &e.causes {
            let _ = writeln!(t, "caused by: {c}");
        }
        if let Some(h) = &e.hint {
            if self.color_err {
                let _ = writeln!(t, "\x1b[36mhint:\x1b[0m {h}");
            } else {
                let _ = writeln!(t, "hint: {h}");
            }
        }
        t
    }

    /// A progress bar on stderr for long work, only when stderr is a terminal (and not
    /// under JSON formats or --quiet); otherwise it draws nothing. It appears with the
    /// first [`Progress::update`] of work longer than one step.
    pub fn progress(&self) -> Progress {
        Progress {
            show: io::stderr().is_terminal() && !self.quiet && !self.format.is_json(),
            bar: std::cell::RefCell::new(None),
        }
    }

    /// `audit head`: one `SEQ:HASH` line under `table` (what `audit verify --expect` takes),
    /// the object under the other formats.
    pub fn anchor(&mut self, a: &crate::model::audit::Anchor) -> io::Result<()> {
        match self.format {
            Format::Table => writeln!(self.out, "{a}"),
            _ => self.object(a),
        }
    }

    /// Text that is the command's result itself (a completion script, a man page).
    pub fn raw(&mut self, text: &str) -> io::Result<()> {
        self.out.write_all(text.as_bytes())
    }

    /// Standard output for text written as it is made (`export`'s manifest).
    pub fn raw_writer(&mut self) -> &mut dyn Write {
        &mut self.out
    }
}

/// `text` with control characters escaped (as JSON does), cut to at most `max_bytes`
/// bytes at a character boundary, with `…` when cut.
fn clip(text: &str, max_bytes: usize) -> String {
    let escaped = crate::model::excerpt_of(text, usize::MAX);
    if escaped.len() <= max_bytes {
        return escaped;
    }
    let mut end = max_bytes - '…'.len_utf8();
    while !escaped.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &escaped[..end])
}

/// What an error may take on stderr, at most (the README promises under 4 KiB).
const ERROR_TEXT_MAX: usize = 4000;

/// [`clip`] for each line: a message may list things one a line (the deletions a
/// confirmation is about), and those lines are kept, as many as fit in `max_bytes`; the
/// rest are counted (`… and 130 more lines`).
fn clip_lines(text: &str, max_line_bytes: usize, max_bytes: usize) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out: Vec<String> = Vec::new();
    let mut used = 0;
    for (i, l) in lines.iter().enumerate() {
        let line = clip(l, max_line_bytes);
        // Room for this line, and for the count of the rest when it is not the last.
        let reserve = if i + 1 < lines.len() { 40 } else { 0 };
        if i > 0 && used + line.len() + 1 + reserve > max_bytes {
            let rest = lines.len() - i;
            out.push(format!(
                "… and {}",
                crate::model::words::count(rest, "more line", "more lines")
            ));
            break;
        }
        used += line.len() + 1;
        out.push(line);
    }
    out.join("\n")
}

pub struct Progress {
    show: bool,
    bar: std::cell::RefCell<Option<indicatif::ProgressBar>>,
}

impl Progress {
    /// `done` of `total` steps. The bar is cleared when the work is done, so that work
    /// run twice (a dry run before a confirmation, then the real one) draws it twice.
    pub fn update(&self, done: usize, total: usize) {
        if !self.show || total <= 1 {
            return;
        }
        let mut slot = self.bar.borrow_mut();
        let bar = slot.get_or_insert_with(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        if done >= total {
            bar.finish_and_clear();
            *slot = None;
        }
    }

    /// Clear the bar (work that ended early, on an error).
    pub fn finish(&self) {
        if let Some(bar) = self.bar.borrow_mut().take() {
            bar.finish_and_clear();
        }
    }
}

/// How many rows of a table its columns are sized from (a few screenfuls): a longer table
/// prints them, then each later row as it comes, with the same widths (README
/// "Decisions where the spec is silent").
const TABLE_LAYOUT_ROWS: usize = 200;

pub struct ListWriter<'p, T: View> {
    printer: &'p mut Printer,
    count: usize,
    /// A table's first rows, as cells: a table is as wide as its widest cells, so it is
    /// drawn once they are all in, or once there are `TABLE_LAYOUT_ROWS` of them.
    rows: Vec<Vec<String>>,
    /// How the rows of a long table after its first `TABLE_LAYOUT_ROWS` are drawn.
    layout: Option<table::Layout>,
    /// What an empty table says on stderr.
    empty: &'static str,
    _t: std::marker::PhantomData<T>,
}

/// A list printed row by row: a slice, or a compact list that makes each row as it is
/// read (`apply`'s changes, issue 17).
pub trait Rows<T> {
    fn each(&self, f: &mut dyn FnMut(&T) -> io::Result<()>) -> io::Result<()>;
}

impl<T> Rows<T> for [T] {
    fn each(&self, f: &mut dyn FnMut(&T) -> io::Result<()>) -> io::Result<()> {
        self.iter().try_for_each(f)
    }
}

impl<T> Rows<T> for Vec<T> {
    fn each(&self, f: &mut dyn FnMut(&T) -> io::Result<()>) -> io::Result<()> {
        self.as_slice().each(f)
    }
}

impl<T: View> ListWriter<'_, T> {
    pub fn row(&mut self, item: &T) -> io::Result<()> {
        let out = &mut self.printer.out;
        match self.printer.format {
            Format::Json => {
                out.write_all(if self.count == 0 { b"\n" } else { b",\n" })?;
                text::write_json(&mut *out, item)?;
            }
            Format::Jsonl => {
                text::write_json(&mut *out, item)?;
                out.write_all(b"\n")?;
            }
            Format::Csv => {
                if self.count == 0 {
                    write_csv_line(out, T::FIELDS.iter().copied())?;
                }
                let v = serde_json::to_value(item)?;
                debug_assert!(
                    v.as_object().is_some_and(|m| m
                        .keys()
                        .map(String::as_str)
                        .eq(T::FIELDS.iter().copied())),
                    "View::FIELDS of {} are not its JSON fields: {v}",
                    std::any::type_name::<T>()
                );
                write_csv_values(out, &v, T::FIELDS)?;
            }
            Format::Table => {
                let row = match cells::row(item, T::COLUMNS) {
                    Some(cells) => cells,
                    None => table::value_cells(&serde_json::to_value(item)?, T::COLUMNS),
                };
                let p = &mut *self.printer;
                if let Some(layout) = &self.layout {
                    writeln!(p.out, "{}", layout.row(row))?;
                } else if self.rows.len() == TABLE_LAYOUT_ROWS {
                    // A long table: laid out from its first rows, printed, then row by row.
                    let first = std::mem::take(&mut self.rows);
                    let (layout, t) = table::Layout::new(T::COLUMNS, first, p.color_out, p.width);
                    writeln!(p.out, "{t}")?;
                    writeln!(p.out, "{}", layout.row(row))?;
                    self.layout = Some(layout);
                } else {
                    self.rows.push(row);
                }
            }
        }
        self.count += 1;
        Ok(())
    }

    pub fn finish(self) -> io::Result<()> {
        let p = self.printer;
        match p.format {
            Format::Json => p
                .out
                .write_all(if self.count == 0 { b"]\n" } else { b"\n]\n" }),
            Format::Jsonl => Ok(()),
            Format::Csv => {
                if self.count == 0 {
                    write_csv_line(&mut p.out, T::FIELDS.iter().copied())?;
                }
                Ok(())
            }
            Format::Table if self.layout.is_some() => Ok(()),
            Format::Table => {
                if self.rows.is_empty() {
                    p.status(self.empty);
                    return Ok(());
                }
                let t = table::render(T::COLUMNS, self.rows, p.color_out, p.width);
                writeln!(p.out, "{t}")
            }
        }
    }
}

/// A CSV field, quoted as RFC 4180 asks (text is already made safe by [`csv_text`]).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A scalar as CSV text; nested values as compact JSON (which escapes control characters,
/// and starts with `{` or `[`, never as a formula). Text that a spreadsheet would evaluate
/// starts with `'`; numbers are written as numbers.
fn csv_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => text::csv_text(s),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        // serde_json leaves DEL, C1 and format characters raw; `\u009b` is the same JSON.
        other => text::escape(&other.to_string(), text::Keep::Nothing).into_owned(),
    }
}

fn write_csv_line<'a>(
    out: &mut impl Write,
    fields: impl Iterator<Item = &'a str>,
) -> io::Result<()> {
    let line: Vec<String> = fields.map(csv_field).collect();
    writeln!(out, "{}", line.join(","))
}

fn write_csv_values<K: AsRef<str>>(out: &mut impl Write, v: &Value, keys: &[K]) -> io::Result<()> {
    let cells: Vec<String> = match v {
        Value::Object(m) => keys
            .iter()
            .map(|k| csv_field(&m.get(k.as_ref()).map(csv_text).unwrap_or_default()))
            .collect(),
        other => vec![csv_field(&csv_text(other))],
    };
    writeln!(out, "{}", cells.join(","))
}

fn write_csv_object(out: &mut impl Write, v: &Value) -> io::Result<()> {
    write_csv_rows(out, std::slice::from_ref(v))
}

fn write_csv_rows(out: &mut impl Write, items: &[Value]) -> io::Result<()> {
    let keys: Vec<String> = match items.first() {
        Some(Value::Object(m)) => m.keys().cloned().collect(),
        Some(_) => vec!["value".into()],
        None => return Ok(()),
    };
    write_csv_line(out, keys.iter().map(String::as_str))?;
    for item in items {
        write_csv_values(out, item, &keys)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_text_is_escaped_and_clipped_whatever_reached_it() {
        assert_eq!(clip("a\x1b]0;x\x07b", 100), "a\\u001b]0;x\\u0007b");
        let long = clip(&"é".repeat(10_000), 1024);
        assert!(long.len() <= 1024 && long.ends_with('…'), "{}", long.len());
        assert_eq!(clip_lines("one\ntwo\r", 100, 1000), "one\ntwo\\r");
        // Many lines: as many as fit, then how many more there were.
        let many: Vec<String> = (0..1000)
            .map(|i| format!("  - member ws/user_{i}"))
            .collect();
        let cut = clip_lines(&many.join("\n"), 1024, 2048);
        assert!(cut.len() <= 2048, "{}", cut.len());
        assert!(cut.starts_with("  - member ws/user_0\n"), "{cut}");
        let shown = cut.lines().count() - 1;
        assert!(
            cut.ends_with(&format!("… and {} more lines", 1000 - shown)),
            "{cut}"
        );
    }

    #[test]
    fn an_error_of_any_size_takes_under_4_kib() {
        let many: Vec<String> = (0..1000)
            .map(|i| format!("  - member ws/user_{i}"))
            .collect();
        let backslashes = "\\".repeat(5000);
        for message in [
            many.join("\n"),
            backslashes.clone(),
            format!("{backslashes}\n").repeat(50),
        ] {
            let e = Error::confirmation(message.clone())
                .with_hint(message.clone())
                .caused_by(message.clone())
                .caused_by(message.clone());
            for format in [Format::Table, Format::Json] {
                let p = Printer::new(format, ColorChoice::Always, false);
                let t = p.error_text(&e, "confirmation_needed", 8);
                assert!(t.len() < 4096, "{format:?}: {} bytes", t.len());
                assert!(t.contains("member ws/user_0") || t.contains("\\\\"), "{t}");
            }
        }
    }

    #[test]
    fn an_error_is_printed_with_its_context_before_its_message() {
        let e = Error::invalid("invalid workspace name 'a b'")
            .within("workspace 'a b'")
            .within("m.toml:3:1")
            .with_hint("a workspace name is ...");
        let table = Printer::new(Format::Table, ColorChoice::Never, false);
        assert_eq!(
            table.error_text(&e, "invalid_input", 2),
            "error: m.toml:3:1: workspace 'a b': invalid workspace name 'a b'\nhint: a workspace name is ...\n"
        );
        let json = Printer::new(Format::Json, ColorChoice::Never, false);
        let v: serde_json::Value =
            serde_json::from_str(&json.error_text(&e, "invalid_input", 2)).unwrap();
        assert_eq!(
            v["error"]["message"],
            "m.toml:3:1: workspace 'a b': invalid workspace name 'a b'"
        );
    }

    #[test]
    fn csv_quoting() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn csv_nested_values_are_compact_json() {
        let mut out = Vec::new();
        let v = serde_json::json!({"name": "x", "tags": {"a": "1"}, "roles": ["r1", "r2"], "none": null});
        write_csv_object(&mut out, &v).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "name,tags,roles,none\nx,\"{\"\"a\"\":\"\"1\"\"}\",\"[\"\"r1\"\",\"\"r2\"\"]\",\n"
        );
    }
}
