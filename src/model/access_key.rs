//! AccessKey pairs: how a client of `dwctl serve` proves which principal it is (issue 15).

use serde::Serialize;

use super::clock::Timestamp;
use super::PrincipalName;

/// An AccessKey as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessKey {
    /// `LTAI` and 20 letters and digits, as the SDK's `access_key_id`.
    pub access_key_id: String,
    pub user: PrincipalName,
    /// `enabled` or `disabled`.
    pub status: AccessKeyStatus,
    pub created_at: Timestamp,
    pub created_by: String,
    /// Only for the store's reads; `user` names the owner.
    #[serde(skip)]
    pub principal_pk: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessKeyStatus {
    Enabled,
    Disabled,
}

impl AccessKeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessKeyStatus::Enabled => "enabled",
            AccessKeyStatus::Disabled => "disabled",
        }
    }
}

/// A new pair, shown once: the field names are the SDK config's.
#[derive(Debug, Clone, Serialize)]
pub struct NewAccessKey {
    pub access_key_id: String,
    pub access_key_secret: String,
    pub user: PrincipalName,
    pub created_at: Timestamp,
}

/// The prefix of every AccessKey id (as Alibaba Cloud's).
pub const ACCESS_KEY_ID_PREFIX: &str = "LTAI";

/// Whether `s` has the shape of an AccessKey id.
pub fn is_access_key_id(s: &str) -> bool {
    s.len() == 24
        && s.starts_with(ACCESS_KEY_ID_PREFIX)
        && s.bytes().all(|b| b.is_ascii_alphanumeric())
}
