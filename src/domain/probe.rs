//! The connectivity test of `dwctl datasource test` (domain.md section 6): resolve the data
//! source's address and open a TCP connection to it, all within one timeout.
//!
//! Only `url` mode can be tested from here: instances and CDH clusters are reachable only
//! from a resource group in the cloud. The probe touches no catalog state, so the caller can
//! run it outside any write transaction and store the result afterwards.

use std::io;
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::model::resources::ProbeState;
use serde::Serialize;

use crate::domain::types::network::{parse_address, parse_address_list, parse_endpoint, HostPort};
use crate::model::types::{ConnMode, Properties, TypeSpec, ValueFormat};

/// What a test found. `latency_ms` is set only for `connectable`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbeResult {
    pub state: ProbeState,
    pub latency_ms: Option<u64>,
    pub message: String,
}

impl ProbeResult {
    fn new(state: ProbeState, message: impl Into<String>) -> Self {
        ProbeResult {
            state,
            latency_ms: None,
            message: message.into(),
        }
    }
}

/// The budget of a test without `--timeout`: resolving and connecting, in all.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// How a host name becomes addresses: the system's resolver, or a stand-in in tests.
type Lookup = fn(&str, u16) -> io::Result<Vec<SocketAddr>>;

/// The system's resolver (which cannot be given a timeout).
fn system_lookup(host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
    (host, port).to_socket_addrs().map(|it| it.collect())
}

/// Longest budget honoured; a larger `timeout` is cut to it so the deadline arithmetic cannot
/// overflow. A day is far beyond any useful connectivity test.
const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// Test whether the data source described by `spec`, `mode` and `props` accepts a TCP
/// connection, resolving and connecting within `timeout` in all.
///
/// Targets: every `address` (every host of a comma list; the first that connects wins),
/// else the host and port of `endpoint` (explicit port, else 443 for https and for an
/// endpoint without scheme, 80 for http). maxcompute uses its endpoint only with
/// `endpointMode=Custom`; otherwise the region picks it and there is nothing to test.
///
/// The latency is the duration of the TCP connect that succeeded, without name resolution:
/// it measures the network path, not the resolver. Messages name the addresses tried and
/// never hold property values other than addresses and endpoint hosts (never a secret).
pub fn probe(
    spec: &TypeSpec,
    mode: ConnMode,
    props: &Properties,
    timeout: Duration,
) -> ProbeResult {
    let targets = match targets(spec, mode, props) {
        Ok(t) => t,
        Err(result) => return result,
    };
    connect_any(&targets, timeout.min(MAX_TIMEOUT), system_lookup)
}

/// The `host:port`s to try, or the final answer when there is nothing to connect to.
fn targets(
    spec: &TypeSpec,
    mode: ConnMode,
    props: &Properties,
) -> std::result::Result<Vec<HostPort>, ProbeResult> {
    use ProbeState::{ConfigError, Unsupported};
    if mode != ConnMode::Url {
        return Err(ProbeResult::new(
            Unsupported,
            format!(
                "{} mode cannot be tested from here: only a resource group in the cloud can reach an instance",
                mode
            ),
        ));
    }
    let Some(mode_spec) = spec.mode(ConnMode::Url) else {
        return Err(ProbeResult::new(
            ConfigError,
            format!("type {} has no url mode", spec.key),
        ));
    };
    if spec.key == "maxcompute" {
        let custom = props
            .get("endpointMode")
            .is_some_and(|m| m.eq_ignore_ascii_case("Custom"));
        if !custom {
            return Err(ProbeResult::new(
                Unsupported,
                "maxcompute with endpointMode SelfAdaption has no address to test: the region picks the endpoint in the cloud",
            ));
        }
    }
    let key_format = |key: &str| {
        mode_spec
            .keys
            .iter()
            .find(|k| k.key == key)
            .map(|k| k.format)
    };

    if let Some(format) = key_format("address") {
        let Some(value) = props.get("address") else {
            return Err(ProbeResult::new(ConfigError, "no `address` is set"));
        };
        let parsed = if format == ValueFormat::AddressList {
            parse_address_list(value, spec.usual_port)
        } else {
            parse_address(value, spec.usual_port).map(|a| vec![a])
        };
        return parsed.map_err(|reason| {
            ProbeResult::new(ConfigError, format!("`address` {} {reason}", quote(value)))
        });
    }
    if key_format("endpoint").is_some() {
        let Some(value) = props.get("endpoint") else {
            return Err(ProbeResult::new(ConfigError, "no `endpoint` is set"));
        };
        return parse_endpoint(value, false)
            .map(|e| vec![e.host_port()])
            .map_err(|reason| {
                ProbeResult::new(ConfigError, format!("`endpoint` {} {reason}", quote(value)))
            });
    }
    Err(ProbeResult::new(
        Unsupported,
        format!("type {} has neither address nor endpoint to test", spec.key),
    ))
}

