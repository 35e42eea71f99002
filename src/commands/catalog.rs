use serde::Serialize;
use std::path::{Path, PathBuf};

use super::Ctx;
use crate::domain::session;
use crate::domain::tenant;
use crate::model::clock::Timestamp;
use crate::storage::copy::{Counted, Loader};
use crate::storage::{Catalog, CopyTarget, Location};

#[derive(Serialize)]
struct Backup {
    path: PathBuf,
    bytes: u64,
    at: Timestamp,
}

/// `catalog backup PATH`: a consistent copy, at a path that must not exist.
pub fn backup(ctx: &mut Ctx, path: &Path) -> anyhow::Result<()> {
    ctx.read(|s| tenant::authorize_backup(s))?;
    let cat = ctx.catalog()?;
    let bytes = cat.backup_to(path)?;
    ctx.printer.object(&Backup {
        path: path.to_path_buf(),
        bytes,
        at: ctx.settings.now,
    })?;
    ctx.printer.status(&format!(
        "Backed up the catalog to {} (mode 0600).",
        path.display()
    ));
    Ok(())
}

#[derive(Serialize)]
struct Copied {
    from: String,
    to: String,
    /// Rows copied per table, in load order (`audit`: the events, hashes and all).
    tables: serde_json::Map<String, serde_json::Value>,
    rows: u64,
}

/// `catalog copy [--from A] --to B`: every row of A into a new catalog B, verbatim, in one
/// transaction on B; no audit event on either side. Reading the whole of A needs what a
/// backup needs (tenant administrators).
pub fn copy(ctx: &mut Ctx, from: Option<&Path>, to: &Path) -> anyhow::Result<()> {
    let from_loc = match from {
        Some(p) => Location {
            path: p.to_path_buf(),
            explicit: true,
            mode: ctx.settings.catalog.mode,
        },
        None => ctx.settings.catalog.clone(),
    };
    let to_loc = Location {
        path: to.to_path_buf(),
        explicit: true,
        mode: ctx.settings.catalog.mode,
    };
    let mut source = match from {
        Some(_) => Catalog::open(&from_loc, ctx.settings.lock_timeout)?,
        None => ctx.catalog()?,
    };
    session::read(&mut source, &ctx.request(false), |s| {
        tenant::authorize_copy(s)
    })?;
    let mut target = CopyTarget::create(&to_loc)?;
    let mut rows = Vec::new();
    target.load(&mut |load: &mut dyn Loader| {
        let mut counted = Counted {
            inner: &mut *load,
            rows: Vec::new(),
        };
        source.dump(&mut counted)?;
        rows = counted.rows;
        tenant::map_copying_login(load.tx())
    })?;
    let to_name = to_loc.path.display().to_string();
    target.place(&to_name)?;
    let total = rows.iter().map(|(_, n)| n).sum();
    let events = rows
        .iter()
        .find(|(t, _)| *t == "audit")
        .map_or(0, |(_, n)| *n);
    ctx.printer.object(&Copied {
        from: from_loc.path.display().to_string(),
        to: to_name.clone(),
        tables: rows
            .iter()
            .map(|(t, n)| (t.to_string(), serde_json::Value::from(*n)))
            .collect(),
        rows: total,
    })?;
    ctx.printer.status(&format!(
        "Copied the catalog {} to {to_name}: {total} rows, {events} audit events.",
        from_loc.path.display()
    ));
    Ok(())
}
