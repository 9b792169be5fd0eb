//! "Too many requests": after an HTTP 429 the client, and every clone of it, sends nothing until
//! the reply's `Retry-After` (1 s without one) has passed. Measured on the server: when each
//! request arrived. Only lower bounds are asserted (a busy machine is slower, never faster).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use iamport::{Client, Config, Error};
use serde_json::json;

use crate::fake::{payment_json, KEY, SECRET};

/// A server that answers the first payment lookup 429 (with `retry_after` when given) and every
/// later one 200, and records when each lookup arrived.
struct Limited {
    client: Client,
    arrivals: Arc<Mutex<Vec<Instant>>>,
    server: tokio::task::JoinHandle<()>,
}

#[derive(Clone)]
struct Served {
    retry_after: Option<&'static str>,
    arrivals: Arc<Mutex<Vec<Instant>>>,
}

async fn lookup(State(s): State<Served>, Path(imp_uid): Path<String>) -> Response {
    let first = {
        let mut arrivals = s.arrivals.lock().unwrap_or_else(|p| p.into_inner());
        arrivals.push(Instant::now());
        arrivals.len() == 1
    };
    if !first {
        let body = json!({"code": 0, "message": null, "response": payment_json(&imp_uid, "m_1")});
        return Json(body).into_response();
    }
    let mut r = (
        StatusCode::TOO_MANY_REQUESTS,
        Json(
            json!({"code": -1, "message": "요청이 너무 많습니다. (rate limit)", "response": null}),
        ),
    )
        .into_response();
    if let Some(value) = s.retry_after {
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_static(value));
    }
    r
}

impl Limited {
    async fn start(retry_after: Option<&'static str>) -> Limited {
        Limited::start_with(retry_after, iamport::slow_down::MAX_PAUSE).await
    }

    /// [`Limited::start`] with a client that waits at most `slow_down_wait` after a 429.
    async fn start_with(retry_after: Option<&'static str>, slow_down_wait: Duration) -> Limited {
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route(
                "/users/getToken",
                post(|| async {
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs());
                    Json(json!({"code": 0, "message": null, "response":
                        {"access_token": "t", "now": now, "expired_at": now + 1800}}))
                }),
            )
            .route("/payments/{imp_uid}", get(lookup))
            .with_state(Served {
                retry_after,
                arrivals: arrivals.clone(),
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let mut config = Config::new(format!("http://{addr}"), KEY, SECRET);
        config.slow_down_wait = slow_down_wait;
        let client = Client::new(config).expect("client");
        Limited {
            client,
            arrivals,
            server,
        }
    }

    /// Time between the first lookup's arrival (answered 429) and the second's.
    fn gap(&self) -> Duration {
        let arrivals = self.arrivals.lock().unwrap_or_else(|p| p.into_inner());
        assert_eq!(arrivals.len(), 2, "two lookups reached the server");
        arrivals[1].duration_since(arrivals[0])
    }

    /// The first lookup, answered 429.
    async fn told_to_slow_down(&self) {
        let err = self.client.payment("imp_1").await.expect_err("429");
        assert!(
            matches!(
                err,
                Error::Api {
                    http_status: 429,
                    ..
                }
            ),
            "the 429 reaches the caller: {err:?}"
        );
        assert!(err.is_retryable(), "a 429 is retried later: {err:?}");
    }
}

#[tokio::test]
async fn after_a_429_the_next_request_waits_for_retry_after() {
    let server = Limited::start(Some("2")).await;
    server.told_to_slow_down().await;
    server
        .client
        .payment("imp_1")
        .await
        .expect("the second lookup passes");
    let gap = server.gap();
    assert!(
        gap >= Duration::from_secs(2),
        "the second request was not sent before Retry-After (2 s) passed: {gap:?}"
    );
    assert_eq!(server.client.too_many_requests(), 1, "one 429 counted");
    server.server.abort();
}

#[tokio::test]
async fn clones_share_the_slow_down() {
    let server = Limited::start(Some("2")).await;
    let clone = server.client.clone();
    server.told_to_slow_down().await;
    clone
        .payment("imp_1")
        .await
        .expect("the clone's lookup passes");
    let gap = server.gap();
    assert!(
        gap >= Duration::from_secs(2),
        "a clone that never met the 429 waits too: {gap:?}"
    );
    assert_eq!(
        clone.too_many_requests(),
        1,
        "the clone sees the shared count"
    );
    server.server.abort();
}

#[tokio::test]
async fn a_429_without_retry_after_pauses_one_second() {
    let server = Limited::start(None).await;
    server.told_to_slow_down().await;
    server
        .client
        .payment("imp_1")
        .await
        .expect("the second lookup passes");
    let gap = server.gap();
    assert!(
        gap >= Duration::from_secs(1),
        "the default pause is one second: {gap:?}"
    );
    server.server.abort();
}

#[tokio::test]
async fn a_client_that_will_not_wait_is_refused_at_once_without_sending() {
    let server = Limited::start_with(Some("30"), Duration::ZERO).await;
    server.told_to_slow_down().await;
    let err = server
        .client
        .payment("imp_1")
        .await
        .expect_err("not sent while 30 s of the pause are left");
    assert!(
        err.is_too_many_requests() && err.is_retryable(),
        "refused as a retryable 429: {err:?}"
    );
    let left = server.client.slow_down_left().unwrap_or_default();
    assert!(
        left > Duration::from_secs(20),
        "the pause left is told, to pass on: {left:?}"
    );
    let arrivals = server.arrivals.lock().map(|a| a.len()).unwrap_or(0);
    assert_eq!(arrivals, 1, "the refused request never reached the server");
    server.server.abort();
}
