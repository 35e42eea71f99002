//! Between the API's values and dwctl's (spec api.md): each `*_to_api` gives the API's
//! spelling of a dwctl value, each `*_from_api` reads one (case-insensitively, `None` for a
//! value dwctl has no counterpart of), and the object conversions build the API's shapes
//! from dwctl's entities (what `serve` returns).
//!
//! | API | dwctl |
//! |---|---|
//! | Project Status Available / Forbidden | workspace status available / disabled (deleted: none) |
//! | DevEnvironmentEnabled true / false | mode standard / basic |
//! | ResourceGroupType CommonV2 / ExclusiveScheduler / ExclusiveDataIntegration / ExclusiveDataService | serverless / scheduler / integration / dataservice |
//! | PaymentType PostPaid / PrePaid | payment postpaid / prepaid |
//! | Spec {Amount n, Standard "kCU"} | spec n*k |
//! | ConnectionPropertiesMode, ConnectionProperties (`envType` inside) | mode, properties, env: `model::api_datasource` |
//! | CreateTime, ModifyTime (epoch ms) | created_at, updated_at |

use std::collections::BTreeMap;

use crate::model::api_datasource;
use crate::model::clock::Timestamp;
use crate::model::resource_group::{DurationUnit, GroupType, Payment};
use crate::model::resources::{Compute, DataSource};
use crate::model::roles::RoleCode;
use crate::model::{Member, Mode, Status, Workspace};

use super::shapes;

/// Finds `text` case-insensitively in `(dwctl, api)` pairs.
fn from_api<T: Copy>(pairs: &[(T, &str)], text: &str) -> Option<T> {
    pairs
        .iter()
        .find(|(_, api)| api.eq_ignore_ascii_case(text))
        .map(|(v, _)| *v)
}

