//! `role list|show`: static, so they never open the catalog.

use serde::Serialize;

use super::Ctx;
use crate::domain::policy::rights_of;
use crate::model::roles::RoleCode;
use crate::output::View;

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

/// `role list`.
pub fn list(ctx: &mut Ctx) -> anyhow::Result<()> {
    let list: Vec<RoleView> = RoleCode::ALL.into_iter().map(view).collect();
    ctx.printer.list(&list)?;
    Ok(())
}

/// `role show`.
pub fn show(ctx: &mut Ctx, role: RoleCode) -> anyhow::Result<()> {
    ctx.printer.object(&view(role))?;
    Ok(())
}