/// Try each target in turn until one connects or the budget runs out.
fn connect_any(targets: &[HostPort], timeout: Duration, lookup: Lookup) -> ProbeResult {
    let start = Instant::now();
    let deadline = start + timeout;
    let budget_ms = timeout.as_millis();
    let mut failures: Vec<String> = Vec::new();
    for target in targets {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            failures.push(format!(
                "{target}: not tried, the {budget_ms} ms timeout was used up"
            ));
            continue;
        }
        let addrs = match resolve(target, remaining, budget_ms, lookup) {
            Ok(a) => a,
            Err(reason) => {
                failures.push(format!("{target}: {reason}"));
                continue;
            }
        };
        let literal = target.host.parse::<IpAddr>().is_ok();
        for addr in addrs {
            let label = if literal {
                target.to_string()
            } else {
                format!("{target} ({addr})")
            };
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                failures.push(format!("{label}: timed out after {budget_ms} ms"));
                break;
            }
            let began = Instant::now();
            match TcpStream::connect_timeout(&addr, remaining) {
                Ok(_stream) => {
                    let latency = began.elapsed().as_millis();
                    return ProbeResult {
                        state: ProbeState::Connectable,
                        latency_ms: Some(u64::try_from(latency).unwrap_or(u64::MAX)),
                        message: format!("connected to {label} in {latency} ms"),
                    };
                }
                Err(e) => failures.push(format!("{label}: {}", describe(&e, budget_ms))),
            }
        }
    }
    ProbeResult::new(ProbeState::Unreachable, failures.join("; "))
}

/// Resolve `target` within `budget`. IP literals need no resolver. The resolver runs in a
/// helper thread because `ToSocketAddrs` cannot be given a timeout; when the budget runs out
/// first, the thread is left to finish on its own and its answer is dropped.
fn resolve(
    target: &HostPort,
    budget: Duration,
    budget_ms: u128,
    lookup: Lookup,
) -> std::result::Result<Vec<SocketAddr>, String> {
    if let Ok(ip) = target.host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, target.port)]);
    }
    // RFC 6761: `.invalid` never resolves, and resolver libraries should answer so at once.
    let name = target.host.trim_end_matches('.').to_ascii_lowercase();
    if name == "invalid" || name.ends_with(".invalid") {
        return Err(format!(
            "could not resolve host {}: names under .invalid never resolve",
            target.host
        ));
    }
    let (tx, rx) = mpsc::channel();
    let host = target.host.clone();
    let port = target.port;
    std::thread::Builder::new()
        .name("dwctl-resolve".to_string())
        .spawn(move || {
            let answer = lookup(&host, port);
            // The receiver may have given up; nothing to do then.
            let _ = tx.send(answer);
        })
        .map_err(|e| format!("could not start the resolver: {e}"))?;
    match rx.recv_timeout(budget) {
        Ok(Ok(addrs)) if addrs.is_empty() => Err(format!(
            "could not resolve host {}: no addresses",
            target.host
        )),
        Ok(Ok(addrs)) => Ok(addrs),
        Ok(Err(e)) => Err(format!("could not resolve host {}: {e}", target.host)),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!(
            "timed out after {budget_ms} ms while resolving host {}",
            target.host
        )),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(format!(
            "could not resolve host {}: the resolver stopped",
            target.host
        )),
    }
}

/// A property value quoted for a message, unless it may hold `user:pass@` credentials.
fn quote(value: &str) -> String {
    if value.contains('@') {
        "(not shown: it may hold credentials)".to_string()
    } else {
        format!("`{}`", crate::model::excerpt(value))
    }
}

