//! `dwctl completions SHELL`: print the script (needs no catalog, and opens none); and the
//! names a TAB completes.

use super::Ctx;
use crate::config::Settings;
use crate::domain::names::{self, NameKind, Named};
use crate::domain::session::{self, Request};
use crate::model::WorkspaceName;

/// Print a shell's completion script (written by the command-line layer, which knows the
/// shells).
pub fn run(ctx: &mut Ctx, script: &str) -> anyhow::Result<()> {
    ctx.printer.raw(script)?;
    Ok(())
}

/// The names a TAB offers: those of one kind that start with `prefix`, read through the
/// domain as the actor's `list` reads them, in the catalog the settings name (never
/// created). Any failure (no catalog, an unknown actor, a busy or damaged catalog) offers
/// none: a TAB prints no error into the line being edited.
pub fn names(
    settings: &Settings,
    kind: NameKind,
    workspace: Option<&WorkspaceName>,
    prefix: &str,
) -> Vec<Named> {
    let Ok(Some(mut catalog)) = crate::storage::Catalog::open_for_names(&settings.catalog) else {
        return Vec::new();
    };
    let req = Request {
        actor: settings.actor.clone(),
        now: settings.now,
        pinned_clock: settings.pinned_clock,
        dry_run: false,
        // A read: no ids to generate.
        seed: None,
    };
    session::read(&mut catalog, &req, |s| {
        names::names_starting(s, kind, workspace.map(|w| w.as_str()), prefix)
    })
    .unwrap_or_default()
}
