//! Finding and listing payments: find and findAll by merchant_uid, lists by status, the 90-day
//! window, the change feed.

use crate::support::{assert_error, assert_ok, Env};
use reqwest::StatusCode;
use serde_json::json;

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
