//! The request's parameters as the API sends them (query and form fields, arrays as JSON
//! strings), the paging every List shares, the workspace a `ProjectId` names, and the
//! response body as JSON: what every action of [`super::actions`] and
//! [`super::resources`] reads and writes with.

use std::collections::BTreeMap;

use serde_json::Value;

use super::error::ApiError;
use crate::domain::session::Session;
use crate::model::{Env, WorkspaceName};

/// The request's parameters: the query's and the form body's, by name.
pub type Params = BTreeMap<String, String>;

pub(super) fn opt<'p>(p: &'p Params, name: &str) -> Option<&'p str> {
    p.get(name).map(String::as_str)
}

pub(super) fn req<'p>(p: &'p Params, name: &str) -> Result<&'p str, ApiError> {
    opt(p, name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::missing(name))
}

pub(super) fn opt_bool(p: &Params, name: &str) -> Result<Option<bool>, ApiError> {
    match opt(p, name) {
        None => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(v) => Err(ApiError::invalid(
            name,
            format!("expected true or false, got {v:?}"),
        )),
    }
}

pub(super) fn opt_int(p: &Params, name: &str) -> Result<Option<i64>, ApiError> {
    opt(p, name)
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| ApiError::invalid(name, format!("expected an integer, got {v:?}")))
        })
        .transpose()
}

pub(super) fn req_int(p: &Params, name: &str) -> Result<i64, ApiError> {
    opt_int(p, name)?.ok_or_else(|| ApiError::missing(name))
}

/// A parameter that takes one of `choices` (the API's spelling, read in any case), or
/// `default` when it is absent or empty; another value is 400.
pub(super) fn choice<T: Copy>(
    p: &Params,
    name: &str,
    choices: &[(&str, T)],
    default: T,
) -> Result<T, ApiError> {
    match opt(p, name).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => choices
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(v))
            .map(|(_, t)| *t)
            .ok_or_else(|| {
                let names: Vec<&str> = choices.iter().map(|(c, _)| *c).collect();
                ApiError::invalid(name, format!("{v:?} is not one of {}", names.join(", ")))
            }),
    }
}

/// An array sent as a JSON string in a form field (`RoleCodes`, `Ids`, `Names`).
pub(super) fn json_list(p: &Params, name: &str) -> Result<Option<Vec<Value>>, ApiError> {
    opt(p, name)
        .map(|v| match serde_json::from_str::<Value>(v) {
            Ok(Value::Array(items)) => Ok(items),
            _ => Err(ApiError::invalid(name, "expected a JSON array")),
        })
        .transpose()
}

pub(super) fn string_list(p: &Params, name: &str) -> Result<Option<Vec<String>>, ApiError> {
    json_list(p, name)?
        .map(|items| {
            items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s),
                    Value::Number(n) => Ok(n.to_string()),
                    _ => Err(ApiError::invalid(name, "expected an array of strings")),
                })
                .collect()
        })
        .transpose()
}

/// PageNumber (from 1) and PageSize (1-100, default 10).
/// `EnvType`: `Dev` or `Prod`, when given.
pub(super) fn env_type(p: &Params) -> Result<Option<Env>, ApiError> {
    choice(
        p,
        "EnvType",
        &[("Dev", Some(Env::Dev)), ("Prod", Some(Env::Prod))],
        None,
    )
}

pub(super) fn paging(p: &Params) -> Result<(usize, usize), ApiError> {
    let number = opt_int(p, "PageNumber")?.unwrap_or(1);
    let size = opt_int(p, "PageSize")?.unwrap_or(10);
    if number < 1 {
        return Err(ApiError::invalid("PageNumber", "must be 1 or more"));
    }
    if !(1..=100).contains(&size) {
        return Err(ApiError::invalid("PageSize", "must be from 1 to 100"));
    }
    Ok((number as usize, size as usize))
}

pub(super) fn page<T>(items: Vec<T>, number: usize, size: usize) -> Vec<T> {
    items
        .into_iter()
        .skip((number - 1).saturating_mul(size))
        .take(size)
        .collect()
}

/// The workspace a `ProjectId`/`Id` names. One the caller may not see is not found, as
/// the domain decides when it is looked up by name.
pub(super) fn workspace_name(s: &mut Session, id: i64) -> Result<WorkspaceName, ApiError> {
    match s.tx().workspace_name_by_id(id)? {
        Some(name) => Ok(WorkspaceName::from_stored(name)),
        None => Err(ApiError::new(
            404,
            "NotFound",
            format!("workspace with id {id} not found"),
        )),
    }
}

/// A response body as JSON; the server adds `RequestId`.
pub(super) fn body(b: impl serde::Serialize) -> Result<Value, ApiError> {
    serde_json::to_value(b).map_err(|e| {
        ApiError::new(
            500,
            "InternalError",
            format!("cannot write the response: {e}"),
        )
    })
}
