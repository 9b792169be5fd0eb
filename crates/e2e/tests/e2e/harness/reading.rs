//! Reading the page: an element's text, an input's value, an attribute (the machine state behind
//! a badge, the whole id behind a short one), the result of a script, and screenshots (the one
//! saved when a scenario fails included).

use std::path::{Path, PathBuf};

use super::lifecycle::workspace_root;
use super::{step, App, Result};

impl App {
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

    pub(super) async fn save_screenshot(&self, name: &str) {
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
}

fn artifacts_dir() -> PathBuf {
    workspace_root().join(".e2e-artifacts")
}
