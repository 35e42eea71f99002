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

/// 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the catalog stores times with a
/// four-digit year, so no time outside these is ever made (a clock or an input that would
/// give one is refused, a stored one is a damaged row).
const MIN_MS: i64 = -62_167_219_200_000;
const MAX_MS: i64 = 253_402_300_799_999;

impl Timestamp {
    pub const MAX: Timestamp = Timestamp(MAX_MS);

    /// Test fixtures only: real times come from the clock, input or the catalog, all checked.
    #[cfg(test)]
    pub fn from_millis(ms: i64) -> Self {
        assert!((MIN_MS..=MAX_MS).contains(&ms));
        Timestamp(ms)
    }
    pub fn millis(self) -> i64 {
        self.0
    }

    /// Epoch milliseconds as the OpenAPI sends times (`CreateTime`), if dwctl can print
    /// them (1970 to 9999).
    pub fn from_epoch_millis(ms: i64) -> Option<Self> {
        (MIN_MS..=MAX_MS).contains(&ms).then_some(Timestamp(ms))
    }

    /// The system clock; exit 2 when it is past 9999-12-31T23:59:59.999Z (or before 1970).
    pub fn now_system() -> Result<Self> {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_millis()).ok())
            .filter(|ms| *ms <= MAX_MS)
            .map(Timestamp)
            .ok_or_else(|| {
                Error::invalid("the system clock is outside 1970-01-01 .. 9999-12-31T23:59:59.999Z")
                    .with_hint("set the clock, or pin a time with DWCTL_NOW")
            })
    }

    /// `days` later, or `None` past 9999-12-31T23:59:59.999Z.
    pub fn plus_days(self, days: i64) -> Option<Self> {
        days.checked_mul(DAY_MS)
            .and_then(|d| self.0.checked_add(d))
            .filter(|ms| (MIN_MS..=MAX_MS).contains(ms))
            .map(Timestamp)
    }

    /// RFC 3339 with any offset and precision; also a bare date (`2026-11-28`, midnight UTC),
    /// which is what people type for `audit list --since`.
    pub fn parse(s: &str) -> Result<Self> {
        let bad = || {
            Error::invalid(format!("invalid timestamp {}", super::text::shown(s)))
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
            _ => {
                return Err(Error::invalid(format!(
                    "timestamp {} is outside 0000-01-01T00:00:00.000Z .. 9999-12-31T23:59:59.999Z",
                    super::text::shown(s)
                ))
                .with_hint("dwctl keeps times with a four-digit year, in UTC"))
            }
        }
        Ok(Timestamp((dt.unix_timestamp_nanos() / 1_000_000) as i64))
    }

    /// A stored value: exactly what `Display` writes (`2026-11-28T22:52:19.123Z`), which is
    /// also what makes text order time order. Anything else is `None` (a damaged row).
    pub fn from_stored(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 24
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
            || b[19] != b'.'
            || b[23] != b'Z'
        {
            return None;
        }
        let num = |from: usize, to: usize| -> Option<i64> {
            b[from..to].iter().try_fold(0i64, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
            })
        };
        let (y, mo, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
        let (h, mi, sec, ms) = (num(11, 13)?, num(14, 16)?, num(17, 19)?, num(20, 23)?);
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        let month_days = match mo {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if d < 1 || d > month_days || h > 23 || mi > 59 || sec > 59 {
            return None;
        }
        let days = days_from_civil(y, mo, d);
        Some(Timestamp(
            days * DAY_MS + h * 3_600_000 + mi * 60_000 + sec * 1_000 + ms,
        ))
    }
}

/// When a membership is to expire, as typed (`--expires`): a date (until the end of that
/// day in UTC, 23:59:59.999Z), an RFC 3339 time, or a duration from now (`30d`, `12h`,
/// `2w`, `90m`). [`Expiry::at`] turns it into the instant, given the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    At(Timestamp),
    /// Milliseconds from now.
    After(i64),
}

