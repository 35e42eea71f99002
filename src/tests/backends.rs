//! The same use cases on both backends: SQLite in memory and a fresh PostgreSQL schema
//! (when `DWCTL_TEST_PG_URL` is set; skipped with a note otherwise). The same manifest
//! applied through the domain gives the same rows in the same order, the same audit
//! chain byte for byte (hashes included), and the same answers to every `audit list`
//! filter; a refused apply leaves only its audit event on both. This drives PostgreSQL's
//! bulk writes (COPY of principals, members, bindings and events, the lookups a new
//! workspace answers without a round trip) and its savepoint.

use std::borrow::Cow;

use super::now;
use crate::domain::apply;
use crate::domain::ids::Ids;
use crate::domain::session::{self, Request};
use crate::domain::store::{self, AuditFilter};
use crate::domain::tenant;
use crate::manifest::{parse, Format, Manifest};
use crate::model::clock::Timestamp;
use crate::model::error::Kind;
use crate::model::Env;
use crate::storage::postgres::testing;

const MANIFEST: &str = r#"
version = 1

[[principal]]
name = "Alice"
display_name = "Alice A"

[[principal]]
name = "bob"
kind = "ram-role"

[[principal]]
name = "a_b"

[[principal]]
name = "dave"

[[principal]]
name = "aB"

[[resource_group]]
name = "rg_b"
spec = 4
remark = "second"

[[resource_group]]
name = "RG_a"
vpc = "vpc-one"
vswitch = "vsw-one"

[[workspace]]
name = "sales_ws"
display_name = "Sales"
resource_groups = ["rg_b", "RG_a"]
default_resource_group = "rg_b"
tags = { team = "sales", cost = "cc1" }

[[workspace.member]]
user = "Alice"
roles = ["role_project_dev"]

[[workspace.member]]
user = "bob"
roles = ["role_project_pe", "role_project_guest"]

[[workspace.member]]
user = "a_b"
roles = ["role_project_data_analyst"]

[[workspace.member]]
user = "aB"
roles = ["role_project_guest"]

[[workspace.compute]]
name = "mc"
type = "maxcompute"
env = "prod"
properties = { project = "p_prod" }

[[workspace.datasource]]
name = "zeta"
env = "dev"
type = "redis"
properties = { address = "cache.internal", database = "1" }

[[workspace.datasource]]
name = "Beta"
env = "prod"
type = "mysql"
properties = { address = "10.0.0.1:3306", database = "db", username = "etl", password = "tab\there" }

[[workspace.datasource]]
name = "beta"
env = "dev"
type = "mysql"
properties = { address = "10.0.0.2:3306", database = "db", username = "etl", password = "p" }

[[workspace.datasource]]
name = "b_x"
env = "prod"
type = "redis"
properties = { address = "a.internal", database = "3" }

[[workspace]]
name = "OPS_ws"
description = "line one\nline \\two"
resource_groups = ["RG_a"]

[[workspace.member]]
user = "dave"
roles = ["role_project_deploy"]

[[workspace.member]]
user = "alice"
roles = ["role_project_guest"]
"#;

/// A second manifest: a new principal, then a change that is refused (a group's VPC never
/// changes), so the whole apply is undone to the savepoint and only its event stays.
const REFUSED: &str = r#"
version = 1

[[principal]]
name = "erin"

[[resource_group]]
name = "RG_a"
vpc = "vpc-two"
"#;

fn req() -> Request {
    Request {
        actor: None,
        now: now(),
        pinned_clock: true,
        dry_run: false,
        seed: Some(7),
    }
}

