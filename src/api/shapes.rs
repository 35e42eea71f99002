//! The response bodies of the DataWorks OpenAPI 2024-05-18, as the official SDK's models
//! (`alibabacloud_dataworks_public20240518/models/_*_response_body.py`, 9.11.0) name and
//! type them: one struct per model class (the SDK's long class names shortened: its
//! `ListProjectsResponseBodyPagingInfoProjects` is [`Project`] here), fields in the SDK's
//! order (alphabetical), PascalCase on the wire.
//!
//! Every field is optional, as in the SDK (`from_map` reads what is there): a `None` is not
//! written, a list is always written (the SDK's `to_map` writes `[]` for a list it does not
//! have). Unknown fields are ignored when reading, so a newer API's responses still read.
//! Where one object has the same fields in a List and a Get response, one struct serves
//! both, and the fields only one of them has are left `None` in the other (each says
//! which). Paging numbers are read leniently (a number or a string of digits) and written
//! as the model types them: numbers, but strings in ListProjectRoles.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Whether a field is left out when written: a `None`; never a list.
pub trait Absent {
    fn absent(&self) -> bool;
}

impl<T> Absent for Option<T> {
    fn absent(&self) -> bool {
        self.is_none()
    }
}

impl<T> Absent for Vec<T> {
    fn absent(&self) -> bool {
        false
    }
}

