//! Looking payments up: every reference field, unknown ids, test-channel payments, and batch
//! lookups.

use crate::support::{assert_error, assert_ok, Env};
use reqwest::StatusCode;
use serde_json::json;

const PAYMENT_FIELDS: &[&str] = &[
    "amount",
    "apply_num",
    "bank_code",
    "bank_name",
    "buyer_addr",
    "buyer_email",
    "buyer_name",
    "buyer_postcode",
    "buyer_tel",
    "cancel_amount",
    "cancel_history",
    "cancel_reason",
    "cancel_receipt_urls",
    "cancelled_at",
    "card_code",
    "card_issuer_code",
    "card_issuer_name",
    "card_name",
    "card_number",
    "card_publisher_code",
    "card_publisher_name",
    "card_quota",
    "card_type",
    "cash_receipt_issued",
    "channel",
    "currency",
    "custom_data",
    "customer_uid",
    "customer_uid_usage",
    "deposit_history",
    "emb_pg_provider",
    "escrow",
    "fail_reason",
    "failed_at",
    "imp_uid",
    "merchant_uid",
    "name",
    "paid_at",
    "pay_method",
    "pg_id",
    "pg_provider",
    "pg_tid",
    "promotion",
    "receipt_url",
    "sandbox",
    "started_at",
    "status",
    "user_agent",
    "vbank_code",
    "vbank_date",
    "vbank_holder",
    "vbank_issued_at",
    "vbank_name",
    "vbank_num",
];

#[tokio::test]
async fn payment_has_every_reference_field_with_zero_timestamps_and_empty_arrays() {
    let env = Env::start().await;
    let paid = env.paid("order_fields", 9900).await;
    let imp_uid = paid["imp_uid"].as_str().expect("imp_uid");
    assert!(
        imp_uid.starts_with("imp_") && imp_uid.len() == 16,
        "imp_ + 12 digits: {imp_uid}"
    );
    let (status, body) = env.get(&format!("/payments/{imp_uid}")).await;
    let p = assert_ok(status, &body, "lookup by imp_uid");
    let keys: Vec<&str> = p
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys, PAYMENT_FIELDS,
        "every field of §3.3, in alphabetical order"
    );
    for ts in ["cancelled_at", "failed_at", "vbank_date", "vbank_issued_at"] {
        assert_eq!(p[ts], 0, "{ts} is 0, not null, when unset");
    }
    assert_eq!(p["cancel_history"], json!([]), "empty cancel_history array");
    assert_eq!(
        p["cancel_receipt_urls"],
        json!([]),
        "empty cancel_receipt_urls array"
    );
    assert_eq!(p["status"], "paid", "status paid");
    assert_eq!(p["amount"], 9900, "amount as sent");
    assert!(p["paid_at"].as_i64().unwrap_or(0) > 0, "paid_at set");
}

#[tokio::test]
async fn unknown_imp_uid_is_404_envelope() {
    let env = Env::start().await;
    let (status, body) = env.get("/payments/imp_000000000000").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, -1, "unknown imp_uid");
}

#[tokio::test]
async fn test_channel_payments_need_include_sandbox() {
    let env = Env::start().await;
    let p = env
        .control(
            "/__sandbox/payments",
            json!({"merchant_uid": "order_tc", "amount": 100, "sandbox": true}),
        )
        .await;
    let imp = p["imp_uid"].as_str().unwrap_or("");
    let (status, _) = env.get(&format!("/payments/{imp}")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "hidden without include_sandbox"
    );
    let (status, body) = env
        .get(&format!("/payments/{imp}?include_sandbox=true"))
        .await;
    assert_eq!(
        assert_ok(status, &body, "with include_sandbox")["sandbox"],
        true,
        "sandbox flag set"
    );
}

#[tokio::test]
async fn batch_lookup_is_200_when_all_found_207_when_some_404_when_none() {
    let env = Env::start().await;
    let a = env.paid("order_b1", 100).await;
    let b = env.paid("order_b2", 200).await;
    let (ia, ib) = (
        a["imp_uid"].as_str().unwrap_or(""),
        b["imp_uid"].as_str().unwrap_or(""),
    );
    let (status, body) = env
        .get(&format!("/payments?imp_uid[]={ia}&merchant_uid[]=order_b2"))
        .await;
    assert_eq!(
        assert_ok(status, &body, "all found")
            .as_array()
            .map(Vec::len),
        Some(2),
        "two payments"
    );
    let (status, body) = env
        .get(&format!(
            "/payments?imp_uid[]={ib}&imp_uid[]=imp_000000000000"
        ))
        .await;
    assert_eq!(status, StatusCode::MULTI_STATUS, "partial is 207: {body}");
    assert_eq!(body["code"], 0, "207 keeps code 0");
    assert_eq!(
        body["response"].as_array().map(Vec::len),
        Some(1),
        "found items only"
    );
    let (status, body) = env.get("/payments?imp_uid[]=imp_000000000000").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, -1, "none found");
}

#[tokio::test]
async fn batch_lookup_accepts_percent_encoded_brackets() {
    let env = Env::start().await;
    let a = env.paid("order_enc", 100).await;
    let resp = env
        .http
        .get(env.url("/payments"))
        .query(&[("imp_uid[]", a["imp_uid"].as_str().unwrap_or(""))])
        .header("Authorization", env.token())
        .send()
        .await
        .expect("sent");
    assert_eq!(
        resp.status(),
        StatusCode::OK,
        "imp_uid%5B%5D= is understood"
    );
}

#[tokio::test]
async fn batch_lookup_refuses_more_than_100_ids() {
    let env = Env::start().await;
    let query: Vec<String> = (0..101).map(|i| format!("imp_uid[]=imp_{i:012}")).collect();
    let (status, body) = env.get(&format!("/payments?{}", query.join("&"))).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, 1, "101 ids");
}
