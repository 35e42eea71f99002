//! The permission table (permissions.md 2 and 4), in one place. Every check in dwctl asks
//! this module; nothing else decides who may do what.

use serde::Serialize;

use crate::model::clock::Timestamp;
use crate::model::error::Error;
use crate::model::roles::{CustomRole, RoleCode, RoleSet};
use crate::model::{MemberStatus, Membership, Principal, Workspace};

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
    /// Map principals to database logins (`--db-role`): who acts on a PostgreSQL catalog.
    MapLogins,
}

impl TenantRight {
    pub const ALL: [TenantRight; 8] = [
        TenantRight::CreateWorkspace,
        TenantRight::WorkspaceLifecycle,
        TenantRight::UpgradeWorkspace,
        TenantRight::ManagePrincipals,
        TenantRight::ManageResourceGroups,
        TenantRight::SeeEveryWorkspace,
        TenantRight::ReadWholeAuditLog,
        TenantRight::MapLogins,
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
            TenantRight::MapLogins => "user.db_role",
        }
    }

    /// Who holds it: the account always; a full-access RAM identity all but upgrade.
    pub fn held_by(self, p: &Principal) -> bool {
        match self {
            TenantRight::UpgradeWorkspace | TenantRight::MapLogins => p.is_account(),
            _ => p.is_tenant_admin(),
        }
    }

    fn granted_by(self) -> &'static str {
        match self {
            TenantRight::UpgradeWorkspace | TenantRight::MapLogins => {
                "only the account (root) may do this"
            }
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

    /// The audit action names the right covers, in the order of [`Action::ALL`]; the two
    /// rights that guard reads, not actions, describe what they guard.
    pub fn actions(self) -> Vec<&'static str> {
        match self {
            Right::ReadProperties => vec!["read connection properties"],
            Right::List => vec!["list data sources and compute"],
            _ => Action::ALL
                .iter()
                .copied()
                .filter(|a| a.rule().needs == Needs::Workspace(self))
                .map(Action::name)
                .collect(),
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

    /// A right by name (`datasource.manage`), case-insensitively.
    pub fn parse(s: &str) -> Option<Right> {
        Right::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(s.trim()))
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
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

/// What an action needs of its actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// A tenant-level right (permissions.md 2).
    Tenant(TenantRight),
    /// A workspace-level right in the action's workspace (permissions.md 4).
    Workspace(Right),
    /// Nothing: the action checks its own rules (`apply` checks each change it makes).
    Nothing,
}

/// The workspace state an action requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requires {
    /// Available: disabled and deleted workspaces are frozen.
    Available,
    /// Not in the recycle bin (offboarding works in a disabled workspace).
    NotDeleted,
    /// Any state: the action's own rules decide (the lifecycle) or there is no workspace.
    Any,
}

/// One row of the table of actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The action's name in the audit log (and in `role show`).
    pub name: &'static str,
    pub needs: Needs,
    /// How a denial reads: "ACTOR may not {denied}" for a tenant right, "ACTOR may not
    /// {denied} WORKSPACE" for a workspace right.
    pub denied: &'static str,
    pub requires: Requires,
    /// How the state's refusal reads: "workspace W is disabled: cannot {frozen}".
    pub frozen: &'static str,
}

/// Declares [`Action`], [`Action::ALL`] in table order and [`Action::rule`] from one
/// table: `Variant: "audit name", needs, "denied", requires, "frozen";`.
macro_rules! actions {
    ($($variant:ident: $name:literal, $needs:expr, $denied:literal, $requires:expr, $frozen:literal;)*) => {
        /// Every action dwctl audits. A use case admits its action once (`domain::admit`)
        /// and records it once (`Session::record`); its name, right, state and refusals
        /// are in the table below.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Action {
            $($variant,)*
        }

        impl Action {
            /// In table order, which is the order `role show` lists a right's actions in.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The action's row of the table.
            pub const fn rule(self) -> Rule {
                use Needs::{Nothing, Tenant, Workspace};
                use Requires::{Any, Available, NotDeleted};
                match self {
                    $(Action::$variant => Rule {
                        name: $name,
                        needs: $needs,
                        denied: $denied,
                        requires: $requires,
                        frozen: $frozen,
                    },)*
                }
            }
        }
    };
}

