//! The environment variables `export` names for secret properties.

/// The environment variable `export` names for a secret property:
/// `DWCTL_SECRET_<WORKSPACE>_<NAME>_<ENV>_<KEY>`, one `_` between the parts, each part
/// written so that the parts can always be told apart again (two different secrets never
/// share a variable):
///
/// - workspace, name and env: upper-cased, each `_` doubled (`sec_ws` is `SEC__WS`). dwctl
///   compares these names without regard to case (`Fin` and `FIN` are one workspace), so
///   their case is not kept. They start with a letter, so the single `_` after a part is
///   never the start of the next one.
/// - key (case-sensitive, the last part): lower-case letters and digits upper-cased, a
///   capital letter written `_` and the letter (`accessKeySecret` is `ACCESS_KEY_SECRET`),
///   `.` written `__`, `_` written `_0` and `-` written `_1` (`extra.db.password` is
///   `EXTRA__DB__PASSWORD`, `extra.db_password` is `EXTRA__DB_0PASSWORD`).
///
/// A part outside what the catalog holds (a workspace or object name not of `A-Za-z0-9_`
/// starting with a letter, an env not of `a-z0-9`, a key not of `A-Za-z0-9._-`, or an empty
/// one) makes the whole name `DWCTL_SECRET_0X` and the hex of the four parts' bytes with a
/// `FF` byte between them (a byte UTF-8 never uses): still one variable per secret, and
/// never the name of a valid one (those go on with a letter after `DWCTL_SECRET_`).
pub fn secret_env_name(workspace: &str, name: &str, env: &str, key: &str) -> String {
    fn is_name(s: &str) -> bool {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    }
    let valid = is_name(workspace)
        && is_name(name)
        && !env.is_empty()
        && env
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    let mut out = String::from(SECRET_ENV_PREFIX);
    if !valid {
        out.push_str("0X");
        for (i, part) in [workspace, name, env, key].iter().enumerate() {
            if i > 0 {
                out.push_str("FF");
            }
            for b in part.bytes() {
                out.push_str(&format!("{b:02X}"));
            }
        }
        return out;
    }
    for part in [workspace, name, env] {
        for c in part.chars() {
            match c {
                '_' => out.push_str("__"),
                c => out.push(c.to_ascii_uppercase()),
            }
        }
        out.push('_');
    }
    for c in key.chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c.to_ascii_uppercase()),
            'A'..='Z' => {
                out.push('_');
                out.push(c);
            }
            '.' => out.push_str("__"),
            '_' => out.push_str("_0"),
            // `-`, the only other character a valid key has.
            _ => out.push_str("_1"),
        }
    }
    out
}

/// What every name [`secret_env_name`] gives starts with.
pub const SECRET_ENV_PREFIX: &str = "DWCTL_SECRET_";
