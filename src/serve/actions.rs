//! The actions: each parses the API's parameters, calls the same domain functions as the
//! command line in one session (one transaction; a change with its audit event), and
//! shapes the response body as the SDK's model reads it. Nothing here decides a rule.

use serde_json::{json, Value};

use super::error::ApiError;
pub use super::params::Params;
use super::params::{
    body, json_list, opt, opt_bool, page, paging, req, req_int, string_list, workspace_name,
};
use super::resources as res;
use crate::api::{convert, shapes};
use crate::domain::member::{self, RoleChange};
use crate::domain::policy::{Capability, Right};
use crate::domain::roles;
use crate::domain::session::Session;
use crate::domain::workspace::{self as ws, ListFilter, NewWorkspace, WorkspaceUpdate};
use crate::model::error::{Error, Result};
use crate::model::roles::{RoleCode, RoleSet};
use crate::model::{Mode, WorkspaceName};

/// Whether an action reads or changes the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

pub type Handler = fn(&mut Session, &Params) -> Result<Value, ApiError>;

/// The actions `dwctl serve` answers, with what they need of the catalog.
pub const ACTIONS: &[(&str, Access, Handler)] = &[
    ("CreateProject", Access::Write, create_project),
    ("GetProject", Access::Read, get_project),
    ("ListProjects", Access::Read, list_projects),
    ("UpdateProject", Access::Write, update_project),
    ("DeleteProject", Access::Write, delete_project),
    ("CreateProjectMember", Access::Write, create_project_member),
    ("GetProjectMember", Access::Read, get_project_member),
    ("ListProjectMembers", Access::Read, list_project_members),
    ("DeleteProjectMember", Access::Write, delete_project_member),
    (
        "GrantMemberProjectRoles",
        Access::Write,
        grant_member_project_roles,
    ),
    (
        "RevokeMemberProjectRoles",
        Access::Write,
        revoke_member_project_roles,
    ),
    ("ListProjectRoles", Access::Read, list_project_roles),
    ("GetProjectRole", Access::Read, get_project_role),
    ("CreateProjectRole", Access::Write, create_project_role),
    ("UpdateProjectRole", Access::Write, update_project_role),
    ("DeleteProjectRole", Access::Write, delete_project_role),
    ("CreateDataSource", Access::Write, res::create_data_source),
    ("GetDataSource", Access::Read, res::get_data_source),
    ("ListDataSources", Access::Read, res::list_data_sources),
    ("UpdateDataSource", Access::Write, res::update_data_source),
    ("DeleteDataSource", Access::Write, res::delete_data_source),
    (
        "TestDataSourceConnectivity",
        Access::Write,
        res::test_data_source_connectivity,
    ),
    (
        "CreateDataSourceSharedRule",
        Access::Write,
        super::shares::create_data_source_shared_rule,
    ),
    (
        "ListDataSourceSharedRules",
        Access::Read,
        super::shares::list_data_source_shared_rules,
    ),
    (
        "DeleteDataSourceSharedRule",
        Access::Write,
        super::shares::delete_data_source_shared_rule,
    ),
    (
        "CreateComputeResource",
        Access::Write,
        res::create_compute_resource,
    ),
    (
        "GetComputeResource",
        Access::Read,
        res::get_compute_resource,
    ),
    (
        "ListComputeResources",
        Access::Read,
        res::list_compute_resources,
    ),
    (
        "UpdateComputeResource",
        Access::Write,
        res::update_compute_resource,
    ),
    (
        "DeleteComputeResource",
        Access::Write,
        res::delete_compute_resource,
    ),
    (
        "CreateResourceGroup",
        Access::Write,
        res::create_resource_group,
    ),
    ("GetResourceGroup", Access::Read, res::get_resource_group),
    (
        "ListResourceGroups",
        Access::Read,
        res::list_resource_groups,
    ),
    (
        "UpdateResourceGroup",
        Access::Write,
        res::update_resource_group,
    ),
    (
        "DeleteResourceGroup",
        Access::Write,
        res::delete_resource_group,
    ),
    (
        "AssociateProjectToResourceGroup",
        Access::Write,
        res::associate_project_to_resource_group,
    ),
    (
        "DissociateProjectFromResourceGroup",
        Access::Write,
        res::dissociate_project_from_resource_group,
    ),
    (
        "ListResourceGroupAssociateProjects",
        Access::Read,
        res::list_resource_group_associate_projects,
    ),
];

pub fn find(action: &str) -> Option<(Access, Handler)> {
    ACTIONS
        .iter()
        .find(|(name, _, _)| *name == action)
        .map(|(_, a, h)| (*a, *h))
}

fn role_codes(p: &Params, name: &str) -> Result<Option<RoleSet>, ApiError> {
    string_list(p, name)?
        .map(|codes| RoleSet::parse_list(&codes).map_err(ApiError::from))
        .transpose()
}

