//! What every handler shares.

use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::Pool;

use crate::clock::IamportClock;

/// Shared state of one relay instance. Everything durable is in PostgreSQL, so instances are
/// interchangeable behind a load balancer.
pub struct RelayState {
    /// The database.
    pub db: Pool,
    /// The one client holding the real Iamport key.
    pub upstream: iamport::Client,
    /// Lookups of payments confirmed with Iamport this recently are answered from the table.
    pub fresh_secs: f64,
    /// How often the change feed is read upstream (by whichever instance gets there first).
    pub feed_interval: Duration,
    /// Writes of unknown outcome sent longer ago than this are looked up at Iamport in the
    /// background (and the background pass runs this often; `settle.rs`).
    pub settle_after: Duration,
    /// How often Iamport's clock is re-read.
    pub clock_sync_interval: Duration,
    /// Iamport's clock.
    pub clock: IamportClock,
    /// Where and how the clock is read: a plain HTTP client, Iamport's base URL, key, secret.
    pub clock_source: (reqwest::Client, String, String, iamport::Secret),
    /// Forwarded writes holding database connections now (each holds two): at most the pool
    /// size less two, so concurrent writes can never all wait for a second connection.
    pub writes: tokio::sync::Semaphore,
    /// When this instance last re-checked an Iamport marked unreachable (see `reach.rs`).
    pub recheck: tokio::sync::Mutex<Option<std::time::Instant>>,
}

impl RelayState {
    /// Re-reads Iamport's clock.
    pub async fn sync_clock(&self) {
        let (http, base, key, secret) = &self.clock_source;
        self.clock.sync(http, base, key, secret.expose()).await;
    }
}

/// The handle handlers get.
pub type Shared = Arc<RelayState>;
