//! Custom workspace roles (issue 16 section 1): a workspace's own roles, each a set of the
//! enforced workspace rights (permissions.md 4, never the owner's own) and, for
//! information, capabilities. Granted and revoked like built-in roles; what they grant is
//! computed where every membership's grant is ([`policy::grants`]).

use serde::Serialize;

use super::admit::{self, admit, Admitted, Target};
use super::policy::{self, Action, Capability, Needs, Right, TenantRight};
use super::session::{Outcome, Session};
use crate::model::error::{Error, Result};
use crate::model::roles::{
    custom_code, custom_code_id, parse_custom_name, CustomRole, RoleCode, RoleSet,
};
use crate::model::{shown, words, Description, Warning, Workspace, WorkspaceName};

/// A custom role's target in the audit log is its name.
impl Target for CustomRole {
    fn target_name<'a>(&'a self, _: &'a Workspace) -> &'a str {
        &self.name
    }
}

/// The rights a custom role may hold, as `--right` takes them: the enforced workspace
/// rights by name. The owner's own rights and the tenant's are refused by name.
pub fn parse_right(s: &str) -> Result<Right> {
    if let Some(r) = Right::parse(s) {
        return Ok(r);
    }
    let t = s.trim().to_ascii_lowercase();
    let owners = ["workspace.delete", "workspace.transfer", "workspace.owner"];
    let tenant = TenantRight::ALL.iter().any(|r| r.name() == t)
        || policy::Action::ALL
            .iter()
            .any(|a| a.name() == t && matches!(a.rule().needs, Needs::Tenant(_)));
    if owners.contains(&t.as_str()) || tenant {
        return Err(Error::invalid(format!(
            "{} is not a workspace right a custom role may hold: transferring ownership, deleting the workspace and the tenant's rights stay the owner's and the account's",
            shown(s)
        ))
        .with_hint(rights_hint()));
    }
    if let Some(a) = policy::Action::ALL.iter().find(|a| a.name() == t) {
        if let Needs::Workspace(r) = a.rule().needs {
            return Err(
                Error::invalid(format!("unknown right {}", shown(s))).with_hint(format!(
                    "{} is an action of the right {}",
                    a.name(),
                    r.name()
                )),
            );
        }
    }
    Err(Error::invalid(format!("unknown right {}", shown(s))).with_hint(rights_hint()))
}

fn rights_hint() -> String {
    format!("rights are: {}", Right::ALL.map(|r| r.name()).join(", "))
}

pub fn parse_capability(s: &str) -> Result<Capability> {
    Capability::parse(s).ok_or_else(|| {
        Error::invalid(format!("unknown capability {}", shown(s))).with_hint(format!(
            "capabilities are: {}",
            Capability::ALL.map(|c| c.key()).join(", ")
        ))
    })
}

/// Rights by name in the table's order, each once.
pub fn right_names(rights: &[Right]) -> Vec<String> {
    Right::ALL
        .into_iter()
        .filter(|r| rights.contains(r))
        .map(|r| r.name().to_string())
        .collect()
}

pub fn capability_keys(caps: &[Capability]) -> Vec<String> {
    Capability::ALL
        .into_iter()
        .filter(|c| caps.contains(c))
        .map(|c| c.key().to_string())
        .collect()
}

/// Turn the custom words of a role set as typed (names or codes, any case) into the
/// codes of the workspace's custom roles. Built-in roles pass as they are.
pub fn resolve(s: &mut Session, w: &Workspace, set: &RoleSet) -> Result<RoleSet> {
    if set.custom().is_empty() {
        return Ok(set.clone());
    }
    let custom = s.custom_roles(w.id)?;
    let mut out = set.builtins();
    for word in set.custom() {
        match named(&custom, word) {
            Some(r) => out.insert_custom(&r.code),
            None => return Err(unknown_role(w, word, &custom)),
        }
    }
    Ok(out)
}

fn unknown_role(w: &Workspace, word: &str, custom: &[CustomRole]) -> Error {
    let mut hint = format!(
        "roles are: {} (codes or aliases; see dwctl role list)",
        RoleCode::ALL.map(|r| r.info().alias).join(", ")
    );
    if !custom.is_empty() {
        hint.push_str(&format!(
            "; the custom roles of {} are: {} (see dwctl role list --workspace {})",
            w.name,
            custom
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            w.name
        ));
    }
    Error::invalid(format!("unknown role {}", shown(word))).with_hint(hint)
}

