//! The connection-type registry (types.md), defined once: every data-source and compute
//! type, the modes it supports and, per mode, the property keys it requires or allows.
//!
//! Everything that touches properties goes through here: [`validate`] is the one gate on
//! the way into the catalog, [`redact`] the one place secret values are masked, and
//! [`catalog_view`] what `dwctl datasource types` prints, so the table, the checks and the
//! listing cannot drift apart.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::model::error::{Error, Result};
use crate::model::words;

/// Property values are always strings, as in the DataWorks API; a sorted map keeps output
/// and exports stable.
pub type Properties = BTreeMap<String, String>;

/// What a secret value is shown as, everywhere.
pub const REDACTED: &str = "********";

/// Prefix of free-form driver options, which pass through unchecked (types.md).
pub const EXTRA_PREFIX: &str = "extra.";

/// Longest accepted property value, in Unicode scalar values. Spec-silent: a cap keeps huge
/// input (R3) an exit 2 instead of a multi-megabyte catalog row.
pub const MAX_VALUE_CHARS: usize = 4096;

/// Longest accepted property key. Spec-silent, as for values.
pub const MAX_KEY_CHARS: usize = 128;

// ---------------------------------------------------------------------------------------
// Connection modes
// ---------------------------------------------------------------------------------------

/// How a workspace reaches the engine: through a cloud instance id, a URL/address, or a
/// registered CDH cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnMode {
    Instance,
    Url,
    Cdh,
}

impl ConnMode {
    pub const ALL: [ConnMode; 3] = [ConnMode::Instance, ConnMode::Url, ConnMode::Cdh];

    pub fn as_str(self) -> &'static str {
        match self {
            ConnMode::Instance => "instance",
            ConnMode::Url => "url",
            ConnMode::Cdh => "cdh",
        }
    }

    /// Case-insensitive, like every other enum the CLI accepts.
    pub fn parse(text: &str) -> Result<ConnMode> {
        ConnMode::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| {
                Error::invalid(format!("unknown connection mode `{}`", show(text)))
                    .with_hint("--mode is one of: instance, url, cdh")
            })
    }
}

impl fmt::Display for ConnMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ConnMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        ConnMode::parse(s)
    }
}

// ---------------------------------------------------------------------------------------
// The static tables
// ---------------------------------------------------------------------------------------

/// The shape a property value must have. Each variant is checked (and normalised) by
/// [`validate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueFormat {
    /// Any printable text (secret values: anything). May be empty when the key is optional.
    Text,
    /// `host:port`; host a DNS name, IPv4 or bracketed IPv6 literal. A bare host takes the
    /// type's usual port when it has one.
    Address,
    /// `host:port` with an explicit port: the type's usual port belongs to `address`, not to
    /// this key (StarRocks/Doris `loadAddress` is the HTTP port, not the query port).
    AddressWithPort,
    /// One or more [`ValueFormat::Address`], comma-separated (kafka brokers).
    AddressList,
    /// 1-64 of `A-Za-z0-9-_` (instance, cluster and workspace ids).
    Id,
    /// One of these values, matched case-insensitively, stored as written here.
    Enum(&'static [&'static str]),
    /// An `http://` or `https://` URL.
    HttpUrl,
    /// An `http(s)://` URL or a bare `host[:port][/path]` (cloud endpoints are often
    /// written without a scheme, e.g. `oss-cn-hangzhou.aliyuncs.com`).
    Endpoint,
    /// Comma-separated `thrift://host:port` (Hive metastore URIs).
    ThriftUris,
    /// A whole number in `min..=max`.
    IntRange { min: u32, max: u32 },
    /// A region id such as `cn-hangzhou` or `ap-southeast-1`.
    RegionId,
}

/// One property key of a mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySpec {
    pub key: &'static str,
    pub required: bool,
    pub format: ValueFormat,
    /// Filled in by [`validate`] when the key is absent.
    pub default: Option<&'static str>,
}

/// The keys one mode of a type requires or allows (besides the common keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModeSpec {
    pub mode: ConnMode,
    pub keys: &'static [KeySpec],
}

/// One connection type of types.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeSpec {
    pub key: &'static str,
    /// Can be attached as a compute resource as well as added as a data source.
    pub compute: bool,
    pub modes: &'static [ModeSpec],
    /// Filled into a bare-host `address`.
    pub usual_port: Option<u16>,
    pub summary: &'static str,
}

