//! The payment window: a webview of its own, in no capability, that runs Iamport's SDK.
//!
//! Iamport's script (and whatever the PG loads) never runs in the main window, whose capability
//! allows the app's commands. Rust opens this window with a local page (`pay.html`) and every
//! `IMP.request_pay` parameter in its URL; the page's callback and the PG's redirects both end in a
//! navigation to `m_redirect_url`, which the navigation hook here cancels and hands to
//! [`result`], where the one verification path decides what happened. Nothing the window says is
//! believed, and it can call no command: it is in no capability, so Tauri refuses every IPC call
//! from it. Closing it without a result leaves the order open (and checks Iamport once).

pub mod policy;
pub mod request;
pub mod result;

use std::borrow::Cow;
use std::sync::{Mutex, PoisonError};

use tauri::http::{Request, Response};
use tauri::webview::NewWindowResponse;
use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindowBuilder, WindowEvent};

use crate::payments::PaymentsError;
use policy::{PayNavigation, PayOrigins};
use request::PayRequest;

/// The payment window's label. No capability names it.
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

/// The purpose of the window now open, taken exactly once: by its result or by its closing; and
/// the content security policy its page gets.
#[derive(Default)]
pub struct PaymentWindowSlot {
    pending: Mutex<Option<Purpose>>,
    policy: Mutex<Option<String>>,
}

impl PaymentWindowSlot {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Purpose>> {
        // Every critical section is a plain assignment or take.
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn policy(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.policy.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn take(&self) -> Option<Purpose> {
        self.lock().take()
    }
}

fn slot<R: Runtime>(app: &AppHandle<R>) -> &PaymentWindowSlot {
    if app.try_state::<PaymentWindowSlot>().is_none() {
        // A second `manage` of the same type is a no-op, so a race here is harmless.
        app.manage(PaymentWindowSlot::default());
    }
    app.state::<PaymentWindowSlot>().inner()
}

/// Refuses when a payment window is already open (and brings it to the front): one window at a
/// time, so a result always belongs to the order it was opened for.
pub fn ensure_none_open<R: Runtime>(app: &AppHandle<R>) -> Result<(), PaymentsError> {
    let busy = slot(app).lock().is_some() || app.get_webview_window(PAYMENT_WINDOW).is_some();
    if busy {
        refuse_second(app)
    } else {
        Ok(())
    }
}

fn refuse_second<R: Runtime>(app: &AppHandle<R>) -> Result<(), PaymentsError> {
    if let Some(window) = app.get_webview_window(PAYMENT_WINDOW) {
        if let Err(error) = window.set_focus() {
            tracing::warn!(error = ?error, "could not focus the payment window");
        }
    }
    Err(PaymentsError::PaymentWindowOpen)
}

/// Records `purpose` as the open window's and `csp` as its page's policy, unless a window is
/// open already (checked and set at once).
fn claim<R: Runtime>(
    app: &AppHandle<R>,
    purpose: Purpose,
    csp: String,
) -> Result<(), PaymentsError> {
    let claimed = {
        let mut pending = slot(app).lock();
        let free = pending.is_none() && app.get_webview_window(PAYMENT_WINDOW).is_none();
        if free {
            *pending = Some(purpose);
            *slot(app).policy() = Some(csp);
        }
        free
    };
    if claimed {
        Ok(())
    } else {
        refuse_second(app)
    }
}

/// Opens the payment window for `purpose` with `request`; `origins` decide its content security
/// policy. Fails when one is already open or the webview cannot be created.
pub fn open<R: Runtime>(
    app: &AppHandle<R>,
    request: &PayRequest,
    purpose: Purpose,
    origins: PayOrigins,
) -> Result<(), PaymentsError> {
    let csp = origins.csp();
    let on_result = app.clone();
    let builder = WebviewWindowBuilder::new(
        app,
        PAYMENT_WINDOW,
        WebviewUrl::App(request.page_path().into()),
    )
    .title(PAYMENT_WINDOW_TITLE)
    .inner_size(860.0, 720.0)
    .min_inner_size(420.0, 560.0)
    .focused(true)
    .initialization_script(request.close_script())
    .on_web_resource_request({
        let app = app.clone();
        move |request, response| apply_page_policy(&app, &request, response)
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
            tauri::async_runtime::spawn(async move { returned(app, params).await });
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
    });
    claim(app, purpose, csp)?;
    let window = match builder.build() {
        Ok(window) => window,
        Err(error) => {
            slot(app).take();
            return Err(PaymentsError::Window(error));
        }
    };
    let on_close = app.clone();
    window.on_window_event(move |event| {
        if let WindowEvent::Destroyed = event {
            let app = on_close.clone();
            tauri::async_runtime::spawn(async move { closed(app).await });
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

/// The window navigated to `m_redirect_url`: close it, then verify what it was opened for.
async fn returned<R: Runtime>(
    app: AppHandle<R>,
    params: Option<pos_core::checkout::RedirectParams>,
) {
    let Some(purpose) = slot(&app).take() else {
        tracing::warn!("a payment return with no window waiting for one; ignored");
        return;
    };
    close_window(&app);
    result::returned(&app, purpose, params).await;
}

/// The window is gone. Without a result, what it was for is settled as "closed".
async fn closed<R: Runtime>(app: AppHandle<R>) {
    if let Some(purpose) = slot(&app).take() {
        tracing::info!(
            merchant_uid = purpose.merchant_uid(),
            "the payment window was closed without a result"
        );
        result::closed(&app, purpose).await;
    }
}

fn close_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(PAYMENT_WINDOW) {
        if let Err(error) = window.destroy() {
            tracing::warn!(error = ?error, "could not close the payment window");
        }
    }
}
