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
    env.sql(
        r#"UPDATE datasource SET properties = '{"address": "cache.example.com:notaport"}' WHERE name = 'cache'"#,
    );
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
    env.sql("UPDATE datasource SET properties = '{}' WHERE name = 'cache'");
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

/// A listener on 127.0.0.1 whose accept queue is full and never drained: the kernel drops
/// every further SYN, so a connection to it is neither accepted nor refused, and a connect
/// waits until its own timeout. Loopback only, and nothing is ever sent.
struct Blackhole {
    fd: libc::c_int,
    port: u16,
    _queued: Vec<std::net::TcpStream>,
}

impl Blackhole {
    fn new() -> Blackhole {
        use std::time::Duration;
        // std's listeners take a long backlog; this one takes none (libc for listen(2)).
        let (fd, port) = unsafe {
            let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
            assert!(fd >= 0, "socket: {}", std::io::Error::last_os_error());
            let mut addr: libc::sockaddr_in = std::mem::zeroed();
            addr.sin_family = libc::AF_INET as libc::sa_family_t;
            addr.sin_addr.s_addr = u32::from(std::net::Ipv4Addr::LOCALHOST).to_be();
            let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
            let p = &mut addr as *mut libc::sockaddr_in as *mut libc::sockaddr;
            assert_eq!(libc::bind(fd, p, len), 0, "bind");
            assert_eq!(libc::listen(fd, 0), 0, "listen");
            let mut got = len;
            assert_eq!(libc::getsockname(fd, p, &mut got), 0, "getsockname");
            (fd, u16::from_be(addr.sin_port))
        };
        // Fill the queue until a connection is left waiting: that one proves it is full.
        let to = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let mut queued = Vec::new();
        loop {
            match std::net::TcpStream::connect_timeout(&to, Duration::from_millis(300)) {
                Ok(s) => queued.push(s),
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => break,
                Err(e) => panic!("filling the accept queue: {e}"),
            }
            assert!(queued.len() < 64, "the accept queue never filled");
        }
        Blackhole {
            fd,
            port,
            _queued: queued,
        }
    }

    /// Whether some socket of this machine is waiting for this listener to answer its
    /// connect (state SYN_SENT in /proc/net/tcp): a `datasource test` in progress.
    fn connect_pending(&self) -> bool {
        let table = std::fs::read_to_string("/proc/net/tcp").expect("read /proc/net/tcp");
        let remote = format!("0100007F:{:04X}", self.port);
        table.lines().skip(1).any(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.len() > 3 && f[2] == remote && f[3] == "02"
        })
    }
}

impl Drop for Blackhole {
    fn drop(&mut self) {
        unsafe { libc::close(self.fd) };
    }
}

#[test]
fn the_documented_default_timeout_is_the_one_used() {
    let default = dwctl::domain::probe::DEFAULT_TIMEOUT;
    assert_eq!(default, std::time::Duration::from_secs(3));
    let help = Env::empty()
        .run(&["datasource", "test", "--help"])
        .ok()
        .to_string();
    assert!(
        help.contains(&format!(
            "Seconds for resolving and connecting [default: {}]",
            default.as_secs()
        )),
        "{help}"
    );
}

#[test]
fn the_default_timeout_is_3_s_and_the_connect_holds_no_write_lock() {
    use std::time::{Duration, Instant};
    let hole = Blackhole::new();
    let address = format!("127.0.0.1:{}", hole.port);
    let env = setup(&address);
    // A timeout given is the connect's budget.
    let r = env.run(&["datasource", "test", "fin_ws", "cache", "--timeout", "0.5"]);
    let message = format!("{address}: timed out after 500 ms");
    assert_eq!(r.code, 9, "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("error: cache (prod) is unreachable: {message}\n")),
        "{}",
        r.stderr
    );
    // Without one, the budget is 3 s. While the connect waits, another dwctl writes with
    // --lock-timeout 0: the test holds no transaction while it connects.
    let mut test = env.cmd(&["datasource", "test", "fin_ws", "cache", "-o", "json"]);
    test.stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = test.spawn().expect("spawn dwctl");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !hole.connect_pending() {
        assert!(Instant::now() < deadline, "datasource test never connected");
        std::thread::sleep(Duration::from_millis(10));
    }
    let (_, e) = env.changes(&["--lock-timeout", "0", "user", "add", "carol"]);
    assert_eq!(e.action, "user.add");
    assert_eq!(
        env.run(&[
            "--lock-timeout",
            "0",
            "datasource",
            "show",
            "fin_ws",
            "cache"
        ])
        .code,
        0
    );
    assert!(
        hole.connect_pending(),
        "the connect ended before the other writer ran: the check proved nothing"
    );
    let r = Env::output_of(child);
    assert_eq!(r.code, 9, "{}", r.stderr);
    let message = format!("{address}: timed out after 3000 ms");
    assert_eq!(
        r.json()["result"]["last_test"],
        json!({"state": "unreachable", "at": "2026-11-28T10:00:00.000Z", "latency_ms": null,
               "message": message})
    );
    assert_eq!(env.last_event().action, "datasource.test");
}
