use clap::{Args, Subcommand};

use super::{complete, values};
use crate::model::roles::RoleCode;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum RoleCommand {
    /// List the ten built-in roles
    #[command(after_help = "EXAMPLES:\n  dwctl role list\n  dwctl role list -o json")]
    List,
    /// Show a role and its rights
    #[command(
        after_help = "EXAMPLES:\n  dwctl role show ops\n  dwctl role show role_project_admin -o json"
    )]
    Show(RoleRef),
}

#[derive(Debug, Args)]
pub struct RoleRef {
    /// Role code or alias
    #[arg(value_parser = values::role, add = complete::any_role())]
    pub role: RoleCode,
}
