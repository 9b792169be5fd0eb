//! An app idle in the tray hands over to a fresh copy of itself started hidden (Linux: the same
//! process `exec`s its own binary), which runs no WebKit process, and loses nothing: the order
//! book and the queued work are the same, the copy syncs (a deposit made after the handover is
//! found through a second launch with `--sync-now`, with no window built), and a second launch
//! opens the window again, on the screen it showed, with a working UI; closing it hands over again.
//! A window opened while the handover is being prepared calls it off, and what was stopped for it
//! runs again.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::checkout::open_window;
use crate::handover::{
    app_pid, listening_ports, log_lines, wait_for_handover, zombie_children, Reattached, DELAY_ENV,
    HANDED_OVER,
};
use crate::harness::{app_binary, ensure, fail, scenario_with, App, Result, Start};
use crate::store_pc::{app_family_names, control_token, invoke, post};

/// What the app logs when a cycle asked for by a second launch finished.
const FINISHED: &str = "지금 동기화 finished from=\"a second launch\"";
/// Generous: the engine's step, the notification follower's look and the copy's start.
const HANDOVER_WITHIN: Duration = Duration::from_secs(60);

/// The queued jobs as (id, kind, order, state), for comparing before and after.
fn jobs(list: &Value) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|job| {
            format!(
                "{} {} {} {}",
                job["id"], job["kind"], job["merchantUid"], job["state"]
            )
        })
        .collect()
}

/// The sandbox's answer to a control request, checked to be 200.
fn sandbox_post(base: &str, path: &str, token: &str, body: &Value) -> Result<String> {
    let reply = post(base, path, token, &body.to_string())?;
    ensure(
        reply.starts_with("HTTP/1.1 200"),
        format!("the sandbox took {path}: {reply}"),
    )?;
    Ok(reply)
}

