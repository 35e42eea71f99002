//! Where a PostgreSQL catalog is: its URL (`postgres://` or `postgresql://`, as libpq
//! reads it), the schema, TLS settings, and where the password comes from. Parsing costs
//! nothing but the string: no client is made until a command opens the catalog.
//!
//! The password is never shown: `Display` and `Debug` print the URL without it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::model::error::{Error, Result};

/// `sslmode`, as libpq names it (`allow` is read as `prefer`, `verify-ca` checks the
/// chain but not the host name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// What the process's environment adds to a URL (read by `config`, the only reader of the
/// environment).
#[derive(Clone, Default)]
pub struct PgEnv {
    /// `PGPASSWORD`.
    pub password: Option<String>,
    /// `PGPASSFILE`, else `~/.pgpass`.
    pub passfile: Option<PathBuf>,
    /// `~/.postgresql/root.crt`, libpq's default `sslrootcert`.
    pub default_root_cert: Option<PathBuf>,
    /// The login name when the URL names none (`USER`/`LOGNAME`).
    pub os_user: Option<String>,
}

/// A PostgreSQL catalog's address.
#[derive(Clone)]
pub struct Target {
    pub user: Option<String>,
    password: Option<String>,
    /// Host names, addresses or socket folders (a host starting with `/`).
    pub hosts: Vec<String>,
    pub ports: Vec<u16>,
    pub dbname: Option<String>,
    /// The schema holding the catalog (`?schema=`, default `public`).
    pub schema: String,
    pub sslmode: SslMode,
    pub sslrootcert: Option<PathBuf>,
    pub connect_timeout: Option<Duration>,
    pub options: Option<String>,
    pub env: PgEnv,
    /// The URL as shown: without the password.
    shown: String,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({})", self.shown)
    }
}

/// Is `s` a PostgreSQL catalog's URL (rather than a file's path)?
pub fn is_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

fn bad(url_shown: &str, why: impl Into<String>) -> Error {
    Error::invalid(format!("the catalog URL {url_shown} is not valid: {}", why.into())).with_hint(
        "write it as postgres://USER@HOST:PORT/DATABASE?schema=NAME (see README, Team catalog on PostgreSQL)",
    )
}

fn decode(s: &str) -> std::result::Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("{} is not a %-escape", &s[i..(i + 3).min(s.len())]))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "an escape is not UTF-8".to_string())
}

/// The URL without its password (in the user part or as `password=`).
fn redact(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let (main, query) = match rest.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (rest, None),
    };
    let main = match main.split_once('/') {
        Some((auth, db)) => (auth, Some(db)),
        None => (main, None),
    };
    let (auth, db) = main;
    let auth = match auth.rsplit_once('@') {
        Some((userinfo, hosts)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            format!("{user}@{hosts}")
        }
        None => auth.to_string(),
    };
    let mut out = format!("{scheme}://{auth}");
    if let Some(db) = db {
        out.push('/');
        out.push_str(db);
    }
    if let Some(q) = query {
        let kept: Vec<&str> = q
            .split('&')
            .filter(|p| !p.starts_with("password="))
            .collect();
        if !kept.is_empty() {
            out.push('?');
            out.push_str(&kept.join("&"));
        }
    }
    out
}

fn is_loopback(host: &str) -> bool {
    host.starts_with('/')
        || host.eq_ignore_ascii_case("localhost")
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|a| a.is_loopback())
}

/// A schema name dwctl accepts: what PostgreSQL takes as an identifier, without control
/// characters (quoted whenever it is used).
fn check_schema(shown: &str, s: &str) -> Result<()> {
    if s.is_empty() || s.len() > 63 || s.chars().any(char::is_control) {
        return Err(bad(
            shown,
            "schema must be 1 to 63 bytes long, without control characters",
        ));
    }
    Ok(())
}

