//! Issue 6 in the app: the sync engine runs with it (status bar: online, last successful sync,
//! 지금 동기화), and issue 5's redirect path: a navigation to `m_redirect_url` is caught by
//! Rust, verified, and the UI shows the result screen.

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_redirect_is_verified_in_rust_and_shows_the_result() {
    scenario("payment_redirect", async |app: &mut App| -> Result {
        app.click("plan-pass_1m").await?;
        app.click("pay-method-card").await?;
        app.wait_for_text("checkout-submit", "결제하기").await?;
        app.click("checkout-submit").await?;
        app.click("imp-approve").await?;
        app.wait_for_text("result-status", "paid").await?;
        let uid = app.text("result-merchant-uid").await?;
        app.click("nav-orders").await?;
        app.wait_for(&format!("order-row-{uid}")).await?;
        // What the payment window does in a redirect-style flow.
        app.run_js(
            "const done = arguments[arguments.length - 1];\
             window.location.href = 'https://panmusic-pos.localhost/payment/complete?imp_success=true&merchant_uid=' + arguments[0];\
             done(true);",
            vec![serde_json::json!(uid)],
        )
        .await?;
        app.wait_for_text("result-status", "paid").await?;
        let shown = app.text("result-merchant-uid").await?;
        ensure(
            shown == uid,
            format!("the result screen names the order: {shown:?}"),
        )?;
        ensure(
            app.exists("nav-plans").await?,
            "the app's page stayed (the navigation was cancelled)",
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
        app.click("imp-vbank").await?;
        app.wait_for_text("result-status", "vbank_issued").await?;
        let uid = app.text("result-merchant-uid").await?;
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
