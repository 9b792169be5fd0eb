//! The harness itself: a WebDriver session opens however late WebKitWebDriver starts, and a stopped
//! driver leaves no WebKitWebDriver behind (the cause of the "Connection refused" seen on a loaded
//! machine was tauri-driver forwarding the new-session request before WebKitWebDriver listened).

use std::time::{Duration, Instant};

use crate::driver::Driver;
use crate::harness::{scenario_with, App, Result, Start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_opens_when_webkitwebdriver_starts_seconds_after_tauri_driver() {
    let start = Start {
        slow_webdriver: Some(Duration::from_secs(3)),
        ..Start::default()
    };
    scenario_with("slow_webdriver", start, async |app: &mut App| -> Result {
        app.wait_for("nav-plans").await?;
        Ok(())
    })
    .await;
}

#[test]
fn a_stopped_driver_leaves_no_webkitwebdriver_behind() {
    let driver = Driver::start(None).expect("tauri-driver and WebKitWebDriver start and answer");
    let native = driver.native_pid();
    assert!(
        std::fs::metadata(format!("/proc/{native}")).is_ok(),
        "WebKitWebDriver {native} runs while the driver is up"
    );
    drop(driver);
    let deadline = Instant::now() + Duration::from_secs(2);
    let gone = || {
        std::fs::read_to_string(format!("/proc/{native}/stat")).map_or(true, |stat| {
            stat.rsplit(')')
                .next()
                .is_some_and(|rest| rest.trim_start().starts_with('Z'))
        })
    };
    while !gone() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        gone(),
        "WebKitWebDriver {native} is gone once the driver is dropped"
    );
}
