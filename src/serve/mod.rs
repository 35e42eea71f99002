//! `dwctl serve`: the DataWorks OpenAPI (2024-05-18, RPC style) over HTTP, a second front
//! end beside `cli`/`commands`. A request is authenticated (ACS3-HMAC-SHA256 with an
//! AccessKey of a principal: `sign`), turned into the same domain calls as the command
//! line (`actions`), and the result or the error shaped as the API's (`error`).
//!
//! The stack: hyper (HTTP/1.1) on a small tokio runtime, built only when `serve` runs; the
//! domain calls run on tokio's blocking pool, on a few SQLite connections (readers in
//! parallel, one writer).

pub mod actions;
pub mod error;
mod params;
mod resources;
mod shares;
pub mod sign;

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::Value;

use crate::config::Settings;
use crate::domain::access_key::{self, KeyRefusal};
use crate::domain::session::{self, Request as DomainRequest};
use crate::domain::store::Catalog as _;
use crate::model::clock::Timestamp;
use crate::model::error::{Error, Result};
use crate::output::serve_log::{self, LogFormat, RequestLine};
use crate::storage::Catalog;
use actions::{Access, Params};
use error::ApiError;

/// The API version served.
pub const VERSION: &str = "2024-05-18";
/// The largest request body accepted (the API's own limit is far above what an action
/// of this API needs).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// How long a client may take to send its headers, and then its body.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
pub const BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// How far a request's `x-acs-date` may be from the server's clock.
pub const DATE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Connections served at once; more wait to be accepted.
pub const MAX_CONNECTIONS: usize = 1024;
/// Reader connections kept open (writes have one connection of their own).
const READERS: usize = 4;
/// How long shutdown waits for in-flight requests.
const DRAIN: Duration = Duration::from_secs(30);

/// What `dwctl serve` takes.
#[derive(Debug, Clone)]
pub struct Options {
    pub listen: SocketAddr,
    pub tls: Option<(PathBuf, PathBuf)>,
    pub insecure_http: bool,
    pub log_format: LogFormat,
    /// Benchmarking only (`--bench-constant`, hidden): every request is answered with
    /// [`CONSTANT`] in place of authentication and the action; the body read, the hop to
    /// the blocking pool, the log line and the response are the same as for a real call.
    pub bench_constant: bool,
    /// Testing only (`--client-timeout`, hidden): how long a client may take to send its
    /// headers, and then its body, in place of [`HEADER_TIMEOUT`] and [`BODY_TIMEOUT`].
    pub client_timeout: Option<Duration>,
}

/// The answer of `--bench-constant`.
const CONSTANT: &str = "Constant";

/// Where the signature nonces seen within the date window are kept.
enum Nonces {
    /// On a catalog file, in this process, with when each expires: a file is one machine's,
    /// served by one server, and a write per request would queue every read behind the
    /// file's one writer (README "Serving the DataWorks API" says what a restart forgets).
    Memory(Mutex<HashMap<String, Instant>>),
    /// On a shared (PostgreSQL) catalog, in it, so that replicas and restarts agree.
    Catalog,
}

/// The longest `x-acs-signature-nonce` taken (the SDK's are 32 characters, a UUID 36).
const MAX_NONCE_CHARS: usize = 256;

/// The state every request shares.
struct State {
    settings: Settings,
    readers: Mutex<Vec<Catalog>>,
    writer: Mutex<Catalog>,
    nonces: Nonces,
    log_format: LogFormat,
    bench_constant: bool,
    body_timeout: Duration,
}

