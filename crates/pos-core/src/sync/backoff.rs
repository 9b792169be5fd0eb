//! Exponential backoff with full jitter, in integer milliseconds (no floats on any path).

use std::time::Duration;

use rand::Rng;

/// Backoff bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The delay cap of the first retry.
    pub base: Duration,
    /// The largest delay.
    pub max: Duration,
}

impl Backoff {
    /// The ceiling for retry number `attempt` (1-based): `base * 2^(attempt-1)`, capped.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let shift = attempt.saturating_sub(1).min(20);
        let base_ms = u64::try_from(self.base.as_millis()).unwrap_or(u64::MAX);
        let max_ms = u64::try_from(self.max.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(base_ms.saturating_mul(1u64 << shift).min(max_ms))
    }

    /// A delay for retry `attempt`: uniform in `[ceiling/2, ceiling]` ("equal jitter"), so two
    /// engines or many jobs failing together do not retry in lock-step, yet never retry at once.
    pub fn delay(&self, attempt: u32, rng: &mut impl Rng) -> Duration {
        let ceiling = u64::try_from(self.ceiling(attempt).as_millis()).unwrap_or(u64::MAX);
        let half = ceiling / 2;
        Duration::from_millis(half + rng.random_range(0..=ceiling - half))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    const B: Backoff = Backoff {
        base: Duration::from_millis(1000),
        max: Duration::from_millis(60_000),
    };

    #[test]
    fn the_ceiling_doubles_per_attempt_and_stops_at_the_cap() {
        let got: Vec<u128> = (1..=8).map(|a| B.ceiling(a).as_millis()).collect();
        assert_eq!(
            got,
            vec![1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000],
            "1 s, doubling, capped at 60 s"
        );
    }

    #[test]
    fn a_huge_attempt_count_does_not_overflow() {
        assert_eq!(B.ceiling(u32::MAX), B.max, "capped, no panic");
    }

    #[test]
    fn every_delay_lies_between_half_the_ceiling_and_the_ceiling() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for attempt in 1..12 {
            for _ in 0..50 {
                let d = B.delay(attempt, &mut rng);
                let c = B.ceiling(attempt);
                assert!(
                    d <= c && d >= c / 2,
                    "attempt {attempt}: {d:?} outside [{:?}, {c:?}]",
                    c / 2
                );
            }
        }
    }
}
