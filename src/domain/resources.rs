//! Compute resources and data sources inside workspaces (domain.md 5-6): one connection
//! model. A [`Connection`] is what both are (a named, typed connection of a workspace in one
//! environment); what makes one a compute resource or a data source is its kind,
//! [`AsCompute`] or [`AsSource`], and the use cases below are written once for both, with
//! the differences as the hooks of [`ConnectionKind`].
//!
//! Properties are stored whole (secrets included: the catalog file is 0600) and leave the
//! domain only through `present`, which redacts secrets, or hides the properties entirely
//! from actors without the right to read connection properties.

use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt;

use super::admit::{admit, Admitted, Target};
use super::policy::{self, Action, Grants, Right};
use super::probe::ProbeResult;
use super::session::{Outcome, Session};
use super::store::Tx;
use super::types::validate::{self, Validated};
use crate::model::error::{Error, Result};
use crate::model::resources::{
    AsCompute, AsSource, Compute, Connection, DataSource, LastTest, Origin,
};

use crate::model::types::{self, resolve_type, ConnMode, Properties, TypeSpec};
use crate::model::{shown, Description, Env, Mode, ObjectName, Warning, Workspace, WorkspaceName};

/// What a new connection is made of: its name, environment and configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Its id: one kept from elsewhere (import), or 0 for the next one.
    pub id: i64,
    /// A compute resource's: the id of the data source it brings, as `id` (0: the next).
    pub datasource_id: i64,
    pub name: String,
    pub env: Env,
    pub type_key: String,
    pub mode: ConnMode,
    pub properties: Properties,
    pub description: String,
}

/// What tells compute resources and data sources apart: names, actions, where the catalog
/// keeps them, and the rules one kind has that the other has not. Every use case below is
/// written once, over this.
pub trait ConnectionKind: Sized + Clone + PartialEq + Serialize + fmt::Debug {
    /// The command, the plan's kind and the manifest's table: `compute`, `datasource`.
    const KIND: &'static str;
    /// The noun that names one in messages.
    const NOUN: &'static str;
    /// What the default workspace's warning says it is not for: `compute`, `data sources`.
    const USE: &'static str;
    /// What to do instead of changing the type or mode (`apply`).
    const REPLACE_HINT: &'static str;
    const ADD: Action;
    const UPDATE: Action;
    const REMOVE: Action;

    /// Those of workspace `ws` named `name` (case-insensitively), in one or both envs.
    fn named(tx: &dyn Tx, ws: i64, name: &str, env: Option<Env>) -> Result<Vec<Connection<Self>>>;
    /// Those of workspace `ws`, in the catalog's order.
    fn all(tx: &dyn Tx, ws: i64, env: Option<Env>) -> Result<Vec<Connection<Self>>>;
    fn insert(tx: &dyn Tx, ws: i64, c: &Connection<Self>) -> Result<i64>;
    fn id_taken(tx: &dyn Tx, id: i64) -> Result<bool>;
    fn save(tx: &dyn Tx, c: &Connection<Self>) -> Result<()>;
    fn delete(tx: &dyn Tx, pk: i64) -> Result<()>;

    /// Whether it stands on its own: `--prune` may remove it, an upgrade copies it and
    /// `export` lists it (a data source a compute resource brought follows it).
    fn independent(&self) -> bool {
        true
    }
    fn is_default(&self) -> bool {
        false
    }
    /// A type this kind cannot be is invalid input.
    fn check_type(_spec: &TypeSpec) -> Result<()> {
        Ok(())
    }
    /// What else stands in the way of a new one named `name`.
    fn check_free(_s: &mut Session, _w: &Workspace, _name: &str, _env: Env) -> Result<()> {
        Ok(())
    }
    /// Insert a new one, and what it brings.
    fn insert_new(s: &mut Session, w: &Workspace, cfg: Config) -> Result<Connection<Self>>;
    /// Refuse to change (`doing` "be changed") or remove ("be removed") one on its own.
    fn refuse_alone(_c: &Connection<Self>, _doing: &str) -> Result<()> {
        Ok(())
    }
    /// Before one is removed: what goes with it first (a data source's share rules).
    fn removing(_s: &mut Session, _c: &Connection<Self>) -> Result<()> {
        Ok(())
    }
    /// The workspace it is shared from, when it is listed in another one.
    fn shared_from(&self) -> Option<&WorkspaceName> {
        None
    }
    /// Those shared into `w` from other workspaces that the actor sees there (read-only).
    fn shared_in(_s: &mut Session, _w: &Workspace) -> Result<Vec<Connection<Self>>> {
        Ok(Vec::new())
    }
    /// After a change is saved: what follows it.
    fn updated(_s: &mut Session, _w: &Workspace, _c: &Connection<Self>) -> Result<()> {
        Ok(())
    }
    /// After a removal: what follows it, and the details it adds to the audit event.
    fn removed(
        _s: &mut Session,
        _w: &Workspace,
        _c: &Connection<Self>,
        _keep_datasource: bool,
    ) -> Result<serde_json::Map<String, Value>> {
        Ok(serde_json::Map::new())
    }
}

