//! The actions on data source shared rules (CreateDataSourceSharedRule,
//! ListDataSourceSharedRules, DeleteDataSourceSharedRule): as in [`super::actions`], each
//! parses the API's parameters, calls the command line's use cases (`domain::share`) and
//! shapes the body as the SDK's model reads it.

use serde_json::{json, Value};

use super::error::ApiError;
use super::params::{env_type, opt, opt_int, req_int, workspace_name, Params};
use super::resources::{locate, user_id};
use crate::domain::session::Session;
use crate::domain::share;
use crate::model::resources::{AsSource, Share};
use crate::model::Env;

type R = std::result::Result<Value, ApiError>;

/// `EnvType` as the API spells it.
fn env_name(e: Env) -> &'static str {
    match e {
        Env::Dev => "Dev",
        Env::Prod => "Prod",
    }
}

/// One entry of `DataSourceSharedRules`.
fn shape(s: &mut Session, r: &Share) -> Value {
    let mut v = json!({
        "Id": r.id,
        "DataSourceId": r.datasource_pk,
        "SharedDataSourceName": r.datasource,
        "EnvType": env_name(r.env),
        "SourceProjectId": r.source_id,
        "TargetProjectId": r.target_id,
        "CreateTime": r.created_at.millis(),
        "CreateUser": user_id(s, &r.created_by).unwrap_or_else(|| r.created_by.clone()),
    });
    if let Some(u) = &r.user {
        v["SharedUser"] = user_id(s, u.as_str())
            .unwrap_or_else(|| u.to_string())
            .into();
    }
    v
}

/// `DataSourceId` (in any workspace the caller sees), `TargetProjectId`, `EnvType`
/// (default: the data source's), optional `SharedUser` (a principal's id or name).
pub fn create_data_source_shared_rule(s: &mut Session, p: &Params) -> R {
    let (_, ws, d) = locate::<AsSource>(s, req_int(p, "DataSourceId")?, None)?;
    let to = workspace_name(s, req_int(p, "TargetProjectId")?)?;
    let env = env_type(p)?.unwrap_or(d.env);
    let done = share::share(s, &ws, &d.name, Some(env), &to, opt(p, "SharedUser"), false)?;
    Ok(json!({ "Id": done.value.id }))
}

/// The rules of `DataSourceId` (all of them), or those into `TargetProjectId` the caller
/// may see, or both.
pub fn list_data_source_shared_rules(s: &mut Session, p: &Params) -> R {
    let source = match opt_int(p, "DataSourceId")? {
        Some(id) => Some(locate::<AsSource>(s, id, None)?),
        None => None,
    };
    let to = match opt_int(p, "TargetProjectId")? {
        Some(id) => Some(workspace_name(s, id)?),
        None => None,
    };
    if source.is_none() && to.is_none() {
        return Err(ApiError::missing("DataSourceId"));
    }
    let (ws, name, env) = match &source {
        Some((_, ws, d)) => (Some(ws), Some(d.name.as_str()), Some(d.env)),
        None => (None, None, None),
    };
    let rules = share::list(s, ws, name, env, to.as_ref())?;
    let shaped: Vec<Value> = rules.iter().map(|r| shape(s, r)).collect();
    Ok(json!({ "DataSourceSharedRules": shaped }))
}

/// `Id`: the rule.
pub fn delete_data_source_shared_rule(s: &mut Session, p: &Params) -> R {
    let rule = share::rule_by_id(s, req_int(p, "Id")?)?;
    share::unshare(
        s,
        &rule.workspace,
        &rule.datasource,
        Some(rule.env),
        &rule.to,
    )?;
    Ok(json!({ "Success": true }))
}
