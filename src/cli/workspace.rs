use clap::{Args, Subcommand};

use super::{complete, values};
use crate::model::{Mode, SodPolicy, Status, WorkspaceName};

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum WorkspaceCommand {
    /// Create a workspace (with no name at a terminal: a short wizard)
    #[command(
        after_help = "EXAMPLES:\n  dwctl workspace create finance_tax_report \\\n      --display-name 'Finance tax report' --tag team=fin\n  dwctl workspace create sandbox_ana --mode basic\n  dwctl workspace create finance_tax_report --if-not-exists -o json"
    )]
    Create(WsCreateArgs),
    /// List workspaces (the recycle bin only with --all or --status deleted)
    #[command(
        after_help = "EXAMPLES:\n  dwctl workspace list\n  dwctl workspace list --all --mode standard --tag team=fin\n  dwctl workspace list -o json | jq '.[].name'"
    )]
    List(WsListArgs),
    /// Show one workspace
    #[command(
        after_help = "EXAMPLES:\n  dwctl workspace show finance_tax_report\n  dwctl workspace show finance_tax_report -o json"
    )]
    Show(WsRef),
    /// Change a workspace's settings
    #[command(
        after_help = "EXAMPLES:\n  dwctl workspace update finance_tax_report \\\n      --description 'Monthly tax reports' --tag env=prod\n  dwctl workspace update finance_tax_report --sod-policy enforce\n  dwctl workspace update finance_tax_report \\\n      --default-resource-group rg_etl"
    )]
    Update(WsUpdateArgs),
    /// Pause a workspace: every change inside it is refused until enabled
    #[command(after_help = "EXAMPLES:\n  dwctl workspace disable finance_tax_report")]
    Disable(WsMutateArgs),
    /// Enable a disabled workspace
    #[command(after_help = "EXAMPLES:\n  dwctl workspace enable finance_tax_report")]
    Enable(WsMutateArgs),
    /// Move a workspace to the recycle bin (restorable for 14 days; asks to type its name)
    #[command(
        after_help = "EXAMPLES:\n  dwctl workspace delete finance_tax_report\n  dwctl workspace delete finance_tax_report --yes"
    )]
    Delete(WsRemoveArgs),
    /// Bring a workspace back from the recycle bin, to the state it had
    #[command(after_help = "EXAMPLES:\n  dwctl workspace restore finance_tax_report")]
    Restore(WsMutateArgs),
    /// Remove a deleted workspace for good (asks to type its name), or every expired one
    #[command(
        after_help = "EXAMPLES:\n  dwctl workspace purge finance_tax_report --yes\n  dwctl workspace purge --expired --yes"
    )]
    Purge(WsPurgeArgs),
    /// Upgrade a basic workspace to standard mode (irreversible; the account only)
    #[command(
        after_help = "EXAMPLES:\n  dwctl workspace upgrade sandbox_ana --dry-run\n  dwctl workspace upgrade sandbox_ana --yes"
    )]
    Upgrade(WsMutateArgs),
}

#[derive(Debug, Args)]
pub struct WsRef {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
}

#[derive(Debug, Args)]
pub struct WsCreateArgs {
    /// Workspace name: 3-28 of A-Za-z0-9_, starting with a letter (asked for at a terminal when omitted)
    #[arg(value_parser = values::workspace)]
    pub name: Option<WorkspaceName>,
    /// Display name (1-64 printable characters) [default: the name]
    #[arg(long)]
    pub display_name: Option<String>,
    /// Description (0-3000 characters)
    #[arg(long)]
    pub description: Option<String>,
    /// basic or standard [default: standard]
    #[arg(long, value_name = "MODE", value_parser = values::mode, add = complete::modes())]
    pub mode: Option<Mode>,
    /// Separation of duties: off, warn or enforce [default: warn]
    #[arg(long, value_name = "POLICY", value_parser = values::sod_policy, add = complete::sod_policies())]
    pub sod_policy: Option<SodPolicy>,
    /// Allow PAI tasks: on or off [default: off]
    #[arg(long, value_name = "on|off", value_parser = values::on_off, add = complete::on_off())]
    pub pai_tasks: Option<bool>,
    /// A tag key=value (repeatable, up to 20)
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = values::tag)]
    pub tags: Vec<(String, String)>,
    /// Create it with the development role (role_project_dev) disabled; workspace update --enable-dev-role enables it later, for good
    #[arg(long)]
    pub disable_dev_role: bool,
    /// Succeed without change when the workspace exists
    #[arg(long)]
    pub if_not_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct WsListArgs {
    /// Include the recycle bin
    #[arg(long)]
    pub all: bool,
    /// Only this status: available, disabled or deleted
    #[arg(long, value_name = "STATUS", value_parser = values::status, add = complete::statuses())]
    pub status: Option<Status>,
    /// Only this mode: basic or standard
    #[arg(long, value_name = "MODE", value_parser = values::mode, add = complete::modes())]
    pub mode: Option<Mode>,
    /// Only workspaces with this tag (repeatable: all must match)
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = values::tag)]
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Args)]
pub struct WsUpdateArgs {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// New display name (1-64 printable characters)
    #[arg(long)]
    pub display_name: Option<String>,
    /// New description (0-3000 characters)
    #[arg(long)]
    pub description: Option<String>,
    /// Add or replace a tag key=value (repeatable; each key once)
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = values::tag)]
    pub tags: Vec<(String, String)>,
    /// Remove a tag by key (repeatable; not one --tag sets)
    #[arg(long = "untag", value_name = "KEY", value_parser = values::tag_key)]
    pub untag: Vec<String>,
    /// Allow PAI tasks: on or off
    #[arg(long, value_name = "on|off", value_parser = values::on_off, add = complete::on_off())]
    pub pai_tasks: Option<bool>,
    /// Separation of duties: off, warn or enforce
    #[arg(long, value_name = "POLICY", value_parser = values::sod_policy, add = complete::sod_policies())]
    pub sod_policy: Option<SodPolicy>,
    /// Default resource group (bound to the workspace), or none
    #[arg(long, value_name = "GROUP", value_parser = values::group_or_none, add = complete::resource_groups_or_none())]
    // Spelled out: clap reads a bare `Option<Option<_>>` as a flag with an optional value.
    pub default_resource_group: Option<std::option::Option<String>>,
    /// Enable the development role (role_project_dev) of a workspace created with it disabled; one way: it cannot be disabled again
    #[arg(long)]
    pub enable_dev_role: bool,
    /// Refused (exit 6): the development role can be disabled only at creation (workspace create --disable-dev-role)
    #[arg(long, hide = true, conflicts_with = "enable_dev_role")]
    pub disable_dev_role: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct WsMutateArgs {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct WsRemoveArgs {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// Succeed without change when the workspace does not exist
    #[arg(long)]
    pub if_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct WsPurgeArgs {
    /// Workspace name (in the recycle bin)
    #[arg(required_unless_present = "expired", conflicts_with = "expired", value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: Option<WorkspaceName>,
    /// Purge every workspace whose 14-day retention is over
    #[arg(long)]
    pub expired: bool,
    /// Succeed without change when the workspace does not exist
    #[arg(long)]
    pub if_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}
