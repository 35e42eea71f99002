//! Reliability (quality.md R1-R5): concurrent writers, SIGKILL during `apply`, a corpus of
//! invalid invocations, hostile catalog files and secret leakage. Each test is sized to
//! run in a few seconds; the full-size variants are `#[ignore]`d and run by
//! `bench/stress.sh`.

mod concurrency;
mod corpus;
mod crash;
mod hostile;
mod paths;
mod postgres;
mod secrets;
mod stored;

use std::path::Path;

/// `PRAGMA integrity_check` on a catalog file, read through its own connection.
pub fn integrity(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).expect("open catalog");
    conn.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
        .expect("integrity_check")
}
