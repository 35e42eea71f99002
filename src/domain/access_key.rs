//! AccessKey pairs (`dwctl user accesskey`): who may issue, list, disable and delete them,
//! and how `dwctl serve` finds the principal a signed request acts as.
//!
//! The tenant's administrators (the account and full-access RAM identities) manage anyone's
//! keys; every principal manages its own (as a RAM user does in the console). Each change
//! is one audit event naming the key's owner as target and the key id in its details; a
//! secret is never written to the log.

use serde_json::json;

use super::admit;
use super::ids;
use super::policy::Action;
use super::principal;
use super::session::{Outcome, Session};
use crate::model::access_key::{
    is_access_key_id, AccessKey, AccessKeyStatus, NewAccessKey, ACCESS_KEY_ID_PREFIX,
};
use crate::model::error::{Error, Result};
use crate::model::{shown, Principal};

/// Length of a secret (as Alibaba Cloud's).
const SECRET_CHARS: usize = 30;

/// Declare `action` on `owner`'s keys and check the actor may: themselves, or a tenant
/// administrator.
fn admit_for(s: &mut Session, action: Action, owner: &Principal) -> Result<()> {
    if s.actor.pk == owner.pk {
        s.attempt(action, None, Some(owner.name.as_str()));
        Ok(())
    } else {
        admit::admit_tenant(s, action, None, Some(owner.name.as_str()))
    }
}

/// Issue a new pair for `user` (name or id).
pub fn create(s: &mut Session, user: &str) -> Result<Outcome<NewAccessKey>> {
    let owner = principal::find(s, user)?;
    admit_for(s, Action::AccessKeyCreate, &owner)?;
    let access_key_id = loop {
        let id = format!("{ACCESS_KEY_ID_PREFIX}{}", s.ids.alphanumeric(20));
        if s.tx().access_key(&id)?.is_none() {
            break id;
        }
    };
    let secret = ids::secret(SECRET_CHARS).map_err(|e| {
        Error::internal("cannot read the system's randomness").caused_by(e.to_string())
    })?;
    let key = AccessKey {
        access_key_id: access_key_id.clone(),
        user: owner.name.clone(),
        status: AccessKeyStatus::Enabled,
        created_at: s.now,
        created_by: s.actor.name.to_string(),
        principal_pk: owner.pk,
    };
    s.tx().insert_access_key(&key, &secret)?;
    s.record(
        Action::AccessKeyCreate,
        None,
        Some(owner.name.as_str()),
        json!({ "access_key_id": access_key_id }),
    )?;
    Ok(Outcome::changed(NewAccessKey {
        access_key_id,
        access_key_secret: secret,
        user: owner.name,
        created_at: s.now,
    }))
}

/// The keys of `user` (never their secrets): themselves, or a tenant administrator.
pub fn list(s: &mut Session, user: &str) -> Result<Vec<AccessKey>> {
    let owner = principal::find(s, user)?;
    if s.actor.pk != owner.pk {
        admit::require_tenant(s, Action::AccessKeyCreate)?;
    }
    s.tx().access_keys_of(owner.pk)
}

/// The key `id` of `user`: not found unless it is theirs.
fn find(s: &mut Session, user: &str, id: &str) -> Result<(Principal, AccessKey)> {
    let owner = principal::find(s, user)?;
    if !is_access_key_id(id) {
        return Err(Error::invalid(format!(
            "invalid AccessKey id {}: expected {ACCESS_KEY_ID_PREFIX} and 20 letters or digits",
            shown(id)
        )));
    }
    match s.tx().access_key(id)? {
        Some((k, _)) if k.principal_pk == owner.pk => Ok((owner, k)),
        _ => Err(Error::not_found(format!(
            "AccessKey {} of {} not found",
            shown(id),
            owner.name
        ))
        .with_hint(format!(
            "list them with dwctl user accesskey list {}",
            owner.name
        ))
        .of_target()),
    }
}

/// Disable (`enabled: false`) or enable a key; no change when it already is.
pub fn set_enabled(
    s: &mut Session,
    user: &str,
    id: &str,
    enabled: bool,
) -> Result<Outcome<AccessKey>> {
    let action = if enabled {
        Action::AccessKeyEnable
    } else {
        Action::AccessKeyDisable
    };
    let owner = principal::find(s, user)?;
    admit_for(s, action, &owner)?;
    let (_, mut k) = find(s, user, id)?;
    let status = if enabled {
        AccessKeyStatus::Enabled
    } else {
        AccessKeyStatus::Disabled
    };
    if k.status == status {
        return Ok(Outcome::unchanged(k));
    }
    s.tx().set_access_key_enabled(id, enabled)?;
    k.status = status;
    s.record(
        action,
        None,
        Some(owner.name.as_str()),
        json!({ "access_key_id": id }),
    )?;
    Ok(Outcome::changed(k))
}

/// Delete a key for good.
pub fn delete(s: &mut Session, user: &str, id: &str) -> Result<Outcome<AccessKey>> {
    let owner = principal::find(s, user)?;
    admit_for(s, Action::AccessKeyDelete, &owner)?;
    let (_, k) = find(s, user, id)?;
    s.tx().delete_access_key(id)?;
    s.record(
        Action::AccessKeyDelete,
        None,
        Some(owner.name.as_str()),
        json!({ "access_key_id": id }),
    )?;
    Ok(Outcome::changed(k))
}

/// Why a signed request's key cannot be used; `serve` maps each to the API's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRefusal {
    NotFound,
    Disabled,
}

/// The enabled key `id` and its secret, for checking a request's signature (a read: no
/// audit event; the server logs every request).
pub fn for_signature(
    tx: &dyn super::store::Tx,
    id: &str,
) -> Result<std::result::Result<(AccessKey, String), KeyRefusal>> {
    if !is_access_key_id(id) {
        return Ok(Err(KeyRefusal::NotFound));
    }
    Ok(match tx.access_key(id)? {
        None => Err(KeyRefusal::NotFound),
        Some((k, _)) if k.status == AccessKeyStatus::Disabled => Err(KeyRefusal::Disabled),
        Some(found) => Ok(found),
    })
}
