//! Shell completion, with clap_complete's dynamic engine: the value hints (`add = ...` on
//! an argument), which only complete (parsing and its error messages stay dwctl's own).
//! The scripts in completions/ only register a function that calls `dwctl` back with
//! `DWCTL_COMPLETE=<shell>` and the words typed so far; `cli::answer` answers from the
//! clap definition, so nouns, verbs, flags and values complete alike in bash, zsh, fish,
//! PowerShell and elvish, and names come from the catalog through what `answer` found
//! in the words typed (`Typed`).

use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter, CompletionCandidate};
use std::ffi::OsStr;
use std::sync::OnceLock;

use crate::domain::names::{NameKind, Named};
use crate::model::resource_group::{DurationUnit, GroupType, Payment};
use crate::model::roles::RoleCode;
use crate::model::{excerpt_of, needs_escape, Env, Mode, PrincipalKind, SodPolicy, Status};

/// The variable that turns a run of dwctl into a completion request (the scripts set it).
pub const ENV_VAR: &str = "DWCTL_COMPLETE";

/// What the words already typed say, for the hints: the command (`compute show`), and
/// the catalog's names of a kind that start with a prefix, as the actor typed (or
/// configured) sees them in the workspace typed.
pub struct Typed {
    pub command: Vec<String>,
    pub names: Box<Names>,
}

/// The names of a kind that start with a prefix.
pub type Names = dyn Fn(NameKind, &str) -> Vec<Named> + Send + Sync;

static TYPED: OnceLock<Typed> = OnceLock::new();

/// Set what the words typed say, once, before clap_complete asks the hints.
pub fn typed(t: Typed) {
    let _ = TYPED.set(t);
}

/// How many characters of a description a completion shows (shells cut them further).
const ABOUT_CHARS: usize = 80;

/// The names of one kind that the actor may see, from what the words typed say. Only
/// names that start with `prefix` (the word being completed), as the shell offers them.
fn catalog_names(kind: NameKind, prefix: &OsStr) -> Vec<CompletionCandidate> {
    // What clap_complete compares candidates with.
    let prefix = prefix.to_string_lossy();
    let Some(typed) = TYPED.get() else {
        return Vec::new();
    };
    (typed.names)(kind, &prefix)
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

/// AccessKey ids the actor may manage.
pub fn access_keys() -> ArgValueCompleter {
    ArgValueCompleter::new(|p: &OsStr| catalog_names(NameKind::AccessKey, p))
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

/// The rights (workspace, then tenant) and the capabilities (`access who-can`).
pub fn holdings() -> ArgValueCandidates {
    use crate::domain::policy::{Capability, Right, TenantRight};
    one_of(
        Right::ALL
            .into_iter()
            .map(Right::name)
            .chain(TenantRight::ALL.into_iter().map(TenantRight::name))
            .chain(Capability::ALL.into_iter().map(Capability::key)),
    )
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

/// Custom roles of the workspace already typed.
pub fn custom_roles() -> ArgValueCompleter {
    ArgValueCompleter::new(|p: &OsStr| catalog_names(NameKind::CustomRole, p))
}

/// The workspace rights a custom role may hold.
pub fn rights() -> ArgValueCandidates {
    one_of(crate::domain::policy::Right::ALL.iter().map(|r| r.name()))
}

/// The capabilities a custom role may name.
pub fn capabilities() -> ArgValueCandidates {
    one_of(
        crate::domain::policy::Capability::ALL
            .iter()
            .map(|c| c.key()),
    )
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
/// typed), then the custom roles of the workspace typed by name; a comma-separated list
/// completes after its last comma.
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
    // The custom roles of the workspace typed, by name (not those chosen already).
    let custom: Vec<CompletionCandidate> = catalog_names(NameKind::CustomRole, OsStr::new(partial))
        .into_iter()
        .filter(|c| {
            let name = c.get_value().to_string_lossy();
            !done.split(',').any(|d| d.eq_ignore_ascii_case(&name))
        })
        .map(|c| {
            CompletionCandidate::new(format!("{done}{}", c.get_value().to_string_lossy()))
                .help(c.get_help().cloned())
        })
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
        .chain(custom)
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
}
