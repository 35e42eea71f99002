//! Members and their roles (domain.md 4, permissions.md 5).

use super::admit::{self, admit, Admitted, Target};
use super::policy::{self, Action, Grants};
use super::principal;
use super::roles;
use super::session::{Outcome, Session};
use crate::model::clock::{Expiry, Timestamp};
use crate::model::error::{Error, Result};
use crate::model::roles::{RoleCode, RoleSet};
use crate::model::words;
use crate::model::{
    Member, MemberStatus, Membership, Mode, Principal, SodPolicy, Warning, Workspace, WorkspaceName,
};

/// A member's target in the audit log is its principal.
impl Target for (Principal, Member) {
    fn target_name<'a>(&'a self, _: &'a Workspace) -> &'a str {
        self.0.name.as_str()
    }
}

/// The principal named `user` and its membership of `w`; not being a member is not
/// found, as `missing` marks it.
fn member_of(
    s: &mut Session,
    w: &Workspace,
    user: &str,
    missing: fn(Error) -> Error,
) -> Result<(Principal, Member)> {
    let p = principal::find(s, user)?;
    match s.tx().member(w.id, p.pk)? {
        Some(m) => Ok((p, m)),
        None => Err(missing(not_member(w, &p))),
    }
}

pub(super) fn not_member(w: &Workspace, p: &Principal) -> Error {
    Error::not_found(format!("{} is not a member of {}", p.name, w.name)).with_hint(format!(
        "list the members with dwctl member list {}",
        w.name
    ))
}

fn to_json(m: &Member) -> serde_json::Value {
    serde_json::to_value(m).unwrap_or(serde_json::Value::Null)
}

/// The rules every new role set must pass: the owner role is the account's alone,
/// Develop may be disabled, and separation of duties (warn or enforce), which counts a
/// custom role with the develop capability as Develop and one with operate as O&M.
fn check_roles(
    s: &mut Session,
    w: &Workspace,
    p: &Principal,
    before: &RoleSet,
    after: &RoleSet,
) -> Result<()> {
    if after.is_empty() {
        return Err(Error::refused(format!(
            "{} must keep at least one role in {}",
            p.name, w.name
        ))
        .with_hint(format!(
            "remove the member instead: dwctl member remove {} {}",
            w.name, p.name
        )));
    }
    if after.contains(RoleCode::Owner) != before.contains(RoleCode::Owner) {
        return Err(Error::refused(
            "role_project_owner can be neither granted nor revoked: it belongs to the account",
        ));
    }
    if after.contains(RoleCode::Dev) && !before.contains(RoleCode::Dev) && w.dev_role_disabled {
        return Err(Error::refused(format!(
            "the Develop role is disabled in {}: role_project_dev cannot be granted",
            w.name
        )));
    }
    let custom = if after.custom().is_empty() && before.custom().is_empty() {
        None
    } else {
        Some(s.custom_roles(w.id)?)
    };
    let custom = custom.as_deref().unwrap_or(&[]);
    let holds_both = policy::duties(after, custom) == (true, true);
    let held_both = policy::duties(before, custom) == (true, true);
    if holds_both && !held_both {
        let both = duty_roles(after, custom);
        match w.sod_policy {
            SodPolicy::Enforce => {
                return Err(Error::refused(format!(
                    "separation of duties is enforced in {}: {} may not hold both {}",
                    w.name, p.name, both
                ))
                .with_hint(format!("grant one of the two, or relax it: dwctl workspace update {} --sod-policy warn", w.name)))
            }
            SodPolicy::Warn => s.warn(Warning::new(
                "separation_of_duties",
                format!(
                    "{} now holds both {} in {}: one person should not both develop and operate production",
                    p.name,
                    both,
                    w.name
                ),
            )),
            SodPolicy::Off => {}
        }
    }
    if after.contains(RoleCode::Deploy)
        && !before.contains(RoleCode::Deploy)
        && w.mode == Mode::Basic
    {
        s.warn(Warning::new(
            "deploy_in_basic_mode",
            format!(
                "{} is in basic mode, where role_project_deploy has no effect (there is no deploy step)",
                w.name
            ),
        ));
    }
    Ok(())
}

/// How a separation-of-duties message names the roles that make a set Develop and O&M:
/// `role_project_dev and role_project_pe` for the built-ins, else the custom roles' names.
fn duty_roles(roles: &RoleSet, custom: &[crate::model::roles::CustomRole]) -> String {
    let dev = if roles.contains(RoleCode::Dev) {
        RoleCode::Dev.code().to_string()
    } else {
        duty_custom(roles, custom, policy::Capability::Develop)
    };
    let ops = if roles.contains(RoleCode::Pe) {
        RoleCode::Pe.code().to_string()
    } else {
        duty_custom(roles, custom, policy::Capability::Operate)
    };
    format!("{dev} and {ops}")
}

