//! Memberships that expire and suspended members (issue 16, parts 3 and 5): `--expires`,
//! `member update`, `member suspend`/`resume`, `member prune --expired`, what such a
//! membership grants (nothing), `check` DW011-DW013 and manifests.

use crate::harness::*;
use serde_json::{json, Value};

/// bob (admin of fin_ws until the end of 2026-12-31), carol (dev), dana (not a member).
fn setup() -> Env {
    let env = Env::new();
    for args in [
        &["user", "add", "bob"][..],
        &["user", "add", "carol"],
        &["user", "add", "dana"],
        &["workspace", "create", "fin_ws"],
        &["member", "add", "fin_ws", "carol", "--role", "dev"],
    ] {
        env.run(args).ok();
    }
    env
}

/// `args` run at `now` instead of the harness's pinned clock.
fn at(env: &Env, now: &str, args: &[&str]) -> Run {
    let mut c = env.cmd(args);
    c.env("DWCTL_NOW", now);
    Env::output(c)
}

/// bob a guest until the end of 2027-01-15, carol suspended.
fn bob_expiring_carol_suspended(env: &Env) {
    env.run(&[
        "member",
        "add",
        "fin_ws",
        "bob",
        "--role",
        "guest",
        "--expires",
        "2027-01-15",
    ])
    .ok();
    env.run(&["member", "suspend", "fin_ws", "carol"]).ok();
}

fn member(env: &Env, user: &str) -> Value {
    env.json(&["member", "show", "fin_ws", user, "-o", "json"])
}

