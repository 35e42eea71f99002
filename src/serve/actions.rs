//! The actions: each parses the API's parameters, calls the same domain functions as the
//! command line in one session (one transaction; a change with its audit event), and
//! shapes the response body as the SDK's model reads it. Nothing here decides a rule.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::error::ApiError;
use crate::domain::member::{self, RoleChange};
use crate::domain::session::Session;
use crate::domain::workspace::{self as ws, ListFilter, NewWorkspace, WorkspaceUpdate};
use crate::model::error::{Error, Result};
use crate::model::roles::{RoleCode, RoleSet};
use crate::model::{Member, Mode, Status, Workspace, WorkspaceName};

/// The request's parameters: the query's and the form body's, by name.
pub type Params = BTreeMap<String, String>;

/// Whether an action reads or changes the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

type Handler = fn(&mut Session, &Params) -> Result<Value, ApiError>;

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
];

pub fn find(action: &str) -> Option<(Access, Handler)> {
    ACTIONS
        .iter()
        .find(|(name, _, _)| *name == action)
        .map(|(_, a, h)| (*a, *h))
}

// ---- parameters ----

fn opt<'p>(p: &'p Params, name: &str) -> Option<&'p str> {
    p.get(name).map(String::as_str)
}

fn req<'p>(p: &'p Params, name: &str) -> Result<&'p str, ApiError> {
    opt(p, name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::missing(name))
}

fn opt_bool(p: &Params, name: &str) -> Result<Option<bool>, ApiError> {
    match opt(p, name) {
        None => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(v) => Err(ApiError::invalid(
            name,
            format!("expected true or false, got {v:?}"),
        )),
    }
}

fn opt_int(p: &Params, name: &str) -> Result<Option<i64>, ApiError> {
    opt(p, name)
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| ApiError::invalid(name, format!("expected an integer, got {v:?}")))
        })
        .transpose()
}

fn req_int(p: &Params, name: &str) -> Result<i64, ApiError> {
    opt_int(p, name)?.ok_or_else(|| ApiError::missing(name))
}

/// An array sent as a JSON string in a form field (`RoleCodes`, `Ids`, `Names`).
fn json_list(p: &Params, name: &str) -> Result<Option<Vec<Value>>, ApiError> {
    opt(p, name)
        .map(|v| match serde_json::from_str::<Value>(v) {
            Ok(Value::Array(items)) => Ok(items),
            _ => Err(ApiError::invalid(name, "expected a JSON array")),
        })
        .transpose()
}

fn string_list(p: &Params, name: &str) -> Result<Option<Vec<String>>, ApiError> {
    json_list(p, name)?
        .map(|items| {
            items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    Value::Number(n) => Ok(n.to_string()),
                    _ => Err(ApiError::invalid(name, "expected an array of strings")),
                })
                .collect()
        })
        .transpose()
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

/// PageNumber (from 1) and PageSize (1-100, default 10).
fn paging(p: &Params) -> Result<(usize, usize), ApiError> {
    let number = opt_int(p, "PageNumber")?.unwrap_or(1);
    let size = opt_int(p, "PageSize")?.unwrap_or(10);
    if number < 1 {
        return Err(ApiError::invalid("PageNumber", "must be 1 or more"));
    }
    if !(1..=100).contains(&size) {
        return Err(ApiError::invalid("PageSize", "must be from 1 to 100"));
    }
    Ok((number as usize, size as usize))
}

fn page<T>(items: Vec<T>, number: usize, size: usize) -> Vec<T> {
    items
        .into_iter()
        .skip((number - 1).saturating_mul(size))
        .take(size)
        .collect()
}

/// The workspace a `ProjectId`/`Id` names. One the caller may not see is not found, as
/// the domain decides when it is looked up by name.
fn workspace_name(s: &mut Session, id: i64) -> Result<WorkspaceName, ApiError> {
    match s.tx().workspace_name_by_id(id)? {
        Some(name) => Ok(WorkspaceName::from_stored(name)),
        None => Err(ApiError::new(
            404,
            "NotFound",
            format!("workspace with id {id} not found"),
        )),
    }
}

// ---- shapes ----

fn status_value(s: Status) -> &'static str {
    match s {
        Status::Available => "Available",
        Status::Disabled => "Forbidden",
        // The recycle bin has no value of its own in the API: it is being deleted.
        Status::Deleted => "Deleting",
    }
}

fn project(w: &Workspace) -> Value {
    json!({
        "Id": w.id,
        "Name": w.name.as_str(),
        "DisplayName": w.display_name,
        "Description": w.description,
        "Status": status_value(w.status),
        "Owner": w.owner,
        "DevEnvironmentEnabled": w.mode == Mode::Standard,
        "DevRoleDisabled": w.dev_role_disabled,
        "PaiTaskEnabled": w.pai_tasks_enabled,
        "AliyunResourceTags": w.tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect::<Vec<_>>(),
    })
}

fn role(code: RoleCode) -> Value {
    json!({ "Code": code.code(), "Name": code.info().name, "Type": "System" })
}

fn project_member(project_id: i64, m: &Member) -> Value {
    json!({
        "ProjectId": project_id,
        "UserId": m.user_id,
        "UserName": m.user.as_str(),
        "Status": "Normal",
        "Roles": m.roles.iter().map(role).collect::<Vec<_>>(),
    })
}