fn duty_custom(
    roles: &RoleSet,
    custom: &[crate::model::roles::CustomRole],
    c: policy::Capability,
) -> String {
    custom
        .iter()
        .find(|r| {
            roles.contains_custom(&r.code)
                && r.capabilities
                    .iter()
                    .any(|k| policy::Capability::parse(k) == Some(c))
        })
        .map(|r| format!("{} (custom, {})", r.name, c.key()))
        .unwrap_or_default()
}

pub fn add(
    s: &mut Session,
    ws: &WorkspaceName,
    user: &str,
    roles: RoleSet,
    expires: Option<Expiry>,
    if_not_exists: bool,
) -> Result<Outcome<Member>> {
    let (w, actor_grants) = admit::see(s, Action::MemberAdd, ws, user)?;
    let p = principal::find(s, user)?;
    let expires_at = expires.map(|e| e.at(s.now)).transpose()?;
    let m = Membership {
        roles,
        status: MemberStatus::Normal,
        expires_at,
    };
    add_to(s, &w, actor_grants, &p, m, if_not_exists)
}

/// [`add`] for a caller that has already found the workspace the actor sees (with
/// [`admit::see`]), what the actor is granted in it and the principal: `apply` adds
/// thousands of members to one workspace and looks those up once. `roles` may name
/// custom roles as typed ([`roles::resolve`]).
pub fn add_to(
    s: &mut Session,
    w: &Workspace,
    actor_grants: Grants,
    p: &Principal,
    ms: Membership,
    if_not_exists: bool,
) -> Result<Outcome<Member>> {
    admit::check(s, Action::MemberAdd, w, actor_grants, p.name.as_str())?;
    let roles = roles::resolve(s, w, &ms.roles)?;
    let ms = Membership {
        roles: roles.clone(),
        ..ms
    };
    if let Some(existing) = s.tx().member(w.id, p.pk)? {
        if if_not_exists {
            if existing.roles != roles {
                s.warn(Warning::new(
                    "exists_differs",
                    format!(
                        "{} is already a member of {} with {} {} (asked: {})",
                        p.name,
                        w.name,
                        words::number(existing.roles.codes().len(), "role", "roles"),
                        existing.roles.codes().join(", "),
                        roles.codes().join(", ")
                    ),
                ));
            }
            return Ok(Outcome::unchanged(existing));
        }
        check_roles(s, w, p, &RoleSet::empty(), &roles)?;
        return Err(Error::conflict(format!("{} is already a member of {}", p.name, w.name))
            .with_hint(format!(
                "change its roles with dwctl member role {} {} --grant ROLE, or pass --if-not-exists",
                w.name, p.name
            )));
    }
    check_roles(s, w, p, &RoleSet::empty(), &roles)?;
    let (now, by) = (s.now, s.actor.name.to_string());
    s.tx().insert_member(w.id, p.pk, &ms, now, &by)?;
    let m = Member {
        workspace: w.name.clone(),
        user: p.name.clone(),
        user_id: p.id.clone(),
        kind: p.kind,
        roles: roles.clone(),
        status: ms.status,
        expires_at: ms.expires_at,
        added_at: now,
        added_by: by,
    };
    let mut after = serde_json::json!({ "roles": roles });
    if let Some(at) = ms.expires_at {
        after["expires_at"] = serde_json::json!(at);
    }
    if ms.status != MemberStatus::Normal {
        after["status"] = serde_json::json!(ms.status);
    }
    s.record(
        Action::MemberAdd,
        Some(w.name.as_str()),
        Some(p.name.as_str()),
        serde_json::json!({ "after": after }),
    )?;
    Ok(Outcome::changed(m))
}

/// How `member role` changes the set.
#[derive(Debug, Clone)]
pub enum RoleChange {
    GrantRevoke { grant: RoleSet, revoke: RoleSet },
    Set(RoleSet),
}

