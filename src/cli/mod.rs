//! The command line, as clap types. Doc comments here are the single source of `--help`,
//! the man pages and the completions.

use clap::{Args, Parser, Subcommand, ValueHint};
use std::path::PathBuf;

use crate::output::{ColorChoice, Format};

mod access;
pub mod answer;
mod audit;
mod catalog;
mod check;
pub mod complete;
mod completions;
mod compute;
mod datasource;
mod manifest;
pub mod manual;
mod member;
mod resource_group;
mod role;
mod serve;
mod user;
pub mod values;
mod workspace;

pub use access::*;
pub use audit::*;
pub use catalog::*;
pub use check::*;
pub use completions::*;
pub use compute::*;
pub use datasource::*;
pub use manifest::*;
pub use member::*;
pub use resource_group::*;
pub use role::*;
pub use serve::*;
pub use user::*;
pub use workspace::*;

pub const LONG_ABOUT: &str = "\
dwctl administers DataWorks-style workspaces on a local SQLite catalog: workspaces and their
lifecycle, principals, members and the ten built-in roles, compute resources, data sources,
resource groups, and an audit log of every change.

Every command runs as one actor (--as); the permission table of DataWorks is enforced for it.
--as names who acts so that the rules and the audit log are right; it is not authentication.
On one machine the security boundary is the catalog file's permissions (0600).";

pub const AFTER_LONG_HELP: &str = "\
EXIT STATUS:
  0  success (also: nothing to change)
  1  unexpected failure: a bug or an I/O error
  2  usage or invalid input: unknown flag, bad name, unknown role or type, malformed property
  3  not found: workspace, principal, member, data source, compute resource, resource group
  4  already exists or conflict: name taken (or reserved), already a member, group still bound
  5  permission denied (or an actor that is not a principal)
  6  refused by a rule or a state: workspace disabled or deleted, owner protected, ...
  7  catalog unavailable: missing at an explicit path, not a dwctl catalog, corrupt, newer, locked, not writable
  8  confirmation needed but not possible (--no-input, no terminal, CI) or declined
  9  negative answer: datasource test not connectable, check --strict found problems,
     plan --exit-code has changes, audit verify found a broken chain (or, with --expect,
     a log truncated before the anchor or rewritten at or before it)
  130  interrupted: Ctrl-C at a prompt (nothing changed)

ENVIRONMENT:
  DWCTL_CATALOG        catalog file or postgres:// URL (like --catalog)
  DWCTL_CONFIG         config file (like --config)
  DWCTL_NO_CONFIG      1: ignore the config file
  DWCTL_ACTOR          who is acting (like --as)
  DWCTL_OUTPUT         table, json, jsonl or csv (like --output)
  DWCTL_NO_INPUT       1: never prompt (like --no-input)
  CI                   set (not empty, false or 0): never prompt
  DWCTL_LOCK_TIMEOUT   seconds a change waits for another process writing the catalog
  DWCTL_NOW            RFC 3339 time that replaces the clock (for tests)
  DWCTL_SEED           number that pins the random ids: same seed and commands, same ids (for tests)
  DWCTL_NO_MODE_CHECK  1: accept a catalog file group or others may read or write (1 or 0 only)
  DWCTL_COMPLETE       set by the completion scripts: answer a TAB (see dwctl completions)
  PGPASSWORD           a PostgreSQL catalog's password, when its URL has none
  PGPASSFILE           a PostgreSQL catalog's password file [default: ~/.pgpass]
  HOME                 where ~/.pgpass and ~/.postgresql/root.crt (TLS roots) are
  USER                 a PostgreSQL catalog's login when its URL names none
  LOGNAME              the same, when USER is not set
  NO_COLOR             set: no colour
  CLICOLOR_FORCE       set: colour even into a pipe
A DWCTL_ variable set to the empty string (or to blanks only) is an error (exit 2), never
\"use the default\"; DWCTL_NO_* take 1, true, yes, on or 0, false, no, off, and anything
else is exit 2 too; for CI, NO_COLOR and CLICOLOR_FORCE empty means unset, as their conventions say.

Precedence: flag, then environment, then config file, then default.

EXAMPLES:
  dwctl workspace list
  dwctl workspace create finance_tax_report \\
      --display-name 'Finance tax report'
  dwctl user add alice
  dwctl member add finance_tax_report alice --role admin
  dwctl --as alice workspace show finance_tax_report -o json";

/// The help heading of the options every command takes.
pub const GLOBAL_OPTIONS: &str = "Global options";

#[derive(Debug, Parser)]
#[command(
    name = "dwctl",
    version,
    about = "Administer DataWorks workspaces, members, compute, data sources and resource groups on a local catalog",
    long_about = LONG_ABOUT,
    after_long_help = AFTER_LONG_HELP,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    // Under their own heading in every command's help, apart from the command's own.
    #[command(flatten, next_help_heading = GLOBAL_OPTIONS)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes (cli.md 2).
