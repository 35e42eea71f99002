use clap::{Args, Subcommand};

use super::{complete, values};
use crate::model::resource_group::{DurationUnit, GroupType, Payment};
use crate::model::{GroupName, WorkspaceName};

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ResourceGroupCommand {
    /// Create a resource group
    #[command(
        after_help = "EXAMPLES:\n  dwctl resourcegroup create rg_etl --spec 4 --vpc vpc-abc123 \\\n      --vswitch vsw-def456\n  dwctl rg create rg_year --payment prepaid --duration 1 \\\n      --duration-unit year"
    )]
    Create(RgCreateArgs),
    /// List resource groups
    #[command(after_help = "EXAMPLES:\n  dwctl resourcegroup list")]
    List,
    /// Show a resource group
    #[command(after_help = "EXAMPLES:\n  dwctl resourcegroup show rg_etl")]
    Show(RgRef),
    /// Rename, re-remark or scale a resource group (scaling: serverless only)
    #[command(
        after_help = "EXAMPLES:\n  dwctl resourcegroup update rg_etl --spec 8 --remark 'nightly ETL'"
    )]
    Update(RgUpdateArgs),
    /// Delete a resource group (refused while bound)
    #[command(after_help = "EXAMPLES:\n  dwctl resourcegroup delete rg_etl --yes")]
    Delete(RgDeleteArgs),
    /// Bind a resource group to a workspace
    #[command(
        after_help = "EXAMPLES:\n  dwctl resourcegroup bind rg_etl finance_tax_report --default"
    )]
    Bind(RgBindArgs),
    /// Release a resource group from a workspace
    #[command(after_help = "EXAMPLES:\n  dwctl resourcegroup unbind rg_etl finance_tax_report")]
    Unbind(RgUnbindArgs),
}

#[derive(Debug, Args)]
pub struct RgRef {
    /// Resource group name or id
    #[arg(value_parser = values::group, add = complete::resource_groups())]
    pub group: String,
}

#[derive(Debug, Args)]
pub struct RgCreateArgs {
    /// Name: 1-128 of A-Za-z0-9_, starting with a letter
    #[arg(value_parser = values::group_name)]
    pub name: GroupName,
    /// serverless, scheduler, integration or dataservice [default: serverless]
    #[arg(long = "type", value_name = "TYPE", value_parser = values::group_type, add = complete::group_types())]
    pub group_type: Option<GroupType>,
    /// Size in CU, at least 2 (1 CU = 1 vCPU + 4 GiB) [default: 2]
    #[arg(long)]
    pub spec: Option<i64>,
    /// postpaid or prepaid [default: postpaid]
    #[arg(long, value_parser = values::payment, add = complete::payments())]
    pub payment: Option<Payment>,
    /// Prepaid duration
    #[arg(long, value_name = "N")]
    pub duration: Option<i64>,
    /// month or year
    #[arg(long, value_name = "UNIT", value_parser = values::duration_unit, add = complete::duration_units())]
    pub duration_unit: Option<DurationUnit>,
    /// VPC id (vpc-...)
    #[arg(long)]
    pub vpc: Option<String>,
    /// vSwitch id (vsw-...)
    #[arg(long)]
    pub vswitch: Option<String>,
    /// Remark (0-128 characters)
    #[arg(long)]
    pub remark: Option<String>,
    /// Succeed without change when the group exists
    #[arg(long)]
    pub if_not_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct RgUpdateArgs {
    /// Resource group name or id
    #[arg(value_parser = values::group, add = complete::resource_groups())]
    pub group: String,
    /// New name
    #[arg(long, value_parser = values::group_name)]
    pub name: Option<GroupName>,
    /// New remark
    #[arg(long)]
    pub remark: Option<String>,
    /// New size in CU (serverless only)
    #[arg(long)]
    pub spec: Option<i64>,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct RgDeleteArgs {
    /// Resource group name or id
    #[arg(value_parser = values::group, add = complete::resource_groups())]
    pub group: String,
    /// Succeed without change when the group does not exist
    #[arg(long)]
    pub if_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct RgBindArgs {
    /// Resource group name or id
    #[arg(value_parser = values::group, add = complete::resource_groups())]
    pub group: String,
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// Also make it the workspace's default group
    #[arg(long)]
    pub default: bool,
    /// Succeed without change when already bound
    #[arg(long)]
    pub if_not_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct RgUnbindArgs {
    /// Resource group name or id
    #[arg(value_parser = values::group, add = complete::resource_groups())]
    pub group: String,
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// Succeed without change when not bound (a missing group or workspace is still exit 3)
    #[arg(long)]
    pub if_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}
