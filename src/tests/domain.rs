//! Domain use cases on an in-memory catalog: no mocks, the real SQL.

use super::{add_user, new_tenant as setup, now, req, ws};
use crate::domain::member::{self, RoleChange};
use crate::domain::principal::{self};
use crate::domain::resource_group;
use crate::domain::session::{self, Request, Session};
use crate::domain::workspace::{self, ListFilter, NewWorkspace, WorkspaceUpdate};
use crate::model::clock::Timestamp;
use crate::model::error::{Error, Kind};
use crate::model::roles::{RoleCode, RoleSet};
use crate::model::{Mode, SodPolicy, Status};
use crate::storage::sqlite::Catalog;

/// `req` at another time.
fn req_at(actor: Option<&str>, at: Timestamp) -> Request {
    Request {
        now: at,
        ..req(actor)
    }
}

/// Make `user` a developer of `workspace`, as the actor of `s`.
fn add_dev(s: &mut Session, workspace: &str, user: &str) -> Result<(), Error> {
    member::add(
        s,
        &ws(workspace),
        user,
        RoleSet::of(&[RoleCode::Dev]),
        None,
        false,
    )
    .map(drop)
}

fn create(cat: &mut Catalog, actor: Option<&str>, name: &str) -> Result<(), Kind> {
    session::write(cat, &req(actor), |s| {
        workspace::create(
            s,
            NewWorkspace {
                name: Some(ws(name)),
                ..Default::default()
            },
            false,
        )
    })
    .map(|_| ())
    .map_err(|e| e.kind)
}

fn audit_count(cat: &mut Catalog) -> i64 {
    session::read(cat, &req(None), |s| {
        let mut n = 0;
        s.tx().for_each_event(&mut |_| {
            n += 1;
            Ok(())
        })?;
        Ok(n)
    })
    .unwrap()
}

#[test]
fn init_creates_the_default_workspace_and_group() {
    let mut cat = setup();
    let list = session::read(&mut cat, &req(None), |s| {
        workspace::list(s, &ListFilter::default())
    })
    .unwrap();
    assert_eq!(list.len(), 1);
    let d = &list[0];
    assert_eq!(d.name.as_str(), "default_workspace_3456");
    assert!(d.is_default);
    assert_eq!(d.mode, Mode::Basic);
    assert_eq!(d.resource_groups, vec!["default_serverless_group"]);
    assert_eq!(
        d.default_resource_group.as_deref(),
        Some("default_serverless_group")
    );
}

#[test]
fn names_are_reserved_while_in_the_recycle_bin_and_restore_returns_the_state() {
    let mut cat = setup();
    create(&mut cat, None, "sales_report").unwrap();
    assert_eq!(create(&mut cat, None, "SALES_REPORT"), Err(Kind::Conflict));
    session::write(&mut cat, &req(None), |s| {
        workspace::disable(s, &ws("sales_report"))
    })
    .unwrap();
    let done = session::write(&mut cat, &req(None), |s| {
        workspace::delete(s, &ws("sales_report"))
    })
    .unwrap();
    assert_eq!(done.value.value.status, Status::Deleted);
    assert_eq!(create(&mut cat, None, "sales_report"), Err(Kind::Conflict));
    // Day 14 is still inside retention; day 15 is not.
    let day14 = now().plus_days(14).unwrap();
    let r = session::write(&mut cat, &req_at(None, day14), |s| {
        workspace::restore(s, &ws("sales_report"))
    })
    .unwrap();
    assert_eq!(r.value.value.status, Status::Disabled);
    session::write(&mut cat, &req(None), |s| {
        workspace::delete(s, &ws("sales_report"))
    })
    .unwrap();
    let late = now().plus_days(15).unwrap();
    let e = session::write(&mut cat, &req_at(None, late), |s| {
        workspace::restore(s, &ws("sales_report"))
    })
    .err()
    .unwrap();
    assert_eq!(e.kind, Kind::Refused);
    let mut heard = Vec::new();
    let purged = session::write(&mut cat, &req_at(None, late), |s| {
        workspace::purge_expired(s, &mut |n, total| heard.push((n, total)))
    })
    .unwrap();
    assert_eq!(purged.value.value.len(), 1);
    assert_eq!(heard, [(1, 1)], "progress after each workspace purged");
    create(&mut cat, None, "sales_report").unwrap();
}

