//! The one gate on the way into the catalog: properties checked against the registry
//! (`model::types`) for a type and mode, and normalised. Everything refused here is exit 2.

use std::fmt;

use super::network::AddressError;
use super::network::{parse_address, parse_address_list, parse_endpoint, parse_thrift_uris};
use crate::model::api_datasource::region_required;
use crate::model::error::{Error, Result};
use crate::model::property::{PropertyKey, PropertyValue, ValueTextError};
use crate::model::types::{
    alias_target, allowed_keys, key_spec, ConnMode, KeySpec, ModeSpec, Properties, TypeSpec,
    ValueFormat, ValueFormat as F, EXTRA_PREFIX, MODE_HINTS, RULE_AK, RULE_MAXCOMPUTE, RULE_ORACLE,
    RULE_RAM_ROLE,
};
use crate::model::words;
use crate::model::{excerpt, is_region_id};

/// Properties that passed [`validate`], normalised, with the mode they were checked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validated {
    pub mode: ConnMode,
    pub properties: Properties,
    /// Keys the type does not know, kept because they were open ([`validate_open`]): the
    /// caller warns about each.
    pub kept_unknown: Vec<String>,
}

impl Validated {
    /// The warning about the unknown keys kept, if any: it names them (never a value).
    pub fn unknown_warning(&self, spec: &TypeSpec) -> Option<crate::model::Warning> {
        if self.kept_unknown.is_empty() {
            return None;
        }
        let keys = self
            .kept_unknown
            .iter()
            .map(|k| format!("`{}`", excerpt(k)))
            .collect::<Vec<_>>()
            .join(", ");
        Some(crate::model::Warning::new(
            "unknown_property",
            format!(
                "{} ({} mode): kept {} that dwctl does not know: {keys}; treated as {} (masked, exported as placeholders)",
                spec.key,
                self.mode,
                words::number(self.kept_unknown.len(), "property", "properties"),
                if self.kept_unknown.len() == 1 { "a secret" } else { "secrets" }
            ),
        ))
    }
}

/// Check `props` against `spec` in `mode` (inferred when `None`) for a catalog whose region
/// is `region`, and return them normalised.
///
/// Everything refused here is exit 2 (`Kind::Invalid`). Messages name keys, and values only
/// when the key is not secret.
///
/// Normalisation: enums take the casing of types.md; a bare host in an address gets the
/// type's usual port and a port loses leading zeros; kafka and metastore lists lose the
/// blanks around commas; `regionId` is lowercased; `redis` `database` loses leading zeros.
/// Keys starting with `extra.` are kept as given (their key must still use
/// `A-Za-z0-9._-`, and their value obeys the same length and printable rules as any value).
///
/// Defaults: documented defaults (maxcompute `endpointMode=SelfAdaption` and
/// `authType=Executor`, emr_serverless_spark `resourceQueue=root_queue`, hive
/// `loginMode=Anonymous`) are written into the result when absent, so the stored row, `show`
/// and `export` state the effective value rather than leaving readers to know the default.
/// `regionId` is *not* filled in: absent means "the catalog's region", which would only be
/// repeated in every row. Where the API writes it anyway ([`region_required`]: instance
/// modes, maxcompute, oss, oss_hdfs), a `regionId` that is the catalog's is left out, so
/// that what comes back from the API (`import`) is stored as the original was.
///
/// Empty values: refused for required keys; for optional keys an empty value is kept for
/// free text and refused by every other format (it is not a valid address, id, enum ...).
/// Non-secret values must be printable (no control or format characters); secret values are
/// taken as given, since they are never shown.
pub fn validate(
    spec: &TypeSpec,
    mode: Option<ConnMode>,
    props: &Properties,
    region: &str,
) -> Result<Validated> {
    validate_open(spec, mode, props, region, &|_| false)
}

