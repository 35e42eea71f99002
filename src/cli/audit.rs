use clap::{Args, Subcommand};

use super::{complete, values};
use crate::model::audit::Anchor;
use crate::model::clock::Timestamp;
use crate::model::WorkspaceName;

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum AuditCommand {
    /// List audit events, oldest first (the newest --limit of them)
    #[command(
        after_help = "EXAMPLES:\n  dwctl audit list\n  dwctl audit list --workspace finance_tax_report --action member \\\n      --since 2026-11-01\n  dwctl audit list --limit 100000 -o jsonl"
    )]
    List(AuditListArgs),
    /// Recompute the hash chain; exit 9 naming the first event that does not match
    #[command(
        long_about = VERIFY_ABOUT,
        after_help = "EXAMPLES:\n  dwctl audit verify\n  dwctl audit verify --expect \"$(cat audit-head.txt)\"\n  dwctl audit verify --expect \"$(cat anchors/2026-11.txt)\" \\\n      --expect \"$(cat anchors/2026-12.txt)\""
    )]
    Verify(AuditVerifyArgs),
    /// Print the newest event's seq and hash (SEQ:HASH), an anchor to keep outside the catalog
    #[command(
        long_about = HEAD_ABOUT,
        after_help = "EXAMPLES:\n  dwctl audit head > audit-head.txt\n  dwctl audit head -o json\n  dwctl audit verify --expect \"$(cat audit-head.txt)\""
    )]
    Head,
}

const VERIFY_ABOUT: &str = "\
Recompute the hash chain; exit 9 naming the first event that does not match.

The chain shows that no event was changed, inserted or removed in the middle, but not that
the newest events were deleted, nor that someone who can write the file rewrote an event
and re-hashed every event after it. For that, keep anchors outside the catalog (dwctl
audit head prints one) and give them back with --expect SEQ:HASH: verify then also checks
that the log still reaches event SEQ (else the newest events were deleted: exit 9) and that
event SEQ still has that hash (else an event at or before SEQ was rewritten: exit 9). An
anchor protects the events up to it, not those recorded after it.";

const HEAD_ABOUT: &str = "\
Print the newest event's seq and hash (SEQ:HASH), an anchor to keep outside the catalog.

Keep the line somewhere the catalog's writers cannot change (a CI log, a git repository, a
ticket); later, dwctl audit verify --expect SEQ:HASH exits 9 when the log was truncated
before that event or rewritten at or before it. -o json prints {\"seq\": N, \"hash\":
\"...\"}. An empty log's head is 0 and 64 zeros, the chain's starting value. Like verify,
it needs the account or a RAM user with full access.";

#[derive(Debug, Args)]
pub struct AuditVerifyArgs {
    /// Also check that the log still holds this event with this hash (as audit head printed it); repeatable
    #[arg(long, value_name = "SEQ:HASH", value_parser = values::anchor)]
    pub expect: Vec<Anchor>,
}

#[derive(Debug, Args)]
pub struct AuditListArgs {
    /// Only events of this workspace
    #[arg(long, value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: Option<WorkspaceName>,
    /// Only events by this actor (name or id)
    // Its own id: the global `--as` is also `actor`, and clap would merge the two.
    #[arg(long = "actor", id = "actor_filter", value_name = "PRINCIPAL", value_parser = values::principal, add = complete::principals())]
    pub actor: Option<String>,
    /// Only this action (workspace.create) or noun (workspace)
    #[arg(long)]
    pub action: Option<String>,
    /// Only events at or after this time (RFC 3339 or a date)
    #[arg(long, value_name = "TIME", value_parser = values::timestamp)]
    pub since: Option<Timestamp>,
    /// Only events before this time (RFC 3339 or a date)
    #[arg(long, value_name = "TIME", value_parser = values::timestamp)]
    pub until: Option<Timestamp>,
    /// How many of the newest events [default: 100]
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
}