/// The custom role a word names: its code or its name, without regard to case.
fn named<'a>(custom: &'a [CustomRole], word: &str) -> Option<&'a CustomRole> {
    let word = word.trim();
    custom
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(word) || r.name.eq_ignore_ascii_case(word))
}

fn not_found(w: &Workspace, role: &str) -> Error {
    Error::not_found(format!("role {} not found in {}", shown(role), w.name)).with_hint(format!(
        "list the roles with dwctl role list --workspace {}",
        w.name
    ))
}

/// A custom role of `w` by name or code (any case). A built-in role is refused: it
/// cannot be changed.
fn find(s: &mut Session, w: &Workspace, role: &str) -> Result<CustomRole> {
    if let Ok(r) = RoleCode::parse(role) {
        return Err(Error::refused(format!(
            "{} is a built-in role: it cannot be changed or deleted",
            r.code()
        ))
        .with_hint(format!(
            "create a custom role instead: dwctl role create {} NAME --right RIGHT",
            w.name
        )));
    }
    let custom = s.custom_roles(w.id)?;
    named(&custom, role)
        .cloned()
        .ok_or_else(|| not_found(w, role))
}

/// What `role create` asks for.
#[derive(Debug, Clone, Default)]
pub struct NewRole {
    pub name: String,
    pub rights: Vec<Right>,
    pub capabilities: Vec<Capability>,
    pub description: Option<String>,
    /// A code to keep (`apply` of an exported manifest); `None` generates one.
    pub code: Option<String>,
}

pub fn create(
    s: &mut Session,
    ws: &WorkspaceName,
    req: &NewRole,
    if_not_exists: bool,
) -> Result<Outcome<CustomRole>> {
    let name = parse_custom_name(&req.name)?;
    if let Some(d) = &req.description {
        Description::parse(d)?;
    }
    let rights = right_names(&req.rights);
    let capabilities = capability_keys(&req.capabilities);
    let id = match &req.code {
        Some(code) => custom_code_id(code).ok_or_else(|| {
            Error::invalid(format!("invalid role code {}", shown(code))).with_hint(
                "a custom role's code is base_role_ and a number, as dwctl export writes it",
            )
        })?,
        None => 0,
    };
    let Admitted { w, .. } = admit(s, Action::RoleCreate, ws, &name, |_, _| Ok(name.as_str()))?;
    let custom = s.custom_roles(w.id)?;
    if let Some(existing) = custom.iter().find(|r| r.name.eq_ignore_ascii_case(&name)) {
        if if_not_exists {
            let mut differs = Vec::new();
            if existing.rights != rights {
                differs.push("rights");
            }
            if existing.capabilities != capabilities {
                differs.push("capabilities");
            }
            if req.description.is_some() && existing.description != req.description {
                differs.push("description");
            }
            s.warn_differs(format_args!("role {}", existing.name), &differs);
            return Ok(Outcome::unchanged(existing.clone()));
        }
        return Err(Error::conflict(format!(
            "role {} already exists in {}",
            existing.name, w.name
        ))
        .with_hint(format!(
            "change it with dwctl role update {} {}, or pass --if-not-exists",
            w.name, existing.name
        )));
    }
    if id != 0 && s.tx().custom_role_id_taken(id)? {
        return Err(Error::conflict(format!(
            "the code {} is taken by another role",
            custom_code(id)
        ))
        .with_hint("leave the code out to have one generated"));
    }
    let (now, by) = (s.now, s.actor.name.to_string());
    let mut role = CustomRole {
        id,
        code: String::new(),
        workspace: w.name.to_string(),
        name,
        description: req.description.clone().filter(|d| !d.is_empty()),
        rights,
        capabilities,
        created_at: now,
        created_by: by,
        updated_at: now,
    };
    role.id = s.tx().insert_custom_role(w.id, &role)?;
    role.code = custom_code(role.id);
    s.forget_custom_roles(w.id);
    s.record(
        Action::RoleCreate,
        Some(w.name.as_str()),
        Some(&role.name),
        serde_json::json!({ "after": role }),
    )?;
    Ok(Outcome::changed(role))
}

/// What `role update` changes; rights and capabilities are added, then removed.
#[derive(Debug, Clone, Default)]
pub struct RoleUpdate {
    pub add_rights: Vec<Right>,
    pub remove_rights: Vec<Right>,
    pub add_capabilities: Vec<Capability>,
    pub remove_capabilities: Vec<Capability>,
    /// `Some("")` clears it.
    pub description: Option<String>,
    /// Replace the rights and capabilities with exactly these (`apply`, `UpdateProjectRole`).
    pub set: Option<(Vec<Right>, Vec<Capability>)>,
}