const LIFECYCLE: Needs = Needs::Tenant(TenantRight::WorkspaceLifecycle);
const GROUPS: Needs = Needs::Tenant(TenantRight::ManageResourceGroups);
const USERS: Needs = Needs::Tenant(TenantRight::ManagePrincipals);
const MEMBERS: Needs = Needs::Workspace(Right::MemberManage);
const SOURCES: Needs = Needs::Workspace(Right::DatasourceManage);
const COMPUTE: Needs = Needs::Workspace(Right::ComputeManage);
const BIND: Needs = Needs::Workspace(Right::ResourceGroupBind);

// The table of actions. `denied` completes "ACTOR may not ..." (followed by the workspace
// for a workspace right); `frozen` completes "workspace W is disabled: cannot ...".
#[rustfmt::skip]
actions! {
    CatalogInit:         "catalog.init",         Nothing, "", Any, "";
    Apply:               "apply",                Nothing, "", Any, "";
    WorkspaceCreate:     "workspace.create",     Tenant(TenantRight::CreateWorkspace), "create workspaces", Any, "";
    WorkspaceUpdate:     "workspace.update",     Workspace(Right::WorkspaceUpdate), "change the settings of", Available, "change its settings";
    WorkspaceDisable:    "workspace.disable",    LIFECYCLE, "disable workspaces", Any, "";
    WorkspaceEnable:     "workspace.enable",     LIFECYCLE, "enable workspaces", Any, "";
    WorkspaceDelete:     "workspace.delete",     LIFECYCLE, "delete workspaces", Any, "";
    WorkspaceRestore:    "workspace.restore",    LIFECYCLE, "restore workspaces", Any, "";
    WorkspacePurge:      "workspace.purge",      LIFECYCLE, "purge workspaces", Any, "";
    WorkspaceUpgrade:    "workspace.upgrade",    Tenant(TenantRight::UpgradeWorkspace), "upgrade workspaces", Available, "upgrade it";
    MemberAdd:           "member.add",           MEMBERS, "add members to", Available, "add members";
    MemberRole:          "member.role",          MEMBERS, "change member roles in", Available, "change member roles";
    MemberRemove:        "member.remove",        MEMBERS, "remove members from", NotDeleted, "remove members";
    MemberUpdate:        "member.update",        MEMBERS, "change the expiry of members of", Available, "change the expiry of members";
    MemberSuspend:       "member.suspend",       MEMBERS, "suspend members of", NotDeleted, "suspend members";
    MemberResume:        "member.resume",        MEMBERS, "resume members of", Available, "resume members";
    MemberPrune:         "member.prune",         MEMBERS, "prune expired members of", NotDeleted, "prune expired members";
    RoleCreate:          "role.create",          MEMBERS, "create roles in", Available, "create roles";
    RoleUpdate:          "role.update",          MEMBERS, "change roles in", Available, "change roles";
    RoleDelete:          "role.delete",          MEMBERS, "delete roles in", Available, "delete roles";
    DatasourceAdd:       "datasource.add",       SOURCES, "add data sources to", Available, "add data sources";
    DatasourceUpdate:    "datasource.update",    SOURCES, "change data sources in", Available, "change data sources";
    DatasourceRemove:    "datasource.remove",    SOURCES, "remove data sources from", Available, "remove data sources";
    DatasourceTest:      "datasource.test",      Workspace(Right::DatasourceTest), "test data sources in", Available, "test data sources";
    DatasourceShare:     "datasource.share",     SOURCES, "share data sources of", Available, "share data sources";
    DatasourceUnshare:   "datasource.unshare",   SOURCES, "unshare data sources of", NotDeleted, "unshare data sources";
    ComputeAttach:       "compute.attach",       COMPUTE, "attach compute resources to", Available, "attach compute resources";
    ComputeUpdate:       "compute.update",       COMPUTE, "change compute resources in", Available, "change compute resources";
    ComputeDetach:       "compute.detach",       COMPUTE, "detach compute resources from", Available, "detach compute resources";
    ComputeSetDefault:   "compute.set-default",  COMPUTE, "change the default compute resource of", Available, "change the default compute resource";
    ResourceGroupCreate: "resourcegroup.create", GROUPS, "create resource groups", Any, "";
    ResourceGroupUpdate: "resourcegroup.update", GROUPS, "update resource groups", Any, "";
    ResourceGroupDelete: "resourcegroup.delete", GROUPS, "delete resource groups", Any, "";
    ResourceGroupBind:   "resourcegroup.bind",   BIND, "bind resource groups to", Available, "bind resource groups";
    ResourceGroupUnbind: "resourcegroup.unbind", BIND, "unbind resource groups from", NotDeleted, "unbind resource groups";
    UserAdd:             "user.add",             USERS, "manage principals", Any, "";
    UserUpdate:          "user.update",          USERS, "manage principals", Any, "";
    UserRemove:          "user.remove",          USERS, "manage principals", Any, "";
    AccessKeyCreate:     "user.accesskey.create", USERS, "manage the AccessKeys of other principals", Any, "";
    AccessKeyEnable:     "user.accesskey.enable", USERS, "manage the AccessKeys of other principals", Any, "";
    AccessKeyDisable:    "user.accesskey.disable", USERS, "manage the AccessKeys of other principals", Any, "";
    AccessKeyDelete:     "user.accesskey.delete", USERS, "manage the AccessKeys of other principals", Any, "";
}

