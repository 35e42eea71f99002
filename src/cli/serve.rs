use clap::{Args, ValueEnum, ValueHint};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0: a free port); the first line on stdout is the address
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// TLS certificate chain (PEM); with --tls-key, serve HTTPS
    #[arg(long, value_name = "PATH", requires = "tls_key", value_hint = ValueHint::FilePath)]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM)
    #[arg(long, value_name = "PATH", requires = "tls_cert", value_hint = ValueHint::FilePath)]
    pub tls_key: Option<PathBuf>,
    /// Serve plain HTTP on an address that is not loopback (AccessKeys then travel unencrypted... signed, not secret: requests can be read)
    #[arg(long, conflicts_with = "tls_cert")]
    pub insecure_http: bool,
    /// One line per request on stderr, as json or text
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub log_format: LogFormatArg,
    /// Benchmarking only (hidden; README "Serving the DataWorks API", Limits): answer
    /// every request with one constant body, skipping authentication and the catalog, so
    /// that `cargo xtask bench --serve` measures the HTTP stack's own limit (P10).
    #[arg(long, hide = true)]
    pub bench_constant: bool,
    /// Testing only (hidden): seconds a client may take to send its headers, and then its
    /// body, in place of 10 and 30 (tests/cli/serve.rs cuts a slow client off quickly).
    #[arg(long, hide = true, value_name = "SECS", value_parser = positive_seconds)]
    pub client_timeout: Option<std::time::Duration>,
}

fn positive_seconds(s: &str) -> Result<std::time::Duration, String> {
    match s.parse::<f64>() {
        Ok(n) if n > 0.0 && n.is_finite() => Ok(std::time::Duration::from_secs_f64(n)),
        _ => Err(format!("{s:?} is not a positive number of seconds")),
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormatArg {
    Json,
    Text,
}
