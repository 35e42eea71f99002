//! Seeded ids (`DWCTL_SEED`) and, with them and the pinned clock, snapshots of whole
//! outputs (`insta`, in tests/cli/snapshots/): a change anywhere in a table, a JSON object
//! or a manifest shows as a diff of the snapshot. A mismatch fails the test; to accept a
//! change, see README "Development".

use crate::harness::*;

/// A fresh folder whose dwctl runs all have `DWCTL_SEED=seed`.
fn seeded(seed: &str) -> Env {
    Env::empty().with_var("DWCTL_SEED", seed)
}

/// The ids a short sequence of commands makes: the account, two principals, a group.
fn ids_of_a_sequence(env: &Env) -> Vec<String> {
    let init = env.json(&["init", "-o", "json"]);
    let alice = env.json(&["user", "add", "alice", "-o", "json"]);
    let bob = env.json(&["user", "add", "bob", "-o", "json"]);
    let group = env.json(&["resourcegroup", "create", "rg_etl", "-o", "json"]);
    let default_group = env.json(&[
        "resourcegroup",
        "show",
        "default_serverless_group",
        "-o",
        "json",
    ]);
    [
        &init["result"]["account_id"],
        &alice["result"]["id"],
        &bob["result"]["id"],
        &group["result"]["id"],
        &default_group["id"],
    ]
    .iter()
    .map(|v| v.as_str().unwrap().to_string())
    .collect()
}

#[test]
fn the_same_seed_and_commands_give_the_same_ids_and_no_two_alike() {
    let a = ids_of_a_sequence(&seeded("7"));
    assert_eq!(a, ids_of_a_sequence(&seeded("7")));
    // Each process of the sequence has its own stream: alice and bob were added by two
    // processes with the same seed.
    let mut distinct = a.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), a.len(), "{a:?}");
    assert!(a[0].len() == 16 && a[1].len() == 16, "{a:?}");
    assert!(a[3].starts_with("Serverless_res_group_"), "{a:?}");
    // Another seed, other ids; no seed, random ones.
    let b = ids_of_a_sequence(&seeded("8"));
    assert!(a.iter().all(|id| !b.contains(id)), "{a:?} {b:?}");
    let c = ids_of_a_sequence(&Env::empty());
    let d = ids_of_a_sequence(&Env::empty());
    assert!(c.iter().all(|id| !d.contains(id)), "{c:?} {d:?}");
}

#[test]
fn a_seeded_dry_run_shows_the_ids_the_change_then_makes() {
    let env = seeded("7");
    env.run(&["init"]).ok();
    let dry = env.json(&["user", "add", "alice", "--dry-run", "-o", "json"]);
    let done = env.json(&["user", "add", "alice", "-o", "json"]);
    assert_eq!(dry["dry_run"], true);
    assert!(dry["result"]["id"].is_string(), "{dry}");
    assert_eq!(dry["result"]["id"], done["result"]["id"]);
}

/// A small seeded tenant: two users, a standard workspace with members, a data source in
/// both environments, a resource group bound to it, a compute resource.
fn small_tenant() -> Env {
    let env = seeded("12").with_var("PW", "pw-1");
    env.run(&["init"]).ok();
    for args in [
        &["user", "add", "alice", "--display-name", "Alice Liddell"][..],
        &["user", "add", "etl_bot", "--kind", "ram-role"],
        &[
            "workspace",
            "create",
            "fin_ws",
            "--display-name",
            "Finance",
            "--description",
            "Monthly tax reports",
            "--tag",
            "team=finance",
        ],
    ] {
        env.run(args).ok();
    }
    // The rest as command lines (no argument has a space).
    for line in [
        "member add fin_ws alice --role admin,dev",
        "member add fin_ws etl_bot --role ops",
        "resourcegroup create rg_etl",
        "resourcegroup bind rg_etl fin_ws",
        "compute attach fin_ws mc --type maxcompute --prop project=tax",
        "datasource add fin_ws orders --type mysql --env dev --prop address=db.internal:3306 \
         --prop database=orders --prop username=etl --prop password=env:PW",
        "datasource add fin_ws orders --type mysql --env prod --prop address=db.internal:3306 \
         --prop database=orders --prop username=etl --prop password=env:PW",
    ] {
        env.run(&line.split_whitespace().collect::<Vec<_>>()).ok();
    }
    env
}

/// Stdout of a successful run, with the command line above it (so a snapshot says what
/// it shows).
fn whole(env: &Env, args: &[&str]) -> String {
    let out = env.run(args).ok().to_string();
    format!("$ dwctl {}\n{out}", args.join(" "))
}

/// Every format of a read, one snapshot each.
fn each_format(env: &Env, name: &str, args: &[&str]) {
    for format in ["table", "json", "jsonl", "csv"] {
        let args: Vec<&str> = args.iter().copied().chain(["-o", format]).collect();
        insta::assert_snapshot!(format!("{name}_{format}"), whole(env, &args));
    }
}

#[test]
fn reads_of_a_small_tenant_whole() {
    let env = small_tenant();
    each_format(&env, "workspace_show", &["workspace", "show", "fin_ws"]);
    each_format(&env, "workspace_list", &["workspace", "list"]);
    each_format(&env, "member_list", &["member", "list", "fin_ws"]);
    // On PostgreSQL the account's DB ROLE is the login that ran init (the rest is the same
    // bytes): the list is compared on SQLite files only.
    if !postgres_mode() {
        each_format(&env, "user_list", &["user", "list"]);
    }
    each_format(&env, "resourcegroup_list", &["resourcegroup", "list"]);
    each_format(
        &env,
        "datasource_show",
        &["datasource", "show", "fin_ws", "orders", "--env", "prod"],
    );
    each_format(&env, "datasource_list", &["datasource", "list", "fin_ws"]);
    each_format(&env, "compute_show", &["compute", "show", "fin_ws", "mc"]);
    each_format(&env, "audit_list", &["audit", "list"]);
}

#[test]
fn export_and_plan_of_a_small_tenant_whole() {
    let env = small_tenant();
    insta::assert_snapshot!("export_fin_ws_toml", whole(&env, &["export", "fin_ws"]));
    insta::assert_snapshot!(
        "export_all_json",
        whole(&env, &["export", "--all", "-o", "json"])
    );
    // A manifest that changes a little of everything: plan lists it, exit 9.
    let manifest = env
        .run(&["export", "fin_ws"])
        .ok()
        .replace("Monthly tax reports", "Quarterly tax reports")
        .replace(
            "[\"role_project_pe\"]",
            "[\"role_project_pe\", \"role_project_data_analyst\"]",
        )
        + "\n[[principal]]\nname = \"bob\"\n";
    std::fs::write(env.path().join("m.toml"), &manifest).unwrap();
    let env = env
        .with_var("DWCTL_SECRET_FIN__WS_ORDERS_DEV_PASSWORD", "pw-1")
        .with_var("DWCTL_SECRET_FIN__WS_ORDERS_PROD_PASSWORD", "pw-2");
    for format in ["table", "json"] {
        let r = env.run(&["plan", "--file", "m.toml", "--exit-code", "-o", format]);
        assert_eq!(r.code, 9, "{}", r.stderr);
        let shown = format!(
            "$ dwctl plan --file m.toml --exit-code -o {format}\n{}--- stderr\n{}",
            r.stdout, r.stderr
        );
        insta::assert_snapshot!(format!("plan_{format}"), shown);
    }
}
