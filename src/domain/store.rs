//! The storage interface the domain owns: what one transaction on a catalog can do, in
//! the model's types. A backend (today `crate::storage::sqlite`) implements it; the domain
//! names only these traits, never a backend, so a second backend (PostgreSQL) is a new
//! folder under `src/storage/` and changes nothing here or above.
//!
//! Calls go through `dyn` (a command's cost is its SQL, not a virtual call): a
//! transaction is a `&mut dyn Tx`, visitors are `&mut dyn FnMut`.

use std::collections::HashMap;

use crate::model::access_key::AccessKey;
use crate::model::audit::AuditEvent;
use crate::model::clock::Timestamp;
use crate::model::error::Result;
use crate::model::resource_group::ResourceGroup;
use crate::model::resources::{Compute, DataSource, LastTest, Share};
use crate::model::roles::{CustomRole, RoleSet};
use crate::model::{
    Env, Member, MemberStatus, Membership, Mode, Principal, Status, Tenant, Workspace,
};

/// A catalog: opens the one transaction of a command.
pub trait Catalog {
    /// Start the one IMMEDIATE transaction of a mutating command (exit 7 when the
    /// catalog is read-only).
    fn write(&mut self) -> Result<Box<dyn Tx + '_>>;

    /// A read transaction: one consistent snapshot for the whole command.
    fn read(&mut self) -> Result<Box<dyn Tx + '_>>;

    /// Remember the signature nonce `nonce` of AccessKey `key_id` for `ttl` (by the
    /// catalog's clock when it has one), or say it was seen: `false` when it is remembered
    /// and not yet expired, a replay. Atomic on its own, outside any command's transaction
    /// (so never waiting for the catalog's write lock): of two servers given one nonce at
    /// once, exactly one is told `true`. Expired nonces are purged as it goes. `dwctl
    /// serve` keeps them here on a shared (PostgreSQL) catalog; see README "Serving the
    /// DataWorks API".
    fn remember_nonce(
        &mut self,
        key_id: &str,
        nonce: &str,
        ttl: std::time::Duration,
    ) -> Result<bool>;
}

/// A transaction on a catalog: every read and write the domain needs. Dropping it without
/// `commit` rolls it back.
pub trait Tx:
    PrincipalStore
    + WorkspaceStore
    + RoleStore
    + ResourceStore
    + GroupStore
    + AuditStore
    + AccessKeyStore
{
    /// Check the catalog's storage is sound: exit 7 naming the first problem if not.
    fn quick_check(&self) -> Result<()>;

    /// The database login this transaction runs as, when the catalog's server
    /// authenticates one (PostgreSQL's `current_user`); `None` on a file, where `--as`
    /// chooses the actor (README "Who is acting").
    fn login(&self) -> Result<Option<String>>;

    fn commit(self: Box<Self>) -> Result<()>;

    fn rollback(self: Box<Self>) -> Result<()>;

    /// Savepoints let a refused or denied change be undone while its audit event is kept.
    fn savepoint(&mut self) -> Result<()>;

    fn rollback_to_savepoint(&mut self) -> Result<()>;

    fn release_savepoint(&mut self) -> Result<()>;

    /// The catalog's clock, when it has one that every client shares (PostgreSQL's server
    /// clock, read once per transaction after the write lock): event times and retention
    /// use it, so that admins with skewed clocks do not disorder the log. `None` (a file)
    /// means the machine's clock.
    fn now(&self) -> Result<Option<Timestamp>> {
        Ok(None)
    }

    /// Move the counter of `ids` to at least `last`, so that an object created without an
    /// id gets one above it (ids only increase: a smaller `last` changes nothing). `apply`
    /// reserves the ids its manifest declares this way before it creates anything.
    fn reserve_ids(&self, ids: IdCounter, last: i64) -> Result<()>;
}

/// The never-reused id sequences: workspace, compute resource and data source ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdCounter {
    Workspace,
    Compute,
    DataSource,
    /// Custom roles (their codes are `base_role_ID`).
    Role,
}

impl IdCounter {
    /// The table whose ids it counts (SQLite's `sqlite_sequence` name, PostgreSQL's
    /// `dwctl_meta` key without `_seq`).
    pub fn table(self) -> &'static str {
        match self {
            IdCounter::Workspace => "workspace",
            IdCounter::Compute => "compute",
            IdCounter::DataSource => "datasource",
            IdCounter::Role => "custom_role",
        }
    }
}

