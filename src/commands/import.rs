//! `import --from-api DIR`: the DataWorks OpenAPI's responses as a manifest, written or
//! applied.

use std::path::{Path, PathBuf};

use super::manifest::{apply_loaded, load_text};
use super::Ctx;
use crate::api::import::{self, Response};
use crate::input::{self, API_RESPONSES_LIMIT, API_RESPONSE_LIMIT};
use crate::manifest::{self as format, Format};
use crate::model::error::{Error, Result};
use crate::model::{shown, words};

/// What `import` takes.
pub struct Import {
    pub dir: String,
    pub file: Option<String>,
    pub apply: bool,
    pub dry_run: bool,
}

const FILE_LIMIT_HINT: &str =
    "a response body is at most 16 MiB (16,777,216 bytes): one page of a list";
const TOTAL_LIMIT_HINT: &str =
    "the responses of one import are at most 256 MiB together (as a manifest): import fewer workspaces at a time";

pub fn run(ctx: &mut Ctx, a: Import) -> anyhow::Result<()> {
    let responses = read_dir(&a.dir)?;
    let imported = import::to_manifest(responses)?;
    for w in &imported.warnings {
        ctx.printer.warning(w);
    }
    let m = &imported.manifest;
    if a.apply {
        // Through the text `import` would print, so that apply reads exactly what a
        // reviewer would see (its errors name that text's lines).
        let text = format::to_toml(m);
        let (m, l) = load_text(text, format!("<import {}>", a.dir), Format::Toml)?;
        return apply_loaded(ctx, m, l, false, a.dry_run);
    }
    let counts = format!(
        "{}, {}, {}",
        words::count(m.workspace.len(), "workspace", "workspaces"),
        words::count(m.principal.len(), "principal", "principals"),
        words::count(m.resource_group.len(), "resource group", "resource groups")
    );
    match &a.file {
        Some(path) => {
            let text = format::emit(m, format::format_for_path(path));
            std::fs::write(path, text).map_err(|e| {
                Error::internal(format!("cannot write {}", shown(path))).caused_by(e.to_string())
            })?;
            ctx.printer.status(&format!("Wrote {path}: {counts}."));
        }
        None => {
            let fmt = if ctx.printer.format().is_json() {
                Format::Json
            } else {
                Format::Toml
            };
            let text = format::emit(m, fmt);
            let mut out = ctx.printer.raw_writer();
            std::io::Write::write_all(&mut out, text.as_bytes())?;
            ctx.printer.status(&format!("Imported {counts}."));
        }
    }
    Ok(())
}

/// The `*.json` files of `dir` and of its subdirectories (one level: a subdirectory names
/// the workspace or group of the bodies that do not), in name order, each read and
/// recognised. Exit 2 for a directory that cannot be read or holds none, a file too long,
/// not text or malformed.
fn read_dir(dir: &str) -> Result<Vec<Response>> {
    let root = Path::new(dir);
    let cannot = |e: std::io::Error| {
        Error::invalid(format!("cannot read directory {}", shown(dir))).caused_by(e.to_string())
    };
    let mut files: Vec<(PathBuf, Option<String>)> = Vec::new();
    for entry in sorted(root).map_err(cannot)? {
        if entry.is_dir() {
            let sub = entry
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            for f in sorted(&entry).map_err(cannot)? {
                if is_json(&f) {
                    files.push((f, Some(sub.clone())));
                }
            }
        } else if is_json(&entry) {
            files.push((entry, None));
        }
    }
    if files.is_empty() {
        return Err(Error::invalid(format!(
            "no *.json response bodies in {} or its subdirectories",
            shown(dir)
        ))
        .with_hint("save each response of `aliyun dataworks-public ...` as a .json file there (README: Importing a real tenant)"));
    }
    let mut total = 0usize;
    let mut out = Vec::with_capacity(files.len());
    for (path, sub) in files {
        let source = path.to_string_lossy().into_owned();
        let text = input::read_file(&path, API_RESPONSE_LIMIT, true)
            .map_err(|e| e.into_error(&format!("response {}", shown(&source)), FILE_LIMIT_HINT))?;
        total += text.len();
        if total > API_RESPONSES_LIMIT {
            return Err(Error::invalid(format!(
                "the responses in {} are longer than 268,435,456 bytes together",
                shown(dir)
            ))
            .with_hint(TOTAL_LIMIT_HINT));
        }
        let body = import::read(&text, &source)?;
        out.push(Response {
            source,
            dir: sub,
            body,
        });
    }
    Ok(out)
}

fn sorted(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    v.sort();
    Ok(v)
}

fn is_json(p: &Path) -> bool {
    p.is_file()
        && p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}
