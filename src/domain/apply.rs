//! Declarative manifests: export the catalog as a manifest, and converge the catalog to one
//! (cli.md 8). Every change goes through the same domain function as the single command
//! that makes it, so every right and rule is checked exactly once, in one place. `plan` is
//! `apply` run in a transaction that is rolled back.

use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use super::member::{self, AccessChange, RoleChange};
use super::policy::{self, Action, Grants};
use super::principal::{self, NewPrincipal, PrincipalUpdate};
use super::resource_group::{self as rg, GroupUpdate, NewGroup};
use super::resources::{self as res, ConnectionKind, NewObject, PropChange};
use super::session::Session;
use super::share;
use super::store::{IdCounter, ShareFilter, Tx};
use super::tenant;
use super::types::validate::validate_open;
use super::workspace::{self, NewWorkspace, WorkspaceUpdate};
use crate::manifest::{
    secret_env_name, ComputeDecl, DataSourceDecl, Item, Manifest, MemberDecl, PrincipalDecl,
    PropValue, ResourceGroupDecl, RoleDecl, ShareDecl, Sink, Step, WorkspaceDecl,
    NO_DEFAULT_RESOURCE_GROUP,
};
use crate::model::api_datasource::{api_env, canonical_key, insert_once, ENV_TYPE};
use crate::model::clock::{Expiry, Timestamp};
use crate::model::error::{Error, Result};
use crate::model::resource_group::{is_group_id, DurationUnit, GroupType, Payment};
use crate::model::resources::{AsCompute, AsSource, Connection};
use crate::model::roles::RoleCode;
use crate::model::types::{self, resolve_type, ConnMode, Properties};
use crate::model::{
    named, parse_db_role, parse_principal_id, parse_tag_key, parse_tag_value, shown, DisplayName,
    Env, GroupName, MemberStatus, Membership, Mode, ObjectName, Principal, PrincipalDisplayName,
    PrincipalKind, PrincipalName, Remark, SodPolicy, Status, Workspace, WorkspaceName,
};

/// What a change of a plan does to its object; written `create`, `update`, `delete`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Create,
    Update,
    Delete,
}

impl Op {
    /// The sign of its line: `+`, `~`, `-`.
    pub fn sign(self) -> char {
        match self {
            Op::Create => '+',
            Op::Update => '~',
            Op::Delete => '-',
        }
    }
}

/// One change of a plan (cli.md 3, the `plan change` object). Written with its
/// [`PlanChange::line`] first, as `change`: made when written, not kept for each of the
/// million changes a large apply holds.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanChange {
    pub op: Op,
    pub kind: &'static str,
    pub workspace: Option<String>,
    pub name: String,
    pub env: Option<Env>,
    pub fields: Vec<String>,
}

impl Serialize for PlanChange {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut o = s.serialize_struct("PlanChange", 7)?;
        o.serialize_field("change", &self.line())?;
        o.serialize_field("op", &self.op)?;
        o.serialize_field("kind", self.kind)?;
        o.serialize_field("workspace", &self.workspace)?;
        o.serialize_field("name", &self.name)?;
        o.serialize_field("env", &self.env)?;
        o.serialize_field("fields", &self.fields)?;
        o.end()
    }
}

impl PlanChange {
    /// `+ member finance_tax_report/alice`, as the plan prints it.
    pub fn line(&self) -> String {
        let mut s = format!("{} {} ", self.op.sign(), self.kind);
        if let Some(w) = &self.workspace {
            s.push_str(w);
            s.push('/');
        }
        s.push_str(&self.name);
        if let Some(e) = self.env {
            s.push_str(&format!(" ({e})"));
        }
        if !self.fields.is_empty() {
            s.push_str(&format!(": {}", self.fields.join(", ")));
        }
        s
    }

    /// A basic workspace turned standard: it cannot be undone, so `apply` asks first.
    pub fn is_upgrade(&self) -> bool {
        self.kind == "workspace" && self.op == Op::Update && self.fields.iter().any(|f| f == "mode")
    }
}

/// The changes of a plan, in order. A large apply makes a million of them (issue 17), held
/// until the transaction commits: each is kept in a few bytes, its names in one string,
/// and made a [`PlanChange`] only when read.
#[derive(Debug, Default)]
pub struct Changes {
    items: Vec<Compact>,
    /// The names of every change, one after another.
    text: String,
    /// The distinct kinds and lists of fields the changes use (a handful).
    kinds: Vec<&'static str>,
    fields: Vec<Vec<String>>,
}

/// One change of [`Changes`]: its names as spans of [`Changes::text`].
#[derive(Debug, Clone, Copy)]
struct Compact {
    /// `(start, len)` in the text; a change outside a workspace has none.
    workspace: Option<(u32, u32)>,
    name: (u32, u32),
    fields: u16,
    op: Op,
    kind: u8,
    env: Option<Env>,
}

/// The index of `value` in `list`, added at the end when new: a list of a few items.
fn interned<T: PartialEq>(list: &mut Vec<T>, value: T) -> usize {
    match list.iter().position(|v| *v == value) {
        Some(i) => i,
        None => {
            list.push(value);
            list.len() - 1
        }
    }
}

impl Changes {
    fn push(
        &mut self,
        op: Op,
        kind: &'static str,
        ws: Option<&str>,
        name: &str,
        env: Option<Env>,
        fields: Vec<String>,
    ) {
        // A workspace's changes follow one another: its name is written once for them.
        let workspace = ws.map(|ws| match self.items.last().and_then(|c| c.workspace) {
            Some(span) if self.span(span) == ws => span,
            _ => self.add_text(ws),
        });
        let name = self.add_text(name);
        let fields = if fields.is_empty() {
            0
        } else {
            interned(&mut self.fields, fields) + 1
        };
        self.items.push(Compact {
            workspace,
            name,
            fields: u16::try_from(fields).expect("a few lists of fields"),
            op,
            kind: u8::try_from(interned(&mut self.kinds, kind)).expect("a few kinds"),
            env,
        });
    }

    fn add_text(&mut self, s: &str) -> (u32, u32) {
        let start = u32::try_from(self.text.len()).expect("a plan's names fit in 4 GiB");
        self.text.push_str(s);
        (start, s.len() as u32)
    }

    fn span(&self, (start, len): (u32, u32)) -> &str {
        &self.text[start as usize..(start + len) as usize]
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many changes do `op`.
    pub fn count(&self, op: Op) -> usize {
        self.items.iter().filter(|c| c.op == op).count()
    }

    pub fn iter(&self) -> impl Iterator<Item = PlanChange> + '_ {
        self.items.iter().map(|c| PlanChange {
            op: c.op,
            kind: self.kinds[c.kind as usize],
            workspace: c.workspace.map(|w| self.span(w).to_string()),
            name: self.span(c.name).to_string(),
            env: c.env,
            fields: match c.fields {
                0 => Vec::new(),
                i => self.fields[i as usize - 1].clone(),
            },
        })
    }
}

