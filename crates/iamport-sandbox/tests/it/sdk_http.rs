//! The SDK's HTTP side without a browser: the script, CORS, and the checks before a window opens.

use crate::support::Env;
use serde_json::json;

#[tokio::test]
async fn sdk_script_is_served_as_javascript() {
    let env = Env::start().await;
    let resp = env
        .http
        .get(env.sandbox.sdk_url())
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), reqwest::StatusCode::OK, "script served");
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(
        ct.starts_with("application/javascript"),
        "JavaScript content type: {ct}"
    );
    let text = resp.text().await.expect("body");
    assert!(
        text.contains("window.IMP") && text.contains("request_pay"),
        "defines IMP.request_pay"
    );
    for id in ["imp-approve", "imp-decline", "imp-vbank", "imp-close"] {
        assert!(text.contains(id), "the window carries data-testid {id}");
    }
}

#[tokio::test]
async fn sdk_endpoints_allow_cors_from_the_tauri_webview_origins() {
    let env = Env::start().await;
    for origin in ["tauri://localhost", "http://tauri.localhost"] {
        let resp = env
            .http
            .request(reqwest::Method::OPTIONS, env.url("/__sdk/open"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type")
            .send()
            .await
            .expect("sent");
        assert!(
            resp.status().is_success(),
            "preflight from {origin} succeeds: {}",
            resp.status()
        );
        let allow = resp
            .headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(
            allow == "*" || allow == origin,
            "origin {origin} allowed, got {allow:?}"
        );
    }
}

#[tokio::test]
async fn rest_endpoints_do_not_answer_cors_preflights() {
    let env = Env::start().await;
    let resp = env
        .http
        .request(reqwest::Method::OPTIONS, env.url("/payments/cancel"))
        .header("Origin", "tauri://localhost")
        .header("Access-Control-Request-Method", "POST")
        .send()
        .await
        .expect("sent");
    assert!(
        resp.headers().get("access-control-allow-origin").is_none(),
        "REST stays same-origin, like the real API"
    );
}

#[tokio::test]
async fn sdk_open_refuses_a_wrong_merchant_code_and_a_paid_merchant_uid() {
    let env = Env::start().await;
    env.paid("sdk_paid", 1000).await;
    let (status, body) = env
        .post_anon(
            "/__sdk/open",
            json!({"merchant_code": "imp99999999", "params": {"merchant_uid": "x", "amount": 10}}),
        )
        .await;
    assert_ne!(
        body["code"], 0,
        "wrong merchant code refused: {status} {body}"
    );
    let (status, body) = env
        .post_anon("/__sdk/open", json!({"merchant_code": "imp00000000", "params": {"merchant_uid": "sdk_paid", "amount": 1000}}))
        .await;
    assert_ne!(
        body["code"], 0,
        "paid merchant_uid refused before a window opens: {status} {body}"
    );
    let (_, body) = env.get("/payments/findAll/sdk_paid").await;
    assert_eq!(body["response"]["total"], 1, "no new attempt was created");
}

/// The buyer registers a card in the billing-key window for `customer_uid`; returns the key's card.
async fn window_issues_key(env: &Env, merchant_uid: &str, customer_uid: &str) -> String {
    let (_, opened) = env
        .post_anon(
            "/__sdk/open",
            json!({
                "merchant_code": "imp00000000",
                "params": {"merchant_uid": merchant_uid, "amount": 0, "pay_method": "card",
                           "customer_uid": customer_uid},
            }),
        )
        .await;
    let imp_uid = opened["response"]["imp_uid"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!imp_uid.is_empty(), "the billing window opens: {opened}");
    let (_, done) = env
        .post_anon(
            "/__sdk/complete",
            json!({"imp_uid": imp_uid, "action": "approve"}),
        )
        .await;
    assert_eq!(done["code"], 0, "the window approves: {done}");
    let (_, key) = env
        .get(&format!("/subscribe/customers/{customer_uid}"))
        .await;
    key["response"]["card_number"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn each_new_billing_key_from_the_window_carries_another_card_and_keeps_it() {
    let env = Env::start().await;
    let first = window_issues_key(&env, "billing_card_1", "cust_card_1").await;
    let changed = window_issues_key(&env, "billing_card_2", "cust_card_2").await;
    assert!(
        !first.is_empty() && !changed.is_empty(),
        "both keys have a masked card: {first:?} {changed:?}"
    );
    assert_ne!(first, changed, "a card change shows a different card");
    let (_, again) = env.get("/subscribe/customers/cust_card_1").await;
    assert_eq!(
        again["response"]["card_number"].as_str(),
        Some(first.as_str()),
        "the first key keeps its card"
    );
}

/// Opens a payment window for `pay_method` and answers it with `action`; returns the reply and
/// the payment as the REST API then shows it.
async fn window_answers(
    env: &Env,
    merchant_uid: &str,
    pay_method: &str,
    action: &str,
) -> (serde_json::Value, serde_json::Value) {
    let (_, opened) = env
        .post_anon(
            "/__sdk/open",
            json!({
                "merchant_code": "imp00000000",
                "params": {"merchant_uid": merchant_uid, "amount": 9900, "pay_method": pay_method,
                           "vbank_due": "20301231"},
            }),
        )
        .await;
    let imp_uid = opened["response"]["imp_uid"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!imp_uid.is_empty(), "the window opens: {opened}");
    let (_, reply) = env
        .post_anon(
            "/__sdk/complete",
            json!({"imp_uid": imp_uid, "action": action}),
        )
        .await;
    let (_, payment) = env.get(&format!("/payments/{imp_uid}")).await;
    (reply, payment["response"].clone())
}

#[tokio::test]
async fn a_card_window_cannot_issue_a_virtual_account() {
    let env = Env::start().await;
    let (reply, payment) = window_answers(&env, "sdk_card_vbank", "card", "vbank").await;
    assert_ne!(
        reply["code"], 0,
        "a card window refuses 가상계좌 발급: {reply}"
    );
    assert_eq!(
        payment["pay_method"], "card",
        "the order stays a card order: {payment}"
    );
    assert!(
        payment["vbank_num"].is_null(),
        "no account was issued: {payment}"
    );
}

#[tokio::test]
async fn a_refused_answer_leaves_the_window_open_for_a_valid_one() {
    let env = Env::start().await;
    let (_, opened) = env
        .post_anon(
            "/__sdk/open",
            json!({"merchant_code": "imp00000000",
                   "params": {"merchant_uid": "sdk_card_again", "amount": 9900, "pay_method": "card"}}),
        )
        .await;
    let imp_uid = opened["response"]["imp_uid"].clone();
    let (_, refused) = env
        .post_anon(
            "/__sdk/complete",
            json!({"imp_uid": imp_uid, "action": "vbank"}),
        )
        .await;
    assert_ne!(
        refused["code"], 0,
        "vbank refused on a card window: {refused}"
    );
    let (_, approved) = env
        .post_anon(
            "/__sdk/complete",
            json!({"imp_uid": imp_uid, "action": "approve"}),
        )
        .await;
    assert_eq!(
        approved["code"], 0,
        "the same window can still be approved: {approved}"
    );
}

#[tokio::test]
async fn a_virtual_account_window_issues_an_account_and_cannot_be_approved_at_once() {
    let env = Env::start().await;
    let (approve, payment) = window_answers(&env, "sdk_vbank_approve", "vbank", "approve").await;
    assert_ne!(
        approve["code"], 0,
        "a virtual account is paid by a deposit, not in the window: {approve}"
    );
    assert_eq!(payment["status"], "ready", "nothing was paid: {payment}");
    let (issued, payment) = window_answers(&env, "sdk_vbank_issue", "vbank", "vbank").await;
    assert_eq!(issued["code"], 0, "가상계좌 발급 works: {issued}");
    assert!(
        payment["vbank_num"].is_string(),
        "an account was issued: {payment}"
    );
}
