//! The connection-type registry (types.md), defined once: every data-source and compute
//! type, the modes it supports and, per mode, the property keys it requires or allows.
//!
//! Static entity data that every layer reads: the domain checks properties against it
//! (`domain::types::validate`), the output lists it (`datasource types`), completion and
//! the value parsers offer and resolve its names. It imports nothing of dwctl but other
//! model files, so that none of them depends on another to read it.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::{Error, Result};
use super::text::excerpt;

/// Property values are always strings, as in the DataWorks API; a sorted map keeps output
/// and exports stable.
pub type Properties = BTreeMap<String, String>;

/// What a secret value is shown as, everywhere.
pub const REDACTED: &str = "********";

/// Prefix of free-form driver options, which pass through unchecked (types.md).
pub const EXTRA_PREFIX: &str = "extra.";

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

    /// The mode named `text`, case-insensitively, like every other enum the CLI accepts.
    pub fn from_name(text: &str) -> Option<ConnMode> {
        ConnMode::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(text))
    }

    /// [`ConnMode::from_name`], or exit 2 listing the modes.
    pub fn parse(text: &str) -> Result<ConnMode> {
        ConnMode::from_name(text).ok_or_else(|| {
            Error::invalid(format!("unknown connection mode `{}`", excerpt(text)))
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
/// `domain::types::validate`.
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
    /// One or more [`ValueFormat::AddressWithPort`], comma-separated (StarRocks/Doris
    /// `loadAddress`, a list in the API).
    AddressWithPortList,
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
    /// Filled in by `domain::types::validate` when the key is absent.
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
    /// The keys the API's data-source page for this type names as secrets (its
    /// `password`, `accessKey`, keystore passwords ...), whether or not dwctl allows them
    /// yet. With the suffix rule they decide [`TypeSpec::is_secret`].
    pub secrets: &'static [&'static str],
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
pub const COMMON_KEYS: &[KeySpec] = &[opt("regionId", F::RegionId)];

const INSTANCE_ID: KeySpec = req("instanceId", F::Id);
const CLUSTER_ID: KeySpec = req("clusterId", F::Id);
const WORKSPACE_ID: KeySpec = req("workspaceId", F::Id);
const CLUSTER_IDENTIFIER: KeySpec = req("clusterIdentifier", F::Text);
const ADDRESS: KeySpec = req("address", F::Address);
const LOAD_ADDRESS: KeySpec = opt("loadAddress", F::AddressWithPortList);
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
/// postgresql's page spells the two values with a capital A.
const PG_SECURITY_PROTOCOL: KeySpec = opt(
    "securityProtocol",
    F::Enum(&["AuthTypeNone", "AuthTypeSsl"]),
);
const TRUSTSTORE_FILE: KeySpec = opt("truststoreFile", F::Text);
const TRUSTSTORE_PASSWORD: KeySpec = opt("truststorePassword", F::Text);
const KEYSTORE_FILE: KeySpec = opt("keystoreFile", F::Text);
const KEYSTORE_PASSWORD: KeySpec = opt("keystorePassword", F::Text);
const READ_ONLY_INSTANCE: KeySpec = opt("readOnlyDBInstance", F::Id);
const CROSS_OWNER: KeySpec = opt("crossAccountOwnerId", F::Text);
const CROSS_ROLE: KeySpec = opt("crossAccountRoleName", F::Text);
const AUTH_IDENTITY: KeySpec = opt("authIdentity", F::Text);
/// The identities of the pages that reach a cloud instance on the workspace's behalf
/// (mysql binlogs in OSS, hive on EMR).
const ACCOUNT_AUTH_TYPE: KeySpec = opt(
    "authType",
    F::Enum(&["Executor", "PrimaryAccount", "SubAccount", "RamRole"]),
);
/// OSS and OSS-HDFS: an AccessKey pair (`Ak`, dwctl's default: the keys it always asked
/// for) or a RAM role.
const OSS_KEYS: &[KeySpec] = &[
    req("endpoint", F::Endpoint),
    req("bucket", F::Text),
    dflt("authType", F::Enum(&["Ak", "RamRole"]), "Ak"),
    AUTH_IDENTITY,
    opt("accessId", F::Text),
    opt("accessKey", F::Text),
];

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

/// hive's page: SSL or Kerberos, in every mode.
const HIVE_SECURITY_PROTOCOL: KeySpec = opt(
    "securityProtocol",
    F::Enum(&["authTypeNone", "authTypeSsl", "authTypeKerberos"]),
);

const HOLO_WAREHOUSE: KeySpec = opt("warehouseName", F::Text);
/// The page lists `require` only; free text, since it names the SSL check asked for.
const HOLO_SSL_MODE: KeySpec = opt("sslMode", F::Text);

/// instance: `instanceId`, `database`, `username`, `password` (adb, mysql family).
const DB_INSTANCE: &[KeySpec] = &[INSTANCE_ID, DATABASE, USERNAME, PASSWORD];
/// analyticdb_for_mysql instance mode: [`DB_INSTANCE`] and its page's cross-account keys.
const ADB_MYSQL_INSTANCE: &[KeySpec] = &[
    INSTANCE_ID,
    DATABASE,
    USERNAME,
    PASSWORD,
    CROSS_OWNER,
    CROSS_ROLE,
];
/// url: `address`, `database`, `username`, `password`.
const DB_URL: &[KeySpec] = &[ADDRESS, DATABASE, USERNAME, PASSWORD];

/// mysql and postgresql: the password, and those of the truststore and keystore files of
/// their SSL settings (their API pages).
const DB_STORE_SECRETS: &[&str] = &["password", "truststorePassword", "keystorePassword"];

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
            opt("tunnelServer", F::Endpoint),
            dflt(
                "authType",
                F::Enum(&[
                    "Executor",
                    "TaskOwner",
                    "PrimaryAccount",
                    "SubAccount",
                    "RamRole",
                    "HadoopUser",
                    "Ak",
                ]),
                "Executor",
            ),
            AUTH_IDENTITY,
            opt("accessId", F::Text),
            opt("accessKey", F::Text),
            CROSS_OWNER,
            CROSS_ROLE,
        ])],
        usual_port: None,
        summary: "MaxCompute project (cloud data warehouse)",
        secrets: &["accessKey"],
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
                AUTH_IDENTITY,
                HOLO_WAREHOUSE,
                HOLO_SSL_MODE,
                CROSS_OWNER,
                CROSS_ROLE,
            ]),
            url(&[
                ADDRESS,
                DATABASE,
                USERNAME,
                PASSWORD,
                opt("authType", F::Text),
                SECURITY_PROTOCOL,
                AUTH_IDENTITY,
                HOLO_WAREHOUSE,
                HOLO_SSL_MODE,
            ]),
        ],
        usual_port: Some(80),
        summary: "Hologres real-time data warehouse",
        secrets: &["password"],
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
        secrets: &[],
    },
    TypeSpec {
        key: "emr",
        compute: true,
        modes: &[instance(&[CLUSTER_ID, opt("authType", F::Text)])],
        usual_port: None,
        summary: "E-MapReduce cluster",
        secrets: &[],
    },
    TypeSpec {
        key: "clickhouse",
        compute: true,
        modes: &[
            instance(&[INSTANCE_ID, USERNAME, PASSWORD]),
            url(&[
                ADDRESS,
                DATABASE,
                USERNAME,
                PASSWORD,
                SECURITY_PROTOCOL,
                opt("sslRootCertificateFile", F::Text),
            ]),
        ],
        usual_port: Some(8123),
        summary: "ClickHouse",
        secrets: &["password"],
    },
    TypeSpec {
        key: "analyticdb_for_postgresql",
        compute: true,
        modes: &[instance(DB_INSTANCE), url(DB_URL)],
        usual_port: Some(5432),
        summary: "AnalyticDB for PostgreSQL",
        secrets: &["password"],
    },
    TypeSpec {
        key: "analyticdb_for_mysql",
        compute: true,
        modes: &[instance(ADB_MYSQL_INSTANCE), url(DB_URL)],
        usual_port: Some(3306),
        summary: "AnalyticDB for MySQL",
        secrets: &["password"],
    },
    TypeSpec {
        key: "starrocks",
        compute: true,
        modes: &[
            instance(&[
                INSTANCE_ID,
                USERNAME,
                PASSWORD,
                opt("database", F::Text),
                opt("instanceType", F::Enum(&["emr-olap", "serverless"])),
                CROSS_OWNER,
                CROSS_ROLE,
            ]),
            url(&[ADDRESS, LOAD_ADDRESS, DATABASE, USERNAME, PASSWORD]),
        ],
        usual_port: Some(9030),
        summary: "StarRocks",
        secrets: &["password"],
    },
    TypeSpec {
        key: "flink",
        compute: true,
        modes: &[instance(&[WORKSPACE_ID, req("namespace", F::Text)])],
        usual_port: None,
        summary: "Realtime Compute for Apache Flink workspace",
        secrets: &[],
    },
    TypeSpec {
        key: "cdh",
        compute: true,
        modes: &[cdh(&[CLUSTER_IDENTIFIER, opt("version", F::Text)])],
        usual_port: None,
        summary: "CDH/CDP cluster registered in the workspace",
        secrets: &[],
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
                TRUSTSTORE_FILE,
                TRUSTSTORE_PASSWORD,
                KEYSTORE_FILE,
                KEYSTORE_PASSWORD,
                ACCOUNT_AUTH_TYPE,
                AUTH_IDENTITY,
                READ_ONLY_INSTANCE,
                CROSS_OWNER,
                CROSS_ROLE,
            ]),
            url(&[
                ADDRESS,
                DATABASE,
                USERNAME,
                PASSWORD,
                SECURITY_PROTOCOL,
                DRIVER_VERSION,
                TRUSTSTORE_FILE,
                TRUSTSTORE_PASSWORD,
                KEYSTORE_FILE,
                KEYSTORE_PASSWORD,
            ]),
        ],
        usual_port: Some(3306),
        summary: "MySQL (RDS or self-managed)",
        secrets: DB_STORE_SECRETS,
    },
    TypeSpec {
        key: "postgresql",
        compute: false,
        modes: &[
            instance(&[
                INSTANCE_ID,
                DATABASE,
                USERNAME,
                PASSWORD,
                PG_SECURITY_PROTOCOL,
                TRUSTSTORE_FILE,
                KEYSTORE_FILE,
                opt("keyFile", F::Text),
                opt("clientPassword", F::Text),
                READ_ONLY_INSTANCE,
                CROSS_OWNER,
                CROSS_ROLE,
            ]),
            url(&[
                ADDRESS,
                DATABASE,
                USERNAME,
                PASSWORD,
                PG_SECURITY_PROTOCOL,
                TRUSTSTORE_FILE,
                KEYSTORE_FILE,
                opt("keyFile", F::Text),
                opt("clientPassword", F::Text),
            ]),
        ],
        usual_port: Some(5432),
        summary: "PostgreSQL (RDS or self-managed)",
        secrets: &[
            "password",
            "clientPassword",
            "truststorePassword",
            "keystorePassword",
        ],
    },
    TypeSpec {
        key: "sqlserver",
        compute: false,
        modes: &[
            instance(&[
                INSTANCE_ID,
                DATABASE,
                USERNAME,
                PASSWORD,
                SECURITY_PROTOCOL,
                TRUSTSTORE_FILE,
                TRUSTSTORE_PASSWORD,
                READ_ONLY_INSTANCE,
                CROSS_OWNER,
                CROSS_ROLE,
            ]),
            url(&[
                ADDRESS,
                DATABASE,
                USERNAME,
                PASSWORD,
                SECURITY_PROTOCOL,
                TRUSTSTORE_FILE,
                TRUSTSTORE_PASSWORD,
            ]),
        ],
        usual_port: Some(1433),
        summary: "SQL Server (RDS or self-managed)",
        secrets: &["password", "truststorePassword"],
    },
    TypeSpec {
        key: "oracle",
        compute: false,
        modes: &[url(&[
            opt("jdbcUrl", F::Text),
            opt("address", F::Address),
            opt("serviceName", F::Text),
            opt("sid", F::Text),
            USERNAME,
            PASSWORD,
            SECURITY_PROTOCOL,
            TRUSTSTORE_FILE,
        ])],
        usual_port: Some(1521),
        summary: "Oracle Database",
        secrets: &["password"],
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
            SECURITY_PROTOCOL,
            TRUSTSTORE_FILE,
            TRUSTSTORE_PASSWORD,
            KEYSTORE_FILE,
            KEYSTORE_PASSWORD,
            // The page's example is the standby's address (`pc-...rwlb.rds.aliyuncs.com:3306`),
            // not an instance id as for mysql.
            opt("readOnlyDBInstance", F::Text),
            CROSS_OWNER,
            CROSS_ROLE,
        ])],
        usual_port: None,
        summary: "PolarDB cluster (MySQL or PostgreSQL edition)",
        secrets: DB_STORE_SECRETS,
    },
    TypeSpec {
        key: "hive",
        compute: false,
        modes: &[
            url(&[
                ADDRESS,
                DATABASE,
                req("metastoreUris", F::ThriftUris),
                // The Terraform provider's example writes `HiveMetastore`; no page read
                // lists the values, so any text.
                opt("metaType", F::Text),
                opt("version", F::Text),
                dflt(
                    "loginMode",
                    F::Enum(&["Anonymous", "LDAP", "Kerberos"]),
                    "Anonymous",
                ),
                OPT_USERNAME,
                OPT_PASSWORD,
                HIVE_SECURITY_PROTOCOL,
            ]),
            // The Terraform provider's CdhMode example adds `loginMode` and
            // `securityProtocol`; no documented default, so none is filled (a default
            // would also change the cdh rows stored before).
            cdh(&[
                CLUSTER_IDENTIFIER,
                DATABASE,
                opt("loginMode", F::Enum(&["Anonymous", "LDAP", "Kerberos"])),
                HIVE_SECURITY_PROTOCOL,
            ]),
            instance(&[
                CLUSTER_ID,
                DATABASE,
                opt("version", F::Text),
                ACCOUNT_AUTH_TYPE,
                AUTH_IDENTITY,
                dflt(
                    "loginMode",
                    F::Enum(&["Anonymous", "LDAP", "Kerberos"]),
                    "Anonymous",
                ),
                OPT_USERNAME,
                OPT_PASSWORD,
                HIVE_SECURITY_PROTOCOL,
                TRUSTSTORE_FILE,
                TRUSTSTORE_PASSWORD,
                KEYSTORE_FILE,
                KEYSTORE_PASSWORD,
                opt("kerberosFileConf", F::Text),
                opt("kerberosFileKeytab", F::Text),
                opt("principal", F::Text),
                CROSS_OWNER,
                CROSS_ROLE,
            ]),
        ],
        usual_port: Some(10000),
        summary: "Hive (HiveServer2 and metastore, or an EMR cluster)",
        secrets: &["password", "truststorePassword", "keystorePassword"],
    },
    TypeSpec {
        key: "doris",
        compute: false,
        modes: &[url(&[ADDRESS, LOAD_ADDRESS, DATABASE, USERNAME, PASSWORD])],
        usual_port: Some(9030),
        summary: "Apache Doris",
        secrets: &["password"],
    },
    TypeSpec {
        key: "oss",
        compute: false,
        modes: &[url(OSS_KEYS)],
        usual_port: None,
        summary: "OSS bucket (object storage)",
        secrets: &["accessKey", "accessKeySecret"],
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
        secrets: &["password"],
    },
    TypeSpec {
        key: "mongodb",
        compute: false,
        modes: &[url(DB_URL)],
        usual_port: Some(27017),
        summary: "MongoDB",
        secrets: &["password"],
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
        secrets: &["password"],
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
        secrets: &["password"],
    },
    TypeSpec {
        key: "oss_hdfs",
        compute: false,
        modes: &[url(OSS_KEYS)],
        usual_port: None,
        summary: "OSS-HDFS (JindoFS) bucket",
        secrets: &["accessKey"],
    },
    TypeSpec {
        key: "dm",
        compute: false,
        modes: &[url(&[ADDRESS, USERNAME, PASSWORD])],
        usual_port: Some(5236),
        summary: "DM (Dameng) database",
        secrets: &["password"],
    },
    TypeSpec {
        key: "db2",
        compute: false,
        modes: &[url(&[
            ADDRESS,
            DATABASE,
            req("jdbcDriver", F::Enum(&["db2_1", "as400_1", "db2_2"])),
            USERNAME,
            PASSWORD,
        ])],
        usual_port: Some(50000),
        summary: "IBM Db2",
        secrets: &["password"],
    },
    TypeSpec {
        key: "milvus",
        compute: false,
        modes: &[
            instance(&[INSTANCE_ID, opt("database", F::Text), USERNAME, PASSWORD]),
            url(&[
                req("endpoint", F::HttpUrl),
                opt("database", F::Text),
                USERNAME,
                PASSWORD,
                opt("authType", F::Text),
            ]),
        ],
        usual_port: None,
        summary: "Milvus vector database",
        secrets: &["password"],
    },
];

