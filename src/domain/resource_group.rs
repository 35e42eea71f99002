//! Resource groups: tenant-level compute power, bound to workspaces (domain.md 7).

use crate::model::resource_group::{
    group_id, is_group_id, DurationUnit, GroupStatus, GroupType, Payment, ResourceGroup,
};
use serde_json::Value;
use std::collections::HashSet;

use super::admit::{self, admit};
use super::policy::{Action, Right};
use super::session::{diff, Outcome, Session};
use super::workspace;
use crate::model::error::{Error, Result};
use crate::model::{shown, GroupName, Warning, Workspace, WorkspaceName};

fn to_json(g: &ResourceGroup) -> Value {
    serde_json::to_value(g).unwrap_or(Value::Null)
}

/// What `resourcegroup create` asks for.
#[derive(Debug, Clone)]
pub struct NewGroup {
    /// An id to keep (import), in a group id's shape; `None` for a generated one.
    pub id: Option<String>,
    pub name: GroupName,
    pub group_type: GroupType,
    pub spec: i64,
    pub payment: Payment,
    pub duration: Option<(i64, DurationUnit)>,
    pub vpc: Option<String>,
    pub vswitch: Option<String>,
    pub remark: String,
}

impl NewGroup {
    /// Payment and duration go together: prepaid needs both, postpaid neither.
    pub fn check_payment(&self) -> Result<()> {
        match (self.payment, self.duration) {
            (Payment::Prepaid, None) => {
                Err(Error::invalid("a prepaid resource group needs a duration")
                    .with_hint("pass --duration N --duration-unit month|year"))
            }
            (Payment::Postpaid, Some(_)) => Err(Error::invalid(
                "a postpaid (pay-as-you-go) resource group has no duration",
            )
            .with_hint("drop --duration, or pass --payment prepaid")),
            (Payment::Prepaid, Some((n, unit))) => {
                let max = if unit == DurationUnit::Month { 11 } else { 5 };
                if !(1..=max).contains(&n) {
                    // 1 is always allowed: a refused count is never singular.
                    Err(Error::invalid(format!(
                        "invalid duration {n} {unit}s: 1-{max} {unit}s"
                    )))
                } else {
                    Ok(())
                }
            }
            (Payment::Postpaid, None) => Ok(()),
        }
    }
}

pub fn find(s: &mut Session, name_or_id: &str) -> Result<ResourceGroup> {
    s.tx().resource_group(name_or_id)?.ok_or_else(|| {
        Error::not_found(format!("resource group {} not found", shown(name_or_id)))
            .with_hint("list groups with dwctl resourcegroup list")
    })
}

/// A fresh id of a group of type `t` that no group has.
pub(super) fn generate_id(s: &mut Session, t: GroupType) -> Result<String> {
    loop {
        let id = group_id(t, &s.tenant.account_id, &s.ids.digits());
        if !s.tx().resource_group_id_taken(&id)? {
            return Ok(id);
        }
    }
}

