//! Access reviews (issue 16, part 4): what one principal holds everywhere (`user show`),
//! who holds a right or capability (`access who-can`), and every principal's roles in
//! every workspace (`access matrix`). All of it is what the actor could list: the
//! workspaces they can see (`policy::can_see`), and the principals (`user list` is open to
//! every principal). What a membership grants is `policy::granted`, the one function the
//! permission checks use too.
//!
//! Whole-tenant reviews stream: workspaces are read once (10,000 at size xl), their
//! members one workspace at a time, each row handed on as it is read.

use std::collections::HashMap;

use serde::Serialize;

use super::admit;
use super::policy::{self, Holding};
use super::principal;
use super::session::Session;
use super::store::WorkspaceFilter;
use crate::model::error::Result;
use crate::model::roles::RoleSet;
use crate::model::{
    MemberStatus, Principal, PrincipalKind, PrincipalName, Workspace, WorkspaceName,
};

/// One membership of the principal `user show` shows.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Membership {
    pub workspace: WorkspaceName,
    pub roles: RoleSet,
    pub status: MemberStatus,
}

/// `user show`: the principal and its memberships in the workspaces the actor can see.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PrincipalView {
    #[serde(flatten)]
    pub principal: Principal,
    pub memberships: Vec<Membership>,
}

/// The workspace column of a tenant grant: it holds in every workspace.
pub const EVERY_WORKSPACE: &str = "*";

/// One row of `access who-can`: a principal holding the right or capability in a
/// workspace (`*`: every workspace, by a tenant grant), and through what.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Holder {
    pub workspace: String,
    pub user: PrincipalName,
    pub user_id: String,
    pub kind: PrincipalKind,
    /// The roles that give it (`role_project_admin, role_project_pe`), or the tenant grant
    /// (`account`, `full access`).
    pub through: String,
}

/// One row of `access matrix`: a principal's roles in a workspace (`*`: every workspace,
/// by a tenant grant), with the membership's status when it is not normal.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Cell {
    pub user: PrincipalName,
    pub user_id: String,
    pub kind: PrincipalKind,
    pub workspace: String,
    pub roles: Vec<String>,
    pub status: Option<MemberStatus>,
}

/// How a tenant grant reads.
fn tenant_grant(p: &Principal) -> &'static str {
    if p.is_account() {
        "account"
    } else {
        "full access"
    }
}

/// `user show U`: U and its memberships, in the workspaces the actor can see, by name.
pub fn show_user(s: &mut Session, name_or_id: &str) -> Result<PrincipalView> {
    let p = principal::find(s, name_or_id)?;
    let seen = seen_by_actor(s)?;
    let mut memberships = Vec::new();
    for (ws, _) in s.tx().memberships_everywhere(p.pk)? {
        if seen.as_ref().is_some_and(|ids| !ids.contains_key(&ws)) {
            continue;
        }
        let Some(name) = s.tx().workspace_name_by_id(ws)? else {
            continue;
        };
        if let Some(m) = s.tx().member(ws, p.pk)? {
            memberships.push(Membership {
                workspace: WorkspaceName::from_stored(name),
                roles: m.roles,
                status: m.status,
            });
        }
    }
    memberships.sort_by_key(|m| m.workspace.as_str().to_ascii_lowercase());
    Ok(PrincipalView {
        principal: p,
        memberships,
    })
}

/// The workspaces the actor sees by membership, or `None` for a tenant administrator,
/// who sees every one.
fn seen_by_actor(s: &mut Session) -> Result<Option<HashMap<i64, RoleSet>>> {
    if policy::can_see(&s.actor, policy::Grants::none()) {
        return Ok(None);
    }
    let mut seen = HashMap::new();
    // What the actor's memberships grant now (expired and suspended ones: nothing).
    for (ws, roles) in admit::roles_everywhere(s)? {
        let g = admit::grants_in(s, ws, &roles)?;
        if policy::can_see(&s.actor, g) {
            seen.insert(ws, roles);
        }
    }
    Ok(Some(seen))
}

