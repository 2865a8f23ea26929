//! Dates and times as the Centre writes them: calendar dates `YYYY-MM-DD`
//! (decisions, validity periods) and RFC 3339 timestamps in UTC (records).
//!
//! A validity period given as dates runs from the first second of its first
//! day to the last second of its last day, in UTC.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("{text:?} is not a date of the form YYYY-MM-DD"))
}

/// Seconds since the Unix epoch at which `text` begins: a date's first
/// second (UTC), or an RFC 3339 timestamp.
pub fn start_of(text: &str) -> Result<u64, String> {
    instant(text, Time::MIDNIGHT)
}

/// Seconds since the Unix epoch at which `text` ends: a date's last second
/// (UTC), or an RFC 3339 timestamp.
pub fn end_of(text: &str) -> Result<u64, String> {
    instant(text, time::macros::time!(23:59:59))
}

fn instant(text: &str, time_of_day: Time) -> Result<u64, String> {
    let at = match parse_date(text) {
        Ok(date) => PrimitiveDateTime::new(date, time_of_day).assume_offset(UtcOffset::UTC),
        Err(_) => OffsetDateTime::parse(text.trim(), &Rfc3339).map_err(|_| {
            format!("{text:?} is neither a date (YYYY-MM-DD) nor an RFC 3339 timestamp")
        })?,
    };
    u64::try_from(at.unix_timestamp()).map_err(|_| format!("{text:?} is before 1970"))
}

/// The current time as an RFC 3339 timestamp in UTC, to the second.
pub fn now_rfc3339() -> String {
    let now = OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&Rfc3339).unwrap_or_default()
}

/// Today's date in UTC.
pub fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_cover_whole_days() {
        assert_eq!(start_of("1970-01-02").unwrap(), 86_400);
        assert_eq!(end_of("1970-01-02").unwrap(), 2 * 86_400 - 1);
        assert_eq!(start_of("2026-01-01T12:00:00Z").unwrap(), 1_767_268_800);
        assert_eq!(end_of("2026-01-01T12:00:00+01:00").unwrap(), 1_767_265_200);
        for bad in ["2026-02-30", "26-01-01", "yesterday", "1969-12-31", ""] {
            assert!(start_of(bad).is_err(), "{bad}");
        }
    }
}