impl Serialize for Changes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Whether the manifest may upgrade a workspace: it declares `mode = "standard"` for a
/// workspace that is basic now. A cheap look (no plan), so that `apply` plans first, to
/// ask, only when it may have to.
pub fn may_upgrade(s: &mut Session, m: &Manifest) -> Result<bool> {
    for d in &m.workspace {
        if d.mode.as_deref().and_then(|v| Mode::parse(v).ok()) != Some(Mode::Standard) {
            continue;
        }
        if let Some(w) = s.tx().workspace(&d.name)? {
            if w.mode == Mode::Basic {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

fn opt_parse<T>(v: &Option<String>, f: impl Fn(&str) -> Result<T>) -> Result<Option<T>> {
    v.as_deref().map(f).transpose()
}

/// A property set of a manifest for `spec`, whose secrets the caller has already read:
/// keys named as the API names them (`InstanceId`, an older name) are dwctl's
/// (`api_datasource::canonical_key`, as for `--props`), and a secret given as the mask is
/// refused.
fn plain_props(spec: &types::TypeSpec, props: &BTreeMap<String, PropValue>) -> Result<Properties> {
    let mut out = Properties::new();
    for (k, v) in props {
        let PropValue::Plain(s) = v else {
            return Err(Error::internal(format!(
                "property {k} was not read before apply"
            )));
        };
        insert_once(&mut out, canonical_key(Some(spec), k), s.clone())?;
    }
    types::refuse_masks(spec, &out)?;
    Ok(out)
}

/// A principal's declaration, its values parsed.
struct PrincipalInput {
    name: PrincipalName,
    kind: Option<PrincipalKind>,
    id: Option<String>,
    /// `Some(None)`: `display_name = ""`, none.
    display: Option<Option<String>>,
    /// `Some(None)`: `db_role = ""`, none.
    db_role: Option<Option<String>>,
}

impl PrincipalInput {
    fn parse(d: &PrincipalDecl) -> Result<Self> {
        let name = PrincipalName::parse(&d.name)?;
        let kind = opt_parse(&d.kind, PrincipalKind::parse)?;
        let id = opt_parse(&d.id, parse_principal_id)?;
        if kind == Some(PrincipalKind::Account) {
            return Err(Error::invalid(
                "the account principal is implied; do not list it",
            ));
        }
        let display = match d.display_name.as_deref() {
            None => None,
            Some("") => Some(None),
            Some(x) => Some(Some(PrincipalDisplayName::parse(x)?.into_string())),
        };
        let db_role = match d.db_role.as_deref() {
            None => None,
            Some("") => Some(None),
            Some(x) => Some(Some(parse_db_role(x)?)),
        };
        Ok(PrincipalInput {
            name,
            kind,
            id,
            display,
            db_role,
        })
    }
}

/// A resource group's declaration, its values parsed.
struct GroupInput {
    name: GroupName,
    gtype: Option<GroupType>,
    payment: Option<Payment>,
    unit: Option<DurationUnit>,
    spec: Option<i64>,
    vpc: Option<String>,
    vswitch: Option<String>,
    remark: Option<String>,
}

impl GroupInput {
    fn parse(d: &ResourceGroupDecl) -> Result<Self> {
        Ok(GroupInput {
            name: GroupName::parse(&d.name)?,
            gtype: opt_parse(&d.type_, GroupType::parse)?,
            payment: opt_parse(&d.payment, Payment::parse)?,
            unit: opt_parse(&d.duration_unit, DurationUnit::parse)?,
            spec: d
                .spec
                .map(|v| crate::model::resource_group::parse_spec(v as i64))
                .transpose()?,
            vpc: opt_parse(&d.vpc, |v| {
                crate::model::resource_group::parse_network_id(v, "vpc-", "VPC id")
            })?,
            vswitch: opt_parse(&d.vswitch, |v| {
                crate::model::resource_group::parse_network_id(v, "vsw-", "vSwitch id")
            })?,
            remark: opt_parse(&d.remark, |r| Ok(Remark::parse(r)?.into_string()))?,
        })
    }
}

/// A workspace's declaration, its settings parsed (its members and objects are parsed
/// one by one as they are applied).
struct WorkspaceInput {
    name: WorkspaceName,
    mode: Option<Mode>,
    /// Available or disabled.
    status: Option<Status>,
    sod: Option<SodPolicy>,
    display: Option<String>,
    description: Option<String>,
    tags: Option<BTreeMap<String, String>>,
}

impl WorkspaceInput {
    fn parse(d: &WorkspaceDecl) -> Result<Self> {
        let name = WorkspaceName::parse(&d.name)?;
        let mode = opt_parse(&d.mode, Mode::parse)?;
        let status = match opt_parse(&d.status, Status::parse)? {
            Some(Status::Deleted) => return Err(Error::invalid("status is available or disabled")),
            st => st,
        };
        Ok(WorkspaceInput {
            name,
            mode,
            status,
            sod: opt_parse(&d.sod_policy, SodPolicy::parse)?,
            display: opt_parse(
                &d.display_name,
                |x| Ok(DisplayName::parse(x)?.into_string()),
            )?,
            description: opt_parse(&d.description, res::parse_description)?,
            tags: d
                .tags
                .as_ref()
                .map(|t| {
                    t.iter()
                        .map(|(k, v)| Ok((parse_tag_key(k)?, parse_tag_value(v)?)))
                        .collect::<Result<BTreeMap<_, _>>>()
                })
                .transpose()?,
        })
    }
}

/// The fields compute and data-source declarations share.
struct DeclRef<'a> {
    id: Option<i64>,
    /// `datasource_id` (compute resources only).
    datasource_id: Option<i64>,
    name: &'a str,
    type_key: &'a str,
    env: &'a str,
    mode: &'a Option<String>,
    properties: &'a Option<BTreeMap<String, PropValue>>,
    description: &'a Option<String>,
    /// `default` (compute resources only).
    default: Option<bool>,
}

/// The [`DeclRef`] of a compute or data-source declaration (the manifest's two tables
/// share these fields; `default` is the compute table's alone).
macro_rules! decl_ref {
    ($d:expr, $default:expr, $datasource_id:expr) => {
        DeclRef {
            id: $d.id,
            datasource_id: $datasource_id,
            name: &$d.name,
            type_key: &$d.type_,
            env: &$d.env,
            mode: &$d.mode,
            properties: &$d.properties,
            description: &$d.description,
            default: $default,
        }
    };
}

/// A declaration's values, parsed.
struct ObjectInput {
    name: ObjectName,
    spec: &'static types::TypeSpec,
    env: Env,
    mode: Option<ConnMode>,
    props: Option<Properties>,
    description: Option<String>,
}

/// An object as the catalog has it, as far as applying a declaration compares it.
struct Existing {
    id: i64,
    type_key: String,
    mode: ConnMode,
    properties: Option<Properties>,
    description: String,
    is_default: bool,
}

impl<K: ConnectionKind> From<Connection<K>> for Existing {
    fn from(c: Connection<K>) -> Self {
        Existing {
            id: c.pk,
            is_default: c.kind.is_default(),
            type_key: c.type_key,
            mode: c.mode,
            properties: c.properties,
            description: c.description,
        }
    }
}

struct Applier<'s, 't, 'c> {
    s: &'s mut Session<'t, 'c>,
    prune: bool,
    changes: Changes,
    /// Where in the manifest the declaration being applied is (`workspace`, 3, `member`, 5),
    /// so that an error can name its line and column.
    at: Vec<(&'static str, usize)>,
    /// How many changes have run: a workspace loaded at this count is still current.
    steps: usize,
    /// The principals the manifest names, looked up by key when first named and kept
    /// current by the applier's own principal changes (apply removes no principal).
    principals: Principals,
    /// The shares of each workspace applied that declares any, or of every one under
    /// `--prune` (its index, its name), applied after the last workspace: a share's
    /// target may come later in the manifest.
    shares: Vec<(usize, String, Vec<ShareDecl>)>,
    /// Workspaces with shares declared from or into them (lower-cased names): one the
    /// manifest disables is disabled after the shares, which need it available.
    sharing: HashSet<String>,
    /// Those disables, in manifest order: (index, what, name).
    disables: Vec<(usize, String, WorkspaceName)>,
}

/// The principals looked up so far, by name (case-insensitively, as the catalog compares
/// names), by id and by key. Each is read by its key the first time it is named, so a
/// manifest about one workspace reads the principals it names and not the whole tenant.
struct Principals {
    all: Vec<Principal>,
    by_name_or_id: HashMap<String, usize>,
    by_pk: HashMap<i64, usize>,
}

impl Principals {
    /// Room for `n` principals (a manifest's), taken once rather than grown to twice what
    /// the manifest needs (issue 17, P14).
    fn with_capacity(n: usize) -> Self {
        Principals {
            all: Vec::with_capacity(n),
            by_name_or_id: HashMap::with_capacity(2 * n),
            by_pk: HashMap::with_capacity(n),
        }
    }

    fn put(&mut self, p: Principal) {
        let (pk, id, name) = (p.pk, p.id.clone(), p.name.as_str().to_ascii_lowercase());
        let i = match self.by_pk.get(&pk) {
            Some(&i) => {
                self.all[i] = p;
                i
            }
            None => {
                self.all.push(p);
                self.all.len() - 1
            }
        };
        self.by_pk.insert(pk, i);
        // A name wins over an id that reads the same, as it does in `find`'s query order.
        self.by_name_or_id.entry(id).or_insert(i);
        self.by_name_or_id.insert(name, i);
    }

    /// The principal named `name_or_id`, from the cache or else read by its key.
    fn get(&mut self, tx: &dyn Tx, name_or_id: &str) -> Result<Option<&Principal>> {
        let key = name_or_id.to_ascii_lowercase();
        let i = match self.by_name_or_id.get(&key) {
            Some(&i) => i,
            None => match tx.principal(name_or_id)? {
                None => return Ok(None),
                Some(p) => {
                    self.put(p);
                    match self.by_name_or_id.get(&key) {
                        Some(&i) => i,
                        None => return Ok(None),
                    }
                }
            },
        };
        Ok(Some(&self.all[i]))
    }

    /// The principal with key `pk`, from the cache or else read by its key.
    fn by_pk(&mut self, tx: &dyn Tx, pk: i64) -> Result<Option<&Principal>> {
        let i = match self.by_pk.get(&pk) {
            Some(&i) => i,
            None => match tx.principal_by_pk(pk)? {
                None => return Ok(None),
                Some(p) => {
                    self.put(p);
                    self.by_pk[&pk]
                }
            },
        };
        Ok(Some(&self.all[i]))
    }
}

/// A workspace as loaded, with the change count it was loaded at (see [`Applier::current`]).
type Loaded = Option<(usize, Workspace)>;

impl Applier<'_, '_, '_> {
    /// A workspace's settings changed: `~ workspace NAME: fields`.
    fn workspace_updated(&mut self, ws: &str, fields: Vec<String>) {
        self.changes
            .push(Op::Update, "workspace", None, ws, None, fields);
    }

    /// The catalog's default workspace, still as `init` made it, gives way to the manifest
    /// (a tenant imported into a fresh catalog): it takes the id the manifest declares for
    /// it, or the next one when the manifest gives its id to another workspace. A default
    /// workspace the user has changed keeps its id (the manifest is then refused as for
    /// any workspace: "never changes", or the id "is taken").
    fn default_workspace_gives_way(&mut self, decls: &[WorkspaceDecl]) -> Result<()> {
        // Only a declared id can ask it to: a manifest that declares none (an export's)
        // reads nothing here (issue 17: a one-workspace plan costs no more than it did).
        if decls.iter().all(|d| d.id.is_none()) {
            return Ok(());
        }
        let Some(w) = tenant::untouched_default_workspace(self.s)? else {
            return Ok(());
        };
        let is_it = |d: &WorkspaceDecl| d.name.eq_ignore_ascii_case(w.name.as_str());
        let Some(at) = decls.iter().position(|d| {
            if is_it(d) {
                d.id.is_some_and(|id| id != w.id)
            } else {
                d.id == Some(w.id)
            }
        }) else {
            return Ok(());
        };
        let target = match decls.iter().find(|d| is_it(d)).and_then(|d| d.id) {
            Some(id) if id == w.id => return Ok(()),
            Some(id) if id < 1 => return Ok(()),
            Some(id) => id,
            None => 0,
        };
        self.at = vec![("workspace", at)];
        let what = format!("~ workspace {}", w.name);
        self.step(&what, |s| {
            tenant::renumber_default_workspace(s, &w.name, target)
        })?;
        self.workspace_updated(w.name.as_str(), vec!["id".into()]);
        Ok(())
    }

    /// Run one change; a failure names it.
    fn step<T>(&mut self, what: &str, f: impl FnOnce(&mut Session) -> Result<T>) -> Result<T> {
        self.steps += 1;
        f(self.s).map_err(|e| e.within(what))
    }

    fn principal_named(&mut self, name_or_id: &str) -> Result<Option<Principal>> {
        Ok(self.principals.get(self.s.tx(), name_or_id)?.cloned())
    }

    /// The workspace as the catalog has it now. It is read again only when a change ran
    /// since it was loaded: reading it is three queries, and most workspaces of a
    /// re-applied manifest change nothing.
    fn current<'w>(&mut self, ws: &str, loaded: &'w mut Loaded) -> Result<&'w Workspace> {
        if !matches!(loaded, Some((at, _)) if *at == self.steps) {
            let w = self
                .s
                .tx()
                .workspace(ws)?
                .ok_or_else(|| Error::internal(format!("{ws} vanished")))?;
            *loaded = Some((self.steps, w));
        }
        Ok(&loaded.as_ref().expect("loaded just above").1)
    }

    fn principal(&mut self, d: &PrincipalDecl) -> Result<()> {
        let what = format!("principal {}", named(&d.name));
        let PrincipalInput {
            name,
            kind,
            id,
            display,
            db_role,
        } = PrincipalInput::parse(d).map_err(|e| e.within(&what))?;
        match self.principal_named(name.as_str())? {
            None => {
                let req = NewPrincipal {
                    name: name.clone(),
                    kind: kind.unwrap_or(PrincipalKind::RamUser),
                    id: id.clone(),
                    display_name: display.flatten(),
                    full_access: d.full_access.unwrap_or(false),
                    db_role: db_role.flatten(),
                };
                let added = self.step(&format!("+ {what}"), |s| principal::add(s, req, false))?;
                self.principals.put(added.value);
                self.changes
                    .push(Op::Create, "principal", None, name.as_str(), None, vec![]);
            }
            Some(p) => {
                if p.is_account() {
                    return Err(
                        Error::invalid("the account principal is implied; do not list it")
                            .within(what),
                    );
                }
                if id.as_ref().is_some_and(|i| *i != p.id) {
                    return Err(
                        Error::refused(format!("its id is {} and never changes", p.id))
                            .within(format!("~ {what}")),
                    );
                }
                if kind.is_some_and(|k| k != p.kind) {
                    return Err(Error::refused(format!(
                        "its kind is {} and never changes",
                        p.kind
                    ))
                    .within(format!("~ {what}")));
                }
                let mut fields = Vec::new();
                if display.as_ref().is_some_and(|v| *v != p.display_name) {
                    fields.push("display_name".to_string());
                }
                if d.full_access.is_some_and(|f| f != p.full_access) {
                    fields.push("full_access".to_string());
                }
                if db_role.as_ref().is_some_and(|v| *v != p.db_role) {
                    fields.push("db_role".to_string());
                }
                if !fields.is_empty() {
                    let u = PrincipalUpdate {
                        display_name: display,
                        full_access: d.full_access,
                        db_role,
                    };
                    let updated = self.step(&format!("~ {what}"), |s| {
                        principal::update(s, p.name.as_str(), &u)
                    })?;
                    self.principals.put(updated.value);
                    self.changes
                        .push(Op::Update, "principal", None, p.name.as_str(), None, fields);
                }
            }
        }
        Ok(())
    }

    fn resource_group(&mut self, d: &ResourceGroupDecl) -> Result<()> {
        let what = format!("resource group {}", named(&d.name));
        let GroupInput {
            name,
            gtype,
            payment,
            unit,
            spec,
            vpc,
            vswitch,
            remark,
        } = GroupInput::parse(d).map_err(|e| e.within(&what))?;
        if let Some(id) = d.id.as_deref().filter(|id| !is_group_id(id)) {
            return Err(Error::invalid(format!("invalid id {}", shown(id)))
                .within(what)
                .with_hint(
                    "a resource group id looks like Serverless_res_group_<digits>_<digits>",
                ));
        }
        let mut existing = self.s.tx().resource_group_unbound(name.as_str())?;
        // init's own default group, untouched, gives way to a manifest's group of its name
        // and another id (a tenant imported into a fresh catalog): unbound, deleted and
        // created again under the declared id, then bound as the default workspace's
        // default as it was. Each step is the command line's, with its audit event.
        let mut default_of = None;
        if let Some(g) = existing.take() {
            let other_id =
                d.id.as_ref()
                    .is_some_and(|i| !i.eq_ignore_ascii_case(&g.id));
            let replaced = match other_id {
                true => tenant::untouched_default_group(self.s, &g)?,
                false => None,
            };
            if let Some(ws) = replaced {
                self.step(&format!("- {what}"), |s| {
                    rg::unbind(s, &g.id, &ws)?;
                    s.retract_warnings("default_cleared");
                    rg::delete(s, &g.id).map(drop)
                })?;
                self.changes
                    .push(Op::Delete, "resource_group", None, &g.name, None, vec![]);
                default_of = Some(ws);
            } else {
                existing = Some(g);
            }
        }
        match existing {
            None => {
                let duration = match (d.duration, unit) {
                    (Some(n), Some(u)) => Some((n as i64, u)),
                    (None, None) => None,
                    (Some(_), None) => {
                        return Err(
                            Error::invalid("duration needs duration_unit (month or year)")
                                .within(what),
                        )
                    }
                    (None, Some(_)) => {
                        return Err(Error::invalid("duration_unit needs duration").within(what))
                    }
                };
                let req = NewGroup {
                    id: d.id.clone(),
                    name: name.clone(),
                    group_type: gtype.unwrap_or(GroupType::Serverless),
                    spec: spec.unwrap_or(2),
                    payment: payment.unwrap_or(Payment::Postpaid),
                    duration,
                    vpc,
                    vswitch,
                    remark: remark.unwrap_or_default(),
                };
                req.check_payment().map_err(|e| e.within(&what))?;
                self.step(&format!("+ {what}"), |s| rg::create(s, req, false))?;
                self.changes.push(
                    Op::Create,
                    "resource_group",
                    None,
                    name.as_str(),
                    None,
                    vec![],
                );
                if let Some(ws) = default_of {
                    self.step(&format!("+ binding {name} -> {ws}"), |s| {
                        rg::bind(s, name.as_str(), &ws, true, false)
                    })?;
                    self.changes.push(
                        Op::Create,
                        "binding",
                        Some(ws.as_str()),
                        name.as_str(),
                        None,
                        vec![],
                    );
                }
            }
            Some(g) => {
                if d.id
                    .as_ref()
                    .is_some_and(|i| !i.eq_ignore_ascii_case(&g.id))
                {
                    return Err(
                        Error::refused(format!("its id is {} and never changes", g.id))
                            .within(format!("~ {what}")),
                    );
                }
                let mut fixed = Vec::new();
                if gtype.is_some_and(|t| t != g.group_type) {
                    fixed.push("type");
                }
                if payment.is_some_and(|p| p != g.payment) {
                    fixed.push("payment");
                }
                if d.duration.is_some_and(|n| Some(n as i64) != g.duration) {
                    fixed.push("duration");
                }
                if unit.is_some_and(|u| Some(u.as_str()) != g.duration_unit.as_deref()) {
                    fixed.push("duration_unit");
                }
                if vpc.is_some() && vpc != g.vpc {
                    fixed.push("vpc");
                }
                if vswitch.is_some() && vswitch != g.vswitch {
                    fixed.push("vswitch");
                }
                if !fixed.is_empty() {
                    return Err(Error::refused(format!(
                        "{} cannot change (only spec and remark do)",
                        fixed.join(", ")
                    ))
                    .within(format!("~ {what}"))
                    .with_hint("create a new group and bind it instead"));
                }
                let mut fields = Vec::new();
                if spec.is_some_and(|v| v != g.spec) {
                    fields.push("spec".to_string());
                }
                if remark.as_ref().is_some_and(|r| *r != g.remark) {
                    fields.push("remark".to_string());
                }
                if !fields.is_empty() {
                    let u = GroupUpdate {
                        name: None,
                        remark,
                        spec,
                    };
                    self.step(&format!("~ {what}"), |s| rg::update(s, &g.id, &u))?;
                    self.changes
                        .push(Op::Update, "resource_group", None, &g.name, None, fields);
                }
            }
        }
        Ok(())
    }

    fn workspace(&mut self, d: &WorkspaceDecl) -> Result<()> {
        let what = format!("workspace {}", named(&d.name));
        let WorkspaceInput {
            name,
            mode,
            status,
            sod,
            display,
            description,
            tags,
        } = WorkspaceInput::parse(d).map_err(|e| e.within(&what))?;
        positive_id(d.id).map_err(|e| e.within(&what))?;
        let ws = name.as_str().to_string();

        // A workspace the actor may not see is one that does not exist (permissions.md 2):
        // the manifest would create it, and that create is refused as for a new name.
        let existing = match self.s.tx().workspace(&ws)? {
            Some(w) => {
                let roles = super::admit::roles_in(self.s, w.id)?;
                let grants = super::admit::grants_in(self.s, w.id, &roles)?;
                policy::can_see(&self.s.actor, grants).then_some(w)
            }
            None => None,
        };
        let created = match &existing {
            Some(w) if w.status == Status::Deleted => {
                return Err(Error::conflict(format!(
                    "the name is held by a deleted workspace until {}",
                    w.retention_until.map(|t| t.to_string()).unwrap_or_default()
                ))
                .within(format!("+ {what}"))
                .with_hint(format!("restore it (dwctl workspace restore {0}) or purge it (dwctl workspace purge {0})", w.name)));
            }
            Some(w) => {
                if d.id.is_some_and(|i| i != w.id) {
                    let e = Error::refused(format!("its id is {} and never changes", w.id))
                        .within(format!("~ {what}"));
                    return Err(match w.is_default {
                        // It would have taken the declared id as `init` made it.
                        true => e.with_hint(
                            "the default workspace takes an imported id only while it is as init made it; leave the id out, or apply into a fresh catalog",
                        ),
                        false => e,
                    });
                }
                false
            }
            None => {
                let req = NewWorkspace {
                    id: d.id,
                    name: Some(name.clone()),
                    display_name: display.clone(),
                    description: description.clone(),
                    mode,
                    // A stricter separation-of-duties policy is set after the members.
                    sod_policy: sod.filter(|p| *p != SodPolicy::Enforce),
                    pai_tasks_enabled: d.pai_tasks_enabled,
                    dev_role_disabled: d.dev_role_disabled,
                    tags: tags.clone().unwrap_or_default(),
                };
                self.step(&format!("+ {what}"), |s| workspace::create(s, req, false))?;
                self.changes
                    .push(Op::Create, "workspace", None, &ws, None, vec![]);
                true
            }
        };
        let mut loaded: Loaded = existing.map(|w| (self.steps, w));

        // Enable first: nothing inside a disabled workspace can change.
        let w = self.current(&ws, &mut loaded)?;
        if w.status == Status::Disabled && status == Some(Status::Available) {
            self.step(&format!("~ {what}"), |s| workspace::enable(s, &name))?;
            self.workspace_updated(&ws, vec!["status".into()]);
        }

        // Early settings.
        if !created {
            let w = self.current(&ws, &mut loaded)?;
            let mut u = WorkspaceUpdate::default();
            let mut fields = Vec::new();
            if display.as_ref().is_some_and(|x| *x != w.display_name) {
                u.display_name = display.clone();
                fields.push("display_name".to_string());
            }
            if description.as_ref().is_some_and(|x| *x != w.description) {
                u.description = description.clone();
                fields.push("description".to_string());
            }
            if d.pai_tasks_enabled
                .is_some_and(|p| p != w.pai_tasks_enabled)
            {
                u.pai_tasks_enabled = d.pai_tasks_enabled;
                fields.push("pai_tasks_enabled".to_string());
            }
            if let Some(p) = sod.filter(|p| *p != SodPolicy::Enforce && *p != w.sod_policy) {
                u.sod_policy = Some(p);
                fields.push("sod_policy".to_string());
            }
            if let Some(t) = &tags {
                let target: BTreeMap<String, String> = if self.prune {
                    t.clone()
                } else {
                    let mut merged = w.tags.clone();
                    merged.extend(t.clone());
                    merged
                };
                if target != w.tags {
                    u.replace_tags = Some(target);
                    fields.push("tags".to_string());
                }
            }
            // Before the members, whose Develop grants need the role enabled; `true` on a
            // workspace where it is enabled is refused by workspace::update.
            if let Some(v) = d.dev_role_disabled.filter(|v| *v != w.dev_role_disabled) {
                u.dev_role_disabled = Some(v);
                fields.push("dev_role_disabled".to_string());
            }
            if !fields.is_empty() {
                self.step(&format!("~ {what}"), |s| workspace::update(s, &name, &u))?;
                self.workspace_updated(&ws, fields);
            }
            if let Some(m) = mode {
                if m != w.mode {
                    if m == Mode::Basic {
                        return Err(Error::refused(
                            "a standard-mode workspace cannot go back to basic mode",
                        )
                        .within(format!("~ {what}")));
                    }
                    self.step(&format!("~ {what}"), |s| super::upgrade::upgrade(s, &name))?;
                    self.workspace_updated(&ws, vec!["mode".into()]);
                }
            }
        }

        // Resource-group bindings and the default group.
        if let Some(groups) = &d.resource_groups {
            let w = self.current(&ws, &mut loaded)?;
            let bound: HashSet<String> = w
                .resource_groups
                .iter()
                .map(|g| g.to_ascii_lowercase())
                .collect();
            let wanted: HashSet<String> = groups.iter().map(|g| g.to_ascii_lowercase()).collect();
            for g in groups {
                if !bound.contains(&g.to_ascii_lowercase()) {
                    self.step(&format!("+ binding {g} -> {ws}"), |s| {
                        rg::bind(s, g, &name, false, false)
                    })?;
                    self.changes
                        .push(Op::Create, "binding", Some(&ws), g, None, vec![]);
                }
            }
            if self.prune {
                for g in &w.resource_groups {
                    if !wanted.contains(&g.to_ascii_lowercase()) {
                        self.step(&format!("- binding {g} -> {ws}"), |s| {
                            rg::unbind(s, g, &name)
                        })?;
                        self.changes
                            .push(Op::Delete, "binding", Some(&ws), g, None, vec![]);
                    }
                }
            }
        }
        if let Some(def) = &d.default_resource_group {
            let w = self.current(&ws, &mut loaded)?;
            let target = if def == NO_DEFAULT_RESOURCE_GROUP {
                None
            } else {
                Some(def.clone())
            };
            let same = match (&target, &w.default_resource_group) {
                (None, None) => true,
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => false,
            };
            if !same {
                let u = WorkspaceUpdate {
                    default_resource_group: Some(target),
                    ..Default::default()
                };
                self.step(&format!("~ {what}"), |s| workspace::update(s, &name, &u))?;
                self.workspace_updated(&ws, vec!["default_resource_group".into()]);
            }
        }

        let w = self.current(&ws, &mut loaded)?;
        let wid = w.id;
        if let Some(roles) = &d.custom_roles {
            let w = w.clone();
            self.custom_roles(&w, &name, roles)?;
        }
        let w = self.current(&ws, &mut loaded)?;
        self.members(w, &name, &d.member)?;
        let computes: Vec<DeclRef> = d
            .compute
            .iter()
            .map(|c| decl_ref!(c, c.default, c.datasource_id))
            .collect();
        self.objects::<AsCompute>(&name, wid, &computes)?;
        let datasources: Vec<DeclRef> = d
            .datasource
            .iter()
            .map(|x| decl_ref!(x, None, None))
            .collect();
        self.objects::<AsSource>(&name, wid, &datasources)?;

        // Late settings: the strict ones, once the members are as wanted.
        let w = self.current(&ws, &mut loaded)?;
        let mut u = WorkspaceUpdate::default();
        let mut fields = Vec::new();
        if sod == Some(SodPolicy::Enforce) && w.sod_policy != SodPolicy::Enforce {
            u.sod_policy = Some(SodPolicy::Enforce);
            fields.push("sod_policy".to_string());
        }
        if !fields.is_empty() {
            self.step(&format!("~ {what}"), |s| workspace::update(s, &name, &u))?;
            self.workspace_updated(&ws, fields);
        }
        if status == Some(Status::Disabled) && w.status == Status::Available {
            if self.sharing.contains(&ws.to_lowercase()) {
                let i = self.at.first().map_or(0, |(_, i)| *i);
                self.disables.push((i, what, name));
            } else {
                self.disable(&what, &name)?;
            }
        }
        Ok(())
    }

    /// `~ workspace NAME: status`: disable it.
    fn disable(&mut self, what: &str, name: &WorkspaceName) -> Result<()> {
        self.step(&format!("~ {what}"), |s| workspace::disable(s, name))?;
        self.workspace_updated(name.as_str(), vec!["status".into()]);
        Ok(())
    }

    /// The custom roles of `w` as declared (before its members, who may hold them): each
    /// created or updated; with `--prune`, the undeclared ones deleted (refused while held).
    fn custom_roles(
        &mut self,
        w: &Workspace,
        ws: &WorkspaceName,
        decls: &[RoleDecl],
    ) -> Result<()> {
        self.at.truncate(1);
        let have = self.s.custom_roles(w.id)?;
        for d in decls {
            let what = format!("role {}/{}", ws, named(&d.name));
            let rights = d
                .rights
                .iter()
                .map(|r| super::roles::parse_right(r))
                .collect::<Result<Vec<_>>>()
                .map_err(|e| e.within(&what))?;
            let caps = d
                .capabilities
                .iter()
                .map(|c| super::roles::parse_capability(c))
                .collect::<Result<Vec<_>>>()
                .map_err(|e| e.within(&what))?;
            match have.iter().find(|r| r.name.eq_ignore_ascii_case(&d.name)) {
                None => {
                    let req = super::roles::NewRole {
                        name: d.name.clone(),
                        rights,
                        capabilities: caps,
                        description: d.description.clone(),
                        code: d.code.clone(),
                    };
                    self.step(&format!("+ {what}"), |s| {
                        super::roles::create(s, ws, &req, false)
                    })?;
                    self.changes
                        .push(Op::Create, "role", Some(ws.as_str()), &d.name, None, vec![]);
                }
                Some(r) => {
                    if d.code
                        .as_ref()
                        .is_some_and(|c| !c.eq_ignore_ascii_case(&r.code))
                    {
                        return Err(Error::refused(format!(
                            "its code is {} and never changes",
                            r.code
                        ))
                        .within(format!("~ {what}")));
                    }
                    let mut fields = Vec::new();
                    if super::roles::right_names(&rights) != r.rights {
                        fields.push("rights".to_string());
                    }
                    if super::roles::capability_keys(&caps) != r.capabilities {
                        fields.push("capabilities".to_string());
                    }
                    let u = super::roles::RoleUpdate {
                        set: Some((rights, caps)),
                        description: d.description.clone(),
                        ..Default::default()
                    };
                    if d.description
                        .as_ref()
                        .is_some_and(|x| Some(x) != r.description.as_ref())
                    {
                        fields.push("description".to_string());
                    }
                    if !fields.is_empty() {
                        self.step(&format!("~ {what}"), |s| {
                            super::roles::update(s, ws, &d.name, &u)
                        })?;
                        self.changes.push(
                            Op::Update,
                            "role",
                            Some(ws.as_str()),
                            &d.name,
                            None,
                            fields,
                        );
                    }
                }
            }
        }
        if self.prune {
            for r in have.iter() {
                if decls.iter().any(|d| d.name.eq_ignore_ascii_case(&r.name)) {
                    continue;
                }
                let what = format!("- role {}/{}", ws, r.name);
                self.step(&what, |s| super::roles::delete(s, ws, &r.name, false))?;
                self.changes
                    .push(Op::Delete, "role", Some(ws.as_str()), &r.name, None, vec![]);
            }
        }
        Ok(())
    }

    /// The shares of workspace `ws` as declared, once every workspace is applied: each
    /// created through `datasource share`'s use case, or made again when its user differs
    /// (unshared, shared); with `--prune`, the undeclared ones unshared (but those into a
    /// workspace in the recycle bin, which a restore brings back with their rules).
    fn workspace_shares(&mut self, ws: &str, decls: &[ShareDecl]) -> Result<()> {
        let name = WorkspaceName::parse(ws)?;
        let Some(w) = self.s.tx().workspace(name.as_str())? else {
            return Ok(());
        };
        let have = self.s.tx().shares(&ShareFilter {
            source: Some(w.id),
            ..ShareFilter::default()
        })?;
        let mut declared = HashSet::new();
        for (j, d) in decls.iter().enumerate() {
            self.at.truncate(1);
            self.at.push(("shares", j));
            let label = format!("{} -> {}", d.datasource, d.to);
            let what = format!("share {name}/{label} ({})", named(&d.env));
            let env = Env::parse(&d.env).map_err(|e| e.within(&what))?;
            let to = WorkspaceName::parse(&d.to).map_err(|e| e.within(&what))?;
            let user = d.user.as_deref();
            let existing = have.iter().find(|r| {
                r.env == env
                    && r.datasource.eq_ignore_ascii_case(&d.datasource)
                    && r.to.as_str().eq_ignore_ascii_case(to.as_str())
            });
            let share = |s: &mut Session| {
                share::share(s, &name, &d.datasource, Some(env), &to, user, false).map(drop)
            };
            let Some(r) = existing else {
                self.step(&format!("+ {what}"), share)?;
                self.changes
                    .push(Op::Create, "share", Some(ws), &label, Some(env), vec![]);
                continue;
            };
            declared.insert(r.id);
            let wanted = match user {
                Some(u) => self.principal_named(u)?.map(|p| p.pk),
                None => None,
            };
            if wanted != r.user_pk || (user.is_some() && wanted.is_none()) {
                self.step(&format!("~ {what}"), |s| {
                    share::unshare(s, &name, &r.datasource, Some(env), &r.to)?;
                    share(s)
                })?;
                self.changes.push(
                    Op::Update,
                    "share",
                    Some(ws),
                    &label,
                    Some(env),
                    vec!["user".into()],
                );
            }
        }
        self.at.truncate(1);
        if self.prune {
            for r in have.iter().filter(|r| !declared.contains(&r.id)) {
                if into_recycle_bin(self.s.tx(), r)? {
                    continue;
                }
                let label = format!("{} -> {}", r.datasource, r.to);
                self.step(&format!("- share {name}/{label} ({})", r.env), |s| {
                    share::unshare(s, &name, &r.datasource, Some(r.env), &r.to).map(drop)
                })?;
                self.changes
                    .push(Op::Delete, "share", Some(ws), &label, Some(r.env), vec![]);
            }
        }
        Ok(())
    }

    /// `w` is the workspace as loaded before its members: member changes leave every field
    /// the member rules read (status, mode, policies) as it is.
    fn members(&mut self, w: &Workspace, ws: &WorkspaceName, decls: &[MemberDecl]) -> Result<()> {
        // The members before, by principal key, and whether the manifest names them.
        let mut have: HashMap<i64, (Membership, bool)> = self
            .s
            .tx()
            .memberships(w.id)?
            .into_iter()
            .map(|(pk, m)| (pk, (m, false)))
            .collect();
        // The workspace as the actor sees it and the actor's roles there, looked up by the
        // first member added and again after any change to the actor's own membership.
        let mut seen: Option<(Workspace, Grants)> = None;
        let actor = self.s.actor.pk;
        for (i, d) in decls.iter().enumerate() {
            self.at.truncate(1);
            self.at.push(("member", i));
            let what = || format!("member {}/{}", ws, named(&d.user));
            let roles = d.roles.to_set().map_err(|e| e.within(what()))?;
            // Custom roles by name or code, as the workspace defines them (declared above
            // its members).
            let roles = if roles.custom().is_empty() {
                roles
            } else {
                super::roles::resolve(self.s, w, &roles).map_err(|e| e.within(what()))?
            };
            if roles.is_empty() {
                return Err(Error::invalid("roles must not be empty").within(what()));
            }
            if roles.contains(RoleCode::Owner) {
                return Err(Error::invalid(
                    "role_project_owner is the account's, implied in every workspace; do not list it",
                )
                .within(what()));
            }
            let (status, expires_at) = member_access(d).map_err(|e| e.within(what()))?;
            let p = self.principal_named(&d.user)?;
            match p.as_ref().and_then(|p| have.get_mut(&p.pk)) {
                None => {
                    self.step(&format!("+ {}", what()), |s| {
                        // In `member::add`'s order: the workspace, then the principal.
                        let (w, actor_roles) = match seen.take() {
                            Some(v) => v,
                            None => workspace::visible(s, ws)?,
                        };
                        let p = p.ok_or_else(|| principal::not_found(&d.user))?;
                        let m = Membership {
                            roles,
                            status,
                            expires_at,
                        };
                        member::add_to(s, &w, actor_roles, &p, m, false)?;
                        if p.pk != actor {
                            seen = Some((w, actor_roles));
                        }
                        Ok(())
                    })?;
                    self.changes.push(
                        Op::Create,
                        "member",
                        Some(ws.as_str()),
                        &d.user,
                        None,
                        vec![],
                    );
                }
                Some((before, named_here)) => {
                    *named_here = true;
                    let before = before.clone();
                    let mut fields = Vec::new();
                    if p.is_some_and(|p| p.pk == actor) {
                        seen = None;
                    }
                    if before.roles != roles {
                        self.step(&format!("~ {}", what()), |s| {
                            member::change_roles(s, ws, &d.user, &RoleChange::Set(roles))
                        })?;
                        fields.push("roles".to_string());
                    }
                    let change = AccessChange {
                        status: (before.status != status).then_some(status),
                        expires_at: (before.expires_at != expires_at).then_some(expires_at),
                    };
                    if change.status.is_some() || change.expires_at.is_some() {
                        self.step(&format!("~ {}", what()), |s| {
                            member::change_access(s, ws, &d.user, change)
                        })?;
                        if change.expires_at.is_some() {
                            fields.push("expires".to_string());
                        }
                        if change.status.is_some() {
                            fields.push("status".to_string());
                        }
                    }
                    if !fields.is_empty() {
                        self.changes.push(
                            Op::Update,
                            "member",
                            Some(ws.as_str()),
                            &d.user,
                            None,
                            fields,
                        );
                    }
                }
            }
        }
        self.at.truncate(1);
        if self.prune {
            // In the order `member list` shows them.
            let mut gone: Vec<String> = Vec::new();
            for (pk, (roles, named_here)) in &have {
                if *named_here || roles.roles.contains(RoleCode::Owner) {
                    continue;
                }
                let p = self
                    .principals
                    .by_pk(self.s.tx(), *pk)?
                    .ok_or_else(|| Error::internal("a member's principal vanished"))?;
                gone.push(p.name.as_str().to_string());
            }
            gone.sort_by_cached_key(|user| user.to_ascii_lowercase());
            // Pruning the actor's own membership would take away the right to finish (a
            // later change would find the workspace gone): refused before any removal.
            let me = &self.s.actor;
            if !me.is_tenant_admin() && have.get(&me.pk).is_some_and(|(_, named)| !named) {
                let me = me.name.clone();
                return Err(Error::refused(format!(
                    "- member {ws}/{me}: --prune would remove the membership of {me}, the actor, and with it {me}'s access to {ws}"
                ))
                .with_hint(format!(
                    "list {me} among the members of {ws} in the manifest, or remove that membership on its own: dwctl member remove {ws} {me}"
                )));
            }
            for user in gone {
                self.step(&format!("- member {ws}/{user}"), |s| {
                    member::remove(s, ws, &user)
                })?;
                self.changes
                    .push(Op::Delete, "member", Some(ws.as_str()), &user, None, vec![]);
            }
        }
        Ok(())
    }

    fn object_input(&self, what: &str, kind: &str, d: &DeclRef) -> Result<ObjectInput> {
        let p = |e: Error| e.within(what);
        let spec = resolve_type(d.type_key).map_err(p)?;
        let env = Env::parse(d.env).map_err(p)?;
        let mut props = d
            .properties
            .as_ref()
            .map(|props| plain_props(spec, props))
            .transpose()
            .map_err(p)?;
        // The API's envType inside the properties: the declaration's env says it already.
        if let Some(given) = props.as_mut().and_then(|p| p.remove(ENV_TYPE)) {
            if !api_env(env).eq_ignore_ascii_case(&given) {
                return Err(p(Error::invalid(format!(
                    "envType `{}` is not the env `{env}` of the declaration",
                    crate::model::excerpt(&given)
                ))
                .with_hint("leave envType out: `env` says the environment")));
            }
        }
        Ok(ObjectInput {
            name: ObjectName::parse(d.name, kind).map_err(p)?,
            spec,
            env,
            mode: opt_parse(d.mode, ConnMode::parse).map_err(p)?,
            props,
            description: opt_parse(d.description, res::parse_description).map_err(p)?,
        })
    }

    /// The compute resources or data sources of a workspace, walked the same way: parse
    /// each declaration, create it or compare it and update what differs (its type and
    /// mode never change), move the default (compute resources), then `--prune` the
    /// ones the manifest does not list.
    fn objects<K: ConnectionKind>(
        &mut self,
        ws: &WorkspaceName,
        wid: i64,
        decls: &[DeclRef],
    ) -> Result<()> {
        let find = |tx: &dyn Tx, name: &str, env: Env| -> Result<Option<Existing>> {
            Ok(K::named(tx, wid, name, Some(env))?
                .pop()
                .map(Existing::from))
        };
        let mut wanted = HashSet::new();
        for (i, d) in decls.iter().enumerate() {
            self.at.truncate(1);
            self.at.push((K::KIND, i));
            let what = format!("{} {}/{} ({})", K::KIND, ws, named(d.name), named(d.env));
            let ObjectInput {
                name,
                spec,
                env,
                mode,
                props,
                description,
            } = self.object_input(&what, K::NOUN, d)?;
            positive_id(d.id)
                .and_then(|()| positive_id(d.datasource_id))
                .map_err(|e| e.within(&what))?;
            wanted.insert((name.as_str().to_ascii_lowercase(), env));
            match find(self.s.tx(), name.as_str(), env)? {
                None => {
                    let req = NewObject {
                        id: d.id,
                        datasource_id: d.datasource_id,
                        name: name.clone(),
                        spec,
                        env,
                        mode,
                        open_keys: props.iter().flat_map(|p| p.keys().cloned()).collect(),
                        properties: props.unwrap_or_default(),
                        description: description.unwrap_or_default(),
                    };
                    self.step(&format!("+ {what}"), |s| {
                        res::add::<K>(s, ws, req, false).map(drop)
                    })?;
                    self.changes.push(
                        Op::Create,
                        K::KIND,
                        Some(ws.as_str()),
                        name.as_str(),
                        Some(env),
                        vec![],
                    );
                }
                Some(c) => {
                    if d.id.is_some_and(|id| id != c.id) {
                        return Err(Error::refused(format!(
                            "its id is {} and never changes",
                            c.id
                        ))
                        .within(format!("~ {what}")));
                    }
                    if let Some(want) = d.datasource_id {
                        let brought = self
                            .s
                            .tx()
                            .datasources_named(wid, name.as_str(), Some(env))?
                            .into_iter()
                            .find(|x| !x.kind.independent())
                            .map(|x| x.pk);
                        if let Some(have) = brought.filter(|have| *have != want) {
                            return Err(Error::refused(format!(
                                "the id of the data source it brings is {have} and never changes"
                            ))
                            .within(format!("~ {what}")));
                        }
                    }
                    if !c.type_key.eq_ignore_ascii_case(spec.key)
                        || mode.is_some_and(|m| m != c.mode)
                    {
                        return Err(Error::refused("its type and mode never change")
                            .within(format!("~ {what}"))
                            .with_hint(K::REPLACE_HINT));
                    }
                    let fields = self.object_fields(
                        spec,
                        c.mode,
                        c.properties.as_ref(),
                        &c.description,
                        &props,
                        &description,
                    )?;
                    if !fields.is_empty() {
                        let change = PropChange {
                            replace: props.clone(),
                            ..Default::default()
                        };
                        self.step(&format!("~ {what}"), |s| {
                            res::update::<K>(
                                s,
                                ws,
                                name.as_str(),
                                Some(env),
                                &change,
                                description.clone(),
                            )
                            .map(drop)
                        })?;
                        self.changes.push(
                            Op::Update,
                            K::KIND,
                            Some(ws.as_str()),
                            name.as_str(),
                            Some(env),
                            fields,
                        );
                    }
                }
            }
            // `default = true` moves the default here, as `compute set-default` does;
            // `false` changes nothing by itself.
            if d.default == Some(true) {
                let is_default =
                    find(self.s.tx(), name.as_str(), env)?.is_some_and(|c| c.is_default);
                if !is_default {
                    self.step(&format!("~ {what}"), |s| {
                        res::set_default(s, ws, name.as_str(), Some(env)).map(drop)
                    })?;
                    self.changes.push(
                        Op::Update,
                        K::KIND,
                        Some(ws.as_str()),
                        name.as_str(),
                        Some(env),
                        vec!["default".into()],
                    );
                }
            }
        }
        self.at.truncate(1);
        if self.prune {
            // Only the ones that stand on their own: the data sources compute resources
            // brought follow their compute resource.
            let prunable = K::all(self.s.tx(), wid, None)?
                .into_iter()
                .filter(|c| c.kind.independent())
                .map(|c| (c.name, c.env));
            for (name, env) in prunable.collect::<Vec<_>>() {
                if wanted.contains(&(name.to_ascii_lowercase(), env)) {
                    continue;
                }
                self.step(&format!("- {} {}/{} ({})", K::KIND, ws, name, env), |s| {
                    res::remove::<K>(s, ws, &name, Some(env), false).map(drop)
                })?;
                self.changes.push(
                    Op::Delete,
                    K::KIND,
                    Some(ws.as_str()),
                    &name,
                    Some(env),
                    vec![],
                );
            }
        }
        Ok(())
    }

    /// The fields of an existing object that the manifest changes (properties compared
    /// after validation, so that normalised values do not count as changes).
    fn object_fields(
        &self,
        spec: &types::TypeSpec,
        mode: ConnMode,
        current: Option<&Properties>,
        current_description: &str,
        props: &Option<Properties>,
        description: &Option<String>,
    ) -> Result<Vec<String>> {
        let mut fields = Vec::new();
        if let Some(p) = props {
            let wanted =
                validate_open(spec, Some(mode), p, &self.s.tenant.region, &|_| true)?.properties;
            if Some(&wanted) != current {
                fields.push("properties".to_string());
            }
        }
        if description
            .as_deref()
            .is_some_and(|d| d != current_description)
        {
            fields.push("description".to_string());
        }
        Ok(fields)
    }
}

