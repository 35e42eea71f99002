//! The rules on connection properties, over the registry of `model::types`: validation
//! (the one gate into the catalog), the network address rules it shares with the probe,
//! `--prop` arguments, and where a data source points (`check` DW006). The property key
//! and value newtypes, with their limits, are `model::property`.

pub mod location;
pub mod network;
pub mod prop_arg;
pub mod validate;
