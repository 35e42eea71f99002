//! Tests of the whole crate: the module directions (`architecture`), and the domain run
//! on the real SQLite backend (`domain`, `plans`), which sit above both so that neither
//! the domain nor a backend imports the other.

mod architecture;
mod domain;
mod plans;
