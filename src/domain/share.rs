//! Data sources shared across workspaces (issue 16, part 2; the API's
//! CreateDataSourceSharedRule / ListDataSourceSharedRules / DeleteDataSourceSharedRule).
//!
//! A rule shares one data source of its workspace (one environment's configuration) into
//! another workspace, in the same environment, optionally to one member of it. There it is
//! listed with `shared_from` and is read-only: the source workspace's members change it,
//! and its secrets are never shown through the share. The rules:
//! never into its own workspace; a shared data source is not shared on; the sharer needs
//! `datasource.manage` in the source and must see the target, which must be available
//! (and have the environment); the name must be free in the target's environment (its own
//! data sources and the other shares, exit 4). Removing the data source and purging
//! either workspace remove its rules, one `datasource.unshare` event each; disabling or
//! deleting to the recycle bin keeps them (a restore brings them back as they were).

use super::admit::{self, admit, Admitted, Target};
use super::member::not_member;
use super::policy::Action;
use super::principal;
use super::resources::{check_env, find};
use super::session::{Outcome, Session};
use super::shared;
use super::store::ShareFilter;
use crate::model::error::{Error, Result};
use crate::model::resources::{AsSource, DataSource, Share};
use crate::model::{shown, Env, Status, Workspace, WorkspaceName};

impl Target for Share {
    fn target_name<'a>(&'a self, _: &'a Workspace) -> &'a str {
        &self.datasource
    }
}

/// The rule of `name` (in `env`, or its only env) of `w` into `to`.
fn rule_into(
    s: &mut Session,
    w: &Workspace,
    name: &str,
    env: Option<Env>,
    to: &WorkspaceName,
) -> Result<Share> {
    let d = find::<AsSource>(s, w, name, env)?;
    s.tx()
        .shares(&ShareFilter {
            datasource: Some(d.pk),
            ..ShareFilter::default()
        })?
        .into_iter()
        .find(|r| r.to.as_str().eq_ignore_ascii_case(to.as_str()))
        .ok_or_else(|| {
            Error::not_found(format!(
                "data source {} of {} ({}) is not shared into {to}",
                d.name, w.name, d.env
            ))
            .with_hint(format!(
                "list its rules with dwctl datasource shares {} {}",
                w.name, d.name
            ))
        })
}

/// The data source to share: one of the workspace's own. One shared into it is refused
/// (no re-sharing); one that is not there is not found.
fn own_source(s: &mut Session, w: &Workspace, name: &str, env: Option<Env>) -> Result<DataSource> {
    match find::<AsSource>(s, w, name, env) {
        Ok(d) => Ok(d),
        Err(e) => {
            let shared = s.tx().shares(&ShareFilter {
                target: Some(w.id),
                ..ShareFilter::default()
            })?;
            match shared
                .into_iter()
                .find(|r| r.datasource.eq_ignore_ascii_case(name))
            {
                Some(r) => Err(Error::refused(format!(
                    "data source {} is shared into {} from {}: a shared data source cannot be shared on",
                    r.datasource, w.name, r.workspace
                ))
                .with_hint(format!(
                    "share it from its own workspace: dwctl datasource share {} {} --to ...",
                    r.workspace, r.datasource
                ))),
                None => Err(e.of_target()),
            }
        }
    }
}

