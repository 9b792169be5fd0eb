//! Dunning: what to do after a renewal charge fails. Pure; the life cycle applies the answer.
//!
//! Iamport V1 has no retries of its own. The policy retries a soft decline (limit exceeded,
//! temporary refusal) at fixed offsets from the *first* failure of the period (default +1, +3,
//! +7 and +14 days: four retries over two weeks); the subscription is `past_due` meanwhile and
//! the music keeps playing. A hard decline (deleted or expired card, a billing key Iamport does
//! not know) is never retried: the subscription is `unpaid` at once, as it is when the retries
//! run out.
//!
//! [`classify_decline`] is the one place that reads Iamport's free-text failure reasons.

use chrono::{DateTime, Duration, Utc};

/// How a failed charge is retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DunningPolicy {
    /// Offsets of each retry from the first failure, increasing. Its length is the number of
    /// retries.
    pub retry_offsets: Vec<Duration>,
}

impl Default for DunningPolicy {
    /// Four retries over 14 days: +1, +3, +7, +14 days from the first failure.
    fn default() -> Self {
        DunningPolicy {
            retry_offsets: [1, 3, 7, 14].into_iter().map(Duration::days).collect(),
        }
    }
}

impl DunningPolicy {
    /// A policy from retry days after the first failure (e.g. `[1, 3, 7, 14]`). Days are sorted
    /// and de-duplicated; negative days and days beyond what a `Duration` holds are dropped.
    pub fn from_days(days: &[i64]) -> DunningPolicy {
        let mut days: Vec<i64> = days.iter().copied().filter(|d| *d >= 0).collect();
        days.sort_unstable();
        days.dedup();
        DunningPolicy {
            retry_offsets: days.into_iter().filter_map(Duration::try_days).collect(),
        }
    }

    /// How many retries the policy allows.
    pub fn max_retries(&self) -> u32 {
        u32::try_from(self.retry_offsets.len()).unwrap_or(u32::MAX)
    }
}

/// Whether a decline is worth retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclineKind {
    /// May succeed later (limit, temporary refusal, network at the card company).
    Soft,
    /// Will not succeed with this billing key (deleted, expired, lost card; unknown key).
    Hard,
}

/// Fragments of Iamport/PG failure texts that mean the key itself is unusable.
const HARD_MARKERS: &[&str] = &[
    // Iamport: `again` or a schedule on a key it does not know (deleted key included).
    "등록되지 않은 구매자",
    "billing key not found",
    "등록된 정보를 찾을 수 없습니다",
    "등록된 고객정보가 없습니다",
    // Card state reported by the PG.
    "유효기간",
    "만료",
    "분실",
    "도난",
    "해지",
    "삭제된",
    "expired",
];

/// Classifies a failure reason (`Payment.fail_reason`, `Schedule.fail_reason` or an error
/// message of `again`). Unknown or missing reasons are soft: retrying a hard decline costs a
/// refused request, not retrying a soft one costs a customer.
pub fn classify_decline(reason: Option<&str>) -> DeclineKind {
    let Some(reason) = reason else {
        return DeclineKind::Soft;
    };
    let lower = reason.to_lowercase();
    if HARD_MARKERS.iter().any(|m| lower.contains(m)) {
        DeclineKind::Hard
    } else {
        DeclineKind::Soft
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DunningStep {
    /// Stay `past_due` and retry at this instant.
    RetryAt(DateTime<Utc>),
    /// Stop: the subscription becomes `unpaid`.
    GiveUp(GiveUpReason),
}

/// Why dunning stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveUpReason {
    /// The decline cannot be fixed by retrying.
    HardDecline,
    /// Every retry of the policy was made.
    RetriesExhausted,
}

impl GiveUpReason {
    /// The Korean explanation shown to the owner.
    pub fn label_ko(self) -> &'static str {
        match self {
            GiveUpReason::HardDecline => {
                "카드를 사용할 수 없습니다 (삭제·만료된 카드 또는 등록되지 않은 빌링키). 카드를 변경하세요."
            }
            GiveUpReason::RetriesExhausted => {
                "재시도를 모두 실패했습니다. 카드를 변경하거나 지금 다시 시도하세요."
            }
        }
    }
}

