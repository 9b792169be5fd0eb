//! The main window closed to the tray and opened again: it comes back on the screen it showed and
//! at the size the owner gave it, and that size is kept across a restart even when the app was
//! never quit (closed to the tray, then the PC turned off: the app is killed).

use std::time::Duration;

use crate::harness::{app_binary, ensure, fail, scenario, step, App, Result};
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
        let second = std::process::Command::new(app_binary()?)
            .arg("--data-dir")
            .arg(app.data_dir())
            .status()?;
        ensure(
            second.success(),
            format!("the second launch hands over and exits: {second}"),
        )?;
        app.adopt_reopened_main_window(Duration::from_secs(30))
            .await?;
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