impl TypeSpec {
    /// The spec of `mode`, if this type supports it.
    pub fn mode(&self, mode: ConnMode) -> Option<&'static ModeSpec> {
        self.modes.iter().find(|m| m.mode == mode)
    }

    /// The supported modes, comma-separated, for messages.
    pub fn mode_names(&self) -> String {
        self.modes
            .iter()
            .map(|m| m.mode.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

const fn req(key: &'static str, format: ValueFormat) -> KeySpec {
    KeySpec {
        key,
        required: true,
        format,
        default: None,
    }
}

const fn opt(key: &'static str, format: ValueFormat) -> KeySpec {
    KeySpec {
        key,
        required: false,
        format,
        default: None,
    }
}

const fn dflt(key: &'static str, format: ValueFormat, default: &'static str) -> KeySpec {
    KeySpec {
        key,
        required: false,
        format,
        default: Some(default),
    }
}

use ValueFormat as F;

/// `regionId`, allowed on every type and mode.
const COMMON_KEYS: &[KeySpec] = &[opt("regionId", F::RegionId)];

const INSTANCE_ID: KeySpec = req("instanceId", F::Id);
const CLUSTER_ID: KeySpec = req("clusterId", F::Id);
const WORKSPACE_ID: KeySpec = req("workspaceId", F::Id);
const CLUSTER_IDENTIFIER: KeySpec = req("clusterIdentifier", F::Text);
const ADDRESS: KeySpec = req("address", F::Address);
const LOAD_ADDRESS: KeySpec = opt("loadAddress", F::AddressWithPort);
const DATABASE: KeySpec = req("database", F::Text);
const USERNAME: KeySpec = req("username", F::Text);
const PASSWORD: KeySpec = req("password", F::Text);
const OPT_USERNAME: KeySpec = opt("username", F::Text);
const OPT_PASSWORD: KeySpec = opt("password", F::Text);
/// types.md lists the values only under hologres; the DataWorks API uses the same two for
/// the relational types, so mysql/postgresql/sqlserver share them.
const SECURITY_PROTOCOL: KeySpec = opt(
    "securityProtocol",
    F::Enum(&["authTypeNone", "authTypeSsl"]),
);
const DRIVER_VERSION: KeySpec = opt("driverVersion", F::Enum(&["8.2.0", "5.1.49", "5.1.46"]));

const fn url(keys: &'static [KeySpec]) -> ModeSpec {
    ModeSpec {
        mode: ConnMode::Url,
        keys,
    }
}

const fn instance(keys: &'static [KeySpec]) -> ModeSpec {
    ModeSpec {
        mode: ConnMode::Instance,
        keys,
    }
}

const fn cdh(keys: &'static [KeySpec]) -> ModeSpec {
    ModeSpec {
        mode: ConnMode::Cdh,
        keys,
    }
}

/// instance: `instanceId`, `database`, `username`, `password` (adb, mysql family).
const DB_INSTANCE: &[KeySpec] = &[INSTANCE_ID, DATABASE, USERNAME, PASSWORD];
/// url: `address`, `database`, `username`, `password`.
const DB_URL: &[KeySpec] = &[ADDRESS, DATABASE, USERNAME, PASSWORD];

static TYPES: &[TypeSpec] = &[
    TypeSpec {
        key: "maxcompute",
        compute: true,
        modes: &[url(&[
            req("project", F::Text),
            dflt(
                "endpointMode",
                F::Enum(&["SelfAdaption", "Custom"]),
                "SelfAdaption",
            ),
            opt("endpoint", F::Endpoint),
            dflt(
                "authType",
                F::Enum(&[
                    "Executor",
                    "TaskOwner",
                    "PrimaryAccount",
                    "SubAccount",
                    "RamRole",
                ]),
                "Executor",
            ),
            opt("authIdentity", F::Text),
        ])],
        usual_port: None,
        summary: "MaxCompute project (cloud data warehouse)",
    },
    TypeSpec {
        key: "hologres",
        compute: true,
        modes: &[
            instance(&[
                INSTANCE_ID,
                DATABASE,
                opt("authType", F::Text),
                SECURITY_PROTOCOL,
            ]),
            url(&[
                ADDRESS,
                DATABASE,
                USERNAME,
                PASSWORD,
                opt("authType", F::Text),
                SECURITY_PROTOCOL,
            ]),
        ],
        usual_port: Some(80),
        summary: "Hologres real-time data warehouse",
    },
    TypeSpec {
        key: "emr_serverless_spark",
        compute: true,
        modes: &[instance(&[
            WORKSPACE_ID,
            dflt("resourceQueue", F::Text, "root_queue"),
            opt("sparkVersion", F::Text),
        ])],
        usual_port: None,
        summary: "EMR Serverless Spark workspace",
    },
    TypeSpec {
        key: "emr",
        compute: true,
        modes: &[instance(&[CLUSTER_ID, opt("authType", F::Text)])],
        usual_port: None,
        summary: "E-MapReduce cluster",
    },
    TypeSpec {
        key: "clickhouse",
        compute: true,
        modes: &[instance(&[INSTANCE_ID, USERNAME, PASSWORD]), url(DB_URL)],
        usual_port: Some(8123),
        summary: "ClickHouse",
    },
    TypeSpec {
        key: "analyticdb_for_postgresql",
        compute: true,
        modes: &[instance(DB_INSTANCE), url(DB_URL)],
        usual_port: Some(5432),
        summary: "AnalyticDB for PostgreSQL",
    },
    TypeSpec {
        key: "analyticdb_for_mysql",
        compute: true,
        modes: &[instance(DB_INSTANCE), url(DB_URL)],
        usual_port: Some(3306),
        summary: "AnalyticDB for MySQL",
    },
    TypeSpec {
        key: "starrocks",
        compute: true,
        modes: &[
            instance(&[INSTANCE_ID, USERNAME, PASSWORD]),
            url(&[ADDRESS, LOAD_ADDRESS, DATABASE, USERNAME, PASSWORD]),
        ],
        usual_port: Some(9030),
        summary: "StarRocks",
    },
    TypeSpec {
        key: "flink",
        compute: true,
        modes: &[instance(&[WORKSPACE_ID, req("namespace", F::Text)])],
        usual_port: None,
        summary: "Realtime Compute for Apache Flink workspace",
    },
    TypeSpec {
        key: "cdh",
        compute: true,
        modes: &[cdh(&[CLUSTER_IDENTIFIER, opt("version", F::Text)])],
        usual_port: None,
        summary: "CDH/CDP cluster registered in the workspace",
    },
    TypeSpec {
        key: "mysql",
        compute: false,
        modes: &[
            instance(&[
                INSTANCE_ID,
                DATABASE,
                USERNAME,
                PASSWORD,
                SECURITY_PROTOCOL,
                DRIVER_VERSION,
            ]),
            url(&[
                ADDRESS,
                DATABASE,
                USERNAME,
                PASSWORD,
                SECURITY_PROTOCOL,
                DRIVER_VERSION,
            ]),
        ],
        usual_port: Some(3306),
        summary: "MySQL (RDS or self-managed)",
    },
    TypeSpec {
        key: "postgresql",
        compute: false,
        modes: &[
            instance(&[INSTANCE_ID, DATABASE, USERNAME, PASSWORD, SECURITY_PROTOCOL]),
            url(&[ADDRESS, DATABASE, USERNAME, PASSWORD, SECURITY_PROTOCOL]),
        ],
        usual_port: Some(5432),
        summary: "PostgreSQL (RDS or self-managed)",
    },
    TypeSpec {
        key: "sqlserver",
        compute: false,
        modes: &[
            instance(&[INSTANCE_ID, DATABASE, USERNAME, PASSWORD, SECURITY_PROTOCOL]),
            url(&[ADDRESS, DATABASE, USERNAME, PASSWORD, SECURITY_PROTOCOL]),
        ],
        usual_port: Some(1433),
        summary: "SQL Server (RDS or self-managed)",
    },
    TypeSpec {
        key: "oracle",
        compute: false,
        modes: &[url(&[
            ADDRESS,
            opt("serviceName", F::Text),
            opt("sid", F::Text),
            USERNAME,
            PASSWORD,
        ])],
        usual_port: Some(1521),
        summary: "Oracle Database",
    },
    TypeSpec {
        key: "polardb",
        compute: false,
        modes: &[instance(&[
            CLUSTER_ID,
            DATABASE,
            req("dbType", F::Enum(&["mysql", "postgresql"])),
            USERNAME,
            PASSWORD,
        ])],
        usual_port: None,
        summary: "PolarDB cluster (MySQL or PostgreSQL edition)",
    },
    TypeSpec {
        key: "hive",
        compute: false,
        modes: &[
            url(&[
                ADDRESS,
                DATABASE,
                req("metastoreUris", F::ThriftUris),
                opt("version", F::Text),
                dflt(
                    "loginMode",
                    F::Enum(&["Anonymous", "LDAP", "Kerberos"]),
                    "Anonymous",
                ),
                OPT_USERNAME,
                OPT_PASSWORD,
            ]),
            cdh(&[CLUSTER_IDENTIFIER, DATABASE]),
        ],
        usual_port: Some(10000),
        summary: "Hive (HiveServer2 and metastore)",
    },
    TypeSpec {
        key: "doris",
        compute: false,
        modes: &[url(&[ADDRESS, LOAD_ADDRESS, DATABASE, USERNAME, PASSWORD])],
        usual_port: Some(9030),
        summary: "Apache Doris",
    },
    TypeSpec {
        key: "oss",
        compute: false,
        modes: &[url(&[
            req("endpoint", F::Endpoint),
            req("bucket", F::Text),
            req("accessKeyId", F::Text),
            req("accessKeySecret", F::Text),
        ])],
        usual_port: None,
        summary: "OSS bucket (object storage)",
    },
    TypeSpec {
        key: "kafka",
        compute: false,
        modes: &[
            instance(&[INSTANCE_ID]),
            url(&[req("address", F::AddressList), OPT_USERNAME, OPT_PASSWORD]),
        ],
        usual_port: Some(9092),
        summary: "Kafka (ApsaraMQ for Kafka or self-managed)",
    },
    TypeSpec {
        key: "mongodb",
        compute: false,
        modes: &[url(DB_URL)],
        usual_port: Some(27017),
        summary: "MongoDB",
    },
    TypeSpec {
        key: "redis",
        compute: false,
        modes: &[url(&[
            ADDRESS,
            OPT_PASSWORD,
            opt("database", F::IntRange { min: 0, max: 15 }),
        ])],
        usual_port: Some(6379),
        summary: "Redis",
    },
    TypeSpec {
        key: "elasticsearch",
        compute: false,
        modes: &[url(&[
            req("endpoint", F::HttpUrl),
            OPT_USERNAME,
            OPT_PASSWORD,
        ])],
        usual_port: None,
        summary: "Elasticsearch",
    },
];

/// Every type, in the order of types.md.
pub fn all() -> &'static [TypeSpec] {
    TYPES
}

/// The type named `key`, case-insensitively.
pub fn lookup(key: &str) -> Option<&'static TypeSpec> {
    TYPES.iter().find(|t| t.key.eq_ignore_ascii_case(key))
}

