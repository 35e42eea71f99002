use clap::{Args, Subcommand};

use super::{complete, values};
use crate::model::types::TypeSpec;
use crate::model::{Env, ObjectName, WorkspaceName};

use super::compute::{DataSource, ObjectInput, ObjectRef, ObjectUpdateArgs};

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum DataSourceCommand {
    /// Add a data source (at a terminal without --type: a select)
    #[command(
        after_help = "EXAMPLES:\n  dwctl datasource add finance_tax_report orders --type mysql \\\n      --env prod --prop address=10.0.0.5:3306 --prop database=orders \\\n      --prop username=etl --prop password=env:ORDERS_PASSWORD\n  dwctl ds add finance_tax_report lake --type oss --props oss.json"
    )]
    Add(DsAddArgs),
    /// List a workspace's data sources
    #[command(
        after_help = "EXAMPLES:\n  dwctl datasource list finance_tax_report\n  dwctl datasource list finance_tax_report --env prod --type mysql \\\n      --name ord -o json"
    )]
    List(DsListArgs),
    /// Show a data source (secrets are never shown)
    #[command(
        after_help = "EXAMPLES:\n  dwctl datasource show finance_tax_report orders --env prod"
    )]
    Show(ObjectRef<DataSource>),
    /// Change a data source's properties or description
    #[command(
        after_help = "EXAMPLES:\n  dwctl datasource update finance_tax_report orders --env dev \\\n      --prop address=10.0.1.5\n  dwctl datasource update finance_tax_report orders --env prod \\\n      --prop password=- < pw.txt"
    )]
    Update(ObjectUpdateArgs<DataSource>),
    /// Remove a data source (not one a compute resource brought)
    #[command(
        after_help = "EXAMPLES:\n  dwctl datasource remove finance_tax_report orders --env dev --yes"
    )]
    Remove(DsRemoveArgs),
    /// Test connectivity for real (url mode: resolve and connect over TCP); exit 9 when not connectable
    #[command(
        after_help = "EXAMPLES:\n  dwctl datasource test finance_tax_report orders --env prod\n  dwctl datasource test finance_tax_report orders --env prod \\\n      --timeout 1 -o json"
    )]
    Test(DsTestArgs),
    /// Share a data source into another workspace (read-only there, secrets never shown)
    #[command(
        after_help = "EXAMPLES:\n  dwctl datasource share finance_tax_report orders --to sales_report\n  dwctl ds share finance_tax_report orders --env prod \\\n      --to sales_report --user alice"
    )]
    Share(DsShareArgs),
    /// Stop sharing a data source into a workspace
    #[command(
        after_help = "EXAMPLES:\n  dwctl datasource unshare finance_tax_report orders --to sales_report"
    )]
    Unshare(DsUnshareArgs),
    /// List the share rules of a workspace's data sources, or those into a workspace (--to)
    #[command(
        after_help = "EXAMPLES:\n  dwctl datasource shares finance_tax_report orders\n  dwctl datasource shares --to sales_report -o json"
    )]
    Shares(DsSharesArgs),
    /// The connection types, their modes and property keys
    #[command(
        after_help = "EXAMPLES:\n  dwctl datasource types\n  dwctl datasource types -o json | jq '.[] | select(.compute) | .type'"
    )]
    Types,
}

#[derive(Debug, Args)]
pub struct DsAddArgs {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// Data source name: 1-255 of A-Za-z0-9_, starting with a letter
    #[arg(value_parser = values::datasource_name)]
    pub name: ObjectName,
    /// Type (see dwctl datasource types; asked for at a terminal when omitted)
    #[arg(long = "type", value_name = "TYPE", value_parser = values::type_spec, add = complete::types())]
    pub type_key: Option<&'static TypeSpec>,
    #[command(flatten)]
    pub object: ObjectInput,
    /// Succeed without change when it exists
    #[arg(long)]
    pub if_not_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct DsListArgs {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// Only this environment: prod or dev
    #[arg(long, value_name = "ENV", value_parser = values::env, add = complete::envs())]
    pub env: Option<Env>,
    /// Only this type
    #[arg(long = "type", value_name = "TYPE", value_parser = values::type_spec, add = complete::types())]
    pub type_key: Option<&'static TypeSpec>,
    /// Only names containing this (case-insensitive)
    #[arg(long, value_name = "SUBSTRING")]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct DsRemoveArgs {
    #[command(flatten)]
    pub target: ObjectRef<DataSource>,
    /// Succeed without change when it does not exist (a missing workspace is still exit 3)
    #[arg(long)]
    pub if_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct DsShareArgs {
    #[command(flatten)]
    pub source: ObjectRef<DataSource>,
    /// The workspace to share it into
    #[arg(long, value_name = "WORKSPACE", value_parser = values::workspace, add = complete::workspaces())]
    pub to: WorkspaceName,
    /// Share it with this member of the target only [default: every member]
    #[arg(long, value_name = "PRINCIPAL", value_parser = values::principal, add = complete::principals())]
    pub user: Option<String>,
    /// Succeed without change when it is already shared there
    #[arg(long)]
    pub if_not_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct DsUnshareArgs {
    #[command(flatten)]
    pub source: ObjectRef<DataSource>,
    /// The workspace it is shared into
    #[arg(long, value_name = "WORKSPACE", value_parser = values::workspace, add = complete::workspaces())]
    pub to: WorkspaceName,
    /// Succeed without change when it is not shared there
    #[arg(long)]
    pub if_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct DsSharesArgs {
    /// The data sources' own workspace
    #[arg(value_parser = values::workspace, add = complete::workspaces(), required_unless_present = "to")]
    pub workspace: Option<WorkspaceName>,
    /// Only this data source's rules
    #[arg(value_parser = values::datasource_name, add = complete::datasources())]
    pub name: Option<ObjectName>,
    /// Only the rules into this workspace
    #[arg(long, value_name = "WORKSPACE", value_parser = values::workspace, add = complete::workspaces())]
    pub to: Option<WorkspaceName>,
    /// Only prod or dev
    #[arg(long, value_name = "ENV", value_parser = values::env, add = complete::envs())]
    pub env: Option<Env>,
}

#[derive(Debug, Args)]
pub struct DsTestArgs {
    #[command(flatten)]
    pub target: ObjectRef<DataSource>,
    /// Seconds for resolving and connecting [default: 3]
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
}
