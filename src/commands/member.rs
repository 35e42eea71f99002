use super::{Ctx, OutputError};
use crate::domain::member::{self, RoleChange};
use crate::domain::policy::Action;
use crate::model::clock::Expiry;
use crate::model::error::Error;
use crate::model::roles::RoleSet;
use crate::model::{Member, WorkspaceName};
use crate::prompt;

/// `member list`, printed row by row as the catalog reads it.
pub fn list(ctx: &mut Ctx, name: &WorkspaceName, role: Option<RoleSet>) -> anyhow::Result<()> {
    let mut cat = ctx.catalog()?;
    let req = ctx.request(false);
    let printer = &mut ctx.printer;
    let mut w = printer.list_writer::<Member>()?;
    let mut out = OutputError::default();
    crate::domain::session::read(&mut cat, &req, |s| {
        member::list(s, name, role.as_ref(), |m| out.keep(w.row(&m)))
    })
    .map_err(|e| out.or(e))?;
    w.finish()?;
    Ok(())
}

/// `member show`; `user` is a principal's name or id.
pub fn show(ctx: &mut Ctx, name: &WorkspaceName, user: &str) -> anyhow::Result<()> {
    let m = ctx.read(|s| member::show(s, name, user))?;
    ctx.printer.object(&m)?;
    Ok(())
}

/// What `member add` takes: with no roles, a terminal asks for them.
pub struct Add {
    pub workspace: WorkspaceName,
    /// A principal's name or id.
    pub user: String,
    pub roles: Vec<RoleSet>,
    pub expires: Option<Expiry>,
    pub if_not_exists: bool,
    pub dry_run: bool,
}

pub fn add(ctx: &mut Ctx, a: Add) -> anyhow::Result<()> {
    let name = a.workspace;
    let roles = if a.roles.is_empty() {
        RoleSet::parse_list(&prompt::select_roles(&ctx.settings)?)?
    } else {
        all_of(&a.roles)
    };
    if roles.is_empty() {
        return Err(Error::invalid("at least one --role is required")
            .with_hint("pass --role ROLE (see dwctl role list)")
            .into());
    }
    let done = ctx.write(a.dry_run, |s| {
        member::add(s, &name, &a.user, roles, a.expires, a.if_not_exists)
    })?;
    let msg = if done.value.changed {
        format!(
            "Added {} to {name} as {}.",
            done.value.value.user,
            done.value.value.roles.codes().join(", ")
        )
    } else {
        format!(
            "{} is already a member of {name}, as {}.",
            done.value.value.user,
            done.value.value.roles.codes().join(", ")
        )
    };
    ctx.print_mutation(Action::MemberAdd.name(), a.dry_run, done, &msg)
}

/// `member role`: `set` replaces the roles, else `grant` and `revoke` change them.
pub fn role(
    ctx: &mut Ctx,
    name: &WorkspaceName,
    user: &str,
    set: Option<RoleSet>,
    grant: &[RoleSet],
    revoke: &[RoleSet],
    dry_run: bool,
) -> anyhow::Result<()> {
    let change = match set {
        Some(roles) => {
            if roles.is_empty() {
                return Err(Error::invalid("--set needs at least one role")
                    .with_hint("to remove the member: dwctl member remove WORKSPACE USER")
                    .into());
            }
            RoleChange::Set(roles)
        }
        None => {
            let (grant, revoke) = (all_of(grant), all_of(revoke));
            if let Some(r) = grant
                .codes()
                .into_iter()
                .find(|r| revoke.codes().contains(r))
            {
                return Err(Error::invalid(format!(
                    "{r} is both granted (--grant) and revoked (--revoke)"
                ))
                .with_hint("keep one of them")
                .into());
            }
            RoleChange::GrantRevoke { grant, revoke }
        }
    };
    let done = ctx.write(dry_run, |s| member::change_roles(s, name, user, &change))?;
    let msg = format!(
        "{} now holds {} in {name}.",
        done.value.value.user,
        done.value.value.roles.codes().join(", ")
    );
    ctx.print_mutation(Action::MemberRole.name(), dry_run, done, &msg)
}

/// `member remove` (the owner never).
pub fn remove(
    ctx: &mut Ctx,
    name: &WorkspaceName,
    user: &str,
    if_exists: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    let r = ctx.confirmed_write(
        dry_run,
        |settings, m: &Member| {
            prompt::confirm(
                settings,
                &format!("Remove {} from {}?", m.user, m.workspace),
            )
        },
        |s| member::remove(s, name, user),
    );
    ctx.print_removal(
        Action::MemberRemove.name(),
        dry_run,
        if_exists,
        r,
        |m| format!("Removed {} from {name}.", m.user),
        &format!("{user} is not a member of {name}."),
    )
}

/// `member update`: `expires` `None` is `--no-expiry`.
pub fn update(
    ctx: &mut Ctx,
    name: &WorkspaceName,
    user: &str,
    expires: Option<Expiry>,
    dry_run: bool,
) -> anyhow::Result<()> {
    let done = ctx.write(dry_run, |s| member::update(s, name, user, expires))?;
    let m = &done.value.value;
    let msg = match m.expires_at {
        Some(at) => format!("{} expires in {name} at {at}.", m.user),
        None => format!("{} never expires in {name}.", m.user),
    };
    ctx.print_mutation(Action::MemberUpdate.name(), dry_run, done, &msg)
}

/// `member suspend` (`suspend`) and `member resume`.
pub fn suspend(
    ctx: &mut Ctx,
    name: &WorkspaceName,
    user: &str,
    suspend: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    let done = ctx.write(dry_run, |s| member::suspend(s, name, user, suspend))?;
    let m = &done.value.value;
    let msg = match (suspend, done.value.changed) {
        (true, true) => format!(
            "Suspended {} in {name}: it keeps its roles but is granted nothing.",
            m.user
        ),
        (true, false) => format!("{} is already suspended in {name}.", m.user),
        (false, true) => format!("Resumed {} in {name}.", m.user),
        (false, false) => format!("{} is not suspended in {name}.", m.user),
    };
    let action = if suspend {
        Action::MemberSuspend
    } else {
        Action::MemberResume
    };
    ctx.print_mutation(action.name(), dry_run, done, &msg)
}

/// `member prune --expired [W]`: asks first (the memberships and their roles are gone).
pub fn prune(ctx: &mut Ctx, name: Option<&WorkspaceName>, dry_run: bool) -> anyhow::Result<()> {
    let done = ctx.confirmed_write(
        dry_run,
        |settings, gone: &Vec<Member>| {
            let list: Vec<String> = gone
                .iter()
                .map(|m| format!("{} in {}", m.user, m.workspace))
                .collect();
            prompt::confirm(
                settings,
                &format!(
                    "Remove {} expired {} ({})?",
                    gone.len(),
                    if gone.len() == 1 {
                        "membership"
                    } else {
                        "memberships"
                    },
                    list.join(", ")
                ),
            )
        },
        |s| member::prune(s, name),
    )?;
    let n = done.value.value.len();
    let msg = match n {
        0 => "No expired membership to prune.".to_string(),
        1 => "Pruned 1 expired membership.".to_string(),
        n => format!("Pruned {n} expired memberships."),
    };
    ctx.print_mutation(Action::MemberPrune.name(), dry_run, done, &msg)
}

/// The roles of every `--role` (each may list several).
fn all_of(sets: &[RoleSet]) -> RoleSet {
    sets.iter().fold(RoleSet::empty(), |all, s| all.union(s))
}
