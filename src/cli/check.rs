use clap::Args;

use super::{complete, values};
use crate::model::WorkspaceName;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Workspaces to check [default: every workspace you can see, and unbound resource groups]
    #[arg(value_name = "WORKSPACE", value_parser = values::workspace, add = complete::workspaces())]
    pub workspaces: Vec<WorkspaceName>,
    /// Exit 9 when there is at least one warning (info findings do not count)
    #[arg(long)]
    pub strict: bool,
}
