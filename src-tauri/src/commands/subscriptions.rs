//! 구독 (issue 7): billing key through the SDK window, then Rust charges and schedules.

use pos_core::owner_pin::Pin;
use pos_core::store::Subscription;
use tauri::{AppHandle, Runtime};

use crate::error::CommandResult;
use crate::owner::require_owner;
use crate::payments::subscription_models::{BillingWindow, SubscriptionView};
use crate::payments::subscriptions::{self, Action};

/// A new subscription to `plan_id` and the window that issues its billing key.
#[tauri::command]
pub async fn start_subscription<R: Runtime>(
    app: AppHandle<R>,
    plan_id: String,
) -> CommandResult<BillingWindow> {
    Ok(subscriptions::start(&app, &plan_id).await?)
}

/// 다시 등록: the payment window of an unfinished card registration again (same billing order,
/// same key handle). How it ends is recorded by Rust when the window returns or closes.
#[tauri::command]
pub async fn reopen_subscription<R: Runtime>(
    app: AppHandle<R>,
    id: String,
) -> CommandResult<BillingWindow> {
    Ok(subscriptions::reopen(&app, &id).await?)
}

/// Verifies the issued key (`imp_uid` from the window), charges the first period, schedules the next.
#[tauri::command]
pub async fn confirm_subscription<R: Runtime>(
    app: AppHandle<R>,
    subscription_id: String,
    imp_uid: String,
) -> CommandResult<Subscription> {
    Ok(subscriptions::confirm(&app, &subscription_id, &imp_uid).await?)
}

/// Every subscription with its payment history.
#[tauri::command]
pub async fn list_subscriptions<R: Runtime>(
    app: AppHandle<R>,
) -> CommandResult<Vec<SubscriptionView>> {
    Ok(subscriptions::list(&app).await?)
}

/// 해지 예약: cancel at the period end (unpaid ones end now). Needs the owner's PIN.
#[tauri::command]
pub async fn cancel_subscription<R: Runtime>(
    app: AppHandle<R>,
    pin: Option<Pin>,
    id: String,
) -> CommandResult<Subscription> {
    require_owner(&app, pin).await?;
    Ok(subscriptions::act(&app, &id, Action::Cancel).await?)
}

/// 재개: undo a cancel at period end.
#[tauri::command]
pub async fn resume_subscription<R: Runtime>(
    app: AppHandle<R>,
    id: String,
) -> CommandResult<Subscription> {
    Ok(subscriptions::act(&app, &id, Action::Resume).await?)
}

/// 지금 다시 시도: charge the open charge now.
#[tauri::command]
pub async fn retry_subscription<R: Runtime>(
    app: AppHandle<R>,
    id: String,
) -> CommandResult<Subscription> {
    Ok(subscriptions::act(&app, &id, Action::Retry).await?)
}

/// 다시 예약: schedules again the renewals unscheduled at Iamport (in the console).
#[tauri::command]
pub async fn schedule_subscription_again<R: Runtime>(
    app: AppHandle<R>,
    id: String,
) -> CommandResult<Subscription> {
    Ok(subscriptions::act(&app, &id, Action::ScheduleAgain).await?)
}

/// 카드 변경, step one: the window that issues the new key. Needs the owner's PIN.
#[tauri::command]
pub async fn card_change_window<R: Runtime>(
    app: AppHandle<R>,
    pin: Option<Pin>,
    id: String,
) -> CommandResult<BillingWindow> {
    require_owner(&app, pin).await?;
    Ok(subscriptions::card_window(&app, &id).await?)
}

/// 카드 변경, step two: future charges move to the new key. Needs the owner's PIN.
#[tauri::command]
pub async fn change_card<R: Runtime>(
    app: AppHandle<R>,
    pin: Option<Pin>,
    id: String,
    customer_uid: String,
) -> CommandResult<Subscription> {
    require_owner(&app, pin).await?;
    Ok(subscriptions::change_card(&app, &id, &customer_uid).await?)
}

/// 카드 삭제: deletes the billing key `customer_uid` at Iamport, refused while a live
/// subscription or a waiting schedule still uses it. Needs the owner's PIN.
#[tauri::command]
pub async fn delete_billing_key<R: Runtime>(
    app: AppHandle<R>,
    pin: Option<Pin>,
    customer_uid: String,
) -> CommandResult<()> {
    require_owner(&app, pin).await?;
    Ok(subscriptions::delete_key(&app, &customer_uid).await?)
}

/// How many subscriptions need the owner, for the status bar.
#[tauri::command]
pub async fn subscriptions_needing_attention<R: Runtime>(app: AppHandle<R>) -> CommandResult<i64> {
    Ok(subscriptions::attention_count(&app).await?)
}
