//! The owner's app at its smallest window (800×600) and by keyboard alone: nothing in the status
//! bar, the order list or the order page wraps inside a word or spills sideways; F1, F2 and Ctrl+F
//! work; focus lands on each new screen's heading; the payment window closes on Esc.

use serde_json::json;

use crate::checkout::{open_window, payment_window_shows_the_sdk};
use crate::harness::{ensure, fail, scenario, App, Result, STEP_TIMEOUT};

/// The app's minimum window size (`tauri.conf.json`).
const MIN_WIDTH: u32 = 800;
const MIN_HEIGHT: u32 = 600;

/// Measures the page: the elements (under `selector`) whose text wraps onto a second line, and
/// whether anything is wider than the window. Answers `{wrapped: [..], overflow: px}`.
const MEASURE: &str = r#"
const selector = arguments[0];
const done = arguments[arguments.length - 1];
const wrapped = [];
for (const el of document.querySelectorAll(selector)) {
  const cs = getComputedStyle(el);
  if (cs.display === "none" || el.getClientRects().length === 0) continue;
  const line = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.25;
  const pad = parseFloat(cs.paddingTop) + parseFloat(cs.paddingBottom)
    + parseFloat(cs.borderTopWidth) + parseFloat(cs.borderBottomWidth);
  const height = el.getBoundingClientRect().height - pad;
  if (height > line * 1.6) wrapped.push(`${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}" ${Math.round(height)}px`);
}
const overflow = document.documentElement.scrollWidth - document.documentElement.clientWidth;
done({ wrapped, overflow, width: window.innerWidth, height: window.innerHeight });
"#;

/// Fails when an element under `selector` wraps or the page is wider than the window.
async fn no_wraps(app: &App, what: &str, selector: &str) -> Result {
    let found = app
        .run_js(MEASURE, vec![serde_json::Value::String(selector.into())])
        .await?;
    let wrapped = found["wrapped"].as_array().cloned().unwrap_or_default();
    ensure(
        wrapped.is_empty(),
        format!(
            "{what}: nothing wraps at {}×{}: {wrapped:?}",
            found["width"], found["height"]
        ),
    )?;
    ensure(
        found["overflow"].as_i64().unwrap_or(1) <= 0,
        format!("{what}: nothing is wider than the window: {found}"),
    )
}

/// Answers `[innerWidth, innerHeight]` once the page is at most `arguments[0]` wide, or as it is
/// after `arguments[1]` ms. The window manager applies a resize after WebDriver has answered it,
/// and the page lays out later still (a second on a loaded machine).
const WAIT_FOR_WIDTH: &str = "const [most, limit, done] = arguments; const began = Date.now();\
    const look = () => {\
      if (window.innerWidth <= most || Date.now() - began > limit) { done([window.innerWidth, window.innerHeight]); }\
      else { setTimeout(look, 50); }\
    };\
    look();";