/// Serve until SIGTERM or SIGINT; then finish the requests in flight and return.
pub fn run(settings: Settings, opts: Options) -> Result<()> {
    if !opts.listen.ip().is_loopback() && opts.tls.is_none() && !opts.insecure_http {
        return Err(Error::invalid(format!(
            "{} is not a loopback address: serving it needs TLS",
            opts.listen
        ))
        .with_hint(
            "pass --tls-cert and --tls-key, or --insecure-http to serve plain HTTP anyway",
        ));
    }
    let tls = opts
        .tls
        .as_ref()
        .map(|(cert, key)| tls_acceptor(cert, key))
        .transpose()?;
    let open = || Catalog::open(&settings.catalog, settings.lock_timeout);
    let writer = open()?;
    let state = Arc::new(State {
        readers: Mutex::new(Vec::new()),
        writer: Mutex::new(writer),
        nonces: if settings.catalog.file().is_some() {
            Nonces::Memory(Mutex::new(HashMap::new()))
        } else {
            Nonces::Catalog
        },
        log_format: opts.log_format,
        bench_constant: opts.bench_constant,
        body_timeout: opts.client_timeout.unwrap_or(BODY_TIMEOUT),
        settings: settings.clone(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(8)
        .enable_all()
        .build()
        .map_err(|e| Error::internal("cannot start the server").caused_by(e.to_string()))?;
    let result = runtime.block_on(serve(state.clone(), opts, tls));
    // The catalog's connections go last, outside the runtime: a PostgreSQL client runs a
    // runtime of its own to close its connection, which cannot start inside this one.
    drop(runtime);
    drop(state);
    result
}

fn tls_acceptor(cert: &PathBuf, key: &PathBuf) -> Result<tokio_rustls::TlsAcceptor> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let bad = |what: &str, p: &PathBuf, e: String| {
        Error::invalid(format!("cannot read the TLS {what} {}", p.display())).caused_by(e)
    };
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(|e| bad("certificate", cert, e.to_string()))?;
    let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| bad("key", key, e.to_string()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key_der))
        .map_err(|e| Error::invalid("unusable TLS certificate or key").caused_by(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

async fn serve(
    state: Arc<State>,
    opts: Options,
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(opts.listen)
        .await
        .map_err(|e| {
            Error::invalid(format!("cannot listen on {}", opts.listen)).caused_by(e.to_string())
        })?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::internal("no local address").caused_by(e.to_string()))?;
    serve_log::listening(&local.to_string())
        .map_err(|e| Error::internal("cannot write to stdout").caused_by(e.to_string()))?;

    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let permits = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let header_timeout = opts.client_timeout.unwrap_or(HEADER_TIMEOUT);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(true)
        .max_buf_size(64 * 1024);
    let mut shutdown = Box::pin(shutdown_signal());
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            _ = &mut shutdown => break,
        };
        let (tcp, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors and the like: try again shortly.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = tcp.set_nodelay(true);
        let st = state.clone();
        let service = hyper::service::service_fn(move |req| handle(st.clone(), req));
        match &tls {
            None => {
                let conn = graceful.watch(http.serve_connection(TokioIo::new(tcp), service));
                tokio::spawn(async move {
                    let _ = conn.await;
                    drop(permit);
                });
            }
            Some(acceptor) => {
                let acceptor = acceptor.clone();
                let http = http.clone();
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    if let Ok(Ok(stream)) =
                        tokio::time::timeout(header_timeout, acceptor.accept(tcp)).await
                    {
                        let conn =
                            watcher.watch(http.serve_connection(TokioIo::new(stream), service));
                        let _ = conn.await;
                    }
                    drop(permit);
                });
            }
        }
    }
    drop(listener);
    serve_log::note(
        state.log_format,
        "shutting down: finishing the requests in flight",
    );
    let _ = tokio::time::timeout(DRAIN, graceful.shutdown()).await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// One request: read the body (bounded, timed), run the call on the blocking pool, log a
/// line, answer.
async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> std::result::Result<Response<Full<Bytes>>, Infallible> {
    let started = Instant::now();
    let request_id = request_id();
    let (parts, body) = req.into_parts();
    let declared = parts
        .headers
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let body = if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        Err(too_large())
    } else {
        match tokio::time::timeout(
            state.body_timeout,
            Limited::new(body, MAX_BODY_BYTES).collect(),
        )
        .await
        {
            Err(_) => Err(ApiError::new(
                408,
                "RequestTimeout",
                "the request body took too long",
            )),
            Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
            Ok(Err(_)) => Err(ApiError::new(
                400,
                "InvalidRequest",
                "the request body could not be read",
            )),
            Ok(Ok(b)) => Ok(b.to_bytes()),
        }
    };
    let (outcome, action, principal) = match body {
        Err(e) => (Err(e), action_of(&parts, &Params::new()), String::new()),
        Ok(body) => {
            // The catalog is touched only from here on, with the whole request in hand, and
            // each transaction ends before the answer is written: no transaction ever waits
            // for a client, so PostgreSQL's idle_in_transaction_session_timeout (30 s,
            // storage::postgres::IDLE_IN_TRANSACTION) never ends one of serve's sessions.
            let st = state.clone();
            let parts = parts.clone();
            let call = move || {
                if st.bench_constant {
                    let action = action_of(&parts, &Params::new());
                    (
                        Ok(serde_json::json!({ CONSTANT: true })),
                        action,
                        String::new(),
                    )
                } else {
                    st.call(&parts, &body)
                }
            };
            match tokio::task::spawn_blocking(call).await {
                Ok(done) => done,
                Err(_) => (
                    Err(ApiError::new(
                        500,
                        "InternalError",
                        "the request failed unexpectedly",
                    )),
                    String::new(),
                    String::new(),
                ),
            }
        }
    };
    let (status, body) = match outcome {
        Ok(Value::Object(mut m)) => {
            m.insert("RequestId".into(), Value::String(request_id.clone()));
            (200, Value::Object(m))
        }
        Ok(_) => (200, serde_json::json!({ "RequestId": request_id })),
        Err(e) => (
            e.status,
            serde_json::json!({ "RequestId": request_id, "Code": e.code, "Message": e.message }),
        ),
    };
    let outcome_text = if status == 200 {
        "200".to_string()
    } else {
        format!("{status} {}", body["Code"].as_str().unwrap_or_default())
    };
    serve_log::request(
        state.log_format,
        &RequestLine {
            time: &Timestamp::now_system()
                .map(|t| t.to_string())
                .unwrap_or_default(),
            request_id: &request_id,
            action: &action,
            principal: &principal,
            outcome: &outcome_text,
            status,
            duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        },
    );
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let response = Response::builder()
        .status(status)
        .header("content-type", "application/json;charset=utf-8")
        .header("x-acs-request-id", request_id)
        .body(Full::new(Bytes::from(bytes)))
        .expect("a valid response");
    Ok(response)
}