/// The storage calls of a kind: the store's methods for its table.
macro_rules! stored_by {
    ($named:ident, $all:ident, $insert:ident, $taken:ident, $save:ident, $delete:ident) => {
        fn named(
            tx: &dyn Tx,
            ws: i64,
            name: &str,
            env: Option<Env>,
        ) -> Result<Vec<Connection<Self>>> {
            tx.$named(ws, name, env)
        }
        fn all(tx: &dyn Tx, ws: i64, env: Option<Env>) -> Result<Vec<Connection<Self>>> {
            tx.$all(ws, env)
        }
        fn insert(tx: &dyn Tx, ws: i64, c: &Connection<Self>) -> Result<i64> {
            tx.$insert(ws, c)
        }
        fn id_taken(tx: &dyn Tx, id: i64) -> Result<bool> {
            tx.$taken(id)
        }
        fn save(tx: &dyn Tx, c: &Connection<Self>) -> Result<()> {
            tx.$save(c)
        }
        fn delete(tx: &dyn Tx, pk: i64) -> Result<()> {
            tx.$delete(pk)
        }
    };
}

impl ConnectionKind for AsCompute {
    const KIND: &'static str = "compute";
    const NOUN: &'static str = "compute resource";
    const USE: &'static str = "compute";
    const REPLACE_HINT: &'static str = "detach it and attach a new one, or use another name";
    const ADD: Action = Action::ComputeAttach;
    const UPDATE: Action = Action::ComputeUpdate;
    const REMOVE: Action = Action::ComputeDetach;

    stored_by!(
        computes_named,
        computes,
        insert_compute,
        compute_id_taken,
        save_compute,
        delete_compute
    );

    fn is_default(&self) -> bool {
        self.is_default
    }

    fn check_type(spec: &TypeSpec) -> Result<()> {
        if spec.compute {
            return Ok(());
        }
        Err(Error::invalid(format!(
            "{} cannot be attached as a compute resource",
            spec.key
        ))
        .with_hint(format!(
            "compute types are: {}; add it as a data source instead (dwctl datasource add)",
            types::compute_types()
                .iter()
                .map(|t| t.key)
                .collect::<Vec<_>>()
                .join(", ")
        )))
    }

    fn check_free(s: &mut Session, w: &Workspace, name: &str, env: Env) -> Result<()> {
        match s.tx().datasources_named(w.id, name, Some(env))?.pop() {
            Some(d) => Err(Error::conflict(format!(
                "a data source named {} already exists in {} ({}): attaching would create another",
                d.name, w.name, env
            ))
            .with_hint("choose another name for the compute resource")),
            None => super::shared::check_free(s, w, name, env),
        }
    }

    /// The first of its type in its environment is the default; it brings the data source
    /// of its name.
    fn insert_new(s: &mut Session, w: &Workspace, cfg: Config) -> Result<Compute> {
        let is_default = !s.tx().has_compute_of_type(w.id, cfg.env, &cfg.type_key)?;
        let c = insert(s, w, cfg.clone(), AsCompute { is_default })?;
        let origin = Origin::Compute(c.name.clone());
        // The data source it brings keeps its own id (import), or gets the next one.
        insert(
            s,
            w,
            Config {
                id: cfg.datasource_id,
                datasource_id: 0,
                ..cfg
            },
            AsSource {
                origin,
                last_test: None,
                shared_from: None,
            },
        )?;
        Ok(c)
    }

