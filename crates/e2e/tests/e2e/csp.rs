//! The content security policy lets the app do what it must in sandbox mode (load the sandbox's
//! SDK script, call the sandbox, call the app's own commands) and nothing else.

use crate::harness::{ensure, scenario, App, Result};

/// Loads the SDK named by `app_status` the way the checkout screen will, and reports what the
/// page could do: `{sdk: typeof IMP, fetch: "ok" | error}`.
const LOAD_SANDBOX_SDK: &str = r#"
const done = arguments[arguments.length - 1];
window.__TAURI_INTERNALS__.invoke("app_status").then((status) => {
  const script = document.createElement("script");
  script.src = status.sdkUrl;
  script.onload = () => {
    fetch(status.sdkUrl, { method: "GET" })
      .then(() => done({ sdk: typeof window.IMP, fetch: "ok" }))
      .catch((e) => done({ sdk: typeof window.IMP, fetch: String(e) }));
  };
  script.onerror = () => done({ sdk: "blocked", fetch: "not tried" });
  document.head.appendChild(script);
}, (e) => done({ sdk: "no status: " + JSON.stringify(e), fetch: "not tried" }));
"#;

/// A script from anywhere else must be refused by the CSP itself (a violation is reported), not
/// merely fail to load.
const LOAD_FOREIGN_SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
document.addEventListener("securitypolicyviolation", (e) => done("csp:" + e.violatedDirective));
const script = document.createElement("script");
script.src = "https://example.com/evil.js";
script.onload = () => done("loaded");
script.onerror = () => setTimeout(() => done("failed without a CSP report"), 1000);
document.head.appendChild(script);
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_sdk_loads_and_reaches_the_sandbox_under_the_csp() {
    scenario("csp_allows_the_sandbox", async |app: &mut App| -> Result {
        app.wait_for("sandbox-banner").await?;
        let outcome = app.run_js(LOAD_SANDBOX_SDK, vec![]).await?;
        ensure(
            outcome["sdk"] == "object",
            format!("window.IMP exists after loading the sandbox SDK: {outcome}"),
        )?;
        ensure(
            outcome["fetch"] == "ok",
            format!("the page may call the sandbox on loopback: {outcome}"),
        )?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_script_from_another_origin_is_refused() {
    scenario(
        "csp_refuses_foreign_scripts",
        async |app: &mut App| -> Result {
            app.wait_for("sandbox-banner").await?;
            let outcome = app.run_js(LOAD_FOREIGN_SCRIPT, vec![]).await?;
            let refused = outcome
                .as_str()
                .is_some_and(|o| o.starts_with("csp:script-src"));
            ensure(
                refused,
                format!("the CSP refuses a foreign script: {outcome}"),
            )?;
            Ok(())
        },
    )
    .await;
}