/// The next step after an attempt failed with `decline`, when `retries_done` policy retries
/// have already been made since the first failure at `first_failed_at`.
///
/// A retry time already in the past (the app was off) is returned as is: it is due now.
pub fn next_step(
    policy: &DunningPolicy,
    first_failed_at: DateTime<Utc>,
    retries_done: u32,
    decline: DeclineKind,
) -> DunningStep {
    if decline == DeclineKind::Hard {
        return DunningStep::GiveUp(GiveUpReason::HardDecline);
    }
    let index = usize::try_from(retries_done).unwrap_or(usize::MAX);
    match policy.retry_offsets.get(index) {
        // `first_failed_at` can come from a wire timestamp: saturate instead of panicking.
        Some(offset) => DunningStep::RetryAt(
            first_failed_at
                .checked_add_signed(*offset)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        ),
        None => DunningStep::GiveUp(GiveUpReason::RetriesExhausted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 1, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn the_default_policy_retries_four_times_on_days_1_3_7_and_14() {
        let policy = DunningPolicy::default();
        let steps: Vec<DunningStep> = (0..5)
            .map(|done| next_step(&policy, t0(), done, DeclineKind::Soft))
            .collect();
        let day = |d| DunningStep::RetryAt(t0() + Duration::days(d));
        assert_eq!(
            steps,
            vec![
                day(1),
                day(3),
                day(7),
                day(14),
                DunningStep::GiveUp(GiveUpReason::RetriesExhausted)
            ],
            "four retries from the first failure, then give up"
        );
    }

    #[test]
    fn out_of_range_days_and_instants_never_panic() {
        let policy = DunningPolicy::from_days(&[i64::MAX, 1]);
        assert_eq!(
            policy.max_retries(),
            1,
            "a day count no Duration holds is dropped"
        );
        assert_eq!(
            next_step(&policy, DateTime::<Utc>::MAX_UTC, 0, DeclineKind::Soft),
            DunningStep::RetryAt(DateTime::<Utc>::MAX_UTC),
            "a first failure at the end of time saturates instead of overflowing"
        );
    }

    #[test]
    fn a_hard_decline_is_never_retried() {
        let step = next_step(&DunningPolicy::default(), t0(), 0, DeclineKind::Hard);
        assert_eq!(
            step,
            DunningStep::GiveUp(GiveUpReason::HardDecline),
            "a deleted or expired card goes unpaid at once"
        );
    }

    #[test]
    fn a_custom_policy_is_sorted_and_counts_its_retries() {
        let policy = DunningPolicy::from_days(&[5, 2, 2, -1]);
        assert_eq!(policy.max_retries(), 2, "duplicates and negatives dropped");
        assert_eq!(
            next_step(&policy, t0(), 0, DeclineKind::Soft),
            DunningStep::RetryAt(t0() + Duration::days(2)),
            "earliest day first"
        );
        let none = DunningPolicy::from_days(&[]);
        assert_eq!(
            next_step(&none, t0(), 0, DeclineKind::Soft),
            DunningStep::GiveUp(GiveUpReason::RetriesExhausted),
            "a policy without retries gives up on the first failure"
        );
    }

    #[test]
    fn declines_are_classified_from_what_iamport_and_the_sandbox_say() {
        let cases = [
            (Some("등록되지 않은 구매자입니다."), DeclineKind::Hard),
            (
                Some("등록되지 않은 구매자입니다. (billing key not found)"),
                DeclineKind::Hard,
            ),
            (
                Some("요청하신 customer_uid(cust_1)로 등록된 정보를 찾을 수 없습니다."),
                DeclineKind::Hard,
            ),
            (Some("[F0123] 유효기간이 지난 카드입니다."), DeclineKind::Hard),
            (Some("분실 신고된 카드입니다"), DeclineKind::Hard),
            (Some("Card Expired"), DeclineKind::Hard),
            (
                Some("[F0004] 카드 승인이 거절되었습니다. (한도초과 또는 사용 정지된 카드) (sandbox)"),
                DeclineKind::Soft,
            ),
            (Some("잔액이 부족합니다"), DeclineKind::Soft),
            (None, DeclineKind::Soft),
        ];
        for (reason, want) in cases {
            assert_eq!(classify_decline(reason), want, "{reason:?}");
        }
    }
}
