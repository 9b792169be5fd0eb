//! A span of whole KST calendar days, both ends included.

use chrono::{Datelike, NaiveDate, NaiveTime, TimeZone};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::format::kst;
use crate::store::StoreError;

/// KST days `from..=to`. [`DateRange::new`] refuses a backwards range; one that arrives over IPC
/// is deserialised as sent and refused by every `Store` method that takes it
/// ([`DateRange::check`]), so the owner gets the Korean message, not a decoding error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DateRange {
    /// First day (KST), `YYYY-MM-DD`.
    #[ts(type = "string")]
    pub from: NaiveDate,
    /// Last day (KST), included, `YYYY-MM-DD`.
    #[ts(type = "string")]
    pub to: NaiveDate,
}

impl DateRange {
    /// `from..=to`. A range that ends before it starts: [`StoreError::BackwardsRange`].
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<DateRange, StoreError> {
        if to < from {
            return Err(StoreError::BackwardsRange { from, to });
        }
        Ok(DateRange { from, to })
    }

    /// The range again if it runs forwards; a backwards one: [`StoreError::BackwardsRange`].
    pub fn check(&self) -> Result<DateRange, StoreError> {
        DateRange::new(self.from, self.to)
    }

    /// Parses two `YYYY-MM-DD` dates (as typed on the command line).
    pub fn parse(from: &str, to: &str) -> Result<DateRange, StoreError> {
        DateRange::new(parse_day(from)?, parse_day(to)?)
    }

    /// One KST day.
    pub fn day(day: NaiveDate) -> DateRange {
        DateRange { from: day, to: day }
    }

    /// A whole KST calendar month. Unknown month: [`StoreError::InvalidDate`].
    pub fn month(year: i32, month: u32) -> Result<DateRange, StoreError> {
        let invalid = || StoreError::InvalidDate {
            text: format!("{year}-{month:02}"),
        };
        let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(invalid)?;
        let next = first
            .checked_add_months(chrono::Months::new(1))
            .ok_or_else(invalid)?;
        let last = next.pred_opt().ok_or_else(invalid)?;
        Ok(DateRange {
            from: first,
            to: last,
        })
    }

    /// The range as UTC milliseconds `[start, end)`: from 00:00 KST of `from` to 00:00 KST of
    /// the day after `to`.
    pub fn bounds_ms(&self) -> (i64, i64) {
        let start = kst_midnight_ms(self.from);
        let end = self.to.succ_opt().map(kst_midnight_ms).unwrap_or(i64::MAX);
        (start, end)
    }

    /// How many days the range spans (1 for a single day).
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// True if the range is exactly one calendar month.
    pub fn is_month(&self) -> bool {
        self.from.day() == 1
            && self.to.month() == self.from.month()
            && self.to.year() == self.from.year()
            && self.to.succ_opt().is_none_or(|d| d.day() == 1)
    }
}

/// `YYYY-MM-DD` as a date. Anything else: [`StoreError::InvalidDate`].
pub fn parse_day(text: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| StoreError::InvalidDate {
        text: text.to_string(),
    })
}

fn kst_midnight_ms(day: NaiveDate) -> i64 {
    let local = day.and_time(NaiveTime::MIN);
    // KST is a fixed offset, so every local time maps to exactly one instant.
    kst()
        .from_local_datetime(&local)
        .single()
        .map(|t| t.timestamp_millis())
        .unwrap_or(i64::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn a_backwards_range_is_refused() {
        let err = DateRange::new(d(2026, 11, 30), d(2026, 11, 1)).err();
        assert!(
            matches!(err, Some(StoreError::BackwardsRange { .. })),
            "30 Nov to 1 Nov is refused, got {err:?}"
        );
        let text = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            text.contains("2026-11-30") && text.contains("2026-11-01") && text.contains("시작일"),
            "the message names both days in Korean: {text}"
        );
    }

    #[test]
    fn a_single_day_is_a_range() {
        assert!(
            DateRange::new(d(2026, 11, 30), d(2026, 11, 30)).is_ok(),
            "from = to is one day"
        );
    }

    #[test]
    fn a_day_starts_at_kst_midnight() {
        let (start, end) = DateRange::day(d(2026, 11, 30)).bounds_ms();
        // 2026-11-30 00:00 KST = 2026-11-29 15:00 UTC.
        assert_eq!(
            start, 1_795_964_400_000,
            "start is 15:00 UTC the day before"
        );
        assert_eq!(end - start, 86_400_000, "a KST day is 24 hours");
    }

    #[test]
    fn months_end_on_their_last_day() {
        let cases = [
            ((2026, 2), d(2026, 2, 28)),
            ((2028, 2), d(2028, 2, 29)),
            ((2026, 12), d(2026, 12, 31)),
            ((2026, 11), d(2026, 11, 30)),
        ];
        for ((y, m), last) in cases {
            let range = DateRange::month(y, m).unwrap_or_else(|e| panic!("{y}-{m}: {e}"));
            assert_eq!(range.to, last, "{y}-{m} ends on {last}");
            assert!(range.is_month(), "{y}-{m} is a month");
        }
        assert!(DateRange::month(2026, 13).is_err(), "month 13 is refused");
    }

    #[test]
    fn malformed_days_are_refused_with_the_text() {
        for bad in ["2026-13-01", "2026-02-30", "30/11/2026", "", "어제"] {
            let err = parse_day(bad).err();
            assert!(
                matches!(&err, Some(StoreError::InvalidDate { text }) if text == bad),
                "{bad:?} is refused, got {err:?}"
            );
        }
    }

    #[test]
    fn a_backwards_range_from_json_is_refused_when_used() {
        let parsed: Result<DateRange, _> =
            serde_json::from_str(r#"{"from":"2026-11-30","to":"2026-11-01"}"#);
        let checked = parsed.map(|r| r.check());
        assert!(
            matches!(checked, Ok(Err(StoreError::BackwardsRange { .. }))),
            "decoded as sent, refused by check: {checked:?}"
        );
    }
}