/// The types that can be attached as compute resources, in table order.
pub fn compute_types() -> Vec<&'static TypeSpec> {
    TYPES.iter().filter(|t| t.compute).collect()
}

/// [`lookup`], or exit 2 listing the known types.
pub fn resolve_type(key: &str) -> Result<&'static TypeSpec> {
    lookup(key).ok_or_else(|| {
        Error::invalid(format!("unknown data source type `{}`", show(key))).with_hint(format!(
            "types: {} (`dwctl datasource types` describes them)",
            join_keys(TYPES.iter())
        ))
    })
}

/// [`lookup`] restricted to compute-capable types, or exit 2 listing them.
pub fn resolve_compute_type(key: &str) -> Result<&'static TypeSpec> {
    match lookup(key) {
        Some(t) if t.compute => Ok(t),
        found => {
            let message = match found {
                Some(t) => format!("type `{}` cannot be attached as a compute resource", t.key),
                None => format!("unknown compute resource type `{}`", show(key)),
            };
            Err(Error::invalid(message).with_hint(format!(
                "compute types: {}",
                join_keys(TYPES.iter().filter(|t| t.compute))
            )))
        }
    }
}

fn join_keys<'a>(types: impl Iterator<Item = &'a TypeSpec>) -> String {
    types.map(|t| t.key).collect::<Vec<_>>().join(", ")
}

/// The keys `mode` of `spec` accepts: its own, then the common ones. Empty when the type
/// does not support the mode. `extra.*` keys are accepted too but are not listed.
pub fn allowed_keys(spec: &TypeSpec, mode: ConnMode) -> Vec<&'static str> {
    match spec.mode(mode) {
        Some(m) => m.keys.iter().chain(COMMON_KEYS).map(|k| k.key).collect(),
        None => Vec::new(),
    }
}

fn key_spec(mode: &ModeSpec, key: &str) -> Option<&'static KeySpec> {
    mode.keys.iter().chain(COMMON_KEYS).find(|k| k.key == key)
}

// ---------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------

/// A key holds a secret when its name ends, case-insensitively, in `password`, `secret` or
/// `token` (types.md). Decided by name alone so that `extra.*` keys are covered too.
pub fn is_secret_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    ["password", "secret", "token"]
        .iter()
        .any(|suffix| lower.ends_with(suffix))
}