/// `datasource share W NAME --to W2 [--env E] [--user U]`.
pub fn share(
    s: &mut Session,
    ws: &WorkspaceName,
    name: &str,
    env: Option<Env>,
    to: &WorkspaceName,
    user: Option<&str>,
    if_not_exists: bool,
) -> Result<Outcome<Share>> {
    let Admitted { w, target: d, .. } = admit(s, Action::DatasourceShare, ws, name, |s, w| {
        own_source(s, w, name, env)
    })?;
    let (t, _) = admit::visible(s, to)?;
    if t.id == w.id {
        return Err(Error::refused(format!(
            "data source {} cannot be shared into its own workspace {}",
            d.name, w.name
        ))
        .with_hint("share it into another workspace: --to WORKSPACE"));
    }
    if t.status != Status::Available {
        return Err(Error::refused(format!(
            "workspace {} is {}: cannot share data sources into it",
            t.name, t.status
        ))
        .with_hint(format!(
            "enable or restore it first: dwctl workspace enable {}",
            t.name
        )));
    }
    check_env(&t, d.env)?;
    let member = match user {
        Some(u) => {
            let p = principal::find(s, u)?;
            if s.tx().member(t.id, p.pk)?.is_none() {
                return Err(not_member(&t, &p));
            }
            Some(p)
        }
        None => None,
    };
    let rules = s.tx().shares(&ShareFilter {
        target: Some(t.id),
        ..ShareFilter::default()
    })?;
    if let Some(existing) = rules.iter().find(|r| r.datasource_pk == d.pk) {
        if !if_not_exists {
            return Err(Error::conflict(format!(
                "data source {} of {} ({}) is already shared into {}",
                d.name, w.name, d.env, t.name
            ))
            .with_hint("pass --if-not-exists, or unshare it first to change the user"));
        }
        let asked = member.as_ref().map(|p| p.pk);
        let differs: &[&str] = if existing.user_pk != asked {
            &["user"]
        } else {
            &[]
        };
        s.warn_differs(
            format_args!("the share of {} into {}", d.name, t.name),
            differs,
        );
        return Ok(Outcome::unchanged(existing.clone()));
    }
    if let Some(own) = s.tx().datasources_named(t.id, &d.name, Some(d.env))?.pop() {
        return Err(Error::conflict(format!(
            "{} already has a data source named {} ({}): the shared one would clash with it",
            t.name, own.name, d.env
        ))
        .with_hint("rename one of them, or share into another workspace"));
    }
    if let Some(other) = rules
        .iter()
        .find(|r| r.env == d.env && r.datasource.eq_ignore_ascii_case(&d.name))
    {
        return Err(Error::conflict(format!(
            "{} already receives a data source named {} ({}) from {}",
            t.name, other.datasource, d.env, other.workspace
        ))
        .with_hint(format!(
            "unshare that one first: dwctl datasource unshare {} {} --to {}",
            other.workspace, other.datasource, t.name
        )));
    }
    let mut rule = Share {
        id: 0,
        workspace: w.name.clone(),
        datasource: d.name.clone(),
        env: d.env,
        to: t.name.clone(),
        user: member.as_ref().map(|p| p.name.clone()),
        created_at: s.now,
        created_by: s.actor.name.to_string(),
        datasource_pk: d.pk,
        source_id: w.id,
        target_id: t.id,
        user_pk: member.as_ref().map(|p| p.pk),
    };
    rule.id = s.tx().insert_share(&rule)?;
    s.record(
        Action::DatasourceShare,
        Some(w.name.as_str()),
        Some(&d.name),
        serde_json::json!({ "env": d.env, "after": rule }),
    )?;
    Ok(Outcome::changed(rule))
}

/// `datasource unshare W NAME --to W2 [--env E]`.
pub fn unshare(
    s: &mut Session,
    ws: &WorkspaceName,
    name: &str,
    env: Option<Env>,
    to: &WorkspaceName,
) -> Result<Outcome<Share>> {
    let rule = admit(s, Action::DatasourceUnshare, ws, name, |s, w| {
        rule_into(s, w, name, env, to).map_err(Error::of_target)
    })?
    .target;
    shared::remove_rule(s, &rule, None)?;
    Ok(Outcome::changed(rule))
}

/// `datasource shares [W [NAME]] [--to W2] [--env E]`: the rules of W's data sources
/// (all of them: W's members see what W shares), or those into W2 the actor may see, or
/// both narrowed.
pub fn list(
    s: &mut Session,
    ws: Option<&WorkspaceName>,
    name: Option<&str>,
    env: Option<Env>,
    to: Option<&WorkspaceName>,
) -> Result<Vec<Share>> {
    let mut f = ShareFilter::default();
    let mut from_source = false;
    if let Some(ws) = ws {
        let (w, _) = admit::visible(s, ws)?;
        f.source = Some(w.id);
        from_source = true;
        if let Some(name) = name {
            let found = s.tx().datasources_named(w.id, name, env)?;
            if found.is_empty() {
                return Err(Error::not_found(format!(
                    "data source {} not found in {}",
                    shown(name),
                    w.name
                ))
                .with_hint(format!("list them with dwctl datasource list {}", w.name)));
            }
            let mut all = Vec::new();
            for d in found {
                f.datasource = Some(d.pk);
                all.extend(narrowed(s, &f, to, true)?);
            }
            return Ok(all);
        }
    }
    let mut rules = narrowed(s, &f, to, from_source)?;
    rules.retain(|r| env.is_none_or(|e| r.env == e));
    Ok(rules)
}

fn narrowed(
    s: &mut Session,
    f: &ShareFilter,
    to: Option<&WorkspaceName>,
    from_source: bool,
) -> Result<Vec<Share>> {
    let mut f = *f;
    if let Some(to) = to {
        let (t, _) = admit::visible(s, to)?;
        f.target = Some(t.id);
    } else if !from_source {
        return Err(Error::invalid("name a workspace, or the target with --to")
            .with_hint("dwctl datasource shares WORKSPACE [NAME], or dwctl datasource shares --to WORKSPACE"));
    }
    let mut rules = s.tx().shares(&f)?;
    if !from_source {
        rules.retain(|r| shared::meant_for(s, r));
    }
    Ok(rules)
}

/// The rule with id `id` (the API names rules so): one of a data source whose workspace
/// the actor cannot see is not found, like one that does not exist.
pub fn rule_by_id(s: &mut Session, id: i64) -> Result<Share> {
    let found = s.tx().shares(&ShareFilter {
        id: Some(id),
        ..ShareFilter::default()
    })?;
    if let Some(rule) = found.into_iter().next() {
        if admit::visible(s, &rule.workspace).is_ok() {
            return Ok(rule);
        }
    }
    Err(
        Error::not_found(format!("data source shared rule {id} not found"))
            .with_hint("list them with dwctl datasource shares WORKSPACE"),
    )
}
