//! Iamport tells the relay to slow down (HTTP 429 with `Retry-After`): the relay passes the
//! pause on to the stores as their `Retry-After` and holds no store's request meanwhile (each is
//! answered 429 at once and nothing more is sent to Iamport until the pause is over).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use iamport_sandbox::{Sandbox, SandboxConfig};
use panmusic_relay::Relay;
use serde_json::json;

use crate::support::{config, Env};

/// An Iamport that issues tokens, has no payments to list, and answers every payment lookup
/// 429 with `Retry-After: 30`. Returns its base URL and the number of lookups it received.
async fn busy_iamport() -> (String, Arc<AtomicU64>) {
    let lookups = Arc::new(AtomicU64::new(0));
    let app = Router::new()
        .route(
            "/users/getToken",
            post(|| async {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                Json(json!({"code": 0, "message": null, "response":
                    {"access_token": "busy", "now": now, "expired_at": now + 1800}}))
            }),
        )
        .route(
            "/payments/status/{status}",
            get(|| async {
                Json(json!({"code": 0, "message": null, "response":
                    {"total": 0, "previous": 0, "next": 0, "list": []}}))
            }),
        )
        .route(
            "/payments/{imp_uid}",
            get(|State(lookups): State<Arc<AtomicU64>>| async move {
                lookups.fetch_add(1, Ordering::SeqCst);
                let mut r: Response = (
                    StatusCode::TOO_MANY_REQUESTS,
                    Json(json!({"code": -1, "message": "too many requests", "response": null})),
                )
                    .into_response();
                r.headers_mut()
                    .insert("retry-after", HeaderValue::from_static("30"));
                r
            }),
        )
        .with_state(lookups.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), lookups)
}

/// The `Retry-After` of a store's lookup through the relay, which must be a 429.
async fn retry_after_of_a_lookup(env: &Env, token: &str) -> u64 {
    let reply = env
        .http
        .get(format!("{}/payments/imp_busy", env.relay.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .expect("the relay answers");
    assert_eq!(reply.status(), 429, "Iamport's 429 reaches the store");
    reply
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("a 429 with Retry-After: {:?}", reply.headers()))
}

#[tokio::test]
async fn iamports_pause_is_passed_on_to_the_store_and_no_request_is_held() {
    let (upstream, lookups) = busy_iamport().await;
    let db_url = crate::pg::shared().fresh_db().await;
    let relay = Relay::start(config(&db_url, &upstream))
        .await
        .expect("relay starts");
    let env = Env {
        db_url,
        sandbox: Sandbox::start(SandboxConfig::default())
            .await
            .expect("sandbox starts"),
        relay,
        http: reqwest::Client::new(),
    };
    let store = env.add_store("I").await;
    let token = env.token(&store).await;

    let first = retry_after_of_a_lookup(&env, &token).await;
    assert!(
        (20..=30).contains(&first),
        "the store is told Iamport's pause (30 s): {first}"
    );
    let second = retry_after_of_a_lookup(&env, &token).await;
    assert!(
        (1..=30).contains(&second),
        "while the pause lasts the store is told what is left of it: {second}"
    );
    assert_eq!(
        lookups.load(Ordering::SeqCst),
        1,
        "the second lookup was not held and sent to Iamport during its pause"
    );
}