#[test]
fn a_denied_change_leaves_only_its_audit_event() {
    let mut cat = setup();
    add_user(&mut cat, "alice", false);
    let before = audit_count(&mut cat);
    assert_eq!(
        create(&mut cat, Some("alice"), "alice_ws"),
        Err(Kind::Denied)
    );
    assert_eq!(audit_count(&mut cat), before + 1);
    let list = session::read(&mut cat, &req(None), |s| {
        workspace::list(
            s,
            &ListFilter {
                all: true,
                ..Default::default()
            },
        )
    })
    .unwrap();
    assert!(list.iter().all(|w| w.name.as_str() != "alice_ws"));
}

#[test]
fn a_ram_user_who_creates_a_workspace_becomes_its_admin_and_others_do_not_see_it() {
    let mut cat = setup();
    add_user(&mut cat, "bob", true);
    add_user(&mut cat, "carol", false);
    create(&mut cat, Some("bob"), "bob_ws").unwrap();
    let m = session::read(&mut cat, &req(None), |s| {
        member::show(s, &ws("bob_ws"), "bob")
    })
    .unwrap();
    assert_eq!(m.roles, RoleSet::of(&[RoleCode::Admin]));
    let seen = session::read(&mut cat, &req(Some("carol")), |s| {
        workspace::list(s, &ListFilter::default())
    })
    .unwrap();
    assert!(seen.is_empty());
    let e = session::read(&mut cat, &req(Some("carol")), |s| {
        workspace::show(s, &ws("bob_ws"))
    })
    .err()
    .unwrap();
    assert_eq!(e.kind, Kind::NotFound);
}

#[test]
fn member_rules() {
    let mut cat = setup();
    add_user(&mut cat, "dana", false);
    create(&mut cat, None, "team_ws").unwrap();
    let w = ws("team_ws");
    let add = |cat: &mut Catalog, roles: &[RoleCode]| {
        session::write(cat, &req(None), |s| {
            member::add(s, &w, "dana", RoleSet::of(roles), None, false)
        })
        .map(|d| d.warnings)
    };
    assert_eq!(
        add(&mut cat, &[RoleCode::Owner]).err().unwrap().kind,
        Kind::Refused
    );
    let warnings = add(&mut cat, &[RoleCode::Dev, RoleCode::Pe]).unwrap();
    assert_eq!(warnings[0].code, "separation_of_duties");
    assert_eq!(
        add(&mut cat, &[RoleCode::Guest]).err().unwrap().kind,
        Kind::Conflict
    );
    // enforce is refused while dana holds both.
    let e = session::write(&mut cat, &req(None), |s| {
        workspace::update(
            s,
            &w,
            &WorkspaceUpdate {
                sod_policy: Some(SodPolicy::Enforce),
                ..Default::default()
            },
        )
    })
    .err()
    .unwrap();
    assert_eq!(e.kind, Kind::Refused);
    assert!(e.message.contains("dana"));
    let change = |cat: &mut Catalog, c: RoleChange| {
        session::write(cat, &req(None), |s| member::change_roles(s, &w, "dana", &c))
            .map(|d| d.value)
    };
    let last = change(&mut cat, RoleChange::Set(RoleSet::empty()))
        .err()
        .unwrap();
    assert_eq!(last.kind, Kind::Refused);
    let o = change(
        &mut cat,
        RoleChange::GrantRevoke {
            grant: RoleSet::empty(),
            revoke: RoleSet::of(&[RoleCode::Pe]),
        },
    )
    .unwrap();
    assert!(o.changed);
    let o = change(
        &mut cat,
        RoleChange::GrantRevoke {
            grant: RoleSet::of(&[RoleCode::Dev]),
            revoke: RoleSet::empty(),
        },
    )
    .unwrap();
    assert!(!o.changed);
    let e = session::write(&mut cat, &req(None), |s| member::remove(s, &w, "root"))
        .err()
        .unwrap();
    assert_eq!(e.kind, Kind::Refused);
}

