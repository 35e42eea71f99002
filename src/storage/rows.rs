//! The rows of the tables whose layout is the same on every backend, read into the
//! model's types through the checker ([`super::checked`]): each backend selects these
//! columns in this order (its own SQL), and hands the row here, so that what a stored
//! value must be is written once.

use super::checked::{Cells, StoredRow};
use crate::model::audit::AuditEvent;
use crate::model::error::Result;
use crate::model::resource_group::{parse_group_ref, parse_network_id};
use crate::model::resource_group::{DurationUnit, GroupStatus, GroupType, Payment, ResourceGroup};
use crate::model::resources::{AsCompute, AsSource, Connection, LastTest, Origin, ProbeState};
use crate::model::roles::RoleSet;
use crate::model::roles::{custom_code, parse_custom_name, CustomRole};
use crate::model::types::{self, ConnMode, Properties};
use crate::model::{parse_db_role, parse_principal_id, parse_region};
use crate::model::{Env, GroupName, ObjectName, WorkspaceName};
use crate::model::{MemberStatus, Membership};
use crate::model::{Principal, PrincipalKind, PrincipalName, Tenant};

// ---- shared data sources ----

/// The columns of a share rule, as [`share_row`] reads them (`s` the rule, `d` its data
/// source, `sw` and `tw` the source and target workspaces, `p` the user, left-joined).
pub const SHARE_COLS: &str = "s.id, sw.name, d.name, d.env, tw.name, p.name, s.created_at, \
     s.created_by, s.datasource_pk, d.workspace_id, s.target_id, s.user_pk";

/// The FROM of a share rule's columns.
pub const SHARE_FROM: &str = "datasource_share s JOIN datasource d ON d.pk = s.datasource_pk \
     JOIN workspace sw ON sw.id = d.workspace_id JOIN workspace tw ON tw.id = s.target_id \
     LEFT JOIN principal p ON p.pk = s.user_pk";

/// A share rule.
pub fn share_row<R: StoredRow + ?Sized>(r: &R) -> Result<crate::model::resources::Share> {
    let c = Cells::new(r, "datasource_share", &[(0, "id")]);
    Ok(crate::model::resources::Share {
        id: c.int(0)?,
        workspace: WorkspaceName::from_stored(c.text(1)?),
        datasource: c.text(2)?,
        env: c.parsed(3, Env::stored_what(), Env::from_stored)?,
        to: WorkspaceName::from_stored(c.text(4)?),
        user: c.opt_parsed(5, "a principal name", |s| PrincipalName::parse(s).ok())?,
        created_at: c.ts(6)?,
        created_by: c.text(7)?,
        datasource_pk: c.int(8)?,
        source_id: c.int(9)?,
        target_id: c.int(10)?,
        user_pk: c.opt_int(11)?,
    })
}

// ---- AccessKeys ----

/// The columns and FROM of an AccessKey with its owner's name, as [`access_key_row`]
/// reads them (each backend adds its WHERE).
pub const ACCESS_KEY_SELECT: &str =
    "SELECT k.id, p.name, k.enabled, k.created_at, k.created_by, k.principal_pk, k.secret \
     FROM access_key k JOIN principal p ON p.pk = k.principal_pk";

/// An AccessKey and its stored secret.
pub fn access_key_row<R: StoredRow + ?Sized>(
    r: &R,
) -> Result<(crate::model::access_key::AccessKey, String)> {
    use crate::model::access_key::{AccessKey, AccessKeyStatus};
    let c = Cells::new(r, "access_key", &[(0, "id")]);
    let key = AccessKey {
        access_key_id: c.text(0)?,
        user: c.parsed(1, "a principal name", |s| PrincipalName::parse(s).ok())?,
        status: if c.bool(2)? {
            AccessKeyStatus::Enabled
        } else {
            AccessKeyStatus::Disabled
        },
        created_at: c.ts(3)?,
        created_by: c.text(4)?,
        principal_pk: c.int(5)?,
    };
    Ok((key, c.text(6)?))
}

// ---- tenant and principals ----

/// The columns of a principal, as [`principal_row`] reads them.
pub const PRINCIPAL_COLS: &str =
    "pk, id, name, kind, display_name, full_access, created_at, db_role";