/// Init, apply [`MANIFEST`], then the refused [`REFUSED`], a later apply adding one
/// member to an existing workspace, and a member change: what each backend holds after.
fn scenario(cat: &mut dyn store::Catalog) -> String {
    {
        let mut tx = cat.write().unwrap();
        let ids = Ids::new(Some(3), 0, &"0".repeat(64));
        tenant::init(&mut *tx, "1234567890123456", "cn-hangzhou", now(), ids).unwrap();
        tx.commit().unwrap();
    }
    let run = |cat: &mut dyn store::Catalog, text: &str| {
        let m = parse(text, "m.toml", Format::Toml).unwrap();
        session::write(cat, &req(), |s| {
            apply::apply(s, Cow::Owned(m), false, "m.toml", &|_| None, &mut |_, _| {})
        })
        .map(|d| d.value.len())
    };
    // Enough principals that PostgreSQL reads every name once and answers the rest of
    // the lookups itself.
    let many: String = (0..300)
        .map(|i| format!("\n[[principal]]\nname = \"u{i:03}\"\n"))
        .collect();
    assert!(run(cat, &format!("{MANIFEST}{many}")).unwrap() > 320);
    assert_eq!(run(cat, REFUSED).unwrap_err().kind, Kind::Refused);
    let more = MANIFEST.replace(
        "roles = [\"role_project_deploy\"]",
        "roles = [\"role_project_deploy\"]\n\n[[workspace.member]]\nuser = \"bob\"\nroles = [\"role_project_guest\"]",
    );
    assert!(run(cat, &more).unwrap() >= 1);
    let mut out = String::new();
    session::read(cat, &req(), |s| {
        let mut m = Manifest::default();
        apply::export(s, &[], &mut m, &mut |_, _| {})?;
        out.push_str(&format!("{m:?}\n"));
        let tx = s.tx();
        out.push_str(&format!("{:?}\n", tx.resource_groups()?));
        for name in ["sales_ws", "OPS_ws", "nope"] {
            let Some(w) = tx.workspace(name)? else {
                out.push_str("no workspace\n");
                continue;
            };
            out.push_str(&format!("{w:?}\n{:?}\n", tx.members(w.id)?));
            for env in [None, Some(Env::Prod), Some(Env::Dev)] {
                out.push_str(&format!("{:?}\n", tx.datasources(w.id, env)?));
                out.push_str(&format!("{:?}\n", tx.computes(w.id, env)?));
                out.push_str(&format!("{:?}\n", tx.datasources_named(w.id, "BETA", env)?));
            }
            for prefix in ["", "b", "B_", "Z", "mc"] {
                out.push_str(&format!("{:?}\n", tx.datasources_from(w.id, prefix)?));
                out.push_str(&format!("{:?}\n", tx.computes_from(w.id, prefix)?));
            }
        }
        for prefix in ["", "r", "RG_", "x"] {
            out.push_str(&format!("{:?}\n", tx.resource_groups_from(prefix)?));
        }
        for key in ["rg_B", "RG_A", "none"] {
            out.push_str(&format!("{:?}\n", tx.resource_group(key)?));
        }
        tx.for_each_event(&mut |e| {
            out.push_str(&format!("{e:?}\n"));
            Ok(())
        })?;
        out.push_str(&format!("{:?}\n", tx.newest_audit()?));
        Ok(())
    })
    .unwrap();
    out
}

/// Every combination of `audit list`'s filters, as each backend answers it.
fn audit_lists(cat: &mut dyn store::Catalog) -> Vec<Vec<i64>> {
    let since = Timestamp::parse("2026-11-28T10:00:00Z").unwrap();
    let until = Timestamp::parse("2026-11-29T00:00:00Z").unwrap();
    let mut answers = Vec::new();
    session::read(cat, &req(), |s| {
        for workspace in [None, Some("SALES_ws"), Some("ops_ws"), Some("none_ws")] {
            for actor in [None, Some("ROOT"), Some("1234567890123456"), Some("alice")] {
                for action in [
                    None,
                    Some("member"),
                    Some("MEMBER.add"),
                    Some("workspace"),
                    Some("resourcegroup.b%"),
                    Some("%"),
                    Some("_"),
                    Some("apply"),
                    Some("nothing"),
                ] {
                    for (times, visible) in [
                        (None, None),
                        (Some((since, until)), None),
                        (None, Some(vec!["SALES_WS".to_string()])),
                        (None, Some(vec!["ops_ws".into(), "sales_ws".into()])),
                        (None, Some(vec![])),
                    ] {
                        for limit in [None, Some(1), Some(5)] {
                            let f = AuditFilter {
                                workspace: workspace.map(str::to_string),
                                actor: actor.map(str::to_string),
                                action: action.map(str::to_string),
                                since: times.map(|t| t.0),
                                until: times.map(|t| t.1),
                                visible_workspaces: visible.clone(),
                                limit,
                            };
                            let mut seqs = Vec::new();
                            s.tx().for_each_audit(&f, &mut |e| {
                                seqs.push(e.seq);
                                Ok(())
                            })?;
                            answers.push(seqs);
                        }
                    }
                }
            }
        }
        Ok(())
    })
    .unwrap();
    answers
}

#[test]
fn both_backends_hold_the_same_rows_in_the_same_order() {
    let Some(mut pg) = testing::schema("both_backends_hold_the_same_rows") else {
        return;
    };
    let mut sqlite = crate::storage::sqlite::in_memory();
    let want = scenario(&mut sqlite);
    let got = scenario(pg.catalog.as_mut().unwrap());
    for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
        assert_eq!(w, g, "line {i} differs");
    }
    assert_eq!(want.lines().count(), got.lines().count());
    // The refused apply left its event, and nothing of its first change.
    assert!(want.contains("outcome: \"refused\""), "{want}");
    assert!(!want.contains("erin"), "{want}");
    // Text with a newline and a backslash went through COPY as it is.
    assert!(want.contains("line \\\\two"), "{want}");
    let want = audit_lists(&mut sqlite);
    let got = audit_lists(pg.catalog.as_mut().unwrap());
    assert_eq!(want.len(), got.len());
    let matched = want.iter().filter(|a| !a.is_empty()).count();
    assert!(matched > 300, "{matched} filters matched events");
    assert_eq!(want, got);
}
