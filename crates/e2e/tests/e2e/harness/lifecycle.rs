//! Starting and stopping the app: a session opened on a fresh data dir (the app started by the
//! harness, a ready [`Driver`] attached to it), restarted on the same data dir, and closed with
//! the app and its WebKit processes gone before the next one starts.

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use super::app_process::AppProcess;
use super::processes::{app_family, running_drivers_and_apps, wait_until_app_exited};
use super::{fail, App, Result, Session, Start, STEP_TIMEOUT};
use crate::driver::Driver;

/// Longest wait for a session to open (generous: a loaded CI machine starting a debug build of the
/// app).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(60);

impl App {
    /// Starts tauri-driver and the app on a fresh (prepared) data dir, and waits until ready.
    pub(super) async fn start(start: Start) -> Result<App> {
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

pub(super) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
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
