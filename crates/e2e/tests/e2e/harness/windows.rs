//! The windows under WebDriver: each webview window is a window handle; the main one is
//! remembered when the session opens, any other is the payment window. Closing the main window
//! closes it to the tray (its webview is destroyed); the one built again later (열기, a second
//! launch) is a new handle in the same session, adopted as the main one.

use std::time::{Duration, Instant};

use fantoccini::wd::WindowHandle;

use super::{fail, step, App, Result, STEP_TIMEOUT};

impl App {
    /// The handles of the windows other than the main one (the payment window, when open).
    pub async fn other_windows(&self) -> Result<Vec<WindowHandle>> {
        let session = self.session()?;
        let handles = step("list the windows", async {
            Ok(session.client.windows().await?)
        })
        .await?;
        Ok(handles.into_iter().filter(|h| *h != session.main).collect())
    }

    /// Waits for the payment window and makes it the one WebDriver talks to.
    pub async fn to_payment_window(&self) -> Result {
        let deadline = Instant::now() + STEP_TIMEOUT;
        let handle = loop {
            if let Some(handle) = self.other_windows().await?.into_iter().next() {
                break handle;
            }
            if Instant::now() > deadline {
                return Err(fail(format!(
                    "no payment window opened within {STEP_TIMEOUT:?}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let client = self.client()?;
        step("switch to the payment window", async {
            Ok(client.switch_to_window(handle).await?)
        })
        .await
    }

    /// Makes the main window the one WebDriver talks to.
    pub async fn to_main_window(&self) -> Result {
        let session = self.session()?;
        step("switch to the main window", async {
            Ok(session
                .client
                .switch_to_window(session.main.clone())
                .await?)
        })
        .await
    }

    /// Clicks `testid` in the payment window (the sandbox SDK's buttons live there), then comes
    /// back to the main window.
    pub async fn click_in_payment_window(&self, testid: &str) -> Result {
        self.to_payment_window().await?;
        let clicked = self.click(testid).await;
        self.to_main_window().await?;
        clicked
    }

    /// Has the payment page close its own window (`window.close()`, as a PG does when the buyer
    /// cancels), then comes back to the main window. WebDriver's own "close window" is not used:
    /// it tears down the webview without the window, which no person can do. The page goes away
    /// with its window, so the script answers first and closes a moment later: closing at once
    /// could take the page away before WebDriver read the answer ("Could not parse script result").
    pub async fn close_payment_window_from_its_page(&self) -> Result {
        self.to_payment_window().await?;
        let closed = self
            .run_js(
                "const done = arguments[arguments.length - 1]; done(true); \
                 setTimeout(() => window.close(), 300);",
                vec![],
            )
            .await;
        self.to_main_window().await?;
        closed.map(|_| ())
    }

    /// Waits until no window but the main one is open.
    pub async fn wait_until_payment_window_closed(&self) -> Result {
        let deadline = Instant::now() + STEP_TIMEOUT;
        while !self.other_windows().await?.is_empty() {
            if Instant::now() > deadline {
                return Err(fail(format!(
                    "the payment window was still open after {STEP_TIMEOUT:?}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Ok(())
    }
}

impl App {
    /// Closes the main window as its title bar's close button does (a close request: the app
    /// closes it to the tray and destroys its webview), and waits until WebDriver no longer
    /// lists it.
    pub async fn close_main_window_to_tray(&self) -> Result {
        let main = self.session()?.main.clone();
        // The page goes away with its window, so the script answers first and asks a moment
        // later (once WebDriver has its answer).
        self.run_js(
            "const done = arguments[arguments.length - 1]; done(true);\
             setTimeout(() => window.__TAURI_INTERNALS__.invoke('plugin:window|close', { label: 'main' }), 300);",
            vec![],
        )
        .await?;
        let client = self.client()?;
        let deadline = Instant::now() + STEP_TIMEOUT;
        loop {
            let handles = step("list the windows", async { Ok(client.windows().await?) }).await?;
            if !handles.contains(&main) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(fail(format!(
                    "the main window was still there {STEP_TIMEOUT:?} after it was closed"
                )));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits (up to `within`) for the main window built again after closing to the tray, makes it
    /// the one WebDriver talks to, and waits until its UI is ready.
    pub async fn adopt_reopened_main_window(&mut self, within: Duration) -> Result {
        let old = self.session()?.main.clone();
        let deadline = Instant::now() + within;
        let handle = loop {
            let client = self.client()?;
            let handles = step("list the windows", async { Ok(client.windows().await?) }).await?;
            if let Some(handle) = handles.into_iter().find(|h| *h != old) {
                break handle;
            }
            if Instant::now() > deadline {
                return Err(fail(format!(
                    "no main window opened again within {within:?}"
                )));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let client = self.client()?;
        step("switch to the reopened main window", async {
            Ok(client.switch_to_window(handle.clone()).await?)
        })
        .await?;
        if let Some(session) = self.session.as_mut() {
            session.main = handle;
        }
        self.wait_for(self.ready).await?;
        Ok(())
    }

    /// A second launch (a double-click on the desktop icon) on this app's data dir: it hands over
    /// to the running app and exits, and the main window opens again; WebDriver adopts it.
    pub async fn reopen_by_second_launch(&mut self) -> Result {
        let second = std::process::Command::new(super::app_binary()?)
            .arg("--data-dir")
            .arg(self.data_dir())
            .status()?;
        if !second.success() {
            return Err(fail(format!(
                "the second launch hands over and exits: {second}"
            )));
        }
        self.adopt_reopened_main_window(Duration::from_secs(30))
            .await
    }
}
