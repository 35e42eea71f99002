//! The manifest's model: its declarations and how each value is read.
//!
//! The manifest module knows the *shape* of a manifest only. It rejects what no catalog could
//! accept whatever it holds (unknown keys, wrong value types, an unsupported version, the
//! same object listed twice); whether a name, a type or a role is valid is the planner's
//! business, which can use [`super::locate`] to point at the offending line.
//!
//! A key left out is `None` (or an empty list for `member`, `compute`, `datasource` and
//! `shares`):
//! "as it is" for an existing object, "the default" for a new one. Empty values are
//! values: `description = ""`, `tags = {}` and `resource_groups = []` say "none".

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::error::{Error, Result};
use crate::model::roles::{RoleCode, RoleSet};

/// The only manifest version this dwctl reads and writes.
pub const VERSION: u32 = 1;

/// The name errors use for a manifest read from standard input (`--file -`).
pub const STDIN_SOURCE: &str = "<stdin>";

/// What `export` writes for a workspace with no default resource group: an empty name.
/// `default_resource_group` left out means "as it is"; `""` means "none" (cleared). An
/// empty string cannot be a group name, whereas `none` (the word `workspace update` takes)
/// could be one.
pub const NO_DEFAULT_RESOURCE_GROUP: &str = "";

/// The two syntaxes of a manifest; both carry the same structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Json,
}

/// `.json` (any case) is JSON; everything else, stdin (`-`) included, is TOML, the format
/// `export` writes.
pub fn format_for_path(path: impl AsRef<Path>) -> Format {
    match path.as_ref().extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("json") => Format::Json,
        _ => Format::Toml,
    }
}

/// One step of a path into a manifest: a key of a table, or an index into a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

// What each table is called in "expected ..." messages. serde's `expecting` attribute takes
// a literal only, so these repeat the attributes below; a test keeps them equal.
pub(super) const EXPECT_MANIFEST: &str = "a dwctl manifest (a table with `version = 1`)";
pub(super) const EXPECT_PRINCIPAL: &str = "a principal table";
pub(super) const EXPECT_RESOURCE_GROUP: &str = "a resource group table";
pub(super) const EXPECT_WORKSPACE: &str = "a workspace table";
pub(super) const EXPECT_MEMBER: &str = "a member table";
pub(super) const EXPECT_COMPUTE: &str = "a compute table";
pub(super) const EXPECT_DATASOURCE: &str = "a datasource table";

/// A whole manifest. Field order here is the order both emitters write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a dwctl manifest (a table with `version = 1`)"
)]
pub struct Manifest {
    /// Always [`VERSION`] once parsed. (Read as 0 when missing, then reported: that way a
    /// missing version gets its own message instead of serde's "missing field".)
    #[serde(default, deserialize_with = "de_version")]
    pub version: u32,
    /// The region of the catalog it was exported from (`export` writes it): `plan` and
    /// `apply` refuse it in a catalog of another region. Left out, it applies anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default)]
    pub principal: Vec<PrincipalDecl>,
    #[serde(default)]
    pub resource_group: Vec<ResourceGroupDecl>,
    #[serde(default)]
    pub workspace: Vec<WorkspaceDecl>,
}

impl Default for Manifest {
    fn default() -> Self {
        Manifest {
            version: VERSION,
            region: None,
            principal: Vec::new(),
            resource_group: Vec::new(),
            workspace: Vec::new(),
        }
    }
}

