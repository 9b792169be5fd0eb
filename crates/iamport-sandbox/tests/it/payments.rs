//! Payment lookups (REFERENCE §3).

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
async fn find_returns_the_newest_attempt_and_filters_by_status() {
    let env = Env::start().await;
    let failed = env
        .control(
            "/__sandbox/payments",
            json!({"merchant_uid": "order_find", "amount": 500, "outcome": "failed"}),
        )
        .await;
    env.advance(5).await;
    let paid = env.paid("order_find", 500).await;
    let (status, body) = env.get("/payments/find/order_find").await;
    assert_eq!(
        assert_ok(status, &body, "find")["imp_uid"],
        paid["imp_uid"],
        "newest first by default"
    );
    let (status, body) = env.get("/payments/find/order_find/failed").await;
    assert_eq!(
        assert_ok(status, &body, "find failed")["imp_uid"],
        failed["imp_uid"],
        "status filter"
    );
    let (status, body) = env.get("/payments/find/order_find/cancelled").await;
    assert_error(
        status,
        &body,
        StatusCode::NOT_FOUND,
        -1,
        "no cancelled attempt",
    );
    let (status, body) = env.get("/payments/find/order_find?sorting=started").await;
    assert_eq!(
        assert_ok(status, &body, "find oldest")["imp_uid"],
        failed["imp_uid"],
        "sorting=started"
    );
}

#[tokio::test]
async fn find_all_pages_every_attempt_of_a_merchant_uid() {
    let env = Env::start().await;
    for _ in 0..3 {
        env.control(
            "/__sandbox/payments",
            json!({"merchant_uid": "order_all", "amount": 500, "outcome": "failed"}),
        )
        .await;
    }
    let (status, body) = env.get("/payments/findAll/order_all?limit=2").await;
    let page = assert_ok(status, &body, "findAll");
    assert_eq!(page["total"], 3, "total counts all attempts");
    assert_eq!(
        page["list"].as_array().map(Vec::len),
        Some(2),
        "limit respected"
    );
    assert_eq!(
        (page["previous"].clone(), page["next"].clone()),
        (json!(0), json!(2)),
        "paging links"
    );
    let (status, body) = env.get("/payments/findAll/order_all/bogus").await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, 1, "bad status");
    let (status, body) = env.get("/payments/findAll/nothing_here").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, -1, "no attempts");
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

#[tokio::test]
async fn status_list_filters_pages_and_limits() {
    let env = Env::start().await;
    for i in 0..5 {
        env.paid(&format!("order_s{i}"), 1000).await;
    }
    env.control(
        "/__sandbox/payments",
        json!({"merchant_uid": "order_sf", "amount": 10, "outcome": "failed"}),
    )
    .await;
    let (status, body) = env.get("/payments/status/paid?limit=2&page=2").await;
    let page = assert_ok(status, &body, "paid page 2");
    assert_eq!(page["total"], 5, "five paid");
    assert_eq!(
        (page["previous"].clone(), page["next"].clone()),
        (json!(1), json!(3)),
        "links"
    );
    let (status, body) = env.get("/payments/status/all").await;
    assert_eq!(assert_ok(status, &body, "all")["total"], 6, "all statuses");
    let (status, body) = env.get("/payments/status/paid?limit=2&page=4").await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        1,
        "page beyond range",
    );
    let (status, body) = env.get("/payments/status/paid?limit=1001").await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, 1, "limit over 1000");
    let (status, body) = env.get("/payments/status/nope").await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, 1, "unknown status");
}

#[tokio::test]
async fn status_window_is_at_most_90_days_and_defaults_to_the_last_90() {
    let env = Env::start().await;
    env.paid("order_old", 1000).await;
    let now = env.advance(91 * 86_400).await;
    let (status, body) = env.get("/payments/status/paid").await;
    assert_eq!(
        assert_ok(status, &body, "default window")["total"],
        0,
        "91-day-old payment outside default window"
    );
    let (status, body) = env
        .get(&format!(
            "/payments/status/paid?from={}&to={now}",
            now - 91 * 86_400 - 10
        ))
        .await;
    assert_error(
        status,
        &body,
        StatusCode::BAD_REQUEST,
        1,
        "window over 90 days",
    );
    let (status, body) = env
        .get(&format!(
            "/payments/status/paid?from={}&to={}",
            now - 92 * 86_400,
            now - 89 * 86_400
        ))
        .await;
    assert_eq!(
        assert_ok(status, &body, "old window")["total"],
        1,
        "older data in its own window"
    );
}

#[tokio::test]
async fn updated_sorting_is_a_change_feed_of_deposits_and_cancels() {
    let env = Env::start().await;
    let first = env.paid("order_u1", 1000).await;
    let vbank = env
        .control("/__sandbox/payments", json!({"merchant_uid": "order_u2", "amount": 2000, "pay_method": "vbank", "outcome": "ready"}))
        .await;
    env.paid("order_u3", 3000).await;
    assert_eq!(vbank["status"], "ready", "vbank waits for a deposit");
    assert!(
        vbank["vbank_num"].is_string() && vbank["vbank_date"].as_i64().unwrap_or(0) > 0,
        "account issued"
    );
    env.advance(2).await;
    let cancel_path = format!(
        "/__sandbox/payments/{}/cancel",
        first["imp_uid"].as_str().unwrap_or("")
    );
    env.control(&cancel_path, json!({})).await;
    let deposit_path = format!(
        "/__sandbox/payments/{}/deposit",
        vbank["imp_uid"].as_str().unwrap_or("")
    );
    let deposited = env.control(&deposit_path, json!({})).await;
    assert_eq!(deposited["status"], "paid", "deposit pays the vbank");
    let (status, body) = env.get("/payments/status/all?sorting=updated").await;
    let list = assert_ok(status, &body, "feed")["list"].clone();
    let order: Vec<&str> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["merchant_uid"].as_str())
        .collect();
    assert_eq!(
        order,
        ["order_u3", "order_u1", "order_u2"],
        "oldest change first; cancel and deposit move to the end"
    );
    let (_, body) = env
        .get("/payments/status/all?sorting=-updated&limit=1")
        .await;
    assert_eq!(
        body["response"]["list"][0]["merchant_uid"], "order_u2",
        "-updated puts the latest change first"
    );
}

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