/// Older names dwctl still accepts for a key, per type: `(type, alias, key)`. Validation
/// stores the key; rows stored under the alias stay readable (and are renamed when next
/// updated).
pub const ALIASES: &[(&str, &str, &str)] = &[
    ("oss", "accessKeyId", "accessId"),
    ("oss", "accessKeySecret", "accessKey"),
];

/// The key `alias` stands for in `spec`, if it is one of [`ALIASES`].
pub fn alias_target(spec: &TypeSpec, alias: &str) -> Option<&'static str> {
    ALIASES
        .iter()
        .find(|(t, a, _)| *t == spec.key && *a == alias)
        .map(|(_, _, k)| *k)
}

/// The key of the registry (of any type's modes, the common keys, or an older name of
/// [`ALIASES`]) that `key` spells without regard to case (`InstanceId` is `instanceId`).
/// No two of them differ only in case, so the answer does not depend on the type.
pub fn registry_key(key: &str) -> Option<&'static str> {
    TYPES
        .iter()
        .flat_map(|t| t.modes.iter().flat_map(|m| m.keys.iter()))
        .chain(COMMON_KEYS)
        .map(|k| k.key)
        .chain(ALIASES.iter().map(|(_, alias, _)| *alias))
        .find(|k| k.eq_ignore_ascii_case(key))
}

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
        Error::invalid(format!("unknown data source type `{}`", excerpt(key))).with_hint(format!(
            "types: {} (`dwctl datasource types` describes them)",
            join_keys(all().iter())
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
                None => format!("unknown compute resource type `{}`", excerpt(key)),
            };
            Err(Error::invalid(message).with_hint(format!(
                "compute types: {}",
                join_keys(all().iter().filter(|t| t.compute))
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

/// The spec of `key` in `mode` (its own keys, then the common ones).
pub fn key_spec(mode: &ModeSpec, key: &str) -> Option<&'static KeySpec> {
    mode.keys.iter().chain(COMMON_KEYS).find(|k| k.key == key)
}

// ---------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------

/// The suffix rule (types.md): a key whose name ends, case-insensitively, in one of these
/// holds a secret, whatever its type.
pub const SECRET_SUFFIXES: [&str; 3] = ["password", "secret", "token"];

fn ends_with_ci(key: &str, suffix: &str) -> bool {
    key.len() >= suffix.len()
        && key.is_char_boundary(key.len() - suffix.len())
        && key[key.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// The suffix rule, with every type's secret names as further suffixes
/// (`extra.accessKey`, `extra.oss.accessKey`).
fn secret_by_any_type(key: &str) -> bool {
    SECRET_SUFFIXES
        .iter()
        .chain(TYPES.iter().flat_map(|t| t.secrets))
        .any(|s| ends_with_ci(key, s))
}

impl TypeSpec {
    /// Whether `key` holds a secret in this type: it is on the type's list (compared
    /// case-insensitively) or ends in a secret suffix; an `extra.*` key, which any type
    /// may carry, is a secret when it ends in any type's secret name (the union of the
    /// lists), so `extra.accessKey` is a secret everywhere.
    ///
    /// A key the type does not know at all (kept from `--props`, a manifest or an import)
    /// is a secret too: dwctl cannot tell what it holds.
    pub fn is_secret(&self, key: &str) -> bool {
        if key.starts_with(EXTRA_PREFIX) {
            return secret_by_any_type(key);
        }
        SECRET_SUFFIXES.iter().any(|s| ends_with_ci(key, s))
            || self.secrets.iter().any(|s| s.eq_ignore_ascii_case(key))
            || !self.knows(key)
    }

    /// Whether `key` is one of this type's keys in any of its modes, a common key, an
    /// alias of one ([`ALIASES`]) or a driver option (`extra.*`).
    pub fn knows(&self, key: &str) -> bool {
        key.starts_with(EXTRA_PREFIX)
            || alias_target(self, key).is_some()
            || self
                .modes
                .iter()
                .flat_map(|m| m.keys.iter())
                .chain(COMMON_KEYS)
                .any(|k| k.key == key)
    }
}

/// The suffix rule and every type's secret names, for where no type is known: a value's
/// prompt before the object it is for has been read, or a type the registry does not
/// know (none is stored). Wherever the type is known, [`TypeSpec::is_secret`] decides
/// (it also counts the keys the type does not know), through [`is_secret_in`] by name.
pub fn is_secret_key(key: &str) -> bool {
    secret_by_any_type(key)
}

/// Whether `key` holds a secret of `spec` ([`TypeSpec::is_secret`]), or, with no type
/// known, [`is_secret_key`].
pub fn is_secret_of(spec: Option<&TypeSpec>, key: &str) -> bool {
    spec.map_or_else(|| is_secret_key(key), |t| t.is_secret(key))
}

/// Whether `key` holds a secret in the type named `type_key` ([`TypeSpec::is_secret`]);
/// a type the registry does not know (none is stored) gets [`is_secret_key`].
pub fn is_secret_in(type_key: &str, key: &str) -> bool {
    is_secret_of(lookup(type_key), key)
}

/// A copy of `props` (of the type named `type_key`) with every secret value replaced by
/// [`REDACTED`]. This is the only place redaction happens: outputs, audit details and
/// exports all go through it.
pub fn redact(type_key: &str, props: &Properties) -> Properties {
    props
        .iter()
        .map(|(k, v)| {
            let v = if is_secret_in(type_key, k) {
                REDACTED.to_string()
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect()
}

/// Refuses (exit 2) a secret of `spec` ([`TypeSpec::is_secret`]: a key the type does not
/// know is one) given as [`REDACTED`]: the mask is what dwctl prints in place of a secret,
/// and storing it as the password is never what anyone meant (it comes from copying an
/// output back). Names the key, never a value. Every way properties come in goes through
/// it: `--prop`, `--props`, manifests (and so `import`), `serve`; a non-secret value that
/// happens to be the mask is kept.
pub fn refuse_masks<'a>(
    spec: &TypeSpec,
    given: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> Result<()> {
    match given
        .into_iter()
        .find(|(k, v)| *v == REDACTED && spec.is_secret(k))
    {
        Some((key, _)) => Err(Error::invalid(format!(
            "`{}` is a secret given as the mask {REDACTED}, which dwctl prints in place of secrets",
            excerpt(key)
        ))
        .with_hint("give the secret itself (from stdin, a file or an environment variable)")),
        None => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------
// Rules the per-key table cannot express
// ---------------------------------------------------------------------------------------

/// Keys whose presence shows the mode when `--mode` is omitted (types.md).
pub const MODE_HINTS: &[(&str, ConnMode)] = &[
    ("address", ConnMode::Url),
    ("endpoint", ConnMode::Url),
    ("instanceId", ConnMode::Instance),
    ("clusterId", ConnMode::Instance),
    ("workspaceId", ConnMode::Instance),
    ("clusterIdentifier", ConnMode::Cdh),
];

pub const RULE_ORACLE: &str =
    "exactly one of serviceName or sid is required with address; or jdbcUrl alone";
pub const RULE_MAXCOMPUTE: &str = "endpoint is required when endpointMode is Custom";
pub const RULE_AK: &str = "accessId and accessKey are required when authType is Ak";
pub const RULE_RAM_ROLE: &str = "authIdentity is required when authType is RamRole";

/// Rules that a per-key table cannot express, as shown by `datasource types`; they are
/// enforced by `domain::types::validate`.
pub fn mode_rules(type_key: &str, mode: ConnMode) -> &'static [&'static str] {
    match (type_key, mode) {
        ("oracle", ConnMode::Url) => &[RULE_ORACLE],
        ("maxcompute", ConnMode::Url) => &[RULE_MAXCOMPUTE, RULE_AK],
        ("oss" | "oss_hdfs", ConnMode::Url) => &[RULE_AK, RULE_RAM_ROLE],
        _ => &[],
    }
}

/// Keys that name the container inside the place (database, project, bucket, namespace).
pub const CONTAINER_KEYS: &[&str] = &["database", "project", "bucket", "namespace"];

/// Shorthands for tests over the registry.
#[cfg(test)]
pub(crate) mod test_support {
    use super::{lookup, Properties, TypeSpec};

    /// The type named `key`, which a test knows exists.
    pub fn spec(key: &str) -> &'static TypeSpec {
        lookup(key).expect("known type")
    }

    pub fn props(pairs: &[(&str, &str)]) -> Properties {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConnMode::{Cdh, Instance, Url};

    use super::test_support::{props, spec};
    use crate::model::error::Kind;

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
                    "endpointMode endpoint tunnelServer authType authIdentity accessId accessKey crossAccountOwnerId crossAccountRoleName",
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
                        "authType securityProtocol authIdentity warehouseName sslMode crossAccountOwnerId crossAccountRoleName",
                    ),
                    (
                        "url",
                        "address database username password",
                        "authType securityProtocol authIdentity warehouseName sslMode",
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
                    (
                        "url",
                        "address database username password",
                        "securityProtocol sslRootCertificateFile",
                    ),
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
                    (
                        "instance",
                        "instanceId database username password",
                        "crossAccountOwnerId crossAccountRoleName",
                    ),
                    ("url", "address database username password", ""),
                ],
            ),
            (
                "starrocks",
                true,
                Some(9030),
                &[
                    (
                        "instance",
                        "instanceId username password",
                        "database instanceType crossAccountOwnerId crossAccountRoleName",
                    ),
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
                        "securityProtocol driverVersion truststoreFile truststorePassword keystoreFile keystorePassword authType authIdentity readOnlyDBInstance crossAccountOwnerId crossAccountRoleName",
                    ),
                    (
                        "url",
                        "address database username password",
                        "securityProtocol driverVersion truststoreFile truststorePassword keystoreFile keystorePassword",
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
                        "securityProtocol truststoreFile keystoreFile keyFile clientPassword readOnlyDBInstance crossAccountOwnerId crossAccountRoleName",
                    ),
                    (
                        "url",
                        "address database username password",
                        "securityProtocol truststoreFile keystoreFile keyFile clientPassword",
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
                        "securityProtocol truststoreFile truststorePassword readOnlyDBInstance crossAccountOwnerId crossAccountRoleName",
                    ),
                    (
                        "url",
                        "address database username password",
                        "securityProtocol truststoreFile truststorePassword",
                    ),
                ],
            ),
            (
                "oracle",
                false,
                Some(1521),
                &[(
                    "url",
                    "username password",
                    "jdbcUrl address serviceName sid securityProtocol truststoreFile",
                )],
            ),
            (
                "polardb",
                false,
                None,
                &[(
                    "instance",
                    "clusterId database dbType username password",
                    "securityProtocol truststoreFile truststorePassword keystoreFile keystorePassword readOnlyDBInstance crossAccountOwnerId crossAccountRoleName",
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
                        "metaType version loginMode username password securityProtocol",
                    ),
                    (
                        "cdh",
                        "clusterIdentifier database",
                        "loginMode securityProtocol",
                    ),
                    (
                        "instance",
                        "clusterId database",
                        "version authType authIdentity loginMode username password securityProtocol truststoreFile truststorePassword keystoreFile keystorePassword kerberosFileConf kerberosFileKeytab principal crossAccountOwnerId crossAccountRoleName",
                    ),
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
                &[("url", "endpoint bucket", "authType authIdentity accessId accessKey")],
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
            (
                "oss_hdfs",
                false,
                None,
                &[("url", "endpoint bucket", "authType authIdentity accessId accessKey")],
            ),
            (
                "dm",
                false,
                Some(5236),
                &[("url", "address username password", "")],
            ),
            (
                "db2",
                false,
                Some(50000),
                &[("url", "address database jdbcDriver username password", "")],
            ),
            (
                "milvus",
                false,
                None,
                &[
                    ("instance", "instanceId username password", "database"),
                    ("url", "endpoint username password", "database authType"),
                ],
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
    fn conn_mode_is_named_in_any_case_prints_and_serializes() {
        assert_eq!(ConnMode::from_name("URL"), Some(Url));
        assert_eq!(ConnMode::from_name("Instance"), Some(Instance));
        assert_eq!(ConnMode::from_name("cdh").unwrap().to_string(), "cdh");
        assert_eq!(ConnMode::from_name("vpc"), None);
        assert_eq!(serde_json::to_string(&Instance).unwrap(), "\"instance\"");
        assert_eq!(serde_json::from_str::<ConnMode>("\"cdh\"").unwrap(), Cdh);
    }

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
        let r = redact("mysql", &p);
        assert_eq!(r["address"], "db:3306");
        assert_eq!(r["username"], "etl");
        assert_eq!(r["password"], REDACTED);
        assert_eq!(r["accessKeySecret"], REDACTED);
        assert_eq!(r["extra.db.password"], REDACTED);
        assert_eq!(r.len(), p.len());
        assert_eq!(REDACTED, "********");
    }

    #[test]
    fn each_type_has_the_apis_secrets_and_extra_keys_take_every_types() {
        assert!(spec("oss").is_secret("accessKey"));
        assert!(spec("oss").is_secret("ACCESSKEY"));
        assert!(spec("maxcompute").is_secret("accessKey"));
        assert!(spec("mysql").is_secret("keystorePassword"));
        assert!(!spec("oss").is_secret("accessKeyId"));
        assert!(!spec("oss").is_secret("accessId"));
        // Not a key of mysql's page: unknown to mysql, so a secret (dwctl cannot tell).
        assert!(spec("mysql").is_secret("accessKey"));
        assert!(!spec("mysql").is_secret("readOnlyDBInstance"));
        assert!(spec("postgresql").is_secret("clientPassword"));
        for t in all() {
            for s in t.secrets {
                assert!(t.is_secret(s), "{} {s}", t.key);
                assert!(is_secret_key(s), "{s}");
                assert!(t.is_secret(&format!("extra.{s}")), "{} {s}", t.key);
            }
            for k in [
                "extra.accessKey",
                "extra.oss.AccessKey",
                "extra.db.password",
            ] {
                assert!(t.is_secret(k), "{} {k}", t.key);
                assert!(is_secret_in(t.key, k), "{} {k}", t.key);
            }
            for k in ["extra.accessKeyId", "extra.connectTimeout"] {
                assert!(!t.is_secret(k), "{} {k}", t.key);
            }
            // Every key of the type is known; one that is not is a secret.
            for k in t.modes.iter().flat_map(|m| m.keys) {
                assert!(t.knows(k.key), "{} {}", t.key, k.key);
            }
            assert!(
                t.is_secret("noSuchKey") && !t.knows("noSuchKey"),
                "{}",
                t.key
            );
        }
        assert!(is_secret_key("accessKey") && is_secret_in("nosuchtype", "accessKey"));
    }

    #[test]
    fn redact_follows_the_type() {
        let p = props(&[
            ("accessKey", "k"),
            ("accessKeyId", "id"),
            ("extra.accessKey", "e"),
            ("bucket", "b"),
        ]);
        let r = redact("oss", &p);
        assert_eq!(r["accessKey"], REDACTED);
        assert_eq!(r["extra.accessKey"], REDACTED);
        assert_eq!(r["accessKeyId"], "id");
        assert_eq!(r["bucket"], "b");
    }

    #[test]
    fn registry_keys_differ_by_more_than_case_so_pascal_case_names_one() {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        let keys = all()
            .iter()
            .flat_map(|t| t.modes.iter().flat_map(|m| m.keys.iter()))
            .chain(COMMON_KEYS)
            .map(|k| k.key)
            .chain(ALIASES.iter().map(|(_, a, _)| *a));
        for k in keys {
            if let Some(other) = seen.insert(k.to_ascii_lowercase(), k) {
                assert_eq!(other, k, "{other} and {k} differ only in case");
            }
        }
        assert_eq!(registry_key("InstanceId"), Some("instanceId"));
        assert_eq!(registry_key("RegionId"), Some("regionId"));
        assert_eq!(registry_key("AccessKeySecret"), Some("accessKeySecret"));
        assert_eq!(registry_key("FooBar"), None);
    }

    #[test]
    fn a_secret_given_as_the_mask_is_exit_2_naming_the_key() {
        let refused = |t: &str, k: &str, v: &str| {
            let p = props(&[("address", "db:3306"), (k, v)]);
            refuse_masks(spec(t), &p)
        };
        let e = refused("mysql", "password", REDACTED).unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        assert!(e.message.contains("`password`"), "{e:?}");
        assert!(refused("mysql", "password", "********x").is_ok());
        assert!(refused("mysql", "username", REDACTED).is_ok());
        // The type decides: a key it does not know is a secret, so the mask is refused;
        // oss's accessKey is one, mysql's readOnlyDBInstance is not.
        assert!(refused("mysql", "fooBar", REDACTED).is_err());
        assert!(refused("oss", "accessKey", REDACTED).is_err());
        assert!(refused("mysql", "readOnlyDBInstance", REDACTED).is_ok());
        assert!(refused("mysql", "extra.label", REDACTED).is_ok());
    }

    #[test]
    fn allowed_keys_lists_mode_keys_then_common_ones() {
        assert_eq!(
            allowed_keys(spec("redis"), Url),
            ["address", "password", "database", "regionId"]
        );
        assert!(allowed_keys(spec("redis"), Instance).is_empty());
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
    fn conn_mode_parse_is_exit_2_listing_the_modes() {
        assert_eq!(ConnMode::parse("URL").unwrap(), Url);
        assert_eq!("Instance".parse::<ConnMode>().unwrap(), Instance);
        let e = ConnMode::parse("vpc\u{1b}").unwrap_err();
        assert_eq!(e.kind, Kind::Invalid);
        assert_eq!(e.message, "unknown connection mode `vpc\\u001b`");
        assert!(e.hint.unwrap().contains("instance, url, cdh"));
    }
}
