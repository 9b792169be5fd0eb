//! `POST /payments/cancel` (REFERENCE §4): failures are HTTP 200 with code != 0.

use crate::support::{assert_error, assert_ok, Env};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn full_cancel_without_amount_refunds_the_balance() {
    let env = Env::start().await;
    let p = env.paid("order_c1", 10000).await;
    let (status, body) = env
        .post(
            "/payments/cancel",
            json!({"imp_uid": p["imp_uid"], "reason": "단순 변심"}),
        )
        .await;
    let c = assert_ok(status, &body, "full cancel");
    assert_eq!(c["status"], "cancelled", "cancelled");
    assert_eq!(c["cancel_amount"], 10000, "whole amount refunded");
    assert_eq!(
        c["cancel_history"].as_array().map(Vec::len),
        Some(1),
        "one history entry"
    );
    assert_eq!(
        c["cancel_history"][0]["reason"], "단순 변심",
        "reason recorded"
    );
    assert_eq!(
        c["cancel_receipt_urls"].as_array().map(Vec::len),
        Some(1),
        "one receipt url"
    );
    assert!(
        c["cancelled_at"].as_i64().unwrap_or(0) > 0,
        "cancelled_at set"
    );
}

#[tokio::test]
async fn partial_cancels_accumulate_and_checksum_is_the_balance_before() {
    let env = Env::start().await;
    env.paid("order_c2", 10000).await;
    let (status, body) = env
        .post(
            "/payments/cancel",
            json!({"merchant_uid": "order_c2", "amount": 1000, "checksum": 10000}),
        )
        .await;
    let c = assert_ok(status, &body, "first partial cancel");
    assert_eq!(c["cancel_amount"], 1000, "1000 refunded");
    assert_eq!(
        c["status"], "cancelled",
        "partial cancel reads cancelled (see README)"
    );
    let (status, body) = env
        .post(
            "/payments/cancel",
            json!({"merchant_uid": "order_c2", "amount": 2000, "checksum": 9000}),
        )
        .await;
    let c = assert_ok(status, &body, "second partial cancel");
    assert_eq!(c["cancel_amount"], 3000, "refunds add up");
    assert_eq!(
        c["cancel_history"].as_array().map(Vec::len),
        Some(2),
        "history appended"
    );
}

#[tokio::test]
async fn checksum_mismatch_is_refused_with_http_200() {
    let env = Env::start().await;
    let p = env.paid("order_c3", 10000).await;
    let (status, body) = env
        .post(
            "/payments/cancel",
            json!({"imp_uid": p["imp_uid"], "amount": 1000, "checksum": 9000}),
        )
        .await;
    assert_error(status, &body, StatusCode::OK, 1, "checksum mismatch");
    let (_, body) = env
        .get(&format!(
            "/payments/{}",
            p["imp_uid"].as_str().unwrap_or("")
        ))
        .await;
    assert_eq!(body["response"]["cancel_amount"], 0, "nothing refunded");
}

#[tokio::test]
async fn over_cancel_is_refused_with_http_200() {
    let env = Env::start().await;
    let p = env.paid("order_c4", 5000).await;
    let (status, body) = env
        .post(
            "/payments/cancel",
            json!({"imp_uid": p["imp_uid"], "amount": 5001}),
        )
        .await;
    assert_error(status, &body, StatusCode::OK, 1, "over-cancel");
}

#[tokio::test]
async fn cancel_of_an_unknown_payment_is_code_1_with_http_200() {
    let env = Env::start().await;
    let (status, body) = env
        .post("/payments/cancel", json!({"imp_uid": "imp_000000000000"}))
        .await;
    assert_error(status, &body, StatusCode::OK, 1, "unknown payment");
}

#[tokio::test]
async fn cancel_of_a_fully_cancelled_payment_is_refused() {
    let env = Env::start().await;
    let p = env.paid("order_c5", 5000).await;
    let (status, body) = env
        .post("/payments/cancel", json!({"imp_uid": p["imp_uid"]}))
        .await;
    assert_ok(status, &body, "first cancel");
    let (status, body) = env
        .post("/payments/cancel", json!({"imp_uid": p["imp_uid"]}))
        .await;
    assert_error(status, &body, StatusCode::OK, 1, "second cancel");
}

