//! The tenant: `init` and `whoami` (domain.md 1, permissions.md 1).

use serde::Serialize;
use std::collections::BTreeMap;

use super::admit::{admit, Admitted};
use super::ids::Ids;
use super::policy::{self, Action};
use super::resource_group;
use super::session::Session;
use super::store::{ShareFilter, Tx};
use super::workspace::{self, to_json};
use crate::model::clock::Timestamp;
use crate::model::error::{Error, Result};
use crate::model::resource_group::{GroupStatus, GroupType, Payment, ResourceGroup};
use crate::model::roles::RoleSet;
use crate::model::{shown, Tenant};
use crate::model::{
    Mode, Principal, PrincipalKind, PrincipalName, SodPolicy, Status, Workspace, WorkspaceName,
};

pub const DEFAULT_GROUP: &str = "default_serverless_group";
/// The remark `init` gives [`DEFAULT_GROUP`].
const DEFAULT_GROUP_REMARK: &str = "created with the catalog";

#[derive(Debug, Clone, Serialize)]
pub struct InitResult {
    pub account_id: String,
    pub region: String,
    pub account: String,
    pub default_workspace: String,
    pub default_resource_group: String,
    pub created_at: Timestamp,
}

/// The display name and description `init` gives the default workspace.
const DEFAULT_WORKSPACE_DISPLAY: &str = "Default Workspace";
const DEFAULT_WORKSPACE_DESCRIPTION: &str = "For exploring DataWorks; not for production work.";

/// The name of the default workspace: `default_workspace_` + the account id's last 4 digits.
pub fn default_workspace_name(account_id: &str) -> WorkspaceName {
    let tail = &account_id[account_id.len().saturating_sub(4)..];
    WorkspaceName::from_stored(format!("default_workspace_{tail}"))
}

/// `catalog backup`: the copy holds every workspace, every secret in clear and the whole
/// audit log, so it needs what reading all of that needs: the account or full access.
pub fn authorize_backup(s: &Session) -> Result<()> {
    authorize_whole_read(s, "back up the catalog")
}

/// `catalog copy`: the copy holds what a backup holds, so it needs the same rights of the
/// source's actor (the target is new: no one acts there yet).
pub fn authorize_copy(s: &Session) -> Result<()> {
    authorize_whole_read(s, "copy the catalog")
}

fn authorize_whole_read(s: &Session, doing: &str) -> Result<()> {
    policy::require_tenant(&s.actor, policy::TenantRight::SeeEveryWorkspace, doing)?;
    policy::require_tenant(&s.actor, policy::TenantRight::ReadWholeAuditLog, doing)
}

/// After `catalog copy` loaded its rows, in the target's transaction: on a catalog that
/// authenticates logins, the login running the copy becomes the account's (as `init`
/// maps it), so that someone can act on the copy. A login the source maps to another
/// principal is refused (exit 4): the copy would bind it to two. Writes no audit event (a
/// copy is not a change to the tenant); on a file it does nothing.
pub fn map_copying_login(tx: &dyn Tx) -> Result<()> {
    let Some(login) = tx.login()? else {
        return Ok(());
    };
    let mut account = tx.account()?;
    match tx.principal_by_db_role(&login)? {
        Some(p) if p.is_account() => Ok(()),
        Some(p) => Err(Error::conflict(format!(
            "database login {} is mapped to principal {} in the source, and the copy maps the login that runs it to the account",
            shown(&login),
            p.name
        ))
        .with_hint(format!(
            "run the copy as another login (the account's), or clear the mapping in the source first: dwctl user update {} --no-db-role",
            p.name
        ))),
        None => {
            account.db_role = Some(login);
            tx.update_principal(&account)
        }
    }
}

