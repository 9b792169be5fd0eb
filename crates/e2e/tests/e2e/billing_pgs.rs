//! The subscription PG chosen in 설정 decides what the card-registration window charges, and the
//! app's sandbox behaves as that PG does: a PG that issues the key for 0원 (Inicis) opens a 0원
//! window and the first month is charged with the key; a PG that charges with the issuance
//! (KakaoPay) opens the window at the month's price, and that payment, verified like any
//! payment, is the first month: never charged a second time, by the window's return or later
//! by the sync engine. Danal approves its 0원 window as a 10원 test charge it cancels itself
//! about 30 minutes later: shown as no sale, then cancelled. 카드 변경 on KakaoPay (which would
//! charge the window's amount) carries a 100원 check charge, refunded at once, no month charged.

use serde_json::json;

use crate::checkout::payment_window_shows_the_sdk;
use crate::harness::{ensure, fail, scenario, App, Result};
use crate::store_pc::{control_token, get_response, invoke, post};

/// What a subscription through `pg` showed and cost.
struct Subscribed {
    /// The window's 결제금액 line.
    window_amount: String,
    /// The subscription's history.
    history: String,
    /// `again` calls Iamport got, after the subscription started and one more sync cycle.
    again_calls: u64,
    /// `schedule` calls Iamport got.
    schedule_calls: u64,
}

