//! A relay in front of Iamport that cannot reach it answers 503 with
//! [`iamport::UNREACHABLE_HEADER`]: the client classifies that as it classifies a dead Iamport
//! (a retryable transport failure, nothing sent), for lookups and charges alike; a plain 503
//! stays what it is.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use axum::{Json, Router};
use iamport::{AgainRequest, Client, Config, Error, UNREACHABLE_HEADER, UNREACHABLE_VALUE};
use serde_json::json;

use crate::fake::{KEY, SECRET};

/// A relay on loopback: tokens are issued, every other call answers 503, with the unreachable
/// header when `marked`.
async fn relay(marked: bool) -> (Client, tokio::task::JoinHandle<()>) {
    let down = move || async move {
        let mut r: Response = (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"code": -1, "message": "Iamport에 연결할 수 없습니다.", "response": null})),
        )
            .into_response();
        if marked {
            r.headers_mut().insert(
                UNREACHABLE_HEADER,
                HeaderValue::from_static(UNREACHABLE_VALUE),
            );
        }
        r
    };
    let app = Router::new()
        .route(
            "/users/getToken",
            post(|| async {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                Json(json!({"code": 0, "message": null, "response":
                    {"access_token": "relay-token", "now": now, "expired_at": now + 1800}}))
            }),
        )
        .fallback(any(down));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let client = Client::new(Config::new(format!("http://{addr}"), KEY, SECRET)).expect("client");
    (client, server)
}

fn again() -> AgainRequest {
    AgainRequest {
        customer_uid: "ab12_card1".into(),
        merchant_uid: "ab12_renew_01".into(),
        amount: 9900,
        name: "월간 이용권".into(),
        ..AgainRequest::default()
    }
}

#[tokio::test]
async fn iamport_unreachable_behind_a_relay_is_a_transport_error_for_lookups_and_charges() {
    let (client, server) = relay(true).await;
    let lookup = client
        .find_payment("ab12_order", None)
        .await
        .expect_err("unreachable");
    assert!(
        matches!(lookup, Error::Transport { .. }) && lookup.is_retryable(),
        "a lookup is a retryable transport failure, as with a dead Iamport: {lookup:?}"
    );
    let charge = client.again(&again()).await.expect_err("unreachable");
    assert!(
        matches!(charge, Error::Transport { .. }) && !charge.is_outcome_unknown(),
        "a charge the relay could not send is not of unknown outcome: {charge:?}"
    );
    server.abort();
}

#[tokio::test]
async fn a_plain_503_is_still_a_server_error_or_an_unknown_outcome() {
    let (client, server) = relay(false).await;
    let lookup = client
        .find_payment("ab12_order", None)
        .await
        .expect_err("503");
    assert!(
        matches!(
            lookup,
            Error::Server {
                http_status: 503,
                ..
            }
        ),
        "without the header a 503 is Iamport failing, not unreachable: {lookup:?}"
    );
    let charge = client.again(&again()).await.expect_err("503");
    assert!(
        charge.is_outcome_unknown(),
        "a 503 to a charge without the header may hide a charge: {charge:?}"
    );
    server.abort();
}
