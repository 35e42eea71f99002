//! The audit log (domain.md 8): one event per change, denied and refused attempts, none
//! for other failures and dry runs, filters, the hash chain and who may read what.

use crate::harness::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Compact JSON with keys sorted at every level, written independently of dwctl.
fn canonical(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{}:{}", Value::String((*k).clone()), canonical(&m[*k])))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

/// Recompute the chain from `audit list` output as the spec defines it.
fn check_chain(events: &[Value]) {
    let mut prev = "0".repeat(64);
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["seq"], i as i64 + 1);
        let mut body = e.clone();
        let hash = body.as_object_mut().unwrap().remove("hash").unwrap();
        let mut h = Sha256::new();
        h.update(prev.as_bytes());
        h.update(canonical(&body).as_bytes());
        let want: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hash, want, "event {}", i + 1);
        prev = want;
    }
}

fn all_events(env: &Env) -> Vec<Value> {
    env.json(&["audit", "list", "--limit", "100000", "-o", "json"])
        .as_array()
        .unwrap()
        .clone()
}

type Key<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, &'a str);
/// (actor, action, workspace, target, outcome), owned.
type OwnedKey = (String, String, Option<String>, Option<String>, String);

fn keys(events: &[Value]) -> Vec<OwnedKey> {
    events
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().map(str::to_string);
            (
                s("actor").unwrap(),
                s("action").unwrap(),
                s("workspace"),
                s("target"),
                s("outcome").unwrap(),
            )
        })
        .collect()
}

fn owned(want: &[Key]) -> Vec<OwnedKey> {
    want.iter()
        .map(|(a, b, c, d, e)| {
            (
                a.to_string(),
                b.to_string(),
                c.map(str::to_string),
                d.map(str::to_string),
                e.to_string(),
            )
        })
        .collect()
}

