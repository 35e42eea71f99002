//! Declarative manifests: the file format of `export`, `plan` and `apply` (cli.md section
//! 8). Planning and applying are the domain's (`crate::domain::apply`), which uses this
//! model; this module uses only the entities (and errors) every layer shares, never the
//! domain's use cases.
//!
//! By concern:
//! - [`model`]: the declarations and how each value is read (serde);
//! - [`parse`]: text to a [`Manifest`], with errors that name the source, line and column;
//! - [`position`]: where a value is in the text ([`locate`]), for the planner's errors;
//! - [`duplicates`]: the same object listed twice;
//! - [`write`]: deterministic TOML and JSON, whole or item by item ([`Writer`]);
//! - [`secrets`]: the environment variables `export` names for secrets.

mod duplicates;
mod example;
mod model;
mod parse;
mod pieces;
mod position;
mod secrets;
mod write;

#[cfg(test)]
mod tests;

pub use example::EXAMPLE;
pub use model::*;
pub use parse::{error_at, parse};
pub use position::{locate, Position};
pub use secrets::{secret_env_name, SECRET_ENV_PREFIX};
pub use write::{emit, to_json, to_toml, Writer};
