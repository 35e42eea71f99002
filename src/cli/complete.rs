//! Shell completion, with clap_complete's dynamic engine. The scripts in completions/ only
//! register a function that calls `dwctl` back with `DWCTL_COMPLETE=<shell>` and the words
//! typed so far; dwctl answers from this clap definition. So nouns, verbs, flags and values
//! complete alike in bash, zsh, fish, PowerShell and elvish, and names come from the
//! catalog. The value hints below (`add = ...` on an argument) only complete: parsing and
//! its error messages stay dwctl's own.

use clap::{CommandFactory, FromArgMatches};
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter, CompletionCandidate};
use clap_complete::env::{Bash, CompleteEnv, Elvish, EnvCompleter, Fish, Powershell, Zsh};
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::sync::OnceLock;

use super::{Cli, GlobalArgs, Shell};
use crate::domain::names::NameKind;
use crate::domain::session::{self, Request};
use crate::model::clock::Timestamp;
use crate::model::resource_group::{DurationUnit, GroupType, Payment};
use crate::model::roles::RoleCode;
use crate::model::{excerpt_of, needs_escape, Env, Mode, PrincipalKind, SodPolicy, Status};

/// The variable that turns a run of dwctl into a completion request (the scripts set it).
pub const ENV_VAR: &str = "DWCTL_COMPLETE";

/// The command the scripts complete, and the program they call back (found on PATH).
const BIN: &str = "dwctl";

impl Shell {
    fn completer(self) -> &'static dyn EnvCompleter {
        match self {
            Shell::Bash => &Bash,
            Shell::Zsh => &Zsh,
            Shell::Fish => &Fish,
            Shell::Powershell => &Powershell,
            Shell::Elvish => &Elvish,
        }
    }

    /// The completion script: what `dwctl completions SHELL` prints.
    pub fn script(self) -> String {
        let mut buf = Vec::new();
        self.completer()
            .write_registration(ENV_VAR, BIN, BIN, BIN, &mut buf)
            .expect("writing to a Vec cannot fail");
        String::from_utf8(buf).expect("the scripts are UTF-8")
    }
}

/// Answer a completion request if this run is one (`DWCTL_COMPLETE` set by a script):
/// `Some(exit code)`, else `None` and dwctl runs as usual. The protocol's variables
/// (`DWCTL_COMPLETE`, `_CLAP_COMPLETE_INDEX`, ...) are clap_complete's business, read here
/// rather than in config.rs.
pub fn complete_if_requested(args: &[OsString]) -> Option<i32> {
    let shell = std::env::var_os(ENV_VAR)?;
    if shell.is_empty() || shell == "0" {
        return None;
    }
    // The words typed so far follow `--`; those before the cursor give the context.
    let words: &[OsString] = match args.iter().position(|a| a == "--") {
        Some(i) => &args[i + 1..],
        None => &[],
    };
    let cursor = std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|i| i.parse::<usize>().ok())
        .unwrap_or(words.len().saturating_sub(1))
        .min(words.len());
    let _ = CONTEXT.set(Context::from_words(&words[..cursor]));
    let cwd = std::env::current_dir().ok();
    let done = CompleteEnv::with_factory(Cli::command)
        .var(ENV_VAR)
        .bin(BIN)
        .completer(BIN)
        .try_complete(args.iter().cloned(), cwd.as_deref());
    match done {
        Ok(true) => Some(0),
        Ok(false) => None,
        // A TAB prints no error into the command line being edited: no candidates.
        Err(_) => Some(1),
    }
}

/// What the words already typed say: which catalog, who acts (`--as`, `DWCTL_ACTOR`, the
/// config's `actor`), the command (`compute show`), and which workspace.
#[derive(Debug, Default)]
struct Context {
    catalog: Option<PathBuf>,
    actor: Option<String>,
    now: Option<Timestamp>,
    command: Vec<String>,
    workspace: Option<String>,
}

static CONTEXT: OnceLock<Context> = OnceLock::new();

/// How many characters of a description a completion shows (shells cut them further).
const ABOUT_CHARS: usize = 80;

