//! P10 and P11 (issue 15, quality.md "Performance"): `dwctl serve` under load, beside its
//! anchors. A small load generator: N threads, each one keep-alive HTTP/1.1 connection,
//! each request signed with ACS3-HMAC-SHA256 as the SDK signs it (dwctl's own
//! `serve::sign`, the code the server verifies with, itself tested against the SDK).
//!
//! `xtask serve-cases DWCTL CATALOG` prints one tab-separated row per case (case, what,
//! serve's figure, the anchor's figure, ratio, target, holds) for bench/common.sh's
//! `serve_cases`, which prints them as the other cases' rows.
//!
//! - P10: GetProject, 16 clients, against the same server started with the hidden
//!   `--bench-constant` (every request answered with one constant body, no authentication,
//!   no catalog): >= 50% of its requests/s. p50/p99 latency in the row.
//! - P11: CreateProjectMember, 8 clients, each request a fresh principal (`p11_user_NNNN`
//!   of the large manifest) into ws_0600, against 8 concurrent `dwctl member add`
//!   processes on the same catalog (fresh principals too): >= 2x their rate.
//!
//! Runs alternate between the two sides; each figure is the median of the rounds.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dwctl::serve::sign;

const P10_CLIENTS: usize = 16;
const P10_SECONDS: f64 = 3.0;
const P10_ROUNDS: usize = 3;
const P11_CLIENTS: usize = 8;
/// Principals per P11 round: the server's and the processes'. The manifest holds
/// `P11_ROUNDS * (P11_SERVE + P11_PROCESSES)` of them (bench/common.sh's p11_users).
const P11_SERVE: usize = 320;
const P11_PROCESSES: usize = 80;
const P11_ROUNDS: usize = 2;
const P11_WORKSPACE: &str = "ws_0600";

/// One request: the action and its query parameters.
#[derive(Clone)]
pub struct Call {
    pub action: &'static str,
    pub params: Vec<(String, String)>,
}

/// What a load run measured.
pub struct Load {
    pub requests: usize,
    pub seconds: f64,
    /// Each request's latency, sorted.
    pub latencies: Vec<Duration>,
}

impl Load {
    pub fn rate(&self) -> f64 {
        self.requests as f64 / self.seconds
    }
    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let i = ((self.latencies.len() as f64 * p).ceil() as usize).clamp(1, self.latencies.len());
        self.latencies[i - 1]
    }
}

/// An AccessKey pair.
#[derive(Clone)]
pub struct Key {
    pub id: String,
    pub secret: String,
}

/// The request the SDK sends for an RPC action (POST /, parameters in the query, empty
/// body), signed: the bytes on the wire.
pub fn signed_request(host: &str, key: &Key, call: &Call, date: &str, nonce: &str) -> Vec<u8> {
    let body_sha = sign::sha256_hex(b"");
    let headers: [(&str, &str); 6] = [
        ("host", host),
        ("x-acs-action", call.action),
        ("x-acs-content-sha256", &body_sha),
        ("x-acs-date", date),
        ("x-acs-signature-nonce", nonce),
        ("x-acs-version", dwctl::serve::VERSION),
    ];
    let signed: Vec<String> = headers.iter().map(|(n, _)| n.to_string()).collect();
    let values = |name: &str| -> Vec<String> {
        headers
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
            .collect()
    };
    let canonical = sign::canonical_request("POST", "/", &call.params, &signed, &values, &body_sha);
    let signature = sign::signature(&key.secret, &canonical);
    // On the wire names are encoded too (the canonical query leaves them as they are).
    let query = call
        .params
        .iter()
        .map(|(k, v)| format!("{}={}", sign::encode(k), sign::encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut out = format!("POST /?{query} HTTP/1.1\r\n");
    for (n, v) in headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str(&format!(
        "authorization: {} Credential={},SignedHeaders={},Signature={signature}\r\n",
        sign::ALGORITHM,
        key.id,
        signed.join(";")
    ));
    out.push_str("content-length: 0\r\n\r\n");
    out.into_bytes()
}

/// `yyyy-MM-ddTHH:mm:ssZ`, now.
fn acs_date() -> String {
    let now = dwctl::model::clock::Timestamp::now_system()
        .expect("a clock")
        .to_string();
    format!("{}Z", &now[..19])
}

/// Read one response on a keep-alive connection: its status and body.
fn read_response(r: &mut BufReader<TcpStream>) -> std::io::Result<(u16, Vec<u8>)> {
    let mut line = String::new();
    r.read_line(&mut line)?;
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP response: {line:?}")))?;
    let mut length = 0usize;
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Err(std::io::Error::other("the server closed the connection"));
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((n, v)) = l.split_once(':') {
            if n.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().map_err(std::io::Error::other)?;
            }
        }
    }
    let mut body = vec![0; length];
    r.read_exact(&mut body)?;
    Ok((status, body))
}

