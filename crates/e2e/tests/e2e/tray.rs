//! The main window closed to the tray and opened again: it comes back on the screen it showed and
//! at the size the owner gave it, and that size is kept across a restart even when the app was
//! never quit (closed to the tray, then the PC turned off: the app is killed). A main window
//! closed while a payment window is open is only hidden until the payment is done, then closed for
//! real.

use std::time::{Duration, Instant};

use crate::checkout::open_window;
use crate::handover::{log_lines, DELAY_ENV};
use crate::harness::{
    ensure, fail, scenario, scenario_with, step, App, Result, Start, STEP_TIMEOUT,
};
use crate::store_pc::wait_until_no_web_process;

/// A size unlike the default 1100 × 760 (and above the 800 × 600 minimum).
const OWNER_SIZE: (u32, u32) = (930, 680);

async fn window_size(app: &App) -> Result<(u64, u64)> {
    let client = app.client()?;
    step("read the window size", async {
        Ok(client.get_window_size().await?)
    })
    .await
}

/// Waits until the window has the size `expected` (a resize lands a moment later).
async fn wait_for_size(app: &App, expected: (u64, u64), what: &str) -> Result {
    let mut last = (0, 0);
    for _ in 0..50 {
        last = window_size(app).await?;
        if last == expected {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(fail(format!(
        "{what}: size {last:?}, expected {expected:?}"
    )))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_closed_to_the_tray_comes_back_as_it_was_and_keeps_its_size_across_a_restart() {
    scenario("tray_window", async |app: &mut App| -> Result {
        let client = app.client()?.clone();
        step("resize the window", async {
            Ok(client.set_window_size(OWNER_SIZE.0, OWNER_SIZE.1).await?)
        })
        .await?;
        let resized = (u64::from(OWNER_SIZE.0), u64::from(OWNER_SIZE.1));
        wait_for_size(app, resized, "the owner resized the window").await?;
        app.click("nav-settings").await?;
        app.wait_for_attr("nav-settings", "aria-current", "page")
            .await?;

        app.close_main_window_to_tray().await?;
        wait_until_no_web_process(app.data_dir()).await?;
        app.reopen_by_second_launch().await?;
        app.wait_for_attr("nav-settings", "aria-current", "page")
            .await
            .map_err(|e| fail(format!("the window opens again on 설정, where it was: {e}")))?;
        wait_for_size(app, resized, "the window opens again at the owner's size").await?;

        // Closed to the tray, then the app is killed (the PC turned off) and started again.
        app.close_main_window_to_tray().await?;
        app.restart().await?;
        wait_for_size(app, resized, "the size is kept across a restart").await?;
        app.wait_for_attr("nav-plans", "aria-current", "page")
            .await
            .map_err(|e| fail(format!("a fresh start opens on 요금제: {e}")))?;
        Ok(())
    })
    .await;
}

/// Waits until the app's log holds `text`.
async fn wait_for_log_line(app: &App, text: &str) -> Result {
    let deadline = Instant::now() + STEP_TIMEOUT;
    while !log_lines(app.data_dir())?.iter().any(|l| l.contains(text)) {
        ensure(
            Instant::now() < deadline,
            format!("{text:?} is logged within {STEP_TIMEOUT:?}"),
        )?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

/// Waits until WebDriver lists no window at all.
async fn wait_until_no_window(app: &App) -> Result {
    let client = app.client()?.clone();
    let deadline = Instant::now() + STEP_TIMEOUT;
    loop {
        let handles = step("list the windows", async { Ok(client.windows().await?) }).await?;
        if handles.is_empty() {
            return Ok(());
        }
        ensure(
            Instant::now() < deadline,
            format!(
                "every window is gone {STEP_TIMEOUT:?} after the payment: {} left",
                handles.len()
            ),
        )?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_main_window_closed_during_a_payment_is_closed_for_real_once_the_payment_is_done() {
    // Without the tray's handover, so only the window's close is seen.
    let start = Start {
        env: vec![(DELAY_ENV.into(), "off".into())],
        ..Start::default()
    };
    scenario_with("tray_closed_during_payment", start, async |app: &mut App| -> Result {
        open_window(app, "pass_1m", "card").await?;
        // The owner closes the main window while paying: it is only hidden, as the payment's
        // result is still to be told to it.
        app.run_js(
            "const done = arguments[arguments.length - 1]; done(true);\
             setTimeout(() => window.__TAURI_INTERNALS__.invoke('plugin:window|close', { label: 'main' }), 300);",
            vec![],
        )
        .await?;
        wait_for_log_line(app, "main window hidden to the tray while a payment window is open")
            .await?;

        // The buyer pays; once told, the hidden main window closes to the tray for real: no
        // window and no page process is left.
        app.to_payment_window().await?;
        app.click("imp-approve").await?;
        wait_until_no_window(app).await?;
        wait_until_no_web_process(app.data_dir()).await?;

        // A second launch opens the window on the paid order.
        app.reopen_by_second_launch().await?;
        app.wait_for_state("order-status", "paid")
            .await
            .map_err(|e| fail(format!("the window opens again on the paid order: {e}")))?;
        Ok(())
    })
    .await;
}
