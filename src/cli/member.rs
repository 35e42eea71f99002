use clap::{Args, Subcommand};

use super::{complete, values};
use crate::model::roles::RoleSet;
use crate::model::WorkspaceName;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum MemberCommand {
    /// Add a principal to a workspace with roles (at a terminal without --role: a multi-select)
    #[command(
        after_help = "EXAMPLES:\n  dwctl member add finance_tax_report alice --role admin\n  dwctl member add finance_tax_report bob --role dev --role analyst\n  dwctl member add finance_tax_report bob --role dev --if-not-exists"
    )]
    Add(MemberAddArgs),
    /// List a workspace's members
    #[command(
        after_help = "EXAMPLES:\n  dwctl member list finance_tax_report\n  dwctl member list finance_tax_report --role ops -o json"
    )]
    List(MemberListArgs),
    /// Show one member
    #[command(after_help = "EXAMPLES:\n  dwctl member show finance_tax_report alice")]
    Show(MemberRef),
    /// Grant, revoke or set a member's roles
    #[command(
        after_help = "EXAMPLES:\n  dwctl member role finance_tax_report bob --grant ops --revoke dev\n  dwctl member role finance_tax_report bob --set dev,analyst"
    )]
    Role(MemberRoleArgs),
    /// Remove a member from a workspace (the owner never)
    #[command(after_help = "EXAMPLES:\n  dwctl member remove finance_tax_report bob --yes")]
    Remove(MemberRemoveArgs),
}

#[derive(Debug, Args)]
pub struct MemberRef {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// Principal name or id
    #[arg(value_parser = values::principal, add = complete::members())]
    pub user: String,
}

#[derive(Debug, Args)]
pub struct MemberAddArgs {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// Principal name or id
    #[arg(value_parser = values::principal, add = complete::non_members())]
    pub user: String,
    /// Role code or alias (repeatable, or comma-separated)
    #[arg(long = "role", value_name = "ROLE", value_parser = values::roles, add = complete::grantable_roles())]
    pub roles: Vec<RoleSet>,
    /// Succeed without change when already a member
    #[arg(long)]
    pub if_not_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct MemberListArgs {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// Only members holding this role (a built-in role, or a custom role's name or code)
    #[arg(long, value_name = "ROLE", value_parser = values::role_ref_set, add = complete::any_role())]
    pub role: Option<RoleSet>,
}

#[derive(Debug, Args)]
pub struct MemberRoleArgs {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// Principal name or id
    #[arg(value_parser = values::principal, add = complete::members())]
    pub user: String,
    /// Grant a role (repeatable)
    #[arg(long, value_name = "ROLE", value_parser = values::roles, add = complete::grantable_roles())]
    pub grant: Vec<RoleSet>,
    /// Revoke a role (repeatable; not one --grant grants)
    #[arg(long, value_name = "ROLE", value_parser = values::roles, add = complete::grantable_roles())]
    pub revoke: Vec<RoleSet>,
    /// Replace the roles with exactly these (comma-separated)
    #[arg(long, value_name = "ROLE,ROLE", conflicts_with_all = ["grant", "revoke"], required_unless_present_any = ["grant", "revoke"], value_parser = values::roles, add = complete::grantable_roles())]
    pub set: Option<RoleSet>,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct MemberRemoveArgs {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// Principal name or id
    #[arg(value_parser = values::principal, add = complete::members())]
    pub user: String,
    /// Succeed without change when not a member (a missing workspace or principal is still exit 3)
    #[arg(long)]
    pub if_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}