/// A principal.
pub fn principal_row<R: StoredRow + ?Sized>(r: &R) -> Result<Principal> {
    let c = Cells::new(r, "principal", &[(0, "pk"), (2, "name")]);
    Ok(Principal {
        pk: c.int(0)?,
        id: c.parsed(1, "a principal id (digits)", |s| parse_principal_id(s).ok())?,
        name: c.parsed(2, "a principal name", |s| PrincipalName::parse(s).ok())?,
        kind: c.parsed(3, PrincipalKind::stored_what(), PrincipalKind::from_stored)?,
        display_name: c.opt_text(4)?,
        full_access: c.bool(5)?,
        created_at: c.ts(6)?,
        db_role: c.opt_parsed(7, "a database login", |s| parse_db_role(s).ok())?,
    })
}

/// The tenant (its one row).
pub fn tenant_row<R: StoredRow + ?Sized>(r: &R) -> Result<Tenant> {
    let c = Cells::fixed(r, "tenant", "singleton=1");
    Ok(Tenant {
        account_id: c.parsed(0, "an account id (digits)", |s| parse_principal_id(s).ok())?,
        region: c.parsed(1, "a region id", |s| parse_region(s).ok())?,
        created_at: c.ts(2)?,
    })
}

// ---- members ----

const ROLES_WHAT: &str =
    "a list of role codes joined by commas (e.g. role_project_dev,role_project_pe)";

/// A member's roles (column `roles`), status and expiry (columns `access` and
/// `access + 1`): `roles, ..., status, expires_at`.
pub fn membership<R: StoredRow + ?Sized>(
    c: &Cells<'_, '_, R>,
    roles: usize,
    access: usize,
) -> Result<Membership> {
    Ok(Membership {
        roles: c.parsed(roles, ROLES_WHAT, RoleSet::from_stored)?,
        status: c.parsed(
            access,
            MemberStatus::stored_what(),
            MemberStatus::from_stored,
        )?,
        expires_at: c.opt_ts(access + 1)?,
    })
}

/// The columns a membership named by ids is read from, as [`membership_by_ids`] reads
/// them (after the columns before `at`).
pub const MEMBERSHIP_COLS: &str = "roles, status, expires_at";

/// A membership read from [`MEMBERSHIP_COLS`] at column `at`, in a query that does not
/// join the names (the row is named by its ids).
pub fn membership_by_ids<R: StoredRow + ?Sized>(
    r: &R,
    at: usize,
    workspace_id: i64,
    principal_pk: i64,
) -> Result<Membership> {
    let ids = [
        ("workspace_id", workspace_id),
        ("principal_pk", principal_pk),
    ];
    membership(&Cells::by_ids(r, "member", ids), at, at + 1)
}

// ---- custom roles ----

/// The columns of a custom role (`r`) with its workspace's name (`w`), as
/// [`custom_role_row`] reads them.
pub const CUSTOM_ROLE_COLS: &str = "r.id, w.name, r.name, r.description, r.rights, \
    r.capabilities, r.created_at, r.created_by, r.updated_at";

/// A custom role; its rights and capabilities are stored comma-separated.
pub fn custom_role_row<R: StoredRow + ?Sized>(r: &R) -> Result<CustomRole> {
    let c = Cells::new(r, "custom_role", &[(0, "id")]);
    let id = c.int(0)?;
    let list = |i| -> Result<Vec<String>> {
        Ok(c.text(i)?
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect())
    };
    Ok(CustomRole {
        id,
        code: custom_code(id),
        workspace: c.text(1)?,
        name: c.parsed(2, "a role name", |s| parse_custom_name(s).ok())?,
        description: c.opt_text(3)?,
        rights: list(4)?,
        capabilities: list(5)?,
        created_at: c.ts(6)?,
        created_by: c.text(7)?,
        updated_at: c.ts(8)?,
    })
}

// ---- audit ----

/// The columns of an audit event, as [`event_row`] reads them.
pub const AUDIT_COLS: &str =
    "seq, at, actor, actor_id, action, workspace, target, outcome, details, hash";

pub fn event_row<R: StoredRow + ?Sized>(r: &R) -> Result<AuditEvent> {
    let c = Cells::new(r, "audit", &[(0, "seq")]);
    Ok(AuditEvent {
        seq: c.int(0)?,
        at: c.ts(1)?,
        actor: c.text(2)?,
        actor_id: c.text(3)?,
        action: c.text(4)?,
        workspace: c.opt_text(5)?,
        target: c.opt_text(6)?,
        outcome: c.text(7)?,
        details: c.json(8, "a JSON document")?,
        hash: c.text(9)?,
    })
}

/// The details of an event as stored (text, so that the hash reads the same bytes on
/// every backend).
pub fn details_text(e: &AuditEvent) -> String {
    serde_json::to_string(&e.details).unwrap_or_default()
}

