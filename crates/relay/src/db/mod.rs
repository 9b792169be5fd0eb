//! PostgreSQL: the pool, the append-only migrations, and one module per table.

pub mod audit;
pub mod feed_state;
pub mod payments;
pub mod reach;
pub mod status;
pub mod stores;
pub mod tokens;

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;

use crate::error::{RelayError, Result};

/// Migrations, in order. Append only: never edit one that has shipped.
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../../migrations/0001_relay.sql")),
    (2, include_str!("../../migrations/0002_rate_buckets.sql")),
    (
        3,
        include_str!("../../migrations/0003_upstream_unreachable.sql"),
    ),
    (4, include_str!("../../migrations/0004_upstream_reach.sql")),
];

/// Any number: the advisory lock that serialises migrations of relays starting together.
const MIGRATION_LOCK: i64 = 0x7061_6e6d_7573_0001;

/// A pool of at most `size` connections. Connections are checked on reuse, so a PostgreSQL
/// restart costs the requests in flight, not the pool.
pub fn pool(url: &str, size: usize) -> Result<Pool> {
    let config: tokio_postgres::Config = url.parse().map_err(RelayError::DatabaseUrl)?;
    let manager_config = ManagerConfig {
        recycling_method: RecyclingMethod::Verified,
    };
    let manager = Manager::from_config(config, NoTls, manager_config);
    Pool::builder(manager)
        .max_size(size)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(Duration::from_secs(5)))
        .create_timeout(Some(Duration::from_secs(5)))
        .recycle_timeout(Some(Duration::from_secs(2)))
        .build()
        .map_err(RelayError::PoolBuild)
}

/// Applies the migrations this database lacks, in one transaction under an advisory lock (two
/// relays starting at once migrate once). Refuses a database migrated by a newer relay.
pub async fn migrate(pool: &Pool) -> Result<i32> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS relay_migrations (
             version INTEGER PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )
    .await?;
    let found: Option<i32> = tx
        .query_one("SELECT max(version) FROM relay_migrations", &[])
        .await?
        .get(0);
    let found = found.unwrap_or(0);
    let known = MIGRATIONS.last().map_or(0, |m| m.0);
    if found > known {
        return Err(RelayError::SchemaTooNew { found, known });
    }
    for (version, sql) in MIGRATIONS.iter().filter(|m| m.0 > found) {
        tx.batch_execute(sql).await?;
        tx.execute(
            "INSERT INTO relay_migrations (version) VALUES ($1)",
            &[version],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(known)
}
