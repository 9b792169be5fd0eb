//! Per-store refund policy: a pure decision, table-tested.

use serde::Serialize;

/// Refund rules of one store. `None` means no limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RefundPolicy {
    /// Refunds only within this many days of the payment (by `paid_at`).
    pub window_days: Option<i32>,
    /// At most this many refunds per KST calendar day.
    pub per_day: Option<i32>,
}

/// Why a refund is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The payment is older than the window.
    TooOld {
        /// The window.
        days: i32,
    },
    /// The day's refunds are used up.
    DailyLimit {
        /// The limit.
        per_day: i32,
    },
}

impl Refusal {
    /// The message the store's owner reads (Korean first).
    pub fn message(&self) -> String {
        match self {
            Refusal::TooOld { days } => format!(
                "매장 환불 정책에 따라 결제 후 {days}일이 지난 결제는 환불할 수 없습니다. \
                 (refund window of {days} days has passed)"
            ),
            Refusal::DailyLimit { per_day } => format!(
                "매장 환불 정책에 따라 하루 {per_day}건까지만 환불할 수 있습니다. 내일 다시 시도하세요. \
                 (daily refund limit of {per_day} reached)"
            ),
        }
    }
}

const DAY: i64 = 86_400;

impl RefundPolicy {
    /// Whether a refund of a payment paid at `paid_at` may go ahead at `now`, with
    /// `refunds_today` refunds already forwarded today. An unpaid payment (`paid_at` 0) is left
    /// to Iamport to refuse.
    pub fn check(&self, now: i64, paid_at: i64, refunds_today: i64) -> Result<(), Refusal> {
        if let Some(days) = self.window_days {
            if paid_at > 0 && now.saturating_sub(paid_at) > i64::from(days).saturating_mul(DAY) {
                return Err(Refusal::TooOld { days });
            }
        }
        if let Some(per_day) = self.per_day {
            if refunds_today >= i64::from(per_day) {
                return Err(Refusal::DailyLimit { per_day });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refund_policy_table() {
        let now = 100 * DAY;
        let both = RefundPolicy {
            window_days: Some(30),
            per_day: Some(2),
        };
        type Case = (&'static str, RefundPolicy, i64, i64, Result<(), Refusal>);
        let cases: &[Case] = &[
            (
                "no policy allows anything",
                RefundPolicy::default(),
                1,
                99,
                Ok(()),
            ),
            ("inside the window", both, now - 29 * DAY, 0, Ok(())),
            (
                "exactly 30 days is still inside",
                both,
                now - 30 * DAY,
                0,
                Ok(()),
            ),
            (
                "a second past the window",
                both,
                now - 30 * DAY - 1,
                0,
                Err(Refusal::TooOld { days: 30 }),
            ),
            ("second refund of the day", both, now - DAY, 1, Ok(())),
            (
                "third refund of the day",
                both,
                now - DAY,
                2,
                Err(Refusal::DailyLimit { per_day: 2 }),
            ),
            (
                "unpaid payments are Iamport's to refuse",
                both,
                0,
                0,
                Ok(()),
            ),
            (
                "a zero daily limit refuses every refund",
                RefundPolicy {
                    window_days: None,
                    per_day: Some(0),
                },
                now,
                0,
                Err(Refusal::DailyLimit { per_day: 0 }),
            ),
        ];
        for (name, policy, paid_at, today, want) in cases {
            assert_eq!(policy.check(now, *paid_at, *today), *want, "{name}");
        }
    }
}
