//! `datasource test` (domain.md 6): a real TCP connection to a listener this test opens,
//! a port it knows is closed, properties that cannot be parsed, modes and types that
//! cannot be tested from here, the timeout, and the workspace states.

use crate::harness::*;
use serde_json::{json, Value};
use std::net::TcpListener;

/// A listener on 127.0.0.1 that stays open while the value lives.
fn listener() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = l.local_addr().unwrap().port();
    (l, port)
}

/// A port that was just free: bound, noted and released.
fn closed_port() -> u16 {
    let (l, port) = listener();
    drop(l);
    port
}

/// fin_ws with a redis data source `cache` at `address`.
fn setup(address: &str) -> Env {
    let env = Env::new();
    env.run(&["workspace", "create", "fin_ws"]).ok();
    env.run(&[
        "datasource",
        "add",
        "fin_ws",
        "cache",
        "--type",
        "redis",
        "--prop",
        &format!("address={address}"),
    ])
    .ok();
    env
}

fn last_test(env: &Env, name: &str) -> Value {
    env.json(&["datasource", "show", "fin_ws", name, "-o", "json"])["last_test"].clone()
}

#[test]
fn a_listening_port_is_connectable_and_the_result_is_stored() {
    let (_l, port) = listener();
    let address = format!("127.0.0.1:{port}");
    let env = setup(&address);
    assert_eq!(last_test(&env, "cache"), Value::Null);
    let (r, e) = env.changes(&["datasource", "test", "FIN_WS", "CACHE", "-o", "json"]);
    let v = r.json();
    let t = v["result"]["last_test"].clone();
    let latency = t["latency_ms"].as_u64().expect("a latency");
    assert!(latency < 3000, "{t}");
    assert_eq!(
        t,
        json!({"state": "connectable", "at": "2026-11-28T10:00:00.000Z", "latency_ms": latency,
               "message": format!("connected to {address} in {latency} ms")})
    );
    assert_eq!(
        (
            v["action"].clone(),
            v["changed"].clone(),
            v["dry_run"].clone()
        ),
        (json!("datasource.test"), json!(true), json!(false))
    );
    assert_eq!(r.stderr, "");
    assert_eq!(
        e.key(),
        (
            "root",
            "datasource.test",
            Some("fin_ws"),
            Some("cache"),
            "ok"
        )
    );
    assert_eq!(e.details, json!({"env": "prod", "result": t}));
    // show and list carry it.
    assert_eq!(last_test(&env, "cache"), t);
    let list = env.json(&["datasource", "list", "fin_ws", "-o", "json"]);
    assert_eq!(list[0]["last_test"], t);
    // At a terminal: the data source, and one status line.
    let r = env.run(&["datasource", "test", "fin_ws", "cache"]);
    r.ok();
    assert!(
        r.stderr.starts_with(&format!(
            "cache (prod) in fin_ws: connectable: connected to {address} in "
        )),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("state=connectable"), "{}", r.stdout);
    // A later test replaces it.
    let mut c = env.cmd(&["datasource", "test", "fin_ws", "cache", "-o", "json"]);
    c.env("DWCTL_NOW", "2026-11-29T08:00:00Z");
    let r = Env::output(c);
    r.ok();
    assert_eq!(last_test(&env, "cache")["at"], "2026-11-29T08:00:00.000Z");
}

#[test]
fn any_address_or_the_endpoint_that_connects_is_enough() {
    let (_l, port) = listener();
    let closed = closed_port();
    let env = setup(&format!("127.0.0.1:{closed}"));
    let cases: Vec<(&str, Vec<String>)> = vec![
        (
            "kafka",
            vec![format!("address=127.0.0.1:{closed},127.0.0.1:{port}")],
        ),
        (
            "elasticsearch",
            vec![format!("endpoint=http://127.0.0.1:{port}")],
        ),
        (
            "maxcompute",
            vec![
                "project=p".into(),
                "endpointMode=Custom".into(),
                format!("endpoint=http://127.0.0.1:{port}/api"),
            ],
        ),
        // A name: resolved first, then each of its addresses tried.
        ("redis", vec![format!("address=localhost:{port}")]),
    ];
    for (ty, props) in &cases {
        let name = format!("ds_{ty}");
        let mut args = vec![
            "datasource".to_string(),
            "add".into(),
            "fin_ws".into(),
            name.clone(),
            "--type".into(),
            ty.to_string(),
            "--mode".into(),
            "url".into(),
        ];
        for p in props {
            args.extend(["--prop".to_string(), p.clone()]);
        }
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        env.run(&a).ok();
        let v = env.json(&["datasource", "test", "fin_ws", &name, "-o", "json"]);
        assert_eq!(
            v["result"]["last_test"]["state"], "connectable",
            "{ty}: {v}"
        );
    }
}