async fn at_minimum_size(app: &App) -> Result {
    app.client()?
        .set_window_size(MIN_WIDTH, MIN_HEIGHT)
        .await
        .map_err(|e| fail(format!("resize to {MIN_WIDTH}×{MIN_HEIGHT}: {e}")))?;
    let limit = STEP_TIMEOUT.as_millis() as u64 / 2;
    let size = app
        .run_js(WAIT_FOR_WIDTH, vec![json!(MIN_WIDTH), json!(limit)])
        .await?;
    ensure(
        size[0].as_u64().is_some_and(|w| w <= u64::from(MIN_WIDTH)),
        format!("the page is at most {MIN_WIDTH} wide within {limit} ms of the resize: {size}"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_800_by_600_the_status_bar_orders_and_order_page_keep_words_and_ids_whole() {
    scenario("layout_800x600", async |app: &mut App| -> Result {
        at_minimum_size(app).await?;
        app.wait_for("sync-now").await?;
        no_wraps(app, "status bar", "[data-testid=status-bar] > *").await?;
        no_wraps(app, "plans", "main h1, .nav-item").await?;
        open_window(app, "pass_1m", "card").await?;
        app.click_in_payment_window("imp-approve").await?;
        app.wait_for_state("result-status", "paid").await?;
        let uid = app.full_id("result-merchant-uid").await?;
        app.click("nav-orders").await?;
        app.wait_for(&format!("order-row-{uid}")).await?;
        no_wraps(
            app,
            "order list",
            "main h1, main th, main td.nowrap, main td.num, .status-bar > *",
        )
        .await?;
        app.click(&format!("order-open-{uid}")).await?;
        app.wait_for("order-timeline").await?;
        no_wraps(
            app,
            "order page",
            "main h1, main dt, main dd, .timeline-at, .timeline-title, main .actions > *, .status-bar > *",
        )
        .await
    })
    .await;
}

/// The element that has focus, as `{id, testid, tag}`.
async fn focused(app: &App) -> Result<serde_json::Value> {
    app.run_js(
        "const el = document.activeElement; arguments[arguments.length - 1]({id: el.id, testid: el.getAttribute('data-testid'), tag: el.tagName});",
        vec![],
    )
    .await
}

/// Sends keys to whatever has focus, as a person typing.
async fn press(app: &App, keys: &str) -> Result {
    let el = app
        .client()?
        .active_element()
        .await
        .map_err(|e| fail(format!("the focused element: {e}")))?;
    el.send_keys(keys)
        .await
        .map_err(|e| fail(format!("send keys: {e}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn by_keyboard_f2_ctrl_f_and_f1_move_between_screens_and_esc_closes_the_payment_window() {
    scenario("keyboard_shortcuts", async |app: &mut App| -> Result {
        app.wait_for("plan-pass_1m").await?;
        press(app, "\u{E032}").await?; // F2
        app.wait_for("orders-search").await?;
        let now = focused(app).await?;
        ensure(
            now["id"] == "orders-title",
            format!("F2: focus is on the 주문 내역 heading: {now}"),
        )?;
        press(app, "\u{E009}f\u{E000}").await?; // Ctrl+F
        let now = focused(app).await?;
        ensure(
            now["testid"] == "orders-search",
            format!("Ctrl+F: the cursor is in the order search: {now}"),
        )?;
        press(app, "\u{E031}").await?; // F1
        app.wait_for("plan-pass_1m").await?;
        let now = focused(app).await?;
        ensure(
            now["tag"] == "H1",
            format!("F1: focus is on the 요금제 heading: {now}"),
        )?;

        open_window(app, "pass_1m", "card").await?;
        app.to_payment_window().await?;
        let in_window = focused(app).await?;
        let pressed = press(app, "\u{E00C}").await; // Esc
        app.to_main_window().await?;
        ensure(
            in_window["testid"] == "imp-approve",
            format!("the payment window takes focus on its first button: {in_window}"),
        )?;
        // The window's result: the order is still waiting for payment.
        app.wait_for_state("result-status", "awaiting_payment")
            .await?;
        app.wait_until_payment_window_closed().await?;
        // Esc closes the window it is typed into, and WebKitWebDriver may then answer the key
        // command with an error (an empty one, the window being gone before the command
        // finished; seen once in ten runs on a loaded machine). The window closing with the order
        // open, checked above, is what Esc must do; the answer to the key command is not.
        if let Err(error) = pressed {
            eprintln!("e2e: the Esc that closed the payment window was answered with: {error}");
        }
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issued_virtual_account_is_cancelled_from_the_order_page_after_asking() {
    scenario("order_abandon_vbank", async |app: &mut App| -> Result {
        open_window(app, "pass_1m", "vbank").await?;
        app.click_in_payment_window("imp-vbank").await?;
        app.wait_for_state("result-status", "vbank_issued").await?;
        let uid = app.full_id("result-merchant-uid").await?;
        app.click("nav-orders").await?;
        app.click(&format!("order-open-{uid}")).await?;
        app.wait_for_state("order-status", "vbank_issued").await?;
        app.click("order-abandon").await?;
        let asked = app.wait_for_text("abandon-dialog", "가상계좌").await?;
        ensure(
            asked.contains("입금할 수 없으며"),
            format!("the question says what will happen: {asked:?}"),
        )?;
        app.click("abandon-dialog-confirm").await?;
        app.wait_for_text("order-action-notice", "가상계좌 발급도 취소")
            .await?;
        app.wait_for_state("order-status", "abandoned").await?;
        let timeline = app.text("order-timeline").await?;
        ensure(
            timeline.contains("주문 취소"),
            format!("the timeline says the owner cancelled: {timeline:?}"),
        )
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_left_waiting_is_paid_later_with_이어서_결제() {
    scenario("order_resume_payment", async |app: &mut App| -> Result {
        open_window(app, "pass_1m", "card").await?;
        app.click_in_payment_window("imp-close").await?;
        let uid = app.full_id("result-merchant-uid").await?;
        app.click("nav-orders").await?;
        app.click(&format!("order-open-{uid}")).await?;
        app.wait_for_state("order-status", "awaiting_payment")
            .await?;
        app.click("order-resume").await?;
        payment_window_shows_the_sdk(app).await?;
        app.click_in_payment_window("imp-approve").await?;
        app.wait_for_state("result-status", "paid").await?;
        let paid = app.full_id("result-merchant-uid").await?;
        ensure(
            paid == uid,
            format!("the same order is paid: {uid:?} then {paid:?}"),
        )
    })
    .await;
}
