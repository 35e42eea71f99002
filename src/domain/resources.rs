//! Compute resources and data sources inside workspaces (domain.md 5-6).

use super::error::Result;
use super::model::Workspace;
use super::session::Session;
use super::workspace::UpgradeCopy;

/// The dev copies an upgrade makes of the workspace's prod compute resources and data
/// sources (domain.md 3.4).
pub fn upgrade_copies(_s: &mut Session, _w: &Workspace) -> Result<Vec<UpgradeCopy>> {
    Ok(Vec::new())
}