#[test]
fn a_date_expires_at_the_end_of_that_day_and_a_duration_counts_from_now() {
    let env = setup();
    let (r, e) = env.changes(&[
        "member",
        "add",
        "fin_ws",
        "bob",
        "--role",
        "admin",
        "--expires",
        "2026-12-31",
        "-o",
        "json",
    ]);
    assert_eq!(r.json()["result"]["expires_at"], "2026-12-31T23:59:59.999Z");
    assert_eq!(r.json()["result"]["status"], "normal");
    assert_eq!(
        e.details,
        json!({"after": {"roles": ["role_project_admin"], "expires_at": "2026-12-31T23:59:59.999Z"}})
    );
    // NOW is 2026-11-28T10:00:00Z.
    let (_, e) = env.changes(&["member", "update", "fin_ws", "bob", "--expires", "30d"]);
    assert_eq!(
        e.key(),
        ("root", "member.update", Some("fin_ws"), Some("bob"), "ok")
    );
    assert_eq!(
        e.details,
        json!({"before": {"status": "normal", "expires_at": "2026-12-31T23:59:59.999Z"},
               "after": {"status": "normal", "expires_at": "2026-12-28T10:00:00.000Z"}})
    );
    assert_eq!(
        member(&env, "bob")["expires_at"],
        "2026-12-28T10:00:00.000Z"
    );
    env.changes(&["member", "update", "fin_ws", "bob", "--no-expiry"]);
    assert_eq!(member(&env, "bob")["expires_at"], Value::Null);
    // Unchanged: no event.
    let before = env.events().len();
    env.run(&["member", "update", "fin_ws", "bob", "--no-expiry"])
        .ok();
    assert_eq!(env.events().len(), before);
    // --dry-run writes nothing.
    let r = env.run(&[
        "member",
        "update",
        "fin_ws",
        "bob",
        "--expires",
        "2w",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(r.json()["result"]["expires_at"], "2026-12-12T10:00:00.000Z");
    assert_eq!(member(&env, "bob")["expires_at"], Value::Null);
}

#[test]
fn a_time_in_the_past_or_a_bad_expiry_is_refused() {
    let env = setup();
    for (when, needle) in [
        (
            "2026-11-27",
            "the expiry 2026-11-27T23:59:59.999Z is not in the future",
        ),
        ("2026-11-28T10:00:00Z", "is not in the future"),
        ("30y", "invalid expiry '30y'"),
        ("soon", "invalid expiry 'soon'"),
        ("0d", "invalid expiry '0d'"),
    ] {
        env.refused(
            &[
                "member",
                "add",
                "fin_ws",
                "bob",
                "--role",
                "dev",
                "--expires",
                when,
            ],
            2,
            needle,
        );
        env.refused(
            &["member", "update", "fin_ws", "carol", "--expires", when],
            2,
            needle,
        );
    }
    // Today is still in the future until its last millisecond.
    env.run(&[
        "member",
        "add",
        "fin_ws",
        "bob",
        "--role",
        "dev",
        "--expires",
        "2026-11-28",
    ])
    .ok();
    env.refused(&["member", "update", "fin_ws", "carol"], 2, "--expires");
    env.refused(
        &[
            "member",
            "update",
            "fin_ws",
            "carol",
            "--expires",
            "1d",
            "--no-expiry",
        ],
        2,
        "cannot be used with",
    );
}

#[test]
fn the_owner_can_neither_expire_nor_be_suspended() {
    let env = setup();
    env.refused_event(
        &["member", "update", "fin_ws", "root", "--expires", "1d"],
        6,
        "root is the owner of fin_ws and cannot expire",
        ("member.update", Some("fin_ws"), Some("root")),
    );
    env.refused_event(
        &["member", "suspend", "fin_ws", "root"],
        6,
        "root is the owner of fin_ws and cannot be suspended",
        ("member.suspend", Some("fin_ws"), Some("root")),
    );
    // --no-expiry on the owner changes nothing and is no refusal.
    env.run(&["member", "update", "fin_ws", "root", "--no-expiry"])
        .ok();
    // Nobody suspends their own membership but a tenant administrator.
    env.run(&["member", "add", "fin_ws", "bob", "--role", "admin"])
        .ok();
    env.refused_event(
        &["--as", "bob", "member", "suspend", "fin_ws", "bob"],
        6,
        "bob may not suspend their own membership of fin_ws",
        ("member.suspend", Some("fin_ws"), Some("bob")),
    );
}

#[test]
fn from_its_expiry_on_a_membership_grants_nothing() {
    let env = setup();
    env.run(&[
        "member",
        "add",
        "fin_ws",
        "bob",
        "--role",
        "admin",
        "--expires",
        "2026-12-31",
    ])
    .ok();
    let last_ms = "2026-12-31T23:59:59.998Z";
    let expired = "2026-12-31T23:59:59.999Z";
    // Before the instant: an admin.
    let r = at(
        &env,
        last_ms,
        &[
            "--as", "bob", "member", "add", "fin_ws", "dana", "--role", "guest",
        ],
    );
    r.ok();
    at(
        &env,
        last_ms,
        &["--as", "bob", "member", "remove", "fin_ws", "dana", "--yes"],
    )
    .ok();
    // From it: no member at all (the workspace is not found, nothing is listed).
    for args in [
        &["--as", "bob", "member", "list", "fin_ws"][..],
        &["--as", "bob", "workspace", "show", "fin_ws"],
        &[
            "--as", "bob", "member", "add", "fin_ws", "dana", "--role", "guest",
        ],
        &["--as", "bob", "datasource", "list", "fin_ws"],
    ] {
        at(&env, expired, args).fails(3, "workspace fin_ws not found");
    }
    let list = at(
        &env,
        expired,
        &["--as", "bob", "workspace", "list", "-o", "json"],
    );
    assert_eq!(list.json(), json!([]));
    let who = at(&env, expired, &["--as", "bob", "whoami", "-o", "json"]);
    assert_eq!(who.json()["workspaces"], json!([]));
    // Administrators still see it, with when it expired.
    let m = at(
        &env,
        expired,
        &["member", "show", "fin_ws", "bob", "-o", "json"],
    )
    .json();
    assert_eq!(m["expires_at"], expired);
    // Extending it gives the roles back.
    env.run(&[
        "member",
        "update",
        "fin_ws",
        "bob",
        "--expires",
        "2027-06-30",
    ])
    .ok();
    at(&env, expired, &["--as", "bob", "member", "list", "fin_ws"]).ok();
}

#[test]
fn a_suspended_member_keeps_its_roles_and_history_but_is_granted_nothing() {
    let env = setup();
    env.run(&["member", "add", "fin_ws", "bob", "--role", "admin"])
        .ok();
    let (r, e) = env.changes(&["member", "suspend", "fin_ws", "bob", "-o", "json"]);
    assert_eq!(
        e.key(),
        ("root", "member.suspend", Some("fin_ws"), Some("bob"), "ok")
    );
    assert_eq!(
        e.details,
        json!({"before": {"status": "normal", "expires_at": null},
               "after": {"status": "suspended", "expires_at": null}})
    );
    let m = r.json()["result"].clone();
    assert_eq!(m["status"], "suspended");
    assert_eq!(m["roles"], json!(["role_project_admin"]));
    // Suspending again changes nothing.
    let before = env.events().len();
    let r = env.run(&["member", "suspend", "fin_ws", "bob", "-o", "json"]);
    assert_eq!(r.json()["changed"], false);
    assert_eq!(env.events().len(), before);
    env.run(&["--as", "bob", "member", "list", "fin_ws"])
        .fails(3, "workspace fin_ws not found");
    env.run(&["--as", "bob", "audit", "list", "-o", "json"])
        .ok();
    // Its roles may still change; they count once it is resumed.
    env.run(&["member", "role", "fin_ws", "bob", "--grant", "analyst"])
        .ok();
    let (_, e) = env.changes(&["member", "resume", "fin_ws", "bob"]);
    assert_eq!(
        e.key(),
        ("root", "member.resume", Some("fin_ws"), Some("bob"), "ok")
    );
    env.run(&[
        "--as", "bob", "member", "add", "fin_ws", "dana", "--role", "guest",
    ])
    .ok();
    assert_eq!(member(&env, "bob")["status"], "normal");
    // Suspension works in a disabled workspace (like remove); resuming needs it available.
    env.run(&["workspace", "disable", "fin_ws"]).ok();
    env.run(&["member", "suspend", "fin_ws", "carol"]).ok();
    env.refused_event(
        &["member", "resume", "fin_ws", "carol"],
        6,
        "workspace fin_ws is disabled: cannot resume members",
        ("member.resume", Some("fin_ws"), Some("carol")),
    );
    // Not a member: exit 3.
    env.refused(&["member", "suspend", "fin_ws", "nobody"], 3, "nobody");
}

#[test]
fn status_and_expiry_are_shown_in_every_format() {
    let env = setup();
    bob_expiring_carol_suspended(&env);
    let table = env.run(&["member", "list", "fin_ws"]);
    let header = table.stdout.lines().next().unwrap().to_string();
    assert!(
        header.contains("STATUS") && header.contains("EXPIRES AT"),
        "{header}"
    );
    let line = |u: &str| {
        table
            .stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(u))
            .unwrap()
            .to_string()
    };
    assert!(line("bob").contains("normal") && line("bob").contains("2027-01-15T23:59:59.999Z"));
    assert!(line("carol").contains("suspended"));
    let csv = env.run(&["member", "list", "fin_ws", "-o", "csv"]).stdout;
    let mut rows = csv.lines();
    assert_eq!(
        rows.next().unwrap(),
        "workspace,user,user_id,kind,roles,status,expires_at,added_at,added_by"
    );
    assert!(csv.contains(",normal,2027-01-15T23:59:59.999Z,"), "{csv}");
    assert!(csv.contains(",suspended,,"), "{csv}");
    let jsonl = env.run(&["member", "list", "fin_ws", "-o", "jsonl"]).stdout;
    let bob: Value = jsonl
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["user"] == "bob")
        .unwrap();
    assert_eq!(bob["expires_at"], "2027-01-15T23:59:59.999Z");
    let show = env.run(&["member", "show", "fin_ws", "carol"]).stdout;
    assert!(show.contains("suspended"), "{show}");
}

