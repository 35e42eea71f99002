//! Compute resources and data sources as stored: one connection model ([`Connection`])
//! with what makes one a compute resource ([`AsCompute`]) or a data source ([`AsSource`],
//! whose [`Origin`] says whether a compute resource brought it), and the state of a
//! connectivity test.

use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

use super::clock::Timestamp;
use super::error::{Error, Result};
use super::text::excerpt;
use super::types::{ConnMode, Properties};
use super::{Env, ObjectName, PrincipalName, WorkspaceName};

/// The outcome of a test, as stored on the data source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeState {
    Connectable,
    Unreachable,
    ConfigError,
    Unsupported,
}

impl ProbeState {
    pub const ALL: [ProbeState; 4] = [
        ProbeState::Connectable,
        ProbeState::Unreachable,
        ProbeState::ConfigError,
        ProbeState::Unsupported,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProbeState::Connectable => "connectable",
            ProbeState::Unreachable => "unreachable",
            ProbeState::ConfigError => "config_error",
            ProbeState::Unsupported => "unsupported",
        }
    }

    /// Case-insensitive, for reading the stored state back.
    pub fn parse(text: &str) -> Result<ProbeState> {
        ProbeState::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| {
                Error::invalid(format!("unknown connectivity state `{}`", excerpt(text)))
                    .with_hint("states: connectable, unreachable, config_error, unsupported")
            })
    }

    /// `unreachable` and `config_error` are negative answers: `datasource test` exits 9.
    pub fn is_negative(self) -> bool {
        matches!(self, ProbeState::Unreachable | ProbeState::ConfigError)
    }
}

impl fmt::Display for ProbeState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The last connectivity test of a data source.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LastTest {
    pub state: ProbeState,
    pub at: Timestamp,
    pub latency_ms: Option<u64>,
    pub message: String,
}

/// A connection of a workspace: a compute resource or a data source, by its kind `K`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Connection<K> {
    /// Its id (the API's `Id`): assigned in increasing order, never reused (0 before it is
    /// stored, unless an import keeps a tenant's id).
    #[serde(rename = "id")]
    pub pk: i64,
    pub workspace: WorkspaceName,
    pub name: String,
    pub env: Env,
    #[serde(rename = "type")]
    pub type_key: String,
    pub mode: ConnMode,
    /// Redacted, or `None` for actors who may not read connection properties.
    pub properties: Option<Properties>,
    pub description: String,
    /// What makes it a compute resource or a data source.
    #[serde(flatten)]
    pub kind: K,
    pub created_at: Timestamp,
    pub created_by: String,
    pub updated_at: Timestamp,
    pub updated_by: String,
}

/// What makes a connection a compute resource.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AsCompute {
    /// The default of its type in its environment.
    pub is_default: bool,
}

/// What makes a connection a data source.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AsSource {
    pub origin: Origin,
    pub last_test: Option<LastTest>,
    /// The workspace it is shared from, when it is listed in another one (read-only
    /// there); `None` in its own workspace.
    pub shared_from: Option<WorkspaceName>,
}

/// A rule sharing one data source (one environment's) of a workspace into another
/// workspace, optionally to one member of it (the API's DataSourceSharedRule).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Share {
    pub id: i64,
    /// The data source's own workspace.
    pub workspace: WorkspaceName,
    pub datasource: String,
    pub env: Env,
    /// The workspace it is shared into.
    pub to: WorkspaceName,
    /// The one member of `to` it is shared with (`None`: every member).
    pub user: Option<PrincipalName>,
    pub created_at: Timestamp,
    pub created_by: String,
    #[serde(skip)]
    pub datasource_pk: i64,
    #[serde(skip)]
    pub source_id: i64,
    #[serde(skip)]
    pub target_id: i64,
    #[serde(skip)]
    pub user_pk: Option<i64>,
}

pub type Compute = Connection<AsCompute>;
pub type DataSource = Connection<AsSource>;

/// Where a data source came from: added on its own, or brought by the compute resource of
/// its name (stored as `manual` / `compute:NAME`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Manual,
    Compute(String),
}

impl Origin {
    const COMPUTE_PREFIX: &'static str = "compute:";

    /// The stored form, as dwctl writes it; anything else is `None`.
    pub fn from_stored(s: &str) -> Option<Origin> {
        if s == "manual" {
            return Some(Origin::Manual);
        }
        let name = s.strip_prefix(Self::COMPUTE_PREFIX)?;
        ObjectName::parse(name, "compute resource").ok()?;
        Some(Origin::Compute(name.to_string()))
    }

    /// The compute resource that brought it.
    pub fn compute(&self) -> Option<&str> {
        match self {
            Origin::Manual => None,
            Origin::Compute(name) => Some(name),
        }
    }

    /// Whether the compute resource `name` brought it (names compare case-insensitively).
    pub fn brought_by(&self, name: &str) -> bool {
        self.compute().is_some_and(|c| c.eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Manual => f.write_str("manual"),
            Origin::Compute(name) => write!(f, "{}{name}", Self::COMPUTE_PREFIX),
        }
    }
}

impl Serialize for Origin {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_reads_what_it_writes_and_nothing_else() {
        for stored in ["manual", "compute:mc_fin"] {
            let o = Origin::from_stored(stored).expect(stored);
            assert_eq!(o.to_string(), stored);
            assert_eq!(serde_json::to_value(&o).unwrap(), stored);
        }
        for bad in ["Manual", "compute:", "compute:9x", "COMPUTE:mc", "auto", ""] {
            assert_eq!(Origin::from_stored(bad), None, "{bad}");
        }
        let o = Origin::Compute("MC_fin".into());
        assert!(o.brought_by("mc_FIN"));
        assert!(!o.brought_by("mc"));
        assert!(!Origin::Manual.brought_by("mc_fin"));
        assert_eq!(o.compute(), Some("MC_fin"));
    }
}