impl Target {
    /// Parse a `postgres://` or `postgresql://` URL. Exit 2 naming what is wrong (never
    /// the password).
    pub fn parse(url: &str, env: PgEnv) -> Result<Target> {
        let shown = redact(url);
        let rest = url
            .strip_prefix("postgresql://")
            .or_else(|| url.strip_prefix("postgres://"))
            .ok_or_else(|| bad(&shown, "it must start with postgres:// or postgresql://"))?;
        let (main, query) = match rest.split_once('?') {
            Some((m, q)) => (m, q),
            None => (rest, ""),
        };
        let (auth, db) = match main.split_once('/') {
            Some((a, d)) => (a, Some(d)),
            None => (main, None),
        };
        let (userinfo, hostlist) = match auth.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, auth),
        };
        let dec = |s: &str| decode(s).map_err(|w| bad(&shown, w));
        let mut t = Target {
            user: None,
            password: None,
            hosts: Vec::new(),
            ports: Vec::new(),
            dbname: None,
            schema: "public".into(),
            sslmode: SslMode::Prefer,
            sslrootcert: None,
            connect_timeout: None,
            options: None,
            env,
            shown: shown.clone(),
        };
        if let Some(ui) = userinfo {
            let (u, p) = match ui.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (ui, None),
            };
            if !u.is_empty() {
                t.user = Some(dec(u)?);
            }
            t.password = p.map(dec).transpose()?;
        }
        let port = |p: &str| -> Result<u16> {
            p.parse::<u16>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| bad(&shown, format!("port {p} is not a number 1..65535")))
        };
        if !hostlist.is_empty() {
            for h in hostlist.split(',') {
                let (host, p) = if let Some(r) = h.strip_prefix('[') {
                    let (addr, after) = r
                        .split_once(']')
                        .ok_or_else(|| bad(&shown, "an IPv6 address has no closing ]"))?;
                    (addr.to_string(), after.strip_prefix(':'))
                } else {
                    match h.rsplit_once(':') {
                        Some((host, p)) => (dec(host)?, Some(p)),
                        None => (dec(h)?, None),
                    }
                };
                if !host.is_empty() {
                    t.hosts.push(host);
                }
                if let Some(p) = p.filter(|p| !p.is_empty()) {
                    t.ports.push(port(p)?);
                }
            }
        }
        if let Some(db) = db.filter(|d| !d.is_empty()) {
            t.dbname = Some(dec(db)?);
        }
        let mut sslmode = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = dec(v)?;
            match k {
                "schema" => {
                    check_schema(&shown, &v)?;
                    t.schema = v;
                }
                "sslmode" => {
                    sslmode = Some(match v.as_str() {
                        "disable" => SslMode::Disable,
                        "allow" | "prefer" => SslMode::Prefer,
                        "require" => SslMode::Require,
                        "verify-ca" => SslMode::VerifyCa,
                        "verify-full" => SslMode::VerifyFull,
                        _ => {
                            return Err(bad(
                                &shown,
                                format!("sslmode={v}: it takes disable, prefer, require, verify-ca or verify-full"),
                            ))
                        }
                    })
                }
                "sslrootcert" => t.sslrootcert = Some(PathBuf::from(v)),
                "connect_timeout" => {
                    let secs: u64 = v.parse().map_err(|_| {
                        bad(&shown, format!("connect_timeout={v} is not a whole number of seconds"))
                    })?;
                    t.connect_timeout = (secs > 0).then(|| Duration::from_secs(secs.max(2)));
                }
                "host" => t.hosts = v.split(',').map(str::to_string).collect(),
                "port" => {
                    t.ports = v.split(',').map(port).collect::<Result<_>>()?;
                }
                "user" => t.user = Some(v),
                "password" => t.password = Some(v),
                "dbname" => t.dbname = Some(v),
                "options" => t.options = Some(v),
                "application_name" => {
                    return Err(bad(
                        &shown,
                        "dwctl sets application_name itself (to dwctl USER@HOST, so that the holder of the catalog's lock can be named): leave it out",
                    ))
                }
                _ => {
                    return Err(bad(
                        &shown,
                        format!("dwctl does not know the parameter {k} (it takes schema, sslmode, sslrootcert, connect_timeout, host, port, user, password, dbname, options)"),
                    ))
                }
            }
        }
        // No TLS on loopback and sockets unless asked for; elsewhere libpq's `prefer`.
        t.sslmode = sslmode.unwrap_or(if t.hosts.iter().all(|h| is_loopback(h)) {
            SslMode::Disable
        } else {
            SslMode::Prefer
        });
        Ok(t)
    }

    /// The login: the URL's user, else the system user (as libpq).
    pub fn login(&self) -> Option<&str> {
        self.user.as_deref().or(self.env.os_user.as_deref())
    }

    /// The hosts to connect to; libpq's default socket folder when none is named.
    pub fn hosts_or_default(&self) -> Vec<String> {
        if !self.hosts.is_empty() {
            return self.hosts.clone();
        }
        let dir = ["/var/run/postgresql", "/tmp"]
            .into_iter()
            .find(|d| Path::new(d).join(".s.PGSQL.5432").exists() || Path::new(d).is_dir())
            .unwrap_or("/tmp");
        vec![dir.to_string()]
    }

    /// The password: the URL's, `PGPASSWORD`, or the first matching `~/.pgpass` line.
    pub(crate) fn password(&self) -> Option<String> {
        if let Some(p) = &self.password {
            return Some(p.clone());
        }
        if let Some(p) = &self.env.password {
            return Some(p.clone());
        }
        let file = self.env.passfile.as_ref()?;
        let text = read_passfile(file)?;
        let host = self
            .hosts_or_default()
            .into_iter()
            .next()
            .unwrap_or_default();
        let host = if host.starts_with('/') {
            "localhost".to_string()
        } else {
            host
        };
        let port = self.ports.first().copied().unwrap_or(5432).to_string();
        let db = self
            .dbname
            .clone()
            .or_else(|| self.login().map(str::to_string))
            .unwrap_or_default();
        let user = self.login().unwrap_or_default().to_string();
        pgpass_lookup(&text, [&host, &port, &db, &user])
    }
}

