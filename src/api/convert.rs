//! dwctl's entities as the API's typed shapes, and the API's values as dwctl's (spec
//! api.md). There is one mapping: the objects' is `model::api` (projects, members, roles,
//! resource groups) and `model::api_datasource` (ConnectionProperties, modes,
//! environments); this module only gives it the SDK's types ([`super::shapes`]) and adds
//! what those leave out (duration units).
//!
//! | API | dwctl | where |
//! |---|---|---|
//! | Project Status Available / Forbidden (Frozen, Updating...) | workspace status available / disabled | `model::api::workspace_status_*` |
//! | DevEnvironmentEnabled true / false | mode standard / basic | [`mode_from_api`] |
//! | ResourceGroupType CommonV2 / ExclusiveScheduler / ExclusiveDataIntegration / ExclusiveDataService | serverless / scheduler / integration / dataservice | `model::api::group_type_*` |
//! | PaymentType PostPaid / PrePaid | payment postpaid / prepaid | `model::api::payment_*` |
//! | Spec {Amount n, Standard "kCU"} | spec n*k | [`spec_from_api`] |
//! | resource group Status (12 values) | status, lower case | `GroupStatus::from_api`, `api_name` |
//! | PaymentDuration unit Month / Year | duration_unit month / year | [`duration_unit_from_api`] |
//! | ConnectionPropertiesMode, ConnectionProperties (`envType` inside) | mode, properties, env | `model::api_datasource` |
//! | CreateTime, ModifyTime (epoch ms) | created_at, updated_at | `Timestamp::millis` |

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::model::api;
use crate::model::api_datasource;
use crate::model::error::{Error, Result};
use crate::model::resource_group::{DurationUnit, ResourceGroup};
use crate::model::resources::{Compute, Connection};
use crate::model::roles::{CustomRole, RoleCode};
use crate::model::{Member, Mode, Workspace};

use super::shapes;

pub use crate::model::api::{
    group_type_from_api, group_type_to_api, payment_from_api, payment_to_api,
    workspace_status_from_api, workspace_status_to_api,
};

/// `DevEnvironmentEnabled`: true for a standard workspace.
pub fn mode_from_api(dev_environment_enabled: bool) -> Mode {
    if dev_environment_enabled {
        Mode::Standard
    } else {
        Mode::Basic
    }
}

const DURATION_UNITS: [(DurationUnit, &str); 2] =
    [(DurationUnit::Month, "Month"), (DurationUnit::Year, "Year")];

/// `PaymentDurationUnit`.
pub fn duration_unit_to_api(u: DurationUnit) -> &'static str {
    DURATION_UNITS
        .iter()
        .find(|(d, _)| *d == u)
        .map_or("Month", |(_, a)| *a)
}

pub fn duration_unit_from_api(s: &str) -> Option<DurationUnit> {
    DURATION_UNITS
        .iter()
        .find(|(_, a)| a.eq_ignore_ascii_case(s))
        .map(|(d, _)| *d)
}

/// The CUs of a `Spec` (`Amount` units of `Standard` `"<n>CU"`), as `model::api` reads it.
pub fn spec_from_api(spec: &shapes::Spec) -> Option<i64> {
    api::spec_from_api(Some(&serde_json::to_value(spec).ok()?))
}

/// `model::api`'s JSON as the typed shape.
fn typed<T: DeserializeOwned>(v: Value) -> Result<T> {
    serde_json::from_value(v).map_err(|e| {
        Error::internal(format!(
            "model::api wrote what the SDK's model cannot read: {e}"
        ))
    })
}

/// A workspace as GetProject and ListProjects show it; `None` for one in the recycle bin
/// (the API does not show it).
pub fn project(w: &Workspace) -> Result<Option<shapes::Project>> {
    api::workspace_to_project(w).map(typed).transpose()
}

/// A role as ListProjectRoles and GetProjectRole show it (a system role, ProjectId as
/// given: -1 for the system roles' list).
pub fn project_role(r: RoleCode, project_id: i64) -> Result<shapes::ProjectRole> {
    typed(api::role_to_api(r, project_id))
}

/// A membership of the workspace `project_id`, with its roles.
pub fn project_member(
    m: &Member,
    project_id: i64,
    custom: &[CustomRole],
) -> Result<shapes::ProjectMember> {
    typed(api::member_to_api(m, project_id, custom))
}

/// A custom role of the workspace `project_id` (type UserCustom).
pub fn custom_project_role(r: &CustomRole, project_id: i64) -> Result<shapes::ProjectRole> {
    typed(api::custom_role_to_api(r, project_id))
}

/// A resource group as GetResourceGroup shows it (`ResourceGroupListItem::from` for
/// ListResourceGroups, which spells the vSwitch `DefaultVswicthId`).
pub fn resource_group(g: &ResourceGroup) -> Result<shapes::ResourceGroup> {
    typed(api::group_to_api(g))
}