impl Action {
    /// The action's name in the audit log.
    pub const fn name(self) -> &'static str {
        self.rule().name
    }
}

/// The capabilities dwctl does not enforce, shown by `role show` for information; a
/// custom role may name them (`--capability develop`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    Develop,
    Deploy,
    Review,
    Operate,
    Analyse,
    Model,
    Govern,
    Secure,
}

impl Capability {
    pub const ALL: [Capability; 8] = [
        Capability::Develop,
        Capability::Deploy,
        Capability::Review,
        Capability::Operate,
        Capability::Analyse,
        Capability::Model,
        Capability::Govern,
        Capability::Secure,
    ];

    /// The word `--capability` takes and a custom role stores.
    pub fn key(self) -> &'static str {
        match self {
            Capability::Develop => "develop",
            Capability::Deploy => "deploy",
            Capability::Review => "review",
            Capability::Operate => "operate",
            Capability::Analyse => "analyse",
            Capability::Model => "model",
            Capability::Govern => "govern",
            Capability::Secure => "secure",
        }
    }

    /// How `role show` lists it (permissions.md 4).
    pub fn label(self) -> &'static str {
        match self {
            Capability::Develop => "develop",
            Capability::Deploy => "deploy to production",
            Capability::Review => "review deployments (standard mode)",
            Capability::Operate => "operate scheduled tasks",
            Capability::Analyse => "analyse data",
            Capability::Model => "design models",
            Capability::Govern => "govern data",
            Capability::Secure => "manage data security",
        }
    }

    /// The built-in roles that have it.
    pub fn roles(self) -> &'static [RoleCode] {
        use RoleCode::*;
        match self {
            Capability::Develop => &[Owner, Admin, Dev],
            Capability::Deploy | Capability::Operate => &[Owner, Admin, Pe],
            Capability::Review => &[Owner, Admin, Deploy],
            Capability::Analyse => &[Owner, Admin, DataAnalyst],
            Capability::Model => &[Owner, Admin, Erd],
            Capability::Govern => &[Owner, Admin, DgAdmin],
            Capability::Secure => &[Owner, Admin, Security],
        }
    }

    /// A capability by key (`develop`) or label, case-insensitively.
    pub fn parse(s: &str) -> Option<Capability> {
        let t = s.trim();
        Capability::ALL
            .into_iter()
            .find(|c| c.key().eq_ignore_ascii_case(t) || c.label().eq_ignore_ascii_case(t))
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// What a membership grants in one workspace: the enforced rights and the capabilities
/// of every role it holds, built-in or custom. Computed in one place, [`grants`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Grants {
    rights: u16,
    capabilities: u16,
    /// A member at all (any role): may see the workspace.
    member: bool,
    /// Holds role_project_owner or role_project_admin (audit visibility).
    administers: bool,
}

impl Grants {
    /// Nothing: not a member.
    pub fn none() -> Grants {
        Grants::default()
    }