/// `(seq, hash)` of an empty log: no event, and the chain's first `prev`.
pub fn empty_log() -> (i64, String) {
    (0, "0".repeat(64))
}

/// `(seq, hash)` of the newest event, from a row of those two columns.
pub fn audit_head<R: StoredRow + ?Sized>(r: &R) -> Result<(i64, String)> {
    Cells::new(r, "audit", &[(0, "seq")]).audit_head(0, 1)
}

// ---- resource groups ----

/// The columns of a resource group, as [`group_row`] reads them.
pub const GROUP_COLS: &str = "pk, id, name, type, spec, payment, duration, duration_unit, vpc, vswitch, remark, status, created_at, created_by";

fn duration_unit(s: &str) -> Option<String> {
    DurationUnit::from_stored(s).map(|u| u.as_str().to_string())
}

/// A resource group without its bindings.
pub fn group_row<R: StoredRow + ?Sized>(r: &R) -> Result<ResourceGroup> {
    let c = Cells::new(r, "resource_group", &[(1, "id"), (2, "name")]);
    let network = |i: usize, prefix: &str, what: &str| {
        c.opt_parsed(i, &format!("a {what} ({prefix}...)"), |s| {
            parse_network_id(s, prefix, what).ok()
        })
    };
    Ok(ResourceGroup {
        pk: c.int(0)?,
        id: c.parsed(1, "a resource group id", |s| {
            parse_group_ref(s)
                .ok()
                .filter(|id| id != s || GroupName::parse(s).is_err())
        })?,
        name: c.parsed(2, "a resource group name", |s| {
            GroupName::parse(s).ok().map(|n| n.to_string())
        })?,
        group_type: c.parsed(3, GroupType::stored_what(), GroupType::from_stored)?,
        spec: c.int_in(4, 2..=100_000)?,
        payment: c.parsed(5, Payment::stored_what(), Payment::from_stored)?,
        duration: c.opt_int_in(6, 1..=11)?,
        duration_unit: c.opt_parsed(7, DurationUnit::stored_what(), duration_unit)?,
        vpc: network(8, "vpc-", "VPC")?,
        vswitch: network(9, "vsw-", "vSwitch")?,
        remark: c.text(10)?,
        status: c.parsed(11, GroupStatus::stored_what(), GroupStatus::from_stored)?,
        workspaces: Vec::new(),
        created_at: c.ts(12)?,
        created_by: c.text(13)?,
    })
}

/// The group key of a binding row (column `i`).
pub fn binding_group<R: StoredRow + ?Sized>(r: &R, i: usize) -> Result<i64> {
    Cells::new(r, "binding", &[(i, "group_pk")]).int(i)
}

/// The name of a bound workspace (column `i`).
pub fn bound_name<R: StoredRow + ?Sized>(r: &R, i: usize) -> Result<String> {
    Cells::new(r, "workspace", &[(i, "name")]).text(i)
}

// ---- compute resources and data sources ----

const PROPS_WHAT: &str = "a JSON object of string values";

/// Properties as stored: a JSON object of string values.
pub fn props_text(p: &Option<Properties>) -> String {
    serde_json::to_string(&p.clone().unwrap_or_default()).unwrap_or_else(|_| "{}".into())
}

fn conn_mode(s: &str) -> Option<ConnMode> {
    ConnMode::ALL.into_iter().find(|m| m.as_str() == s)
}

const MODE_WHAT: &str = "a connection mode (instance, url, cdh)";

/// A type key of the type table (`compute`: one that can be a compute resource).
fn type_key(s: &str, compute: bool) -> Option<String> {
    types::lookup(s)
        .filter(|t| t.compute || !compute)
        .map(|_| s.to_string())
}

/// The connection mode, one that the row's type supports.
fn mode_of<R: StoredRow + ?Sized>(c: &Cells<R>, type_key: &str) -> Result<ConnMode> {
    let mode = c.parsed(5, MODE_WHAT, conn_mode)?;
    match types::lookup(type_key) {
        Some(t) if t.mode(mode).is_none() => Err(c.bad(
            5,
            format!(
                "{type_key} has no mode {mode} (its modes: {})",
                t.mode_names()
            ),
        )),
        _ => Ok(mode),
    }
}

/// A value of a table's own written column.
pub enum Written {
    Int(i64),
    Text(String),
}

