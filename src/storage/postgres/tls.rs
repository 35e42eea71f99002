//! TLS to the catalog's server, with rustls (ring as its crypto). Only built when a
//! connection asks for it: `sslmode=disable` (the default on loopback and sockets) never
//! touches this module.
//!
//! As libpq: `prefer` and `require` encrypt without checking the server's certificate
//! (unless `sslrootcert` is given, when `require` checks it as `verify-ca`); `verify-ca`
//! checks the chain against the root certificates; `verify-full` also checks that the
//! certificate names the host. Roots: `sslrootcert=PATH` (PEM), `sslrootcert=system`
//! (the system's store), else `~/.postgresql/root.crt`.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::target::{SslMode, Target};
use crate::model::error::{Error, Result};

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The rustls configuration of a connection to `t` (whose mode is not `disable`).
pub fn client_config(t: &Target) -> Result<rustls::ClientConfig> {
    let verify = match t.sslmode {
        SslMode::Disable | SslMode::Prefer => false,
        SslMode::Require => t.sslrootcert.is_some(),
        SslMode::VerifyCa | SslMode::VerifyFull => true,
    };
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::internal(format!("TLS set-up failed: {e}")))?;
    let verifier: Arc<dyn ServerCertVerifier> = if verify {
        let roots = Arc::new(roots(t)?);
        let webpki = WebPkiServerVerifier::builder_with_provider(roots, provider())
            .build()
            .map_err(|e| Error::internal(format!("TLS set-up failed: {e}")))?;
        if t.sslmode == SslMode::VerifyFull {
            webpki
        } else {
            Arc::new(ChainOnly(webpki))
        }
    } else {
        Arc::new(Unchecked(provider()))
    };
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

fn roots(t: &Target) -> Result<RootCertStore> {
    let mut store = RootCertStore::empty();
    let path = match &t.sslrootcert {
        Some(p) if p.as_os_str() == "system" => {
            let found = rustls_native_certs::load_native_certs();
            for c in found.certs {
                let _ = store.add(c);
            }
            if store.is_empty() {
                return Err(Error::catalog(
                    "sslrootcert=system: the system has no root certificates dwctl can read",
                ));
            }
            return Ok(store);
        }
        Some(p) => p.clone(),
        None => t.env.default_root_cert.clone().ok_or_else(|| {
            Error::catalog(format!(
                "cannot check the certificate of {t}: no root certificate (sslrootcert) is named"
            ))
            .with_hint("name the CA's certificate with ?sslrootcert=PATH (or sslrootcert=system), or put it in ~/.postgresql/root.crt")
        })?,
    };
    let certs = CertificateDer::pem_file_iter(&path)
        .and_then(|it| it.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(|e| {
            Error::catalog(format!(
                "cannot read the root certificate {}",
                path.display()
            ))
            .caused_by(e.to_string())
            .with_hint("sslrootcert names a PEM file of the CA's certificates")
        })?;
    for c in certs {
        store.add(c).map_err(|e| {
            Error::catalog(format!(
                "the root certificate {} is not usable",
                path.display()
            ))
            .caused_by(e.to_string())
        })?;
    }
    if store.is_empty() {
        return Err(Error::catalog(format!(
            "the root certificate file {} holds no certificate",
            path.display()
        )));
    }
    Ok(store)
}

/// `verify-ca`: the chain must lead to a root, whatever host name the certificate names.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// `prefer` / `require` without roots: encrypted, the certificate not checked (as libpq).
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::error::Kind;
    use crate::storage::postgres::target::PgEnv;

    fn target(q: &str) -> Target {
        Target::parse(&format!("postgres://u@db.example/d?{q}"), PgEnv::default()).unwrap()
    }

    #[test]
    fn require_and_prefer_need_no_roots() {
        client_config(&target("sslmode=require")).unwrap();
        client_config(&target("sslmode=prefer")).unwrap();
    }

    #[test]
    fn checking_a_certificate_needs_a_readable_root_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.crt");
        let e = client_config(&target(&format!(
            "sslmode=verify-full&sslrootcert={}",
            missing.display()
        )))
        .err()
        .unwrap();
        assert_eq!(e.kind, Kind::Catalog);
        assert!(e.message.contains("nope.crt"), "{}", e.message);
        // No default root file known: say how to name one.
        let e = client_config(&target("sslmode=verify-ca")).err().unwrap();
        assert!(e.hint.as_deref().unwrap().contains("sslrootcert"), "{e:?}");
        // A file without a certificate (a key, notes) is refused too.
        let notes = dir.path().join("notes.pem");
        std::fs::write(&notes, "not a certificate\n").unwrap();
        let e = client_config(&target(&format!(
            "sslmode=require&sslrootcert={}",
            notes.display()
        )))
        .err()
        .unwrap();
        assert!(e.message.contains("holds no certificate"), "{}", e.message);
    }
}
