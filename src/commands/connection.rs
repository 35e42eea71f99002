//! What `compute` and `datasource` commands do alike, written once over the connection
//! kind: show, list, add (attach), update, remove (detach), and reading a new object's
//! input or a property change.

use super::{if_exists, props, Ctx};
use crate::cli::{ObjectAt, ObjectInput, ObjectUpdateArgs};
use crate::domain::resources::{self as res, ConnectionKind, Filter, NewObject, PropChange};
use crate::domain::types::{self, ConnMode};
use crate::model::error::Error;
use crate::model::resources::Connection;
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
    /// How a new one was made, e.g. "Attached {type} compute resource {name} to {ws} ({env})".
    fn added(c: &Connection<Self>, ws: &WorkspaceName) -> String;
    /// Removing: "Detach", "Remove" (and "Detached", "Removed").
    const REMOVING: (&'static str, &'static str);
    /// What the removal question adds after the object (with its leading space).
    fn removing_also(_keep_datasource: bool) -> &'static str {
        ""
    }
}

pub fn parse_env(e: Option<&str>) -> Result<Option<Env>, Error> {
    e.map(Env::parse).transpose()
}

/// The workspace and the environment of `at`, its name checked as a `K` name, before
/// anything is read.
pub fn located<K: ConnectionKind>(at: &ObjectAt) -> Result<(WorkspaceName, Option<Env>), Error> {
    let ws = WorkspaceName::parse(&at.workspace)?;
    ObjectName::parse(&at.name, K::NOUN)?;
    Ok((ws, parse_env(at.env.as_deref())?))
}

pub fn show<K: Said>(ctx: &mut Ctx, at: &ObjectAt) -> anyhow::Result<()>
where
    Connection<K>: View,
{
    let (ws, env) = located::<K>(at)?;
    let c = ctx.read(|s| res::show::<K>(s, &ws, &at.name, env))?;
    ctx.printer.object(&c)?;
    Ok(())
}

pub fn list<K: Said>(ctx: &mut Ctx, ws: &str, f: &Filter) -> anyhow::Result<()>
where
    Connection<K>: View,
{
    let ws = WorkspaceName::parse(ws)?;
    let list = ctx.read(|s| res::list::<K>(s, &ws, f))?;
    ctx.printer.list(&list)?;
    Ok(())
}

/// `compute attach` and `datasource add`: env, mode, properties (`--props` and `--prop`,
/// read or asked for) and description, as a new object; the warnings reading the
/// properties gave come first.
pub fn add<K: Said>(
    ctx: &mut Ctx,
    ws: &WorkspaceName,
    name: ObjectName,
    spec: &'static types::TypeSpec,
    object: &ObjectInput,
) -> anyhow::Result<()>
where
    Connection<K>: View,
{
    let (req, warnings) = new_object(ctx, name, spec, object)?;
    let dry_run = object.dry_run;
    let mut done = ctx.write(dry_run, |s| res::add::<K>(s, ws, req, object.if_not_exists))?;
    done.warnings.splice(0..0, warnings);
    let c = &done.value.value;
    let msg = if done.value.changed {
        format!("{}.", K::added(c, ws))
    } else {
        format!(
            "{} {} already exists in {ws} ({}).",
            K::CAPITAL,
            c.name,
            c.env
        )
    };
    ctx.print_mutation(K::ADD.name(), dry_run, done, &msg)
}

fn new_object(
    ctx: &Ctx,
    name: ObjectName,
    spec: &'static types::TypeSpec,
    object: &ObjectInput,
) -> anyhow::Result<(NewObject, Vec<Warning>)> {
    let env = parse_env(object.env.as_deref())?.unwrap_or(Env::Prod);
    let asking = props::Asking {
        settings: &ctx.settings,
        object: format!("{name} ({env})"),
    };
    let input = props::read(&object.props, object.props_file.as_deref(), &[], &asking)?;
    let mut properties = input.file.unwrap_or_default();
    properties.extend(input.set);
    let req = NewObject {
        name,
        spec,
        env,
        mode: object.mode.as_deref().map(ConnMode::parse).transpose()?,
        properties,
        description: res::parse_description(object.description.as_deref().unwrap_or(""))?,
    };
    Ok((req, input.warnings))
}

fn prop_change(
    ctx: &Ctx,
    a: &ObjectUpdateArgs,
    env: Option<Env>,
) -> anyhow::Result<(PropChange, Vec<Warning>)> {
    let asking = props::Asking {
        settings: &ctx.settings,
        object: match env {
            Some(e) => format!("{} ({e})", named(&a.at.name)),
            None => named(&a.at.name),
        },
    };
    let input = props::read(&a.props, a.props_file.as_deref(), &a.unprops, &asking)?;
    Ok((
        PropChange {
            replace: input.file,
            set: input.set,
            unset: a.unprops.clone(),
        },
        input.warnings,
    ))
}

pub fn update<K: Said>(ctx: &mut Ctx, a: ObjectUpdateArgs) -> anyhow::Result<()>
where
    Connection<K>: View,
{
    let (ws, env) = located::<K>(&a.at)?;
    let (change, warnings) = prop_change(ctx, &a, env)?;
    let description = a
        .description
        .as_deref()
        .map(res::parse_description)
        .transpose()?;
    let mut done = ctx.write(a.dry_run, |s| {
        res::update::<K>(s, &ws, &a.at.name, env, &change, description.clone())
    })?;
    done.warnings.splice(0..0, warnings);
    let msg = told("Updated", &done.value.value, "in", &ws);
    ctx.print_mutation(K::UPDATE.name(), a.dry_run, done, &msg)
}

/// "{did} compute resource NAME {prep} WORKSPACE (ENV)."
fn told<K: ConnectionKind>(did: &str, c: &Connection<K>, prep: &str, ws: &WorkspaceName) -> String {
    format!("{did} {} {} {prep} {ws} ({}).", K::NOUN, c.name, c.env)
}

/// What `compute detach` and `datasource remove` name.
pub struct Removal<'a> {
    pub at: &'a ObjectAt,
    pub keep_datasource: bool,
    pub if_exists: bool,
    pub dry_run: bool,
}

pub fn remove<K: Said>(ctx: &mut Ctx, a: Removal) -> anyhow::Result<()>
where
    Connection<K>: View,
{
    let (ws, env) = located::<K>(a.at)?;
    let name = &a.at.name;
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
        |s| res::remove::<K>(s, &ws, name, env, a.keep_datasource),
    );
    match if_exists(a.if_exists, r)? {
        Some(done) => {
            let msg = told(done_verb, &done.value.value, "from", &ws);
            ctx.print_mutation(K::REMOVE.name(), a.dry_run, done, &msg)
        }
        None => {
            ctx.printer.mutation(
                K::REMOVE.name(),
                false,
                a.dry_run,
                &serde_json::Value::Null,
                &[],
                &format!("{} {} does not exist in {ws}.", K::CAPITAL, name),
            )?;
            Ok(())
        }
    }
}
