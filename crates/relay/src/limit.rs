//! Per-store rate limit: one token bucket per store in PostgreSQL (burst of two seconds'
//! worth), so every relay instance behind the load balancer draws from the same bucket and a
//! store gets its rate however many instances there are.

use tokio_postgres::GenericClient;

use crate::error::Result;

/// What the store's bucket said to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// A token was taken: serve the request.
    Admitted,
    /// The bucket is empty: refuse with 429 and tell the store to wait `retry_after_secs`
    /// (whole seconds until the bucket holds a token again, at least 1).
    Refused {
        /// The `Retry-After` to send.
        retry_after_secs: i64,
    },
}

/// Takes one request from store `store_id`'s bucket in one statement (the row lock serialises
/// instances), or says how long until it holds a token again. The bucket is refilled by the
/// time since it was last drawn from, on PostgreSQL's clock (the one clock every instance
/// shares).
pub async fn admit(db: &impl GenericClient, store_id: i64, per_second: i32) -> Result<Admission> {
    let rate = f64::from(per_second.max(1));
    let row = db
        .query_opt(
            "INSERT INTO rate_buckets AS b (store_id, tokens, refilled_at) \
             VALUES ($1, $2::float8 * 2 - 1, clock_timestamp()) \
             ON CONFLICT (store_id) DO UPDATE \
             SET tokens = LEAST($2::float8 * 2, b.tokens \
                     + EXTRACT(EPOCH FROM EXCLUDED.refilled_at - b.refilled_at)::float8 * $2::float8) - 1, \
                 refilled_at = EXCLUDED.refilled_at \
             WHERE LEAST($2::float8 * 2, b.tokens \
                     + EXTRACT(EPOCH FROM EXCLUDED.refilled_at - b.refilled_at)::float8 * $2::float8) >= 1 \
             RETURNING b.tokens",
            &[&store_id, &rate],
        )
        .await?;
    if row.is_some() {
        return Ok(Admission::Admitted);
    }
    Ok(Admission::Refused {
        retry_after_secs: seconds_to_a_token(db, store_id, rate).await?,
    })
}

/// Whole seconds until store `store_id`'s bucket holds one token, at least 1 (a hint: another
/// instance may draw meanwhile, and the store is refused again and told again).
async fn seconds_to_a_token(db: &impl GenericClient, store_id: i64, rate: f64) -> Result<i64> {
    let row = db
        .query_opt(
            "SELECT GREATEST(1, CEIL((1 - LEAST($2::float8 * 2, tokens \
                     + EXTRACT(EPOCH FROM clock_timestamp() - refilled_at)::float8 * $2::float8)) \
                 / $2::float8))::int8 \
             FROM rate_buckets WHERE store_id = $1",
            &[&store_id, &rate],
        )
        .await?;
    Ok(row.map_or(1, |row| row.get::<_, i64>(0)))
}
