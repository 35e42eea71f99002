//! The one place where errors become exit codes, JSON error codes and printed messages
//! (cli.md 4).

use crate::model::error::{Error, Kind};
use crate::output::Printer;

pub fn exit_code(kind: Kind) -> i32 {
    match kind {
        Kind::Internal => 1,
        Kind::Invalid => 2,
        Kind::NotFound => 3,
        Kind::Conflict => 4,
        Kind::Denied => 5,
        Kind::Refused => 6,
        Kind::Catalog => 7,
        Kind::Confirmation => 8,
        Kind::Negative => 9,
        Kind::Interrupted => 130,
    }
}

pub fn json_code(kind: Kind) -> &'static str {
    match kind {
        Kind::Internal => "internal",
        Kind::Invalid => "invalid_input",
        Kind::NotFound => "not_found",
        Kind::Conflict => "conflict",
        Kind::Denied => "permission_denied",
        Kind::Refused => "rule_violation",
        Kind::Catalog => "catalog_unavailable",
        Kind::Confirmation => "confirmation_required",
        Kind::Negative => "negative_result",
        Kind::Interrupted => "interrupted",
    }
}

/// A negative answer the command has already printed in full (`plan --exit-code` with
/// changes to apply): exit 9 with no error message, since nothing went wrong.
#[derive(Debug)]
pub struct Answered;

impl std::fmt::Display for Answered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the answer is negative")
    }
}

impl std::error::Error for Answered {}

/// What ending the command means: a code to exit with, and whether stdout's reader went
/// away (a broken pipe ends quietly with 0).
pub fn classify(err: &anyhow::Error) -> Option<Error> {
    if let Some(e) = err.downcast_ref::<Error>() {
        return Some(e.clone());
    }
    if let Some(io) = err.downcast_ref::<std::io::Error>() {
        if io.kind() == std::io::ErrorKind::BrokenPipe {
            return None;
        }
        return Some(Error::internal(format!("I/O error: {io}")));
    }
    if let Some(j) = err.downcast_ref::<serde_json::Error>() {
        if j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe) {
            return None;
        }
    }
    Some(Error::internal(format!("unexpected failure: {err:#}")))
}

/// Print the error (unless it is a broken pipe) and return the exit code.
pub fn report(err: anyhow::Error, printer: &Printer) -> i32 {
    if err.downcast_ref::<Answered>().is_some() {
        return exit_code(Kind::Negative);
    }
    match classify(&err) {
        None => 0,
        Some(e) => {
            let code = exit_code(e.kind);
            printer.error(&e, json_code(e.kind), code);
            code
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_documented_code() {
        let table = [
            (Kind::Internal, 1, "internal"),
            (Kind::Invalid, 2, "invalid_input"),
            (Kind::NotFound, 3, "not_found"),
            (Kind::Conflict, 4, "conflict"),
            (Kind::Denied, 5, "permission_denied"),
            (Kind::Refused, 6, "rule_violation"),
            (Kind::Catalog, 7, "catalog_unavailable"),
            (Kind::Confirmation, 8, "confirmation_required"),
            (Kind::Negative, 9, "negative_result"),
            (Kind::Interrupted, 130, "interrupted"),
        ];
        for (k, code, name) in table {
            assert_eq!(exit_code(k), code);
            assert_eq!(json_code(k), name);
        }
    }

    #[test]
    fn an_answered_negative_exits_9() {
        let printer = Printer::new(
            crate::output::Format::Table,
            crate::output::ColorChoice::Never,
            false,
        );
        assert_eq!(report(anyhow::Error::from(Answered), &printer), 9);
    }

    #[test]
    fn broken_pipe_is_quiet() {
        let e = anyhow::Error::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(classify(&e).is_none());
    }
}