/// `AliyunResourceTags`: a JSON array of `{Key, Value}`.
fn tags(p: &Params) -> Result<Option<Vec<(String, String)>>, ApiError> {
    const NAME: &str = "AliyunResourceTags";
    json_list(p, NAME)?
        .map(|items| {
            items
                .into_iter()
                .map(|t| match (t.get("Key"), t.get("Value")) {
                    (Some(Value::String(k)), v) => Ok((
                        k.clone(),
                        v.and_then(Value::as_str).unwrap_or_default().to_string(),
                    )),
                    _ => Err(ApiError::invalid(
                        NAME,
                        "expected [{\"Key\":..,\"Value\":..}]",
                    )),
                })
                .collect()
        })
        .transpose()
}

fn create_project(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let name = WorkspaceName::parse(req(p, "Name")?).map_err(ApiError::from)?;
    let req = NewWorkspace {
        id: None,
        name: Some(name),
        display_name: opt(p, "DisplayName").map(str::to_string),
        description: opt(p, "Description").map(str::to_string),
        mode: opt_bool(p, "DevEnvironmentEnabled")?.map(convert::mode_from_api),
        sod_policy: None,
        pai_tasks_enabled: opt_bool(p, "PaiTaskEnabled")?,
        dev_role_disabled: opt_bool(p, "DevRoleDisabled")?,
        tags: tags(p)?.unwrap_or_default().into_iter().collect(),
    };
    let w = ws::create(s, req, false)?.value;
    body(shapes::CreateProjectResponseBody {
        id: Some(w.id),
        project_id: Some(w.id),
        request_id: None,
    })
}

fn get_project(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let name = workspace_name(s, req_int(p, "Id")?)?;
    let w = ws::show(s, &name)?;
    body(shapes::GetProjectResponseBody {
        // The API does not show a workspace in the recycle bin: not found.
        project: Some(convert::project(&w)?.ok_or_else(|| {
            ApiError::new(
                404,
                "NotFound",
                format!("workspace {name} is deleted (in the recycle bin)"),
            )
        })?),
        request_id: None,
    })
}

fn list_projects(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let (number, size) = paging(p)?;
    let status = opt(p, "Status")
        .map(|v| {
            convert::workspace_status_from_api(v).ok_or_else(|| {
                ApiError::invalid("Status", format!("{v:?} is not Available or Forbidden"))
            })
        })
        .transpose()?;
    let ids: Option<Vec<i64>> = string_list(p, "Ids")?
        .map(|ids| {
            ids.iter()
                .map(|i| {
                    i.parse()
                        .map_err(|_| ApiError::invalid("Ids", "expected integers"))
                })
                .collect()
        })
        .transpose()?;
    let names = string_list(p, "Names")?;
    let dev_env = opt_bool(p, "DevEnvironmentEnabled")?;
    let dev_role = opt_bool(p, "DevRoleDisabled")?;
    let pai = opt_bool(p, "PaiTaskEnabled")?;
    let filter = ListFilter {
        status,
        tags: tags(p)?.unwrap_or_default(),
        ..ListFilter::default()
    };
    let mut all = ws::list(s, &filter)?;
    all.retain(|w| {
        ids.as_ref().is_none_or(|ids| ids.contains(&w.id))
            && names
                .as_ref()
                .is_none_or(|n| n.iter().any(|n| n == w.name.as_str()))
            && dev_env.is_none_or(|d| d == (w.mode == Mode::Standard))
            && dev_role.is_none_or(|d| d == w.dev_role_disabled)
            && pai.is_none_or(|d| d == w.pai_tasks_enabled)
    });
    all.sort_by_key(|w| w.id);
    let total = all.len();
    body(shapes::ListProjectsResponseBody {
        paging_info: Some(shapes::ListProjectsPagingInfo {
            page_number: Some(number as i64),
            page_size: Some(size as i64),
            total_count: Some(total as i64),
            projects: page(all, number, size)
                .iter()
                .map(convert::project)
                .filter_map(Result::transpose)
                .collect::<Result<_, _>>()?,
        }),
        request_id: None,
    })
}

