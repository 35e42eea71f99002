//! `workspace upgrade`: basic -> standard, which gives every prod compute resource and
//! data source its dev copy. A use case of its own, since it spans workspaces and
//! resources (each of which uses the other's rules otherwise only one way).

use serde::Serialize;
use serde_json::Value;

use super::policy::{self, TenantRight};
use super::resources::{self, UpgradeCopy};
use super::session::{diff, Outcome, Session};
use super::workspace::{require_available, to_json, visible};
use crate::model::error::{Error, Result};
use crate::model::{Mode, Workspace, WorkspaceName};

#[derive(Debug, Clone, Serialize)]
pub struct Upgraded {
    pub workspace: Workspace,
    pub copies: Vec<UpgradeCopy>,
}

/// Basic -> standard: irreversible, the account's alone (domain.md 3.4).
pub fn upgrade(s: &mut Session, name: &WorkspaceName) -> Result<Outcome<Upgraded>> {
    s.attempt(
        "workspace.upgrade",
        Some(name.as_str()),
        Some(name.as_str()),
    );
    let (before, _) = visible(s, name)?;
    let stored = before.name.as_str();
    s.attempt("workspace.upgrade", Some(stored), Some(stored));
    policy::require_tenant(
        &s.actor,
        TenantRight::UpgradeWorkspace,
        "upgrade workspaces",
    )?;
    require_available(&before, "upgrade it")?;
    if before.mode == Mode::Standard {
        return Err(Error::refused(format!(
            "workspace {} is already in standard mode",
            before.name
        )));
    }
    let mut w = before.clone();
    w.mode = Mode::Standard;
    w.updated_at = s.now;
    s.tx().save_workspace(&w)?;
    let copies = resources::upgrade_copies(s, &w)?;
    let mut details = diff(&to_json(&before), &to_json(&w));
    details["copies"] = serde_json::to_value(&copies).unwrap_or(Value::Null);
    s.record(
        "workspace.upgrade",
        Some(w.name.as_str()),
        Some(w.name.as_str()),
        details,
    )?;
    Ok(Outcome::changed(Upgraded {
        workspace: w,
        copies,
    }))
}