/// A struct of the API: PascalCase fields, each defaulted when missing and left out when
/// absent ([`Absent`]).
macro_rules! shape {
    ($(#[$m:meta])* pub struct $name:ident {
        $( $(#[$fm:meta])* pub $field:ident : $ty:ty ),* $(,)?
    }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $name {
            $(
                $(#[$fm])*
                #[serde(default, skip_serializing_if = "Absent::absent")]
                pub $field: $ty,
            )*
        }
    };
}

/// A list's response body `$body` and its `PagingInfo` `$paging`, holding `$items`;
/// the paging numbers of type `$n`, read leniently by `$lenient`; `$extra` fields beside.
macro_rules! list_body {
    (
        $body:ident, $paging:ident { $items:ident: $item:ty } $n:ty, $lenient:literal
        $(, $extra:ident: $ety:ty)*
    ) => {
        shape! {
            pub struct $paging {
                #[serde(deserialize_with = $lenient)]
                pub page_number: Option<$n>,
                #[serde(deserialize_with = $lenient)]
                pub page_size: Option<$n>,
                pub $items: Vec<$item>,
                #[serde(deserialize_with = $lenient)]
                pub total_count: Option<$n>,
            }
        }
        shape! {
            pub struct $body {
                pub paging_info: Option<$paging>,
                pub request_id: Option<String>,
                $(pub $extra: $ety,)*
            }
        }
    };
}

/// A Get action's response body `$body`, holding one `$item` as `$field`.
macro_rules! get_body {
    ($body:ident { $field:ident: $item:ty } $(, $extra:ident: $ety:ty)*) => {
        shape! {
            pub struct $body {
                pub $field: Option<$item>,
                pub request_id: Option<String>,
                $(pub $extra: $ety,)*
            }
        }
    };
}

// ---------------------------------------------------------------------------------------
// Common pieces
// ---------------------------------------------------------------------------------------

shape! {
    /// An Alibaba Cloud tag (`AliyunResourceTags` of projects and resource groups).
    pub struct Tag {
        pub key: Option<String>,
        pub value: Option<String>,
    }
}

shape! {
    /// An error response: what the SDK raises as its exception (with the HTTP status).
    pub struct ErrorBody {
        pub code: Option<String>,
        pub message: Option<String>,
        pub request_id: Option<String>,
    }
}

// ---------------------------------------------------------------------------------------
// Projects (`_list_projects_response_body.py`, `_get_project_response_body.py`)
// ---------------------------------------------------------------------------------------

shape! {
    /// A workspace: `ListProjectsResponseBodyPagingInfoProjects` and
    /// `GetProjectResponseBodyProject` (the same fields).
    pub struct Project {
        pub aliyun_resource_group_id: Option<String>,
        pub aliyun_resource_tags: Vec<Tag>,
        pub description: Option<String>,
        /// true: a development environment beside production (dwctl's `standard` mode).
        pub dev_environment_enabled: Option<bool>,
        pub dev_role_disabled: Option<bool>,
        pub display_name: Option<String>,
        pub id: Option<i64>,
        pub name: Option<String>,
        /// The id of the Alibaba Cloud account the workspace belongs to.
        pub owner: Option<String>,
        pub pai_task_enabled: Option<bool>,
        /// Available, Initializing, InitFailed, Forbidden, Deleting, DeleteFailed, Frozen,
        /// Updating, UpdateFailed.
        pub status: Option<String>,
    }
}

list_body!(ListProjectsResponseBody, ListProjectsPagingInfo { projects: Project } i64, "lenient_int");
get_body!(GetProjectResponseBody { project: Project });

shape! {
    /// `_create_project_response_body.py`: `ProjectId` is the deprecated copy of `Id`.
    pub struct CreateProjectResponseBody {
        pub id: Option<i64>,
        pub project_id: Option<i64>,
        pub request_id: Option<String>,
    }
}

// ---------------------------------------------------------------------------------------
// Members (`_list_project_members_response_body.py`, `_get_project_member_response_body.py`)
// ---------------------------------------------------------------------------------------

shape! {
    /// A role as a member's `Roles` list shows it.
    pub struct MemberRole {
        pub code: Option<String>,
        pub name: Option<String>,
        /// System or UserCustom.
        #[serde(rename = "Type")]
        pub type_: Option<String>,
    }
}

shape! {
    /// A member of a workspace (`...PagingInfoProjectMembers`, `...ProjectMember`).
    pub struct ProjectMember {
        pub project_id: Option<i64>,
        pub roles: Vec<MemberRole>,
        /// Normal or Forbidden.
        pub status: Option<String>,
        /// A string of digits.
        pub user_id: Option<String>,
        pub user_name: Option<String>,
    }
}

list_body!(
    ListProjectMembersResponseBody,
    ListProjectMembersPagingInfo { project_members: ProjectMember } i64, "lenient_int"
);
get_body!(GetProjectMemberResponseBody {
    project_member: ProjectMember
});

// ---------------------------------------------------------------------------------------
// Roles (`_list_project_roles_response_body.py`, `_get_project_role_response_body.py`)
// ---------------------------------------------------------------------------------------

shape! {
    pub struct ModulePermission {
        pub module_id: Option<i64>,
        pub module_name: Option<String>,
        pub permission_type: Option<String>,
    }
}

shape! {
    /// A workspace role (`...PagingInfoProjectRoles`, `...ProjectRole`).
    pub struct ProjectRole {
        pub code: Option<String>,
        pub module_permissions: Vec<ModulePermission>,
        pub name: Option<String>,
        /// -1 for a system role.
        pub project_id: Option<i64>,
        /// System or UserCustom.
        #[serde(rename = "Type")]
        pub type_: Option<String>,
    }
}

// The paging fields are strings in this model (and only this one).
list_body!(
    ListProjectRolesResponseBody,
    ListProjectRolesPagingInfo { project_roles: ProjectRole } String, "lenient_text"
);
get_body!(GetProjectRoleResponseBody {
    project_role: ProjectRole
});

// ---------------------------------------------------------------------------------------
// Compute resources (`_list_compute_resources_response_body.py`,
// `_get_compute_resource_response_body.py`)
// ---------------------------------------------------------------------------------------

/// Two shapes with the same fields and one more: `$name`, and `$more` which adds `$extra`
/// (with `From<$name>`, the extra field left out).
macro_rules! shapes_with_one_more {
    (
        $(#[$m:meta])* $name:ident;
        $(#[$mm:meta])* $more:ident { $(#[$em:meta])* $extra:ident : $ety:ty }
        { $( $(#[$fm:meta])* $field:ident : $ty:ty ),* $(,)? }
    ) => {
        shape! {
            $(#[$m])*
            pub struct $name { $( $(#[$fm])* pub $field: $ty, )* }
        }
        shape! {
            $(#[$mm])*
            pub struct $more { $( $(#[$fm])* pub $field: $ty, )* $(#[$em])* pub $extra: $ety }
        }
        impl From<$name> for $more {
            fn from(x: $name) -> Self {
                $more { $( $field: x.$field, )* $extra: Default::default() }
            }
        }
    };
}

shapes_with_one_more! {
    /// One data source in one environment. In ListDataSources (an entry of a
    /// [`DataSourceGroup`]) `Name`, `Type` and `ProjectId` are left out; GetDataSource has
    /// them all.
    DataSource;
    /// One compute resource in one environment: a [`DataSource`]'s fields and
    /// `WhetherDefault`. In ListComputeResources (an entry of a [`ComputeResourceGroup`])
    /// `Name`, `Type`, `ProjectId` and `QualifiedName` are left out; GetComputeResource
    /// has them all.
    ComputeResource {
        /// The default compute resource of its type (in its environment).
        whether_default: Option<bool>
    }
    {
        /// An object, `envType` (Dev/Prod) inside; secrets are never returned.
        connection_properties: Option<Value>,
        /// InstanceMode, UrlMode, CdhMode.
        connection_properties_mode: Option<String>,
        /// Epoch milliseconds.
        create_time: Option<i64>,
        /// A user id.
        create_user: Option<String>,
        description: Option<String>,
        id: Option<i64>,
        modify_time: Option<i64>,
        modify_user: Option<String>,
        name: Option<String>,
        project_id: Option<i64>,
        qualified_name: Option<String>,
        #[serde(rename = "Type")]
        type_: Option<String>,
    }
}

shape! {
    /// ListComputeResources' entries: one name and type, its environments.
    pub struct ComputeResourceGroup {
        pub compute_resource: Vec<ComputeResource>,
        pub name: Option<String>,
        #[serde(rename = "Type")]
        pub type_: Option<String>,
    }
}

list_body!(
    ListComputeResourcesResponseBody,
    ListComputeResourcesPagingInfo { compute_resources: ComputeResourceGroup } i64, "lenient_int"
);
get_body!(GetComputeResourceResponseBody {
    compute_resource: ComputeResource
});

// ---------------------------------------------------------------------------------------
// Data sources (`_list_data_sources_response_body.py`, `_get_data_source_response_body.py`)
// ---------------------------------------------------------------------------------------

shape! {
    /// ListDataSources' entries: one name and type, its environments.
    pub struct DataSourceGroup {
        pub data_source: Vec<DataSource>,
        pub name: Option<String>,
        #[serde(rename = "Type")]
        pub type_: Option<String>,
    }
}

list_body!(
    ListDataSourcesResponseBody,
    ListDataSourcesPagingInfo { data_sources: DataSourceGroup } i64, "lenient_int"
);
get_body!(GetDataSourceResponseBody {
    data_source: DataSource
});

// ---------------------------------------------------------------------------------------
// Resource groups (`_list_resource_groups_response_body.py`,
// `_get_resource_group_response_body.py`,
// `_list_resource_group_associate_projects_response_body.py`)
// ---------------------------------------------------------------------------------------

shape! {
    /// A group's size: `Standard` per unit (`"2CU"`) times `Amount`.
    pub struct Spec {
        pub amount: Option<i64>,
        pub standard: Option<String>,
    }
}

/// The two shapes of a resource group, which differ in one field's name only (with
/// `From` both ways).
macro_rules! group_shapes {
    (
        $(#[$m:meta])* $name:ident { $(#[$vm:meta])* $vsw:ident }
        $(#[$lm:meta])* $list:ident { $(#[$lvm:meta])* $lvsw:ident }
        { $( $(#[$fm:meta])* $field:ident : $ty:ty ),* $(,)? }
    ) => {
        shape! {
            $(#[$m])*
            pub struct $name { $( $(#[$fm])* pub $field: $ty, )* $(#[$vm])* pub $vsw: Option<String> }
        }
        shape! {
            $(#[$lm])*
            pub struct $list { $( $(#[$fm])* pub $field: $ty, )* $(#[$lvm])* pub $lvsw: Option<String> }
        }
        impl From<$name> for $list {
            fn from(g: $name) -> Self {
                $list { $( $field: g.$field, )* $lvsw: g.$vsw }
            }
        }
        impl From<$list> for $name {
            fn from(g: $list) -> Self {
                $name { $( $field: g.$field, )* $vsw: g.$lvsw }
            }
        }
    };
}

group_shapes! {
    /// A resource group as GetResourceGroup returns it (`DefaultVswitchId`).
    ResourceGroup {
        /// The default vSwitch.
        default_vswitch_id
    }
    /// A resource group as ListResourceGroups returns it: as [`ResourceGroup`], but the
    /// vSwitch is spelt `DefaultVswicthId` (sic, the SDK reads it so).
    ResourceGroupListItem {
        /// The default vSwitch, so spelt.
        default_vswicth_id
    }
    {
        aliyun_resource_group_id: Option<String>,
        aliyun_resource_tags: Vec<Tag>,
        create_time: Option<i64>,
        create_user: Option<String>,
        default_vpc_id: Option<String>,
        /// E.g. `Serverless_res_group_524257424564736_6831777003425280`.
        id: Option<String>,
        name: Option<String>,
        order_instance_id: Option<String>,
        /// PrePaid or PostPaid.
        payment_type: Option<String>,
        remark: Option<String>,
        /// CommonV2, ExclusiveScheduler, ExclusiveDataIntegration, ExclusiveDataService.
        resource_group_type: Option<String>,
        spec: Option<Spec>,
        /// Normal, Stop, Deleted, Creating, CreateFailed, Updating, UpdateFailed,
        /// Deleting, DeleteFailed, Timeout, Freezed, Starting.
        status: Option<String>,
    }
}

list_body!(
    ListResourceGroupsResponseBody,
    ListResourceGroupsPagingInfo { resource_group_list: ResourceGroupListItem } i64, "lenient_int",
    success: Option<bool>
);
get_body!(GetResourceGroupResponseBody { resource_group: ResourceGroup }, success: Option<bool>);

shape! {
    /// The workspaces a group is bound to. The group is the request's
    /// (`ResourceGroupId`): the body does not name it.
    pub struct ListResourceGroupAssociateProjectsResponseBody {
        pub project_id_list: Vec<i64>,
        pub request_id: Option<String>,
        pub success: Option<bool>,
    }
}

// ---------------------------------------------------------------------------------------
// Data source shared rules (`_list_data_source_shared_rules_response_body.py`)
// ---------------------------------------------------------------------------------------

shape! {
    /// A rule sharing one environment of a data source into another workspace (to one
    /// member of it with `SharedUser`, a user id).
    pub struct DataSourceSharedRule {
        pub create_time: Option<i64>,
        pub create_user: Option<String>,
        pub data_source_id: Option<i64>,
        pub env_type: Option<String>,
        pub id: Option<i64>,
        pub shared_data_source_name: Option<String>,
        pub shared_user: Option<String>,
        pub source_project_id: Option<i64>,
        pub target_project_id: Option<i64>,
    }
}

shape! {
    /// The rules of a data source (the request's `DataSourceId`) or into a workspace.
    pub struct ListDataSourceSharedRulesResponseBody {
        pub data_source_shared_rules: Vec<DataSourceSharedRule>,
        pub request_id: Option<String>,
    }
}

// ---------------------------------------------------------------------------------------
// Lenient paging numbers
// ---------------------------------------------------------------------------------------

/// A whole number given as a number or a string of digits (`null` is left out).
fn lenient_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    d.deserialize_any(Lenient).map(|v| v.map(|(n, _)| n))
}

/// A whole number as text, given as a string of digits or a number (`null` is left out).
fn lenient_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(Lenient).map(|v| v.map(|(_, s)| s))
}

struct Lenient;

impl Visitor<'_> for Lenient {
    type Value = Option<(i64, String)>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number (or a string of digits)")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some((v, v.to_string())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        i64::try_from(v)
            .map(|n| Some((n, v.to_string())))
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        v.parse::<i64>()
            .map(|n| Some((n, v.to_string())))
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Reads `wire`, writes it back, and compares.
    fn round_trip<T: Serialize + for<'de> Deserialize<'de>>(wire: Value) -> T {
        let read: T = serde_json::from_value(wire.clone()).expect("reads");
        assert_eq!(serde_json::to_value(&read).expect("writes"), wire);
        read
    }

    #[test]
    fn list_projects_round_trips_with_the_sdk_field_names() {
        let body: ListProjectsResponseBody = round_trip(json!({
            "PagingInfo": {
                "PageNumber": 1,
                "PageSize": 10,
                "Projects": [{
                    "AliyunResourceGroupId": "rg-acfmzbn7pti3zff",
                    "AliyunResourceTags": [{"Key": "batch", "Value": "blue"}],
                    "Description": "Financial analysis",
                    "DevEnvironmentEnabled": true,
                    "DevRoleDisabled": true,
                    "DisplayName": "Sora",
                    "Id": 123456,
                    "Name": "sora_finance",
                    "Owner": "1107550004253538",
                    "PaiTaskEnabled": true,
                    "Status": "Available"
                }],
                "TotalCount": 1
            },
            "RequestId": "22C97E95-F023-56B5-8852-B1A77A17BE0A"
        }));
        let p = &body.paging_info.unwrap().projects[0];
        assert_eq!(p.id, Some(123456));
        assert_eq!(p.aliyun_resource_tags[0].key.as_deref(), Some("batch"));
    }

    #[test]
    fn absent_fields_are_left_out_and_lists_are_written() {
        let p = Project {
            name: Some("a_b".into()),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"AliyunResourceTags": [], "Name": "a_b"})
        );
        // Unknown fields are ignored; a missing list reads as empty.
        let p: Project = serde_json::from_value(json!({"Name": "x", "Later": 1})).unwrap();
        assert!(p.aliyun_resource_tags.is_empty());
    }

    #[test]
    fn members_and_roles_keep_the_type_field() {
        let body: ListProjectMembersResponseBody = round_trip(json!({
            "PagingInfo": {
                "PageNumber": 1, "PageSize": 10, "TotalCount": 1,
                "ProjectMembers": [{
                    "ProjectId": 62136,
                    "Roles": [{"Code": "role_project_guest", "Name": "Guest", "Type": "System"}],
                    "Status": "Normal",
                    "UserId": "123422344899",
                    "UserName": "Tom"
                }]
            },
            "RequestId": "8abcb91f-d266-4073-b907-2ed670378ed1"
        }));
        let m = &body.paging_info.unwrap().project_members[0];
        assert_eq!(m.roles[0].type_.as_deref(), Some("System"));
    }

    #[test]
    fn list_project_roles_paging_fields_are_strings_and_read_leniently() {
        let wire = json!({
            "PagingInfo": {
                "PageNumber": "1", "PageSize": "10", "TotalCount": "1",
                "ProjectRoles": [{
                    "Code": "role_project_admin",
                    "ModulePermissions": [],
                    "Name": "Workspace Administrator",
                    "ProjectId": -1,
                    "Type": "System"
                }]
            },
            "RequestId": "R"
        });
        round_trip::<ListProjectRolesResponseBody>(wire);
        // Numbers read too, and are written as the model types them.
        let read: ListProjectRolesResponseBody =
            serde_json::from_value(json!({"PagingInfo": {"PageNumber": 2}})).unwrap();
        assert_eq!(read.paging_info.unwrap().page_number.as_deref(), Some("2"));
        let read: ListProjectsResponseBody =
            serde_json::from_value(json!({"PagingInfo": {"PageNumber": "3"}})).unwrap();
        assert_eq!(read.paging_info.unwrap().page_number, Some(3));
        let bad = serde_json::from_value::<ListProjectsResponseBody>(
            json!({"PagingInfo": {"PageNumber": "three"}}),
        );
        assert!(bad.is_err());
    }

    #[test]
    fn resource_groups_keep_both_vswitch_spellings() {
        let item = ResourceGroupListItem {
            default_vswicth_id: Some("vsw-1".into()),
            spec: Some(Spec {
                amount: Some(1),
                standard: Some("2CU".into()),
            }),
            ..Default::default()
        };
        let v = serde_json::to_value(&item).unwrap();
        assert_eq!(v["DefaultVswicthId"], "vsw-1");
        assert_eq!(v["Spec"], json!({"Amount": 1, "Standard": "2CU"}));
        let got: ResourceGroup = item.into();
        let v = serde_json::to_value(&got).unwrap();
        assert_eq!(v["DefaultVswitchId"], "vsw-1");
        assert!(v.get("DefaultVswicthId").is_none());
    }

    #[test]
    fn data_sources_carry_connection_properties_as_an_object() {
        let body: ListDataSourcesResponseBody = round_trip(json!({
            "PagingInfo": {
                "DataSources": [{
                    "DataSource": [{
                        "ConnectionProperties": {"envType": "Prod", "address": [{"host": "10.0.0.5", "port": 3306}]},
                        "ConnectionPropertiesMode": "UrlMode",
                        "CreateTime": 1727055811000_i64,
                        "CreateUser": "1107550004253538",
                        "Description": "orders",
                        "Id": 16035,
                        "ModifyTime": 1727055811000_i64,
                        "ModifyUser": "1107550004253538",
                        "QualifiedName": "1107550004253538:cn-hangzhou:mysql:orders"
                    }],
                    "Name": "orders",
                    "Type": "mysql"
                }],
                "PageNumber": 1, "PageSize": 10, "TotalCount": 1
            },
            "RequestId": "R"
        }));
        let g = &body.paging_info.unwrap().data_sources[0];
        assert_eq!(
            g.data_source[0].connection_properties.as_ref().unwrap()["envType"],
            "Prod"
        );
    }

    #[test]
    fn associate_projects_and_errors() {
        round_trip::<ListResourceGroupAssociateProjectsResponseBody>(json!({
            "ProjectIdList": [1, 2], "RequestId": "R", "Success": true
        }));
        round_trip::<ErrorBody>(json!({
            "Code": "Forbidden.Access", "Message": "no", "RequestId": "R"
        }));
    }
}
