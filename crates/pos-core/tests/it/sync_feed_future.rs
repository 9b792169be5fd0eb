//! An Iamport whose change feed carries a payment dated a month past the `now` its own token
//! reply gave: the sandbox never answers so (its feed ends at its now), so a small fake does.

use std::time::Duration;

use axum::routing::{get, post};
use axum::{Json, Router};
use pos_core::store::CHANGE_FEED_CURSOR;
use pos_core::sync::planner::CURSOR_SKEW_SECS;
use serde_json::{json, Value};

use super::sync_support::{client, run_once};

/// A month, in seconds.
const MONTH: i64 = 30 * 24 * 3600;

/// One card payment of the reference's paged list, paid `paid_at`.
fn payment_paid_at(paid_at: i64) -> Value {
    let fixture: Value =
        serde_json::from_str(include_str!("../../../iamport/fixtures/paged_list.json"))
            .unwrap_or_else(|e| panic!("the fixture parses: {e}"));
    let mut payment = fixture["response"]["list"][0].clone();
    payment["merchant_uid"] = json!("order_not_ours_from_the_future");
    payment["started_at"] = json!(paid_at - 60);
    payment["paid_at"] = json!(paid_at);
    payment
}

/// Serves a token reply with Iamport's `now` = this machine's, and a feed whose one payment is
/// dated a month later. Returns its base URL.
async fn iamport_dating_the_feed_a_month_ahead() -> String {
    let now = chrono::Utc::now().timestamp();
    let feed = json!({"code": 0, "message": null, "response": {
        "total": 1, "previous": 0, "next": 0, "list": [payment_paid_at(now + MONTH)]}});
    let app = Router::new()
        .route(
            "/users/getToken",
            post(move || async move {
                let now = chrono::Utc::now().timestamp();
                Json(json!({"code": 0, "message": null, "response": {
                    "access_token": "fake-token", "now": now, "expired_at": now + 1800}}))
            }),
        )
        .route(
            "/payments/status/{status}",
            get(move || {
                let feed = feed.clone();
                async move { Json(feed) }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("addr: {e}"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_feed_dated_past_iamports_own_now_never_moves_the_cursor_past_it() {
    let base = iamport_dating_the_feed_a_month_ahead().await;
    let c = client(&base, Duration::from_secs(5));
    let store = super::store();

    let report = run_once(&store, &c).await;
    assert!(report.is_ok(), "the cycle reads the feed: {report:?}");
    let cursor: i64 = store
        .sync_value(CHANGE_FEED_CURSOR)
        .ok()
        .flatten()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("the feed saved a cursor"));
    let now = chrono::Utc::now().timestamp();
    assert!(
        cursor <= now + CURSOR_SKEW_SECS,
        "a payment dated a month past Iamport's now must not pull the cursor there (it would skip \
         every change of the month): cursor {cursor}, Iamport's now {now}"
    );
}