/// A `.pgpass` file's text, when it is a regular file no one else may read (libpq ignores
/// it otherwise).
fn read_passfile(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            return None;
        }
    }
    std::fs::read_to_string(path).ok()
}

/// The password of the first line `host:port:database:username:password` matching
/// `want` (`*` matches anything; `\:` and `\\` are escapes).
fn pgpass_lookup(text: &str, want: [&str; 4]) -> Option<String> {
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = Vec::new();
        let mut cur = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(n) = chars.next() {
                        cur.push(n);
                    }
                }
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut cur)),
                c => cur.push(c),
            }
        }
        fields.push(cur);
        if fields.len() != 5 {
            continue;
        }
        if fields[..4]
            .iter()
            .zip(want)
            .all(|(f, w)| f == "*" || f == w)
        {
            return Some(fields[4].clone());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_as_libpq_reads_them() {
        let t = Target::parse(
            "postgresql://dw%40ops:s3cr%3At@db.internal:6432/platform?schema=dwctl&sslmode=verify-full&sslrootcert=/etc/ca.pem&connect_timeout=3",
            PgEnv::default(),
        )
        .unwrap();
        assert_eq!(t.user.as_deref(), Some("dw@ops"));
        assert_eq!(t.password().as_deref(), Some("s3cr:t"));
        assert_eq!(t.hosts, ["db.internal"]);
        assert_eq!(t.ports, [6432]);
        assert_eq!(t.dbname.as_deref(), Some("platform"));
        assert_eq!(t.schema, "dwctl");
        assert_eq!(t.sslmode, SslMode::VerifyFull);
        assert_eq!(t.sslrootcert.as_deref(), Some(Path::new("/etc/ca.pem")));
        assert_eq!(t.connect_timeout, Some(Duration::from_secs(3)));
        let shown = t.to_string();
        assert!(!shown.contains("s3cr"), "{shown}");
        assert_eq!(
            shown,
            "postgresql://dw%40ops@db.internal:6432/platform?schema=dwctl&sslmode=verify-full&sslrootcert=/etc/ca.pem&connect_timeout=3"
        );
        assert!(!format!("{t:?}").contains("s3cr"));
    }

    #[test]
    fn a_password_parameter_is_never_shown() {
        let t = Target::parse(
            "postgres://u@h/db?password=hunter2&schema=x",
            PgEnv::default(),
        )
        .unwrap();
        assert_eq!(t.password().as_deref(), Some("hunter2"));
        assert_eq!(t.to_string(), "postgres://u@h/db?schema=x");
        let e = Target::parse("postgres://u:hunter2@h/db?bogus=1", PgEnv::default()).unwrap_err();
        assert!(!e.to_string().contains("hunter2"), "{e}");
        assert!(e.to_string().contains("bogus"), "{e}");
    }

    #[test]
    fn loopback_and_sockets_get_no_tls_by_default() {
        let t = |u: &str| Target::parse(u, PgEnv::default()).unwrap().sslmode;
        assert_eq!(t("postgres://127.0.0.1:5/d"), SslMode::Disable);
        assert_eq!(t("postgres://localhost/d"), SslMode::Disable);
        assert_eq!(t("postgres://[::1]:5432/d"), SslMode::Disable);
        assert_eq!(t("postgres://%2Ftmp/d"), SslMode::Disable);
        assert_eq!(
            t("postgres:///d?host=/var/run/postgresql"),
            SslMode::Disable
        );
        assert_eq!(t("postgres://db.example/d"), SslMode::Prefer);
        assert_eq!(
            t("postgres://localhost/d?sslmode=require"),
            SslMode::Require
        );
        assert!(Target::parse("postgres://h/d?sslmode=maybe", PgEnv::default()).is_err());
        assert!(Target::parse("postgres://h:0/d", PgEnv::default()).is_err());
        assert!(Target::parse("postgres://h/d?schema=", PgEnv::default()).is_err());
    }

    #[test]
    fn pgpass_lines_match_with_wildcards_and_escapes() {
        let text =
            "# comment\nother:5432:*:*:no\nlocalhost:*:db:al\\:ice:p\\\\w\n*:*:*:*:fallback\n";
        assert_eq!(
            pgpass_lookup(text, ["localhost", "5432", "db", "al:ice"]).as_deref(),
            Some("p\\w")
        );
        assert_eq!(
            pgpass_lookup(text, ["x", "1", "y", "z"]).as_deref(),
            Some("fallback")
        );
        assert_eq!(pgpass_lookup("h:1:d:u", ["h", "1", "d", "u"]), None);
    }
}