#[test]
fn prune_removes_expired_memberships_one_event_each_after_asking() {
    let env = setup();
    env.run(&["workspace", "create", "ops_ws"]).ok();
    env.run(&[
        "member",
        "add",
        "fin_ws",
        "bob",
        "--role",
        "guest",
        "--expires",
        "1d",
    ])
    .ok();
    env.run(&[
        "member",
        "add",
        "ops_ws",
        "bob",
        "--role",
        "guest",
        "--expires",
        "2d",
    ])
    .ok();
    env.run(&[
        "member",
        "add",
        "ops_ws",
        "dana",
        "--role",
        "admin",
        "--expires",
        "30d",
    ])
    .ok();
    let later = "2026-12-05T00:00:00Z";
    // Nothing expired yet.
    let r = env.run(&["member", "prune", "--expired", "--yes", "-o", "json"]);
    assert_eq!(r.json()["changed"], false);
    assert_eq!(r.json()["result"], json!([]));
    // A dry run lists them; without --yes (no terminal) it asks: exit 8, nothing changed.
    let r = at(
        &env,
        later,
        &["member", "prune", "--expired", "--dry-run", "-o", "json"],
    );
    let users: Vec<(String, String)> = r.json()["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["workspace"].as_str().unwrap().into(),
                m["user"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        users,
        [
            ("fin_ws".into(), "bob".into()),
            ("ops_ws".into(), "bob".into())
        ]
    );
    let rows = env.rows();
    at(&env, later, &["member", "prune", "--expired"]).fails(
        8,
        "Remove 2 expired memberships (bob in fin_ws, bob in ops_ws)?",
    );
    assert_eq!(env.rows(), rows);
    // One workspace.
    let before = env.events().len();
    at(
        &env,
        later,
        &["member", "prune", "--expired", "ops_ws", "--yes"],
    )
    .ok();
    let events = env.events();
    assert_eq!(events.len(), before + 1);
    assert_eq!(
        events.last().unwrap().key(),
        ("root", "member.prune", Some("ops_ws"), Some("bob"), "ok")
    );
    // Every workspace the actor manages: dana (admin of ops_ws only) prunes nothing in
    // fin_ws, and is refused when naming it.
    let r = at(
        &env,
        later,
        &[
            "--as",
            "dana",
            "member",
            "prune",
            "--expired",
            "--yes",
            "-o",
            "json",
        ],
    );
    assert_eq!(r.json()["result"], json!([]));
    at(
        &env,
        later,
        &[
            "--as",
            "dana",
            "member",
            "prune",
            "--expired",
            "fin_ws",
            "--yes",
        ],
    )
    .fails(3, "workspace fin_ws not found");
    env.run(&["member", "add", "fin_ws", "dana", "--role", "dev"])
        .ok();
    at(
        &env,
        later,
        &[
            "--as",
            "dana",
            "member",
            "prune",
            "--expired",
            "fin_ws",
            "--yes",
        ],
    )
    .fails(5, "dana may not prune expired members of fin_ws");
    at(&env, later, &["member", "prune", "--expired", "--yes"]).ok();
    assert_eq!(
        env.events().last().unwrap().key(),
        ("root", "member.prune", Some("fin_ws"), Some("bob"), "ok")
    );
    env.run(&["member", "show", "fin_ws", "bob"])
        .fails(3, "bob is not a member of fin_ws");
    // --expired is required.
    env.run(&["member", "prune"]).fails(2, "--expired");
}

#[test]
fn check_reports_expiring_expired_and_workspaces_not_created_by_the_account() {
    let env = setup();
    env.run(&["user", "add", "fa", "--full-access"]).ok();
    env.run(&["--as", "fa", "workspace", "create", "fa_ws"])
        .ok();
    env.run(&[
        "member",
        "add",
        "fin_ws",
        "bob",
        "--role",
        "admin",
        "--expires",
        "3d",
    ])
    .ok();
    env.run(&[
        "member",
        "add",
        "fin_ws",
        "dana",
        "--role",
        "guest",
        "--expires",
        "10d",
    ])
    .ok();
    let findings = |now: &str, ws: &str| -> Vec<(String, String, String)> {
        at(&env, now, &["check", ws, "-o", "json"])
            .json()
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| ["DW010", "DW011", "DW012", "DW013"].contains(&f["rule"].as_str().unwrap()))
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().into(),
                    f["severity"].as_str().unwrap().into(),
                    f["object"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    let t = |r: &str, s: &str, o: &str| (r.to_string(), s.to_string(), o.to_string());
    assert_eq!(findings(NOW, "fin_ws"), [t("DW011", "info", "bob")]);
    // Four days on: bob's has expired (and no RAM admin is left); dana's is within 7 days.
    assert_eq!(
        findings("2026-12-02T10:00:00Z", "fin_ws"),
        [
            t("DW010", "info", "fin_ws"),
            t("DW011", "info", "dana"),
            t("DW012", "warning", "bob"),
        ]
    );
    let f = at(
        &env,
        "2026-12-02T10:00:00Z",
        &["check", "fin_ws", "-o", "json"],
    )
    .json();
    let dw012 = f
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "DW012")
        .unwrap();
    assert_eq!(
        dw012["hint"],
        "prune it: dwctl member prune --expired fin_ws (or extend it: dwctl member update fin_ws bob --expires DATE)"
    );
    // --strict fails on the warning, after printing the findings.
    let strict = at(
        &env,
        "2026-12-02T10:00:00Z",
        &["check", "fin_ws", "--strict"],
    );
    assert_eq!(strict.code, 9, "{}", strict.stderr);
    assert!(strict.stdout.contains("DW012"));
    assert_eq!(findings(NOW, "fa_ws"), [t("DW013", "warning", "fa_ws")]);
    let f = env.json(&["check", "fa_ws", "-o", "json"]);
    let dw013 = f
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "DW013")
        .unwrap();
    assert_eq!(
        dw013["message"],
        "fa_ws was created by fa, not by the Alibaba Cloud account (root): workspaces should be created by the account"
    );
}

