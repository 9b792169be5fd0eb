//! Billing keys and `again` (REFERENCE §5.2, §5.6).

use crate::support::{assert_error, assert_ok, Env};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn customer_get_batch_and_delete() {
    let env = Env::start().await;
    env.control("/__sandbox/customers/cu_1", json!({})).await;
    env.control("/__sandbox/customers/cu_2", json!({})).await;
    let (status, body) = env.get("/subscribe/customers/cu_1").await;
    let c = assert_ok(status, &body, "get customer");
    assert_eq!(c["customer_uid"], "cu_1", "customer_uid");
    assert!(
        c["inserted"].as_i64().unwrap_or(0) > 0 && c["card_name"].is_string(),
        "required fields"
    );
    let (status, body) = env
        .get("/subscribe/customers?customer_uid[]=cu_1&customer_uid[]=cu_2")
        .await;
    assert_eq!(
        assert_ok(status, &body, "batch").as_array().map(Vec::len),
        Some(2),
        "both keys"
    );
    let (status, body) = env
        .get("/subscribe/customers?customer_uid[]=cu_1&customer_uid[]=cu_x")
        .await;
    assert_eq!(
        status,
        StatusCode::MULTI_STATUS,
        "partial batch is 207: {body}"
    );
    let (status, body) = env.delete("/subscribe/customers/cu_1").await;
    assert_eq!(
        assert_ok(status, &body, "delete")["customer_uid"],
        "cu_1",
        "deleted key returned"
    );
    let (status, body) = env.get("/subscribe/customers/cu_1").await;
    assert_error(
        status,
        &body,
        StatusCode::NOT_FOUND,
        1,
        "deleted key is gone",
    );
    let (status, body) = env.get("/subscribe/customers?customer_uid[]=cu_1").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, 1, "none found");
}

#[tokio::test]
async fn unknown_customer_is_404_with_code_1() {
    let env = Env::start().await;
    let (status, body) = env.get("/subscribe/customers/invalid-uid").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, 1, "unknown customer");
    let (status, body) = env.delete("/subscribe/customers/invalid-uid").await;
    assert_error(
        status,
        &body,
        StatusCode::NOT_FOUND,
        1,
        "delete unknown customer",
    );
}

#[tokio::test]
async fn again_charges_a_billing_key() {
    let env = Env::start().await;
    env.control("/__sandbox/customers/cu_a", json!({})).await;
    let (status, body) = env
        .post(
            "/subscribe/payments/again",
            json!({"customer_uid": "cu_a", "merchant_uid": "renew_1", "amount": 9900, "name": "정기결제"}),
        )
        .await;
    let p = assert_ok(status, &body, "again");
    assert_eq!(p["status"], "paid", "approved");
    assert_eq!(p["customer_uid_usage"], "payment", "billing payment");
    assert_eq!(p["channel"], "api", "api channel");
}

#[tokio::test]
async fn again_with_a_declining_key_is_code_0_with_status_failed() {
    let env = Env::start().await;
    env.control("/__sandbox/customers/cu_d", json!({})).await;
    env.control("/__sandbox/customers/cu_d", json!({"decline": true}))
        .await;
    let (status, body) = env
        .post(
            "/subscribe/payments/again",
            json!({"customer_uid": "cu_d", "merchant_uid": "renew_d", "amount": 9900, "name": "정기결제"}),
        )
        .await;
    let p = assert_ok(status, &body, "declined again still code 0");
    assert_eq!(p["status"], "failed", "declined");
    assert!(
        p["fail_reason"].as_str().is_some_and(|r| !r.is_empty()),
        "fail_reason set"
    );
    assert!(p["failed_at"].as_i64().unwrap_or(0) > 0, "failed_at set");
    assert_eq!(p["paid_at"], 0, "paid_at 0");
}

#[tokio::test]
async fn again_with_an_unknown_key_is_code_1() {
    let env = Env::start().await;
    let (status, body) = env
        .post(
            "/subscribe/payments/again",
            json!({"customer_uid": "nobody", "merchant_uid": "renew_x", "amount": 9900, "name": "x"}),
        )
        .await;
    assert_error(status, &body, StatusCode::OK, 1, "unknown buyer");
}

