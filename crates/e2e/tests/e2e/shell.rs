//! Issue 4: the shell opens in sandbox mode with the plans, and settings survive a restart.

use std::path::Path;

use crate::harness::{ensure, scenario, scenario_with, App, Result, Start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_install_opens_in_sandbox_mode_with_the_three_plans() {
    scenario("sandbox_mode_with_plans", async |app: &mut App| -> Result {
        app.wait_for("sandbox-banner").await?;
        ensure(
            !app.exists("startup-error").await?,
            "no start-up error on a fresh data dir",
        )?;
        let banner = app.text("sandbox-banner").await?;
        ensure(
            banner.contains("SANDBOX"),
            format!("the banner says SANDBOX: {banner:?}"),
        )?;

        let pass_1m = app.wait_for_text("plan-pass_1m", "9,900원").await?;
        ensure(
            pass_1m.contains("1개월 이용권"),
            format!("1-month pass named in Korean: {pass_1m:?}"),
        )?;
        let pass_3m = app.wait_for_text("plan-pass_3m", "27,000원").await?;
        ensure(
            pass_3m.contains("3개월 이용권"),
            format!("3-month pass named in Korean: {pass_3m:?}"),
        )?;
        let monthly = app.wait_for_text("plan-sub_monthly", "9,900원/월").await?;
        ensure(
            monthly.contains("정기결제"),
            format!("the subscription says 정기결제: {monthly:?}"),
        )?;

        let mode = app.text("status-mode").await?;
        ensure(
            mode.contains("테스트 모드"),
            format!("the status bar shows the mode: {mode:?}"),
        )?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_store_name_survives_a_restart() {
    scenario(
        "store_name_survives_restart",
        async |app: &mut App| -> Result {
            let name = "행복한 카페 Happy Cafe";
            app.click("nav-settings").await?;
            app.fill("settings-store-name", name).await?;
            app.click("settings-save").await?;
            app.wait_for_text("settings-saved", "저장").await?;

            app.restart().await?;
            app.click("nav-settings").await?;
            let deadline = std::time::Instant::now() + crate::harness::STEP_TIMEOUT;
            let mut shown = app.value("settings-store-name").await?;
            while shown != name && std::time::Instant::now() < deadline {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                shown = app.value("settings-store-name").await?;
            }
            ensure(
                shown == name,
                format!("the store name read back after the restart: {shown:?}"),
            )?;
            Ok(())
        },
    )
    .await;
}

/// A sandbox order book (the book a fresh install opens) that is not SQLite.
fn corrupt_database(data_dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(data_dir.join("sandbox"))?;
    std::fs::write(
        data_dir.join("sandbox").join("pos.sqlite3"),
        b"not a database at all ".repeat(200),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_database_shows_the_korean_error_screen_instead_of_crashing() {
    let start = Start {
        prepare: corrupt_database,
        ready: "startup-error",
        ..Start::default()
    };
    scenario_with(
        "corrupt_database_error_screen",
        start,
        async |app: &mut App| -> Result {
            let message = app.text("startup-error-message").await?;
            let korean = message.chars().any(|c| ('가'..='힣').contains(&c));
            ensure(
                korean,
                format!("the problem is explained in Korean: {message:?}"),
            )?;
            let screen = app.text("startup-error").await?;
            ensure(
                screen.contains("판뮤직 POS를 시작할 수 없습니다"),
                format!("the error screen's title: {screen:?}"),
            )?;
            ensure(
                !app.exists("nav-plans").await?,
                "no shell over a broken order book",
            )?;
            Ok(())
        },
    )
    .await;
}