/// What the two tables of connections differ in: their name, their own columns, and
/// how a row's own columns read. The columns they share come first, in one order
/// ([`SHARED_COLS`]).
pub trait ConnTable: Sized {
    const NOUN: &'static str;
    const TABLE: &'static str;
    /// Only types that can be compute resources.
    const COMPUTE_ONLY: bool;
    const TYPE_WHAT: &'static str;
    const NAME_WHAT: &'static str;
    /// The table's own columns (alias `t`), read from index [`OWN_AT`] on.
    const OWN_COLS: &'static str;
    /// The own columns written on insert and on save (the connectivity test is saved apart).
    const OWN_WRITTEN: &'static str;
    /// Listed by name then env (prod first); otherwise oldest first (creation order
    /// decides ties).
    const BY_NAME: bool;
    fn read<R: StoredRow + ?Sized>(c: &Cells<R>, at: usize) -> Result<Self>;
    /// The value of [`ConnTable::OWN_WRITTEN`].
    fn written(&self) -> Written;
}

/// The columns both tables share (alias `t`, the workspace `w`), in [`connection_row`]'s order.
pub const SHARED_COLS: &str =
    "t.pk, w.name, t.name, t.env, t.type, t.mode, t.properties, t.description, \
    t.created_at, t.created_by, t.updated_at, t.updated_by";
pub const OWN_AT: usize = 12;

impl ConnTable for AsCompute {
    const TABLE: &'static str = "compute";
    const NOUN: &'static str = "compute resource";
    const COMPUTE_ONLY: bool = true;
    const TYPE_WHAT: &'static str = "a compute resource type";
    const NAME_WHAT: &'static str = "a compute resource name";
    const OWN_COLS: &'static str = "t.is_default";
    const OWN_WRITTEN: &'static str = "is_default";
    const BY_NAME: bool = false;
    fn read<R: StoredRow + ?Sized>(c: &Cells<R>, at: usize) -> Result<Self> {
        Ok(AsCompute {
            is_default: c.bool(at)?,
        })
    }
    fn written(&self) -> Written {
        Written::Int(self.is_default.into())
    }
}

fn probe_state(s: &str) -> Option<ProbeState> {
    ProbeState::ALL.into_iter().find(|p| p.as_str() == s)
}

impl ConnTable for AsSource {
    const TABLE: &'static str = "datasource";
    const NOUN: &'static str = "data source";
    const COMPUTE_ONLY: bool = false;
    const TYPE_WHAT: &'static str = "a data source type";
    const NAME_WHAT: &'static str = "a data source name";
    const OWN_COLS: &'static str =
        "t.origin, t.test_state, t.test_at, t.test_latency_ms, t.test_message";
    const OWN_WRITTEN: &'static str = "origin";
    const BY_NAME: bool = true;
    fn read<R: StoredRow + ?Sized>(c: &Cells<R>, at: usize) -> Result<Self> {
        let origin = c.parsed(at, "manual or compute:NAME", Origin::from_stored)?;
        let state = c.opt_parsed(
            at + 1,
            "a connectivity state (connectable, unreachable, config_error, unsupported)",
            probe_state,
        )?;
        let last_test = match state {
            Some(state) => Some(LastTest {
                state,
                at: c.ts(at + 2)?,
                latency_ms: c.opt_int_in(at + 3, 0..=i64::MAX)?.map(|v| v as u64),
                message: c.opt_text(at + 4)?.unwrap_or_default(),
            }),
            None => None,
        };
        Ok(AsSource {
            origin,
            last_test,
            shared_from: None,
        })
    }
    fn written(&self) -> Written {
        Written::Text(self.origin.to_string())
    }
}

/// A compute resource or data source: [`SHARED_COLS`], then the table's own columns.
pub fn connection_row<K: ConnTable, R: StoredRow + ?Sized>(r: &R) -> Result<Connection<K>> {
    let c = Cells::new(r, K::TABLE, &[(1, "workspace"), (2, "name"), (3, "env")]);
    let type_key = c.parsed(4, K::TYPE_WHAT, |s| type_key(s, K::COMPUTE_ONLY))?;
    Ok(Connection {
        pk: c.int(0)?,
        workspace: WorkspaceName::from_stored(c.text(1)?),
        name: c.parsed(2, K::NAME_WHAT, |s| {
            ObjectName::parse(s, K::NOUN).ok().map(|n| n.to_string())
        })?,
        env: c.parsed(3, Env::stored_what(), Env::from_stored)?,
        mode: mode_of(&c, &type_key)?,
        type_key,
        properties: Some(c.json(6, PROPS_WHAT)?),
        description: c.text(7)?,
        kind: K::read(&c, OWN_AT)?,
        created_at: c.ts(8)?,
        created_by: c.text(9)?,
        updated_at: c.ts(10)?,
        updated_by: c.text(11)?,
    })
}
