//! One command's unit of work: the actor, the clock, the transaction, the warnings and
//! the audit events. `write` runs a change in one IMMEDIATE transaction with its audit
//! event; a denied or refused change is rolled back and leaves only its audit event.

use std::collections::HashMap;
use std::rc::Rc;

use serde::Serialize;
use serde_json::Value;

use super::actor;
use super::chain::event_hash;
use super::ids::Ids;
use super::policy::Action;
use super::store::{Catalog, Tx};
use crate::model::audit::AuditEvent;
use crate::model::clock::Timestamp;
use crate::model::error::{Kind, Result};
use crate::model::roles::CustomRole;
use crate::model::Tenant;
use crate::model::{Principal, Warning};

/// What every command brings: who acts, what time it is, whether to roll back.
#[derive(Debug, Clone)]
pub struct Request {
    /// `--as` / `DWCTL_ACTOR` / config `actor`; `None` means the account.
    pub actor: Option<String>,
    pub now: Timestamp,
    /// `now` was pinned (`DWCTL_NOW`): it wins over the catalog's clock.
    pub pinned_clock: bool,
    pub dry_run: bool,
    /// `DWCTL_SEED`: pins the ids a change makes (see [`Ids`]).
    pub seed: Option<u64>,
}

/// A change's result: `changed: false` for no-ops (already disabled, `--if-not-exists`).
#[derive(Debug, Clone, Serialize)]
pub struct Outcome<T> {
    pub value: T,
    pub changed: bool,
}

impl<T> Outcome<T> {
    pub fn changed(value: T) -> Self {
        Outcome {
            value,
            changed: true,
        }
    }
    pub fn unchanged(value: T) -> Self {
        Outcome {
            value,
            changed: false,
        }
    }
}

/// What a command was trying to do, so that a refusal can be audited under its name.
#[derive(Debug, Clone)]
struct Attempt {
    action: Action,
    workspace: Option<String>,
    target: Option<String>,
}

pub struct Session<'t, 'c> {
    tx: &'t mut (dyn Tx + 'c),
    pub actor: Principal,
    /// The database login the actor is bound to (`None` on a file catalog).
    pub login: Option<String>,
    pub now: Timestamp,
    pub tenant: Tenant,
    pub dry_run: bool,
    /// Where the ids this transaction makes come from.
    pub ids: Ids,
    warnings: Vec<Warning>,
    attempt: Option<Attempt>,
    writable: bool,
    /// Each workspace's custom roles, read once per command (a permission check costs no
    /// query); a change to them forgets the workspace's.
    custom_roles: HashMap<i64, Rc<[CustomRole]>>,
}

impl<'t, 'c> Session<'t, 'c> {
    /// The transaction, for reads and writes through the catalog's methods. Audit events
    /// go through `record`, never directly.
    pub fn tx(&self) -> &(dyn Tx + 'c) {
        self.tx
    }

    /// Declare the action being tried, before any check that may refuse it. Use cases
    /// declare through `domain::admit`, which checks what the table of actions asks.
    pub fn attempt(&mut self, action: Action, workspace: Option<&str>, target: Option<&str>) {
        self.attempt = Some(Attempt {
            action,
            workspace: workspace.map(str::to_string),
            target: target.map(str::to_string),
        });
    }

    /// The custom roles of workspace `ws`, read once per command.
    pub fn custom_roles(&mut self, ws: i64) -> Result<Rc<[CustomRole]>> {
        if let Some(r) = self.custom_roles.get(&ws) {
            return Ok(r.clone());
        }
        let roles: Rc<[CustomRole]> = self.tx.custom_roles(ws)?.into();
        self.custom_roles.insert(ws, roles.clone());
        Ok(roles)
    }

    /// After a change to the custom roles of `ws`.
    pub fn forget_custom_roles(&mut self, ws: i64) {
        self.custom_roles.remove(&ws);
    }

    pub fn warn(&mut self, w: Warning) {
        self.warnings.push(w);
    }

    /// Take back the warnings of `code` given so far (a step that a later one of the same
    /// change undoes, so they would mislead).
    pub fn retract_warnings(&mut self, code: &str) {
        self.warnings.retain(|w| w.code != code);
    }

    /// `--if-not-exists` found `what` (`principal alice`) asked for differently: warn,
    /// naming the fields that differ, if any.
    pub fn warn_differs(&mut self, what: std::fmt::Arguments, differs: &[&str]) {
        if !differs.is_empty() {
            self.warn(Warning::new(
                "exists_differs",
                format!("{what} exists and differs in: {}", differs.join(", ")),
            ));
        }
    }

    /// Append one audit event for a change made in this transaction.
    pub fn record(
        &mut self,
        action: Action,
        workspace: Option<&str>,
        target: Option<&str>,
        details: Value,
    ) -> Result<()> {
        self.append_event(action, workspace, target, "ok", details)
    }

    fn append_event(
        &mut self,
        action: Action,
        workspace: Option<&str>,
        target: Option<&str>,
        outcome: &str,
        details: Value,
    ) -> Result<()> {
        assert!(self.writable, "audit event recorded in a read transaction");
        let (seq, prev) = self.tx.last_audit()?;
        let mut e = AuditEvent {
            seq: seq + 1,
            at: self.now,
            actor: self.actor.name.to_string(),
            actor_id: self.actor.id.clone(),
            action: action.name().to_string(),
            workspace: workspace.map(str::to_string),
            target: target.map(str::to_string),
            outcome: outcome.to_string(),
            details,
            hash: String::new(),
        };
        e.hash = event_hash(&prev, &e);
        self.tx.insert_audit(&e)
    }
}

