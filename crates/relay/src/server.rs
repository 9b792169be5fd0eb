//! Wires the router, binds, runs the feed reader, and drains on shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::response::Response;
use axum::routing::{any, get, post};
use axum::Router;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::error::{RelayError, Result};
use crate::routes::{auth, cancel, codes, feed, payments, prepare, receipts, schedules, subscribe};
use crate::state::{RelayState, Shared};
use crate::{db, envelope, feed_reader, settle};

/// How to run one relay instance. `Debug` hides the key and the secret.
#[derive(Clone)]
pub struct RelayConfig {
    /// Address to listen on (port 0 picks a free port).
    pub listen: SocketAddr,
    /// PostgreSQL URL.
    pub database_url: String,
    /// Iamport's base URL (or a sandbox's).
    pub upstream: String,
    /// The real Iamport REST key.
    pub imp_key: String,
    /// The real Iamport REST secret.
    pub imp_secret: String,
    /// Upstream request timeout.
    pub upstream_timeout: Duration,
    /// How often the change feed is read upstream, across all instances.
    pub feed_interval: Duration,
    /// How often this instance re-reads Iamport's clock (a token request upstream).
    pub clock_sync_interval: Duration,
    /// Lookups of payments confirmed this recently are answered from PostgreSQL.
    pub fresh: Duration,
    /// Writes of unknown outcome sent longer ago than this are looked up at Iamport in the
    /// background, without waiting for the store's retry.
    pub settle_after: Duration,
    /// Database connections of this instance.
    pub pool_size: usize,
}

impl std::fmt::Debug for RelayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayConfig")
            .field("listen", &self.listen)
            .field("upstream", &self.upstream)
            .field("imp_key", &"[redacted]")
            .field("imp_secret", &"[redacted]")
            .field("feed_interval", &self.feed_interval)
            .field("fresh", &self.fresh)
            .finish_non_exhaustive()
    }
}

impl RelayConfig {
    /// A configuration with the defaults (5 s feed interval, 2 s freshness, 10 s upstream
    /// timeout, unknown writes settled after 60 s, 16 connections).
    pub fn new(
        listen: SocketAddr,
        database_url: impl Into<String>,
        upstream: impl Into<String>,
        imp_key: impl Into<String>,
        imp_secret: impl Into<String>,
    ) -> Self {
        RelayConfig {
            listen,
            database_url: database_url.into(),
            upstream: upstream.into(),
            imp_key: imp_key.into(),
            imp_secret: imp_secret.into(),
            upstream_timeout: Duration::from_secs(10),
            feed_interval: Duration::from_secs(5),
            clock_sync_interval: Duration::from_secs(30),
            fresh: Duration::from_secs(2),
            settle_after: Duration::from_secs(60),
            pool_size: 16,
        }
    }
}

/// A running relay instance.
pub struct Relay {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    reader: JoinHandle<()>,
    settler: JoinHandle<()>,
    state: Shared,
}