    /// The data source it brought follows it.
    fn updated(s: &mut Session, w: &Workspace, c: &Compute) -> Result<()> {
        if let Some(mut d) = brought(s, w, c)? {
            d.properties = c.properties.clone();
            d.description = c.description.clone();
            d.updated_at = s.now;
            d.updated_by = c.updated_by.clone();
            s.tx().save_datasource(&d)?;
        }
        Ok(())
    }

    /// The data source it brought goes too, or stays as an ordinary one; the next of its
    /// type becomes the default.
    fn removed(
        s: &mut Session,
        w: &Workspace,
        c: &Compute,
        keep_datasource: bool,
    ) -> Result<serde_json::Map<String, Value>> {
        if let Some(mut d) = brought(s, w, c)? {
            if keep_datasource {
                d.kind.origin = Origin::Manual;
                d.updated_at = s.now;
                d.updated_by = s.actor.name.to_string();
                s.tx().save_datasource(&d)?;
            } else {
                super::shared::before_datasource_removed(s, &d)?;
                s.tx().delete_datasource(d.pk)?;
            }
        }
        let mut promoted = None;
        if c.kind.is_default {
            if let Some(mut next) = s
                .tx()
                .computes(w.id, Some(c.env))?
                .into_iter()
                .find(|o| o.type_key == c.type_key)
            {
                next.kind.is_default = true;
                s.tx().save_compute(&next)?;
                promoted = Some(next.name);
            }
        }
        let mut details = serde_json::Map::new();
        details.insert("kept_datasource".into(), keep_datasource.into());
        details.insert("promoted_default".into(), promoted.into());
        Ok(details)
    }
}

/// The data source compute resource `c` brought, if it is still there.
fn brought(s: &mut Session, w: &Workspace, c: &Compute) -> Result<Option<DataSource>> {
    Ok(s.tx()
        .datasources_named(w.id, &c.name, Some(c.env))?
        .pop()
        .filter(|d| d.kind.origin.brought_by(&c.name)))
}

impl ConnectionKind for AsSource {
    const KIND: &'static str = "datasource";
    const NOUN: &'static str = "data source";
    const USE: &'static str = "data sources";
    const REPLACE_HINT: &'static str = "remove it and add a new one, or use another name";
    const ADD: Action = Action::DatasourceAdd;
    const UPDATE: Action = Action::DatasourceUpdate;
    const REMOVE: Action = Action::DatasourceRemove;

    stored_by!(
        datasources_named,
        datasources,
        insert_datasource,
        datasource_id_taken,
        save_datasource,
        delete_datasource
    );

    fn independent(&self) -> bool {
        self.origin == Origin::Manual
    }

    fn check_free(s: &mut Session, w: &Workspace, name: &str, env: Env) -> Result<()> {
        super::shared::check_free(s, w, name, env)
    }

    fn shared_from(&self) -> Option<&WorkspaceName> {
        self.shared_from.as_ref()
    }

    fn insert_new(s: &mut Session, w: &Workspace, cfg: Config) -> Result<DataSource> {
        let manual = AsSource {
            origin: Origin::Manual,
            last_test: None,
            shared_from: None,
        };
        insert(s, w, cfg, manual)
    }

    fn removing(s: &mut Session, d: &DataSource) -> Result<()> {
        super::shared::before_datasource_removed(s, d)
    }

    fn shared_in(s: &mut Session, w: &Workspace) -> Result<Vec<DataSource>> {
        super::shared::shared_into(s, w)
    }

    fn refuse_alone(d: &DataSource, doing: &str) -> Result<()> {
        let Some(c) = d.kind.origin.compute() else {
            return Ok(());
        };
        Err(Error::refused(format!(
            "data source {} belongs to compute resource {c}: it cannot {doing} on its own",
            d.name
        ))
        .with_hint(format!(
            "use dwctl compute {} {} {c} --env {}",
            if doing == "be removed" {
                "detach"
            } else {
                "update"
            },
            d.workspace,
            d.env
        )))
    }
}

impl<K> Target for Connection<K> {
    fn target_name<'a>(&'a self, _: &'a Workspace) -> &'a str {
        &self.name
    }
}

/// Insert a new connection made by the actor now, in the caller's transaction.
fn insert<K: ConnectionKind>(
    s: &mut Session,
    w: &Workspace,
    cfg: Config,
    kind: K,
) -> Result<Connection<K>> {
    let by = s.actor.name.to_string();
    let mut c = Connection {
        pk: cfg.id,
        workspace: w.name.clone(),
        name: cfg.name,
        env: cfg.env,
        type_key: cfg.type_key,
        mode: cfg.mode,
        properties: Some(cfg.properties),
        description: cfg.description,
        kind,
        created_at: s.now,
        created_by: by.clone(),
        updated_at: s.now,
        updated_by: by,
    };
    c.pk = K::insert(s.tx(), w.id, &c)?;
    Ok(c)
}