/// A manifest that says its region (every export does) applies only to a catalog of that
/// region: its compute resources and data sources were set up for it (`regionId` left out
/// means "the catalog's region"), and would quietly point at another one.
fn check_region(m: &Manifest, catalog: &str) -> Result<()> {
    let Some(region) = &m.region else {
        return Ok(());
    };
    // A region id as `init --region` takes it, in any case (exit 2 otherwise, before any
    // refusal): `Mars`, `""` or `cn-hangzhou ` are typos, not another region.
    if crate::model::parse_region(&region.to_ascii_lowercase()).is_err() {
        return Err(Error::invalid(format!("invalid region {}", shown(region))).with_hint(
            "a region id looks like cn-hangzhou or ap-southeast-1 (export writes the catalog's)",
        ));
    }
    if region.eq_ignore_ascii_case(catalog) {
        return Ok(());
    }
    Err(Error::refused(format!(
        "the manifest is for region {}, and this catalog is in {}",
        named(region),
        named(catalog)
    ))
    .with_hint(format!(
        "apply it to a catalog of {}; to move its objects to {} on purpose, change the manifest's region to {} (and check any regionId)",
        named(region),
        named(catalog),
        named(catalog)
    )))
}

/// Converge the catalog to the manifest, in the caller's one transaction. On a refusal the
/// whole apply is refused, naming the change; its audit event is the apply's own.
///
/// A manifest given owned (the last run over it) is freed declaration by declaration as
/// it is applied: a large one's members make room for the changes (issue 17).
pub fn apply(
    s: &mut Session,
    m: Cow<Manifest>,
    prune: bool,
    source: &str,
    locate: &dyn Fn(&[Step]) -> Option<String>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Changes> {
    if let Err(e) = check_region(&m, &s.tenant.region) {
        let e = match locate(&[Step::Key("region")]) {
            Some(pos) => e.within(pos),
            None => e,
        };
        if e.kind == crate::model::error::Kind::Refused {
            s.attempt(Action::Apply, None, Some(source));
        }
        return Err(e);
    }
    reserve_declared_ids(s.tx(), &m)?;
    let total = m.principal.len() + m.resource_group.len() + m.workspace.len();
    let (principals, groups, workspaces) = match m {
        Cow::Borrowed(m) => (
            Cow::Borrowed(&m.principal[..]),
            Cow::Borrowed(&m.resource_group[..]),
            Cow::Borrowed(&m.workspace[..]),
        ),
        Cow::Owned(m) => (
            Cow::Owned(m.principal),
            Cow::Owned(m.resource_group),
            Cow::Owned(m.workspace),
        ),
    };
    let mut a = Applier {
        s,
        prune,
        changes: Changes::default(),
        at: Vec::new(),
        steps: 0,
        principals: Principals::with_capacity(principals.len()),
        shares: Vec::new(),
        sharing: workspaces
            .iter()
            .filter(|w| !w.shares.is_empty())
            .flat_map(|w| {
                std::iter::once(w.name.to_lowercase())
                    .chain(w.shares.iter().map(|s| s.to.to_lowercase()))
            })
            .collect(),
        disables: Vec::new(),
    };
    let mut done = 0;
    let result = (|| -> Result<()> {
        for (i, d) in each(principals).enumerate() {
            a.at = vec![("principal", i)];
            a.principal(&d)?;
            done += 1;
            progress(done, total);
        }
        for (i, d) in each(groups).enumerate() {
            a.at = vec![("resource_group", i)];
            a.resource_group(&d)?;
            done += 1;
            progress(done, total);
        }
        a.default_workspace_gives_way(&workspaces)?;
        for (i, d) in each(workspaces).enumerate() {
            a.at = vec![("workspace", i)];
            a.workspace(&d)?;
            // Only what the shares pass has to do: a workspace that declares no share
            // has none to make, and has none to remove but under --prune.
            if prune || !d.shares.is_empty() {
                a.shares.push((i, d.name.clone(), d.shares.clone()));
            }
            done += 1;
            progress(done, total);
        }
        let shares = std::mem::take(&mut a.shares);
        for (i, ws, decls) in shares {
            a.at = vec![("workspace", i)];
            a.workspace_shares(&ws, &decls)?;
        }
        for (i, what, name) in std::mem::take(&mut a.disables) {
            a.at = vec![("workspace", i)];
            a.disable(&what, &name)?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => Ok(a.changes),
        Err(mut e) if e.kind == crate::model::error::Kind::Catalog => {
            // The catalog failed (a lost connection, a lock timeout): not the manifest's
            // fault, so no line of it is named, and no audit event can be written.
            e.context.clear();
            Err(e)
        }
        Err(e) => {
            let path: Vec<Step> =
                a.at.iter()
                    .flat_map(|(k, i)| [Step::Key(k), Step::Index(*i)])
                    .collect();
            let e = match locate(&path) {
                Some(pos) => e.within(pos),
                None => e,
            };
            a.s.attempt(Action::Apply, None, Some(source));
            Err(e)
        }
    }
}

/// Ids declared in a manifest win: every counter moves past the largest id the manifest
/// declares of its kind before anything is created, so that an object created without an
/// id (a workspace or data source without `id`, the data source a compute resource brings)
/// never takes one the manifest gives another, whatever the order of creation. Ids only
/// increase: a declared id below the counter is kept as it is (when free).
fn reserve_declared_ids(tx: &dyn Tx, m: &Manifest) -> Result<()> {
    let largest = |ids: &mut dyn Iterator<Item = Option<i64>>| ids.flatten().max();
    let ws = &m.workspace;
    for (counter, last) in [
        (IdCounter::Workspace, largest(&mut ws.iter().map(|w| w.id))),
        (
            IdCounter::Compute,
            largest(&mut ws.iter().flat_map(|w| w.compute.iter().map(|c| c.id))),
        ),
        (
            IdCounter::DataSource,
            largest(&mut ws.iter().flat_map(|w| {
                let brought = w.compute.iter().map(|c| c.datasource_id);
                w.datasource.iter().map(|d| d.id).chain(brought)
            })),
        ),
    ] {
        if let Some(last) = last.filter(|id| *id > 0) {
            tx.reserve_ids(counter, last)?;
        }
    }
    Ok(())
}

/// The items of a list, each dropped once used when the list is owned, and the list's own
/// room given back as it empties (whenever half of it is unused): the XL manifest's
/// 200,000 principal declarations (25 MB) make room for the principals' cache as they are
/// applied, instead of staying until the last (issue 17, P14).
fn each<'a, T: Clone>(list: Cow<'a, [T]>) -> Box<dyn Iterator<Item = Cow<'a, T>> + 'a> {
    match list {
        Cow::Borrowed(l) => Box::new(l.iter().map(Cow::Borrowed)),
        Cow::Owned(mut l) => {
            l.reverse();
            Box::new(std::iter::from_fn(move || {
                let item = l.pop()?;
                if l.len() < l.capacity() / 2 {
                    l.shrink_to_fit();
                }
                Some(Cow::Owned(item))
            }))
        }
    }
}

/// No two secrets of an export share a variable: [`secret_env_name`] is built so that they
/// cannot, and this says so loudly (a bug, exit 1) rather than let one secret land in two
/// places if it ever did. Fed workspace by workspace; what it keeps is the secrets' names.
#[derive(Default)]
struct SecretNames(HashMap<String, String>);

impl SecretNames {
    fn check(&mut self, w: &WorkspaceDecl) -> Result<()> {
        let objects = (w.compute.iter().map(|c| (&c.name, &c.env, &c.properties))).chain(
            w.datasource
                .iter()
                .map(|d| (&d.name, &d.env, &d.properties)),
        );
        for (name, env, props) in objects {
            for (key, value) in props.iter().flatten() {
                let PropValue::Env(var) = value else { continue };
                let here = format!("{}/{} ({env}) {key}", w.name, name);
                if let Some(there) = self.0.insert(var.clone(), here.clone()) {
                    return Err(Error::internal(format!(
                        "export would name {there} and {here} both {var}"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// The catalog as a manifest, handed to `out` item by item as it is read (a whole-tenant
/// export never holds the tenant): principals, resource groups and the chosen workspaces,
/// in a fixed order (by kind, then name, then env), secrets as `{ env = "..." }`
/// placeholders. With no workspace named, every workspace the actor can see (the recycle
/// bin excepted), and every principal and group for a tenant administrator; otherwise the
/// principals and groups those workspaces use.
/// `progress` hears (workspaces exported, of) after each workspace.
pub fn export(
    s: &mut Session,
    names: &[WorkspaceName],
    out: &mut dyn Sink,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<()> {
    let mut workspaces: Vec<Workspace> = Vec::new();
    if names.is_empty() {
        let visible = workspace::list(s, &workspace::ListFilter::default())?;
        workspaces.extend(visible);
    } else {
        for n in names {
            let (w, _) = workspace::visible(s, n)?;
            if w.status == Status::Deleted {
                return Err(Error::refused(format!(
                    "workspace {} is in the recycle bin and cannot be exported",
                    w.name
                )));
            }
            workspaces.push(w);
        }
    }
    workspaces.sort_by_key(|w| w.name.as_str().to_ascii_lowercase());
    out.head(Some(&s.tenant.region))?;

    let all = names.is_empty() && s.actor.is_tenant_admin();
    if all {
        s.tx().for_each_principal(&mut |p| {
            if p.is_account() {
                return Ok(());
            }
            out.item(Item::Principal(&principal_decl(p)))
        })?;
        for g in s.tx().resource_groups()? {
            out.item(Item::ResourceGroup(&group_decl(g)))?;
        }
    } else {
        // The principals of the chosen workspaces' members (owners are implied), each
        // read by key: the cost follows the workspaces, not the tenant.
        let mut used: BTreeMap<String, Principal> = BTreeMap::new();
        for w in &workspaces {
            let owners: HashSet<i64> = s
                .tx()
                .memberships(w.id)?
                .into_iter()
                .filter(|(_, m)| m.roles.contains(RoleCode::Owner))
                .map(|(pk, _)| pk)
                .collect();
            for p in s.tx().member_principals(w.id)? {
                if !p.is_account() && !owners.contains(&p.pk) {
                    used.insert(p.name.as_str().to_ascii_lowercase(), p);
                }
            }
        }
        for p in used.into_values() {
            out.item(Item::Principal(&principal_decl(p)))?;
        }
        let mut groups: Vec<String> = workspaces
            .iter()
            .flat_map(|w| w.resource_groups.iter().map(|g| g.to_ascii_lowercase()))
            .collect();
        groups.sort();
        groups.dedup();
        for g in groups {
            if let Some(g) = s.tx().resource_group_named(&g)? {
                out.item(Item::ResourceGroup(&group_decl(g)))?;
            }
        }
    }

    let mut secrets = SecretNames::default();
    for (i, w) in workspaces.iter().enumerate() {
        progress(i, workspaces.len());
        let d = workspace_decl(s, w)?;
        secrets.check(&d)?;
        out.item(Item::WorkspaceOpen(&d))?;
        // One member at a time, in the catalog's order (case-insensitive, as every list
        // of a manifest): the owner is implied.
        s.tx().for_each_member(w.id, &mut |m| {
            if m.roles.contains(RoleCode::Owner) {
                return Ok(());
            }
            out.item(Item::Member(
                &MemberDecl::new(m.user.to_string(), m.roles.into()).with_access(
                    m.expires_at.map(|t| t.to_string()),
                    (m.status != MemberStatus::Normal).then(|| m.status.to_string()),
                ),
            ))
        })?;
        out.item(Item::WorkspaceClose(&d))?;
    }
    progress(workspaces.len(), workspaces.len());
    Ok(())
}

/// Whether a share rule is into a workspace in the recycle bin: kept for a restore, out
/// of manifests.
fn into_recycle_bin(tx: &dyn Tx, r: &crate::model::resources::Share) -> Result<bool> {
    Ok(tx
        .workspace(r.to.as_str())?
        .is_some_and(|t| t.status == Status::Deleted))
}

/// An integer id of a declaration (workspace, compute, data source): 1 or more.
fn positive_id(id: Option<i64>) -> Result<()> {
    match id {
        Some(id) if id < 1 => Err(Error::invalid(format!(
            "invalid id {id}: ids are whole numbers from 1"
        ))
        .with_hint("leave the id out to get the next one")),
        _ => Ok(()),
    }
}

fn principal_decl(p: Principal) -> PrincipalDecl {
    PrincipalDecl {
        name: p.name.to_string(),
        id: Some(p.id),
        kind: Some(p.kind.to_string()),
        full_access: Some(p.full_access),
        display_name: Some(p.display_name.unwrap_or_default()),
        db_role: p.db_role,
    }
}

fn group_decl(g: crate::model::resource_group::ResourceGroup) -> ResourceGroupDecl {
    // Ids are not exported (README "Declarative manifests"): the default group of every
    // catalog has its own, and another catalog's would clash.
    ResourceGroupDecl {
        name: g.name,
        id: None,
        type_: Some(g.group_type.to_string()),
        spec: Some(g.spec as u32),
        payment: Some(g.payment.to_string()),
        duration: g.duration.map(|d| d as u32),
        duration_unit: g.duration_unit,
        vpc: g.vpc,
        vswitch: g.vswitch,
        remark: Some(g.remark),
    }
}

/// A manifest member's status and expiry: no `status` is `normal`, no `expires` none. An
/// expiry already past is taken as written (it grants nothing; `export` writes expired
/// memberships until they are pruned).
fn member_access(d: &MemberDecl) -> Result<(MemberStatus, Option<Timestamp>)> {
    let status = match d.status() {
        Some(s) => MemberStatus::parse(s).map_err(|e| e.within("status"))?,
        None => MemberStatus::Normal,
    };
    let expires_at = match d.expires() {
        Some(s) => match Expiry::parse(s).map_err(|e| e.within("expires"))? {
            Expiry::At(t) => Some(t),
            Expiry::After(_) => {
                return Err(Error::invalid(format!(
                    "expires {}: a manifest takes a date or a time, not a duration",
                    crate::model::text::shown(s)
                ))
                .with_hint("write the instant, e.g. expires = \"2026-12-31\""))
            }
        },
        None => None,
    };
    Ok((status, expires_at))
}

/// One workspace as the manifest declares it, as far as the actor may read it, but for its
/// members, which [`export`] hands over one at a time.
fn workspace_decl(s: &mut Session, w: &Workspace) -> Result<WorkspaceDecl> {
    let roles = super::admit::roles_in(s, w.id)?;
    let grants = super::admit::grants_in(s, w.id, &roles)?;
    let read = super::policy::has_right(&s.actor, grants, super::policy::Right::ReadProperties);
    let mut d = WorkspaceDecl {
        name: w.name.to_string(),
        display_name: Some(w.display_name.clone()),
        description: Some(w.description.clone()),
        mode: Some(w.mode.to_string()),
        status: Some(w.status.to_string()),
        sod_policy: Some(w.sod_policy.to_string()),
        dev_role_disabled: Some(w.dev_role_disabled),
        pai_tasks_enabled: Some(w.pai_tasks_enabled),
        resource_groups: Some(w.resource_groups.clone()),
        default_resource_group: Some(
            w.default_resource_group
                .clone()
                .unwrap_or_else(|| NO_DEFAULT_RESOURCE_GROUP.to_string()),
        ),
        tags: Some(w.tags.clone()),
        ..Default::default()
    };
    let custom = s.custom_roles(w.id)?;
    if !custom.is_empty() {
        d.custom_roles = Some(
            custom
                .iter()
                .map(|r| RoleDecl {
                    name: r.name.clone(),
                    code: Some(r.code.clone()),
                    rights: r.rights.clone(),
                    capabilities: r.capabilities.clone(),
                    description: r.description.clone(),
                })
                .collect(),
        );
    }
    // Its shares, but those into a workspace in the recycle bin (not exported: a fresh
    // catalog would not find it; `--prune` leaves them alone).
    let mut rules = Vec::new();
    for r in s.tx().shares(&ShareFilter {
        source: Some(w.id),
        ..ShareFilter::default()
    })? {
        if !into_recycle_bin(s.tx(), &r)? {
            rules.push(r);
        }
    }
    rules.sort_by_key(|r| {
        (
            r.datasource.to_ascii_lowercase(),
            r.env != Env::Prod,
            r.to.as_str().to_ascii_lowercase(),
        )
    });
    d.shares = rules
        .into_iter()
        .map(|r| ShareDecl {
            datasource: r.datasource,
            env: r.env.to_string(),
            to: r.to.to_string(),
            user: r.user.map(|u| u.to_string()),
        })
        .collect();
    let secret_props = |name: &str,
                        env: Env,
                        type_key: &str,
                        props: Option<Properties>|
     -> Option<BTreeMap<String, PropValue>> {
        props.map(|p| {
            p.into_iter()
                .map(|(k, v)| {
                    let value = if types::is_secret_in(type_key, &k) {
                        PropValue::Env(secret_env_name(w.name.as_str(), name, env.as_str(), &k))
                    } else {
                        PropValue::Plain(v)
                    };
                    (k, value)
                })
                .collect()
        })
    };
    let mut computes = s.tx().computes(w.id, None)?;
    computes.sort_by_key(|c| (c.name.to_ascii_lowercase(), c.env != Env::Prod));
    for c in computes {
        let props = if read { c.properties.clone() } else { None };
        d.compute.push(ComputeDecl {
            default: Some(c.kind.is_default),
            properties: secret_props(&c.name, c.env, &c.type_key, props),
            id: None,
            datasource_id: None,
            name: c.name,
            type_: c.type_key,
            env: c.env.to_string(),
            mode: Some(c.mode.to_string()),
            description: Some(c.description),
        });
    }
    let mut sources = s.tx().datasources(w.id, None)?;
    sources.sort_by_key(|x| (x.name.to_ascii_lowercase(), x.env != Env::Prod));
    for x in sources {
        if !x.kind.independent() {
            continue;
        }
        let props = if read { x.properties.clone() } else { None };
        d.datasource.push(DataSourceDecl {
            properties: secret_props(&x.name, x.env, &x.type_key, props),
            id: None,
            name: x.name,
            type_: x.type_key,
            env: x.env.to_string(),
            mode: Some(x.mode.to_string()),
            description: Some(x.description),
        });
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(name: &str, var: &str) -> DataSourceDecl {
        DataSourceDecl {
            name: name.into(),
            type_: "mysql".into(),
            env: "prod".into(),
            properties: Some(BTreeMap::from([(
                "password".to_string(),
                PropValue::Env(var.into()),
            )])),
            ..Default::default()
        }
    }

    #[test]
    fn export_refuses_two_secrets_in_one_variable() {
        let mut m = Manifest::default();
        m.workspace.push(WorkspaceDecl {
            name: "sec_ws".into(),
            datasource: vec![ds("a_b", "V1"), ds("c", "V2")],
            ..Default::default()
        });
        let mut names = SecretNames::default();
        assert!(names.check(&m.workspace[0]).is_ok());
        m.workspace.push(WorkspaceDecl {
            name: "sec_ws_a".into(),
            datasource: vec![ds("b", "V1")],
            ..Default::default()
        });
        let e = names.check(&m.workspace[1]).unwrap_err();
        assert_eq!(e.kind, crate::model::error::Kind::Internal);
        assert!(
            e.message.contains("sec_ws/a_b (prod) password")
                && e.message.contains("sec_ws_a/b (prod) password")
                && e.message.contains("V1"),
            "{}",
            e.message
        );
    }
}
