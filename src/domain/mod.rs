//! The domain: the permission table, the rules and the use cases, on the entities of
//! `crate::model`. No clap, no terminal, no environment reads. It reads and writes
//! through the storage interface it owns (`store`), never through a backend: SQL stays
//! in `crate::storage`.

pub mod access;
pub mod access_key;
pub mod actor;
pub mod admit;
pub mod apply;
pub mod audit;
pub mod chain;
pub mod check;
pub mod ids;
pub mod member;
pub mod names;
pub mod policy;
pub mod principal;
pub mod probe;
pub mod resource_group;
pub mod resources;
pub mod roles;
pub mod session;
pub mod share;
pub mod shared;
pub mod store;
pub mod tenant;
pub mod types;
pub mod upgrade;
pub mod workspace;
