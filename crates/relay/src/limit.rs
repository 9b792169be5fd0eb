//! Per-store rate limit: a token bucket per store in each relay instance (burst of two
//! seconds' worth). Behind N instances a store gets at most N times its rate.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// The buckets of one relay instance.
#[derive(Debug, Default)]
pub struct Limiter {
    buckets: Mutex<HashMap<i64, Bucket>>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Limiter {
    /// Takes one request from store `store_id`'s bucket; `false` when it is empty.
    #[allow(clippy::float_arithmetic)] // request tokens, not money
    pub fn admit(&self, store_id: i64, per_second: i32) -> bool {
        let rate = f64::from(per_second.max(1));
        let burst = rate * 2.0;
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return true;
        };
        let bucket = buckets.entry(store_id).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let elapsed = now.duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_two_seconds_then_refusals() {
        let limiter = Limiter::default();
        let admitted = (0..20).filter(|_| limiter.admit(1, 5)).count();
        assert_eq!(admitted, 10, "5 per second allows a burst of 10");
        assert!(limiter.admit(2, 5), "another store has its own bucket");
    }
}
