//! Workspaces: create, list, show, update and the lifecycle (domain.md 3).

use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

use super::admit::{self, admit, Admitted};
use super::policy::{self, Action};
use super::session::{diff, Outcome, Session};
use crate::domain::store::WorkspaceFilter;
use crate::model::error::{Error, Result};
use crate::model::roles::{RoleCode, RoleSet};
use crate::model::words;
use crate::model::{
    Description, DisplayName, Membership, Mode, SodPolicy, Status, Workspace, WorkspaceName,
    MAX_TAGS,
};

/// What `workspace create` asks for; `None` takes the default.
#[derive(Debug, Clone, Default)]
pub struct NewWorkspace {
    /// An id to keep (import); `None` for the next one.
    pub id: Option<i64>,
    pub name: Option<WorkspaceName>,
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub mode: Option<Mode>,
    pub sod_policy: Option<SodPolicy>,
    pub pai_tasks_enabled: Option<bool>,
    /// `Some(true)`: created with the development role disabled (it may be enabled later,
    /// never disabled again).
    pub dev_role_disabled: Option<bool>,
    pub tags: BTreeMap<String, String>,
}

pub fn to_json(w: &Workspace) -> Value {
    serde_json::to_value(w).unwrap_or(Value::Null)
}

pub use super::admit::{not_found, visible};

pub fn create(
    s: &mut Session,
    req: NewWorkspace,
    if_not_exists: bool,
) -> Result<Outcome<Workspace>> {
    let name = req
        .name
        .clone()
        .ok_or_else(|| Error::invalid("a workspace name is required"))?;
    // Invalid input (exit 2) decides before a permission or a conflict (cli.md 4).
    if req.tags.len() > MAX_TAGS {
        return Err(Error::invalid(format!(
            "a workspace holds at most {MAX_TAGS} tags"
        )));
    }
    if let Some(id) = req.id.filter(|id| *id < 1) {
        return Err(Error::invalid(format!(
            "invalid workspace id {id}: ids are whole numbers from 1"
        )));
    }
    admit::admit_tenant(
        s,
        Action::WorkspaceCreate,
        Some(name.as_str()),
        Some(name.as_str()),
    )?;
    if let Some(existing) = s.tx().workspace(name.as_str())? {
        if if_not_exists && existing.status != Status::Deleted {
            let differs = differing_fields(&existing, &req);
            s.warn_differs(format_args!("workspace {}", existing.name), &differs);
            return Ok(Outcome::unchanged(existing));
        }
        return Err(taken(&existing));
    }
    if let Some(id) = req.id {
        id_free(s, id)?;
    }
    let now = s.now;
    let mut w = Workspace {
        id: req.id.unwrap_or(0),
        display_name: req.display_name.clone().unwrap_or_else(|| name.to_string()),
        name,
        description: req.description.clone().unwrap_or_default(),
        mode: req.mode.unwrap_or(Mode::Standard),
        status: Status::Available,
        owner: s.tenant.account_id.clone(),
        is_default: false,
        dev_role_disabled: req.dev_role_disabled.unwrap_or(false),
        pai_tasks_enabled: req.pai_tasks_enabled.unwrap_or(false),
        sod_policy: req.sod_policy.unwrap_or(SodPolicy::Warn),
        default_resource_group: None,
        resource_groups: Vec::new(),
        tags: req.tags,
        created_at: now,
        created_by: s.actor.name.to_string(),
        updated_at: now,
        deleted_at: None,
        deleted_by: None,
        retention_until: None,
        status_before_delete: None,
    };
    insert_with_members(s, &mut w)?;
    s.record(
        Action::WorkspaceCreate,
        Some(w.name.as_str()),
        Some(w.name.as_str()),
        serde_json::json!({ "after": to_json(&w) }),
    )?;
    Ok(Outcome::changed(w))
}

/// Whether the actor may create workspaces at all: the `workspace create` wizard asks
/// before its first question (run as a write, a denial is audited as `create`'s is).
pub fn check_may_create(s: &mut Session) -> Result<()> {
    admit::admit_tenant(s, Action::WorkspaceCreate, None, None)
}