pub fn create(
    s: &mut Session,
    req: NewGroup,
    if_not_exists: bool,
) -> Result<Outcome<ResourceGroup>> {
    req.check_payment()?;
    if let Some(id) = req.id.as_deref().filter(|id| !is_group_id(id)) {
        return Err(
            Error::invalid(format!("invalid resource group id {}", shown(id)))
                .with_hint("a resource group id looks like Serverless_res_group_<digits>_<digits>"),
        );
    }
    admit::admit_tenant(
        s,
        Action::ResourceGroupCreate,
        None,
        Some(req.name.as_str()),
    )?;
    if let Some(existing) = s.tx().resource_group(req.name.as_str())? {
        if if_not_exists {
            let mut differs = Vec::new();
            if existing.group_type != req.group_type {
                differs.push("type");
            }
            if existing.spec != req.spec {
                differs.push("spec");
            }
            if existing.payment != req.payment {
                differs.push("payment");
            }
            if existing.vpc != req.vpc {
                differs.push("vpc");
            }
            if existing.vswitch != req.vswitch {
                differs.push("vswitch");
            }
            s.warn_differs(format_args!("resource group {}", existing.name), &differs);
            return Ok(Outcome::unchanged(existing));
        }
        return Err(
            Error::conflict(format!("resource group {} already exists", existing.name))
                .with_hint("choose another name, or pass --if-not-exists"),
        );
    }
    let id = match req.id {
        Some(id) => {
            if s.tx().resource_group_id_taken(&id)? {
                return Err(Error::conflict(format!("resource group id {id} is taken"))
                    .with_hint("leave the id out to get a generated one"));
            }
            id
        }
        None => generate_id(s, req.group_type)?,
    };
    let mut g = ResourceGroup {
        pk: 0,
        id,
        name: req.name.to_string(),
        group_type: req.group_type,
        spec: req.spec,
        payment: req.payment,
        duration: req.duration.map(|d| d.0),
        duration_unit: req.duration.map(|d| d.1.as_str().to_string()),
        vpc: req.vpc,
        vswitch: req.vswitch,
        remark: req.remark,
        status: GroupStatus::Normal,
        workspaces: Vec::new(),
        created_at: s.now,
        created_by: s.actor.name.to_string(),
    };
    g.pk = s.tx().insert_resource_group(&g)?;
    s.record(
        Action::ResourceGroupCreate,
        None,
        Some(&g.name),
        serde_json::json!({ "after": to_json(&g) }),
    )?;
    Ok(Outcome::changed(g))
}

/// Every principal may list groups: members need to know what serves their workspaces.
/// Each names only the workspaces the actor can see among those it is bound to.
pub fn list(s: &mut Session) -> Result<Vec<ResourceGroup>> {
    let seen = workspace::visible_names(s)?;
    let mut list = s.tx().resource_groups()?;
    for g in &mut list {
        hide_unseen(&seen, g);
    }
    Ok(list)
}

/// `resourcegroup show`: the group, bound to the workspaces the actor can see.
pub fn show(s: &mut Session, name_or_id: &str) -> Result<ResourceGroup> {
    let g = find(s, name_or_id)?;
    as_seen(s, g)
}

/// The group as the actor may see it: a workspace the actor cannot see is one that does
/// not exist, so it is not among the group's bindings either (nor counted).
fn as_seen(s: &mut Session, mut g: ResourceGroup) -> Result<ResourceGroup> {
    let seen = workspace::visible_names(s)?;
    hide_unseen(&seen, &mut g);
    Ok(g)
}

fn hide_unseen(seen: &Option<HashSet<String>>, g: &mut ResourceGroup) {
    if let Some(seen) = seen {
        g.workspaces
            .retain(|w| seen.contains(&w.to_ascii_lowercase()));
    }
}

#[derive(Debug, Clone, Default)]
pub struct GroupUpdate {
    pub name: Option<GroupName>,
    pub remark: Option<String>,
    pub spec: Option<i64>,
}

pub fn update(
    s: &mut Session,
    name_or_id: &str,
    u: &GroupUpdate,
) -> Result<Outcome<ResourceGroup>> {
    let before = find(s, name_or_id)?;
    admit::admit_tenant(s, Action::ResourceGroupUpdate, None, Some(&before.name))?;
    let mut g = before.clone();
    if let Some(spec) = u.spec {
        if spec != g.spec && g.group_type != GroupType::Serverless {
            return Err(Error::refused(format!(
                "resource group {} is a legacy {} group: only serverless groups scale",
                g.name, g.group_type
            )));
        }
        g.spec = spec;
    }
    if let Some(r) = &u.remark {
        g.remark = r.clone();
    }
    if let Some(n) = &u.name {
        if !n.as_str().eq_ignore_ascii_case(&g.name) {
            if let Some(other) = s.tx().resource_group(n.as_str())? {
                return Err(Error::conflict(format!(
                    "resource group {} already exists",
                    other.name
                )));
            }
        }
        g.name = n.to_string();
    }
    if g == before {
        return Ok(Outcome::unchanged(before));
    }
    s.tx().save_resource_group(&g)?;
    s.record(
        Action::ResourceGroupUpdate,
        None,
        Some(&g.name),
        diff(&to_json(&before), &to_json(&g)),
    )?;
    Ok(Outcome::changed(g))
}