fn too_large() -> ApiError {
    ApiError::new(
        413,
        "RequestEntityTooLarge",
        format!("the request body is larger than {MAX_BODY_BYTES} bytes"),
    )
}

/// A request id shaped as the API's (8-4-4-4-12 upper-case hex).
fn request_id() -> String {
    let hex = |n: usize| -> String {
        (0..n)
            .map(|_| char::from_digit(fastrand::u32(0..16), 16).unwrap_or('0'))
            .collect::<String>()
            .to_ascii_uppercase()
    };
    format!("{}-{}-{}-{}-{}", hex(8), hex(4), hex(4), hex(4), hex(12))
}

fn header<'a>(parts: &'a hyper::http::request::Parts, name: &str) -> Option<&'a str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The action a request names: the `x-acs-action` header, else the `Action` parameter.
fn action_of(parts: &hyper::http::request::Parts, params: &Params) -> String {
    header(parts, "x-acs-action")
        .map(str::to_string)
        .or_else(|| params.get("Action").cloned())
        .unwrap_or_default()
}

/// `a=b&c=d`, percent-decoded (`+` is a space); `None` when not UTF-8 after decoding.
pub fn parse_pairs(s: &str) -> Option<Vec<(String, String)>> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            Some((decode(k)?, decode(v)?))
        })
        .collect()
}

fn decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let h = std::str::from_utf8(&b[i + 1..i + 3]).ok()?;
                if !h.bytes().all(|c| c.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(u8::from_str_radix(h, 16).ok()?);
                i += 2;
            }
            b'%' => return None,
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

