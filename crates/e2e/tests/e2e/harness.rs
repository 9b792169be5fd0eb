//! A small driver for the real app: start it, click and read elements by `data-testid`, restart it
//! on the same data dir. Every WebDriver step has a timeout; the app ([`AppProcess`], started by
//! the harness with its inspector on a reserved port), tauri-driver and WebKitWebDriver attached
//! to it ([`Driver`]) are started ready and stopped even when a test fails.

use std::error::Error;
use std::future::Future;
use std::path::{Path, PathBuf};

use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::wd::WindowHandle;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tempfile::TempDir;

use crate::driver::Driver;

mod a11y;
mod app_process;
mod processes;
mod windows;

use app_process::AppProcess;
pub(crate) use processes::app_family;
use processes::{running_drivers_and_apps, wait_until_app_exited};

/// What a test step returns.
pub type Result<T = ()> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// Longest wait for a session to open (generous: a loaded CI machine starting a debug build of the
/// app).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(60);
/// Longest wait for one step (find, click, read, a condition to hold).
pub const STEP_TIMEOUT: Duration = Duration::from_secs(15);
/// Longest a whole scenario may take.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(180);
/// Waits, inside the page, until the element matching `arguments[0]` can be clicked as a person
/// would: it exists, is enabled, has a size and is visible, sits centred in its scroll area (it is
/// scrolled there: WebKitWebDriver scrolls only the window, not the screen's own scroll area), its
/// box held still for three checks 50 ms apart (the same element each time: a section above that
/// finishes loading moves it, a re-render may replace it), and the topmost element at its centre is
/// it or inside it (nothing covers it). Calls back with the element, or after `arguments[1]` ms
/// with why it was not clickable.
const CLICKABLE: &str = "const [selector, limit, done] = arguments;\
    const began = Date.now(); let seen = null; let box = ''; let still = 0; let why = 'not found';\
    const look = () => {\
      const element = document.querySelector(selector);\
      if (element !== seen) { seen = element; box = ''; still = 0; }\
      if (element === null) { why = 'not found'; }\
      else if (element.matches(':disabled') || element.getAttribute('aria-disabled') === 'true') { why = 'disabled'; still = 0; }\
      else {\
        const r = element.getBoundingClientRect(); const now = [r.x, r.y, r.width, r.height].join(',');\
        if (r.width === 0 || r.height === 0 || getComputedStyle(element).visibility !== 'visible') { why = 'not visible'; still = 0; }\
        else if (now !== box) { box = now; still = 0; why = 'moving'; element.scrollIntoView({ block: 'center', inline: 'nearest' }); }\
        else {\
          const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);\
          if (hit !== null && (hit === element || element.contains(hit))) { still += 1; }\
          else { still = 0; why = 'covered by ' + (hit === null ? 'nothing (outside the window)' : hit.outerHTML.slice(0, 160)); }\
        }\
      }\
      if (still >= 3) { done(element); }\
      else if (Date.now() - began > limit) { done(why); }\
      else { setTimeout(look, 50); }\
    };\
    look();";
/// The key under which WebDriver hands back an element a script returned.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

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

impl App {
    /// Starts tauri-driver and the app on a fresh (prepared) data dir, and waits until ready.
    async fn start(start: Start) -> Result<App> {
        let data_dir = tempfile::Builder::new().prefix("panmusic-e2e-").tempdir()?;
        (start.prepare)(data_dir.path())?;
        let home = tempfile::Builder::new()
            .prefix("panmusic-e2e-home-")
            .tempdir()?;
        let session = Session::open(
            data_dir.path(),
            home.path(),
            start.slow_webdriver,
            &start.env,
        )
        .await?;
        let app = App {
            session: Some(session),
            data_dir,
            home,
            ready: start.ready,
            slow_webdriver: start.slow_webdriver,
            env: start.env,
        };
        app.wait_for(app.ready).await?;
        Ok(app)
    }

    /// Closes the app and starts it again on the same data dir.
    pub async fn restart(&mut self) -> Result {
        if let Some(session) = self.session.take() {
            session.close().await;
        }
        self.session = Some(
            Session::open(
                self.data_dir.path(),
                self.home.path(),
                self.slow_webdriver,
                &self.env,
            )
            .await?,
        );
        self.wait_for(self.ready).await?;
        Ok(())
    }

