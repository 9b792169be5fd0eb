//! The subscription PG chosen in 설정 decides what the card-registration window charges, and the
//! app's sandbox behaves as that PG does: a PG that issues the key for 0원 (Inicis) opens a 0원
//! window and the first month is charged with the key; a PG that charges with the issuance
//! (KakaoPay) opens the window at the month's price, and that payment, verified like any
//! payment, is the first month: never charged a second time, by the window's return or later
//! by the sync engine.

use serde_json::json;

use crate::checkout::payment_window_shows_the_sdk;
use crate::harness::{ensure, fail, scenario, App, Result};
use crate::store_pc::{control_token, get_response, invoke};

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
