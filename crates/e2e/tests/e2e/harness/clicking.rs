//! Acting on the page as a person would: a click sent once, when the element can be clicked
//! ([`CLICKABLE`]); typing into an input and choosing in a select, each checked afterwards.

use fantoccini::elements::Element;
use fantoccini::Locator;
use serde_json::json;

use super::{fail, step, testid_selector, App, Result, STEP_TIMEOUT};

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

impl App {
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
}
