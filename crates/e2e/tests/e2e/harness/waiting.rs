//! Waiting until the page settles: an element appears or goes, a text or an attribute reaches
//! the value a step expects. Every wait ends after [`STEP_TIMEOUT`] with what was last seen.

use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::Locator;
use serde_json::json;

use super::{fail, step, testid_selector, App, Result, STEP_TIMEOUT};

impl App {
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
}
