//! The ten built-in workspace roles (permissions.md 3). Codes and aliases are accepted
//! case-insensitively; output always shows codes.

use serde::{Serialize, Serializer};
use std::fmt;

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

/// A set of roles, kept in canonical order. Stored in the catalog as comma-separated codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct RoleSet(u16);

impl RoleSet {
    pub fn empty() -> Self {
        RoleSet(0)
    }
    pub fn of(roles: &[RoleCode]) -> Self {
        let mut s = RoleSet(0);
        for r in roles {
            s.insert(*r);
        }
        s
    }
    pub fn contains(self, r: RoleCode) -> bool {
        self.0 & r.bit() != 0
    }
    pub fn insert(&mut self, r: RoleCode) {
        self.0 |= r.bit();
    }
    pub fn remove(&mut self, r: RoleCode) {
        self.0 &= !r.bit();
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }
    pub fn iter(self) -> impl Iterator<Item = RoleCode> {
        RoleCode::ALL.into_iter().filter(move |r| self.contains(*r))
    }
    pub fn intersects(self, other: RoleSet) -> bool {
        self.0 & other.0 != 0
    }
    /// Parse a comma-separated list of codes or aliases (`--set dev,ops`, manifests).
    pub fn parse_list<S: AsRef<str>>(items: &[S]) -> Result<RoleSet> {
        let mut s = RoleSet::empty();
        for item in items {
            for part in item.as_ref().split(',') {
                if part.trim().is_empty() {
                    continue;
                }
                s.insert(RoleCode::parse(part)?);
            }
        }
        Ok(s)
    }
    pub fn to_stored(self) -> String {
        self.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
    }
    /// A stored value: role codes (never aliases) in canonical order joined by commas, at
    /// least one, exactly as `to_stored` writes them; anything else is `None` (a damaged row).
    pub fn from_stored(s: &str) -> Option<RoleSet> {
        let mut set = RoleSet::empty();
        let mut last = None;
        for part in s.split(',') {
            let r = RoleCode::ALL.into_iter().find(|r| r.code() == part)?;
            if last.is_some_and(|l| l >= r) {
                return None;
            }
            last = Some(r);
            set.insert(r);
        }
        Some(set)
    }
    pub fn codes(self) -> Vec<&'static str> {
        self.iter().map(|r| r.code()).collect()
    }
}

impl Serialize for RoleSet {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
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
        assert_eq!(RoleSet::from_stored(&s.to_stored()), Some(s));
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
}
