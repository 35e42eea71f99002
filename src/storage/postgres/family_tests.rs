//! The principal and workspace families on PostgreSQL give what SQLite's give: the same
//! writes made on both backends read back equal, in the same orders (names sorted as
//! SQLite's NOCASE sorts them). Run against `DWCTL_TEST_PG_URL`, one fresh schema per
//! test; skipped with a note without it.

use std::collections::BTreeMap;

use super::testing;
use crate::domain::store::{Catalog as _, PrincipalStore, Tx, WorkspaceFilter, WorkspaceStore};
use crate::model::clock::Timestamp;
use crate::model::roles::RoleSet;
use crate::model::{
    MemberStatus, Membership, Mode, Principal, PrincipalKind, PrincipalName, SodPolicy, Status,
    Tenant, Workspace, WorkspaceName,
};

fn at(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn principal(name: &str, id: &str, kind: PrincipalKind) -> Principal {
    Principal {
        pk: 0,
        id: id.into(),
        name: PrincipalName::parse(name).unwrap(),
        kind,
        display_name: name
            .len()
            .is_multiple_of(2)
            .then(|| format!("{name} shown")),
        full_access: name.starts_with('A'),
        db_role: name.starts_with('b').then(|| format!("{name}_login")),
        created_at: at("2026-01-02T03:04:05.678Z"),
    }
}

fn workspace(name: &str, tags: &[(&str, &str)]) -> Workspace {
    Workspace {
        id: 0,
        name: WorkspaceName::parse(name).unwrap(),
        display_name: format!("{name} display"),
        description: String::new(),
        mode: Mode::Standard,
        status: Status::Available,
        owner: "root".into(),
        is_default: false,
        dev_role_disabled: name.len().is_multiple_of(2),
        pai_tasks_enabled: false,
        sod_policy: SodPolicy::Warn,
        default_resource_group: None,
        resource_groups: Vec::new(),
        tags: tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        created_at: at("2026-01-02T03:04:05.678Z"),
        created_by: "root".into(),
        updated_at: at("2026-01-02T03:04:05.678Z"),
        deleted_at: None,
        deleted_by: None,
        retention_until: None,
        status_before_delete: None,
    }
}

const PRINCIPALS: &[&str] = &[
    "bob", "Alice", "a_b", "AB", "a.b", "a-b", "A@b", "zed", "Z9", "a1",
];
const WORKSPACES: &[&str] = &["beta", "Alpha", "a_bc", "ABC", "zeta", "Z9x", "a1x"];

/// The same writes on either backend; what every read gives, as text.
fn script(tx: &mut dyn Tx) -> Vec<String> {
    let mut out = Vec::new();
    tx.insert_tenant(&Tenant {
        account_id: "1234567890123456".into(),
        region: "cn-hangzhou".into(),
        created_at: at("2026-01-01T00:00:00.000Z"),
    })
    .unwrap();
    tx.insert_principal(&principal(
        "root",
        "1234567890123456",
        PrincipalKind::Account,
    ))
    .unwrap();
    let mut pks = BTreeMap::new();
    for (i, n) in PRINCIPALS.iter().enumerate() {
        let kind = if i % 3 == 0 {
            PrincipalKind::RamRole
        } else {
            PrincipalKind::RamUser
        };
        let pk = tx
            .insert_principal(&principal(n, &format!("2000{i:012}"), kind))
            .unwrap();
        pks.insert(n.to_string(), pk);
    }
    let mut ids = BTreeMap::new();
    for (i, n) in WORKSPACES.iter().enumerate() {
        let tags: &[(&str, &str)] = match i % 3 {
            0 => &[("team", "data"), ("env", "prod")],
            1 => &[("team", "data")],
            _ => &[],
        };
        let id = tx.insert_workspace(&workspace(n, tags)).unwrap();
        ids.insert(n.to_string(), id);
    }
    // Purged ids are not reused.
    let gone = tx.insert_workspace(&workspace("gone", &[])).unwrap();
    tx.purge_workspace(gone).unwrap();
    let again = tx.insert_workspace(&workspace("again", &[])).unwrap();
    out.push(format!("ids: gone {gone} again {again}"));
    let account = tx.account().unwrap();
    let alpha = ids["Alpha"];
    tx.insert_member(
        alpha,
        account.pk,
        &Membership {
            roles: RoleSet::from_stored("role_project_owner").unwrap(),
            ..Membership::default()
        },
        at("2026-01-03T00:00:00.000Z"),
        "root",
    )
    .unwrap();
    for (i, n) in PRINCIPALS.iter().enumerate() {
        let roles = if i % 2 == 0 {
            "role_project_dev,role_project_pe"
        } else {
            "role_project_guest"
        };
        tx.insert_member(
            alpha,
            pks[*n],
            &Membership {
                roles: RoleSet::from_stored(roles).unwrap(),
                ..Membership::default()
            },
            at("2026-01-03T00:00:00.000Z"),
            "root",
        )
        .unwrap();
        if i % 3 == 0 {
            tx.insert_member(
                ids["beta"],
                pks[*n],
                &Membership {
                    roles: RoleSet::from_stored("role_project_guest").unwrap(),
                    ..Membership::default()
                },
                at("2026-01-04T00:00:00.000Z"),
                "bob",
            )
            .unwrap();
        }
    }
    tx.set_member_roles(
        alpha,
        pks["zed"],
        RoleSet::from_stored("role_project_admin").unwrap(),
    )
    .unwrap();
    tx.set_member_access(
        alpha,
        pks["zed"],
        MemberStatus::Suspended,
        Some(at("2026-12-31T23:59:59.999Z")),
    )
    .unwrap();
    tx.delete_member(alpha, pks["a1"]).unwrap();

    let names = |ps: Vec<Principal>| {
        ps.iter()
            .map(|p| format!("{p:?}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    out.push(names(tx.principals().unwrap()));
    for prefix in ["a", "A_", "a-", "Z", "", "zzz"] {
        out.push(format!(
            "from {prefix}: {}",
            names(tx.principals_from(prefix).unwrap())
        ));
    }
    for lookup in ["ALICE", "a_B", "2000000000000003", "nobody", "root"] {
        out.push(format!("{lookup}: {:?}", tx.principal(lookup).unwrap()));
    }
    out.push(format!(
        "{:?}",
        tx.principal_id_taken("2000000000000001").unwrap()
    ));
    out.push(format!("{:?}", tx.principal_by_pk(pks["bob"]).unwrap()));
    let mut mp = tx.member_principals(ids["beta"]).unwrap();
    mp.sort_by_key(|p| p.pk);
    out.push(names(mp));
    out.push(format!("{:?}", tx.members(alpha).unwrap()));
    let mut streamed = Vec::new();
    tx.for_each_member(alpha, &mut |m| {
        streamed.push(m);
        Ok(())
    })
    .unwrap();
    out.push(format!("{streamed:?}"));
    out.push(format!("{:?}", tx.members_from(alpha, "a").unwrap()));
    out.push(format!("{:?}", tx.members_from(alpha, "A-").unwrap()));
    let mut mr = tx.memberships(alpha).unwrap();
    mr.sort_by_key(|(pk, _)| *pk);
    out.push(format!("{mr:?}"));
    out.push(format!("{:?}", tx.member(alpha, pks["zed"]).unwrap()));
    out.push(format!("{:?}", tx.membership(alpha, pks["bob"]).unwrap()));
    out.push(format!(
        "{:?}",
        tx.membership(ids["zeta"], pks["bob"]).unwrap()
    ));
    let mut everywhere: Vec<_> = tx
        .memberships_everywhere(pks["bob"])
        .unwrap()
        .into_iter()
        .collect();
    everywhere.sort_by_key(|(id, _)| *id);
    out.push(format!("{everywhere:?}"));
    out.push(format!("{:?}", tx.memberships_of(pks["bob"]).unwrap()));
    out.push(format!(
        "{:?}",
        tx.members_holding(
            alpha,
            RoleSet::from_stored("role_project_dev,role_project_pe").unwrap()
        )
        .unwrap()
    ));

    // Workspaces: a change, a deletion, and the filters.
    let mut w = tx.workspace("ZETA").unwrap().unwrap();
    w.description = "changed".into();
    w.tags.insert("owner".into(), "ops".into());
    w.updated_at = at("2026-02-01T00:00:00.000Z");
    tx.save_workspace(&w).unwrap();
    let mut d = tx.workspace("abc").unwrap().unwrap();
    d.status_before_delete = Some(d.status);
    d.status = Status::Deleted;
    d.deleted_at = Some(at("2026-02-02T00:00:00.000Z"));
    d.deleted_by = Some("root".into());
    tx.save_workspace(&d).unwrap();
    let filters = [
        WorkspaceFilter::default(),
        WorkspaceFilter {
            include_deleted: true,
            ..Default::default()
        },
        WorkspaceFilter {
            include_deleted: true,
            status: Some(Status::Deleted),
            ..Default::default()
        },
        WorkspaceFilter {
            tags: vec![("team".into(), "data".into())],
            ..Default::default()
        },
        WorkspaceFilter {
            tags: vec![
                ("team".into(), "data".into()),
                ("env".into(), "prod".into()),
            ],
            ..Default::default()
        },
        WorkspaceFilter {
            name_prefix: Some("A".into()),
            include_deleted: true,
            ..Default::default()
        },
        WorkspaceFilter {
            mode: Some(Mode::Basic),
            ..Default::default()
        },
    ];
    for f in &filters {
        out.push(format!("{f:?}: {:?}", tx.workspaces(f).unwrap()));
    }
    out.push(format!("{:?}", tx.workspace_name_by_id(alpha).unwrap()));
    out.push(format!("{:?}", tx.workspace_name_by_id(9999).unwrap()));
    out.push(format!("{:?}", tx.unbind_all(alpha).unwrap()));
    let mut p = tx.principal("bob").unwrap().unwrap();
    p.display_name = Some("Bob B.".into());
    p.full_access = true;
    tx.update_principal(&p).unwrap();
    out.push(format!("{:?}", tx.principal("bob").unwrap()));
    tx.delete_member(alpha, pks["a.b"]).unwrap();
    tx.delete_principal(pks["a.b"]).unwrap();
    out.push(format!("{:?}", tx.principal("a.b").unwrap()));
    let t = tx.tenant().unwrap();
    out.push(format!("{} {} {}", t.account_id, t.region, t.created_at));
    out
}

#[test]
fn principals_and_workspaces_read_back_as_on_sqlite() {
    let Some(mut s) = testing::schema("principals_and_workspaces_read_back_as_on_sqlite") else {
        return;
    };
    let pg = {
        let cat = s.catalog.as_mut().unwrap();
        let mut tx = cat.write().unwrap();
        let out = script(&mut *tx);
        tx.commit().unwrap();
        out
    };
    let mut lite = crate::storage::sqlite::in_memory();
    let sqlite = {
        let mut tx = lite.write().unwrap();
        let out = script(&mut tx);
        tx.commit().unwrap();
        out
    };
    assert_eq!(pg.len(), sqlite.len());
    for (p, l) in pg.iter().zip(&sqlite) {
        assert_eq!(p, l);
    }
    // And after the commit, in a read transaction of a new connection.
    let mut again = super::Catalog::open(&s.target, std::time::Duration::ZERO).unwrap();
    let tx = again.read().unwrap();
    assert_eq!(
        tx.principals().unwrap().len(),
        PRINCIPALS.len(), // + root - a.b
    );
}

#[test]
fn names_are_unique_case_insensitively() {
    let Some(mut s) = testing::schema("names_are_unique_case_insensitively") else {
        return;
    };
    let cat = s.catalog.as_mut().unwrap();
    let tx = cat.write().unwrap();
    tx.insert_principal(&principal(
        "Alice",
        "2000000000000001",
        PrincipalKind::RamUser,
    ))
    .unwrap();
    // Inserts may be buffered (bulk.rs): the constraint answers when they reach the
    // server, at the latest when a read would see them.
    let e = tx
        .insert_principal(&principal(
            "aLICE",
            "2000000000000002",
            PrincipalKind::RamUser,
        ))
        .and_then(|_| tx.principals())
        .expect_err("refused");
    // The domain checks names first: the catalog's constraint is a bug's safety net.
    assert_eq!(e.kind, crate::model::error::Kind::Internal, "{e:?}");
}

#[test]
fn a_change_rolled_back_to_its_savepoint_keeps_what_came_before() {
    let Some(mut s) = testing::schema("a_change_rolled_back_to_its_savepoint") else {
        return;
    };
    let cat = s.catalog.as_mut().unwrap();
    {
        let mut tx = cat.write().unwrap();
        tx.insert_principal(&principal(
            "kept",
            "2000000000000001",
            PrincipalKind::RamUser,
        ))
        .unwrap();
        tx.savepoint().unwrap();
        tx.insert_principal(&principal(
            "undone",
            "2000000000000002",
            PrincipalKind::RamUser,
        ))
        .unwrap();
        tx.rollback_to_savepoint().unwrap();
        tx.commit().unwrap();
    }
    {
        // Dropped without commit: rolled back.
        let tx = cat.write().unwrap();
        tx.insert_principal(&principal(
            "dropped",
            "2000000000000003",
            PrincipalKind::RamUser,
        ))
        .unwrap();
    }
    let tx = cat.read().unwrap();
    let names: Vec<String> = tx
        .principals()
        .unwrap()
        .into_iter()
        .map(|p| p.name.to_string())
        .collect();
    assert_eq!(names, ["kept"]);
    // A read transaction cannot write.
    let e = tx
        .insert_principal(&principal(
            "nope",
            "2000000000000004",
            PrincipalKind::RamUser,
        ))
        .and_then(|_| tx.principals())
        .expect_err("refused");
    assert_eq!(e.kind, crate::model::error::Kind::Catalog, "{e:?}");
}

/// Issue 17 on PostgreSQL: a read about one object reads that object, not the tenant.
/// Each one-object read of these families runs in a tenant of 2,000 principals and 300
/// workspaces of 5 members each, with sequential scans disabled: it may read no table
/// sequentially and fetch at most a few dozen rows (the counters of this transaction,
/// `pg_stat_xact_user_tables`).
#[test]
fn one_object_reads_use_indexes() {
    let Some(mut s) = testing::schema("one_object_reads_use_indexes") else {
        return;
    };
    let cat = s.catalog.as_mut().unwrap();
    let (alpha, beta, bob, bob_id) = {
        let mut tx = cat.write().unwrap();
        script(&mut *tx);
        let alpha = tx.workspace("Alpha").unwrap().unwrap().id;
        let beta = tx.workspace("beta").unwrap().unwrap().id;
        let bob = tx.principal("bob").unwrap().unwrap();
        tx.commit().unwrap();
        (alpha, beta, bob.pk, bob.id)
    };
    {
        let tx = cat.begin_write().unwrap();
        tx.batch(
            "INSERT INTO principal (pk, id, name, kind, full_access, created_at) \
               SELECT 1000 + g, (3000000000000000 + g)::text, 'user' || g, 'ram-user', false, '2026-01-01T00:00:00.000Z' \
               FROM generate_series(1, 2000) g; \
             INSERT INTO workspace (id, name, display_name, mode, status, owner, created_at, created_by, updated_at) \
               SELECT 1000 + g, 'ws' || g, 'w', 'basic', 'available', 'root', '2026-01-01T00:00:00.000Z', 'root', '2026-01-01T00:00:00.000Z' \
               FROM generate_series(1, 300) g; \
             INSERT INTO workspace_tag (workspace_id, key, value) SELECT 1000 + g, 'team', 'other' FROM generate_series(1, 300) g; \
             INSERT INTO member (workspace_id, principal_pk, roles, added_at, added_by) \
               SELECT 1000 + g, 1000 + (g * 5 + k) % 2000 + 1, 'role_project_guest', '2026-01-01T00:00:00.000Z', 'root' \
               FROM generate_series(1, 300) g, generate_series(0, 4) k; \
             ANALYZE",
        )
        .unwrap();
        tx.finish("COMMIT").unwrap();
    }
    let tx = cat.begin_write().unwrap();
    tx.batch("SET LOCAL enable_seqscan = off").unwrap();
    let counters = || -> (i64, i64) {
        let r = tx
            .query_one(
                "SELECT COALESCE(sum(seq_scan), 0)::bigint, \
                 COALESCE(sum(seq_tup_read + COALESCE(idx_tup_fetch, 0)), 0)::bigint \
                 FROM pg_stat_xact_user_tables WHERE schemaname = current_schema()",
                &[],
            )
            .unwrap();
        (r.get(0), r.get(1))
    };
    let check = |what: &str, f: &dyn Fn()| {
        let (scans, rows) = counters();
        f();
        let (scans2, rows2) = counters();
        assert_eq!(scans2 - scans, 0, "{what} read a table sequentially");
        assert!(rows2 - rows <= 40, "{what} fetched {} rows", rows2 - rows);
    };
    // The counters see a whole-tenant read (else this test could not fail).
    let (_, before) = counters();
    tx.principals().unwrap();
    let (_, after) = counters();
    assert!(after - before >= 2000, "{}", after - before);
    check("principal by name", &|| {
        tx.principal("ALICE").unwrap().unwrap();
    });
    check("principal by id", &|| {
        tx.principal(&bob_id).unwrap().unwrap();
    });
    check("account", &|| {
        tx.account().unwrap();
    });
    check("principal_by_pk", &|| {
        tx.principal_by_pk(bob).unwrap().unwrap();
    });
    check("principal_id_taken", &|| {
        assert!(tx.principal_id_taken(&bob_id).unwrap());
    });
    check("principals_from", &|| {
        tx.principals_from("a_").unwrap();
    });
    check("member_principals", &|| {
        tx.member_principals(beta).unwrap();
    });
    check("workspace", &|| {
        tx.workspace("alpha").unwrap().unwrap();
    });
    check("workspace_name_by_id", &|| {
        tx.workspace_name_by_id(alpha).unwrap().unwrap();
    });
    check("membership", &|| {
        tx.membership(alpha, bob).unwrap();
    });
    check("memberships_everywhere", &|| {
        tx.memberships_everywhere(bob).unwrap();
    });
    check("member", &|| {
        tx.member(alpha, bob).unwrap().unwrap();
    });
    check("members", &|| {
        tx.members(alpha).unwrap();
    });
    check("memberships", &|| {
        tx.memberships(alpha).unwrap();
    });
    check("for_each_member", &|| {
        tx.for_each_member(alpha, &mut |_| Ok(())).unwrap();
    });
    check("members_from", &|| {
        tx.members_from(alpha, "a").unwrap();
    });
    check("memberships_of", &|| {
        tx.memberships_of(bob).unwrap();
    });
    check("members_holding", &|| {
        tx.members_holding(alpha, RoleSet::from_stored("role_project_pe").unwrap())
            .unwrap();
    });
    check("workspaces by tag", &|| {
        tx.workspaces(&WorkspaceFilter {
            tags: vec![("env".into(), "prod".into())],
            ..Default::default()
        })
        .unwrap();
    });
    check("workspaces by name prefix", &|| {
        tx.workspaces(&WorkspaceFilter {
            name_prefix: Some("ze".into()),
            ..Default::default()
        })
        .unwrap();
    });
}
