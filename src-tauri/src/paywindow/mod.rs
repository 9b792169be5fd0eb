//! The payment window: a webview of its own, in no capability, that runs Iamport's SDK.
//!
//! Iamport's script (and whatever the PG loads) never runs in the main window, whose capability
//! allows the app's commands. Rust opens this window with a local page (`pay.html`) and every
//! `IMP.request_pay` parameter in its URL; the page's callback and the PG's redirects both end in a
//! navigation to `m_redirect_url`, which the navigation hook here cancels and hands to
//! [`result`], where the one verification path decides what happened. Nothing the window says is
//! believed, and it can call no command: it is in no capability, so Tauri refuses every IPC call
//! from it. Closing it without a result leaves the order open (and checks Iamport once).
//!
//! One payment window at a time: opening another closes the one open, whose order is settled as
//! closed. Each window has a label of its own (`payment-N`), so a late event of a closed window
//! never settles the next window's order.

pub mod policy;
pub mod request;
pub mod result;

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use tauri::http::{Request, Response};
use tauri::webview::NewWindowResponse;
use tauri::{
    AppHandle, Manager, Runtime, WebviewUrl, WebviewWindow, WebviewWindowBuilder, WindowEvent,
};

use crate::payments::PaymentsError;
use policy::{PayNavigation, PayOrigins};
use request::PayRequest;

/// How every payment window's label starts (`payment-1`, `payment-2`, …). No capability names it.
pub const PAYMENT_WINDOW: &str = "payment";
/// Its title.
pub const PAYMENT_WINDOW_TITLE: &str = "결제창 · 판뮤직 POS";

/// What the open payment window is for; its result is verified against this, never against
/// what the window claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// A one-time payment of order `merchant_uid`.
    Checkout {
        /// The order.
        merchant_uid: String,
    },
    /// The first billing key of subscription `subscription_id`.
    Subscribe {
        /// The subscription.
        subscription_id: String,
        /// The issuing window's order.
        merchant_uid: String,
        /// Which opening of the registration's window this is: the end of a window that a
        /// later one replaced is not recorded.
        attempt: u32,
    },
    /// 카드 변경: a new billing key `customer_uid` for subscription `subscription_id`.
    CardChange {
        /// The subscription.
        subscription_id: String,
        /// The issuing window's order.
        merchant_uid: String,
        /// The key the window issues (minted in Rust).
        customer_uid: String,
    },
}

impl Purpose {
    /// The order the window pays or issues a key for.
    pub fn merchant_uid(&self) -> &str {
        match self {
            Purpose::Checkout { merchant_uid }
            | Purpose::Subscribe { merchant_uid, .. }
            | Purpose::CardChange { merchant_uid, .. } => merchant_uid,
        }
    }
}

/// The window open now.
struct OpenWindow {
    label: String,
    purpose: Purpose,
}

/// The payment window open now and what it is for, taken exactly once: by its result, by its
/// closing, or by the next window; and the content security policy its page gets.
#[derive(Default)]
pub struct PaymentWindowSlot {
    open: Mutex<Option<OpenWindow>>,
    policy: Mutex<Option<String>>,
    opened: AtomicU64,
}

