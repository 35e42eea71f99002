//! The domain: model types, the permission table and the rules. No clap, no terminal,
//! no environment reads; SQL stays in `crate::catalog`.

pub mod apply;
pub mod audit;
pub mod check;
pub mod clock;
pub mod error;
pub mod ids;
pub mod member;
pub mod model;
pub mod names;
pub mod policy;
pub mod principal;
pub mod probe;
pub mod resource_group;
pub mod resources;
pub mod roles;
pub mod session;
pub mod tenant;
pub mod types;
pub mod words;
pub mod workspace;

#[cfg(test)]
mod tests;
