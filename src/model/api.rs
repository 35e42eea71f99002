//! dwctl's model beside the DataWorks OpenAPI 2024-05-18 (spec/api.md, README "Fidelity to
//! DataWorks"): each object that both have, converted to the API's response shape and back,
//! with the normalisations the README documents. Plain functions on the model and on JSON
//! values, with no printing and no catalog: `serve` shapes responses with the `*_to_api`
//! ones and `import` reads a tenant with the `*_from_api` ones (their response types wrap
//! these).
//!
//! An API value with no dwctl counterpart is an error (exit 2) naming the field and the
//! value, never a silent guess.

use serde_json::{json, Map, Value};

use super::clock::Timestamp;
use super::error::{Error, Result};
use super::resource_group::{
    is_group_id, parse_network_id, parse_spec, GroupStatus, GroupType, Payment, ResourceGroup,
};
use super::roles::{CustomRole, RoleCode, RoleSet};
use super::{
    Member, MemberStatus, Mode, PrincipalKind, PrincipalName, SodPolicy, Status, Workspace,
    WorkspaceName,
};

/// The API's name of an object field that was missing or not what it should be.
fn bad(object: &str, field: &str, v: Option<&Value>) -> Error {
    match v {
        None | Some(Value::Null) => Error::invalid(format!("{object}: {field} is missing")),
        Some(v) => Error::invalid(format!("{object}: {field} {v} has no dwctl counterpart")),
    }
}

fn str_field<'a>(o: &'a Value, object: &str, field: &str) -> Result<&'a str> {
    o.get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| bad(object, field, o.get(field)))
}

fn opt_str<'a>(o: &'a Value, field: &str) -> Option<&'a str> {
    o.get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn bool_field(o: &Value, object: &str, field: &str) -> Result<bool> {
    o.get(field)
        .and_then(Value::as_bool)
        .ok_or_else(|| bad(object, field, o.get(field)))
}

/// An int64 the API may send as a number or a string of digits.
fn int_field(o: &Value, object: &str, field: &str) -> Result<i64> {
    let v = o.get(field);
    v.and_then(|v| match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    })
    .ok_or_else(|| bad(object, field, v))
}

// ---- Project <-> workspace ----

/// A workspace status in the API's spelling. `None` for the recycle bin, which the API
/// does not show (a deleted project is not found).
pub fn workspace_status_to_api(s: Status) -> Option<&'static str> {
    match s {
        Status::Available => Some("Available"),
        Status::Disabled => Some("Forbidden"),
        Status::Deleted => None,
    }
}

/// The API's project status as dwctl's: Available and the states of an update that the
/// workspace lives through are `available`; Forbidden (disabled by hand) and Frozen
/// (overdue payment: nothing runs) are `disabled`. A project still being created or
/// deleted (Initializing, InitFailed, Deleting, DeleteFailed) has no counterpart.
pub fn workspace_status_from_api(s: &str) -> Option<Status> {
    match s {
        "Available" | "Updating" | "UpdateFailed" => Some(Status::Available),
        "Forbidden" | "Frozen" => Some(Status::Disabled),
        _ => None,
    }
}

/// GetProject's `Project`, from a workspace (`None` for one in the recycle bin).
pub fn workspace_to_project(w: &Workspace) -> Option<Value> {
    let status = workspace_status_to_api(w.status)?;
    let tags: Vec<Value> = w
        .tags
        .iter()
        .map(|(k, v)| json!({ "Key": k, "Value": v }))
        .collect();
    Some(json!({
        "Id": w.id,
        "Name": w.name.as_str(),
        "DisplayName": w.display_name,
        "Description": w.description,
        "Status": status,
        "DevEnvironmentEnabled": w.mode == Mode::Standard,
        "DevRoleDisabled": w.dev_role_disabled,
        "PaiTaskEnabled": w.pai_tasks_enabled,
        "Owner": w.owner,
        "AliyunResourceTags": tags,
    }))
}

