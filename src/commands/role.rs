//! `role list|show` (without `--workspace`: static, so they never open the catalog) and
//! the custom roles of a workspace: `role create|update|delete`, `role list|show
//! --workspace`.

use serde::Serialize;

use super::Ctx;
use crate::domain::policy::{rights_of, Action, Capability, Right};
use crate::domain::roles::{self, NewRole, RoleUpdate, WorkspaceRole};
use crate::model::error::Error;
use crate::model::roles::{CustomRole, RoleCode};
use crate::model::WorkspaceName;
use crate::output::View;
use crate::prompt;

#[derive(Serialize)]
pub struct RoleView {
    pub code: &'static str,
    pub alias: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub rights: Vec<&'static str>,
    pub capabilities: Vec<&'static str>,
}

impl View for RoleView {
    const FIELDS: &'static [&'static str] = &[
        "code",
        "alias",
        "name",
        "description",
        "rights",
        "capabilities",
    ];
    const COLUMNS: &'static [&'static str] = &["code", "alias", "name", "description"];
}

impl View for WorkspaceRole {
    const FIELDS: &'static [&'static str] = &[
        "code",
        "alias",
        "name",
        "type",
        "description",
        "rights",
        "capabilities",
    ];
    const COLUMNS: &'static [&'static str] = &["code", "alias", "name", "type", "description"];
}

impl View for CustomRole {
    const FIELDS: &'static [&'static str] = &[
        "code",
        "workspace",
        "name",
        "description",
        "rights",
        "capabilities",
        "created_at",
        "created_by",
        "updated_at",
    ];
    const COLUMNS: &'static [&'static str] = &["code", "name", "rights", "capabilities"];
}

fn view(r: RoleCode) -> RoleView {
    let i = r.info();
    let rr = rights_of(r);
    RoleView {
        code: i.code,
        alias: i.alias,
        name: i.name,
        description: i.description,
        rights: rr.rights,
        capabilities: rr.capabilities,
    }
}

/// `role list [--workspace W]`.
pub fn list(ctx: &mut Ctx, workspace: Option<&WorkspaceName>) -> anyhow::Result<()> {
    match workspace {
        None => {
            let list: Vec<RoleView> = RoleCode::ALL.into_iter().map(view).collect();
            ctx.printer.list(&list)?;
        }
        Some(ws) => {
            let list = ctx.read(|s| roles::list(s, ws))?;
            ctx.printer.list(&list)?;
        }
    }
    Ok(())
}

/// `role show ROLE [--workspace W]`.
pub fn show(ctx: &mut Ctx, role: &str, workspace: Option<&WorkspaceName>) -> anyhow::Result<()> {
    match workspace {
        None => {
            let r = RoleCode::parse(role)?;
            ctx.printer.object(&view(r))?;
        }
        Some(ws) => {
            let r = ctx.read(|s| roles::show(s, ws, role))?;
            ctx.printer.object(&r)?;
        }
    }
    Ok(())
}

/// What `role create` takes.
pub struct Create {
    pub workspace: WorkspaceName,
    pub name: String,
    pub rights: Vec<Right>,
    pub capabilities: Vec<Capability>,
    pub description: Option<String>,
    pub if_not_exists: bool,
    pub dry_run: bool,
}

pub fn create(ctx: &mut Ctx, c: Create) -> anyhow::Result<()> {
    if c.rights.is_empty() && c.capabilities.is_empty() {
        return Err(Error::invalid(format!(
            "role {} needs at least one --right or --capability",
            c.name
        ))
        .with_hint("see the rights with dwctl role show admin")
        .into());
    }
    let req = NewRole {
        name: c.name,
        rights: c.rights,
        capabilities: c.capabilities,
        description: c.description,
        code: None,
    };
    let ws = c.workspace;
    let done = ctx.write(c.dry_run, |s| roles::create(s, &ws, &req, c.if_not_exists))?;
    let r = &done.value.value;
    let msg = if done.value.changed {
        format!("Created role {} ({}) in {ws}.", r.name, r.code)
    } else {
        format!("Role {} already exists in {ws}.", r.name)
    };
    ctx.print_mutation(Action::RoleCreate.name(), c.dry_run, done, &msg)
}

pub fn update(
    ctx: &mut Ctx,
    ws: &WorkspaceName,
    role: &str,
    u: RoleUpdate,
    dry_run: bool,
) -> anyhow::Result<()> {
    if let Some(r) = u.add_rights.iter().find(|r| u.remove_rights.contains(r)) {
        return Err(Error::invalid(format!(
            "{} is both added (--add-right) and removed (--remove-right)",
            r.name()
        ))
        .with_hint("keep one of them")
        .into());
    }
    if let Some(c) = u
        .add_capabilities
        .iter()
        .find(|c| u.remove_capabilities.contains(c))
    {
        return Err(Error::invalid(format!(
            "{} is both added (--add-capability) and removed (--remove-capability)",
            c.key()
        ))
        .with_hint("keep one of them")
        .into());
    }
    if u.add_rights.is_empty()
        && u.remove_rights.is_empty()
        && u.add_capabilities.is_empty()
        && u.remove_capabilities.is_empty()
        && u.description.is_none()
    {
        return Err(Error::invalid("nothing to change").with_hint(
            "pass --add-right, --remove-right, --add-capability, --remove-capability or --description",
        )
        .into());
    }
    let done = ctx.write(dry_run, |s| roles::update(s, ws, role, &u))?;
    let r = &done.value.value;
    let msg = if done.value.changed {
        format!("Updated role {} in {ws}.", r.name)
    } else {
        format!("Role {} in {ws} is already so.", r.name)
    };
    ctx.print_mutation(Action::RoleUpdate.name(), dry_run, done, &msg)
}

pub fn delete(
    ctx: &mut Ctx,
    ws: &WorkspaceName,
    role: &str,
    revoke_from_members: bool,
    if_exists: bool,
    dry_run: bool,
) -> anyhow::Result<()> {
    let r = ctx.confirmed_write(
        dry_run,
        |settings, r: &CustomRole| {
            prompt::confirm(
                settings,
                &format!("Delete role {} ({}) from {}?", r.name, r.code, r.workspace),
            )
        },
        |s| roles::delete(s, ws, role, revoke_from_members),
    );
    ctx.print_removal(
        Action::RoleDelete.name(),
        dry_run,
        if_exists,
        r,
        |r| format!("Deleted role {} from {ws}.", r.name),
        &format!("Role {role} does not exist in {ws}."),
    )
}