/// One item of a manifest, as `export` reads them from the catalog and a [`Sink`] takes
/// them: principals, then resource groups, then workspaces. A workspace comes in three
/// parts, so that its members (a million, in a large tenant) go by one at a time:
/// `WorkspaceOpen` (its settings; its lists are not read), each `Member`, then
/// `WorkspaceClose` (its compute resources and data sources; its members are not read).
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    Principal(&'a PrincipalDecl),
    ResourceGroup(&'a ResourceGroupDecl),
    WorkspaceOpen(&'a WorkspaceDecl),
    Member(&'a MemberDecl),
    WorkspaceClose(&'a WorkspaceDecl),
}

impl<'a> Item<'a> {
    /// A whole workspace as its three parts.
    pub fn workspace(w: &'a WorkspaceDecl) -> impl Iterator<Item = Item<'a>> {
        std::iter::once(Item::WorkspaceOpen(w))
            .chain(w.member.iter().map(Item::Member))
            .chain(std::iter::once(Item::WorkspaceClose(w)))
    }
}

/// Where a manifest goes item by item: `head` once, then each [`Item`] in order. A
/// [`super::Writer`] writes them as they come (`export`); a [`Manifest`] keeps them.
pub trait Sink {
    fn head(&mut self, region: Option<&str>) -> Result<()>;
    fn item(&mut self, item: Item) -> Result<()>;
}

impl Sink for Manifest {
    fn head(&mut self, region: Option<&str>) -> Result<()> {
        self.region = region.map(str::to_string);
        Ok(())
    }
    fn item(&mut self, item: Item) -> Result<()> {
        match item {
            Item::Principal(p) => self.principal.push(p.clone()),
            Item::ResourceGroup(g) => self.resource_group.push(g.clone()),
            Item::WorkspaceOpen(w) => self.workspace.push(WorkspaceDecl {
                member: Vec::new(),
                compute: Vec::new(),
                datasource: Vec::new(),
                ..w.clone()
            }),
            Item::Member(mb) => match self.workspace.last_mut() {
                Some(w) => w.member.push(mb.clone()),
                None => return Err(Error::internal("a member before its workspace")),
            },
            Item::WorkspaceClose(w) => match self.workspace.last_mut() {
                Some(last) => {
                    last.compute = w.compute.clone();
                    last.datasource = w.datasource.clone();
                }
                None => return Err(Error::internal("a workspace closed before it opened")),
            },
        }
        Ok(())
    }
}

/// A principal of the tenant (domain.md 2). The account principal is implied, never listed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a principal table")]
pub struct PrincipalDecl {
    pub name: String,
    /// The principal's UID (digits). Optional: a new principal without one gets a
    /// generated id; an existing principal's id never changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_access: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The PostgreSQL login that acts as the principal on a shared catalog; `""` clears
    /// it. Only the account may set it. Export writes it only when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_role: Option<String>,
}

/// A resource group (domain.md 7).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a resource group table")]
pub struct ResourceGroupDecl {
    pub name: String,
    /// Its id (`Serverless_res_group_<digits>_<digits>`, ...), kept from another catalog or
    /// a real tenant (import). Optional: left out, a new group gets a generated id; an
    /// existing group's id never changes. `export` never writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    #[serde(
        default,
        deserialize_with = "de_opt_count",
        skip_serializing_if = "Option::is_none"
    )]
    pub spec: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<String>,
    #[serde(
        default,
        deserialize_with = "de_opt_count",
        skip_serializing_if = "Option::is_none"
    )]
    pub duration: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vswitch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
}

/// A workspace with its settings, bindings and contents (domain.md 3-6).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a workspace table")]
pub struct WorkspaceDecl {
    pub name: String,
    /// Its id, kept from another catalog or a real tenant (import). Optional: left out, a
    /// new one gets the next id; an existing one's id never changes. `export` never writes
    /// it (ids are the catalog's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sod_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev_role_disabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pai_tasks_enabled: Option<bool>,
    /// The groups bound to the workspace, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_groups: Option<Vec<String>>,
    /// `Some("")` ([`NO_DEFAULT_RESOURCE_GROUP`]) means "no default".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_resource_group: Option<String>,
    #[serde(
        default,
        deserialize_with = "de_opt_unique_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub tags: Option<BTreeMap<String, String>>,
    /// The workspace's custom roles (issue 16), declared before the members that hold
    /// them. Left out, they stay as they are; `export` writes them when there are any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_roles: Option<Vec<RoleDecl>>,
    /// The rules sharing its data sources into other workspaces (issue 16), applied
    /// after every workspace of the manifest (a target may come later). Left out, none
    /// (as for its members): `--prune` removes the undeclared ones; `export` writes them
    /// when there are any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shares: Vec<ShareDecl>,
    // The lists are written by `super::Writer`, one item at a time, after the settings.
    /// Members other than the owner (implied).
    #[serde(default, skip_serializing)]
    pub member: Vec<MemberDecl>,
    #[serde(default, skip_serializing)]
    pub compute: Vec<ComputeDecl>,
    /// Data sources other than those compute resources bring (implied).
    #[serde(default, skip_serializing)]
    pub datasource: Vec<DataSourceDecl>,
}

/// A custom role: its rights (names, `datasource.manage`) and capabilities (`develop`).
/// `code` keeps the code of an exported role (`base_role_N`); left out, one is generated.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a role table")]
pub struct RoleDecl {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default)]
    pub rights: Vec<String>,
    #[serde(default)]
    pub capabilities: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A data source of the workspace (its own, or one a compute resource brought) shared
