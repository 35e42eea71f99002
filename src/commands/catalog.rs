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