impl State {
    /// The call on the blocking pool: parameters, authentication, the action. Returns
    /// the outcome, the action's name and the principal, for the log.
    fn call(
        &self,
        parts: &hyper::http::request::Parts,
        body: &[u8],
    ) -> (std::result::Result<Value, ApiError>, String, String) {
        let query = parts.uri.query().unwrap_or("");
        let Some(query_pairs) = parse_pairs(query) else {
            return (
                Err(ApiError::new(
                    400,
                    "InvalidRequest",
                    "the query string is not valid percent-encoded UTF-8",
                )),
                String::new(),
                String::new(),
            );
        };
        let mut params: Params = query_pairs.iter().cloned().collect();
        let is_form = header(parts, "content-type")
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
        if is_form && !body.is_empty() {
            match std::str::from_utf8(body).ok().and_then(parse_pairs) {
                Some(pairs) => params.extend(pairs),
                None => {
                    return (
                        Err(ApiError::new(
                            400,
                            "InvalidRequest",
                            "the form body is not valid percent-encoded UTF-8",
                        )),
                        action_of(parts, &params),
                        String::new(),
                    )
                }
            }
        }
        let action = action_of(parts, &params);
        let signed = match signed_parts(parts, body, &params) {
            Ok(s) => s,
            Err(e) => return (Err(e), action, String::new()),
        };
        let mut principal = String::new();
        // One reader connection, and on a file one read transaction, for the AccessKey and
        // a read action: one snapshot, one connection taken from the pool per request.
        let first = self.with_reader(|cat| {
            let tx = cat.read()?;
            let owner = match self.verify(&*tx, parts, &query_pairs, &signed)? {
                Ok(owner) => owner,
                Err(e) => return Ok(Next::Done(Err(e))),
            };
            principal = owner.clone();
            // Checked now, told after the nonce (a replay is a replay, whatever it asks).
            let routed = route(parts, &action, &params);
            let writes = matches!(routed, Ok((Access::Write, _)));
            let (tx, fresh) = match &self.nonces {
                Nonces::Memory(seen) => (Some(tx), remember_in_memory(seen, &signed)),
                Nonces::Catalog => {
                    // Not in a read-only transaction: on its own, before the action.
                    tx.commit()?;
                    let fresh =
                        cat.remember_nonce(&signed.key_id, &signed.nonce, 2 * DATE_WINDOW)?;
                    (if writes { None } else { Some(cat.read()?) }, fresh)
                }
            };
            if !fresh {
                return Ok(Next::Done(Err(ApiError::new(
                    400,
                    "SignatureNonceUsed",
                    "x-acs-signature-nonce was used before: each request needs a new one",
                ))));
            }
            let (access, handler) = match routed {
                Ok(found) => found,
                Err(e) => return Ok(Next::Done(Err(e))),
            };
            let req = self.request_as(owner)?;
            match (access, tx) {
                (Access::Read, Some(tx)) => Ok(Next::Done(run_action(handler, &params, |run| {
                    session::read_on(tx, &req, run)
                }))),
                // A change (a read always has its transaction here).
                (_, tx) => {
                    if let Some(tx) = tx {
                        tx.commit()?;
                    }
                    Ok(Next::Write(handler, req))
                }
            }
        });
        let outcome = match first {
            Err(e) => Err(ApiError::from(e)),
            Ok(Next::Done(outcome)) => outcome,
            Ok(Next::Write(handler, req)) => {
                let mut cat = self.writer.lock().unwrap_or_else(|p| p.into_inner());
                if cat.is_closed() {
                    // The server ended the writer's connection (a restart): a new one,
                    // or the request's 503 while the server is still away.
                    match Catalog::open(&self.settings.catalog, self.settings.lock_timeout) {
                        Ok(new) => *cat = new,
                        Err(e) => return (Err(ApiError::from(e)), action, principal),
                    }
                }
                run_action(handler, &params, |run| {
                    session::write(&mut *cat, &req, run).map(|done| done.value)
                })
            }
        };
        (outcome, action, principal)
    }

