//! `export`, `plan` and `apply`.

use std::borrow::Cow;

use super::Ctx;
use crate::domain::apply::{self, Changes, Op, PlanChange};
use crate::domain::policy::Action;
use crate::domain::session::{self, Done};
use crate::domain::types::prop_arg::strip_one_trailing_newline;
use crate::input::{self, ReadError, MANIFEST_LIMIT, VALUE_LIMIT};
use crate::manifest::{
    self as format, Format, Item, Manifest, PropValue, Sink, Step, Writer, STDIN_SOURCE,
};
use crate::model::error::{Error, Result};
use crate::model::words;
use crate::model::{named, shown, WorkspaceName};
use crate::output::{Rows, View, NO_CHANGES};
use crate::prompt;

impl View for PlanChange {
    const FIELDS: &'static [&'static str] =
        &["change", "op", "kind", "workspace", "name", "env", "fields"];
    /// One line per change, as `plan` is read: `+ member ws/alice`.
    const COLUMNS: &'static [&'static str] = &["change"];
}

impl Rows<PlanChange> for Changes {
    fn each(&self, f: &mut dyn FnMut(&PlanChange) -> std::io::Result<()>) -> std::io::Result<()> {
        self.iter().try_for_each(|c| f(&c))
    }
}

const MANIFEST_LIMIT_HINT: &str = "a manifest is at most 256 MiB (268,435,456 bytes)";

/// A manifest's text, kept to point at its lines while it is applied.
pub(super) struct Loaded {
    source: String,
    text: String,
    format: Format,
}

impl Loaded {
    /// `file:line:col` of a declaration, for errors found after parsing.
    fn locate(&self, path: &[Step]) -> Option<String> {
        format::locate(&self.text, self.format, path).map(|p| format!("{}:{p}", self.source))
    }
}

/// Read and parse a manifest, then read its secrets (`{ env = .. }`, `{ file = .. }`).
fn load(path: &str) -> Result<(Manifest, Loaded)> {
    let (text, source) = if path == "-" {
        let t = input::read_stdin(MANIFEST_LIMIT, true)
            .map_err(|e| e.into_error("the manifest from stdin", MANIFEST_LIMIT_HINT))?;
        (t, STDIN_SOURCE.to_string())
    } else {
        let t = input::read_file(path, MANIFEST_LIMIT, true)
            .map_err(|e| e.into_error(&format!("manifest {}", shown(path)), MANIFEST_LIMIT_HINT))?;
        (t, path.to_string())
    };
    let fmt = if path == "-" {
        Format::Toml
    } else {
        format::format_for_path(path)
    };
    load_text(text, source, fmt)
}

/// Parse a manifest's text (from `source`), then read its secrets.
pub(super) fn load_text(text: String, source: String, fmt: Format) -> Result<(Manifest, Loaded)> {
    let mut m = format::parse(&text, &source, fmt)?;
    resolve_secrets(&mut m)?;
    Ok((
        m,
        Loaded {
            source,
            text,
            format: fmt,
        },
    ))
}

/// At most this many unreadable secrets are named one by one; the rest are counted.
const SECRETS_NAMED: usize = 10;

/// The unset variables' names in the hint fit in this many bytes (the hint is one line,
/// and the printer keeps a hint line within 768 bytes: `Printer::error_text`).
const HINT_VARS_BYTES: usize = 680;

/// A variable's name in the hint: whole when it is one a shell can export (as every
/// `DWCTL_SECRET_...` placeholder is, however long its parts make it), so that it can be
/// copied; anything else is quoted, escaped and cut as user input is.
fn var_name(var: &str) -> String {
    let exportable = var.len() <= HINT_VARS_BYTES
        && var.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && var.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if exportable {
        var.to_string()
    } else {
        named(var)
    }
}

