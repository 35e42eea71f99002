//! A data source's connection as the DataWorks OpenAPI writes it, and as dwctl stores it.
//!
//! The API sends `Type`, `ConnectionPropertiesMode` (`InstanceMode`, `UrlMode`, `CdhMode`)
//! and `ConnectionProperties`, a JSON object whose values are not all strings: `address`
//! and `loadAddress` are lists of `{host, port}` (port a number or a string), driver
//! options are a nested `properties` object, and `envType` (`Dev`/`Prod`) says the
//! environment. dwctl stores flat string properties and the environment apart. The
//! mapping (README "Fidelity to DataWorks", "Data sources"):
//!
//! | API | dwctl |
//! |---|---|
//! | `envType` `Dev`/`Prod` | env `dev`/`prod` (not a property) |
//! | `address: [{host, port}, ...]` | `address = "host:port,host:port"` (IPv6 hosts bracketed) |
//! | `loadAddress: [{host, port}, ...]` | `loadAddress = "host:port,..."` |
//! | `properties: {k: v}` | `extra.k = v` |
//! | a number or boolean | its JSON text |
//! | any other array or object (a key dwctl does not know) | its JSON text |
//! | `PascalCase` key of a known camelCase key (`InstanceId`) | the camelCase key |
//! | oss `accessKeyId`, `accessKeySecret` (dwctl's older names) | `accessId`, `accessKey` |
//!
//! Back to the API ([`to_api`]): the same in reverse, ports as numbers, enums in the
//! casing of the type's page, the documented defaults of absent keys filled (rows stored
//! before a default existed), `regionId` filled with the catalog's region where the page
//! requires it (instance modes, maxcompute, oss, oss_hdfs), and secrets masked unless
//! asked for. Everything here is pure: no printing, no storage.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::error::{Error, Result};
use super::text::excerpt;
use super::types::{
    alias_target, lookup, registry_key, ConnMode, Properties, TypeSpec, ValueFormat, EXTRA_PREFIX,
    REDACTED,
};
use super::{Env, Warning};

/// The key of the API's nested driver options.
pub const DRIVER_PROPERTIES: &str = "properties";
/// The key of the environment inside `ConnectionProperties`.
pub const ENV_TYPE: &str = "envType";

/// The API's name of `mode`.
pub fn api_mode(mode: ConnMode) -> &'static str {
    match mode {
        ConnMode::Instance => "InstanceMode",
        ConnMode::Url => "UrlMode",
        ConnMode::Cdh => "CdhMode",
    }
}

/// The mode the API names `text` (`InstanceMode`, `UrlMode`, `CdhMode`), or dwctl's own
/// name of it, case-insensitively; exit 2 otherwise.
pub fn mode_from_api(text: &str) -> Result<ConnMode> {
    ConnMode::ALL
        .into_iter()
        .find(|m| api_mode(*m).eq_ignore_ascii_case(text) || m.as_str().eq_ignore_ascii_case(text))
        .ok_or_else(|| {
            Error::invalid(format!(
                "unknown ConnectionPropertiesMode `{}`",
                excerpt(text)
            ))
            .with_hint("ConnectionPropertiesMode is InstanceMode, UrlMode or CdhMode")
        })
}

/// The API's `envType` of `env`.
pub fn api_env(env: Env) -> &'static str {
    match env {
        Env::Dev => "Dev",
        Env::Prod => "Prod",
    }
}

/// A connection in dwctl's terms, converted from the API's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromApi {
    /// The registry's key of the type.
    pub type_key: &'static str,
    /// `None` when the API left it out (the properties or the type then decide).
    pub mode: Option<ConnMode>,
    /// From `envType`, when the properties carry it.
    pub env: Option<Env>,
    pub properties: Properties,
    /// What the conversion changed beyond the mapping (a non-string value kept as text).
    pub warnings: Vec<Warning>,
}

/// From the API's `Type`, `ConnectionPropertiesMode` and `ConnectionProperties` to dwctl's
/// type, mode, env and flat properties. Keys the registry does not know are kept (the
/// domain's validation warns about them and treats them as secrets); exit 2 for an unknown
/// type or mode, or a shape that cannot be converted (a malformed address list).
pub fn from_api(type_: &str, mode: Option<&str>, properties: &Value) -> Result<FromApi> {
    let spec = super::types::resolve_type(type_)?;
    let mode = mode
        .filter(|m| !m.is_empty())
        .map(mode_from_api)
        .transpose()?;
    let Value::Object(map) = properties else {
        return Err(
            Error::invalid("ConnectionProperties must be a JSON object").with_hint(
                "e.g. {\"address\": [{\"host\": \"db\", \"port\": 3306}], \"envType\": \"Prod\"}",
            ),
        );
    };
    let flat = flatten(Some(spec), map)?;
    Ok(FromApi {
        type_key: spec.key,
        mode,
        env: flat.env,
        properties: flat.properties,
        warnings: flat.warnings,
    })
}

