//! Resource groups as stored.

use serde::Serialize;

use super::clock::Timestamp;
use super::error::{Error, Result};
use super::str_enum;
use super::text::shown;
use super::GroupName;

str_enum!(GroupType, "resource group type" {
    Serverless => "serverless", Scheduler => "scheduler", Integration => "integration", Dataservice => "dataservice"
});
str_enum!(Payment, "payment" { Postpaid => "postpaid", Prepaid => "prepaid" });
str_enum!(DurationUnit, "duration unit" { Month => "month", Year => "year" });

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
    pub status: String,
    pub workspaces: Vec<String>,
    pub created_at: Timestamp,
    pub created_by: String,
}

/// A group named by name or by id (`Serverless_res_group_...`).
pub fn parse_group_ref(s: &str) -> Result<String> {
    // `get`, not slicing: the input may split a multi-byte character at the prefix's end.
    let is_id = GroupType::ALL.iter().any(|t| {
        let n = t.id_prefix().len();
        s.len() > n
            && s.get(..n)
                .is_some_and(|p| p.eq_ignore_ascii_case(t.id_prefix()))
            && s.get(n..).is_some_and(|d| {
                // dwctl makes ids of 16 digits; more than 32 can never be one (and such a
                // string is then checked as a name: too long for one, it is exit 2).
                d.len() <= 32 && d.chars().all(|c| c.is_ascii_digit())
            })
    });
    if is_id {
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
