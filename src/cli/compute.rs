use clap::{Args, Subcommand, ValueHint};
use clap_complete::engine::ArgValueCompleter;

use super::{complete, values};
use crate::model::error::Result;
use crate::model::types::{ConnMode, TypeSpec};
use crate::model::{Env, ObjectName, WorkspaceName};

#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ComputeCommand {
    /// Attach a compute engine to a workspace; it brings a data source of the same name
    #[command(
        after_help = "EXAMPLES:\n  dwctl compute attach finance_tax_report mc_fin --type maxcompute \\\n      --env prod --prop project=fin\n  dwctl compute attach finance_tax_report holo --type hologres \\\n      --mode instance --prop instanceId=hgprecn-1 --prop database=fin\n  dwctl compute attach finance_tax_report ch --type clickhouse \\\n      --prop instanceId=cc-1 --prop username=etl \\\n      --prop password=env:CH_PASSWORD"
    )]
    Attach(ComputeAttachArgs),
    /// List a workspace's compute resources
    #[command(
        after_help = "EXAMPLES:\n  dwctl compute list finance_tax_report\n  dwctl compute list finance_tax_report --env dev -o json"
    )]
    List(ObjectListArgs),
    /// Show a compute resource (secrets are never shown)
    #[command(after_help = "EXAMPLES:\n  dwctl compute show finance_tax_report mc_fin --env prod")]
    Show(ObjectRef<Compute>),
    /// Change a compute resource's properties or description
    #[command(
        after_help = "EXAMPLES:\n  dwctl compute update finance_tax_report mc_fin --env prod \\\n      --prop authType=TaskOwner\n  dwctl compute update finance_tax_report ch \\\n      --prop password=- < secret.txt"
    )]
    Update(ObjectUpdateArgs<Compute>),
    /// Detach a compute resource (and its data source, unless --keep-datasource)
    #[command(
        after_help = "EXAMPLES:\n  dwctl compute detach finance_tax_report mc_fin --env dev --yes\n  dwctl compute detach finance_tax_report mc_fin \\\n      --keep-datasource --yes"
    )]
    Detach(ComputeDetachArgs),
    /// Make a compute resource the default of its type in its environment
    #[command(
        name = "set-default",
        after_help = "EXAMPLES:\n  dwctl compute set-default finance_tax_report mc_fin2 --env prod"
    )]
    SetDefault(SetDefaultArgs),
}

#[derive(Debug, Args)]
pub struct ComputeAttachArgs {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// Compute resource name: 1-255 of A-Za-z0-9_, starting with a letter
    #[arg(value_parser = values::compute_name)]
    pub name: ObjectName,
    /// Compute type (see dwctl datasource types)
    #[arg(long = "type", value_name = "TYPE", value_parser = values::compute_type, add = complete::compute_types())]
    pub type_key: &'static TypeSpec,
    #[command(flatten)]
    pub object: ObjectInput,
    /// Succeed without change when it exists
    #[arg(long)]
    pub if_not_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

// Environment, mode, properties and description of a new object (a plain comment: a doc
// comment would become the `about` of every command that flattens it, as subcommands are
// built on demand; see `defer` in mod.rs).
#[derive(Debug, Args)]
pub struct ObjectInput {
    /// prod or dev [default: prod]
    #[arg(long, value_name = "ENV", value_parser = values::env, add = complete::envs())]
    pub env: Option<Env>,
    /// Connection mode: instance, url or cdh [default: inferred from the type and properties]
    #[arg(long, value_name = "MODE", value_parser = values::conn_mode, add = complete::conn_modes())]
    pub mode: Option<ConnMode>,
    /// A property KEY=VALUE; KEY=- reads stdin (at a terminal: asks, hidden for a secret), KEY=@FILE a file (at most 16 KiB), KEY=env:VAR a variable (repeatable, each key once)
    #[arg(long = "prop", value_name = "KEY=VALUE")]
    pub props: Vec<String>,
    /// Properties from a JSON object file (- for stdin; at most 1 MiB); --prop wins over it
    #[arg(long = "props", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub props_file: Option<String>,
    /// Description (0-3000 characters)
    #[arg(long)]
    pub description: Option<String>,
}

#[derive(Debug, Args)]
pub struct ObjectListArgs {
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// Only this environment: prod or dev
    #[arg(long, value_name = "ENV", value_parser = values::env, add = complete::envs())]
    pub env: Option<Env>,
}

/// What a shared argument struct names: its name parses (and its errors read) as a
/// compute resource's or as a data source's, and completes from those names.
pub trait Noun: std::fmt::Debug + Clone + Send + Sync + 'static {
    fn parse(s: &str) -> Result<ObjectName>;
    fn complete() -> ArgValueCompleter;
}

#[derive(Debug, Clone)]
pub struct Compute;

impl Noun for Compute {
    fn parse(s: &str) -> Result<ObjectName> {
        values::compute_name(s)
    }
    fn complete() -> ArgValueCompleter {
        complete::computes()
    }
}

#[derive(Debug, Clone)]
pub struct DataSource;

impl Noun for DataSource {
    fn parse(s: &str) -> Result<ObjectName> {
        values::datasource_name(s)
    }
    fn complete() -> ArgValueCompleter {
        complete::datasources()
    }
}

// One compute resource or data source of a workspace: every command on one names it so
// (a plain comment, as on `ObjectInput`).
#[derive(Debug, Args)]
pub struct ObjectRef<N: Noun> {
    #[arg(skip)]
    pub noun: std::marker::PhantomData<N>,
    /// Workspace name
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspace: WorkspaceName,
    /// Name
    #[arg(value_parser = N::parse, add = N::complete())]
    pub name: ObjectName,
    /// prod or dev (needed only when the name exists in both)
    #[arg(long, value_name = "ENV", value_parser = values::env, add = complete::envs())]
    pub env: Option<Env>,
}

#[derive(Debug, Args)]
pub struct ObjectUpdateArgs<N: Noun> {
    #[command(flatten)]
    pub target: ObjectRef<N>,
    /// Set a property KEY=VALUE (KEY=-, KEY=@FILE, KEY=env:VAR read it from stdin or a terminal prompt, a file, a variable; each key once)
    #[arg(long = "prop", value_name = "KEY=VALUE")]
    pub props: Vec<String>,
    /// Remove a property (repeatable; not one --prop sets)
    #[arg(long = "unprop", value_name = "KEY")]
    pub unprops: Vec<String>,
    /// Replace all properties with a JSON object file (- for stdin; at most 1 MiB)
    #[arg(long = "props", value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub props_file: Option<String>,
    /// New description (0-3000 characters)
    #[arg(long)]
    pub description: Option<String>,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct SetDefaultArgs {
    #[command(flatten)]
    pub target: ObjectRef<Compute>,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ComputeDetachArgs {
    #[command(flatten)]
    pub target: ObjectRef<Compute>,
    /// Keep the data source it brought, as an ordinary data source
    #[arg(long)]
    pub keep_datasource: bool,
    /// Succeed without change when it does not exist (a missing workspace is still exit 3)
    #[arg(long)]
    pub if_exists: bool,
    /// Check everything and show the result, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}
