//! End-to-end tests of the real binary. One integration binary; one module per area.

mod harness;

mod audit;
mod catalog;
mod invalid;
mod members;
mod output;
mod permissions;
mod prompts;
mod settings;
mod smoke;
mod users;
mod workspace;
