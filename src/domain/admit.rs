//! Admitting an action: the one sequence of checks every change goes through, driven by
//! the table of actions in [`policy`]. In this order (what a refused actor learns):
//! the attempt is declared (so a refusal is audited under the action's name), the
//! workspace is found as the actor sees it (one they may not see is not found, with no
//! audit event), the target is found, the attempt is declared again under the stored
//! names, then the right and then the workspace's state are checked.

use std::collections::HashMap;

use super::policy::{self, Action, Grants, Needs, Requires, Right};
use super::session::Session;
use crate::model::error::{Error, Result};
use crate::model::roles::RoleSet;
use crate::model::{Status, Workspace, WorkspaceName};

/// A workspace-level action admitted: the workspace as the actor sees it, what the
/// actor's membership grants there, and the target the use case found.
#[derive(Debug)]
pub struct Admitted<T> {
    pub w: Workspace,
    pub grants: Grants,
    pub target: T,
}

/// What the audit log names as an action's target.
pub trait Target {
    /// The stored name; `w` for targets that are the workspace itself.
    fn target_name<'a>(&'a self, w: &'a Workspace) -> &'a str;
}

/// The workspace itself is the target (`workspace update`, `upgrade`, the lifecycle).
impl Target for () {
    fn target_name<'a>(&'a self, w: &'a Workspace) -> &'a str {
        w.name.as_str()
    }
}

/// A new object, named as asked.
impl Target for &str {
    fn target_name<'a>(&'a self, _: &'a Workspace) -> &'a str {
        self
    }
}

/// Declare `action` on `target` in workspace `ws` (as given), find the workspace as the
/// actor sees it, `find` the target in it, and check the right and the state the table
/// asks for.
pub fn admit<T: Target>(
    s: &mut Session,
    action: Action,
    ws: &WorkspaceName,
    target: &str,
    find: impl FnOnce(&mut Session, &Workspace) -> Result<T>,
) -> Result<Admitted<T>> {
    let (w, grants) = see(s, action, ws, target)?;
    let target = find(s, &w)?;
    check(s, action, &w, grants, target.target_name(&w))?;
    Ok(Admitted { w, grants, target })
}

/// The first half of [`admit`]: declare the attempt and find the workspace.
pub fn see(
    s: &mut Session,
    action: Action,
    ws: &WorkspaceName,
    target: &str,
) -> Result<(Workspace, Grants)> {
    s.attempt(action, Some(ws.as_str()), Some(target));
    visible(s, ws)
}

/// The second half of [`admit`], for a caller that found the workspace and the target
/// itself (`apply` looks a workspace up once for thousands of members): declare the
/// attempt under the stored names, check the right, then the state.
pub fn check(
    s: &mut Session,
    action: Action,
    w: &Workspace,
    grants: Grants,
    target: &str,
) -> Result<()> {
    check_also(s, action, w, grants, target, None)
}

/// [`check`] with one more workspace right, checked after the action's own and before
/// the state (`resourcegroup bind --default` also needs `workspace.update`).
pub fn check_also(
    s: &mut Session,
    action: Action,
    w: &Workspace,
    grants: Grants,
    target: &str,
    also: Option<(Right, &str)>,
) -> Result<()> {
    s.attempt(action, Some(w.name.as_str()), Some(target));
    let rule = action.rule();
    match rule.needs {
        Needs::Tenant(right) => policy::require_tenant(&s.actor, right, rule.denied)?,
        Needs::Workspace(right) => policy::require(&s.actor, grants, w, right, rule.denied)?,
        Needs::Nothing => {}
    }
    if let Some((right, denied)) = also {
        policy::require(&s.actor, grants, w, right, denied)?;
    }
    match rule.requires {
        Requires::Available => require_available(w, rule.frozen),
        Requires::NotDeleted if w.status == Status::Deleted => require_available(w, rule.frozen),
        Requires::NotDeleted | Requires::Any => Ok(()),
    }
}

