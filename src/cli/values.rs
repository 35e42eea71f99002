//! Value parsers: an argument becomes its domain type as clap reads it (`value_parser =
//! values::workspace`), with the domain's own parse and its own error. A value the domain
//! refuses is a clap `ValueValidation` error whose source is that `domain::error::Error`;
//! `lib.rs` reports it as dwctl's error (the same message, hint and exit code 2 as when
//! the commands parsed their arguments), never as clap's.

//!
//! When a value is refused, the line is parsed once more, leniently: each value parser
//! then stands a placeholder in for a value it refuses, so that clap's own checks
//! (missing arguments, conflicts, `--help`) and the global options after the refused
//! value are seen as when commands parsed their arguments. Nothing runs on that parse.

use std::cell::Cell;

use crate::domain::policy::{Capability, Right};
use crate::model::audit::Anchor;
use crate::model::clock::{Expiry, Timestamp};
use crate::model::error::{Error, Result};
use crate::model::resource_group::{DurationUnit, GroupType, Payment};
use crate::model::roles::{RoleCode, RoleSet};
use crate::model::types::{ConnMode, TypeSpec};
use crate::model::{
    Env, GroupName, Mode, ObjectName, PrincipalKind, PrincipalName, SodPolicy, Status,
    WorkspaceName,
};

/// A built-in role's code (from its code or alias), or a word that may be a custom role.
fn parse_role_ref(s: &str) -> Result<String> {
    match RoleCode::parse(s) {
        Ok(r) => Ok(r.code().to_string()),
        Err(e) => crate::model::roles::parse_custom_word(s)
            .map(str::to_string)
            .ok_or(e),
    }
}

thread_local! {
    static LENIENT: Cell<bool> = const { Cell::new(false) };
}

/// Run `parse` with every value parser lenient.
pub(super) fn leniently<T>(parse: impl FnOnce() -> T) -> T {
    LENIENT.with(|l| l.set(true));
    let out = parse();
    LENIENT.with(|l| l.set(false));
    out
}

/// The parse's value; in a lenient parse, a placeholder for a refused one.
fn or_placeholder<T>(parsed: Result<T>, placeholder: impl FnOnce() -> T) -> Result<T> {
    match parsed {
        Err(_) if LENIENT.with(Cell::get) => Ok(placeholder()),
        parsed => parsed,
    }
}

