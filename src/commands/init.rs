use super::{new_catalog, Ctx, DEFAULT_REGION};
use crate::domain::ids::Ids;
use crate::domain::policy::Action;
use crate::domain::session::{Done, Outcome};
use crate::domain::tenant;
use crate::model::error::Error;
use crate::storage::Placed;

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
    let loc = ctx.settings.catalog.clone();
    let exists = |ctx: &mut Ctx| -> anyhow::Result<()> {
        if !if_not_exists {
            return Err(
                Error::conflict(format!("a catalog already exists at {loc}"))
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
        said(
            ctx,
            Outcome::unchanged(info),
            &format!("Catalog {loc} exists."),
        )
    };
    // Only a regular file is a catalog that exists; anything else at the path (a FIFO, a
    // directory, a link to nothing) is exit 7, never "already exists" nor created over.
    if let Some(file) = loc.file() {
        if let crate::storage::Probe::File(warnings) = crate::storage::probe(&file.path, file.mode)?
        {
            // A file that is there but is no catalog (notes, an empty file, another SQLite
            // database) is exit 7 as for every command, never "a catalog already exists".
            crate::storage::check_header(&file.path)?;
            if !if_not_exists {
                for w in &warnings {
                    ctx.printer.warning_even_if_quiet(w);
                }
            }
            return exists(ctx);
        }
    }
    let Some((new, result)) = new_catalog(&loc, &account_id, &region, &ctx.settings, ids)? else {
        // A PostgreSQL schema that already holds a catalog.
        return exists(ctx);
    };
    match new.place()? {
        Placed::Created => said(
            ctx,
            Outcome::changed(result),
            &format!("Created catalog {loc}."),
        ),
        Placed::AlreadyExisted => exists(ctx),
    }
}

/// Print what `init` did (it runs outside a session: no warnings to carry).
fn said(ctx: &mut Ctx, outcome: Outcome<tenant::InitResult>, status: &str) -> anyhow::Result<()> {
    let done = Done {
        value: outcome,
        warnings: vec![],
    };
    ctx.print_mutation(Action::CatalogInit.name(), false, done, status)
}

pub fn whoami(ctx: &mut Ctx) -> anyhow::Result<()> {
    let source = ctx.settings.actor_source.as_str();
    let who = ctx.read(|s| tenant::whoami(s, source))?;
    ctx.printer.object(&who)?;
    Ok(())
}
