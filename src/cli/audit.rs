use clap::{Args, Subcommand};

use super::complete;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum AuditCommand {
    /// List audit events, oldest first (the newest --limit of them)
    #[command(
        after_help = "EXAMPLES:\n  dwctl audit list\n  dwctl audit list --workspace finance_tax_report --action member \\\n      --since 2026-11-01\n  dwctl audit list --limit 100000 -o jsonl"
    )]
    List(AuditListArgs),
    /// Recompute the hash chain; exit 9 naming the first event that does not match
    #[command(after_help = "EXAMPLES:\n  dwctl audit verify")]
    Verify,
}

#[derive(Debug, Args)]
pub struct AuditListArgs {
    /// Only events of this workspace
    #[arg(long, add = complete::workspaces())]
    pub workspace: Option<String>,
    /// Only events by this actor (name or id)
    // Its own id: the global `--as` is also `actor`, and clap would merge the two.
    #[arg(long = "actor", id = "actor_filter", value_name = "PRINCIPAL", add = complete::principals())]
    pub actor: Option<String>,
    /// Only this action (workspace.create) or noun (workspace)
    #[arg(long)]
    pub action: Option<String>,
    /// Only events at or after this time (RFC 3339 or a date)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only events before this time (RFC 3339 or a date)
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// How many of the newest events [default: 100]
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
}
