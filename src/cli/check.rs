use clap::Args;

use super::complete;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Workspaces to check [default: every workspace you can see, and unbound resource groups]
    #[arg(value_name = "WORKSPACE", add = complete::workspaces())]
    pub workspaces: Vec<String>,
    /// Exit 9 when there is at least one warning (info findings do not count)
    #[arg(long)]
    pub strict: bool,
}
