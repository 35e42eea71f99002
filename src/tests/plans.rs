//! The query plans of the commands about one object: each statement they run must find
//! its rows by key or by an index (`SEARCH`), never read a whole table (`SCAN`), so that
//! their cost stays the same in a tenant of any size. The statements are the ones the
//! real code runs (recorded by SQLite's trace hook while a use case runs through the
//! domain), so a change that brings a scan back fails here.

use std::ffi::{c_int, c_uint, c_void, CStr};
use std::sync::Mutex;

use rusqlite::ffi;

use super::{add_user, new_tenant, req, ws};
use crate::domain::apply;
use crate::domain::audit;
use crate::domain::member;
use crate::domain::names::{self, NameKind};
use crate::domain::principal::{self};
use crate::domain::session::{self, Request, Session};
use crate::domain::store::AuditFilter;
use crate::domain::workspace::{self, ListFilter, NewWorkspace};
use crate::manifest::{Manifest, MemberDecl};
use crate::model::clock::Timestamp;
use crate::model::roles::{RoleCode, RoleSet};
use crate::storage::sqlite::{tune, Catalog};

/// Every statement SQLite starts on the connection, as written (parameters unbound).
static LOG: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Held while a test records: the tests of this module run in parallel and share `LOG`.
static RECORDING: Mutex<()> = Mutex::new(());

unsafe extern "C" fn record(_: c_uint, _: *mut c_void, stmt: *mut c_void, _: *mut c_void) -> c_int {
    // SAFETY: for SQLITE_TRACE_STMT, the third argument is the statement being run.
    let sql = unsafe { ffi::sqlite3_sql(stmt as *mut ffi::sqlite3_stmt) };
    if !sql.is_null() {
        // SAFETY: sqlite3_sql returns a NUL-terminated string owned by the statement.
        let text = unsafe { CStr::from_ptr(sql) }
            .to_string_lossy()
            .into_owned();
        LOG.lock().unwrap().push(text);
    }
    0
}

/// A small tenant: alice and bob, two tagged workspaces with members, their audit events.
fn tenant_with_data() -> Catalog {
    let mut cat = new_tenant();
    tune(cat.conn()).unwrap();
    for name in ["alice", "bob"] {
        add_user(&mut cat, name, false);
    }
    for (name, team) in [("sales_ws", "sales"), ("ops_ws", "ops")] {
        session::write(&mut cat, &req(None), |s| {
            workspace::create(
                s,
                NewWorkspace {
                    name: Some(ws(name)),
                    tags: [("team".to_string(), team.to_string())].into(),
                    ..Default::default()
                },
                false,
            )
        })
        .unwrap();
        session::write(&mut cat, &req(None), |s| {
            member::add(
                s,
                &ws(name),
                "alice",
                RoleSet::of(&[RoleCode::Admin]),
                None,
                false,
            )
        })
        .unwrap();
    }
    cat
}

/// Every statement `run` starts, in order, as many times as it starts.
fn statements_of(cat: &mut Catalog, run: impl FnOnce(&mut Catalog)) -> Vec<String> {
    let _recording = RECORDING.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: the handle is the live connection of `cat`; the callback reads only the
    // statement it is given, and is removed before `cat` can be dropped.
    unsafe {
        ffi::sqlite3_trace_v2(
            cat.conn().handle(),
            ffi::SQLITE_TRACE_STMT as c_uint,
            Some(record),
            std::ptr::null_mut(),
        );
    }
    LOG.lock().unwrap().clear();
    run(cat);
    unsafe {
        ffi::sqlite3_trace_v2(cat.conn().handle(), 0, None, std::ptr::null_mut());
    }
    std::mem::take(&mut *LOG.lock().unwrap())
}

/// The statements `run` starts, each once with its query plan.
fn plans_of(cat: &mut Catalog, run: impl FnOnce(&mut Catalog)) -> Vec<(String, Vec<String>)> {
    let sqls = statements_of(cat, run);
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for sql in sqls {
        let head = sql.trim_start().to_ascii_uppercase();
        let data = ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH"]
            .iter()
            .any(|k| head.starts_with(k));
        if !data || out.iter().any(|(s, _)| *s == sql) {
            continue;
        }
        let mut st = cat
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap();
        // Parameters stay unbound (NULL): the plan does not depend on them (QPSG).
        let mut rows = st.raw_query();
        let mut plan = Vec::new();
        while let Some(r) = rows.next().unwrap() {
            plan.push(r.get::<_, String>(3).unwrap());
        }
        out.push((sql, plan));
    }
    out
}