/// A pass whose virtual account got a deposit of the wrong amount: once synced, its cancel waits
/// (parked) for the buyer's refund account, a job in the queue. Returns the order.
async fn order_with_a_parked_refund(app: &App) -> Result<String> {
    open_window(app, "pass_1m", "vbank").await?;
    app.click_in_payment_window("imp-close").await?;
    app.wait_until_payment_window_closed().await?;
    let uid = app.full_id("result-merchant-uid").await?;
    let status = invoke(app, "app_status", json!({})).await?;
    let base = status["sandbox"]["baseUrl"]
        .as_str()
        .ok_or_else(|| fail(format!("no sandbox address: {status}")))?;
    let token = control_token(app.data_dir())?;
    let body =
        json!({ "merchant_uid": uid, "amount": 100, "pay_method": "vbank", "outcome": "ready" });
    let reply = sandbox_post(base, "/__sandbox/payments", &token, &body)?;
    let imp_uid = reply
        .split("\"imp_uid\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or_else(|| fail(format!("the sandbox issued the account: {reply}")))?;
    let path = format!("/__sandbox/payments/{imp_uid}/deposit");
    sandbox_post(base, &path, &token, &json!({}))?;
    app.click("sync-now").await?;
    app.click("nav-orders").await?;
    app.click(&format!("order-open-{uid}")).await?;
    app.wait_for_state("order-status", "amount_mismatch")
        .await?;
    app.wait_for("mismatch-refund-needed").await?;
    Ok(uid)
}

/// A pass with its virtual account issued, not paid yet; the window is left on its order page.
/// Returns the order and Iamport's payment id.
async fn order_awaiting_a_deposit(app: &App) -> Result<(String, String)> {
    app.click("nav-plans").await?;
    app.click("plan-pass_1m").await?;
    app.click("pay-method-vbank").await?;
    app.wait_for_text("checkout-submit", "결제하기").await?;
    app.click("checkout-submit").await?;
    app.click_in_payment_window("imp-vbank").await?;
    app.wait_for_state("result-status", "vbank_issued").await?;
    let uid = app.full_id("result-merchant-uid").await?;
    let detail = invoke(app, "get_order", json!({ "merchantUid": uid })).await?;
    let imp_uid = detail["order"]["impUid"]
        .as_str()
        .ok_or_else(|| fail(format!("no payment id: {detail}")))?
        .to_owned();
    app.click("nav-orders").await?;
    app.click(&format!("order-open-{uid}")).await?;
    app.wait_for_state("order-status", "vbank_issued").await?;
    Ok((uid, imp_uid))
}

/// Waits until a cycle asked for by a second launch finished online and clean after the last
/// handover (in the copy that now runs).
async fn wait_for_a_clean_cycle_after_the_handover(data_dir: &Path) -> Result {
    let began = Instant::now();
    loop {
        let lines = log_lines(data_dir)?;
        let last_handover = lines.iter().rposition(|l| l.contains(HANDED_OVER));
        let clean = last_handover.is_some_and(|at| {
            lines[at..].iter().any(|l| {
                l.contains(FINISHED) && l.contains("online=true") && l.contains("clean=true")
            })
        });
        if clean {
            return Ok(());
        }
        ensure(
            began.elapsed() < Duration::from_secs(30),
            "the handed-over copy finished 지금 동기화 online and clean within 30 s",
        )?;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A second launch of the app on `data_dir` with `extra`; it hands over to the running app and exits.
fn second_launch(data_dir: &Path, extra: &[&str]) -> Result {
    let status = Command::new(app_binary()?)
        .arg("--data-dir")
        .arg(data_dir)
        .args(extra)
        .status()?;
    ensure(
        status.success(),
        format!("the second launch {extra:?} hands over and exits: {status}"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_idle_in_the_tray_hands_over_to_a_fresh_copy_and_loses_nothing() {
    let start = Start {
        env: vec![(DELAY_ENV.into(), "3".into())],
        ..Start::default()
    };
    scenario_with("tray_handover", start, async |app: &mut App| -> Result {
        let dir = app.data_dir().to_path_buf();
        let parked = order_with_a_parked_refund(app).await?;
        let (awaiting, imp_uid) = order_awaiting_a_deposit(app).await?;
        let queued = jobs(&invoke(app, "list_jobs", json!({})).await?);
        ensure(
            queued.iter().any(|job| job.contains(&parked)),
            format!("the parked refund is queued before the handover: {queued:?}"),
        )?;
        let pid = app_pid(&dir)?;
        app.close_main_window_to_tray().await?;
        wait_for_handover(&dir, 1, HANDOVER_WITHIN).await?;
        ensure(app_pid(&dir)? == pid, "the copy is the same process (exec)")?;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let zombies = zombie_children(&pid);
        ensure(
            zombies.is_empty(),
            format!("the old WebKit processes are gone, not left as zombies: {zombies:?}"),
        )?;
        // The copy's sandbox listens on a port of its own; the buyer deposits there.
        let ports = listening_ports(&pid);
        let [port] = ports[..] else {
            return Err(fail(format!(
                "the copy listens on its sandbox only: {ports:?}"
            )));
        };
        let base = format!("http://127.0.0.1:{port}");
        let path = format!("/__sandbox/payments/{imp_uid}/deposit");
        sandbox_post(&base, &path, &control_token(&dir)?, &json!({}))?;
        // 지금 동기화 asked by a second launch: the copy syncs, with no window built.
        second_launch(&dir, &["--sync-now"])?;
        wait_for_a_clean_cycle_after_the_handover(&dir).await?;
        let names = app_family_names(&dir);
        ensure(
            names.iter().all(|n| !n.starts_with("WebKit")),
            format!("no WebKit process while the copy syncs: {names:?}"),
        )?;
        // A second launch opens the window, on the order page it showed, and the UI works.
        second_launch(&dir, &[])?;
        let window = Reattached::open(&pid, "nav-plans", Duration::from_secs(60)).await?;
        let shown = window.attr("order-merchant-uid", "data-full-id").await?;
        ensure(
            shown == awaiting,
            format!("the window opens on the order it showed: {shown} (wanted {awaiting})"),
        )?;
        let paid = window
            .invoke("get_order", json!({ "merchantUid": awaiting }))
            .await?;
        ensure(
            paid["order"]["state"] == "paid",
            format!(
                "the copy found the deposit made after the handover: {}",
                paid["order"]["state"]
            ),
        )?;
        let mismatch = window
            .invoke("get_order", json!({ "merchantUid": parked }))
            .await?;
        ensure(
            mismatch["order"]["state"] == "amount_mismatch",
            format!(
                "the other order is as it was: {}",
                mismatch["order"]["state"]
            ),
        )?;
        let after = jobs(&window.invoke("list_jobs", json!({})).await?);
        ensure(
            after == queued,
            format!("the queue is the same after the handover: {after:?} (was {queued:?})"),
        )?;
        // Closing the window again hands over again.
        window.close_main_window().await?;
        window.close().await;
        wait_for_handover(&dir, 2, HANDOVER_WITHIN).await?;
        ensure(
            app_pid(&dir)? == pid,
            "still the same process after the second handover",
        )?;
        // The owner was told each thing once: the parked refund (by the first copy, not again
        // by each handed-over one), the deposit the copy found.
        let told = |title: &str| {
            log_lines(&dir).map(|lines| {
                lines
                    .iter()
                    .filter(|l| l.contains("desktop notification") && l.contains(title))
                    .count()
            })
        };
        let parked_told = (told("처리 중단")?, told("확인이 필요한 작업")?);
        ensure(
            parked_told == (1, 0),
            format!("the parked refund was told once, not again after a handover: {parked_told:?}"),
        )?;
        ensure(
            told("가상계좌 입금 확인")? == 1,
            "the deposit the copy found was told once",
        )?;
        Ok(())
    })
    .await;
}

/// What the app logs as it starts preparing the handover (engine, sandbox, notifications).
const PREPARING: &str = "idle in the tray: handing over";
/// What the app logs when the handover was called off and what it stopped runs again.
const RESUMING: &str = "the tray was not handed over; resuming";

/// Waits (up to `within`) until the log holds `text`.
async fn wait_for_line(data_dir: &Path, text: &str, within: Duration) -> Result {
    let began = Instant::now();
    while !log_lines(data_dir)?.iter().any(|l| l.contains(text)) {
        ensure(
            began.elapsed() < within,
            format!("{text:?} is logged within {within:?}"),
        )?;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_opened_while_the_handover_is_prepared_calls_it_off() {
    let start = Start {
        env: vec![(DELAY_ENV.into(), "3".into())],
        ..Start::default()
    };
    scenario_with(
        "tray_handover_called_off",
        start,
        async |app: &mut App| -> Result {
            let dir = app.data_dir().to_path_buf();
            let pid = app_pid(&dir)?;
            app.close_main_window_to_tray().await?;
            // The engine and the sandbox stop, and the notifications take their look (5 s or more):
            // the owner opens the app meanwhile.
            wait_for_line(&dir, PREPARING, HANDOVER_WITHIN).await?;
            second_launch(&dir, &[])?;
            app.adopt_reopened_main_window(Duration::from_secs(30))
                .await?;
            wait_for_line(&dir, RESUMING, Duration::from_secs(30)).await?;
            let lines = log_lines(&dir)?;
            ensure(
                !lines.iter().any(|l| l.contains(HANDED_OVER)),
                "no copy started: the window stays with this process",
            )?;
            ensure(app_pid(&dir)? == pid, "the same process, with its window")?;
            // What the preparations stopped runs again: 지금 동기화 from the window works online.
            let status = invoke(app, "sync_now", json!({})).await?;
            ensure(
                status["online"] == true
                    && status["stopped"] == false
                    && status["lastError"].is_null(),
                format!("the engine runs again and reaches the sandbox: {status}"),
            )?;
            Ok(())
        },
    )
    .await;
}