/// Filters of `workspace list`, applied in SQL.
#[derive(Debug, Default, Clone)]
pub struct WorkspaceFilter {
    pub include_deleted: bool,
    pub status: Option<Status>,
    pub mode: Option<Mode>,
    /// Only workspaces with every one of these tags (key and value exactly).
    pub tags: Vec<(String, String)>,
    /// Only names that may start with this text, case-insensitively (a superset: the
    /// caller keeps those that do, as it defines "start with").
    pub name_prefix: Option<String>,
}

/// Filters of `audit list`.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub workspace: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// When set, only events of these workspaces (the actor's audit visibility).
    pub visible_workspaces: Option<Vec<String>>,
    pub limit: Option<u64>,
}

/// The tenant and its principals.
pub trait PrincipalStore {
    /// The tenant. Every command reads it first, so a file whose schema or tenant row is
    /// missing is reported here as a damaged catalog (exit 7), not as a bug.
    fn tenant(&self) -> Result<Tenant>;

    fn insert_tenant(&self, t: &Tenant) -> Result<()>;

    /// A principal by name (case-insensitively) or id. Names are never all digits and ids
    /// always are, so one lookup cannot match two principals.
    fn principal(&self, name_or_id: &str) -> Result<Option<Principal>>;

    fn account(&self) -> Result<Principal>;

    fn principal_by_pk(&self, pk: i64) -> Result<Option<Principal>>;

    /// The principal mapped to a database login (exactly: logins are case-sensitive).
    fn principal_by_db_role(&self, login: &str) -> Result<Option<Principal>>;

    fn principal_id_taken(&self, id: &str) -> Result<bool>;

    /// Every principal, in [`PrincipalStore::for_each_principal`]'s order, collected.
    fn principals(&self) -> Result<Vec<Principal>> {
        let mut all = Vec::new();
        self.for_each_principal(&mut |p| {
            all.push(p);
            Ok(())
        })?;
        Ok(all)
    }

    /// Every principal, the account first, then by name: each row is handed to `visit`
    /// as it is read, so that a whole-tenant list is never held in memory.
    fn for_each_principal(&self, visit: &mut dyn FnMut(Principal) -> Result<()>) -> Result<()>;

    /// The principals whose names may start with `prefix` (case-insensitively: a superset
    /// the caller narrows), read by a range of the name's index, in `principals`' order.
    fn principals_from(&self, prefix: &str) -> Result<Vec<Principal>>;

    /// The principals that are members of one workspace (the account included), read by
    /// the member key and each principal's key: what `export W` needs, not the tenant.
    fn member_principals(&self, workspace_id: i64) -> Result<Vec<Principal>>;

    fn insert_principal(&self, p: &Principal) -> Result<i64>;

    fn update_principal(&self, p: &Principal) -> Result<()>;

    fn delete_principal(&self, pk: i64) -> Result<()>;
}

/// Workspaces, their tags, members and resource-group bindings.
pub trait WorkspaceStore {
    /// A workspace by name, case-insensitively, whatever its status.
    fn workspace(&self, name: &str) -> Result<Option<Workspace>>;

    fn workspace_name_by_id(&self, id: i64) -> Result<Option<String>>;

    fn workspaces(&self, f: &WorkspaceFilter) -> Result<Vec<Workspace>>;

    /// Insert with `w.id` as its id, or (0) the next id; returns the id.
    fn insert_workspace(&self, w: &Workspace) -> Result<i64>;

    /// Write every mutable field of a workspace (the domain decided what changes).
    fn save_workspace(&self, w: &Workspace) -> Result<()>;

    /// Purge: the workspace and everything in it (cascades); audit events stay.
    fn purge_workspace(&self, id: i64) -> Result<()>;

    /// Release every resource-group binding of a workspace (on delete).
    fn unbind_all(&self, workspace_id: i64) -> Result<usize>;

    // ---- members ----
    /// The principal's membership of one workspace (`None` when not a member): what
    /// decides what it grants (`policy::granted`, with the clock).
    fn membership(&self, workspace_id: i64, principal_pk: i64) -> Result<Option<Membership>>;

    /// The principal's memberships of every workspace, by workspace id.
    fn memberships_everywhere(&self, principal_pk: i64) -> Result<HashMap<i64, Membership>>;

    fn member(&self, workspace_id: i64, principal_pk: i64) -> Result<Option<Member>>;

    fn members(&self, workspace_id: i64) -> Result<Vec<Member>>;

