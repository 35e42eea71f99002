use super::{Ctx, DEFAULT_REGION};
use crate::domain::ids::Ids;
use crate::domain::session::Outcome;
use crate::domain::tenant;
use crate::model::error::Error;
use crate::storage::{NewCatalog, Placed};

/// `init`: `account_id` and `region` valid when given (random and the default when not).
pub fn run(
    ctx: &mut Ctx,
    account_id: Option<String>,
    region: Option<String>,
    if_not_exists: bool,
) -> anyhow::Result<()> {
    let mut ids = Ids::for_new_catalog(ctx.settings.seed);
    let account_id = account_id.unwrap_or_else(|| ids.digits());
    let region = region.unwrap_or_else(|| DEFAULT_REGION.to_string());
    let path = ctx.settings.catalog.path.clone();
    let exists = |ctx: &mut Ctx| -> anyhow::Result<()> {
        if !if_not_exists {
            return Err(
                Error::conflict(format!("a catalog already exists at {}", path.display()))
                    .with_hint(
                        "pass --if-not-exists to accept it, or name another file with --catalog",
                    )
                    .into(),
            );
        }
        // Show what is there, so that scripts learn the tenant either way.
        let info = ctx.read(|s| {
            Ok(tenant::InitResult {
                account_id: s.tenant.account_id.clone(),
                region: s.tenant.region.clone(),
                account: s.tx().account()?.name.to_string(),
                default_workspace: tenant::default_workspace_name(&s.tenant.account_id).to_string(),
                default_resource_group: tenant::DEFAULT_GROUP.to_string(),
                created_at: s.tenant.created_at,
            })
        })?;
        let done = crate::domain::session::Done {
            value: Outcome::unchanged(info),
            warnings: vec![],
        };
        ctx.print_mutation(
            "catalog.init",
            false,
            done,
            &format!("Catalog {} exists.", path.display()),
        )
    };
    // Only a regular file is a catalog that exists; anything else at the path (a FIFO, a
    // directory, a link to nothing) is exit 7, never "already exists" nor created over.
    if let crate::storage::Probe::File(warnings) =
        crate::storage::probe(&path, ctx.settings.catalog.mode)?
    {
        // A file that is there but is no catalog (notes, an empty file, another SQLite
        // database) is exit 7 as for every command, never "a catalog already exists".
        crate::storage::check_header(&path)?;
        if !if_not_exists {
            for w in &warnings {
                ctx.printer.warning_even_if_quiet(w);
            }
        }
        return exists(ctx);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            std::fs::create_dir_all(dir).map_err(|e| {
                Error::catalog(format!("cannot create {}", dir.display())).caused_by(e.to_string())
            })?;
        }
    }
    let mut new = NewCatalog::create(&path)?;
    let result = {
        let mut tx = new.write()?;
        let r = tenant::init(&mut tx, &account_id, &region, ctx.settings.now, ids)?;
        tx.commit()?;
        r
    };
    match new.place()? {
        Placed::Created => {
            let done = crate::domain::session::Done {
                value: Outcome::changed(result),
                warnings: vec![],
            };
            ctx.print_mutation(
                "catalog.init",
                false,
                done,
                &format!("Created catalog {}.", path.display()),
            )
        }
        Placed::AlreadyExisted => exists(ctx),
    }
}

pub fn whoami(ctx: &mut Ctx) -> anyhow::Result<()> {
    let source = ctx.settings.actor_source.as_str();
    let who = ctx.read(|s| tenant::whoami(s, source))?;
    ctx.printer.object(&who)?;
    Ok(())
}