impl Context {
    fn from_words(words: &[OsString]) -> Context {
        let matches = Cli::command()
            .ignore_errors(true)
            .try_get_matches_from(words)
            .ok();
        let global = matches
            .as_ref()
            .and_then(|m| GlobalArgs::from_arg_matches(m).ok())
            .unwrap_or_default();
        let mut command = Vec::new();
        let workspace = matches.as_ref().and_then(|m| {
            let mut m = m;
            while let Some((name, sub)) = m.subcommand() {
                command.push(name.to_string());
                m = sub;
            }
            m.try_get_one::<String>("workspace").ok().flatten().cloned()
        });
        // The catalog and the actor are found exactly as a command would find them (flag,
        // environment, config file, default); whether the catalog exists is
        // `catalog::open_for_names`'s question.
        let settings =
            crate::config::Settings::resolve(&global, &crate::config::Env::capture()).ok();
        Context {
            catalog: settings.as_ref().map(|s| s.catalog.path.clone()),
            actor: settings.as_ref().and_then(|s| s.actor.clone()),
            now: settings.as_ref().map(|s| s.now),
            command,
            workspace,
        }
    }
}

fn context() -> &'static Context {
    CONTEXT.get_or_init(Context::default)
}

/// The names of one kind that the actor may see, read through the domain as `list` reads
/// them. Any failure (no catalog, an unknown actor, a busy catalog) offers none.
///
/// Only names that start with `prefix` (the word being completed), as the shell offers
/// them: workspaces and principals are read by index range, so that a TAB costs the same
/// in a tenant of any size.
fn catalog_names(kind: NameKind, prefix: &OsStr) -> Vec<CompletionCandidate> {
    // What clap_complete compares candidates with.
    let prefix = prefix.to_string_lossy();
    let ctx = context();
    let (Some(path), Some(now)) = (&ctx.catalog, ctx.now) else {
        return Vec::new();
    };
    let Ok(Some(mut catalog)) = crate::storage::Catalog::open_for_names(path) else {
        return Vec::new();
    };
    let req = Request {
        actor: ctx.actor.clone(),
        now,
        dry_run: false,
        seed: None,
    };
    session::read(&mut catalog, &req, |s| {
        crate::domain::names::names_starting(s, kind, ctx.workspace.as_deref(), &prefix)
    })
    .unwrap_or_default()
    .into_iter()
    // A name the shell would insert with a control character in it is no candidate (a
    // damaged row: dwctl never writes one).
    .filter(|n| !n.name.chars().any(needs_escape))
    .map(|n| {
        // zsh, fish and PowerShell print the description beside the name: it is text from
        // the catalog (a display name), so control and format characters are escaped as
        // everywhere else output reaches a terminal.
        let about = (!n.about.is_empty()).then(|| excerpt_of(&n.about, ABOUT_CHARS).into());
        CompletionCandidate::new(n.name).help(about)
    })
    .collect()
}

/// Workspace names from the catalog.
pub fn workspaces() -> ArgValueCompleter {
    ArgValueCompleter::new(|p: &OsStr| catalog_names(NameKind::Workspace, p))
}

/// Principal names from the catalog.
pub fn principals() -> ArgValueCompleter {
    ArgValueCompleter::new(|p: &OsStr| catalog_names(NameKind::Principal, p))
}

/// Resource group names from the catalog.
pub fn resource_groups() -> ArgValueCompleter {
    ArgValueCompleter::new(|p: &OsStr| catalog_names(NameKind::ResourceGroup, p))
}

/// Resource group names, or `none`.
pub fn resource_groups_or_none() -> ArgValueCompleter {
    ArgValueCompleter::new(|p: &OsStr| {
        let mut names = catalog_names(NameKind::ResourceGroup, p);
        if "none".starts_with(&*p.to_string_lossy()) {
            names.push(CompletionCandidate::new("none").help(Some("no default group".into())));
        }
        names
    })
}

/// Members of the workspace already typed.
pub fn members() -> ArgValueCompleter {
    ArgValueCompleter::new(|p: &OsStr| catalog_names(NameKind::Member, p))
}

/// Principals that are no member of the workspace already typed (`member add`).
pub fn non_members() -> ArgValueCompleter {
    ArgValueCompleter::new(|p: &OsStr| catalog_names(NameKind::NonMember, p))
}