#[tokio::test]
async fn a_paid_merchant_uid_cannot_be_charged_again() {
    let env = Env::start().await;
    env.control("/__sandbox/customers/cu_dup", json!({})).await;
    let req =
        json!({"customer_uid": "cu_dup", "merchant_uid": "renew_dup", "amount": 100, "name": "x"});
    let (status, body) = env.post("/subscribe/payments/again", req.clone()).await;
    assert_eq!(
        assert_ok(status, &body, "first charge")["status"],
        "paid",
        "first is paid"
    );
    let (status, body) = env.post("/subscribe/payments/again", req).await;
    assert_error(
        status,
        &body,
        StatusCode::OK,
        1,
        "second charge with the same merchant_uid",
    );
    let (_, body) = env.get("/payments/findAll/renew_dup").await;
    assert_eq!(body["response"]["total"], 1, "only one payment exists");
}

#[tokio::test]
async fn customer_issue_by_card_data_and_its_payments() {
    let env = Env::start().await;
    let (status, body) = env
        .post("/subscribe/customers/cu_card", json!({"card_number": "1234-5678-1234-5678", "expiry": "2030-12", "customer_name": "김사장"}))
        .await;
    let c = assert_ok(status, &body, "issue by card");
    assert_eq!(c["customer_name"], "김사장", "holder stored");
    let (status, body) = env
        .post(
            "/subscribe/customers/cu_bad",
            json!({"card_number": "12", "expiry": "2030-12"}),
        )
        .await;
    assert_error(status, &body, StatusCode::OK, -1, "bad card refused");
    env.post(
        "/subscribe/payments/again",
        json!({"customer_uid": "cu_card", "merchant_uid": "renew_c", "amount": 100, "name": "x"}),
    )
    .await;
    let (status, body) = env.get("/subscribe/customers/cu_card/payments").await;
    assert_eq!(
        assert_ok(status, &body, "key payments")["total"],
        1,
        "one payment with the key"
    );
}

#[tokio::test]
async fn unknown_customer_status_can_be_200_for_the_other_reading() {
    let env = Env::start_with(iamport_sandbox::SandboxConfig {
        unknown_customer_status: StatusCode::OK,
        ..iamport_sandbox::SandboxConfig::default()
    })
    .await;
    let (status, body) = env.get("/subscribe/customers/invalid-uid").await;
    assert_error(
        status,
        &body,
        StatusCode::OK,
        1,
        "HTTP 200 with code 1 when configured",
    );
}

#[tokio::test]
async fn onetime_pays_by_card_data_and_can_save_the_key() {
    let env = Env::start().await;
    let body = json!({"merchant_uid": "one_1", "amount": 5000, "card_number": "1234-5678-1234-5678",
                      "expiry": "2030-12", "birth": "800101", "pwd_2digit": "00", "customer_uid": "cu_one", "name": "x"});
    let (status, reply) = env.post("/subscribe/payments/onetime", body).await;
    let p = assert_ok(status, &reply, "onetime");
    assert_eq!(
        (p["status"].clone(), p["channel"].clone()),
        (json!("paid"), json!("api")),
        "paid over the API"
    );
    let (status, reply) = env.get("/subscribe/customers/cu_one").await;
    assert_ok(status, &reply, "the card was saved as a billing key");
}

#[tokio::test]
async fn onetime_with_bad_card_data_is_code_minus_1_and_a_declining_card_is_failed() {
    let env = Env::start().await;
    let bad = json!({"merchant_uid": "one_bad", "amount": 5000, "card_number": "1234", "expiry": "2030-12"});
    let (status, reply) = env.post("/subscribe/payments/onetime", bad).await;
    assert_error(
        status,
        &reply,
        StatusCode::OK,
        -1,
        "card authentication failed",
    );
    let declined = json!({"merchant_uid": "one_d", "amount": 5000, "card_number": "4000-0000-0000-0002", "expiry": "2030-12"});
    let (status, reply) = env.post("/subscribe/payments/onetime", declined).await;
    assert_eq!(
        assert_ok(status, &reply, "declined onetime")["status"],
        "failed",
        "declined is code 0, status failed"
    );
}
