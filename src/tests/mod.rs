//! Tests of the whole crate: the module directions (`architecture`), and the domain run
//! on the real SQLite backend (`domain`, `plans`), which sit above both so that neither
//! the domain nor a backend imports the other.

mod api_fixtures;
mod architecture;
mod backends;
mod domain;
mod plans;

use crate::domain::ids::Ids;
use crate::domain::principal::{self, NewPrincipal};
use crate::domain::session::{self, Request};
use crate::domain::tenant;
use crate::model::clock::Timestamp;
use crate::model::{PrincipalKind, PrincipalName, WorkspaceName};
use crate::storage::sqlite::{in_memory, Catalog};

/// The tests' clock.
fn now() -> Timestamp {
    Timestamp::parse("2026-11-28T10:00:00Z").unwrap()
}

fn ws(name: &str) -> WorkspaceName {
    WorkspaceName::parse(name).unwrap()
}

/// A new tenant in memory, as `init` makes it.
fn new_tenant() -> Catalog {
    new_tenant_in("cn-hangzhou")
}

/// [`new_tenant`] in `region`.
fn new_tenant_in(region: &str) -> Catalog {
    let mut cat = in_memory();
    {
        let mut tx = cat.write().unwrap();
        let ids = Ids::random();
        tenant::init(&mut tx, "1234567890123456", region, now(), ids).unwrap();
        tx.commit().unwrap();
    }
    cat
}

/// A request of `actor` (`None`: the account) at the tests' clock.
fn req(actor: Option<&str>) -> Request {
    Request {
        actor: actor.map(str::to_string),
        now: now(),
        pinned_clock: true,
        dry_run: false,
        seed: None,
    }
}

/// Add a RAM user as the account.
fn add_user(cat: &mut Catalog, name: &str, full_access: bool) {
    session::write(cat, &req(None), |s| {
        principal::add(
            s,
            NewPrincipal {
                name: PrincipalName::parse(name).unwrap(),
                kind: PrincipalKind::RamUser,
                id: None,
                display_name: None,
                full_access,
                db_role: None,
            },
            false,
        )
    })
    .unwrap();
}
