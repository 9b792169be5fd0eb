//! How money and time are shown to people: `9,900원`, `2026-11-27 19:05 KST`.
//! The UI mirrors these rules in TypeScript; keep the two in step.

use chrono::{DateTime, FixedOffset, Offset, Utc};

/// KST's offset from UTC in seconds.
const KST_OFFSET_SECS: i32 = 9 * 3600;

/// Korea Standard Time: UTC+9 all year (no daylight saving).
pub fn kst() -> FixedOffset {
    // 9 hours is within FixedOffset's ±24 h range, so the fallback is never taken.
    FixedOffset::east_opt(KST_OFFSET_SECS).unwrap_or_else(|| Utc.fix())
}

/// Won with thousands separators and the 원 suffix: `9900` → `9,900원`, `-500` → `-500원`.
pub fn won(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 4);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if amount < 0 { "-" } else { "" };
    format!("{sign}{grouped}원")
}

/// A time in KST to the minute: `2026-11-27 19:05 KST`.
pub fn kst_minute(t: DateTime<Utc>) -> String {
    format!("{} KST", t.with_timezone(&kst()).format("%Y-%m-%d %H:%M"))
}

/// Pads `text` on the right to `columns` terminal columns (Hangul and other wide characters
/// count two), for aligned CLI tables. Longer text is returned as it is.
pub fn pad_end(text: &str, columns: usize) -> String {
    let width = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(columns.saturating_sub(width)))
}

/// Pads `text` on the left to `columns` terminal columns (right-aligned, for amounts).
pub fn pad_start(text: &str, columns: usize) -> String {
    let width = unicode_width::UnicodeWidthStr::width(text);
    format!("{}{text}", " ".repeat(columns.saturating_sub(width)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn won_groups_thousands_and_adds_the_suffix() {
        let cases = [
            (0, "0원"),
            (5, "5원"),
            (999, "999원"),
            (1_000, "1,000원"),
            (9_900, "9,900원"),
            (27_000, "27,000원"),
            (1_234_567, "1,234,567원"),
            (-9_900, "-9,900원"),
            (i64::MAX, "9,223,372,036,854,775,807원"),
            (i64::MIN, "-9,223,372,036,854,775,808원"),
        ];
        for (amount, expected) in cases {
            assert_eq!(won(amount), expected, "won({amount})");
        }
    }

    proptest::proptest! {
        #[test]
        fn won_reads_back_as_the_same_amount(amount in proptest::prelude::any::<i64>()) {
            let shown = won(amount);
            let digits: String = shown.trim_end_matches('원').chars().filter(|c| *c != ',').collect();
            proptest::prop_assert_eq!(digits.parse::<i64>().ok(), Some(amount), "{} reads back", shown);
            let groups: Vec<&str> = shown.trim_start_matches('-').trim_end_matches('원').split(',').collect();
            proptest::prop_assert!(groups.iter().skip(1).all(|g| g.len() == 3), "groups of three: {}", shown);
        }
    }

    #[test]
    fn padding_counts_hangul_as_two_columns() {
        assert_eq!(
            pad_end("카드", 6),
            "카드  ",
            "two Hangul = four columns, two spaces added"
        );
        assert_eq!(pad_end("card", 6), "card  ", "ASCII = one column each");
        assert_eq!(
            pad_start("9,900원", 10),
            "   9,900원",
            "right-aligned amount"
        );
        assert_eq!(pad_end("가상계좌", 4), "가상계좌", "longer text is not cut");
    }

    #[test]
    fn kst_is_utc_plus_nine_without_daylight_saving() {
        let winter = Utc.with_ymd_and_hms(2026, 11, 27, 10, 5, 59).single();
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 15, 30, 0).single();
        assert_eq!(
            winter.map(kst_minute).as_deref(),
            Some("2026-11-27 19:05 KST"),
            "winter: +9, seconds dropped"
        );
        assert_eq!(
            summer.map(kst_minute).as_deref(),
            Some("2026-07-02 00:30 KST"),
            "summer: still +9, crosses midnight"
        );
    }
}