/// Secrets named in a manifest are read here, from the variables and files it names. Every
/// secret is tried before failing, so that one exit 2 names all that cannot be read (the
/// first [`SECRETS_NAMED`] of them) rather than one per run.
fn resolve_secrets(m: &mut Manifest) -> Result<()> {
    let mut failed: Vec<Error> = Vec::new();
    let mut unset: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for w in &mut m.workspace {
        let objects = w
            .compute
            .iter_mut()
            .map(|c| {
                (
                    format!("compute {}/{}", named(&w.name), named(&c.name)),
                    &mut c.properties,
                )
            })
            .chain(w.datasource.iter_mut().map(|d| {
                (
                    format!("datasource {}/{}", named(&w.name), named(&d.name)),
                    &mut d.properties,
                )
            }));
        for (what, props) in objects {
            let Some(props) = props else { continue };
            for (key, value) in props.iter_mut() {
                let plain = match value {
                    PropValue::Plain(_) => continue,
                    PropValue::Env(var) => std::env::var(var.as_str()).map_err(|_| {
                        // Each variable once in the hint, however many secrets read it.
                        let name = var_name(var);
                        if seen.insert(name.clone()) {
                            unset.push(name);
                        }
                        Error::invalid(format!(
                            "{what}: {} reads the environment variable {}, which is not set",
                            named(key),
                            var_name(var)
                        ))
                        .with_hint(format!("export {}=... before running dwctl", var_name(var)))
                    }),
                    PropValue::File(path) => input::read_file(path.as_str(), VALUE_LIMIT, false)
                        .map(strip_one_trailing_newline)
                        .map_err(|e| match e {
                            ReadError::Io(e) => Error::invalid(format!(
                                "{what}: {} reads the file {}, which cannot be read",
                                named(key),
                                shown(path)
                            ))
                            .caused_by(e.to_string()),
                            e => e.into_error(
                                &format!(
                                    "the file {} that {what}: {} reads",
                                    shown(path),
                                    named(key)
                                ),
                                &crate::input::value_limit_hint("a file"),
                            ),
                        }),
                };
                match plain {
                    Ok(plain) => *value = PropValue::Plain(plain),
                    Err(e) => failed.push(e),
                }
            }
        }
    }
    if failed.len() <= 1 {
        return failed.pop().map_or(Ok(()), Err);
    }
    let mut e = Error::invalid(format!(
        "{} secrets of the manifest cannot be read",
        failed.len()
    ));
    for f in failed.iter().take(SECRETS_NAMED) {
        let mut line = f.to_string();
        if let Some(cause) = f.causes.first() {
            line.push_str(&format!(" ({cause})"));
        }
        e = e.caused_by(line);
    }
    if failed.len() > SECRETS_NAMED {
        e = e.caused_by(format!("and {} more", failed.len() - SECRETS_NAMED));
    }
    if !unset.is_empty() {
        // Whole names only (a name cut with `…` cannot be exported), as many as fit in
        // the hint's line; the rest are counted.
        let mut shown_vars: Vec<String> = Vec::new();
        let mut width = 0;
        for v in unset.iter().take(SECRETS_NAMED) {
            if !shown_vars.is_empty() && width + v.len() > HINT_VARS_BYTES {
                break;
            }
            width += v.len() + 5;
            shown_vars.push(format!("{v}=..."));
        }
        let more = match unset.len() - shown_vars.len() {
            0 => String::new(),
            k => format!(" (and {k} more)"),
        };
        e = e.with_hint(format!(
            "export {}{more} before running dwctl",
            shown_vars.join(" ")
        ));
    }
    Err(e)
}

/// What `export` takes: some workspaces, or `all`; into `file` or onto stdout.
pub struct Export {
    pub workspaces: Vec<WorkspaceName>,
    pub all: bool,
    pub file: Option<String>,
}

/// What `plan` takes.
pub struct Plan {
    pub file: String,
    pub prune: bool,
    pub exit_code: bool,
}

/// What `apply` takes.
pub struct Apply {
    pub file: String,
    pub prune: bool,
    pub dry_run: bool,
}