#[test]
fn every_change_writes_one_event_and_failures_write_what_their_code_says() {
    let env = Env::new();
    const ALICE_ID: &str = "2000000000000002";
    let steps: Vec<(Vec<&str>, i32)> = vec![
        (vec!["user", "add", "alice", "--id", ALICE_ID], 0),
        (vec!["workspace", "create", "fin_ws"], 0),
        (
            vec!["member", "add", "fin_ws", "alice", "--role", "guest"],
            0,
        ),
        (
            vec!["member", "role", "fin_ws", "alice", "--grant", "analyst"],
            0,
        ),
        (vec!["resourcegroup", "create", "rg_etl"], 0),
        (vec!["resourcegroup", "bind", "rg_etl", "fin_ws"], 0),
        (
            vec!["workspace", "update", "fin_ws", "--description", "tax"],
            0,
        ),
        // Exit 5 and 6: one event each, denied or refused.
        (
            vec![
                "--as",
                "alice",
                "workspace",
                "update",
                "fin_ws",
                "--description",
                "x",
            ],
            5,
        ),
        (vec!["member", "remove", "fin_ws", "root", "--yes"], 6),
        // Exit 2, 3, 4, 8, dry runs, reads and no-ops: no event.
        (vec!["workspace", "create", "x"], 2),
        (vec!["member", "add", "fin_ws", "ghost", "--role", "dev"], 3),
        (vec!["workspace", "create", "fin_ws"], 4),
        (vec!["workspace", "delete", "fin_ws"], 8),
        (vec!["workspace", "disable", "fin_ws", "--dry-run"], 0),
        (
            vec![
                "--as",
                "alice",
                "member",
                "add",
                "fin_ws",
                "alice",
                "--role",
                "dev",
                "--dry-run",
            ],
            5,
        ),
        (vec!["workspace", "restore", "fin_ws", "--dry-run"], 6),
        (vec!["workspace", "list"], 0),
        (vec!["workspace", "enable", "fin_ws"], 0),
        (
            vec!["member", "role", "fin_ws", "alice", "--grant", "guest"],
            0,
        ),
        // More changes.
        (vec!["resourcegroup", "unbind", "rg_etl", "fin_ws"], 0),
        (vec!["resourcegroup", "update", "rg_etl", "--spec", "4"], 0),
        (vec!["resourcegroup", "delete", "rg_etl", "--yes"], 0),
        (vec!["workspace", "disable", "fin_ws"], 0),
        (vec!["workspace", "enable", "fin_ws"], 0),
        (vec!["member", "remove", "fin_ws", "alice", "--yes"], 0),
        (
            vec!["user", "update", "alice", "--display-name", "Alice"],
            0,
        ),
        (vec!["user", "remove", "alice", "--yes"], 0),
        (vec!["workspace", "delete", "fin_ws", "--yes"], 0),
        (vec!["workspace", "restore", "fin_ws"], 0),
        (vec!["workspace", "create", "lab_ws", "--mode", "basic"], 0),
        (vec!["workspace", "upgrade", "lab_ws", "--yes"], 0),
        (vec!["workspace", "delete", "lab_ws", "--yes"], 0),
        (vec!["workspace", "purge", "lab_ws", "--yes"], 0),
    ];
    for (args, code) in &steps {
        assert_eq!(env.run(args).code, *code, "{args:?}");
    }
    let events = all_events(&env);
    let w = Some("fin_ws");
    let want: Vec<Key> = vec![
        ("root", "catalog.init", None, None, "ok"),
        ("root", "user.add", None, Some("alice"), "ok"),
        ("root", "workspace.create", w, w, "ok"),
        ("root", "member.add", w, Some("alice"), "ok"),
        ("root", "member.role", w, Some("alice"), "ok"),
        ("root", "resourcegroup.create", None, Some("rg_etl"), "ok"),
        ("root", "resourcegroup.bind", w, Some("rg_etl"), "ok"),
        ("root", "workspace.update", w, w, "ok"),
        ("alice", "workspace.update", w, w, "denied"),
        ("root", "member.remove", w, Some("root"), "refused"),
        ("root", "resourcegroup.unbind", w, Some("rg_etl"), "ok"),
        ("root", "resourcegroup.update", None, Some("rg_etl"), "ok"),
        ("root", "resourcegroup.delete", None, Some("rg_etl"), "ok"),
        ("root", "workspace.disable", w, w, "ok"),
        ("root", "workspace.enable", w, w, "ok"),
        ("root", "member.remove", w, Some("alice"), "ok"),
        ("root", "user.update", None, Some("alice"), "ok"),
        ("root", "user.remove", None, Some("alice"), "ok"),
        ("root", "workspace.delete", w, w, "ok"),
        ("root", "workspace.restore", w, w, "ok"),
        (
            "root",
            "workspace.create",
            Some("lab_ws"),
            Some("lab_ws"),
            "ok",
        ),
        (
            "root",
            "workspace.upgrade",
            Some("lab_ws"),
            Some("lab_ws"),
            "ok",
        ),
        (
            "root",
            "workspace.delete",
            Some("lab_ws"),
            Some("lab_ws"),
            "ok",
        ),
        (
            "root",
            "workspace.purge",
            Some("lab_ws"),
            Some("lab_ws"),
            "ok",
        ),
    ];
    assert_eq!(keys(&events), owned(&want));
    // Each event names its actor's id: the account's, or alice's (even after she is
    // removed).
    for e in &events {
        assert_eq!(e["at"], "2026-11-28T10:00:00.000Z");
        let actor_id = match e["actor"].as_str() {
            Some("root") => ACCOUNT,
            Some("alice") => ALICE_ID,
            other => panic!("an event by {other:?}"),
        };
        assert_eq!(e["actor_id"], actor_id, "{e}");
    }
    assert!(events.iter().any(|e| e["actor"] == "alice"));
    // A refusal's details say why.
    assert_eq!(
        events[8]["details"],
        json!({"error": "alice may not change the settings of fin_ws"})
    );
    assert_eq!(
        events[9]["details"],
        json!({"error": "root is the owner of fin_ws and cannot be removed"})
    );
    check_chain(&events);
    let v = env.json(&["audit", "verify", "-o", "json"]);
    assert_eq!(
        v,
        json!({"ok": true, "events": 24, "first_bad_seq": null, "anchors": 0, "message": "the audit chain of 24 events verifies"})
    );
}

