//! The payment window under WebDriver: each webview window is a window handle; the main one is
//! remembered when the session opens, any other is the payment window.

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
    /// it tears down the webview without the window, which no person can do.
    pub async fn close_payment_window_from_its_page(&self) -> Result {
        self.to_payment_window().await?;
        let closed = self
            .run_js(
                "const done = arguments[arguments.length - 1]; done(true); window.close();",
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