/// Run `clients` keep-alive connections against `addr` until `seconds` pass (when given)
/// or `next` runs out of calls. Every response must be 200.
pub fn load(
    addr: &str,
    key: &Key,
    clients: usize,
    seconds: Option<f64>,
    next: Arc<dyn Fn() -> Option<Call> + Send + Sync>,
) -> Result<Load, String> {
    let start = Instant::now();
    let deadline = seconds.map(|s| start + Duration::from_secs_f64(s));
    // Nonces are unique across the runs of this process (the server remembers them).
    static RUN: AtomicUsize = AtomicUsize::new(0);
    let nonces = Arc::new(AtomicUsize::new(0));
    let tag = format!(
        "{}-{}",
        std::process::id(),
        RUN.fetch_add(1, Ordering::SeqCst)
    );
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (addr, key, next, nonces, tag) = (
                addr.to_string(),
                key.clone(),
                next.clone(),
                nonces.clone(),
                tag.clone(),
            );
            std::thread::spawn(move || -> Result<Vec<Duration>, String> {
                let tcp = TcpStream::connect(&addr).map_err(|e| format!("connect {addr}: {e}"))?;
                tcp.set_nodelay(true).map_err(|e| e.to_string())?;
                let mut w = tcp.try_clone().map_err(|e| e.to_string())?;
                let mut r = BufReader::new(tcp);
                let mut lat = Vec::new();
                while deadline.is_none_or(|d| Instant::now() < d) {
                    let Some(call) = next() else { break };
                    let t0 = Instant::now();
                    let nonce = format!("{tag}-{}", nonces.fetch_add(1, Ordering::Relaxed));
                    let req = signed_request(&addr, &key, &call, &acs_date(), &nonce);
                    w.write_all(&req).map_err(|e| e.to_string())?;
                    let (status, body) = read_response(&mut r).map_err(|e| e.to_string())?;
                    if status != 200 {
                        return Err(format!(
                            "{} answered {status}: {}",
                            call.action,
                            String::from_utf8_lossy(&body)
                        ));
                    }
                    lat.push(t0.elapsed());
                }
                Ok(lat)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for t in threads {
        latencies.extend(t.join().map_err(|_| "a client panicked".to_string())??);
    }
    let seconds = start.elapsed().as_secs_f64();
    latencies.sort();
    Ok(Load {
        requests: latencies.len(),
        seconds,
        latencies,
    })
}

/// A `dwctl serve` on a free loopback port; stopped when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(dwctl: &Path, catalog: &Path, extra: &[&str]) -> Result<Server, String> {
        let mut child = Command::new(dwctl)
            .arg("--catalog")
            .arg(catalog)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            // One log line per request: not what is measured here.
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start dwctl serve: {e}"))?;
        let mut line = String::new();
        let out = child.stdout.take().expect("piped");
        BufReader::new(out)
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let addr = line.trim().to_string();
        if addr.is_empty() {
            let _ = child.kill();
            return Err("dwctl serve printed no address".into());
        }
        Ok(Server { child, addr })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dwctl_json(dwctl: &Path, catalog: &Path, args: &[&str]) -> Result<serde_json::Value, String> {
    let out = Command::new(dwctl)
        .arg("--catalog")
        .arg(catalog)
        .args(args)
        .args(["-o", "json"])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "dwctl {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| format!("dwctl {}: {e}", args.join(" ")))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// `xtask serve-cases DWCTL CATALOG`.
pub fn main(args: &[&str]) -> ExitCode {
    let [dwctl, catalog] = args else {
        eprintln!("usage: xtask serve-cases DWCTL CATALOG");
        return ExitCode::from(2);
    };
    match cases(Path::new(dwctl), Path::new(catalog)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn row(case: &str, what: &str, a: String, b: String, ratio: f64, target: &str, min: f64) {
    let holds = if ratio >= min { "yes" } else { "NO" };
    println!("{case}\t{what}\t{a}\t{b}\t{ratio:.2}\t{target}\t{holds}");
}

fn cases(dwctl: &Path, catalog: &Path) -> Result<(), String> {
    // The acting principal of the command line, given an AccessKey: the same principal
    // (and permissions) on both sides.
    let me = dwctl_json(dwctl, catalog, &["whoami"])?;
    let actor = me["actor"]
        .as_str()
        .ok_or_else(|| format!("whoami gave no actor: {me}"))?
        .to_string();
    let k = dwctl_json(dwctl, catalog, &["user", "accesskey", "create", &actor])?;
    let key = Key {
        id: k["result"]["access_key_id"]
            .as_str()
            .unwrap_or_default()
            .into(),
        secret: k["result"]["access_key_secret"]
            .as_str()
            .unwrap_or_default()
            .into(),
    };
    if key.id.is_empty() || key.secret.is_empty() {
        return Err(format!("accesskey create gave no key: {k}"));
    }
    let ws_id = |name: &str| -> Result<String, String> {
        let w = dwctl_json(dwctl, catalog, &["workspace", "show", name])?;
        w["id"]
            .as_i64()
            .map(|i| i.to_string())
            .ok_or_else(|| format!("workspace show {name} gave no id: {w}"))
    };

    // ---- P10 ----
    let real = Server::start(dwctl, catalog, &[])?;
    let constant = Server::start(dwctl, catalog, &["--bench-constant"])?;
    let get = Call {
        action: "GetProject",
        params: vec![("Id".into(), ws_id("ws_0500")?)],
    };
    let get_next: Arc<dyn Fn() -> Option<Call> + Send + Sync> = {
        let get = get.clone();
        Arc::new(move || Some(get.clone()))
    };
    // Warm both (connections to the catalog, the blocking pool's threads).
    for s in [&real, &constant] {
        load(&s.addr, &key, P10_CLIENTS, Some(0.5), get_next.clone())?;
    }
    let (mut real_rate, mut const_rate, mut p50, mut p99) = (vec![], vec![], vec![], vec![]);
    for round in 0..P10_ROUNDS {
        for side in if round % 2 == 0 { [0, 1] } else { [1, 0] } {
            let s = if side == 0 { &real } else { &constant };
            let l = load(
                &s.addr,
                &key,
                P10_CLIENTS,
                Some(P10_SECONDS),
                get_next.clone(),
            )?;
            eprintln!(
                "bench: P10 {}: {:.0} req/s, p99 {} ms",
                if side == 0 { "GetProject" } else { "constant" },
                l.rate(),
                ms(l.percentile(0.99))
            );
            if side == 0 {
                real_rate.push(l.rate());
                p50.push(l.percentile(0.50).as_secs_f64());
                p99.push(l.percentile(0.99).as_secs_f64());
            } else {
                const_rate.push(l.rate());
            }
        }
    }
    drop(constant);
    let (a, b) = (median(real_rate), median(const_rate));
    row(
        "P10",
        &format!(
            "GetProject, 16 clients (p50 {} ms, p99 {} ms)",
            ms(Duration::from_secs_f64(median(p50))),
            ms(Duration::from_secs_f64(median(p99)))
        ),
        format!("{a:.0} req/s"),
        format!("{b:.0} req/s"),
        a / b,
        ">= 0.5x constant",
        0.5,
    );

    // ---- P11 ----
    let project = ws_id(P11_WORKSPACE)?;
    let users: Arc<Vec<String>> = Arc::new(
        (0..P11_ROUNDS * (P11_SERVE + P11_PROCESSES))
            .map(|i| format!("p11_user_{i:04}"))
            .collect(),
    );
    let taken = Arc::new(AtomicUsize::new(0));
    let (mut serve_rate, mut proc_rate, mut p99) = (vec![], vec![], vec![]);
    for round in 0..P11_ROUNDS {
        for side in if round % 2 == 0 { [0, 1] } else { [1, 0] } {
            if side == 0 {
                let first = taken.fetch_add(P11_SERVE, Ordering::SeqCst);
                let n = Arc::new(AtomicUsize::new(first));
                let (users, project) = (users.clone(), project.clone());
                let next: Arc<dyn Fn() -> Option<Call> + Send + Sync> = Arc::new(move || {
                    let i = n.fetch_add(1, Ordering::SeqCst);
                    (i < first + P11_SERVE).then(|| Call {
                        action: "CreateProjectMember",
                        params: vec![
                            ("ProjectId".into(), project.clone()),
                            ("UserId".into(), users[i].clone()),
                            ("RoleCodes".into(), r#"["role_project_dev"]"#.into()),
                        ],
                    })
                });
                let l = load(&real.addr, &key, P11_CLIENTS, None, next)?;
                eprintln!("bench: P11 serve: {:.0} req/s", l.rate());
                serve_rate.push(l.rate());
                p99.push(l.percentile(0.99).as_secs_f64());
            } else {
                let first = taken.fetch_add(P11_PROCESSES, Ordering::SeqCst);
                let rate = processes(dwctl, catalog, &users[first..first + P11_PROCESSES])?;
                eprintln!("bench: P11 member add processes: {rate:.0} add/s");
                proc_rate.push(rate);
            }
        }
    }
    let (a, b) = (median(serve_rate), median(proc_rate));
    row(
        "P11",
        &format!(
            "CreateProjectMember, 8 clients (p99 {} ms)",
            ms(Duration::from_secs_f64(median(p99)))
        ),
        format!("{a:.0} req/s"),
        format!("{b:.0} add/s"),
        a / b,
        ">= 2x 8 member add",
        2.0,
    );
    Ok(())
}

/// `dwctl member add` of each user, 8 processes at a time: adds per second.
fn processes(dwctl: &Path, catalog: &Path, users: &[String]) -> Result<f64, String> {
    let users: Arc<Vec<String>> = Arc::new(users.to_vec());
    let n = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let threads: Vec<_> = (0..P11_CLIENTS)
        .map(|_| {
            let (users, n) = (users.clone(), n.clone());
            let (dwctl, catalog): (PathBuf, PathBuf) = (dwctl.into(), catalog.into());
            std::thread::spawn(move || -> Result<(), String> {
                loop {
                    let i = n.fetch_add(1, Ordering::SeqCst);
                    let Some(user) = users.get(i) else {
                        return Ok(());
                    };
                    let out = Command::new(&dwctl)
                        .arg("--catalog")
                        .arg(&catalog)
                        .args(["-q", "member", "add", P11_WORKSPACE, user, "--role", "dev"])
                        .stdout(Stdio::null())
                        .output()
                        .map_err(|e| e.to_string())?;
                    if !out.status.success() {
                        return Err(format!(
                            "member add {user}: {}",
                            String::from_utf8_lossy(&out.stderr)
                        ));
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join()
            .map_err(|_| "a process runner panicked".to_string())??;
    }
    Ok(users.len() as f64 / start.elapsed().as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The request on the wire carries the signature the server's own check accepts: the
    /// canonical request rebuilt from the wire's headers verifies with the secret.
    #[test]
    fn signs_as_the_server_verifies() {
        let key = Key {
            id: "LTAItest".into(),
            secret: "testSecret".into(),
        };
        let call = Call {
            action: "GetProject",
            params: vec![("Id".into(), "42".into()), ("A b".into(), "x y/é".into())],
        };
        let wire = signed_request(
            "127.0.0.1:8080",
            &key,
            &call,
            "2026-11-30T12:00:00Z",
            "abc-123",
        );
        let text = String::from_utf8(wire).unwrap();
        assert!(text.starts_with("POST /?Id=42&A%20b=x%20y%2F%C3%A9 HTTP/1.1\r\n"));
        let header = |name: &str| -> Vec<String> {
            text.lines()
                .filter_map(|l| l.split_once(": "))
                .filter(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
                .collect()
        };
        let auth = sign::parse_authorization(&header("authorization")[0]).unwrap();
        assert_eq!(auth.access_key_id, "LTAItest");
        let canonical = sign::canonical_request(
            "POST",
            "/",
            &call.params,
            &auth.signed_headers,
            &header,
            &sign::sha256_hex(b""),
        );
        assert!(sign::verify("testSecret", &canonical, &auth.signature));
        assert!(!sign::verify("testSecreT", &canonical, &auth.signature));
    }

    #[test]
    fn percentiles() {
        let l = Load {
            requests: 100,
            seconds: 2.0,
            latencies: (1..=100).map(Duration::from_millis).collect(),
        };
        assert_eq!(l.rate(), 50.0);
        assert_eq!(l.percentile(0.5), Duration::from_millis(50));
        assert_eq!(l.percentile(0.99), Duration::from_millis(99));
    }
}
