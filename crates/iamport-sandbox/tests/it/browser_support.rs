//! What the browser SDK tests share: a headless Chromium over chromedriver ([`Browser`]), the
//! merchant's checkout page served from another origin than the sandbox, and [`Checkout`], which
//! opens the payment window from that page and reads what the SDK's callback got.

use crate::support::{assert_ok, Env};
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

fn find_binary(env_var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env_var) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Starts chromedriver on a port that was free a moment ago; returns it and its URL.
fn spawn_driver(chromedriver: &std::path::Path) -> (Child, String) {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        l.local_addr().expect("addr").port()
    };
    let driver = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("chromedriver starts");
    (driver, format!("http://127.0.0.1:{port}"))
}

/// chromedriver plus a headless Chromium session; stopped by [`Browser::stop`] (or on drop).
pub struct Browser {
    driver: Child,
    /// The WebDriver session.
    pub client: Client,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a session; `None` (test skipped) without Chromium outside CI.
    pub async fn start() -> Option<Browser> {
        let chromium = find_binary(
            "CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        );
        let chromedriver = find_binary("CHROMEDRIVER", &["chromedriver"]);
        let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
            let msg = "chromium and chromedriver are needed for the SDK browser tests (apt-get install chromium chromium-driver)";
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{msg}; CI=true, so this is a failure"
            );
            eprintln!("SKIPPED browser tests: {msg}");
            return None;
        };
        let profile = tempfile::tempdir().expect("profile dir");
        let caps = json!({"goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1024,768",
                     format!("--user-data-dir={}", profile.path().display())]
        }});
        let caps = caps.as_object().cloned().expect("caps object");
        // The free port is found by binding and closing it, so another process (a parallel test's
        // server) may take it before chromedriver binds: a chromedriver that exits is started
        // again on a new port until the deadline.
        let deadline = Instant::now() + Duration::from_secs(60);
        let (mut driver, mut url) = spawn_driver(&chromedriver);
        let client = loop {
            if let Ok(Some(status)) = driver.try_wait() {
                assert!(
                    Instant::now() < deadline,
                    "chromedriver keeps exiting ({status})"
                );
                (driver, url) = spawn_driver(&chromedriver);
            }
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if Instant::now() < deadline => {
                    let _not_ready = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("headless chromium session: {e}"),
            }
        };
        Some(Browser {
            driver,
            client,
            _profile: profile,
        })
    }

    /// Closes the session and stops chromedriver.
    pub async fn stop(mut self) {
        if let Err(e) = self.client.close().await {
            eprintln!("closing the browser session: {e}");
        }
        if let Err(e) = self.driver.kill().await {
            eprintln!("stopping chromedriver: {e}");
        }
    }
}

/// The merchant's checkout page: loads the SDK and exposes `pay(params)`.
async fn checkout_page(State(sdk_url): State<String>) -> Html<String> {
    Html(format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><title>checkout</title>
<script src="{sdk_url}"></script></head><body><h1>판뮤직 결제</h1><pre id="result"></pre>
<script>
window.lastResponse = null;
function pay(params) {{
  window.lastResponse = null;
  IMP.init("imp00000000");
  IMP.request_pay(params, function (rsp) {{
    window.lastResponse = rsp;
    document.getElementById("result").textContent = JSON.stringify(rsp);
  }});
}}
</script></body></html>"#
    ))
}

async fn done_page() -> Html<&'static str> {
    Html("<!doctype html><html><body><h1 id='done'>done</h1></body></html>")
}

/// A page server on its own port (another origin than the sandbox).
pub(crate) async fn serve_pages(sdk_url: String) -> (String, tokio::task::JoinHandle<()>) {
    let app = axum::Router::new()
        .route("/checkout", get(checkout_page))
        .route("/done", get(done_page))
        .with_state(sdk_url);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind pages");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("page server: {e}");
        }
    });
    (base, task)
}

/// The checkout page of one browser session, and the sandbox the payments land in.
pub(crate) struct Checkout<'a> {
    pub(crate) browser: &'a Browser,
    pub(crate) env: &'a Env,
    /// The checkout page's URL.
    pub(crate) page: String,
}

impl Checkout<'_> {
    pub(crate) async fn open(&self, params: Value) {
        self.browser
            .client
            .goto(&self.page)
            .await
            .expect("checkout page loads");
        self.browser
            .client
            .execute("pay(arguments[0]); return true;", vec![params])
            .await
            .expect("request_pay runs");
    }

    pub(crate) async fn click(&self, testid: &str) {
        let found = self
            .browser
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(&format!("[data-testid='{testid}']")))
            .await;
        let el = match found {
            Ok(el) => el,
            Err(e) => {
                let rsp = self
                    .browser
                    .client
                    .execute("return window.lastResponse;", vec![])
                    .await;
                let src = self.browser.client.source().await.unwrap_or_default();
                panic!("the payment window shows {testid}: {e}; callback: {rsp:?}; page: {src}");
            }
        };
        el.click()
            .await
            .unwrap_or_else(|e| panic!("{testid} is clickable: {e}"));
    }

    pub(crate) async fn response(&self) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let v = self
                .browser
                .client
                .execute("return window.lastResponse;", vec![])
                .await
                .expect("script runs");
            if !v.is_null() {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "the request_pay callback ran within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub(crate) async fn window_is_open(&self) -> bool {
        let found = self
            .browser
            .client
            .find_all(Locator::Css("[data-testid='imp-window']"))
            .await
            .expect("query");
        !found.is_empty()
    }

    pub(crate) async fn payment(&self, imp_uid: &Value) -> Value {
        let (status, body) = self
            .env
            .get(&format!("/payments/{}", imp_uid.as_str().unwrap_or("")))
            .await;
        assert_ok(
            status,
            &body,
            "the payment the window made is on the REST API",
        )
    }
}
