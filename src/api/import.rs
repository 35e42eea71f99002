//! Response bodies of the API to a manifest (`dwctl import --from-api`).
//!
//! [`read`] recognises one file's body by its content (the keys it holds, never the file's
//! name) and reads it into its shape; malformed input is exit 2 naming the file, the line
//! and column, and the JSON path. [`to_manifest`] turns the bodies of a directory into one
//! manifest, and says what it could not carry as warnings.
//!
//! Bodies that do not name their workspace (ListDataSources, ListComputeResources, and a
//! ListProjectMembers page without members) or their group (ListResourceGroupAssociate
//! Projects) take it from the directory they are in: `DIR/<workspace Id or Name>/` or
//! `DIR/<group Id or Name>/` (the request's `ProjectId` / `ResourceGroupId` is not in the
//! response).
//!
//! The account is the projects' `Owner` (the Alibaba Cloud account they belong to): the
//! member with that `UserId` is the catalog's account, implied in every workspace, and is
//! neither a principal nor a member of the manifest.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::manifest::{
    secret_env_name, ComputeDecl, DataSourceDecl, Manifest, MemberDecl, PrincipalDecl, PropValue,
    ResourceGroupDecl, RoleDecl, ShareDecl, WorkspaceDecl,
};
use crate::model::api;
use crate::model::api_datasource;
use crate::model::error::{Error, Result};
use crate::model::resource_group::{is_group_id, parse_network_id};
use crate::model::roles::{custom_code_id, parse_custom_name, RoleCode, RoleSet};
use crate::model::types::{self, ConnMode, TypeSpec, REDACTED};
use crate::model::{
    named, parse_principal_id, parse_tag_key, parse_tag_value, DisplayName, Env, GroupName,
    MemberStatus, ObjectName, PrincipalName, Warning, WorkspaceName, MAX_TAGS,
};

use super::convert;
use super::json_path;
use super::shapes::*;

/// The responses `import` reads, by the action that returns them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    ListProjects,
    GetProject,
    ListProjectMembers,
    GetProjectMember,
    ListProjectRoles,
    GetProjectRole,
    ListComputeResources,
    GetComputeResource,
    ListDataSources,
    GetDataSource,
    ListResourceGroups,
    GetResourceGroup,
    ListResourceGroupAssociateProjects,
    ListDataSourceSharedRules,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::ListProjects,
        Kind::GetProject,
        Kind::ListProjectMembers,
        Kind::GetProjectMember,
        Kind::ListProjectRoles,
        Kind::GetProjectRole,
        Kind::ListComputeResources,
        Kind::GetComputeResource,
        Kind::ListDataSources,
        Kind::GetDataSource,
        Kind::ListResourceGroups,
        Kind::GetResourceGroup,
        Kind::ListResourceGroupAssociateProjects,
        Kind::ListDataSourceSharedRules,
    ];

    /// The action's name.
    pub fn action(self) -> &'static str {
        match self {
            Kind::ListProjects => "ListProjects",
            Kind::GetProject => "GetProject",
            Kind::ListProjectMembers => "ListProjectMembers",
            Kind::GetProjectMember => "GetProjectMember",
            Kind::ListProjectRoles => "ListProjectRoles",
            Kind::GetProjectRole => "GetProjectRole",
            Kind::ListComputeResources => "ListComputeResources",
            Kind::GetComputeResource => "GetComputeResource",
            Kind::ListDataSources => "ListDataSources",
            Kind::GetDataSource => "GetDataSource",
            Kind::ListResourceGroups => "ListResourceGroups",
            Kind::GetResourceGroup => "GetResourceGroup",
            Kind::ListResourceGroupAssociateProjects => "ListResourceGroupAssociateProjects",
            Kind::ListDataSourceSharedRules => "ListDataSourceSharedRules",
        }
    }

    /// The key that tells this body from the others: a key of `PagingInfo` for a list, a
    /// top-level key otherwise.
    fn marker(self) -> (bool, &'static str) {
        match self {
            Kind::ListProjects => (true, "Projects"),
            Kind::ListProjectMembers => (true, "ProjectMembers"),
            Kind::ListProjectRoles => (true, "ProjectRoles"),
            Kind::ListComputeResources => (true, "ComputeResources"),
            Kind::ListDataSources => (true, "DataSources"),
            Kind::ListResourceGroups => (true, "ResourceGroupList"),
            Kind::GetProject => (false, "Project"),
            Kind::GetProjectMember => (false, "ProjectMember"),
            Kind::GetProjectRole => (false, "ProjectRole"),
            Kind::GetComputeResource => (false, "ComputeResource"),
            Kind::GetDataSource => (false, "DataSource"),
            Kind::GetResourceGroup => (false, "ResourceGroup"),
            Kind::ListResourceGroupAssociateProjects => (false, "ProjectIdList"),
            Kind::ListDataSourceSharedRules => (false, "DataSourceSharedRules"),
        }
    }

    /// The kind of a body, by the keys it holds.
    pub fn of(body: &Value) -> Option<Kind> {
        let top = body.as_object()?;
        let paging = top.get("PagingInfo").and_then(Value::as_object);
        Kind::ALL.into_iter().find(|k| match k.marker() {
            (true, key) => paging.is_some_and(|p| p.contains_key(key)),
            (false, key) => top.contains_key(key),
        })
    }
}

/// One response body, read into its shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    ListProjects(ListProjectsResponseBody),
    GetProject(GetProjectResponseBody),
    ListProjectMembers(ListProjectMembersResponseBody),
    GetProjectMember(GetProjectMemberResponseBody),
    ListProjectRoles(ListProjectRolesResponseBody),
    GetProjectRole(GetProjectRoleResponseBody),
    ListComputeResources(ListComputeResourcesResponseBody),
    GetComputeResource(GetComputeResourceResponseBody),
    ListDataSources(ListDataSourcesResponseBody),
    GetDataSource(GetDataSourceResponseBody),
    ListResourceGroups(ListResourceGroupsResponseBody),
    GetResourceGroup(GetResourceGroupResponseBody),
    ListResourceGroupAssociateProjects(ListResourceGroupAssociateProjectsResponseBody),
    ListDataSourceSharedRules(ListDataSourceSharedRulesResponseBody),
}

/// The actions whose bodies `import` reads, for hints.
fn actions() -> String {
    Kind::ALL.map(Kind::action).join(", ")
}

/// Reads `text` (the file `source`) as one response body, recognised by its content.
/// Exit 2 for text that is not JSON, a body of none of the [`Kind`]s (an error response
/// says so), or a value of the wrong type: each names `source:line:column` and the JSON
/// path.
pub fn read(text: &str, source: &str) -> Result<Body> {
    let value: Value = serde_json::from_str(text).map_err(|e| malformed(text, source, &e))?;
    let kind = match Kind::of(&value) {
        Some(k) => k,
        None => {
            if let (Some(code), Some(message)) = (
                value.get("Code").and_then(Value::as_str),
                value.get("Message").and_then(Value::as_str),
            ) {
                return Err(Error::invalid(format!(
                    "an error response ({}: {}), not a list to import",
                    named(code),
                    named(message)
                ))
                .within(source.to_string())
                .with_hint("run the request again until it succeeds, or leave the file out"));
            }
            return Err(Error::invalid(
                "not a DataWorks API response that dwctl imports (no key tells which action returned it)",
            )
            .within(source.to_string())
            .with_hint(format!("import reads the JSON bodies of {}", actions())));
        }
    };

    Ok(match kind {
        Kind::ListProjects => Body::ListProjects(typed(text, source, &value)?),
        Kind::GetProject => Body::GetProject(typed(text, source, &value)?),
        Kind::ListProjectMembers => Body::ListProjectMembers(typed(text, source, &value)?),
        Kind::GetProjectMember => Body::GetProjectMember(typed(text, source, &value)?),
        Kind::ListProjectRoles => Body::ListProjectRoles(typed(text, source, &value)?),
        Kind::GetProjectRole => Body::GetProjectRole(typed(text, source, &value)?),
        Kind::ListComputeResources => Body::ListComputeResources(typed(text, source, &value)?),
        Kind::GetComputeResource => Body::GetComputeResource(typed(text, source, &value)?),
        Kind::ListDataSources => Body::ListDataSources(typed(text, source, &value)?),
        Kind::GetDataSource => Body::GetDataSource(typed(text, source, &value)?),
        Kind::ListResourceGroups => Body::ListResourceGroups(typed(text, source, &value)?),
        Kind::GetResourceGroup => Body::GetResourceGroup(typed(text, source, &value)?),
        Kind::ListResourceGroupAssociateProjects => {
            Body::ListResourceGroupAssociateProjects(typed(text, source, &value)?)
        }
        Kind::ListDataSourceSharedRules => {
            Body::ListDataSourceSharedRules(typed(text, source, &value)?)
        }
    })
}