fn project_role(project_id: i64, code: RoleCode) -> Value {
    json!({
        "ProjectId": project_id,
        "Code": code.code(),
        "Name": code.info().name,
        "Type": "System",
        "ModulePermissions": [],
    })
}

fn object(pairs: Vec<(&str, Value)>) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(k.to_string(), v);
    }
    Value::Object(m)
}

// ---- projects ----

fn create_project(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let name = WorkspaceName::parse(req(p, "Name")?).map_err(ApiError::from)?;
    let req = NewWorkspace {
        name: Some(name),
        display_name: opt(p, "DisplayName").map(str::to_string),
        description: opt(p, "Description").map(str::to_string),
        mode: opt_bool(p, "DevEnvironmentEnabled")?.map(|on| {
            if on {
                Mode::Standard
            } else {
                Mode::Basic
            }
        }),
        sod_policy: None,
        pai_tasks_enabled: opt_bool(p, "PaiTaskEnabled")?,
        dev_role_disabled: opt_bool(p, "DevRoleDisabled")?,
        tags: tags(p)?.unwrap_or_default().into_iter().collect(),
    };
    let w = ws::create(s, req, false)?.value;
    Ok(object(vec![
        ("Id", json!(w.id)),
        ("ProjectId", json!(w.id)),
    ]))
}

fn get_project(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let name = workspace_name(s, req_int(p, "Id")?)?;
    let w = ws::show(s, &name)?;
    Ok(object(vec![("Project", project(&w))]))
}

fn list_projects(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let (number, size) = paging(p)?;
    let status = opt(p, "Status")
        .map(|v| match v {
            "Available" => Ok(Status::Available),
            "Forbidden" => Ok(Status::Disabled),
            other => Err(ApiError::invalid(
                "Status",
                format!("{other:?} is not Available or Forbidden"),
            )),
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
    let projects: Vec<Value> = page(all, number, size).iter().map(project).collect();
    Ok(object(vec![(
        "PagingInfo",
        json!({ "PageNumber": number, "PageSize": size, "TotalCount": total, "Projects": projects }),
    )]))
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
    Ok(object(vec![]))
}

fn delete_project(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let name = workspace_name(s, req_int(p, "Id")?)?;
    ws::delete(s, &name)?;
    Ok(object(vec![]))
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
    member::add(s, &name, &user, roles, false)?;
    Ok(object(vec![]))
}

fn get_project_member(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let (id, name, user) = member_target(s, p)?;
    let m = member::show(s, &name, &user)?;
    Ok(object(vec![("ProjectMember", project_member(id, &m))]))
}

fn list_project_members(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let id = req_int(p, "ProjectId")?;
    let name = workspace_name(s, id)?;
    let (number, size) = paging(p)?;
    let roles = role_codes(p, "RoleCodes")?;
    let users = string_list(p, "UserIds")?;
    let mut all = Vec::new();
    member::list(s, &name, None, |m| {
        if roles.is_none_or(|r| m.roles.intersects(r))
            && users.as_ref().is_none_or(|u| u.contains(&m.user_id))
        {
            all.push(m);
        }
        Ok(())
    })?;
    let total = all.len();
    let members: Vec<Value> = page(all, number, size)
        .iter()
        .map(|m| project_member(id, m))
        .collect();
    Ok(object(vec![(
        "PagingInfo",
        json!({ "PageNumber": number, "PageSize": size, "TotalCount": total, "ProjectMembers": members }),
    )]))
}

fn delete_project_member(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let (_, name, user) = member_target(s, p)?;
    member::remove(s, &name, &user)?;
    Ok(object(vec![]))
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
    Ok(object(vec![]))
}

fn grant_member_project_roles(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    change_roles(s, p, true)
}

fn revoke_member_project_roles(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    change_roles(s, p, false)
}

// ---- roles ----

fn list_project_roles(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let id = req_int(p, "ProjectId")?;
    let name = workspace_name(s, id)?;
    ws::show(s, &name)?;
    let (number, size) = paging(p)?;
    let codes = string_list(p, "Codes")?;
    let names = string_list(p, "Names")?;
    let kind = opt(p, "Type");
    let all: Vec<RoleCode> = RoleCode::ALL
        .into_iter()
        .filter(|r| {
            codes
                .as_ref()
                .is_none_or(|c| c.iter().any(|c| c == r.code()))
                && names
                    .as_ref()
                    .is_none_or(|n| n.iter().any(|n| n == r.info().name))
                && kind.is_none_or(|k| k == "System")
        })
        .collect();
    let total = all.len();
    let roles: Vec<Value> = page(all, number, size)
        .into_iter()
        .map(|r| project_role(id, r))
        .collect();
    // This model's paging fields are strings.
    Ok(object(vec![(
        "PagingInfo",
        json!({
            "PageNumber": number.to_string(),
            "PageSize": size.to_string(),
            "TotalCount": total.to_string(),
            "ProjectRoles": roles,
        }),
    )]))
}

fn get_project_role(s: &mut Session, p: &Params) -> Result<Value, ApiError> {
    let id = req_int(p, "ProjectId")?;
    let name = workspace_name(s, id)?;
    ws::show(s, &name)?;
    let code = req(p, "Code")?;
    let role = RoleCode::ALL
        .into_iter()
        .find(|r| r.code() == code)
        .ok_or_else(|| ApiError::new(404, "NotFound", format!("role {code:?} not found")))?;
    Ok(object(vec![("ProjectRole", project_role(id, role))]))
}