#[test]
fn resource_groups_bind_and_refuse_delete_while_bound() {
    let mut cat = setup();
    let e = session::write(&mut cat, &req(None), |s| {
        resource_group::delete(s, "default_serverless_group")
    })
    .err()
    .unwrap();
    assert_eq!(e.kind, Kind::Conflict);
    assert!(e.message.contains("default_workspace_3456"));
    let d = ws("default_workspace_3456");
    session::write(&mut cat, &req(None), |s| workspace::delete(s, &d)).unwrap();
    // Deleting the workspace released the binding.
    session::write(&mut cat, &req(None), |s| {
        resource_group::delete(s, "default_serverless_group")
    })
    .unwrap();
}

#[test]
fn dry_run_writes_nothing() {
    let mut cat = setup();
    let before = audit_count(&mut cat);
    let mut r = req(None);
    r.dry_run = true;
    session::write(&mut cat, &r, |s| {
        workspace::create(
            s,
            NewWorkspace {
                name: Some(ws("dry_ws")),
                ..Default::default()
            },
            false,
        )
    })
    .unwrap();
    assert_eq!(audit_count(&mut cat), before);
    let e = session::read(&mut cat, &req(None), |s| workspace::show(s, &ws("dry_ws")))
        .err()
        .unwrap();
    assert_eq!(e.kind, Kind::NotFound);
}

#[test]
fn the_audit_chain_verifies() {
    let mut cat = setup();
    create(&mut cat, None, "chain_ws").unwrap();
    let v = session::read(&mut cat, &req(None), |s| {
        crate::domain::audit::verify(s, &[])
    })
    .unwrap();
    assert!(v.ok, "{}", v.message);
    assert_eq!(v.events, 2);
}

/// Completion names: a few words about each, and only what the actor may see.
#[test]
fn completion_names_carry_a_few_words_and_follow_visibility() {
    use crate::domain::names::{names, NameKind, Named};
    let mut cat = setup();
    create(&mut cat, None, "sales_ws").unwrap();
    create(&mut cat, None, "secret_ws").unwrap();
    add_user(&mut cat, "bob", false);
    session::write(&mut cat, &req(None), |s| {
        add_dev(s, "sales_ws", "bob")?;
        workspace::disable(s, &ws("sales_ws"))
    })
    .unwrap();
    let read = |cat: &mut Catalog, actor: Option<&str>, kind, w: Option<&str>| {
        session::read(cat, &req(actor), |s| names(s, kind, w)).unwrap()
    };
    let list = read(&mut cat, None, NameKind::Workspace, None);
    assert_eq!(list.len(), 3, "{list:?}");
    assert_eq!(
        list[1],
        Named {
            name: "sales_ws".into(),
            about: "sales_ws (disabled)".into()
        }
    );
    let bob: Vec<String> = read(&mut cat, Some("bob"), NameKind::Workspace, None)
        .into_iter()
        .map(|n| n.name)
        .collect();
    assert_eq!(bob, ["sales_ws"]);
    let members = read(&mut cat, Some("bob"), NameKind::Member, Some("SALES_WS"));
    assert_eq!(members[0].name, "bob");
    assert_eq!(members[0].about, "role_project_dev");
    assert!(read(&mut cat, Some("bob"), NameKind::Member, Some("secret_ws")).is_empty());
    assert!(read(&mut cat, None, NameKind::Member, None).is_empty());
    let principals = read(&mut cat, None, NameKind::Principal, None);
    assert!(principals
        .iter()
        .any(|p| p.name == "bob" && p.about == "ram-user"));
    let groups = read(&mut cat, None, NameKind::ResourceGroup, None);
    assert!(groups[0]
        .about
        .starts_with("serverless 2 CU, Serverless_res_group_"));
}

