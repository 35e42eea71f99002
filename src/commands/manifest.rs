//! `export`, `plan` and `apply`.

use std::io::Read;

use super::Ctx;
use crate::cli::{ApplyArgs, ExportArgs, PlanArgs};
use crate::domain::apply::{self, PlanChange};
use crate::domain::error::{Error, Result};
use crate::domain::model::{named, shown, WorkspaceName};
use crate::domain::session::Done;
use crate::domain::types::strip_one_trailing_newline;
use crate::manifest::format::{self, Format, Manifest, PropValue, Step, STDIN_SOURCE};
use crate::output::{View, NO_CHANGES};
use crate::prompt;

impl View for PlanChange {
    const FIELDS: &'static [&'static str] =
        &["change", "op", "kind", "workspace", "name", "env", "fields"];
    /// One line per change, as `plan` is read: `+ member ws/alice`.
    const COLUMNS: &'static [&'static str] = &["change"];
}

/// A manifest read from its file, with what is needed to point at its lines.
struct Loaded {
    manifest: Manifest,
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
fn load(path: &str) -> Result<Loaded> {
    let (text, source) = if path == "-" {
        let mut t = String::new();
        std::io::stdin().read_to_string(&mut t).map_err(|e| {
            Error::invalid("cannot read the manifest from stdin").caused_by(e.to_string())
        })?;
        (t, STDIN_SOURCE.to_string())
    } else {
        let t = std::fs::read_to_string(path).map_err(|e| {
            Error::invalid(format!("cannot read manifest {}", shown(path))).caused_by(e.to_string())
        })?;
        (t, path.to_string())
    };
    let fmt = if path == "-" {
        Format::Toml
    } else {
        format::format_for_path(path)
    };
    let mut m = format::parse(&text, &source, fmt)?;
    resolve_secrets(&mut m)?;
    Ok(Loaded {
        manifest: m,
        source,
        text,
        format: fmt,
    })
}

/// Secrets named in a manifest are read here, from the variables and files it names.
fn resolve_secrets(m: &mut Manifest) -> Result<()> {
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
                        Error::invalid(format!(
                            "{what}: {} reads the environment variable {}, which is not set",
                            named(key),
                            named(var)
                        ))
                        .with_hint(format!("export {}=... before running dwctl", named(var)))
                    })?,
                    PropValue::File(path) => strip_one_trailing_newline(
                        std::fs::read_to_string(path.as_str()).map_err(|e| {
                            Error::invalid(format!(
                                "{what}: {} reads the file {}, which cannot be read",
                                named(key),
                                shown(path)
                            ))
                            .caused_by(e.to_string())
                        })?,
                    ),
                };
                *value = PropValue::Plain(plain);
            }
        }
    }
    Ok(())
}

pub fn export(ctx: &mut Ctx, a: ExportArgs) -> anyhow::Result<()> {
    if a.workspaces.is_empty() && !a.all {
        return Err(
            Error::invalid("name the workspaces to export, or pass --all")
                .with_hint("dwctl export --all, or dwctl export WORKSPACE...")
                .into(),
        );
    }
    let names = a
        .workspaces
        .iter()
        .map(|n| WorkspaceName::parse(n))
        .collect::<Result<Vec<_>>>()?;
    let progress = ctx.printer.progress();
    let m = ctx.read(|s| apply::export(s, &names, &mut |n, total| progress.update(n, total)));
    progress.finish();
    let m = m?;
    let json = match &a.file {
        Some(path) => format::format_for_path(path) == Format::Json,
        None => ctx.printer.format().is_json(),
    };
    let text = if json {
        format::to_json(&m)
    } else {
        format::to_toml(&m)
    };
    match &a.file {
        Some(path) => {
            std::fs::write(path, text).map_err(|e| {
                Error::internal(format!("cannot write {}", shown(path))).caused_by(e.to_string())
            })?;
            ctx.printer.status(&format!(
                "Wrote {path}: {} workspaces, {} principals, {} resource groups.",
                m.workspace.len(),
                m.principal.len(),
                m.resource_group.len()
            ));
        }
        None => ctx.printer.raw(&text)?,
    }
    Ok(())
}

fn summary(changes: &[PlanChange]) -> String {
    if changes.is_empty() {
        return NO_CHANGES.into();
    }
    let count = |op: &str| changes.iter().filter(|c| c.op == op).count();
    format!(
        "{} to create, {} to update, {} to delete.",
        count("create"),
        count("update"),
        count("delete")
    )
}

pub fn plan(ctx: &mut Ctx, a: PlanArgs) -> anyhow::Result<()> {
    let l = load(&a.file)?;
    let (m, source) = (&l.manifest, &l.source);
    let locate = |p: &[Step]| l.locate(p);
    let changes = ctx
        .write(true, |s| {
            apply::apply(s, m, a.prune, source, &locate, &mut |_, _| {})
        })?
        .value;
    ctx.printer.list(&changes)?;
    ctx.printer.status(&format!("Plan: {}", summary(&changes)));
    if a.exit_code && !changes.is_empty() {
        return Err(
            Error::negative(format!("the plan has {} changes", changes.len()))
                .with_hint(format!("apply them with dwctl apply --file {}", a.file))
                .into(),
        );
    }
    Ok(())
}

pub fn apply(ctx: &mut Ctx, a: ApplyArgs) -> anyhow::Result<()> {
    // The manifest lives until the process exits: freeing a large one declaration by
    // declaration is work nobody waits for (3% of re-applying the benchmark manifest).
    let l: &Loaded = Box::leak(Box::new(load(&a.file)?));
    let (m, source) = (&l.manifest, &l.source);
    let locate = |p: &[Step]| l.locate(p);
    if a.dry_run {
        let done = ctx.write(true, |s| {
            apply::apply(s, m, a.prune, source, &locate, &mut |_, _| {})
        })?;
        return print(ctx, true, done);
    }
    if a.prune {
        // Deletions ask first: find them with a dry run (which also reports any refusal).
        let preview = ctx.write(true, |s| {
            apply::apply(s, m, a.prune, source, &locate, &mut |_, _| {})
        });
        match preview {
            Ok(p) => {
                let deletes: Vec<String> = p
                    .value
                    .iter()
                    .filter(|c| c.op == "delete")
                    .map(|c| c.line())
                    .collect();
                if !deletes.is_empty() {
                    prompt::confirm(
                        &ctx.settings,
                        &format!(
                            "Apply {} changes, deleting:\n  {}\nContinue?",
                            p.value.len(),
                            deletes.join("\n  ")
                        ),
                    )?;
                }
            }
            // A refusal is reported (and audited) by the real run below.
            Err(e)
                if matches!(
                    e.kind,
                    crate::domain::error::Kind::Denied | crate::domain::error::Kind::Refused
                ) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let progress = ctx.printer.progress();
    let done = ctx.write(false, |s| {
        apply::apply(s, m, a.prune, source, &locate, &mut |n, total| {
            progress.update(n, total)
        })
    });
    progress.finish();
    print(ctx, false, done?)
}

/// The applied changes: under JSON the envelope with every change, else one line per
/// change as `plan` prints them, then the summary.
fn print(ctx: &mut Ctx, dry_run: bool, done: Done<Vec<PlanChange>>) -> anyhow::Result<()> {
    let changes = &done.value;
    ctx.printer.mutation_list(
        "apply",
        !changes.is_empty(),
        dry_run,
        changes,
        &done.warnings,
        &summary(changes),
    )?;
    Ok(())
}
