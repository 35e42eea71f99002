//! The API's errors: `{"RequestId","Code","Message"}` with an HTTP status. dwctl's error
//! kinds map to them in one table ([`from_domain`]); the server's own refusals
//! (authentication, HTTP) are the constructors below. README "Serving the DataWorks API"
//! lists them all.

use crate::model::error::{Error, Kind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    /// The domain's error this came from: a session needs it to audit a refusal.
    pub source: Option<Box<Error>>,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            source: None,
        }
    }

    pub fn missing(name: &str) -> Self {
        Self::new(400, "MissingParameter", format!("{name} is required"))
    }

    pub fn invalid(name: &str, why: impl std::fmt::Display) -> Self {
        Self::new(400, "InvalidParameter", format!("{name}: {why}"))
    }
}

/// dwctl's error kinds as the API's status and code: the one table.
pub const KIND_TABLE: &[(Kind, u16, &str)] = &[
    (Kind::Invalid, 400, "InvalidParameter"),
    (Kind::NotFound, 404, "NotFound"),
    (Kind::Conflict, 409, "Conflict"),
    (Kind::Denied, 403, "Forbidden.Access"),
    (Kind::Refused, 400, "OperationDenied"),
    (Kind::Catalog, 503, "ServiceUnavailable"),
    (Kind::Confirmation, 500, "InternalError"),
    (Kind::Negative, 500, "InternalError"),
    (Kind::Internal, 500, "InternalError"),
    (Kind::Interrupted, 503, "ServiceUnavailable"),
];

/// A domain error as the API's: the message is dwctl's line (with its hint, if any).
pub fn from_domain(e: &Error) -> ApiError {
    let (status, code) = KIND_TABLE
        .iter()
        .find(|(k, _, _)| *k == e.kind)
        .map(|(_, s, c)| (*s, *c))
        .unwrap_or((500, "InternalError"));
    let mut message = e.to_string();
    if let Some(h) = &e.hint {
        message.push_str(&format!(" (hint: {h})"));
    }
    ApiError {
        source: Some(Box::new(e.clone())),
        ..ApiError::new(status, code, message)
    }
}

impl ApiError {
    /// As the domain's error, for a session to decide what to roll back and audit.
    pub fn to_domain(&self) -> Error {
        self.source
            .as_deref()
            .cloned()
            .unwrap_or_else(|| Error::invalid(self.message.clone()))
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        from_domain(&e)
    }
}