/// The workspaces a review covers: `W` as the actor sees it (not found otherwise), or
/// every one the actor can see outside the recycle bin, by name.
fn reviewed(s: &mut Session, ws: Option<&WorkspaceName>) -> Result<Vec<Workspace>> {
    if let Some(name) = ws {
        return Ok(vec![admit::visible(s, name)?.0]);
    }
    let seen = seen_by_actor(s)?;
    let mut all = s.tx().workspaces(&WorkspaceFilter::default())?;
    if let Some(ids) = seen {
        all.retain(|w| ids.contains_key(&w.id));
    }
    Ok(all)
}

/// Where a tenant grant's row says it holds: the one workspace reviewed, or `*`.
fn tenant_scope(ws: Option<&WorkspaceName>, reviewed: &[Workspace]) -> String {
    match (ws, reviewed.first()) {
        (Some(_), Some(w)) => w.name.to_string(),
        _ => EVERY_WORKSPACE.to_string(),
    }
}

/// The tenant administrators (account first), each handed to `visit` as read.
fn tenant_admins(s: &mut Session, visit: &mut dyn FnMut(Principal) -> Result<()>) -> Result<()> {
    s.tx().for_each_principal(&mut |p| {
        if p.is_tenant_admin() {
            visit(p)?;
        }
        Ok(())
    })
}

/// `access who-can RIGHT|CAPABILITY [--workspace W]`: first those who hold it by a tenant
/// grant (in `*`, or in W), then, workspace by workspace, the members whose membership
/// grants it, with the roles that do.
pub fn who_can(
    s: &mut Session,
    what: Holding,
    ws: Option<&WorkspaceName>,
    visit: &mut dyn FnMut(Holder) -> Result<()>,
) -> Result<()> {
    let workspaces = reviewed(s, ws)?;
    let everywhere = tenant_scope(ws, &workspaces);
    tenant_admins(s, &mut |p| {
        if !what.by_tenant(&p) {
            return Ok(());
        }
        visit(Holder {
            workspace: everywhere.clone(),
            through: tenant_grant(&p).to_string(),
            user: p.name,
            user_id: p.id,
            kind: p.kind,
        })
    })?;
    if matches!(what, Holding::Tenant(_)) {
        return Ok(());
    }
    for w in workspaces {
        // The workspace's custom roles, read once: what each membership grants is
        // `policy::grants` of its roles and these.
        let custom = s.custom_roles(w.id)?;
        let now = s.now;
        s.tx().for_each_member(w.id, &mut |m| {
            // A suspended or expired membership grants nothing: not listed.
            let roles = policy::granted(&m.membership(), now);
            let through = what.through(&roles, &custom).join(", ");
            if through.is_empty() {
                return Ok(());
            }
            visit(Holder {
                workspace: w.name.to_string(),
                user: m.user,
                user_id: m.user_id,
                kind: m.kind,
                through,
            })
        })?;
    }
    Ok(())
}

/// `access matrix [--workspace W]`: the tenant grants first (in `*`, or in W), then every
/// membership of the workspaces reviewed, workspace by workspace.
pub fn matrix(
    s: &mut Session,
    ws: Option<&WorkspaceName>,
    visit: &mut dyn FnMut(Cell) -> Result<()>,
) -> Result<()> {
    let workspaces = reviewed(s, ws)?;
    let everywhere = tenant_scope(ws, &workspaces);
    tenant_admins(s, &mut |p| {
        visit(Cell {
            workspace: everywhere.clone(),
            roles: vec![tenant_grant(&p).to_string()],
            status: None,
            user: p.name,
            user_id: p.id,
            kind: p.kind,
        })
    })?;
    for w in workspaces {
        s.tx().for_each_member(w.id, &mut |m| {
            visit(Cell {
                workspace: w.name.to_string(),
                roles: m.roles.codes().into_iter().map(String::from).collect(),
                status: (m.status != MemberStatus::Normal).then_some(m.status),
                user: m.user,
                user_id: m.user_id,
                kind: m.kind,
            })
        })?;
    }
    Ok(())
}