impl Relay {
    /// Migrates the database, binds, and starts serving and reading the change feed.
    pub async fn start(config: RelayConfig) -> Result<Relay> {
        let pool = db::pool(&config.database_url, config.pool_size)?;
        db::migrate(&pool).await?;
        let mut upstream =
            iamport::Config::new(&config.upstream, &config.imp_key, &config.imp_secret);
        upstream.timeout = config.upstream_timeout;
        upstream.connect_timeout = config.upstream_timeout.min(Duration::from_secs(5));
        // Told to slow down by Iamport, the relay holds no store's request: it answers 429 at
        // once with the pause left as Retry-After (`pass_on_slow_down`), and stores wait.
        upstream.slow_down_wait = Duration::ZERO;
        let upstream = iamport::Client::new(upstream).map_err(RelayError::Upstream)?;
        let state: Shared = Arc::new(RelayState {
            db: pool,
            upstream,
            fresh_secs: config.fresh.as_secs_f64(),
            feed_interval: config.feed_interval,
            settle_after: config.settle_after,
            clock_sync_interval: config.clock_sync_interval,
            clock: crate::clock::IamportClock::default(),
            clock_source: (
                reqwest::Client::builder()
                    .timeout(config.upstream_timeout)
                    .build()
                    .unwrap_or_default(),
                config.upstream.clone(),
                config.imp_key.clone(),
                iamport::Secret::new(config.imp_secret.clone()),
            ),
            writes: tokio::sync::Semaphore::new(config.pool_size.saturating_sub(2).max(1)),
            recheck: tokio::sync::Mutex::new(None),
        });
        state.sync_clock().await;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|source| RelayError::Listen {
                addr: config.listen.to_string(),
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| RelayError::Listen {
            addr: config.listen.to_string(),
            source,
        })?;
        let (stop, stopped) = watch::channel(false);
        let app = router(state.clone());
        let mut drain = stopped.clone();
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = drain.wait_for(|s| *s).await;
                })
                .await
        });
        let settler = tokio::spawn(settle::run(state.clone(), stopped.clone()));
        let reader = tokio::spawn(feed_reader::run(state.clone(), stopped));
        Ok(Relay {
            addr,
            stop,
            server,
            reader,
            settler,
            state,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Re-reads Iamport's clock now (it is also re-read every 30 seconds).
    pub async fn sync_clock(&self) {
        self.state.sync_clock().await;
    }

    /// Shared state (tests read the feed counters through it).
    pub fn state(&self) -> &Shared {
        &self.state
    }

    /// Stops taking connections, lets requests in flight finish, stops the feed reader.
    pub async fn shutdown(self) -> Result<()> {
        let _ = self.stop.send(true);
        let served = self.server.await;
        let _ = self.reader.await;
        let _ = self.settler.await;
        match served {
            Ok(Err(source)) => Err(RelayError::Listen {
                addr: self.addr.to_string(),
                source,
            }),
            _ => Ok(()),
        }
    }
}

/// The routes: what the desktop app uses, 403 for V1 operations it does not, 404 otherwise.
pub fn router(state: Shared) -> Router {
    let forbidden = any(|| async { envelope::not_allowed() });
    Router::new()
        .route("/users/getToken", post(auth::get_token))
        .route("/payments", get(payments::batch))
        .route("/payments/{imp_uid}", get(payments::lookup))
        .route("/payments/find/{merchant_uid}", get(payments::find))
        .route(
            "/payments/find/{merchant_uid}/{payment_status}",
            get(payments::find_with_status),
        )
        .route("/payments/status/{payment_status}", get(feed::by_status))
        .route("/payments/prepare", post(prepare::prepare))
        .route("/payments/prepare/{merchant_uid}", get(prepare::prepared))
        .route("/payments/cancel", post(cancel::cancel))
        .route("/banks", get(codes::banks))
        .route(
            "/receipts/{imp_uid}",
            get(receipts::look_up)
                .post(receipts::issue)
                .delete(receipts::cancel),
        )
        .route(
            "/subscribe/customers/{customer_uid}",
            get(subscribe::billing_key)
                .delete(subscribe::delete_billing_key)
                .post(|| async { envelope::not_allowed() }),
        )
        .route("/subscribe/payments/again", post(subscribe::again))
        .route(
            "/subscribe/payments/schedule",
            post(schedules::schedule).get(|| async { envelope::not_allowed() }),
        )
        .route(
            "/subscribe/payments/unschedule",
            post(schedules::unschedule),
        )
        .route(
            "/subscribe/payments/schedule/{merchant_uid}",
            get(schedules::by_merchant_uid).put(|| async { envelope::not_allowed() }),
        )
        .route(
            "/subscribe/payments/schedule/{merchant_uid}/retry",
            post(schedules::retry),
        )
        .route(
            "/subscribe/payments/schedule/{merchant_uid}/reschedule",
            post(schedules::reschedule),
        )
        .route(
            "/subscribe/payments/schedule/customers/{customer_uid}",
            get(schedules::by_customer),
        )
        // V1 operations the desktop app does not use: refused outright.
        .route("/payments/findAll/{merchant_uid}", forbidden.clone())
        .route(
            "/payments/findAll/{merchant_uid}/{payment_status}",
            forbidden.clone(),
        )
        .route("/payments/{imp_uid}/balance", forbidden.clone())
        .route("/subscribe/payments/onetime", forbidden.clone())
        .route("/subscribe/customers", forbidden.clone())
        .route(
            "/subscribe/customers/{customer_uid}/payments",
            forbidden.clone(),
        )
        .route(
            "/subscribe/customers/{customer_uid}/schedules",
            forbidden.clone(),
        )
        .route("/vbanks", forbidden.clone())
        .route("/vbanks/{imp_uid}", forbidden.clone())
        .route("/users/pg", forbidden)
        .fallback(|| async { envelope::unknown_path() })
        .method_not_allowed_fallback(|| async {
            envelope::error(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                1,
                "허용되지 않은 HTTP 메소드입니다.",
            )
        })
        .layer(axum::middleware::from_fn(to_completion))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pass_on_slow_down,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(64 * 1024))
        .with_state(state)
}

/// A 429 passed on from Iamport (or made by the relay's client while Iamport's pause lasts)
/// carries the pause left as its `Retry-After`, as the relay's own rate limit does.
async fn pass_on_slow_down(
    axum::extract::State(state): axum::extract::State<Shared>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let response = next.run(req).await;
    envelope::with_retry_after(response, state.upstream.slow_down_left())
}

/// A store that hangs up does not cut its request short: the handler runs on in a task of its
/// own, so a write that left for Iamport always gets Iamport's answer recorded in the audit (and
/// a resend is answered from there).
async fn to_completion(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    match tokio::spawn(next.run(req)).await {
        Ok(response) => response,
        Err(e) => {
            tracing::error!(error = %e, "a request handler failed");
            envelope::error(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                -1,
                "중계 서버 내부 오류입니다. 잠시 후 다시 시도하세요. (relay internal error)",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_real_key_and_secret() {
        let c = RelayConfig::new(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            "postgres://relay@db/relay",
            "https://api.iamport.kr",
            "real-rest-key",
            "real-rest-secret",
        );
        let shown = format!("{c:?}");
        assert!(!shown.contains("real-rest-key"), "key leaked: {shown}");
        assert!(
            !shown.contains("real-rest-secret"),
            "secret leaked: {shown}"
        );
        assert!(
            !shown.contains("postgres://"),
            "the database URL may hold a password: {shown}"
        );
    }
}
