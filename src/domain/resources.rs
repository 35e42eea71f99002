//! Compute resources and data sources inside workspaces (domain.md 5-6).
//!
//! Properties are stored whole (secrets included: the catalog file is 0600) and leave the
//! domain only through `present`, which redacts secrets, or hides the properties entirely
//! from actors without the right to read connection properties.

use serde::Serialize;

use crate::model::resources::{Compute, DataSource, LastTest};
use serde_json::Value;

use super::policy::{self, Right};
use super::probe::ProbeResult;
use super::session::{Outcome, Session};
use super::types::validate::{self, Validated};
use super::workspace;
use crate::model::error::{Error, Result};
use crate::model::roles::RoleSet;
use crate::model::types::{self, resolve_type, ConnMode, Properties, TypeSpec};
use crate::model::{shown, Description, Env, Mode, ObjectName, Warning, Workspace, WorkspaceName};

pub trait HasProperties {
    fn properties_mut(&mut self) -> &mut Option<Properties>;
    /// Name, type, mode and description: what `--if-not-exists` compares.
    fn shape(&self) -> (&str, &str, ConnMode, &str);
}
impl HasProperties for Compute {
    fn properties_mut(&mut self) -> &mut Option<Properties> {
        &mut self.properties
    }
    fn shape(&self) -> (&str, &str, ConnMode, &str) {
        (&self.name, &self.type_key, self.mode, &self.description)
    }
}
impl HasProperties for DataSource {
    fn properties_mut(&mut self) -> &mut Option<Properties> {
        &mut self.properties
    }
    fn shape(&self) -> (&str, &str, ConnMode, &str) {
        (&self.name, &self.type_key, self.mode, &self.description)
    }
}

/// The one way objects leave the domain: secrets redacted, or no properties at all.
pub fn present<T: HasProperties>(mut obj: T, can_read: bool) -> T {
    let p = obj.properties_mut();
    *p = if can_read {
        p.as_ref().map(types::redact)
    } else {
        None
    };
    obj
}

fn raw_props<T: HasProperties + Clone>(obj: &T) -> Properties {
    obj.clone().properties_mut().clone().unwrap_or_default()
}

fn redacted_json<T: HasProperties + Serialize>(obj: T) -> Value {
    serde_json::to_value(present(obj, true)).unwrap_or(Value::Null)
}

