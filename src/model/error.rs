//! Typed errors of the domain. Every error carries its kind (which decides the exit code
//! in `crate::error`), a one-line message and an optional hint naming the flag or command
//! that would fix it. Where it happened (`<stdin>:3:1`, `+ workspace 'x'`, `--as`) is its
//! context, kept apart from the message and printed before it: a caller adds a place with
//! [`Error::within`] and never rewrites the message.

use std::fmt;

/// What went wrong, in the terms of the exit-code table (cli.md section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 2: usage or invalid input.
    Invalid,
    /// 3: a named object does not exist (or is not visible to the actor).
    NotFound,
    /// 4: already exists, or conflicts with what exists.
    Conflict,
    /// 5: the actor lacks a right (or is not a principal).
    Denied,
    /// 6: refused by a rule or a state.
    Refused,
    /// 7: the catalog cannot be used.
    Catalog,
    /// 8: a confirmation was needed and could not be had, or was declined.
    Confirmation,
    /// 9: the command ran and its answer is negative.
    Negative,
    /// 1: a bug or an I/O error.
    Internal,
    /// 130: interrupted (Ctrl-C at a prompt), the shell's convention for SIGINT.
    Interrupted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: Kind,
    /// What is wrong, without where (see `context`).
    pub message: String,
    /// Where it happened, outermost first, each printed before the message and followed
    /// by `: ` (`<stdin>:3:1: + workspace 'x': ` ...). [`fmt::Display`] gives the whole line.
    pub context: Vec<String>,
    pub hint: Option<String>,
    /// `caused by:` lines, outermost first.
    pub causes: Vec<String>,
    /// For `NotFound`: what is missing is the very object the command acts on (the member
    /// `member remove` removes), not a workspace, principal or group it is looked up in.
    /// Only such an error is what `--if-exists` excuses.
    pub missing_target: bool,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            context: Vec::new(),
            hint: None,
            causes: Vec::new(),
            missing_target: false,
        }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(Kind::Invalid, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Kind::NotFound, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(Kind::Conflict, message)
    }
    pub fn denied(message: impl Into<String>) -> Self {
        Self::new(Kind::Denied, message)
    }
    pub fn refused(message: impl Into<String>) -> Self {
        Self::new(Kind::Refused, message)
    }
    pub fn catalog(message: impl Into<String>) -> Self {
        Self::new(Kind::Catalog, message)
    }
    pub fn confirmation(message: impl Into<String>) -> Self {
        Self::new(Kind::Confirmation, message)
    }
    pub fn negative(message: impl Into<String>) -> Self {
        Self::new(Kind::Negative, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(Kind::Internal, message)
    }
    pub fn interrupted() -> Self {
        Self::new(Kind::Interrupted, "interrupted; nothing was changed")
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    /// Mark a `NotFound` as the missing object itself (see `missing_target`); any other
    /// error is left as it is.
    pub fn of_target(mut self) -> Self {
        self.missing_target = self.kind == Kind::NotFound;
        self
    }
    /// The error as it happened in `place` (outside any place it already names):
    /// printed `place: ` before what it already prints.
    pub fn within(mut self, place: impl Into<String>) -> Self {
        self.context.insert(0, place.into());
        self
    }
    pub fn caused_by(mut self, cause: impl Into<String>) -> Self {
        self.causes.push(cause.into());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for place in &self.context {
            write!(f, "{place}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_printed_outermost_first_before_the_message() {
        let e = Error::invalid("invalid workspace name 'a b'")
            .within("workspace 'a b'")
            .within("m.toml:3:1");
        assert_eq!(e.message, "invalid workspace name 'a b'");
        assert_eq!(
            e.to_string(),
            "m.toml:3:1: workspace 'a b': invalid workspace name 'a b'"
        );
        assert_eq!(Error::invalid("x").to_string(), "x");
    }
}