/// A workspace from GetProject's `Project`, as created `at` by `by`. What the API does not
/// have takes dwctl's default: `sod_policy` warn, no resource groups (bindings come from
/// ListResourceGroupAssociateProjects), not the default workspace. `AliyunResourceGroupId`
/// has no counterpart and is dropped.
pub fn workspace_from_project(p: &Value, at: Timestamp, by: &str) -> Result<Workspace> {
    const OBJ: &str = "Project";
    let name = WorkspaceName::parse(str_field(p, OBJ, "Name")?)?;
    let status_text = str_field(p, OBJ, "Status")?;
    let status = workspace_status_from_api(status_text)
        .ok_or_else(|| bad(OBJ, "Status", p.get("Status")))?;
    let id = int_field(p, OBJ, "Id")?;
    if id < 1 {
        return Err(bad(OBJ, "Id", p.get("Id")));
    }
    let mut tags = std::collections::BTreeMap::new();
    for t in p
        .get("AliyunResourceTags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (k, v) = super::parse_tag(&format!(
            "{}={}",
            str_field(t, "AliyunResourceTags", "Key")?,
            opt_str(t, "Value").unwrap_or("")
        ))?;
        tags.insert(k, v);
    }
    Ok(Workspace {
        id,
        display_name: opt_str(p, "DisplayName")
            .unwrap_or(name.as_str())
            .to_string(),
        name,
        description: opt_str(p, "Description").unwrap_or("").to_string(),
        mode: if bool_field(p, OBJ, "DevEnvironmentEnabled")? {
            Mode::Standard
        } else {
            Mode::Basic
        },
        status,
        owner: str_field(p, OBJ, "Owner")?.to_string(),
        is_default: false,
        dev_role_disabled: bool_field(p, OBJ, "DevRoleDisabled")?,
        pai_tasks_enabled: bool_field(p, OBJ, "PaiTaskEnabled")?,
        sod_policy: SodPolicy::Warn,
        default_resource_group: None,
        resource_groups: Vec::new(),
        tags,
        created_at: at,
        created_by: by.to_string(),
        updated_at: at,
        deleted_at: None,
        deleted_by: None,
        retention_until: None,
        status_before_delete: None,
    })
}

// ---- ProjectMember <-> member, ProjectRole <-> role ----

/// A built-in role as the API shows it (GetProjectRole's `ProjectRole`): dwctl's name
/// (the seed's; three differ from the SDK's documentation), type System, no module
/// permissions (those are custom roles').
pub fn role_to_api(r: RoleCode, project_id: i64) -> Value {
    json!({
        "ProjectId": project_id,
        "Code": r.code(),
        "Name": r.info().name,
        "Type": "System",
        "ModulePermissions": [],
    })
}

/// One DataWorks module beside dwctl's rights and capabilities (README "Custom roles").
/// A right has a dot (`datasource.manage`), a capability none (`develop`).
pub struct RoleModule {
    pub id: i64,
    pub name: &'static str,
    /// What `PermissionType: Write` grants.
    pub write: &'static [&'static str],
    /// What `Read` grants.
    pub read: &'static [&'static str],
    /// Whether `*_to_api` shows it (two modules map to what another shows).
    pub shown: bool,
}

const fn module(
    id: i64,
    name: &'static str,
    write: &'static [&'static str],
    read: &'static [&'static str],
    shown: bool,
) -> RoleModule {
    RoleModule {
        id,
        name,
        write,
        read,
        shown,
    }
}

/// The API's module permissions (`ModuleId`, `PermissionType`) that have a dwctl
/// counterpart. A module that is not here has none.
pub const ROLE_MODULES: &[RoleModule] = &[
    module(4, "Deployment management", &["deploy"], &[], true),
    module(6, "Data Security Guard", &["secure"], &[], true),
    module(
        9,
        "Data Integration",
        &["datasource.manage", "datasource.test", "properties.read"],
        &["datasource.test", "properties.read"],
        true,
    ),
    module(10, "Data Modeling (DataBlau DDM)", &["model"], &[], true),
    module(11, "Data Studio", &["develop"], &[], true),
    module(13, "Data Governance", &["govern"], &[], true),
    module(14, "Operation Center", &["operate"], &[], true),
    module(17, "Data Analysis", &["analyse"], &[], true),
    module(18, "Approval center", &["review"], &[], true),
    module(19, "Security Center", &["secure"], &[], false),
    module(20, "Intelligent Data Modeling", &["model"], &[], false),
];

