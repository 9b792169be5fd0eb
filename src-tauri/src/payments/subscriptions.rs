//! The 구독 flows: the billing-key window's parameters, verifying the issued key (which charges
//! the first period and schedules the next), cancel at period end, resume, retry now and card
//! change. pos-core's `Subscriptions` decides everything; `now` is the system clock (the
//! sandbox's clock runs on it too).

use chrono::Utc;
use pos_core::store::{Subscription, SubscriptionState};
use pos_core::subscription::{IssuanceTicket, RegistrationEnd, SubscriptionError, Subscriptions};
use tauri::{AppHandle, Runtime};

use super::subscription_models::{BillingWindow, ChargeRow, SubscriptionView};
use super::{Connection, PaymentsError, PaymentsExt};
use crate::paywindow::{self, policy::PayOrigins, request::PayRequest, Purpose};
use crate::settings_flow::run_blocking;
use crate::state::PosStateExt;

async fn connect<R: Runtime>(
    app: &AppHandle<R>,
) -> Result<(Connection, Subscriptions), PaymentsError> {
    let c = app.payments().connect(app.pos()).await?;
    let subs = Subscriptions::new(c.store.clone(), c.client.clone());
    Ok((c, subs))
}

/// The billing channel (none in sandbox mode: the saved one is the live shop's).
fn billing_pg(c: &Connection) -> Option<String> {
    c.env.billing_channel().map(str::to_owned)
}

/// A new subscription to `plan_id` (incomplete until its key is verified) and the payment window
/// that issues its billing key, opened. Refused when the plan already has a live subscription.
pub async fn start<R: Runtime>(
    app: &AppHandle<R>,
    plan_id: &str,
) -> Result<BillingWindow, PaymentsError> {
    let (c, subs) = connect(app).await?;
    let plan = c.store.plan(plan_id)?;
    if plan.kind != pos_core::PlanKind::Subscription {
        return Err(SubscriptionError::NotASubscriptionPlan { plan_id: plan.id }.into());
    }
    if let Some(live) = c.store.subscriptions()?.into_iter().find(|s| {
        s.plan_id == plan.id
            && !matches!(
                s.state,
                SubscriptionState::Cancelled | SubscriptionState::Incomplete
            )
    }) {
        return Err(SubscriptionError::AlreadySubscribed {
            plan_id: plan.id,
            existing: live.id,
        }
        .into());
    }
    let pg = billing_pg(&c);
    let ticket = subs.start(plan_id, pg.as_deref())?;
    registration_window(app, &c, ticket)
}

/// 다시 등록: the payment window of unfinished registration `id` again, opened (the same
/// `billing_` order and amount, the same `customer_uid`).
pub async fn reopen<R: Runtime>(
    app: &AppHandle<R>,
    id: &str,
) -> Result<BillingWindow, PaymentsError> {
    let (c, subs) = connect(app).await?;
    let pg = billing_pg(&c);
    let ticket = subs.reopen_registration(id, pg.as_deref())?;
    registration_window(app, &c, ticket)
}

/// The billing window of registration `id` ended without a verified key (`imp_uid`, if the
/// window named one for its own order): records 등록 취소 or 카드 거절 as Iamport tells it, and
/// returns it (`None`: nothing recorded, e.g. the payment is paid).
pub async fn window_ended<R: Runtime>(
    app: &AppHandle<R>,
    id: &str,
    imp_uid: Option<&str>,
    attempt: u32,
) -> Result<Option<RegistrationEnd>, PaymentsError> {
    let (_, subs) = connect(app).await?;
    Ok(subs.window_ended(id, imp_uid, attempt).await?)
}

fn registration_window<R: Runtime>(
    app: &AppHandle<R>,
    c: &Connection,
    ticket: IssuanceTicket,
) -> Result<BillingWindow, PaymentsError> {
    let attempt = ticket.attempt;
    let custom_data = c.store.order(&ticket.merchant_uid)?.custom_data;
    let window = BillingWindow {
        subscription_id: ticket.subscription_id,
        merchant_uid: ticket.merchant_uid,
        customer_uid: ticket.customer_uid,
        amount: ticket.amount,
        name: ticket.name,
        pg: ticket.pg,
        merchant_code: c
            .env
            .merchant_code()
            .map_err(pos_core::checkout::CheckoutError::from)?,
        sdk_url: c.env.sdk_url(),
        custom_data,
    };
    let purpose = Purpose::Subscribe {
        subscription_id: window.subscription_id.clone(),
        merchant_uid: window.merchant_uid.clone(),
        attempt,
    };
    open_window(app, c, &window, purpose)?;
    Ok(window)
}

fn open_window<R: Runtime>(
    app: &AppHandle<R>,
    c: &Connection,
    window: &BillingWindow,
    purpose: Purpose,
) -> Result<(), PaymentsError> {
    paywindow::open(
        app,
        &PayRequest::for_billing(window),
        purpose,
        PayOrigins::for_env(&c.env),
    )
}

/// "Now" for money timing: Iamport's clock as the client learned it from a token reply (this
/// PC's clock only while Iamport does not answer).
async fn iamport_now(subs: &Subscriptions) -> chrono::DateTime<Utc> {
    pos_core::clock::IamportClock::new(&subs.client)
        .now()
        .await
        .now
}

