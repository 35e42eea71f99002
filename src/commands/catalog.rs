use serde::Serialize;
use std::path::{Path, PathBuf};

use super::Ctx;
use crate::domain::session;
use crate::domain::tenant;
use crate::model::clock::Timestamp;
use crate::storage::copy::{Counted, Loader};
use crate::storage::{Catalog, CopyTarget};

#[derive(Serialize)]
struct Backup {
    path: PathBuf,
    bytes: u64,
    at: Timestamp,
}

/// `catalog backup PATH`: a consistent copy, at a path that must not exist.
pub fn backup(ctx: &mut Ctx, path: &Path) -> anyhow::Result<()> {
    ctx.settings.catalog.file_only(
        "catalog backup",
        "back a PostgreSQL catalog up with the server's tools: pg_dump --schema=SCHEMA DATABASE (see README, Team catalog on PostgreSQL)",
    )?;
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
        Some(p) => ctx
            .settings
            .locator
            .locate(p)
            .map_err(|e| e.within("--from"))?,
        None => ctx.settings.catalog.clone(),
    };
    let to_loc = ctx
        .settings
        .locator
        .locate(to)
        .map_err(|e| e.within("--to"))?;
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
    target.place(&to_loc)?;
    let total = rows.iter().map(|(_, n)| n).sum();
    let events = rows
        .iter()
        .find(|(t, _)| *t == "audit")
        .map_or(0, |(_, n)| *n);
    ctx.printer.object(&Copied {
        from: from_loc.to_string(),
        to: to_loc.to_string(),
        tables: rows
            .iter()
            .map(|(t, n)| (t.to_string(), serde_json::Value::from(*n)))
            .collect(),
        rows: total,
    })?;
    ctx.printer.status(&format!(
        "Copied the catalog {from_loc} to {to_loc}: {total} rows, {events} audit events."
    ));
    Ok(())
}

#[derive(Serialize)]
struct Migrated {
    catalog: String,
    from: i64,
    to: i64,
}

/// `catalog migrate`: bring the catalog's schema to this dwctl's.
pub fn migrate(ctx: &mut Ctx) -> anyhow::Result<()> {
    let loc = ctx.settings.catalog.clone();
    let (from, to) = crate::storage::migrate(&loc, ctx.settings.lock_timeout)?;
    let changed = from != to;
    let status = if changed {
        format!("Migrated catalog {loc} from schema {from} to schema {to}.")
    } else {
        format!("Catalog {loc} is at schema {to} already.")
    };
    let done = crate::domain::session::Done {
        value: crate::domain::session::Outcome {
            value: Migrated {
                catalog: loc.to_string(),
                from,
                to,
            },
            changed,
        },
        warnings: vec![],
    };
    ctx.print_mutation("catalog.migrate", false, done, &status)
}
