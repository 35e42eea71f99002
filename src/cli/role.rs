use clap::{Args, Subcommand};

use super::{complete, values};
use crate::domain::policy::{Capability, Right};
use crate::model::WorkspaceName;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum RoleCommand {
    /// List the ten built-in roles (with --workspace, the workspace's custom roles too)
    #[command(
        after_help = "EXAMPLES:\n  dwctl role list\n  dwctl role list -o json\n  dwctl role list --workspace finance_tax_report"
    )]
    List(RoleListArgs),
    /// Show a role and its rights (with --workspace, a custom role too)
    #[command(
        after_help = "EXAMPLES:\n  dwctl role show ops\n  dwctl role show role_project_admin -o json\n  dwctl role show auditor --workspace finance_tax_report"
    )]
    Show(RoleShowArgs),
    /// Create a custom role in a workspace from rights and capabilities
    #[command(
        after_help = "EXAMPLES:\n  dwctl role create finance_tax_report auditor \\\n      --right datasource.test --right properties.read\n  dwctl role create finance_tax_report etl_dev \\\n      --right datasource.manage --capability develop"
    )]
    Create(RoleCreateArgs),
    /// Add or remove a custom role's rights and capabilities, or change its description
    #[command(
        after_help = "EXAMPLES:\n  dwctl role update finance_tax_report auditor \\\n      --add-right compute.manage\n  dwctl role update finance_tax_report auditor \\\n      --remove-capability develop --description ''"
    )]
    Update(RoleUpdateArgs),
    /// Delete a custom role (refused while a member holds it)
    #[command(
        after_help = "EXAMPLES:\n  dwctl role delete finance_tax_report auditor --yes\n  dwctl role delete finance_tax_report auditor \\\n      --revoke-from-members --yes"
    )]
    Delete(RoleDeleteArgs),
}

#[derive(Debug, Args)]
pub struct RoleListArgs {
    /// Also list this workspace's custom roles
    #[arg(long, short = 'w', value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: Option<WorkspaceName>,
}

#[derive(Debug, Args)]
pub struct RoleShowArgs {
    /// Role code or alias (with --workspace, a custom role's name or code too)
    #[arg(value_parser = values::role_ref, add = complete::any_role())]
    pub role: String,
    /// The workspace whose custom roles to look in
    #[arg(long, short = 'w', value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: Option<WorkspaceName>,
}

#[derive(Debug, Args)]
pub struct RoleCreateArgs {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// Name: 1-64 of A-Za-z0-9_-, starting with a letter; not a built-in code or alias
    #[arg(value_parser = values::role_name)]
    pub name: String,
    /// A workspace right the role grants (repeatable; see dwctl role show admin)
    #[arg(long = "right", value_name = "RIGHT", value_parser = values::right, add = complete::rights())]
    pub rights: Vec<Right>,
    /// A capability the role has, for information (repeatable): develop, deploy, review,
    /// operate, analyse, model, govern, secure
    #[arg(long = "capability", value_name = "CAP", value_parser = values::capability, add = complete::capabilities())]
    pub capabilities: Vec<Capability>,
    /// Description (0-3000 characters)
    #[arg(long, value_parser = values::description)]
    pub description: Option<String>,
    /// Succeed without change when a role of that name exists
    #[arg(long)]
    pub if_not_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct RoleUpdateArgs {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// The custom role's name or code
    #[arg(value_parser = values::role_ref, add = complete::custom_roles())]
    pub role: String,
    /// Grant this right too (repeatable)
    #[arg(long = "add-right", value_name = "RIGHT", value_parser = values::right, add = complete::rights())]
    pub add_rights: Vec<Right>,
    /// Stop granting this right (repeatable)
    #[arg(long = "remove-right", value_name = "RIGHT", value_parser = values::right, add = complete::rights())]
    pub remove_rights: Vec<Right>,
    /// Add a capability (repeatable)
    #[arg(long = "add-capability", value_name = "CAP", value_parser = values::capability, add = complete::capabilities())]
    pub add_capabilities: Vec<Capability>,
    /// Remove a capability (repeatable)
    #[arg(long = "remove-capability", value_name = "CAP", value_parser = values::capability, add = complete::capabilities())]
    pub remove_capabilities: Vec<Capability>,
    /// New description (0-3000 characters; '' clears it)
    #[arg(long, value_parser = values::description)]
    pub description: Option<String>,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct RoleDeleteArgs {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// The custom role's name or code
    #[arg(value_parser = values::role_ref, add = complete::custom_roles())]
    pub role: String,
    /// Revoke the role from the members who hold it first (one member.role event each)
    #[arg(long)]
    pub revoke_from_members: bool,
    /// Succeed without change when the role does not exist
    #[arg(long)]
    pub if_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}
