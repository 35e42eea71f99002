use clap::Args;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Workspaces to export (with the principals and resource groups they use)
    pub workspaces: Vec<String>,
    /// Export everything: every workspace, principal and resource group
    #[arg(long, conflicts_with = "workspaces")]
    pub all: bool,
    /// Write to this file instead of stdout (.json writes JSON)
    #[arg(long, value_name = "PATH")]
    pub file: Option<String>,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The manifest (TOML, or JSON for .json; - for stdin)
    #[arg(long, short = 'f', value_name = "PATH")]
    pub file: String,
    /// Also remove members, compute, data sources, bindings and tags the manifest's workspaces do not list
    #[arg(long)]
    pub prune: bool,
    /// Exit 9 when there are changes (a status line says how many; not an error)
    #[arg(long)]
    pub exit_code: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The manifest (TOML, or JSON for .json; - for stdin)
    #[arg(long, short = 'f', value_name = "PATH")]
    pub file: String,
    /// Also remove members, compute, data sources, bindings and tags the manifest's workspaces do not list
    #[arg(long)]
    pub prune: bool,
    /// Check everything and show the changes, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}
