//! `upstream_reach`: whether Iamport answered the latest upstream call of any relay instance.

use tokio_postgres::GenericClient;

use crate::error::Result;

/// Records that an upstream call observed at `observed_ms` (Unix ms) got no answer
/// (`unreachable`) or some answer. A report older than the one recorded is ignored, so a slow
/// call that started before an outage cannot clear what a later call found. Only a change (or
/// a newer "unreachable") writes the row: while Iamport answers, this is a read.
pub async fn record(db: &impl GenericClient, unreachable: bool, observed_ms: i64) -> Result<()> {
    db.execute(
        "UPDATE upstream_reach SET unreachable = $1, observed_ms = $2 \
         WHERE id = 1 AND observed_ms <= $2 AND (unreachable <> $1 OR $1)",
        &[&unreachable, &observed_ms],
    )
    .await?;
    Ok(())
}

/// Whether the latest upstream call (of any instance) got no answer from Iamport.
pub async fn unreachable(db: &impl GenericClient) -> Result<bool> {
    Ok(db
        .query_one("SELECT unreachable FROM upstream_reach WHERE id = 1", &[])
        .await?
        .get(0))
}