    /// The request of a domain call acting as `principal`.
    fn request_as(&self, principal: String) -> Result<DomainRequest> {
        Ok(DomainRequest {
            actor: Some(principal),
            now: if self.settings.pinned_clock {
                self.settings.now
            } else {
                Timestamp::now_system()?
            },
            pinned_clock: self.settings.pinned_clock,
            dry_run: false,
            seed: self.settings.seed,
        })
    }

    /// Run `f` on a reader connection from the pool (opened when none is free).
    fn with_reader<T>(&self, f: impl FnOnce(&mut Catalog) -> Result<T>) -> Result<T> {
        let taken = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let mut cat = match taken {
            Some(c) => c,
            None => Catalog::open(&self.settings.catalog, self.settings.lock_timeout)?,
        };
        let r = f(&mut cat);
        let mut pool = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        // A connection the server ended (a restart) is dropped, not pooled: the next
        // request opens a new one.
        if pool.len() < READERS && !cat.is_closed() {
            pool.push(cat);
        }
        r
    }

    /// The principal a signed request acts as (its AccessKey's owner) when the key is
    /// enabled and the signature matches, or the API's error.
    fn verify(
        &self,
        tx: &dyn crate::domain::store::Tx,
        parts: &hyper::http::request::Parts,
        query: &[(String, String)],
        signed: &Signed,
    ) -> Result<std::result::Result<String, ApiError>> {
        let (key, secret) = match access_key::for_signature(tx, &signed.key_id)? {
            Ok(k) => k,
            Err(KeyRefusal::NotFound) => {
                return Ok(Err(ApiError::new(
                    404,
                    "InvalidAccessKeyId.NotFound",
                    "the AccessKey id is not found",
                )))
            }
            Err(KeyRefusal::Disabled) => {
                return Ok(Err(ApiError::new(
                    400,
                    "InvalidAccessKeyId.Inactive",
                    "the AccessKey is disabled",
                )))
            }
        };
        let matches = match &signed.proof {
            Proof::Acs3 {
                auth,
                content_sha256,
            } => {
                let values = |name: &str| -> Vec<String> {
                    parts
                        .headers
                        .get_all(name)
                        .iter()
                        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                        .collect()
                };
                let canonical = sign::canonical_request(
                    parts.method.as_str(),
                    parts.uri.path(),
                    query,
                    &auth.signed_headers,
                    &values,
                    content_sha256,
                );
                sign::verify(&secret, &canonical, &auth.signature)
            }
            Proof::V1 {
                string_to_sign,
                signature,
            } => sign::same(&sign::v1_signature(&secret, string_to_sign), signature),
        };
        if !matches {
            return Ok(Err(ApiError::new(
                400,
                "SignatureDoesNotMatch",
                "the request signature does not match: check the AccessKey secret",
            )));
        }
        Ok(Ok(key.user.to_string()))
    }
}

/// What is left after the first step on a reader connection.
enum Next {
    Done(std::result::Result<Value, ApiError>),
    /// A change, to run on the writer as this request.
    Write(actions::Handler, DomainRequest),
}

/// Run an action's handler in a session that `in_session` opens, keeping the handler's
/// own API error (a domain error is mapped by kind).
fn run_action(
    handler: actions::Handler,
    params: &Params,
    in_session: impl FnOnce(&mut dyn FnMut(&mut session::Session) -> Result<Value>) -> Result<Value>,
) -> std::result::Result<Value, ApiError> {
    let mut api_error = None;
    let mut run = |s: &mut session::Session| {
        handler(s, params).map_err(|e| {
            let d = e.to_domain();
            api_error = Some(e);
            d
        })
    };
    in_session(&mut run).map_err(|e| api_error.unwrap_or_else(|| ApiError::from(e)))
}

