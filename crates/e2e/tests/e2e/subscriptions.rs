//! Subscriptions on the real app in sandbox mode: the payment window issues the billing key, Rust
//! verifies it, charges the first month and schedules the next; card change goes through the
//! same window; then cancel at period end.

use crate::checkout::payment_window_shows_the_sdk;
use crate::harness::{ensure, scenario, App, Result};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_monthly_then_cancel_at_period_end() {
    scenario("subscribe_then_cancel", async |app: &mut App| -> Result {
        app.click("nav-subscriptions").await?;
        app.wait_for_text("subscribe-sub_monthly", "구독하기")
            .await?;
        app.click("subscribe-sub_monthly").await?;
        payment_window_shows_the_sdk(app).await?;
        app.wait_for_text("subscriptions-progress", "결제창에서 카드를 등록해 주세요")
            .await?;
        app.to_payment_window().await?;
        let offers_vbank = app.exists("imp-vbank").await;
        app.to_main_window().await?;
        ensure(!offers_vbank?, "a billing window offers no virtual account")?;
        app.click_in_payment_window("imp-approve").await?;
        app.wait_for_text("subscriptions-notice", "구독이 시작")
            .await?;
        app.wait_for_state("subscription-state", "active").await?;
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

        // 카드 변경: the window issues a new key (another test card); future charges move to it.
        let card_before = app.text("subscription-card").await?;
        app.click("subscription-change-card").await?;
        app.click("confirm-dialog-confirm").await?;
        payment_window_shows_the_sdk(app).await?;
        app.click_in_payment_window("imp-approve").await?;
        app.wait_for_text("subscriptions-notice", "카드를 변경")
            .await?;
        app.wait_for_state("subscription-state", "active").await?;
        let deadline = std::time::Instant::now() + crate::harness::STEP_TIMEOUT;
        let mut card_after = app.text("subscription-card").await?;
        while card_after == card_before && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            card_after = app.text("subscription-card").await?;
        }
        ensure(
            card_after.contains('*') && card_after != card_before,
            format!("the screen shows the new card, masked: {card_before:?} -> {card_after:?}"),
        )?;

        app.click("subscription-cancel").await?;
        app.click("confirm-dialog-confirm").await?;
        app.wait_for_text("subscription-cancel-scheduled", "까지 이용")
            .await?;
        app.wait_for_state("subscription-state", "active").await?;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_or_closed_card_registration_is_listed_and_can_be_registered_again() {
    scenario(
        "registration_declined_closed_again",
        async |app: &mut App| -> Result {
            app.click("nav-subscriptions").await?;
            app.wait_for_text("subscribe-sub_monthly", "구독하기")
                .await?;
            app.click("subscribe-sub_monthly").await?;
            payment_window_shows_the_sdk(app).await?;
            app.click_in_payment_window("imp-decline").await?;
            app.wait_for_text("subscription-failure", "카드 거절")
                .await?;
            app.wait_for_state("subscription-state", "incomplete")
                .await?;
            ensure(
                app.exists("subscription-register-again").await?
                    && app.exists("subscription-abandon").await?,
                "a declined registration offers 다시 등록 and 취소",
            )?;

            // 구독하기 again is not refused: it reopens the same registration; then the window is closed.
            app.click("subscribe-sub_monthly").await?;
            payment_window_shows_the_sdk(app).await?;
            app.click_in_payment_window("imp-close").await?;
            app.wait_for_text("subscriptions-notice", "다시 등록하거나 취소")
                .await?;
            app.wait_for_text("subscription-failure", "등록 취소")
                .await?;

            app.click("subscription-register-again").await?;
            payment_window_shows_the_sdk(app).await?;
            app.click_in_payment_window("imp-approve").await?;
            app.wait_for_text("subscriptions-notice", "구독이 시작")
                .await?;
            app.wait_for_state("subscription-state", "active").await?;
            let history = app.text("subscription-history").await?;
            ensure(
                history.contains("1회차")
                    && !history.contains("0회차")
                    && history.contains("예약됨"),
                format!("periods from 1, next month 예약됨: {history:?}"),
            )?;
            Ok(())
        },
    )
    .await;
}
