//! The ten built-in workspace roles (permissions.md 3). Codes and aliases are accepted
//! case-insensitively; output always shows codes.

use serde::{Serialize, Serializer};
use std::fmt;

use super::clock::Timestamp;
use super::error::{Error, Result};
use super::text::shown;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RoleCode {
    Owner,
    Admin,
    Dev,
    Pe,
    Deploy,
    Guest,
    Security,
    DataAnalyst,
    Erd,
    DgAdmin,
}

pub struct RoleInfo {
    pub code: &'static str,
    pub alias: &'static str,
    pub name: &'static str,
    pub description: &'static str,
}

impl RoleCode {
    /// In the order of permissions.md 3, which is also the canonical order of a role set.
    pub const ALL: [RoleCode; 10] = [
        RoleCode::Owner,
        RoleCode::Admin,
        RoleCode::Dev,
        RoleCode::Pe,
        RoleCode::Deploy,
        RoleCode::Guest,
        RoleCode::Security,
        RoleCode::DataAnalyst,
        RoleCode::Erd,
        RoleCode::DgAdmin,
    ];

    pub fn info(self) -> RoleInfo {
        let (code, alias, name, description) = match self {
            RoleCode::Owner => ("role_project_owner", "owner", "Project Owner", "the account; all rights; cannot be granted or revoked"),
            RoleCode::Admin => ("role_project_admin", "admin", "Workspace Administrator", "settings, members, data sources, compute, resource groups; all that Develop and O&M can do"),
            RoleCode::Dev => ("role_project_dev", "dev", "Developer", "data development: nodes, code, tables; cannot deploy"),
            RoleCode::Pe => ("role_project_pe", "ops", "O&M", "deploys to production and operates tasks; manages data sources, compute, resource-group bindings"),
            RoleCode::Deploy => ("role_project_deploy", "deploy", "Deployer", "reviews deploy packages (standard mode only)"),
            RoleCode::Guest => ("role_project_guest", "guest", "Guest", "read only"),
            RoleCode::Security => ("role_project_security", "security", "Security Administrator", "data security (Data Security Guard)"),
            RoleCode::DataAnalyst => ("role_project_data_analyst", "analyst", "Data Analyst", "data analysis"),
            RoleCode::Erd => ("role_project_erd", "modeler", "Model Designer", "data modeling; cannot publish models"),
            RoleCode::DgAdmin => ("role_project_dg_admin", "governance", "Data Governance Administrator", "data governance"),
        };
        RoleInfo {
            code,
            alias,
            name,
            description,
        }
    }

    pub fn code(self) -> &'static str {
        self.info().code
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }

    /// A role by code or alias, case-insensitively.
    pub fn parse(s: &str) -> Result<RoleCode> {
        let t = s.trim();
        RoleCode::ALL
            .into_iter()
            .find(|r| {
                let i = r.info();
                t.eq_ignore_ascii_case(i.code) || t.eq_ignore_ascii_case(i.alias)
            })
            .ok_or_else(|| {
                Error::invalid(format!("unknown role {}", shown(s))).with_hint(format!(
                    "roles are: {} (codes or aliases; see dwctl role list)",
                    RoleCode::ALL.map(|r| r.info().alias).join(", ")
                ))
            })
    }
}

impl fmt::Display for RoleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for RoleCode {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// The prefix of a custom role's code: `base_role_` and the role's id, which is never
/// reused (the API's form, e.g. `base_role_12`).
pub const CUSTOM_CODE_PREFIX: &str = "base_role_";

/// The id in a custom role's code (`base_role_12` -> 12), exactly as written.
pub fn custom_code_id(code: &str) -> Option<i64> {
    let digits = code.strip_prefix(CUSTOM_CODE_PREFIX)?;
    if digits.is_empty() || digits.len() > 18 || digits.starts_with('0') {
        return None;
    }
    digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| digits.parse().ok())?
}

pub fn custom_code(id: i64) -> String {
    format!("{CUSTOM_CODE_PREFIX}{id}")
}

/// A set of roles: built-in roles (a bitset, in canonical order) and custom roles (their
/// codes, by id). Stored in the catalog as comma-separated codes, built-ins first.
///
/// Parsed from what a user typed, a custom entry is the word as typed (a name or a code):
/// only the workspace knows its custom roles, so the domain resolves those words to codes
/// (`domain::roles::resolve`) before a set is compared, granted or stored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct RoleSet {
    bits: u16,
    custom: Vec<Box<str>>,
}

