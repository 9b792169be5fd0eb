//! A small driver for the real app: start it, click and read elements by `data-testid`, restart it
//! on the same data dir. Every WebDriver step has a timeout; the app ([`AppProcess`], started by
//! the harness with its inspector on a reserved port), tauri-driver and WebKitWebDriver attached
//! to it ([`Driver`]) are started ready and stopped even when a test fails.
//!
//! The parts: [`lifecycle`] (start, restart, stop), [`waiting`] (until the page settles),
//! [`clicking`] (click, type, choose), [`reading`] (text, attributes, scripts, screenshots),
//! [`windows`] (the payment window and the tray), [`a11y`] (axe-core over a screen).

use std::error::Error;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::wd::WindowHandle;
use fantoccini::Client;
use tempfile::TempDir;

use crate::driver::Driver;

mod a11y;
mod app_process;
mod clicking;
mod lifecycle;
mod processes;
mod reading;
mod waiting;
mod windows;

use app_process::AppProcess;
pub(crate) use lifecycle::app_binary;
pub(crate) use processes::app_family;

/// What a test step returns.
pub type Result<T = ()> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// Longest wait for one step (find, click, read, a condition to hold).
pub const STEP_TIMEOUT: Duration = Duration::from_secs(15);
/// Longest a whole scenario may take.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(180);

/// A boxed error with `message`.
pub fn fail(message: impl Into<String>) -> Box<dyn Error + Send + Sync> {
    message.into().into()
}

/// Fails the scenario (with a screenshot) unless `condition` holds; use it instead of `assert!`.
pub fn ensure(condition: bool, message: impl Into<String>) -> Result {
    if condition {
        Ok(())
    } else {
        Err(fail(message))
    }
}

/// One app at a time: the single-instance plugin makes a second copy exit at once (under
/// `dbus-run-session`), so scenarios queue here even when the test harness runs them in parallel.
static ONE_APP_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// How a scenario's app starts.
pub struct Start {
    /// Fills the fresh data dir before the app starts (a corrupt database, a settings file...).
    pub prepare: fn(&Path) -> std::io::Result<()>,
    /// The `data-testid` whose appearance means the app is ready.
    pub ready: &'static str,
    /// Makes WebKitWebDriver start this much later than tauri-driver (a loaded machine, for certain).
    pub slow_webdriver: Option<Duration>,
    /// Environment variables the app starts with (through tauri-driver and WebKitWebDriver).
    pub env: Vec<(String, String)>,
}

impl Default for Start {
    /// An empty data dir; ready when the navigation shows.
    fn default() -> Self {
        Start {
            prepare: |_| Ok(()),
            ready: "nav-plans",
            slow_webdriver: None,
            env: Vec::new(),
        }
    }
}

/// Runs `body` against a freshly started app with its own empty data dir, under a timeout; on
/// failure saves a screenshot to `.e2e-artifacts/<name>.png`, then stops the app and panics with
/// the error. The app and tauri-driver are stopped whatever happens.
pub async fn scenario(name: &str, body: impl AsyncFnOnce(&mut App) -> Result) {
    scenario_with(name, Start::default(), body).await;
}

/// [`scenario`] with a prepared data dir and another ready marker.
pub async fn scenario_with(name: &str, start: Start, body: impl AsyncFnOnce(&mut App) -> Result) {
    let _turn = ONE_APP_AT_A_TIME.lock().await;
    let outcome = async {
        let mut app = App::start(start).await?;
        let result = match tokio::time::timeout(SCENARIO_TIMEOUT, body(&mut app)).await {
            Ok(result) => result,
            Err(_) => Err(fail(format!(
                "the scenario took longer than {SCENARIO_TIMEOUT:?}"
            ))),
        };
        if result.is_err() {
            app.save_screenshot(name).await;
        }
        app.stop().await;
        result
    }
    .await;
    if let Err(error) = outcome {
        panic!("e2e scenario `{name}` failed: {error}");
    }
}

/// A running app: tauri-driver, its WebDriver session, and the data dir (kept across restarts).
pub struct App {
    session: Option<Session>,
    data_dir: TempDir,
    /// The app's per-user folders (WebKit storage, local storage, autostart), kept across restarts
    /// and shared with no other scenario.
    home: TempDir,
    ready: &'static str,
    slow_webdriver: Option<Duration>,
    env: Vec<(String, String)>,
}

pub(crate) struct Session {
    client: Client,
    driver: Driver,
    app: AppProcess,
    data_dir: PathBuf,
    /// The main window's handle (the only window when the session opened).
    main: WindowHandle,
}

/// Runs one WebDriver step under [`STEP_TIMEOUT`].
pub(crate) async fn step<T>(what: &str, work: impl Future<Output = Result<T>>) -> Result<T> {
    match tokio::time::timeout(STEP_TIMEOUT, work).await {
        // Debug too: a WebDriver error often has an empty message and the detail only in its kind.
        Ok(result) => result.map_err(|error| fail(format!("{what}: {error} ({error:?})"))),
        Err(_) => Err(fail(format!("{what}: no answer within {STEP_TIMEOUT:?}"))),
    }
}

fn testid_selector(testid: &str) -> String {
    format!("[data-testid=\"{testid}\"]")
}