#[derive(Debug, Clone, Args, Default)]
pub struct GlobalArgs {
    /// Catalog file, or a PostgreSQL catalog's postgres:// URL [env: DWCTL_CATALOG] [default: <data dir>/dwctl/catalog.db]
    #[arg(long, global = true, value_name = "PATH|URL", value_hint = ValueHint::FilePath)]
    pub catalog: Option<PathBuf>,
    /// Config file (TOML) [env: DWCTL_CONFIG] [default: <config dir>/dwctl/config.toml]
    #[arg(long, global = true, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub config: Option<PathBuf>,
    /// Ignore the config file [env: DWCTL_NO_CONFIG=1]
    #[arg(long, global = true)]
    pub no_config: bool,
    /// Act as this principal (name or id) [env: DWCTL_ACTOR] [default: the account, root]
    #[arg(long = "as", global = true, value_name = "PRINCIPAL", add = complete::principals())]
    pub actor: Option<String>,
    /// Output format [env: DWCTL_OUTPUT] [default: table]
    #[arg(short, long, global = true, value_name = "FORMAT")]
    pub output: Option<Format>,
    /// Answer yes to confirmations
    #[arg(short, long, global = true)]
    pub yes: bool,
    /// Never prompt: a confirmation fails (exit 8) [env: DWCTL_NO_INPUT=1, or CI]
    #[arg(long, global = true)]
    pub no_input: bool,
    /// When to use colour [env: NO_COLOR, CLICOLOR_FORCE] [default: auto]
    #[arg(long, global = true, value_name = "WHEN")]
    pub color: Option<ColorChoice>,
    /// No status lines or warnings on stderr (errors still, and the catalog mode warning)
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Seconds a change waits for another process writing the catalog (reads never wait for writers) [env: DWCTL_LOCK_TIMEOUT] [default: 10]
    #[arg(long, global = true, value_name = "SECS")]
    pub lock_timeout: Option<f64>,
}