/// What a plan may read whole: a constant row, a subquery's or a CTE's own rows (already
/// selected), the JSON list of visible workspaces. Any other `SCAN` is a table (plans name
/// tables by their alias, so no table is allowed by name).
fn may_scan(target: &str) -> bool {
    target.starts_with("CONSTANT ROW")
        || target.starts_with("(subquery-")
        || target.starts_with("json_each ")
        || target == "found"
}

/// The plan steps that read a whole table.
fn scans(plans: &[(String, Vec<String>)]) -> Vec<String> {
    let mut found = Vec::new();
    for (sql, plan) in plans {
        for step in plan {
            match step.strip_prefix("SCAN ") {
                Some(target) if !may_scan(target) => {
                    found.push(format!("{step}\n    in: {sql}\n    plan: {plan:?}"))
                }
                _ => {}
            }
        }
    }
    found
}

/// Reads of the audit log whose rows are sorted before `--limit` applies (a range of
/// several keys read whole), instead of coming newest first from the index.
fn sorted_reads(plans: &[(String, Vec<String>)]) -> Vec<String> {
    let mut found = Vec::new();
    for (sql, plan) in plans {
        for pair in plan.windows(2) {
            if pair[0].starts_with("SEARCH audit ") && pair[1].starts_with("USE TEMP B-TREE") {
                found.push(format!("{}\n    in: {sql}\n    plan: {plan:?}", pair[0]));
            }
        }
    }
    found
}

fn assert_searches(what: &str, plans: &[(String, Vec<String>)]) {
    assert!(!plans.is_empty(), "{what}: no statement recorded");
    let found = scans(plans);
    assert!(
        found.is_empty(),
        "{what} reads a whole table:\n{}",
        found.join("\n")
    );
    let found = sorted_reads(plans);
    assert!(
        found.is_empty(),
        "{what} sorts the events it matches:\n{}",
        found.join("\n")
    );
}

fn reading<T>(cat: &mut Catalog, actor: Option<&str>, f: impl FnOnce(&mut Session) -> T) {
    session::read(cat, &req(actor), |s| {
        f(s);
        Ok(())
    })
    .unwrap();
}

/// A use case run on the catalog.
type Use = Box<dyn FnOnce(&mut Catalog)>;