impl<'t, 'c> Session<'t, 'c> {
    /// The session of `init`, whose actor (the account) it has just created.
    pub fn for_init(
        tx: &'t mut (dyn Tx + 'c),
        actor: Principal,
        now: Timestamp,
        tenant: Tenant,
        ids: Ids,
    ) -> Self {
        let login = tx.login().ok().flatten();
        Session {
            tx,
            actor,
            login,
            now,
            tenant,
            dry_run: false,
            ids,
            warnings: Vec::new(),
            attempt: None,
            custom_roles: HashMap::new(),
            writable: true,
        }
    }
}

/// The command's time: `DWCTL_NOW` when pinned, else the catalog's clock if it has one
/// (a shared server's), else the machine's.
fn clock(tx: &dyn Tx, req: &Request) -> Result<Timestamp> {
    if req.pinned_clock {
        return Ok(req.now);
    }
    Ok(tx.now()?.unwrap_or(req.now))
}

/// The result of a write: the value, its warnings, and whether it was rolled back.
pub struct Done<T> {
    pub value: T,
    pub warnings: Vec<Warning>,
}

/// Run a change in one IMMEDIATE transaction. On success the change and its audit
/// events commit together (or roll back under `--dry-run`). A denial (5) or a rule's
/// refusal (6) rolls the change back and commits only its `denied`/`refused` event.
pub fn write<T>(
    catalog: &mut dyn Catalog,
    req: &Request,
    f: impl FnOnce(&mut Session) -> Result<T>,
) -> Result<Done<T>> {
    let mut tx = catalog.write()?;
    let now = clock(&*tx, req)?;
    let tenant = tx.tenant()?;
    let actor = actor::resolve(&*tx, req.actor.as_deref())?;
    // A seeded stream starts from where the audit chain ends, read in this transaction:
    // each process of a seeded sequence gets its own ids.
    let ids = match req.seed {
        Some(_) => {
            let (seq, hash) = tx.newest_audit()?;
            Ids::new(req.seed, seq, &hash)
        }
        None => Ids::random(),
    };
    tx.savepoint()?;
    let mut s = Session {
        tx: &mut *tx,
        actor: actor.principal,
        login: actor.login,
        now,
        tenant,
        dry_run: req.dry_run,
        ids,
        warnings: Vec::new(),
        attempt: None,
        custom_roles: HashMap::new(),
        writable: true,
    };
    match f(&mut s) {
        Ok(value) => {
            let warnings = std::mem::take(&mut s.warnings);
            s.tx.release_savepoint()?;
            if req.dry_run {
                tx.rollback()?;
            } else {
                tx.commit()?;
            }
            Ok(Done { value, warnings })
        }
        Err(e) if matches!(e.kind, Kind::Denied | Kind::Refused) && !req.dry_run => {
            if let Some(a) = s.attempt.take() {
                s.tx.rollback_to_savepoint()?;
                let outcome = if e.kind == Kind::Denied {
                    "denied"
                } else {
                    "refused"
                };
                s.append_event(
                    a.action,
                    a.workspace.as_deref(),
                    a.target.as_deref(),
                    outcome,
                    serde_json::json!({ "error": e.to_string() }),
                )?;
                tx.commit()?;
            }
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// Run a read in one read transaction (a consistent snapshot).
pub fn read<T>(
    catalog: &mut dyn Catalog,
    req: &Request,
    f: impl FnOnce(&mut Session) -> Result<T>,
) -> Result<T> {
    read_on(catalog.read()?, req, f)
}

/// [`read`] in a read transaction already begun, for a caller that read something in the
/// same snapshot first (`serve`: the AccessKey that says who acts).
pub fn read_on<'c, T>(
    mut tx: Box<dyn Tx + 'c>,
    req: &Request,
    f: impl FnOnce(&mut Session) -> Result<T>,
) -> Result<T> {
    let now = clock(&*tx, req)?;
    let tenant = tx.tenant()?;
    let actor = actor::resolve(&*tx, req.actor.as_deref())?;
    let mut s = Session {
        tx: &mut *tx,
        actor: actor.principal,
        login: actor.login,
        now,
        tenant,
        dry_run: false,
        // A read makes no ids.
        ids: Ids::random(),
        warnings: Vec::new(),
        attempt: None,
        custom_roles: HashMap::new(),
        writable: false,
    };
    let value = f(&mut s)?;
    tx.commit()?;
    Ok(value)
}

/// The fields that differ between two JSON objects, as `{"before": .., "after": ..}`.
pub fn diff(before: &Value, after: &Value) -> Value {
    let mut b = serde_json::Map::new();
    let mut a = serde_json::Map::new();
    if let (Value::Object(bm), Value::Object(am)) = (before, after) {
        for (k, av) in am {
            let bv = bm.get(k).unwrap_or(&Value::Null);
            if bv != av {
                b.insert(k.clone(), bv.clone());
                a.insert(k.clone(), av.clone());
            }
        }
    }
    serde_json::json!({ "before": b, "after": a })
}