#[tokio::test]
async fn imp_uid_wins_over_merchant_uid_and_a_bad_imp_uid_fails() {
    let env = Env::start().await;
    env.paid("order_c6", 5000).await;
    let (status, body) = env
        .post(
            "/payments/cancel",
            json!({"imp_uid": "imp_000000000000", "merchant_uid": "order_c6"}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::OK,
        1,
        "invalid imp_uid fails regardless of merchant_uid",
    );
}

#[tokio::test]
async fn vbank_refund_requires_the_refund_account_fields() {
    let env = Env::start().await;
    let v = env
        .control("/__sandbox/payments", json!({"merchant_uid": "order_v", "amount": 7000, "pay_method": "vbank", "outcome": "ready"}))
        .await;
    env.control(
        &format!(
            "/__sandbox/payments/{}/deposit",
            v["imp_uid"].as_str().unwrap_or("")
        ),
        json!({}),
    )
    .await;
    let (status, body) = env
        .post("/payments/cancel", json!({"imp_uid": v["imp_uid"]}))
        .await;
    assert_error(
        status,
        &body,
        StatusCode::OK,
        1,
        "vbank refund without account",
    );
    let (status, body) = env
        .post(
            "/payments/cancel",
            json!({"imp_uid": v["imp_uid"], "refund_holder": "홍길동", "refund_bank": "88", "refund_account": "110123456789"}),
        )
        .await;
    assert_eq!(
        assert_ok(status, &body, "vbank refund with account")["cancel_amount"],
        7000,
        "refunded"
    );
}

#[tokio::test]
async fn cancel_accepts_a_form_body() {
    let env = Env::start().await;
    let p = env.paid("order_c7", 3000).await;
    let form = format!(
        "imp_uid={}&amount=1000&checksum=3000",
        p["imp_uid"].as_str().unwrap_or("")
    );
    let (status, body) = env.post_form("/payments/cancel", &form).await;
    assert_eq!(
        assert_ok(status, &body, "form cancel")["cancel_amount"],
        1000,
        "form amounts are numbers"
    );
}

#[tokio::test]
async fn console_cancel_needs_no_refund_account() {
    let env = Env::start().await;
    let p = env.paid("order_c8", 3000).await;
    let c = env
        .control(
            &format!(
                "/__sandbox/payments/{}/cancel",
                p["imp_uid"].as_str().unwrap_or("")
            ),
            json!({"amount": 500, "reason": "콘솔"}),
        )
        .await;
    assert_eq!(c["cancel_amount"], 500, "console partial cancel");
    assert_eq!(c["cancel_reason"], "콘솔", "reason kept");
}

#[tokio::test]
async fn a_vbank_refund_naming_the_bank_in_free_text_is_refused_and_nothing_is_refunded() {
    let env = Env::start().await;
    let v = env
        .control("/__sandbox/payments", json!({"merchant_uid": "order_vb", "amount": 7000, "pay_method": "vbank", "outcome": "ready"}))
        .await;
    let imp_uid = v["imp_uid"].as_str().unwrap_or("").to_string();
    env.control(&format!("/__sandbox/payments/{imp_uid}/deposit"), json!({}))
        .await;
    let (status, body) = env
        .post(
            "/payments/cancel",
            json!({"imp_uid": imp_uid, "refund_holder": "홍길동", "refund_bank": "국민은행", "refund_account": "110123456789"}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::OK,
        1,
        "a bank name is not a bank code",
    );
    let (status, body) = env.get(&format!("/payments/{imp_uid}")).await;
    assert_eq!(
        assert_ok(status, &body, "lookup")["cancel_amount"],
        0,
        "nothing was refunded"
    );
}

#[tokio::test]
async fn banks_lists_the_standard_codes_and_looks_one_up() {
    let env = Env::start().await;
    let (status, body) = env.get("/banks").await;
    let list = assert_ok(status, &body, "GET /banks");
    let codes: Vec<&str> = list
        .as_array()
        .map(|l| l.iter().filter_map(|b| b["code"].as_str()).collect())
        .unwrap_or_default();
    for code in ["004", "011", "020", "081", "088", "090"] {
        assert!(codes.contains(&code), "{code} is listed: {codes:?}");
    }
    let (status, body) = env.get("/banks/088").await;
    assert_eq!(
        assert_ok(status, &body, "GET /banks/088")["name"],
        "신한은행",
        "one bank by its code"
    );
    let (status, body) = env.get("/banks/999").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, 1, "an unknown code");
    let (status, _) = env.get_anon("/banks").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "needs a token like every REST call"
    );
}