/// A connect error in a few words.
fn describe(e: &io::Error, budget_ms: u128) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".to_string(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
            format!("timed out after {budget_ms} ms")
        }
        io::ErrorKind::HostUnreachable => "host unreachable".to_string(),
        io::ErrorKind::NetworkUnreachable => "network unreachable".to_string(),
        io::ErrorKind::ConnectionReset => "connection reset".to_string(),
        io::ErrorKind::AddrNotAvailable => "address not available".to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::types::lookup;
    use std::net::TcpListener;

    /// Generous: tests against local listeners finish in well under a millisecond; the
    /// budget only bounds a broken environment.
    const BUDGET: Duration = Duration::from_secs(10);

    fn props(pairs: &[(&str, &str)]) -> Properties {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn run(type_key: &str, mode: ConnMode, pairs: &[(&str, &str)]) -> ProbeResult {
        probe(lookup(type_key).unwrap(), mode, &props(pairs), BUDGET)
    }

    /// A listening port, kept open while the guard lives (the kernel completes the
    /// handshake from the backlog; nothing needs to accept).
    fn open_port() -> (TcpListener, u16) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        (l, port)
    }

    /// A port that was free a moment ago and is closed now.
    fn closed_port() -> u16 {
        let (l, port) = open_port();
        drop(l);
        port
    }

    fn assert_no_secret(r: &ProbeResult) {
        assert!(!r.message.contains("hunter2"), "{r:?}");
    }

    #[test]
    fn connectable_against_a_local_listener() {
        let (_l, port) = open_port();
        let addr = format!("127.0.0.1:{port}");
        let r = run(
            "postgresql",
            ConnMode::Url,
            &[("address", &addr), ("password", "hunter2")],
        );
        assert_eq!(r.state, ProbeState::Connectable, "{r:?}");
        assert!(r.latency_ms.is_some());
        assert!(r.message.contains(&addr), "{r:?}");
        assert_no_secret(&r);
    }

    #[test]
    fn connectable_through_the_resolver() {
        let (_l, port) = open_port();
        let addr = format!("localhost:{port}");
        let r = run("mysql", ConnMode::Url, &[("address", &addr)]);
        assert_eq!(r.state, ProbeState::Connectable, "{r:?}");
        assert!(r.message.contains("localhost"), "{r:?}");
    }

    #[test]
    fn unreachable_on_a_closed_port_says_refused() {
        let port = closed_port();
        let addr = format!("127.0.0.1:{port}");
        let r = run(
            "redis",
            ConnMode::Url,
            &[("address", &addr), ("password", "hunter2")],
        );
        assert_eq!(r.state, ProbeState::Unreachable, "{r:?}");
        assert_eq!(r.latency_ms, None);
        assert!(
            r.message.contains(&addr) && r.message.contains("connection refused"),
            "{r:?}"
        );
        assert_no_secret(&r);
    }

    #[test]
    fn any_kafka_broker_connecting_is_enough() {
        let (_l, open) = open_port();
        let closed = closed_port();
        let list = format!("127.0.0.1:{closed},127.0.0.1:{open}");
        let r = run("kafka", ConnMode::Url, &[("address", &list)]);
        assert_eq!(r.state, ProbeState::Connectable, "{r:?}");
        assert!(r.message.contains(&format!("127.0.0.1:{open}")), "{r:?}");

        let list = format!("127.0.0.1:{closed},[::1]:{closed}");
        let r = run("kafka", ConnMode::Url, &[("address", &list)]);
        assert_eq!(r.state, ProbeState::Unreachable, "{r:?}");
        // Every broker is named with its reason.
        assert!(
            r.message
                .contains(&format!("127.0.0.1:{closed}: connection refused")),
            "{r:?}"
        );
        assert!(r.message.contains(&format!("[::1]:{closed}: ")), "{r:?}");
    }

    #[test]
    fn endpoint_is_tried_with_its_port_or_the_schemes() {
        let (_l, port) = open_port();
        let url = format!("http://127.0.0.1:{port}/api");
        let r = run("elasticsearch", ConnMode::Url, &[("endpoint", &url)]);
        assert_eq!(r.state, ProbeState::Connectable, "{r:?}");

        let r = run(
            "maxcompute",
            ConnMode::Url,
            &[
                ("project", "p"),
                ("endpointMode", "Custom"),
                ("endpoint", &url),
            ],
        );
        assert_eq!(r.state, ProbeState::Connectable, "{r:?}");

        let parts = parse_endpoint("https://es.example.com/x", true).unwrap();
        assert_eq!(parts.effective_port(), 443);
        let parts = parse_endpoint("http://es.example.com", true).unwrap();
        assert_eq!(parts.effective_port(), 80);
        let parts = parse_endpoint("oss-cn-hangzhou.aliyuncs.com", false).unwrap();
        assert_eq!(parts.effective_port(), 443);
        let parts = parse_endpoint("https://es.example.com:9200", true).unwrap();
        assert_eq!(parts.effective_port(), 9200);
    }

    #[test]
    fn names_under_invalid_do_not_resolve() {
        let r = run(
            "mysql",
            ConnMode::Url,
            &[("address", "db.example.invalid:3306")],
        );
        assert_eq!(r.state, ProbeState::Unreachable, "{r:?}");
        assert!(
            r.message
                .contains("could not resolve host db.example.invalid"),
            "{r:?}"
        );
        assert!(r.message.contains("db.example.invalid:3306"), "{r:?}");
    }

    /// A resolver that does not answer for a minute.
    fn hanging_lookup(_: &str, _: u16) -> io::Result<Vec<SocketAddr>> {
        std::thread::sleep(Duration::from_secs(60));
        Ok(vec![SocketAddr::from(([127, 0, 0, 1], 1))])
    }

    #[test]
    fn the_timeout_covers_name_lookup() {
        // The budget runs out while the resolver still works: the test ends, saying so,
        // and the next target is not tried (its budget is spent too).
        let targets = [
            HostPort {
                host: "db.example.com".into(),
                port: 3306,
            },
            HostPort {
                host: "db2.example.com".into(),
                port: 3306,
            },
        ];
        let r = connect_any(&targets, Duration::from_millis(200), hanging_lookup);
        assert_eq!(r.state, ProbeState::Unreachable, "{r:?}");
        assert_eq!(
            r.message,
            "db.example.com:3306: timed out after 200 ms while resolving host db.example.com; \
             db2.example.com:3306: not tried, the 200 ms timeout was used up"
        );
    }

    #[test]
    fn zero_budget_times_out_without_trying() {
        let (_l, port) = open_port();
        let addr = format!("127.0.0.1:{port}");
        let r = probe(
            lookup("mysql").unwrap(),
            ConnMode::Url,
            &props(&[("address", &addr)]),
            Duration::ZERO,
        );
        assert_eq!(r.state, ProbeState::Unreachable, "{r:?}");
        assert!(r.message.contains("0 ms"), "{r:?}");
    }

    #[test]
    fn incomplete_or_unparseable_properties_are_config_errors() {
        let r = run("mysql", ConnMode::Url, &[("database", "d")]);
        assert_eq!(r.state, ProbeState::ConfigError, "{r:?}");
        assert!(r.message.contains("address"), "{r:?}");

        let r = run("mysql", ConnMode::Url, &[("address", "db:99999")]);
        assert_eq!(r.state, ProbeState::ConfigError, "{r:?}");
        assert!(
            r.message.contains("db:99999") && r.message.contains("1-65535"),
            "{r:?}"
        );

        let r = run("elasticsearch", ConnMode::Url, &[]);
        assert_eq!(r.state, ProbeState::ConfigError, "{r:?}");

        let r = run(
            "elasticsearch",
            ConnMode::Url,
            &[("endpoint", "https://admin:hunter2@es")],
        );
        assert_eq!(r.state, ProbeState::ConfigError, "{r:?}");
        assert_no_secret(&r);

        let r = run(
            "maxcompute",
            ConnMode::Url,
            &[("project", "p"), ("endpointMode", "Custom")],
        );
        assert_eq!(r.state, ProbeState::ConfigError, "{r:?}");

        let r = run("polardb", ConnMode::Url, &[]);
        assert_eq!(r.state, ProbeState::ConfigError, "{r:?}");
    }

    #[test]
    fn instance_cdh_and_self_adaption_are_unsupported() {
        let r = run("mysql", ConnMode::Instance, &[("instanceId", "rm-1")]);
        assert_eq!(r.state, ProbeState::Unsupported, "{r:?}");
        assert!(
            r.message
                .contains("only a resource group in the cloud can reach an instance"),
            "{r:?}"
        );
        let r = run("hive", ConnMode::Cdh, &[("clusterIdentifier", "c")]);
        assert_eq!(r.state, ProbeState::Unsupported, "{r:?}");
        let r = run(
            "maxcompute",
            ConnMode::Url,
            &[
                ("project", "p"),
                ("endpointMode", "SelfAdaption"),
                ("endpoint", "http://127.0.0.1:1"),
            ],
        );
        assert_eq!(r.state, ProbeState::Unsupported, "{r:?}");
        assert!(r.message.contains("SelfAdaption"), "{r:?}");
        let r = run("maxcompute", ConnMode::Url, &[("project", "p")]);
        assert_eq!(r.state, ProbeState::Unsupported, "{r:?}");
    }

    #[test]
    fn state_names_round_trip() {
        for s in ProbeState::ALL {
            assert_eq!(ProbeState::parse(s.as_str()).unwrap(), s);
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
        }
        assert_eq!(
            ProbeState::parse("CONFIG_ERROR").unwrap(),
            ProbeState::ConfigError
        );
        assert!(ProbeState::parse("ok").is_err());
        assert!(ProbeState::Unreachable.is_negative() && ProbeState::ConfigError.is_negative());
        assert!(!ProbeState::Connectable.is_negative() && !ProbeState::Unsupported.is_negative());
        let r = ProbeResult {
            state: ProbeState::ConfigError,
            latency_ms: None,
            message: "m".into(),
        };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            serde_json::json!({"state": "config_error", "latency_ms": null, "message": "m"})
        );
    }
}