    pub fn has(self, right: Right) -> bool {
        self.rights & right.bit() != 0
    }

    pub fn has_capability(self, c: Capability) -> bool {
        self.capabilities & c.bit() != 0
    }

    pub fn is_member(self) -> bool {
        self.member
    }
}

/// What a membership grants at `now`: its roles while it is normal and not expired;
/// nothing once it is suspended or from the instant it expires. The one place that turns
/// a membership into the roles that count ([`grants`] then turns those into rights):
/// admitting an action, seeing a workspace, reading its audit events and every listing
/// of who can do what go through it.
pub fn granted(m: &Membership, now: Timestamp) -> RoleSet {
    if m.status == MemberStatus::Suspended || m.expired(now) {
        RoleSet::empty()
    } else {
        m.roles.clone()
    }
}

/// What holding `roles` grants, given the workspace's custom roles (`custom`: those it
/// defines; a code not among them grants nothing). The one function that turns a
/// membership into rights: every check, listing and review goes through it.
pub fn grants(roles: &RoleSet, custom: &[CustomRole]) -> Grants {
    let mut g = Grants {
        member: !roles.is_empty(),
        administers: roles.contains(RoleCode::Owner) || roles.contains(RoleCode::Admin),
        ..Grants::default()
    };
    for right in Right::ALL {
        if roles.intersects(&right.roles()) {
            g.rights |= right.bit();
        }
    }
    for c in Capability::ALL {
        if c.roles().iter().any(|r| roles.contains(*r)) {
            g.capabilities |= c.bit();
        }
    }
    for code in roles.custom() {
        if let Some(role) = custom.iter().find(|r| *r.code == **code) {
            g.rights |= role
                .rights
                .iter()
                .filter_map(|n| Right::parse(n))
                .fold(0, |acc, r| acc | r.bit());
            g.capabilities |= role
                .capabilities
                .iter()
                .filter_map(|k| Capability::parse(k))
                .fold(0, |acc, c| acc | c.bit());
        }
    }
    g
}

/// What separation of duties counts a role set as: (develops, operates). Develop is
/// role_project_dev or a custom role with the develop capability; O&M is role_project_pe
/// or a custom role with the operate capability (owner and admin are neither: they may
/// do both by design).
pub fn duties(roles: &RoleSet, custom: &[CustomRole]) -> (bool, bool) {
    let with = |c: Capability| {
        roles.custom().iter().any(|code| {
            custom.iter().any(|r| {
                *r.code == **code
                    && r.capabilities
                        .iter()
                        .any(|k| Capability::parse(k) == Some(c))
            })
        })
    };
    (
        roles.contains(RoleCode::Dev) || with(Capability::Develop),
        roles.contains(RoleCode::Pe) || with(Capability::Operate),
    )
}

/// Whether `actor`, granted `g` in a workspace, has `right` there.
pub fn has_right(actor: &Principal, g: Grants, right: Right) -> bool {
    actor.is_tenant_admin() || g.has(right)
}

/// What `access who-can` asks about: a tenant right, an enforced workspace right, or a
/// capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holding {
    Tenant(TenantRight),
    Workspace(Right),
    Capability(Capability),
}