    /// The app's data dir.
    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    pub(crate) fn session(&self) -> Result<&Session> {
        self.session
            .as_ref()
            .ok_or_else(|| fail("the app is not running"))
    }

    pub(crate) fn client(&self) -> Result<&Client> {
        self.session().map(|s| &s.client)
    }

    /// Waits until an element with `data-testid=testid` exists, and returns it.
    pub async fn wait_for(&self, testid: &str) -> Result<Element> {
        let client = self.client()?;
        let selector = testid_selector(testid);
        step(&format!("find {testid}"), async {
            Ok(client
                .wait()
                .at_most(STEP_TIMEOUT)
                .for_element(Locator::Css(&selector))
                .await?)
        })
        .await
    }

    /// Whether an element with `data-testid=testid` exists right now.
    ///
    /// Asked in one script, not by finding elements: a find returns handles that a re-render
    /// between the find and the answer leaves stale ("Stale element found when trying to create
    /// the node handle"), which was an error instead of an answer.
    pub async fn exists(&self, testid: &str) -> Result<bool> {
        let client = self.client()?;
        let selector = testid_selector(testid);
        step(&format!("look for {testid}"), async {
            let found = client
                .execute(
                    "return document.querySelector(arguments[0]) !== null;",
                    vec![json!(selector)],
                )
                .await?;
            Ok(found.as_bool() == Some(true))
        })
        .await
    }

    /// Waits until no element with `data-testid=testid` exists (a re-render may take a moment to
    /// remove it).
    pub async fn wait_until_gone(&self, testid: &str) -> Result {
        let deadline = Instant::now() + STEP_TIMEOUT;
        while self.exists(testid).await? {
            if Instant::now() > deadline {
                return Err(fail(format!("{testid} still shown after {STEP_TIMEOUT:?}")));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Ok(())
    }

    /// Clicks the element with `data-testid=testid` once, when a person could: after it exists,
    /// is enabled, visible, uncovered and has held still in view (see [`CLICKABLE`]). A click that
    /// WebDriver refuses fails the step: it is never sent again, since a click that may have landed
    /// must not land twice, and a page that moves under a click is a finding, not noise.
    pub async fn click(&self, testid: &str) -> Result {
        let element = self.wait_until_clickable(testid).await?;
        match tokio::time::timeout(STEP_TIMEOUT, element.click()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(fail(format!("click {testid}: {error} ({error:?})"))),
            Err(_) => Err(fail(format!(
                "click {testid}: no answer within {STEP_TIMEOUT:?}"
            ))),
        }
    }

    /// Waits until `testid` can be clicked ([`CLICKABLE`]) and returns it.
    async fn wait_until_clickable(&self, testid: &str) -> Result<Element> {
        let client = self.client()?;
        let limit = json!(STEP_TIMEOUT.as_millis() as u64);
        let script = client.execute_async(CLICKABLE, vec![json!(testid_selector(testid)), limit]);
        // The script gives up by itself after STEP_TIMEOUT; this only catches a driver that hangs.
        let answer = match tokio::time::timeout(STEP_TIMEOUT * 2, script).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(error)) => {
                return Err(fail(format!(
                    "wait until {testid} can be clicked: {error} ({error:?})"
                )))
            }
            Err(_) => {
                return Err(fail(format!(
                    "wait until {testid} can be clicked: no answer within {:?}",
                    STEP_TIMEOUT * 2
                )))
            }
        };
        match answer.get(ELEMENT_KEY).and_then(|id| id.as_str()) {
            Some(id) => Ok(Element::from_element_id(
                client.clone(),
                id.to_string().into(),
            )),
            None => Err(fail(format!(
                "{testid} not clickable within {STEP_TIMEOUT:?}: {}",
                answer
                    .as_str()
                    .map_or_else(|| answer.to_string(), str::to_owned)
            ))),
        }
    }

    /// The visible text of the element with `data-testid=testid`.
    pub async fn text(&self, testid: &str) -> Result<String> {
        let element = self.wait_for(testid).await?;
        step(&format!("read {testid}"), async {
            Ok(element.text().await?)
        })
        .await
    }

    /// The current value of the input with `data-testid=testid`.
    pub async fn value(&self, testid: &str) -> Result<String> {
        let element = self.wait_for(testid).await?;
        step(&format!("read the value of {testid}"), async {
            Ok(element.prop("value").await?.unwrap_or_default())
        })
        .await
    }

