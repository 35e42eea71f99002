//! Principals of the tenant: `user add|list|show|update|remove` (domain.md 2).

use serde_json::Value;

use super::admit;
use super::policy::{self, Action};
use super::session::{diff, Outcome, Session};
use crate::model::error::{Error, Result};
use crate::model::{
    named, parse_principal_id, shown, Principal, PrincipalKind, PrincipalName,
    PRINCIPAL_ID_MAX_DIGITS,
};

#[derive(Debug, Clone)]
pub struct NewPrincipal {
    pub name: PrincipalName,
    pub kind: PrincipalKind,
    pub id: Option<String>,
    pub display_name: Option<String>,
    pub full_access: bool,
    /// The database login it acts as on a PostgreSQL catalog (only the account maps).
    pub db_role: Option<String>,
}

fn to_json(p: &Principal) -> Value {
    serde_json::to_value(p).unwrap_or(Value::Null)
}

/// A principal named by name or by id (1-32 digits). One that is neither can never exist:
/// exit 2, before anything is looked up (never "not found").
pub fn parse_principal_ref(s: &str) -> Result<String> {
    if parse_principal_id(s).is_ok() {
        return Ok(s.to_string());
    }
    PrincipalName::parse(s)
        .map(|n| n.to_string())
        .map_err(|e| {
            e.with_hint(format!(
                "a principal is named by its name ({}) or by its id (1-{PRINCIPAL_ID_MAX_DIGITS} digits)",
                PrincipalName::rule()
            ))
        })
}

pub fn find(s: &mut Session, name_or_id: &str) -> Result<Principal> {
    parse_principal_ref(name_or_id)?;
    s.tx()
        .principal(name_or_id)?
        .ok_or_else(|| not_found(name_or_id))
}

/// What [`find`] says of a principal that is not there.
pub fn not_found(name_or_id: &str) -> Error {
    let e = Error::not_found(format!("principal {} not found", shown(name_or_id)));
    if PrincipalName::parse(name_or_id).is_ok() {
        e.with_hint(format!("add it with dwctl user add {}", named(name_or_id)))
    } else {
        e.with_hint("list the principals with dwctl user list")
    }
}

/// A fresh 16-digit id that no principal has.
fn generate_id(s: &mut Session) -> Result<String> {
    loop {
        let id = s.ids.digits();
        if !s.tx().principal_id_taken(&id)? {
            return Ok(id);
        }
    }
}

pub fn add(s: &mut Session, req: NewPrincipal, if_not_exists: bool) -> Result<Outcome<Principal>> {
    if req.kind == PrincipalKind::Account {
        return Err(
            Error::invalid("there is exactly one account principal, created by init")
                .with_hint("use --kind ram-user or --kind ram-role"),
        );
    }
    admit::admit_tenant(s, Action::UserAdd, None, Some(req.name.as_str()))?;
    if let Some(existing) = s.tx().principal(req.name.as_str())? {
        if if_not_exists {
            let mut differs = Vec::new();
            if existing.kind != req.kind {
                differs.push("kind");
            }
            if req.display_name.is_some() && existing.display_name != req.display_name {
                differs.push("display_name");
            }
            if existing.full_access != req.full_access {
                differs.push("full_access");
            }
            if req.id.as_ref().is_some_and(|id| *id != existing.id) {
                differs.push("id");
            }
            if req.db_role.is_some() && existing.db_role != req.db_role {
                differs.push("db_role");
            }
            s.warn_differs(format_args!("principal {}", existing.name), &differs);
            return Ok(Outcome::unchanged(existing));
        }
        return Err(
            Error::conflict(format!("principal {} already exists", existing.name))
                .with_hint("choose another name, or pass --if-not-exists"),
        );
    }
    let id = match req.id {
        Some(id) => {
            if s.tx().principal_id_taken(&id)? {
                return Err(Error::conflict(format!(
                    "principal id {id} is already taken"
                )));
            }
            id
        }
        None => generate_id(s)?,
    };
    if let Some(login) = &req.db_role {
        map_login(s, login, None)?;
    }
    let mut p = Principal {
        pk: 0,
        id,
        name: req.name,
        kind: req.kind,
        display_name: req.display_name,
        full_access: req.full_access,
        db_role: req.db_role,
        created_at: s.now,
    };
    p.pk = s.tx().insert_principal(&p)?;
    s.record(
        Action::UserAdd,
        None,
        Some(p.name.as_str()),
        serde_json::json!({ "after": to_json(&p) }),
    )?;
    Ok(Outcome::changed(p))
}

/// Every principal may read the directory: adding members needs the names. Each
/// principal is handed to `visit` as the catalog reads it (the list is never held).
pub fn list(s: &mut Session, mut visit: impl FnMut(Principal) -> Result<()>) -> Result<()> {
    s.tx().for_each_principal(&mut visit)
}

/// The principals whose names start with `prefix` (exactly), in `list`'s order.
pub fn list_starting(s: &mut Session, prefix: &str) -> Result<Vec<Principal>> {
    if prefix.is_empty() {
        return s.tx().principals();
    }
    let mut all = s.tx().principals_from(prefix)?;
    all.retain(|p| p.name.as_str().starts_with(prefix));
    Ok(all)
}

