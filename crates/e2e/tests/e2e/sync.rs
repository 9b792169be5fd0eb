//! The sync engine runs with the app (status bar: online, last successful sync, 지금 동기화), and
//! the redirect path: a navigation of the payment window to `m_redirect_url` is caught by Rust
//! and verified at Iamport, whatever it claims; the main window never follows one.

use crate::checkout::open_window;
use crate::harness::{ensure, scenario, App, Result};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_bar_shows_the_engine_online_with_a_last_sync_and_sync_now_works() {
    scenario("sync_status_bar", async |app: &mut App| -> Result {
        app.wait_for_text("status-online", "온라인").await?;
        app.click("sync-now").await?;
        let last = app.wait_for_text("sync-last", "KST").await?;
        ensure(
            last.contains("마지막 동기화"),
            format!("the last successful sync in KST: {last:?}"),
        )?;
        let queue = app.text("sync-queue").await?;
        ensure(
            queue.contains("대기 0건"),
            format!("nothing queued: {queue:?}"),
        )?;
        // A restarted app on the same data dir runs its engine again (the lease was released on
        // exit, or taken over from the dead process).
        app.restart().await?;
        app.click("sync-now").await?;
        app.wait_for_text("sync-last", "KST").await?;
        ensure(
            !app.exists("sync-problem").await?,
            "the restarted app's engine took the lease",
        )?;
        Ok(())
    })
    .await;
}

/// In the payment window: navigate to `m_redirect_url` claiming success for `merchant_uid`
/// (empty: the window's own order) with payment id `imp_uid`, as a forged or PG redirect would.
const CLAIM_SUCCESS: &str = r#"
const [merchantUid, impUid, done] = arguments;
const request = JSON.parse(new URLSearchParams(window.location.search).get("request"));
const uid = merchantUid || request.params.merchant_uid;
const to = "https://panmusic-pos.localhost/payment/complete?imp_success=true&merchant_uid="
  + encodeURIComponent(uid) + "&imp_uid=" + encodeURIComponent(impUid);