#[test]
fn commands_about_one_object_search_and_never_scan() {
    let mut cat = tenant_with_data();
    let audit_as = |actor: Option<&'static str>, f: AuditFilter| {
        move |c: &mut Catalog| {
            reading(c, actor, |s| audit::list(s, f, |_| Ok(())).unwrap());
        }
    };
    let audit_of = |f: AuditFilter| audit_as(None, f);
    let limited = |f: AuditFilter| AuditFilter {
        limit: Some(100),
        ..f
    };
    let cases: Vec<(&str, Use)> = vec![
        (
            "workspace show",
            Box::new(|c| reading(c, None, |s| workspace::show(s, &ws("sales_ws")).unwrap())),
        ),
        (
            "workspace show, as a member",
            Box::new(|c| {
                reading(c, Some("alice"), |s| {
                    workspace::show(s, &ws("sales_ws")).unwrap()
                })
            }),
        ),
        (
            "user show",
            Box::new(|c| reading(c, None, |s| principal::show(s, "alice").unwrap())),
        ),
        (
            "member list of one workspace",
            Box::new(|c| {
                reading(c, None, |s| {
                    member::list(s, &ws("sales_ws"), None, |_| Ok(())).unwrap()
                })
            }),
        ),
        (
            "member show",
            Box::new(|c| {
                reading(c, None, |s| {
                    member::show(s, &ws("sales_ws"), "alice").unwrap()
                })
            }),
        ),
        (
            "member add",
            Box::new(|c| {
                session::write(c, &req(None), |s| {
                    member::add(
                        s,
                        &ws("sales_ws"),
                        "bob",
                        RoleSet::of(&[RoleCode::Dev]),
                        None,
                        false,
                    )
                })
                .unwrap();
            }),
        ),
        (
            "member remove",
            Box::new(|c| {
                session::write(c, &req(None), |s| member::remove(s, &ws("sales_ws"), "bob"))
                    .unwrap();
            }),
        ),
        (
            "workspace list --tag",
            Box::new(|c| {
                reading(c, None, |s| {
                    let f = ListFilter {
                        tags: vec![("team".into(), "sales".into())],
                        ..Default::default()
                    };
                    assert_eq!(workspace::list(s, &f).unwrap().len(), 1);
                })
            }),
        ),
        (
            "completion of a principal name",
            Box::new(|c| {
                reading(c, None, |s| {
                    let n = names::names_starting(s, NameKind::Principal, None, "al").unwrap();
                    assert_eq!(n.len(), 1);
                })
            }),
        ),
        (
            "completion of a workspace name",
            Box::new(|c| {
                reading(c, None, |s| {
                    let n = names::names_starting(s, NameKind::Workspace, None, "sa").unwrap();
                    assert_eq!(n.len(), 1);
                })
            }),
        ),
        (
            "audit list --workspace --limit",
            Box::new(audit_of(limited(AuditFilter {
                workspace: Some("sales_ws".into()),
                ..Default::default()
            }))),
        ),
        (
            "audit list --actor NAME --limit",
            Box::new(audit_of(limited(AuditFilter {
                actor: Some("alice".into()),
                ..Default::default()
            }))),
        ),
        (
            "audit list --actor ID --limit",
            Box::new(audit_of(limited(AuditFilter {
                actor: Some("1234567890123456".into()),
                ..Default::default()
            }))),
        ),
        (
            "audit list --action NOUN --limit",
            Box::new(audit_of(limited(AuditFilter {
                action: Some("member".into()),
                ..Default::default()
            }))),
        ),
        (
            "audit list --action NOUN.VERB --limit",
            Box::new(audit_of(limited(AuditFilter {
                action: Some("member.add".into()),
                ..Default::default()
            }))),
        ),
        (
            "audit list --workspace --actor --action --since --until --limit",
            Box::new(audit_of(limited(AuditFilter {
                workspace: Some("sales_ws".into()),
                actor: Some("root".into()),
                action: Some("member".into()),
                since: Some(Timestamp::parse("2026-01-01T00:00:00Z").unwrap()),
                until: Some(Timestamp::parse("2027-01-01T00:00:00Z").unwrap()),
                ..Default::default()
            }))),
        ),
        (
            "audit list --workspace --limit, as a workspace administrator",
            Box::new(audit_as(
                Some("alice"),
                AuditFilter {
                    workspace: Some("sales_ws".into()),
                    limit: Some(100),
                    ..Default::default()
                },
            )),
        ),
        (
            "audit list --actor --limit, as a workspace administrator",
            Box::new(audit_as(
                Some("alice"),
                AuditFilter {
                    actor: Some("root".into()),
                    limit: Some(100),
                    ..Default::default()
                },
            )),
        ),
        (
            "audit list --limit, as a workspace administrator",
            Box::new(audit_as(
                Some("alice"),
                AuditFilter {
                    limit: Some(100),
                    ..Default::default()
                },
            )),
        ),
        (
            "audit list --action --since --limit, as a workspace administrator",
            Box::new(audit_as(
                Some("alice"),
                AuditFilter {
                    action: Some("member".into()),
                    since: Some(Timestamp::parse("2026-01-01T00:00:00Z").unwrap()),
                    limit: Some(100),
                    ..Default::default()
                },
            )),
        ),
        (
            "audit list --limit, as a user who administers no workspace",
            Box::new(audit_as(
                Some("bob"),
                AuditFilter {
                    limit: Some(100),
                    ..Default::default()
                },
            )),
        ),
        (
            "completion of a member's name in one workspace",
            Box::new(|c| {
                reading(c, None, |s| {
                    names::names_starting(s, NameKind::Member, Some("sales_ws"), "al").unwrap()
                })
            }),
        ),
        (
            "export of one workspace",
            Box::new(|c| {
                reading(c, None, |s| {
                    let mut m = Manifest::default();
                    apply::export(s, &[ws("sales_ws")], &mut m, &mut |_, _| {}).unwrap();
                    assert_eq!(m.principal.len(), 1);
                })
            }),
        ),
        (
            "plan and apply of a one-workspace manifest, with --prune",
            Box::new(|c| {
                let mut m = Manifest::default();
                session::read(c, &req(None), |s| {
                    apply::export(s, &[ws("sales_ws")], &mut m, &mut |_, _| {})
                })
                .unwrap();
                // bob added by name, alice pruned: every lookup of the applier runs.
                m.workspace[0].member = vec![MemberDecl::new(
                    "bob".into(),
                    vec!["role_project_dev".to_string()].into(),
                )];
                for dry_run in [true, false] {
                    let r = Request {
                        dry_run,
                        ..req(None)
                    };
                    let changes = session::write(c, &r, |s| {
                        apply::apply(
                            s,
                            std::borrow::Cow::Borrowed(&m),
                            true,
                            "one.toml",
                            &|_| None,
                            &mut |_, _| {},
                        )
                    })
                    .unwrap()
                    .value;
                    assert_eq!(changes.len(), 2, "{dry_run}");
                }
            }),
        ),
    ];
    for (what, run) in cases {
        let plans = plans_of(&mut cat, run);
        assert_searches(what, &plans);
    }
}