/// Whether `create` would take this name: the actor may create workspaces, and no
/// workspace holds the name (one in the recycle bin holds it too). The `workspace create`
/// wizard asks it of each name as it is typed.
pub fn check_new_name(s: &mut Session, name: &WorkspaceName) -> Result<()> {
    admit::require_tenant(s, Action::WorkspaceCreate)?;
    match s.tx().workspace(name.as_str())? {
        Some(existing) => Err(taken(&existing)),
        None => Ok(()),
    }
}

/// The conflict of creating a workspace whose name `existing` holds.
fn taken(existing: &Workspace) -> Error {
    if existing.status == Status::Deleted {
        let until = existing
            .retention_until
            .map(|t| t.to_string())
            .unwrap_or_default();
        return Error::conflict(format!(
            "the name {} is held by a deleted workspace until {until}",
            existing.name
        ))
        .with_hint(format!(
            "restore it (dwctl workspace restore {0}), purge it (dwctl workspace purge {0}), or choose another name",
            existing.name
        ));
    }
    Error::conflict(format!("workspace {} already exists", existing.name))
        .with_hint("choose another name, or pass --if-not-exists")
}

/// Exit 4 when the workspace id `id` is another workspace's.
pub(super) fn id_free(s: &mut Session, id: i64) -> Result<()> {
    match s.tx().workspace_name_by_id(id)? {
        Some(holder) => Err(
            Error::conflict(format!("workspace id {id} is taken by {holder}"))
                .with_hint("leave the id out to get the next one"),
        ),
        None => Ok(()),
    }
}

/// Insert a workspace with its owner member (the account) and, when a RAM identity
/// creates it, that identity as its admin.
pub fn insert_with_members(s: &mut Session, w: &mut Workspace) -> Result<()> {
    w.id = s.tx().insert_workspace(w)?;
    let account = s.tx().account()?;
    let now = s.now;
    let by = s.actor.name.to_string();
    let owner = Membership {
        roles: RoleSet::of(&[RoleCode::Owner]),
        ..Membership::default()
    };
    s.tx().insert_member(w.id, account.pk, &owner, now, &by)?;
    if !s.actor.is_account() {
        let pk = s.actor.pk;
        let admin = Membership {
            roles: RoleSet::of(&[RoleCode::Admin]),
            ..Membership::default()
        };
        s.tx().insert_member(w.id, pk, &admin, now, &by)?;
    }
    Ok(())
}

fn differing_fields(w: &Workspace, req: &NewWorkspace) -> Vec<&'static str> {
    let mut out = Vec::new();
    if req
        .display_name
        .as_ref()
        .is_some_and(|d| *d != w.display_name)
    {
        out.push("display_name");
    }
    if req
        .description
        .as_ref()
        .is_some_and(|d| *d != w.description)
    {
        out.push("description");
    }
    if req.mode.is_some_and(|m| m != w.mode) {
        out.push("mode");
    }
    if req.sod_policy.is_some_and(|p| p != w.sod_policy) {
        out.push("sod_policy");
    }
    if req
        .dev_role_disabled
        .is_some_and(|d| d != w.dev_role_disabled)
    {
        out.push("dev_role_disabled");
    }
    if req
        .pai_tasks_enabled
        .is_some_and(|p| p != w.pai_tasks_enabled)
    {
        out.push("pai_tasks_enabled");
    }
    if !req.tags.is_empty() && req.tags != w.tags {
        out.push("tags");
    }
    out
}

/// Filters of `workspace list`.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub all: bool,
    pub status: Option<Status>,
    pub mode: Option<Mode>,
    pub tags: Vec<(String, String)>,
    /// Only names that start with this text (exactly, as shell completion matches).
    pub name_prefix: Option<String>,
}

