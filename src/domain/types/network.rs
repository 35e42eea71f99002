//! Network address rules (types.md "Value formats"): `host:port`, lists of them, http(s)
//! endpoints and thrift URIs. Shared by validation, which normalises what is stored, and
//! the probe, which connects to it.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Why an address, endpoint or URI was refused: a reason to put after the key in a message
/// ("invalid `address` value: has no port (write host:port)").
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("is empty")]
    Empty,
    #[error("has no host")]
    NoHost,
    #[error("has `[` without a closing `]`")]
    UnclosedBracket,
    #[error("has a bracketed host that is not an IPv6 address")]
    BracketedNotIpv6,
    #[error("has text after `]` that is not `:port`")]
    AfterBracket,
    #[error("looks like an IPv6 address: put it in brackets, e.g. [::1]:5432")]
    BareIpv6,
    #[error("has no port (write host:port)")]
    NoPort,
    #[error("has an empty port")]
    EmptyPort,
    #[error("has a port outside 1-65535")]
    PortRange,
    #[error("has a host that is not a valid IPv4 address")]
    BadIpv4,
    #[error("has a host that is not a DNS name or IP address")]
    BadHost,
    #[error("has an empty entry in the list")]
    EmptyEntry,
    #[error("must start with http:// or https://")]
    NoHttpScheme,
    #[error("holds credentials: put them in username/password instead")]
    Credentials,
    #[error("contains blanks")]
    Blanks,
    #[error("has an entry that does not start with thrift://")]
    NotThrift,
}

/// A parsed `host:port`. `host` is kept without brackets; `Display` adds them back for an
/// IPv6 literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPort {
    pub host: String,
    pub port: u16,
}

impl fmt::Display for HostPort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// Parse `host:port` (or a bare host when `usual_port` is given). The error is a reason
/// fragment ("has no port", ...) to put after the value in a message.
pub fn parse_address(text: &str, usual_port: Option<u16>) -> Result<HostPort, AddressError> {
    let (host, port) = split_host_port(text)?;
    let port = match port {
        Some(p) => parse_port(p)?,
        None => usual_port.ok_or(AddressError::NoPort)?,
    };
    Ok(HostPort { host, port })
}

/// Parse a comma-separated list of addresses; blanks around entries are ignored.
pub fn parse_address_list(
    text: &str,
    usual_port: Option<u16>,
) -> Result<Vec<HostPort>, AddressError> {
    text.split(',')
        .map(|item| {
            let item = item.trim_matches(' ');
            if item.is_empty() {
                Err(AddressError::EmptyEntry)
            } else {
                parse_address(item, usual_port)
            }
        })
        .collect()
}

/// Split into a checked host (brackets removed) and the port text, if any.
fn split_host_port(text: &str) -> Result<(String, Option<&str>), AddressError> {
    if text.is_empty() {
        return Err(AddressError::Empty);
    }
    if let Some(rest) = text.strip_prefix('[') {
        let (inside, after) = rest.split_once(']').ok_or(AddressError::UnclosedBracket)?;
        inside
            .parse::<Ipv6Addr>()
            .map_err(|_| AddressError::BracketedNotIpv6)?;
        return match after {
            "" => Ok((inside.to_string(), None)),
            _ => match after.strip_prefix(':') {
                Some(port) => Ok((inside.to_string(), Some(port))),
                None => Err(AddressError::AfterBracket),
            },
        };
    }
    let (host, port) = match text.split_once(':') {
        None => (text, None),
        Some((_, p)) if p.contains(':') => return Err(AddressError::BareIpv6),
        Some((h, p)) => (h, Some(p)),
    };
    check_host(host)?;
    Ok((host.to_string(), port))
}

fn parse_port(text: &str) -> Result<u16, AddressError> {
    if text.is_empty() {
        return Err(AddressError::EmptyPort);
    }
    if text.len() > 5 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AddressError::PortRange);
    }
    match text.parse::<u32>() {
        Ok(n @ 1..=65535) => Ok(n as u16),
        _ => Err(AddressError::PortRange),
    }
}

/// A DNS name (labels of `A-Za-z0-9-_`, 1-63 each, no leading or trailing `-`, at most 253
/// in all) or an IPv4 literal. Names made only of digits and dots must be IPv4 addresses.
fn check_host(host: &str) -> Result<(), AddressError> {
    if host.is_empty() {
        return Err(AddressError::NoHost);
    }
    if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return host
            .parse::<Ipv4Addr>()
            .map(|_| ())
            .map_err(|_| AddressError::BadIpv4);
    }
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if host.len() <= 253 && host.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(AddressError::BadHost)
    }
}

/// The parts of an endpoint the probe needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointParts {
    /// `http` or `https` (lowercase), or `None` for a bare host.
    pub scheme: Option<&'static str>,
    pub host: String,
    pub port: Option<u16>,
}

impl EndpointParts {
    /// The port to connect to: the explicit one, else 80 for http and 443 for https or no
    /// scheme (cloud endpoints written without a scheme are served over HTTPS).
    pub fn effective_port(&self) -> u16 {
        match (self.port, self.scheme) {
            (Some(p), _) => p,
            (None, Some("http")) => 80,
            (None, _) => 443,
        }
    }

