//! `--prop KEY=VALUE` (and `--unprop KEY`) arguments: the key and where the value comes
//! from. Reading the value is `commands::props`' business.

use crate::model::error::{Error, Result};
use crate::model::excerpt;
use crate::model::property::PropertyKey;
use crate::model::words::ordinal;

/// Where the value of a `--prop` comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropSource {
    /// `KEY=VALUE`
    Literal(String),
    /// `KEY=-`
    Stdin,
    /// `KEY=@FILE`
    File(String),
    /// `KEY=env:VAR`
    Env(String),
}

const PROP_SYNTAX: &str =
    "write --prop KEY=VALUE, KEY=- (stdin), KEY=@FILE or KEY=env:VAR; --unprop KEY removes a key";

/// Split a `--prop` argument at its first `=`. A value of exactly `-`, or starting with `@`
/// or `env:`, names where to read it; to give a literal value of that shape, pass it on
/// stdin or in a file. The key is checked for its characters only; whether the type knows
/// it is [`validate`]'s business.
///
/// `nth` (from 1) is the argument's position among the `--prop`s: an argument with no `=`
/// may be a secret typed without it (`--prop passwordSECRET`), so it is named by its
/// position and at most its first three characters, never in full.
pub fn parse_prop_arg(arg: &str, nth: usize) -> Result<(String, PropSource)> {
    let (key, value) = arg.split_once('=').ok_or_else(|| {
        let start: String = arg.chars().take(3).collect();
        let more = if arg.chars().nth(3).is_some() {
            "…"
        } else {
            ""
        };
        Error::invalid(format!(
            "the {} --prop has no `=` (it starts with `{}{more}`)",
            ordinal(nth),
            excerpt(&start)
        ))
        .with_hint(PROP_SYNTAX)
    })?;
    if key.is_empty() {
        return Err(Error::invalid("--prop has an empty key before `=`").with_hint(PROP_SYNTAX));
    }
    PropertyKey::parse(key).map_err(|reason| bad_key("--prop", key, reason))?;
    let source = if value == "-" {
        PropSource::Stdin
    } else if let Some(path) = value.strip_prefix('@') {
        if path.is_empty() {
            return Err(
                Error::invalid(format!("--prop {key}=@ names no file")).with_hint(PROP_SYNTAX)
            );
        }
        PropSource::File(path.to_string())
    } else if let Some(var) = value.strip_prefix("env:") {
        if var.is_empty() || var.contains(['=', '\0']) {
            return Err(Error::invalid(format!(
                "--prop {key}=env: needs an environment variable name"
            ))
            .with_hint(PROP_SYNTAX));
        }
        PropSource::Env(var.to_string())
    } else {
        PropSource::Literal(value.to_string())
    };
    Ok((key.to_string(), source))
}

/// A key given alone (`--unprop KEY`): the characters a key may have, as in `--prop`.
pub fn parse_prop_key(key: &str, flag: &str) -> Result<String> {
    if key.is_empty() {
        return Err(Error::invalid(format!("{flag} has an empty key")).with_hint(PROP_SYNTAX));
    }
    PropertyKey::parse(key).map_err(|reason| bad_key(flag, key, reason))?;
    Ok(key.to_string())
}

fn bad_key(flag: &str, key: &str, reason: crate::model::property::KeyError) -> Error {
    Error::invalid(format!("{flag} key `{}` {reason}", excerpt(key))).with_hint(
        "property keys are camelCase names such as instanceId; driver options are extra.NAME",
    )
}

/// Values read from stdin or a file lose one trailing newline (`\n` or `\r\n`), as shells and
/// editors add one (domain.md section 6).
pub fn strip_one_trailing_newline(mut s: String) -> String {
    if s.ends_with("\r\n") {
        s.truncate(s.len() - 2);
    } else if s.ends_with('\n') {
        s.truncate(s.len() - 1);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::error::Kind;

    #[test]
    fn prop_args_name_their_source() {
        let p = |a: &str| parse_prop_arg(a, 1).unwrap();
        assert_eq!(
            p("database=sales"),
            ("database".into(), PropSource::Literal("sales".into()))
        );
        assert_eq!(
            p("extra.opts=a=b"),
            ("extra.opts".into(), PropSource::Literal("a=b".into()))
        );
        assert_eq!(
            p("username="),
            ("username".into(), PropSource::Literal(String::new()))
        );
        assert_eq!(p("password=-"), ("password".into(), PropSource::Stdin));
        assert_eq!(
            p("password=@/run/secrets/pw"),
            (
                "password".into(),
                PropSource::File("/run/secrets/pw".into())
            )
        );
        assert_eq!(
            p("password=env:DB_PW"),
            ("password".into(), PropSource::Env("DB_PW".into()))
        );
        assert_eq!(
            p("database=--"),
            ("database".into(), PropSource::Literal("--".into()))
        );
        assert_eq!(
            p("database=ENV:X"),
            ("database".into(), PropSource::Literal("ENV:X".into()))
        );
    }

    #[test]
    fn bad_prop_args_are_exit_2() {
        for bad in [
            "database",
            "=sales",
            "data base=x",
            "ключ=x",
            "a/b=x",
            "password=@",
            "password=env:",
            "k=env:A=B",
        ] {
            let e = parse_prop_arg(bad, 1).expect_err(bad);
            assert_eq!(e.kind, Kind::Invalid, "{bad}");
            assert!(e.hint.is_some(), "{bad}");
        }
        let e = parse_prop_arg("password hunter2", 2).unwrap_err();
        assert_eq!(
            e.message,
            "the 2nd --prop has no `=` (it starts with `pas…`)"
        );
        let e = parse_prop_arg("pw", 11).unwrap_err();
        assert_eq!(
            e.message,
            "the 11th --prop has no `=` (it starts with `pw`)"
        );
        let long = format!("{}=x", "k".repeat(PropertyKey::MAX_CHARS + 1));
        assert!(parse_prop_arg(&long, 1).is_err());
    }

    #[test]
    fn one_trailing_newline_is_stripped() {
        let s = |x: &str| strip_one_trailing_newline(x.to_string());
        assert_eq!(s("pw\n"), "pw");
        assert_eq!(s("pw\r\n"), "pw");
        assert_eq!(s("pw\n\n"), "pw\n");
        assert_eq!(s("pw"), "pw");
        assert_eq!(s(""), "");
        assert_eq!(s("\n"), "");
        assert_eq!(s("pw\r"), "pw\r");
    }
}