pub fn update(
    s: &mut Session,
    ws: &WorkspaceName,
    role: &str,
    u: &RoleUpdate,
) -> Result<Outcome<CustomRole>> {
    if let Some(d) = &u.description {
        Description::parse(d)?;
    }
    let Admitted {
        w, target: before, ..
    } = admit(s, Action::RoleUpdate, ws, role, |s, w| find(s, w, role))?;
    let (mut rights, mut caps): (Vec<Right>, Vec<Capability>) = match &u.set {
        Some((r, c)) => (r.clone(), c.clone()),
        None => (
            before
                .rights
                .iter()
                .filter_map(|n| Right::parse(n))
                .collect(),
            before
                .capabilities
                .iter()
                .filter_map(|k| Capability::parse(k))
                .collect(),
        ),
    };
    rights.extend(u.add_rights.iter().copied());
    rights.retain(|r| !u.remove_rights.contains(r));
    caps.extend(u.add_capabilities.iter().copied());
    caps.retain(|c| !u.remove_capabilities.contains(c));
    let mut after = before.clone();
    after.rights = right_names(&rights);
    after.capabilities = capability_keys(&caps);
    if let Some(d) = &u.description {
        after.description = Some(d.clone()).filter(|d| !d.is_empty());
    }
    if after == before {
        return Ok(Outcome::unchanged(before));
    }
    check_duties(s, &w, &before, &after)?;
    after.updated_at = s.now;
    s.tx().save_custom_role(&after)?;
    s.forget_custom_roles(w.id);
    s.record(
        Action::RoleUpdate,
        Some(w.name.as_str()),
        Some(&after.name),
        serde_json::json!({ "before": before, "after": after }),
    )?;
    Ok(Outcome::changed(after))
}

/// A role that gains the develop or operate capability may make a member who holds it
/// both Develop and O&M: separation of duties as for a grant.
fn check_duties(
    s: &mut Session,
    w: &Workspace,
    before: &CustomRole,
    after: &CustomRole,
) -> Result<()> {
    if w.sod_policy == crate::model::SodPolicy::Off {
        return Ok(());
    }
    let old = s.custom_roles(w.id)?;
    let new: Vec<CustomRole> = old
        .iter()
        .map(|r| {
            if r.id == after.id {
                after.clone()
            } else {
                r.clone()
            }
        })
        .collect();
    let mut both = Vec::new();
    for m in s.tx().members(w.id)? {
        if !m.roles.contains_custom(&before.code) {
            continue;
        }
        let was = policy::duties(&m.roles, &old);
        let now = policy::duties(&m.roles, &new);
        if now == (true, true) && was != (true, true) {
            both.push(m.user.to_string());
        }
    }
    if both.is_empty() {
        return Ok(());
    }
    if w.sod_policy == crate::model::SodPolicy::Enforce {
        return Err(Error::refused(format!(
            "separation of duties is enforced in {}: with this change {} both Develop and O&M through role {}",
            w.name,
            words::subject(&both, "would hold", "would hold"),
            after.name
        ))
        .with_hint(format!(
            "revoke a role first, or relax it: dwctl workspace update {} --sod-policy warn",
            w.name
        )));
    }
    s.warn(Warning::new(
        "separation_of_duties",
        format!(
            "{} now {} both Develop and O&M in {} through role {}: one person should not both develop and operate production",
            both.join(", "),
            if both.len() == 1 { "holds" } else { "hold" },
            w.name,
            after.name
        ),
    ));
    Ok(())
}