/// Fill a new catalog with what a new DataWorks user gets: the account principal `root`,
/// the default workspace (basic mode), and a pay-as-you-go serverless group bound to it.
/// Runs in the new catalog's one transaction; its audit event is the log's first. `ids`
/// is the stream the account id came from, if it did (see [`Ids`]).
pub fn init(
    tx: &mut dyn Tx,
    account_id: &str,
    region: &str,
    now: Timestamp,
    ids: Ids,
) -> Result<InitResult> {
    let tenant = Tenant {
        account_id: account_id.to_string(),
        region: region.to_string(),
        created_at: now,
    };
    tx.insert_tenant(&tenant)?;
    let mut root = Principal {
        pk: 0,
        id: account_id.to_string(),
        name: PrincipalName::from_stored("root".into()),
        kind: PrincipalKind::Account,
        display_name: Some("Alibaba Cloud account".into()),
        full_access: true,
        // On a catalog that authenticates logins, the login that creates it is the
        // account's: someone must be able to map the others.
        db_role: tx.login()?,
        created_at: now,
    };
    root.pk = tx.insert_principal(&root)?;
    let mut s = Session::for_init(tx, root, now, tenant, ids);
    let name = default_workspace_name(account_id);
    let mut w = Workspace {
        id: 0,
        name: name.clone(),
        display_name: DEFAULT_WORKSPACE_DISPLAY.into(),
        description: DEFAULT_WORKSPACE_DESCRIPTION.into(),
        mode: Mode::Basic,
        status: Status::Available,
        owner: account_id.to_string(),
        is_default: true,
        dev_role_disabled: false,
        pai_tasks_enabled: false,
        sod_policy: SodPolicy::Warn,
        default_resource_group: None,
        resource_groups: Vec::new(),
        tags: BTreeMap::new(),
        created_at: now,
        created_by: "root".into(),
        updated_at: now,
        deleted_at: None,
        deleted_by: None,
        retention_until: None,
        status_before_delete: None,
    };
    workspace::insert_with_members(&mut s, &mut w)?;
    let mut g = ResourceGroup {
        pk: 0,
        id: resource_group::generate_id(&mut s, GroupType::Serverless)?,
        name: DEFAULT_GROUP.into(),
        group_type: GroupType::Serverless,
        spec: 2,
        payment: Payment::Postpaid,
        duration: None,
        duration_unit: None,
        vpc: None,
        vswitch: None,
        remark: DEFAULT_GROUP_REMARK.into(),
        status: GroupStatus::Normal,
        workspaces: vec![name.to_string()],
        created_at: now,
        created_by: "root".into(),
    };
    g.pk = s.tx().insert_resource_group(&g)?;
    s.tx().insert_binding(g.pk, w.id, now, "root")?;
    w.resource_groups = vec![g.name.clone()];
    w.default_resource_group = Some(g.name.clone());
    s.tx().save_workspace(&w)?;
    let result = InitResult {
        account_id: account_id.to_string(),
        region: region.to_string(),
        account: "root".into(),
        default_workspace: name.to_string(),
        default_resource_group: g.name.clone(),
        created_at: now,
    };
    s.record(
        super::policy::Action::CatalogInit,
        None,
        None,
        serde_json::json!({ "after": { "account_id": account_id, "region": region,
            "default_workspace": to_json(&w), "default_resource_group": g.name } }),
    )?;
    Ok(result)
}

/// Whether `g` is the default group `init` created, as `init` left it: its name, type, spec,
/// payment and remark, no network, bound to the default workspace only and its default
/// there. `apply` replaces such a group by a manifest's group of the same name and another
/// id (README "Importing a real tenant"): a catalog fresh from `init` takes a tenant's
/// groups without the user removing it first. Gives the default workspace's name.
pub fn untouched_default_group(
    s: &mut Session,
    g: &ResourceGroup,
) -> Result<Option<WorkspaceName>> {
    let as_made = g.name == DEFAULT_GROUP
        && g.group_type == GroupType::Serverless
        && g.spec == 2
        && g.payment == Payment::Postpaid
        && g.duration.is_none()
        && g.vpc.is_none()
        && g.vswitch.is_none()
        && g.remark == DEFAULT_GROUP_REMARK;
    if !as_made {
        return Ok(None);
    }
    let ws = default_workspace_name(&s.tenant.account_id);
    let bound = s.tx().resource_group(&g.id)?.map(|g| g.workspaces);
    if bound.as_deref() != Some(&[ws.to_string()][..]) {
        return Ok(None);
    }
    let is_default = s
        .tx()
        .workspace(ws.as_str())?
        .is_some_and(|w| w.default_resource_group.as_deref() == Some(DEFAULT_GROUP));
    Ok(is_default.then_some(ws))
}

/// The catalog's default workspace when it is still as `init` made it: `init`'s settings
/// (basic mode, available, its display name and description, no tags, the development
/// role enabled, no PAI tasks, separation of duties `warn`), the account its only member,
/// no compute resource, data source, custom role nor share (from it or into it). Its
/// resource groups may differ (an import replaces the default group before it comes to
/// the workspaces). `apply` gives such a workspace the id a manifest declares for it, or
/// moves it out of the way of another workspace that declares its id (README "Importing
/// a real tenant").
pub fn untouched_default_workspace(s: &mut Session) -> Result<Option<Workspace>> {
    let name = default_workspace_name(&s.tenant.account_id);
    let Some(w) = s.tx().workspace(name.as_str())? else {
        return Ok(None);
    };
    let as_made = w.is_default
        && w.mode == Mode::Basic
        && w.status == Status::Available
        && w.display_name == DEFAULT_WORKSPACE_DISPLAY
        && w.description == DEFAULT_WORKSPACE_DESCRIPTION
        && w.tags.is_empty()
        && !w.dev_role_disabled
        && !w.pai_tasks_enabled
        && w.sod_policy == SodPolicy::Warn;
    if !as_made {
        return Ok(None);
    }
    let account = s.tenant.account_id.clone();
    let members = s.tx().members(w.id)?;
    let only_account = members.len() == 1 && members[0].user_id == account;
    // Nothing else refers to it: no compute resources, data sources, custom roles or
    // shares from it or into it (a row tied to the workspace would be lost when it is
    // re-inserted under its new id).
    let shares = |source, target| ShareFilter {
        source,
        target,
        ..ShareFilter::default()
    };
    let empty = s.tx().computes(w.id, None)?.is_empty()
        && s.tx().datasources(w.id, None)?.is_empty()
        && s.tx().custom_roles(w.id)?.is_empty()
        && s.tx().shares(&shares(Some(w.id), None))?.is_empty()
        && s.tx().shares(&shares(None, Some(w.id)))?.is_empty();
    Ok((only_account && empty).then_some(w))
}

