//! The permission table (permissions.md 2 and 4), in one place. Every check in dwctl asks
//! this module; nothing else decides who may do what.

use serde::Serialize;

use crate::model::error::Error;
use crate::model::roles::{RoleCode, RoleSet};
use crate::model::{Principal, Workspace};

/// Tenant-level rights (permissions.md 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantRight {
    CreateWorkspace,
    WorkspaceLifecycle,
    UpgradeWorkspace,
    ManagePrincipals,
    ManageResourceGroups,
    SeeEveryWorkspace,
    ReadWholeAuditLog,
}

impl TenantRight {
    pub const ALL: [TenantRight; 7] = [
        TenantRight::CreateWorkspace,
        TenantRight::WorkspaceLifecycle,
        TenantRight::UpgradeWorkspace,
        TenantRight::ManagePrincipals,
        TenantRight::ManageResourceGroups,
        TenantRight::SeeEveryWorkspace,
        TenantRight::ReadWholeAuditLog,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TenantRight::CreateWorkspace => "workspace.create",
            TenantRight::WorkspaceLifecycle => "workspace.lifecycle",
            TenantRight::UpgradeWorkspace => "workspace.upgrade",
            TenantRight::ManagePrincipals => "user.manage",
            TenantRight::ManageResourceGroups => "resourcegroup.manage",
            TenantRight::SeeEveryWorkspace => "workspace.see_all",
            TenantRight::ReadWholeAuditLog => "audit.read_all",
        }
    }

    /// Who holds it: the account always; a full-access RAM identity all but upgrade.
    pub fn held_by(self, p: &Principal) -> bool {
        match self {
            TenantRight::UpgradeWorkspace => p.is_account(),
            _ => p.is_tenant_admin(),
        }
    }

    fn granted_by(self) -> &'static str {
        match self {
            TenantRight::UpgradeWorkspace => "only the account (root) may do this",
            _ => "this needs the account or a RAM user with full access (dwctl user update NAME --full-access true)",
        }
    }
}

/// Workspace-level rights that dwctl enforces (permissions.md 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    WorkspaceUpdate,
    MemberManage,
    DatasourceManage,
    DatasourceTest,
    ComputeManage,
    ResourceGroupBind,
    ReadProperties,
    List,
}

impl Right {
    pub const ALL: [Right; 8] = [
        Right::WorkspaceUpdate,
        Right::MemberManage,
        Right::DatasourceManage,
        Right::DatasourceTest,
        Right::ComputeManage,
        Right::ResourceGroupBind,
        Right::ReadProperties,
        Right::List,
    ];

    /// The audit action names the right covers.
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Right::WorkspaceUpdate => &["workspace.update"],
            Right::MemberManage => &["member.add", "member.role", "member.remove"],
            Right::DatasourceManage => {
                &["datasource.add", "datasource.update", "datasource.remove"]
            }
            Right::DatasourceTest => &["datasource.test"],
            Right::ComputeManage => &[
                "compute.attach",
                "compute.update",
                "compute.detach",
                "compute.set-default",
            ],
            Right::ResourceGroupBind => &["resourcegroup.bind", "resourcegroup.unbind"],
            Right::ReadProperties => &["read connection properties"],
            Right::List => &["list data sources and compute"],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Right::WorkspaceUpdate => "workspace.update",
            Right::MemberManage => "member.manage",
            Right::DatasourceManage => "datasource.manage",
            Right::DatasourceTest => "datasource.test",
            Right::ComputeManage => "compute.manage",
            Right::ResourceGroupBind => "resourcegroup.bind",
            Right::ReadProperties => "properties.read",
            Right::List => "objects.list",
        }
    }

    /// The roles that grant the right.
    pub fn roles(self) -> RoleSet {
        use RoleCode::*;
        match self {
            Right::WorkspaceUpdate | Right::MemberManage => RoleSet::of(&[Owner, Admin]),
            Right::DatasourceManage | Right::ComputeManage | Right::ResourceGroupBind => {
                RoleSet::of(&[Owner, Admin, Pe])
            }
            Right::DatasourceTest | Right::ReadProperties => {
                RoleSet::of(&[Owner, Admin, Pe, Dev, Deploy])
            }
            Right::List => RoleSet::of(&RoleCode::ALL),
        }
    }
}

/// The capabilities dwctl does not enforce, shown by `role show` for information.
pub const CAPABILITIES: [(&str, &[RoleCode]); 8] = {
    use RoleCode::*;
    [
        ("develop", &[Owner, Admin, Dev]),
        ("deploy to production", &[Owner, Admin, Pe]),
        (
            "review deployments (standard mode)",
            &[Owner, Admin, Deploy],
        ),
        ("operate scheduled tasks", &[Owner, Admin, Pe]),
        ("analyse data", &[Owner, Admin, DataAnalyst]),
        ("design models", &[Owner, Admin, Erd]),
        ("govern data", &[Owner, Admin, DgAdmin]),
        ("manage data security", &[Owner, Admin, Security]),
    ]
};

/// Whether `actor`, holding `roles` in a workspace, has `right` there.
pub fn has_right(actor: &Principal, roles: RoleSet, right: Right) -> bool {
    actor.is_tenant_admin() || roles.intersects(right.roles())
}