/// The action a request names, when the method, path and version are the API's.
fn route(
    parts: &hyper::http::request::Parts,
    action: &str,
    params: &Params,
) -> std::result::Result<(Access, actions::Handler), ApiError> {
    if !matches!(parts.method, hyper::Method::GET | hyper::Method::POST) || parts.uri.path() != "/"
    {
        return Err(ApiError::new(
            404,
            "InvalidAction.NotFound",
            format!(
                "{} {} is not an API of this server: RPC style is POST / (or GET /)",
                parts.method,
                parts.uri.path()
            ),
        ));
    }
    if action.is_empty() {
        return Err(ApiError::missing("Action (or the x-acs-action header)"));
    }
    let version = header(parts, "x-acs-version")
        .map(str::to_string)
        .or_else(|| params.get("Version").cloned())
        .unwrap_or_default();
    if version != VERSION {
        return Err(ApiError::new(
            400,
            "InvalidVersion",
            format!("version {version:?} is not served: this server speaks {VERSION}"),
        ));
    }
    actions::find(action).ok_or_else(|| {
        ApiError::new(
            404,
            "InvalidAction.NotFound",
            format!("the action {action:?} is not supported (README lists the actions served)"),
        )
    })
}

/// What a request's signature says, checked as far as it can be without the catalog.
struct Signed {
    key_id: String,
    nonce: String,
    proof: Proof,
}

/// The signature itself, of either kind `serve` accepts.
enum Proof {
    /// ACS3-HMAC-SHA256 in the `Authorization` header, as the official SDKs sign.
    Acs3 {
        auth: sign::Authorization,
        content_sha256: String,
    },
    /// Signature 1.0 (HMAC-SHA1) in the parameters, as alibaba-cloud-sdk-go and so the
    /// `aliyun` CLI sign RPC calls.
    V1 {
        string_to_sign: String,
        signature: String,
    },
}

/// The request's signature, of either kind: an `Authorization` header is ACS3, a
/// `Signature` parameter without one is signature 1.0.
fn signed_parts(
    parts: &hyper::http::request::Parts,
    body: &[u8],
    params: &Params,
) -> std::result::Result<Signed, ApiError> {
    if header(parts, "authorization").is_none() && params.contains_key("Signature") {
        signed_v1(parts, params)
    } else {
        signed_acs3(parts, body)
    }
}

fn incomplete(m: &str) -> ApiError {
    ApiError::new(400, "IncompleteSignature", m.to_string())
}

/// The `Authorization` header and the signed headers a request must have: every required
/// and every `x-acs-` header signed, the body's SHA-256, a date within the window (of the
/// real clock, never DWCTL_NOW: a signature's freshness is about the wire), a nonce.
fn signed_acs3(
    parts: &hyper::http::request::Parts,
    body: &[u8],
) -> std::result::Result<Signed, ApiError> {
    let auth = header(parts, "authorization")
        .ok_or_else(|| incomplete("the request is not signed: no Authorization header (sign with ACS3-HMAC-SHA256 and an AccessKey from dwctl user accesskey create)"))?;
    let auth = sign::parse_authorization(auth).ok_or_else(|| {
        incomplete("the Authorization header is not ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..")
    })?;
    for required in [
        "host",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-content-sha256",
    ] {
        if !auth.signed_headers.iter().any(|h| h == required) {
            return Err(incomplete(&format!("the header {required} must be signed")));
        }
    }
    // Every x-acs- header sent is signed: none can be changed on the way.
    for name in parts.headers.keys() {
        let n = name.as_str();
        if n.starts_with("x-acs-") && !auth.signed_headers.iter().any(|h| h == n) {
            return Err(incomplete(&format!(
                "the header {n} is sent but not signed"
            )));
        }
    }
    let content = header(parts, "x-acs-content-sha256").unwrap_or_default();
    if content != sign::sha256_hex(body) {
        return Err(ApiError::new(
            400,
            "SignatureDoesNotMatch",
            "x-acs-content-sha256 is not the SHA-256 of the body",
        ));
    }
    within_window(
        "x-acs-date",
        header(parts, "x-acs-date").unwrap_or_default(),
    )?;
    let nonce = checked_nonce(
        "x-acs-signature-nonce",
        header(parts, "x-acs-signature-nonce").unwrap_or_default(),
    )?;
    Ok(Signed {
        key_id: auth.access_key_id.clone(),
        nonce,
        proof: Proof::Acs3 {
            auth,
            content_sha256: content.to_string(),
        },
    })
}