/// Saves `pg` as the subscription PG in 설정, subscribes to the monthly plan through the window
/// (approved), then runs one sync cycle.
async fn subscribe_through(app: &App, pg: &str) -> Result<Subscribed> {
    app.click("nav-settings").await?;
    app.fill("settings-channel-billing", pg).await?;
    app.click("settings-save").await?;
    app.wait_for("settings-saved").await?;

    app.click("nav-subscriptions").await?;
    app.wait_for_text("subscribe-sub_monthly", "구독하기")
        .await?;
    app.click("subscribe-sub_monthly").await?;
    payment_window_shows_the_sdk(app).await?;
    app.to_payment_window().await?;
    let window_amount = app.text("imp-amount").await;
    app.to_main_window().await?;
    let window_amount = window_amount?;
    app.click_in_payment_window("imp-approve").await?;
    app.wait_for_text("subscriptions-notice", "구독이 시작")
        .await?;
    app.wait_for_state("subscription-state", "active").await?;
    let history = app.text("subscription-history").await?;

    // One whole cycle of the sync engine (it looks the registration and the charges up again).
    invoke(app, "sync_now", json!({})).await?;
    let status = invoke(app, "app_status", json!({})).await?;
    let base = status["sandbox"]["baseUrl"]
        .as_str()
        .ok_or_else(|| fail(format!("no sandbox address: {status}")))?;
    let token = control_token(app.data_dir())?;
    let stats = get_response(base, "/__sandbox/stats", ("X-Sandbox-Token", &token))?;
    let calls = |route: &str| stats["by_route"][route].as_u64().unwrap_or(0);
    Ok(Subscribed {
        window_amount,
        history,
        again_calls: calls("POST /subscribe/payments/again"),
        schedule_calls: calls("POST /subscribe/payments/schedule"),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pg_that_issues_for_0_won_opens_a_0_won_window_and_charges_the_first_month_with_the_key()
{
    scenario(
        "billing_pg_free_issuance",
        async |app: &mut App| -> Result {
            let got = subscribe_through(app, "html5_inicis.INIBillTst").await?;
            ensure(
                got.window_amount.contains(" 0원"),
                format!("the window charges nothing: {:?}", got.window_amount),
            )?;
            ensure(
                got.history.contains("1회차") && got.history.contains("9,900원"),
                format!("the first month is 9,900원: {:?}", got.history),
            )?;
            ensure(
                got.again_calls == 1,
                format!(
                    "the first month is charged once with the key: {} again calls",
                    got.again_calls
                ),
            )?;
            ensure(
                got.schedule_calls >= 1,
                "the next month is scheduled at Iamport",
            )?;
            Ok(())
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pg_that_charges_with_the_issuance_makes_that_payment_the_first_month_once() {
    scenario(
        "billing_pg_charges_at_issuance",
        async |app: &mut App| -> Result {
            let got = subscribe_through(app, "kakaopay.TCSUBSCRIP").await?;
            ensure(
                got.window_amount.contains("9,900원"),
                format!(
                    "the window charges the first month: {:?}",
                    got.window_amount
                ),
            )?;
            ensure(
                got.history.contains("1회차") && got.history.contains("결제 완료"),
                format!("the window's payment is the first month: {:?}", got.history),
            )?;
            ensure(
                got.again_calls == 0,
                format!(
                    "the first month is never charged again: {} again calls",
                    got.again_calls
                ),
            )?;
            ensure(
                got.schedule_calls >= 1,
                "the next month is scheduled at Iamport",
            )?;
            Ok(())
        },
    )
    .await;
}

/// The app's sandbox address and its control token.
async fn sandbox_of(app: &App) -> Result<(String, String)> {
    let status = invoke(app, "app_status", json!({})).await?;
    let base = status["sandbox"]["baseUrl"]
        .as_str()
        .ok_or_else(|| fail(format!("no sandbox address: {status}")))?
        .to_owned();
    Ok((base, control_token(app.data_dir())?))
}

/// The text of the order list's first row that has `testid`, after opening 주문 내역 afresh.
async fn order_list_text(app: &App, testid: &str, expected: &str) -> Result<String> {
    app.click("nav-plans").await?;
    app.click("nav-orders").await?;
    app.wait_for_text(testid, expected).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn danal_s_10_won_test_charge_is_shown_as_no_sale_and_then_cancelled_by_the_pg() {
    scenario(
        "billing_pg_danal_test_charge",
        async |app: &mut App| -> Result {
            let got = subscribe_through(app, "danal").await?;
            ensure(
                got.window_amount.contains(" 0원"),
                format!("Danal's window is opened for 0원: {:?}", got.window_amount),
            )?;
            ensure(
                got.again_calls == 1,
                format!(
                    "the first month is charged on its own, once: {} again calls",
                    got.again_calls
                ),
            )?;
            let row = order_list_text(app, "order-row-test-charge", "카드 확인용 10원").await?;
            ensure(
                row.contains("매출 아님") && row.contains("30분"),
                format!("the 10원 is no sale and the PG will cancel it: {row:?}"),
            )?;

            // Half an hour later on Iamport's clock Danal has cancelled it; the app learns it.
            let (base, token) = sandbox_of(app).await?;
            post(
                &base,
                "/__sandbox/clock",
                &token,
                &json!({"advance": 31 * 60}).to_string(),
            )?;
            invoke(app, "sync_now", json!({})).await?;
            let row = order_list_text(app, "order-row-test-charge", "PG가 취소함").await?;
            ensure(
                row.contains("10원"),
                format!("the list shows the 10원 cancelled by the PG: {row:?}"),
            )?;
            Ok(())
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_change_on_kakaopay_charges_a_100_won_check_refunded_at_once() {
    scenario(
        "billing_pg_card_change_check",
        async |app: &mut App| -> Result {
            subscribe_through(app, "kakaopay.TCSUBSCRIP").await?;
            app.click("subscription-change-card").await?;
            app.click("confirm-dialog-confirm").await?;
            crate::checkout::payment_window_shows_the_sdk(app).await?;
            app.to_payment_window().await?;
            let amount = app.text("imp-amount").await;
            app.to_main_window().await?;
            let amount = amount?;
            ensure(
                amount.contains("100원"),
                format!("KakaoPay's card-change window carries the 100원 check: {amount:?}"),
            )?;
            app.click_in_payment_window("imp-approve").await?;
            app.wait_for_text("subscriptions-notice", "카드를 변경")
                .await?;

            let (base, token) = sandbox_of(app).await?;
            let stats = get_response(&base, "/__sandbox/stats", ("X-Sandbox-Token", &token))?;
            let calls = |route: &str| stats["by_route"][route].as_u64().unwrap_or(0);
            ensure(
                calls("POST /subscribe/payments/again") == 0,
                "the card change charged no month",
            )?;
            ensure(
                calls("POST /payments/cancel") == 1,
                format!("the 100원 check was refunded once: {stats}"),
            )?;
            let row = order_list_text(app, "order-row-refunded", "환불 100원").await?;
            ensure(
                row.contains("100원"),
                format!("the list shows the check refunded: {row:?}"),
            )?;
            Ok(())
        },
    )
    .await;
}
