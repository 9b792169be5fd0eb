//! Prepared amounts (`/payments/prepare`).

use crate::support::{assert_error, assert_ok, Env};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn prepare_registers_reads_and_updates_an_amount() {
    let env = Env::start().await;
    let (status, body) = env
        .post(
            "/payments/prepare",
            json!({"merchant_uid": "order_p", "amount": 12000}),
        )
        .await;
    assert_eq!(
        assert_ok(status, &body, "prepare")["amount"],
        12000,
        "prepared amount"
    );
    let (status, body) = env.get("/payments/prepare/order_p").await;
    assert_eq!(
        assert_ok(status, &body, "prepare get")["merchant_uid"],
        "order_p",
        "read back"
    );
    let (status, body) = env
        .put(
            "/payments/prepare",
            json!({"merchant_uid": "order_p", "amount": 13000}),
        )
        .await;
    assert_eq!(
        assert_ok(status, &body, "prepare put")["amount"],
        13000,
        "updated"
    );
    let (status, body) = env
        .put(
            "/payments/prepare",
            json!({"merchant_uid": "order_none", "amount": 1}),
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, 1, "put unknown");
    let (status, body) = env.get("/payments/prepare/order_none").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, 1, "get unknown");
}

#[tokio::test]
async fn prepare_refuses_a_fractional_amount() {
    let env = Env::start().await;
    let (status, body) = env
        .post(
            "/payments/prepare",
            json!({"merchant_uid": "order_f", "amount": 100.5}),
        )
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, 1, "fractional won");
}