/// Verifies the key the window issued (only `imp_uid` from its callback is used), charges the
/// first period and schedules the next.
pub async fn confirm<R: Runtime>(
    app: &AppHandle<R>,
    subscription_id: &str,
    imp_uid: &str,
) -> Result<Subscription, PaymentsError> {
    let (c, subs) = connect(app).await?;
    let pg = billing_pg(&c);
    Ok(subs
        .verify_issuance(
            subscription_id,
            imp_uid,
            pg.as_deref(),
            iamport_now(&subs).await,
        )
        .await?)
}

/// What the owner can do to a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// 해지 예약: cancel at the period end.
    Cancel,
    /// 재개: undo a cancel at period end.
    Resume,
    /// 지금 다시 시도: charge the open charge now.
    Retry,
    /// 다시 예약: schedule again the renewals unscheduled at Iamport.
    ScheduleAgain,
}

/// Runs `action` on subscription `id`.
pub async fn act<R: Runtime>(
    app: &AppHandle<R>,
    id: &str,
    action: Action,
) -> Result<Subscription, PaymentsError> {
    let (_, subs) = connect(app).await?;
    let now = iamport_now(&subs).await;
    Ok(match action {
        Action::Cancel => subs.cancel(id, now).await?,
        Action::Resume => subs.resume(id, now).await?,
        Action::Retry => subs.retry_now(id, now).await?,
        Action::ScheduleAgain => subs.schedule_again(id, now).await?.0,
    })
}

/// 카드 변경, step one: the payment window that issues a new billing key for subscription `id`,
/// opened; when it returns, [`change_card`] moves the subscription to the key it minted here.
pub async fn card_window<R: Runtime>(
    app: &AppHandle<R>,
    id: &str,
) -> Result<BillingWindow, PaymentsError> {
    let (c, subs) = connect(app).await?;
    let sub = c.store.subscription(id)?;
    let plan = c.store.plan(&sub.plan_id)?;
    let pg = billing_pg(&c);
    // The key is recorded as this window's (`change_card` accepts no other); on a PG that
    // charges with the issuance the window carries a check charge, refunded once verified.
    let opened = subs.open_card_change_window(&sub.id, pg.as_deref())?;
    let custom_data = c.store.custom_data_for(&sub.plan_id);
    let name = if opened.amount > 0 {
        format!(
            "{} 카드 변경 (확인용 {}, 확인 후 바로 환불)",
            plan.name_ko,
            pos_core::format::won(opened.amount)
        )
    } else {
        format!("{} 카드 변경", plan.name_ko)
    };
    let window = BillingWindow {
        subscription_id: sub.id,
        merchant_uid: opened.merchant_uid,
        customer_uid: opened.customer_uid,
        amount: opened.amount,
        name,
        pg,
        merchant_code: c
            .env
            .merchant_code()
            .map_err(pos_core::checkout::CheckoutError::from)?,
        sdk_url: c.env.sdk_url(),
        custom_data,
    };
    let purpose = Purpose::CardChange {
        subscription_id: window.subscription_id.clone(),
        merchant_uid: window.merchant_uid.clone(),
        customer_uid: window.customer_uid.clone(),
    };
    open_window(app, &c, &window, purpose)?;
    Ok(window)
}

/// 카드 변경, step two: future charges move to the key `customer_uid`, which must be the one
/// minted for this subscription's card-change window (and exist at Iamport).
pub async fn change_card<R: Runtime>(
    app: &AppHandle<R>,
    id: &str,
    customer_uid: &str,
) -> Result<Subscription, PaymentsError> {
    let (_, subs) = connect(app).await?;
    Ok(subs
        .change_card(id, customer_uid, iamport_now(&subs).await)
        .await?)
}

/// 카드 삭제: deletes the billing key `customer_uid`, refused while anything still uses it.
pub async fn delete_key<R: Runtime>(
    app: &AppHandle<R>,
    customer_uid: &str,
) -> Result<(), PaymentsError> {
    let (_, subs) = connect(app).await?;
    Ok(subs
        .delete_billing_key(customer_uid, iamport_now(&subs).await)
        .await?)
}

/// Every subscription with its plan name and payment history, newest first.
pub async fn list<R: Runtime>(app: &AppHandle<R>) -> Result<Vec<SubscriptionView>, PaymentsError> {
    let store = app.pos().store()?;
    let views = run_blocking(move || {
        let plans = store.plans()?;
        let mut views = Vec::new();
        for sub in store.subscriptions()? {
            let plan_name = plans
                .iter()
                .find(|p| p.id == sub.plan_id)
                .map(|p| p.name_ko.clone())
                .unwrap_or_else(|| sub.plan_id.clone());
            let mut charges = Vec::new();
            for charge in store.subscription_charges(&sub.id)? {
                let order = store.order(&charge.merchant_uid).ok();
                charges.push(ChargeRow {
                    state: order.as_ref().map(|o| o.state),
                    amount: order.as_ref().map_or(sub.amount, |o| o.amount),
                    paid_at: order.and_then(|o| o.paid_at).map(|t| t.timestamp_millis()),
                    charge,
                });
            }
            let schedule_notice = pos_core::subscription::schedule_notice_ko(&store, &sub)?;
            views.push(SubscriptionView {
                subscription: sub,
                plan_name,
                charges,
                schedule_notice,
            });
        }
        Ok(views)
    })
    .await?;
    Ok(views)
}

/// How many subscriptions need the owner (`past_due`, `unpaid`), for the status bar.
pub async fn attention_count<R: Runtime>(app: &AppHandle<R>) -> Result<i64, PaymentsError> {
    let store = app.pos().store()?;
    Ok(run_blocking(move || Ok(store.subscriptions_needing_attention()?)).await?)
}
