//! Per-store rate limit: one token bucket per store in PostgreSQL (burst of two seconds'
//! worth), so every relay instance behind the load balancer draws from the same bucket and a
//! store gets its rate however many instances there are.

use tokio_postgres::GenericClient;

use crate::error::Result;

/// Takes one request from store `store_id`'s bucket in one statement (the row lock serialises
/// instances); `false` when it is empty. The bucket is refilled by the time since it was last
/// drawn from, on PostgreSQL's clock (the one clock every instance shares).
pub async fn admit(db: &impl GenericClient, store_id: i64, per_second: i32) -> Result<bool> {
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
    Ok(row.is_some())
}