/// `text` read as `T`, refusing an array where `T` has an object (serde reads a struct
/// from an array, by position: never what a response means).
fn typed<T: DeserializeOwned + Serialize>(text: &str, source: &str, value: &Value) -> Result<T> {
    let t: T = serde_json::from_str(text).map_err(|e| malformed(text, source, &e))?;
    let back = serde_json::to_value(&t).map_err(|e| Error::internal(e.to_string()))?;
    match array_for_object(value, &back, "$".to_string()) {
        None => Ok(t),
        Some(path) => Err(Error::invalid(format!(
            "a value of the wrong type at {path}: an array where the API has an object"
        ))
        .within(source.to_string())),
    }
}

/// The path of the first array in `given` where `read` (what it was read as) has an
/// object.
fn array_for_object(given: &Value, read: &Value, path: String) -> Option<String> {
    match (given, read) {
        (Value::Array(_), Value::Object(_)) => Some(path),
        (Value::Object(g), Value::Object(r)) => r.iter().find_map(|(k, rv)| {
            let gv = g.get(k)?;
            array_for_object(gv, rv, format!("{path}.{k}"))
        }),
        (Value::Array(g), Value::Array(r)) => g
            .iter()
            .zip(r)
            .enumerate()
            .find_map(|(i, (gv, rv))| array_for_object(gv, rv, format!("{path}[{i}]"))),
        _ => None,
    }
}

/// serde_json's error as dwctl's: `source:line:col` as the place, the JSON path first in
/// the message.
fn malformed(text: &str, source: &str, e: &serde_json::Error) -> Error {
    let message = e.to_string();
    let message = match message.rfind(" at line ") {
        Some(i) if e.line() > 0 => &message[..i],
        _ => &message,
    };
    let path = json_path::at(text, e.line(), e.column());
    let what = if e.is_data() {
        "a value of the wrong type"
    } else {
        "not valid JSON"
    };
    Error::invalid(format!(
        "{what} at {path}: {}",
        crate::model::text::cut_quoted(message)
    ))
    .within(format!("{source}:{}:{}", e.line(), e.column()))
}

/// One file's body and where it was: its name (for messages) and the directory under
/// `DIR` it is in, if any (the workspace or group a body that does not name it is about).
#[derive(Debug, Clone)]
pub struct Response {
    pub source: String,
    pub dir: Option<String>,
    pub body: Body,
}

/// What [`to_manifest`] made: the manifest, what it could not carry, and the account it
/// took (the projects' `Owner`).
#[derive(Debug)]
pub struct Imported {
    pub manifest: Manifest,
    pub warnings: Vec<Warning>,
    pub account: Option<String>,
}

/// Where an object was read: file and JSON path, for warnings.
#[derive(Debug, Clone)]
struct At {
    source: String,
    path: String,
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.source, self.path)
    }
}

/// Which workspace an object belongs to: named by the body, or by its directory.
#[derive(Debug, Clone)]
enum ProjectRef {
    Id(i64),
    Dir(String),
}

/// A compute resource or a data source in one environment, with its group's name and type.
#[derive(Debug, Clone)]
struct Conn {
    at: At,
    project: ProjectRef,
    name: Option<String>,
    type_: Option<String>,
    mode: Option<String>,
    properties: Option<Value>,
    description: Option<String>,
    default: Option<bool>,
    id: Option<i64>,
}

/// Everything read, flattened out of the pages, in the order read.
#[derive(Default)]
struct Gathered {
    projects: Vec<(At, Project)>,
    members: Vec<(At, ProjectRef, ProjectMember)>,
    roles: Vec<(At, ProjectRole)>,
    computes: Vec<Conn>,
    sources: Vec<Conn>,
    groups: Vec<(At, ResourceGroup)>,
    /// (where, the group as its directory names it, the workspace id).
    bindings: Vec<(At, String, i64)>,
    /// Whether any ListResourceGroupAssociateProjects was read: then a workspace's
    /// `resource_groups` is the whole list.
    bindings_read: bool,
    shares: Vec<(At, DataSourceSharedRule)>,
}

fn at(source: &str, path: String) -> At {
    At {
        source: source.to_string(),
        path,
    }
}

/// The directory that names the workspace of a body that does not, or exit 2.
fn dir_project(r: &Response, action: &str) -> Result<ProjectRef> {
    match &r.dir {
        Some(d) => Ok(ProjectRef::Dir(d.clone())),
        None => Err(Error::invalid(format!(
            "cannot tell which workspace this {action} response is about: the body does not name it"
        ))
        .within(r.source.clone())
        .with_hint(format!(
            "put it in a directory named after the workspace's Id or Name (DIR/<Id>/{})",
            r.source.rsplit('/').next().unwrap_or(&r.source)
        ))),
    }
}

