use clap::{Args, ValueHint};

use super::{complete, values};
use crate::model::WorkspaceName;

/// `man dwctl-export`: what an export holds beyond the manifest's keys.
pub const EXPORT_ABOUT: &str = "\
Write the catalog (or some workspaces) as a manifest; secrets become placeholders.

Everything is written in a fixed order, so exports of equal catalogs are equal byte for
byte. The manifest starts with the catalog's region (region = \"cn-hangzhou\"): plan and
apply refuse it (exit 6) in a catalog of another region, since its compute resources and
data sources would quietly reach another region there. A manifest without region applies
anywhere.

Each secret property (a key its type's API page names as a secret, such as accessKey, or
one ending in password, secret or token) is written as
{ env = \"VAR\" }, to be set when the manifest is applied, with VAR =
DWCTL_SECRET_<WORKSPACE>_<NAME>_<ENV>_<KEY>. The parts are joined by one _ and written so
that two different secrets never share a variable: workspace, object name and env are
upper-cased with each _ doubled (names are compared without regard to case); the key keeps
its case and punctuation: a capital letter is written _ and the letter, a dot __, an
underscore _0 and a hyphen _1. So sec_ws/a_b is DWCTL_SECRET_SEC__WS_A__B_PROD_PASSWORD, sec_ws_a/b is
DWCTL_SECRET_SEC__WS__A_B_PROD_PASSWORD, and accessKeySecret and extra.db.password end in
ACCESS_KEY_SECRET and EXTRA__DB__PASSWORD.

These names changed in issue 11: dwctl used to turn every character outside A-Z0-9 into _,
so that two secrets could share one variable. Manifests exported before keep working, as
they name their variables themselves; new exports use the new names.";

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Workspaces to export (with the principals and resource groups they use)
    #[arg(value_parser = values::workspace, add = complete::workspaces())]
    pub workspaces: Vec<WorkspaceName>,
    /// Export everything: every workspace, principal and resource group
    #[arg(long, conflicts_with = "workspaces")]
    pub all: bool,
    /// Write to this file instead of stdout (.json writes JSON)
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub file: Option<String>,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The manifest (TOML, or JSON for .json; - for stdin; at most 256 MiB)
    #[arg(long, short = 'f', value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub file: String,
    /// Also remove members, compute, data sources, bindings and tags the manifest's workspaces do not list
    #[arg(long)]
    pub prune: bool,
    /// Exit 9 when there are changes (a status line says how many; not an error)
    #[arg(long)]
    pub exit_code: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The manifest (TOML, or JSON for .json; - for stdin; at most 256 MiB)
    #[arg(long, short = 'f', value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub file: String,
    /// Also remove members, compute, data sources, bindings and tags the manifest's workspaces do not list
    #[arg(long)]
    pub prune: bool,
    /// Check everything and show the changes, but write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// `man dwctl-import`: what import reads and how it maps it.
pub const IMPORT_ABOUT: &str = "\
Turn the DataWorks OpenAPI's responses (what `aliyun dataworks-public ListProjects ...`
prints) into a manifest that plan and apply accept, or apply it.

DIR holds one JSON response body per file (*.json; several pages of one list are several
files): ListProjects, ListProjectMembers, ListProjectRoles, ListComputeResources,
ListDataSources, ListResourceGroups, ListResourceGroupAssociateProjects (and the Get*
responses of the same objects). Each is recognised by its content, not its name. A
response that does not name its workspace (ListDataSources, ListComputeResources) or its
resource group (ListResourceGroupAssociateProjects) goes in a directory named after it:
DIR/<workspace Id or Name>/, DIR/<ResourceGroupId>/.

Members become principals (UserName -> name, UserId -> id) and memberships; the member
whose UserId is the workspaces' Owner (the Alibaba Cloud account) is the catalog's account
and is implied. What cannot be carried (an unknown type, a role that is not one of the
ten, a name dwctl refuses, a status dwctl does not have) is left out with a warning.
Secrets, which the API never returns, become { env = \"DWCTL_SECRET_...\" } placeholders,
named as export names them. Malformed input is exit 2 naming the file, line, column and
JSON path; nothing is written then.";

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The directory of API response bodies (*.json; subdirectories name a workspace or group; at most 16 MiB a file)
    #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
    pub from_api: String,
    /// Write the manifest to this file instead of stdout (.json writes JSON)
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath, conflicts_with = "apply")]
    pub file: Option<String>,
    /// Apply the manifest to the catalog instead of writing it (as apply: one transaction)
    #[arg(long)]
    pub apply: bool,
    /// With --apply: check everything and show the changes, but write nothing
    #[arg(long, requires = "apply")]
    pub dry_run: bool,
}