impl Holding {
    /// A right by its name (`datasource.manage`, `workspace.create`) or a capability by
    /// its key or label (`deploy`, `deploy to production`), case-insensitively.
    pub fn parse(text: &str) -> Result<Holding, Error> {
        let t = text.trim();
        if let Some(r) = Right::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(t))
        {
            return Ok(Holding::Workspace(r));
        }
        if let Some(r) = TenantRight::ALL
            .into_iter()
            .find(|r| r.name().eq_ignore_ascii_case(t))
        {
            return Ok(Holding::Tenant(r));
        }
        if let Some(c) = Capability::parse(t) {
            return Ok(Holding::Capability(c));
        }
        let rights: Vec<&str> = Right::ALL
            .into_iter()
            .map(Right::name)
            .chain(TenantRight::ALL.into_iter().map(TenantRight::name))
            .collect();
        let caps: Vec<&str> = Capability::ALL.into_iter().map(Capability::key).collect();
        Err(Error::invalid(format!(
            "unknown right or capability {}",
            crate::model::shown(t)
        ))
        .with_hint(format!(
            "rights: {}; capabilities: {}",
            rights.join(", "),
            caps.join(", ")
        )))
    }

    pub fn name(self) -> &'static str {
        match self {
            Holding::Tenant(r) => r.name(),
            Holding::Workspace(r) => r.name(),
            Holding::Capability(c) => c.key(),
        }
    }

    /// Whether a tenant grant (the account, or full access) gives it to `p`, in every
    /// workspace.
    pub fn by_tenant(self, p: &Principal) -> bool {
        match self {
            Holding::Tenant(r) => r.held_by(p),
            Holding::Workspace(_) | Holding::Capability(_) => p.is_tenant_admin(),
        }
    }

    /// Whether what a membership grants (`g`, from [`grants`]) gives it; no membership
    /// gives a tenant right.
    pub fn granted_by(self, g: Grants) -> bool {
        match self {
            Holding::Tenant(_) => false,
            Holding::Workspace(r) => g.has(r),
            Holding::Capability(c) => g.has_capability(c),
        }
    }

    /// The codes of `roles` (built-in or custom) that give it, each role on its own
    /// through [`grants`].
    pub fn through<'r>(self, roles: &'r RoleSet, custom: &[CustomRole]) -> Vec<&'r str> {
        roles
            .codes()
            .into_iter()
            .filter(|code| {
                let mut one = RoleSet::empty();
                match RoleCode::parse(code) {
                    Ok(r) => one.insert(r),
                    Err(_) => one.insert_custom(code),
                }
                self.granted_by(grants(&one, custom))
            })
            .collect()
    }
}

/// Whether the actor may see the workspace at all (list visibility).
pub fn can_see(actor: &Principal, g: Grants) -> bool {
    actor.is_tenant_admin() || g.is_member()
}

