//! The main window and the hooks on its navigations and popups.
//!
//! The main window runs only the app's own code: its capability allows the app's commands, so it
//! never loads anything else. Iamport's SDK and the PG pages run in the payment window
//! ([`crate::paywindow`]), which is where payment results arrive. Here every navigation away from
//! the app's pages, and every popup, is refused.

use tauri::webview::NewWindowResponse;
use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindow, WebviewWindowBuilder};
use url::Url;

use crate::paywindow::apply_page_policy;
use crate::paywindow::policy::{is_app_url, is_pay_page_path};

/// The main window's label.
pub const MAIN_WINDOW: &str = "main";
/// The main window's title (what the desktop shows; the e2e and bundle checks look for it).
pub const WINDOW_TITLE: &str = "판뮤직 POS";

/// Whether the main window may load `url`: the app's own pages but the payment page (and, in
/// development, the dev server named by `dev_url`). Pure, so it is tested without a webview.
pub fn main_window_may_load(url: &Url, dev_url: Option<&Url>) -> bool {
    (is_app_url(url) && !is_pay_page_path(url.path()))
        || url.scheme() == "about"
        || dev_url.is_some_and(|dev| dev.origin() == url.origin())
}

/// Creates the main window (the config has `"create": false` so these hooks can be attached);
/// `visible: false` when started at login (it waits in the tray).
pub fn create_main_window<R: Runtime>(
    app: &AppHandle<R>,
    visible: bool,
) -> tauri::Result<WebviewWindow<R>> {
    let dev_url = app.config().build.dev_url.clone();
    WebviewWindowBuilder::new(app, MAIN_WINDOW, WebviewUrl::App("index.html".into()))
        .title(WINDOW_TITLE)
        .inner_size(1100.0, 760.0)
        .min_inner_size(800.0, 600.0)
        .visible(visible)
        .on_web_resource_request({
            let app = app.clone();
            move |request, response| apply_page_policy(&app, &request, response)
        })
        .on_navigation(move |url| {
            let allowed = main_window_may_load(url, dev_url.as_ref());
            if !allowed {
                tracing::warn!(%url, "the main window loads only the app's own pages; refused");
            }
            allowed
        })
        .on_new_window(|url, _features| {
            tracing::warn!(%url, "the main window opens no popups; refused");
            NewWindowResponse::Deny
        })
        .build()
}

/// Brings the existing window to the front (a second launch lands here).
pub fn focus_main_window<R: Runtime>(app: &AppHandle<R>) {
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

#[cfg(test)]
mod tests {
    use pos_core::checkout::M_REDIRECT_URL;

    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("test URL parses")
    }

    #[test]
    fn the_main_window_loads_the_app_pages() {
        for allowed in [
            "tauri://localhost/index.html",
            "tauri://localhost/",
            "http://tauri.localhost/",
        ] {
            assert!(main_window_may_load(&url(allowed), None), "{allowed} loads");
        }
        let dev = url("http://127.0.0.1:1420/");
        assert!(
            main_window_may_load(&url("http://127.0.0.1:1420/src/main.tsx"), Some(&dev)),
            "the dev server, when one is configured"
        );
    }

    #[test]
    fn the_main_window_loads_nothing_else() {
        for refused in [
            "http://127.0.0.1:43123/sdk/pay?x=1",
            "https://cdn.iamport.kr/v1/iamport.js",
            "https://example.com/",
            M_REDIRECT_URL,
            "file:///etc/passwd",
            "tauri://localhost/pay.html?request=%7B%7D",
        ] {
            assert!(
                !main_window_may_load(&url(refused), None),
                "{refused} is refused: payment pages belong to the payment window"
            );
        }
    }
}
