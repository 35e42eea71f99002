//! Reading what the user names (a file, stdin) with a limit: every read stops one byte past
//! its limit, so `/dev/zero`, `/dev/urandom` or an endless pipe end in an exit 2 at once and
//! memory never holds more than the limit.

use std::io::Read;

use crate::model::error::{Error, Result};
use crate::model::property::PropertyValue;

/// A property value read from a file or stdin: 4,096 characters of up to 4 bytes each, and
/// the newline (`\r\n`) that is stripped.
pub const VALUE_LIMIT: usize = PropertyValue::MAX_CHARS * 4 + 2;

/// The hint of a value read from `source` ("a file", "a file or stdin") that is too long:
/// "a property value is at most 4,096 characters (a file: 16,386 bytes)".
pub fn value_limit_hint(source: &str) -> String {
    format!(
        "a property value is at most {} characters ({source}: {} bytes)",
        group_digits(PropertyValue::MAX_CHARS),
        group_digits(VALUE_LIMIT)
    )
}

/// A `--props` file: a JSON object of property values.
pub const PROPS_LIMIT: usize = 1 << 20;

/// A manifest (`apply`/`plan --file`).
pub const MANIFEST_LIMIT: usize = 256 << 20;

/// One API response body (`import --from-api`): a page of at most 100 objects.
pub const API_RESPONSE_LIMIT: usize = 16 << 20;

/// All the response bodies of one `import --from-api`: as much as a manifest.
pub const API_RESPONSES_LIMIT: usize = MANIFEST_LIMIT;

/// The config file.
pub const CONFIG_LIMIT: usize = 1 << 20;

/// What went wrong reading.
#[derive(Debug)]
pub enum ReadError {
    /// More than the limit (in bytes).
    TooLong(usize),
    /// Not UTF-8 text (`binary: true` reads stop at the first bad byte).
    NotText,
    Io(std::io::Error),
}

impl ReadError {
    /// The error for `what` (e.g. "--props 'x.json'"), naming the limit.
    pub fn into_error(self, what: &str, limit_text: &str) -> Error {
        match self {
            ReadError::TooLong(limit) => Error::invalid(format!(
                "cannot read {what}: it is longer than {} bytes",
                group_digits(limit)
            ))
            .with_hint(limit_text.to_string()),
            ReadError::NotText => Error::invalid(format!(
                "cannot read {what}: it is not text (invalid UTF-8 or a NUL byte)"
            )),
            ReadError::Io(e) => {
                Error::invalid(format!("cannot read {what}")).caused_by(e.to_string())
            }
        }
    }
}

fn group_digits(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Read at most `limit` bytes of UTF-8 text. With `strict` (manifests, `--props`, the
/// config file: formats in which a NUL byte or invalid UTF-8 can never be valid) the read
/// stops at the first such byte instead of at the limit.
pub fn read_text(r: impl Read, limit: usize, strict: bool) -> Result<String, ReadError> {
    read_text_sized(r, limit, strict, 0)
}

/// [`read_text`] into a buffer made for `size_hint` bytes (a file's length): a 100 MB
/// manifest then takes 100 MB, not the 128 MB that doubling a buffer reaches (issue 17).
fn read_text_sized(
    mut r: impl Read,
    limit: usize,
    strict: bool,
    size_hint: usize,
) -> Result<String, ReadError> {
    // One more byte than the file holds, so that its end is seen without growing.
    let mut buf: Vec<u8> = Vec::with_capacity(size_hint.min(limit).saturating_add(1));
    let mut chunk = vec![0u8; (limit + 1).min(64 * 1024)];
    let mut checked = 0;
    loop {
        let n = match r.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Io(e)),
        };
        if buf.len() + n > limit {
            return Err(ReadError::TooLong(limit));
        }
        buf.extend_from_slice(&chunk[..n]);
        if strict {
            if buf[checked..].contains(&0) {
                return Err(ReadError::NotText);
            }
            match std::str::from_utf8(&buf[checked..]) {
                Ok(_) => checked = buf.len(),
                Err(e) if e.error_len().is_some() => return Err(ReadError::NotText),
                Err(e) => checked += e.valid_up_to(),
            }
        }
    }
    String::from_utf8(buf).map_err(|_| ReadError::NotText)
}

/// Read a file the user named, at most `limit` bytes.
pub fn read_file(
    path: impl AsRef<std::path::Path>,
    limit: usize,
    strict: bool,
) -> Result<String, ReadError> {
    let f = std::fs::File::open(path).map_err(ReadError::Io)?;
    let size = f.metadata().map_or(0, |m| m.len());
    read_text_sized(f, limit, strict, usize::try_from(size).unwrap_or(0))
}

/// Read stdin, at most `limit` bytes.
pub fn read_stdin(limit: usize, strict: bool) -> Result<String, ReadError> {
    read_text(std::io::stdin().lock(), limit, strict)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_limit_hint_states_the_newtypes_limit() {
        assert_eq!(
            value_limit_hint("a file"),
            "a property value is at most 4,096 characters (a file: 16,386 bytes)"
        );
    }

    #[test]
    fn endless_input_stops_one_chunk_past_the_limit() {
        let r = read_text(std::io::repeat(b'y'), 100_000, false);
        assert!(matches!(r, Err(ReadError::TooLong(100_000))));
        let r = read_text(std::io::repeat(0), MANIFEST_LIMIT, true);
        assert!(matches!(r, Err(ReadError::NotText)));
        let r = read_text(std::io::repeat(0xff), MANIFEST_LIMIT, true);
        assert!(matches!(r, Err(ReadError::NotText)));
    }

    #[test]
    fn text_at_the_limit_is_read_whole() {
        let text = "é".repeat(50);
        assert_eq!(read_text(text.as_bytes(), 100, true).unwrap(), text);
        assert!(matches!(
            read_text(text.as_bytes(), 99, true),
            Err(ReadError::TooLong(99))
        ));
        // A character split across reads is not mistaken for a bad byte.
        struct OneByte<'a>(&'a [u8]);
        impl Read for OneByte<'_> {
            fn read(&mut self, b: &mut [u8]) -> std::io::Result<usize> {
                if self.0.is_empty() || b.is_empty() {
                    return Ok(0);
                }
                b[0] = self.0[0];
                self.0 = &self.0[1..];
                Ok(1)
            }
        }
        assert_eq!(
            read_text(OneByte(text.as_bytes()), 100, true).unwrap(),
            text
        );
    }

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group_digits(16_386), "16,386");
        assert_eq!(group_digits(268_435_456), "268,435,456");
        assert_eq!(group_digits(999), "999");
    }
}