/// Compute resources or data sources of the workspace already typed, by the noun typed
/// (`compute show W` or `datasource show W`, which share their arguments).
pub fn objects() -> ArgValueCompleter {
    ArgValueCompleter::new(|p: &OsStr| {
        let kind = match context().command.first().map(String::as_str) {
            Some("compute") => NameKind::Compute,
            _ => NameKind::DataSource,
        };
        catalog_names(kind, p)
    })
}

/// Compute resource names of the workspace already typed.
pub fn computes() -> ArgValueCompleter {
    ArgValueCompleter::new(|p: &OsStr| catalog_names(NameKind::Compute, p))
}

/// Data source names of the workspace already typed.
pub fn datasources() -> ArgValueCompleter {
    ArgValueCompleter::new(|p: &OsStr| catalog_names(NameKind::DataSource, p))
}

/// Any fixed list of words (types, modes... of commands to come).
pub fn one_of(list: impl IntoIterator<Item = &'static str>) -> ArgValueCandidates {
    let list: Vec<&'static str> = list.into_iter().collect();
    ArgValueCandidates::new(move || list.iter().map(CompletionCandidate::new).collect())
}

/// basic, standard
pub fn modes() -> ArgValueCandidates {
    one_of(Mode::ALL.iter().map(|m| m.as_str()))
}

/// available, disabled, deleted
pub fn statuses() -> ArgValueCandidates {
    one_of(Status::ALL.iter().map(|s| s.as_str()))
}

/// off, warn, enforce
pub fn sod_policies() -> ArgValueCandidates {
    one_of(SodPolicy::ALL.iter().map(|p| p.as_str()))
}

/// prod, dev
pub fn envs() -> ArgValueCandidates {
    one_of(Env::ALL.iter().map(|e| e.as_str()))
}

/// on, off
pub fn on_off() -> ArgValueCandidates {
    one_of(["on", "off"])
}

/// The kinds a principal can be given (the account is made by init).
pub fn principal_kinds() -> ArgValueCandidates {
    one_of(
        PrincipalKind::ALL
            .iter()
            .filter(|k| **k != PrincipalKind::Account)
            .map(|k| k.as_str()),
    )
}

/// serverless, scheduler, integration, dataservice
pub fn group_types() -> ArgValueCandidates {
    one_of(GroupType::ALL.iter().map(|t| t.as_str()))
}

/// postpaid, prepaid
pub fn payments() -> ArgValueCandidates {
    one_of(Payment::ALL.iter().map(|p| p.as_str()))
}

/// month, year
pub fn duration_units() -> ArgValueCandidates {
    one_of(DurationUnit::ALL.iter().map(|u| u.as_str()))
}

/// Roles that can be granted (not the owner's), as aliases (or codes once `role_` is
/// typed); a comma-separated list completes after its last comma.
pub fn grantable_roles() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| role_candidates(current, false, true))
}

/// Any one role, the owner's included.
pub fn any_role() -> ArgValueCompleter {
    ArgValueCompleter::new(|current: &OsStr| role_candidates(current, true, false))
}

fn role_candidates(current: &OsStr, with_owner: bool, list: bool) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    let (done, partial) = match current.rfind(',') {
        Some(i) if list => current.split_at(i + 1),
        _ => ("", current.as_ref()),
    };
    let chosen: Vec<RoleCode> = done
        .split(',')
        .filter_map(|r| RoleCode::parse(r).ok())
        .collect();
    let partial = partial.to_ascii_lowercase();
    RoleCode::ALL
        .into_iter()
        .filter(|r| with_owner || *r != RoleCode::Owner)
        .filter(|r| !chosen.contains(r))
        .filter_map(|r| {
            let info = r.info();
            let word = [info.alias, info.code]
                .into_iter()
                .find(|w| w.starts_with(&partial))?;
            Some(
                CompletionCandidate::new(format!("{done}{word}"))
                    .help(Some(format!("{}: {}", info.code, info.name).into())),
            )
        })
        .collect()
}

/// Data source types (types.md).
pub fn types() -> ArgValueCandidates {
    one_of(crate::model::types::all().iter().map(|t| t.key))
}

/// Types that can be attached as compute resources.
pub fn compute_types() -> ArgValueCandidates {
    one_of(
        crate::model::types::compute_types()
            .into_iter()
            .map(|t| t.key),
    )
}