pub fn change_roles(
    s: &mut Session,
    ws: &WorkspaceName,
    user: &str,
    change: &RoleChange,
) -> Result<Outcome<Member>> {
    let Admitted {
        w, target: (p, m), ..
    } = admit(s, Action::MemberRole, ws, user, |s, w| {
        member_of(s, w, user, std::convert::identity)
    })?;
    let change = match change {
        RoleChange::GrantRevoke { grant, revoke } => RoleChange::GrantRevoke {
            grant: roles::resolve(s, &w, grant)?,
            revoke: roles::resolve(s, &w, revoke)?,
        },
        RoleChange::Set(set) => RoleChange::Set(roles::resolve(s, &w, set)?),
    };
    let touches_owner = match &change {
        RoleChange::GrantRevoke { grant, revoke } => {
            grant.contains(RoleCode::Owner) || revoke.contains(RoleCode::Owner)
        }
        RoleChange::Set(set) => set.contains(RoleCode::Owner) != m.roles.contains(RoleCode::Owner),
    };
    if touches_owner || m.roles.contains(RoleCode::Owner) {
        return Err(Error::refused(
            "role_project_owner can be neither granted nor revoked, and the owner member's roles never change",
        ));
    }
    let after = match change {
        RoleChange::GrantRevoke { grant, revoke } => m.roles.union(&grant).minus(&revoke),
        RoleChange::Set(set) => set,
    };
    if after == m.roles {
        return Ok(Outcome::unchanged(m));
    }
    check_roles(s, &w, &p, &m.roles, &after)?;
    s.tx().set_member_roles(w.id, p.pk, after.clone())?;
    let before = m.roles.clone();
    let m = Member {
        roles: after.clone(),
        ..m
    };
    s.record(
        Action::MemberRole,
        Some(w.name.as_str()),
        Some(p.name.as_str()),
        serde_json::json!({ "before": { "roles": before }, "after": { "roles": after } }),
    )?;
    Ok(Outcome::changed(m))
}

pub fn remove(s: &mut Session, ws: &WorkspaceName, user: &str) -> Result<Outcome<Member>> {
    // Offboarding works in a disabled workspace; the recycle bin changes nothing.
    let Admitted {
        w, target: (p, m), ..
    } = admit(s, Action::MemberRemove, ws, user, |s, w| {
        member_of(s, w, user, Error::of_target)
    })?;
    if m.roles.contains(RoleCode::Owner) {
        return Err(Error::refused(format!(
            "{} is the owner of {} and cannot be removed",
            p.name, w.name
        )));
    }
    delete(s, Action::MemberRemove, &w, &p, m)
}

/// Delete a membership with its audit event (`member remove`, `member prune`); the shares
/// into `w` for that member alone go first, each with its own event.
fn delete(
    s: &mut Session,
    action: Action,
    w: &Workspace,
    p: &Principal,
    m: Member,
) -> Result<Outcome<Member>> {
    super::shared::before_membership_removed(s, w, p.pk, action)?;
    s.tx().delete_member(w.id, p.pk)?;
    s.record(
        action,
        Some(w.name.as_str()),
        Some(p.name.as_str()),
        serde_json::json!({ "before": to_json(&m) }),
    )?;
    Ok(Outcome::changed(m))
}

/// A change of a member's status or expiry (each `None`: as it is).
#[derive(Debug, Clone, Copy, Default)]
pub struct AccessChange {
    pub status: Option<MemberStatus>,
    /// `Some(None)`: no expiry.
    pub expires_at: Option<Option<Timestamp>>,
}

impl AccessChange {
    /// The action it is audited as: a change of status is a suspension or a resumption,
    /// one of the expiry alone an update.
    fn action(self) -> Action {
        match self.status {
            Some(MemberStatus::Suspended) => Action::MemberSuspend,
            Some(MemberStatus::Normal) => Action::MemberResume,
            None => Action::MemberUpdate,
        }
    }
}

/// `member update --expires/--no-expiry`: a time given as typed must be in the future.
pub fn update(
    s: &mut Session,
    ws: &WorkspaceName,
    user: &str,
    expires: Option<Expiry>,
) -> Result<Outcome<Member>> {
    let expires_at = expires.map(|e| e.at(s.now)).transpose()?;
    let change = AccessChange {
        status: None,
        expires_at: Some(expires_at),
    };
    change_access(s, ws, user, change)
}

/// `member suspend` (`suspend`) and `member resume`: the roles and history stay.
pub fn suspend(
    s: &mut Session,
    ws: &WorkspaceName,
    user: &str,
    suspend: bool,
) -> Result<Outcome<Member>> {
    let status = if suspend {
        MemberStatus::Suspended
    } else {
        MemberStatus::Normal
    };
    let change = AccessChange {
        status: Some(status),
        expires_at: None,
    };
    change_access(s, ws, user, change)
}

/// Change a member's status or expiry (`member update`, `suspend`, `resume`, and
/// `apply`, whose manifest may carry an expiry already past: it grants nothing). The
/// owner can be neither expired nor suspended; nobody suspends their own membership but
/// a tenant administrator.
pub fn change_access(
    s: &mut Session,
    ws: &WorkspaceName,
    user: &str,
    change: AccessChange,
) -> Result<Outcome<Member>> {
    let action = change.action();
    let Admitted {
        w, target: (p, m), ..
    } = admit(s, action, ws, user, |s, w| {
        member_of(s, w, user, std::convert::identity)
    })?;
    let status = change.status.unwrap_or(m.status);
    let expires_at = change.expires_at.unwrap_or(m.expires_at);
    if m.roles.contains(RoleCode::Owner) {
        if expires_at.is_some() {
            return Err(Error::refused(format!(
                "{} is the owner of {} and cannot expire",
                p.name, w.name
            )));
        }
        if status == MemberStatus::Suspended {
            return Err(Error::refused(format!(
                "{} is the owner of {} and cannot be suspended",
                p.name, w.name
            )));
        }
    }
    if status == MemberStatus::Suspended
        && m.status != status
        && p.pk == s.actor.pk
        && !s.actor.is_tenant_admin()
    {
        return Err(Error::refused(format!(
            "{} may not suspend their own membership of {}",
            p.name, w.name
        ))
        .with_hint("ask another administrator of the workspace"));
    }
    set_access(s, action, &w, &p, m, status, expires_at)
}

