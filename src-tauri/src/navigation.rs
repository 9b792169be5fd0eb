//! The main window and the hook on its navigations.
//!
//! Redirect-style payment flows send the browser to `m_redirect_url` when the payment window is
//! done. pos-core sets that URL ([`pos_core::checkout::M_REDIRECT_URL`], an app-local URL that
//! never loads anything); here the navigation is cancelled and its parameters handed to
//! [`on_payment_return`]. The checkout issue fills that in: verify through pos-core (the same
//! path as the SDK callback), then route the UI to the result screen.

use pos_core::checkout::{is_payment_redirect, parse_redirect, RedirectParams};
use tauri::{AppHandle, Runtime, WebviewUrl, WebviewWindow, WebviewWindowBuilder};
use url::Url;

/// The main window's label.
pub const MAIN_WINDOW: &str = "main";
/// The main window's title (what the desktop shows; the e2e and bundle checks look for it).
pub const WINDOW_TITLE: &str = "판뮤직 POS";

/// What to do with a navigation of the main window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NavigationDecision {
    /// Let the webview load it (the app itself, the sandbox, Iamport and PG pages).
    Allow,
    /// The payment window is done: cancel the navigation and verify in Rust. `None` when the
    /// redirect carried no `merchant_uid` (nothing to verify; the UI keeps the order open).
    PaymentReturn(Option<RedirectParams>),
}

/// Decides what a navigation means. Pure, so it is tested without a webview.
pub fn classify(url: &Url) -> NavigationDecision {
    if is_payment_redirect(url.as_str()) {
        NavigationDecision::PaymentReturn(parse_redirect(url.as_str()))
    } else {
        NavigationDecision::Allow
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
            NavigationDecision::PaymentReturn(params) => {
                // Touch the webview from a task, never inside this callback.
                let app = handle.clone();
                tauri::async_runtime::spawn(async move { on_payment_return(app, params).await });
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

/// The payment window returned through `m_redirect_url`: verify through the same
/// `complete_payment` as the SDK callback, then the UI shows the result screen (it listens to
/// [`crate::payments::models::PAYMENT_RESULT_EVENT`]). A redirect without a `merchant_uid`
/// names no order: nothing to verify, the order stays open for the sync engine.
async fn on_payment_return<R: Runtime>(app: AppHandle<R>, params: Option<RedirectParams>) {
    match params {
        Some(params) => {
            tracing::info!(merchant_uid = %params.merchant_uid, "payment redirect intercepted");
            crate::payments::flows::payment_returned(&app, params.merchant_uid, params.imp_uid)
                .await;
        }
        None => tracing::warn!("payment redirect without a merchant_uid; nothing to verify"),
    }
}

#[cfg(test)]
mod tests {
    use pos_core::checkout::M_REDIRECT_URL;

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
        ] {
            assert_eq!(
                classify(&url(allowed)),
                NavigationDecision::Allow,
                "{allowed} loads"
            );
        }
    }

    #[test]
    fn the_payment_return_is_intercepted_with_its_parameters() {
        let ret = url(&format!(
            "{M_REDIRECT_URL}?imp_uid=imp_1&merchant_uid=order_1"
        ));
        match classify(&ret) {
            NavigationDecision::PaymentReturn(Some(params)) => {
                assert_eq!(
                    params.merchant_uid, "order_1",
                    "the order named by the redirect"
                );
                assert_eq!(params.imp_uid.as_deref(), Some("imp_1"), "the payment");
            }
            other => panic!("the redirect must be intercepted, got {other:?}"),
        }
    }
}