impl RoleSet {
    pub fn empty() -> Self {
        RoleSet::default()
    }
    pub fn of(roles: &[RoleCode]) -> Self {
        let mut s = RoleSet::default();
        for r in roles {
            s.insert(*r);
        }
        s
    }
    pub fn contains(&self, r: RoleCode) -> bool {
        self.bits & r.bit() != 0
    }
    pub fn insert(&mut self, r: RoleCode) {
        self.bits |= r.bit();
    }
    pub fn remove(&mut self, r: RoleCode) {
        self.bits &= !r.bit();
    }
    /// The custom entries: codes by id once resolved (words as typed before).
    pub fn custom(&self) -> &[Box<str>] {
        &self.custom
    }
    pub fn contains_custom(&self, code: &str) -> bool {
        self.custom.iter().any(|c| &**c == code)
    }
    /// Add a custom role's code, keeping codes in id order (words as typed stay in the
    /// order written, each once).
    pub fn insert_custom(&mut self, code: &str) {
        if self.custom.iter().any(|c| c.eq_ignore_ascii_case(code)) {
            return;
        }
        let key = custom_code_id(code);
        let at = match key {
            Some(id) => self
                .custom
                .iter()
                .position(|c| custom_code_id(c).is_some_and(|other| other > id))
                .unwrap_or(self.custom.len()),
            None => self.custom.len(),
        };
        self.custom.insert(at, code.into());
    }
    pub fn remove_custom(&mut self, code: &str) {
        self.custom.retain(|c| &**c != code);
    }
    /// The built-in roles only.
    pub fn builtins(&self) -> RoleSet {
        RoleSet {
            bits: self.bits,
            custom: Vec::new(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.bits == 0 && self.custom.is_empty()
    }
    pub fn len(&self) -> usize {
        self.bits.count_ones() as usize + self.custom.len()
    }
    /// The built-in roles, in canonical order.
    pub fn iter(&self) -> impl Iterator<Item = RoleCode> + '_ {
        let bits = self.bits;
        RoleCode::ALL
            .into_iter()
            .filter(move |r| bits & r.bit() != 0)
    }
    /// Whether the two sets share a role, built-in or custom.
    pub fn intersects(&self, other: &RoleSet) -> bool {
        self.bits & other.bits != 0 || self.custom.iter().any(|c| other.custom.contains(c))
    }
    /// Every role of `other` added.
    pub fn union(&self, other: &RoleSet) -> RoleSet {
        let mut s = self.clone();
        s.bits |= other.bits;
        for c in &other.custom {
            s.insert_custom(c);
        }
        s
    }
    /// Every role of `other` taken away.
    pub fn minus(&self, other: &RoleSet) -> RoleSet {
        let mut s = self.clone();
        s.bits &= !other.bits;
        s.custom.retain(|c| !other.custom.contains(c));
        s
    }
    /// Parse a comma-separated list of codes or aliases (`--set dev,ops`, manifests); a
    /// word that is no built-in role is kept as a custom role's name or code when it could
    /// be one ([`parse_custom_word`]), for the domain to resolve.
    pub fn parse_list<S: AsRef<str>>(items: &[S]) -> Result<RoleSet> {
        let mut s = RoleSet::empty();
        for item in items {
            for part in item.as_ref().split(',') {
                if part.trim().is_empty() {
                    continue;
                }
                match RoleCode::parse(part) {
                    Ok(r) => s.insert(r),
                    Err(e) => match parse_custom_word(part) {
                        Some(word) => s.insert_custom(word),
                        None => return Err(e),
                    },
                }
            }
        }
        Ok(s)
    }
    pub fn to_stored(&self) -> String {
        self.codes().join(",")
    }
    /// A stored value: role codes (never aliases) in canonical order joined by commas, at
    /// least one, exactly as `to_stored` writes them (built-ins in their order, then
    /// custom codes by id); anything else is `None` (a damaged row).
    pub fn from_stored(s: &str) -> Option<RoleSet> {
        let mut set = RoleSet::empty();
        let mut last = None;
        let mut last_custom = 0;
        for part in s.split(',') {
            if let Some(id) = custom_code_id(part) {
                if id <= last_custom {
                    return None;
                }
                last_custom = id;
                set.custom.push(part.into());
                continue;
            }
            let r = RoleCode::ALL.into_iter().find(|r| r.code() == part)?;
            if last.is_some_and(|l| l >= r) || last_custom > 0 {
                return None;
            }
            last = Some(r);
            set.insert(r);
        }
        Some(set)
    }
    /// Every role's code: built-ins in canonical order, then custom codes.
    pub fn codes(&self) -> Vec<&str> {
        self.iter()
            .map(|r| r.code())
            .chain(self.custom.iter().map(|c| &**c))
            .collect()
    }
}

impl Serialize for RoleSet {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.codes())
    }
}

/// The longest custom role name.
pub const CUSTOM_NAME_MAX: usize = 64;