/// Store a member's new status and expiry with its audit event (unchanged: no event).
fn set_access(
    s: &mut Session,
    action: Action,
    w: &Workspace,
    p: &Principal,
    m: Member,
    status: MemberStatus,
    expires_at: Option<Timestamp>,
) -> Result<Outcome<Member>> {
    if m.status == status && m.expires_at == expires_at {
        return Ok(Outcome::unchanged(m));
    }
    s.tx().set_member_access(w.id, p.pk, status, expires_at)?;
    let before = serde_json::json!({ "status": m.status, "expires_at": m.expires_at });
    let after = serde_json::json!({ "status": status, "expires_at": expires_at });
    s.record(
        action,
        Some(w.name.as_str()),
        Some(p.name.as_str()),
        serde_json::json!({ "before": before, "after": after }),
    )?;
    Ok(Outcome::changed(Member {
        status,
        expires_at,
        ..m
    }))
}

/// `member prune --expired [W]`: remove the expired memberships of `ws`, or of every
/// workspace (not in the recycle bin) where the actor may manage members; one audit event
/// each. Without `ws`, a workspace where the actor may not manage members is skipped,
/// not refused.
pub fn prune(s: &mut Session, ws: Option<&WorkspaceName>) -> Result<Outcome<Vec<Member>>> {
    let names = match ws {
        Some(name) => {
            let (w, roles) = admit::see(s, Action::MemberPrune, name, name.as_str())?;
            admit::check(s, Action::MemberPrune, &w, roles, w.name.as_str())?;
            vec![w]
        }
        None => {
            let mine = admit::grants_everywhere(s)?;
            let mut out = Vec::new();
            for w in super::workspace::list(s, &super::workspace::ListFilter::default())? {
                let roles = mine.get(&w.id).copied().unwrap_or_default();
                if w.status != crate::model::Status::Deleted
                    && super::policy::has_right(&s.actor, roles, super::policy::Right::MemberManage)
                {
                    out.push(w);
                }
            }
            out
        }
    };
    let now = s.now;
    let mut pruned = Vec::new();
    for w in names {
        let mut expired = Vec::new();
        s.tx().for_each_member(w.id, &mut |m| {
            if m.membership().expired(now) && !m.roles.contains(RoleCode::Owner) {
                expired.push(m.user.to_string());
            }
            Ok(())
        })?;
        for user in expired {
            let done = prune_one(s, &w.name, &user)?;
            if done.changed {
                pruned.push(done.value);
            }
        }
    }
    Ok(if pruned.is_empty() {
        Outcome::unchanged(pruned)
    } else {
        Outcome::changed(pruned)
    })
}

/// Remove one expired membership (`member prune --expired`), with its audit event.
fn prune_one(s: &mut Session, ws: &WorkspaceName, user: &str) -> Result<Outcome<Member>> {
    let Admitted {
        w, target: (p, m), ..
    } = admit(s, Action::MemberPrune, ws, user, |s, w| {
        member_of(s, w, user, Error::of_target)
    })?;
    if !m.membership().expired(s.now) || m.roles.contains(RoleCode::Owner) {
        return Ok(Outcome::unchanged(m));
    }
    delete(s, Action::MemberPrune, &w, &p, m)
}

/// Any member may read the member list.
/// `role` (a built-in or custom role, as typed) keeps the members holding it.
pub fn list(
    s: &mut Session,
    ws: &WorkspaceName,
    role: Option<&RoleSet>,
    mut visit: impl FnMut(Member) -> Result<()>,
) -> Result<()> {
    let (w, _) = admit::visible(s, ws)?;
    let role = role.map(|r| roles::resolve(s, &w, r)).transpose()?;
    s.tx().for_each_member(w.id, &mut |m| match &role {
        Some(r) if !m.roles.intersects(r) => Ok(()),
        _ => visit(m),
    })
}

pub fn show(s: &mut Session, ws: &WorkspaceName, user: &str) -> Result<Member> {
    let (w, _) = admit::visible(s, ws)?;
    let p = principal::find(s, user)?;
    s.tx().member(w.id, p.pk)?.ok_or_else(|| not_member(&w, &p))
}
