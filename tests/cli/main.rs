//! End-to-end tests of the real binary. One integration binary; one module per area.

mod harness;

mod check;
mod help;
mod pipes;
mod shell;
mod smoke;
mod terminal;
