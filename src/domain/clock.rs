//! Timestamps: UTC, millisecond precision, printed as `2026-11-28T22:52:19.123Z`.
//! The fixed-width text form sorts like the instant it names, so the catalog stores it as is.

use serde::{Serialize, Serializer};
use std::fmt;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

const DAY_MS: i64 = 86_400_000;

impl Timestamp {
    pub fn from_millis(ms: i64) -> Self {
        Timestamp(ms)
    }
    pub fn millis(self) -> i64 {
        self.0
    }
    pub fn now_system() -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Timestamp(now)
    }
    pub fn plus_days(self, days: i64) -> Self {
        Timestamp(self.0 + days * DAY_MS)
    }

    /// RFC 3339 with any offset and precision; also a bare date (`2026-11-28`, midnight UTC),
    /// which is what people type for `audit list --since`.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(format!(
                "invalid timestamp {}",
                crate::domain::model::shown(s)
            ))
            .with_hint("use RFC 3339, e.g. 2026-11-28T22:52:19Z, or a date such as 2026-11-28")
        };
        let dt = match OffsetDateTime::parse(s, &Rfc3339) {
            Ok(dt) => dt,
            Err(_) => {
                let fmt = time::macros::format_description!("[year]-[month]-[day]");
                let date = time::Date::parse(s, &fmt).map_err(|_| bad())?;
                date.midnight().assume_utc()
            }
        };
        // Timestamps are stored as `Display` writes them, in UTC with a four-digit year:
        // an offset that moves the year out of 0000-9999 could not be read back.
        match dt.checked_to_offset(time::UtcOffset::UTC) {
            Some(utc) if (0..=9999).contains(&utc.year()) => {}
            _ => return Err(bad()),
        }
        Ok(Timestamp((dt.unix_timestamp_nanos() / 1_000_000) as i64))
    }

    /// Parse a stored value; the catalog only holds what `Display` wrote.
    pub fn from_stored(s: &str) -> Self {
        Self::parse(s).unwrap_or_else(|_| panic!("catalog holds a bad timestamp {s:?}"))
    }
}

thread_local! {
    /// The last timestamp formatted: a command formats its one `now` for every row it
    /// writes, thousands of times in an apply.
    static LAST: std::cell::RefCell<(i64, String)> = const { std::cell::RefCell::new((i64::MIN, String::new())) };
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = LAST.with(|l| {
            let l = l.borrow();
            (l.0 == self.0).then(|| l.1.clone())
        });
        if let Some(text) = cached {
            return f.write_str(&text);
        }
        let text = self.render();
        LAST.with(|l| *l.borrow_mut() = (self.0, text.clone()));
        f.write_str(&text)
    }
}

impl Timestamp {
    fn render(&self) -> String {
        use std::fmt::Write;
        let mut f = String::with_capacity(24);
        let nanos = self.0 as i128 * 1_000_000;
        let _ = match OffsetDateTime::from_unix_timestamp_nanos(nanos) {
            Ok(dt) => write!(
                f,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                dt.year(),
                dt.month() as u8,
                dt.day(),
                dt.hour(),
                dt.minute(),
                dt.second(),
                dt.millisecond()
            ),
            Err(_) => write!(f, "{}", self.0),
        };
        f
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let t = Timestamp::parse("2026-11-28T22:52:19.123Z").unwrap();
        assert_eq!(t.to_string(), "2026-11-28T22:52:19.123Z");
        let t = Timestamp::parse("2026-11-28T23:52:19+01:00").unwrap();
        assert_eq!(t.to_string(), "2026-11-28T22:52:19.000Z");
        let d = Timestamp::parse("2026-11-28").unwrap();
        assert_eq!(d.to_string(), "2026-11-28T00:00:00.000Z");
        assert_eq!(d.plus_days(14).to_string(), "2026-12-12T00:00:00.000Z");
        assert!(Timestamp::parse("yesterday").is_err());
    }

    #[test]
    fn what_parses_can_be_stored_and_read_back() {
        // An offset that takes the UTC year out of 0000-9999 (DWCTL_NOW once made init
        // store "-001-12-31T23:00:00.000Z" and every later read panic).
        assert!(Timestamp::parse("0000-01-01T00:00:00+01:00").is_err());
        assert!(Timestamp::parse("9999-12-31T23:59:59-01:00").is_err());
        for s in [
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999Z",
            "0000-01-01",
        ] {
            let t = Timestamp::parse(s).unwrap();
            assert_eq!(Timestamp::parse(&t.to_string()), Ok(t), "{s}");
        }
    }

    #[test]
    fn text_order_is_time_order() {
        let a = Timestamp::parse("2026-01-02T00:00:00Z").unwrap();
        let b = Timestamp::parse("2026-10-02T00:00:00.5Z").unwrap();
        assert!(a < b);
        assert!(a.to_string() < b.to_string());
    }
}
