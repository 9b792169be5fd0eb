//! The main window and the hooks on its navigations and popups.
//!
//! The window exists only while it is shown: closing it to the tray destroys it (and so its
//! WebKit page process, most of the app's memory), and 열기, a second launch or a click on the
//! tray icon builds it again on the screen it showed (the UI keeps its screen in the URL's
//! fragment, read here as the window closes) with its remembered size and position. The sync
//! engine, the notifications and the tray live in Rust and need no window.
//!
//! The main window runs only the app's own code: its capability allows the app's commands, so it
//! never loads anything else. Iamport's SDK and the PG pages run in the payment window
//! ([`crate::paywindow`]), which is where payment results arrive. Here every navigation away from
//! the app's pages, and every popup, is refused.

use std::sync::{Mutex, PoisonError};

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

/// The screen the main window showed when it was closed to the tray (the URL fragment its UI
/// keeps the screen in), handed to the next window.
#[derive(Default)]
pub struct LastScreen(Mutex<Option<String>>);

impl LastScreen {
    /// Remembers `fragment` from the start (a copy started by the tray's handover).
    pub fn new(fragment: Option<String>) -> Self {
        Self(Mutex::new(fragment))
    }

    /// Remembers the fragment of `url`, the main window's address as it closes.
    pub fn remember(&self, url: &Url) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = url.fragment().map(str::to_owned);
    }

    /// The fragment remembered last.
    pub fn current(&self) -> Option<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// The script that hands the next main window the screen its predecessor showed: the UI reads
/// `window.__PANMUSIC_SCREEN__` when its own URL has no fragment. The fragment is passed as a
/// JSON string, so nothing in it can escape into the script.
pub fn screen_script(fragment: &str) -> String {
    let quoted = serde_json::to_string(fragment).unwrap_or_else(|_| "\"\"".to_owned());
    format!("window.__PANMUSIC_SCREEN__ = {quoted};")
}

/// Creates the main window (the config has `"create": false` so these hooks can be attached),
/// shown, on the screen the last one showed; closing it closes it to the tray.
pub fn create_main_window<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<WebviewWindow<R>> {
    let dev_url = app.config().build.dev_url.clone();
    let screen = app
        .try_state::<LastScreen>()
        .and_then(|last| last.current());
    let mut builder =
        WebviewWindowBuilder::new(app, MAIN_WINDOW, WebviewUrl::App("index.html".into()));
    if let Some(fragment) = screen {
        builder = builder.initialization_script(screen_script(&fragment));
    }
    let window = builder
        .title(WINDOW_TITLE)
        .inner_size(1100.0, 760.0)
        .min_inner_size(800.0, 600.0)
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
        .build()?;
    crate::tray::close_to_tray(&window);
    Ok(window)
}

/// Brings the main window to the front, building it again when it was closed to the tray (열기,
/// a click on the tray icon and a second launch land here).
pub fn focus_main_window<R: Runtime>(app: &AppHandle<R>) {
    let window = match app.get_webview_window(MAIN_WINDOW) {
        Some(window) => window,
        None => match create_main_window(app) {
            Ok(window) => {
                tracing::info!("main window opened again from the tray");
                window
            }
            Err(error) => {
                tracing::error!(error = ?error, "could not open the main window");
                return;
            }
        },
    };
    let shown = window
        .unminimize()
        .and_then(|()| window.show())
        .and_then(|()| window.set_focus());
    if let Err(error) = shown {
        tracing::warn!(error = ?error, "could not focus the main window");
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
    fn the_next_window_gets_the_screen_as_a_string_that_cannot_escape() {
        assert_eq!(
            screen_script("%7B%22name%22%3A%22orders%22%7D"),
            r#"window.__PANMUSIC_SCREEN__ = "%7B%22name%22%3A%22orders%22%7D";"#,
            "the fragment is handed over as it was"
        );
        let hostile = screen_script("\";alert(1);//</script>");
        assert!(
            hostile.starts_with(r#"window.__PANMUSIC_SCREEN__ = "\";alert(1)"#),
            "a quote in the fragment stays inside the string: {hostile}"
        );
    }

    #[test]
    fn the_screen_remembered_is_the_fragment_of_the_closing_window() {
        let last = LastScreen::default();
        last.remember(&url("tauri://localhost/index.html#screen"));
        assert_eq!(last.current().as_deref(), Some("screen"), "its fragment");
        last.remember(&url("tauri://localhost/index.html"));
        assert_eq!(last.current(), None, "no fragment: the start screen");
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