/// The one way objects leave the domain: secrets redacted, or no properties at all.
pub fn present<K>(mut c: Connection<K>, can_read: bool) -> Connection<K> {
    c.properties = if can_read {
        c.properties.as_ref().map(|p| types::redact(&c.type_key, p))
    } else {
        None
    };
    c
}

fn raw_props<K>(c: &Connection<K>) -> Properties {
    c.properties.clone().unwrap_or_default()
}

fn redacted_json<K: Serialize>(c: Connection<K>) -> Value {
    serde_json::to_value(present(c, true)).unwrap_or(Value::Null)
}

/// The details of an update event: the redacted before and after, plus the secret keys
/// whose value changed (redacted, such a change would not show at all).
fn update_details<K: ConnectionKind>(before: &Connection<K>, after: &Connection<K>) -> Value {
    let mut details = super::session::diff(
        &redacted_json(before.clone()),
        &redacted_json(after.clone()),
    );
    let (b, a) = (raw_props(before), raw_props(after));
    let mut changed: Vec<&String> = b
        .keys()
        .chain(a.keys().filter(|k| !b.contains_key(*k)))
        .filter(|k| types::is_secret_in(&after.type_key, k) && b.get(*k) != a.get(*k))
        .collect();
    changed.sort();
    if !changed.is_empty() {
        details["secrets_changed"] = serde_json::json!(changed);
    }
    details
}

/// How the properties of `update` change.
#[derive(Debug, Clone, Default)]
pub struct PropChange {
    /// `--props FILE`: the whole set.
    pub replace: Option<Properties>,
    /// `--prop K=V`: set (applied after `replace`, so `--prop` wins over the file).
    pub set: Properties,
    /// `--unprop K`.
    pub unset: Vec<String>,
}

impl PropChange {
    pub fn is_empty(&self) -> bool {
        self.replace.is_none() && self.set.is_empty() && self.unset.is_empty()
    }
    fn apply(&self, current: &Properties) -> Properties {
        let mut p = self.replace.clone().unwrap_or_else(|| current.clone());
        for k in &self.unset {
            p.remove(k);
        }
        for (k, v) in &self.set {
            p.insert(k.clone(), v.clone());
        }
        p
    }
}

/// An id that a new connection is to keep (import): a positive one that no other of its
/// kind has (exit 4).
fn checked_id<K: ConnectionKind>(s: &mut Session, id: i64) -> Result<i64> {
    if id < 1 {
        return Err(Error::invalid(format!(
            "invalid {} id {id}: ids are whole numbers from 1",
            K::NOUN
        )));
    }
    if K::id_taken(s.tx(), id)? {
        return Err(
            Error::conflict(format!("{} id {id} is taken", K::NOUN)).with_hint(format!(
                "leave the id out to get the next one (dwctl {} list shows ids)",
                K::KIND
            )),
        );
    }
    Ok(id)
}

/// What `compute attach` and `datasource add` ask for.
#[derive(Debug, Clone)]
pub struct NewObject {
    /// An id to keep (import); `None` for the next one.
    pub id: Option<i64>,
    /// A compute resource's: the id of the data source it brings, to keep (import); `None`
    /// for the next one. A data source has none.
    pub datasource_id: Option<i64>,
    pub name: ObjectName,
    pub spec: &'static TypeSpec,
    pub env: Env,
    pub mode: Option<ConnMode>,
    pub properties: Properties,
    /// The keys that may be unknown to the type and are then kept, with a warning: those
    /// of `--props` and manifests (not `--prop`, where a typo is the likelier cause).
    pub open_keys: BTreeSet<String>,
    pub description: String,
}