    /// Replaces the text of the input with `data-testid=testid`.
    pub async fn fill(&self, testid: &str, text: &str) -> Result {
        let element = self.wait_for(testid).await?;
        step(&format!("type into {testid}"), async {
            element.clear().await?;
            element.send_keys(text).await?;
            Ok(())
        })
        .await?;
        let typed = self.value(testid).await?;
        if typed != text {
            return Err(fail(format!(
                "{testid} holds {typed:?} after typing {text:?}"
            )));
        }
        Ok(())
    }

    /// Picks the option whose value is `value` in the `<select>` with `data-testid=testid`, once
    /// that option is there (lists load after the select shows).
    pub async fn choose(&self, testid: &str, value: &str) -> Result {
        let client = self.client()?;
        let option = format!(
            "{} option[value={}]",
            testid_selector(testid),
            serde_json::to_string(value)?
        );
        step(
            &format!("wait for the option {value:?} of {testid}"),
            async {
                Ok(client
                    .wait()
                    .at_most(STEP_TIMEOUT)
                    .for_element(Locator::Css(&option))
                    .await?)
            },
        )
        .await?;
        let element = self.wait_for(testid).await?;
        step(&format!("choose {value:?} in {testid}"), async {
            Ok(element.select_by_value(value).await?)
        })
        .await?;
        let chosen = self.value(testid).await?;
        if chosen != value {
            return Err(fail(format!(
                "{testid} holds {chosen:?} after choosing {value:?}"
            )));
        }
        Ok(())
    }

