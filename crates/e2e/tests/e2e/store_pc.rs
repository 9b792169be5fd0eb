//! Living on the store PC: closing the window closes it to the tray (its webview and WebKit page
//! process end) while the sync engine keeps working (a virtual-account deposit is found and
//! announced with no window), a second launch opens the window again on the screen it showed, and the day's log file never holds a secret, a token or the buyer's
//! phone number.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::handover::DELAY_ENV;
use crate::harness::{app_family, ensure, fail, scenario_with, App, Result, Start};

/// The default buyer phone the shop saved in its settings: it goes with every order.
const BUYER_PHONE: &str = "010-4321-8765";
/// The sandbox's REST secret (Iamport's public sample secret, which the app's sandbox accepts).
const SANDBOX_SECRET: &str =
    "ekKoeW8RyKuT0zgaZsUtXXTLQ4AhPFW3ZGseDA6bkA5lamv9OqDMnxyeB9wqOsuO9W3Mx9YSJ4dTqJ3f";
/// How long the engine may take to find a deposit on its own and say so (the change feed runs
/// every 30 s while an order is open; the notifications look every 5 s).
const ENGINE_FINDS_DEPOSIT: Duration = Duration::from_secs(110);

fn with_buyer_phone(dir: &Path) -> std::io::Result<()> {
    let settings = json!({ "settings": { "mode": "sandbox", "buyer": { "tel": BUYER_PHONE } } });
    std::fs::write(dir.join("settings.json"), settings.to_string())
}

/// Calls a Tauri command from the main window, as the UI would; `Err` carries its refusal.
pub(crate) async fn invoke(
    app: &App,
    command: &str,
    args: serde_json::Value,
) -> Result<serde_json::Value> {
    let reply = app
        .run_js(
            "const [command, args, done] = arguments;\
             window.__TAURI_INTERNALS__.invoke(command, args)\
               .then((value) => done({ ok: value }), (e) => done({ err: JSON.stringify(e) }));",
            vec![json!(command), args],
        )
        .await?;
    match reply.get("ok") {
        Some(value) => Ok(value.clone()),
        None => Err(fail(format!("{command} failed: {reply}"))),
    }
}

