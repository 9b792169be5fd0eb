//! The harness's click: sent once, when a person could click. A button is put on the app's page
//! that lies under a cover, then moves, and is disabled until last; the click must wait for all
//! three (in the page, never by sending a refused click again) and land exactly once, on the
//! button and not on the cover.

use serde_json::{json, Value};

use crate::harness::{ensure, scenario, App, Result};

/// Adds `harness-target` (disabled, under a full-window cover) and its schedule: the cover goes
/// at 300 ms, the button moves at 600 ms and is enabled at 1200 ms. Every click on the button or
/// the cover is recorded with its time.
const ADD_TARGET: &str = "const done = arguments[arguments.length - 1];\
    const log = { button: [], cover: [], began: Date.now(), enabled: null };\
    window.__harnessClicks = log;\
    const button = document.createElement('button');\
    button.type = 'button'; button.textContent = 'target'; button.disabled = true;\
    button.dataset.testid = 'harness-target';\
    button.style.cssText = 'position:fixed;left:40px;top:120px;z-index:9000';\
    button.addEventListener('click', () => log.button.push(Date.now()));\
    const cover = document.createElement('div');\
    cover.style.cssText = 'position:fixed;inset:0;z-index:9001;background:rgb(0 0 0 / 0.2)';\
    cover.addEventListener('click', () => log.cover.push(Date.now()));\
    document.body.append(button, cover);\
    setTimeout(() => { cover.remove(); }, 300);\
    setTimeout(() => { button.style.left = '200px'; }, 600);\
    setTimeout(() => { button.disabled = false; log.enabled = Date.now(); }, 1200);\
    done(true);";

const READ_CLICKS: &str =
    "const done = arguments[arguments.length - 1]; done(window.__harnessClicks);";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_waits_until_its_element_is_uncovered_still_and_enabled_and_lands_once() {
    scenario("harness_click", async |app: &mut App| -> Result {
        app.run_js(ADD_TARGET, vec![]).await?;
        app.click("harness-target").await?;
        let log: Value = app.run_js(READ_CLICKS, vec![]).await?;
        let button = log["button"].as_array().cloned().unwrap_or_default();
        ensure(
            button.len() == 1,
            format!("the button got exactly one click: {log}"),
        )?;
        ensure(
            log["cover"] == json!([]),
            format!("no click landed on the cover: {log}"),
        )?;
        let enabled = log["enabled"].as_i64().unwrap_or(i64::MAX);
        ensure(
            button[0].as_i64().is_some_and(|at| at >= enabled),
            format!("the click came once the button was enabled: {log}"),
        )?;
        Ok(())
    })
    .await;
}
