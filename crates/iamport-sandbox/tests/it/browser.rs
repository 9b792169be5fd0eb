//! The browser SDK in a real headless Chromium, driven over WebDriver (chromedriver) with
//! fantoccini, against a tiny checkout page served by the test from another origin (so CORS is
//! exercised too).
//!
//! Needs `chromium` and `chromedriver` (Debian packages; `CHROMIUM` / `CHROMEDRIVER` override the
//! paths). Without them the test says so and passes locally, but fails when `CI=true`. The
//! browser, the page server and the checkout driver are in `browser_support.rs`.

use crate::browser_support::{serve_pages, Browser, Checkout};
use crate::support::{assert_ok, Env};
use fantoccini::Locator;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;

fn card(merchant_uid: &str, amount: i64) -> Value {
    json!({"pg": "html5_inicis", "pay_method": "card", "merchant_uid": merchant_uid, "name": "1개월 이용권",
           "amount": amount, "buyer_name": "김사장", "buyer_tel": "010-1234-5678", "custom_data": {"plan": "monthly"}})
}

async fn approve_pays(c: &Checkout<'_>) {
    c.open(card("web_approve", 9900)).await;
    c.click("imp-approve").await;
    let rsp = c.response().await;
    assert!(rsp["error_code"].is_null(), "approve has no error: {rsp}");
    assert_eq!(rsp["status"], "paid", "callback says paid");
    assert_eq!(rsp["paid_amount"], 9900, "paid_amount");
    assert_eq!(
        rsp["custom_data"]["plan"], "monthly",
        "custom_data echoed as sent"
    );
    let p = c.payment(&rsp["imp_uid"]).await;
    assert_eq!(
        (p["status"].clone(), p["amount"].clone()),
        (json!("paid"), json!(9900)),
        "REST agrees"
    );
    assert_eq!(
        p["custom_data"], "{\"plan\":\"monthly\"}",
        "custom_data stored as a JSON string"
    );
    assert!(!c.window_is_open().await, "the window closed");
}

async fn decline_fails(c: &Checkout<'_>) {
    c.open(card("web_decline", 9900)).await;
    c.click("imp-decline").await;
    let rsp = c.response().await;
    assert!(
        rsp["error_code"].is_string() && rsp["error_msg"].is_string(),
        "decline reports an error: {rsp}"
    );
    assert_eq!(
        c.payment(&rsp["imp_uid"]).await["status"],
        "failed",
        "REST says failed"
    );
}

async fn vbank_issues_an_account(c: &Checkout<'_>) {
    let mut params = card("web_vbank", 30000);
    params["pay_method"] = json!("vbank");
    params["vbank_due"] = json!("20301231");
    c.open(params).await;
    c.click("imp-vbank").await;
    let rsp = c.response().await;
    assert!(
        rsp["error_code"].is_null() && rsp["vbank_num"].is_string(),
        "account issued: {rsp}"
    );
    let p = c.payment(&rsp["imp_uid"]).await;
    assert_eq!(p["status"], "ready", "waits for a deposit");
    assert_eq!(
        p["vbank_date"], 1_924_959_599,
        "vbank_due 2030-12-31 is 23:59:59 KST"
    );
}

async fn close_leaves_the_payment_ready(c: &Checkout<'_>) {
    c.open(card("web_close", 9900)).await;
    c.click("imp-close").await;
    let rsp = c.response().await;
    assert!(
        rsp["error_code"].is_string(),
        "closing reports an error code: {rsp}"
    );
    assert_eq!(
        c.payment(&rsp["imp_uid"]).await["status"],
        "ready",
        "an abandoned window stays ready"
    );
}

async fn customer_uid_issues_a_billing_key(c: &Checkout<'_>) {
    let mut params = card("web_billing", 0);
    params["customer_uid"] = json!("cu_web");
    params["pg"] = json!("html5_inicis.INIBillTst");
    c.open(params).await;
    c.click("imp-approve").await;
    let rsp = c.response().await;
    assert!(rsp["error_code"].is_null(), "billing key issued: {rsp}");
    let p = c.payment(&rsp["imp_uid"]).await;
    assert_eq!(p["customer_uid_usage"], "issue", "issuance payment");
    let (status, body) = c.env.get("/subscribe/customers/cu_web").await;
    assert_eq!(
        assert_ok(status, &body, "key exists")["customer_uid"],
        "cu_web",
        "customer stored"
    );
}

async fn paid_merchant_uid_is_refused_before_the_window_opens(c: &Checkout<'_>) {
    c.open(card("web_approve", 9900)).await;
    let rsp = c.response().await;
    assert!(
        rsp["error_code"].is_string() && rsp["imp_uid"].is_null(),
        "refused up front: {rsp}"
    );
    assert!(
        !c.window_is_open().await,
        "no window for a paid merchant_uid"
    );
}