/// Whether the actor may see the workspace at all (list visibility).
pub fn can_see(actor: &Principal, roles: RoleSet) -> bool {
    actor.is_tenant_admin() || !roles.is_empty()
}

/// Audit visibility: the whole log for tenant administrators; the events of the
/// workspaces they administer (owner/admin) for others.
pub fn can_read_audit_of(actor: &Principal, roles: RoleSet) -> bool {
    actor.is_tenant_admin() || roles.intersects(RoleSet::of(&[RoleCode::Owner, RoleCode::Admin]))
}

pub fn require_tenant(actor: &Principal, right: TenantRight, doing: &str) -> Result<(), Error> {
    if right.held_by(actor) {
        Ok(())
    } else {
        Err(Error::denied(format!("{} may not {doing}", actor.name)).with_hint(right.granted_by()))
    }
}

/// Refuse with exit 5, naming the missing right and the roles that grant it.
pub fn require(
    actor: &Principal,
    roles: RoleSet,
    ws: &Workspace,
    right: Right,
    doing: &str,
) -> Result<(), Error> {
    if has_right(actor, roles, right) {
        return Ok(());
    }
    let granting: Vec<&str> = right.roles().iter().map(|r| r.code()).collect();
    let list = match granting.len() {
        0 => String::new(),
        1 => granting[0].to_string(),
        n => format!("{} or {}", granting[..n - 1].join(", "), granting[n - 1]),
    };
    Err(
        Error::denied(format!("{} may not {doing} {}", actor.name, ws.name)).with_hint(format!(
            "this needs {list} in {}, or tenant full access",
            ws.name
        )),
    )
}

/// What `role show` and `whoami` print about a role's rights.
#[derive(Debug, Serialize)]
pub struct RoleRights {
    pub rights: Vec<&'static str>,
    pub capabilities: Vec<&'static str>,
}

pub fn rights_of(role: RoleCode) -> RoleRights {
    let set = RoleSet::of(&[role]);
    let rights = Right::ALL
        .into_iter()
        .filter(|r| r.roles().intersects(set))
        .flat_map(|r| r.actions().iter().copied())
        .collect();
    let capabilities = CAPABILITIES
        .iter()
        .filter(|(_, roles)| roles.contains(&role))
        .map(|(c, _)| *c)
        .collect();
    RoleRights {
        rights,
        capabilities,
    }
}

/// The tenant rights a principal holds, for `whoami`.
pub fn tenant_rights_of(p: &Principal) -> Vec<&'static str> {
    TenantRight::ALL
        .into_iter()
        .filter(|r| r.held_by(p))
        .map(|r| r.name())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::clock::Timestamp;
    use crate::model::{PrincipalKind, PrincipalName};

    fn principal(kind: PrincipalKind, full: bool) -> Principal {
        Principal {
            pk: 1,
            id: "1".into(),
            name: PrincipalName::from_stored("p".into()),
            kind,
            display_name: None,
            full_access: full,
            created_at: Timestamp::from_millis(0),
        }
    }

    #[test]
    fn table_matches_permissions_md() {
        use RoleCode::*;
        let user = principal(PrincipalKind::RamUser, false);
        let cases: [(Right, &[RoleCode]); 6] = [
            (Right::WorkspaceUpdate, &[Owner, Admin]),
            (Right::MemberManage, &[Owner, Admin]),
            (Right::DatasourceManage, &[Owner, Admin, Pe]),
            (Right::ComputeManage, &[Owner, Admin, Pe]),
            (Right::ResourceGroupBind, &[Owner, Admin, Pe]),
            (Right::DatasourceTest, &[Owner, Admin, Pe, Dev, Deploy]),
        ];
        for (right, allowed) in cases {
            for role in RoleCode::ALL {
                assert_eq!(
                    has_right(&user, RoleSet::of(&[role]), right),
                    allowed.contains(&role),
                    "{right:?} {role:?}"
                );
            }
            assert!(!has_right(&user, RoleSet::empty(), right));
            assert!(has_right(
                &principal(PrincipalKind::RamUser, true),
                RoleSet::empty(),
                right
            ));
        }
    }

    #[test]
    fn upgrade_is_the_accounts_alone() {
        assert!(TenantRight::UpgradeWorkspace.held_by(&principal(PrincipalKind::Account, false)));
        assert!(!TenantRight::UpgradeWorkspace.held_by(&principal(PrincipalKind::RamUser, true)));
        assert!(TenantRight::CreateWorkspace.held_by(&principal(PrincipalKind::RamUser, true)));
        assert!(!TenantRight::CreateWorkspace.held_by(&principal(PrincipalKind::RamUser, false)));
    }

    #[test]
    fn role_show_rights() {
        let r = rights_of(RoleCode::Pe);
        assert!(r.rights.contains(&"compute.attach"));
        assert!(!r.rights.contains(&"member.add"));
        assert!(r.capabilities.contains(&"deploy to production"));
        let g = rights_of(RoleCode::Guest);
        assert_eq!(g.rights, vec!["list data sources and compute"]);
    }
}
