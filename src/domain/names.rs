//! Names for shell completion, read through the domain as the actor (`--as` on the line,
//! `DWCTL_ACTOR`, the config's `actor`): a TAB offers exactly what that actor's `list`
//! commands show, never a workspace it cannot see or what is inside one.

use super::session::Session;
use super::{principal, workspace};
use crate::model::error::Result;
use crate::model::{Member, Status, WorkspaceName};

/// What kind of names to offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// Workspaces the actor can see (the recycle bin included).
    Workspace,
    /// Every principal of the tenant (the directory every principal may read).
    Principal,
    /// Members of the workspace typed.
    Member,
    /// Principals that are no member of the workspace typed (`member add`); every
    /// principal when it is not typed, or not visible (the directory is no secret, its
    /// members are).
    NonMember,
    ResourceGroup,
    /// Compute resources of the workspace typed.
    Compute,
    /// Data sources of the workspace typed.
    DataSource,
    /// AccessKey ids the actor may manage: its own, or anyone's for an administrator.
    AccessKey,
    /// Custom roles of the workspace typed.
    CustomRole,
}

/// A name and a few words about it (zsh, fish and PowerShell show them beside the name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub name: String,
    pub about: String,
}

impl Named {
    fn new(name: impl Into<String>, about: impl Into<String>) -> Self {
        Named {
            name: name.into(),
            about: about.into(),
        }
    }
}

/// The names of one kind, sorted case-insensitively. `workspace` scopes members, compute
/// resources and data sources: without it, or when the actor cannot see it, there are none.
pub fn names(s: &mut Session, kind: NameKind, workspace: Option<&str>) -> Result<Vec<Named>> {
    names_starting(s, kind, workspace, "")
}

/// The names of one kind that start with `prefix` (exactly, as a shell matches the word
/// typed), sorted as `names`. Every kind is read by an index range of its names, so that a
/// TAB costs what the prefix matches, in a tenant (or a workspace) of any size; with no
/// prefix, a workspace's members are read by the workspace's key.
pub fn names_starting(
    s: &mut Session,
    kind: NameKind,
    workspace: Option<&str>,
    prefix: &str,
) -> Result<Vec<Named>> {
    let scope = workspace.and_then(|w| WorkspaceName::parse(w).ok());
    let mut out = Vec::new();
    match kind {
        NameKind::Workspace => {
            let all = workspace::ListFilter {
                all: true,
                name_prefix: Some(prefix.to_string()),
                ..Default::default()
            };
            for w in workspace::list(s, &all)? {
                let about = match w.status {
                    Status::Available => w.display_name.clone(),
                    st => format!("{} ({st})", w.display_name),
                };
                out.push(Named::new(w.name.as_str(), about));
            }
        }
        NameKind::Principal => {
            for p in principal::list_starting(s, prefix)? {
                let about = match p.display_name.as_deref().filter(|d| !d.is_empty()) {
                    Some(d) => format!("{}: {d}", p.kind),
                    None => p.kind.to_string(),
                };
                out.push(Named::new(p.name.as_str(), about));
            }
        }
        NameKind::ResourceGroup => {
            // `resourcegroup list` shows every group to every actor.
            for g in s.tx().resource_groups_from(prefix)? {
                let about = format!("{} {} CU, {}", g.group_type, g.spec, g.id);
                out.push(Named::new(g.name, about));
            }
        }
        NameKind::AccessKey => {
            let admin = s.actor.is_tenant_admin();
            for k in s.tx().access_keys_from(prefix)? {
                if admin || k.principal_pk == s.actor.pk {
                    let about = format!("{} ({})", k.user, k.status.as_str());
                    out.push(Named::new(k.access_key_id, about));
                }
            }
        }
        NameKind::NonMember => {
            // The members that could hide a principal: those with the same prefix.
            let members = match &scope {
                Some(ws) => or_none(in_workspace(s, NameKind::Member, ws, prefix))?,
                None => Vec::new(),
            };
            out = names_starting(s, NameKind::Principal, None, prefix)?
                .into_iter()
                .filter(|p| !members.iter().any(|m| m.name.eq_ignore_ascii_case(&p.name)))
                .collect();
        }
        NameKind::Member | NameKind::Compute | NameKind::DataSource | NameKind::CustomRole => {
            let Some(ws) = scope else {
                return Ok(Vec::new());
            };
            out = or_none(in_workspace(s, kind, &ws, prefix))?;
        }
    }
    out.retain(|n| n.name.starts_with(prefix));
    out.sort_by_key(|n| n.name.to_ascii_lowercase());
    Ok(out)
}

/// A workspace that is not there, or not visible to the actor, has nothing to offer.
fn or_none(found: Result<Vec<Named>>) -> Result<Vec<Named>> {
    match found {
        Err(e) if e.kind == crate::model::error::Kind::NotFound => Ok(Vec::new()),
        other => other,
    }
}

/// Members, compute resources or data sources of a workspace the actor can see (as its
/// `list` commands read them), whose names may start with `prefix`.
fn in_workspace(
    s: &mut Session,
    kind: NameKind,
    ws: &WorkspaceName,
    prefix: &str,
) -> Result<Vec<Named>> {
    let (w, _) = workspace::visible(s, ws)?;
    let mut out: Vec<Named> = Vec::new();
    // (name, type, env): a name in both environments is offered once.
    let mut objects: Vec<(String, String, String)> = Vec::new();
    let member = |m: Member| Named::new(m.user.as_str(), m.roles.codes().join(", "));
    match kind {
        NameKind::Member if prefix.is_empty() => s.tx().for_each_member(w.id, &mut |m| {
            out.push(member(m));
            Ok(())
        })?,
        NameKind::Member => out.extend(s.tx().members_from(w.id, prefix)?.into_iter().map(member)),
        NameKind::CustomRole => {
            for r in s.custom_roles(w.id)?.iter() {
                out.push(Named::new(
                    r.name.as_str(),
                    format!("custom role {}", r.code),
                ));
            }
        }
        NameKind::Compute => {
            for c in s.tx().computes_from(w.id, prefix)? {
                objects.push((c.name, c.type_key, c.env.to_string()));
            }
        }
        _ => {
            for d in s.tx().datasources_from(w.id, prefix)? {
                objects.push((d.name, d.type_key, d.env.to_string()));
            }
        }
    }
    for (name, type_key, env) in objects {
        match out.iter_mut().find(|n| n.name.eq_ignore_ascii_case(&name)) {
            Some(n) => {
                n.about.pop();
                n.about.push_str(&format!(", {env})"));
            }
            None => out.push(Named::new(name, format!("{type_key} ({env})"))),
        }
    }
    Ok(out)
}