#[test]
fn audit_list_filters() {
    let env = Env::new();
    env.run(&[
        "user",
        "add",
        "alice",
        "--id",
        "1000000000000001",
        "--full-access",
    ])
    .ok();
    let at = |when: &str, args: &[&str]| {
        let mut c = env.cmd(args);
        c.env("DWCTL_NOW", when);
        Env::output(c).ok().to_string()
    };
    at("2026-11-29T08:00:00Z", &["workspace", "create", "fin_ws"]);
    at(
        "2026-11-30T08:00:00Z",
        &["--as", "alice", "workspace", "create", "lab_ws"],
    );
    at(
        "2026-11-30T09:00:00Z",
        &["member", "role", "lab_ws", "alice", "--grant", "dev"],
    );
    at(
        "2026-12-01T08:00:00Z",
        &["workspace", "update", "FIN_WS", "--description", "tax"],
    );
    let seqs = |args: &[&str]| -> Vec<i64> {
        let mut a = vec!["audit", "list", "-o", "json"];
        a.extend(args);
        env.json(&a)
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["seq"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(seqs(&[]), [1, 2, 3, 4, 5, 6]);
    assert_eq!(seqs(&["--workspace", "fin_ws"]), [3, 6]);
    assert_eq!(seqs(&["--workspace", "LAB_WS"]), [4, 5]);
    assert_eq!(seqs(&["--actor", "alice"]), [4]);
    assert_eq!(seqs(&["--actor", "ALICE"]), [4]);
    assert_eq!(seqs(&["--actor", "1000000000000001"]), [4]);
    assert_eq!(seqs(&["--actor", ACCOUNT]), [1, 2, 3, 5, 6]);
    assert_eq!(seqs(&["--action", "workspace"]), [3, 4, 6]);
    assert_eq!(seqs(&["--action", "workspace.create"]), [3, 4]);
    assert_eq!(seqs(&["--action", "work"]), Vec::<i64>::new());
    assert_eq!(seqs(&["--action", "member.role"]), [5]);
    assert_eq!(seqs(&["--since", "2026-11-30"]), [4, 5, 6]);
    assert_eq!(seqs(&["--since", "2026-11-30T09:00:00Z"]), [5, 6]);
    assert_eq!(seqs(&["--until", "2026-11-30T09:00:00Z"]), [1, 2, 3, 4]);
    assert_eq!(
        seqs(&["--since", "2026-11-30", "--until", "2026-12-01"]),
        [4, 5]
    );
    assert_eq!(seqs(&["--since", "2026-11-30T10:00:00+01:00"]), [5, 6]);
    assert_eq!(
        seqs(&[
            "--workspace",
            "lab_ws",
            "--actor",
            "root",
            "--action",
            "member"
        ]),
        [5]
    );
    // The newest N, oldest first.
    assert_eq!(seqs(&["--limit", "2"]), [5, 6]);
    assert_eq!(seqs(&["--limit", "1", "--workspace", "fin_ws"]), [6]);
    assert_eq!(seqs(&["--limit", "0"]), Vec::<i64>::new());
    // Bad filters are usage errors; unknown names match nothing.
    let bytes = env.bytes();
    env.run(&["audit", "list", "--since", "yesterday"])
        .fails(2, "invalid timestamp 'yesterday'");
    env.run(&["audit", "list", "--limit", "many"])
        .fails(2, "invalid value 'many' for '--limit <N>'");
    assert_eq!(seqs(&["--actor", "nobody"]), Vec::<i64>::new());
    assert_eq!(seqs(&["--workspace", "nope_ws"]), Vec::<i64>::new());
    assert_eq!(env.bytes(), bytes);
}

#[test]
fn audit_list_shows_the_newest_100_by_default() {
    let env = Env::new();
    // 101 more events: refusals are events too, and cheap.
    for _ in 0..101 {
        assert_eq!(
            env.run(&["user", "update", "root", "--full-access", "false"])
                .code,
            6
        );
    }
    let list = env.json(&["audit", "list", "-o", "json"]);
    let seqs: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, (3..=102).collect::<Vec<_>>());
    check_chain(&all_events(&env));
}

/// The table `audit verify` prints for a broken chain of the `tampered` catalog.
fn verdict(events: i64, first_bad: i64, message: &str) -> String {
    format!(
        " FIELD          VALUE\n ok             no\n events         {events}\n first_bad_seq  {first_bad}\n anchors        0\n message        {message}\n"
    )
}

/// A catalog with some history, and a connection that may rewrite it.
fn tampered(sql: &str) -> (Env, Run) {
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    env.run(&["member", "add", "fin_ws", "alice", "--role", "dev"])
        .ok();
    env.make_audit_editable();
    env.sql(sql);
    let r = env.run(&["audit", "verify"]);
    (env, r)
}

#[test]
fn audit_verify_names_the_first_event_that_does_not_match() {
    // The log refuses edits as it is.
    let env = Env::new();
    for sql in [
        "UPDATE audit SET outcome = 'denied' WHERE seq = 1",
        "DELETE FROM audit",
    ] {
        let e = env.try_sql(sql).unwrap_err();
        assert!(e.contains("audit events are append-only"), "{e}");
    }

    // Details changed behind dwctl's back.
    let (env, r) = tampered(
        "UPDATE audit SET details = '{\"after\":{\"roles\":[\"role_project_admin\"]}}' WHERE seq = 4;",
    );
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: the audit chain is broken: event 4 does not match its hash: it was changed, or an earlier one was\n\
         hint: restore the catalog from a backup; events before the broken one are intact\n"
    );
    let v = env.run(&["audit", "verify", "-o", "json"]);
    assert_eq!(v.code, 9);
    assert_eq!(
        v.json(),
        json!({"ok": false, "events": 4, "first_bad_seq": 4, "anchors": 0,
               "message": "event 4 does not match its hash: it was changed, or an earlier one was"})
    );
    assert_eq!(v.json_error()["code"], "negative_result");
    // An earlier event changed: the first bad one is named, not the last.
    let (_, r) = tampered("UPDATE audit SET actor = 'alice' WHERE seq = 2;");
    r.negative(
        "event 2 does not match its hash",
        &verdict(
            4,
            2,
            "event 2 does not match its hash: it was changed, or an earlier one was",
        ),
    );
    // A hash rewritten: that event fails.
    let (_, r) = tampered(&format!(
        "UPDATE audit SET hash = '{}' WHERE seq = 3;",
        "a".repeat(64)
    ));
    r.negative(
        "event 3 does not match its hash",
        &verdict(
            4,
            3,
            "event 3 does not match its hash: it was changed, or an earlier one was",
        ),
    );
    // An event removed.
    let (_, r) = tampered("DELETE FROM audit WHERE seq = 2;");
    r.negative(
        "error: the audit chain is broken: event 3 follows event 1 (an event is missing)",
        &verdict(3, 3, "event 3 follows event 1 (an event is missing)"),
    );
    // The last one removed cannot be seen by the chain alone; the rest still verifies.
    let (_, r) = tampered("DELETE FROM audit WHERE seq = 4;");
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn who_may_read_the_audit_log() {
    let env = Env::new();
    for args in [
        &["user", "add", "alice"][..],
        &["user", "add", "bob"],
        &["user", "add", "fa", "--full-access"],
        &["workspace", "create", "fin_ws"],
        &["workspace", "create", "lab_ws"],
        &["member", "add", "fin_ws", "alice", "--role", "admin"],
        &["member", "add", "lab_ws", "alice", "--role", "guest"],
        &["member", "add", "fin_ws", "bob", "--role", "ops"],
        &["workspace", "update", "lab_ws", "--description", "x"],
    ] {
        env.run(args).ok();
    }
    let seqs = |actor: &str| -> Vec<i64> {
        env.json(&["--as", actor, "audit", "list", "-o", "json"])
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["seq"].as_i64().unwrap())
            .collect()
    };
    let everything: Vec<i64> = (1..=10).collect();
    assert_eq!(seqs("root"), everything);
    assert_eq!(seqs("fa"), everything);
    // alice administers fin_ws: its events only (not lab_ws, where she is a guest, nor
    // the tenant-level ones).
    assert_eq!(seqs("alice"), [5, 7, 9]);
    // A filter cannot widen that.
    let v = env.json(&[
        "--as",
        "alice",
        "audit",
        "list",
        "--workspace",
        "lab_ws",
        "-o",
        "json",
    ]);
    assert_eq!(v, json!([]));
    let v = env.json(&[
        "--as", "alice", "audit", "list", "--actor", "root", "-o", "json",
    ]);
    assert_eq!(v.as_array().unwrap().len(), 3);
    // ops administers nothing.
    assert_eq!(seqs("bob"), Vec::<i64>::new());
    // Verifying reads the whole log: tenant administrators only.
    let rows = env.rows();
    let events = env.events();
    let r = env.run(&["--as", "alice", "audit", "verify"]);
    r.fails(5, "error: alice may not verify the whole audit log");
    assert!(r
        .stderr
        .contains("hint: this needs the account or a RAM user with full access"));
    assert_eq!((env.rows(), env.events()), (rows, events));
    assert_eq!(
        env.json(&["--as", "fa", "audit", "verify", "-o", "json"])["ok"],
        true
    );
}

