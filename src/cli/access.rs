use clap::{Args, Subcommand};

use super::{complete, values};
use crate::domain::policy::Holding;
use crate::model::WorkspaceName;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum AccessCommand {
    /// Who holds a right or capability, and through which role or tenant grant
    #[command(
        name = "who-can",
        after_help = "RIGHTS AND CAPABILITIES:\n  workspace rights: workspace.update, member.manage, datasource.manage, datasource.test,\n    compute.manage, resourcegroup.bind, properties.read, objects.list\n  tenant rights: workspace.create, workspace.lifecycle, workspace.upgrade, user.manage,\n    resourcegroup.manage, workspace.see_all, audit.read_all, user.db_role\n  capabilities: develop, deploy, review, operate, analyse, model, govern, secure\n\nEXAMPLES:\n  dwctl access who-can datasource.manage\n  dwctl access who-can deploy --workspace finance_tax_report -o csv"
    )]
    WhoCan(WhoCanArgs),
    /// Every principal's roles in every workspace you can see (one row per principal and workspace)
    #[command(
        after_help = "EXAMPLES:\n  dwctl access matrix -o csv > access.csv\n  dwctl access matrix --workspace finance_tax_report -o json"
    )]
    Matrix(MatrixArgs),
}

#[derive(Debug, Args)]
pub struct WhoCanArgs {
    /// A right (datasource.manage, workspace.create, ...) or a capability (develop, deploy, ...)
    #[arg(value_name = "RIGHT|CAPABILITY", value_parser = values::holding, add = complete::holdings())]
    pub what: Holding,
    /// Only this workspace [default: every workspace you can see]
    #[arg(long, value_name = "WORKSPACE", value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: Option<WorkspaceName>,
}

#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// Only this workspace [default: every workspace you can see]
    #[arg(long, value_name = "WORKSPACE", value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: Option<WorkspaceName>,
}