/// The connection of kind `K` named `name` in `w`, in `env` or the only env it exists in.
pub(super) fn find<K: ConnectionKind>(
    s: &mut Session,
    w: &Workspace,
    name: &str,
    env: Option<Env>,
) -> Result<Connection<K>> {
    let mut found = K::named(s.tx(), w.id, name, env)?;
    if found.is_empty() {
        if let Some(c) = find_shared::<K>(s, w, name, env)? {
            let from = c.kind.shared_from().map_or("", |f| f.as_str());
            return Err(Error::refused(format!(
                "{} {} is shared into {} from {from}: it is read-only here",
                K::NOUN,
                c.name,
                w.name
            ))
            .with_hint(format!(
                "change it in its own workspace (dwctl {} ... {from} {}), or stop the share: dwctl datasource unshare {from} {} --env {} --to {}",
                K::KIND, c.name, c.name, c.env, w.name
            )));
        }
    }
    match found.len() {
        0 => Err(Error::not_found(format!(
            "{} {} not found in {}",
            K::NOUN,
            shown(name),
            w.name
        ))
        .with_hint(format!("list them with dwctl {} list {}", K::KIND, w.name))),
        1 => Ok(found.pop().expect("one")),
        _ => Err(Error::invalid(format!(
            "{} {name} exists in both prod and dev in {}",
            K::NOUN,
            w.name
        ))
        .with_hint("pass --env prod or --env dev")),
    }
}

/// The one shared into `w` named `name` (in `env`, or its only env), as the actor sees it.
fn find_shared<K: ConnectionKind>(
    s: &mut Session,
    w: &Workspace,
    name: &str,
    env: Option<Env>,
) -> Result<Option<Connection<K>>> {
    Ok(K::shared_in(s, w)?
        .into_iter()
        .find(|c| c.name.eq_ignore_ascii_case(name) && env.is_none_or(|e| c.env == e)))
}

/// Environments by mode: basic workspaces have prod only.
pub(super) fn check_env(w: &Workspace, env: Env) -> Result<()> {
    if env == Env::Dev && w.mode == Mode::Basic {
        return Err(Error::refused(format!(
            "{} is in basic mode, which has no dev environment",
            w.name
        ))
        .with_hint(format!(
            "use --env prod, or upgrade it: dwctl workspace upgrade {}",
            w.name
        )));
    }
    Ok(())
}

/// The dev and prod configurations of one name share a type.
fn check_type_across_envs(
    s: &mut Session,
    w: &Workspace,
    name: &str,
    env: Env,
    type_key: &str,
) -> Result<()> {
    let other = if env == Env::Prod {
        Env::Dev
    } else {
        Env::Prod
    };
    for d in s.tx().datasources_named(w.id, name, Some(other))? {
        if !d.type_key.eq_ignore_ascii_case(type_key) {
            return Err(Error::conflict(format!(
                "{} is a {} data source in {other}; its {env} configuration must have the same type, not {type_key}",
                d.name, d.type_key
            )));
        }
    }
    Ok(())
}

fn warn_default_workspace(s: &mut Session, w: &Workspace, env: Env, what: &str) {
    if w.is_default && env == Env::Prod {
        s.warn(Warning::new(
            "default_workspace_prod",
            format!(
                "{} is the default workspace, meant for exploring: do not use it for production {what}",
                w.name
            ),
        ));
    }
}

/// Warn about a literal secret given on the command line (it may stay in shell history).
pub fn literal_secret_warning(key: &str) -> Warning {
    Warning::new(
        "literal_secret",
        format!(
            "the secret {key} was given on the command line and may be kept in your shell history; prefer {key}=- (stdin), {key}=@FILE or {key}=env:VAR"
        ),
    )
}

/// A connection already exists under the name asked for: `--if-not-exists` returns it as
/// it is, with an `exists_differs` warning naming what was asked differently; otherwise a
/// conflict (exit 4).
fn already_exists<K: ConnectionKind>(
    s: &mut Session,
    w: &Workspace,
    roles: Grants,
    existing: Connection<K>,
    req: &NewObject,
    v: &Validated,
    if_not_exists: bool,
) -> Result<Outcome<Connection<K>>> {
    let (what, name) = (K::NOUN, &existing.name);
    if !if_not_exists {
        return Err(Error::conflict(format!(
            "{what} {name} already exists in {} ({})",
            w.name, req.env
        ))
        .with_hint("choose another name, or pass --if-not-exists"));
    }
    let mut differs = Vec::new();
    if !existing.type_key.eq_ignore_ascii_case(req.spec.key) {
        differs.push("type");
    }
    if existing.mode != v.mode {
        differs.push("mode");
    }
    if raw_props(&existing) != v.properties {
        differs.push("properties");
    }
    // An empty description is "not asked for": the flag was left out.
    if !req.description.is_empty() && existing.description != req.description {
        differs.push("description");
    }
    s.warn_differs(format_args!("{what} {name}"), &differs);
    Ok(Outcome::unchanged(present(existing, can_read(s, roles))))
}

