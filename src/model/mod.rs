//! The model: the entities every layer shares, and the newtypes that make invalid values
//! unrepresentable once parsed ("parse, don't validate"): a `WorkspaceName` is valid
//! everywhere it is seen. A leaf: it imports nothing of dwctl above it, so the domain, a
//! storage backend and the printer can all use it without using each other.

pub mod access_key;
pub mod api;
pub mod api_datasource;
pub mod audit;
pub mod clock;
pub mod error;
pub mod property;
pub mod resource_group;
pub mod resources;
pub mod roles;
pub mod text;
pub mod types;
pub mod words;

use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

use clock::Timestamp;
use error::{Error, Result};
use roles::RoleSet;
pub use text::{
    char_len, cut_quoted, excerpt, excerpt_of, is_format_char, is_printable,
    json_without_invisibles, line_column, named, needs_escape, push_escaped, shown, EXCERPT_CHARS,
};

macro_rules! string_newtype {
    ($name:ident) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// For values read back from the catalog, which were valid when written.
            pub fn from_stored(s: String) -> Self {
                $name(s)
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
    };
}

string_newtype!(WorkspaceName);
string_newtype!(PrincipalName);
string_newtype!(ObjectName);
string_newtype!(GroupName);

impl WorkspaceName {
    pub const MIN_CHARS: usize = 3;
    pub const MAX_CHARS: usize = 28;

    /// `^[A-Za-z][A-Za-z0-9_]{2,27}$` (domain.md 3.1).
    pub fn parse(s: &str) -> Result<Self> {
        let ok = (Self::MIN_CHARS..=Self::MAX_CHARS).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ok {
            Ok(WorkspaceName(s.to_string()))
        } else {
            Err(Error::invalid(format!("invalid workspace name {}", shown(s))).with_hint(
                format!("a workspace name is {}-{} characters of A-Z, a-z, 0-9 and _, starting with a letter, e.g. finance_tax_report", Self::MIN_CHARS, Self::MAX_CHARS),
            ))
        }
    }
}

impl PrincipalName {
    pub const MAX_CHARS: usize = 64;

    /// What a principal name is, for hints.
    pub fn rule() -> String {
        format!("1-{} characters of A-Z, a-z, 0-9, '.', '_', '@' and '-', starting with a letter or digit", Self::MAX_CHARS)
    }

    /// 1-64 chars of `A-Za-z0-9._@-`, starts with a letter or digit, not all digits.
    pub fn parse(s: &str) -> Result<Self> {
        let ok = (1..=Self::MAX_CHARS).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_alphanumeric())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._@-".contains(c))
            && !s.chars().all(|c| c.is_ascii_digit());
        if ok {
            Ok(PrincipalName(s.to_string()))
        } else {
            Err(
                Error::invalid(format!("invalid principal name {}", shown(s))).with_hint(format!(
                    "a principal name is {}, and not all digits",
                    Self::rule()
                )),
            )
        }
    }
}

impl ObjectName {
    pub const MAX_CHARS: usize = 255;

    /// Compute resources and data sources: 1-255 chars, `^[A-Za-z][A-Za-z0-9_]*$`.
    pub fn parse(s: &str, what: &str) -> Result<Self> {
        let ok = (1..=Self::MAX_CHARS).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ok {
            Ok(ObjectName(s.to_string()))
        } else {
            Err(
                Error::invalid(format!("invalid {what} name {}", shown(s))).with_hint(format!(
                    "a name is 1-{} characters of A-Z, a-z, 0-9 and _, starting with a letter",
                    Self::MAX_CHARS
                )),
            )
        }
    }
}

/// Whether `tail`, what follows `_res_group_`, is shaped like a group id's: `<digits>` (as
/// dwctl wrote ids before issue 14) or `<digits>_<digits>` (the API's shape, which dwctl
/// writes now).
pub fn is_group_id_tail(tail: &str) -> bool {
    let part = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    match tail.split_once('_') {
        Some((a, b)) => part(a) && part(b),
        None => part(tail),
    }
}

impl GroupName {
    pub const MAX_CHARS: usize = 128;

