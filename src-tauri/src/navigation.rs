//! The main window and the hook on its navigations.
//!
//! Redirect-style payment flows send the browser to `m_redirect_url` when the payment window is
//! done. We set that URL to [`PAYMENT_RETURN_URL`] (on the reserved `.invalid` domain, so it can
//! never load anything even if a navigation slipped through), cancel the navigation here and
//! hand the URL to [`on_payment_return`]; the checkout issue fills that in (verify the payment,
//! then route the UI to the result screen).

use tauri::{AppHandle, Runtime, WebviewUrl, WebviewWindow, WebviewWindowBuilder};
use url::Url;

/// The main window's label.
pub const MAIN_WINDOW: &str = "main";
/// The main window's title (what the desktop shows; the e2e and bundle checks look for it).
pub const WINDOW_TITLE: &str = "판뮤직 POS";
/// `m_redirect_url` for redirect-style payments; intercepted, never loaded.
pub const PAYMENT_RETURN_URL: &str = "https://pos.panmusic.invalid/payment-return";

/// What to do with a navigation of the main window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NavigationDecision {
    /// Let the webview load it (the app itself, the sandbox, Iamport and PG pages).
    Allow,
    /// The payment window is done: cancel the navigation and verify in Rust.
    PaymentReturn(Url),
}

/// Decides what a navigation means. Pure, so it is tested without a webview.
pub fn classify(url: &Url) -> NavigationDecision {
    match Url::parse(PAYMENT_RETURN_URL) {
        Ok(ret)
            if url.scheme() == ret.scheme()
                && url.host_str() == ret.host_str()
                && url.path() == ret.path() =>
        {
            NavigationDecision::PaymentReturn(url.clone())
        }
        _ => NavigationDecision::Allow,
    }
}

/// Creates the main window (the config has `"create": false` so this hook can be attached).
pub fn create_main_window<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<WebviewWindow<R>> {
    let handle = app.clone();
    WebviewWindowBuilder::new(app, MAIN_WINDOW, WebviewUrl::App("index.html".into()))
        .title(WINDOW_TITLE)
        .inner_size(1100.0, 760.0)
        .min_inner_size(800.0, 600.0)
        .on_navigation(move |url| match classify(url) {
            NavigationDecision::Allow => true,
            NavigationDecision::PaymentReturn(url) => {
                // Touch the webview from a task, never inside this callback.
                let app = handle.clone();
                tauri::async_runtime::spawn(async move { on_payment_return(app, url).await });
                false
            }
        })
        .build()
}

/// Brings the existing window to the front (a second launch lands here).
pub fn focus_main_window<R: Runtime>(app: &AppHandle<R>) {
    use tauri::Manager;
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let shown = window
            .unminimize()
            .and_then(|()| window.show())
            .and_then(|()| window.set_focus());
        if let Err(error) = shown {
            tracing::warn!(error = ?error, "could not focus the main window");
        }
    }
}

/// The payment window returned through [`PAYMENT_RETURN_URL`] (query: `imp_uid`, `merchant_uid`,
/// `imp_success`). Issue 5: verify through pos-core, then emit the result route to the UI.
async fn on_payment_return<R: Runtime>(_app: AppHandle<R>, url: Url) {
    let merchant_uid = url
        .query_pairs()
        .find(|(name, _)| name == "merchant_uid")
        .map(|(_, value)| value.into_owned());
    tracing::info!(
        ?merchant_uid,
        "payment redirect intercepted; verification not wired yet"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("test URL parses")
    }

    #[test]
    fn app_pages_and_payment_pages_load() {
        for allowed in [
            "tauri://localhost/index.html",
            "http://tauri.localhost/",
            "http://127.0.0.1:43123/sdk/pay?x=1",
            "https://cdn.iamport.kr/v1/iamport.js",
            "https://pos.panmusic.invalid/other-path",
        ] {
            assert_eq!(
                classify(&url(allowed)),
                NavigationDecision::Allow,
                "{allowed} loads"
            );
        }
    }

    #[test]
    fn the_payment_return_is_intercepted_with_its_query() {
        let ret =
            url("https://pos.panmusic.invalid/payment-return?imp_uid=imp_1&merchant_uid=order_1");
        assert_eq!(
            classify(&ret),
            NavigationDecision::PaymentReturn(ret.clone()),
            "cancelled and handed to Rust, query intact"
        );
    }
}