/// A custom role as the API shows it: type UserCustom, its rights and capabilities as
/// module permissions where a module has them (rights with no module are not shown).
pub fn custom_role_to_api(r: &CustomRole, project_id: i64) -> Value {
    let has = |item: &&str| r.rights.iter().chain(&r.capabilities).any(|x| x == item);
    let perms: Vec<Value> = ROLE_MODULES
        .iter()
        .filter(|m| m.shown)
        .filter_map(|m| {
            let (id, name) = (m.id, m.name);
            let kind = if m.write.iter().all(has) {
                "Write"
            } else if !m.read.is_empty() && m.read.iter().all(has) {
                "Read"
            } else {
                return None;
            };
            Some(json!({ "ModuleId": id, "ModuleName": name, "PermissionType": kind }))
        })
        .collect();
    json!({
        "ProjectId": project_id,
        "Code": r.code,
        "Name": r.name,
        "Type": "UserCustom",
        "ModulePermissions": perms,
    })
}

/// The rights and capabilities (names and keys, as stored) of module permissions
/// (`[{ModuleId, PermissionType}]`). `NotSet` grants nothing; `Read` of a module whose
/// reading dwctl does not guard grants nothing (any member reads); a module with no
/// dwctl counterpart, or any other permission type, is an error.
pub fn modules_from_api(perms: &[Value]) -> Result<(Vec<String>, Vec<String>)> {
    const OBJ: &str = "ModulePermissions";
    let mut items: Vec<&str> = Vec::new();
    for p in perms {
        let id = p.get("ModuleId").and_then(Value::as_i64);
        let kind = p
            .get("PermissionType")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(OBJ, "PermissionType", p.get("PermissionType")))?;
        if kind == "NotSet" {
            continue;
        }
        let Some(m) = ROLE_MODULES.iter().find(|m| Some(m.id) == id) else {
            return Err(bad(OBJ, "ModuleId", p.get("ModuleId")).with_hint(format!(
                "modules with a dwctl counterpart: {}",
                ROLE_MODULES
                    .iter()
                    .map(|m| format!("{} ({})", m.id, m.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        match kind {
            "Write" => items.extend(m.write.iter()),
            "Read" => items.extend(m.read.iter()),
            _ => return Err(bad(OBJ, "PermissionType", p.get("PermissionType"))),
        }
    }
    let rights = items
        .iter()
        .filter(|i| i.contains('.'))
        .map(|i| i.to_string())
        .collect();
    let caps = items
        .iter()
        .filter(|i| !i.contains('.'))
        .map(|i| i.to_string())
        .collect();
    Ok((rights, caps))
}

/// A role from the API: a System role's code (custom roles have no counterpart).
pub fn role_from_api(r: &Value) -> Result<RoleCode> {
    const OBJ: &str = "ProjectRole";
    if let Some(t) = r.get("Type").filter(|t| t.as_str() != Some("System")) {
        return Err(bad(OBJ, "Type", Some(t)));
    }
    let code = str_field(r, OBJ, "Code")?;
    RoleCode::ALL
        .into_iter()
        .find(|c| c.code() == code)
        .ok_or_else(|| bad(OBJ, "Code", r.get("Code")))
}

/// GetProjectMember's `ProjectMember`, from a member of the project `project_id`
/// (`custom`: the workspace's custom roles, which name the member's).
pub fn member_to_api(m: &Member, project_id: i64, custom: &[CustomRole]) -> Value {
    let brief = |mut v: Value| {
        let o = v.as_object_mut().expect("an object");
        o.remove("ProjectId");
        o.remove("ModulePermissions");
        v
    };
    let roles: Vec<Value> = m
        .roles
        .iter()
        .map(|r| brief(role_to_api(r, project_id)))
        .chain(m.roles.custom().iter().filter_map(|code| {
            custom
                .iter()
                .find(|r| *r.code == **code)
                .map(|r| brief(custom_role_to_api(r, project_id)))
        }))
        .collect();
    json!({
        "ProjectId": project_id,
        "UserId": m.user_id,
        "UserName": m.user.as_str(),
        "Status": m.status.api_name(),
        "Roles": roles,
    })
}

/// A member of `workspace` from GetProjectMember's `ProjectMember`, added `at` by `by`.
/// The API does not say the principal's kind: `kind` is the tenant's (the account is the
/// project's owner). A user name that breaks dwctl's name rule is an error (exit 2);
/// `Forbidden` is dwctl's `suspended`; the API has no expiry.
pub fn member_from_api(
    m: &Value,
    workspace: &WorkspaceName,
    kind: PrincipalKind,
    at: Timestamp,
    by: &str,
) -> Result<Member> {
    const OBJ: &str = "ProjectMember";
    let status = match str_field(m, OBJ, "Status")? {
        "Normal" => MemberStatus::Normal,
        "Forbidden" => MemberStatus::Suspended,
        _ => return Err(bad(OBJ, "Status", m.get("Status"))),
    };
    let user_id = str_field(m, OBJ, "UserId")?;
    let user_id = super::parse_principal_id(user_id)?;
    let mut roles = RoleSet::empty();
    for r in m
        .get("Roles")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        roles.insert(role_from_api(r)?);
    }
    if roles.is_empty() {
        return Err(bad(OBJ, "Roles", m.get("Roles")));
    }
    Ok(Member {
        workspace: workspace.clone(),
        user: PrincipalName::parse(str_field(m, OBJ, "UserName")?)?,
        user_id,
        kind,
        roles,
        status,
        expires_at: None,
        added_at: at,
        added_by: by.to_string(),
    })
}

// ---- ResourceGroup ----

/// A group type in the API's spelling (`ResourceGroupType`).
pub fn group_type_to_api(t: GroupType) -> &'static str {
    match t {
        GroupType::Serverless => "CommonV2",
        GroupType::Scheduler => "ExclusiveScheduler",
        GroupType::Integration => "ExclusiveDataIntegration",
        GroupType::Dataservice => "ExclusiveDataService",
    }
}

pub fn group_type_from_api(s: &str) -> Option<GroupType> {
    GroupType::ALL
        .iter()
        .copied()
        .find(|t| group_type_to_api(*t) == s)
}

pub fn payment_to_api(p: Payment) -> &'static str {
    match p {
        Payment::Postpaid => "PostPaid",
        Payment::Prepaid => "PrePaid",
    }
}

pub fn payment_from_api(s: &str) -> Option<Payment> {
    [Payment::Postpaid, Payment::Prepaid]
        .into_iter()
        .find(|p| payment_to_api(*p) == s)
}

/// GetResourceGroup's `ResourceGroup`, from a group. `Spec` is one unit of `<spec>CU`;
/// `CreateUser` is the creator as dwctl keeps it (a name; the API has a user id).
pub fn group_to_api(g: &ResourceGroup) -> Value {
    let mut o = Map::new();
    o.insert("Id".into(), json!(g.id));
    o.insert("Name".into(), json!(g.name));
    o.insert("Remark".into(), json!(g.remark));
    o.insert(
        "ResourceGroupType".into(),
        json!(group_type_to_api(g.group_type)),
    );
    o.insert("PaymentType".into(), json!(payment_to_api(g.payment)));
    o.insert(
        "Spec".into(),
        json!({ "Amount": 1, "Standard": format!("{}CU", g.spec) }),
    );
    o.insert(
        "DefaultVpcId".into(),
        json!(g.vpc.clone().unwrap_or_default()),
    );
    o.insert(
        "DefaultVswitchId".into(),
        json!(g.vswitch.clone().unwrap_or_default()),
    );
    o.insert("Status".into(), json!(g.status.api_name()));
    o.insert("CreateTime".into(), json!(g.created_at.millis()));
    o.insert("CreateUser".into(), json!(g.created_by));
    Value::Object(o)
}

/// The CUs of a `Spec`: `{Amount, Standard "<n>CU"}` (Get and List) is Amount x n; a
/// plain number (CreateResourceGroup's) is the CUs.
pub fn spec_from_api(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::Object(o) => {
            let amount = o.get("Amount").and_then(Value::as_i64).unwrap_or(1);
            let per = o
                .get("Standard")?
                .as_str()?
                .strip_suffix("CU")?
                .parse::<i64>()
                .ok()?;
            amount.checked_mul(per)
        }
        _ => None,
    }
}

/// A group from GetResourceGroup's or ListResourceGroups' entry. The vSwitch is
/// `DefaultVswitchId`, or List's misspelt `DefaultVswicthId`; an empty VPC or vSwitch is
/// none. `CreateTime` is epoch milliseconds; `CreateUser` is kept as the creator.
pub fn group_from_api(g: &Value) -> Result<ResourceGroup> {
    const OBJ: &str = "ResourceGroup";
    let id = str_field(g, OBJ, "Id")?;
    if !is_group_id(id) {
        return Err(bad(OBJ, "Id", g.get("Id")));
    }
    let name = super::GroupName::parse(str_field(g, OBJ, "Name")?)?;
    let group_type = group_type_from_api(str_field(g, OBJ, "ResourceGroupType")?)
        .ok_or_else(|| bad(OBJ, "ResourceGroupType", g.get("ResourceGroupType")))?;
    let payment = payment_from_api(str_field(g, OBJ, "PaymentType")?)
        .ok_or_else(|| bad(OBJ, "PaymentType", g.get("PaymentType")))?;
    let spec = spec_from_api(g.get("Spec")).ok_or_else(|| bad(OBJ, "Spec", g.get("Spec")))?;
    let status = GroupStatus::from_api(str_field(g, OBJ, "Status")?)
        .ok_or_else(|| bad(OBJ, "Status", g.get("Status")))?;
    let vswitch = opt_str(g, "DefaultVswitchId").or_else(|| opt_str(g, "DefaultVswicthId"));
    Ok(ResourceGroup {
        pk: 0,
        id: id.to_string(),
        name: name.to_string(),
        group_type,
        spec: parse_spec(spec)?,
        payment,
        duration: None,
        duration_unit: None,
        vpc: opt_str(g, "DefaultVpcId")
            .map(|v| parse_network_id(v, "vpc-", "VPC"))
            .transpose()?,
        vswitch: vswitch
            .map(|v| parse_network_id(v, "vsw-", "vSwitch"))
            .transpose()?,
        remark: opt_str(g, "Remark").unwrap_or("").to_string(),
        status,
        workspaces: Vec::new(),
        created_at: Timestamp::from_epoch_millis(int_field(g, OBJ, "CreateTime")?)
            .ok_or_else(|| bad(OBJ, "CreateTime", g.get("CreateTime")))?,
        created_by: str_field(g, OBJ, "CreateUser")?.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixture: the response an API page documents, and where it came from.
    fn fixture(text: &str) -> Value {
        let v: Value = serde_json::from_str(text).expect("fixture JSON");
        assert!(
            v["source"].as_str().is_some_and(|s| s.contains("9.11.0")),
            "a fixture names its source: {v}"
        );
        v["response"].clone()
    }

    const GET_PROJECT: &str = include_str!("../../tests/fixtures/api/project/GetProject.json");
    const GET_PROJECT_BASIC: &str =
        include_str!("../../tests/fixtures/api/project/GetProject_basic_forbidden.json");
    const GET_MEMBER: &str = include_str!("../../tests/fixtures/api/member/GetProjectMember.json");
    const GET_ROLE: &str = include_str!("../../tests/fixtures/api/role/GetProjectRole.json");
    const GET_GROUP: &str =
        include_str!("../../tests/fixtures/api/resource_group/GetResourceGroup.json");
    const LIST_GROUPS: &str =
        include_str!("../../tests/fixtures/api/resource_group/ListResourceGroups.json");

    fn at() -> Timestamp {
        Timestamp::from_millis(1_764_000_000_000)
    }

    /// Each project example becomes a workspace with the fields README maps, and goes back
    /// to the same `Project` but for what dwctl does not keep (`AliyunResourceGroupId`).
    #[test]
    fn projects_convert_to_workspaces_and_back() {
        for (text, mode, status) in [
            (GET_PROJECT, Mode::Standard, Status::Available),
            (GET_PROJECT_BASIC, Mode::Basic, Status::Disabled),
        ] {
            let p = fixture(text)["Project"].clone();
            let w = workspace_from_project(&p, at(), "import").unwrap();
            assert_eq!(w.id, p["Id"].as_i64().unwrap());
            assert_eq!(w.name.as_str(), p["Name"]);
            assert_eq!(w.display_name, p["DisplayName"]);
            assert_eq!(w.description, p["Description"]);
            assert_eq!((w.mode, w.status), (mode, status));
            assert_eq!(w.owner, p["Owner"]);
            assert_eq!(w.dev_role_disabled, p["DevRoleDisabled"]);
            assert_eq!(w.pai_tasks_enabled, p["PaiTaskEnabled"]);
            assert_eq!(
                w.tags.len(),
                p["AliyunResourceTags"].as_array().unwrap().len()
            );
            assert_eq!((w.sod_policy, w.is_default), (SodPolicy::Warn, false));
            let mut want = p.clone();
            want.as_object_mut()
                .unwrap()
                .remove("AliyunResourceGroupId");
            assert_eq!(workspace_to_project(&w).unwrap(), want);
        }
    }

    #[test]
    fn project_statuses_map_or_are_refused() {
        let p = fixture(GET_PROJECT)["Project"].clone();
        for (api, want) in [
            ("Available", Some(Status::Available)),
            ("Updating", Some(Status::Available)),
            ("UpdateFailed", Some(Status::Available)),
            ("Forbidden", Some(Status::Disabled)),
            ("Frozen", Some(Status::Disabled)),
            ("Initializing", None),
            ("InitFailed", None),
            ("Deleting", None),
            ("DeleteFailed", None),
            ("available", None),
        ] {
            let mut q = p.clone();
            q["Status"] = json!(api);
            let got = workspace_from_project(&q, at(), "import");
            match want {
                Some(s) => assert_eq!(got.unwrap().status, s, "{api}"),
                None => {
                    let e = got.unwrap_err();
                    assert!(e.message.contains("Status"), "{api}: {}", e.message);
                }
            }
        }
        let mut w = workspace_from_project(&p, at(), "import").unwrap();
        w.status = Status::Deleted;
        assert_eq!(workspace_to_project(&w), None);
    }

    #[test]
    fn members_and_roles_convert_and_back() {
        let m = fixture(GET_MEMBER)["ProjectMember"].clone();
        let ws = WorkspaceName::parse("sales_dw").unwrap();
        let member = member_from_api(&m, &ws, PrincipalKind::RamUser, at(), "import").unwrap();
        assert_eq!(member.user_id, m["UserId"]);
        assert_eq!(member.user.as_str(), m["UserName"]);
        assert_eq!(member.status, MemberStatus::Normal);
        assert_eq!(
            member.roles.codes(),
            ["role_project_admin", "role_project_dev"]
        );
        // Back: the same member, role names as dwctl has them (the seed's).
        let back = member_to_api(&member, m["ProjectId"].as_i64().unwrap(), &[]);
        let mut want = m.clone();
        for r in want["Roles"].as_array_mut().unwrap() {
            let code = role_from_api(r).unwrap();
            r["Name"] = json!(code.info().name);
        }
        assert_eq!(back, want);
        // Forbidden is a suspended member, both ways.
        let mut forbidden = m.clone();
        forbidden["Status"] = json!("Forbidden");
        let suspended =
            member_from_api(&forbidden, &ws, PrincipalKind::RamUser, at(), "import").unwrap();
        assert_eq!(suspended.status, MemberStatus::Suspended);
        assert_eq!(
            member_to_api(&suspended, m["ProjectId"].as_i64().unwrap(), &[])["Status"],
            "Forbidden"
        );
        // An unknown status, a role the API lacks, or a custom one, is refused.
        for (field, value) in [
            ("Status", json!("Disabled")),
            (
                "Roles",
                json!([{"Code": "role_x", "Name": "X", "Type": "System"}]),
            ),
            (
                "Roles",
                json!([{"Code": "role_x", "Name": "X", "Type": "UserCustom"}]),
            ),
            ("Roles", json!([])),
            ("UserName", json!("9999")),
        ] {
            let mut bad = m.clone();
            bad[field] = value.clone();
            let e = member_from_api(&bad, &ws, PrincipalKind::RamUser, at(), "import");
            assert!(e.is_err(), "{field} {value}");
        }

        let r = fixture(GET_ROLE)["ProjectRole"].clone();
        let code = role_from_api(&r).unwrap();
        assert_eq!(code, RoleCode::Pe);
        let mut want = r.clone();
        // dwctl keeps the seed's name ("O&M"); the SDK documents "O&M (Operations & ...)".
        want["Name"] = json!(code.info().name);
        assert_eq!(role_to_api(code, r["ProjectId"].as_i64().unwrap()), want);
        for code in RoleCode::ALL {
            assert_eq!(role_from_api(&role_to_api(code, 1)).unwrap(), code);
        }
    }

    #[test]
    fn resource_groups_convert_and_back() {
        let get = fixture(GET_GROUP)["ResourceGroup"].clone();
        let list = fixture(LIST_GROUPS)["PagingInfo"]["ResourceGroupList"].clone();
        let mut examples = vec![get.clone()];
        examples.extend(list.as_array().unwrap().iter().cloned());
        for g in examples {
            let group = group_from_api(&g).unwrap();
            assert_eq!(group.id, g["Id"]);
            assert_eq!(group.name, g["Name"]);
            assert_eq!(group.remark, g["Remark"]);
            assert_eq!(group.status.api_name(), g["Status"]);
            assert_eq!(group_type_to_api(group.group_type), g["ResourceGroupType"]);
            assert_eq!(payment_to_api(group.payment), g["PaymentType"]);
            assert_eq!(group.created_at.millis(), g["CreateTime"].as_i64().unwrap());
            // Back: Get's shape (List's misspelt vSwitch key is Get's spelling), without
            // what dwctl does not keep; the spec as one unit of its CUs.
            let mut want = g.as_object().unwrap().clone();
            for k in [
                "AliyunResourceGroupId",
                "AliyunResourceTags",
                "OrderInstanceId",
            ] {
                want.remove(k);
            }
            if let Some(v) = want.remove("DefaultVswicthId") {
                want.insert("DefaultVswitchId".into(), v);
            }
            want.insert(
                "Spec".into(),
                json!({"Amount": 1, "Standard": format!("{}CU", group.spec)}),
            );
            assert_eq!(group_to_api(&group), Value::Object(want));
        }
        // Get's example: 2 units of 4CU are 8 CU; a plain number is CUs.
        assert_eq!(group_from_api(&get).unwrap().spec, 8);
        assert_eq!(spec_from_api(Some(&json!(6))), Some(6));
        // Every one of the twelve statuses, and nothing else.
        for s in GroupStatus::ALL {
            let mut g = get.clone();
            g["Status"] = json!(s.api_name());
            assert_eq!(group_from_api(&g).unwrap().status, *s);
            assert_eq!(GroupStatus::parse(s.as_str()).unwrap(), *s);
        }
        assert_eq!(GroupStatus::ALL.len(), 12);
        for (field, value) in [
            ("Status", json!("normal")),
            ("Id", json!("rg_1")),
            ("Name", json!("Serverless_res_group_1_2")),
            ("ResourceGroupType", json!("Serverless")),
            ("Spec", json!({"Amount": 1, "Standard": "big"})),
        ] {
            let mut bad = get.clone();
            bad[field] = value.clone();
            assert!(group_from_api(&bad).is_err(), "{field} {value}");
        }
    }
}
