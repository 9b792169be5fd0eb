//! Malformed, oversized and hostile input: 400 envelopes, never a panic or corrupted state.

use crate::support::{assert_error, Env};
use reqwest::StatusCode;

#[tokio::test]
async fn malformed_json_is_a_400_envelope() {
    let env = Env::start().await;
    let resp = env
        .http
        .post(env.url("/payments/cancel"))
        .header("Authorization", env.token())
        .header("Content-Type", "application/json")
        .body("{\"imp_uid\": ")
        .send()
        .await
        .expect("sent");
    let status = resp.status();
    let body: serde_json::Value = resp.json().await.expect("envelope");
    assert_error(status, &body, StatusCode::BAD_REQUEST, 1, "broken JSON");
}

#[tokio::test]
async fn oversized_body_is_a_400_envelope() {
    let env = Env::start().await;
    let big = format!("{{\"imp_uid\": \"{}\"}}", "x".repeat(200 * 1024));
    let resp = env
        .http
        .post(env.url("/payments/cancel"))
        .header("Authorization", env.token())
        .header("Content-Type", "application/json")
        .body(big)
        .send()
        .await
        .expect("sent");
    let status = resp.status();
    let body: serde_json::Value = resp.json().await.expect("envelope");
    assert_error(status, &body, StatusCode::BAD_REQUEST, 1, "200 KiB body");
}

#[tokio::test]
async fn unknown_path_and_wrong_method_get_envelopes() {
    let env = Env::start().await;
    let (status, body) = env.get("/no/such/api").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, 1, "unknown path");
    let (status, body) = env.delete("/payments/cancel").await;
    assert_error(
        status,
        &body,
        StatusCode::METHOD_NOT_ALLOWED,
        1,
        "wrong method",
    );
}

#[tokio::test]
async fn wrong_types_and_hostile_values_do_not_break_the_server() {
    let env = Env::start().await;
    let hostile = [
        (
            "/payments/cancel",
            serde_json::json!({"imp_uid": ["a"], "amount": "lots"}),
        ),
        (
            "/payments/cancel",
            serde_json::json!({"merchant_uid": "x", "amount": 1e300}),
        ),
        (
            "/payments/cancel",
            serde_json::json!({"merchant_uid": "x", "amount": -9223372036854775807_i64}),
        ),
        (
            "/subscribe/payments/schedule",
            serde_json::json!({"customer_uid": "c", "schedules": "nope"}),
        ),
        (
            "/subscribe/payments/again",
            serde_json::json!({"customer_uid": "c", "merchant_uid": "m", "amount": 1.5, "name": "n"}),
        ),
        (
            "/payments/prepare",
            serde_json::json!({"merchant_uid": "m".repeat(41), "amount": 1}),
        ),
    ];
    for (path, body) in hostile {
        let (status, reply) = env.post(path, body.clone()).await;
        assert_ne!(
            reply["code"], 0,
            "{path} {body} is refused: {status} {reply}"
        );
        assert!(reply["response"].is_null(), "no partial result for {body}");
    }
    let (status, _) = env.get("/payments/status/all?page=-1&limit=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "bad query values are 400");
    let (status, _) = env
        .get("/payments/status/all?from=9223372036854775807&to=-9223372036854775808")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "extreme window is 400");
    let (status, body) = env.get("/payments/status/all").await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::OK, serde_json::json!(0)),
        "server still healthy"
    );
}
