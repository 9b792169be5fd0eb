//! `store_tokens`: relay access tokens, kept as SHA-256 so a database dump holds no usable token.

use tokio_postgres::GenericClient;

use super::stores::digest;
use crate::error::Result;

/// A token lives as long as Iamport's: 30 minutes.
pub const LIFETIME_SECS: i64 = 1800;

/// Stores a freshly minted token for `store_id`, valid [`LIFETIME_SECS`] from now. Expired
/// tokens older than a day are swept on the way.
pub async fn insert(db: &impl GenericClient, store_id: i64, token: &str) -> Result<()> {
    db.execute(
        "INSERT INTO store_tokens (token_sha256, store_id, expires_at) \
         VALUES ($1, $2, now() + make_interval(secs => $3))",
        &[&digest(token), &store_id, &(LIFETIME_SECS as f64)],
    )
    .await?;
    db.execute(
        "DELETE FROM store_tokens WHERE expires_at < now() - interval '1 day'",
        &[],
    )
    .await?;
    Ok(())
}
