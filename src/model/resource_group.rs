//! Resource groups as stored.

use serde::Serialize;

use super::clock::Timestamp;
use super::error::{Error, Result};
use super::str_enum;
use super::text::shown;
use super::{is_group_id_tail, GroupName};

str_enum!(GroupType, "resource group type" {
    Serverless => "serverless", Scheduler => "scheduler", Integration => "integration", Dataservice => "dataservice"
});
str_enum!(Payment, "payment" { Postpaid => "postpaid", Prepaid => "prepaid" });
str_enum!(DurationUnit, "duration unit" { Month => "month", Year => "year" });
str_enum!(
    /// The API's twelve group statuses (GetResourceGroup's `Status`), in dwctl's lower case.
    /// dwctl creates groups `normal` and changes no status yet: the others arrive by import.
    GroupStatus, "resource group status" {
    Normal => "normal", Stop => "stop", Deleted => "deleted", Creating => "creating",
    CreateFailed => "create_failed", Updating => "updating", UpdateFailed => "update_failed",
    Deleting => "deleting", DeleteFailed => "delete_failed", Timeout => "timeout",
    Freezed => "freezed", Starting => "starting"
});

impl GroupStatus {
    /// The API's spelling (`Normal`, `CreateFailed`, ...).
    pub fn api_name(self) -> &'static str {
        match self {
            GroupStatus::Normal => "Normal",
            GroupStatus::Stop => "Stop",
            GroupStatus::Deleted => "Deleted",
            GroupStatus::Creating => "Creating",
            GroupStatus::CreateFailed => "CreateFailed",
            GroupStatus::Updating => "Updating",
            GroupStatus::UpdateFailed => "UpdateFailed",
            GroupStatus::Deleting => "Deleting",
            GroupStatus::DeleteFailed => "DeleteFailed",
            GroupStatus::Timeout => "Timeout",
            GroupStatus::Freezed => "Freezed",
            GroupStatus::Starting => "Starting",
        }
    }

    /// From the API's spelling, exactly (`None` for anything else).
    pub fn from_api(s: &str) -> Option<GroupStatus> {
        GroupStatus::ALL.iter().copied().find(|g| g.api_name() == s)
    }
}

impl GroupType {
    /// What a generated id of this type starts with.
    pub fn id_prefix(self) -> &'static str {
        match self {
            GroupType::Serverless => "Serverless_res_group_",
            GroupType::Scheduler => "S_res_group_",
            GroupType::Integration => "di_res_group_",
            GroupType::Dataservice => "ds_res_group_",
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ResourceGroup {
    #[serde(skip)]
    pub pk: i64,
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub group_type: GroupType,
    pub spec: i64,
    pub payment: Payment,
    pub duration: Option<i64>,
    pub duration_unit: Option<String>,
    pub vpc: Option<String>,
    pub vswitch: Option<String>,
    pub remark: String,
    pub status: GroupStatus,
    pub workspaces: Vec<String>,
    pub created_at: Timestamp,
    pub created_by: String,
}

/// Most digits in one part of a group id: dwctl writes 16; more can never be one (such a
/// string is then read as a name, which its shape refuses: exit 2).
const ID_PART_MAX_DIGITS: usize = 32;

/// Whether `s` is a group id: a type's prefix (`Serverless_res_group_`, `S_res_group_`,
/// ..., in any case) and an id tail ([`is_group_id_tail`]).
pub fn is_group_id(s: &str) -> bool {
    // `get`, not slicing: the input may split a multi-byte character at the prefix's end.
    GroupType::ALL.iter().any(|t| {
        let n = t.id_prefix().len();
        s.get(..n)
            .is_some_and(|p| p.eq_ignore_ascii_case(t.id_prefix()))
            && s.get(n..).is_some_and(|tail| {
                is_group_id_tail(tail) && tail.split('_').all(|d| d.len() <= ID_PART_MAX_DIGITS)
            })
    })
}

/// A group id as dwctl makes one, in the API's shape: the type's prefix, the account id,
/// `_`, and `digits` (`Serverless_res_group_<account>_<16 digits>`).
pub fn group_id(t: GroupType, account_id: &str, digits: &str) -> String {
    format!("{}{account_id}_{digits}", t.id_prefix())
}

/// A group named by name or by id (`Serverless_res_group_...`).
pub fn parse_group_ref(s: &str) -> Result<String> {
    if is_group_id(s) {
        Ok(s.to_string())
    } else {
        GroupName::parse(s).map(|n| n.to_string())
    }
}

/// Most characters after the `vpc-` / `vsw-` of a network id.
pub const NETWORK_ID_MAX_CHARS: usize = 64;

/// `vpc-` / `vsw-` followed by 1-[`NETWORK_ID_MAX_CHARS`] lowercase alphanumerics.
pub fn parse_network_id(s: &str, prefix: &str, what: &str) -> Result<String> {
    let rest = s.strip_prefix(prefix).unwrap_or("");
    if (1..=NETWORK_ID_MAX_CHARS).contains(&rest.len())
        && rest
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        Ok(s.to_string())
    } else {
        Err(
            Error::invalid(format!("invalid {what} {}", shown(s))).with_hint(format!(
                "a {what} is {prefix} followed by 1-{NETWORK_ID_MAX_CHARS} lowercase letters and digits"
            )),
        )
    }
}

pub fn parse_spec(spec: i64) -> Result<i64> {
    if spec < 2 {
        return Err(Error::invalid(format!(
            "invalid spec {spec}: a resource group has at least 2 CU"
        ))
        .with_hint("1 CU = 1 vCPU + 4 GiB; pass --spec 2 or more"));
    }
    if spec > 100_000 {
        return Err(Error::invalid(format!(
            "invalid spec {spec}: at most 100000 CU"
        )));
    }
    Ok(spec)
}