fn update_project(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let name = workspace_name(s, req_int(p, "Id")?)?;
    let status = opt(p, "Status");
    let u = WorkspaceUpdate {
        display_name: opt(p, "DisplayName").map(str::to_string),
        description: opt(p, "Description").map(str::to_string),
        pai_tasks_enabled: opt_bool(p, "PaiTaskEnabled")?,
        dev_role_disabled: opt_bool(p, "DevRoleDisabled")?,
        ..WorkspaceUpdate::default()
    };
    let dev_env = opt_bool(p, "DevEnvironmentEnabled")?;
    if status.is_some_and(|st| !matches!(st, "Available" | "Forbidden")) {
        return Err(ApiError::invalid(
            "Status",
            "expected Available or Forbidden",
        ));
    }
    // Enabling comes first, so that the settings of a disabled workspace can change in
    // the same request; disabling last.
    if status == Some("Available") {
        ws::enable(s, &name)?;
    }
    let changes = u.display_name.is_some()
        || u.description.is_some()
        || u.pai_tasks_enabled.is_some()
        || u.dev_role_disabled.is_some();
    if changes {
        ws::update(s, &name, &u)?;
    }
    match dev_env {
        Some(true) => {
            let w = ws::show(s, &name)?;
            if w.mode == Mode::Basic {
                crate::domain::upgrade::upgrade(s, &name)?;
            }
        }
        Some(false) => {
            let w = ws::show(s, &name)?;
            if w.mode == Mode::Standard {
                return Err(Error::refused(format!(
                    "{name} is in standard mode: the development environment cannot be turned off"
                ))
                .into());
            }
        }
        None => {}
    }
    if status == Some("Forbidden") {
        ws::disable(s, &name)?;
    }
    Ok(Value::Null)
}

fn delete_project(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let name = workspace_name(s, req_int(p, "Id")?)?;
    ws::delete(s, &name)?;
    Ok(Value::Null)
}

// ---- members ----

fn member_target(s: &mut Session, p: &Params) -> Result<(i64, WorkspaceName, String), ApiError> {
    let id = req_int(p, "ProjectId")?;
    let name = workspace_name(s, id)?;
    let user = req(p, "UserId")?.to_string();
    Ok((id, name, user))
}

fn create_project_member(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let (_, name, user) = member_target(s, p)?;
    let roles = role_codes(p, "RoleCodes")?.ok_or_else(|| ApiError::missing("RoleCodes"))?;
    member::add(s, &name, &user, roles, None, false)?;
    Ok(Value::Null)
}

fn get_project_member(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let (id, name, user) = member_target(s, p)?;
    let m = member::show(s, &name, &user)?;
    body(shapes::GetProjectMemberResponseBody {
        project_member: Some(convert::project_member(&m, id, &s.custom_roles(id)?)?),
        request_id: None,
    })
}

fn list_project_members(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let id = req_int(p, "ProjectId")?;
    let name = workspace_name(s, id)?;
    let (number, size) = paging(p)?;
    let roles = role_codes(p, "RoleCodes")?;
    let users = string_list(p, "UserIds")?;
    let mut all = Vec::new();
    member::list(s, &name, roles.as_ref(), |m| {
        if users.as_ref().is_none_or(|u| u.contains(&m.user_id)) {
            all.push(m);
        }
        Ok(())
    })?;
    let total = all.len();
    let custom = s.custom_roles(id)?;
    body(shapes::ListProjectMembersResponseBody {
        paging_info: Some(shapes::ListProjectMembersPagingInfo {
            page_number: Some(number as i64),
            page_size: Some(size as i64),
            total_count: Some(total as i64),
            project_members: page(all, number, size)
                .iter()
                .map(|m| convert::project_member(m, id, &custom))
                .collect::<Result<_, _>>()?,
        }),
        request_id: None,
    })
}

fn delete_project_member(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let (_, name, user) = member_target(s, p)?;
    member::remove(s, &name, &user)?;
    Ok(Value::Null)
}

fn change_roles(s: &mut Session, p: &Params, grant: bool) -> Result<Value, ApiError> {
    let (_, name, user) = member_target(s, p)?;
    let roles = role_codes(p, "RoleCodes")?.ok_or_else(|| ApiError::missing("RoleCodes"))?;
    let change = if grant {
        RoleChange::GrantRevoke {
            grant: roles,
            revoke: RoleSet::empty(),
        }
    } else {
        RoleChange::GrantRevoke {
            grant: RoleSet::empty(),
            revoke: roles,
        }
    };
    member::change_roles(s, &name, &user, &change)?;
    Ok(Value::Null)
}

fn grant_member_project_roles(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    change_roles(s, p, true)
}

fn revoke_member_project_roles(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    change_roles(s, p, false)
}

// ---- roles ----

/// The `ProjectId` of a system role, as the API shows the built-in roles.
const SYSTEM_ROLE_PROJECT: i64 = -1;