pub fn show(s: &mut Session, name_or_id: &str) -> Result<Principal> {
    find(s, name_or_id)
}

#[derive(Debug, Clone, Default)]
pub struct PrincipalUpdate {
    /// `Some(None)` clears the display name.
    pub display_name: Option<Option<String>>,
    pub full_access: Option<bool>,
    /// `Some(None)` clears the database login (`--no-db-role`).
    pub db_role: Option<Option<String>>,
}

pub fn update(
    s: &mut Session,
    name_or_id: &str,
    u: &PrincipalUpdate,
) -> Result<Outcome<Principal>> {
    let before = find(s, name_or_id)?;
    admit::admit_tenant(s, Action::UserUpdate, None, Some(before.name.as_str()))?;
    let mut p = before.clone();
    if let Some(d) = &u.display_name {
        p.display_name = d.clone();
    }
    if let Some(f) = u.full_access {
        if p.is_account() && !f {
            return Err(Error::refused("the account always has full access"));
        }
        if !p.is_account() {
            p.full_access = f;
        }
    }
    if let Some(r) = &u.db_role {
        if *r != before.db_role {
            match r {
                Some(login) => map_login(s, login, Some(&before))?,
                None => unmap_login(s, &before)?,
            }
            p.db_role = r.clone();
        }
    }
    if p == before {
        return Ok(Outcome::unchanged(before));
    }
    s.tx().update_principal(&p)?;
    s.record(
        Action::UserUpdate,
        None,
        Some(p.name.as_str()),
        diff(&to_json(&before), &to_json(&p)),
    )?;
    Ok(Outcome::changed(p))
}

/// Map `login` to a principal (`who`, or the one being added): only the account may (exit
/// 5, audited), and a login maps to one principal at most (exit 4 naming the other).
fn map_login(s: &mut Session, login: &str, who: Option<&Principal>) -> Result<()> {
    policy::require_tenant(
        &s.actor,
        policy::TenantRight::MapLogins,
        "map principals to database logins",
    )?;
    if let Some(other) = s.tx().principal_by_db_role(login)? {
        if who.is_none_or(|w| w.pk != other.pk) {
            return Err(Error::conflict(format!(
                "database login {} is already mapped to principal {}",
                shown(login),
                other.name
            ))
            .with_hint(format!(
                "a login acts as one principal: clear it first with dwctl user update {} --no-db-role",
                other.name
            )));
        }
    }
    Ok(())
}

/// Clear a principal's login (`--no-db-role`): only the account may, and never the
/// account's own on a catalog that authenticates logins (no one could map logins again).
fn unmap_login(s: &mut Session, who: &Principal) -> Result<()> {
    policy::require_tenant(
        &s.actor,
        policy::TenantRight::MapLogins,
        "map principals to database logins",
    )?;
    if who.is_account() && s.login.is_some() {
        return Err(Error::refused(
            "the account's database login cannot be cleared on this catalog: no login could then map the others",
        )
        .with_hint("map the account to another login instead: dwctl user update root --db-role LOGIN"));
    }
    Ok(())
}

/// Refused while the principal is a member anywhere (exit 4, naming the workspaces),
/// unless `cascade`, which removes the memberships too, in the recycle bin as well.
pub fn remove(s: &mut Session, name_or_id: &str, cascade: bool) -> Result<Outcome<Principal>> {
    let p = find(s, name_or_id).map_err(Error::of_target)?;
    admit::admit_tenant(s, Action::UserRemove, None, Some(p.name.as_str()))?;
    if p.is_account() {
        return Err(Error::refused("the account principal cannot be removed"));
    }
    let workspaces = s.tx().memberships_of(p.pk)?;
    if !workspaces.is_empty() {
        if !cascade {
            return Err(Error::conflict(format!(
                "{} is a member of {}",
                p.name,
                workspaces.join(", ")
            ))
            .with_hint(format!(
                "remove the memberships first, or pass --cascade: dwctl user remove {} --cascade",
                p.name
            )));
        }
        // Every membership goes, in the recycle bin too (restoring such a workspace brings
        // it back without this one); each is a `member.remove` event of its workspace, so
        // that the workspace's administrators see it in their audit log.
        for name in &workspaces {
            let Some(w) = s.tx().workspace(name)? else {
                continue;
            };
            let Some(m) = s.tx().member(w.id, p.pk)? else {
                continue;
            };
            super::shared::before_membership_removed(s, &w, p.pk, Action::UserRemove)?;
            s.tx().delete_member(w.id, p.pk)?;
            s.record(
                Action::MemberRemove,
                Some(w.name.as_str()),
                Some(p.name.as_str()),
                serde_json::json!({ "before": serde_json::to_value(&m).unwrap_or_default(), "cascade": true }),
            )?;
        }
    }
    s.tx().delete_principal(p.pk)?;
    s.record(
        Action::UserRemove,
        None,
        Some(p.name.as_str()),
        serde_json::json!({ "before": to_json(&p), "memberships_removed": workspaces }),
    )?;
    Ok(Outcome::changed(p))
}