#[test]
fn a_closed_port_is_unreachable_exit_9() {
    let port = closed_port();
    let address = format!("127.0.0.1:{port}");
    let env = setup(&address);
    let before = env.events().len();
    let r = env.run(&["datasource", "test", "fin_ws", "cache"]);
    let message = format!("{address}: connection refused");
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "cache (prod) in fin_ws: unreachable: {message}\n\
             error: cache (prod) is unreachable: {message}\n\
             hint: check the address and port, and that it is reachable from this machine\n"
        )
    );
    // The result is stored, with its event, although the answer is negative.
    let events = env.events();
    assert_eq!(events.len(), before + 1);
    assert_eq!(
        events.last().unwrap().key(),
        (
            "root",
            "datasource.test",
            Some("fin_ws"),
            Some("cache"),
            "ok"
        )
    );
    let t = json!({"state": "unreachable", "at": "2026-11-28T10:00:00.000Z", "latency_ms": null, "message": message});
    assert_eq!(last_test(&env, "cache"), t);
    // Under JSON: the envelope on stdout, the error as the last line of stderr.
    let r = env.run(&["datasource", "test", "fin_ws", "cache", "-o", "json"]);
    assert_eq!(r.code, 9);
    assert_eq!(r.json()["result"]["last_test"], t);
    assert_eq!(
        r.json_error(),
        json!({"code": "negative_result", "exit_code": 9,
               "message": format!("cache (prod) is unreachable: {message}"),
               "hint": "check the address and port, and that it is reachable from this machine"})
    );
}