async fn main_window_visible(app: &App) -> Result<bool> {
    let visible = invoke(app, "plugin:window|is_visible", json!({ "label": "main" })).await?;
    visible
        .as_bool()
        .ok_or_else(|| fail(format!("is_visible answers a boolean: {visible}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hidden_app_keeps_syncing_and_a_second_launch_shows_it_again() {
    // The engine may take longer to find the deposit than the app waits before the tray's
    // handover, which ends this test's WebDriver session: the handover is kept off here
    // (`tray_handover` tests it).
    let start = Start {
        prepare: with_buyer_phone,
        env: vec![(DELAY_ENV.into(), "off".into())],
        ..Start::default()
    };
    scenario_with("store_pc_tray", start, async |app: &mut App| -> Result {
        app.click("plan-pass_1m").await?;
        app.click("pay-method-vbank").await?;
        app.wait_for_text("checkout-submit", "결제하기").await?;
        app.click("checkout-submit").await?;
        app.click_in_payment_window("imp-vbank").await?;
        app.wait_for_state("result-status", "vbank_issued").await?;
        let uid = app.full_id("result-merchant-uid").await?;
        let status = invoke(app, "app_status", json!({})).await?;
        let detail = invoke(app, "get_order", json!({ "merchantUid": uid })).await?;
        let (Some(base), Some(imp_uid)) = (
            status["sandbox"]["baseUrl"].as_str(),
            detail["order"]["impUid"].as_str(),
        ) else {
            return Err(fail(format!(
                "no sandbox address or payment id: {status} {detail}"
            )));
        };

        // The owner closes the window (the title bar's close: a close request): it closes to
        // the tray, its webview and WebKit page process go away, the app keeps running.
        app.close_main_window_to_tray().await?;
        wait_until_no_web_process(app.data_dir()).await?;

        // The buyer deposits while nobody looks; nobody presses 지금 동기화.
        let token = control_token(app.data_dir())?;
        let reply = post(
            base,
            &format!("/__sandbox/payments/{imp_uid}/deposit"),
            &token,
            "{}",
        )?;
        ensure(
            reply.starts_with("HTTP/1.1 200"),
            format!("the sandbox took the deposit: {reply}"),
        )?;
        // The engine, with no window, finds it and the owner is told (the notification's log line).
        let log = wait_for_log(app.data_dir(), "가상계좌 입금 확인", ENGINE_FINDS_DEPOSIT).await?;
        ensure(
            app_family_names(app.data_dir())
                .iter()
                .all(|name| name != "WebKitWebProces"),
            "no window was built while the engine worked",
        )?;

        // A second launch (a double-click on the desktop icon) opens the window again, on the
        // screen it showed: the payment's result, now as its order's page.
        app.reopen_by_second_launch().await?;
        ensure(
            main_window_visible(app).await?,
            "the second launch shows the window",
        )?;
        app.wait_for_attr("order-merchant-uid", "data-full-id", &uid)
            .await
            .map_err(|e| {
                fail(format!(
                    "the window opens again on the order it showed: {e}"
                ))
            })?;
        app.wait_for_state("order-status", "paid")
            .await
            .map_err(|e| {
                fail(format!(
                    "and the order shows the deposit the engine found: {e}"
                ))
            })?;
        let detail = invoke(app, "get_order", json!({ "merchantUid": uid })).await?;
        ensure(
            detail["order"]["state"] == "paid",
            format!(
                "the engine recorded the deposit made while the window was closed: {}",
                detail["order"]["state"]
            ),
        )?;

        // The log of the whole run keeps the secrets and the buyer's phone out.
        let access_token = sandbox_token(base)?;
        let log = format!("{log}{}", read_logs(app.data_dir())?);
        for (what, secret) in [
            ("the sandbox's REST secret", SANDBOX_SECRET),
            ("the sandbox's control token", token.as_str()),
            ("the access token in use", access_token.as_str()),
            ("the buyer's phone number", BUYER_PHONE),
            (
                "the buyer's phone number without dashes",
                &BUYER_PHONE.replace('-', ""),
            ),
        ] {
            ensure(
                !log.contains(secret),
                format!("the log file never holds {what}"),
            )?;
        }
        ensure(
            log.contains("sync engine started"),
            "the scan read the run's log (it holds the engine's start)",
        )?;
        Ok(())
    })
    .await;
}

/// The names of the app's processes and of those it started (`WebKitWebProces` is the page's:
/// `comm` keeps 15 characters).
pub(crate) fn app_family_names(data_dir: &Path) -> Vec<String> {
    app_family(data_dir)
        .iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).ok())
        .map(|name| name.trim().to_owned())
        .collect()
}

/// Waits until the app runs no WebKit page process (its window closed to the tray).
pub(crate) async fn wait_until_no_web_process(data_dir: &Path) -> Result {
    let began = Instant::now();
    loop {
        let names = app_family_names(data_dir);
        if !names.iter().any(|name| name == "WebKitWebProces") {
            return Ok(());
        }
        ensure(
            began.elapsed() < Duration::from_secs(20),
            format!("the page's WebKit process ends with the window closed to the tray: {names:?}"),
        )?;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Waits (up to `within`) until the day's log file holds `text` (the notification line);
/// returns the logs.
async fn wait_for_log(data_dir: &Path, text: &str, within: Duration) -> Result<String> {
    let began = Instant::now();
    loop {
        let logs = read_logs(data_dir)?;
        if logs.contains(text) {
            return Ok(logs);
        }
        ensure(
            began.elapsed() < within,
            format!("{text} is logged within {within:?}"),
        )?;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Every log file of the run.
fn read_logs(data_dir: &Path) -> Result<String> {
    let mut all = String::new();
    for entry in std::fs::read_dir(data_dir.join("logs"))? {
        all.push_str(&std::fs::read_to_string(entry?.path())?);
    }
    Ok(all)
}

/// The sandbox's current access token: it hands out the token in use while it is valid.
pub(crate) fn sandbox_token(base: &str) -> Result<String> {
    let body = json!({ "imp_key": "imp_apikey", "imp_secret": SANDBOX_SECRET }).to_string();
    let reply = post(base, "/users/getToken", "", &body)?;
    let json_start = reply
        .find('{')
        .ok_or_else(|| fail(format!("getToken answers JSON: {reply}")))?;
    // The body may be followed by the end of a chunked reply: read the first JSON value only.
    let value: serde_json::Value = serde_json::Deserializer::from_str(&reply[json_start..])
        .into_iter::<serde_json::Value>()
        .next()
        .ok_or_else(|| fail(format!("getToken answers JSON: {reply}")))??;
    value["response"]["access_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| fail(format!("getToken gives a token: {value}")))
}

/// The in-app sandbox's control token (written owner-only into the sandbox book's folder).
pub(crate) fn control_token(data_dir: &Path) -> Result<String> {
    let path = data_dir.join("sandbox").join("sandbox-control-token");
    Ok(std::fs::read_to_string(&path)
        .map_err(|e| {
            fail(format!(
                "no sandbox control token at {}: {e}",
                path.display()
            ))
        })?
        .trim()
        .to_owned())
}

/// A JSON POST to the sandbox on loopback; returns the whole reply.
pub(crate) fn post(base: &str, path: &str, token: &str, body: &str) -> Result<String> {
    use std::io::{Read, Write};
    let host = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(host)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nX-Sandbox-Token: {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply)?;
    Ok(reply)
}

/// A GET to the sandbox on loopback with one extra header (`Authorization` for the REST API,
/// `X-Sandbox-Token` for the control API); returns the reply's `response`.
pub(crate) fn get_response(
    base: &str,
    path: &str,
    header: (&str, &str),
) -> Result<serde_json::Value> {
    use std::io::{Read, Write};
    let host = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(host)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\n{}: {}\r\nConnection: close\r\n\r\n",
        header.0, header.1
    )?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply)?;
    let start = reply
        .find('{')
        .ok_or_else(|| fail(format!("{path} answers JSON: {reply}")))?;
    // The body may be followed by the end of a chunked reply: read the first JSON value only.
    let value: serde_json::Value = serde_json::Deserializer::from_str(&reply[start..])
        .into_iter::<serde_json::Value>()
        .next()
        .ok_or_else(|| fail(format!("{path} answers JSON: {reply}")))??;
    Ok(value["response"].clone())
}