    /// Every member's principal key and membership (roles, status, expiry): what
    /// comparing a manifest needs, without the rest of the member view (apply compares
    /// 100,000 of them).
    fn memberships(&self, workspace_id: i64) -> Result<Vec<(i64, Membership)>>;

    /// Visit members one at a time (large lists stream to the output).
    fn for_each_member(
        &self,
        workspace_id: i64,
        f: &mut dyn FnMut(Member) -> Result<()>,
    ) -> Result<()>;

    /// The members of one workspace whose names may start with `prefix`
    /// (case-insensitively: a superset the caller narrows), for completion: read by the
    /// principal's name range, each looked up by the member key, so that a TAB costs what
    /// the prefix matches, not the size of the workspace.
    fn members_from(&self, workspace_id: i64, prefix: &str) -> Result<Vec<Member>>;

    /// Names of the workspaces (any status) where the principal is a member.
    fn memberships_of(&self, principal_pk: i64) -> Result<Vec<String>>;

    fn insert_member(
        &self,
        workspace_id: i64,
        principal_pk: i64,
        m: &Membership,
        at: Timestamp,
        by: &str,
    ) -> Result<()>;

    fn set_member_roles(&self, workspace_id: i64, principal_pk: i64, roles: RoleSet) -> Result<()>;

    /// Set a member's status and expiry (`member suspend`/`resume`/`update`).
    fn set_member_access(
        &self,
        workspace_id: i64,
        principal_pk: i64,
        status: MemberStatus,
        expires_at: Option<Timestamp>,
    ) -> Result<()>;

    fn delete_member(&self, workspace_id: i64, principal_pk: i64) -> Result<()>;

    /// Members of a workspace holding every role of `all_of` (for separation-of-duties).
    fn members_holding(&self, workspace_id: i64, all_of: RoleSet) -> Result<Vec<String>>;
}

/// The custom roles of workspaces (issue 16).
pub trait RoleStore {
    /// The custom roles of one workspace, by id (creation order).
    fn custom_roles(&self, workspace_id: i64) -> Result<Vec<CustomRole>>;

    /// Insert with `r.id` as its id, or (0) the next id; returns the id.
    fn insert_custom_role(&self, workspace_id: i64, r: &CustomRole) -> Result<i64>;

    /// Whether a custom role (of any workspace) has the id.
    fn custom_role_id_taken(&self, id: i64) -> Result<bool>;

    /// Write a role's description, rights, capabilities and update time.
    fn save_custom_role(&self, r: &CustomRole) -> Result<()>;

    fn delete_custom_role(&self, id: i64) -> Result<()>;
}

/// Compute resources and data sources of a workspace.
pub trait ResourceStore {
    /// Compute resources of a workspace named `name` (case-insensitively), in one or both envs.
    fn computes_named(&self, ws: i64, name: &str, env: Option<Env>) -> Result<Vec<Compute>>;

    /// Compute resources of a workspace, oldest first (creation order decides ties).
    fn computes(&self, ws: i64, env: Option<Env>) -> Result<Vec<Compute>>;

    /// The compute resources of one workspace whose names may start with `prefix`
    /// (case-insensitively: a superset the caller narrows), for completion, in `computes`'
    /// order: a range of the names in each environment.
    fn computes_from(&self, ws: i64, prefix: &str) -> Result<Vec<Compute>>;

    fn has_compute_of_type(&self, ws: i64, env: Env, type_key: &str) -> Result<bool>;

    /// Insert with `c.pk` as its id, or (0) the next id; returns the id.
    fn insert_compute(&self, ws: i64, c: &Compute) -> Result<i64>;

    /// Whether a compute resource (of any workspace) has the id.
    fn compute_id_taken(&self, id: i64) -> Result<bool>;

    fn save_compute(&self, c: &Compute) -> Result<()>;

    fn delete_compute(&self, pk: i64) -> Result<()>;

    fn datasources_named(&self, ws: i64, name: &str, env: Option<Env>) -> Result<Vec<DataSource>>;

    /// Data sources of a workspace, by name then env (prod first).
    fn datasources(&self, ws: i64, env: Option<Env>) -> Result<Vec<DataSource>>;

    /// The data sources of one workspace whose names may start with `prefix`, as
    /// `computes_from` reads compute resources, in `datasources`' order.
    fn datasources_from(&self, ws: i64, prefix: &str) -> Result<Vec<DataSource>>;

    /// Insert with `d.pk` as its id, or (0) the next id; returns the id.
    fn insert_datasource(&self, ws: i64, d: &DataSource) -> Result<i64>;