/// Gives the catalog's default workspace `name`, still as `init` made it
/// ([`untouched_default_workspace`]), the id `id`, or the next one for `0`
/// (README "Importing a real tenant"): the same workspace, with its settings, tags,
/// creation, members, bindings and default group, under another id. The one case where a
/// workspace's id changes: nothing can refer to it yet. One audit event (the ids before
/// and after). Gives the new id.
pub fn renumber_default_workspace(s: &mut Session, name: &WorkspaceName, id: i64) -> Result<i64> {
    let Admitted { w: before, .. } =
        admit(s, Action::WorkspaceUpdate, name, name.as_str(), |_, _| {
            Ok(())
        })?;
    if untouched_default_workspace(s)?.map(|w| w.id) != Some(before.id) {
        return Err(Error::refused(format!(
            "its id is {} and never changes",
            before.id
        )));
    }
    if id != 0 {
        workspace::id_free(s, id)?;
    }
    let members = s.tx().members(before.id)?;
    let mut w = before.clone();
    s.tx().purge_workspace(before.id)?;
    w.id = id;
    w.id = s.tx().insert_workspace(&w)?;
    for m in &members {
        let p = s
            .tx()
            .principal(&m.user_id)?
            .ok_or_else(|| Error::internal(format!("member {} vanished", m.user)))?;
        s.tx()
            .insert_member(w.id, p.pk, &m.membership(), m.added_at, &m.added_by)?;
    }
    for g in &before.resource_groups {
        let group = s
            .tx()
            .resource_group(g)?
            .ok_or_else(|| Error::internal(format!("resource group {g} vanished")))?;
        s.tx()
            .insert_binding(group.pk, w.id, before.updated_at, &before.created_by)?;
    }
    s.tx().save_workspace(&w)?;
    s.record(
        Action::WorkspaceUpdate,
        Some(w.name.as_str()),
        Some(w.name.as_str()),
        serde_json::json!({ "before": { "id": before.id }, "after": { "id": w.id } }),
    )?;
    Ok(w.id)
}

#[derive(Debug, Clone, Serialize)]
pub struct WorkspaceRoles {
    pub workspace: String,
    pub roles: RoleSet,
}

#[derive(Debug, Clone, Serialize)]
pub struct WhoAmI {
    pub actor: String,
    pub actor_id: String,
    pub kind: PrincipalKind,
    pub full_access: bool,
    /// Where the actor came from: `flag`, `env`, `config`, `default` (the account), or
    /// `login` (the principal mapped to the database login, on PostgreSQL).
    pub source: String,
    pub account_id: String,
    pub region: String,
    pub tenant_rights: Vec<&'static str>,
    pub workspaces: Vec<WorkspaceRoles>,
}

pub fn whoami(s: &mut Session, source: &str) -> Result<WhoAmI> {
    let mut workspaces = Vec::new();
    let mut roles: Vec<(i64, RoleSet)> = super::admit::roles_everywhere(s)?.into_iter().collect();
    roles.sort_by_key(|(id, _)| *id);
    for (id, r) in roles {
        if let Some(name) = s.tx().workspace_name_by_id(id)? {
            workspaces.push(WorkspaceRoles {
                workspace: name,
                roles: r,
            });
        }
    }
    Ok(WhoAmI {
        actor: s.actor.name.to_string(),
        actor_id: s.actor.id.clone(),
        kind: s.actor.kind,
        full_access: s.actor.is_tenant_admin(),
        source: match (&s.login, source) {
            (Some(_), "default") => "login".to_string(),
            _ => source.to_string(),
        },
        account_id: s.tenant.account_id.clone(),
        region: s.tenant.region.clone(),
        tenant_rights: policy::tenant_rights_of(&s.actor),
        workspaces,
    })
}