/// Every subcommand enum is `defer = true`: a subcommand's arguments are built only when
/// it is the one run (or help, completion or the man pages walk the whole tree), which
/// halves the start-up work of a command (quality.md P5). A doc comment on a flattened
/// `Args` struct would then override the `about` of the command: use plain comments there.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Create a catalog: the account, the default workspace and its resource group
    #[command(
        after_help = "EXAMPLES:\n  dwctl init\n  dwctl init --catalog ./team.db --account-id 1234567890123456 \\\n      --region cn-shanghai\n  dwctl init --if-not-exists"
    )]
    Init(InitArgs),
    /// Show who is acting, where that came from, and its rights and roles
    #[command(after_help = "EXAMPLES:\n  dwctl whoami\n  dwctl --as alice whoami -o json")]
    Whoami,
    /// Principals of the account: RAM users and roles
    #[command(
        subcommand,
        after_help = "EXAMPLES:\n  dwctl user add alice --display-name 'Alice Li'\n  dwctl user list -o json"
    )]
    User(UserCommand),
    /// Workspaces and their lifecycle
    #[command(
        subcommand,
        visible_alias = "ws",
        after_help = "EXAMPLES:\n  dwctl workspace create finance_tax_report\n  dwctl ws list --all"
    )]
    Workspace(WorkspaceCommand),
    /// Members of a workspace and their roles
    #[command(
        subcommand,
        after_help = "EXAMPLES:\n  dwctl member add finance_tax_report alice --role admin\n  dwctl member list finance_tax_report"
    )]
    Member(MemberCommand),
    /// The ten built-in workspace roles
    #[command(
        subcommand,
        after_help = "EXAMPLES:\n  dwctl role list\n  dwctl role show admin"
    )]
    Role(RoleCommand),
    /// Access reviews: who holds a right or capability, and every principal's roles everywhere
    #[command(
        subcommand,
        after_help = "EXAMPLES:\n  dwctl access who-can datasource.manage\n  dwctl access who-can deploy --workspace finance_tax_report\n  dwctl access matrix -o csv > access.csv"
    )]
    Access(AccessCommand),
    /// Resource groups and their bindings to workspaces
    #[command(
        subcommand,
        name = "resourcegroup",
        visible_alias = "rg",
        after_help = "EXAMPLES:\n  dwctl resourcegroup create rg_etl --spec 4\n  dwctl rg bind rg_etl finance_tax_report --default"
    )]
    ResourceGroup(ResourceGroupCommand),
    /// Compute resources: engines attached to a workspace, each with its data source
    #[command(
        subcommand,
        after_help = "EXAMPLES:\n  dwctl compute attach finance_tax_report mc_fin --type maxcompute \\\n      --prop project=fin\n  dwctl compute list finance_tax_report"
    )]
    Compute(ComputeCommand),
    /// Data sources per environment, with secrets that never leak and a real connectivity test
    #[command(
        subcommand,
        name = "datasource",
        visible_alias = "ds",
        after_help = "EXAMPLES:\n  dwctl datasource types\n  dwctl datasource add finance_tax_report orders --type mysql \\\n      --prop address=10.0.0.5 --prop database=orders \\\n      --prop username=etl --prop password=env:ORDERS_PASSWORD\n  dwctl datasource test finance_tax_report orders"
    )]
    DataSource(DataSourceCommand),
    /// The audit log of every change
    #[command(
        subcommand,
        after_help = "EXAMPLES:\n  dwctl audit list --workspace finance_tax_report\n  dwctl audit verify\n  dwctl audit head >> audit-anchors.txt"
    )]
    Audit(AuditCommand),
    /// Write the catalog (or some workspaces) as a manifest; secrets become placeholders
    #[command(
        long_about = manifest::EXPORT_ABOUT,
        after_help = "EXAMPLES:\n  dwctl export --all --file dwctl.toml\n  dwctl export finance_tax_report > fin.toml\n  dwctl export --all -o json | jq '.workspace[].name'"
    )]
    Export(ExportArgs),
    /// Show what apply would change, checking every right and rule
    #[command(
        after_help = "EXAMPLES:\n  dwctl plan --file dwctl.toml\n  dwctl plan --file dwctl.toml --prune --exit-code"
    )]
    Plan(PlanArgs),
    /// Converge the catalog to a manifest, in one transaction: all of it or nothing
    #[command(
        after_help = "EXAMPLES:\n  dwctl apply --file dwctl.toml --dry-run\n  ORDERS_PROD_PASSWORD=... dwctl apply --file dwctl.toml\n  dwctl apply --file dwctl.toml --prune --yes\n  dwctl export --all | dwctl --catalog other.db apply --file -"
    )]
    Apply(ApplyArgs),
    /// Turn DataWorks OpenAPI responses (a real tenant's) into a manifest, or apply them
    #[command(
        long_about = manifest::IMPORT_ABOUT,
        after_help = "EXAMPLES:\n  dwctl import --from-api ./tenant > tenant.toml\n  dwctl import --from-api ./tenant --file tenant.toml\n  dwctl import --from-api ./tenant --apply --dry-run"
    )]
    Import(ImportArgs),
    /// Print a shell completion script (it completes catalog names too)
    #[command(long_about = COMPLETIONS_ABOUT, after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Check workspaces against the production guidelines (DW001-DW014)
    #[command(
        after_help = "RULES:\n  DW001 warning  the default workspace holds a prod compute resource or data source\n  DW002 warning  a basic-mode workspace holds a prod compute resource\n  DW003 warning  a member holds both Develop and O&M\n  DW004 warning  a generic workspace name (test, tmp, demo, ws1, ...)\n  DW005 warning  a standard-mode prod data source or compute resource has no dev counterpart\n  DW006 warning  a data source's dev and prod point at the same place\n  DW007 warning  an available workspace with compute resources has no resource group\n  DW008 info     a resource group is bound to no workspace\n  DW009 info     a disabled workspace still has resource groups bound\n  DW010 info     no RAM user is Workspace Administrator\n  DW011 info     a membership expires within 7 days\n  DW012 warning  a membership has expired and is not pruned\n  DW013 warning  the workspace was not created by the Alibaba Cloud account\n  DW014 warning  a prod data source is shared into a basic-mode workspace\n\nEXAMPLES:\n  dwctl check\n  dwctl check finance_tax_report --strict\n  dwctl check -o json | jq '.[] | select(.severity == \"warning\")'"
    )]
    Check(CheckArgs),
    /// The catalog itself: consistent backups of a file, schema migrations
    #[command(
        subcommand,
        after_help = "EXAMPLES:\n  dwctl catalog backup ./catalog-backup.db\n  dwctl catalog migrate --catalog postgres://db/team"
    )]
    Catalog(CatalogCommand),
    /// Serve the DataWorks OpenAPI (2024-05-18) on the catalog, for the official SDKs and the aliyun CLI
    #[command(
        long_about = "Serve the DataWorks OpenAPI (version 2024-05-18, RPC style) on the catalog, so that the \
official SDKs, the aliyun CLI and other clients of DataWorks work against it offline. Requests are \
signed with ACS3-HMAC-SHA256 and an AccessKey that dwctl user accesskey create issued; each acts as \
the key's owner, under the same rules and audit log as the command line.\n\n\
It listens on loopback unless told otherwise; another address needs --tls-cert and --tls-key, or \
--insecure-http. The first line on stdout is the address it listens on; one line per request goes \
to stderr. SIGTERM or SIGINT stops it after the requests in flight (exit 0).",
        after_help = "EXAMPLES:\n  dwctl serve\n  dwctl serve --listen 127.0.0.1:0 --log-format json\n  dwctl serve --listen 0.0.0.0:8443 --tls-cert c.pem --tls-key k.pem"
    )]
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The account id: 16 digits [default: random]
    #[arg(long, value_name = "UID", value_parser = values::account_id)]
    pub account_id: Option<String>,
    /// The region [default: cn-hangzhou]
    #[arg(long, value_name = "ID", value_parser = values::region)]
    pub region: Option<String>,
    /// Succeed without change when the catalog exists
    #[arg(long)]
    pub if_not_exists: bool,
}