/// Planning a workspace's export, which declares no id, custom role nor share, reads what
/// it did before custom roles and shares (issue 17, P12f): not the default workspace (which
/// only a declared id can move), no custom role nor share, and the workspace once.
#[test]
fn a_plan_of_an_export_reads_only_what_it_declares() {
    let mut cat = tenant_with_data();
    let mut m = Manifest::default();
    session::read(&mut cat, &req(None), |s| {
        apply::export(s, &[ws("sales_ws")], &mut m, &mut |_, _| {})
    })
    .unwrap();
    let sqls = statements_of(&mut cat, |c| {
        let r = Request {
            dry_run: true,
            ..req(None)
        };
        let changes = session::write(c, &r, |s| {
            apply::apply(
                s,
                std::borrow::Cow::Borrowed(&m),
                false,
                "one.toml",
                &|_| None,
                &mut |_, _| {},
            )
        })
        .unwrap()
        .value;
        assert!(changes.is_empty());
    });
    let reading = |table: &str| {
        sqls.iter()
            .filter(|s| s.contains(&format!("FROM {table} ")))
            .count()
    };
    assert_eq!(reading("custom_role"), 0, "{sqls:#?}");
    assert_eq!(reading("datasource_share"), 0, "{sqls:#?}");
    assert_eq!(reading("workspace_tag"), 1, "{sqls:#?}");
}

/// A TAB reads the names of every kind by a range of their index (issue 17, "completion
/// of a prefix"), as the actor's `list` sees them: what the prefix matches, not the
/// tenant nor the workspace.
#[test]
fn completion_reads_each_kind_by_a_range_of_its_names() {
    let mut cat = tenant_with_data();
    for (kind, workspace) in [
        (NameKind::Workspace, None),
        (NameKind::Principal, None),
        (NameKind::ResourceGroup, None),
        (NameKind::Member, Some("sales_ws")),
        (NameKind::NonMember, Some("sales_ws")),
        (NameKind::Compute, Some("sales_ws")),
        (NameKind::DataSource, Some("sales_ws")),
    ] {
        let plans = plans_of(&mut cat, |c| {
            reading(c, Some("alice"), |s| {
                names::names_starting(s, kind, workspace, "al").unwrap()
            })
        });
        let what = format!("completion of {kind:?}");
        assert_searches(&what, &plans);
        let ranged = plans
            .iter()
            .flat_map(|(_, plan)| plan)
            .any(|step| step.starts_with("SEARCH ") && step.contains("name>? AND name<?"));
        assert!(ranged, "{what} reads no range of names: {plans:?}");
    }
}

#[test]
fn the_checks_catch_a_scan_and_a_sorted_read() {
    let mut cat = tenant_with_data();
    let plans = plans_of(&mut cat, |c| {
        // The account as it was found before schema 2 (`kind` had no index), through an
        // alias as most statements name their tables.
        c.conn()
            .query_row(
                "SELECT pk FROM principal p WHERE +p.kind = 'account'",
                [],
                |_| Ok(()),
            )
            .unwrap();
        // audit list --action NOUN --limit as one range read.
        c.conn()
            .query_row(
                "SELECT count(*) FROM (SELECT seq FROM audit WHERE action >= 'member' COLLATE NOCASE \
                 AND action < 'member/' COLLATE NOCASE ORDER BY seq DESC LIMIT 100)",
                [],
                |_| Ok(()),
            )
            .unwrap();
    });
    assert_eq!(scans(&plans).len(), 1, "{plans:?}");
    assert_eq!(sorted_reads(&plans).len(), 1, "{plans:?}");
}
