//! What a payment window's end means, decided in Rust and told to the main window.
//!
//! The order, subscription and billing key come from the [`Purpose`] Rust stored when it opened
//! the window; from the redirect only `imp_uid` is used, and only when it names the same order.
//! `imp_success` is never read; `error_msg` is shown, never believed.

use pos_core::checkout::RedirectParams;
use pos_core::subscription::RegistrationEnd;
use tauri::{AppHandle, Emitter, Runtime};

use super::Purpose;
use crate::navigation::MAIN_WINDOW;
use crate::payments::models::{PaymentReturn, PAYMENT_RESULT_EVENT};
use crate::payments::subscription_models::{BillingPurpose, BillingReturn, BILLING_RESULT_EVENT};
use crate::payments::{flows, subscriptions, PaymentsError};

/// Longest window message passed on for display.
const MESSAGE_LIMIT: usize = 200;

/// The payment id the redirect named, if it is for the order the window was opened for.
fn imp_uid_for(purpose: &Purpose, params: Option<&RedirectParams>) -> Option<String> {
    let params = params?;
    if params.merchant_uid != purpose.merchant_uid() {
        tracing::warn!(
            expected = purpose.merchant_uid(),
            got = %params.merchant_uid,
            "the payment window returned for another order; its payment id is ignored"
        );
        return None;
    }
    params.imp_uid.clone()
}

fn window_message(params: Option<&RedirectParams>) -> Option<String> {
    params
        .and_then(|p| p.error_msg.as_deref())
        .map(|m| m.chars().take(MESSAGE_LIMIT).collect())
}

/// The window returned through `m_redirect_url`.
pub async fn returned<R: Runtime>(
    app: &AppHandle<R>,
    purpose: Purpose,
    params: Option<RedirectParams>,
) {
    let imp_uid = imp_uid_for(&purpose, params.as_ref());
    let message = window_message(params.as_ref());
    match purpose {
        Purpose::Checkout { merchant_uid } => {
            checkout(app, merchant_uid, imp_uid, message).await;
        }
        Purpose::Subscribe {
            subscription_id,
            attempt,
            ..
        } => {
            let mut outcome = match imp_uid.as_deref() {
                Some(imp_uid) => Some(subscriptions::confirm(app, &subscription_id, imp_uid).await),
                None => None,
            };
            let mut message = message;
            if !matches!(outcome, Some(Ok(_))) {
                if let Some(end) =
                    registration_ended(app, &subscription_id, imp_uid.as_deref(), attempt).await
                {
                    // Closed or declined, as Iamport says: no key was issued, which is no error.
                    outcome = None;
                    message = Some(end.label());
                }
            }
            billing(
                app,
                subscription_id,
                BillingPurpose::Subscribe,
                outcome,
                message,
            );
        }
        Purpose::CardChange {
            subscription_id,
            customer_uid,
            ..
        } => {
            // The key itself is checked at Iamport; a window that ended without a payment id
            // issued nothing.
            let outcome = match imp_uid {
                Some(_) => {
                    Some(subscriptions::change_card(app, &subscription_id, &customer_uid).await)
                }
                None => None,
            };
            billing(
                app,
                subscription_id,
                BillingPurpose::CardChange,
                outcome,
                message,
            );
        }
    }
}

/// The window was closed without a result. A one-time order is looked up once at Iamport (a
/// payment finished in a PG popup is found); a billing window issued nothing the app will use.
pub async fn closed<R: Runtime>(app: &AppHandle<R>, purpose: Purpose) {
    let message = Some(super::request::CLOSED_MESSAGE.to_owned());
    match purpose {
        Purpose::Checkout { merchant_uid } => checkout(app, merchant_uid, None, message).await,
        Purpose::Subscribe {
            subscription_id,
            attempt,
            ..
        } => {
            let end = registration_ended(app, &subscription_id, None, attempt).await;
            billing(
                app,
                subscription_id,
                BillingPurpose::Subscribe,
                None,
                end.map(|end| end.label()).or(message),
            );
        }
        Purpose::CardChange {
            subscription_id, ..
        } => billing(
            app,
            subscription_id,
            BillingPurpose::CardChange,
            None,
            message,
        ),
    }
}