    /// Resource groups: 1-128 chars, `^[A-Za-z][A-Za-z0-9_]*$`, and never shaped like a
    /// generated id (`..._res_group_<digits>`), so that name and id lookups cannot collide.
    pub fn parse(s: &str) -> Result<Self> {
        let ok = (1..=Self::MAX_CHARS).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err(Error::invalid(format!("invalid resource group name {}", shown(s)))
                .with_hint(format!("a resource group name is 1-{} characters of A-Z, a-z, 0-9 and _, starting with a letter", Self::MAX_CHARS)));
        }
        // Every `_res_group_` in it: `a_res_group_1_res_group_2` ends in an id's tail too.
        let lower = s.to_ascii_lowercase();
        let looks_like_id = lower
            .match_indices("_res_group_")
            .any(|(pos, m)| is_group_id_tail(&lower[pos + m.len()..]));
        if looks_like_id {
            return Err(Error::invalid(format!(
                "resource group name {} looks like a resource group id",
                shown(s)
            ))
            .with_hint(
                "choose a name that does not end in _res_group_<digits> or _res_group_<digits>_<digits>",
            ));
        }
        Ok(GroupName(s.to_string()))
    }
}

/// Why a piece of free text was refused. Its message names the field (`what`), never the
/// text; [`TextError::hint`] says what the field may hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// A field that must hold 1 to `max` printable characters does not.
    #[error("invalid {what}: it must be 1-{max} printable characters")]
    Required { what: &'static str, max: usize },
    #[error("{what} is too long: {len} characters, at most {max}")]
    TooLong {
        what: &'static str,
        len: usize,
        max: usize,
    },
    /// `position` counts characters from 1; `kind` is "control" or "format".
    #[error("{what} holds the {kind} character U+{code:04X} at position {position}")]
    Unprintable {
        what: &'static str,
        kind: &'static str,
        code: u32,
        position: usize,
        multiline: bool,
    },
}

impl TextError {
    pub fn hint(&self) -> Option<String> {
        match self {
            TextError::Unprintable {
                what,
                multiline: true,
                ..
            } => Some(format!(
                "a {what} may hold line breaks and tabs, but no other control characters"
            )),
            TextError::Unprintable { what, .. } => {
                Some(format!("a {what} is one line of printable characters"))
            }
            _ => None,
        }
    }
}

impl From<TextError> for Error {
    fn from(e: TextError) -> Error {
        let hint = e.hint();
        let error = Error::invalid(e.to_string());
        match hint {
            Some(h) => error.with_hint(h),
            None => error,
        }
    }
}