/// Flat properties read from a JSON object in the API's shape (or dwctl's own: a flat
/// object of strings is unchanged).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Flat {
    pub properties: Properties,
    pub env: Option<Env>,
    pub warnings: Vec<Warning>,
}

/// The API's nested shapes to dwctl's flat properties (the module's table), keys through
/// [`canonical_key`]. `spec` is the type when known (`--props` of `add` and `attach`,
/// [`from_api`]), for the aliases and the keys that hold addresses; without it (`--props`
/// of `update`), `address` and `loadAddress` do, and validation renames the aliases.
pub fn flatten(spec: Option<&TypeSpec>, map: &Map<String, Value>) -> Result<Flat> {
    let mut out = Flat::default();
    for (key, value) in map {
        let key = canonical_key(spec, key);
        match (key.as_str(), value) {
            (ENV_TYPE, Value::String(s)) => {
                out.env = Some(env_from_api(s)?);
            }
            (ENV_TYPE, _) => {
                return Err(Error::invalid("`envType` must be \"Dev\" or \"Prod\""));
            }
            (DRIVER_PROPERTIES, Value::Object(options)) => {
                for (k, v) in options {
                    let Some(text) = scalar_text(v) else {
                        return Err(Error::invalid(format!(
                            "driver property `{}` must be a string, number or boolean",
                            excerpt(k)
                        )));
                    };
                    insert_once(&mut out.properties, format!("{EXTRA_PREFIX}{k}"), text)?;
                }
            }
            (_, Value::Array(items)) if is_address_key(spec, &key) => {
                let list = address_list(&key, items)?;
                insert_once(&mut out.properties, key, list)?;
            }
            (_, Value::Object(_)) if is_address_key(spec, &key) => {
                return Err(Error::invalid(format!(
                    "the value of `{key}` must be a string or a list of {{\"host\": ..., \"port\": ...}}"
                )));
            }
            (_, Value::Null) => {
                return Err(Error::invalid(format!(
                    "the value of `{}` must be a string, not null",
                    excerpt(&key)
                ))
                .with_hint("leave the key out instead"));
            }
            (_, v) => {
                let text = match scalar_text(v) {
                    Some(t) => t,
                    None => {
                        out.warnings.push(Warning::new(
                            "property_as_text",
                            format!(
                                "property `{}` is a JSON {}: it is kept as its JSON text",
                                excerpt(&key),
                                if v.is_array() { "array" } else { "object" }
                            ),
                        ));
                        v.to_string()
                    }
                };
                insert_once(&mut out.properties, key, text)?;
            }
        }
    }
    Ok(out)
}