/// A copy of `props` with every secret value replaced by [`REDACTED`]. This is the only
/// place redaction happens: outputs, audit details and exports all go through it.
pub fn redact(props: &Properties) -> Properties {
    props
        .iter()
        .map(|(k, v)| {
            let v = if is_secret_key(k) {
                REDACTED.to_string()
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------

/// Properties that passed [`validate`], normalised, with the mode they were checked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validated {
    pub mode: ConnMode,
    pub properties: Properties,
}

/// Keys whose presence shows the mode when `--mode` is omitted (types.md).
const MODE_HINTS: &[(&str, ConnMode)] = &[
    ("address", ConnMode::Url),
    ("endpoint", ConnMode::Url),
    ("instanceId", ConnMode::Instance),
    ("clusterId", ConnMode::Instance),
    ("workspaceId", ConnMode::Instance),
    ("clusterIdentifier", ConnMode::Cdh),
];

const RULE_ORACLE: &str = "exactly one of serviceName or sid is required";
const RULE_MAXCOMPUTE: &str = "endpoint is required when endpointMode is Custom";

/// Rules that a per-key table cannot express, as shown by `datasource types`; they are
/// enforced in [`check_rules`].
fn mode_rules(type_key: &str, mode: ConnMode) -> &'static [&'static str] {
    match (type_key, mode) {
        ("oracle", ConnMode::Url) => &[RULE_ORACLE],
        ("maxcompute", ConnMode::Url) => &[RULE_MAXCOMPUTE],
        _ => &[],
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
/// repeated in every row.
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

    check_keys(&ctx, mode_spec, props)?;

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
            // An extra.* key (check_keys refused everything else).
            None => {
                check_generic(key, value)
                    .map_err(|reason| value_error(&ctx, key, &reason, None))?;
                value.clone()
            }
        };
        out.insert(key.clone(), normalised);
    }

    for ks in mode_spec.keys {
        if let (Some(default), false) = (ks.default, out.contains_key(ks.key)) {
            out.insert(ks.key.to_string(), default.to_string());
        }
    }

    check_rules(&ctx, &out)?;
    Ok(Validated {
        mode,
        properties: out,
    })
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

fn check_keys(ctx: &Ctx, mode_spec: &ModeSpec, props: &Properties) -> Result<()> {
    let allowed = allowed_keys(ctx.spec, ctx.mode);
    let mut unknown = Vec::new();
    let mut suggestions = Vec::new();
    for key in props.keys() {
        if let Some(rest) = key.strip_prefix(EXTRA_PREFIX) {
            check_key_chars(key)
                .and_then(|()| {
                    if rest.is_empty() {
                        Err("has nothing after `extra.`".to_string())
                    } else {
                        Ok(())
                    }
                })
                .map_err(|reason| {
                    Error::invalid(format!("invalid property key `{}`: {reason}", show(key)))
                        .with_hint("driver options are named extra.NAME, NAME of A-Za-z0-9._-")
                })?;
            continue;
        }
        if key_spec(mode_spec, key).is_some() {
            continue;
        }
        unknown.push(show(key));
        if let Some(a) = allowed.iter().find(|a| a.eq_ignore_ascii_case(key)) {
            suggestions.push(format!("`{a}` for `{}`", show(key)));
        } else if key.to_ascii_lowercase().starts_with(EXTRA_PREFIX) {
            suggestions.push(format!("`extra.` (lowercase) for `{}`", show(key)));
        }
    }
    if unknown.is_empty() {
        return Ok(());
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

fn check_key_chars(key: &str) -> std::result::Result<(), String> {
    if key.chars().count() > MAX_KEY_CHARS {
        return Err(format!("is longer than {MAX_KEY_CHARS} characters"));
    }
    if !key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err("may use only A-Za-z0-9._-".to_string());
    }
    Ok(())
}

/// Length, and printable for non-secret values: what every value obeys.
fn check_generic(key: &str, value: &str) -> std::result::Result<(), String> {
    if value.chars().count() > MAX_VALUE_CHARS {
        return Err(format!("is longer than {MAX_VALUE_CHARS} characters"));
    }
    if !is_secret_key(key) && value.chars().any(|c| c.is_control() || is_format_char(c)) {
        return Err("contains a control or invisible formatting character".to_string());
    }
    Ok(())
}

/// Unicode general category Cf (format characters), which the spec counts as unprintable
/// (domain.md section 9). The list covers the assigned Cf ranges.
fn is_format_char(c: char) -> bool {
    matches!(c as u32,
        0x00AD
        | 0x0600..=0x0605
        | 0x061C
        | 0x06DD
        | 0x070F
        | 0x0890..=0x0891
        | 0x08E2
        | 0x180E
        | 0x200B..=0x200F
        | 0x202A..=0x202E
        | 0x2060..=0x2064
        | 0x2066..=0x206F
        | 0xFEFF
        | 0xFFF9..=0xFFFB
        | 0x110BD
        | 0x110CD
        | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A
        | 0xE0001
        | 0xE0020..=0xE007F)
}

fn check_value(ctx: &Ctx, ks: &KeySpec, value: &str, region: &str) -> Result<String> {
    if ks.required && value.is_empty() {
        return Err(Error::invalid(format!(
            "{}: `{}` is empty, and it is required",
            ctx.what(),
            ks.key
        ))
        .with_hint(if is_secret_key(ks.key) {
            // Not on the command line, where a secret stays in the shell's history.
            format!(
                "give `{0}` a value with --prop {0}=- (stdin, or asked for at a terminal), {0}=@FILE or {0}=env:VAR",
                ks.key
            )
        } else {
            format!("give `{0}` a value with --prop {0}=VALUE", ks.key)
        }));
    }
    check_generic(ks.key, value).map_err(|r| value_error(ctx, ks.key, &r, None))?;
    let usual_port = ctx.spec.usual_port;
    let result = match ks.format {
        F::Text => Ok(value.to_string()),
        F::Address => parse_address(value, usual_port).map(|a| a.to_string()),
        F::AddressWithPort => parse_address(value, None).map(|a| a.to_string()),
        F::AddressList => parse_address_list(value, usual_port).map(|list| {
            list.iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(",")
        }),
        F::Id => check_id(value).map(|()| value.to_string()),
        F::Enum(values) => values
            .iter()
            .find(|v| v.eq_ignore_ascii_case(value))
            .map(|v| v.to_string())
            .ok_or_else(|| format!("must be one of {}", values.join(", "))),
        F::HttpUrl => parse_endpoint(value, true).map(|_| value.to_string()),
        F::Endpoint => parse_endpoint(value, false).map(|_| value.to_string()),
        F::ThriftUris => parse_thrift_uris(value),
        F::IntRange { min, max } => parse_int(value, min, max).map(|n| n.to_string()),
        F::RegionId => check_region_id(value).map(|()| value.to_ascii_lowercase()),
    };
    // Normalising can lengthen a value (a usual port added to every bare host of a list):
    // what is stored must pass the length rule again when an update re-validates it.
    let result = result.and_then(|n| {
        if n.chars().count() > MAX_VALUE_CHARS {
            Err(format!(
                "is longer than {MAX_VALUE_CHARS} characters once completed (ports added)"
            ))
        } else {
            Ok(n)
        }
    });
    let normalised = result.map_err(|r| value_error(ctx, ks.key, &r, Some(ks.format)))?;
    if ks.format == F::RegionId
        && ctx.mode == ConnMode::Instance
        && !normalised.eq_ignore_ascii_case(region)
    {
        return Err(Error::invalid(format!(
            "{}: regionId `{normalised}` is not the catalog's region `{}`",
            ctx.what(),
            show(region)
        ))
        .with_hint(format!(
            "a workspace reaches only instances of its own region: leave regionId out or set it to {}",
            show(region)
        )));
    }
    Ok(normalised)
}

/// An exit-2 error about one value. It names the key, never the value (issue 11: messages
/// about `--prop` name the key); for a secret the reason is kept only when it cannot carry
/// a piece of the value.
fn value_error(ctx: &Ctx, key: &str, reason: &str, format: Option<ValueFormat>) -> Error {
    let message = if is_secret_key(key) {
        let reason = match format {
            None | Some(F::Text) => reason,
            Some(_) => "is not in the expected format",
        };
        format!(
            "{}: the value of `{}` {reason} (it is secret and not shown)",
            ctx.what(),
            show(key)
        )
    } else {
        // Never the value: an address or URL can carry credentials (`user:pass@host`,
        // `?password=...`), and the user has it on their command line or in their manifest.
        format!("{}: invalid `{}` value: {reason}", ctx.what(), show(key))
    };
    let hint = match format {
        Some(F::Address) => match ctx.spec.usual_port {
            Some(p) => format!("write host:port, e.g. db.example.com:{p}, 10.0.0.5:{p} or [::1]:{p}; a bare host gets port {p}"),
            None => "write host:port, e.g. db.example.com:5432, 10.0.0.5:5432 or [::1]:5432".to_string(),
        },
        Some(F::AddressWithPort) => {
            "write host:port with the port, e.g. fe.example.com:8030 or [::1]:8030".to_string()
        }
        Some(F::AddressList) => {
            let p = ctx.spec.usual_port.unwrap_or(9092);
            format!("write one or more host:port, comma-separated, e.g. b1.example.com:{p},b2.example.com:{p}")
        }
        Some(F::Id) => "ids are 1-64 characters of A-Za-z0-9-_".to_string(),
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
            "values are at most {MAX_VALUE_CHARS} characters, without control characters (secrets excepted)"
        ),
    };
    Error::invalid(message).with_hint(hint)
}

/// Rules across keys, checked once defaults are in.
fn check_rules(ctx: &Ctx, props: &Properties) -> Result<()> {
    match (ctx.spec.key, ctx.mode) {
        ("oracle", ConnMode::Url) => {
            let has = |k: &str| props.contains_key(k);
            let problem = match (has("serviceName"), has("sid")) {
                (true, false) | (false, true) => return Ok(()),
                (false, false) => "neither is set",
                (true, true) => "both are set",
            };
            Err(
                Error::invalid(format!("{}: {RULE_ORACLE}; {problem}", ctx.what())).with_hint(
                    "--prop serviceName=NAME or --prop sid=SID (remove the other with --unprop)",
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
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

fn check_id(value: &str) -> std::result::Result<(), String> {
    let ok = (1..=64).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err("must be 1-64 characters of A-Za-z0-9-_".to_string())
    }
}

/// `cn-hangzhou`, `ap-southeast-1`, `cn-shanghai-finance-1`: a lowercase letter prefix of at
/// least two, then `-`-separated alphanumeric parts (any case accepted, stored lowercase).
fn check_region_id(value: &str) -> std::result::Result<(), String> {
    let lower = value.to_ascii_lowercase();
    let mut parts = lower.split('-');
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    let ok = value.len() <= 64
        && first.len() >= 2
        && first.chars().all(|c| c.is_ascii_lowercase())
        && !rest.is_empty()
        && rest.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err("is not a region id".to_string())
    }
}

fn parse_int(value: &str, min: u32, max: u32) -> std::result::Result<u32, String> {
    let reason = || format!("must be a whole number from {min} to {max}");
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

// ---------------------------------------------------------------------------------------
// Addresses and URLs (shared with the probe)
// ---------------------------------------------------------------------------------------

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
pub fn parse_address(text: &str, usual_port: Option<u16>) -> std::result::Result<HostPort, String> {
    let (host, port) = split_host_port(text)?;
    let port = match port {
        Some(p) => parse_port(p)?,
        None => usual_port.ok_or_else(|| "has no port (write host:port)".to_string())?,
    };
    Ok(HostPort { host, port })
}

/// Parse a comma-separated list of addresses; blanks around entries are ignored.
pub fn parse_address_list(
    text: &str,
    usual_port: Option<u16>,
) -> std::result::Result<Vec<HostPort>, String> {
    text.split(',')
        .map(|item| {
            let item = item.trim_matches(' ');
            if item.is_empty() {
                Err("has an empty entry in the list".to_string())
            } else {
                parse_address(item, usual_port)
            }
        })
        .collect()
}

/// Split into a checked host (brackets removed) and the port text, if any.
fn split_host_port(text: &str) -> std::result::Result<(String, Option<&str>), String> {
    if text.is_empty() {
        return Err("is empty".to_string());
    }
    if let Some(rest) = text.strip_prefix('[') {
        let (inside, after) = rest
            .split_once(']')
            .ok_or_else(|| "has `[` without a closing `]`".to_string())?;
        inside
            .parse::<Ipv6Addr>()
            .map_err(|_| "has a bracketed host that is not an IPv6 address".to_string())?;
        return match after {
            "" => Ok((inside.to_string(), None)),
            _ => match after.strip_prefix(':') {
                Some(port) => Ok((inside.to_string(), Some(port))),
                None => Err("has text after `]` that is not `:port`".to_string()),
            },
        };
    }
    let (host, port) = match text.split_once(':') {
        None => (text, None),
        Some((_, p)) if p.contains(':') => {
            return Err(
                "looks like an IPv6 address: put it in brackets, e.g. [::1]:5432".to_string(),
            )
        }
        Some((h, p)) => (h, Some(p)),
    };
    check_host(host)?;
    Ok((host.to_string(), port))
}

fn parse_port(text: &str) -> std::result::Result<u16, String> {
    let reason = || "has a port outside 1-65535".to_string();
    if text.is_empty() {
        return Err("has an empty port".to_string());
    }
    if text.len() > 5 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(reason());
    }
    match text.parse::<u32>() {
        Ok(n @ 1..=65535) => Ok(n as u16),
        _ => Err(reason()),
    }
}

/// A DNS name (labels of `A-Za-z0-9-_`, 1-63 each, no leading or trailing `-`, at most 253
/// in all) or an IPv4 literal. Names made only of digits and dots must be IPv4 addresses.
fn check_host(host: &str) -> std::result::Result<(), String> {
    if host.is_empty() {
        return Err("has no host".to_string());
    }
    if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return host
            .parse::<Ipv4Addr>()
            .map(|_| ())
            .map_err(|_| "has a host that is not a valid IPv4 address".to_string());
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
        Err("has a host that is not a DNS name or IP address".to_string())
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
pub fn parse_endpoint(
    text: &str,
    require_scheme: bool,
) -> std::result::Result<EndpointParts, String> {
    if text.is_empty() {
        return Err("is empty".to_string());
    }
    let (scheme, rest) = match text.split_once("://") {
        Some((s, rest)) => {
            let scheme = if s.eq_ignore_ascii_case("http") {
                "http"
            } else if s.eq_ignore_ascii_case("https") {
                "https"
            } else {
                return Err("must start with http:// or https://".to_string());
            };
            (Some(scheme), rest)
        }
        None if require_scheme => return Err("must start with http:// or https://".to_string()),
        None => (None, text),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return Err("holds credentials: put them in username/password instead".to_string());
    }
    if tail.chars().any(|c| c.is_whitespace()) {
        return Err("contains blanks".to_string());
    }
    let (host, port) = split_host_port(authority).map_err(|r| {
        if r == "is empty" {
            "has no host".to_string()
        } else {
            r
        }
    })?;
    let port = port.map(parse_port).transpose()?;
    Ok(EndpointParts { scheme, host, port })
}

fn parse_thrift_uris(value: &str) -> std::result::Result<String, String> {
    let mut out = Vec::new();
    for item in value.split(',') {
        let item = item.trim_matches(' ');
        if item.is_empty() {
            return Err("has an empty entry in the list".to_string());
        }
        let rest = item
            .get(..9)
            .filter(|p| p.eq_ignore_ascii_case("thrift://"))
            .map(|_| &item[9..])
            .ok_or_else(|| "has an entry that does not start with thrift://".to_string())?;
        let hp = parse_address(rest, None)?;
        out.push(format!("thrift://{hp}"));
    }
    Ok(out.join(","))
}

// ---------------------------------------------------------------------------------------
// Catalog view (`dwctl datasource types`)
// ---------------------------------------------------------------------------------------

/// One type as `dwctl datasource types` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeView {
    #[serde(rename = "type")]
    pub type_key: &'static str,
    pub compute: bool,
    pub summary: &'static str,
    pub modes: Vec<ModeView>,
    pub usual_port: Option<u16>,
    /// Keys of this type whose values are never shown.
    pub secret_keys: Vec<&'static str>,
}

/// One mode of a type: what it requires and allows, the allowed values of enum keys, the
/// defaults [`validate`] fills in, and the rules across keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModeView {
    pub mode: ConnMode,
    pub required: Vec<&'static str>,
    pub optional: Vec<&'static str>,
    pub values: BTreeMap<&'static str, Vec<&'static str>>,
    pub defaults: BTreeMap<&'static str, &'static str>,
    pub rules: Vec<&'static str>,
}

/// The whole registry as data, in table order.
pub fn catalog_view() -> Vec<TypeView> {
    TYPES.iter().map(type_view).collect()
}

fn type_view(spec: &TypeSpec) -> TypeView {
    let modes = spec
        .modes
        .iter()
        .map(|m| {
            let keys = || m.keys.iter().chain(COMMON_KEYS);
            ModeView {
                mode: m.mode,
                required: keys().filter(|k| k.required).map(|k| k.key).collect(),
                optional: keys().filter(|k| !k.required).map(|k| k.key).collect(),
                values: keys()
                    .filter_map(|k| match k.format {
                        F::Enum(values) => Some((k.key, values.to_vec())),
                        _ => None,
                    })
                    .collect(),
                defaults: keys()
                    .filter_map(|k| k.default.map(|d| (k.key, d)))
                    .collect(),
                rules: mode_rules(spec.key, m.mode).to_vec(),
            }
        })
        .collect();
    let mut secret_keys: Vec<&'static str> = Vec::new();
    for k in spec.modes.iter().flat_map(|m| m.keys) {
        if is_secret_key(k.key) && !secret_keys.contains(&k.key) {
            secret_keys.push(k.key);
        }
    }
    TypeView {
        type_key: spec.key,
        compute: spec.compute,
        summary: spec.summary,
        modes,
        usual_port: spec.usual_port,
        secret_keys,
    }
}

// ---------------------------------------------------------------------------------------
// `--prop` arguments
// ---------------------------------------------------------------------------------------

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
            show(&start)
        ))
        .with_hint(PROP_SYNTAX)
    })?;
    if key.is_empty() {
        return Err(Error::invalid("--prop has an empty key before `=`").with_hint(PROP_SYNTAX));
    }
    check_key_chars(key).map_err(|reason| {
        Error::invalid(format!("--prop key `{}` {reason}", show(key))).with_hint(
            "property keys are camelCase names such as instanceId; driver options are extra.NAME",
        )
    })?;
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
    check_key_chars(key).map_err(|reason| {
        Error::invalid(format!("{flag} key `{}` {reason}", show(key))).with_hint(
            "property keys are camelCase names such as instanceId; driver options are extra.NAME",
        )
    })?;
    Ok(key.to_string())
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