pub fn list(s: &mut Session, f: &ListFilter) -> Result<Vec<Workspace>> {
    let filter = WorkspaceFilter {
        include_deleted: f.all || f.status == Some(Status::Deleted),
        status: f.status,
        mode: f.mode,
        tags: f.tags.clone(),
        name_prefix: f.name_prefix.clone().filter(|p| !p.is_empty()),
    };
    let mut list = s.tx().workspaces(&filter)?;
    if !s.actor.is_tenant_admin() {
        let mine = super::admit::grants_everywhere(s)?;
        list.retain(|w| {
            mine.get(&w.id)
                .is_some_and(|g| policy::can_see(&s.actor, *g))
        });
    }
    if let Some(p) = &f.name_prefix {
        list.retain(|w| w.name.as_str().starts_with(p.as_str()));
    }
    Ok(list)
}

/// The names (lowercase) of the workspaces the actor may see, recycle bin included; `None`
/// for a tenant administrator, who sees every workspace. For outputs that name workspaces
/// beside the one asked about (a resource group's bindings).
pub fn visible_names(s: &mut Session) -> Result<Option<HashSet<String>>> {
    if s.actor.is_tenant_admin() {
        return Ok(None);
    }
    let all = ListFilter {
        all: true,
        ..Default::default()
    };
    Ok(Some(
        list(s, &all)?
            .into_iter()
            .map(|w| w.name.as_str().to_ascii_lowercase())
            .collect(),
    ))
}

pub fn show(s: &mut Session, name: &WorkspaceName) -> Result<Workspace> {
    Ok(visible(s, name)?.0)
}

/// What `workspace update` changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceUpdate {
    pub display_name: Option<String>,
    pub description: Option<String>,
    pub set_tags: Vec<(String, String)>,
    pub untag: Vec<String>,
    pub pai_tasks_enabled: Option<bool>,
    pub sod_policy: Option<SodPolicy>,
    /// `Some(None)` clears it (`--default-resource-group none`).
    pub default_resource_group: Option<Option<String>>,
    /// `Some(false)` enables the development role; `Some(true)` on a workspace where it is
    /// enabled is refused (the API's way: once enabled, it cannot be disabled).
    pub dev_role_disabled: Option<bool>,
    /// From a manifest: the tags exactly (replaces all).
    pub replace_tags: Option<BTreeMap<String, String>>,
}

pub fn update(
    s: &mut Session,
    name: &WorkspaceName,
    u: &WorkspaceUpdate,
) -> Result<Outcome<Workspace>> {
    let Admitted { w: before, .. } =
        admit(s, Action::WorkspaceUpdate, name, name.as_str(), |s, _| {
            // A group that does not exist is not found (3), which decides before
            // permission (5).
            if let Some(Some(g)) = &u.default_resource_group {
                if s.tx().resource_group(g)?.is_none() {
                    return Err(Error::not_found(format!("resource group {g} not found"))
                        .with_hint("list groups with dwctl resourcegroup list"));
                }
            }
            Ok(())
        })?;
    let mut w = before.clone();
    if let Some(d) = &u.display_name {
        w.display_name = DisplayName::parse(d)?.into_string();
    }
    if let Some(d) = &u.description {
        w.description = Description::parse(d)?.into_string();
    }
    if let Some(tags) = &u.replace_tags {
        w.tags = tags.clone();
    }
    for k in &u.untag {
        w.tags.remove(k);
    }
    for (k, v) in &u.set_tags {
        w.tags.insert(k.clone(), v.clone());
    }
    if w.tags.len() > MAX_TAGS {
        return Err(Error::refused(format!(
            "workspace {} would have {} tags; a workspace holds at most {MAX_TAGS}",
            w.name,
            w.tags.len()
        ))
        .with_hint("remove some with --untag KEY"));
    }
    if let Some(p) = u.pai_tasks_enabled {
        w.pai_tasks_enabled = p;
    }
    if let Some(p) = u.sod_policy {
        if p == SodPolicy::Enforce && before.sod_policy != SodPolicy::Enforce {
            let mut both = s
                .tx()
                .members_holding(w.id, RoleSet::of(&[RoleCode::Dev, RoleCode::Pe]))?;
            // Custom roles count as Develop or O&M by their capabilities.
            let custom = s.custom_roles(w.id)?;
            if !custom.is_empty() {
                for m in s.tx().members(w.id)? {
                    let name = m.user.to_string();
                    if policy::duties(&m.roles, &custom) == (true, true) && !both.contains(&name) {
                        both.push(name);
                    }
                }
            }
            if !both.is_empty() {
                return Err(Error::refused(format!(
                    "cannot enforce separation of duties in {}: {} both role_project_dev and role_project_pe",
                    w.name,
                    words::subject(&both, "holds", "hold")
                ))
                .with_hint(format!(
                    "revoke one of the two roles from {} first (dwctl member role {} {} --revoke ROLE)",
                    words::number(both.len(), "that member", "each of them"),
                    w.name,
                    if both.len() == 1 { both[0].as_str() } else { "USER" }
                )));
            }
        }
        w.sod_policy = p;
    }
    if let Some(group) = &u.default_resource_group {
        match group {
            None => w.default_resource_group = None,
            Some(g) => {
                let Some(found) = s.tx().resource_group(g)? else {
                    return Err(Error::not_found(format!("resource group {g} not found"))
                        .with_hint("list groups with dwctl resourcegroup list"));
                };
                if !w
                    .resource_groups
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(&found.name))
                {
                    return Err(Error::refused(format!(
                        "resource group {} is not bound to {}",
                        found.name, w.name
                    ))
                    .with_hint(format!(
                        "bind it first: dwctl resourcegroup bind {} {}",
                        found.name, w.name
                    )));
                }
                w.default_resource_group = Some(found.name);
            }
        }
    }
    match u.dev_role_disabled {
        Some(false) => w.dev_role_disabled = false,
        Some(true) if !before.dev_role_disabled => {
            return Err(Error::refused(format!(
                "cannot disable the development role of {}: once enabled it stays enabled (the DataWorks API does not allow disabling it)",
                w.name
            ))
            .with_hint(
                "a workspace is created with the role disabled by dwctl workspace create NAME --disable-dev-role",
            ));
        }
        _ => {}
    }
    if w == before {
        return Ok(Outcome::unchanged(before));
    }
    w.updated_at = s.now;
    s.tx().save_workspace(&w)?;
    let details = diff(&to_json(&before), &to_json(&w));
    s.record(
        Action::WorkspaceUpdate,
        Some(w.name.as_str()),
        Some(w.name.as_str()),
        details,
    )?;
    Ok(Outcome::changed(w))
}

