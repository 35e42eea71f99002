//! ACS3-HMAC-SHA256, as the official SDK signs a request (alibabacloud_tea_openapi's
//! `Utils.get_authorization`): the canonical request is the method, the path, the sorted
//! query (values percent-encoded but for `A-Za-z0-9-_.~`), the signed headers (lower-case
//! name, trimmed values, several values sorted and joined by `,`), the `;`-joined names,
//! and the body's SHA-256 in hex; the string to sign is the algorithm and the canonical
//! request's SHA-256 in hex; the signature is HMAC-SHA256 with the secret, in hex.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// The `Authorization` header's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key_id: String,
    /// Lower-case, as sent (the SDK sends them sorted).
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// `ACS3-HMAC-SHA256 Credential=ID,SignedHeaders=a;b,Signature=HEX`, or `None`.
pub fn parse_authorization(value: &str) -> Option<Authorization> {
    let rest = value.strip_prefix(ALGORITHM)?.strip_prefix(' ')?;
    let (mut id, mut headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Credential" => id = Some(v.to_string()),
            "SignedHeaders" => {
                headers = Some(
                    v.split(';')
                        .map(str::to_ascii_lowercase)
                        .collect::<Vec<_>>(),
                )
            }
            "Signature" => signature = Some(v.to_ascii_lowercase()),
            _ => return None,
        }
    }
    Some(Authorization {
        access_key_id: id.filter(|s| !s.is_empty())?,
        signed_headers: headers.filter(|h| h.iter().all(|n| !n.is_empty()))?,
        signature: signature.filter(|s| s.len() == 64)?,
    })
}

/// Percent-encode as Python's `quote(value, safe='~')`.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The canonical query string of decoded `(name, value)` pairs.
pub fn canonical_query(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The canonical request. `headers` gives every value of a (lower-case) header name.
pub fn canonical_request(
    method: &str,
    path: &str,
    query: &[(String, String)],
    signed_headers: &[String],
    headers: &dyn Fn(&str) -> Vec<String>,
    payload_sha256: &str,
) -> String {
    let mut names: Vec<&String> = signed_headers.iter().collect();
    names.sort();
    names.dedup();
    let mut canonical_headers = String::new();
    for name in &names {
        let mut values: Vec<String> = headers(name).iter().map(|v| v.trim().to_string()).collect();
        values.sort();
        canonical_headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let joined = names
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let path = if path.is_empty() { "/" } else { path };
    format!(
        "{method}\n{path}\n{}\n{canonical_headers}\n{joined}\n{payload_sha256}",
        canonical_query(query)
    )
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The signature of a canonical request with `secret`, in hex.
pub fn signature(secret: &str, canonical_request: &str) -> String {
    let to_sign = format!("{ALGORITHM}\n{}", sha256_hex(canonical_request.as_bytes()));
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(to_sign.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// Whether `given` (hex) is the signature of `canonical_request`, compared in constant time.
pub fn verify(secret: &str, canonical_request: &str, given: &str) -> bool {
    same(&signature(secret, canonical_request), given)
}

/// Signature 1.0, as alibaba-cloud-sdk-go (and so the `aliyun` CLI) signs an RPC call:
/// the string to sign is the method, the encoded `/` and the encoded canonical query of
/// every parameter (query and form) but `Signature`, sorted by name, names and values
/// percent-encoded as above.
pub fn v1_string_to_sign(method: &str, params: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> =
        params.iter().filter(|(k, _)| k != "Signature").collect();
    sorted.sort();
    let query = sorted
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    format!("{method}&{}&{}", encode("/"), encode(&query))
}

/// Signature 1.0 of a string to sign: HMAC-SHA1 keyed with the secret and `&`, in Base64.
pub fn v1_signature(secret: &str, string_to_sign: &str) -> String {
    use base64::Engine;
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .expect("HMAC takes any key");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether `given` is `expected`, compared in constant time.
pub fn same(expected: &str, given: &str) -> bool {
    expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Alibaba Cloud's documented example of signature 1.0 (ECS DescribeRegions, secret
    /// `testsecret`), and a POST with characters to encode, computed with the SDK's own
    /// `Utils.get_rpcsignature` (alibabacloud-tea-openapi 0.4.6).
    #[test]
    fn signature_1_0_matches_the_documented_example_and_the_sdk() {
        let mut params: Vec<(String, String)> = [
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Format", "XML"),
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("Version", "2014-05-26"),
            ("SignatureVersion", "1.0"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .to_vec();
        let sts = v1_string_to_sign("GET", &params);
        assert!(sts.starts_with("GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions"));
        assert_eq!(
            v1_signature("testsecret", &sts),
            "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
        );
        // The signature itself is never signed.
        params.push(("Signature".into(), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=".into()));
        assert_eq!(v1_string_to_sign("GET", &params), sts);
        params.push(("Name".into(), "a b*~/é+".into()));
        let sts = v1_string_to_sign("POST", &params);
        assert_eq!(
            v1_signature("testsecret", &sts),
            "kY1lucsvcUcZ2C1oKeh7MoTsj6E="
        );
        assert_ne!(
            v1_signature("testsecreT", &sts),
            "kY1lucsvcUcZ2C1oKeh7MoTsj6E="
        );
    }

    /// Computed with the SDK's own `Utils.get_authorization` (alibabacloud-tea-openapi
    /// 0.4.6) for this request, secret `testSecret`.
    #[test]
    fn matches_the_sdk() {
        let headers = |name: &str| -> Vec<String> {
            match name {
                "host" => vec!["127.0.0.1:8080".into()],
                "x-acs-action" => vec!["GetProject".into()],
                "x-acs-version" => vec!["2024-05-18".into()],
                "x-acs-date" => vec!["2026-11-30T12:00:00Z".into()],
                "x-acs-signature-nonce" => vec!["abc-123".into()],
                "x-acs-content-sha256" => vec![sha256_hex(b"")],
                _ => vec![],
            }
        };
        let signed: Vec<String> = [
            "host",
            "x-acs-action",
            "x-acs-content-sha256",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-version",
        ]
        .map(String::from)
        .to_vec();
        let canonical = canonical_request(
            "GET",
            "/",
            &[("Id".into(), "42".into()), ("A b".into(), "x y/é".into())],
            &signed,
            &headers,
            &sha256_hex(b""),
        );
        assert!(canonical.starts_with("GET\n/\nA b=x%20y%2F%C3%A9&Id=42\nhost:127.0.0.1:8080\n"));
        assert_eq!(signature("testSecret", &canonical), SDK_SIGNATURE);
        assert!(verify("testSecret", &canonical, SDK_SIGNATURE));
        assert!(!verify("testSecreT", &canonical, SDK_SIGNATURE));
    }

    const SDK_SIGNATURE: &str = "f1bab82ccb8cc91113d4c1ed7900ea7e7fc15db9c603ea31deeef375eba927d9";

    #[test]
    fn authorization_header() {
        let a = parse_authorization(&format!(
            "ACS3-HMAC-SHA256 Credential=LTAIx,SignedHeaders=host;x-acs-date,Signature={}",
            "a".repeat(64)
        ))
        .unwrap();
        assert_eq!(a.access_key_id, "LTAIx");
        assert_eq!(a.signed_headers, vec!["host", "x-acs-date"]);
        assert_eq!(parse_authorization("ACS3-HMAC-SHA256 Credential=x"), None);
        assert_eq!(parse_authorization("HMAC-SHA1 x"), None);
    }
}