fn list_project_roles(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let id = req_int(p, "ProjectId")?;
    let name = workspace_name(s, id)?;
    let (number, size) = paging(p)?;
    let codes = string_list(p, "Codes")?;
    let names = string_list(p, "Names")?;
    let kind = opt(p, "Type");
    let wanted = |code: &str, name: &str, t: &str| {
        codes.as_ref().is_none_or(|c| c.iter().any(|c| c == code))
            && names.as_ref().is_none_or(|n| n.iter().any(|n| n == name))
            && kind.is_none_or(|k| k == t)
    };
    // Built-in roles (ProjectId -1), then the workspace's custom roles.
    let mut all = Vec::new();
    for r in roles::list(s, &name)? {
        if !wanted(
            &r.code,
            &r.name,
            if r.custom.is_some() {
                "UserCustom"
            } else {
                "System"
            },
        ) {
            continue;
        }
        all.push(match &r.custom {
            Some(c) => convert::custom_project_role(c, id)?,
            None => convert::project_role(RoleCode::parse(&r.code)?, SYSTEM_ROLE_PROJECT)?,
        });
    }
    let total = all.len();
    // This model's paging fields are strings.
    body(shapes::ListProjectRolesResponseBody {
        paging_info: Some(shapes::ListProjectRolesPagingInfo {
            page_number: Some(number.to_string()),
            page_size: Some(size.to_string()),
            total_count: Some(total.to_string()),
            project_roles: page(all, number, size),
        }),
        request_id: None,
    })
}

/// `ModulePermissions` as dwctl's rights and capabilities (README "Custom roles").
type Permissions = (Vec<Right>, Vec<Capability>);

fn module_permissions(p: &Params) -> Result<Option<Permissions>, ApiError> {
    let Some(perms) = json_list(p, "ModulePermissions")? else {
        return Ok(None);
    };
    let (rights, caps) = crate::model::api::modules_from_api(&perms)?;
    let rights = rights
        .iter()
        .map(|r| roles::parse_right(r))
        .collect::<Result<Vec<_>, _>>()?;
    let caps = caps
        .iter()
        .map(|c| roles::parse_capability(c))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some((rights, caps)))
}

fn create_project_role(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let id = req_int(p, "ProjectId")?;
    let name = workspace_name(s, id)?;
    let (rights, capabilities) = module_permissions(p)?.unwrap_or_default();
    let req = roles::NewRole {
        name: req(p, "Name")?.to_string(),
        rights,
        capabilities,
        description: None,
        code: None,
    };
    let r = roles::create(s, &name, &req, false)?;
    Ok(json!({ "Code": r.value.code }))
}

/// `UpdateProjectRole` sets the module permissions: the rights and capabilities that
/// modules map to are replaced, those no module maps to (`workspace.update`,
/// `member.manage`, ...) are kept.
fn update_project_role(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let id = req_int(p, "ProjectId")?;
    let name = workspace_name(s, id)?;
    let code = req(p, "Code")?.to_string();
    let (rights, caps) =
        module_permissions(p)?.ok_or_else(|| ApiError::missing("ModulePermissions"))?;
    let mapped: Vec<&str> = crate::model::api::ROLE_MODULES
        .iter()
        .flat_map(|m| m.write.iter().chain(m.read.iter()).copied())
        .collect();
    let current = roles::show(s, &name, &code)?;
    let Some(c) = current.custom else {
        return Err(ApiError::new(
            400,
            "InvalidParameter",
            format!("role {code:?} is a system role and cannot be changed"),
        ));
    };
    let mut all_rights = rights;
    all_rights.extend(
        c.rights
            .iter()
            .filter(|r| !mapped.contains(&r.as_str()))
            .filter_map(|r| Right::parse(r)),
    );
    let mut all_caps = caps;
    all_caps.extend(
        c.capabilities
            .iter()
            .filter(|k| !mapped.contains(&k.as_str()))
            .filter_map(|k| Capability::parse(k)),
    );
    let u = roles::RoleUpdate {
        set: Some((all_rights, all_caps)),
        ..Default::default()
    };
    roles::update(s, &name, &code, &u)?;
    Ok(Value::Null)
}

/// `DeleteProjectRole`: refused while a member holds the role (as `role delete` without
/// `--revoke-from-members`).
fn delete_project_role(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let id = req_int(p, "ProjectId")?;
    let name = workspace_name(s, id)?;
    let code = req(p, "Code")?;
    roles::delete(s, &name, code, false)?;
    Ok(Value::Null)
}

fn get_project_role(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let id = req_int(p, "ProjectId")?;
    let name = workspace_name(s, id)?;
    ws::show(s, &name)?;
    let code = req(p, "Code")?;
    let not_found = || ApiError::new(404, "NotFound", format!("role {code:?} not found"));
    let role = match RoleCode::ALL.into_iter().find(|r| r.code() == code) {
        Some(r) => convert::project_role(r, SYSTEM_ROLE_PROJECT)?,
        None => {
            let custom = s.custom_roles(id)?;
            let r = custom
                .iter()
                .find(|r| r.code == code)
                .ok_or_else(not_found)?;
            convert::custom_project_role(r, id)?
        }
    };
    body(shapes::GetProjectRoleResponseBody {
        project_role: Some(role),
        request_id: None,
    })
}