/// The API's spelling of `value` in `(dwctl, api)` pairs.
fn api_of<T: Copy + PartialEq>(pairs: &[(T, &'static str)], value: T) -> Option<&'static str> {
    pairs.iter().find(|(v, _)| *v == value).map(|(_, api)| *api)
}

/// [`api_of`] for a table that covers every value.
fn to_api<T: Copy + PartialEq>(pairs: &[(T, &'static str)], value: T) -> &'static str {
    api_of(pairs, value).unwrap_or_default()
}

const PROJECT_STATUSES: &[(Status, &str)] = &[
    (Status::Available, "Available"),
    (Status::Disabled, "Forbidden"),
];

/// Available or Forbidden; a workspace in the recycle bin has no API status (`None`).
pub fn project_status_to_api(s: Status) -> Option<&'static str> {
    api_of(PROJECT_STATUSES, s)
}

/// Available -> available, Forbidden -> disabled; the API's other statuses (Initializing,
/// Frozen, ...) have no counterpart.
pub fn project_status_from_api(s: &str) -> Option<Status> {
    from_api(PROJECT_STATUSES, s)
}

/// `DevEnvironmentEnabled`: true for a standard workspace.
pub fn mode_to_api(m: Mode) -> bool {
    m == Mode::Standard
}

pub fn mode_from_api(dev_environment_enabled: bool) -> Mode {
    if dev_environment_enabled {
        Mode::Standard
    } else {
        Mode::Basic
    }
}

const GROUP_TYPES: &[(GroupType, &str)] = &[
    (GroupType::Serverless, "CommonV2"),
    (GroupType::Scheduler, "ExclusiveScheduler"),
    (GroupType::Integration, "ExclusiveDataIntegration"),
    (GroupType::Dataservice, "ExclusiveDataService"),
];

pub fn group_type_to_api(t: GroupType) -> &'static str {
    to_api(GROUP_TYPES, t)
}

pub fn group_type_from_api(s: &str) -> Option<GroupType> {
    from_api(GROUP_TYPES, s)
}

const PAYMENTS: &[(Payment, &str)] = &[
    (Payment::Postpaid, "PostPaid"),
    (Payment::Prepaid, "PrePaid"),
];

pub fn payment_to_api(p: Payment) -> &'static str {
    to_api(PAYMENTS, p)
}

pub fn payment_from_api(s: &str) -> Option<Payment> {
    from_api(PAYMENTS, s)
}

const DURATION_UNITS: &[(DurationUnit, &str)] =
    &[(DurationUnit::Month, "Month"), (DurationUnit::Year, "Year")];

pub fn duration_unit_to_api(u: DurationUnit) -> &'static str {
    to_api(DURATION_UNITS, u)
}

pub fn duration_unit_from_api(s: &str) -> Option<DurationUnit> {
    from_api(DURATION_UNITS, s)
}

/// The API's resource group statuses; dwctl stores them lower-case.
pub const GROUP_STATUSES: &[&str] = &[
    "Normal",
    "Stop",
    "Deleted",
    "Creating",
    "CreateFailed",
    "Updating",
    "UpdateFailed",
    "Deleting",
    "DeleteFailed",
    "Timeout",
    "Freezed",
    "Starting",
];

/// dwctl's stored status (`normal`) in the API's spelling (`Normal`); `None` for a value
/// the API does not have.
pub fn group_status_to_api(s: &str) -> Option<&'static str> {
    GROUP_STATUSES
        .iter()
        .find(|api| api.eq_ignore_ascii_case(s))
        .copied()
}

/// The API's status (`CreateFailed`) as dwctl stores it (`createfailed`), if it is one.
pub fn group_status_from_api(s: &str) -> Option<String> {
    group_status_to_api(s).map(str::to_ascii_lowercase)
}

/// A spec in CU as the API shows it: one unit of `"<n>CU"`.
pub fn spec_to_api(cu: i64) -> shapes::Spec {
    shapes::Spec {
        amount: Some(1),
        standard: Some(format!("{cu}CU")),
    }
}

/// `Amount` (1 when left out) units of `Standard` (`"4CU"`, `"4 CU"`, `"4"`), in CU;
/// `None` when `Standard` is missing or not a number of CU.
pub fn spec_from_api(spec: &shapes::Spec) -> Option<i64> {
    let standard = spec.standard.as_deref()?.trim();
    let digits = standard
        .strip_suffix("CU")
        .or_else(|| standard.strip_suffix("cu"))
        .unwrap_or(standard)
        .trim();
    let per: i64 = digits.parse().ok()?;
    per.checked_mul(spec.amount.unwrap_or(1))
}

/// Epoch milliseconds (CreateTime, ModifyTime).
pub fn time_to_api(t: Timestamp) -> i64 {
    t.millis()
}

pub fn tags_to_api(tags: &BTreeMap<String, String>) -> Vec<shapes::Tag> {
    tags.iter()
        .map(|(k, v)| shapes::Tag {
            key: Some(k.clone()),
            value: Some(v.clone()),
        })
        .collect()
}

/// A workspace as GetProject and ListProjects show it. `Id` is the workspace's id; the
/// owner is the workspace's (the account's id).
pub fn project(w: &Workspace) -> shapes::Project {
    shapes::Project {
        aliyun_resource_group_id: None,
        aliyun_resource_tags: tags_to_api(&w.tags),
        description: Some(w.description.clone()),
        dev_environment_enabled: Some(mode_to_api(w.mode)),
        dev_role_disabled: Some(w.dev_role_disabled),
        display_name: Some(w.display_name.clone()),
        id: Some(w.id),
        name: Some(w.name.to_string()),
        owner: Some(w.owner.clone()),
        pai_task_enabled: Some(w.pai_tasks_enabled),
        status: project_status_to_api(w.status).map(str::to_string),
    }
}

/// How a role shows in a member's `Roles`: its code, the seed's name, System.
pub fn member_role(r: RoleCode) -> shapes::MemberRole {
    shapes::MemberRole {
        code: Some(r.code().to_string()),
        name: Some(r.info().name.to_string()),
        type_: Some("System".to_string()),
    }
}

/// A role as ListProjectRoles and GetProjectRole show it: a system role (ProjectId -1, no
/// module permissions listed).
pub fn project_role(r: RoleCode) -> shapes::ProjectRole {
    shapes::ProjectRole {
        code: Some(r.code().to_string()),
        module_permissions: Vec::new(),
        name: Some(r.info().name.to_string()),
        project_id: Some(-1),
        type_: Some("System".to_string()),
    }
}

/// A membership of the workspace `project_id`; members are always Normal in dwctl.
pub fn project_member(m: &Member, project_id: i64) -> shapes::ProjectMember {
    shapes::ProjectMember {
        project_id: Some(project_id),
        roles: m.roles.iter().map(member_role).collect(),
        status: Some("Normal".to_string()),
        user_id: Some(m.user_id.clone()),
        user_name: Some(m.user.to_string()),
    }
}

/// A resource group as GetResourceGroup shows it (`ResourceGroupListItem::from` for
/// ListResourceGroups).
pub fn resource_group(g: &crate::model::resource_group::ResourceGroup) -> shapes::ResourceGroup {
    shapes::ResourceGroup {
        aliyun_resource_group_id: None,
        aliyun_resource_tags: Vec::new(),
        create_time: Some(time_to_api(g.created_at)),
        create_user: None,
        default_vpc_id: g.vpc.clone(),
        default_vswitch_id: g.vswitch.clone(),
        id: Some(g.id.clone()),
        name: Some(g.name.clone()),
        order_instance_id: None,
        payment_type: Some(payment_to_api(g.payment).to_string()),
        remark: Some(g.remark.clone()),
        resource_group_type: Some(group_type_to_api(g.group_type).to_string()),
        spec: Some(spec_to_api(g.spec)),
        status: group_status_to_api(&g.status).map(str::to_string),
    }
}

/// A compute resource of the workspace `project_id` in one environment, as
/// GetComputeResource shows it (clear `Name`, `Type`, `ProjectId` and `QualifiedName` for a
/// ListComputeResources entry). Properties through `api_datasource::to_api` (secrets
/// masked; `region` is the catalog's); `CreateUser`/`ModifyUser` are user ids, which the
/// caller fills (dwctl keeps names).
pub fn compute_resource(c: &Compute, project_id: i64, region: &str) -> shapes::ComputeResource {
    shapes::ComputeResource {
        connection_properties: c
            .properties
            .as_ref()
            .map(|p| api_datasource::to_api(&c.type_key, c.mode, c.env, p, region, false)),
        connection_properties_mode: Some(api_datasource::api_mode(c.mode).to_string()),
        create_time: Some(time_to_api(c.created_at)),
        create_user: None,
        description: Some(c.description.clone()),
        id: Some(c.pk),
        modify_time: Some(time_to_api(c.updated_at)),
        modify_user: None,
        name: Some(c.name.clone()),
        project_id: Some(project_id),
        qualified_name: None,
        type_: Some(c.type_key.clone()),
        whether_default: Some(c.kind.is_default),
    }
}

/// A data source, as [`compute_resource`] a compute resource (GetDataSource's fields).
pub fn data_source(x: &DataSource, project_id: i64, region: &str) -> shapes::DataSource {
    shapes::DataSource {
        connection_properties: x
            .properties
            .as_ref()
            .map(|p| api_datasource::to_api(&x.type_key, x.mode, x.env, p, region, false)),
        connection_properties_mode: Some(api_datasource::api_mode(x.mode).to_string()),
        create_time: Some(time_to_api(x.created_at)),
        create_user: None,
        description: Some(x.description.clone()),
        id: Some(x.pk),
        modify_time: Some(time_to_api(x.updated_at)),
        modify_user: None,
        name: Some(x.name.clone()),
        project_id: Some(project_id),
        qualified_name: None,
        type_: Some(x.type_key.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_map_both_ways_as_api_md_says() {
        assert_eq!(project_status_to_api(Status::Disabled), Some("Forbidden"));
        assert_eq!(project_status_to_api(Status::Deleted), None);
        assert_eq!(
            project_status_from_api("Available"),
            Some(Status::Available)
        );
        assert_eq!(project_status_from_api("Frozen"), None);
        assert_eq!(mode_from_api(true), Mode::Standard);
        assert!(!mode_to_api(Mode::Basic));
        for t in GroupType::ALL {
            assert_eq!(group_type_from_api(group_type_to_api(*t)), Some(*t));
        }
        assert_eq!(group_type_to_api(GroupType::Serverless), "CommonV2");
        assert_eq!(payment_from_api("PrePaid"), Some(Payment::Prepaid));
        assert_eq!(duration_unit_from_api("Year"), Some(DurationUnit::Year));
        assert_eq!(group_status_to_api("createfailed"), Some("CreateFailed"));
        assert_eq!(group_status_from_api("Normal").as_deref(), Some("normal"));
    }

    #[test]
    fn spec_is_amount_times_standard() {
        assert_eq!(spec_from_api(&spec_to_api(4)), Some(4));
        let s = shapes::Spec {
            amount: Some(2),
            standard: Some("4CU".into()),
        };
        assert_eq!(spec_from_api(&s), Some(8));
        assert_eq!(spec_from_api(&shapes::Spec::default()), None);
        let bad = shapes::Spec {
            amount: None,
            standard: Some("large".into()),
        };
        assert_eq!(spec_from_api(&bad), None);
    }
}
