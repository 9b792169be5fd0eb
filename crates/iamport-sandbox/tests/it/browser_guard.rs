//! The guard in a real headless Chromium: the SDK still pays from the allowed page, and a page
//! from another origin (a malicious site the shop's browser happens to open) cannot create a
//! payment with a form post, a `no-cors` fetch or a JSON fetch. The same page does create one on
//! the open test tool, so the attack is real.

use crate::browser_support::Browser;
use crate::support::Env;
use axum::response::Html;
use axum::routing::get;
use fantoccini::Locator;
use iamport_sandbox::{Guard, SandboxConfig};
use serde_json::json;
use std::time::{Duration, Instant};

/// A malicious page: as soon as it loads, it throws every simple request at the sandbox, then
/// submits a hidden form (which navigates away).
fn evil_page(sandbox: &str) -> String {
    format!(
        r#"<!doctype html><html><head><meta charset="utf-8"></head><body>
<form id="f" method="POST" action="{sandbox}/__sandbox/payments" enctype="application/x-www-form-urlencoded">
<input name="merchant_uid" value="evil_form"><input name="amount" value="1000"></form>
<script>
const open = JSON.stringify({{merchant_code: "imp00000000", params: {{merchant_uid: "evil_fetch", amount: 1000}}}});
Promise.allSettled([
  fetch("{sandbox}/__sandbox/payments", {{method: "POST", mode: "no-cors", headers: {{"Content-Type": "text/plain"}},
        body: JSON.stringify({{merchant_uid: "evil_nocors", amount: 1000}})}}),
  fetch("{sandbox}/__sdk/open", {{method: "POST", mode: "no-cors", headers: {{"Content-Type": "text/plain"}}, body: open}}),
  fetch("{sandbox}/__sdk/open", {{method: "POST", headers: {{"Content-Type": "application/json"}}, body: open}}),
]).then(() => {{ window.attacked = true; document.getElementById("f").submit(); }});
</script></body></html>"#
    )
}

/// A listener on a port of its own (its own origin) and the URL of its page.
async fn bind() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind page");
    let url = format!("http://{}/", listener.local_addr().expect("addr"));
    (listener, url)
}

/// Serves one page at `/` on `listener`.
fn spawn(listener: tokio::net::TcpListener, html: String) -> tokio::task::JoinHandle<()> {
    let app = axum::Router::new().route("/", get(move || async move { Html(html) }));
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("page server: {e}");
        }
    })
}

/// Serves one page at `/` on its own port; returns the page's URL.
async fn serve(html: String) -> (String, tokio::task::JoinHandle<()>) {
    let (listener, url) = bind().await;
    (url, spawn(listener, html))
}

/// Payments the sandbox holds for the merchant_uids the evil page uses.
async fn created(env: &Env) -> usize {
    let mut n = 0;
    for uid in ["evil_form", "evil_nocors", "evil_fetch"] {
        let (_, body) = env.get(&format!("/payments/findAll/{uid}")).await;
        n += body["response"]["list"].as_array().map_or(0, Vec::len);
    }
    n
}

/// Opens the evil page and gives its attacks time to run (the form navigates the tab away).
async fn visit(browser: &Browser, url: &str) {
    browser.client.goto(url).await.expect("the page loads");
    tokio::time::sleep(Duration::from_millis(1500)).await;
}

/// A checkout page that loads the SDK from the sandbox and pays as soon as it loads.
fn checkout_page(sdk_url: &str) -> String {
    format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><script src="{sdk_url}"></script></head>
<body><script>
window.lastResponse = null;
IMP.init("imp00000000");
IMP.request_pay({{pg: "html5_inicis", pay_method: "card", merchant_uid: "allowed_page", name: "1개월 이용권", amount: 9900}},
  function (rsp) {{ window.lastResponse = rsp; }});
</script></body></html>"#
    )
}

#[tokio::test]
async fn a_foreign_page_in_a_real_browser_cannot_pay_at_a_guarded_sandbox_but_the_sdk_can() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let open = Env::start().await;
    let (evil_open, task_open) = serve(evil_page(&open.sandbox.base_url())).await;
    visit(&browser, &evil_open).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while created(&open).await == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        created(&open).await > 0,
        "the page's attack works on the open test tool"
    );

    let (listener, shop_page) = bind().await;
    let shop_origin = shop_page.trim_end_matches('/').to_owned();
    let guarded = Env::start_with(SandboxConfig {
        guard: Guard::strict(&[shop_origin.as_str()]),
        ..SandboxConfig::default()
    })
    .await;
    let (evil_guarded, task_guarded) = serve(evil_page(&guarded.sandbox.base_url())).await;
    visit(&browser, &evil_guarded).await;
    assert_eq!(
        created(&guarded).await,
        0,
        "nothing the foreign page sent created a payment"
    );

    let task_shop = spawn(listener, checkout_page(&guarded.sandbox.sdk_url()));
    browser
        .client
        .goto(&shop_page)
        .await
        .expect("the shop's page loads");
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("[data-testid='imp-approve']"))
        .await
        .expect("the payment window opens on the allowed page")
        .click()
        .await
        .expect("approve");
    let deadline = Instant::now() + Duration::from_secs(20);
    let rsp = loop {
        let v = browser
            .client
            .execute("return window.lastResponse;", vec![])
            .await
            .expect("script runs");
        if !v.is_null() || Instant::now() > deadline {
            break v;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        rsp["status"],
        json!("paid"),
        "the SDK pays from the allowed page: {rsp}"
    );
    browser.stop().await;
    for task in [task_open, task_guarded, task_shop] {
        task.abort();
    }
}