    pub fn host_port(&self) -> HostPort {
        HostPort {
            host: self.host.clone(),
            port: self.effective_port(),
        }
    }
}

/// Parse an `http(s)://host[:port][/path...]` URL, or (unless `require_scheme`) a bare
/// `host[:port][/path...]`. Credentials in the URL are refused: the endpoint is not a
/// secret key, so they would be printed.
pub fn parse_endpoint(text: &str, require_scheme: bool) -> Result<EndpointParts, AddressError> {
    if text.is_empty() {
        return Err(AddressError::Empty);
    }
    let (scheme, rest) = match text.split_once("://") {
        Some((s, rest)) => {
            let scheme = if s.eq_ignore_ascii_case("http") {
                "http"
            } else if s.eq_ignore_ascii_case("https") {
                "https"
            } else {
                return Err(AddressError::NoHttpScheme);
            };
            (Some(scheme), rest)
        }
        None if require_scheme => return Err(AddressError::NoHttpScheme),
        None => (None, text),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return Err(AddressError::Credentials);
    }
    if tail.chars().any(|c| c.is_whitespace()) {
        return Err(AddressError::Blanks);
    }
    let (host, port) = split_host_port(authority).map_err(|e| match e {
        AddressError::Empty => AddressError::NoHost,
        e => e,
    })?;
    let port = port.map(parse_port).transpose()?;
    Ok(EndpointParts { scheme, host, port })
}

pub fn parse_thrift_uris(value: &str) -> Result<String, AddressError> {
    let mut out = Vec::new();
    for item in value.split(',') {
        let item = item.trim_matches(' ');
        if item.is_empty() {
            return Err(AddressError::EmptyEntry);
        }
        let rest = item
            .get(..9)
            .filter(|p| p.eq_ignore_ascii_case("thrift://"))
            .map(|_| &item[9..])
            .ok_or(AddressError::NotThrift)?;
        let hp = parse_address(rest, None)?;
        out.push(format!("thrift://{hp}"));
    }
    Ok(out.join(","))
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_and_print_with_brackets_for_ipv6() {
        let a = parse_address("[::1]:5432", None).unwrap();
        assert_eq!(a.host, "::1");
        assert_eq!(a.to_string(), "[::1]:5432");
        assert_eq!(
            parse_address("db", Some(3306)).unwrap().to_string(),
            "db:3306"
        );
        assert_eq!(parse_address("db:03306", None).unwrap().port, 3306);
        let list = parse_address_list(" b1:9092 , b2", Some(9092)).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].to_string(), "b2:9092");
    }

    #[test]
    fn each_refusal_has_its_reason() {
        let e = |t: &str| parse_address(t, None).unwrap_err();
        assert_eq!(e(""), AddressError::Empty);
        assert_eq!(e("db"), AddressError::NoPort);
        assert_eq!(e("db:"), AddressError::EmptyPort);
        assert_eq!(e("db:0"), AddressError::PortRange);
        assert_eq!(e("db:123456"), AddressError::PortRange);
        assert_eq!(e("::1"), AddressError::BareIpv6);
        assert_eq!(e("[::1"), AddressError::UnclosedBracket);
        assert_eq!(e("[db]:1"), AddressError::BracketedNotIpv6);
        assert_eq!(e("[::1]x"), AddressError::AfterBracket);
        assert_eq!(e("1.2.3.400:1"), AddressError::BadIpv4);
        assert_eq!(e("bad host:1"), AddressError::BadHost);
        assert_eq!(e(":1"), AddressError::NoHost);
        assert_eq!(
            parse_address_list("a:1,,b:2", None).unwrap_err(),
            AddressError::EmptyEntry
        );
        assert_eq!(e("db").to_string(), "has no port (write host:port)");
    }

    /// An endpoint with nothing before its port or path has no host (not "is empty": the
    /// endpoint itself is not).
    #[test]
    fn endpoints_need_a_scheme_only_when_asked_and_a_host_always() {
        let e = |t: &str, s: bool| parse_endpoint(t, s).unwrap_err();
        assert_eq!(e("", false), AddressError::Empty);
        assert_eq!(e("https://", true), AddressError::NoHost);
        assert_eq!(e("https:///x", true), AddressError::NoHost);
        assert_eq!(e("es.example.com", true), AddressError::NoHttpScheme);
        assert_eq!(e("ftp://x", false), AddressError::NoHttpScheme);
        assert_eq!(e("https://u:p@x", true), AddressError::Credentials);
        assert_eq!(e("https://x/a b", true), AddressError::Blanks);
        let p = parse_endpoint("HTTP://x.example.com/api", true).unwrap();
        assert_eq!((p.scheme, p.effective_port()), (Some("http"), 80));
        assert_eq!(
            parse_endpoint("x.example.com", false)
                .unwrap()
                .effective_port(),
            443
        );
    }

    #[test]
    fn thrift_uris_are_normalised() {
        assert_eq!(
            parse_thrift_uris("THRIFT://a:9083 , thrift://b:9083").unwrap(),
            "thrift://a:9083,thrift://b:9083"
        );
        assert_eq!(
            parse_thrift_uris("a:9083").unwrap_err(),
            AddressError::NotThrift
        );
        assert_eq!(
            parse_thrift_uris("thrift://a").unwrap_err(),
            AddressError::NoPort
        );
    }
}