impl PaymentWindowSlot {
    fn open(&self) -> std::sync::MutexGuard<'_, Option<OpenWindow>> {
        // Every critical section is a plain assignment or take.
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn policy(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.policy.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The purpose of window `label`, if it is still the one open.
    fn take(&self, label: &str) -> Option<Purpose> {
        let mut open = self.open();
        if open.as_ref().is_some_and(|o| o.label == label) {
            open.take().map(|o| o.purpose)
        } else {
            None
        }
    }
}

fn slot<R: Runtime>(app: &AppHandle<R>) -> &PaymentWindowSlot {
    if app.try_state::<PaymentWindowSlot>().is_none() {
        // A second `manage` of the same type is a no-op, so a race here is harmless.
        app.manage(PaymentWindowSlot::default());
    }
    app.state::<PaymentWindowSlot>().inner()
}

/// The payment window open now, if any.
pub fn current<R: Runtime>(app: &AppHandle<R>) -> Option<WebviewWindow<R>> {
    let label = slot(app).open().as_ref().map(|o| o.label.clone())?;
    app.get_webview_window(&label)
}

/// What the open payment window is for, taken as its close takes it (tests: the mock runtime
/// sends no `Destroyed`).
#[cfg(test)]
pub(crate) fn take_open<R: Runtime>(app: &AppHandle<R>) -> Option<Purpose> {
    slot(app).open().take().map(|o| o.purpose)
}

/// Opens a payment window for `purpose` with `request`; `origins` decide its page's content
/// security policy. A window already open is closed first and its order settled as closed.
pub fn open<R: Runtime>(
    app: &AppHandle<R>,
    request: &PayRequest,
    purpose: Purpose,
    origins: PayOrigins,
) -> Result<(), PaymentsError> {
    let number = slot(app).opened.fetch_add(1, Ordering::Relaxed) + 1;
    let label = format!("{PAYMENT_WINDOW}-{number}");
    let replaced = {
        let mut open = slot(app).open();
        *slot(app).policy() = Some(origins.csp());
        open.replace(OpenWindow {
            label: label.clone(),
            purpose,
        })
    };
    if let Some(old) = replaced {
        tracing::info!(
            merchant_uid = old.purpose.merchant_uid(),
            "a new payment window replaces the open one"
        );
        destroy(app, &old.label);
        let app = app.clone();
        tauri::async_runtime::spawn(async move { result::closed(&app, old.purpose).await });
    }
    let on_result = app.clone();
    let result_label = label.clone();
    let policy_app = app.clone();
    let built = WebviewWindowBuilder::new(
        app,
        label.clone(),
        WebviewUrl::App(request.page_path().into()),
    )
    .title(PAYMENT_WINDOW_TITLE)
    .inner_size(860.0, 720.0)
    .min_inner_size(420.0, 560.0)
    .focused(true)
    .initialization_script(request.close_script())
    .on_web_resource_request(move |request, response| {
        apply_page_policy(&policy_app, &request, response)
    })
    .on_navigation(move |url| match policy::classify(url, &origins) {
        PayNavigation::Allow => true,
        PayNavigation::Deny => {
            tracing::warn!(%url, "the payment window may not load this; refused");
            false
        }
        PayNavigation::Return(params) => {
            // Touch the webview from a task, never inside this callback.
            let app = on_result.clone();
            let label = result_label.clone();
            tauri::async_runtime::spawn(async move { returned(app, label, params).await });
            false
        }
    })
    .on_new_window(|url, _features| {
        if policy::popup_allowed(&url) {
            NewWindowResponse::Allow
        } else {
            tracing::warn!(%url, "a popup from the payment window was refused");
            NewWindowResponse::Deny
        }
    })
    .build();
    let window = match built {
        Ok(window) => window,
        Err(error) => {
            slot(app).take(&label);
            return Err(PaymentsError::Window(error));
        }
    };
    let on_close = app.clone();
    window.on_window_event(move |event| {
        if let WindowEvent::Destroyed = event {
            let app = on_close.clone();
            let label = label.clone();
            tauri::async_runtime::spawn(async move { closed(app, label).await });
        }
    });
    Ok(())
}

/// Gives the payment page (`/pay.html`) the policy of the window it was opened for,
/// replacing the app-wide one (scripts from the app alone). Every other response is left as it
/// is. Both windows carry it: on Linux the app's protocol handler is registered once per web
/// context, by the main window, and then serves every window of the app; elsewhere each window
/// has its own. With no payment window recorded, the page gets a policy that runs nothing.
pub fn apply_page_policy<R: Runtime>(
    app: &AppHandle<R>,
    request: &Request<Vec<u8>>,
    response: &mut Response<Cow<'static, [u8]>>,
) {
    if !policy::is_pay_page_path(request.uri().path()) {
        return;
    }
    let csp = slot(app)
        .policy()
        .clone()
        .unwrap_or_else(|| policy::RUN_NOTHING.to_owned());
    match tauri::http::HeaderValue::from_str(&csp) {
        Ok(value) => {
            response
                .headers_mut()
                .insert(tauri::http::header::CONTENT_SECURITY_POLICY, value);
        }
        Err(error) => {
            tracing::error!(error = ?error, "the payment page's policy is not a header value; the page runs nothing");
            *response.status_mut() = tauri::http::StatusCode::FORBIDDEN;
            *response.body_mut() = Cow::Borrowed(&[]);
        }
    }
}

/// Window `label` navigated to `m_redirect_url`: close it, then verify what it was opened for.
async fn returned<R: Runtime>(
    app: AppHandle<R>,
    label: String,
    params: Option<pos_core::checkout::RedirectParams>,
) {
    let Some(purpose) = slot(&app).take(&label) else {
        tracing::warn!(%label, "a payment return from a window no longer waited for; ignored");
        return;
    };
    destroy(&app, &label);
    result::returned(&app, purpose, params).await;
}

/// Window `label` is gone. Without a result, what it was for is settled as closed.
async fn closed<R: Runtime>(app: AppHandle<R>, label: String) {
    if let Some(purpose) = slot(&app).take(&label) {
        tracing::info!(
            merchant_uid = purpose.merchant_uid(),
            "the payment window was closed without a result"
        );
        result::closed(&app, purpose).await;
    }
}

fn destroy<R: Runtime>(app: &AppHandle<R>, label: &str) {
    if let Some(window) = app.get_webview_window(label) {
        if let Err(error) = window.destroy() {
            tracing::warn!(error = ?error, "could not close the payment window");
        }
    }
}