// Answer first: the window is gone once Rust has caught the navigation.
done(uid);
setTimeout(() => { window.location.href = to; }, 300);
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_redirect_is_verified_in_rust_whatever_it_claims() {
    scenario("payment_redirect", async |app: &mut App| -> Result {
        // A real payment first, so there is a paid order and its payment to point at.
        open_window(app, "pass_1m", "card").await?;
        app.click_in_payment_window("imp-approve").await?;
        app.wait_for_state("result-status", "paid").await?;
        let paid_uid = app.full_id("result-merchant-uid").await?;
        let found = app
            .run_js(
                "const [uid, done] = arguments;\
                 window.__TAURI_INTERNALS__.invoke('get_order', { merchantUid: uid })\
                   .then((d) => done(d.order.impUid), (e) => done(String(e)));",
                vec![serde_json::json!(paid_uid)],
            )
            .await?;
        let paid_imp = found.as_str().unwrap_or_default().to_owned();
        ensure(paid_imp.starts_with("imp_"), format!("the paid payment: {found}"))?;

        // The main window never follows a redirect: it stays on the app.
        app.click("nav-orders").await?;
        let stayed = app
            .run_js(
                "const [uid, done] = arguments;\
                 window.location.href = 'https://panmusic-pos.localhost/payment/complete?imp_success=true&merchant_uid=' + uid;\
                 setTimeout(() => done(window.location.href), 1000);",
                vec![serde_json::json!(paid_uid)],
            )
            .await?;
        ensure(
            stayed.as_str().is_some_and(|href| href.starts_with("tauri://localhost")),
            format!("the main window stayed on the app: {stayed}"),
        )?;
        app.wait_for(&format!("order-row-{paid_uid}")).await?;

        // A new order's window claims success with the paid payment of the first order: Rust
        // ignores the other order's payment id and finds this order unpaid at Iamport.
        app.click("nav-plans").await?;
        open_window(app, "pass_3m", "card").await?;
        app.to_payment_window().await?;
        let claimed = app
            .run_js(CLAIM_SUCCESS, vec![serde_json::json!(paid_uid), serde_json::json!(paid_imp)])
            .await;
        app.to_main_window().await?;
        claimed?;
        app.wait_until_payment_window_closed().await?;
        let state = app.state("result-status").await?;
        let shown = app.full_id("result-merchant-uid").await?;
        ensure(
            shown != paid_uid,
            format!("the result is the window's own order, not the one the redirect named: {shown:?}"),
        )?;
        ensure(
            state == "awaiting_payment",
            format!("a redirect claiming success does not make an unpaid order paid: {state:?}"),
        )?;

        // The same order's window claims success with no payment: still unpaid.
        app.click("checkout-retry").await?;
        app.to_payment_window().await?;
        app.wait_for("imp-window").await?;
        let claimed = app
            .run_js(CLAIM_SUCCESS, vec![serde_json::json!(""), serde_json::json!("")])
            .await;
        app.to_main_window().await?;
        let claimed_uid = claimed?;
        ensure(
            claimed_uid.as_str() == Some(shown.as_str()),
            format!("the window was for the same order: {claimed_uid} vs {shown:?}"),
        )?;
        app.wait_until_payment_window_closed().await?;
        app.wait_for_attr("result-merchant-uid", "data-full-id", &shown)
            .await?;
        let state = app.state("result-status").await?;
        ensure(
            state == "awaiting_payment",
            format!("imp_success=true is never believed: {state:?}"),
        )?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_virtual_account_deposit_reaches_the_order_through_the_sync_engine() {
    scenario("vbank_deposit_synced", async |app: &mut App| -> Result {
        app.click("plan-pass_1m").await?;
        app.click("pay-method-vbank").await?;
        app.wait_for_text("checkout-submit", "결제하기").await?;
        app.click("checkout-submit").await?;
        app.click_in_payment_window("imp-vbank").await?;
        app.wait_for_state("result-status", "vbank_issued").await?;
        let uid = app.full_id("result-merchant-uid").await?;
        // The buyer deposits: the sandbox's control API, as the bank would tell Iamport.
        let found = app
            .run_js(
                "const [uid, done] = arguments;\
                 const invoke = window.__TAURI_INTERNALS__.invoke;\
                 Promise.all([invoke('app_status'), invoke('get_order', { merchantUid: uid })])\
                   .then(([status, detail]) => done([status.sandbox.baseUrl, detail.order.impUid]),\
                         (e) => done(String(e)));",
                vec![serde_json::json!(uid)],
            )
            .await?;
        let (Some(base), Some(imp_uid)) = (found[0].as_str(), found[1].as_str()) else {
            return Err(format!("no sandbox address or payment id: {found}").into());
        };
        let token = control_token(app.data_dir())?;
        let status = post(
            base,
            &format!("/__sandbox/payments/{imp_uid}/deposit"),
            &token,
        )?;
        ensure(
            status.contains(" 200 "),
            format!("the sandbox took the deposit: {status}"),
        )?;
        app.click("sync-now").await?;
        app.click("nav-orders").await?;
        app.wait_for_text(&format!("order-row-{uid}"), "결제 완료")
            .await?;
        Ok(())
    })
    .await;
}

/// The in-app sandbox's control token, which the app writes (owner-only) into its data dir, or
/// into the sandbox's own folder inside it.
fn control_token(data_dir: &std::path::Path) -> Result<String> {
    const FILE: &str = "sandbox-control-token";
    let candidates = [data_dir.join(FILE), data_dir.join("sandbox").join(FILE)];
    for path in &candidates {
        if let Ok(token) = std::fs::read_to_string(path) {
            return Ok(token.trim().to_owned());
        }
    }
    Err(format!("no sandbox control token in {}", data_dir.display()).into())
}

/// A JSON POST of `{}` to the sandbox's control API on loopback; returns the status line.
fn post(base: &str, path: &str, token: &str) -> Result<String> {
    use std::io::{Read, Write};
    let host = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(host)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nX-Sandbox-Token: {token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    )?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply)?;
    Ok(reply.lines().next().unwrap_or_default().to_owned())
}