#[test]
fn properties_that_cannot_be_parsed_are_a_config_error() {
    let env = setup("cache.example.com:6379");
    // The single commands never store such a value; a catalog edited by hand can hold one.
    let conn = rusqlite::Connection::open(&env.catalog).unwrap();
    conn.execute(
        "UPDATE datasource SET properties = ?1 WHERE name = 'cache'",
        [r#"{"address": "cache.example.com:notaport"}"#],
    )
    .unwrap();
    drop(conn);
    let r = env.run(&["datasource", "test", "fin_ws", "cache", "-o", "json"]);
    assert_eq!(r.code, 9, "{}", r.stderr);
    let t = r.json()["result"]["last_test"].clone();
    assert_eq!(
        (t["state"].clone(), t["latency_ms"].clone()),
        (json!("config_error"), Value::Null)
    );
    let message = t["message"].as_str().unwrap();
    assert!(
        message.starts_with("`address` `cache.example.com:notaport` "),
        "{message}"
    );
    let e = r.json_error();
    assert_eq!(
        (e["code"].clone(), e["hint"].clone()),
        (
            json!("negative_result"),
            json!("fix its properties: dwctl datasource update fin_ws cache --env prod")
        )
    );
    assert_eq!(last_test(&env, "cache")["state"], "config_error");
    // No address at all.
    let conn = rusqlite::Connection::open(&env.catalog).unwrap();
    conn.execute(
        "UPDATE datasource SET properties = '{}' WHERE name = 'cache'",
        [],
    )
    .unwrap();
    drop(conn);
    let r = env.run(&["datasource", "test", "fin_ws", "cache", "-o", "json"]);
    assert_eq!(r.code, 9);
    assert_eq!(
        r.json()["result"]["last_test"]["message"],
        "no `address` is set"
    );
}

#[test]
fn instances_clusters_and_self_adapting_maxcompute_are_unsupported_exit_0() {
    let env = setup("cache:6379");
    for args in [
        &[
            "datasource",
            "add",
            "fin_ws",
            "rds",
            "--type",
            "mysql",
            "--prop",
            "instanceId=rm-1",
            "--prop",
            "database=d",
            "--prop",
            "username=u",
            "--prop",
            "password=pw",
        ][..],
        &[
            "datasource",
            "add",
            "fin_ws",
            "hive_cdh",
            "--type",
            "hive",
            "--mode",
            "cdh",
            "--prop",
            "clusterIdentifier=cdh1",
            "--prop",
            "database=d",
        ],
        &[
            "compute",
            "attach",
            "fin_ws",
            "mc",
            "--type",
            "maxcompute",
            "--prop",
            "project=p",
        ],
    ] {
        env.run(args).ok();
    }
    for (name, message) in [
        (
            "rds",
            "instance mode cannot be tested from here: only a resource group in the cloud can reach an instance",
        ),
        (
            "hive_cdh",
            "cdh mode cannot be tested from here: only a resource group in the cloud can reach an instance",
        ),
        (
            "mc",
            "maxcompute with endpointMode SelfAdaption has no address to test: the region picks the endpoint in the cloud",
        ),
    ] {
        let (r, e) = env.changes(&["datasource", "test", "fin_ws", name, "-o", "json"]);
        let t = json!({"state": "unsupported", "at": "2026-11-28T10:00:00.000Z", "latency_ms": null, "message": message});
        assert_eq!(r.json()["result"]["last_test"], t, "{name}");
        assert_eq!(r.stderr, "", "{name}");
        assert_eq!(e.details, json!({"env": "prod", "result": t}));
        assert_eq!(last_test(&env, name), t);
    }
}

#[test]
fn the_timeout_is_checked_before_anything() {
    let env = setup("cache:6379");
    for t in ["0", "-1", "601", "nan", "inf", "abc", ""] {
        let flag = format!("--timeout={t}");
        let r = env.refused(&["datasource", "test", "fin_ws", "cache", &flag], 2, "");
        assert!(
            r.stderr.contains("invalid timeout") || r.stderr.contains("invalid value"),
            "{t}: {}",
            r.stderr
        );
    }
    let r = env.refused(
        &["datasource", "test", "fin_ws", "cache", "--timeout", "0"],
        2,
        "error: invalid timeout 0",
    );
    assert!(r.stderr.contains("hint: --timeout takes 0 < SECS <= 600"));
    // Before a missing workspace or data source.
    env.refused(
        &["datasource", "test", "nope_ws", "cache", "--timeout", "900"],
        2,
        "invalid timeout 900",
    );
    env.refused(
        &["datasource", "test", "fin_ws", "nope"],
        3,
        "data source 'nope' not found in fin_ws",
    );
    // A short valid timeout works.
    let (_l, port) = listener();
    env.run(&[
        "datasource",
        "update",
        "fin_ws",
        "cache",
        "--prop",
        &format!("address=127.0.0.1:{port}"),
    ])
    .ok();
    let v = env.json(&[
        "datasource",
        "test",
        "fin_ws",
        "cache",
        "--timeout",
        "0.5",
        "-o",
        "json",
    ]);
    assert_eq!(v["result"]["last_test"]["state"], "connectable");
}

#[test]
fn rights_and_workspace_states() {
    let (_l, port) = listener();
    let env = setup(&format!("127.0.0.1:{port}"));
    for (user, role) in [("dave", "dev"), ("gus", "guest")] {
        env.run(&["user", "add", user]).ok();
        env.run(&["member", "add", "fin_ws", user, "--role", role])
            .ok();
    }
    // A developer may test; a guest may not.
    let v = env.json(&[
        "--as",
        "dave",
        "datasource",
        "test",
        "fin_ws",
        "cache",
        "-o",
        "json",
    ]);
    assert_eq!(v["result"]["last_test"]["state"], "connectable");
    assert_eq!(env.last_event().actor, "dave");
    let r = env.refused_event(
        &["--as", "gus", "datasource", "test", "fin_ws", "Cache"],
        5,
        "error: gus may not test data sources in fin_ws",
        ("datasource.test", Some("fin_ws"), Some("cache")),
    );
    assert!(r.stderr.contains("hint: this needs"), "{}", r.stderr);
    // A disabled or deleted workspace: exit 6, nothing tested or stored.
    let stored = last_test(&env, "cache");
    env.run(&["workspace", "disable", "fin_ws"]).ok();
    let r = env.refused_event(
        &["datasource", "test", "FIN_WS", "cache"],
        6,
        "error: workspace fin_ws is disabled: cannot test data sources",
        ("datasource.test", Some("fin_ws"), Some("cache")),
    );
    assert!(r
        .stderr
        .contains("hint: enable it first: dwctl workspace enable fin_ws"));
    env.run(&["workspace", "delete", "fin_ws", "--yes"]).ok();
    env.refused_event(
        &["datasource", "test", "fin_ws", "cache"],
        6,
        "error: workspace fin_ws is in the recycle bin: cannot test data sources",
        ("datasource.test", Some("fin_ws"), Some("cache")),
    );
    assert_eq!(last_test(&env, "cache"), stored);
}