/// into workspace `to` in its environment `env`, with the whole of `to` or, with `user`,
/// that member of it alone.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a share table")]
pub struct ShareDecl {
    pub datasource: String,
    pub env: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// A member and its full set of roles (codes or aliases), its expiry and status. Like
/// the roles, the entry is the whole membership: no `expires` means no expiry and no
/// `status` means `normal`, so applying a manifest that lacks them clears them.
///
/// Read as [`MemberFields`] (the same keys, errors and positions) and written the same
/// way. The expiry and status, which few members have, share one box: a member takes 48
/// bytes, as it did before it had them (a million-member manifest is held whole while it
/// is applied; issue 17, P14).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(from = "MemberFields")]
pub struct MemberDecl {
    pub user: String,
    pub roles: Roles,
    access: Option<Box<MemberAccess>>,
}

/// A member's `expires` and `status` as written, when it has either.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MemberAccess {
    expires: Option<String>,
    status: Option<String>,
}

/// The keys of a member table, as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, expecting = "a member table")]
struct MemberFields {
    user: String,
    roles: Roles,
    /// RFC 3339 (export writes `2026-12-31T23:59:59.999Z`) or a date (until the end of
    /// that day, UTC).
    #[serde(default)]
    expires: Option<String>,
    /// `normal` (the default, not written) or `suspended`.
    #[serde(default)]
    status: Option<String>,
}

impl From<MemberFields> for MemberDecl {
    fn from(f: MemberFields) -> Self {
        MemberDecl::new(f.user, f.roles).with_access(f.expires, f.status)
    }
}

impl MemberDecl {
    /// A member holding `roles`, with no `expires` and no `status`.
    pub fn new(user: String, roles: Roles) -> Self {
        MemberDecl {
            user,
            roles,
            access: None,
        }
    }

    /// The member with `expires` and `status` as given (`None`: not written).
    pub fn with_access(mut self, expires: Option<String>, status: Option<String>) -> Self {
        self.access = (expires.is_some() || status.is_some())
            .then(|| Box::new(MemberAccess { expires, status }));
        self
    }

    /// `expires` as written.
    pub fn expires(&self) -> Option<&str> {
        self.access.as_ref()?.expires.as_deref()
    }

    /// `status` as written.
    pub fn status(&self) -> Option<&str> {
        self.access.as_ref()?.status.as_deref()
    }
}

/// As the keys are read: `expires` and `status` only when written.
impl Serialize for MemberDecl {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("MemberDecl", 4)?;
        st.serialize_field("user", &self.user)?;
        st.serialize_field("roles", &self.roles)?;
        for (key, value) in [("expires", self.expires()), ("status", self.status())] {
            match value {
                Some(v) => st.serialize_field(key, v)?,
                None => st.skip_field(key)?,
            }
        }
        st.end()
    }
}