/// Where a connection is: the catalog's account and region, and its workspace's id.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub account: &'a str,
    pub region: &'a str,
    pub project_id: i64,
}

/// A data source in one environment, as GetDataSource shows it (clear `Name`, `Type` and
/// `ProjectId` for a ListDataSources entry). Properties through `api_datasource::to_api`
/// (secrets masked), `QualifiedName` through `api_datasource::qualified_name`;
/// `CreateUser`/`ModifyUser` are user ids, which the caller fills (dwctl keeps names).
pub fn data_source<K>(x: &Connection<K>, at: Place) -> shapes::DataSource {
    let Place {
        account,
        region,
        project_id,
    } = at;
    shapes::DataSource {
        connection_properties: x
            .properties
            .as_ref()
            .map(|p| api_datasource::to_api(&x.type_key, x.mode, x.env, p, region, false)),
        connection_properties_mode: Some(api_datasource::api_mode(x.mode).to_string()),
        create_time: Some(x.created_at.millis()),
        create_user: None,
        description: Some(x.description.clone()),
        id: Some(x.pk),
        modify_time: Some(x.updated_at.millis()),
        modify_user: None,
        name: Some(x.name.clone()),
        project_id: Some(project_id),
        // Left out with the properties, for a caller who may not read them.
        qualified_name: x
            .properties
            .as_ref()
            .map(|p| api_datasource::qualified_name(account, region, &x.type_key, p)),
        type_: Some(x.type_key.clone()),
    }
}

/// A compute resource, as GetComputeResource shows it: [`data_source`]'s fields and
/// `WhetherDefault` (clear `QualifiedName` too for a ListComputeResources entry).
pub fn compute_resource(c: &Compute, at: Place) -> shapes::ComputeResource {
    shapes::ComputeResource {
        whether_default: Some(c.kind.is_default),
        ..data_source(c, at).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::resource_group::{GroupType, Payment};
    use crate::model::Status;

    #[test]
    fn values_map_both_ways_as_api_md_says() {
        assert_eq!(workspace_status_to_api(Status::Disabled), Some("Forbidden"));
        assert_eq!(workspace_status_to_api(Status::Deleted), None);
        assert_eq!(
            workspace_status_from_api("Available"),
            Some(Status::Available)
        );
        assert_eq!(workspace_status_from_api("Initializing"), None);
        assert_eq!(mode_from_api(true), Mode::Standard);
        for t in GroupType::ALL {
            assert_eq!(group_type_from_api(group_type_to_api(*t)), Some(*t));
        }
        assert_eq!(payment_from_api("PrePaid"), Some(Payment::Prepaid));
        assert_eq!(duration_unit_from_api("Year"), Some(DurationUnit::Year));
        assert_eq!(duration_unit_to_api(DurationUnit::Month), "Month");
    }

    #[test]
    fn spec_is_amount_times_standard() {
        let s = |amount, standard: &str| shapes::Spec {
            amount,
            standard: Some(standard.into()),
        };
        assert_eq!(spec_from_api(&s(Some(1), "4CU")), Some(4));
        assert_eq!(spec_from_api(&s(Some(2), "4CU")), Some(8));
        assert_eq!(spec_from_api(&s(None, "2CU")), Some(2));
        assert_eq!(spec_from_api(&s(Some(1), "large")), None);
        assert_eq!(spec_from_api(&shapes::Spec::default()), None);
    }

    /// `model::api`'s JSON reads into the typed shapes without loss: the fixtures of
    /// tests/fixtures/api (written from the SDK's models) read and write back unchanged.
    #[test]
    fn the_fixtures_read_into_the_shapes_and_back() {
        fn same<T: DeserializeOwned + serde::Serialize>(text: &str, key: &str) {
            let v: Value = serde_json::from_str(text).unwrap();
            let body = v["response"].clone();
            let t: T = serde_json::from_value(body.clone()).unwrap();
            let back = serde_json::to_value(&t).unwrap();
            assert_eq!(back[key], body[key], "{key}");
        }
        same::<shapes::GetProjectResponseBody>(
            include_str!("../../tests/fixtures/api/project/GetProject.json"),
            "Project",
        );
        same::<shapes::GetProjectMemberResponseBody>(
            include_str!("../../tests/fixtures/api/member/GetProjectMember.json"),
            "ProjectMember",
        );
        same::<shapes::GetProjectRoleResponseBody>(
            include_str!("../../tests/fixtures/api/role/GetProjectRole.json"),
            "ProjectRole",
        );
        same::<shapes::GetResourceGroupResponseBody>(
            include_str!("../../tests/fixtures/api/resource_group/GetResourceGroup.json"),
            "ResourceGroup",
        );
        same::<shapes::ListResourceGroupsResponseBody>(
            include_str!("../../tests/fixtures/api/resource_group/ListResourceGroups.json"),
            "PagingInfo",
        );
    }
}
