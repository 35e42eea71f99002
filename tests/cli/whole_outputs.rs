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
