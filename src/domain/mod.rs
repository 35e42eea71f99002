//! The domain: model types, the permission table and the rules. No clap, no terminal,
//! no environment reads; SQL stays in `crate::catalog`.

pub mod apply;
pub mod audit;
pub mod chain;
pub mod check;
pub mod member;
pub mod names;
pub mod policy;
pub mod principal;
pub mod probe;
pub mod resource_group;
pub mod resources;
pub mod session;
pub mod store;
pub mod tenant;
pub mod types;
pub mod upgrade;
pub mod workspace;