/// Signature 1.0: `SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`, `AccessKeyId`,
/// `Timestamp` and `SignatureNonce` among the parameters, every parameter signed. The
/// action and version are the signed parameters: an `x-acs-action` or `x-acs-version`
/// header (unsigned here, though alibaba-cloud-sdk-go sends them) must agree with them.
fn signed_v1(
    parts: &hyper::http::request::Parts,
    params: &Params,
) -> std::result::Result<Signed, ApiError> {
    let get = |k: &str| params.get(k).map(String::as_str).unwrap_or_default();
    if get("SignatureMethod") != "HMAC-SHA1" || get("SignatureVersion") != "1.0" {
        return Err(incomplete(
            "signature 1.0 needs SignatureMethod=HMAC-SHA1 and SignatureVersion=1.0 (or sign with ACS3-HMAC-SHA256)",
        ));
    }
    if params.contains_key("SecurityToken") || params.contains_key("SignatureType") {
        return Err(incomplete(
            "STS tokens and bearer tokens are not served: sign with an AccessKey from dwctl user accesskey create",
        ));
    }
    let key_id = get("AccessKeyId");
    if key_id.is_empty() {
        return Err(incomplete("signature 1.0 needs the AccessKeyId parameter"));
    }
    for (h, p) in [("x-acs-action", "Action"), ("x-acs-version", "Version")] {
        if let Some(v) = header(parts, h) {
            if v != get(p) {
                return Err(incomplete(&format!(
                    "the header {h} is not signed and differs from the signed {p} parameter"
                )));
            }
        }
    }
    within_window("Timestamp", get("Timestamp"))?;
    let nonce = checked_nonce("SignatureNonce", get("SignatureNonce"))?;
    let pairs: Vec<(String, String)> = params.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    Ok(Signed {
        key_id: key_id.to_string(),
        nonce,
        proof: Proof::V1 {
            string_to_sign: sign::v1_string_to_sign(parts.method.as_str(), &pairs),
            signature: get("Signature").to_string(),
        },
    })
}

/// A signature's date (`what`: the header or parameter) within 15 minutes of the real
/// clock (never DWCTL_NOW: a signature's freshness is about the wire).
fn within_window(what: &str, date: &str) -> std::result::Result<(), ApiError> {
    let Ok(at) = Timestamp::parse(date) else {
        return Err(ApiError::new(
            400,
            "InvalidTimeStamp.Format",
            format!("{what} {date:?} is not yyyy-MM-ddTHH:mm:ssZ"),
        ));
    };
    let now = Timestamp::now_system().map_err(ApiError::from)?;
    if (now.millis() - at.millis()).unsigned_abs() > DATE_WINDOW.as_millis() as u64 {
        return Err(ApiError::new(
            400,
            "InvalidTimeStamp.Expired",
            format!("{what} {date} is more than 15 minutes from the server's time {now}"),
        ));
    }
    Ok(())
}

/// A nonce (`what`: the header or parameter) of 1 to [`MAX_NONCE_CHARS`] characters.
fn checked_nonce(what: &str, nonce: &str) -> std::result::Result<String, ApiError> {
    if nonce.is_empty() || nonce.len() > MAX_NONCE_CHARS {
        return Err(incomplete(&format!(
            "{what} must be 1 to {MAX_NONCE_CHARS} characters"
        )));
    }
    Ok(nonce.to_string())
}

/// Remember a nonce in this process for the date window (twice it: a date may be 15
/// minutes either way); `false` when it was seen within it, a replay.
fn remember_in_memory(seen: &Mutex<HashMap<String, Instant>>, signed: &Signed) -> bool {
    let now = Instant::now();
    let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
    if seen.len() > 100_000 {
        seen.retain(|_, expires| *expires > now);
    }
    let id = format!("{}\n{}", signed.key_id, signed.nonce);
    match seen.get(&id) {
        Some(expires) if *expires > now => false,
        _ => {
            seen.insert(id, now + 2 * DATE_WINDOW);
            true
        }
    }
}