/// Inserts `key` (named by [`canonical_key`]) once: two names of one property are exit 2.
pub fn insert_once<V>(props: &mut BTreeMap<String, V>, key: String, value: V) -> Result<()> {
    if props.contains_key(&key) {
        return Err(Error::invalid(format!(
            "property `{}` is given twice (under two of its names)",
            excerpt(&key)
        ))
        .with_hint("keep one of them"));
    }
    props.insert(key, value);
    Ok(())
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn env_from_api(text: &str) -> Result<Env> {
    [Env::Dev, Env::Prod]
        .into_iter()
        .find(|e| api_env(*e).eq_ignore_ascii_case(text))
        .ok_or_else(|| {
            Error::invalid(format!("unknown envType `{}`", excerpt(text)))
                .with_hint("envType is Dev or Prod")
        })
}

/// `key` as dwctl names it, the one conversion of key names for every way properties
/// come in (`--props`, manifests, `serve`, `import`): an alias of `spec`
/// ([`ALIASES`](super::types::ALIASES)) to
/// its key; `envType` in any case; a key starting with a capital letter (the API's
/// PascalCase, `InstanceId`, `EnvType`) to the registry's key it spells without regard to
/// case ([`registry_key`]: of any type, so it needs no type), then that alias to its key.
/// Any other key is kept as it is (a key dwctl does not know, kept as a secret).
pub fn canonical_key(spec: Option<&TypeSpec>, key: &str) -> String {
    let alias = |k: &str| spec.and_then(|s| alias_target(s, k));
    if let Some(target) = alias(key) {
        return target.to_string();
    }
    if key.eq_ignore_ascii_case(ENV_TYPE) {
        return ENV_TYPE.to_string();
    }
    if key.starts_with(|c: char| c.is_ascii_uppercase()) {
        if let Some(known) = registry_key(key) {
            return alias(known).unwrap_or(known).to_string();
        }
    }
    key.to_string()
}

/// Whether `key` of the type holds addresses (`address`, `loadAddress`, kafka's list).
fn is_address_key(spec: Option<&TypeSpec>, key: &str) -> bool {
    match spec {
        Some(spec) => spec.modes.iter().flat_map(|m| m.keys.iter()).any(|k| {
            k.key == key
                && matches!(
                    k.format,
                    ValueFormat::Address
                        | ValueFormat::AddressWithPort
                        | ValueFormat::AddressList
                        | ValueFormat::AddressWithPortList
                )
        }),
        None => key == "address" || key == "loadAddress",
    }
}

/// `[{host, port}, ...]` (or `["host:port", ...]`) as `host:port,host:port`.
fn address_list(key: &str, items: &[Value]) -> Result<String> {
    let bad = || {
        Error::invalid(format!(
            "`{key}` must be a list of {{\"host\": \"...\", \"port\": N}}"
        ))
        .with_hint(format!(
            "e.g. \"{key}\": [{{\"host\": \"10.0.0.5\", \"port\": 3306}}]"
        ))
    };
    if items.is_empty() {
        return Err(bad());
    }
    let mut parts = Vec::with_capacity(items.len());
    for item in items {
        let part = match item {
            Value::String(s) => s.clone(),
            Value::Object(o) => {
                let host = o.get("host").and_then(Value::as_str).ok_or_else(bad)?;
                let host = if host.contains(':') && !host.starts_with('[') {
                    format!("[{host}]")
                } else {
                    host.to_string()
                };
                match o.get("port") {
                    None | Some(Value::Null) => host,
                    Some(Value::Number(n)) => format!("{host}:{n}"),
                    Some(Value::String(p)) if !p.is_empty() => format!("{host}:{p}"),
                    Some(_) => return Err(bad()),
                }
            }
            _ => return Err(bad()),
        };
        parts.push(part);
    }
    Ok(parts.join(","))
}

/// The keys that name what a connection points at, in the order [`qualified_name`] looks
/// for one: an instance or cluster, a MaxCompute project, a bucket, then an address.
const INSTANCE_KEYS: [&str; 8] = [
    "instanceId",
    "clusterId",
    "clusterIdentifier",
    "project",
    "bucket",
    "endpoint",
    "address",
    "url",
];

/// The API's `QualifiedName`, "the business unique key" of a data source or compute
/// resource (the SDK's example, Hologres: `${tenantOwnerId}:${regionId}:${type}:
/// ${instanceId}:${database}`): the account, the region (`regionId`, else the catalog's),
/// the type, what it points at (the first of [`INSTANCE_KEYS`] it has) and its `database`
/// when it has one. Nothing secret goes in it.
pub fn qualified_name(account: &str, region: &str, type_key: &str, props: &Properties) -> String {
    let region = props.get("regionId").map_or(region, String::as_str);
    let mut parts = vec![account, region, type_key];
    if let Some(v) = INSTANCE_KEYS.iter().find_map(|k| props.get(*k)) {
        parts.push(v);
    }
    if let Some(db) = props.get("database") {
        parts.push(db);
    }
    parts.join(":")
}

/// dwctl's stored connection as the API's `ConnectionProperties` (the module's table, in
/// reverse). `region` is the catalog's; `reveal` leaves secrets in clear (for `serve`'s
/// own use), otherwise they are [`REDACTED`]. A type the registry does not know (none is
/// stored) goes out with its properties as they are, every one masked unless revealed.
pub fn to_api(
    type_key: &str,
    mode: ConnMode,
    env: Env,
    props: &Properties,
    region: &str,
    reveal: bool,
) -> Value {
    let spec = lookup(type_key);
    let mut out = Map::new();
    let mut driver = Map::new();
    let secret = |k: &str| match spec {
        Some(s) => s.is_secret(k),
        None => true,
    };
    let mask = |k: &str, v: &str| -> String {
        if !reveal && secret(k) {
            REDACTED.to_string()
        } else {
            v.to_string()
        }
    };
    for (key, value) in props {
        if let Some(option) = key.strip_prefix(EXTRA_PREFIX) {
            driver.insert(option.to_string(), Value::String(mask(key, value)));
            continue;
        }
        let key = spec
            .and_then(|s| alias_target(s, key))
            .unwrap_or(key.as_str());
        let mode_spec = spec.and_then(|s| s.mode(mode));
        let ks = mode_spec.and_then(|m| super::types::key_spec(m, key));
        let v = match ks.map(|k| k.format) {
            Some(
                ValueFormat::Address
                | ValueFormat::AddressWithPort
                | ValueFormat::AddressList
                | ValueFormat::AddressWithPortList,
            ) => address_json(value),
            Some(ValueFormat::Enum(values)) => Value::String(
                values
                    .iter()
                    .find(|v| v.eq_ignore_ascii_case(value))
                    .map_or_else(|| value.clone(), |v| v.to_string()),
            ),
            Some(_) => Value::String(mask(key, value)),
            // A key dwctl does not know: a secret, its JSON text back as JSON.
            None if reveal => match serde_json::from_str::<Value>(value) {
                Ok(v @ (Value::Object(_) | Value::Array(_))) => v,
                _ => Value::String(value.clone()),
            },
            None => Value::String(REDACTED.to_string()),
        };
        out.insert(key.to_string(), v);
    }
    if let Some(m) = spec.and_then(|s| s.mode(mode)) {
        for ks in m.keys {
            if let (Some(d), false) = (ks.default, out.contains_key(ks.key)) {
                out.insert(ks.key.to_string(), Value::String(d.to_string()));
            }
        }
    }
    if !out.contains_key("regionId") && region_required(type_key, mode) {
        out.insert("regionId".into(), Value::String(region.to_string()));
    }
    if !driver.is_empty() {
        out.insert(DRIVER_PROPERTIES.into(), Value::Object(driver));
    }
    out.insert(ENV_TYPE.into(), Value::String(api_env(env).to_string()));
    Value::Object(out)
}

/// Where the API's page marks `regionId` required: instance modes, and the cloud services
/// reached by endpoint (maxcompute, oss, oss_hdfs).
pub fn region_required(type_key: &str, mode: ConnMode) -> bool {
    mode == ConnMode::Instance || matches!(type_key, "maxcompute" | "oss" | "oss_hdfs")
}

/// `host:port,host:port` as `[{host, port}, ...]`, ports as numbers; a part that is not
/// `host:port` goes out as `{host}`.
fn address_json(value: &str) -> Value {
    let items = value
        .split(',')
        .map(|part| {
            let part = part.trim();
            let split = if let Some(rest) = part.strip_prefix('[') {
                rest.split_once(']').map(|(h, p)| (h, p.strip_prefix(':')))
            } else {
                Some(match part.rsplit_once(':') {
                    Some((h, p)) => (h, Some(p)),
                    None => (part, None),
                })
            };
            let mut o = Map::new();
            match split {
                Some((host, port)) => {
                    o.insert("host".into(), Value::String(host.to_string()));
                    if let Some(p) = port {
                        let port = p
                            .parse::<u64>()
                            .map_or_else(|_| Value::String(p.to_string()), Value::from);
                        o.insert("port".into(), port);
                    }
                }
                None => {
                    o.insert("host".into(), Value::String(part.to_string()));
                }
            }
            Value::Object(o)
        })
        .collect();
    Value::Array(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn modes_and_envs_have_the_apis_names() {
        assert_eq!(api_mode(ConnMode::Instance), "InstanceMode");
        assert_eq!(mode_from_api("urlmode").unwrap(), ConnMode::Url);
        assert_eq!(mode_from_api("cdh").unwrap(), ConnMode::Cdh);
        assert!(mode_from_api("VpcMode").is_err());
        assert_eq!(api_env(Env::Dev), "Dev");
    }

    #[test]
    fn nested_shapes_flatten_and_come_back() {
        let api = json!({
            "envType": "Dev",
            "address": [{"host": "127.0.0.1", "port": "3306"}],
            "loadAddress": [{"host": "fe1", "port": 8030}, {"host": "::1", "port": 8031}],
            "database": "db",
            "username": "u",
            "password": "p",
            "properties": {"socketTimeout": 2000, "useSSL": false}
        });
        let f = from_api("doris", Some("UrlMode"), &api).unwrap();
        assert_eq!(f.env, Some(Env::Dev));
        assert_eq!(f.mode, Some(ConnMode::Url));
        assert_eq!(f.properties["address"], "127.0.0.1:3306");
        assert_eq!(f.properties["loadAddress"], "fe1:8030,[::1]:8031");
        assert_eq!(f.properties["extra.socketTimeout"], "2000");
        assert_eq!(f.properties["extra.useSSL"], "false");
        let back = to_api(
            "doris",
            ConnMode::Url,
            Env::Dev,
            &f.properties,
            "cn-x",
            true,
        );
        assert_eq!(
            back["address"],
            json!([{"host": "127.0.0.1", "port": 3306}])
        );
        assert_eq!(
            back["loadAddress"],
            json!([{"host": "fe1", "port": 8030}, {"host": "::1", "port": 8031}])
        );
        assert_eq!(back["properties"]["socketTimeout"], "2000");
        assert_eq!(back["password"], "p");
        assert_eq!(back["envType"], "Dev");
        let masked = to_api(
            "doris",
            ConnMode::Url,
            Env::Dev,
            &f.properties,
            "cn-x",
            false,
        );
        assert_eq!(masked["password"], REDACTED);
    }

    #[test]
    fn aliases_and_pascal_case_keys_take_the_apis_names() {
        let f = from_api(
            "oss",
            None,
            &json!({"accessKeyId": "id", "AccessKeySecret": "s", "Bucket": "b", "EnvType": "Prod"}),
        )
        .unwrap();
        assert_eq!(f.properties["accessId"], "id");
        assert_eq!(f.properties["bucket"], "b");
        assert_eq!(f.env, Some(Env::Prod));
        assert!(!f.properties.contains_key("AccessKeySecret"));
        assert_eq!(f.properties["accessKey"], "s");
        let twice = from_api("oss", None, &json!({"accessKeyId": "a", "accessId": "b"}));
        assert!(twice.is_err());
    }

    #[test]
    fn unknown_objects_are_kept_as_text_and_go_back_as_json_only_when_revealed() {
        let f = from_api(
            "hive",
            Some("UrlMode"),
            &json!({"hiveConfig": {"fs.oss.accessKeyId": "x"}}),
        )
        .unwrap();
        assert_eq!(f.properties["hiveConfig"], r#"{"fs.oss.accessKeyId":"x"}"#);
        assert_eq!(f.warnings.len(), 1);
        let back = to_api("hive", ConnMode::Url, Env::Prod, &f.properties, "r", true);
        assert_eq!(back["hiveConfig"], json!({"fs.oss.accessKeyId": "x"}));
        let masked = to_api("hive", ConnMode::Url, Env::Prod, &f.properties, "r", false);
        assert_eq!(masked["hiveConfig"], REDACTED);
    }

    #[test]
    fn defaults_and_the_region_are_filled_going_out() {
        let p: Properties = [("project".to_string(), "p".to_string())].into();
        let v = to_api(
            "maxcompute",
            ConnMode::Url,
            Env::Prod,
            &p,
            "cn-hangzhou",
            false,
        );
        assert_eq!(v["regionId"], "cn-hangzhou");
        assert_eq!(v["endpointMode"], "SelfAdaption");
        assert_eq!(v["authType"], "Executor");
        let p: Properties = [("address".to_string(), "db:5432".to_string())].into();
        let v = to_api(
            "postgresql",
            ConnMode::Url,
            Env::Prod,
            &p,
            "cn-hangzhou",
            false,
        );
        assert!(v.get("regionId").is_none());
    }

    #[test]
    fn malformed_shapes_are_exit_2() {
        for bad in [
            json!({"address": [{"port": 1}]}),
            json!({"address": []}),
            json!({"envType": "Staging"}),
            json!({"properties": {"a": {"b": 1}}}),
        ] {
            let e = from_api("mysql", Some("UrlMode"), &bad).unwrap_err();
            assert_eq!(e.kind, crate::model::error::Kind::Invalid, "{bad}");
        }
        assert!(from_api("sybase", None, &json!({})).is_err());
        assert!(from_api("mysql", None, &json!([])).is_err());
    }

    #[test]
    fn qualified_name_is_account_region_type_instance_and_database() {
        let props = |kv: &[(&str, &str)]| -> Properties {
            kv.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let q = |kv: &[(&str, &str)], t: &str| qualified_name("1107", "cn-hangzhou", t, &props(kv));
        assert_eq!(
            q(
                &[
                    ("instanceId", "hgprecn-1"),
                    ("database", "db"),
                    ("address", "h:1")
                ],
                "hologres"
            ),
            "1107:cn-hangzhou:hologres:hgprecn-1:db"
        );
        // The properties' region wins over the catalog's; no instance key, no database.
        assert_eq!(
            q(
                &[("regionId", "cn-beijing"), ("project", "p")],
                "maxcompute"
            ),
            "1107:cn-beijing:maxcompute:p"
        );
        assert_eq!(
            q(&[("password", "secret")], "redis"),
            "1107:cn-hangzhou:redis"
        );
    }
}
