//! TLS to a PostgreSQL catalog, end to end (issue 13): `sslmode=verify-full` with the CA
//! of the server's certificate and `sslmode=require` connect; verify-full against another
//! CA, or to a host name the certificate does not hold, is exit 7 naming the certificate
//! problem, and never shows the password. Needs a server with TLS on: `DWCTL_TEST_PG_URL`
//! and `DWCTL_TEST_PG_SSLROOTCERT` (its CA's file), as `.ci/pg-cluster.sh` starts it (its
//! certificate names localhost and 127.0.0.1; it listens on 127.0.0.2 too). The other
//! tests use no TLS on loopback, as dwctl does by default.

use crate::harness::*;

const PASSWORD: &str = "tls-test-pw-8341";

/// The server's URL and its CA file, or None after a visible note.
#[allow(clippy::print_stderr)] // the visible note of a skipped test
fn tls_server() -> Option<(String, String)> {
    let url = needs_pg()?;
    match std::env::var("DWCTL_TEST_PG_SSLROOTCERT") {
        Ok(ca) if !ca.is_empty() => Some((url, ca)),
        _ => {
            eprintln!(
                "skipped: TLS to PostgreSQL needs DWCTL_TEST_PG_SSLROOTCERT (the CA of the test server's certificate; .ci/pg-cluster.sh makes one)"
            );
            None
        }
    }
}

/// `env`'s catalog URL with a password in it (the test server trusts loopback, so any
/// password is accepted: it is there to be never shown) and `extra` parameters.
fn url_with(env: &Env, extra: &str) -> String {
    let url = env.pg.as_ref().unwrap().url();
    let (scheme, rest) = url.split_once("://").unwrap();
    let with_pw = match rest.split_once('@') {
        Some((user, host)) if !user.contains(':') => {
            format!("{scheme}://{user}:{PASSWORD}@{host}")
        }
        _ => url.clone(),
    };
    format!("{with_pw}&{extra}")
}

#[test]
fn verify_full_with_the_servers_ca_and_require_connect() {
    let Some((url, ca)) = tls_server() else {
        return;
    };
    let env = Env::new_on_pg(&url);
    for extra in [
        format!("sslmode=verify-full&sslrootcert={ca}"),
        "sslmode=require".to_string(),
        format!("sslmode=verify-ca&sslrootcert={ca}"),
    ] {
        let catalog = url_with(&env, &extra);
        let out = env.run(&["--catalog", &catalog, "workspace", "list", "-o", "json"]);
        assert!(out.ok().contains(DEFAULT_WS), "{extra}: {}", out.stdout);
        // A change over TLS too: it commits, and the chain verifies.
        env.run(&[
            "--catalog",
            &catalog,
            "-q",
            "user",
            "add",
            &format!("u_{}", extra.len()),
        ])
        .ok();
    }
    env.run(&["audit", "verify"]).ok();
}

/// A throwaway CA of its own (not the server's), made with openssl; None when there is no
/// openssl (then that case is skipped with a note).
#[allow(clippy::print_stderr)] // the visible note of a skipped case
fn other_ca(env: &Env) -> Option<String> {
    let dir = env.path();
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=not the server's CA",
        ])
        .arg("-keyout")
        .arg(dir.join("other.key"))
        .arg("-out")
        .arg(dir.join("other.crt"))
        .output();
    match made {
        Ok(o) if o.status.success() => Some(dir.join("other.crt").to_str().unwrap().to_string()),
        _ => {
            eprintln!("skipped: verify-full against another CA needs openssl on PATH");
            None
        }
    }
}

#[test]
fn verify_full_refuses_another_ca_naming_the_certificate_problem() {
    let Some((url, _)) = tls_server() else { return };
    let env = Env::new_on_pg(&url);
    let Some(other) = other_ca(&env) else { return };
    let before = env.run(&["audit", "list", "-o", "json"]).ok().to_string();
    let catalog = url_with(&env, &format!("sslmode=verify-full&sslrootcert={other}"));
    for args in [vec!["workspace", "list"], vec!["user", "add", "nobody"]] {
        let mut all = vec!["--catalog", catalog.as_str()];
        all.extend(args);
        let r = env.run(&all);
        r.fails(
            7,
            "the server's certificate is not signed by a CA in sslrootcert",
        );
        assert!(r.stderr.contains("hint: check sslrootcert"), "{}", r.stderr);
        assert!(
            !r.stderr.contains(PASSWORD),
            "the password was shown: {}",
            r.stderr
        );
    }
    // Nothing was made.
    assert_eq!(env.run(&["audit", "list", "-o", "json"]).ok(), before);
}

#[test]
#[allow(clippy::print_stderr)] // the visible note of a skipped test
fn verify_full_refuses_a_host_the_certificate_does_not_name() {
    let Some((url, ca)) = tls_server() else {
        return;
    };
    if !url.contains("@127.0.0.1:") {
        eprintln!("skipped: a host name the certificate does not hold needs the server on 127.0.0.1 (and 127.0.0.2), as .ci/pg-cluster.sh starts it");
        return;
    }
    let env = Env::new_on_pg(&url);
    // The same server, at an address its certificate does not hold.
    let catalog = url_with(&env, &format!("sslmode=verify-full&sslrootcert={ca}"))
        .replace("@127.0.0.1:", "@127.0.0.2:");
    let r = env.run(&["--catalog", &catalog, "workspace", "list"]);
    r.fails(
        7,
        "the server's certificate is not valid for the host 127.0.0.2",
    );
    assert!(
        !r.stderr.contains(PASSWORD),
        "the password was shown: {}",
        r.stderr
    );
    // verify-ca checks the CA only: the same address connects.
    let catalog = catalog.replace("sslmode=verify-full", "sslmode=verify-ca");
    env.run(&["--catalog", &catalog, "workspace", "list"]).ok();
}
