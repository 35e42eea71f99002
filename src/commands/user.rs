use super::Ctx;
use crate::domain::access_key;
use crate::domain::policy::Action;
use crate::domain::principal::{self, NewPrincipal, PrincipalUpdate};
use crate::model::{Principal, PrincipalDisplayName, PrincipalKind, PrincipalName};
use crate::prompt;

/// `user list`, row by row: JSON, JSON lines and CSV never hold the tenant's principals.
pub fn list(ctx: &mut Ctx) -> anyhow::Result<()> {
    ctx.stream::<Principal>(|s, visit| principal::list(s, visit))
}

/// `user show`; `user` is a name or an id.
pub fn show(ctx: &mut Ctx, user: &str) -> anyhow::Result<()> {
    let p = ctx.read(|s| crate::domain::access::show_user(s, user))?;
    ctx.printer.object(&p)?;
    Ok(())
}

/// What `user add` takes.
pub struct Add {
    pub name: PrincipalName,
    pub kind: Option<PrincipalKind>,
    /// A valid principal id.
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub full_access: bool,
    /// A valid database login.
    pub db_role: Option<String>,
    pub if_not_exists: bool,
    pub dry_run: bool,
}

fn parse_display_name(d: &str) -> anyhow::Result<String> {
    Ok(PrincipalDisplayName::parse(d)
        .map_err(crate::model::error::Error::from)?
        .into_string())
}

pub fn add(ctx: &mut Ctx, a: Add) -> anyhow::Result<()> {
    let req = NewPrincipal {
        name: a.name,
        kind: a.kind.unwrap_or(PrincipalKind::RamUser),
        id: a.id,
        // An empty display name is no display name, as in `user update`.
        display_name: a
            .display_name
            .as_deref()
            .filter(|d| !d.is_empty())
            .map(parse_display_name)
            .transpose()?,
        full_access: a.full_access,
        db_role: a.db_role,
    };
    let done = ctx.write(a.dry_run, |s| principal::add(s, req, a.if_not_exists))?;
    let msg = if done.value.changed {
        format!("Added principal {}.", done.value.value.name)
    } else {
        format!("Principal {} already exists.", done.value.value.name)
    };
    ctx.print_mutation(Action::UserAdd.name(), a.dry_run, done, &msg)
}

/// `user update`: an empty display name removes it; `db_role` `Some(None)` clears the
/// login (a valid one when set).
pub fn update(
    ctx: &mut Ctx,
    user: &str,
    display_name: Option<&str>,
    full_access: Option<bool>,
    db_role: Option<Option<String>>,
    dry_run: bool,
) -> anyhow::Result<()> {
    let u = PrincipalUpdate {
        display_name: display_name
            .map(|d| {
                if d.is_empty() {
                    Ok(None)
                } else {
                    parse_display_name(d).map(Some)
                }
            })
            .transpose()?,
        full_access,
        db_role,
    };
    let done = ctx.write(dry_run, |s| principal::update(s, user, &u))?;
    let msg = format!("Updated principal {}.", done.value.value.name);
    ctx.print_mutation(Action::UserUpdate.name(), dry_run, done, &msg)
}

/// `user remove`; with `cascade`, from every workspace first.
pub fn remove(
    ctx: &mut Ctx,
    user: &str,
    cascade: bool,
    if_exists: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    let r = ctx.confirmed_write(
        dry_run,
        |settings, p: &crate::model::Principal| {
            prompt::confirm(settings, &format!("Remove principal {}?", p.name))
        },
        |s| principal::remove(s, user, cascade),
    );
    ctx.print_removal(
        Action::UserRemove.name(),
        dry_run,
        if_exists,
        r,
        |p| format!("Removed principal {}.", p.name),
        &format!("Principal {user} does not exist."),
    )
}

/// `user accesskey create`: the secret is printed this once.
pub fn accesskey_create(ctx: &mut Ctx, user: &str) -> anyhow::Result<()> {
    let done = ctx.write(false, |s| access_key::create(s, user))?;
    let msg = format!(
        "Created AccessKey {} for {}: keep the secret now, it is never shown again.",
        done.value.value.access_key_id, done.value.value.user
    );
    ctx.print_mutation(Action::AccessKeyCreate.name(), false, done, &msg)
}

/// `user accesskey list`: ids and status, never secrets.
pub fn accesskey_list(ctx: &mut Ctx, user: &str) -> anyhow::Result<()> {
    let keys = ctx.read(|s| access_key::list(s, user))?;
    ctx.printer.list(&keys)?;
    Ok(())
}

/// `user accesskey enable` / `disable`.
pub fn accesskey_set_enabled(
    ctx: &mut Ctx,
    user: &str,
    id: &str,
    enabled: bool,
) -> anyhow::Result<()> {
    let done = ctx.write(false, |s| access_key::set_enabled(s, user, id, enabled))?;
    let (action, verb) = if enabled {
        (Action::AccessKeyEnable, "Enabled")
    } else {
        (Action::AccessKeyDisable, "Disabled")
    };
    let msg = if done.value.changed {
        format!("{verb} AccessKey {id}.")
    } else {
        format!("AccessKey {id} already {}.", verb.to_lowercase())
    };
    ctx.print_mutation(action.name(), false, done, &msg)
}

/// `user accesskey delete`.
pub fn accesskey_delete(ctx: &mut Ctx, user: &str, id: &str) -> anyhow::Result<()> {
    let done = ctx.write(false, |s| access_key::delete(s, user, id))?;
    let msg = format!("Deleted AccessKey {id}.");
    ctx.print_mutation(Action::AccessKeyDelete.name(), false, done, &msg)
}