/// The details of an update event: the redacted before and after, plus the secret keys
/// whose value changed (redacted, such a change would not show at all).
fn update_details<T: HasProperties + Serialize + Clone>(before: &T, after: &T) -> Value {
    let mut details = super::session::diff(
        &redacted_json(before.clone()),
        &redacted_json(after.clone()),
    );
    let (b, a) = (raw_props(before), raw_props(after));
    let mut changed: Vec<&String> = b
        .keys()
        .chain(a.keys().filter(|k| !b.contains_key(*k)))
        .filter(|k| types::is_secret_key(k) && b.get(*k) != a.get(*k))
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

/// What `compute attach` and `datasource add` ask for.
#[derive(Debug, Clone)]
pub struct NewObject {
    pub name: ObjectName,
    pub spec: &'static TypeSpec,
    pub env: Env,
    pub mode: Option<ConnMode>,
    pub properties: Properties,
    pub description: String,
}

fn pick_env<T>(found: Vec<(Env, T)>, what: &str, ws: &Workspace, name: &str) -> Result<T> {
    let mut found = found;
    match found.len() {
        0 => Err(
            Error::not_found(format!("{what} {} not found in {}", shown(name), ws.name)).with_hint(
                format!(
                    "list them with dwctl {} list {}",
                    if what == "compute resource" {
                        "compute"
                    } else {
                        "datasource"
                    },
                    ws.name
                ),
            ),
        ),
        1 => Ok(found.pop().expect("one").1),
        _ => Err(Error::invalid(format!(
            "{what} {name} exists in both prod and dev in {}",
            ws.name
        ))
        .with_hint("pass --env prod or --env dev")),
    }
}

fn find_compute(s: &mut Session, ws: &Workspace, name: &str, env: Option<Env>) -> Result<Compute> {
    let found = s.tx().computes_named(ws.id, name, env)?;
    pick_env(
        found.into_iter().map(|c| (c.env, c)).collect(),
        "compute resource",
        ws,
        name,
    )
}

fn find_datasource(
    s: &mut Session,
    ws: &Workspace,
    name: &str,
    env: Option<Env>,
) -> Result<DataSource> {
    let found = s.tx().datasources_named(ws.id, name, env)?;
    pick_env(
        found.into_iter().map(|d| (d.env, d)).collect(),
        "data source",
        ws,
        name,
    )
}

/// Environments by mode: basic workspaces have prod only.
fn check_env(w: &Workspace, env: Env) -> Result<()> {
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

/// An object already exists under the name asked for: `--if-not-exists` returns it as it
/// is, with an `exists_differs` warning naming what was asked differently; otherwise a
/// conflict (exit 4).
#[allow(clippy::too_many_arguments)]
fn already_exists<T: HasProperties + Clone>(
    s: &mut Session,
    w: &Workspace,
    roles: RoleSet,
    existing: T,
    what: &str,
    req: &NewObject,
    v: &Validated,
    if_not_exists: bool,
) -> Result<Outcome<T>> {
    let (name, type_key, mode, description) = existing.shape();
    if !if_not_exists {
        return Err(Error::conflict(format!(
            "{what} {name} already exists in {} ({})",
            w.name, req.env
        ))
        .with_hint("choose another name, or pass --if-not-exists"));
    }
    let mut differs = Vec::new();
    if !type_key.eq_ignore_ascii_case(req.spec.key) {
        differs.push("type");
    }
    if mode != v.mode {
        differs.push("mode");
    }
    if raw_props(&existing) != v.properties {
        differs.push("properties");
    }
    // An empty description is "not asked for": the flag was left out.
    if !req.description.is_empty() && description != req.description {
        differs.push("description");
    }
    if !differs.is_empty() {
        s.warn(Warning::new(
            "exists_differs",
            format!(
                "{what} {name} exists and differs in: {}",
                differs.join(", ")
            ),
        ));
    }
    Ok(Outcome::unchanged(present(existing, can_read(s, roles))))
}

fn can_read(s: &Session, roles: RoleSet) -> bool {
    policy::has_right(&s.actor, roles, Right::ReadProperties)
}

// ---- compute ----

/// The checks a new compute resource or data source passes, in this order: its
/// properties, the workspace as the actor sees it, the right (`doing` + " to"), the
/// workspace's state, and the environment.
fn admit_new(
    s: &mut Session,
    ws: &WorkspaceName,
    req: &NewObject,
    action: &str,
    right: Right,
    doing: &str,
) -> Result<(Validated, Workspace, RoleSet)> {
    let v = validate::validate(req.spec, req.mode, &req.properties, &s.tenant.region)?;
    let (w, roles) = workspace::visible(s, ws)?;
    s.attempt(action, Some(w.name.as_str()), Some(req.name.as_str()));
    policy::require(&s.actor, roles, &w, right, &format!("{doing} to"))?;
    workspace::require_available(&w, doing)?;
    check_env(&w, req.env)?;
    Ok((v, w, roles))
}

pub fn attach(
    s: &mut Session,
    ws: &WorkspaceName,
    req: NewObject,
    if_not_exists: bool,
) -> Result<Outcome<Compute>> {
    s.attempt("compute.attach", Some(ws.as_str()), Some(req.name.as_str()));
    if !req.spec.compute {
        return Err(Error::invalid(format!(
            "{} cannot be attached as a compute resource",
            req.spec.key
        ))
        .with_hint(format!(
            "compute types are: {}; add it as a data source instead (dwctl datasource add)",
            types::compute_types()
                .iter()
                .map(|t| t.key)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let (v, w, roles) = admit_new(
        s,
        ws,
        &req,
        "compute.attach",
        Right::ComputeManage,
        "attach compute resources",
    )?;
    let name = req.name.as_str();
    if let Some(existing) = s.tx().computes_named(w.id, name, Some(req.env))?.pop() {
        return already_exists(
            s,
            &w,
            roles,
            existing,
            "compute resource",
            &req,
            &v,
            if_not_exists,
        );
    }
    if let Some(d) = s.tx().datasources_named(w.id, name, Some(req.env))?.pop() {
        return Err(Error::conflict(format!(
            "a data source named {} already exists in {} ({}): attaching would create another",
            d.name, w.name, req.env
        ))
        .with_hint("choose another name for the compute resource"));
    }
    check_type_across_envs(s, &w, name, req.env, req.spec.key)?;
    warn_default_workspace(s, &w, req.env, "compute");
    let is_default = !s.tx().has_compute_of_type(w.id, req.env, req.spec.key)?;
    let c = insert_compute(
        s,
        &w,
        name,
        req.env,
        req.spec.key,
        v.mode,
        v.properties,
        req.description,
        is_default,
    )?;
    s.record(
        "compute.attach",
        Some(w.name.as_str()),
        Some(&c.name),
        serde_json::json!({ "env": c.env, "after": redacted_json(c.clone()) }),
    )?;
    Ok(Outcome::changed(present(c, can_read(s, roles))))
}

/// Insert a compute resource and the data source it brings, in the caller's transaction.
#[allow(clippy::too_many_arguments)]
fn insert_compute(
    s: &mut Session,
    w: &Workspace,
    name: &str,
    env: Env,
    type_key: &str,
    mode: ConnMode,
    properties: Properties,
    description: String,
    is_default: bool,
) -> Result<Compute> {
    let by = s.actor.name.to_string();
    let mut c = Compute {
        pk: 0,
        workspace: w.name.clone(),
        name: name.to_string(),
        env,
        type_key: type_key.to_string(),
        mode,
        properties: Some(properties.clone()),
        description: description.clone(),
        is_default,
        created_at: s.now,
        created_by: by.clone(),
        updated_at: s.now,
        updated_by: by,
    };
    c.pk = s.tx().insert_compute(w.id, &c)?;
    insert_datasource(
        s,
        w,
        name,
        env,
        type_key,
        mode,
        properties,
        description,
        &format!("compute:{name}"),
    )?;
    Ok(c)
}

pub fn list_compute(s: &mut Session, ws: &WorkspaceName, env: Option<Env>) -> Result<Vec<Compute>> {
    let (w, roles) = workspace::visible(s, ws)?;
    let read = can_read(s, roles);
    Ok(s.tx()
        .computes(w.id, env)?
        .into_iter()
        .map(|c| present(c, read))
        .collect())
}

pub fn show_compute(
    s: &mut Session,
    ws: &WorkspaceName,
    name: &str,
    env: Option<Env>,
) -> Result<Compute> {
    let (w, roles) = workspace::visible(s, ws)?;
    let c = find_compute(s, &w, name, env)?;
    Ok(present(c, can_read(s, roles)))
}

/// Validate a changed property set against the object's type and mode.
fn revalidate(
    s: &Session,
    type_key: &str,
    mode: ConnMode,
    props: &Properties,
) -> Result<Properties> {
    let spec = resolve_type(type_key)?;
    Ok(validate::validate(spec, Some(mode), props, &s.tenant.region)?.properties)
}

pub fn update_compute(
    s: &mut Session,
    ws: &WorkspaceName,
    name: &str,
    env: Option<Env>,
    change: &PropChange,
    description: Option<String>,
) -> Result<Outcome<Compute>> {
    s.attempt("compute.update", Some(ws.as_str()), Some(name));
    let (w, roles) = workspace::visible(s, ws)?;
    let before = find_compute(s, &w, name, env)?;
    s.attempt("compute.update", Some(w.name.as_str()), Some(&before.name));
    policy::require(
        &s.actor,
        roles,
        &w,
        Right::ComputeManage,
        "change compute resources in",
    )?;
    workspace::require_available(&w, "change compute resources")?;
    let props = revalidate(
        s,
        &before.type_key,
        before.mode,
        &change.apply(&raw_props(&before)),
    )?;
    let mut c = before.clone();
    c.properties = Some(props.clone());
    if let Some(d) = description {
        c.description = d;
    }
    if c == before {
        return Ok(Outcome::unchanged(present(before, can_read(s, roles))));
    }
    c.updated_at = s.now;
    c.updated_by = s.actor.name.to_string();
    s.tx().save_compute(&c)?;
    // The data source the compute resource brought follows it.
    let origin = format!("compute:{}", c.name);
    if let Some(mut d) = s.tx().datasources_named(w.id, &c.name, Some(c.env))?.pop() {
        if d.origin.eq_ignore_ascii_case(&origin) {
            d.properties = Some(props);
            d.description = c.description.clone();
            d.updated_at = s.now;
            d.updated_by = c.updated_by.clone();
            s.tx().save_datasource(&d)?;
        }
    }
    let details = update_details(&before, &c);
    s.record(
        "compute.update",
        Some(w.name.as_str()),
        Some(&c.name),
        details,
    )?;
    Ok(Outcome::changed(present(c, can_read(s, roles))))
}

pub fn detach(
    s: &mut Session,
    ws: &WorkspaceName,
    name: &str,
    env: Option<Env>,
    keep_datasource: bool,
) -> Result<Outcome<Compute>> {
    s.attempt("compute.detach", Some(ws.as_str()), Some(name));
    let (w, roles) = workspace::visible(s, ws)?;
    let c = find_compute(s, &w, name, env).map_err(Error::of_target)?;
    s.attempt("compute.detach", Some(w.name.as_str()), Some(&c.name));
    policy::require(
        &s.actor,
        roles,
        &w,
        Right::ComputeManage,
        "detach compute resources from",
    )?;
    workspace::require_available(&w, "detach compute resources")?;
    s.tx().delete_compute(c.pk)?;
    let origin = format!("compute:{}", c.name);
    if let Some(mut d) = s.tx().datasources_named(w.id, &c.name, Some(c.env))?.pop() {
        if d.origin.eq_ignore_ascii_case(&origin) {
            if keep_datasource {
                d.origin = "manual".into();
                d.updated_at = s.now;
                d.updated_by = s.actor.name.to_string();
                s.tx().save_datasource(&d)?;
            } else {
                s.tx().delete_datasource(d.pk)?;
            }
        }
    }
    let mut promoted = None;
    if c.is_default {
        if let Some(mut next) = s
            .tx()
            .computes(w.id, Some(c.env))?
            .into_iter()
            .find(|o| o.type_key == c.type_key)
        {
            next.is_default = true;
            s.tx().save_compute(&next)?;
            promoted = Some(next.name);
        }
    }
    s.record(
        "compute.detach",
        Some(w.name.as_str()),
        Some(&c.name),
        serde_json::json!({ "env": c.env, "before": redacted_json(c.clone()), "kept_datasource": keep_datasource, "promoted_default": promoted }),
    )?;
    Ok(Outcome::changed(present(c, can_read(s, roles))))
}

pub fn set_default(
    s: &mut Session,
    ws: &WorkspaceName,
    name: &str,
    env: Option<Env>,
) -> Result<Outcome<Compute>> {
    s.attempt("compute.set-default", Some(ws.as_str()), Some(name));
    let (w, roles) = workspace::visible(s, ws)?;
    let c = find_compute(s, &w, name, env)?;
    s.attempt("compute.set-default", Some(w.name.as_str()), Some(&c.name));
    policy::require(
        &s.actor,
        roles,
        &w,
        Right::ComputeManage,
        "change the default compute resource of",
    )?;
    workspace::require_available(&w, "change the default compute resource")?;
    if c.is_default {
        return Ok(Outcome::unchanged(present(c, can_read(s, roles))));
    }
    let mut previous = None;
    for mut o in s.tx().computes(w.id, Some(c.env))? {
        if o.type_key == c.type_key && o.is_default {
            o.is_default = false;
            s.tx().save_compute(&o)?;
            previous = Some(o.name);
        }
    }
    let mut c = c;
    c.is_default = true;
    s.tx().save_compute(&c)?;
    s.record(
        "compute.set-default",
        Some(w.name.as_str()),
        Some(&c.name),
        serde_json::json!({ "env": c.env, "type": c.type_key, "before": previous, "after": c.name }),
    )?;
    Ok(Outcome::changed(present(c, can_read(s, roles))))
}

// ---- data sources ----

pub fn add(
    s: &mut Session,
    ws: &WorkspaceName,
    req: NewObject,
    if_not_exists: bool,
) -> Result<Outcome<DataSource>> {
    s.attempt("datasource.add", Some(ws.as_str()), Some(req.name.as_str()));
    let (v, w, roles) = admit_new(
        s,
        ws,
        &req,
        "datasource.add",
        Right::DatasourceManage,
        "add data sources",
    )?;
    let name = req.name.as_str();
    if let Some(existing) = s.tx().datasources_named(w.id, name, Some(req.env))?.pop() {
        return already_exists(
            s,
            &w,
            roles,
            existing,
            "data source",
            &req,
            &v,
            if_not_exists,
        );
    }
    check_type_across_envs(s, &w, name, req.env, req.spec.key)?;
    warn_default_workspace(s, &w, req.env, "data sources");
    let d = insert_datasource(
        s,
        &w,
        name,
        req.env,
        req.spec.key,
        v.mode,
        v.properties,
        req.description,
        "manual",
    )?;
    s.record(
        "datasource.add",
        Some(w.name.as_str()),
        Some(&d.name),
        serde_json::json!({ "env": d.env, "after": redacted_json(d.clone()) }),
    )?;
    Ok(Outcome::changed(present(d, can_read(s, roles))))
}

#[allow(clippy::too_many_arguments)]
fn insert_datasource(
    s: &mut Session,
    w: &Workspace,
    name: &str,
    env: Env,
    type_key: &str,
    mode: ConnMode,
    properties: Properties,
    description: String,
    origin: &str,
) -> Result<DataSource> {
    let by = s.actor.name.to_string();
    let mut d = DataSource {
        pk: 0,
        workspace: w.name.clone(),
        name: name.to_string(),
        env,
        type_key: type_key.to_string(),
        mode,
        properties: Some(properties),
        description,
        origin: origin.to_string(),
        last_test: None,
        created_at: s.now,
        created_by: by.clone(),
        updated_at: s.now,
        updated_by: by,
    };
    d.pk = s.tx().insert_datasource(w.id, &d)?;
    Ok(d)
}

/// Filters of `datasource list`.
#[derive(Debug, Clone, Default)]
pub struct DataSourceFilter {
    pub env: Option<Env>,
    pub type_key: Option<String>,
    pub name_contains: Option<String>,
}

pub fn list_datasources(
    s: &mut Session,
    ws: &WorkspaceName,
    f: &DataSourceFilter,
) -> Result<Vec<DataSource>> {
    let (w, roles) = workspace::visible(s, ws)?;
    let read = can_read(s, roles);
    let needle = f.name_contains.as_ref().map(|n| n.to_ascii_lowercase());
    Ok(s.tx()
        .datasources(w.id, f.env)?
        .into_iter()
        .filter(|d| {
            f.type_key
                .as_ref()
                .is_none_or(|t| d.type_key.eq_ignore_ascii_case(t))
        })
        .filter(|d| {
            needle
                .as_ref()
                .is_none_or(|n| d.name.to_ascii_lowercase().contains(n))
        })
        .map(|d| present(d, read))
        .collect())
}

pub fn show_datasource(
    s: &mut Session,
    ws: &WorkspaceName,
    name: &str,
    env: Option<Env>,
) -> Result<DataSource> {
    let (w, roles) = workspace::visible(s, ws)?;
    let d = find_datasource(s, &w, name, env)?;
    Ok(present(d, can_read(s, roles)))
}

fn refuse_compute_owned(d: &DataSource, doing: &str) -> Result<()> {
    if let Some(c) = d.origin.strip_prefix("compute:") {
        return Err(Error::refused(format!(
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
        )));
    }
    Ok(())
}

pub fn update_datasource(
    s: &mut Session,
    ws: &WorkspaceName,
    name: &str,
    env: Option<Env>,
    change: &PropChange,
    description: Option<String>,
) -> Result<Outcome<DataSource>> {
    s.attempt("datasource.update", Some(ws.as_str()), Some(name));
    let (w, roles) = workspace::visible(s, ws)?;
    let before = find_datasource(s, &w, name, env)?;
    s.attempt(
        "datasource.update",
        Some(w.name.as_str()),
        Some(&before.name),
    );
    policy::require(
        &s.actor,
        roles,
        &w,
        Right::DatasourceManage,
        "change data sources in",
    )?;
    workspace::require_available(&w, "change data sources")?;
    refuse_compute_owned(&before, "be changed")?;
    let props = revalidate(
        s,
        &before.type_key,
        before.mode,
        &change.apply(&raw_props(&before)),
    )?;
    let mut d = before.clone();
    d.properties = Some(props);
    if let Some(desc) = description {
        d.description = desc;
    }
    if d == before {
        return Ok(Outcome::unchanged(present(before, can_read(s, roles))));
    }
    d.updated_at = s.now;
    d.updated_by = s.actor.name.to_string();
    s.tx().save_datasource(&d)?;
    let details = update_details(&before, &d);
    s.record(
        "datasource.update",
        Some(w.name.as_str()),
        Some(&d.name),
        details,
    )?;
    Ok(Outcome::changed(present(d, can_read(s, roles))))
}

pub fn remove(
    s: &mut Session,
    ws: &WorkspaceName,
    name: &str,
    env: Option<Env>,
) -> Result<Outcome<DataSource>> {
    s.attempt("datasource.remove", Some(ws.as_str()), Some(name));
    let (w, roles) = workspace::visible(s, ws)?;
    let d = find_datasource(s, &w, name, env).map_err(Error::of_target)?;
    s.attempt("datasource.remove", Some(w.name.as_str()), Some(&d.name));
    policy::require(
        &s.actor,
        roles,
        &w,
        Right::DatasourceManage,
        "remove data sources from",
    )?;
    workspace::require_available(&w, "remove data sources")?;
    refuse_compute_owned(&d, "be removed")?;
    s.tx().delete_datasource(d.pk)?;
    s.record(
        "datasource.remove",
        Some(w.name.as_str()),
        Some(&d.name),
        serde_json::json!({ "env": d.env, "before": redacted_json(d.clone()) }),
    )?;
    Ok(Outcome::changed(present(d, can_read(s, roles))))
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
    s.attempt("datasource.test", Some(ws.as_str()), Some(name));
    let (w, roles) = workspace::visible(s, ws)?;
    let d = find_datasource(s, &w, name, env)?;
    s.attempt("datasource.test", Some(w.name.as_str()), Some(&d.name));
    policy::require(
        &s.actor,
        roles,
        &w,
        Right::DatasourceTest,
        "test data sources in",
    )?;
    workspace::require_available(&w, "test data sources")?;
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
    s.attempt("datasource.test", Some(ws.as_str()), Some(name));
    let (w, roles) = workspace::visible(s, ws)?;
    let mut d = find_datasource(s, &w, name, Some(env))?;
    let test = LastTest {
        state: result.state,
        at: s.now,
        latency_ms: result.latency_ms,
        message: result.message.clone(),
    };
    s.tx().save_test(d.pk, &test)?;
    d.last_test = Some(test.clone());
    s.record(
        "datasource.test",
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
    let dev_props = |c_type: &str, props: &Properties| -> Properties {
        let mut p = props.clone();
        if c_type.eq_ignore_ascii_case("maxcompute") {
            if let Some(project) = p.get("project").cloned() {
                p.insert("project".into(), format!("{project}_dev"));
            }
            p.insert("authType".into(), "Executor".into());
        }
        p
    };
    for c in s.tx().computes(w.id, Some(Env::Prod))? {
        if !s
            .tx()
            .computes_named(w.id, &c.name, Some(Env::Dev))?
            .is_empty()
        {
            continue;
        }
        let props = dev_props(&c.type_key, &raw_props(&c));
        let is_default = !s.tx().has_compute_of_type(w.id, Env::Dev, &c.type_key)?;
        insert_compute(
            s,
            w,
            &c.name,
            Env::Dev,
            &c.type_key,
            c.mode,
            props,
            c.description.clone(),
            is_default,
        )?;
        copies.push(UpgradeCopy {
            kind: "compute",
            name: c.name.clone(),
            env: Env::Dev,
        });
    }
    for d in s.tx().datasources(w.id, Some(Env::Prod))? {
        if d.origin != "manual"
            || !s
                .tx()
                .datasources_named(w.id, &d.name, Some(Env::Dev))?
                .is_empty()
        {
            continue;
        }
        let props = dev_props(&d.type_key, &raw_props(&d));
        insert_datasource(
            s,
            w,
            &d.name,
            Env::Dev,
            &d.type_key,
            d.mode,
            props,
            d.description.clone(),
            "manual",
        )?;
        copies.push(UpgradeCopy {
            kind: "datasource",
            name: d.name.clone(),
            env: Env::Dev,
        });
    }
    Ok(copies)
}

/// A description given on the command line or in a manifest.
pub fn parse_description(s: &str) -> Result<String> {
    Ok(Description::parse(s)?.into_string())
}