fn lifecycle(s: &mut Session, action: Action, name: &WorkspaceName) -> Result<Workspace> {
    Ok(admit(s, action, name, name.as_str(), |_, _| Ok(()))?.w)
}

fn save_transition(
    s: &mut Session,
    action: Action,
    before: &Workspace,
    w: &mut Workspace,
) -> Result<()> {
    w.updated_at = s.now;
    s.tx().save_workspace(w)?;
    let details = diff(&to_json(before), &to_json(w));
    s.record(
        action,
        Some(w.name.as_str()),
        Some(w.name.as_str()),
        details,
    )
}

pub fn disable(s: &mut Session, name: &WorkspaceName) -> Result<Outcome<Workspace>> {
    let before = lifecycle(s, Action::WorkspaceDisable, name)?;
    match before.status {
        Status::Disabled => Ok(Outcome::unchanged(before)),
        Status::Deleted => Err(Error::refused(format!(
            "workspace {} is in the recycle bin: cannot disable it",
            before.name
        ))
        .with_hint(format!(
            "restore it first: dwctl workspace restore {}",
            before.name
        ))),
        Status::Available => {
            let mut w = before.clone();
            w.status = Status::Disabled;
            save_transition(s, Action::WorkspaceDisable, &before, &mut w)?;
            Ok(Outcome::changed(w))
        }
    }
}

pub fn enable(s: &mut Session, name: &WorkspaceName) -> Result<Outcome<Workspace>> {
    let before = lifecycle(s, Action::WorkspaceEnable, name)?;
    match before.status {
        Status::Available => Ok(Outcome::unchanged(before)),
        Status::Deleted => Err(Error::refused(format!(
            "workspace {} is in the recycle bin: cannot enable it",
            before.name
        ))
        .with_hint(format!(
            "restore it instead: dwctl workspace restore {}",
            before.name
        ))),
        Status::Disabled => {
            let mut w = before.clone();
            w.status = Status::Available;
            save_transition(s, Action::WorkspaceEnable, &before, &mut w)?;
            Ok(Outcome::changed(w))
        }
    }
}