/// A member's roles, as written. Most lists are role codes, each once, as `export` writes
/// them: those are kept as the codes' numbers in the order written, so that a million
/// members do not hold a million lists of strings (issue 17). Anything else (an alias,
/// another case, a repeat, an unknown role, none) is kept as written, for the checks and
/// the planner to read and report.
#[derive(Clone)]
pub struct Roles(RolesRepr);

#[derive(Clone)]
enum RolesRepr {
    /// 4 bits a role, first written lowest: its index in [`RoleCode::ALL`] plus one.
    Codes(u64),
    /// Boxed: a member's roles take 16 bytes.
    Written(Box<[String]>),
}

impl Roles {
    /// The codes' list, or `None` when `roles` is not codes each given once.
    fn codes<'a>(roles: impl IntoIterator<Item = &'a str>) -> Option<u64> {
        let mut packed = 0u64;
        let mut seen = RoleSet::empty();
        for (i, role) in roles.into_iter().enumerate() {
            let n = RoleCode::ALL.iter().position(|r| r.code() == role)?;
            if seen.contains(RoleCode::ALL[n]) {
                return None;
            }
            seen.insert(RoleCode::ALL[n]);
            packed |= (n as u64 + 1) << (4 * i);
        }
        (packed != 0).then_some(packed)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        let (packed, written) = match &self.0 {
            RolesRepr::Codes(p) => (*p, &[][..]),
            RolesRepr::Written(w) => (0, &w[..]),
        };
        let codes = (0..16)
            .map(move |i| (packed >> (4 * i)) & 0xf)
            .take_while(|n| *n != 0)
            .map(|n| RoleCode::ALL[n as usize - 1].code());
        codes.chain(written.iter().map(String::as_str))
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The set the list names (codes or aliases, case-insensitively).
    pub fn to_set(&self) -> Result<RoleSet> {
        match &self.0 {
            RolesRepr::Codes(_) => Ok(RoleSet::of(
                &self
                    .iter()
                    .filter_map(|c| RoleCode::parse(c).ok())
                    .collect::<Vec<_>>(),
            )),
            RolesRepr::Written(w) => RoleSet::parse_list(w),
        }
    }
}

impl Default for Roles {
    fn default() -> Self {
        Roles(RolesRepr::Written(Box::default()))
    }
}

impl From<Vec<String>> for Roles {
    fn from(roles: Vec<String>) -> Self {
        match Roles::codes(roles.iter().map(String::as_str)) {
            Some(packed) => Roles(RolesRepr::Codes(packed)),
            None => Roles(RolesRepr::Written(roles.into())),
        }
    }
}

/// A set's codes in canonical order, as `export` writes them.
impl From<RoleSet> for Roles {
    fn from(set: RoleSet) -> Self {
        if !set.custom().is_empty() {
            return Roles(RolesRepr::Written(
                set.codes().into_iter().map(str::to_string).collect(),
            ));
        }
        match Roles::codes(set.iter().map(RoleCode::code)) {
            Some(packed) => Roles(RolesRepr::Codes(packed)),
            None => Roles::default(),
        }
    }
}