pub fn delete(s: &mut Session, name_or_id: &str) -> Result<Outcome<ResourceGroup>> {
    let g = find(s, name_or_id).map_err(Error::of_target)?;
    admit::admit_tenant(s, Action::ResourceGroupDelete, None, Some(&g.name))?;
    if !g.workspaces.is_empty() {
        return Err(Error::conflict(format!(
            "resource group {} is still bound to {}",
            g.name,
            g.workspaces.join(", ")
        ))
        .with_hint(format!(
            "unbind it first: dwctl resourcegroup unbind {} WORKSPACE",
            g.name
        )));
    }
    s.tx().delete_resource_group(g.pk)?;
    s.record(
        Action::ResourceGroupDelete,
        None,
        Some(&g.name),
        serde_json::json!({ "before": to_json(&g) }),
    )?;
    Ok(Outcome::changed(g))
}

fn is_bound(g: &ResourceGroup, w: &Workspace) -> bool {
    g.workspaces
        .iter()
        .any(|n| n.eq_ignore_ascii_case(w.name.as_str()))
}

pub fn bind(
    s: &mut Session,
    group: &str,
    ws_name: &WorkspaceName,
    make_default: bool,
    if_not_exists: bool,
) -> Result<Outcome<ResourceGroup>> {
    // The group is found before the workspace.
    let g = find(s, group)?;
    let (w, roles) = admit::see(s, Action::ResourceGroupBind, ws_name, &g.name)?;
    let also =
        make_default.then_some((Right::WorkspaceUpdate, "set the default resource group of"));
    admit::check_also(s, Action::ResourceGroupBind, &w, roles, &g.name, also)?;
    let already = is_bound(&g, &w);
    if already && !if_not_exists {
        return Err(Error::conflict(format!(
            "resource group {} is already bound to {}",
            g.name, w.name
        ))
        .with_hint("pass --if-not-exists to accept that"));
    }
    if !already {
        let (now, by) = (s.now, s.actor.name.to_string());
        s.tx().insert_binding(g.pk, w.id, now, &by)?;
    }
    let mut changed = !already;
    let mut default_changed = false;
    if make_default && w.default_resource_group.as_deref() != Some(g.name.as_str()) {
        let mut w2 = w.clone();
        w2.default_resource_group = Some(g.name.clone());
        w2.updated_at = s.now;
        s.tx().save_workspace(&w2)?;
        changed = true;
        default_changed = true;
    }
    let after = find(s, &g.id)?;
    let after = as_seen(s, after)?;
    if changed {
        s.record(
            Action::ResourceGroupBind,
            Some(w.name.as_str()),
            Some(&g.name),
            serde_json::json!({ "group": g.name, "workspace": w.name, "bound": !already, "default": make_default, "default_changed": default_changed }),
        )?;
    }
    Ok(Outcome {
        value: after,
        changed,
    })
}

pub fn unbind(
    s: &mut Session,
    group: &str,
    ws_name: &WorkspaceName,
) -> Result<Outcome<ResourceGroup>> {
    // The group is found before the workspace.
    let g = find(s, group)?;
    let w = admit(s, Action::ResourceGroupUnbind, ws_name, &g.name, |_, w| {
        if is_bound(&g, w) {
            Ok(g.name.as_str())
        } else {
            Err(Error::not_found(format!(
                "resource group {} is not bound to {}",
                g.name, w.name
            ))
            .with_hint("pass --if-exists to accept that")
            .of_target())
        }
    })?
    .w;
    s.tx().delete_binding(g.pk, w.id)?;
    if w.default_resource_group
        .as_deref()
        .is_some_and(|d| d.eq_ignore_ascii_case(&g.name))
    {
        let mut w2 = w.clone();
        w2.default_resource_group = None;
        w2.updated_at = s.now;
        s.tx().save_workspace(&w2)?;
        s.warn(Warning::new(
            "default_cleared",
            format!(
                "{} was the default resource group of {}; {} now has none",
                g.name, w.name, w.name
            ),
        ));
    }
    s.record(
        Action::ResourceGroupUnbind,
        Some(w.name.as_str()),
        Some(&g.name),
        serde_json::json!({ "group": g.name, "workspace": w.name }),
    )?;
    let after = find(s, &g.id)?;
    Ok(Outcome::changed(as_seen(s, after)?))
}