/// [`validate`], keeping the keys the type does not know for which `open` says yes (they
/// came from `--props`, a manifest, an import or the stored row, not from `--prop`, where
/// a typo is the likelier cause): they are listed in [`Validated::kept_unknown`] and their
/// values obey only the rules of every value. An alias of a key ([`ALIASES`]) is stored
/// under the key; giving both is exit 2.
pub fn validate_open(
    spec: &TypeSpec,
    mode: Option<ConnMode>,
    props: &Properties,
    region: &str,
    open: &dyn Fn(&str) -> bool,
) -> Result<Validated> {
    let props = &resolve_aliases(spec, props)?;
    let mode = resolve_mode(spec, mode, props)?;
    let mode_spec = spec.mode(mode).ok_or_else(|| {
        Error::invalid(format!("type {} has no `{}` mode", spec.key, mode)).with_hint(format!(
            "{} supports --mode {}",
            spec.key,
            spec.modes
                .iter()
                .map(|m| m.mode.as_str())
                .collect::<Vec<_>>()
                .join(" or --mode ")
        ))
    })?;
    let ctx = Ctx { spec, mode };

    let kept_unknown = check_keys(&ctx, mode_spec, props, open)?;

    let missing: Vec<&str> = mode_spec
        .keys
        .iter()
        .filter(|k| k.required && !props.contains_key(k.key))
        .map(|k| k.key)
        .collect();
    if !missing.is_empty() {
        let plural = words::number(missing.len(), "property", "properties");
        return Err(Error::invalid(format!(
            "{}: missing required {plural} {}",
            ctx.what(),
            missing.join(", ")
        ))
        .with_hint(format!(
            "set them with --prop KEY=VALUE (secrets: KEY=-, KEY=@FILE or KEY=env:VAR); {} requires {}",
            ctx.what(),
            mode_spec
                .keys
                .iter()
                .filter(|k| k.required)
                .map(|k| k.key)
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }

    let mut out = Properties::new();
    for (key, value) in props {
        let normalised = match key_spec(mode_spec, key) {
            Some(ks) => check_value(&ctx, ks, value, region)?,
            // An extra.* key, or an unknown one kept (check_keys refused the others).
            None => PropertyValue::parse(value, ctx.spec.is_secret(key))
                .map_err(|reason| value_error(&ctx, key, &reason, None))?
                .into_string(),
        };
        out.insert(key.clone(), normalised);
    }

    for ks in mode_spec.keys {
        if let (Some(default), false) = (ks.default, out.contains_key(ks.key)) {
            out.insert(ks.key.to_string(), default.to_string());
        }
    }

    // The region the API would write anyway (`to_api`): left out, as it means the same.
    if region_required(spec.key, mode) && out.get("regionId").is_some_and(|r| r == region) {
        out.remove("regionId");
    }

    check_rules(&ctx, &out)?;
    Ok(Validated {
        mode,
        properties: out,
        kept_unknown,
    })
}

/// `props` with every alias renamed to its key.
fn resolve_aliases(spec: &TypeSpec, props: &Properties) -> Result<Properties> {
    let mut out = Properties::new();
    for (key, value) in props {
        let target = alias_target(spec, key).unwrap_or(key);
        if target != key && props.contains_key(target) {
            return Err(Error::invalid(format!(
                "{}: `{key}` and `{target}` are the same property (`{key}` is its older name)",
                spec.key
            ))
            .with_hint(format!("give only `{target}`")));
        }
        out.insert(target.to_string(), value.clone());
    }
    Ok(out)
}

/// What a message is about: the type and mode being checked.
struct Ctx<'a> {
    spec: &'a TypeSpec,
    mode: ConnMode,
}

impl Ctx<'_> {
    fn what(&self) -> String {
        format!("{} ({} mode)", self.spec.key, self.mode)
    }
}

fn resolve_mode(spec: &TypeSpec, mode: Option<ConnMode>, props: &Properties) -> Result<ConnMode> {
    if let Some(mode) = mode {
        return Ok(mode);
    }
    if let [only] = spec.modes {
        return Ok(only.mode);
    }
    let mut shown: Vec<ConnMode> = MODE_HINTS
        .iter()
        .filter(|(key, _)| props.contains_key(*key))
        .map(|(_, m)| *m)
        .collect();
    shown.sort();
    shown.dedup();
    if let [only] = shown[..] {
        return Ok(only);
    }
    let why = if shown.is_empty() {
        "the properties do not show which".to_string()
    } else {
        format!(
            "the properties point at more than one ({})",
            shown
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Err(Error::invalid(format!(
        "the connection mode of this {} is not given and {why}",
        spec.key
    ))
    .with_hint(format!(
        "pass --mode with one of: {} (address/endpoint mean url; instanceId/clusterId/workspaceId mean instance; clusterIdentifier means cdh)",
        spec.mode_names()
    )))
}

fn check_keys(
    ctx: &Ctx,
    mode_spec: &ModeSpec,
    props: &Properties,
    open: &dyn Fn(&str) -> bool,
) -> Result<Vec<String>> {
    let allowed = allowed_keys(ctx.spec, ctx.mode);
    let mut unknown = Vec::new();
    let mut kept = Vec::new();
    let mut suggestions = Vec::new();
    for key in props.keys() {
        if let Some(rest) = key.strip_prefix(EXTRA_PREFIX) {
            let refused = |reason: &dyn std::fmt::Display| {
                Error::invalid(format!("invalid property key `{}`: {reason}", excerpt(key)))
                    .with_hint("driver options are named extra.NAME, NAME of A-Za-z0-9._-")
            };
            PropertyKey::parse(key).map_err(|e| refused(&e))?;
            if rest.is_empty() {
                return Err(refused(&"has nothing after `extra.`"));
            }
            continue;
        }
        if key_spec(mode_spec, key).is_some() {
            continue;
        }
        // Kept when open, unless it is a key of another mode of the type (a mistake about
        // the mode, not a key dwctl has never heard of) or not even a well-formed key.
        if open(key) && !ctx.spec.knows(key) && PropertyKey::parse(key).is_ok() {
            kept.push(key.clone());
            continue;
        }
        unknown.push(excerpt(key));
        if let Some(a) = allowed.iter().find(|a| a.eq_ignore_ascii_case(key)) {
            suggestions.push(format!("`{a}` for `{}`", excerpt(key)));
        } else if key.to_ascii_lowercase().starts_with(EXTRA_PREFIX) {
            suggestions.push(format!("`extra.` (lowercase) for `{}`", excerpt(key)));
        }
    }
    if unknown.is_empty() {
        return Ok(kept);
    }
    const SHOWN: usize = 5;
    let mut list = unknown
        .iter()
        .take(SHOWN)
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if unknown.len() > SHOWN {
        list.push_str(&format!(" and {} more", unknown.len() - SHOWN));
    }
    let plural = words::number(unknown.len(), "property", "properties");
    let mut hint = String::new();
    if !suggestions.is_empty() {
        hint.push_str(&format!(
            "did you mean {}? keys are case-sensitive. ",
            suggestions.join(", ")
        ));
    }
    hint.push_str(&format!(
        "allowed keys for {}: {}; keys starting with `extra.` pass through as driver options",
        ctx.what(),
        allowed.join(", ")
    ));
    Err(Error::invalid(format!("{}: unknown {plural} {list}", ctx.what())).with_hint(hint))
}

fn check_value(ctx: &Ctx, ks: &KeySpec, value: &str, region: &str) -> Result<String> {
    if ks.required && value.is_empty() {
        return Err(Error::invalid(format!(
            "{}: `{}` is empty, and it is required",
            ctx.what(),
            ks.key
        ))
        .with_hint(if ctx.spec.is_secret(ks.key) {
            // Not on the command line, where a secret stays in the shell's history.
            format!(
                "give `{0}` a value with --prop {0}=- (stdin, or asked for at a terminal), {0}=@FILE or {0}=env:VAR",
                ks.key
            )
        } else {
            format!("give `{0}` a value with --prop {0}=VALUE", ks.key)
        }));
    }
    PropertyValue::parse(value, ctx.spec.is_secret(ks.key))
        .map_err(|r| value_error(ctx, ks.key, &r, None))?;
    let usual_port = ctx.spec.usual_port;
    let result = match ks.format {
        F::Text => Ok(value.to_string()),
        F::Address => parse_address(value, usual_port)
            .map(|a| a.to_string())
            .map_err(FormatError::from),
        F::AddressWithPort => parse_address(value, None)
            .map(|a| a.to_string())
            .map_err(FormatError::from),
        F::AddressList | F::AddressWithPortList => {
            // loadAddress lists take no usual port: that is the query port's.
            let port = usual_port.filter(|_| ks.format == F::AddressList);
            parse_address_list(value, port)
                .map(|list| {
                    list.iter()
                        .map(|a| a.to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .map_err(FormatError::from)
        }
        F::Id => match is_cloud_id(value) {
            true => Ok(value.to_string()),
            false => Err(FormatError::Id),
        },
        F::Enum(values) => values
            .iter()
            .find(|v| v.eq_ignore_ascii_case(value))
            .map(|v| v.to_string())
            .ok_or(FormatError::Enum(values)),
        F::HttpUrl => parse_endpoint(value, true)
            .map(|_| value.to_string())
            .map_err(FormatError::from),
        F::Endpoint => parse_endpoint(value, false)
            .map(|_| value.to_string())
            .map_err(FormatError::from),
        F::ThriftUris => parse_thrift_uris(value).map_err(FormatError::from),
        F::IntRange { min, max } => parse_int(value, min, max).map(|n| n.to_string()),
        // Any case, stored lowercase: the one region rule is for the lowercase form.
        F::RegionId => {
            let lower = value.to_ascii_lowercase();
            match is_region_id(&lower) {
                true => Ok(lower),
                false => Err(FormatError::Region),
            }
        }
    };
    let normalised = result
        .and_then(|n| Ok(PropertyValue::completed(n)?.into_string()))
        .map_err(|r| value_error(ctx, ks.key, &r, Some(ks.format)))?;
    if ks.format == F::RegionId
        && ctx.mode == ConnMode::Instance
        && !normalised.eq_ignore_ascii_case(region)
    {
        return Err(Error::invalid(format!(
            "{}: regionId `{normalised}` is not the catalog's region `{}`",
            ctx.what(),
            excerpt(region)
        ))
        .with_hint(format!(
            "a workspace reaches only instances of its own region: leave regionId out or set it to {}",
            excerpt(region)
        )));
    }
    Ok(normalised)
}

/// An exit-2 error about one value. It names the key, never the value (issue 11: messages
/// about `--prop` name the key); for a secret the reason is kept only when it cannot carry
/// a piece of the value.
fn value_error(
    ctx: &Ctx,
    key: &str,
    reason: &dyn fmt::Display,
    format: Option<ValueFormat>,
) -> Error {
    let message = if ctx.spec.is_secret(key) {
        let reason: &dyn fmt::Display = match format {
            None | Some(F::Text) => reason,
            Some(_) => &"is not in the expected format",
        };
        format!(
            "{}: the value of `{}` {reason} (it is secret and not shown)",
            ctx.what(),
            excerpt(key)
        )
    } else {
        // Never the value: an address or URL can carry credentials (`user:pass@host`,
        // `?password=...`), and the user has it on their command line or in their manifest.
        format!("{}: invalid `{}` value: {reason}", ctx.what(), excerpt(key))
    };
    let hint = match format {
        Some(F::Address) => match ctx.spec.usual_port {
            Some(p) => format!("write host:port, e.g. db.example.com:{p}, 10.0.0.5:{p} or [::1]:{p}; a bare host gets port {p}"),
            None => "write host:port, e.g. db.example.com:5432, 10.0.0.5:5432 or [::1]:5432".to_string(),
        },
        Some(F::AddressWithPort) => {
            "write host:port with the port, e.g. fe.example.com:8030 or [::1]:8030".to_string()
        }
        Some(F::AddressWithPortList) => {
            "write one or more host:port with the port, comma-separated, e.g. fe1.example.com:8030,fe2.example.com:8030".to_string()
        }
        Some(F::AddressList) => {
            let p = ctx.spec.usual_port.unwrap_or(9092);
            format!("write one or more host:port, comma-separated, e.g. b1.example.com:{p},b2.example.com:{p}")
        }
        Some(F::Id) => format!("ids are 1-{CLOUD_ID_MAX_CHARS} characters of A-Za-z0-9-_"),
        Some(F::Enum(values)) => format!("`{key}` is one of {} (any case)", values.join(", ")),
        Some(F::HttpUrl) => "write an http:// or https:// URL, e.g. https://es.example.com:9200".to_string(),
        Some(F::Endpoint) => {
            "write an http(s) URL or a host name, e.g. https://service.cn-hangzhou.maxcompute.aliyun.com/api or oss-cn-hangzhou.aliyuncs.com".to_string()
        }
        Some(F::ThriftUris) => {
            "write thrift://host:port, comma-separated, e.g. thrift://metastore.example.com:9083".to_string()
        }
        Some(F::IntRange { min, max }) => format!("`{key}` is a whole number from {min} to {max}"),
        Some(F::RegionId) => "region ids look like cn-hangzhou or ap-southeast-1".to_string(),
        Some(F::Text) | None => format!(
            "values are at most {} characters, without control characters (secrets excepted)",
            PropertyValue::MAX_CHARS
        ),
    };
    Error::invalid(message).with_hint(hint)
}

/// Rules across keys, checked once defaults are in.
fn check_rules(ctx: &Ctx, props: &Properties) -> Result<()> {
    match (ctx.spec.key, ctx.mode) {
        ("oracle", ConnMode::Url) => {
            // The page's only key is `jdbcUrl`; dwctl's `address` with `serviceName` or
            // `sid` stays (every stored row and manifest has them).
            let has = |k: &str| props.contains_key(k);
            let problem = if has("jdbcUrl") {
                if !(has("address") || has("serviceName") || has("sid")) {
                    return Ok(());
                }
                "jdbcUrl is set with address, serviceName or sid"
            } else if !has("address") {
                "neither jdbcUrl nor address is set"
            } else {
                match (has("serviceName"), has("sid")) {
                    (true, false) | (false, true) => return Ok(()),
                    (false, false) => "neither serviceName nor sid is set",
                    (true, true) => "both serviceName and sid are set",
                }
            };
            Err(
                Error::invalid(format!("{}: {RULE_ORACLE}; {problem}", ctx.what())).with_hint(
                    "--prop address=HOST:PORT with --prop serviceName=NAME or --prop sid=SID, \
                     or --prop jdbcUrl=URL alone (remove the others with --unprop)",
                ),
            )
        }
        ("maxcompute", ConnMode::Url) => {
            let custom = props.get("endpointMode").is_some_and(|m| m == "Custom");
            if custom && !props.contains_key("endpoint") {
                Err(Error::invalid(format!("{}: {RULE_MAXCOMPUTE}", ctx.what())).with_hint(
                    "--prop endpoint=URL, or --prop endpointMode=SelfAdaption to let the region decide",
                ))
            } else {
                check_auth(ctx, props)
            }
        }
        ("oss" | "oss_hdfs", ConnMode::Url) => check_auth(ctx, props),
        _ => Ok(()),
    }
}

/// `authType` Ak needs the AccessKey pair; RamRole (where the page says so) a role id.
fn check_auth(ctx: &Ctx, props: &Properties) -> Result<()> {
    let auth = props.get("authType").map(String::as_str);
    let (rule, needed): (&str, &[&str]) = match auth {
        Some("Ak") => (RULE_AK, &["accessId", "accessKey"]),
        Some("RamRole") if ctx.spec.key != "maxcompute" => (RULE_RAM_ROLE, &["authIdentity"]),
        _ => return Ok(()),
    };
    let missing: Vec<&str> = needed
        .iter()
        .copied()
        .filter(|k| props.get(*k).is_none_or(|v| v.is_empty()))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "{}: {rule}; missing {}",
        ctx.what(),
        missing.join(", ")
    ))
    .with_hint(format!(
        "set them with --prop KEY=VALUE (secrets: KEY=-, KEY=@FILE or KEY=env:VAR), or choose another authType ({})",
        if ctx.spec.key == "maxcompute" { "Executor is the default" } else { "RamRole with authIdentity" }
    )))
}

/// Longest instance, cluster or workspace id (types.md "Value formats").
pub const CLOUD_ID_MAX_CHARS: usize = 64;

/// An instance, cluster or workspace id: 1-[`CLOUD_ID_MAX_CHARS`] of `A-Za-z0-9-_`.
fn is_cloud_id(value: &str) -> bool {
    (1..=CLOUD_ID_MAX_CHARS).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn parse_int(value: &str, min: u32, max: u32) -> std::result::Result<u32, FormatError> {
    let reason = || FormatError::Range { min, max };
    if value.is_empty() || value.len() > 9 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(reason());
    }
    let n: u32 = value.parse().map_err(|_| reason())?;
    if (min..=max).contains(&n) {
        Ok(n)
    } else {
        Err(reason())
    }
}

/// Why a value does not have its key's format: a reason to put after the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
enum FormatError {
    #[error(transparent)]
    Address(#[from] AddressError),
    #[error(transparent)]
    Text(#[from] ValueTextError),
    #[error("must be 1-{CLOUD_ID_MAX_CHARS} characters of A-Za-z0-9-_")]
    Id,
    #[error("must be one of {}", .0.join(", "))]
    Enum(&'static [&'static str]),
    #[error("must be a whole number from {min} to {max}")]
    Range { min: u32, max: u32 },
    #[error("is not a region id")]
    Region,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::error::Kind;
    use crate::model::types::test_support::{props, spec};
    use crate::model::types::{all, COMMON_KEYS};

    const REGION: &str = "cn-hangzhou";

    fn check(key: &str, mode: Option<ConnMode>, pairs: &[(&str, &str)]) -> Result<Validated> {
        validate(spec(key), mode, &props(pairs), REGION)
    }

    fn ok(key: &str, mode: Option<ConnMode>, pairs: &[(&str, &str)]) -> Validated {
        check(key, mode, pairs).unwrap_or_else(|e| panic!("{key}: {e:?}"))
    }

    fn err(key: &str, mode: Option<ConnMode>, pairs: &[(&str, &str)]) -> Error {
        let e = check(key, mode, pairs).expect_err("should be refused");
        assert_eq!(e.kind, Kind::Invalid, "{e:?}");
        e
    }

    fn text(e: &Error) -> String {
        format!("{} | {}", e.message, e.hint.clone().unwrap_or_default())
    }

    use ConnMode::{Cdh, Instance, Url};

    /// A valid, realistic property set for every (type, mode) of types.md.
    type Pairs = Vec<(&'static str, &'static str)>;

    fn valid_sets() -> Vec<(&'static str, ConnMode, Pairs)> {
        let db_url = vec![
            ("address", "db.example.com:5432"),
            ("database", "sales"),
            ("username", "etl"),
            ("password", "pw"),
        ];
        let db_instance = vec![
            ("instanceId", "rm-bp1abc"),
            ("database", "sales"),
            ("username", "etl"),
            ("password", "pw"),
        ];
        vec![
            ("maxcompute", Url, vec![("project", "sales_dw")]),
            (
                "hologres",
                Instance,
                vec![("instanceId", "hgprecn-cn-abc"), ("database", "sales")],
            ),
            (
                "hologres",
                Url,
                vec![
                    ("address", "hgpostcn-cn-abc.hologres.aliyuncs.com:80"),
                    ("database", "sales"),
                    ("username", "etl"),
                    ("password", "pw"),
                    ("securityProtocol", "authTypeSsl"),
                ],
            ),
            (
                "emr_serverless_spark",
                Instance,
                vec![("workspaceId", "w-1a2b3c")],
            ),
            (
                "emr",
                Instance,
                vec![("clusterId", "C-1A2B3C"), ("authType", "Executor")],
            ),
            (
                "clickhouse",
                Instance,
                vec![
                    ("instanceId", "cc-bp1abc"),
                    ("username", "u"),
                    ("password", "pw"),
                ],
            ),
            ("clickhouse", Url, db_url.clone()),
            ("analyticdb_for_postgresql", Instance, db_instance.clone()),
            ("analyticdb_for_postgresql", Url, db_url.clone()),
            ("analyticdb_for_mysql", Instance, db_instance.clone()),
            ("analyticdb_for_mysql", Url, db_url.clone()),
            (
                "starrocks",
                Instance,
                vec![
                    ("instanceId", "c-abc"),
                    ("username", "u"),
                    ("password", "pw"),
                ],
            ),
            (
                "starrocks",
                Url,
                vec![
                    ("address", "fe.example.com:9030"),
                    ("loadAddress", "fe.example.com:8030"),
                    ("database", "sales"),
                    ("username", "u"),
                    ("password", "pw"),
                ],
            ),
            (
                "flink",
                Instance,
                vec![("workspaceId", "abc123"), ("namespace", "default")],
            ),
            (
                "cdh",
                Cdh,
                vec![("clusterIdentifier", "cdh-prod"), ("version", "6.3.2")],
            ),
            (
                "mysql",
                Instance,
                [db_instance.clone(), vec![("driverVersion", "8.2.0")]].concat(),
            ),
            (
                "mysql",
                Url,
                [db_url.clone(), vec![("securityProtocol", "authTypeNone")]].concat(),
            ),
            ("postgresql", Instance, db_instance.clone()),
            ("postgresql", Url, db_url.clone()),
            ("sqlserver", Instance, db_instance.clone()),
            ("sqlserver", Url, db_url.clone()),
            (
                "oracle",
                Url,
                vec![
                    ("address", "ora.example.com:1521"),
                    ("serviceName", "ORCLPDB1"),
                    ("username", "u"),
                    ("password", "pw"),
                ],
            ),
            (
                "polardb",
                Instance,
                vec![
                    ("clusterId", "pc-bp1abc"),
                    ("database", "sales"),
                    ("dbType", "mysql"),
                    ("username", "u"),
                    ("password", "pw"),
                ],
            ),
            (
                "hive",
                Url,
                vec![
                    ("address", "hs2.example.com:10000"),
                    ("database", "default"),
                    (
                        "metastoreUris",
                        "thrift://ms1.example.com:9083,thrift://ms2.example.com:9083",
                    ),
                ],
            ),
            (
                "hive",
                Cdh,
                vec![("clusterIdentifier", "cdh-prod"), ("database", "default")],
            ),
            (
                "doris",
                Url,
                vec![
                    ("address", "fe.example.com:9030"),
                    ("database", "sales"),
                    ("username", "u"),
                    ("password", "pw"),
                ],
            ),
            (
                "oss",
                Url,
                vec![
                    ("endpoint", "oss-cn-hangzhou.aliyuncs.com"),
                    ("bucket", "sales-raw"),
                    ("accessId", "LTAI5tExample"),
                    ("accessKey", "sk"),
                ],
            ),
            (
                "kafka",
                Instance,
                vec![("instanceId", "alikafka_post-cn-abc")],
            ),
            (
                "kafka",
                Url,
                vec![("address", "b1.example.com:9092,b2.example.com:9092")],
            ),
            ("mongodb", Url, db_url.clone()),
            (
                "redis",
                Url,
                vec![("address", "cache.example.com:6379"), ("database", "3")],
            ),
            (
                "elasticsearch",
                Url,
                vec![("endpoint", "https://es.example.com:9200")],
            ),
            (
                "hive",
                Instance,
                vec![("clusterId", "c-d1a993bbcd298315"), ("database", "db1")],
            ),
            (
                "oss_hdfs",
                Url,
                vec![
                    ("endpoint", "cn-beijing.oss-dls.aliyuncs.com"),
                    ("bucket", "lake"),
                    ("authType", "RamRole"),
                    ("authIdentity", "1123456"),
                ],
            ),
            (
                "dm",
                Url,
                vec![
                    ("address", "dm.example.com:5236"),
                    ("username", "u"),
                    ("password", "pw"),
                ],
            ),
            (
                "db2",
                Url,
                vec![
                    ("address", "db2.example.com:50000"),
                    ("database", "sample"),
                    ("jdbcDriver", "db2_1"),
                    ("username", "u"),
                    ("password", "pw"),
                ],
            ),
            (
                "milvus",
                Instance,
                vec![
                    ("instanceId", "c-dd8f71372"),
                    ("username", "root"),
                    ("password", "pw"),
                ],
            ),
            (
                "milvus",
                Url,
                vec![
                    ("endpoint", "http://milvus.example.com:19530"),
                    ("username", "root"),
                    ("password", "pw"),
                ],
            ),
        ]
    }

    /// A value of the right key with the wrong shape, per format (`None`: free text).
    fn bad_values(format: ValueFormat) -> &'static [&'static str] {
        match format {
            F::Text => &["a\u{7}b", "zero\u{200B}width"],
            F::Address => &[
                "db.example.com:0",
                "db.example.com:65536",
                "bad host:1",
                "db:x",
                "::1",
                "",
            ],
            F::AddressWithPort => &["fe.example.com", "fe:0"],
            F::AddressWithPortList => &["fe.example.com", "fe:8030,fe", ""],
            F::AddressList => &["b1:9092,,b2:9092", "b1:99999", ""],
            F::Id => &["has space", "", "x/y"],
            F::Enum(_) => &["nope", ""],
            F::HttpUrl => &["es.example.com:9200", "ftp://es.example.com", "https://"],
            F::Endpoint => &["ftp://x.example.com", "https://bad host", ""],
            F::ThriftUris => &["ms.example.com:9083", "thrift://ms.example.com", ""],
            F::IntRange { .. } => &["16", "-1", "x", ""],
            F::RegionId => &["Hangzhou", "cn-", ""],
        }
    }

    // --- the table -------------------------------------------------------------------

    #[test]
    fn valid_sets_cover_every_type_and_mode() {
        let sets = valid_sets();
        for t in all() {
            for m in t.modes {
                assert!(
                    sets.iter()
                        .any(|(k, mode, _)| *k == t.key && *mode == m.mode),
                    "no valid set for {} {}",
                    t.key,
                    m.mode
                );
            }
        }
    }

    #[test]
    fn every_type_accepts_a_valid_set_with_and_without_explicit_mode() {
        for (key, mode, pairs) in valid_sets() {
            let v = ok(key, Some(mode), &pairs);
            assert_eq!(v.mode, mode);
            for (k, val) in &pairs {
                assert_eq!(
                    v.properties.get(*k).map(String::as_str),
                    Some(*val),
                    "{key} {k}"
                );
            }
            // The sets use the keys that show the mode, so it can always be omitted.
            assert_eq!(ok(key, None, &pairs).mode, mode, "{key}");
            // regionId and extra.* are accepted on every type and mode.
            let mut more = pairs.clone();
            more.push(("regionId", REGION));
            more.push(("extra.socketTimeout", "30"));
            let v = ok(key, Some(mode), &more);
            assert_eq!(v.properties["extra.socketTimeout"], "30");
        }
    }

    #[test]
    fn every_type_refuses_each_missing_required_key() {
        for (key, mode, pairs) in valid_sets() {
            for ks in spec(key)
                .mode(mode)
                .unwrap()
                .keys
                .iter()
                .filter(|k| k.required)
            {
                let rest: Vec<_> = pairs
                    .iter()
                    .copied()
                    .filter(|(k, _)| *k != ks.key)
                    .collect();
                let e = err(key, Some(mode), &rest);
                assert!(e.message.contains("missing required"), "{e:?}");
                assert!(e.message.contains(ks.key), "{key}: {e:?}");
                assert!(e.hint.unwrap().contains("--prop"));
            }
        }
    }

    #[test]
    fn every_type_refuses_unknown_keys_listing_the_allowed_ones() {
        for (key, mode, pairs) in valid_sets() {
            let mut bad = pairs.clone();
            bad.push(("bogusKey", "1"));
            let e = err(key, Some(mode), &bad);
            assert!(e.message.contains("unknown property `bogusKey`"), "{e:?}");
            let hint = e.hint.unwrap();
            for allowed in allowed_keys(spec(key), mode) {
                assert!(
                    hint.contains(allowed),
                    "{key} {mode}: {allowed} missing in {hint}"
                );
            }
            assert!(hint.contains("extra."));
        }
    }

    #[test]
    fn every_type_refuses_bad_formats_and_empty_required_values() {
        for (key, mode, pairs) in valid_sets() {
            let m = spec(key).mode(mode).unwrap();
            for ks in m.keys.iter().chain(COMMON_KEYS) {
                let mut values: Vec<&str> = bad_values(ks.format).to_vec();
                if ks.format == F::Text {
                    if spec(key).is_secret(ks.key) {
                        values.clear(); // secrets are free-form
                    }
                    if ks.required {
                        values.push("");
                    }
                }
                for bad in values {
                    let mut set: Vec<_> = pairs
                        .iter()
                        .copied()
                        .filter(|(k, _)| *k != ks.key)
                        .collect();
                    set.push((ks.key, bad));
                    let e = check(key, Some(mode), &set)
                        .expect_err(&format!("{key} {}={bad:?}", ks.key));
                    assert_eq!(e.kind, Kind::Invalid);
                    assert!(e.message.contains(ks.key), "{e:?}");
                    assert!(e.hint.is_some(), "{e:?}");
                }
            }
        }
    }

    #[test]
    fn mode_is_inferred_from_a_single_mode_or_from_the_keys() {
        assert_eq!(ok("maxcompute", None, &[("project", "p")]).mode, Url);
        assert_eq!(
            ok("flink", None, &[("workspaceId", "w1"), ("namespace", "n")]).mode,
            Instance
        );
        let mysql_url = [
            ("address", "db"),
            ("database", "d"),
            ("username", "u"),
            ("password", "p"),
        ];
        assert_eq!(ok("mysql", None, &mysql_url).mode, Url);
        assert_eq!(
            ok(
                "hive",
                None,
                &[("clusterIdentifier", "c"), ("database", "d")]
            )
            .mode,
            Cdh
        );
        assert_eq!(ok("kafka", None, &[("instanceId", "k1")]).mode, Instance);
        assert_eq!(
            ok("hologres", None, &[("instanceId", "h"), ("database", "d")]).mode,
            Instance
        );
    }

    #[test]
    fn mode_that_cannot_be_inferred_is_exit_2_naming_modes_and_flag() {
        let e = err(
            "mysql",
            None,
            &[("database", "d"), ("username", "u"), ("password", "p")],
        );
        assert!(e.message.contains("do not show"), "{e:?}");
        let hint = e.hint.unwrap();
        assert!(
            hint.contains("--mode") && hint.contains("instance, url"),
            "{hint}"
        );

        let e = err("mysql", None, &[("address", "db"), ("instanceId", "i")]);
        assert!(e.message.contains("more than one (instance, url)"), "{e:?}");
    }

    #[test]
    fn unsupported_mode_is_exit_2_whether_given_or_inferred() {
        let e = err("oracle", Some(Instance), &[("instanceId", "i")]);
        assert!(e.message.contains("has no `instance` mode"), "{e:?}");
        assert!(e.hint.unwrap().contains("--mode url"));
        let e = err("doris", Some(Instance), &[("instanceId", "i")]);
        assert!(e.message.contains("has no `instance` mode"), "{e:?}");
        assert!(e.hint.unwrap().contains("--mode url"));
        let e = err("kafka", None, &[("clusterIdentifier", "c")]);
        assert!(e.message.contains("has no `cdh` mode"), "{e:?}");
        assert!(e.hint.unwrap().contains("--mode instance or --mode url"));
    }

    #[test]
    fn explicit_mode_wins_over_the_keys() {
        let e = err(
            "mysql",
            Some(Instance),
            &[("address", "db"), ("database", "d")],
        );
        assert!(e.message.contains("unknown property `address`"), "{e:?}");
    }

    #[test]
    fn wrong_case_key_gets_did_you_mean() {
        let e = err(
            "mysql",
            Some(Url),
            &[
                ("Address", "db"),
                ("database", "d"),
                ("username", "u"),
                ("password", "p"),
            ],
        );
        assert!(e.message.contains("`Address`"));
        let hint = e.hint.unwrap();
        assert!(
            hint.contains("did you mean `address` for `Address`"),
            "{hint}"
        );
        let e = err("redis", None, &[("address", "r"), ("EXTRA.foo", "1")]);
        assert!(e.hint.unwrap().contains("`extra.` (lowercase)"));
        let e = err("redis", None, &[("address", "r"), ("frobnicate", "1")]);
        assert!(!e.hint.unwrap().contains("did you mean"));
    }

    #[test]
    fn many_unknown_keys_are_summarised() {
        let mut pairs = vec![("address", "r")];
        let names = ["k1", "k2", "k3", "k4", "k5", "k6", "k7"];
        pairs.extend(names.iter().map(|k| (*k, "v")));
        let e = err("redis", None, &pairs);
        assert!(e.message.contains("unknown properties"), "{e:?}");
        assert!(e.message.contains("and 2 more"), "{e:?}");
    }

    #[test]
    fn extra_keys_pass_through_but_must_be_well_formed() {
        let v = ok(
            "redis",
            None,
            &[
                ("address", "r"),
                ("extra.ssl-mode", "Required "),
                ("extra.db.password", "p\u{1}w"),
            ],
        );
        assert_eq!(v.properties["extra.ssl-mode"], "Required ");
        assert_eq!(v.properties["extra.db.password"], "p\u{1}w");
        for bad in ["extra.", "extra.a b", "extra.ключ"] {
            let e = err("redis", None, &[("address", "r"), (bad, "1")]);
            assert!(e.message.contains("invalid property key"), "{bad}: {e:?}");
        }
        let e = err(
            "redis",
            None,
            &[("address", "r"), ("extra.x", "line\nbreak")],
        );
        assert!(e.message.contains("control"), "{e:?}");
    }

    #[test]
    fn enums_are_matched_in_any_case_and_stored_as_documented() {
        let v = ok(
            "mysql",
            None,
            &[
                ("address", "db"),
                ("database", "d"),
                ("username", "u"),
                ("password", "p"),
                ("securityProtocol", "AUTHTYPESSL"),
                ("driverVersion", "5.1.49"),
            ],
        );
        assert_eq!(v.properties["securityProtocol"], "authTypeSsl");
        let v = ok(
            "maxcompute",
            None,
            &[
                ("project", "p"),
                ("endpointMode", "custom"),
                ("endpoint", "http://mc.example.com/api"),
                ("authType", "ramrole"),
            ],
        );
        assert_eq!(v.properties["endpointMode"], "Custom");
        assert_eq!(v.properties["authType"], "RamRole");
        let v = ok(
            "hive",
            None,
            &[
                ("address", "h"),
                ("database", "d"),
                ("metastoreUris", "thrift://m:9083"),
                ("loginMode", "ldap"),
            ],
        );
        assert_eq!(v.properties["loginMode"], "LDAP");
        // cdh mode takes the keys of the Terraform provider's CdhMode example too.
        let v = ok(
            "hive",
            Some(Cdh),
            &[
                ("clusterIdentifier", "c"),
                ("database", "d"),
                ("loginMode", "anonymous"),
                ("securityProtocol", "AUTHTYPESSL"),
            ],
        );
        assert_eq!(v.properties["loginMode"], "Anonymous");
        assert_eq!(v.properties["securityProtocol"], "authTypeSsl");
        let v = ok(
            "polardb",
            None,
            &[
                ("clusterId", "pc-1"),
                ("database", "d"),
                ("dbType", "PostgreSQL"),
                ("username", "u"),
                ("password", "p"),
            ],
        );
        assert_eq!(v.properties["dbType"], "postgresql");
        let e = err(
            "mysql",
            None,
            &[
                ("address", "db"),
                ("database", "d"),
                ("username", "u"),
                ("password", "p"),
                ("driverVersion", "9"),
            ],
        );
        assert!(
            e.message.contains("must be one of 8.2.0, 5.1.49, 5.1.46"),
            "{e:?}"
        );
    }

    #[test]
    fn documented_defaults_are_filled_but_never_override() {
        let v = ok("maxcompute", None, &[("project", "p")]);
        assert_eq!(v.properties["endpointMode"], "SelfAdaption");
        assert_eq!(v.properties["authType"], "Executor");
        let v = ok(
            "maxcompute",
            None,
            &[("project", "p"), ("authType", "TaskOwner")],
        );
        assert_eq!(v.properties["authType"], "TaskOwner");
        let v = ok("emr_serverless_spark", None, &[("workspaceId", "w")]);
        assert_eq!(v.properties["resourceQueue"], "root_queue");
        let v = ok(
            "hive",
            None,
            &[
                ("address", "h"),
                ("database", "d"),
                ("metastoreUris", "thrift://m:9083"),
            ],
        );
        assert_eq!(v.properties["loginMode"], "Anonymous");
        let v = ok(
            "hive",
            None,
            &[("clusterIdentifier", "c"), ("database", "d")],
        );
        assert!(!v.properties.contains_key("loginMode"));
        // regionId is not filled in.
        assert!(!v.properties.contains_key("regionId"));
    }

    #[test]
    fn bare_host_gets_the_usual_port() {
        let addr = |t: &str, a: &str| {
            let s = spec(t);
            let mut p = Properties::new();
            for k in s.mode(Url).unwrap().keys.iter().filter(|k| k.required) {
                let v = match k.format {
                    F::ThriftUris => "thrift://m:9083",
                    _ => "x",
                };
                p.insert(k.key.to_string(), v.to_string());
            }
            p.insert("address".into(), a.into());
            if t == "oracle" {
                p.insert("sid".into(), "ORCL".into());
            }
            validate(s, Some(Url), &p, REGION).unwrap().properties["address"].clone()
        };
        assert_eq!(addr("mysql", "db.example.com"), "db.example.com:3306");
        assert_eq!(addr("postgresql", "10.0.0.5"), "10.0.0.5:5432");
        assert_eq!(addr("hologres", "h.example.com"), "h.example.com:80");
        assert_eq!(addr("clickhouse", "ch"), "ch:8123");
        assert_eq!(addr("sqlserver", "ms"), "ms:1433");
        assert_eq!(addr("oracle", "ora"), "ora:1521");
        assert_eq!(addr("hive", "hs2"), "hs2:10000");
        assert_eq!(addr("mongodb", "mongo"), "mongo:27017");
        assert_eq!(addr("redis", "cache"), "cache:6379");
        assert_eq!(addr("doris", "fe"), "fe:9030");
        assert_eq!(addr("kafka", "b1, b2:9093 ,b3"), "b1:9092,b2:9093,b3:9092");
        // An explicit port wins and loses leading zeros.
        assert_eq!(addr("mysql", "db:03307"), "db:3307");
        // loadAddress does not take the query port.
        let e = err(
            "doris",
            None,
            &[
                ("address", "fe"),
                ("loadAddress", "fe"),
                ("database", "d"),
                ("username", "u"),
                ("password", "p"),
            ],
        );
        assert!(e.message.contains("has no port"), "{e:?}");
    }

    #[test]
    fn ipv6_literals_need_brackets() {
        let base = [("database", "d"), ("username", "u"), ("password", "p")];
        let with = |a: &'static str| {
            let mut v = base.to_vec();
            v.push(("address", a));
            check("postgresql", Some(Url), &v)
        };
        assert_eq!(
            with("[::1]:5432").unwrap().properties["address"],
            "[::1]:5432"
        );
        assert_eq!(with("[::1]").unwrap().properties["address"], "[::1]:5432");
        assert_eq!(
            with("[2001:db8::7]:6432").unwrap().properties["address"],
            "[2001:db8::7]:6432"
        );
        let e = with("::1").unwrap_err();
        assert!(e.message.contains("brackets"), "{e:?}");
        let e = with("2001:db8::7:5432").unwrap_err();
        assert!(e.message.contains("brackets"), "{e:?}");
        for bad in ["[zz]:5432", "[::1]5432", "[::1", "[::1]:", "[::1]:70000"] {
            assert!(with(bad).is_err(), "{bad}");
        }
        let kafka = ok("kafka", None, &[("address", "[::1]:9092,[fe80::1]")]);
        assert_eq!(kafka.properties["address"], "[::1]:9092,[fe80::1]:9092");
    }

    #[test]
    fn address_hosts_and_ports_are_checked() {
        let base = [("database", "d"), ("username", "u"), ("password", "p")];
        let with = |a: &str| {
            let mut p = props(&base);
            p.insert("address".into(), a.into());
            validate(spec("mysql"), Some(Url), &p, REGION)
        };
        for good in [
            "db",
            "db-1.example.com",
            "my_host.internal:1",
            "10.0.0.5:65535",
            "DB.Example.COM:3306",
        ] {
            assert!(with(good).is_ok(), "{good}");
        }
        for bad in [
            "999.1.1.1:3306",
            "1.2.3:3306",
            "-db:3306",
            "db-:3306",
            "db..example:3306",
            "db:0",
            "db:+1",
            "db:",
            ":3306",
            "db:123456",
            "user@db:3306",
            "db:3306/path",
        ] {
            let e = with(bad).expect_err(bad);
            assert!(e.hint.unwrap().contains("host:port"), "{bad}");
        }
        let long_label = format!("{}.com", "a".repeat(64));
        assert!(with(&long_label).is_err());
    }

    #[test]
    fn ids_urls_ranges_and_lists() {
        assert!(check("emr", None, &[("clusterId", &"a".repeat(64))]).is_ok());
        assert!(check("emr", None, &[("clusterId", &"a".repeat(65))]).is_err());
        assert!(check("emr", None, &[("clusterId", "C-ABC_123")]).is_ok());

        for good in [
            "https://es.example.com",
            "HTTP://es:9200/",
            "https://[::1]:9200/path?q=1",
            "http://10.0.0.1",
        ] {
            assert!(
                check("elasticsearch", None, &[("endpoint", good)]).is_ok(),
                "{good}"
            );
        }
        for bad in [
            "es.example.com",
            "https://es.example.com:0",
            "https://es:9200/a b",
            "ws://es",
        ] {
            assert!(
                check("elasticsearch", None, &[("endpoint", bad)]).is_err(),
                "{bad}"
            );
        }
        // Credentials in a URL are refused without echoing them.
        let e = err(
            "elasticsearch",
            None,
            &[("endpoint", "https://admin:hunter2@es.example.com")],
        );
        assert!(!text(&e).contains("hunter2"), "{e:?}");
        assert!(e.message.contains("credentials"), "{e:?}");

        let oss = |e: &'static str| {
            check(
                "oss",
                None,
                &[
                    ("endpoint", e),
                    ("bucket", "b"),
                    ("accessKeyId", "i"),
                    ("accessKeySecret", "s"),
                ],
            )
        };
        assert!(oss("https://oss-cn-hangzhou.aliyuncs.com").is_ok());
        assert!(oss("oss-cn-hangzhou-internal.aliyuncs.com").is_ok());
        assert!(oss("ftp://oss").is_err());

        assert_eq!(
            ok("redis", None, &[("address", "r"), ("database", "15")]).properties["database"],
            "15"
        );
        assert_eq!(
            ok("redis", None, &[("address", "r"), ("database", "007")]).properties["database"],
            "7"
        );
        let e = err("redis", None, &[("address", "r"), ("database", "16")]);
        assert!(e.message.contains("0 to 15"), "{e:?}");

        let v = ok(
            "hive",
            None,
            &[
                ("address", "h"),
                ("database", "d"),
                ("metastoreUris", "THRIFT://m1:9083 , thrift://[::1]:9083"),
            ],
        );
        assert_eq!(
            v.properties["metastoreUris"],
            "thrift://m1:9083,thrift://[::1]:9083"
        );
        assert!(check(
            "hive",
            None,
            &[
                ("address", "h"),
                ("database", "d"),
                ("metastoreUris", "thrift://é:9083")
            ]
        )
        .is_err());
    }

    #[test]
    fn oracle_needs_exactly_one_of_service_name_and_sid() {
        let base = [("address", "ora"), ("username", "u"), ("password", "p")];
        let mut sid = base.to_vec();
        sid.push(("sid", "ORCL"));
        assert!(check("oracle", None, &sid).is_ok());
        let e = err("oracle", None, &base);
        assert!(
            e.message.contains("exactly one of serviceName or sid")
                && e.message.contains("neither"),
            "{e:?}"
        );
        sid.push(("serviceName", "PDB"));
        let e = err("oracle", None, &sid);
        assert!(e.message.contains("both"), "{e:?}");
    }

    /// The page's shape: `jdbcUrl` alone, without address, serviceName or sid.
    #[test]
    fn oracle_takes_the_pages_jdbc_url_alone() {
        let url = [
            ("jdbcUrl", "jdbc:oracle:thin:@ora:1521:ORCL"),
            ("username", "u"),
            ("password", "p"),
        ];
        assert!(check("oracle", None, &url).is_ok());
        for extra in [("address", "ora"), ("sid", "ORCL"), ("serviceName", "PDB")] {
            let mut both = url.to_vec();
            both.push(extra);
            let e = err("oracle", None, &both);
            assert!(e.message.contains("jdbcUrl is set with"), "{e:?}");
        }
        let e = err("oracle", None, &[("username", "u"), ("password", "p")]);
        assert!(e.message.contains("neither jdbcUrl nor address"), "{e:?}");
    }

    #[test]
    fn maxcompute_custom_needs_an_endpoint() {
        let e = err(
            "maxcompute",
            None,
            &[("project", "p"), ("endpointMode", "Custom")],
        );
        assert!(
            e.message
                .contains("endpoint is required when endpointMode is Custom"),
            "{e:?}"
        );
        assert!(check(
            "maxcompute",
            None,
            &[
                ("project", "p"),
                ("endpointMode", "Custom"),
                (
                    "endpoint",
                    "http://service.cn-hangzhou.maxcompute.aliyun.com/api"
                )
            ]
        )
        .is_ok());
        // With SelfAdaption an endpoint is allowed (and ignored by the probe).
        assert!(check(
            "maxcompute",
            None,
            &[("project", "p"), ("endpoint", "http://mc/api")]
        )
        .is_ok());
    }

    #[test]
    fn region_id_must_match_in_instance_mode_and_be_well_formed_elsewhere() {
        let v = ok(
            "kafka",
            None,
            &[("instanceId", "k"), ("regionId", "CN-Hangzhou")],
        );
        // The catalog's region, in any case: left out where the API writes it anyway
        // (absent means the catalog's region); kept, lowercased, where it does not.
        assert!(!v.properties.contains_key("regionId"), "{v:?}");
        let v = ok(
            "kafka",
            None,
            &[("address", "b"), ("regionId", "CN-Hangzhou")],
        );
        assert_eq!(v.properties["regionId"], "cn-hangzhou");
        let v = ok(
            "maxcompute",
            None,
            &[("project", "p"), ("regionId", "cn-hangzhou")],
        );
        assert!(!v.properties.contains_key("regionId"), "{v:?}");
        let e = err(
            "kafka",
            None,
            &[("instanceId", "k"), ("regionId", "cn-shanghai")],
        );
        assert!(
            e.message.contains("cn-shanghai") && e.message.contains("cn-hangzhou"),
            "{e:?}"
        );
        assert!(e.hint.unwrap().contains("own region"));
        let v = ok(
            "kafka",
            None,
            &[("address", "b"), ("regionId", "ap-southeast-1")],
        );
        assert_eq!(v.properties["regionId"], "ap-southeast-1");
        assert!(check(
            "kafka",
            None,
            &[("address", "b"), ("regionId", "cn-shanghai-finance-1")]
        )
        .is_ok());
        for bad in ["nowhere", "c-1", "cn_hangzhou", "cn--x", "", "cn-hangzhou-"] {
            let e = err("kafka", None, &[("address", "b"), ("regionId", bad)]);
            assert!(e.message.contains("regionId"), "{bad}: {e:?}");
        }
    }

    #[test]
    fn empty_values_are_refused_when_required_and_kept_for_optional_text() {
        let e = err("kafka", None, &[("instanceId", "")]);
        assert!(e.message.contains("`instanceId` is empty"), "{e:?}");
        let e = err(
            "mysql",
            None,
            &[
                ("address", "db"),
                ("database", "d"),
                ("username", "u"),
                ("password", ""),
            ],
        );
        assert!(e.message.contains("`password` is empty"), "{e:?}");
        let v = ok("kafka", None, &[("address", "b"), ("username", "")]);
        assert_eq!(v.properties["username"], "");
    }

    #[test]
    fn non_secret_values_must_be_printable_and_not_huge() {
        let e = err(
            "kafka",
            None,
            &[("address", "b"), ("username", "a\u{1b}[2Jb")],
        );
        assert!(e.message.contains("control"), "{e:?}");
        assert!(!e.message.contains('\u{1b}'), "the value is escaped: {e:?}");
        let e = err(
            "kafka",
            None,
            &[("address", "b"), ("username", "a\u{202E}b")],
        );
        assert!(e.message.contains("formatting"), "{e:?}");
        let huge = "x".repeat(PropertyValue::MAX_CHARS + 1);
        let e = err("kafka", None, &[("address", "b"), ("username", &huge)]);
        assert!(e.message.contains("longer than"), "{e:?}");
        assert!(e.message.len() < 400, "long values are cut in messages");
        // Secrets are free-form, but still bounded.
        assert!(check(
            "kafka",
            None,
            &[("address", "b"), ("password", "tab\tand\u{7}bell")]
        )
        .is_ok());
    }

    #[test]
    fn a_value_that_normalising_makes_too_long_is_refused() {
        // Found by fuzzing (fuzz/fuzz_targets/validate.rs): 1,000 bare kafka hosts fit in
        // 4,096 characters, but not once each gets `:9092`; stored like that, the value was
        // refused by every later update of the data source.
        let hosts = vec!["h1"; 1000].join(",");
        assert!(hosts.len() <= PropertyValue::MAX_CHARS);
        let e = err("kafka", Some(Url), &[("address", &hosts)]);
        assert!(e.message.contains("once completed"), "{e:?}");
        let fits = vec!["h1"; 500].join(",");
        let v = ok("kafka", Some(Url), &[("address", &fits)]);
        assert_eq!(
            check(
                "kafka",
                Some(v.mode),
                &v.properties
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect::<Vec<_>>()
            ),
            Ok(v)
        );
    }

    #[test]
    fn no_message_ever_holds_a_secret_value() {
        const SECRET: &str = "S3cr3t-Value";
        let huge_secret = format!("{SECRET}{}", "x".repeat(PropertyValue::MAX_CHARS));
        for (key, mode, pairs) in valid_sets() {
            let secrets: Vec<&str> = pairs
                .iter()
                .map(|(k, _)| *k)
                .filter(|k| spec(key).is_secret(k))
                .collect();
            let with_secret: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| {
                    if spec(key).is_secret(k) {
                        (*k, SECRET)
                    } else {
                        (*k, *v)
                    }
                })
                .collect();
            let mut cases: Vec<Vec<(&str, &str)>> = Vec::new();
            let mut unknown = with_secret.clone();
            unknown.push(("bogus", "1"));
            unknown.push(("extra.trustToken", SECRET));
            unknown.push(("passwd", SECRET));
            unknown.push(("extra.accessKey", SECRET));
            cases.push(unknown);
            let mut bad_region = with_secret.clone();
            bad_region.push(("regionId", "nowhere"));
            cases.push(bad_region);
            let mut too_long = with_secret.clone();
            too_long.push(("extra.db.password", &huge_secret));
            cases.push(too_long);
            for s in &secrets {
                let mut huge = with_secret.clone();
                huge.retain(|(k, _)| k != s);
                huge.push((s, &huge_secret));
                cases.push(huge);
            }
            for case in cases {
                let e = check(key, Some(mode), &case).expect_err(key);
                let t = text(&e);
                assert!(!t.contains(SECRET), "{key}: {t}");
            }
        }
    }
}