impl PartialEq for Roles {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Roles {}

impl fmt::Debug for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Roles {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Read as a list of strings is (same errors), without a string for each code.
impl<'de> Deserialize<'de> for Roles {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct List;
        impl<'de> Visitor<'de> for List {
            type Value = Roles;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Roles, A::Error> {
                let mut b = Builder::default();
                while seq.next_element_seed(&mut b)?.is_some() {}
                Ok(match b.written {
                    Some(w) => Roles(RolesRepr::Written(w.into())),
                    None if b.packed != 0 => Roles(RolesRepr::Codes(b.packed)),
                    None => Roles::default(),
                })
            }
        }
        /// The roles read so far: codes while they are, else every one as written.
        #[derive(Default)]
        struct Builder {
            packed: u64,
            len: usize,
            written: Option<Vec<String>>,
        }
        impl Builder {
            fn add(&mut self, role: &str) {
                if self.written.is_none() {
                    let code = RoleCode::ALL.iter().position(|r| r.code() == role);
                    match code {
                        Some(n) if !self.iter_packed().any(|k| k == n as u64 + 1) => {
                            self.packed |= (n as u64 + 1) << (4 * self.len);
                            self.len += 1;
                            return;
                        }
                        _ => {
                            let before = Roles(RolesRepr::Codes(self.packed));
                            let mut w: Vec<String> = Vec::new();
                            if self.packed != 0 {
                                w.extend(before.iter().map(str::to_string));
                            }
                            self.written = Some(w);
                        }
                    }
                }
                if let Some(w) = &mut self.written {
                    w.push(role.to_string());
                }
            }
            fn iter_packed(&self) -> impl Iterator<Item = u64> + '_ {
                (0..self.len).map(move |i| (self.packed >> (4 * i)) & 0xf)
            }
        }
        impl<'de> de::DeserializeSeed<'de> for &mut Builder {
            type Value = ();
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
                d.deserialize_string(self)
            }
        }
        impl<'de> Visitor<'de> for &mut Builder {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<(), E> {
                self.add(v);
                Ok(())
            }
        }
        d.deserialize_seq(List)
    }
}

/// A compute resource; it brings a data source of the same name, which is not listed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a compute table")]
pub struct ComputeDecl {
    pub name: String,
    /// Its id, kept from another catalog or a real tenant (import). Optional: left out, a
    /// new one gets the next id; an existing one's id never changes. `export` never writes
    /// it (ids are the catalog's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// The id of the data source it brings (a data source id), kept as `id` is (import):
    /// optional, never changes, never exported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datasource_id: Option<i64>,
    #[serde(rename = "type")]
    pub type_: String,
    pub env: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(
        default,
        deserialize_with = "de_opt_unique_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub properties: Option<BTreeMap<String, PropValue>>,
    /// Whether it is the default compute resource of its type in its environment
    /// (`true` makes it so, like `compute set-default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A data source that no compute resource created.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a datasource table")]
pub struct DataSourceDecl {
    pub name: String,
    /// Its id, kept from another catalog or a real tenant (import). Optional: left out, a
    /// new one gets the next id; an existing one's id never changes. `export` never writes
    /// it (ids are the catalog's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    #[serde(rename = "type")]
    pub type_: String,
    pub env: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(
        default,
        deserialize_with = "de_opt_unique_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub properties: Option<BTreeMap<String, PropValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A property value: the value itself, or where to read it (secrets are never written into
/// a manifest by `export`). Written `"v"`, `{ env = "VAR" }` or `{ file = "PATH" }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PropValue {
    Plain(String),
    /// The value of this environment variable, at apply time.
    Env(String),
    /// The content of this file, at apply time.
    File(String),
}

const PROP_EXPECTED: &str = "a string, { env = \"VAR\" } or { file = \"PATH\" }";

impl Serialize for PropValue {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            PropValue::Plain(v) => s.serialize_str(v),
            PropValue::Env(v) | PropValue::File(v) => {
                let key = if matches!(self, PropValue::Env(_)) {
                    "env"
                } else {
                    "file"
                };
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry(key, v)?;
                map.end()
            }
        }
    }
}

/// Written by hand rather than `#[serde(untagged)]`, whose only error is "data did not
/// match any variant", which does not say what is accepted.
impl<'de> Deserialize<'de> for PropValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(PropValueVisitor)
    }
}

struct PropValueVisitor;

