use serde::Serialize;
use std::path::PathBuf;

use super::Ctx;
use crate::cli::CatalogCommand;
use crate::domain::tenant;
use crate::model::clock::Timestamp;

#[derive(Serialize)]
struct Backup {
    path: PathBuf,
    bytes: u64,
    at: Timestamp,
}

pub fn run(ctx: &mut Ctx, c: CatalogCommand) -> anyhow::Result<()> {
    match c {
        CatalogCommand::Backup(a) => {
            ctx.read(|s| tenant::authorize_backup(s))?;
            let cat = ctx.catalog()?;
            let bytes = cat.backup_to(&a.path)?;
            ctx.printer.object(&Backup {
                path: a.path.clone(),
                bytes,
                at: ctx.settings.now,
            })?;
            ctx.printer.status(&format!(
                "Backed up the catalog to {} (mode 0600).",
                a.path.display()
            ));
            Ok(())
        }
    }
}
