//! Who may run what. The main window (whose capability allows the app's commands) runs the app's
//! own scripts and nothing else, in both modes; the payment window runs Iamport's SDK (here the
//! sandbox's, from its exact loopback origin) and can call no command at all.

use crate::checkout::open_window;
use crate::harness::{ensure, scenario, App, Result};

/// Adds a `<script src=arguments[0]>` and reports whether the CSP refused it (`csp:<directive>`),
/// it loaded (`loaded`), or it failed without a CSP report.
const LOAD_SCRIPT: &str = r#"
const [src, done] = arguments;
document.addEventListener("securitypolicyviolation", (e) => {
  if (e.blockedURI && src.startsWith(e.blockedURI)) done("csp:" + e.violatedDirective);
});
const script = document.createElement("script");
script.src = src;
script.onload = () => done("loaded");
script.onerror = () => setTimeout(() => done("failed without a CSP report"), 1000);
document.head.appendChild(script);
"#;

/// Calls `arguments[0]` with `arguments[1]` through the raw IPC and reports `ok:<reply>` or
/// `refused:<rejection>`.
const INVOKE: &str = r#"
const [command, args, done] = arguments;
const internals = window.__TAURI_INTERNALS__;
if (!internals) { done("no IPC object"); return; }
internals.invoke(command, args).then(
  (reply) => done("ok:" + JSON.stringify(reply)),
  (error) => done("refused:" + (typeof error === "string" ? error : JSON.stringify(error))),
);
"#;

async fn load_script(app: &App, src: &str) -> Result<String> {
    let outcome = app
        .run_js(LOAD_SCRIPT, vec![serde_json::json!(src)])
        .await?;
    Ok(outcome.as_str().unwrap_or_default().to_owned())
}

async fn invoke(app: &App, command: &str, args: serde_json::Value) -> Result<String> {
    let outcome = app
        .run_js(INVOKE, vec![serde_json::json!(command), args])
        .await?;
    Ok(outcome.as_str().unwrap_or_default().to_owned())
}

/// The sandbox's address as the main window learns it.
async fn sandbox_base(app: &App) -> Result<String> {
    let reply = invoke(app, "app_status", serde_json::json!({})).await?;
    let status: serde_json::Value = serde_json::from_str(reply.trim_start_matches("ok:"))
        .map_err(|e| format!("app_status replied {reply}: {e}"))?;
    status["sandbox"]["baseUrl"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no sandbox address in {status}").into())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_window_runs_no_script_but_its_own_not_even_the_sandbox_sdk() {
    scenario("csp_main_window", async |app: &mut App| -> Result {
        app.wait_for("sandbox-banner").await?;
        let base = sandbox_base(app).await?;
        let sdk = load_script(app, &format!("{base}/sdk/iamport.js")).await?;
        ensure(
            sdk.starts_with("csp:script-src"),
            format!("the CSP refuses the SDK in the main window: {sdk}"),
        )?;
        let foreign = load_script(app, "https://example.com/evil.js").await?;
        ensure(
            foreign.starts_with("csp:script-src"),
            format!("the CSP refuses a foreign script: {foreign}"),
        )?;
        let fetched = app
            .run_js(
                "const [url, done] = arguments;\
                 fetch(url).then(() => done('fetched'), (e) => done('blocked: ' + e));",
                vec![serde_json::json!(format!("{base}/sdk/iamport.js"))],
            )
            .await?;
        ensure(
            fetched.as_str().is_some_and(|f| f.starts_with("blocked")),
            format!("the main window cannot call the sandbox either: {fetched}"),
        )?;
        Ok(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_payment_window_runs_the_sandbox_sdk_and_nothing_else() {
    scenario("csp_payment_window", async |app: &mut App| -> Result {
        app.wait_for("sandbox-banner").await?;
        let base = sandbox_base(app).await?;
        open_window(app, "pass_1m", "card").await?;
        app.to_payment_window().await?;
        let outcome = async {
            let imp = app
                .run_js("arguments[arguments.length - 1](typeof window.IMP)", vec![])
                .await?;
            ensure(imp == "object", format!("the sandbox SDK runs here: {imp}"))?;
            let foreign = load_script(app, "https://example.com/evil.js").await?;
            ensure(
                foreign.starts_with("csp:script-src"),
                format!("a foreign script is refused: {foreign}"),
            )?;
            let port = base.rsplit(':').next().unwrap_or_default();
            let other: u16 = port.parse::<u16>().map(|p| p.wrapping_add(1)).unwrap_or(1);
            let loopback = load_script(app, &format!("http://127.0.0.1:{other}/x.js")).await?;
            ensure(
                loopback.starts_with("csp:script-src"),
                format!("loopback is allowed only at the sandbox's own port: {loopback}"),
            )?;
            Ok(())
        }
        .await;
        app.to_main_window().await?;
        outcome
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_payment_window_can_call_no_command() {
    scenario(
        "payment_window_has_no_ipc",
        async |app: &mut App| -> Result {
            open_window(app, "pass_1m", "card").await?;
            app.to_payment_window().await?;
            let replies: Result<[(&str, String); 3]> = async {
                let attack = serde_json::json!({
                    "credentials": { "impKey": "attacker_key", "impSecret": "attacker_secret" }
                });
                Ok([
                    (
                        "set_credentials",
                        invoke(app, "set_credentials", attack).await?,
                    ),
                    (
                        "app_status",
                        invoke(app, "app_status", serde_json::json!({})).await?,
                    ),
                    (
                        "plugin:event|listen",
                        invoke(
                            app,
                            "plugin:event|listen",
                            serde_json::json!({
                                "event": "payment-result",
                                "target": { "kind": "Any" },
                                "handler": 0
                            }),
                        )
                        .await?,
                    ),
                ])
            }
            .await;
            app.to_main_window().await?;
            for (command, reply) in replies? {
                ensure(
                    reply.starts_with("refused:") && reply.contains("not allowed"),
                    format!("{command} from the payment window is refused by the ACL: {reply}"),
                )?;
            }
            // Nothing changed: the main window still sees no credentials saved.
            let settings = invoke(app, "get_settings", serde_json::json!({})).await?;
            ensure(
                settings.contains("\"credentialsSet\":false"),
                format!("no credentials were stored: {settings}"),
            )?;
            // And the main window's own calls still work.
            ensure(
                invoke(app, "app_status", serde_json::json!({}))
                    .await?
                    .starts_with("ok:"),
                "the main window may call its commands",
            )?;
            Ok(())
        },
    )
    .await;
}
