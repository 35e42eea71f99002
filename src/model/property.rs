//! A property key and a property value as dwctl accepts them from any source (`--prop`,
//! `--props`, a manifest), with their limits. The limits are spec-silent: a cap keeps huge
//! input (R3) an exit 2 instead of a multi-megabyte catalog row.

use super::text::is_printable;

/// A property key: at most [`PropertyKey::MAX_CHARS`] of `A-Za-z0-9._-`. Whether the type
/// knows it is `domain::types::validate`'s business.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyKey(String);

/// Why a property key was refused: a reason to put after the key in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("is empty")]
    Empty,
    #[error("is longer than {} characters", PropertyKey::MAX_CHARS)]
    TooLong,
    #[error("may use only A-Za-z0-9._-")]
    BadChar,
}

impl PropertyKey {
    /// Longest accepted key, in Unicode scalar values.
    pub const MAX_CHARS: usize = 128;

    pub fn parse(key: &str) -> Result<PropertyKey, KeyError> {
        if key.is_empty() {
            return Err(KeyError::Empty);
        }
        if key.chars().count() > Self::MAX_CHARS {
            return Err(KeyError::TooLong);
        }
        if !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(KeyError::BadChar);
        }
        Ok(PropertyKey(key.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A property value: at most [`PropertyValue::MAX_CHARS`] characters and, unless its key
/// holds a secret, printable (no control or format characters). Secret values are taken as
/// given, since they are never shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyValue(String);

/// Why a property value was refused: a reason to put after the key in a message (which
/// never repeats the value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ValueTextError {
    #[error("is longer than {} characters", PropertyValue::MAX_CHARS)]
    TooLong,
    /// Normalising can lengthen a value (a usual port added to every bare host of a list).
    #[error(
        "is longer than {} characters once completed (ports added)",
        PropertyValue::MAX_CHARS
    )]
    TooLongCompleted,
    #[error("contains a control or invisible formatting character")]
    Unprintable,
}

impl PropertyValue {
    /// Longest accepted value, in Unicode scalar values.
    pub const MAX_CHARS: usize = 4096;

    /// `value` as the value of a key; `secret` says whether the key holds a secret of its
    /// type (`TypeSpec::is_secret`), whose value is taken as given, since it is never shown.
    pub fn parse(value: &str, secret: bool) -> Result<PropertyValue, ValueTextError> {
        if value.chars().count() > Self::MAX_CHARS {
            return Err(ValueTextError::TooLong);
        }
        if !secret && !is_printable(value) {
            return Err(ValueTextError::Unprintable);
        }
        Ok(PropertyValue(value.to_string()))
    }

    /// A value as normalisation completed it: what is stored must pass the length rule
    /// again when an update re-validates it.
    pub fn completed(value: String) -> Result<PropertyValue, ValueTextError> {
        if value.chars().count() > Self::MAX_CHARS {
            Err(ValueTextError::TooLongCompleted)
        } else {
            Ok(PropertyValue(value))
        }
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_and_of_a_few_ascii_characters() {
        assert_eq!(
            PropertyKey::parse("extra.db_x-1").unwrap().as_str(),
            "extra.db_x-1"
        );
        assert_eq!(PropertyKey::parse(""), Err(KeyError::Empty));
        assert_eq!(PropertyKey::parse("a/b"), Err(KeyError::BadChar));
        assert_eq!(PropertyKey::parse("ключ"), Err(KeyError::BadChar));
        let longest = "k".repeat(PropertyKey::MAX_CHARS);
        assert!(PropertyKey::parse(&longest).is_ok());
        assert_eq!(
            PropertyKey::parse(&format!("{longest}k")),
            Err(KeyError::TooLong)
        );
        assert_eq!(
            KeyError::TooLong.to_string(),
            "is longer than 128 characters"
        );
    }

    #[test]
    fn values_are_bounded_and_printable_unless_secret() {
        let longest = "é".repeat(PropertyValue::MAX_CHARS);
        assert!(PropertyValue::parse(&longest, false).is_ok());
        assert_eq!(
            PropertyValue::parse(&format!("{longest}x"), false),
            Err(ValueTextError::TooLong)
        );
        assert_eq!(
            PropertyValue::parse(&format!("{longest}x"), true),
            Err(ValueTextError::TooLong)
        );
        assert_eq!(
            PropertyValue::parse("a\u{200b}b", false),
            Err(ValueTextError::Unprintable)
        );
        assert!(PropertyValue::parse("a\u{7}\u{200b}b", true).is_ok());
        assert_eq!(
            PropertyValue::completed("x".repeat(PropertyValue::MAX_CHARS + 1)),
            Err(ValueTextError::TooLongCompleted)
        );
        assert_eq!(
            ValueTextError::TooLong.to_string(),
            "is longer than 4096 characters"
        );
    }
}