pub(super) fn can_read(s: &Session, roles: Grants) -> bool {
    policy::has_right(&s.actor, roles, Right::ReadProperties)
}

/// `compute attach` and `datasource add`. The checks, in this order: the type, the
/// properties, the workspace as the actor sees it, the right, the workspace's state, the
/// environment; then whether the name is free.
pub fn add<K: ConnectionKind>(
    s: &mut Session,
    ws: &WorkspaceName,
    req: NewObject,
    if_not_exists: bool,
) -> Result<Outcome<Connection<K>>> {
    K::check_type(req.spec)?;
    types::refuse_masks(req.spec, &req.properties)?;
    let v = validate::validate_open(
        req.spec,
        req.mode,
        &req.properties,
        &s.tenant.region,
        &|k| req.open_keys.contains(k),
    )?;
    let name = req.name.as_str();
    let Admitted {
        w, grants: roles, ..
    } = admit(s, K::ADD, ws, name, |_, _| Ok(name))?;
    check_env(&w, req.env)?;
    if let Some(existing) = K::named(s.tx(), w.id, name, Some(req.env))?.pop() {
        return already_exists(s, &w, roles, existing, &req, &v, if_not_exists);
    }
    K::check_free(s, &w, name, req.env)?;
    check_type_across_envs(s, &w, name, req.env, req.spec.key)?;
    let id = match req.id {
        Some(id) => checked_id::<K>(s, id)?,
        None => 0,
    };
    // The data source a compute resource brings: a data source id.
    let datasource_id = match req.datasource_id {
        Some(id) if K::KIND == AsCompute::KIND => checked_id::<AsSource>(s, id)?,
        _ => 0,
    };
    warn_default_workspace(s, &w, req.env, K::USE);
    let unknown_warning = v.unknown_warning(req.spec);
    let cfg = Config {
        id,
        datasource_id,
        name: name.to_string(),
        env: req.env,
        type_key: req.spec.key.to_string(),
        mode: v.mode,
        properties: v.properties,
        description: req.description,
    };
    let c = K::insert_new(s, &w, cfg)?;
    if let Some(warning) = unknown_warning {
        s.warn(warning);
    }
    s.record(
        K::ADD,
        Some(w.name.as_str()),
        Some(&c.name),
        serde_json::json!({ "env": c.env, "after": redacted_json(c.clone()) }),
    )?;
    Ok(Outcome::changed(present(c, can_read(s, roles))))
}

/// Filters of `compute list` and `datasource list`.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub env: Option<Env>,
    pub type_key: Option<String>,
    pub name_contains: Option<String>,
}

pub fn list<K: ConnectionKind>(
    s: &mut Session,
    ws: &WorkspaceName,
    f: &Filter,
) -> Result<Vec<Connection<K>>> {
    let (w, roles) = super::admit::visible(s, ws)?;
    let read = can_read(s, roles);
    let needle = f.name_contains.as_ref().map(|n| n.to_ascii_lowercase());
    let shared = K::shared_in(s, &w)?
        .into_iter()
        .filter(|c| f.env.is_none_or(|e| c.env == e));
    Ok(K::all(s.tx(), w.id, f.env)?
        .into_iter()
        .chain(shared)
        .filter(|c| {
            f.type_key
                .as_ref()
                .is_none_or(|t| c.type_key.eq_ignore_ascii_case(t))
        })
        .filter(|c| {
            needle
                .as_ref()
                .is_none_or(|n| c.name.to_ascii_lowercase().contains(n))
        })
        .map(|c| present(c, read))
        .collect())
}

pub fn show<K: ConnectionKind>(
    s: &mut Session,
    ws: &WorkspaceName,
    name: &str,
    env: Option<Env>,
) -> Result<Connection<K>> {
    let (w, roles) = super::admit::visible(s, ws)?;
    // One shared into the workspace shows there, read-only.
    let shared = if K::named(s.tx(), w.id, name, env)?.is_empty() {
        find_shared::<K>(s, &w, name, env)?
    } else {
        None
    };
    let c = match shared {
        Some(c) => c,
        None => find::<K>(s, &w, name, env)?,
    };
    Ok(present(c, can_read(s, roles)))
}

