use clap::{Args, Subcommand};

use super::{complete, values};
use crate::model::{PrincipalKind, PrincipalName};

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum UserCommand {
    /// Add a RAM user or role to the tenant's directory
    #[command(
        after_help = "EXAMPLES:\n  dwctl user add alice --display-name 'Alice Li'\n  dwctl user add etl-role --kind ram-role --id 2000000000000001\n  dwctl user add bob --full-access"
    )]
    Add(UserAddArgs),
    /// List the principals
    #[command(after_help = "EXAMPLES:\n  dwctl user list\n  dwctl user list -o csv")]
    List,
    /// Show one principal
    #[command(after_help = "EXAMPLES:\n  dwctl user show alice")]
    Show(UserRef),
    /// Change a principal's display name or full access
    #[command(
        after_help = "EXAMPLES:\n  dwctl user update alice --full-access true\n  dwctl user update alice --display-name ''"
    )]
    Update(UserUpdateArgs),
    /// Remove a principal (refused while it is a member anywhere, unless --cascade)
    #[command(
        after_help = "EXAMPLES:\n  dwctl user remove alice --yes\n  dwctl user remove alice --cascade --yes"
    )]
    Remove(UserRemoveArgs),
    /// AccessKey pairs of a principal, for clients of dwctl serve
    #[command(
        subcommand,
        name = "accesskey",
        after_help = "EXAMPLES:\n  dwctl user accesskey create alice -o json\n  dwctl user accesskey list alice\n  dwctl user accesskey disable alice LTAI0123456789abcdefABCD"
    )]
    AccessKey(AccessKeyCommand),
}

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum AccessKeyCommand {
    /// Issue a new pair: the secret is shown this once (JSON: access_key_id, access_key_secret)
    #[command(after_help = "EXAMPLES:\n  dwctl user accesskey create alice -o json")]
    Create(UserRef),
    /// List a principal's AccessKey ids and their status (never the secrets)
    #[command(after_help = "EXAMPLES:\n  dwctl user accesskey list alice")]
    List(UserRef),
    /// Enable a disabled AccessKey
    #[command(
        after_help = "EXAMPLES:\n  dwctl user accesskey enable alice LTAI0123456789abcdefABCD"
    )]
    Enable(AccessKeyRef),
    /// Disable an AccessKey: requests signed with it are refused
    #[command(
        after_help = "EXAMPLES:\n  dwctl user accesskey disable alice LTAI0123456789abcdefABCD"
    )]
    Disable(AccessKeyRef),
    /// Delete an AccessKey for good
    #[command(
        after_help = "EXAMPLES:\n  dwctl user accesskey delete alice LTAI0123456789abcdefABCD"
    )]
    Delete(AccessKeyRef),
}

#[derive(Debug, Args)]
pub struct AccessKeyRef {
    /// Principal name or id
    #[arg(value_parser = values::principal, add = complete::principals())]
    pub user: String,
    /// The AccessKey id (LTAI...)
    #[arg(add = complete::access_keys())]
    pub access_key_id: String,
}

#[derive(Debug, Args)]
pub struct UserRef {
    /// Principal name or id
    #[arg(value_parser = values::principal, add = complete::principals())]
    pub user: String,
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Login name: 1-64 of A-Za-z0-9._@-, not all digits
    #[arg(value_parser = values::principal_name)]
    pub name: PrincipalName,
    /// ram-user or ram-role [default: ram-user]
    #[arg(long, value_name = "KIND", value_parser = values::principal_kind, add = complete::principal_kinds())]
    pub kind: Option<PrincipalKind>,
    /// The principal's id (digits) [default: a generated 16-digit id]
    #[arg(long, value_parser = values::principal_id)]
    pub id: Option<String>,
    /// Display name (0-128 printable characters)
    #[arg(long)]
    pub display_name: Option<String>,
    /// Grant AliyunDataWorksFullAccess: a tenant administrator
    #[arg(long)]
    pub full_access: bool,
    /// Succeed without change when the principal exists
    #[arg(long)]
    pub if_not_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct UserUpdateArgs {
    /// Principal name or id
    #[arg(value_parser = values::principal, add = complete::principals())]
    pub user: String,
    /// New display name ('' clears it)
    #[arg(long)]
    pub display_name: Option<String>,
    /// Tenant full access on or off
    #[arg(long, value_name = "BOOL", action = clap::ArgAction::Set)]
    pub full_access: Option<bool>,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct UserRemoveArgs {
    /// Principal name or id
    #[arg(value_parser = values::principal, add = complete::principals())]
    pub user: String,
    /// Also remove its memberships, in the recycle bin too (each a member.remove event)
    #[arg(long)]
    pub cascade: bool,
    /// Succeed without change when the principal does not exist
    #[arg(long)]
    pub if_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}
