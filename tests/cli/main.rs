//! End-to-end tests of the real binary. One integration binary; one module per area.

mod harness;

mod access;
mod audit;
mod backup;
mod bench;
mod catalog;
mod check;
mod compute;
mod connectivity;
mod copy;
mod datasource;
mod help;
mod import;
mod invalid;
mod manifest;
mod member_access;
mod members;
mod output;
mod permissions;
mod pg_tls;
mod pipes;
mod prompts;
mod resource_groups;
mod roles;
mod secrets;
mod serve;
mod settings;
mod shares;
mod shell;
mod smoke;
mod terminal;
mod upgrade;
mod users;
mod whole_outputs;
mod words;
mod workspace;

mod reliability;