    /// Whether a data source (of any workspace) has the id.
    fn datasource_id_taken(&self, id: i64) -> Result<bool>;

    fn save_datasource(&self, d: &DataSource) -> Result<()>;

    fn delete_datasource(&self, pk: i64) -> Result<()>;

    fn save_test(&self, pk: i64, t: &LastTest) -> Result<()>;

    // ---- shared data sources ----
    /// The share rules matching every filter given, by id.
    fn shares(&self, f: &ShareFilter) -> Result<Vec<Share>>;

    /// Insert a rule with the next id (one above the highest); returns the id.
    fn insert_share(&self, s: &Share) -> Result<i64>;

    fn delete_share(&self, id: i64) -> Result<()>;
}

/// Which share rules [`ResourceStore::shares`] reads: those matching every field given.
#[derive(Debug, Default, Clone, Copy)]
pub struct ShareFilter {
    pub id: Option<i64>,
    /// Of this data source (its row's key).
    pub datasource: Option<i64>,
    /// Of the data sources of this workspace.
    pub source: Option<i64>,
    /// Into this workspace.
    pub target: Option<i64>,
}

/// Resource groups and their bindings.
pub trait GroupStore {
    /// A group by name or id, case-insensitively.
    fn resource_group(&self, name_or_id: &str) -> Result<Option<ResourceGroup>>;

    /// A group by name or id, case-insensitively, without the workspaces bound to it
    /// (`apply` compares a declared group's settings, not its thousands of bindings).
    fn resource_group_unbound(&self, name_or_id: &str) -> Result<Option<ResourceGroup>>;

    /// A group by name, case-insensitively, without the workspaces bound to it (an export
    /// of some workspaces needs only the groups they use).
    fn resource_group_named(&self, name: &str) -> Result<Option<ResourceGroup>>;

    fn resource_groups(&self) -> Result<Vec<ResourceGroup>>;

    /// The resource groups whose names may start with `prefix` (case-insensitively: a
    /// superset the caller narrows), by a range of the name's index, without their
    /// bindings: what completion shows of them.
    fn resource_groups_from(&self, prefix: &str) -> Result<Vec<ResourceGroup>>;

    fn resource_group_id_taken(&self, id: &str) -> Result<bool>;

    fn insert_resource_group(&self, g: &ResourceGroup) -> Result<i64>;

    fn save_resource_group(&self, g: &ResourceGroup) -> Result<()>;

    fn delete_resource_group(&self, pk: i64) -> Result<()>;

    fn insert_binding(
        &self,
        group_pk: i64,
        workspace_id: i64,
        at: Timestamp,
        by: &str,
    ) -> Result<()>;

    fn delete_binding(&self, group_pk: i64, workspace_id: i64) -> Result<()>;
}

/// The audit log (hash-chained; events are only appended).
pub trait AuditStore {
    /// The seq and hash of the newest event ((0, 64 zeros) for an empty log), cached for
    /// the transaction so that `apply` does not look it up per event.
    fn last_audit(&mut self) -> Result<(i64, String)>;

    /// The seq and hash of the newest event as stored ((0, 64 zeros) for an empty log).
    fn newest_audit(&self) -> Result<(i64, String)>;

    fn insert_audit(&mut self, e: &AuditEvent) -> Result<()>;

    /// Visit matching events, oldest first (the newest `limit` of them when limited).
    fn for_each_audit(
        &self,
        f: &AuditFilter,
        visit: &mut dyn FnMut(AuditEvent) -> Result<()>,
    ) -> Result<()>;

    /// Every event in order, for `audit verify`.
    fn for_each_event(&self, visit: &mut dyn FnMut(AuditEvent) -> Result<()>) -> Result<()>;
}

/// AccessKey pairs of principals (`dwctl user accesskey`, `dwctl serve`).
pub trait AccessKeyStore {
    /// One key by id, with its secret (the server checks signatures with it).
    fn access_key(&self, id: &str) -> Result<Option<(AccessKey, String)>>;

    /// The keys of one principal, oldest first; never their secrets.
    fn access_keys_of(&self, principal_pk: i64) -> Result<Vec<AccessKey>>;

    /// Every key whose id starts with `prefix` (shell completion), by id; never secrets.
    fn access_keys_from(&self, prefix: &str) -> Result<Vec<AccessKey>>;

    fn insert_access_key(&self, k: &AccessKey, secret: &str) -> Result<()>;

    fn set_access_key_enabled(&self, id: &str, enabled: bool) -> Result<()>;

    fn delete_access_key(&self, id: &str) -> Result<()>;
}
