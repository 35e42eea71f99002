//! Compute resources and data sources as stored, and the state of a connectivity test.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::clock::Timestamp;
use super::error::{Error, Result};
use super::text::excerpt;
use super::types::{ConnMode, Properties};
use super::{Env, WorkspaceName};

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

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Compute {
    #[serde(skip)]
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
    pub is_default: bool,
    pub created_at: Timestamp,
    pub created_by: String,
    pub updated_at: Timestamp,
    pub updated_by: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DataSource {
    #[serde(skip)]
    pub pk: i64,
    pub workspace: WorkspaceName,
    pub name: String,
    pub env: Env,
    #[serde(rename = "type")]
    pub type_key: String,
    pub mode: ConnMode,
    pub properties: Option<Properties>,
    pub description: String,
    /// `manual`, or `compute:<name>` for the data source a compute resource brought.
    pub origin: String,
    pub last_test: Option<LastTest>,
    pub created_at: Timestamp,
    pub created_by: String,
    pub updated_at: Timestamp,
    pub updated_by: String,
}