#[test]
fn manifests_carry_expiry_and_status_and_round_trip() {
    let env = setup();
    bob_expiring_carol_suspended(&env);
    for (file, bob, carol) in [
        (
            "m.toml",
            "[[workspace.member]]\nuser = \"bob\"\nroles = [\"role_project_guest\"]\nexpires = \"2027-01-15T23:59:59.999Z\"\n",
            "[[workspace.member]]\nuser = \"carol\"\nroles = [\"role_project_dev\"]\nstatus = \"suspended\"\n",
        ),
        (
            "m.json",
            "\"expires\": \"2027-01-15T23:59:59.999Z\"",
            "\"status\": \"suspended\"",
        ),
    ] {
        let p = env.path().join(file);
        env.run(&["export", "--all", "--file", p.to_str().unwrap()]).ok();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(bob), "{text}");
        assert!(text.contains(carol), "{text}");
        // Into a new catalog, and back: the same bytes.
        let other = Env::new();
        other.run(&["apply", "--file", p.to_str().unwrap()]).ok();
        let q = other.path().join(format!("again-{file}"));
        other.run(&["export", "--all", "--file", q.to_str().unwrap()]).ok();
        assert_eq!(std::fs::read_to_string(&q).unwrap(), text, "{file}");
        assert_eq!(
            other.json(&["member", "show", "fin_ws", "carol", "-o", "json"])["status"],
            "suspended"
        );
    }
    // An entry without them means no expiry and normal: apply clears them, and says so.
    let p = env.path().join("plain.toml");
    env.run(&["export", "--all", "--file", p.to_str().unwrap()])
        .ok();
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("expires = \"2027-01-15T23:59:59.999Z\"\n", "")
        .replace("status = \"suspended\"\n", "");
    std::fs::write(&p, text).unwrap();
    let plan = env
        .run(&["plan", "--file", p.to_str().unwrap(), "-o", "json"])
        .json();
    let changes: Vec<Value> = plan
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "member")
        .cloned()
        .collect();
    assert_eq!(changes.len(), 2, "{plan}");
    env.run(&["apply", "--file", p.to_str().unwrap()]).ok();
    assert_eq!(member(&env, "bob")["expires_at"], Value::Null);
    assert_eq!(member(&env, "carol")["status"], "normal");
    // A past expiry is taken as written (it grants nothing); a duration is refused.
    let past = std::fs::read_to_string(&p).unwrap().replace(
        "user = \"bob\"\nroles = [\"role_project_guest\"]\n",
        "user = \"bob\"\nroles = [\"role_project_guest\"]\nexpires = \"2026-01-01\"\n",
    );
    std::fs::write(&p, &past).unwrap();
    env.run(&["apply", "--file", p.to_str().unwrap()]).ok();
    assert_eq!(
        member(&env, "bob")["expires_at"],
        "2026-01-01T23:59:59.999Z"
    );
    std::fs::write(&p, past.replace("\"2026-01-01\"", "\"30d\"")).unwrap();
    env.run(&["apply", "--file", p.to_str().unwrap()])
        .fails(2, "a manifest takes a date or a time, not a duration");
}