    /// Waits until the text of `testid` contains `expected`; returns the text.
    pub async fn wait_for_text(&self, testid: &str, expected: &str) -> Result<String> {
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            let text = self.text(testid).await?;
            if text.contains(expected) {
                return Ok(text);
            }
            if Instant::now() > deadline {
                return Err(fail(format!(
                    "{testid} never contained {expected:?}; last text: {text:?}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The attribute `name` of the element with `data-testid=testid` (empty when it has none).
    pub async fn attr(&self, testid: &str, name: &str) -> Result<String> {
        let element = self.wait_for(testid).await?;
        step(&format!("read {name} of {testid}"), async {
            Ok(element.attr(name).await?.unwrap_or_default())
        })
        .await
    }

    /// The machine state behind a state badge (`data-state`); the screen shows it as a word.
    pub async fn state(&self, testid: &str) -> Result<String> {
        self.attr(testid, "data-state").await
    }

    /// The whole id behind a shortened one (`data-full-id` of a `ShortId`).
    pub async fn full_id(&self, testid: &str) -> Result<String> {
        self.attr(testid, "data-full-id").await
    }

    /// Waits until the state badge `testid` is in `expected` (its `data-state`).
    pub async fn wait_for_state(&self, testid: &str, expected: &str) -> Result<String> {
        self.wait_for_attr(testid, "data-state", expected).await
    }

    /// Waits until the attribute `name` of `testid` is `expected`.
    pub async fn wait_for_attr(&self, testid: &str, name: &str, expected: &str) -> Result<String> {
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            let value = self.attr(testid, name).await?;
            if value == expected {
                return Ok(value);
            }
            if Instant::now() > deadline {
                return Err(fail(format!(
                    "{name} of {testid} never became {expected:?}; last: {value:?}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Runs asynchronous JavaScript in the app's page: `arguments` are `args`, and the script calls
    /// `arguments[arguments.length - 1](value)` to return `value`.
    pub async fn run_js(
        &self,
        script: &str,
        args: Vec<serde_json::Value>,
    ) -> Result<serde_json::Value> {
        let client = self.client()?;
        step("run JavaScript", async {
            Ok(client.execute_async(script, args).await?)
        })
        .await
    }

    /// Saves a PNG of the window to `file` (creating its folder).
    pub async fn screenshot_to(&self, file: &Path) -> Result {
        let client = self.client()?;
        let png = step("screenshot", async { Ok(client.screenshot().await?) }).await?;
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(file, png)?;
        Ok(())
    }

    async fn save_screenshot(&self, name: &str) {
        let Ok(client) = self.client() else { return };
        // The scenario may have failed while talking to the payment window.
        if let Err(error) = self.to_main_window().await {
            eprintln!("e2e: could not switch to the main window for the screenshot: {error}");
        }
        let dir = artifacts_dir();
        let shot = step("screenshot", async { Ok(client.screenshot().await?) }).await;
        let saved = shot.and_then(|png| {
            std::fs::create_dir_all(&dir)?;
            let file = dir.join(format!("{name}.png"));
            std::fs::write(&file, png)?;
            Ok(file)
        });
        match saved {
            Ok(file) => eprintln!("e2e: screenshot saved to {}", file.display()),
            Err(error) => eprintln!("e2e: no screenshot for {name}: {error}"),
        }
    }

    /// Closes the session and stops tauri-driver (also done on drop, without waiting for the session).
    pub async fn stop(mut self) {
        if let Some(session) = self.session.take() {
            session.close().await;
        }
    }
}

impl Session {
    /// Starts the app on `data_dir` with its per-user folders in `home` ([`AppProcess`]), a ready
    /// [`Driver`] attached to it, and opens a session. One try: a session that does not open
    /// fails the scenario, saying how tauri-driver, WebKitWebDriver and the app stand.
    async fn open(
        data_dir: &Path,
        home: &Path,
        slow_webdriver: Option<Duration>,
        env: &[(String, String)],
    ) -> Result<Session> {
        let app_bin = app_binary()?;
        let (data, home) = (data_dir.to_path_buf(), home.to_path_buf());
        let env = env.to_vec();
        let mut app =
            tokio::task::spawn_blocking(move || AppProcess::start(&app_bin, &data, &home, &env))
                .await??;
        let target = app.inspector_port;
        let mut driver =
            tokio::task::spawn_blocking(move || Driver::start(slow_webdriver, Some(target)))
                .await??;
        // The app runs already: WebKitWebDriver attaches to it, so no tauri:options.
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("wry"));
        let url = format!("http://127.0.0.1:{}", driver.port);
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let connect = builder.connect(&url);
        let client = match tokio::time::timeout(CONNECT_TIMEOUT, connect).await {
            Ok(Ok(client)) => client,
            Ok(Err(error)) => {
                return Err(fail(format!(
                    "no WebDriver session: {error} ({}; app {}: {}; running: {})",
                    driver.describe(),
                    app.pid(),
                    app.describe(),
                    running_drivers_and_apps()
                )))
            }
            Err(_) => {
                return Err(fail(format!(
                    "no WebDriver session after {CONNECT_TIMEOUT:?} (is there a display? run under xvfb-run)"
                )))
            }
        };
        let main = match tokio::time::timeout(STEP_TIMEOUT, client.window()).await {
            Ok(Ok(handle)) => handle,
            Ok(Err(error)) => return Err(fail(format!("no main window handle: {error}"))),
            Err(_) => return Err(fail("no main window handle in time")),
        };
        Ok(Session {
            client,
            driver,
            app,
            data_dir: data_dir.to_path_buf(),
            main,
        })
    }

    /// Ends the session, stops tauri-driver, kills the app and waits until it and its WebKit
    /// processes have exited (so the next app does not meet it through the single-instance plugin).
    async fn close(self) {
        let Session {
            client,
            driver,
            mut app,
            data_dir,
            ..
        } = self;
        // Known before the session closes: once the app has exited, its WebKit children belong to
        // init and can no longer be told apart from anyone else's.
        let family = app_family(&data_dir);
        match tokio::time::timeout(STEP_TIMEOUT, client.close()).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => eprintln!("e2e: closing the session failed: {error}"),
            Err(_) => eprintln!("e2e: closing the session timed out"),
        }
        drop(driver);
        app.stop();
        wait_until_app_exited(&data_dir, family);
    }
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

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn artifacts_dir() -> PathBuf {
    workspace_root().join(".e2e-artifacts")
}

/// `PANMUSIC_APP_BIN`, else `$CARGO_TARGET_DIR/debug/panmusic-pos`, else `<workspace>/target/debug/..`.
pub(crate) fn app_binary() -> Result<PathBuf> {
    let path = match std::env::var_os("PANMUSIC_APP_BIN") {
        Some(path) => PathBuf::from(path),
        None => {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| workspace_root().join("target"));
            target.join("debug").join("panmusic-pos")
        }
    };
    let path = std::path::absolute(&path)?;
    if !path.is_file() {
        return Err(fail(format!(
            "the app binary {} does not exist: build the UI and the app first \
             (npm --prefix ui run build && cargo build -p panmusic-pos) or set PANMUSIC_APP_BIN",
            path.display()
        )));
    }
    Ok(path)
}