impl Gathered {
    /// The entries of a ListComputeResources or ListDataSources body (a data source as a
    /// compute resource without `WhetherDefault`): (path, the group's name and type, the
    /// entry). Their workspace is the directory's.
    fn add_listed(
        &mut self,
        is_compute: bool,
        r: &Response,
        action: &str,
        entries: Vec<(String, Option<String>, Option<String>, ComputeResource)>,
    ) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let project = dir_project(r, action)?;
        for (path, name, type_, c) in entries {
            let name = name.or_else(|| c.name.clone());
            let type_ = type_.or_else(|| c.type_.clone());
            self.push_conn(
                is_compute,
                at(&r.source, path),
                project.clone(),
                name,
                type_,
                c,
            );
        }
        Ok(())
    }

    /// The entry of a GetComputeResource or GetDataSource body, which names its workspace.
    fn add_got(
        &mut self,
        is_compute: bool,
        r: &Response,
        action: &str,
        path: &str,
        c: ComputeResource,
    ) -> Result<()> {
        let project = match c.project_id {
            Some(id) => ProjectRef::Id(id),
            None => dir_project(r, action)?,
        };
        let (name, type_) = (c.name.clone(), c.type_.clone());
        self.push_conn(
            is_compute,
            at(&r.source, path.into()),
            project,
            name,
            type_,
            c,
        );
        Ok(())
    }

    fn push_conn(
        &mut self,
        is_compute: bool,
        at: At,
        project: ProjectRef,
        name: Option<String>,
        type_: Option<String>,
        c: ComputeResource,
    ) {
        let conn = Conn {
            at,
            project,
            name,
            type_,
            mode: c.connection_properties_mode,
            properties: c.connection_properties,
            description: c.description,
            default: c.whether_default,
            id: c.id,
        };
        if is_compute {
            self.computes.push(conn);
        } else {
            self.sources.push(conn);
        }
    }

    fn add(&mut self, r: Response) -> Result<()> {
        let src = r.source.as_str();
        match &r.body {
            Body::ListProjects(b) => {
                for (i, p) in b.paging_info.iter().flat_map(|p| &p.projects).enumerate() {
                    self.projects
                        .push((at(src, format!("$.PagingInfo.Projects[{i}]")), p.clone()));
                }
            }
            Body::GetProject(b) => {
                if let Some(p) = &b.project {
                    self.projects.push((at(src, "$.Project".into()), p.clone()));
                }
            }
            Body::ListProjectMembers(b) => {
                for (i, m) in b
                    .paging_info
                    .iter()
                    .flat_map(|p| &p.project_members)
                    .enumerate()
                {
                    let project = match (m.project_id, &r.dir) {
                        (Some(id), _) => ProjectRef::Id(id),
                        (None, _) => dir_project(&r, "ListProjectMembers")?,
                    };
                    self.members.push((
                        at(src, format!("$.PagingInfo.ProjectMembers[{i}]")),
                        project,
                        m.clone(),
                    ));
                }
            }
            Body::GetProjectMember(b) => {
                if let Some(m) = &b.project_member {
                    let project = match m.project_id {
                        Some(id) => ProjectRef::Id(id),
                        None => dir_project(&r, "GetProjectMember")?,
                    };
                    self.members
                        .push((at(src, "$.ProjectMember".into()), project, m.clone()));
                }
            }
            Body::ListProjectRoles(b) => {
                for (i, role) in b
                    .paging_info
                    .iter()
                    .flat_map(|p| &p.project_roles)
                    .enumerate()
                {
                    self.roles.push((
                        at(src, format!("$.PagingInfo.ProjectRoles[{i}]")),
                        role.clone(),
                    ));
                }
            }
            Body::GetProjectRole(b) => {
                if let Some(role) = &b.project_role {
                    self.roles
                        .push((at(src, "$.ProjectRole".into()), role.clone()));
                }
            }
            Body::ListComputeResources(b) => {
                let entries = b
                    .paging_info
                    .iter()
                    .flat_map(|p| &p.compute_resources)
                    .enumerate()
                    .flat_map(|(i, g)| {
                        g.compute_resource.iter().enumerate().map(move |(j, c)| {
                            let path =
                                format!("$.PagingInfo.ComputeResources[{i}].ComputeResource[{j}]");
                            (path, g.name.clone(), g.type_.clone(), c.clone())
                        })
                    })
                    .collect();
                self.add_listed(true, &r, "ListComputeResources", entries)?;
            }
            Body::GetComputeResource(b) => {
                if let Some(c) = &b.compute_resource {
                    self.add_got(
                        true,
                        &r,
                        "GetComputeResource",
                        "$.ComputeResource",
                        c.clone(),
                    )?;
                }
            }
            Body::ListDataSources(b) => {
                let entries = b
                    .paging_info
                    .iter()
                    .flat_map(|p| &p.data_sources)
                    .enumerate()
                    .flat_map(|(i, g)| {
                        g.data_source.iter().enumerate().map(move |(j, x)| {
                            let path = format!("$.PagingInfo.DataSources[{i}].DataSource[{j}]");
                            (path, g.name.clone(), g.type_.clone(), x.clone().into())
                        })
                    })
                    .collect();
                self.add_listed(false, &r, "ListDataSources", entries)?;
            }
            Body::GetDataSource(b) => {
                if let Some(x) = &b.data_source {
                    self.add_got(false, &r, "GetDataSource", "$.DataSource", x.clone().into())?;
                }
            }
            Body::ListResourceGroups(b) => {
                for (i, g) in b
                    .paging_info
                    .iter()
                    .flat_map(|p| &p.resource_group_list)
                    .enumerate()
                {
                    self.groups.push((
                        at(src, format!("$.PagingInfo.ResourceGroupList[{i}]")),
                        g.clone().into(),
                    ));
                }
            }
            Body::GetResourceGroup(b) => {
                if let Some(g) = &b.resource_group {
                    self.groups
                        .push((at(src, "$.ResourceGroup".into()), g.clone()));
                }
            }
            Body::ListResourceGroupAssociateProjects(b) => {
                self.bindings_read = true;
                let Some(group) = r.dir.clone() else {
                    return Err(Error::invalid(
                        "cannot tell which resource group this ListResourceGroupAssociateProjects response is about: the body does not name it",
                    )
                    .within(r.source.clone())
                    .with_hint("put it in a directory named after the group's Id or Name (DIR/<ResourceGroupId>/...)"));
                };
                for (i, id) in b.project_id_list.iter().enumerate() {
                    self.bindings.push((
                        at(src, format!("$.ProjectIdList[{i}]")),
                        group.clone(),
                        *id,
                    ));
                }
            }
            Body::ListDataSourceSharedRules(b) => {
                for (i, rule) in b.data_source_shared_rules.iter().enumerate() {
                    self.shares.push((
                        at(src, format!("$.DataSourceSharedRules[{i}]")),
                        rule.clone(),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Collects warnings, one per distinct message.
#[derive(Default)]
struct Warnings {
    list: Vec<Warning>,
    seen: HashSet<String>,
}

impl Warnings {
    /// `name` when `parse` takes it, else `None` with a warning naming where it was, why,
    /// and what is `left_out` with it.
    fn name<T>(
        &mut self,
        a: &At,
        name: Option<&String>,
        parse: impl FnOnce(&str) -> Result<T>,
        left_out: &str,
    ) -> Option<String> {
        let name = name.cloned().unwrap_or_default();
        match parse(&name) {
            Ok(_) => Some(name),
            Err(e) => {
                self.push(INVALID_NAME, format!("{a}: {}: {left_out}", e.message));
                None
            }
        }
    }

    fn push(&mut self, code: &'static str, message: String) {
        if self.seen.insert(message.clone()) {
            self.list.push(Warning::new(code, message));
        }
    }
}

/// Warning codes.
pub const UNMAPPED: &str = "import_unmapped";
pub const UNKNOWN_TYPE: &str = "import_unknown_type";
pub const UNKNOWN_ROLE: &str = "import_unknown_role";
pub const INVALID_NAME: &str = "import_invalid_name";

/// The bodies of a directory as one manifest (see the module's documentation). Exit 2
/// when a body that does not name its workspace or group is not in a directory that does,
/// or names one that none of the bodies has.
pub fn to_manifest(responses: Vec<Response>) -> Result<Imported> {
    let mut g = Gathered::default();
    for r in responses {
        g.add(r)?;
    }
    let mut w = Warnings::default();

    // Projects, each once (by Id; the first read wins).
    let mut projects: Vec<(At, Project)> = Vec::new();
    let mut seen_ids: HashSet<i64> = HashSet::new();
    for (a, p) in g.projects {
        if p.id.is_some_and(|id| !seen_ids.insert(id)) {
            continue;
        }
        projects.push((a, p));
    }

    // The account: the projects' Owner.
    let mut owners: Vec<&str> = projects
        .iter()
        .filter_map(|(_, p)| p.owner.as_deref())
        .collect();
    let account = owners.first().map(|s| s.to_string());
    owners.sort();
    owners.dedup();
    if owners.len() > 1 {
        w.push(
            UNMAPPED,
            format!(
                "the workspaces belong to {} accounts ({}): {} is taken as the account",
                owners.len(),
                owners.join(", "),
                account.as_deref().unwrap_or_default()
            ),
        );
    }

    // Workspaces, by Id and by name.
    let mut workspaces: Vec<WorkspaceDecl> = Vec::new();
    let mut ws_of_id: HashMap<i64, usize> = HashMap::new();
    let mut ws_of_name: HashMap<String, usize> = HashMap::new();
    // Workspaces left out: what belongs to them is left out without another warning.
    let mut skipped_ids: HashSet<i64> = HashSet::new();
    for (a, p) in &projects {
        match workspace_decl(a, p, &mut w) {
            Some(d) => {
                let i = workspaces.len();
                if let Some(id) = p.id {
                    ws_of_id.insert(id, i);
                }
                ws_of_name.insert(d.name.to_ascii_lowercase(), i);
                workspaces.push(d);
            }
            None => {
                skipped_ids.extend(p.id);
            }
        }
    }
    let resolve = |r: &ProjectRef| -> Option<Result<usize>> {
        match r {
            ProjectRef::Id(id) => ws_of_id.get(id).map(|i| Ok(*i)),
            ProjectRef::Dir(d) => {
                let by_id = d.parse::<i64>().ok().and_then(|id| {
                    if skipped_ids.contains(&id) {
                        return Some(None);
                    }
                    ws_of_id.get(&id).map(|i| Some(*i))
                });
                match by_id.or_else(|| ws_of_name.get(&d.to_ascii_lowercase()).map(|i| Some(*i)))
                {
                    Some(Some(i)) => Some(Ok(i)),
                    Some(None) => None,
                    None => Some(Err(Error::invalid(format!(
                        "directory {} names no workspace of the ListProjects or GetProject responses",
                        named(d)
                    ))
                    .with_hint("name a directory after a workspace's Id or Name, and include the ListProjects pages"))),
                }
            }
        }
    };

    // Resource groups, each once (by Id, else by name), and their names by Id.
    let mut groups: Vec<ResourceGroupDecl> = Vec::new();
    let mut group_name_of: HashMap<String, String> = HashMap::new();
    let mut seen_groups: HashSet<String> = HashSet::new();
    for (a, rg) in &g.groups {
        let key = rg
            .id
            .clone()
            .or_else(|| rg.name.clone())
            .unwrap_or_default();
        if !seen_groups.insert(key) {
            continue;
        }
        if let Some(d) = group_decl(a, rg, &mut w) {
            if let Some(id) = &rg.id {
                group_name_of.insert(id.clone(), d.name.clone());
            }
            group_name_of.insert(d.name.to_ascii_lowercase(), d.name.clone());
            groups.push(d);
        }
    }

    // Bindings.
    if g.bindings_read {
        for d in &mut workspaces {
            d.resource_groups = Some(Vec::new());
        }
    }
    for (a, group, project_id) in &g.bindings {
        let name = group_name_of
            .get(group)
            .or_else(|| group_name_of.get(&group.to_ascii_lowercase()));
        let Some(name) = name else {
            w.push(
                UNMAPPED,
                format!(
                    "{a}: directory {} names no resource group of the ListResourceGroups responses: its bindings are left out",
                    named(group)
                ),
            );
            continue;
        };
        match resolve(&ProjectRef::Id(*project_id)) {
            Some(Ok(i)) => {
                let list = workspaces[i].resource_groups.get_or_insert_with(Vec::new);
                if !list.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                    list.push(name.clone());
                }
            }
            _ if skipped_ids.contains(project_id) => {}
            _ => w.push(
                UNMAPPED,
                format!("{a}: workspace {project_id} is not in the ListProjects responses: its binding to {name} is left out"),
            ),
        }
    }
    for d in &mut workspaces {
        if let Some(list) = &mut d.resource_groups {
            list.sort_by_key(|n| n.to_ascii_lowercase());
        }
    }

    // Custom roles (UserCustom, which name their workspace): the workspace's
    // `custom_roles`, code kept, rights and capabilities from the module permissions.
    // (the API's code, the role): members name it by code, or by name when its code is
    // not one dwctl keeps.
    let mut custom: Vec<Vec<(String, RoleDecl)>> = vec![Vec::new(); workspaces.len()];
    for (a, role) in &g.roles {
        let code = role.code.as_deref().unwrap_or_default();
        if known_role(code).is_some() {
            continue;
        }
        let user_custom = role.type_.as_deref() == Some("UserCustom");
        match role.project_id.filter(|_| user_custom).map(ProjectRef::Id) {
            Some(project) => {
                match resolve(&project) {
                    Some(Ok(i)) => {
                        if let Some(d) = custom_role(a, role, &mut w) {
                            if !custom[i].iter().any(|(c, _)| c == code) {
                                custom[i].push((code.to_string(), d));
                            }
                        }
                    }
                    _ => {
                        if let ProjectRef::Id(id) = project {
                            if !skipped_ids.contains(&id) {
                                w.push(UNMAPPED, format!("{a}: workspace {id} is not in the ListProjects responses: its role {} is left out", named(code)));
                            }
                        }
                    }
                }
                continue;
            }
            None => w.push(
                UNKNOWN_ROLE,
                format!(
                    "{a}: role {} ({}) is not one of dwctl's ten roles: it is not imported, and members lose it",
                    named(code),
                    role.type_.as_deref().unwrap_or("no type")
                ),
            ),
        }
    }
    for (d, roles) in workspaces.iter_mut().zip(&custom) {
        if !roles.is_empty() {
            d.custom_roles = Some(roles.iter().map(|(_, r)| r.clone()).collect());
        }
    }

    // Principals and members.
    let mut unknown_roles: BTreeMap<String, usize> = BTreeMap::new();
    let mut principals: BTreeMap<String, PrincipalDecl> = BTreeMap::new();
    let mut name_of_user: HashMap<String, Option<String>> = HashMap::new();
    let mut members: Vec<BTreeMap<String, MemberDecl>> = vec![BTreeMap::new(); workspaces.len()];
    for (a, project, m) in &g.members {
        let i = match resolve(project) {
            Some(Ok(i)) => i,
            Some(Err(e)) => return Err(e.within(a.source.clone())),
            None => {
                if let ProjectRef::Id(id) = project {
                    if !skipped_ids.contains(id) {
                        w.push(UNMAPPED, format!("{a}: workspace {id} is not in the ListProjects responses: its members are left out"));
                    }
                }
                continue;
            }
        };
        let user_id = m.user_id.clone().unwrap_or_default();
        if account.as_deref() == Some(user_id.as_str()) {
            continue;
        }
        let name = name_of_user
            .entry(user_id.clone())
            .or_insert_with(|| principal(a, m, &mut principals, &mut w))
            .clone();
        let Some(name) = name else { continue };
        let mut roles = RoleSet::empty();
        for role in &m.roles {
            let code = role.code.as_deref().unwrap_or_default();
            match known_role(code) {
                Some(RoleCode::Owner) => w.push(
                    UNMAPPED,
                    format!("{a}: {name} holds role_project_owner, which dwctl keeps for the account: left out"),
                ),
                Some(r) => roles.insert(r),
                None => match custom[i].iter().find(|(c, _)| c == code) {
                    Some((_, r)) => roles.insert_custom(r.code.as_deref().unwrap_or(&r.name)),
                    None => *unknown_roles.entry(code.to_string()).or_default() += 1,
                },
            }
        }
        let status = m.status.as_deref().unwrap_or("Normal");
        let suspended = status.eq_ignore_ascii_case("Forbidden");
        if !suspended && !status.eq_ignore_ascii_case("Normal") {
            w.push(
                UNMAPPED,
                format!(
                    "{a}: {name} is {} in {}; dwctl has no such member status: imported as a member",
                    m.status.as_deref().unwrap_or_default(),
                    workspaces[i].name
                ),
            );
        }
        if roles.is_empty() {
            w.push(
                UNMAPPED,
                format!(
                    "{a}: {name} holds no role dwctl knows in {}: the membership is left out",
                    workspaces[i].name
                ),
            );
            continue;
        }
        members[i].entry(name.to_ascii_lowercase()).or_insert(
            MemberDecl::new(name, roles.into())
                .with_access(None, suspended.then(|| MemberStatus::Suspended.to_string())),
        );
    }
    for (code, n) in &unknown_roles {
        w.push(
            UNKNOWN_ROLE,
            format!(
                "role {} is not one of dwctl's ten roles: left out of {} membership{}",
                named(code),
                n,
                if *n == 1 { "" } else { "s" }
            ),
        );
    }
    for (d, m) in workspaces.iter_mut().zip(members) {
        d.member = m.into_values().collect();
    }

    // Compute resources, then data sources (those a compute resource brings are implied).
    let mut computes: Vec<Vec<ComputeDecl>> = vec![Vec::new(); workspaces.len()];
    let mut sources: Vec<Vec<DataSourceDecl>> = vec![Vec::new(); workspaces.len()];
    // Every data source read (a compute resource's too) by Id: (workspace, name, env).
    let mut source_of_id: HashMap<i64, (usize, String, String)> = HashMap::new();
    // A data source shared into a workspace is listed there too, under its own Id: it
    // belongs to the rule's source workspace only.
    let owner_of_source: HashMap<i64, i64> = g
        .shares
        .iter()
        .filter_map(|(_, r)| Some((r.data_source_id?, r.source_project_id?)))
        .collect();
    for (is_compute, conns) in [(true, &g.computes), (false, &g.sources)] {
        for c in conns {
            let i = match resolve(&c.project) {
                Some(Ok(i)) => i,
                Some(Err(e)) => return Err(e.within(c.at.source.clone())),
                None => {
                    if let ProjectRef::Id(id) = c.project {
                        if !skipped_ids.contains(&id) {
                            w.push(UNMAPPED, format!("{}: workspace {id} is not in the ListProjects responses: left out", c.at));
                        }
                    }
                    continue;
                }
            };
            let owner = c.id.and_then(|id| owner_of_source.get(&id));
            if !is_compute && owner.is_some_and(|o| ws_of_id.get(o).is_some_and(|j| *j != i)) {
                continue;
            }
            let ws = workspaces[i].name.clone();
            let Some(x) = connection(c, &ws, is_compute, &mut w)? else {
                continue;
            };
            if is_compute {
                let dup = computes[i]
                    .iter()
                    .any(|d| d.name.eq_ignore_ascii_case(&x.name) && d.env == x.env);
                if !dup {
                    computes[i].push(ComputeDecl {
                        id: c.id,
                        datasource_id: None,
                        name: x.name,
                        type_: x.type_,
                        env: x.env,
                        mode: x.mode,
                        properties: Some(x.properties),
                        default: c.default,
                        description: x.description,
                    });
                }
            } else {
                if let Some(id) = c.id {
                    source_of_id
                        .entry(id)
                        .or_insert_with(|| (i, x.name.clone(), x.env.clone()));
                }
                // The data source of a compute resource's name is the one it brings:
                // implied, its id kept as the compute resource's `datasource_id`.
                let brought = computes[i]
                    .iter_mut()
                    .find(|d| d.name.eq_ignore_ascii_case(&x.name) && d.env == x.env)
                    .map(|d| d.datasource_id = d.datasource_id.or(c.id))
                    .is_some();
                let dup = sources[i]
                    .iter()
                    .any(|d| d.name.eq_ignore_ascii_case(&x.name) && d.env == x.env);
                if !brought && !dup {
                    sources[i].push(DataSourceDecl {
                        id: c.id,
                        name: x.name,
                        type_: x.type_,
                        env: x.env,
                        mode: x.mode,
                        properties: Some(x.properties),
                        description: x.description,
                    });
                }
            }
        }
    }
    for ((d, mut c), mut s) in workspaces.iter_mut().zip(computes).zip(sources) {
        c.sort_by_key(|x| (x.name.to_ascii_lowercase(), x.env != "prod"));
        s.sort_by_key(|x| (x.name.to_ascii_lowercase(), x.env != "prod"));
        d.compute = c;
        d.datasource = s;
    }

    // Shares: the data source by its Id among those read, the target workspace by its Id,
    // the user by its id among the members read.
    let mut shares: Vec<Vec<ShareDecl>> = vec![Vec::new(); workspaces.len()];
    for (a, rule) in &g.shares {
        let id = rule.data_source_id.unwrap_or_default();
        let Some((i, name, env)) = source_of_id.get(&id) else {
            let left = rule
                .source_project_id
                .is_some_and(|p| skipped_ids.contains(&p));
            if !left {
                w.push(UNMAPPED, format!("{a}: data source {id} is not in the ListDataSources responses: the share is left out"));
            }
            continue;
        };
        let env = match rule.env_type.as_deref() {
            Some(e) => match Env::parse(e) {
                Ok(e) => e.to_string(),
                Err(_) => {
                    w.push(
                        UNMAPPED,
                        format!(
                            "{a}: EnvType {} is not Prod or Dev: the share is left out",
                            named(e)
                        ),
                    );
                    continue;
                }
            },
            None => env.clone(),
        };
        let target = rule.target_project_id.unwrap_or_default();
        let to = match resolve(&ProjectRef::Id(target)) {
            Some(Ok(j)) => workspaces[j].name.clone(),
            _ => {
                if !skipped_ids.contains(&target) {
                    w.push(UNMAPPED, format!("{a}: workspace {target} is not in the ListProjects responses: the share of {name} into it is left out"));
                }
                continue;
            }
        };
        let user = match rule.shared_user.as_deref().filter(|u| !u.is_empty()) {
            None => None,
            Some(u) => match name_of_user.get(u).cloned().flatten() {
                Some(n) => Some(n),
                None => {
                    w.push(UNMAPPED, format!("{a}: SharedUser {} is no member of the ListProjectMembers responses: the share of {name} to it is left out", named(u)));
                    continue;
                }
            },
        };
        let d = ShareDecl {
            datasource: name.clone(),
            env,
            to,
            user,
        };
        if !shares[*i].contains(&d) {
            shares[*i].push(d);
        }
    }
    for (d, mut s) in workspaces.iter_mut().zip(shares) {
        s.sort_by_key(|x| {
            (
                x.datasource.to_ascii_lowercase(),
                x.env != "prod",
                x.to.to_ascii_lowercase(),
                x.user.as_ref().map(|u| u.to_ascii_lowercase()),
            )
        });
        d.shares = s;
    }

    workspaces.sort_by_key(|d| d.name.to_ascii_lowercase());
    groups.sort_by_key(|d| d.name.to_ascii_lowercase());
    Ok(Imported {
        manifest: Manifest {
            principal: principals.into_values().collect(),
            resource_group: groups,
            workspace: workspaces,
            ..Manifest::default()
        },
        warnings: w.list,
        account,
    })
}

/// A UserCustom role as the manifest declares it (its code kept when of dwctl's form,
/// `base_role_N`: else a new one is generated, warned), or `None` (warned) when its name
/// cannot be one. A module permission with no dwctl counterpart
/// (`model::api::ROLE_MODULES`) is left out, with a warning naming its JSON path.
fn custom_role(a: &At, role: &ProjectRole, w: &mut Warnings) -> Option<RoleDecl> {
    let code = role.code.clone().unwrap_or_default();
    let name = w.name(
        a,
        role.name.as_ref(),
        parse_custom_name,
        &format!("role {} is not imported, and members lose it", named(&code)),
    )?;
    let (mut rights, mut capabilities) = (Vec::<String>::new(), Vec::<String>::new());
    for (j, p) in role.module_permissions.iter().enumerate() {
        let v = serde_json::to_value(p).unwrap_or_default();
        match api::modules_from_api(std::slice::from_ref(&v)) {
            Ok((r, c)) => {
                rights.extend(r.into_iter().filter(|x| !rights.contains(x)).collect::<Vec<_>>());
                capabilities.extend(c.into_iter().filter(|x| !capabilities.contains(x)).collect::<Vec<_>>());
            }
            Err(_) => w.push(
                UNMAPPED,
                format!(
                    "{} {}.ModulePermissions[{j}]: role {name}: module {} ({}) has no dwctl counterpart: left out",
                    a.source,
                    a.path,
                    p.module_id.map(|m| m.to_string()).unwrap_or_default(),
                    p.module_name.as_deref().unwrap_or("no name")
                ),
            ),
        }
    }
    let code = if custom_code_id(&code).is_some() {
        Some(code)
    } else {
        w.push(
            UNMAPPED,
            format!("{a}: role {name}: its code {} is not of the form base_role_N that dwctl keeps: a new code is generated (members hold it by name)", named(&code)),
        );
        None
    };
    Some(RoleDecl {
        name,
        code,
        rights,
        capabilities,
        description: None,
    })
}

/// A role code exactly as the API writes it.
fn known_role(code: &str) -> Option<RoleCode> {
    RoleCode::ALL.into_iter().find(|r| r.code() == code)
}

/// The principal of a member (added to `principals` by lower-cased name), or `None` when
/// it cannot be one (warned).
fn principal(
    a: &At,
    m: &ProjectMember,
    principals: &mut BTreeMap<String, PrincipalDecl>,
    w: &mut Warnings,
) -> Option<String> {
    let user_id = m.user_id.clone().unwrap_or_default();
    let user_name = w.name(
        a,
        m.user_name.as_ref(),
        PrincipalName::parse,
        &format!("user {} and its memberships are left out", named(&user_id)),
    )?;
    if parse_principal_id(&user_id).is_err() {
        w.push(
            UNMAPPED,
            format!(
                "{a}: user {}: UserId {} is not a string of digits: the user and its memberships are left out",
                named(&user_name),
                named(&user_id)
            ),
        );
        return None;
    }
    let key = user_name.to_ascii_lowercase();
    if let Some(other) = principals.get(&key) {
        w.push(
            INVALID_NAME,
            format!(
                "{a}: user {} ({}) has the name of user {}: dwctl names are unique; it and its memberships are left out",
                named(&user_name),
                user_id,
                other.id.as_deref().unwrap_or_default()
            ),
        );
        return None;
    }
    principals.insert(
        key,
        PrincipalDecl {
            name: user_name.clone(),
            id: Some(user_id),
            kind: Some("ram-user".into()),
            full_access: None,
            display_name: None,
            db_role: None,
        },
    );
    Some(user_name)
}

/// A project as a workspace, or `None` (warned) when its name cannot be one.
fn workspace_decl(a: &At, p: &Project, w: &mut Warnings) -> Option<WorkspaceDecl> {
    let name = w.name(
        a,
        p.name.as_ref(),
        WorkspaceName::parse,
        "the workspace and all in it are left out",
    )?;
    let mut d = WorkspaceDecl {
        name: name.clone(),
        id: p.id,
        description: p.description.clone(),
        mode: p
            .dev_environment_enabled
            .map(|e| convert::mode_from_api(e).to_string()),
        dev_role_disabled: p.dev_role_disabled,
        pai_tasks_enabled: p.pai_task_enabled,
        ..Default::default()
    };
    if let Some(dn) = &p.display_name {
        match DisplayName::parse(dn) {
            Ok(_) => d.display_name = Some(dn.clone()),
            Err(e) => w.push(
                UNMAPPED,
                format!(
                    "{a}: workspace {name}: display name left out: {}",
                    Error::from(e).message
                ),
            ),
        }
    }
    if let Some(s) = &p.status {
        match convert::workspace_status_from_api(s) {
            Some(st) => d.status = Some(st.to_string()),
            None => w.push(
                UNMAPPED,
                format!(
                    "{a}: workspace {name} is {}, which dwctl does not have: its status is left out",
                    named(s)
                ),
            ),
        }
    }
    let mut tags = BTreeMap::new();
    for t in &p.aliyun_resource_tags {
        let (k, v) = (
            t.key.clone().unwrap_or_default(),
            t.value.clone().unwrap_or_default(),
        );
        match parse_tag_key(&k).and_then(|k| Ok((k, parse_tag_value(&v)?))) {
            Ok((k, v)) if tags.len() < MAX_TAGS => {
                tags.insert(k, v);
            }
            Ok((k, _)) => w.push(
                UNMAPPED,
                format!("{a}: workspace {name}: tag {} left out: a workspace has at most {MAX_TAGS} tags", named(&k)),
            ),
            Err(e) => w.push(
                UNMAPPED,
                format!("{a}: workspace {name}: tag left out: {}", e.message),
            ),
        }
    }
    d.tags = Some(tags);
    Some(d)
}

/// A resource group as the manifest declares it, or `None` (warned).
fn group_decl(a: &At, g: &ResourceGroup, w: &mut Warnings) -> Option<ResourceGroupDecl> {
    let name = w.name(
        a,
        g.name.as_ref(),
        GroupName::parse,
        "the resource group and its bindings are left out",
    )?;
    let status = g.status.as_deref().unwrap_or("Normal");
    if ["Deleted", "Deleting"]
        .iter()
        .any(|s| s.eq_ignore_ascii_case(status))
    {
        w.push(
            UNMAPPED,
            format!("{a}: resource group {name} is {status}: left out"),
        );
        return None;
    }
    let type_ = match g.resource_group_type.as_deref() {
        Some(t) => match convert::group_type_from_api(t) {
            Some(t) => Some(t.to_string()),
            None => {
                w.push(
                    UNKNOWN_TYPE,
                    format!(
                        "{a}: resource group {name} is of type {}, which dwctl does not have: left out",
                        named(t)
                    ),
                );
                return None;
            }
        },
        None => None,
    };
    let mut d = ResourceGroupDecl {
        name: name.clone(),
        type_,
        remark: g.remark.clone(),
        ..Default::default()
    };
    match g.id.as_deref() {
        Some(id) if is_group_id(id) => d.id = Some(id.to_string()),
        Some(id) => w.push(
            UNMAPPED,
            format!(
                "{a}: resource group {name}: Id {} is not of a shape dwctl keeps: a new id is generated",
                named(id)
            ),
        ),
        None => {}
    }
    if !status.eq_ignore_ascii_case("Normal") {
        w.push(
            UNMAPPED,
            format!("{a}: resource group {name} is {status}; a manifest does not carry a group's status (a new group is normal)"),
        );
    }
    if let Some(spec) = &g.spec {
        match convert::spec_from_api(spec).and_then(|cu| u32::try_from(cu).ok()) {
            Some(cu) => d.spec = Some(cu),
            None => w.push(
                UNMAPPED,
                format!("{a}: resource group {name}: Spec is not a number of CU: left out"),
            ),
        }
    }
    if let Some(p) = &g.payment_type {
        match convert::payment_from_api(p) {
            Some(p) => d.payment = Some(p.to_string()),
            None => w.push(
                UNMAPPED,
                format!(
                    "{a}: resource group {name}: PaymentType {} left out",
                    named(p)
                ),
            ),
        }
    }
    for (value, prefix, what, slot) in [
        (&g.default_vpc_id, "vpc-", "VPC id", &mut d.vpc),
        (&g.default_vswitch_id, "vsw-", "vSwitch id", &mut d.vswitch),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            match parse_network_id(v, prefix, what) {
                Ok(v) => *slot = Some(v),
                Err(e) => w.push(
                    UNMAPPED,
                    format!("{a}: resource group {name}: {} left out", e.message),
                ),
            }
        }
    }
    Some(d)
}

/// A compute resource or a data source, ready for its declaration.
struct ConnDecl {
    name: String,
    type_: String,
    env: String,
    mode: Option<String>,
    properties: BTreeMap<String, PropValue>,
    description: Option<String>,
}

/// A compute resource or a data source as declared, or `None` (warned) when dwctl cannot
/// carry it; exit 2 for ConnectionProperties of a shape that cannot be converted.
fn connection(c: &Conn, ws: &str, is_compute: bool, w: &mut Warnings) -> Result<Option<ConnDecl>> {
    let what = if is_compute {
        "compute resource"
    } else {
        "data source"
    };
    let a = &c.at;
    let Some(name) = w.name(
        a,
        c.name.as_ref(),
        |n| ObjectName::parse(n, what),
        "left out",
    ) else {
        return Ok(None);
    };
    let type_name = c.type_.clone().unwrap_or_default();
    let spec: &TypeSpec = match types::lookup(&type_name) {
        Some(t) if t.compute || !is_compute => t,
        Some(t) => {
            w.push(
                UNKNOWN_TYPE,
                format!("{a}: {what} {ws}/{name}: type {} cannot be a compute resource in dwctl: left out", t.key),
            );
            return Ok(None);
        }
        None => {
            w.push(
                UNKNOWN_TYPE,
                format!(
                    "{a}: {what} {ws}/{name}: type {} is not one dwctl knows: left out",
                    named(&type_name)
                ),
            );
            return Ok(None);
        }
    };
    // The mode first, so that one dwctl does not know is a warning, not an exit 2.
    let mode = match c.mode.as_deref().filter(|m| !m.is_empty()) {
        Some(m) => match api_datasource::mode_from_api(m) {
            Ok(m) => Some(m),
            Err(_) => {
                w.push(
                    UNMAPPED,
                    format!("{a}: {what} {ws}/{name}: ConnectionPropertiesMode {} is not one dwctl knows: left out (dwctl infers the mode)", named(m)),
                );
                None
            }
        },
        None => None,
    };
    let empty = Value::Object(Default::default());
    let read = api_datasource::from_api(
        spec.key,
        mode.map(api_datasource::api_mode),
        c.properties.as_ref().unwrap_or(&empty),
    )
    .map_err(|e| e.within(format!("{} at {}.ConnectionProperties", a.source, a.path)))?;
    for x in &read.warnings {
        w.push(UNMAPPED, format!("{a}: {what} {ws}/{name}: {}", x.message));
    }
    let env = read.env.unwrap_or_else(|| {
        w.push(
            UNMAPPED,
            format!("{a}: {what} {ws}/{name}: no envType in ConnectionProperties: taken as Prod"),
        );
        Env::Prod
    });
    let placeholder = |key: &str| PropValue::Env(secret_env_name(ws, &name, env.as_str(), key));
    let mut properties: BTreeMap<String, PropValue> = BTreeMap::new();
    for (k, v) in read.properties {
        // A secret of the type's page (or the mask, which the API may send in its place)
        // is a placeholder: the API never returns secrets. A key dwctl does not know came
        // in clear, so it is kept as it is (dwctl then treats it as a secret).
        let value = if v == REDACTED || (spec.knows(&k) && spec.is_secret(&k)) {
            placeholder(&k)
        } else {
            if !spec.knows(&k) {
                w.push(
                    UNMAPPED,
                    format!("{a}: {what} {ws}/{name}: property {} is not one dwctl knows for {}: kept, and treated as a secret", named(&k), spec.key),
                );
            }
            PropValue::Plain(v)
        };
        properties.insert(k, value);
    }
    // The secrets the mode requires, which the API never returns.
    let mode_spec = mode
        .and_then(|m| spec.mode(m))
        .or_else(|| guess_mode(spec, &properties));
    if let Some(m) = mode_spec {
        for k in m
            .keys
            .iter()
            .filter(|k| k.required && spec.is_secret(k.key))
        {
            if !properties.contains_key(k.key) {
                properties.insert(k.key.to_string(), placeholder(k.key));
            }
        }
    }
    Ok(Some(ConnDecl {
        name,
        type_: spec.key.to_string(),
        env: env.to_string(),
        mode: mode.map(|m| m.to_string()),
        properties,
        description: c.description.clone(),
    }))
}

/// The mode the keys show when the body does not say (the registry's hints), else the
/// type's only mode.
fn guess_mode(
    spec: &'static TypeSpec,
    props: &BTreeMap<String, PropValue>,
) -> Option<&'static types::ModeSpec> {
    let hinted: BTreeSet<ConnMode> = types::MODE_HINTS
        .iter()
        .filter(|(k, _)| props.contains_key(*k))
        .map(|(_, m)| *m)
        .collect();
    match (hinted.len(), spec.modes.len()) {
        (1, _) => hinted.first().and_then(|m| spec.mode(*m)),
        (_, 1) => spec.modes.first(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn response(source: &str, dir: Option<&str>, body: Value) -> Response {
        Response {
            source: source.into(),
            dir: dir.map(str::to_string),
            body: read(&body.to_string(), source).expect("reads"),
        }
    }

    #[test]
    fn each_body_is_recognised_by_its_keys() {
        let cases = [
            (json!({"PagingInfo": {"Projects": []}}), Kind::ListProjects),
            (
                json!({"PagingInfo": {"ProjectRoles": []}}),
                Kind::ListProjectRoles,
            ),
            (
                json!({"PagingInfo": {"ResourceGroupList": []}, "Success": true}),
                Kind::ListResourceGroups,
            ),
            (
                json!({"ProjectIdList": [], "RequestId": "R"}),
                Kind::ListResourceGroupAssociateProjects,
            ),
            (json!({"DataSource": {"Id": 1}}), Kind::GetDataSource),
            (
                json!({"ComputeResource": {"Id": 1}}),
                Kind::GetComputeResource,
            ),
            (json!({"Project": {"Id": 1}}), Kind::GetProject),
            (
                json!({"DataSourceSharedRules": [], "RequestId": "R"}),
                Kind::ListDataSourceSharedRules,
            ),
        ];
        for (body, kind) in cases {
            assert_eq!(Kind::of(&body), Some(kind), "{body}");
        }
        assert_eq!(Kind::of(&json!({"PagingInfo": {"TotalCount": 0}})), None);
        assert_eq!(Kind::of(&json!([1, 2])), None);
    }

    #[test]
    fn bodies_that_name_their_workspace_need_no_directory() {
        let out = to_manifest(vec![
            response(
                "p.json",
                None,
                json!({"Project": {"Id": 7, "Name": "fin_ws", "Owner": "1111111111111111", "Status": "Frozen"}}),
            ),
            response(
                "m.json",
                None,
                json!({"ProjectMember": {"ProjectId": 7, "UserId": "22", "UserName": "ann",
                    "Roles": [{"Code": "role_project_dev", "Type": "System"}], "Status": "Normal"}}),
            ),
            response(
                "d.json",
                None,
                json!({"DataSource": {"ProjectId": 7, "Name": "pg", "Type": "postgresql", "Id": 9,
                    "ConnectionPropertiesMode": "UrlMode",
                    "ConnectionProperties": {"envType": "Prod", "address": [{"host": "db", "port": 5432}], "database": "d", "username": "u"}}}),
            ),
        ])
        .unwrap();
        let w = &out.manifest.workspace[0];
        assert_eq!((w.name.as_str(), w.id), ("fin_ws", Some(7)));
        // Frozen (overdue) is disabled, as model::api maps it.
        assert_eq!(w.status.as_deref(), Some("disabled"));
        assert_eq!(w.member[0].user, "ann");
        let d = &w.datasource[0];
        assert_eq!(
            (d.name.as_str(), d.id, d.env.as_str()),
            ("pg", Some(9), "prod")
        );
        let props = d.properties.as_ref().unwrap();
        assert_eq!(props["address"], PropValue::Plain("db:5432".into()));
        assert_eq!(
            props["password"],
            PropValue::Env("DWCTL_SECRET_FIN__WS_PG_PROD_PASSWORD".into())
        );
        assert_eq!(out.account.as_deref(), Some("1111111111111111"));
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    }

    #[test]
    fn a_forbidden_member_is_imported_suspended() {
        let out = to_manifest(vec![
            response(
                "p.json",
                None,
                json!({"Project": {"Id": 7, "Name": "fin_ws", "Owner": "1111111111111111", "Status": "Available"}}),
            ),
            response(
                "m.json",
                None,
                json!({"ProjectMember": {"ProjectId": 7, "UserId": "22", "UserName": "ann",
                    "Roles": [{"Code": "role_project_dev", "Type": "System"}], "Status": "Forbidden"}}),
            ),
        ])
        .unwrap();
        let m = &out.manifest.workspace[0].member[0];
        assert_eq!((m.user.as_str(), m.status()), ("ann", Some("suspended")));
        assert_eq!(m.expires(), None);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    }

    #[test]
    fn pages_read_twice_count_once_and_owners_that_differ_are_named() {
        let page = json!({"PagingInfo": {"Projects": [
            {"Id": 1, "Name": "one_ws", "Owner": "1111111111111111"},
            {"Id": 2, "Name": "two_ws", "Owner": "2222222222222222"}
        ]}});
        let out = to_manifest(vec![
            response("a.json", None, page.clone()),
            response("b.json", None, page),
        ])
        .unwrap();
        assert_eq!(out.manifest.workspace.len(), 2);
        assert_eq!(out.account.as_deref(), Some("1111111111111111"));
        assert_eq!(out.warnings.len(), 1);
        assert!(out.warnings[0].message.contains("2 accounts"));
    }

    /// Two workspaces (7 fin_ws, 8 lab_ws) and a member ann (22) of fin_ws holding the
    /// given roles.
    fn tenant(roles: Value) -> Vec<Response> {
        vec![
            response(
                "p.json",
                None,
                json!({"PagingInfo": {"Projects": [
                    {"Id": 7, "Name": "fin_ws", "Owner": "1111111111111111", "Status": "Available"},
                    {"Id": 8, "Name": "lab_ws", "Owner": "1111111111111111", "Status": "Available"}
                ]}}),
            ),
            response(
                "m.json",
                None,
                json!({"PagingInfo": {"ProjectMembers": [
                    {"ProjectId": 7, "UserId": "22", "UserName": "ann", "Roles": roles, "Status": "Normal"},
                    {"ProjectId": 8, "UserId": "22", "UserName": "ann",
                        "Roles": [{"Code": "role_project_guest", "Type": "System"}], "Status": "Normal"}
                ]}}),
            ),
        ]
    }

    #[test]
    fn user_custom_roles_are_the_workspaces_custom_roles_and_members_keep_them() {
        let mut bodies = tenant(json!([
            {"Code": "role_project_dev", "Type": "System"},
            {"Code": "base_role_3", "Type": "UserCustom"},
            {"Code": "base_role_9", "Type": "UserCustom"}
        ]));
        bodies.push(response(
            "roles.json",
            None,
            json!({"PagingInfo": {"ProjectRoles": [
                {"Code": "role_project_dev", "Name": "Developer", "ProjectId": -1, "Type": "System",
                    "ModulePermissions": [{"ModuleId": 11, "PermissionType": "Write"}]},
                {"Code": "base_role_3", "Name": "auditor", "ProjectId": 7, "Type": "UserCustom",
                    "ModulePermissions": [
                        {"ModuleId": 9, "ModuleName": "Data Integration", "PermissionType": "Read"},
                        {"ModuleId": 11, "ModuleName": "Data Studio", "PermissionType": "Write"},
                        {"ModuleId": 4, "ModuleName": "Deployment management", "PermissionType": "NotSet"},
                        {"ModuleId": 99, "ModuleName": "Data Map", "PermissionType": "Write"}
                    ]},
                {"Code": "base_role_9", "Name": "has space", "ProjectId": 7, "Type": "UserCustom",
                    "ModulePermissions": []},
                {"Code": "base_role_5", "Name": "elsewhere", "ProjectId": 42, "Type": "UserCustom",
                    "ModulePermissions": []}
            ]}}),
        ));
        let out = to_manifest(bodies).unwrap();
        let fin = &out.manifest.workspace[0];
        assert_eq!(
            fin.custom_roles,
            Some(vec![RoleDecl {
                name: "auditor".into(),
                code: Some("base_role_3".into()),
                rights: vec!["datasource.test".into(), "properties.read".into()],
                capabilities: vec!["develop".into()],
                description: None,
            }])
        );
        // The member keeps the role it holds, by code; not the one left out.
        assert_eq!(
            serde_json::to_value(&fin.member[0].roles).unwrap(),
            json!(["role_project_dev", "base_role_3"])
        );
        // Roles of one workspace are not another's.
        assert_eq!(out.manifest.workspace[1].custom_roles, None);
        let messages: Vec<&str> = out.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(messages.len(), 4, "{messages:#?}");
        assert!(messages[0].starts_with(
            "roles.json $.PagingInfo.ProjectRoles[1].ModulePermissions[3]: role auditor: module 99 (Data Map) has no dwctl counterpart"
        ), "{messages:#?}");
        assert!(
            messages[1].starts_with("roles.json $.PagingInfo.ProjectRoles[2]: invalid role name"),
            "{messages:#?}"
        );
        assert!(
            messages[2].contains(
                "workspace 42 is not in the ListProjects responses: its role base_role_5"
            ),
            "{messages:#?}"
        );
        assert!(
            messages[3].contains(
                "role base_role_9 is not one of dwctl's ten roles: left out of 1 membership"
            ),
            "{messages:#?}"
        );
    }

    #[test]
    fn shared_rules_are_the_source_workspaces_shares() {
        let mut bodies = tenant(json!([{"Code": "role_project_dev", "Type": "System"}]));
        bodies.push(response(
            "fin_ws/ds.json",
            Some("fin_ws"),
            json!({"PagingInfo": {"DataSources": [{"Name": "pg", "Type": "postgresql", "DataSource": [
                {"Id": 31, "ConnectionPropertiesMode": "UrlMode", "ConnectionProperties":
                    {"envType": "Prod", "address": [{"host": "db", "port": 5432}], "database": "d", "username": "u"}},
                {"Id": 32, "ConnectionPropertiesMode": "UrlMode", "ConnectionProperties":
                    {"envType": "Dev", "address": [{"host": "db", "port": 5432}], "database": "d", "username": "u"}}
            ]}]}}),
        ));
        // Shared into lab_ws, it is listed there too, under its own Id.
        bodies.push(response(
            "lab_ws/ds.json",
            Some("lab_ws"),
            json!({"PagingInfo": {"DataSources": [{"Name": "pg", "Type": "postgresql", "DataSource": [
                {"Id": 31, "ConnectionPropertiesMode": "UrlMode", "ConnectionProperties":
                    {"envType": "Prod", "address": [{"host": "db", "port": 5432}], "database": "d", "username": "u"}}
            ]}]}}),
        ));
        bodies.push(response(
            "shares.json",
            None,
            json!({"DataSourceSharedRules": [
                {"Id": 1, "DataSourceId": 31, "EnvType": "Prod", "SourceProjectId": 7, "TargetProjectId": 8},
                {"Id": 2, "DataSourceId": 32, "EnvType": "Dev", "SourceProjectId": 7, "TargetProjectId": 8, "SharedUser": "22"},
                {"Id": 3, "DataSourceId": 99, "EnvType": "Prod", "SourceProjectId": 7, "TargetProjectId": 8},
                {"Id": 4, "DataSourceId": 31, "EnvType": "Prod", "SourceProjectId": 7, "TargetProjectId": 77},
                {"Id": 5, "DataSourceId": 31, "EnvType": "Prod", "SourceProjectId": 7, "TargetProjectId": 8, "SharedUser": "55"}
            ], "RequestId": "R"}),
        ));
        let out = to_manifest(bodies).unwrap();
        let share = |env: &str, user: Option<&str>| ShareDecl {
            datasource: "pg".into(),
            env: env.into(),
            to: "lab_ws".into(),
            user: user.map(str::to_string),
        };
        assert_eq!(
            out.manifest.workspace[0].shares,
            vec![share("prod", None), share("dev", Some("ann"))]
        );
        assert!(out.manifest.workspace[1].shares.is_empty());
        assert_eq!(out.manifest.workspace[0].datasource.len(), 2);
        assert!(out.manifest.workspace[1].datasource.is_empty());
        let messages: Vec<&str> = out.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "shares.json $.DataSourceSharedRules[2]: data source 99 is not in the ListDataSources responses: the share is left out",
                "shares.json $.DataSourceSharedRules[3]: workspace 77 is not in the ListProjects responses: the share of pg into it is left out",
                "shares.json $.DataSourceSharedRules[4]: SharedUser 55 is no member of the ListProjectMembers responses: the share of pg to it is left out",
            ]
        );
    }

    #[test]
    fn a_list_without_its_workspace_is_refused() {
        let body = json!({"PagingInfo": {"ComputeResources": [{"Name": "mc", "Type": "maxcompute", "ComputeResource": [{"Id": 1}]}]}});
        let e = to_manifest(vec![response("c.json", None, body)]).unwrap_err();
        assert!(
            e.message.contains("cannot tell which workspace"),
            "{}",
            e.message
        );
    }
}