/// A newtype of free text with its limit. Control characters (C0, DEL, C1) and format
/// characters are refused (line breaks and tabs too, unless `multiline`): text that
/// reaches a terminal must not be able to move its cursor, retitle it or hide what follows.
macro_rules! text_newtype {
    ($(#[$m:meta])* $name:ident, $what:literal, max $max:literal, multiline $multiline:literal) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);
        impl $name {
            pub const MAX_CHARS: usize = $max;
            pub fn parse(s: &str) -> std::result::Result<Self, TextError> {
                check_text(s, Self::MAX_CHARS, $what, $multiline).map(|()| $name(s.to_string()))
            }
            pub fn into_string(self) -> String {
                self.0
            }
        }
    };
}

text_newtype!(
    /// The description of a workspace, compute resource or data source: may span lines.
    Description, "description", max 3000, multiline true
);
text_newtype!(
    /// A principal's display name: one line, possibly empty.
    PrincipalDisplayName, "display name", max 128, multiline false
);
text_newtype!(
    /// A resource group's remark: one line, possibly empty.
    Remark, "remark", max 128, multiline false
);

/// A workspace's display name: 1-[`DisplayName::MAX_CHARS`] printable characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 64;
    pub fn parse(s: &str) -> std::result::Result<Self, TextError> {
        let n = char_len(s);
        if n == 0 || n > Self::MAX_CHARS || !is_printable(s) {
            return Err(TextError::Required {
                what: "display name",
                max: Self::MAX_CHARS,
            });
        }
        Ok(DisplayName(s.to_string()))
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

fn check_text(
    s: &str,
    max: usize,
    what: &'static str,
    multiline: bool,
) -> std::result::Result<(), TextError> {
    let len = char_len(s);
    if len > max {
        return Err(TextError::TooLong { what, len, max });
    }
    let bad = s.chars().enumerate().find(|(_, c)| {
        (c.is_control() && !(multiline && matches!(c, '\n' | '\t'))) || is_format_char(*c)
    });
    if let Some((pos, c)) = bad {
        return Err(TextError::Unprintable {
            what,
            kind: if c.is_control() { "control" } else { "format" },
            code: c as u32,
            position: pos + 1,
            multiline,
        });
    }
    Ok(())
}

macro_rules! str_enum {
    ($(#[$m:meta])* $name:ident, $what:literal { $($var:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($var),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }
            pub fn parse(s: &str) -> $crate::model::error::Result<Self> {
                $(if s.eq_ignore_ascii_case($s) { return Ok($name::$var); })+
                Err($crate::model::error::Error::invalid(format!("invalid {} {}", $what, $crate::model::text::shown(s)))
                    .with_hint(format!("expected one of: {}", [$($s),+].join(", "))))
            }
            /// A stored value: exactly as `as_str` writes it, else `None` (a damaged row).
            pub fn from_stored(s: &str) -> Option<Self> {
                $(if s == $s { return Some($name::$var); })+
                None
            }
            /// What a stored value should be, for messages.
            pub fn stored_what() -> &'static str {
                static WHAT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
                WHAT.get_or_init(|| {
                    let article = if $what.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
                    format!("{article} {} ({})", $what, [$($s),+].join(", "))
                })
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}
pub(crate) use str_enum;

str_enum!(Mode, "workspace mode" { Basic => "basic", Standard => "standard" });
str_enum!(Status, "workspace status" { Available => "available", Disabled => "disabled", Deleted => "deleted" });
str_enum!(SodPolicy, "separation-of-duties policy" { Off => "off", Warn => "warn", Enforce => "enforce" });
str_enum!(Env, "environment" { Prod => "prod", Dev => "dev" });
str_enum!(PrincipalKind, "principal kind" { Account => "account", RamUser => "ram-user", RamRole => "ram-role" });
str_enum!(
    /// A member's status (`member suspend`/`resume`): the API's ProjectMember `Status`,
    /// `Normal` or `Forbidden`, which dwctl calls `normal` and `suspended`.
    MemberStatus, "member status" { Normal => "normal", Suspended => "suspended" });

// str_enum! declares the enum and cannot mark its default variant.
#[allow(clippy::derivable_impls)]
impl Default for MemberStatus {
    fn default() -> Self {
        MemberStatus::Normal
    }
}

impl MemberStatus {
    /// The API's spelling.
    pub fn api_name(self) -> &'static str {
        match self {
            MemberStatus::Normal => "Normal",
            MemberStatus::Suspended => "Forbidden",
        }
    }
}

/// A principal of the tenant (domain.md 2).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Principal {
    #[serde(skip)]
    pub pk: i64,
    pub id: String,
    pub name: PrincipalName,
    pub kind: PrincipalKind,
    pub display_name: Option<String>,
    pub full_access: bool,
    /// The database login (a PostgreSQL role) that acts as this principal on a shared
    /// catalog (README "Who is acting"); at most one principal per login.
    pub db_role: Option<String>,
    pub created_at: Timestamp,
}

impl Principal {
    pub fn is_account(&self) -> bool {
        self.kind == PrincipalKind::Account
    }
    /// Tenant administrator: the account, or a RAM identity with AliyunDataWorksFullAccess.
    pub fn is_tenant_admin(&self) -> bool {
        self.is_account() || self.full_access
    }
}

/// Most digits of a principal id (and of the digits of a generated resource group id).
pub const PRINCIPAL_ID_MAX_DIGITS: usize = 32;

/// Principal ids are digit strings: the account's is its account id, others 16 digits.
pub fn parse_principal_id(s: &str) -> Result<String> {
    if (1..=PRINCIPAL_ID_MAX_DIGITS).contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit()) {
        Ok(s.to_string())
    } else {
        Err(
            Error::invalid(format!("invalid principal id {}", shown(s))).with_hint(format!(
                "a principal id is a string of 1-{PRINCIPAL_ID_MAX_DIGITS} digits"
            )),
        )
    }
}

/// Longest database login: PostgreSQL's role names are at most 63 bytes.
pub const DB_ROLE_MAX_BYTES: usize = 63;

/// A database login to map a principal to (`user update --db-role`, a manifest's
/// `db_role`): what PostgreSQL's `current_user` can be, 1-63 bytes, no control characters
/// and no spaces at either end. Compared exactly (PostgreSQL role names are
/// case-sensitive).
pub fn parse_db_role(s: &str) -> Result<String> {
    if !s.is_empty()
        && s.len() <= DB_ROLE_MAX_BYTES
        && !s.chars().any(char::is_control)
        && s.trim() == s
    {
        Ok(s.to_string())
    } else {
        Err(
            Error::invalid(format!("invalid database login {}", shown(s))).with_hint(format!(
                "a database login is a PostgreSQL role name: 1-{DB_ROLE_MAX_BYTES} bytes, no control characters, no spaces at either end"
            )),
        )
    }
}

pub fn parse_account_id(s: &str) -> Result<String> {
    if s.len() == 16 && s.chars().all(|c| c.is_ascii_digit()) {
        Ok(s.to_string())
    } else {
        Err(Error::invalid(format!("invalid account id {}", shown(s)))
            .with_hint("an account id is a 16-digit number, e.g. 1234567890123456"))
    }
}

/// Longest region id.
pub const REGION_MAX_CHARS: usize = 32;

/// The one region rule, for `init --region`, a manifest's `region` and the `regionId`
/// property: `cn-hangzhou`, `ap-southeast-1`, `cn-shanghai-finance-1`: at most
/// [`REGION_MAX_CHARS`], a prefix of two or more lowercase letters, then one or more
/// `-`-separated parts of lowercase letters and digits. (Two rules were merged; each part
/// of the stricter one holds: the property's old rule allowed 64 characters, the region's
/// allowed a one-letter or digit-holding prefix and empty parts.)
pub fn is_region_id(s: &str) -> bool {
    let mut parts = s.split('-');
    let prefix = parts.next().unwrap_or("");
    let mut rest = parts.peekable();
    s.len() <= REGION_MAX_CHARS
        && prefix.len() >= 2
        && prefix.chars().all(|c| c.is_ascii_lowercase())
        && rest.peek().is_some()
        && rest.all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// Region ids look like `cn-hangzhou`, `ap-southeast-1`, `us-west-1` ([`is_region_id`]).
pub fn parse_region(s: &str) -> Result<String> {
    if is_region_id(s) {
        Ok(s.to_string())
    } else {
        Err(Error::invalid(format!("invalid region {}", shown(s)))
            .with_hint("a region id looks like cn-hangzhou or ap-southeast-1"))
    }
}

/// A workspace as stored and shown (cli.md 3, the `workspace` object).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Workspace {
    pub id: i64,
    pub name: WorkspaceName,
    pub display_name: String,
    pub description: String,
    pub mode: Mode,
    pub status: Status,
    pub owner: String,
    pub is_default: bool,
    pub dev_role_disabled: bool,
    pub pai_tasks_enabled: bool,
    pub sod_policy: SodPolicy,
    pub default_resource_group: Option<String>,
    pub resource_groups: Vec<String>,
    pub tags: BTreeMap<String, String>,
    pub created_at: Timestamp,
    pub created_by: String,
    pub updated_at: Timestamp,
    pub deleted_at: Option<Timestamp>,
    pub deleted_by: Option<String>,
    pub retention_until: Option<Timestamp>,
    /// The state before delete, so that restore can return to it.
    #[serde(skip)]
    pub status_before_delete: Option<Status>,
}

/// How long a deleted workspace stays restorable, and its name reserved.
pub const RETENTION_DAYS: i64 = 14;

/// A tag `key=value` (domain.md 3.1).
pub fn parse_tag(s: &str) -> Result<(String, String)> {
    let Some((k, v)) = s.split_once('=') else {
        return Err(Error::invalid(format!(
            "invalid tag {}: expected key=value",
            shown(s)
        )));
    };
    Ok((parse_tag_key(k)?, parse_tag_value(v)?))
}

/// Longest tag key (bytes: a key is ASCII) and tag value (characters).
pub const TAG_MAX_CHARS: usize = 128;

pub fn parse_tag_key(k: &str) -> Result<String> {
    let ok = (1..=TAG_MAX_CHARS).contains(&k.len())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._:/-".contains(c));
    if ok {
        Ok(k.to_string())
    } else {
        Err(
            Error::invalid(format!("invalid tag key {}", shown(k))).with_hint(format!(
                "a tag key is 1-{TAG_MAX_CHARS} characters of A-Z, a-z, 0-9, '.', '_', ':', '/' and '-'"
            )),
        )
    }
}

pub fn parse_tag_value(v: &str) -> Result<String> {
    if char_len(v) > TAG_MAX_CHARS || !is_printable(v) {
        return Err(Error::invalid(format!(
            "invalid tag value {}: at most {TAG_MAX_CHARS} printable characters",
            shown(v)
        )));
    }
    Ok(v.to_string())
}

pub const MAX_TAGS: usize = 20;

/// A membership (cli.md 3, the `member` object).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Member {
    pub workspace: WorkspaceName,
    pub user: PrincipalName,
    pub user_id: String,
    pub kind: PrincipalKind,
    pub roles: RoleSet,
    pub status: MemberStatus,
    /// From this instant the membership grants nothing (`None`: never).
    pub expires_at: Option<Timestamp>,
    pub added_at: Timestamp,
    pub added_by: String,
}