pub fn export(ctx: &mut Ctx, a: Export) -> anyhow::Result<()> {
    if a.workspaces.is_empty() && !a.all {
        return Err(
            Error::invalid("name the workspaces to export, or pass --all")
                .with_hint("dwctl export --all, or dwctl export WORKSPACE...")
                .into(),
        );
    }
    let names = a.workspaces;
    let format = match &a.file {
        Some(path) => format::format_for_path(path),
        None if ctx.printer.format().is_json() => Format::Json,
        None => Format::Toml,
    };
    // Written as the catalog is read, workspace by workspace: an export of the whole
    // tenant never holds it (issue 17).
    let mut cat = ctx.catalog()?;
    let req = ctx.request(false);
    let progress = ctx.printer.progress();
    let mut step = |n, total| progress.update(n, total);
    match &a.file {
        Some(path) => {
            let cannot_write = |e: std::io::Error| {
                Error::internal(format!("cannot write {}", shown(path))).caused_by(e.to_string())
            };
            let mut out = Counted::new(Writer::new(LazyFile::new(path), format));
            let done = session::read(&mut cat, &req, |s| {
                apply::export(s, &names, &mut out, &mut step)
            });
            progress.finish();
            let failed = out.inner.take_error();
            // A file not yet opened is as it was; one opened holds a part at most.
            let opened = out.inner.get_mut().file.is_some();
            let counts = out.counts;
            let done = match (done, failed) {
                (Ok(()), None) => out.inner.finish().map(drop).map_err(cannot_write),
                (_, Some(io)) => Err(cannot_write(io)),
                (Err(e), None) => Err(e),
            };
            if let Err(e) = done {
                if opened {
                    let _ = std::fs::remove_file(path);
                }
                return Err(e.into());
            }
            let [workspaces, principals, groups] = counts;
            ctx.printer.status(&format!(
                "Wrote {path}: {}, {}, {}.",
                words::count(workspaces, "workspace", "workspaces"),
                words::count(principals, "principal", "principals"),
                words::count(groups, "resource group", "resource groups")
            ));
        }
        None => {
            let mut out = Writer::new(ctx.printer.raw_writer(), format);
            let done = session::read(&mut cat, &req, |s| {
                apply::export(s, &names, &mut out, &mut step)
            });
            progress.finish();
            if let Some(io) = out.take_error() {
                return Err(io.into());
            }
            done?;
            out.finish()?;
        }
    }
    Ok(())
}

/// A sink that counts what it passes on: the summary of `export --file`.
struct Counted<S> {
    inner: S,
    /// Workspaces, principals, resource groups.
    counts: [usize; 3],
}

impl<S: Sink> Counted<S> {
    fn new(inner: S) -> Self {
        Counted {
            inner,
            counts: [0; 3],
        }
    }
}

impl<S: Sink> Sink for Counted<S> {
    fn head(&mut self, region: Option<&str>) -> Result<()> {
        self.inner.head(region)
    }
    fn item(&mut self, item: Item) -> Result<()> {
        let i = match item {
            Item::WorkspaceOpen(_) => Some(0),
            Item::Principal(_) => Some(1),
            Item::ResourceGroup(_) => Some(2),
            Item::Member(_) | Item::WorkspaceClose(_) => None,
        };
        if let Some(i) = i {
            self.counts[i] += 1;
        }
        self.inner.item(item)
    }
}

/// A file created at its first write, so that an export refused before it writes
/// anything leaves no file.
struct LazyFile<'p> {
    path: &'p str,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl<'p> LazyFile<'p> {
    fn new(path: &'p str) -> Self {
        LazyFile { path, file: None }
    }
}

impl std::io::Write for LazyFile<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let file = match &mut self.file {
            Some(f) => f,
            None => self
                .file
                .insert(std::io::BufWriter::new(std::fs::File::create(self.path)?)),
        };
        file.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            // An empty manifest is still a file.
            None => std::fs::File::create(self.path).map(drop),
        }
    }
}

fn summary(changes: &Changes) -> String {
    if changes.is_empty() {
        return NO_CHANGES.into();
    }
    format!(
        "{} to create, {} to update, {} to delete.",
        changes.count(Op::Create),
        changes.count(Op::Update),
        changes.count(Op::Delete)
    )
}

pub fn plan(ctx: &mut Ctx, a: Plan) -> anyhow::Result<()> {
    let (m, l) = load(&a.file)?;
    let locate = |p: &[Step]| l.locate(p);
    let changes = ctx
        .write(true, |s| {
            apply::apply(
                s,
                Cow::Owned(m),
                a.prune,
                &l.source,
                &locate,
                &mut |_, _| {},
            )
        })?
        .value;
    drop(l);
    let mut list = ctx.printer.list_writer::<PlanChange>()?;
    changes.each(&mut |c| list.row(c))?;
    list.finish()?;
    ctx.printer.status(&format!("Plan: {}", summary(&changes)));
    if a.exit_code && !changes.is_empty() {
        // Changes are the answer asked for, not an error: a status line, then exit 9.
        ctx.printer.status(&format!(
            "{} to apply (dwctl apply --file {}).",
            words::count(changes.len(), "change", "changes"),
            a.file
        ));
        return Err(crate::error::Answered.into());
    }
    Ok(())
}