async fn prepared_amount_mismatch_is_refused(c: &Checkout<'_>) {
    let (status, body) = c
        .env
        .post(
            "/payments/prepare",
            json!({"merchant_uid": "web_prep", "amount": 5000}),
        )
        .await;
    assert_ok(status, &body, "prepare");
    c.open(card("web_prep", 4000)).await;
    let rsp = c.response().await;
    assert!(
        rsp["error_code"].is_string(),
        "a tampered amount is refused: {rsp}"
    );
    c.open(card("web_prep", 5000)).await;
    c.click("imp-approve").await;
    assert!(
        c.response().await["error_code"].is_null(),
        "the prepared amount goes through"
    );
}

async fn redirect_mode_navigates_to_m_redirect_url(c: &Checkout<'_>, pages: &str) {
    let mut params = card("web_redirect", 9900);
    params["m_redirect_url"] = json!(format!("{pages}/done?from=app"));
    params["sandbox_redirect"] = json!(true);
    c.open(params).await;
    c.click("imp-approve").await;
    c.browser
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Id("done"))
        .await
        .expect("navigated to m_redirect_url");
    let url = c.browser.client.current_url().await.expect("url");
    let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(
        q.get("from").map(String::as_str),
        Some("app"),
        "existing query kept"
    );
    assert_eq!(
        q.get("merchant_uid").map(String::as_str),
        Some("web_redirect"),
        "merchant_uid appended"
    );
    assert_eq!(
        q.get("imp_success").map(String::as_str),
        Some("true"),
        "imp_success appended"
    );
    let imp = json!(q.get("imp_uid").cloned().unwrap_or_default());
    assert_eq!(
        c.payment(&imp).await["status"],
        "paid",
        "imp_uid in the URL is the paid payment"
    );
}

/// Which of the window's answer buttons are on screen.
async fn buttons_shown(c: &Checkout<'_>) -> Vec<String> {
    c.browser
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-testid='imp-close']"))
        .await
        .expect("the window opens");
    let shown = c
        .browser
        .client
        .execute(
            "return Array.from(document.querySelectorAll('[data-testid=imp-window] button'))\
               .map(function (b) { return b.getAttribute('data-testid'); });",
            vec![],
        )
        .await
        .expect("script runs");
    serde_json::from_value(shown).unwrap_or_default()
}

async fn each_window_offers_only_what_its_method_can_do(c: &Checkout<'_>) {
    c.open(card("web_card_buttons", 9900)).await;
    let card_buttons = buttons_shown(c).await;
    assert!(
        card_buttons.contains(&"imp-approve".to_owned())
            && !card_buttons.contains(&"imp-vbank".to_owned()),
        "a card window offers 결제 승인 and no 가상계좌 발급: {card_buttons:?}"
    );
    c.click("imp-close").await;
    c.response().await;
    let mut params = card("web_vbank_buttons", 9900);
    params["pay_method"] = json!("vbank");
    c.open(params).await;
    let vbank_buttons = buttons_shown(c).await;
    assert!(
        vbank_buttons.contains(&"imp-vbank".to_owned())
            && !vbank_buttons.contains(&"imp-approve".to_owned()),
        "a virtual-account window issues an account and approves nothing: {vbank_buttons:?}"
    );
    c.click("imp-close").await;
    c.response().await;
}

async fn the_window_takes_focus_and_esc_closes_it(c: &Checkout<'_>) {
    c.open(card("web_keyboard", 9900)).await;
    buttons_shown(c).await;
    let focused = c
        .browser
        .client
        .execute(
            "var w = document.querySelector('[data-testid=imp-window]');\
             return !!w && w.contains(document.activeElement);",
            vec![],
        )
        .await
        .expect("script runs");
    assert_eq!(focused, json!(true), "focus is inside the payment window");
    c.browser
        .client
        .active_element()
        .await
        .expect("a focused element")
        .send_keys("\u{E00C}")
        .await
        .expect("Esc sent");
    let rsp = c.response().await;
    assert!(
        rsp["error_code"].is_string(),
        "Esc closes the window as 창 닫기 does: {rsp}"
    );
    assert!(!c.window_is_open().await, "the window is gone after Esc");
}

#[tokio::test]
async fn sdk_payment_window_in_headless_chromium() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let env = Env::start().await;
    let (pages, page_task) = serve_pages(env.sandbox.sdk_url()).await;
    let c = Checkout {
        browser: &browser,
        env: &env,
        page: format!("{pages}/checkout"),
    };
    approve_pays(&c).await;
    decline_fails(&c).await;
    vbank_issues_an_account(&c).await;
    close_leaves_the_payment_ready(&c).await;
    customer_uid_issues_a_billing_key(&c).await;
    paid_merchant_uid_is_refused_before_the_window_opens(&c).await;
    prepared_amount_mismatch_is_refused(&c).await;
    redirect_mode_navigates_to_m_redirect_url(&c, &pages).await;
    each_window_offers_only_what_its_method_can_do(&c).await;
    the_window_takes_focus_and_esc_closes_it(&c).await;
    if let Ok(dir) = std::env::var("SANDBOX_SCREENSHOT") {
        c.open(card("web_shot", 12000)).await;
        c.click("imp-window").await;
        let png = browser.client.screenshot().await.expect("screenshot");
        std::fs::write(PathBuf::from(dir).join("sdk-window.png"), png).expect("screenshot written");
    }
    browser.stop().await;
    page_task.abort();
}