impl Member {
    /// The part of the membership that decides what it grants.
    pub fn membership(&self) -> Membership {
        Membership {
            roles: self.roles.clone(),
            status: self.status,
            expires_at: self.expires_at,
        }
    }
}

/// What decides what a membership grants (`domain::policy::granted` turns it into the
/// roles that count at an instant): its roles, its status and when it expires.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Membership {
    pub roles: RoleSet,
    pub status: MemberStatus,
    pub expires_at: Option<Timestamp>,
}

impl Membership {
    /// Whether it has expired at `now`: from its `expires_at` on.
    pub fn expired(&self, now: Timestamp) -> bool {
        self.expires_at.is_some_and(|at| now >= at)
    }
}

/// The tenant a catalog holds: its account and region.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub account_id: String,
    pub region: String,
    pub created_at: Timestamp,
}

/// A warning: printed on stderr, and carried in the JSON envelope.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Warning {
    pub code: &'static str,
    pub message: String,
}

impl Warning {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Warning {
            code,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn database_logins_are_postgresql_role_names() {
        for ok in [
            "alice",
            "Alice",
            "team lead",
            "a.b@c-d",
            &"é".repeat(31),
            &"x".repeat(63),
        ] {
            assert_eq!(parse_db_role(ok).unwrap(), ok);
        }
        for bad in [
            "",
            " a",
            "a ",
            "a\nb",
            "a\u{7f}",
            &"x".repeat(64),
            &"é".repeat(32),
        ] {
            let e = parse_db_role(bad).unwrap_err();
            assert!(e.message.starts_with("invalid database login"), "{bad:?}");
        }
    }
    use super::*;