/// What completion offers for each prefix, checked against the whole list filtered as
/// the shell does (case-sensitively); how many names that was.
fn offered_by_prefix(
    cat: &mut Catalog,
    actor: Option<&str>,
    kind: crate::domain::names::NameKind,
    scope: Option<&str>,
    prefixes: &[&str],
) -> usize {
    use crate::domain::names::{names, names_starting};
    let all = session::read(cat, &req(actor), |s| names(s, kind, scope)).unwrap();
    let mut offered = 0;
    for p in prefixes {
        let got = session::read(cat, &req(actor), |s| names_starting(s, kind, scope, p)).unwrap();
        let want: Vec<_> = all
            .iter()
            .filter(|n| n.name.starts_with(p))
            .cloned()
            .collect();
        assert_eq!(got, want, "{actor:?} {scope:?} {kind:?} {p:?}");
        offered += got.len();
    }
    offered
}

/// A prefix read by index range offers exactly what the whole list filtered as the shell
/// does (case-sensitively) offered, to every actor.
#[test]
fn completion_of_a_prefix_offers_what_filtering_every_name_did() {
    use crate::domain::names::NameKind;
    let mut cat = setup();
    for name in ["alice", "Alan", "al@x", "ALBERT", "bob", "zed"] {
        add_user(&mut cat, name, false);
    }
    for name in ["sales_ws", "Sales_eu", "SALES_x", "salesy", "ops_ws", "s_z"] {
        create(&mut cat, None, name).unwrap();
    }
    for w in ["sales_ws", "SALES_x", "s_z"] {
        session::write(&mut cat, &req(None), |s| add_dev(s, w, "bob")).unwrap();
    }
    let prefixes = [
        "", "a", "A", "al", "Al", "AL", "al@", "ali", "alice", "alicex", "b", "z", "s", "S", "sa",
        "Sa", "SA", "sales", "sales_", "SALES_", "x", "~", "é",
    ];
    let mut offered = 0;
    for actor in [None, Some("bob")] {
        for kind in [NameKind::Principal, NameKind::Workspace] {
            offered += offered_by_prefix(&mut cat, actor, kind, None, &prefixes);
        }
    }
    assert!(offered > 50, "{offered}");
}

