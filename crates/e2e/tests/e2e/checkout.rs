//! Checkout on the real app in sandbox mode: Rust opens the payment window, where the sandbox SDK
//! shows its buttons (`imp-approve`, `imp-decline`, `imp-vbank`, `imp-close`); the main window
//! shows progress, then the result Rust verified.

use crate::harness::{ensure, scenario, App, Result};

/// From the plans to the checkout screen of `plan`, with `method` picked and the payment window
/// open (its SDK window showing); WebDriver is back on the main window, which shows progress.
pub async fn open_window(app: &App, plan: &str, method: &str) -> Result {
    app.click(&format!("plan-{plan}")).await?;
    app.click(&format!("pay-method-{method}")).await?;
    app.wait_for_text("checkout-submit", "결제하기").await?;
    app.click("checkout-submit").await?;
    payment_window_shows_the_sdk(app).await?;
    app.wait_for_text("checkout-progress", "결제창에서 결제를 진행해 주세요")
        .await?;
    Ok(())
}

/// The payment window is open and the sandbox SDK's window shows in it.
pub async fn payment_window_shows_the_sdk(app: &App) -> Result {
    app.to_payment_window().await?;
    let shown = app.wait_for("imp-window").await;
    app.to_main_window().await?;
    shown.map(|_| ())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_one_month_pass_paid_by_card_shows_paid() {
    scenario("checkout_card_paid", async |app: &mut App| -> Result {
        open_window(app, "pass_1m", "card").await?;
        app.click_in_payment_window("imp-approve").await?;
        app.wait_for_state("result-status", "paid").await?;
        let uid = app.full_id("result-merchant-uid").await?;
        ensure(
            uid.starts_with("order_"),
            format!("the result names the order: {uid:?}"),
        )?;
        // The order is in the history with its state.
        app.click("nav-orders").await?;
        let row = app
            .wait_for_text(&format!("order-row-{uid}"), "결제 완료")
            .await?;
        ensure(
            row.contains("9,900원"),
            format!("the row shows the amount: {row:?}"),
        )?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_card_retried_on_the_same_order_ends_paid() {
    scenario("checkout_decline_retry", async |app: &mut App| -> Result {
        open_window(app, "pass_1m", "card").await?;
        app.click_in_payment_window("imp-decline").await?;
        app.wait_for_state("result-status", "failed").await?;
        let first = app.full_id("result-merchant-uid").await?;
        app.click("checkout-retry").await?;
        payment_window_shows_the_sdk(app).await?;
        app.click_in_payment_window("imp-approve").await?;
        app.wait_for_state("result-status", "paid").await?;
        let second = app.full_id("result-merchant-uid").await?;
        ensure(
            first == second,
            format!("the retry pays the same order: {first:?} then {second:?}"),
        )?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_virtual_account_is_issued_and_shown() {
    scenario("checkout_vbank_issued", async |app: &mut App| -> Result {
        open_window(app, "pass_3m", "vbank").await?;
        app.click_in_payment_window("imp-vbank").await?;
        app.wait_for_state("result-status", "vbank_issued").await?;
        let account = app.wait_for_text("vbank-account", "KST").await?;
        ensure(
            account.contains("입금 기한") && account.contains("계좌번호"),
            format!("bank, number, holder and deadline shown: {account:?}"),
        )?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_refund_from_the_order_page() {
    scenario("order_partial_refund", async |app: &mut App| -> Result {
        open_window(app, "pass_1m", "card").await?;
        app.click_in_payment_window("imp-approve").await?;
        app.wait_for_state("result-status", "paid").await?;
        let uid = app.full_id("result-merchant-uid").await?;
        app.click("nav-orders").await?;
        app.click(&format!("order-open-{uid}")).await?;
        app.wait_for_state("order-status", "paid").await?;
        app.click("refund-partial").await?;
        app.fill("refund-amount", "3000").await?;
        app.fill("refund-reason", "고객 요청 부분 환불").await?;
        let remaining = app.text("refund-remaining").await?;
        ensure(
            remaining.contains("6,900원"),
            format!("the dialog says what remains before refunding: {remaining:?}"),
        )?;
        app.click("refund-submit").await?;
        app.wait_for_state("order-status", "partially_refunded")
            .await?;
        let refunded = app.text("order-refunded").await?;
        ensure(
            refunded.contains("3,000원"),
            format!("3,000원 refunded: {refunded:?}"),
        )?;
        let timeline = app.text("order-timeline").await?;
        ensure(
            timeline.contains("부분 환불"),
            format!("the timeline has the refund: {timeline:?}"),
        )?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_window_leaves_the_order_open_and_a_phone_payment_pays_it() {
    scenario(
        "checkout_closed_then_phone",
        async |app: &mut App| -> Result {
            open_window(app, "pass_1m", "phone").await?;
            app.click_in_payment_window("imp-close").await?;
            app.wait_until_payment_window_closed().await?;
            let status = app.state("result-status").await?;
            ensure(
                status == "awaiting_payment" || status == "created",
                format!("a closed window leaves the order open, not failed: {status:?}"),
            )?;
            let first = app.full_id("result-merchant-uid").await?;
            app.click("checkout-retry").await?;
            payment_window_shows_the_sdk(app).await?;
            app.click_in_payment_window("imp-approve").await?;
            app.wait_for_state("result-status", "paid").await?;
            let second = app.full_id("result-merchant-uid").await?;
            ensure(
                first == second,
                format!("the same order is paid: {first:?} then {second:?}"),
            )?;
            Ok(())
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_window_that_closes_itself_leaves_the_order_open_to_pay_again() {
    scenario(
        "checkout_window_closed_by_its_page",
        async |app: &mut App| -> Result {
            open_window(app, "pass_1m", "card").await?;
            // The page closes its window (a PG's cancel does this): no payment comes back.
            app.close_payment_window_from_its_page().await?;
            app.wait_until_payment_window_closed().await?;
            app.wait_for("checkout-retry").await?;
            let uid = app.full_id("result-merchant-uid").await?;
            ensure(
                uid.starts_with("order_"),
                format!("the main window names the open order: {uid:?}"),
            )?;
            ensure(
                !app.exists("checkout-progress").await?,
                "progress ends when the window closes",
            )?;
            app.click("checkout-retry").await?;
            payment_window_shows_the_sdk(app).await?;
            app.click_in_payment_window("imp-approve").await?;
            app.wait_for_state("result-status", "paid").await?;
            let paid = app.full_id("result-merchant-uid").await?;
            ensure(
                paid == uid,
                format!("the same order is paid: {uid:?} then {paid:?}"),
            )?;
            Ok(())
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_order_prints_its_receipt_through_the_print_dialog() {
    scenario("checkout_receipt_print", async |app: &mut App| -> Result {
        open_window(app, "pass_1m", "card").await?;
        app.click_in_payment_window("imp-approve").await?;
        app.wait_for_state("result-status", "paid").await?;
        let uid = app.full_id("result-merchant-uid").await?;
        app.click("result-open-order").await?;
        app.click("receipt-open").await?;
        let receipt = app.wait_for_text("receipt", "9,900원").await?;
        for expected in ["1개월 이용권", "부가세", "900원", "카드", "KST", uid.as_str()] {
            ensure(
                receipt.contains(expected),
                format!("the receipt shows {expected:?}: {receipt:?}"),
            )?;
        }
        // The real dialog would block the session: record the call instead.
        app.run_js(
            "window.__printed = 0; window.print = () => { window.__printed += 1; }; \
             arguments[arguments.length - 1](true);",
            vec![],
        )
        .await?;
        app.click("receipt-paper-80mm").await?;
        app.click("receipt-print").await?;
        let printed = app
            .run_js(
                "arguments[arguments.length - 1]({ printed: window.__printed, \
                 page: [...document.querySelectorAll('style')].map(s => s.textContent).join(' ') });",
                vec![],
            )
            .await?;
        ensure(
            printed["printed"] == 1,
            format!("인쇄 opens the print dialog once: {printed}"),
        )?;
        ensure(
            printed["page"].as_str().is_some_and(|p| p.contains("size: 80mm")),
            format!("the page is sized for 80 mm paper: {printed}"),
        )?;
        Ok(())
    })
    .await;
}
