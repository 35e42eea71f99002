//! Resource groups as stored.

use serde::Serialize;

use super::clock::Timestamp;
use super::str_enum;

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
