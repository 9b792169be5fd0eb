//! axe-core in the real app: its script (from the UI's pinned npm dependency) is injected through
//! WebDriver's execute endpoint, and the page is checked as the owner sees it, colour contrast
//! included (WebKit lays it out, unlike jsdom in the Vitest suite).

use std::path::PathBuf;

use serde_json::Value;

use super::{fail, step, App, Result};

/// axe-core as npm installed it for the UI (`npm ci --prefix ui`).
fn axe_script() -> Result<String> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).map_err(|error| {
        fail(format!(
            "axe-core not found at {} ({error}); run `npm ci --prefix ui`",
            path.display()
        ))
    })
}

/// Runs axe over the page and hands back the serious and critical violations, one line each.
const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
window.axe.run(document, { resultTypes: ["violations"] }).then(
  (result) => done(result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`)),
  (error) => done([`axe failed: ${error}`]),
);
"#;

impl App {
    /// Fails when axe-core finds a serious or critical accessibility violation on the page as
    /// it is now; `screen` names the page in the failure.
    pub async fn expect_accessible(&self, screen: &str) -> Result {
        let client = self.client()?;
        let loaded = step("inject axe-core", async {
            let script = format!("{}\nreturn typeof window.axe;", axe_script()?);
            Ok(client.execute(&script, vec![]).await?)
        })
        .await?;
        if loaded.as_str() != Some("object") {
            return Err(fail(format!("axe-core did not load in the page: {loaded}")));
        }
        let found = step("run axe-core", async {
            Ok(client.execute_async(RUN_AXE, vec![]).await?)
        })
        .await?;
        let violations: Vec<String> = match found {
            Value::Array(items) => items
                .iter()
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .collect(),
            other => return Err(fail(format!("axe-core answered {other}"))),
        };
        if violations.is_empty() {
            Ok(())
        } else {
            Err(fail(format!(
                "{screen}: axe-core found serious accessibility problems:\n  {}",
                violations.join("\n  ")
            )))
        }
    }
}