/// A tenant-level action outside any workspace (or creating one): declare the attempt on
/// `target` and check the right.
pub fn admit_tenant(
    s: &mut Session,
    action: Action,
    ws: Option<&str>,
    target: Option<&str>,
) -> Result<()> {
    s.attempt(action, ws, target);
    require_tenant(s, action)
}

/// The right of a tenant-level action, checked again without a new attempt (the
/// `workspace create` wizard asks it of every name typed).
pub fn require_tenant(s: &Session, action: Action) -> Result<()> {
    let rule = action.rule();
    match rule.needs {
        Needs::Tenant(right) => policy::require_tenant(&s.actor, right, rule.denied),
        _ => Ok(()),
    }
}

/// Find a workspace the actor may see, with what the actor's membership grants in it. A
/// workspace the actor may not see is "not found", exactly like one that does not exist.
pub fn visible(s: &mut Session, name: &WorkspaceName) -> Result<(Workspace, Grants)> {
    let found = s.tx().workspace(name.as_str())?;
    if let Some(w) = found {
        let roles = roles_in(s, w.id)?;
        let grants = grants_in(s, w.id, &roles)?;
        if policy::can_see(&s.actor, grants) {
            return Ok((w, grants));
        }
    }
    Err(not_found(name))
}

/// What the actor's membership of workspace `id` grants now ([`policy::granted`]: an
/// expired or suspended membership grants nothing); empty when not a member.
pub fn roles_in(s: &Session, id: i64) -> Result<RoleSet> {
    let m = s.tx().membership(id, s.actor.pk)?;
    Ok(m.map_or_else(RoleSet::empty, |m| policy::granted(&m, s.now)))
}

/// What holding `roles` in workspace `ws` grants ([`policy::grants`]): the workspace's
/// custom roles are read (once per command) only when `roles` holds one.
pub fn grants_in(s: &mut Session, ws: i64, roles: &RoleSet) -> Result<Grants> {
    if roles.custom().is_empty() {
        return Ok(policy::grants(roles, &[]));
    }
    let custom = s.custom_roles(ws)?;
    Ok(policy::grants(roles, &custom))
}

/// What the actor's memberships grant now, by workspace id ([`policy::granted`], then
/// [`grants_in`] for each); a membership that grants nothing (expired, suspended) is
/// left out.
pub fn grants_everywhere(s: &mut Session) -> Result<HashMap<i64, Grants>> {
    let mut out = HashMap::new();
    for (ws, roles) in roles_everywhere(s)? {
        let g = grants_in(s, ws, &roles)?;
        out.insert(ws, g);
    }
    Ok(out)
}

/// [`roles_in`] for every workspace where the actor's membership grants something now.
pub fn roles_everywhere(s: &Session) -> Result<HashMap<i64, RoleSet>> {
    let all = s.tx().memberships_everywhere(s.actor.pk)?;
    Ok(all
        .into_iter()
        .map(|(id, m)| (id, policy::granted(&m, s.now)))
        .filter(|(_, roles)| !roles.is_empty())
        .collect())
}

pub fn not_found(name: &WorkspaceName) -> Error {
    Error::not_found(format!("workspace {name} not found"))
        .with_hint("list the workspaces you can see with dwctl workspace list --all")
}

/// Changes inside a workspace need it available: disabled and deleted ones are frozen.
fn require_available(w: &Workspace, doing: &str) -> Result<()> {
    match w.status {
        Status::Available => Ok(()),
        Status::Disabled => Err(Error::refused(format!(
            "workspace {} is disabled: cannot {doing}",
            w.name
        ))
        .with_hint(format!(
            "enable it first: dwctl workspace enable {}",
            w.name
        ))),
        Status::Deleted => Err(Error::refused(format!(
            "workspace {} is in the recycle bin: cannot {doing}",
            w.name
        ))
        .with_hint(format!(
            "restore it first: dwctl workspace restore {}",
            w.name
        ))),
    }
}