/// instance, url, cdh
pub fn conn_modes() -> ArgValueCandidates {
    one_of(
        crate::model::types::ConnMode::ALL
            .iter()
            .map(|m| m.as_str()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(c: Vec<CompletionCandidate>) -> Vec<String> {
        c.iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn roles_complete_by_alias_then_by_code() {
        let all = values(role_candidates(OsStr::new(""), false, true));
        assert_eq!(all.len(), 9, "{all:?}");
        assert!(all.contains(&"admin".to_string()) && !all.contains(&"owner".to_string()));
        assert_eq!(
            values(role_candidates(OsStr::new("role_project_d"), false, true)),
            [
                "role_project_dev",
                "role_project_deploy",
                "role_project_data_analyst",
                "role_project_dg_admin"
            ]
        );
        assert_eq!(
            values(role_candidates(OsStr::new("o"), true, false)),
            ["owner", "ops"]
        );
    }

    #[test]
    fn role_lists_complete_after_the_last_comma_without_repeats() {
        let after = values(role_candidates(OsStr::new("dev,a"), false, true));
        assert_eq!(after, ["dev,admin", "dev,analyst"]);
        let no_repeat = values(role_candidates(OsStr::new("dev,d"), false, true));
        assert_eq!(no_repeat, ["dev,deploy"]);
    }

    #[test]
    fn the_words_typed_give_the_catalog_and_the_workspace() {
        let words: Vec<OsString> = [
            "dwctl",
            "--no-config",
            "member",
            "show",
            "sales_ws",
            "--catalog",
            "/tmp/x.db",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        let ctx = Context::from_words(&words);
        assert_eq!(ctx.catalog, Some(PathBuf::from("/tmp/x.db")));
        assert_eq!(ctx.workspace.as_deref(), Some("sales_ws"));
        // Half-typed lines parse as far as they go.
        let ctx = Context::from_words(&words[..4]);
        assert_eq!(ctx.workspace, None);
        let ctx = Context::from_words(&[OsString::from("dwctl"), OsString::from("--as")]);
        assert_eq!(ctx.workspace, None);
    }

    #[test]
    fn every_shell_gets_a_script_that_calls_dwctl_back() {
        for shell in Shell::ALL {
            let s = shell.script();
            assert!(s.contains(ENV_VAR), "{shell:?}: {s}");
            assert!(s.contains("dwctl"), "{shell:?}: {s}");
        }
    }
}

#[cfg(test)]
mod coverage {
    use super::*;

    /// Every positional argument that names something that exists completes (from the
    /// catalog or a fixed list); only the names of things being created, files and
    /// free text do not. Every option that takes a file completes paths.
    #[test]
    fn every_positional_argument_that_names_an_object_completes() {
        fn walk(c: &clap::Command, path: Vec<String>, missing: &mut Vec<String>) {
            let verb = path.last().cloned().unwrap_or_default();
            for a in c.get_positionals() {
                let new_name =
                    matches!(verb.as_str(), "create" | "add" | "attach") && a.get_id() == "name";
                let completes = a.get::<ArgValueCandidates>().is_some()
                    || a.get::<ArgValueCompleter>().is_some()
                    || !a.get_possible_values().is_empty()
                    // A file's path: the shell completes it.
                    || matches!(
                        a.get_value_hint(),
                        clap::ValueHint::FilePath | clap::ValueHint::AnyPath | clap::ValueHint::DirPath
                    );
                if !completes && !new_name {
                    missing.push(format!("{} <{}>", path.join(" "), a.get_id()));
                }
            }
            // An option that takes a file (`--file`, `--props`) completes paths.
            for a in c.get_opts() {
                let names = a.get_value_names().unwrap_or_default();
                if names.iter().any(|n| *n == "PATH" || *n == "FILE")
                    && a.get_value_hint() != clap::ValueHint::FilePath
                {
                    missing.push(format!("{} --{}", path.join(" "), a.get_id()));
                }
            }
            for s in c.get_subcommands().filter(|s| s.get_name() != "help") {
                let mut p = path.clone();
                p.push(s.get_name().to_string());
                walk(s, p, missing);
            }
        }
        let mut missing = Vec::new();
        // Subcommands' arguments are added when the command is built.
        let mut cli = Cli::command();
        cli.build();
        walk(&cli, Vec::new(), &mut missing);
        assert!(missing.is_empty(), "{missing:?}");
    }
}
