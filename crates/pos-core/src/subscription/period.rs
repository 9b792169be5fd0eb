//! Billing periods: one calendar month in KST (UTC+9, no daylight saving), anchored on the day
//! of the month the subscription was first paid.
//!
//! A period ends on the anchor day of the next month at the same KST time of day; a month too
//! short for the anchor day ends on its last day, and the month after returns to the anchor
//! day (31 Jan -> 28/29 Feb -> 31 Mar -> 30 Apr -> 31 May). Every boundary is an instant
//! (`DateTime<Utc>`), so the store and Iamport (`schedule_at`, Unix seconds) agree on it.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};

/// Korea Standard Time (UTC+9 all year): the one definition, shared with how times are shown.
pub use crate::format::kst;

/// The KST day of the month of `at`: the anchor day of a subscription first paid at `at`.
pub fn anchor_day_of(at: DateTime<Utc>) -> u32 {
    at.with_timezone(&kst()).day()
}

/// Number of days in `month` (1..=12) of `year`.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    let (next_year, next_month) = if month >= 12 {
        (year.saturating_add(1), 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(next_year, next_month, 1)
        .and_then(|first| first.pred_opt())
        .map_or(28, |last| last.day())
}

/// The boundary one calendar month after `from`, on `anchor_day` (clamped to the month's last
/// day), at `from`'s KST time of day. `anchor_day` outside 1..=31 is clamped into it.
///
/// Returns `None` only past chrono's representable range (year 262,143).
pub fn next_boundary(from: DateTime<Utc>, anchor_day: u32) -> Option<DateTime<Utc>> {
    let local = from.with_timezone(&kst());
    let (year, month) = if local.month() == 12 {
        (local.year().checked_add(1)?, 1)
    } else {
        (local.year(), local.month() + 1)
    };
    let day = anchor_day.clamp(1, 31).min(days_in_month(year, month));
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let naive = date.and_time(local.time());
    // A fixed offset has no gaps or folds, so the local time maps to exactly one instant.
    kst()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// One billing period: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First instant of the period.
    pub start: DateTime<Utc>,
    /// First instant after the period (the next period's start).
    pub end: DateTime<Utc>,
}

impl Period {
    /// The period that starts at `start` for a subscription anchored on `anchor_day`.
    pub fn starting(start: DateTime<Utc>, anchor_day: u32) -> Option<Period> {
        Some(Period {
            start,
            end: next_boundary(start, anchor_day)?,
        })
    }

    /// The period right after this one.
    pub fn next(&self, anchor_day: u32) -> Option<Period> {
        Period::starting(self.end, anchor_day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kst_at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        match kst().with_ymd_and_hms(y, m, d, h, min, 0).single() {
            Some(t) => t.with_timezone(&Utc),
            None => panic!("{y}-{m}-{d} {h}:{min} is a valid KST time"),
        }
    }

    fn kst_date(t: DateTime<Utc>) -> (i32, u32, u32) {
        let l = t.with_timezone(&kst());
        (l.year(), l.month(), l.day())
    }

    #[test]
    fn boundaries_follow_the_anchor_day_through_short_months() {
        // (start, anchor, expected KST dates of the next boundaries)
        type Ymd = (i32, u32, u32);
        let cases: &[(Ymd, u32, &[Ymd])] = &[
            (
                (2026, 1, 31),
                31,
                &[(2026, 2, 28), (2026, 3, 31), (2026, 4, 30), (2026, 5, 31)],
            ),
            ((2028, 1, 31), 31, &[(2028, 2, 29), (2028, 3, 31)]),
            ((2026, 1, 30), 30, &[(2026, 2, 28), (2026, 3, 30)]),
            ((2026, 1, 29), 29, &[(2026, 2, 28), (2026, 3, 29)]),
            ((2026, 11, 15), 15, &[(2026, 12, 15), (2027, 1, 15)]),
            ((2026, 12, 31), 31, &[(2027, 1, 31), (2027, 2, 28)]),
            ((2026, 8, 31), 31, &[(2026, 9, 30), (2026, 10, 31)]),
        ];
        for ((y, m, d), anchor, expected) in cases {
            let mut at = kst_at(*y, *m, *d, 10, 30);
            for want in *expected {
                at = next_boundary(at, *anchor)
                    .unwrap_or_else(|| panic!("boundary after {at} exists"));
                assert_eq!(
                    kst_date(at),
                    *want,
                    "anchor {anchor} from {y}-{m}-{d}: wrong next boundary"
                );
            }
        }
    }

    #[test]
    fn the_kst_time_of_day_is_kept_even_across_the_utc_date_line() {
        // 00:30 KST on 31 Jan is still 30 Jan in UTC: the anchor is the KST day.
        let start = kst_at(2026, 1, 31, 0, 30);
        assert_eq!(anchor_day_of(start), 31, "the anchor is the KST day");
        let end = next_boundary(start, 31).unwrap_or_else(|| panic!("exists"));
        assert_eq!(
            end,
            kst_at(2026, 2, 28, 0, 30),
            "same KST time, clamped day"
        );
    }

    #[test]
    fn days_in_month_knows_leap_years() {
        let cases = [
            (2026, 2, 28),
            (2028, 2, 29),
            (2100, 2, 28),
            (2000, 2, 29),
            (2026, 4, 30),
            (2026, 12, 31),
        ];
        for (y, m, want) in cases {
            assert_eq!(days_in_month(y, m), want, "{y}-{m}");
        }
    }

    proptest! {
        #[test]
        fn every_period_is_one_calendar_month_on_the_anchor_day(
            secs in 1_600_000_000i64..2_500_000_000,
            months in 1usize..40,
        ) {
            let start = Utc.timestamp_opt(secs, 0).single().unwrap_or_default();
            let anchor = anchor_day_of(start);
            let mut period = Period::starting(start, anchor).unwrap_or_else(|| panic!("exists"));
            for _ in 0..months {
                let s = period.start.with_timezone(&kst());
                let e = period.end.with_timezone(&kst());
                prop_assert!(period.end > period.start, "periods move forward");
                let month_index = |y: i32, m: u32| i64::from(y) * 12 + i64::from(m);
                prop_assert_eq!(month_index(e.year(), e.month()), month_index(s.year(), s.month()) + 1,
                    "a period spans exactly one calendar month");
                prop_assert_eq!(e.day(), anchor.min(days_in_month(e.year(), e.month())),
                    "the end is on the anchor day, or the month's last day when shorter");
                prop_assert_eq!(e.time(), start.with_timezone(&kst()).time(), "the time of day is kept");
                let days = (period.end - period.start).num_days();
                prop_assert!((28..=31).contains(&days), "a month is 28..=31 days, got {}", days);
                period = period.next(anchor).unwrap_or_else(|| panic!("exists"));
            }
        }
    }
}