/// Audit visibility: the whole log for tenant administrators; the events of the
/// workspaces they administer (owner/admin) for others.
pub fn can_read_audit_of(actor: &Principal, g: Grants) -> bool {
    actor.is_tenant_admin() || g.administers
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
    g: Grants,
    ws: &Workspace,
    right: Right,
    doing: &str,
) -> Result<(), Error> {
    if has_right(actor, g, right) {
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
    rights_granted(grants(&RoleSet::of(&[role]), &[]))
}

/// What `role show` prints of what a grant holds: the actions of its rights and the
/// labels of its capabilities.
pub fn rights_granted(g: Grants) -> RoleRights {
    let rights = Right::ALL
        .into_iter()
        .filter(|r| g.has(*r))
        .flat_map(|r| r.actions())
        .collect();
    let capabilities = Capability::ALL
        .into_iter()
        .filter(|c| g.has_capability(*c))
        .map(Capability::label)
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
            db_role: None,
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
                    has_right(&user, grants(&RoleSet::of(&[role]), &[]), right),
                    allowed.contains(&role),
                    "{right:?} {role:?}"
                );
            }
            assert!(!has_right(&user, Grants::none(), right));
            assert!(has_right(
                &principal(PrincipalKind::RamUser, true),
                Grants::none(),
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
    fn every_action_once_and_rights_cover_their_actions() {
        let names: std::collections::HashSet<&str> = Action::ALL.iter().map(|a| a.name()).collect();
        assert_eq!(names.len(), Action::ALL.len());
        assert_eq!(
            Right::ComputeManage.actions(),
            [
                "compute.attach",
                "compute.update",
                "compute.detach",
                "compute.set-default"
            ]
        );
        assert_eq!(
            Right::MemberManage.actions(),
            [
                "member.add",
                "member.role",
                "member.remove",
                "member.update",
                "member.suspend",
                "member.resume",
                "member.prune",
                "role.create",
                "role.update",
                "role.delete"
            ]
        );
        for &a in Action::ALL {
            let r = a.rule();
            assert_eq!(r.requires == Requires::Any, r.frozen.is_empty(), "{a:?}");
            assert_eq!(r.needs == Needs::Nothing, r.denied.is_empty(), "{a:?}");
        }
    }

    #[test]
    fn who_can_names_rights_and_capabilities_and_through_the_roles_has_right_uses() {
        use RoleCode::*;
        assert_eq!(
            Holding::parse("DATASOURCE.MANAGE").unwrap(),
            Holding::Workspace(Right::DatasourceManage)
        );
        assert_eq!(
            Holding::parse("workspace.create").unwrap(),
            Holding::Tenant(TenantRight::CreateWorkspace)
        );
        let deploy = Holding::parse("deploy").unwrap();
        assert_eq!(deploy, Holding::parse("Deploy to production").unwrap());
        assert_eq!(deploy.name(), "deploy");
        assert!(Holding::parse("deploy to").is_err());
        assert_eq!(
            Holding::parse("x").unwrap_err().kind,
            crate::model::error::Kind::Invalid
        );
        // A member's rows agree with the permission table, role by role.
        let user = principal(PrincipalKind::RamUser, false);
        for right in Right::ALL {
            for role in RoleCode::ALL {
                let roles = RoleSet::of(&[role, Guest]);
                assert_eq!(
                    !Holding::Workspace(right).through(&roles, &[]).is_empty(),
                    has_right(&user, grants(&roles, &[]), right),
                    "{right:?} {role:?}"
                );
            }
        }
        let three = RoleSet::of(&[Pe, Dev, Admin]);
        let mut through = deploy.through(&three, &[]);
        through.sort();
        assert_eq!(through, ["role_project_admin", "role_project_pe"]);
        assert!(Holding::Tenant(TenantRight::ManagePrincipals)
            .through(&RoleSet::of(&[Owner]), &[])
            .is_empty());
        assert!(Holding::Tenant(TenantRight::UpgradeWorkspace)
            .by_tenant(&principal(PrincipalKind::Account, false)));
        assert!(!Holding::Tenant(TenantRight::UpgradeWorkspace)
            .by_tenant(&principal(PrincipalKind::RamUser, true)));
        assert!(deploy.by_tenant(&principal(PrincipalKind::RamUser, true)));
        assert!(!deploy.by_tenant(&user));
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

    fn custom(code: &str, rights: &[&str], caps: &[&str]) -> CustomRole {
        CustomRole {
            id: crate::model::roles::custom_code_id(code).unwrap(),
            code: code.into(),
            workspace: "w".into(),
            name: code.into(),
            description: None,
            rights: rights.iter().map(|r| r.to_string()).collect(),
            capabilities: caps.iter().map(|c| c.to_string()).collect(),
            created_at: Timestamp::from_millis(0),
            created_by: "root".into(),
            updated_at: Timestamp::from_millis(0),
        }
    }

    #[test]
    fn custom_roles_grant_their_rights_only() {
        let user = principal(PrincipalKind::RamUser, false);
        let defs = [
            custom("base_role_1", &["datasource.manage"], &["develop"]),
            custom("base_role_2", &["member.manage"], &["operate"]),
        ];
        let held = RoleSet::from_stored("base_role_1").unwrap();
        let g = grants(&held, &defs);
        for right in Right::ALL {
            assert_eq!(
                has_right(&user, g, right),
                right == Right::DatasourceManage,
                "{right:?}"
            );
        }
        assert!(can_see(&user, g));
        assert!(!can_read_audit_of(&user, g));
        // A code the workspace does not define grants nothing but membership.
        let g = grants(&RoleSet::from_stored("base_role_9").unwrap(), &defs);
        assert!(!g.has(Right::DatasourceManage) && g.is_member());
        assert_eq!(duties(&held, &defs), (true, false));
        let both = RoleSet::from_stored("base_role_1,base_role_2").unwrap();
        assert_eq!(duties(&both, &defs), (true, true));
        let mixed = RoleSet::from_stored("role_project_pe,base_role_1").unwrap();
        assert_eq!(duties(&mixed, &defs), (true, true));
        assert_eq!(
            duties(&RoleSet::of(&[RoleCode::Admin]), &defs),
            (false, false)
        );
        let shown = rights_granted(grants(&both, &defs));
        assert!(shown.rights.contains(&"member.add") && shown.rights.contains(&"datasource.add"));
        assert_eq!(shown.capabilities, ["develop", "operate scheduled tasks"]);
    }
}