#[test]
fn events_name_workspaces_and_targets_as_stored_whatever_was_typed() {
    let env = Env::new();
    for args in [
        &["user", "add", "alice"][..],
        &["workspace", "create", "fin_ws"],
        &["member", "add", "fin_ws", "alice", "--role", "guest"],
        &["resourcegroup", "create", "rg_etl"],
    ] {
        env.run(args).ok();
    }
    let before = env.events().len();
    for (args, code) in [
        (
            &[
                "--as",
                "ALICE",
                "workspace",
                "update",
                "FIN_WS",
                "--description",
                "x",
            ][..],
            5,
        ),
        (&["--as", "alice", "workspace", "disable", "Fin_Ws"], 5),
        (
            &["--as", "alice", "workspace", "upgrade", "FIN_WS", "--yes"],
            5,
        ),
        (
            &["--as", "alice", "resourcegroup", "bind", "RG_ETL", "FIN_WS"],
            5,
        ),
        (
            &[
                "--as", "alice", "member", "add", "FIN_WS", "ROOT", "--role", "dev",
            ],
            5,
        ),
        (
            &[
                "--as",
                "alice",
                "user",
                "update",
                "ALICE",
                "--display-name",
                "A",
            ],
            5,
        ),
        (&["workspace", "restore", "FIN_WS"], 6),
        (&["member", "remove", "FIN_WS", "ROOT", "--yes"], 6),
        (&["workspace", "update", "FIN_WS", "--description", "y"], 0),
        (&["resourcegroup", "bind", "RG_ETL", "FIN_WS"], 0),
        (&["resourcegroup", "unbind", "rg_etl", "fin_ws"], 0),
    ] {
        assert_eq!(env.run(args).code, code, "{args:?}");
    }
    let got: Vec<(String, Option<String>, Option<String>)> = env.events()[before..]
        .iter()
        .map(|e| (e.actor.clone(), e.workspace.clone(), e.target.clone()))
        .collect();
    let s = |x: &str| Some(x.to_string());
    let want = vec![
        ("alice".to_string(), s("fin_ws"), s("fin_ws")),
        ("alice".into(), s("fin_ws"), s("fin_ws")),
        ("alice".into(), s("fin_ws"), s("fin_ws")),
        ("alice".into(), s("fin_ws"), s("rg_etl")),
        ("alice".into(), s("fin_ws"), s("root")),
        ("alice".into(), None, s("alice")),
        ("root".into(), s("fin_ws"), s("fin_ws")),
        ("root".into(), s("fin_ws"), s("root")),
        ("root".into(), s("fin_ws"), s("fin_ws")),
        ("root".into(), s("fin_ws"), s("rg_etl")),
        ("root".into(), s("fin_ws"), s("rg_etl")),
    ];
    assert_eq!(got, want);
}