/// Validate a changed property set against the object's type and mode. Keys the type does
/// not know are kept when they are stored already (`--prop` may then set them: a key the
/// object has is no typo) or come from the whole new set (`--props`, a manifest), not
/// from a `--prop` alone; newly kept ones are warned about. A secret given as the mask is
/// refused (exit 2).
fn revalidate(
    s: &mut Session,
    type_key: &str,
    mode: ConnMode,
    stored: &Properties,
    change: &PropChange,
) -> Result<Properties> {
    let spec = resolve_type(type_key)?;
    // What comes in, not what is stored: a row is not refused for what it holds already.
    types::refuse_masks(spec, change.replace.iter().flatten().chain(&change.set))?;
    let open = |k: &str| {
        stored.contains_key(k)
            || (change.replace.as_ref().is_some_and(|r| r.contains_key(k))
                && !change.set.contains_key(k))
    };
    let mut v = validate::validate_open(
        spec,
        Some(mode),
        &change.apply(stored),
        &s.tenant.region,
        &open,
    )?;
    v.kept_unknown.retain(|k| !stored.contains_key(k));
    if let Some(warning) = v.unknown_warning(spec) {
        s.warn(warning);
    }
    Ok(v.properties)
}

/// `compute update` and `datasource update`: properties and description.
pub fn update<K: ConnectionKind>(
    s: &mut Session,
    ws: &WorkspaceName,
    name: &str,
    env: Option<Env>,
    change: &PropChange,
    description: Option<String>,
) -> Result<Outcome<Connection<K>>> {
    let Admitted {
        w,
        grants: roles,
        target: before,
    } = admit(s, K::UPDATE, ws, name, |s, w| find::<K>(s, w, name, env))?;
    K::refuse_alone(&before, "be changed")?;
    let props = revalidate(
        s,
        &before.type_key,
        before.mode,
        &raw_props(&before),
        change,
    )?;
    let mut c = before.clone();
    c.properties = Some(props);
    if let Some(d) = description {
        c.description = d;
    }
    if c == before {
        return Ok(Outcome::unchanged(present(before, can_read(s, roles))));
    }
    c.updated_at = s.now;
    c.updated_by = s.actor.name.to_string();
    K::save(s.tx(), &c)?;
    K::updated(s, &w, &c)?;
    let details = update_details(&before, &c);
    s.record(K::UPDATE, Some(w.name.as_str()), Some(&c.name), details)?;
    Ok(Outcome::changed(present(c, can_read(s, roles))))
}

/// `compute detach` (`keep_datasource`: the data source it brought stays, as an ordinary
/// one) and `datasource remove`.
pub fn remove<K: ConnectionKind>(
    s: &mut Session,
    ws: &WorkspaceName,
    name: &str,
    env: Option<Env>,
    keep_datasource: bool,
) -> Result<Outcome<Connection<K>>> {
    let Admitted {
        w,
        grants: roles,
        target: c,
    } = admit(s, K::REMOVE, ws, name, |s, w| {
        find::<K>(s, w, name, env).map_err(Error::of_target)
    })?;
    K::refuse_alone(&c, "be removed")?;
    K::removing(s, &c)?;
    K::delete(s.tx(), c.pk)?;
    let mut details = serde_json::Map::new();
    details.insert("env".into(), serde_json::json!(c.env));
    details.insert("before".into(), redacted_json(c.clone()));
    details.extend(K::removed(s, &w, &c, keep_datasource)?);
    s.record(
        K::REMOVE,
        Some(w.name.as_str()),
        Some(&c.name),
        Value::Object(details),
    )?;
    Ok(Outcome::changed(present(c, can_read(s, roles))))
}

pub fn set_default(
    s: &mut Session,
    ws: &WorkspaceName,
    name: &str,
    env: Option<Env>,
) -> Result<Outcome<Compute>> {
    let Admitted {
        w,
        grants: roles,
        target: c,
    } = admit(s, Action::ComputeSetDefault, ws, name, |s, w| {
        find::<AsCompute>(s, w, name, env)
    })?;
    if c.kind.is_default {
        return Ok(Outcome::unchanged(present(c, can_read(s, roles))));
    }
    let mut previous = None;
    for mut o in s.tx().computes(w.id, Some(c.env))? {
        if o.type_key == c.type_key && o.kind.is_default {
            o.kind.is_default = false;
            s.tx().save_compute(&o)?;
            previous = Some(o.name);
        }
    }
    let mut c = c;
    c.kind.is_default = true;
    s.tx().save_compute(&c)?;
    s.record(
        Action::ComputeSetDefault,
        Some(w.name.as_str()),
        Some(&c.name),
        serde_json::json!({ "env": c.env, "type": c.type_key, "before": previous, "after": c.name }),
    )?;
    Ok(Outcome::changed(present(c, can_read(s, roles))))
}