/// Value parsers: `name(&str) -> Result<Type>` = the domain's parse, and the placeholder
/// of a lenient parse.
macro_rules! parsers {
    ($($(#[$m:meta])* $name:ident -> $ty:ty = $parse:expr, $placeholder:expr;)+) => {
        $(
            $(#[$m])*
            pub fn $name(s: &str) -> Result<$ty> {
                or_placeholder($parse(s), || $placeholder(s))
            }
        )+
    };
}

/// The text itself, for a placeholder of a validated string.
fn same(s: &str) -> String {
    s.to_string()
}

parsers! {
    /// A workspace name.
    workspace -> WorkspaceName = WorkspaceName::parse, |s: &str| WorkspaceName::from_stored(same(s));
    /// The name of a principal to create.
    principal_name -> PrincipalName = PrincipalName::parse, |s: &str| PrincipalName::from_stored(same(s));
    /// A principal named by name or by id: one that is neither can never exist (exit 2).
    principal -> String = crate::domain::principal::parse_principal_ref, same;
    /// A principal's id (digits).
    principal_id -> String = crate::model::parse_principal_id, same;
    /// A database login (a PostgreSQL role name).
    db_role -> String = crate::model::parse_db_role, same;
    /// The account's id (16 digits).
    account_id -> String = crate::model::parse_account_id, same;
    /// A region id.
    region -> String = crate::model::parse_region, same;
    /// The name of a resource group to create or rename to.
    group_name -> GroupName = GroupName::parse, |s: &str| GroupName::from_stored(same(s));
    /// A resource group named by name or by id.
    group -> String = crate::model::resource_group::parse_group_ref, same;
    /// A compute resource's name.
    compute_name -> ObjectName = |s| ObjectName::parse(s, "compute resource"), |s: &str| ObjectName::from_stored(same(s));
    /// A data source's name.
    datasource_name -> ObjectName = |s| ObjectName::parse(s, "data source"), |s: &str| ObjectName::from_stored(same(s));
    /// When a membership expires: a date, an RFC 3339 time, or a duration from now.
    expiry -> Expiry = Expiry::parse, |_| Expiry::After(1);
    /// One role, by code or alias.
    role -> RoleCode = RoleCode::parse, |_| RoleCode::ALL[0];
    /// A right or a capability (`access who-can`).
    holding -> crate::domain::policy::Holding = crate::domain::policy::Holding::parse, |_| crate::domain::policy::Holding::Workspace(crate::domain::policy::Right::List);
    /// One role of a workspace: a built-in code or alias, or a custom role's name or code.
    role_ref -> String = parse_role_ref, same;
    /// One role to filter by (a built-in role, or a custom role's name or code).
    role_ref_set -> RoleSet = |s| parse_role_ref(s).and_then(|r| RoleSet::parse_list(&[r])), |_| RoleSet::empty();
    /// A description (0-3000 characters, lines allowed, no control characters).
    description -> String = |s| crate::model::Description::parse(s).map(crate::model::Description::into_string).map_err(Error::from), same;
    /// A new custom role's name.
    role_name -> String = crate::model::roles::parse_custom_name, same;
    /// A workspace right a custom role may hold.
    right -> Right = crate::domain::roles::parse_right, |_| Right::ALL[0];
    /// A capability a custom role may name.
    capability -> Capability = crate::domain::roles::parse_capability, |_| Capability::ALL[0];
    /// Roles, comma-separated (each `--role` may list several).
    roles -> RoleSet = |s| RoleSet::parse_list(&[s]), |_| RoleSet::empty();
    /// `on` or `off` (also true/false, yes/no).
    on_off -> bool = parse_on_off, |_| false;
    /// A workspace mode.
    mode -> Mode = Mode::parse, |_| Mode::ALL[0];
    /// A workspace status.
    status -> Status = Status::parse, |_| Status::ALL[0];
    /// A separation-of-duties policy.
    sod_policy -> SodPolicy = SodPolicy::parse, |_| SodPolicy::ALL[0];
    /// An environment.
    env -> Env = Env::parse, |_| Env::ALL[0];
    /// A principal's kind.
    principal_kind -> PrincipalKind = PrincipalKind::parse, |_| PrincipalKind::ALL[0];
    /// A resource group's type.
    group_type -> GroupType = GroupType::parse, |_| GroupType::ALL[0];
    /// A resource group's payment.
    payment -> Payment = Payment::parse, |_| Payment::ALL[0];
    /// A subscription's duration unit.
    duration_unit -> DurationUnit = DurationUnit::parse, |_| DurationUnit::ALL[0];
    /// A connection mode.
    conn_mode -> ConnMode = ConnMode::parse, |_| ConnMode::ALL[0];
    /// A data source type.
    type_spec -> &'static TypeSpec = crate::model::types::resolve_type, |_| &crate::model::types::all()[0];
    /// A type that can be attached as a compute resource.
    compute_type -> &'static TypeSpec = crate::model::types::resolve_compute_type, |_| &crate::model::types::all()[0];
    /// A time (RFC 3339).
    timestamp -> Timestamp = Timestamp::parse, |_| Timestamp::MAX;
    /// A tag, KEY=VALUE.
    tag -> (String, String) = crate::model::parse_tag, |s: &str| (same(s), String::new());
    /// A tag's key.
    tag_key -> String = crate::model::parse_tag_key, same;
    /// An audit anchor, SEQ:HASH.
    anchor -> Anchor = Anchor::parse, |s: &str| Anchor { seq: 0, hash: same(s) };
}

/// A resource group by name or id, or `none` (`Some(None)`: no default group).
pub fn group_or_none(s: &str) -> Result<Option<String>> {
    if s.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    group(s).map(Some)
}

fn parse_on_off(s: &str) -> Result<bool> {
    match s.to_ascii_lowercase().as_str() {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        _ => Err(
            Error::invalid(format!("invalid value {}", crate::model::shown(s)))
                .with_hint("expected on or off"),
        ),
    }
}

/// The domain's error inside a clap error, when a value parser above refused a value.
pub fn refused(e: &clap::Error) -> Option<&Error> {
    if e.kind() != clap::error::ErrorKind::ValueValidation {
        return None;
    }
    std::error::Error::source(e)?.downcast_ref::<Error>()
}
