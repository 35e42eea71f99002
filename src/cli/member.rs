use clap::{Args, Subcommand};

use super::{complete, values};
use crate::model::clock::Expiry;
use crate::model::roles::RoleSet;
use crate::model::WorkspaceName;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum MemberCommand {
    /// Add a principal to a workspace with roles (at a terminal without --role: a multi-select)
    #[command(
        after_help = "EXAMPLES:\n  dwctl member add finance_tax_report alice --role admin\n  dwctl member add finance_tax_report bob --role dev --role analyst\n  dwctl member add finance_tax_report bob --role dev --if-not-exists\n  dwctl member add finance_tax_report carol --role dev --expires 30d"
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
    /// Change when a membership expires (the owner never expires)
    #[command(
        after_help = "EXAMPLES:\n  dwctl member update finance_tax_report carol --expires 2027-01-31\n  dwctl member update finance_tax_report carol --expires 14d\n  dwctl member update finance_tax_report carol --no-expiry"
    )]
    Update(MemberUpdateArgs),
    /// Suspend a member: it keeps its roles and history but is granted nothing (the owner never)
    #[command(after_help = "EXAMPLES:\n  dwctl member suspend finance_tax_report bob")]
    Suspend(MemberChangeArgs),
    /// Resume a suspended member
    #[command(after_help = "EXAMPLES:\n  dwctl member resume finance_tax_report bob")]
    Resume(MemberChangeArgs),
    /// Remove expired memberships (one audit event each), in one workspace or every one you manage
    #[command(
        after_help = "EXAMPLES:\n  dwctl member prune --expired --dry-run\n  dwctl member prune --expired finance_tax_report --yes"
    )]
    Prune(MemberPruneArgs),
}

#[derive(Debug, Args)]
pub struct MemberUpdateArgs {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// Principal name or id
    #[arg(value_parser = values::principal, add = complete::members())]
    pub user: String,
    /// Expire at the end of DATE (UTC), at an RFC 3339 time, or after a duration from now (30d, 12h, 2w, 90m)
    #[arg(long, value_name = "DATE|DURATION", value_parser = values::expiry, required_unless_present = "no_expiry", conflicts_with = "no_expiry")]
    pub expires: Option<Expiry>,
    /// Never expire
    #[arg(long)]
    pub no_expiry: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct MemberChangeArgs {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// Principal name or id
    #[arg(value_parser = values::principal, add = complete::members())]
    pub user: String,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct MemberPruneArgs {
    /// Workspace name (default: every workspace where you may manage members)
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: Option<WorkspaceName>,
    /// Remove the memberships that have expired (required: the only kind of pruning)
    #[arg(long, required = true)]
    pub expired: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
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
    /// Expire at the end of DATE (UTC), at an RFC 3339 time, or after a duration from now (30d, 12h, 2w, 90m)
    #[arg(long, value_name = "DATE|DURATION", value_parser = values::expiry)]
    pub expires: Option<Expiry>,
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