pub fn apply(ctx: &mut Ctx, a: Apply) -> anyhow::Result<()> {
    let (m, l) = load(&a.file)?;
    apply_loaded(ctx, m, l, a.prune, a.dry_run)
}

/// `apply` of a manifest read (`load`, `load_text`): the dry run, the question before what
/// cannot be undone, the changes, the summary.
pub(super) fn apply_loaded(
    ctx: &mut Ctx,
    m: Manifest,
    l: Loaded,
    prune: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    let source = &l.source;
    let locate = |p: &[Step]| l.locate(p);
    if dry_run {
        let done = ctx.write(true, |s| {
            apply::apply(s, Cow::Owned(m), prune, source, &locate, &mut |_, _| {})
        })?;
        drop(l);
        return print(ctx, true, done);
    }
    // What cannot be undone (deletions under --prune, upgrades to standard mode) is asked
    // first, once for all: found with a dry run, which also reports a refusal before
    // anyone is asked. Upgrades are looked for cheaply first, so a manifest that cannot
    // upgrade anything is not planned twice.
    if !ctx.settings.yes && (prune || ctx.read(|s| apply::may_upgrade(s, &m))?) {
        let preview = ctx.write(true, |s| {
            apply::apply(s, Cow::Borrowed(&m), prune, source, &locate, &mut |_, _| {})
        });
        match preview {
            Ok(p) => {
                if let Some(question) = irreversible(&p.value) {
                    prompt::confirm(&ctx.settings, &question)?;
                }
            }
            // A refusal is reported (and audited) by the real run below.
            Err(e)
                if matches!(
                    e.kind,
                    crate::model::error::Kind::Denied | crate::model::error::Kind::Refused
                ) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let progress = ctx.printer.progress();
    // The last run over the manifest frees each declaration once applied (issue 17).
    let done = ctx.write(false, |s| {
        apply::apply(s, Cow::Owned(m), prune, source, &locate, &mut |n, total| {
            progress.update(n, total)
        })
    });
    progress.finish();
    // The text only points at errors: what is printed next has no use for it.
    drop(l);
    print(ctx, false, done?)
}

/// A confirmation lists this many deletions, and counts the rest: a question (or the exit
/// 8 that replaces it) stays readable, and under the 4 KiB an error may take on stderr.
const DELETIONS_LISTED: usize = 20;

/// The question `apply` asks before changes that cannot be undone, if there are any:
/// `Apply 6 changes, upgrading lab_ws to standard mode (this cannot be undone) and
/// deleting:` and the deletions, one a line, then `Continue?`.
fn irreversible(changes: &Changes) -> Option<String> {
    let upgrades: Vec<String> = changes
        .iter()
        .filter(|c| c.is_upgrade())
        .map(|c| c.name)
        .collect();
    let deletes: Vec<String> = changes
        .iter()
        .filter(|c| c.op == Op::Delete)
        .map(|c| c.line())
        .collect();
    if upgrades.is_empty() && deletes.is_empty() {
        return None;
    }
    let mut q = format!("Apply {}", words::count(changes.len(), "change", "changes"));
    if !upgrades.is_empty() {
        q.push_str(&format!(
            ", upgrading {} to standard mode (this cannot be undone)",
            upgrades.join(", ")
        ));
    }
    q.push_str(match (upgrades.is_empty(), deletes.is_empty()) {
        (_, true) => ".",
        (true, false) => ", deleting:",
        (false, false) => " and deleting:",
    });
    for d in deletes.iter().take(DELETIONS_LISTED) {
        q.push_str("\n  ");
        q.push_str(d);
    }
    if deletes.len() > DELETIONS_LISTED {
        q.push_str(&format!(
            "\n  … and {} more (dwctl plan --prune lists every change)",
            deletes.len() - DELETIONS_LISTED
        ));
    }
    q.push_str("\nContinue?");
    Some(q)
}

/// The applied changes: under JSON the envelope with every change, else one line per
/// change as `plan` prints them, then the summary.
fn print(ctx: &mut Ctx, dry_run: bool, done: Done<Changes>) -> anyhow::Result<()> {
    let changes = &done.value;
    ctx.printer.mutation_list(
        Action::Apply.name(),
        !changes.is_empty(),
        dry_run,
        changes,
        &done.warnings,
        &summary(changes),
    )?;
    Ok(())
}