/// The hashes `check_chain` computes, for a log rewritten from event `from` on.
fn rehash(events: &mut [Value], from: usize) {
    let mut prev = if from == 1 {
        "0".repeat(64)
    } else {
        events[from - 2]["hash"].as_str().unwrap().to_string()
    };
    for e in events.iter_mut().skip(from - 1) {
        let mut body = e.clone();
        body.as_object_mut().unwrap().remove("hash");
        let mut h = Sha256::new();
        h.update(prev.as_bytes());
        h.update(canonical(&body).as_bytes());
        let hash: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        e["hash"] = json!(hash);
        prev = hash;
    }
}

/// Issue 11, section 7: `audit head` prints an anchor to keep elsewhere; `audit verify
/// --expect SEQ:HASH` notices the newest events deleted, and an event rewritten with the
/// chain re-hashed after it, which the chain alone cannot.
#[test]
fn audit_head_anchors_the_log_outside_the_file() {
    let env = Env::new();
    env.run(&["user", "add", "alice"]).ok();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    env.run(&["member", "add", "fin_ws", "alice", "--role", "dev"])
        .ok();
    let events = all_events(&env);
    let n = events.len();
    let hash_of = |seq: usize| events[seq - 1]["hash"].as_str().unwrap().to_string();
    let head = format!("{n}:{}", hash_of(n));

    // The head: one line, the object under the other formats; reading it changes nothing.
    let rows = (env.rows(), env.events());
    let r = env.run(&["audit", "head"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, format!("{head}\n").as_str(), "")
    );
    assert_eq!(
        env.json(&["audit", "head", "-o", "json"]),
        json!({"seq": n, "hash": hash_of(n)})
    );
    assert_eq!(
        env.run(&["audit", "head", "-o", "csv"]).stdout,
        format!("seq,hash\n{n},{}\n", hash_of(n))
    );
    assert_eq!(rows, (env.rows(), env.events()));
    // Only who may verify the whole log may read its head.
    env.run(&["--as", "alice", "audit", "head"]).fails(
        5,
        "error: alice may not read the head of the whole audit log",
    );
    assert_eq!(rows, (env.rows(), env.events()));

    // Unchanged: every anchor holds, in any case, any number of them.
    let first = format!("1:{}", hash_of(1).to_uppercase());
    let r = env.run(&["audit", "verify", "--expect", &head, "--expect", &first]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!("the audit chain of {n} events verifies and holds the 2 expected events\n")
    );
    let v = env.json(&["audit", "verify", "--expect", &head, "-o", "json"]);
    assert_eq!(
        v,
        json!({"ok": true, "events": n, "first_bad_seq": null, "anchors": 1,
               "message": format!("the audit chain of {n} events verifies and holds the expected event")})
    );
    // The chain's start always holds.
    env.run(&[
        "audit",
        "verify",
        "--expect",
        &format!("0:{}", "0".repeat(64)),
    ])
    .ok();

    // The newest events deleted: the chain still verifies; the anchor does not.
    let cut = env.fork();
    cut.make_audit_editable();
    cut.sql(&format!("DELETE FROM audit WHERE seq > {};", n - 2));
    cut.run(&["audit", "verify"]).ok();
    let r = cut.run(&["audit", "verify", "--expect", &head]);
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "error: the audit chain is broken: the log ends at event {}, but event {n} was recorded: the newest events were deleted\n\
             hint: restore the catalog from a backup that holds event {n} with that hash\n",
            n - 2
        )
    );
    let r = cut.run(&["audit", "verify", "--expect", &head, "-o", "json"]);
    assert_eq!(r.code, 9);
    assert_eq!(r.json()["ok"], false);
    assert_eq!(r.json()["first_bad_seq"], n as i64 - 1);
    // An anchor the shorter log still reaches holds.
    cut.run(&["audit", "verify", "--expect", &first]).ok();

    // Event 2 rewritten and every hash after it recomputed: the chain verifies, the
    // anchors at or after event 2 do not; the one before it still holds.
    let forged = env.fork();
    let mut rewritten = events.clone();
    rewritten[1]["actor"] = json!("mallory");
    rehash(&mut rewritten, 2);
    forged.make_audit_editable();
    for e in &rewritten[1..] {
        forged.sql(&format!(
            "UPDATE audit SET actor = {}, hash = {} WHERE seq = {}",
            sql_text(e["actor"].as_str().unwrap()),
            sql_text(e["hash"].as_str().unwrap()),
            e["seq"].as_i64().unwrap()
        ));
    }
    forged.run(&["audit", "verify"]).ok();
    assert_eq!(all_events(&forged)[1]["actor"], "mallory");
    let r = forged.run(&["audit", "verify", "--expect", &head]);
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "error: the audit chain is broken: event {n} has hash {}, not the expected {}: the log was rewritten at or before event {n}\n\
             hint: restore the catalog from a backup that holds event {n} with that hash\n",
            rewritten[n - 1]["hash"].as_str().unwrap(),
            hash_of(n)
        )
    );
    let second = format!("2:{}", hash_of(2));
    // Several anchors: the lowest one that fails is named.
    let r = forged.run(&[
        "audit", "verify", "--expect", &first, "--expect", &head, "--expect", &second,
    ]);
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert!(r.stderr.contains("event 2 has hash"), "{}", r.stderr);
    assert!(r.stdout.contains(" first_bad_seq  2\n"), "{}", r.stdout);
    forged.run(&["audit", "verify", "--expect", &first]).ok();

    // A malformed anchor is exit 2, before anything is read.
    for bad in [
        "",
        "5",
        ":abc",
        &format!("x:{}", hash_of(1)),
        &format!("-1:{}", hash_of(1)),
        &format!("1:{}", &hash_of(1)[1..]),
        &format!("1:{}0", hash_of(1)),
        &format!("1:{}", "g".repeat(64)),
        &format!("99999999999999999999:{}", hash_of(1)),
        &format!("1 :{}", hash_of(1)),
        // Seq 0 is every chain's start: only 64 zeros (not "the log was rewritten", 9).
        &format!("0:{}", hash_of(1)),
    ] {
        let arg = format!("--expect={bad}");
        let r = env.refused(&["audit", "verify", &arg], 2, "invalid anchor");
        assert!(r.stdout.is_empty(), "{bad}: {}", r.stdout);
        assert!(
            r.stderr.contains("hint: an anchor is SEQ:HASH"),
            "{}",
            r.stderr
        );
    }
}