/// What a connectivity test needs, read (and authorised) before any connection is made.
pub struct TestTarget {
    pub spec: &'static TypeSpec,
    pub mode: ConnMode,
    pub properties: Properties,
    pub env: Env,
    pub name: String,
}

/// Step one of `datasource test`: find the data source and check the right and the
/// workspace state, in a short transaction (a denial is audited like any other).
pub fn test_target(
    s: &mut Session,
    ws: &WorkspaceName,
    name: &str,
    env: Option<Env>,
) -> Result<TestTarget> {
    let d = admit(s, Action::DatasourceTest, ws, name, |s, w| {
        find::<AsSource>(s, w, name, env)
    })?
    .target;
    Ok(TestTarget {
        spec: resolve_type(&d.type_key)?,
        mode: d.mode,
        properties: raw_props(&d),
        env: d.env,
        name: d.name,
    })
}

/// Step three: store the result on the data source, with its audit event.
pub fn store_test(
    s: &mut Session,
    ws: &WorkspaceName,
    name: &str,
    env: Env,
    result: &ProbeResult,
) -> Result<Outcome<DataSource>> {
    let (w, roles) = super::admit::see(s, Action::DatasourceTest, ws, name)?;
    let mut d = find::<AsSource>(s, &w, name, Some(env))?;
    let test = LastTest {
        state: result.state,
        at: s.now,
        latency_ms: result.latency_ms,
        message: result.message.clone(),
    };
    s.tx().save_test(d.pk, &test)?;
    d.kind.last_test = Some(test.clone());
    s.record(
        Action::DatasourceTest,
        Some(w.name.as_str()),
        Some(&d.name),
        serde_json::json!({ "env": d.env, "result": test }),
    )?;
    Ok(Outcome::changed(present(d, can_read(s, roles))))
}

/// One dev copy made by an upgrade.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UpgradeCopy {
    pub kind: &'static str,
    pub name: String,
    pub env: Env,
}

/// The dev copies an upgrade makes of the workspace's prod compute resources and data
/// sources (domain.md 3.4): same name, type, mode and properties, except that MaxCompute
/// gets its own `<project>_dev` project and the `Executor` auth type.
pub fn upgrade_copies(s: &mut Session, w: &Workspace) -> Result<Vec<UpgradeCopy>> {
    let mut copies = Vec::new();
    copy_to_dev::<AsCompute>(s, w, &mut copies)?;
    copy_to_dev::<AsSource>(s, w, &mut copies)?;
    Ok(copies)
}

fn copy_to_dev<K: ConnectionKind>(
    s: &mut Session,
    w: &Workspace,
    copies: &mut Vec<UpgradeCopy>,
) -> Result<()> {
    for c in K::all(s.tx(), w.id, Some(Env::Prod))? {
        if !c.kind.independent() || !K::named(s.tx(), w.id, &c.name, Some(Env::Dev))?.is_empty() {
            continue;
        }
        let mut properties = raw_props(&c);
        if c.type_key.eq_ignore_ascii_case("maxcompute") {
            if let Some(project) = properties.get("project").cloned() {
                properties.insert("project".into(), format!("{project}_dev"));
            }
            properties.insert("authType".into(), "Executor".into());
        }
        let cfg = Config {
            id: 0,
            datasource_id: 0,
            name: c.name.clone(),
            env: Env::Dev,
            type_key: c.type_key,
            mode: c.mode,
            properties,
            description: c.description,
        };
        K::insert_new(s, w, cfg)?;
        copies.push(UpgradeCopy {
            kind: K::KIND,
            name: c.name,
            env: Env::Dev,
        });
    }
    Ok(())
}

/// A description given on the command line or in a manifest.
pub fn parse_description(s: &str) -> Result<String> {
    Ok(Description::parse(s)?.into_string())
}