// ---------------------------------------------------------------------------------------
// Location (`check` DW006)
// ---------------------------------------------------------------------------------------

/// Keys that name the container inside the place (database, project, bucket, namespace).
pub const CONTAINER_KEYS: &[&str] = &["database", "project", "bucket", "namespace"];

/// Where a data source points, for `check` to see dev and prod at the same place (DW006):
/// the address (url), instance/cluster/workspace id (instance) or cluster (cdh), plus the
/// database, project, bucket or namespace, e.g. `address db.example.com:3306, database
/// sales`. `None` when the properties name neither.
///
/// The "where" part is lowercased (host names and ids do not depend on case) and address
/// lists are sorted, so equal places compare equal; the container is kept as stored, since
/// database names can be case-sensitive. A maxcompute endpoint counts only in Custom mode
/// (SelfAdaption lets the region decide, leaving the project as the place).
pub fn location(spec: &TypeSpec, mode: ConnMode, props: &Properties) -> Option<String> {
    let get = |k: &str| props.get(k).filter(|v| !v.is_empty());
    let locator: Option<(&str, String)> = match mode {
        ConnMode::Url => {
            if let Some(a) = get("address") {
                let norm = match parse_address_list(a, spec.usual_port) {
                    Ok(list) => {
                        let mut items: Vec<String> = list
                            .iter()
                            .map(|h| h.to_string().to_ascii_lowercase())
                            .collect();
                        items.sort();
                        items.dedup();
                        items.join(",")
                    }
                    Err(_) => a.to_ascii_lowercase(),
                };
                Some(("address", norm))
            } else {
                let uses_endpoint = spec.key != "maxcompute"
                    || props
                        .get("endpointMode")
                        .is_some_and(|m| m.eq_ignore_ascii_case("Custom"));
                get("endpoint")
                    .filter(|_| uses_endpoint)
                    .map(|e| ("endpoint", e.trim_end_matches('/').to_ascii_lowercase()))
            }
        }
        ConnMode::Instance => ["instanceId", "clusterId", "workspaceId"]
            .into_iter()
            .find_map(|k| get(k).map(|v| (k, v.to_ascii_lowercase()))),
        ConnMode::Cdh => {
            get("clusterIdentifier").map(|v| ("clusterIdentifier", v.to_ascii_lowercase()))
        }
    };
    let container = CONTAINER_KEYS
        .iter()
        .find_map(|k| get(k).map(|v| (*k, v.clone())));
    let parts: Vec<String> = locator
        .into_iter()
        .chain(container)
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(", "))
    }
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// `1st`, `2nd`, `3rd`, `4th`, ... `11th`, `12th`, `13th`, `21st`.
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// User input made safe to quote in a one-line message: [`crate::model::excerpt`].
fn show(text: &str) -> String {
    crate::model::excerpt(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::error::Kind;

    const REGION: &str = "cn-hangzhou";

    fn props(pairs: &[(&str, &str)]) -> Properties {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn spec(key: &str) -> &'static TypeSpec {
        lookup(key).expect("known type")
    }

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
                    ("accessKeyId", "LTAI5tExample"),
                    ("accessKeySecret", "sk"),
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

    /// types.md, transcribed independently of the table in the module.
    #[test]
    fn table_matches_types_md() {
        // (mode, required, optional), keys space-separated.
        type Modes = &'static [(&'static str, &'static str, &'static str)];
        let expected: &[(&str, bool, Option<u16>, Modes)] = &[
            (
                "maxcompute",
                true,
                None,
                &[(
                    "url",
                    "project",
                    "endpointMode endpoint authType authIdentity",
                )],
            ),
            (
                "hologres",
                true,
                Some(80),
                &[
                    (
                        "instance",
                        "instanceId database",
                        "authType securityProtocol",
                    ),
                    (
                        "url",
                        "address database username password",
                        "authType securityProtocol",
                    ),
                ],
            ),
            (
                "emr_serverless_spark",
                true,
                None,
                &[("instance", "workspaceId", "resourceQueue sparkVersion")],
            ),
            ("emr", true, None, &[("instance", "clusterId", "authType")]),
            (
                "clickhouse",
                true,
                Some(8123),
                &[
                    ("instance", "instanceId username password", ""),
                    ("url", "address database username password", ""),
                ],
            ),
            (
                "analyticdb_for_postgresql",
                true,
                Some(5432),
                &[
                    ("instance", "instanceId database username password", ""),
                    ("url", "address database username password", ""),
                ],
            ),
            (
                "analyticdb_for_mysql",
                true,
                Some(3306),
                &[
                    ("instance", "instanceId database username password", ""),
                    ("url", "address database username password", ""),
                ],
            ),
            (
                "starrocks",
                true,
                Some(9030),
                &[
                    ("instance", "instanceId username password", ""),
                    ("url", "address database username password", "loadAddress"),
                ],
            ),
            (
                "flink",
                true,
                None,
                &[("instance", "workspaceId namespace", "")],
            ),
            (
                "cdh",
                true,
                None,
                &[("cdh", "clusterIdentifier", "version")],
            ),
            (
                "mysql",
                false,
                Some(3306),
                &[
                    (
                        "instance",
                        "instanceId database username password",
                        "securityProtocol driverVersion",
                    ),
                    (
                        "url",
                        "address database username password",
                        "securityProtocol driverVersion",
                    ),
                ],
            ),
            (
                "postgresql",
                false,
                Some(5432),
                &[
                    (
                        "instance",
                        "instanceId database username password",
                        "securityProtocol",
                    ),
                    (
                        "url",
                        "address database username password",
                        "securityProtocol",
                    ),
                ],
            ),
            (
                "sqlserver",
                false,
                Some(1433),
                &[
                    (
                        "instance",
                        "instanceId database username password",
                        "securityProtocol",
                    ),
                    (
                        "url",
                        "address database username password",
                        "securityProtocol",
                    ),
                ],
            ),
            (
                "oracle",
                false,
                Some(1521),
                &[("url", "address username password", "serviceName sid")],
            ),
            (
                "polardb",
                false,
                None,
                &[(
                    "instance",
                    "clusterId database dbType username password",
                    "",
                )],
            ),
            (
                "hive",
                false,
                Some(10000),
                &[
                    (
                        "url",
                        "address database metastoreUris",
                        "version loginMode username password",
                    ),
                    ("cdh", "clusterIdentifier database", ""),
                ],
            ),
            (
                "doris",
                false,
                Some(9030),
                &[("url", "address database username password", "loadAddress")],
            ),
            (
                "oss",
                false,
                None,
                &[("url", "endpoint bucket accessKeyId accessKeySecret", "")],
            ),
            (
                "kafka",
                false,
                Some(9092),
                &[
                    ("instance", "instanceId", ""),
                    ("url", "address", "username password"),
                ],
            ),
            (
                "mongodb",
                false,
                Some(27017),
                &[("url", "address database username password", "")],
            ),
            (
                "redis",
                false,
                Some(6379),
                &[("url", "address", "password database")],
            ),
            (
                "elasticsearch",
                false,
                None,
                &[("url", "endpoint", "username password")],
            ),
        ];
        assert_eq!(all().len(), expected.len());
        for (t, (key, compute, port, modes)) in all().iter().zip(expected) {
            assert_eq!(t.key, *key);
            assert_eq!(t.compute, *compute, "{key}");
            assert_eq!(t.usual_port, *port, "{key}");
            assert!(!t.summary.is_empty());
            assert_eq!(t.modes.len(), modes.len(), "{key}");
            for (m, (mode, required, optional)) in t.modes.iter().zip(modes.iter()) {
                assert_eq!(m.mode.as_str(), *mode, "{key}");
                let mut req: Vec<&str> = m
                    .keys
                    .iter()
                    .filter(|k| k.required)
                    .map(|k| k.key)
                    .collect();
                let mut opt: Vec<&str> = m
                    .keys
                    .iter()
                    .filter(|k| !k.required)
                    .map(|k| k.key)
                    .collect();
                let mut want_req: Vec<&str> = required.split_whitespace().collect();
                let mut want_opt: Vec<&str> = optional.split_whitespace().collect();
                req.sort();
                opt.sort();
                want_req.sort();
                want_opt.sort();
                assert_eq!(req, want_req, "{key} {mode} required");
                assert_eq!(opt, want_opt, "{key} {mode} optional");
            }
        }
    }

    #[test]
    fn lookup_is_case_insensitive_and_compute_types_follow_the_c_column() {
        assert_eq!(lookup("MySQL").map(|t| t.key), Some("mysql"));
        assert_eq!(
            lookup("EMR_Serverless_Spark").map(|t| t.key),
            Some("emr_serverless_spark")
        );
        assert!(lookup("sybase").is_none());
        let compute: Vec<&str> = compute_types().iter().map(|t| t.key).collect();
        assert_eq!(
            compute,
            [
                "maxcompute",
                "hologres",
                "emr_serverless_spark",
                "emr",
                "clickhouse",
                "analyticdb_for_postgresql",
                "analyticdb_for_mysql",
                "starrocks",
                "flink",
                "cdh"
            ]
        );
    }

    #[test]
    fn resolve_type_errors_list_the_types() {
        assert_eq!(resolve_type("ORACLE").unwrap().key, "oracle");
        let e = resolve_type("sybase").unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        assert!(e.message.contains("sybase"));
        assert!(e.hint.unwrap().contains("elasticsearch"));
        assert_eq!(resolve_compute_type("Flink").unwrap().key, "flink");
        let e = resolve_compute_type("mysql").unwrap_err();
        assert!(e.message.contains("cannot be attached"), "{e:?}");
        let hint = e.hint.unwrap();
        assert!(
            hint.contains("maxcompute") && !hint.split([' ', ',']).any(|w| w == "mysql"),
            "{hint}"
        );
        let e = resolve_compute_type("nope\u{1b}[31m").unwrap_err();
        assert!(!e.message.contains('\u{1b}'), "{e:?}");
    }

    #[test]
    fn conn_mode_parses_prints_and_serializes() {
        assert_eq!(ConnMode::parse("URL").unwrap(), Url);
        assert_eq!("Instance".parse::<ConnMode>().unwrap(), Instance);
        assert_eq!(ConnMode::parse("cdh").unwrap().to_string(), "cdh");
        let e = ConnMode::parse("vpc").unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        assert!(e.hint.unwrap().contains("instance, url, cdh"));
        assert_eq!(serde_json::to_string(&Instance).unwrap(), "\"instance\"");
        assert_eq!(serde_json::from_str::<ConnMode>("\"cdh\"").unwrap(), Cdh);
    }

    // --- every type: valid, missing, unknown, bad formats --------------------------------

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
                    if is_secret_key(ks.key) {
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

    // --- mode inference --------------------------------------------------------------

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
        let e = err("hive", None, &[("instanceId", "i")]);
        assert!(e.message.contains("has no `instance` mode"), "{e:?}");
        assert!(e.hint.unwrap().contains("--mode url or --mode cdh"));
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

    // --- keys ------------------------------------------------------------------------

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

    // --- values ----------------------------------------------------------------------

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
        assert_eq!(v.properties["regionId"], "cn-hangzhou");
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
        let huge = "x".repeat(MAX_VALUE_CHARS + 1);
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
        assert!(hosts.len() <= MAX_VALUE_CHARS);
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
        let huge_secret = format!("{SECRET}{}", "x".repeat(MAX_VALUE_CHARS));
        for (key, mode, pairs) in valid_sets() {
            let secrets: Vec<&str> = pairs
                .iter()
                .map(|(k, _)| *k)
                .filter(|k| is_secret_key(k))
                .collect();
            let with_secret: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| {
                    if is_secret_key(k) {
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

    // --- secrets and redaction -------------------------------------------------------

    #[test]
    fn secret_keys_are_recognised_by_suffix() {
        for k in [
            "password",
            "Password",
            "accessKeySecret",
            "truststorePassword",
            "extra.db.password",
            "apiToken",
            "SECRET",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "username",
            "accessKeyId",
            "passwordHint",
            "tokens",
            "secretName",
            "",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn redact_masks_every_secret_and_nothing_else() {
        let p = props(&[
            ("address", "db:3306"),
            ("password", "hunter2"),
            ("accessKeySecret", ""),
            ("extra.db.password", "x"),
            ("username", "etl"),
        ]);
        let r = redact(&p);
        assert_eq!(r["address"], "db:3306");
        assert_eq!(r["username"], "etl");
        assert_eq!(r["password"], REDACTED);
        assert_eq!(r["accessKeySecret"], REDACTED);
        assert_eq!(r["extra.db.password"], REDACTED);
        assert_eq!(r.len(), p.len());
        assert_eq!(REDACTED, "********");
    }

    // --- the catalog view ------------------------------------------------------------

    #[test]
    fn catalog_view_describes_every_type() {
        let view = catalog_view();
        assert_eq!(view.len(), all().len());
        assert_eq!(view[0].type_key, "maxcompute");
        assert_eq!(view.last().unwrap().type_key, "elasticsearch");
        for tv in &view {
            for m in &tv.modes {
                assert!(m.optional.contains(&"regionId"), "{}", tv.type_key);
            }
        }
        let oss = view.iter().find(|t| t.type_key == "oss").unwrap();
        assert_eq!(oss.secret_keys, ["accessKeySecret"]);
        let kafka = view.iter().find(|t| t.type_key == "kafka").unwrap();
        assert_eq!(kafka.secret_keys, ["password"]);
        let flink = view.iter().find(|t| t.type_key == "flink").unwrap();
        assert!(flink.secret_keys.is_empty());
        let oracle = view.iter().find(|t| t.type_key == "oracle").unwrap();
        assert_eq!(oracle.modes[0].rules, [RULE_ORACLE]);

        let json = serde_json::to_value(&view).unwrap();
        let mc = &json[0];
        assert_eq!(mc["type"], "maxcompute");
        assert_eq!(mc["compute"], true);
        assert_eq!(mc["usual_port"], serde_json::Value::Null);
        assert_eq!(mc["modes"][0]["mode"], "url");
        assert_eq!(mc["modes"][0]["required"], serde_json::json!(["project"]));
        assert_eq!(mc["modes"][0]["defaults"]["endpointMode"], "SelfAdaption");
        assert_eq!(
            mc["modes"][0]["values"]["endpointMode"],
            serde_json::json!(["SelfAdaption", "Custom"])
        );
        assert_eq!(
            mc["modes"][0]["rules"],
            serde_json::json!([RULE_MAXCOMPUTE])
        );
        let mysql = json
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "mysql")
            .unwrap();
        assert_eq!(mysql["usual_port"], 3306);
        assert_eq!(mysql["modes"][1]["mode"], "url");
        assert_eq!(
            mysql["modes"][1]["required"],
            serde_json::json!(["address", "database", "username", "password"])
        );
        assert_eq!(
            mysql["modes"][1]["optional"],
            serde_json::json!(["securityProtocol", "driverVersion", "regionId"])
        );
    }

    #[test]
    fn allowed_keys_lists_mode_keys_then_common_ones() {
        assert_eq!(
            allowed_keys(spec("redis"), Url),
            ["address", "password", "database", "regionId"]
        );
        assert!(allowed_keys(spec("redis"), Instance).is_empty());
    }

    // --- --prop arguments ------------------------------------------------------------

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
        let long = format!("{}=x", "k".repeat(MAX_KEY_CHARS + 1));
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

    // --- location --------------------------------------------------------------------

    #[test]
    fn location_names_the_place_and_compares_equal_places_equal() {
        let loc =
            |t: &str, m: ConnMode, pairs: &[(&str, &str)]| location(spec(t), m, &props(pairs));
        assert_eq!(
            loc(
                "mysql",
                Url,
                &[
                    ("address", "DB.example.com:3306"),
                    ("database", "Sales"),
                    ("password", "x")
                ]
            )
            .as_deref(),
            Some("address db.example.com:3306, database Sales")
        );
        assert_eq!(
            loc(
                "mysql",
                Url,
                &[("address", "db.example.com"), ("database", "Sales")]
            ),
            loc(
                "mysql",
                Url,
                &[("address", "db.example.com:3306"), ("database", "Sales")]
            ),
        );
        assert_ne!(
            loc("mysql", Url, &[("address", "db:3306"), ("database", "a")]),
            loc("mysql", Url, &[("address", "db:3306"), ("database", "b")]),
        );
        assert_eq!(
            loc("kafka", Url, &[("address", "b2:9092,b1:9092")]),
            loc("kafka", Url, &[("address", "b1,B2")]),
        );
        assert_eq!(
            loc(
                "mysql",
                Instance,
                &[("instanceId", "RM-1"), ("database", "d")]
            )
            .as_deref(),
            Some("instanceId rm-1, database d")
        );
        assert_eq!(
            loc("emr", Instance, &[("clusterId", "C-1")]).as_deref(),
            Some("clusterId c-1")
        );
        assert_eq!(
            loc(
                "flink",
                Instance,
                &[("workspaceId", "w"), ("namespace", "n")]
            )
            .as_deref(),
            Some("workspaceId w, namespace n")
        );
        assert_eq!(
            loc(
                "hive",
                Cdh,
                &[("clusterIdentifier", "C"), ("database", "d")]
            )
            .as_deref(),
            Some("clusterIdentifier c, database d")
        );
        assert_eq!(
            loc(
                "maxcompute",
                Url,
                &[
                    ("project", "p"),
                    ("endpointMode", "SelfAdaption"),
                    ("endpoint", "http://x")
                ]
            )
            .as_deref(),
            Some("project p")
        );
        assert_eq!(
            loc(
                "maxcompute",
                Url,
                &[
                    ("project", "p"),
                    ("endpointMode", "Custom"),
                    ("endpoint", "HTTP://MC/api/")
                ]
            )
            .as_deref(),
            Some("endpoint http://mc/api, project p")
        );
        assert_eq!(
            loc(
                "oss",
                Url,
                &[("endpoint", "oss.example.com"), ("bucket", "b")]
            )
            .as_deref(),
            Some("endpoint oss.example.com, bucket b")
        );
        assert_eq!(loc("redis", Url, &[]), None);
    }
}