/// A word that may name a custom role (or be its code): letters, digits, `_` and `-`,
/// starting with a letter, at most [`CUSTOM_NAME_MAX`] characters. `None` otherwise.
pub fn parse_custom_word(s: &str) -> Option<&str> {
    let t = s.trim();
    let first = t.chars().next()?;
    (first.is_ascii_alphabetic()
        && t.chars().count() <= CUSTOM_NAME_MAX
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    .then_some(t)
}

/// A new custom role's name, checked: a word ([`parse_custom_word`]) that is neither a
/// built-in role's code or alias nor shaped like a role code (`role_project_...`,
/// `base_role_...`), compared case-insensitively.
pub fn parse_custom_name(s: &str) -> Result<String> {
    let Some(t) = parse_custom_word(s) else {
        return Err(Error::invalid(format!("invalid role name {}", shown(s))).with_hint(format!(
            "a role name starts with a letter and has at most {CUSTOM_NAME_MAX} letters, digits, '_' or '-'"
        )));
    };
    if let Ok(r) = RoleCode::parse(t) {
        return Err(Error::invalid(format!(
            "{} is a built-in role ({}): a custom role needs another name",
            shown(t),
            r.code()
        )));
    }
    let lower = t.to_ascii_lowercase();
    if lower.starts_with(CUSTOM_CODE_PREFIX) || lower.starts_with("role_project_") {
        return Err(Error::invalid(format!(
            "invalid role name {}: names starting with {CUSTOM_CODE_PREFIX} or role_project_ are kept for role codes",
            shown(t)
        )));
    }
    Ok(t.to_string())
}

/// A workspace's own role (issue 16): a set of workspace rights and capabilities, named
/// in the workspace, with a generated code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomRole {
    /// Never reused; the code is `base_role_ID`.
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    /// The workspace's name.
    pub workspace: String,
    pub name: String,
    pub description: Option<String>,
    /// Right names (`domain::policy::Right::name`), in the table's order.
    pub rights: Vec<String>,
    /// Capability keys (`domain::policy::Capability::key`), in the table's order.
    pub capabilities: Vec<String>,
    pub created_at: Timestamp,
    pub created_by: String,
    pub updated_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_aliases() {
        assert_eq!(RoleCode::parse("ADMIN").unwrap(), RoleCode::Admin);
        assert_eq!(RoleCode::parse("Role_Project_PE").unwrap(), RoleCode::Pe);
        assert_eq!(RoleCode::parse("ops").unwrap(), RoleCode::Pe);
        assert_eq!(RoleCode::parse("modeler").unwrap(), RoleCode::Erd);
        let e = RoleCode::parse("superuser").unwrap_err();
        assert!(e.hint.unwrap().contains("governance"));
        for r in RoleCode::ALL {
            assert_eq!(RoleCode::parse(r.code()).unwrap(), r);
            assert_eq!(RoleCode::parse(r.info().alias).unwrap(), r);
        }
    }

    #[test]
    fn role_sets_are_canonical() {
        let s = RoleSet::parse_list(&["ops,dev", "dev"]).unwrap();
        assert_eq!(s.to_stored(), "role_project_dev,role_project_pe");
        assert_eq!(RoleSet::from_stored(&s.to_stored()), Some(s.clone()));
        for other in [
            "",
            "dev",
            "role_project_dev,",
            "ROLE_PROJECT_DEV",
            "role_project_dev, role_project_pe",
            "role_project_pe,role_project_dev",
            "role_project_dev,role_project_dev",
            "[\"role_project_dev\"]",
        ] {
            assert_eq!(RoleSet::from_stored(other), None, "{other}");
        }
        assert_eq!(s.len(), 2);
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"["role_project_dev","role_project_pe"]"#
        );
    }

    #[test]
    fn custom_roles_in_a_set() {
        let s = RoleSet::parse_list(&["dev,Auditor", "base_role_12,auditor"]).unwrap();
        assert_eq!(s.codes(), ["role_project_dev", "Auditor", "base_role_12"]);
        let mut stored = RoleSet::of(&[RoleCode::Pe]);
        stored.insert_custom("base_role_12");
        stored.insert_custom("base_role_3");
        assert_eq!(
            stored.to_stored(),
            "role_project_pe,base_role_3,base_role_12"
        );
        assert_eq!(
            RoleSet::from_stored(&stored.to_stored()),
            Some(stored.clone())
        );
        assert_eq!(
            serde_json::to_string(&stored).unwrap(),
            r#"["role_project_pe","base_role_3","base_role_12"]"#
        );
        for bad in [
            "base_role_12,base_role_3",
            "base_role_3,role_project_pe",
            "base_role_03",
            "base_role_",
            "base_role_3,base_role_3",
        ] {
            assert_eq!(RoleSet::from_stored(bad), None, "{bad}");
        }
        assert_eq!(stored.len(), 3);
        let only = RoleSet::from_stored("base_role_3").unwrap();
        assert!(stored.intersects(&only));
        assert_eq!(
            stored.minus(&only).to_stored(),
            "role_project_pe,base_role_12"
        );
        assert_eq!(
            RoleSet::of(&[RoleCode::Dev]).union(&only).to_stored(),
            "role_project_dev,base_role_3"
        );
        // Not a word a role could be: an unknown role (exit 2) as before.
        assert!(RoleSet::parse_list(&["no way"]).is_err());
        assert!(RoleSet::parse_list(&[&"r".repeat(65)]).is_err());
    }

    #[test]
    fn custom_role_names() {
        assert_eq!(parse_custom_name(" auditor ").unwrap(), "auditor");
        for bad in [
            "admin",
            "ROLE_PROJECT_DEV",
            "base_role_7",
            "Role_Project_x",
            "9lives",
            "a b",
            "",
        ] {
            assert!(parse_custom_name(bad).is_err(), "{bad}");
        }
        assert_eq!(custom_code_id("base_role_7"), Some(7));
        assert_eq!(custom_code(7), "base_role_7");
    }
}