/// Parse a command line whose values the domain may refuse: the line, and the domain's
/// error for the first value it refused, if any. When a value was refused, the line is
/// parsed again leniently (see `values::leniently`), so that clap's own usage error (or
/// help), which comes first, is still clap's, as when commands parsed their arguments;
/// without one, the line's global options resolve the settings the refusal is reported
/// with.
pub fn parse(
    args: &[std::ffi::OsString],
) -> Result<(Cli, Option<crate::model::error::Error>), clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let once = || {
        // What `Cli::try_parse_from` does, except that the command tree is left for the
        // process's exit to reclaim: it is thousands of small allocations, and freeing
        // them was a quarter of the instructions of `dwctl --version` (quality.md P5).
        let mut command = Cli::command();
        let parsed = command
            .try_get_matches_from_mut(args)
            .and_then(|mut m| Cli::from_arg_matches_mut(&mut m));
        std::mem::forget(command);
        parsed
    };
    match once() {
        Ok(cli) => Ok((cli, None)),
        Err(e) => match values::refused(&e).cloned() {
            None => Err(e),
            Some(refused) => values::leniently(once).map(|cli| (cli, Some(refused))),
        },
    }
}

/// Arguments parsed into domain types (`values`), and how a refused one is reported.
#[cfg(test)]
mod tests {
    use super::parse;
    use clap::error::ErrorKind;
    use std::ffi::OsString;

    fn line(args: &[&str]) -> Vec<OsString> {
        std::iter::once("dwctl")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn a_refused_value_is_the_domains_error() {
        let (cli, refused) = parse(&line(&["workspace", "show", "ab"])).unwrap();
        let refused = refused.expect("refused");
        assert_eq!(refused.message, "invalid workspace name 'ab'");
        assert!(refused
            .hint
            .unwrap()
            .starts_with("a workspace name is 3-28"));
        assert!(matches!(cli.command, super::Command::Workspace(_)));
        // The next parse is strict again.
        assert!(parse(&line(&["workspace", "show", "ab"]))
            .unwrap()
            .1
            .is_some());
    }

    #[test]
    fn clap_usage_errors_and_help_come_before_a_refused_value() {
        let missing = parse(&line(&["member", "add", "ab"])).err().unwrap();
        assert_eq!(missing.kind(), ErrorKind::MissingRequiredArgument);
        let conflict = parse(&line(&["workspace", "purge", "ab", "--expired"]))
            .err()
            .unwrap();
        assert_eq!(conflict.kind(), ErrorKind::ArgumentConflict);
        let help = parse(&line(&["workspace", "show", "ab", "--help"]))
            .err()
            .unwrap();
        assert_eq!(help.kind(), ErrorKind::DisplayHelp);
    }

    #[test]
    fn global_options_after_a_refused_value_still_count() {
        let (cli, refused) = parse(&line(&[
            "member", "add", "ab", "x y", "--role", "bogus", "--as", "alice", "-o", "json",
        ]))
        .unwrap();
        // The first refused value, in the order of the line.
        assert_eq!(refused.unwrap().message, "invalid workspace name 'ab'");
        assert_eq!(cli.global.actor.as_deref(), Some("alice"));
        assert_eq!(cli.global.output, Some(crate::output::Format::Json));
    }

    #[test]
    fn values_become_domain_types() {
        let (cli, refused) = parse(&line(&[
            "member", "role", "fin_ws", "alice", "--grant", "dev,ops", "--revoke", "analyst",
        ]))
        .unwrap();
        assert!(refused.is_none());
        let super::Command::Member(super::MemberCommand::Role(a)) = cli.command else {
            panic!("member role");
        };
        assert_eq!(a.workspace.as_str(), "fin_ws");
        assert_eq!(a.grant[0].codes(), ["role_project_dev", "role_project_pe"]);
        assert_eq!(a.revoke[0].codes(), ["role_project_data_analyst"]);
    }
}
