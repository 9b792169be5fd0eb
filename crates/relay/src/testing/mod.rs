//! Test support for other crates (feature `testing`): a throwaway PostgreSQL server and a relay
//! in front of a given upstream (the sandbox) with one store, so a client's suites can run
//! through the relay exactly as a store PC in relay mode would.

#![allow(clippy::expect_used, clippy::unwrap_used)]

pub mod pg;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::db::stores::{self, NewStore};
use crate::{read_feed_once, Relay, RelayConfig};

/// A relay in front of an upstream, on loopback, with a fresh database and one store.
pub struct TestRelay {
    /// The running relay.
    pub relay: Relay,
    /// The store's key, secret and uid prefix.
    pub store: NewStore,
    /// The relay's database.
    pub db_url: String,
}

impl TestRelay {
    /// Starts a relay in front of `upstream` (whose real key is `imp_key`/`imp_secret`) with a
    /// quick feed reader and no freshness shortcut, and adds the store `store`.
    pub async fn start(upstream: &str, imp_key: &str, imp_secret: &str) -> TestRelay {
        TestRelay::start_with(upstream, imp_key, imp_secret, |_| {}).await
    }

    /// [`TestRelay::start`] with the configuration adjusted by `adjust` (a fault test shortens
    /// the upstream timeout below its store client's, as in production).
    pub async fn start_with(
        upstream: &str,
        imp_key: &str,
        imp_secret: &str,
        adjust: impl FnOnce(&mut RelayConfig),
    ) -> TestRelay {
        TestRelay::start_on(pg::shared(), upstream, imp_key, imp_secret, adjust).await
    }

    /// [`TestRelay::start_with`] on the PostgreSQL server `pg` instead of the shared one (a
    /// test that stops and restarts its server must not take the other tests' down with it).
    pub async fn start_on(
        pg: &pg::Pg,
        upstream: &str,
        imp_key: &str,
        imp_secret: &str,
        adjust: impl FnOnce(&mut RelayConfig),
    ) -> TestRelay {
        let db_url = pg.fresh_db().await;
        let mut config = RelayConfig::new(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            &db_url,
            upstream,
            imp_key,
            imp_secret,
        );
        config.feed_interval = Duration::from_millis(100);
        // The tests re-read the clock when they move it (`catch_up`); a timed re-read would add
        // an upstream request whenever a slow test passes the 30-second mark, and the tests count
        // upstream requests.
        config.clock_sync_interval = Duration::from_secs(3600);
        config.fresh = Duration::ZERO;
        config.upstream_timeout = Duration::from_secs(5);
        config.pool_size = 4;
        adjust(&mut config);
        let relay = Relay::start(config).await.expect("the relay starts");
        let (client, conn) = tokio_postgres::connect(&db_url, tokio_postgres::NoTls)
            .await
            .expect("the relay's database");
        tokio::spawn(conn);
        let store = stores::add(&client, "store").await.expect("a store");
        TestRelay {
            relay,
            store,
            db_url,
        }
    }

    /// The relay's base URL.
    pub fn base_url(&self) -> String {
        self.relay.base_url()
    }

    /// Waits until the relay has read the upstream feed once after this call, so a change made
    /// upstream before it is in the store's feed.
    pub async fn catch_up(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match read_feed_once(self.relay.state()).await {
                Ok(tick) if tick.read => return,
                _ if Instant::now() > deadline => panic!("the relay's feed reader never read"),
                _ => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    }

    /// Makes the relay re-read Iamport's clock now (it does every 30 s by itself): for tests
    /// that move the sandbox's clock and need the relay's `now` to follow at once.
    pub async fn sync_clock(&self) {
        self.relay.sync_clock().await;
    }

    /// Sets the store's rate limit (requests per second; 20 by default) for a test that sends
    /// more than a store PC does and does not test the limit.
    pub async fn set_rate(&self, per_second: i32) {
        let (client, conn) = tokio_postgres::connect(&self.db_url, tokio_postgres::NoTls)
            .await
            .expect("the relay's database");
        tokio::spawn(conn);
        stores::set_policy(
            &client,
            "store",
            Some(per_second),
            crate::policy::RefundPolicy::default(),
        )
        .await
        .expect("the store's rate");
    }

    /// The relay's state as an operator reads it (`panmusic-relay status`): among it, the
    /// forwarded writes whose outcome the relay could not record.
    pub async fn status(&self) -> crate::db::status::Status {
        let (client, conn) = tokio_postgres::connect(&self.db_url, tokio_postgres::NoTls)
            .await
            .expect("the relay's database");
        tokio::spawn(conn);
        crate::db::status::read(&client)
            .await
            .expect("the relay's status")
    }

    /// Forwarded writes whose answer from Iamport the relay never recorded (the database went
    /// while they were out): left of unknown outcome, or settled later by a lookup on a retry.
    pub async fn writes_with_answer_unrecorded(&self) -> i64 {
        let (client, conn) = tokio_postgres::connect(&self.db_url, tokio_postgres::NoTls)
            .await
            .expect("the relay's database");
        tokio::spawn(conn);
        client
            .query_one(
                "SELECT count(*) FROM audit a WHERE NOT EXISTS (SELECT 1 FROM audit_outcomes o \
                 WHERE o.audit_id = a.id AND o.outcome IN ('answered', 'not_applied', 'unknown'))",
                &[],
            )
            .await
            .expect("the relay's audit")
            .get(0)
    }

    /// Stops the relay.
    pub async fn stop(self) {
        let _ = self.relay.shutdown().await;
    }
}
