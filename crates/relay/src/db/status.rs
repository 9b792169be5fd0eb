//! What an operator checks: the feed reader's last read and error, whether Iamport answered the
//! latest upstream call, writes of unknown outcome.

use serde::Serialize;
use tokio_postgres::GenericClient;

use crate::error::Result;

/// The relay's state as the database holds it.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// Stores, and how many of them are enabled.
    pub stores: i64,
    /// Enabled stores.
    pub enabled_stores: i64,
    /// Seconds since the change feed was last read upstream (`None`: never).
    pub feed_read_seconds_ago: Option<i64>,
    /// Upstream feed requests so far, all instances together.
    pub feed_upstream_requests: i64,
    /// The error of the last feed read, if it failed.
    pub feed_last_error: Option<String>,
    /// Whether the latest upstream call of any instance got no answer from Iamport (the
    /// relay's own answers then say "Iamport unreachable"; see `reach.rs`).
    pub upstream_unreachable: bool,
    /// Seconds since the recorded observation: while unreachable, the latest call that got no
    /// answer; otherwise the call that found Iamport answering again (`None`: never found
    /// unreachable).
    pub upstream_reach_seconds_ago: Option<i64>,
    /// Payments the relay holds for its stores.
    pub payments: i64,
    /// Forwarded writes whose outcome is not known yet (looked up on their retry, or in the
    /// background once `settle_after` has passed).
    pub writes_of_unknown_outcome: i64,
}

/// Reads the status.
pub async fn read(db: &impl GenericClient) -> Result<Status> {
    let row = db
        .query_one(
            "SELECT (SELECT count(*) FROM stores), \
                    (SELECT count(*) FROM stores WHERE disabled_at IS NULL), \
                    (SELECT extract(epoch FROM now() - last_read_at)::bigint FROM feed_state), \
                    (SELECT upstream_requests FROM feed_state), \
                    (SELECT last_error FROM feed_state), \
                    (SELECT count(*) FROM payments), \
                    (SELECT count(*) FROM audit a WHERE COALESCE((SELECT o.outcome FROM audit_outcomes o \
                        WHERE o.audit_id = a.id ORDER BY o.id DESC LIMIT 1), 'unknown') = 'unknown'), \
                    (SELECT unreachable FROM upstream_reach WHERE id = 1), \
                    (SELECT (extract(epoch FROM now()) * 1000)::bigint - observed_ms \
                       FROM upstream_reach WHERE id = 1 AND observed_ms > 0)",
            &[],
        )
        .await?;
    Ok(Status {
        stores: row.get(0),
        enabled_stores: row.get(1),
        feed_read_seconds_ago: row.get(2),
        feed_upstream_requests: row.get(3),
        feed_last_error: row.get(4),
        upstream_unreachable: row.get::<_, Option<bool>>(7).unwrap_or(false),
        upstream_reach_seconds_ago: row.get::<_, Option<i64>>(8).map(|ms| ms.max(0) / 1000),
        payments: row.get(5),
        writes_of_unknown_outcome: row.get(6),
    })
}
