//! What `compute` and `datasource` commands do alike, written once over the connection
//! kind: show, list, add (attach), update, remove (detach), and reading a new object's
//! input or a property change.

use super::{props, Ctx};
use crate::domain::resources::{self as res, ConnectionKind, Filter, NewObject, PropChange};
use crate::model::error::{Error, Result};
use crate::model::resources::Connection;
use crate::model::types::{self, ConnMode};
use crate::model::{named, Env, ObjectName, Warning, WorkspaceName};
use crate::output::View;
use crate::prompt;

/// What the two commands say differently.
pub trait Said: ConnectionKind
where
    Connection<Self>: View,
{
    /// The noun at the start of a sentence.
    const CAPITAL: &'static str;
    /// Removing: "Detach", "Remove" (and "Detached", "Removed").
    const REMOVING: (&'static str, &'static str);
    /// How a new one was made, e.g. "Attached {type} compute resource {name} to {ws} ({env})".
    fn added(c: &Connection<Self>, ws: &WorkspaceName) -> String;
    /// What the removal question adds after the object (with its leading space).
    fn removing_also(_keep_datasource: bool) -> &'static str {
        ""
    }
}

/// Environment, mode, properties and description of a new compute resource or data
/// source (`--prop`, `--props FILE`: read, or asked for, by `new_object`).
pub struct ObjectInput {
    pub env: Option<Env>,
    pub mode: Option<ConnMode>,
    pub props: Vec<String>,
    pub props_file: Option<String>,
    pub description: Option<String>,
}

/// What `compute update` and `datasource update` take.
pub struct ObjectUpdate {
    pub workspace: WorkspaceName,
    pub name: ObjectName,
    pub env: Option<Env>,
    pub props: Vec<String>,
    pub unprops: Vec<String>,
    pub props_file: Option<String>,
    pub description: Option<String>,
    pub dry_run: bool,
}

/// What `compute attach` and `datasource add` take; `S`, the type, is an `Option` where
/// a terminal may ask for it (`datasource add`).
pub struct NewConnection<S = &'static types::TypeSpec> {
    pub workspace: WorkspaceName,
    pub name: ObjectName,
    pub spec: S,
    pub object: ObjectInput,
    pub if_not_exists: bool,
    pub dry_run: bool,
}

impl<S> NewConnection<S> {
    /// The same, of the type found.
    pub fn with_spec(self, spec: &'static types::TypeSpec) -> NewConnection {
        NewConnection {
            workspace: self.workspace,
            name: self.name,
            spec,
            object: self.object,
            if_not_exists: self.if_not_exists,
            dry_run: self.dry_run,
        }
    }
}

pub fn show<K: Said>(
    ctx: &mut Ctx,
    ws: &WorkspaceName,
    name: &ObjectName,
    env: Option<Env>,
) -> anyhow::Result<()>
where
    Connection<K>: View,
{
    let c = ctx.read(|s| res::show::<K>(s, ws, name.as_str(), env))?;
    ctx.printer.object(&c)?;
    Ok(())
}

pub fn list<K: Said>(ctx: &mut Ctx, ws: &WorkspaceName, f: &Filter) -> anyhow::Result<()>
where
    Connection<K>: View,
{
    let list = ctx.read(|s| res::list::<K>(s, ws, f))?;
    ctx.printer.list(&list)?;
    Ok(())
}

/// `compute attach` and `datasource add`: the warnings reading the properties gave come
/// first.
pub fn add<K: Said>(ctx: &mut Ctx, a: NewConnection) -> anyhow::Result<()>
where
    Connection<K>: View,
{
    let ws = a.workspace;
    let (req, warnings) = new_object(ctx, a.name, a.spec, &a.object)?;
    let mut done = ctx.write(a.dry_run, |s| res::add::<K>(s, &ws, req, a.if_not_exists))?;
    done.warnings.splice(0..0, warnings);
    let c = &done.value.value;
    let msg = if done.value.changed {
        format!("{}.", K::added(c, &ws))
    } else {
        format!(
            "{} {} already exists in {ws} ({}).",
            K::CAPITAL,
            c.name,
            c.env
        )
    };
    ctx.print_mutation(K::ADD.name(), a.dry_run, done, &msg)
}

/// Env, mode, properties (`--props` and `--prop`, read or asked for) and description, as
/// a new object; and the warnings reading the properties gave.
fn new_object(
    ctx: &Ctx,
    name: ObjectName,
    spec: &'static types::TypeSpec,
    object: &ObjectInput,
) -> anyhow::Result<(NewObject, Vec<Warning>)> {
    let env = object.env.unwrap_or(Env::Prod);
    let asking = props::Asking {
        settings: &ctx.settings,
        object: format!("{name} ({env})"),
        spec: Some(spec),
    };
    let mut input = props::read(&object.props, object.props_file.as_deref(), &[], &asking)?;
    input
        .warnings
        .extend(props::literal_secret_warnings(spec.key, &input.literal));
    let env = env_of(object.env, input.env)?.unwrap_or(Env::Prod);
    let mut properties = input.file.unwrap_or_default();
    let open_keys = properties
        .keys()
        .filter(|k| !input.set.contains_key(*k))
        .cloned()
        .collect();
    properties.extend(input.set);
    let req = NewObject {
        id: None,
        datasource_id: None,
        name,
        spec,
        env,
        mode: object.mode,
        properties,
        open_keys,
        description: res::parse_description(object.description.as_deref().unwrap_or(""))?,
    };
    Ok((req, input.warnings))
}