/// What is inside a workspace (members, compute resources, data sources) and resource
/// groups complete by a range of their names too, offering what the whole list offers
/// that starts with the prefix, and nothing of a workspace the actor cannot see.
#[test]
fn completion_inside_a_workspace_offers_what_the_list_offers() {
    use crate::domain::names::{names_starting, NameKind};
    use crate::domain::resource_group::NewGroup;
    use crate::domain::resources::{self as res, NewObject};
    use crate::model::resource_group::{GroupType, Payment};
    use crate::model::resources::{AsCompute, AsSource};
    use crate::model::{Env, GroupName, ObjectName};
    let mut cat = setup();
    for name in ["alice", "Alan", "al@x", "ALBERT", "bob", "zed"] {
        add_user(&mut cat, name, false);
    }
    create(&mut cat, None, "sales_ws").unwrap();
    create(&mut cat, None, "hidden_ws").unwrap();
    for user in ["alice", "ALBERT", "zed"] {
        session::write(&mut cat, &req(None), |s| add_dev(s, "sales_ws", user)).unwrap();
    }
    let object = |name: &str, key: &str, env: Env, props: &[(&str, &str)]| NewObject {
        id: None,
        datasource_id: None,
        name: ObjectName::parse(name, "object").unwrap(),
        spec: crate::model::types::resolve_type(key).unwrap(),
        env,
        mode: None,
        properties: props
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        open_keys: Default::default(),
        description: String::new(),
    };
    let mysql = [
        ("address", "10.0.0.5"),
        ("database", "orders"),
        ("username", "etl"),
        ("password", "pw"),
    ];
    for (name, env) in [
        ("orders", Env::Prod),
        ("orders", Env::Dev),
        ("Orbit", Env::Prod),
        ("sales", Env::Dev),
    ] {
        session::write(&mut cat, &req(None), |s| {
            res::add::<AsSource>(
                s,
                &ws("sales_ws"),
                object(name, "mysql", env, &mysql),
                false,
            )
        })
        .unwrap();
    }
    for (name, env) in [
        ("mc_fin", Env::Prod),
        ("mc_fin", Env::Dev),
        ("MC_x", Env::Prod),
    ] {
        session::write(&mut cat, &req(None), |s| {
            res::add::<AsCompute>(
                s,
                &ws("sales_ws"),
                object(name, "maxcompute", env, &[("project", "fin")]),
                false,
            )
        })
        .unwrap();
    }
    for name in ["rg_etl", "RG_x", "other"] {
        session::write(&mut cat, &req(None), |s| {
            resource_group::create(
                s,
                NewGroup {
                    id: None,
                    name: GroupName::parse(name).unwrap(),
                    group_type: GroupType::Serverless,
                    spec: 2,
                    payment: Payment::Postpaid,
                    duration: None,
                    vpc: None,
                    vswitch: None,
                    remark: String::new(),
                },
                false,
            )
        })
        .unwrap();
    }
    let prefixes = [
        "", "a", "A", "al", "AL", "o", "or", "Or", "orders", "m", "mc", "MC", "mc_", "r", "rg",
        "RG", "s", "z", "~", "é",
    ];
    let kinds = [
        NameKind::Member,
        NameKind::NonMember,
        NameKind::Compute,
        NameKind::DataSource,
        NameKind::ResourceGroup,
    ];
    let mut offered = 0;
    for (actor, scope) in [
        (None, "sales_ws"),
        (Some("alice"), "sales_ws"),
        (Some("alice"), "hidden_ws"),
    ] {
        for kind in kinds {
            offered += offered_by_prefix(&mut cat, actor, kind, Some(scope), &prefixes);
        }
    }
    assert!(offered > 40, "{offered}");
    // A name in both environments is offered once; a workspace alice cannot see offers
    // none of what is in it.
    let read = |cat: &mut Catalog, actor, kind, scope, p| {
        session::read(cat, &req(actor), |s| {
            names_starting(s, kind, Some(scope), p)
        })
        .unwrap()
        .into_iter()
        .map(|n| format!("{} {}", n.name, n.about))
        .collect::<Vec<_>>()
    };
    assert_eq!(
        read(&mut cat, None, NameKind::DataSource, "sales_ws", "or"),
        ["orders mysql (prod, dev)"]
    );
    assert_eq!(
        read(&mut cat, None, NameKind::Member, "sales_ws", "al"),
        ["alice role_project_dev"]
    );
    assert!(read(&mut cat, Some("alice"), NameKind::Compute, "hidden_ws", "").is_empty());
    assert_eq!(
        read(
            &mut cat,
            Some("alice"),
            NameKind::NonMember,
            "sales_ws",
            "al"
        ),
        ["al@x ram-user"]
    );
}

/// `workspace list --tag` filtered in SQL lists what filtering every workspace did: every
/// tag given, key and value exactly, with the same tags and groups, for every actor.
#[test]
fn a_tag_filter_lists_what_filtering_every_workspace_did() {
    let mut cat = setup();
    add_user(&mut cat, "bob", false);
    let tagged: [(&str, &[(&str, &str)]); 5] = [
        ("sales_ws", &[("team", "sales"), ("cost", "c1")]),
        ("sales_eu", &[("team", "sales"), ("cost", "c2")]),
        ("ops_ws", &[("team", "ops"), ("cost", "c1")]),
        ("case_ws", &[("Team", "sales"), ("team", "Sales")]),
        ("bare_ws", &[]),
    ];
    for (name, tags) in tagged {
        session::write(&mut cat, &req(None), |s| {
            workspace::create(
                s,
                NewWorkspace {
                    name: Some(ws(name)),
                    tags: tags
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                    ..Default::default()
                },
                false,
            )
        })
        .unwrap();
    }
    session::write(&mut cat, &req(None), |s| {
        add_dev(s, "sales_ws", "bob")?;
        workspace::delete(s, &ws("ops_ws"))
    })
    .unwrap();
    let filters: [&[(&str, &str)]; 7] = [
        &[("team", "sales")],
        &[("team", "sales"), ("cost", "c1")],
        &[("cost", "c1")],
        &[("team", "sales"), ("team", "ops")],
        &[("TEAM", "sales")],
        &[("team", "SALES")],
        &[("nope", "x")],
    ];
    let mut listed = 0;
    for actor in [None, Some("bob")] {
        for all in [false, true] {
            for tags in filters {
                let tags: Vec<(String, String)> = tags
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                let (got, every) = session::read(&mut cat, &req(actor), |s| {
                    let got = workspace::list(
                        s,
                        &ListFilter {
                            all,
                            tags: tags.clone(),
                            ..Default::default()
                        },
                    )?;
                    let every = workspace::list(
                        s,
                        &ListFilter {
                            all,
                            ..Default::default()
                        },
                    )?;
                    Ok((got, every))
                })
                .unwrap();
                let want: Vec<_> = every
                    .into_iter()
                    .filter(|w| tags.iter().all(|(k, v)| w.tags.get(k) == Some(v)))
                    .collect();
                assert_eq!(
                    serde_json::to_string(&got.iter().map(workspace::to_json).collect::<Vec<_>>())
                        .unwrap(),
                    serde_json::to_string(&want.iter().map(workspace::to_json).collect::<Vec<_>>())
                        .unwrap(),
                    "{actor:?} all={all} {tags:?}"
                );
                listed += got.len();
            }
        }
    }
    assert!(listed > 8, "{listed}");
}