/// `role delete`: refused while a member holds the role (exit 4), unless
/// `revoke_from_members`, which revokes it from each of them first (one `member.role`
/// event each). A member whose only role it is keeps it: remove the member first.
pub fn delete(
    s: &mut Session,
    ws: &WorkspaceName,
    role: &str,
    revoke_from_members: bool,
) -> Result<Outcome<CustomRole>> {
    let Admitted { w, target: r, .. } = admit(s, Action::RoleDelete, ws, role, |s, w| {
        find(s, w, role).map_err(Error::of_target)
    })?;
    let holders: Vec<_> = s
        .tx()
        .members(w.id)?
        .into_iter()
        .filter(|m| m.roles.contains_custom(&r.code))
        .collect();
    if !holders.is_empty() && !revoke_from_members {
        let names: Vec<String> = holders.iter().map(|m| m.user.to_string()).collect();
        return Err(Error::conflict(format!(
            "role {} is held by {} {}: {}",
            r.name,
            names.len(),
            words::number(names.len(), "member", "members"),
            names.join(", ")
        ))
        .with_hint(format!(
            "revoke it first, or pass --revoke-from-members: dwctl role delete {} {} --revoke-from-members",
            w.name, r.name
        )));
    }
    let only: Vec<String> = holders
        .iter()
        .filter(|m| m.roles.len() == 1)
        .map(|m| m.user.to_string())
        .collect();
    if !only.is_empty() {
        return Err(Error::refused(format!(
            "role {} is the only role of {} in {}: a member keeps at least one role",
            r.name,
            only.join(", "),
            w.name
        ))
        .with_hint(format!(
            "grant another role or remove the member first (dwctl member remove {} {})",
            w.name,
            if only.len() == 1 {
                only[0].as_str()
            } else {
                "USER"
            }
        )));
    }
    let mut revoked = Vec::new();
    for m in &holders {
        let mut after = m.roles.clone();
        after.remove_custom(&r.code);
        let p = s
            .tx()
            .principal(&m.user_id)?
            .ok_or_else(|| Error::internal("a member's principal vanished"))?;
        s.tx().set_member_roles(w.id, p.pk, after.clone())?;
        s.record(
            Action::MemberRole,
            Some(w.name.as_str()),
            Some(m.user.as_str()),
            serde_json::json!({ "before": { "roles": m.roles }, "after": { "roles": after } }),
        )?;
        revoked.push(m.user.to_string());
    }
    s.tx().delete_custom_role(r.id)?;
    s.forget_custom_roles(w.id);
    s.record(
        Action::RoleDelete,
        Some(w.name.as_str()),
        Some(&r.name),
        serde_json::json!({ "before": r, "revoked_from": revoked }),
    )?;
    Ok(Outcome::changed(r))
}

/// One role as `role list --workspace` and `role show --workspace` print it.
#[derive(Debug, Clone, Serialize)]
pub struct WorkspaceRole {
    pub code: String,
    /// A built-in role's alias; `None` for a custom role.
    pub alias: Option<&'static str>,
    pub name: String,
    /// `system` (built-in) or `custom`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub description: Option<String>,
    pub rights: Vec<&'static str>,
    pub capabilities: Vec<&'static str>,
    /// The custom role itself (`None` for a built-in one).
    #[serde(skip)]
    pub custom: Option<CustomRole>,
}

fn builtin_row(r: RoleCode) -> WorkspaceRole {
    let i = r.info();
    let rr = policy::rights_of(r);
    WorkspaceRole {
        code: i.code.to_string(),
        alias: Some(i.alias),
        name: i.name.to_string(),
        kind: "system",
        description: Some(i.description.to_string()),
        rights: rr.rights,
        capabilities: rr.capabilities,
        custom: None,
    }
}

fn custom_row(r: &CustomRole) -> WorkspaceRole {
    let mut set = RoleSet::empty();
    set.insert_custom(&r.code);
    let rr = policy::rights_granted(policy::grants(&set, std::slice::from_ref(r)));
    WorkspaceRole {
        code: r.code.clone(),
        alias: None,
        name: r.name.clone(),
        kind: "custom",
        description: r.description.clone(),
        rights: rr.rights,
        capabilities: rr.capabilities,
        custom: Some(r.clone()),
    }
}

/// The built-in roles, then the workspace's custom roles by id. Any member may list them.
pub fn list(s: &mut Session, ws: &WorkspaceName) -> Result<Vec<WorkspaceRole>> {
    let (w, _) = admit::visible(s, ws)?;
    let custom = s.custom_roles(w.id)?;
    Ok(RoleCode::ALL
        .into_iter()
        .map(builtin_row)
        .chain(custom.iter().map(custom_row))
        .collect())
}

/// One role of a workspace: a built-in one by code or alias, a custom one by name or code.
pub fn show(s: &mut Session, ws: &WorkspaceName, role: &str) -> Result<WorkspaceRole> {
    let (w, _) = admit::visible(s, ws)?;
    if let Ok(r) = RoleCode::parse(role) {
        return Ok(builtin_row(r));
    }
    let custom = s.custom_roles(w.id)?;
    named(&custom, role)
        .map(custom_row)
        .ok_or_else(|| not_found(&w, role))
}
