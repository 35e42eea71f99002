//! Names for shell completion, read through the domain as the actor (`--as` on the line,
//! `DWCTL_ACTOR`, the config's `actor`): a TAB offers exactly what that actor's `list`
//! commands show, never a workspace it cannot see or what is inside one.

use super::resources::{self as res, DataSourceFilter};
use super::session::Session;
use super::{member, principal, resource_group, workspace};
use crate::model::error::Result;
use crate::model::{Status, WorkspaceName};

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
/// typed), sorted as `names`. Workspaces and principals are read by an index range of
/// their names, so that a TAB costs the same in a tenant of any size.
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
            for g in resource_group::list(s)? {
                let about = format!("{} {} CU, {}", g.group_type, g.spec, g.id);
                out.push(Named::new(g.name, about));
            }
        }
        NameKind::NonMember => {
            let members = match &scope {
                Some(ws) => match in_workspace(s, NameKind::Member, ws) {
                    Ok(v) => v,
                    Err(e) if e.kind == crate::model::error::Kind::NotFound => Vec::new(),
                    Err(e) => return Err(e),
                },
                None => Vec::new(),
            };
            out = names_starting(s, NameKind::Principal, None, prefix)?
                .into_iter()
                .filter(|p| !members.iter().any(|m| m.name.eq_ignore_ascii_case(&p.name)))
                .collect();
        }
        NameKind::Member | NameKind::Compute | NameKind::DataSource => {
            let Some(ws) = scope else {
                return Ok(Vec::new());
            };
            match in_workspace(s, kind, &ws) {
                Ok(v) => out = v,
                // Not there, or not visible: nothing to offer.
                Err(e) if e.kind == crate::model::error::Kind::NotFound => return Ok(Vec::new()),
                Err(e) => return Err(e),
            }
        }
    }
    out.retain(|n| n.name.starts_with(prefix));
    out.sort_by_key(|n| n.name.to_ascii_lowercase());
    Ok(out)
}

fn in_workspace(s: &mut Session, kind: NameKind, ws: &WorkspaceName) -> Result<Vec<Named>> {
    let mut out: Vec<Named> = Vec::new();
    // (name, type, env): a name in both environments is offered once.
    let mut objects: Vec<(String, String, String)> = Vec::new();
    match kind {
        NameKind::Member => member::list(s, ws, None, |m| {
            out.push(Named::new(m.user.as_str(), m.roles.codes().join(", ")));
            Ok(())
        })?,
        NameKind::Compute => {
            for c in res::list_compute(s, ws, None)? {
                objects.push((c.name, c.type_key, c.env.to_string()));
            }
        }
        _ => {
            for d in res::list_datasources(s, ws, &DataSourceFilter::default())? {
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