/// `user list` streams (issue 17): the domain hands each principal to a visitor as the
/// catalog reads it and returns nothing to collect. The type pin below stops compiling if
/// `principal::list` goes back to returning the list; the walk shows the order and that a
/// visitor's error stops the read at that row.
#[test]
fn the_principal_list_is_visited_row_by_row_never_returned() {
    type Visit = fn(crate::model::Principal) -> crate::model::error::Result<()>;
    let _streams: for<'a, 'b, 'c> fn(
        &'a mut session::Session<'b, 'c>,
        Visit,
    ) -> crate::model::error::Result<()> = principal::list;
    let mut cat = setup();
    add_user(&mut cat, "zed", false);
    add_user(&mut cat, "Amy", false);
    let mut seen = Vec::new();
    session::read(&mut cat, &req(None), |s| {
        principal::list(s, |p| {
            seen.push(p.name.as_str().to_string());
            Ok(())
        })
    })
    .unwrap();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(&seen[1..], ["Amy", "zed"]);
    let mut visited = 0;
    let e = session::read(&mut cat, &req(None), |s| {
        principal::list(s, |_| {
            visited += 1;
            Err(crate::model::error::Error::internal("stop"))
        })
    })
    .unwrap_err();
    assert_eq!((visited, e.kind), (1, Kind::Internal));
}

/// `check` streams (issue 17): its findings go to a visitor one workspace at a time, in
/// the order a sort of all of them gave (workspaces by name, case-insensitively, whatever
/// order they were named or created in). The type pin stops compiling if `check::run`
/// goes back to returning the findings.
#[test]
fn check_findings_are_visited_workspace_by_workspace_in_name_order() {
    type Visit = fn(crate::domain::check::Finding) -> crate::model::error::Result<()>;
    let _streams: for<'a, 'b, 'c, 'd> fn(
        &'a mut session::Session<'b, 'c>,
        &'d crate::domain::check::Plan,
        Visit,
    ) -> crate::model::error::Result<()> = crate::domain::check::run;
    let mut cat = setup();
    for name in ["test_2", "Test_1", "demo_3"] {
        create(&mut cat, None, name).unwrap();
    }
    for named in [vec![], vec![ws("test_2"), ws("demo_3"), ws("Test_1")]] {
        let mut seen = Vec::new();
        session::read(&mut cat, &req(None), |s| {
            let plan = crate::domain::check::plan(s, &named)?;
            crate::domain::check::run(s, &plan, |f| {
                seen.push((f.workspace.map(|w| w.as_str().to_string()), f.rule));
                Ok(())
            })
        })
        .unwrap();
        let order: Vec<_> = seen.iter().map(|(w, _)| w.clone()).collect();
        let mut sorted = order.clone();
        sorted.sort_by_key(|w| w.as_ref().map(|w| w.to_ascii_lowercase()));
        assert_eq!(order, sorted, "{seen:?}");
        for w in ["test_2", "Test_1"] {
            assert!(order.contains(&Some(w.to_string())), "{w}: {seen:?}");
        }
    }
}
