//! Tests that run the domain on the real SQLite backend: they sit above both, so that
//! neither the domain nor a backend imports the other.

mod architecture;
mod domain;
mod plans;