/// A card registration's window ended without a verified key: how (등록 취소, 카드 거절 with
/// the PG's words) is recorded on the incomplete subscription from what Iamport says, before
/// the main window hears of it, so the list it re-reads shows it. Returns the ending recorded.
async fn registration_ended<R: Runtime>(
    app: &AppHandle<R>,
    subscription_id: &str,
    imp_uid: Option<&str>,
    attempt: u32,
) -> Option<RegistrationEnd> {
    match subscriptions::window_ended(app, subscription_id, imp_uid, attempt).await {
        Ok(end) => end,
        Err(error) => {
            tracing::info!(%subscription_id, code = error.code().as_str(), "how the card registration ended was not recorded");
            None
        }
    }
}

async fn checkout<R: Runtime>(
    app: &AppHandle<R>,
    merchant_uid: String,
    imp_uid: Option<String>,
    window_message: Option<String>,
) {
    let result = flows::complete(app, &merchant_uid, imp_uid.as_deref()).await;
    let payload = match result {
        Ok(verified) => PaymentReturn {
            merchant_uid,
            verified: Some(verified),
            problem: None,
            code: None,
            window_message,
        },
        Err(error) => {
            tracing::info!(%merchant_uid, code = error.code().as_str(), "the payment window's order is still open");
            PaymentReturn {
                merchant_uid,
                verified: None,
                problem: Some(error.to_string()),
                code: Some(error.code()),
                window_message,
            }
        }
    };
    tell_main_window(app, PAYMENT_RESULT_EVENT, &payload);
}

fn billing<R: Runtime>(
    app: &AppHandle<R>,
    subscription_id: String,
    purpose: BillingPurpose,
    outcome: Option<Result<pos_core::store::Subscription, PaymentsError>>,
    window_message: Option<String>,
) {
    let payload = match outcome {
        None => BillingReturn {
            subscription_id,
            purpose,
            subscription: None,
            issued: false,
            problem: None,
            code: None,
            window_message,
        },
        Some(Ok(subscription)) => BillingReturn {
            subscription_id,
            purpose,
            subscription: Some(subscription),
            issued: true,
            problem: None,
            code: None,
            window_message,
        },
        Some(Err(error)) => {
            tracing::info!(%subscription_id, code = error.code().as_str(), "the billing window's key was not verified");
            BillingReturn {
                subscription_id,
                purpose,
                subscription: None,
                issued: false,
                problem: Some(error.to_string()),
                code: Some(error.code()),
                window_message,
            }
        }
    };
    tell_main_window(app, BILLING_RESULT_EVENT, &payload);
}

fn tell_main_window<R: Runtime, T: serde::Serialize + Clone>(
    app: &AppHandle<R>,
    event: &str,
    payload: &T,
) {
    if let Err(error) = app.emit_to(MAIN_WINDOW, event, payload.clone()) {
        tracing::error!(error = ?error, event, "could not tell the main window the payment result");
    }
    crate::tray::close_if_hidden(app);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(merchant_uid: &str, imp_uid: Option<&str>) -> RedirectParams {
        RedirectParams {
            merchant_uid: merchant_uid.into(),
            imp_uid: imp_uid.map(str::to_owned),
            error_msg: Some("x".repeat(500)),
        }
    }

    #[test]
    fn the_payment_id_counts_only_for_the_order_the_window_was_opened_for() {
        let purpose = Purpose::Checkout {
            merchant_uid: "order_1".into(),
        };
        assert_eq!(
            imp_uid_for(&purpose, Some(&params("order_1", Some("imp_1")))).as_deref(),
            Some("imp_1"),
            "the same order: its payment id is checked at Iamport"
        );
        assert_eq!(
            imp_uid_for(&purpose, Some(&params("order_2", Some("imp_2")))),
            None,
            "another order: the id is ignored and the window's own order is looked up"
        );
        assert_eq!(imp_uid_for(&purpose, None), None, "no order named");
    }

    #[test]
    fn a_window_message_is_shortened_for_display() {
        let shown = window_message(Some(&params("o", None))).unwrap_or_default();
        assert_eq!(
            shown.chars().count(),
            MESSAGE_LIMIT,
            "at most {MESSAGE_LIMIT} characters"
        );
    }
}