pub fn delete(s: &mut Session, name: &WorkspaceName) -> Result<Outcome<Workspace>> {
    let before = lifecycle(s, Action::WorkspaceDelete, name).map_err(Error::of_target)?;
    if before.status == Status::Deleted {
        return Ok(Outcome::unchanged(before));
    }
    let retention_until = s
        .now
        .plus_days(crate::model::RETENTION_DAYS)
        .ok_or_else(|| {
            Error::invalid(format!(
                "the time is {}: a workspace deleted now would be kept until after 9999-12-31T23:59:59.999Z",
                s.now
            ))
            .with_hint("check the system clock, or DWCTL_NOW")
        })?;
    let mut w = before.clone();
    w.status_before_delete = Some(before.status);
    w.status = Status::Deleted;
    w.deleted_at = Some(s.now);
    w.deleted_by = Some(s.actor.name.to_string());
    w.retention_until = Some(retention_until);
    if !w.resource_groups.is_empty() {
        s.tx().unbind_all(w.id)?;
        w.resource_groups.clear();
    }
    w.default_resource_group = None;
    save_transition(s, Action::WorkspaceDelete, &before, &mut w)?;
    Ok(Outcome::changed(w))
}

pub fn restore(s: &mut Session, name: &WorkspaceName) -> Result<Outcome<Workspace>> {
    let before = lifecycle(s, Action::WorkspaceRestore, name)?;
    if before.status != Status::Deleted {
        return Err(Error::refused(format!(
            "workspace {} is not in the recycle bin (it is {})",
            before.name, before.status
        )));
    }
    if let Some(until) = before.retention_until {
        if s.now > until {
            return Err(Error::refused(format!(
                "workspace {} can no longer be restored: its retention ended at {until}",
                before.name
            ))
            .with_hint(format!("purge it: dwctl workspace purge {}", before.name)));
        }
    }
    let mut w = before.clone();
    w.status = before.status_before_delete.unwrap_or(Status::Available);
    w.status_before_delete = None;
    w.deleted_at = None;
    w.deleted_by = None;
    w.retention_until = None;
    save_transition(s, Action::WorkspaceRestore, &before, &mut w)?;
    Ok(Outcome::changed(w))
}

pub fn purge(s: &mut Session, name: &WorkspaceName) -> Result<Outcome<Workspace>> {
    let w = lifecycle(s, Action::WorkspacePurge, name).map_err(Error::of_target)?;
    if w.status != Status::Deleted {
        return Err(Error::refused(format!(
            "workspace {} is not in the recycle bin (it is {})",
            w.name, w.status
        ))
        .with_hint(format!(
            "delete it first: dwctl workspace delete {}",
            w.name
        )));
    }
    purge_one(s, &w)?;
    Ok(Outcome::changed(w))
}

fn purge_one(s: &mut Session, w: &Workspace) -> Result<()> {
    super::shared::before_workspace_purged(s, w)?;
    s.tx().purge_workspace(w.id)?;
    s.record(
        Action::WorkspacePurge,
        Some(w.name.as_str()),
        Some(w.name.as_str()),
        serde_json::json!({ "before": to_json(w) }),
    )
}

/// `purge --expired`: every workspace whose retention is over, one audit event each.
/// `progress` hears (purged, of) after each one.
pub fn purge_expired(
    s: &mut Session,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Outcome<Vec<Workspace>>> {
    admit::admit_tenant(s, Action::WorkspacePurge, None, None)?;
    let deleted = s.tx().workspaces(&WorkspaceFilter {
        include_deleted: true,
        status: Some(Status::Deleted),
        ..Default::default()
    })?;
    let now = s.now;
    let expired: Vec<Workspace> = deleted
        .into_iter()
        .filter(|w| w.retention_until.is_some_and(|t| now > t))
        .collect();
    for (i, w) in expired.iter().enumerate() {
        purge_one(s, w)?;
        progress(i + 1, expired.len());
    }
    let changed = !expired.is_empty();
    Ok(Outcome {
        value: expired,
        changed,
    })
}
