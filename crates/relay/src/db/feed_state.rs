//! `feed_state`: the one upstream change-feed cursor shared by every relay instance.

use tokio_postgres::Transaction;

use crate::error::Result;

/// Where the next upstream read starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// `from` of the upstream query (`None`: Iamport's default window).
    pub query_from: Option<i64>,
    /// Page of that query to read next.
    pub page: i32,
}

/// Claims the feed for this transaction if no instance read it in the last `interval_secs`
/// and no other instance holds it now; `None` otherwise. The row lock lasts until commit.
pub async fn claim(tx: &Transaction<'_>, interval_secs: f64) -> Result<Option<Cursor>> {
    let row = tx
        .query_opt(
            "SELECT query_from, page FROM feed_state WHERE id = 1 \
               AND (last_read_at IS NULL OR last_read_at <= now() - make_interval(secs => $1)) \
             FOR UPDATE SKIP LOCKED",
            &[&interval_secs],
        )
        .await?;
    Ok(row.map(|r| Cursor {
        query_from: r.get(0),
        page: r.get(1),
    }))
}

/// How a read of the upstream feed ended (kept with the cursor for the operator; what stores
/// are told follows every upstream call, see `upstream_reach`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upstream {
    /// Iamport answered every page read (or answered with an error: it is reachable).
    Answered,
    /// No answer from Iamport at all: it is unreachable until a later read gets one.
    Unreachable,
}

/// Saves the cursor after a read of `requests` upstream pages (and the error that ended it).
pub async fn save(
    tx: &Transaction<'_>,
    cursor: Cursor,
    requests: i64,
    error: Option<&str>,
    upstream: Upstream,
) -> Result<()> {
    let unreachable = upstream == Upstream::Unreachable;
    tx.execute(
        "UPDATE feed_state SET query_from = $1, page = $2, last_read_at = now(), \
         upstream_requests = upstream_requests + $3, last_error = $4, \
         upstream_unreachable = $5 WHERE id = 1",
        &[
            &cursor.query_from,
            &cursor.page,
            &requests,
            &error,
            &unreachable,
        ],
    )
    .await?;
    Ok(())
}

/// How many upstream feed requests all instances made so far.
pub async fn upstream_requests(db: &impl tokio_postgres::GenericClient) -> Result<i64> {
    Ok(db
        .query_one("SELECT upstream_requests FROM feed_state WHERE id = 1", &[])
        .await?
        .get(0))
}
