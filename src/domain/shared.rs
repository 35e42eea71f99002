//! The share rules of data sources as the rest of the domain meets them (issue 16, part
//! 2): what a target's `datasource list` shows of them, and what removing a data source
//! or a membership, or purging a workspace, does to them. The use cases on the rules are
//! `domain::share`.

use super::policy::Action;
use super::session::Session;
use super::store::ShareFilter;
use crate::model::error::{Error, Result};
use crate::model::resources::{DataSource, Share};
use crate::model::{Env, Workspace};

/// Delete one rule with its `datasource.unshare` event (`why`: what removed it, when it
/// is not `datasource unshare` itself).
pub(super) fn remove_rule(s: &mut Session, rule: &Share, why: Option<&str>) -> Result<()> {
    s.tx().delete_share(rule.id)?;
    let mut details = serde_json::json!({ "env": rule.env, "before": rule });
    if let Some(why) = why {
        details["because"] = why.into();
    }
    s.record(
        Action::DatasourceUnshare,
        Some(rule.workspace.as_str()),
        Some(&rule.datasource),
        details,
    )
}

/// Before a data source is removed: its rules go, one event each.
pub fn before_datasource_removed(s: &mut Session, d: &DataSource) -> Result<()> {
    let rules = s.tx().shares(&ShareFilter {
        datasource: Some(d.pk),
        ..ShareFilter::default()
    })?;
    for rule in &rules {
        remove_rule(s, rule, Some("datasource.remove"))?;
    }
    Ok(())
}

/// Before a workspace is purged: the rules of its data sources and those into it go, one
/// event each.
pub fn before_workspace_purged(s: &mut Session, w: &Workspace) -> Result<()> {
    let mut rules = s.tx().shares(&ShareFilter {
        source: Some(w.id),
        ..ShareFilter::default()
    })?;
    rules.extend(s.tx().shares(&ShareFilter {
        target: Some(w.id),
        ..ShareFilter::default()
    })?);
    for rule in &rules {
        remove_rule(s, rule, Some("workspace.purge"))?;
    }
    Ok(())
}

/// Before the membership of principal `pk` in `w` is removed (`member remove`, `member
/// prune`, `user remove --cascade`): the rules that share into `w` for that member alone
/// go, one event each, `because` the action that removes the membership.
pub fn before_membership_removed(
    s: &mut Session,
    w: &Workspace,
    pk: i64,
    why: Action,
) -> Result<()> {
    let rules = s.tx().shares(&ShareFilter {
        target: Some(w.id),
        ..ShareFilter::default()
    })?;
    for rule in rules.iter().filter(|r| r.user_pk == Some(pk)) {
        remove_rule(s, rule, Some(why.name()))?;
    }
    Ok(())
}

/// Whether the actor sees a rule into a workspace they see: one shared with the whole
/// workspace, or with them, or any for a tenant administrator.
pub(super) fn meant_for(s: &Session, rule: &Share) -> bool {
    rule.user_pk.is_none_or(|pk| pk == s.actor.pk) || s.actor.is_tenant_admin()
}

/// The data sources shared into `w` that the actor sees there, as `datasource list`
/// shows them: read-only, named as in their source, `workspace` the one listed,
/// `shared_from` the source. Their properties leave the domain as every data source's do,
/// through `resources::present` (secrets never shown).
pub fn shared_into(s: &mut Session, w: &Workspace) -> Result<Vec<DataSource>> {
    let rules = s.tx().shares(&ShareFilter {
        target: Some(w.id),
        ..ShareFilter::default()
    })?;
    let mut out = Vec::new();
    for rule in rules.iter().filter(|r| meant_for(s, r)) {
        let Some(mut d) = s
            .tx()
            .datasources_named(rule.source_id, &rule.datasource, Some(rule.env))?
            .pop()
        else {
            continue;
        };
        d.kind.shared_from = Some(rule.workspace.clone());
        d.workspace = w.name.clone();
        out.push(d);
    }
    Ok(out)
}

/// A new data source of `w` (or the one a compute resource brings) named `name` in `env`
/// would clash with one shared into `w` under that name (exit 4).
pub fn check_free(s: &mut Session, w: &Workspace, name: &str, env: Env) -> Result<()> {
    let into = s.tx().shares(&ShareFilter {
        target: Some(w.id),
        ..ShareFilter::default()
    })?;
    match into
        .into_iter()
        .find(|r| r.env == env && r.datasource.eq_ignore_ascii_case(name))
    {
        Some(r) => Err(Error::conflict(format!(
            "{} receives a data source named {} ({env}) from {}: a new one would clash with it",
            w.name, r.datasource, r.workspace
        ))
        .with_hint(format!(
            "choose another name, or unshare it first: dwctl datasource unshare {} {} --env {env} --to {}",
            r.workspace, r.datasource, w.name
        ))),
        None => Ok(()),
    }
}
