//! Issue 7 on the real app in sandbox mode: the SDK window issues the billing key, Rust charges
//! the first month and schedules the next; then cancel at period end.

use crate::harness::{ensure, scenario, App, Result};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_monthly_then_cancel_at_period_end() {
    scenario("subscribe_then_cancel", async |app: &mut App| -> Result {
        app.click("nav-subscriptions").await?;
        app.wait_for_text("subscribe-sub_monthly", "구독하기")
            .await?;
        // The button is enabled once the SDK has loaded.
        let deadline = std::time::Instant::now() + crate::harness::STEP_TIMEOUT;
        while app
            .wait_for("subscribe-sub_monthly")
            .await?
            .attr("disabled")
            .await?
            .is_some()
        {
            ensure(std::time::Instant::now() < deadline, "the SDK never loaded")?;
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        app.click("subscribe-sub_monthly").await?;
        app.wait_for("imp-window").await?;
        ensure(
            !app.exists("imp-vbank").await?,
            "a billing window offers no virtual account",
        )?;
        app.click("imp-approve").await?;
        app.wait_for_text("subscriptions-notice", "구독이 시작")
            .await?;
        app.wait_for_text("subscription-state", "active").await?;
        let next = app.text("subscription-next-charge").await?;
        ensure(
            next.contains("KST") && next.contains("9,900원"),
            format!("the next charge date (KST) and amount: {next:?}"),
        )?;
        let history = app.text("subscription-history").await?;
        ensure(
            history.contains("1회차") && history.contains("결제 완료"),
            format!("the first month is paid: {history:?}"),
        )?;

        // 카드 변경: the window issues a new key; future charges move to it.
        app.click("subscription-change-card").await?;
        app.wait_for("imp-window").await?;
        app.click("imp-approve").await?;
        app.wait_for_text("subscriptions-notice", "카드를 변경")
            .await?;
        app.wait_for_text("subscription-state", "active").await?;
        let card_after = app.text("subscription-card").await?;
        ensure(
            card_after.contains('*'),
            format!("the new card, masked: {card_after:?}"),
        )?;

        app.click("subscription-cancel").await?;
        app.wait_for_text("subscription-cancel-scheduled", "까지 이용")
            .await?;
        app.wait_for_text("subscription-state", "active").await?;
        app.wait_for_text("subscription-next-charge", "해지 예약")
            .await?;
        ensure(
            app.exists("subscription-resume").await?,
            "재개 is offered before the period ends",
        )?;
        Ok(())
    })
    .await;
}
