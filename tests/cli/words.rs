//! Messages in English: a count of one takes the singular ("1 change", not "1 changes"),
//! and a verb agrees with the names before it ("bob holds", "alice, bob hold"). The
//! plural forms are tested where their commands are; here, every message's count of one.

use crate::harness::{Env, NOW};

#[test]
fn a_count_of_one_is_singular_in_every_status_line_and_message() {
    let env = Env::new();
    // audit verify right after init: one event.
    let r = env.run(&["audit", "verify"]);
    r.ok();
    assert_eq!(r.stderr, "the audit chain of 1 event verifies\n");
    assert!(
        r.stdout
            .contains(" message        the audit chain of 1 event verifies\n"),
        "{}",
        r.stdout
    );
    // A basic workspace with one compute resource and no group: check counts one.
    env.run(&["workspace", "create", "lab_ws", "--mode", "basic"])
        .ok();
    env.run(&[
        "compute",
        "attach",
        "lab_ws",
        "mc",
        "--type",
        "maxcompute",
        "--prop",
        "project=a",
    ])
    .ok();
    let findings = env.json(&["check", "lab_ws", "-o", "json"]);
    let dw007 = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "DW007")
        .expect("DW007")
        .clone();
    assert_eq!(
        dw007["message"],
        "lab_ws has 1 compute resource but no resource group: its tasks have nothing to run on"
    );
    // Its upgrade copies the one compute resource: "1 dev copy"; another has none.
    let r = env.run(&["workspace", "upgrade", "lab_ws", "--yes"]);
    r.ok();
    assert_eq!(
        r.stderr,
        "Upgraded workspace lab_ws to standard mode (1 dev copy).\n"
    );
    env.run(&["workspace", "create", "b_ws", "--mode", "basic"])
        .ok();
    let r = env.run(&["workspace", "upgrade", "b_ws", "--yes"]);
    r.ok();
    assert_eq!(
        r.stderr,
        "Upgraded workspace b_ws to standard mode (0 dev copies).\n"
    );
    // An export of one workspace, one principal, one group.
    env.run(&["user", "add", "alice"]).ok();
    env.run(&["member", "add", "lab_ws", "alice", "--role", "dev"])
        .ok();
    env.run(&["resourcegroup", "create", "rg_etl"]).ok();
    env.run(&["resourcegroup", "bind", "rg_etl", "lab_ws"]).ok();
    let file = env.path().join("one.toml");
    let file = file.to_str().unwrap();
    let r = env.run(&["export", "lab_ws", "--file", file]);
    r.ok();
    assert_eq!(
        r.stderr,
        format!("Wrote {file}: 1 workspace, 1 principal, 1 resource group.\n")
    );
    // purge --expired of one workspace: the confirmation and the status line.
    env.run(&["workspace", "delete", "b_ws", "--yes"]).ok();
    assert_ne!(NOW, "2030-01-01T00:00:00Z");
    let later = env.fork().with_var("DWCTL_NOW", "2030-01-01T00:00:00Z");
    later.refused(
        &["workspace", "purge", "--expired"],
        8,
        "error: confirmation needed: Purge 1 expired workspace for good (b_ws)?\n",
    );
    let r = later.run(&["workspace", "purge", "--expired", "--yes"]);
    r.ok();
    assert_eq!(r.stderr, "Purged 1 expired workspace.\n");
    // apply --prune that deletes with one change in all: "Apply 1 change".
    let env = Env::new();
    env.run(&["workspace", "create", "lab_ws"]).ok();
    env.run(&["resourcegroup", "create", "rg_etl"]).ok();
    env.run(&["resourcegroup", "bind", "rg_etl", "lab_ws"]).ok();
    let prune = env.path().join("prune.toml");
    std::fs::write(
        &prune,
        "version = 1\n\n[[workspace]]\nname = \"lab_ws\"\nresource_groups = []\n",
    )
    .unwrap();
    let prune = prune.to_str().unwrap();
    env.refused(
        &["apply", "--file", prune, "--prune"],
        8,
        "error: confirmation needed: Apply 1 change, deleting:\n",
    );
}

#[test]
fn a_member_with_one_role_is_said_to_have_that_role() {
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    env.run(&["member", "add", "fin_ws", "alice", "--role", "dev"])
        .ok();
    let r = env.run(&[
        "member",
        "add",
        "fin_ws",
        "alice",
        "--role",
        "guest",
        "--if-not-exists",
    ]);
    r.ok();
    assert_eq!(
        r.stderr,
        "warning: alice is already a member of fin_ws with role role_project_dev (asked: role_project_guest)\n\
         alice is already a member of fin_ws, as role_project_dev. (no change)\n"
    );
    env.run(&["member", "role", "fin_ws", "alice", "--grant", "analyst"])
        .ok();
    let r = env.run(&[
        "member",
        "add",
        "fin_ws",
        "alice",
        "--role",
        "guest",
        "--if-not-exists",
    ]);
    r.ok();
    assert!(
        r.stderr.starts_with(
            "warning: alice is already a member of fin_ws with roles role_project_dev, role_project_data_analyst"
        ),
        "{}",
        r.stderr
    );
}
