use serde::Serialize;
use std::path::{Path, PathBuf};

use super::Ctx;
use crate::domain::tenant;
use crate::model::clock::Timestamp;

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