/// The newest event's hash, edited to what dwctl never writes: `audit head` is exit 7
/// naming the row and column (never an anchor `--expect` would refuse, such as `N:zzz`),
/// and a change refuses to chain its event to it (nothing written).
#[test]
fn a_head_dwctl_never_wrote_is_exit_7_not_an_anchor() {
    if file_only() {
        return;
    }
    let base = Env::new();
    base.run(&["user", "add", "alice"]).ok();
    let n = base.events().len();
    for value in ["'zzz'", "upper(hash)", "NULL", "hash || '0'", "X'00'"] {
        let env = base.fork();
        let sql = format!(
            "PRAGMA ignore_check_constraints = ON; DROP TRIGGER audit_no_update; \
             UPDATE audit SET hash = {value} WHERE seq = {n}"
        );
        let conn = rusqlite::Connection::open(&env.catalog).unwrap();
        if conn.execute_batch(&sql).is_err() {
            // NOT NULL holds: SQLite itself refuses that value.
            continue;
        }
        drop(conn);
        let before = env.events();
        for args in [
            &["audit", "head"][..],
            &["audit", "head", "-o", "json"],
            &["user", "add", "bob"],
        ] {
            let r = env.run(args);
            r.fails(7, &format!("table audit, row seq={n}, column hash"));
            assert!(r.stderr.contains("dwctl catalog backup"), "{}", r.stderr);
        }
        assert_eq!(env.events(), before, "{value}: changed");
    }
}