impl<'de> Visitor<'de> for PropValueVisitor {
    type Value = PropValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(PROP_EXPECTED)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<PropValue, E> {
        Ok(PropValue::Plain(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<PropValue, E> {
        Ok(PropValue::Plain(v))
    }

    /// The API's address lists (`address = [{ host = "db", port = 3306 }]`, ports numbers
    /// or strings): dwctl's `host:port,host:port`
    /// (`model::api_datasource` documents the mapping).
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<PropValue, A::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Port {
            N(u64),
            S(String),
        }
        #[derive(Deserialize)]
        struct Item {
            host: String,
            port: Option<Port>,
        }
        let mut parts = Vec::new();
        loop {
            let item = seq.next_element::<Item>().map_err(|_| {
                de::Error::custom(format!(
                    "a list as a property value is an address list of {{ host = \"...\", port = N }} tables; otherwise expected {PROP_EXPECTED}"
                ))
            })?;
            let Some(Item { host, port }) = item else {
                break;
            };
            let host = if host.contains(':') && !host.starts_with('[') {
                format!("[{host}]")
            } else {
                host
            };
            parts.push(match port {
                None => host,
                Some(Port::N(n)) => format!("{host}:{n}"),
                Some(Port::S(p)) => format!("{host}:{p}"),
            });
        }
        if parts.is_empty() {
            return Err(de::Error::custom(format!(
                "empty list as a property value, expected {PROP_EXPECTED}"
            )));
        }
        Ok(PropValue::Plain(parts.join(",")))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<PropValue, A::Error> {
        let mut found: Option<PropValue> = None;
        while let Some(key) = map.next_key::<String>()? {
            let make: fn(String) -> PropValue = match key.as_str() {
                "env" => PropValue::Env,
                "file" => PropValue::File,
                other => {
                    return Err(de::Error::custom(format!(
                        "unknown key `{other}` in a property value, expected {PROP_EXPECTED}"
                    )))
                }
            };
            if found.is_some() {
                return Err(de::Error::custom(format!(
                    "a property value takes exactly one of `env` and `file`, expected {PROP_EXPECTED}"
                )));
            }
            let value: String = map.next_value()?;
            if value.is_empty() {
                return Err(de::Error::custom(format!(
                    "`{key}` is empty, expected {}",
                    if key == "env" {
                        "the name of an environment variable"
                    } else {
                        "a file path"
                    }
                )));
            }
            found = Some(make(value));
        }
        found.ok_or_else(|| {
            de::Error::custom(format!(
                "empty table as a property value, expected {PROP_EXPECTED}"
            ))
        })
    }
}

// Field deserializers

/// Checks the version where it is written, so the error points at the value.
fn de_version<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<u32, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = u32;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "the manifest version, the integer {VERSION}")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<u32, E> {
            if v == i64::from(VERSION) {
                Ok(VERSION)
            } else {
                Err(unsupported_version(v))
            }
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<u32, E> {
            if v == u64::from(VERSION) {
                Ok(VERSION)
            } else {
                Err(unsupported_version(v))
            }
        }
    }
    fn unsupported_version<E: de::Error>(v: impl fmt::Display) -> E {
        E::custom(format!(
            "unsupported manifest version {v}, expected {VERSION} (the only version this dwctl reads)"
        ))
    }
    d.deserialize_any(V)
}

/// `Option<u32>` with an error that says "whole number" rather than serde's "u32"; JSON
/// `null` is "left out", as for every optional key.
fn de_opt_count<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<u32>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<u32>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a whole number from 0 to 4294967295")
        }
        fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(
            self,
            d: D,
        ) -> std::result::Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Self::Value, E> {
            u32::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Self::Value, E> {
            u32::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }
    }
    d.deserialize_option(V)
}

/// A map that refuses a repeated key. TOML parsers already do; serde_json would silently
/// keep the last one, and a manifest that says two things must not pick one.
fn de_opt_unique_map<'de, D, T>(d: D) -> std::result::Result<Option<BTreeMap<String, T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
        type Value = Option<BTreeMap<String, T>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a table of keys and values")
        }
        fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(
            self,
            d: D,
        ) -> std::result::Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
        fn visit_map<A: MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<String>()? {
                if out.contains_key(&key) {
                    return Err(de::Error::custom(format!("duplicate key `{key}`")));
                }
                let value = map.next_value()?;
                out.insert(key, value);
            }
            Ok(Some(out))
        }
    }
    d.deserialize_option(V(std::marker::PhantomData))
}