/// The environment `--env` names and the one a `--props` file in the API's shape names
/// (`envType`): either, or both when they agree (exit 2 otherwise).
fn env_of(given: Option<Env>, file: Option<Env>) -> Result<Option<Env>> {
    match (given, file) {
        (Some(g), Some(f)) if g != f => Err(Error::invalid(format!(
            "--env {g} and the --props file's envType ({}) disagree",
            crate::model::api_datasource::api_env(f)
        ))
        .with_hint("leave envType out of the file, or give the --env it names")),
        (g, f) => Ok(g.or(f)),
    }
}

/// The change `update` asks for, its environment, and what reading it gave: the warnings,
/// and the keys given literally on the command line.
fn prop_change<K: Said>(
    ctx: &mut Ctx,
    a: &ObjectUpdate,
) -> anyhow::Result<(PropChange, Option<Env>, props::PropInput)>
where
    Connection<K>: View,
{
    // A value typed at the terminal is hidden when it is a secret of the object's type,
    // which is read first only then (any failure is the update's to report).
    let spec = if props::asks(&a.props) {
        ctx.read(|s| res::show::<K>(s, &a.workspace, a.name.as_str(), a.env))
            .ok()
            .and_then(|c| types::lookup(&c.type_key))
    } else {
        None
    };
    let asking = props::Asking {
        settings: &ctx.settings,
        object: match a.env {
            Some(e) => format!("{} ({e})", named(a.name.as_str())),
            None => named(a.name.as_str()),
        },
        spec,
    };
    let mut input = props::read(&a.props, a.props_file.as_deref(), &a.unprops, &asking)?;
    let env = env_of(a.env, input.env)?;
    let change = PropChange {
        replace: input.file.take(),
        set: std::mem::take(&mut input.set),
        unset: a.unprops.clone(),
    };
    Ok((change, env, input))
}

pub fn update<K: Said>(ctx: &mut Ctx, a: ObjectUpdate) -> anyhow::Result<()>
where
    Connection<K>: View,
{
    let ws = &a.workspace;
    let (change, env, input) = prop_change::<K>(ctx, &a)?;
    let description = a
        .description
        .as_deref()
        .map(res::parse_description)
        .transpose()?;
    let mut done = ctx.write(a.dry_run, |s| {
        res::update::<K>(s, ws, a.name.as_str(), env, &change, description.clone())
    })?;
    // Literal secrets by the object's type: a key it does not know (kept) is one too.
    let mut warnings = input.warnings;
    let type_key = &done.value.value.type_key;
    warnings.extend(props::literal_secret_warnings(type_key, &input.literal));
    done.warnings.splice(0..0, warnings);
    let msg = told("Updated", &done.value.value, "in", ws);
    ctx.print_mutation(K::UPDATE.name(), a.dry_run, done, &msg)
}

/// "{did} compute resource NAME {prep} WORKSPACE (ENV)."
fn told<K: ConnectionKind>(did: &str, c: &Connection<K>, prep: &str, ws: &WorkspaceName) -> String {
    format!("{did} {} {} {prep} {ws} ({}).", K::NOUN, c.name, c.env)
}

/// What `compute detach` and `datasource remove` take.
pub struct Removal<'a> {
    pub workspace: &'a WorkspaceName,
    pub name: &'a ObjectName,
    pub env: Option<Env>,
    pub keep_datasource: bool,
    pub if_exists: bool,
    pub dry_run: bool,
}

pub fn remove<K: Said>(ctx: &mut Ctx, a: Removal) -> anyhow::Result<()>
where
    Connection<K>: View,
{
    let (ws, name) = (a.workspace, a.name);
    let (verb, done_verb) = K::REMOVING;
    let also = K::removing_also(a.keep_datasource);
    let r = ctx.confirmed_write(
        a.dry_run,
        |settings, c: &Connection<K>| {
            prompt::confirm(
                settings,
                &format!(
                    "{verb} {} {} ({}){also} from {}?",
                    K::NOUN,
                    c.name,
                    c.env,
                    c.workspace
                ),
            )
        },
        |s| res::remove::<K>(s, ws, name.as_str(), a.env, a.keep_datasource),
    );
    ctx.print_removal(
        K::REMOVE.name(),
        a.dry_run,
        a.if_exists,
        r,
        |c| told(done_verb, c, "from", ws),
        &format!("{} {name} does not exist in {ws}.", K::CAPITAL),
    )
}
