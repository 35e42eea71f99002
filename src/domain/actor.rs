//! Who is acting (README "Who is acting"). On a file catalog `--as` (or `DWCTL_ACTOR`, or
//! the config's `actor`) chooses the actor, else the account: naming, not authentication.
//! On a catalog whose server authenticates a login (PostgreSQL), the actor is bound to the
//! login: the principal whose `db_role` is the login acts, and only a login mapped to the
//! account may choose another actor.

use super::store::Tx;
use crate::model::error::{Error, Result};
use crate::model::{shown, Principal};

/// The actor of a command, and the login it is bound to (`None` on a file).
#[derive(Debug, Clone)]
pub struct Actor {
    pub principal: Principal,
    pub login: Option<String>,
}

/// The command's actor: see the module's comment. `requested` is `--as` (or its
/// environment/config stand-ins), a name or an id. Every refusal is exit 5, before
/// anything else is read.
pub fn resolve(tx: &dyn Tx, requested: Option<&str>) -> Result<Actor> {
    let login = tx.login()?;
    let principal = match &login {
        None => match requested {
            None => tx.account()?,
            Some(r) => chosen(tx, r)?,
        },
        Some(login) => bind(
            login,
            tx.principal_by_db_role(login)?,
            requested,
            &mut |r: &str| tx.principal(r),
        )?,
    };
    Ok(Actor { principal, login })
}

/// A principal named by `--as` on a file catalog (or by the account's login).
fn chosen(tx: &dyn Tx, r: &str) -> Result<Principal> {
    tx.principal(r)?.ok_or_else(|| unknown(r))
}

fn unknown(r: &str) -> Error {
    Error::denied(format!(
        "unknown actor {}: not a principal of this tenant",
        shown(r)
    ))
    .with_hint(
        "name an existing principal with --as (dwctl user list), or drop --as to act as the account",
    )
}

/// The actor on a catalog that authenticated `login`: `bound` is the principal mapped to
/// it. `--as` is honoured only for the account's login, or when it names the bound
/// principal itself (naming yourself is not acting as someone else).
pub fn bind(
    login: &str,
    bound: Option<Principal>,
    requested: Option<&str>,
    lookup: &mut dyn FnMut(&str) -> Result<Option<Principal>>,
) -> Result<Principal> {
    let Some(bound) = bound else {
        return Err(Error::denied(format!(
            "database login {} is mapped to no principal of this tenant",
            shown(login)
        ))
        .with_hint(format!(
            "the account maps it: dwctl user update NAME --db-role {}",
            shell_word(login)
        )));
    };
    let Some(r) = requested else {
        return Ok(bound);
    };
    if bound.is_account() {
        return lookup(r)?.ok_or_else(|| unknown(r));
    }
    match lookup(r)? {
        Some(p) if p.pk == bound.pk => Ok(p),
        _ => Err(Error::denied(format!(
            "database login {} acts as {}: it may not choose another actor with --as, DWCTL_ACTOR or the config's actor",
            shown(login),
            bound.name
        ))
        .with_hint(format!(
            "drop --as (and DWCTL_ACTOR, the config's actor) to act as {}; only a login mapped to the account may act as another principal",
            bound.name
        ))),
    }
}

/// A login as a shell word in a hint: bare when it is safe, else single-quoted.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::clock::Timestamp;
    use crate::model::error::Kind;
    use crate::model::{PrincipalKind, PrincipalName};

    fn p(pk: i64, name: &str, kind: PrincipalKind) -> Principal {
        Principal {
            pk,
            id: format!("{pk}"),
            name: PrincipalName::from_stored(name.into()),
            kind,
            display_name: None,
            full_access: kind == PrincipalKind::Account,
            db_role: Some(name.into()),
            created_at: Timestamp::from_millis(0),
        }
    }

    fn directory() -> Vec<Principal> {
        vec![
            p(1, "root", PrincipalKind::Account),
            p(2, "alice", PrincipalKind::RamUser),
            p(3, "bob", PrincipalKind::RamUser),
        ]
    }

    fn run(login: &str, bound: Option<&str>, requested: Option<&str>) -> Result<Principal> {
        let all = directory();
        let bound = bound.and_then(|b| all.iter().find(|p| p.name.as_str() == b).cloned());
        bind(login, bound, requested, &mut |r: &str| {
            Ok(all
                .iter()
                .find(|p| p.name.as_str() == r || p.id == r)
                .cloned())
        })
    }

    #[test]
    fn a_login_acts_as_its_principal() {
        assert_eq!(
            run("alice", Some("alice"), None).unwrap().name.as_str(),
            "alice"
        );
        assert_eq!(
            run("root_login", Some("root"), None).unwrap().name.as_str(),
            "root"
        );
    }

    #[test]
    fn an_unmapped_login_is_denied_naming_the_login_and_the_fix() {
        let e = run("carol", None, None).unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        assert!(
            e.message
                .contains("login 'carol' is mapped to no principal"),
            "{}",
            e.message
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("the account maps it: dwctl user update NAME --db-role carol")
        );
        // Even with --as: an unmapped login chooses nobody.
        assert_eq!(
            run("carol", None, Some("root")).unwrap_err().kind,
            Kind::Denied
        );
        let odd = run("Carol O'Neil", None, None).unwrap_err();
        assert!(
            odd.hint
                .as_deref()
                .unwrap()
                .ends_with(r"--db-role 'Carol O'\''Neil'"),
            "{:?}",
            odd.hint
        );
    }

    #[test]
    fn only_the_accounts_login_may_choose_another_actor() {
        assert_eq!(
            run("root_login", Some("root"), Some("bob"))
                .unwrap()
                .name
                .as_str(),
            "bob"
        );
        assert_eq!(
            run("root_login", Some("root"), Some("3"))
                .unwrap()
                .name
                .as_str(),
            "bob"
        );
        let e = run("alice", Some("alice"), Some("bob")).unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        assert!(
            e.message.contains("login 'alice' acts as alice"),
            "{}",
            e.message
        );
        assert!(e.message.contains("--as"), "{}", e.message);
        // Nor the account.
        assert_eq!(
            run("alice", Some("alice"), Some("root")).unwrap_err().kind,
            Kind::Denied
        );
        // Nor someone unknown: still denied, without saying who exists.
        let e = run("alice", Some("alice"), Some("nobody")).unwrap_err();
        assert!(e.message.contains("acts as alice"), "{}", e.message);
    }

    #[test]
    fn naming_yourself_is_not_choosing_another_actor() {
        assert_eq!(
            run("alice", Some("alice"), Some("alice"))
                .unwrap()
                .name
                .as_str(),
            "alice"
        );
        assert_eq!(
            run("alice", Some("alice"), Some("2"))
                .unwrap()
                .name
                .as_str(),
            "alice"
        );
    }

    #[test]
    fn the_accounts_login_naming_an_unknown_actor_is_told_so() {
        let e = run("root_login", Some("root"), Some("nobody")).unwrap_err();
        assert_eq!(e.kind, Kind::Denied);
        assert!(
            e.message.contains("unknown actor 'nobody'"),
            "{}",
            e.message
        );
    }
}