impl Expiry {
    pub fn parse(s: &str) -> Result<Expiry> {
        let t = s.trim();
        let bad = || {
            Error::invalid(format!("invalid expiry {}", super::text::shown(s))).with_hint(
                "use a date (2026-12-31: until the end of that day, UTC), an RFC 3339 time, \
                 or a duration from now such as 30d, 12h, 2w or 90m",
            )
        };
        if let Some(unit) = t.chars().last().filter(|c| c.is_ascii_alphabetic()) {
            let digits = &t[..t.len() - 1];
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                let n: i64 = digits.parse().map_err(|_| bad())?;
                let per = match unit {
                    'm' => 60_000,
                    'h' => 3_600_000,
                    'd' => DAY_MS,
                    'w' => 7 * DAY_MS,
                    _ => return Err(bad()),
                };
                return n
                    .checked_mul(per)
                    .filter(|ms| *ms > 0)
                    .map(Expiry::After)
                    .ok_or_else(bad);
            }
        }
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        if time::Date::parse(t, &fmt).is_ok() {
            // The last millisecond of that day.
            // A date's midnight is at most 9999-12-31T00:00: its last millisecond is in range.
            let start = Timestamp::parse(t)?;
            return Ok(Expiry::At(Timestamp(start.0 + DAY_MS - 1)));
        }
        match OffsetDateTime::parse(t, &Rfc3339) {
            Ok(_) => Timestamp::parse(t).map(Expiry::At),
            Err(_) => Err(bad()),
        }
    }

    /// The instant, counting a duration from `now`; refused (exit 2) when it is not
    /// after `now` or is past 9999-12-31T23:59:59.999Z.
    pub fn at(self, now: Timestamp) -> Result<Timestamp> {
        let at = match self {
            Expiry::At(t) => t,
            Expiry::After(ms) => now
                .0
                .checked_add(ms)
                .filter(|t| *t <= MAX_MS)
                .map(Timestamp)
                .ok_or_else(|| {
                    Error::invalid("the expiry is past 9999-12-31T23:59:59.999Z")
                        .with_hint("choose a shorter duration")
                })?,
        };
        if at <= now {
            return Err(Error::invalid(format!(
                "the expiry {at} is not in the future (now: {now})"
            ))
            .with_hint("choose a later date, or remove the member: dwctl member remove"));
        }
        Ok(at)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
        // Every Timestamp is in 0000..=9999 (see MIN_MS): the clamp never changes one.
        let nanos = self.0.clamp(MIN_MS, MAX_MS) as i128 * 1_000_000;
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
            Err(_) => write!(f, "9999-12-31T23:59:59.999Z"),
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
        assert_eq!(
            d.plus_days(14).unwrap().to_string(),
            "2026-12-12T00:00:00.000Z"
        );
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
    fn stored_times_are_exactly_what_display_writes() {
        for s in [
            "2026-11-28T22:52:19.123Z",
            "0000-01-01T00:00:00.000Z",
            "9999-12-31T23:59:59.999Z",
            "2024-02-29T00:00:00.000Z",
            "1969-12-31T23:59:59.999Z",
        ] {
            let t = Timestamp::from_stored(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(t.to_string(), s);
            assert_eq!(Timestamp::parse(s), Ok(t));
        }
        for s in [
            "",
            "yesterday",
            "2026-11-28T22:52:19Z",
            "2026-11-28T22:52:19.123+00:00",
            "2026-11-28 22:52:19.123Z",
            "2026-02-29T00:00:00.000Z",
            "2026-13-01T00:00:00.000Z",
            "2026-11-31T00:00:00.000Z",
            "2026-11-28T24:00:00.000Z",
            "2026-11-28T23:60:00.000Z",
            "2026-11-28T23:59:60.000Z",
            "+026-11-28T22:52:19.123Z",
            "2026-11-28T22:52:19.12Z ",
            "253403337600000",
        ] {
            assert_eq!(Timestamp::from_stored(s), None, "{s}");
        }
    }

    #[test]
    fn adding_days_stops_at_the_end_of_9999() {
        let last = Timestamp::parse("9999-12-17T23:59:59.999Z").unwrap();
        assert_eq!(last.plus_days(14), Some(Timestamp::MAX));
        assert_eq!(Timestamp::MAX.to_string(), "9999-12-31T23:59:59.999Z");
        assert_eq!(last.plus_days(15), None);
        assert_eq!(Timestamp::MAX.plus_days(i64::MAX), None);
    }

    #[test]
    fn expiries_are_dates_times_or_durations() {
        let now = Timestamp::parse("2026-11-30T10:00:00Z").unwrap();
        let at = |s: &str| {
            Expiry::parse(s)
                .and_then(|e| e.at(now))
                .map(|t| t.to_string())
        };
        assert_eq!(at("2026-12-31").unwrap(), "2026-12-31T23:59:59.999Z");
        assert_eq!(at("2026-11-30").unwrap(), "2026-11-30T23:59:59.999Z");
        assert_eq!(at("30d").unwrap(), "2026-12-30T10:00:00.000Z");
        assert_eq!(at("12h").unwrap(), "2026-11-30T22:00:00.000Z");
        assert_eq!(at("2w").unwrap(), "2026-12-14T10:00:00.000Z");
        assert_eq!(at("90m").unwrap(), "2026-11-30T11:30:00.000Z");
        assert_eq!(
            at("2026-12-01T08:00:00+02:00").unwrap(),
            "2026-12-01T06:00:00.000Z"
        );
        for past in ["2026-11-29", "2026-11-30T10:00:00Z", "2020-01-01"] {
            assert!(
                at(past).unwrap_err().message.contains("not in the future"),
                "{past}"
            );
        }
        for bad in [
            "",
            "d",
            "0d",
            "30",
            "30y",
            "-3d",
            "tomorrow",
            "2026-13-01",
            "9999999999999999d",
        ] {
            assert!(Expiry::parse(bad).is_err(), "{bad}");
        }
        assert!(at("9999-12-31").is_ok());
        assert!(Expiry::parse("3000000d").unwrap().at(now).is_err());
    }

    #[test]
    fn text_order_is_time_order() {
        let a = Timestamp::parse("2026-01-02T00:00:00Z").unwrap();
        let b = Timestamp::parse("2026-10-02T00:00:00.5Z").unwrap();
        assert!(a < b);
        assert!(a.to_string() < b.to_string());
    }
}