    #[test]
    fn workspace_names() {
        for ok in [
            "abc",
            "finance_tax_report",
            "A_1",
            "abcdefghijklmnopqrstuvwxyz12",
        ] {
            assert!(WorkspaceName::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "ab",
            "1abc",
            "_abc",
            "abc-def",
            "abcdefghijklmnopqrstuvwxyz123",
            "caf\u{e9}x",
            "",
            "a b c",
        ] {
            assert!(WorkspaceName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn principal_names() {
        for ok in ["alice", "a", "bob.smith@corp", "9lives", "x-y_z"] {
            assert!(PrincipalName::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "123", ".alice", "al ice", &"a".repeat(65), "ali\u{0}ce"] {
            assert!(PrincipalName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn group_names_never_look_like_ids() {
        assert!(GroupName::parse("rg_etl").is_ok());
        assert!(GroupName::parse("my_res_group_x").is_ok());
        assert!(GroupName::parse("Serverless_res_group_1234").is_err());
        assert!(GroupName::parse("x_RES_GROUP_9").is_err());
        // The API's shape, and dwctl's older one, of every type.
        for id in [
            "Serverless_res_group_524257424564736_6831777003123456",
            "S_res_group_7708_1667792816832",
            "di_res_group_1_2",
            "ds_res_group_1234567890123456",
            "anything_res_group_12_34",
        ] {
            let e = GroupName::parse(id).unwrap_err();
            assert_eq!(e.kind, crate::model::error::Kind::Invalid, "{id}");
            assert!(e.message.contains("looks like a resource group id"), "{id}");
        }
        for ok in [
            "a_res_group_1_x",
            "a_res_group_1__2",
            "a_res_group__1",
            "res_group_1_2",
        ] {
            assert!(GroupName::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn printable_and_shown() {
        assert!(is_printable("Finance report 财务"));
        assert!(!is_printable("a\u{7}b"));
        assert!(!is_printable("a\u{200b}b"));
        assert_eq!(shown("a\nb"), "'a\\nb'");
        assert!(shown(&"x".repeat(100)).ends_with("…'"));
    }

    /// Free text refuses every control character (C0, DEL, C1) and format character;
    /// only multi-line text keeps line breaks and tabs.
    #[test]
    fn free_text_refuses_control_characters() {
        for bad in [
            "a\u{1b}]0;pwned\u{7}",
            "a\u{1b}[2J",
            "bell\u{7}",
            "cr\rhere",
            "del\u{7f}",
            "csi\u{9b}31m",
            "nul\0",
            "bidi\u{202e}",
            "bs\u{8}",
            "vt\u{b}",
            "ff\u{c}",
        ] {
            for multiline in [false, true] {
                let e = check_text(bad, 3000, "description", multiline).unwrap_err();
                let message = e.to_string();
                assert!(message.contains("character U+"), "{bad:?}: {message}");
                // The value itself is not echoed.
                assert!(!message.contains(bad), "{bad:?}");
            }
        }
        let e = Error::from(Description::parse("ok\u{1b}x").unwrap_err());
        assert_eq!(
            e.message,
            "description holds the control character U+001B at position 3"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("a description may hold line breaks and tabs, but no other control characters")
        );
        let e = Error::from(Remark::parse("a\u{200b}").unwrap_err());
        assert_eq!(
            e.message,
            "remark holds the format character U+200B at position 2"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("a remark is one line of printable characters")
        );
        assert_eq!(
            Description::parse("two\nlines\tand a tab")
                .unwrap()
                .into_string(),
            "two\nlines\tand a tab"
        );
        assert_eq!(Remark::parse("").unwrap().into_string(), "");
        assert_eq!(
            PrincipalDisplayName::parse("nightly 财务 run")
                .unwrap()
                .into_string(),
            "nightly 财务 run"
        );
        assert!(Remark::parse("two\nlines").is_err());
        assert!(PrincipalDisplayName::parse("a\ttab").is_err());
    }

    /// Each limit is the newtype's constant, and its message says it.
    #[test]
    fn free_text_limits_are_the_newtypes_constants() {
        let at = |n: usize| "é".repeat(n);
        assert!(Description::parse(&at(Description::MAX_CHARS)).is_ok());
        let e = Error::from(Description::parse(&at(Description::MAX_CHARS + 1)).unwrap_err());
        assert_eq!(
            e.message,
            "description is too long: 3001 characters, at most 3000"
        );
        assert!(Remark::parse(&at(Remark::MAX_CHARS)).is_ok());
        assert!(Remark::parse(&at(Remark::MAX_CHARS + 1)).is_err());
        assert!(PrincipalDisplayName::parse(&at(PrincipalDisplayName::MAX_CHARS)).is_ok());
        assert!(PrincipalDisplayName::parse(&at(PrincipalDisplayName::MAX_CHARS + 1)).is_err());
        assert!(DisplayName::parse(&at(DisplayName::MAX_CHARS)).is_ok());
        for bad in [at(DisplayName::MAX_CHARS + 1), String::new(), "a\nb".into()] {
            let e = Error::from(DisplayName::parse(&bad).unwrap_err());
            assert_eq!(
                e.message,
                "invalid display name: it must be 1-64 printable characters"
            );
        }
        let name = |n: usize| format!("a{}", "b".repeat(n - 1));
        assert!(WorkspaceName::parse(&name(WorkspaceName::MAX_CHARS)).is_ok());
        assert!(WorkspaceName::parse(&name(WorkspaceName::MAX_CHARS + 1)).is_err());
        assert!(WorkspaceName::parse(&name(WorkspaceName::MIN_CHARS - 1)).is_err());
        assert!(PrincipalName::parse(&name(PrincipalName::MAX_CHARS)).is_ok());
        assert!(PrincipalName::parse(&name(PrincipalName::MAX_CHARS + 1)).is_err());
        assert!(ObjectName::parse(&name(ObjectName::MAX_CHARS), "x").is_ok());
        assert!(ObjectName::parse(&name(ObjectName::MAX_CHARS + 1), "x").is_err());
        assert!(GroupName::parse(&name(GroupName::MAX_CHARS)).is_ok());
        assert!(GroupName::parse(&name(GroupName::MAX_CHARS + 1)).is_err());
        assert!(parse_tag_key(&name(TAG_MAX_CHARS)).is_ok());
        assert!(parse_tag_key(&name(TAG_MAX_CHARS + 1)).is_err());
        assert!(parse_tag_value(&at(TAG_MAX_CHARS)).is_ok());
        assert!(parse_tag_value(&at(TAG_MAX_CHARS + 1)).is_err());
        assert_eq!(
            WorkspaceName::parse("x").unwrap_err().hint.as_deref(),
            Some("a workspace name is 3-28 characters of A-Z, a-z, 0-9 and _, starting with a letter, e.g. finance_tax_report")
        );
    }

    #[test]
    fn json_keeps_its_layout_and_loses_its_invisibles() {
        let v = serde_json::json!({"d": "a\u{9b}31m\u{7f}\u{202e}财务\u{1b}\n", "e": ["x"]});
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        assert!(pretty.contains('\u{9b}'));
        let out = json_without_invisibles(pretty.clone());
        assert_eq!(out.lines().count(), pretty.lines().count());
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out}");
        assert!(out.contains(r"a\u009b31m\u007f\u202e财务\u001b\n"), "{out}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&out).unwrap(), v);
    }

    #[test]
    fn excerpts_escape_as_json_does_and_cut_at_64() {
        assert_eq!(excerpt("a\u{1b}]0;x\u{7}"), "a\\u001b]0;x\\u0007");
        assert_eq!(
            excerpt("\t\r\u{8}\u{c}\u{7f}\u{85}"),
            "\\t\\r\\b\\f\\u007f\\u0085"
        );
        assert_eq!(excerpt("rtl\u{202e}x\u{2028}"), "rtl\\u202ex\\u2028");
        assert_eq!(excerpt("\u{e0001}"), "\\udb40\\udc01");
        assert_eq!(excerpt("é".repeat(64).as_str()), "é".repeat(64));
        assert_eq!(excerpt(&"é".repeat(65)), format!("{}…", "é".repeat(64)));
        assert_eq!(named("alice"), "alice");
        assert_eq!(named("a b\u{1b}"), "'a b\\u001b'");
        assert_eq!(named("a b"), "a b");
        assert_eq!(named(" "), "' '");
        let long = "k".repeat(100_000);
        let cut = cut_quoted(&format!(
            "unknown field `{long}`, expected `version` or \"{long}\""
        ));
        assert_eq!(
            cut,
            format!(
                "unknown field `{0}…`, expected `version` or \"{0}…\"",
                "k".repeat(64)
            )
        );
        assert_eq!(cut_quoted("a `b` \"c\" `unclosed"), "a `b` \"c\" `unclosed");
        assert_eq!(named("x.toml "), "'x.toml '");
    }

    #[test]
    fn tags() {
        assert_eq!(
            parse_tag("team=fin").unwrap(),
            ("team".into(), "fin".into())
        );
        assert_eq!(parse_tag("k=").unwrap(), ("k".into(), "".into()));
        assert!(parse_tag("novalue").is_err());
        assert!(parse_tag("=v").is_err());
        assert!(parse_tag("a b=v").is_err());
    }

    #[test]
    fn enums_parse_case_insensitively() {
        assert_eq!(Mode::parse("STANDARD").unwrap(), Mode::Standard);
        let e = Env::parse("staging").unwrap_err();
        assert!(e.hint.unwrap().contains("prod, dev"));
    }

    #[test]
    fn regions_and_ids() {
        assert!(parse_region("cn-hangzhou").is_ok());
        assert!(parse_region("ap-southeast-1").is_ok());
        assert!(parse_region("hangzhou").is_err());
        assert!(parse_region("cn-shanghai-finance-1").is_ok());
        assert!(parse_region("Cn-hangzhou").is_err());
    }

    /// The region rule and the `regionId` rule were two; the stricter part of each holds.
    #[test]
    fn one_region_rule_takes_the_stricter_part_of_both() {
        // Refused before by the regionId rule only: a short or digit-holding prefix,
        // empty parts.
        for bad in ["a-b", "c1-x", "cn--x", "-cn", "cn-"] {
            assert!(!is_region_id(bad), "{bad}");
        }
        // Refused before by the region rule only: more than 32 characters.
        let long = format!("cn-{}", "x".repeat(REGION_MAX_CHARS - 2));
        assert_eq!(long.len(), REGION_MAX_CHARS + 1);
        assert!(!is_region_id(&long));
        assert!(is_region_id(&long[..REGION_MAX_CHARS]));
        assert!(is_region_id("ap-southeast-1"));
        assert!(parse_account_id("1234567890123456").is_ok());
        assert!(parse_account_id("123").is_err());
    }
}
