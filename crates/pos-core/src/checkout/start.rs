//! Starting a checkout: the order is saved with the catalog price, the amount is registered with
//! Iamport (`POST /payments/prepare`) when it can be reached, and a [`CheckoutTicket`] carries
//! every parameter of `IMP.request_pay`, all decided here. The UI only names a plan.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::error::CheckoutError;
use crate::clock::IamportClock;
use crate::format::kst;
use crate::settings::{Mode, Settings, SettingsError};
use crate::store::{NewOrder, Order, OrderPatch, OrderState, PayMethod, PlanKind, Store};

/// The app-local URL the payment window redirects to in redirect-style flows. The shell
/// intercepts navigations to it and calls `complete_payment` with its `imp_uid`/`merchant_uid`.
pub const M_REDIRECT_URL: &str = "https://panmusic-pos.localhost/payment/complete";
/// The live browser SDK.
pub const LIVE_SDK_URL: &str = "https://cdn.iamport.kr/v1/iamport.js";
/// The sandbox's merchant code when none is configured.
pub const SANDBOX_MERCHANT_CODE: &str = "imp00000000";
/// Days a virtual account stays open for the deposit.
pub const VBANK_DAYS: i64 = 3;
/// A settings channel value starting with this is a PortOne channel key, otherwise a `pg` code.
pub const CHANNEL_KEY_PREFIX: &str = "channel-key-";

/// Who pays (all optional; blanks fall back to the settings' default buyer).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct Buyer {
    /// Name.
    pub name: Option<String>,
    /// Phone number.
    pub tel: Option<String>,
    /// E-mail.
    pub email: Option<String>,
}

/// Where the payment window comes from: the settings plus the Iamport API root in use (the
/// sandbox serves its own SDK).
#[derive(Debug, Clone)]
pub struct CheckoutEnv {
    /// The app settings (mode, merchant code, channels, default buyer).
    pub settings: Settings,
    /// The Iamport API root the client talks to (sandbox: `http://127.0.0.1:PORT`).
    pub api_base: String,
}

impl CheckoutEnv {
    /// The SDK script URL: the CDN in live mode, `{api_base}/sdk/iamport.js` in sandbox mode.
    pub fn sdk_url(&self) -> String {
        match self.settings.mode {
            Mode::Live => LIVE_SDK_URL.to_string(),
            Mode::Sandbox => format!("{}/sdk/iamport.js", self.api_base.trim_end_matches('/')),
        }
    }

    /// The merchant code for `IMP.init`: the sandbox's in sandbox mode (the saved code is the
    /// live shop's, which the sandbox does not know); live mode requires one in the settings.
    pub fn merchant_code(&self) -> Result<String, SettingsError> {
        match (&self.settings.merchant_code, self.settings.mode) {
            (_, Mode::Sandbox) => Ok(SANDBOX_MERCHANT_CODE.to_string()),
            (Some(code), Mode::Live) => Ok(code.as_str().to_string()),
            (None, Mode::Live) => Err(SettingsError::LiveNeedsMerchantCode),
        }
    }

    /// The billing-key (subscription) channel: the saved one in live mode. In sandbox mode only
    /// the PG's code when its billing window's rule is known (no live MID, no channel key), so
    /// the sandbox's window behaves as that PG's does (0원 issuance, or the first period charged
    /// with the key).
    pub fn billing_channel(&self) -> Option<&str> {
        let saved = self.settings.channels.billing.as_deref();
        match self.settings.mode {
            Mode::Live => self.live_channel(saved),
            Mode::Sandbox => saved.and_then(crate::subscription::issuance::known_billing_pg),
        }
    }

    /// A saved channel, in live mode only: the live shop's PG contracts mean nothing to the sandbox.
    fn live_channel<'a>(&self, saved: Option<&'a str>) -> Option<&'a str> {
        match self.settings.mode {
            Mode::Live => saved.map(str::trim).filter(|s| !s.is_empty()),
            Mode::Sandbox => None,
        }
    }

    fn channel(&self, method: PayMethod) -> Option<&str> {
        let c = &self.settings.channels;
        self.live_channel(match method {
            PayMethod::Card | PayMethod::Trans => c.card.as_deref(),
            PayMethod::Vbank => c.vbank.as_deref(),
            PayMethod::Phone => c.phone.as_deref(),
        })
    }
}

/// Whether the amount is registered with Iamport (`prepare`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "status", rename_all = "snake_case")]
#[ts(export)]
pub enum PrepareStatus {
    /// Registered: the payment window refuses any other amount.
    Registered,
    /// Not registered (offline, or Iamport refused); the order stays open and verification
    /// still checks the amount.
    Pending {
        /// Why, in Korean.
        reason: String,
    },
}

/// Everything `IMP.init` and `IMP.request_pay` need, decided in Rust.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckoutTicket {
    /// The order's id; reused by every retry.
    pub merchant_uid: String,
    /// Won, from the catalog.
    #[ts(type = "number")]
    pub amount: i64,
    /// `KRW`.
    pub currency: String,
    /// Order name (the plan's Korean name).
    pub name: String,
    /// `card`, `vbank`, `phone` or `trans`.
    pub pay_method: PayMethod,
    /// PG code, when the settings name one.
    pub pg: Option<String>,
    /// Channel key, when the settings name one.
    pub channel_key: Option<String>,
    /// Buyer name.
    pub buyer_name: Option<String>,
    /// Buyer phone.
    pub buyer_tel: Option<String>,
    /// Buyer e-mail.
    pub buyer_email: Option<String>,
    /// `true` for phone payments (digital content).
    pub digital: bool,
    /// Virtual-account deadline, KST `YYYYMMDDHHmm`, for vbank.
    pub vbank_due: Option<String>,
    /// Where redirect-style flows return ([`M_REDIRECT_URL`]).
    pub m_redirect_url: String,
    /// The SDK script to load.
    pub sdk_url: String,
    /// The merchant code for `IMP.init`.
    pub merchant_code: String,
    /// Whether the amount was registered with Iamport.
    pub prepare: PrepareStatus,
    /// The order's `custom_data` JSON (the shop's Panmusic account; see [`crate::account`]),
    /// sent as `IMP.request_pay`'s `custom_data`. `None` before an account is set.
    #[ts(optional)]
    pub custom_data: Option<String>,
}

/// `at + VBANK_DAYS`, as KST `YYYYMMDDHHmm`.
pub fn vbank_due_kst(at: DateTime<Utc>) -> String {
    (at + Duration::days(VBANK_DAYS))
        .with_timezone(&kst())
        .format("%Y%m%d%H%M")
        .to_string()
}

fn pick(given: &Option<String>, default: &Option<String>) -> Option<String> {
    let clean = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    clean(given).or_else(|| clean(default))
}

/// Creates a one-time order for `plan_id` at the catalog price (the caller never names an
/// amount), registers the amount with Iamport when `client` is given and answers, and returns
/// the ticket for the payment window. Offline, the order is still created and the ticket says
/// the registration is pending. The order stays `created` until [`window_opened`].
///
/// Errors (nothing written): unknown plan, a subscription plan, bad buyer fields, live mode
/// without a merchant code.
pub async fn start_checkout(
    store: &Store,
    client: Option<&iamport::Client>,
    env: &CheckoutEnv,
    plan_id: &str,
    pay_method: PayMethod,
    buyer: &Buyer,
) -> Result<CheckoutTicket, CheckoutError> {
    let plan = store.plan(plan_id)?;
    if plan.kind != PlanKind::Pass {
        return Err(CheckoutError::NotAPass { plan_id: plan.id });
    }
    // Settings problems are found before anything is written.
    env.merchant_code()?;
    let defaults = &env.settings.buyer;
    let order = store.create_order(&NewOrder {
        plan_id: plan.id.clone(),
        pay_method,
        buyer_name: pick(&buyer.name, &defaults.name),
        buyer_tel: pick(&buyer.tel, &defaults.tel),
        buyer_email: pick(&buyer.email, &defaults.email),
    })?;
    ticket(client, env, &order, plan.name_ko).await
}

/// The ticket for paying an existing order again with the same merchant_uid and amount: a
/// failed attempt, a window closed without paying, an abandoned order. Refused for an order that
/// is paid, refunded, flagged, or waiting for a virtual-account deposit.
pub async fn retry_checkout(
    store: &Store,
    client: Option<&iamport::Client>,
    env: &CheckoutEnv,
    merchant_uid: &str,
) -> Result<CheckoutTicket, CheckoutError> {
    let order = store.order(merchant_uid)?;
    match order.state {
        OrderState::Created
        | OrderState::AwaitingPayment
        | OrderState::Failed
        | OrderState::Abandoned => {}
        other => {
            return Err(CheckoutError::NotRetryable {
                merchant_uid: order.merchant_uid,
                state: other.as_str(),
            })
        }
    }
    env.merchant_code()?;
    let plan = store.plan(&order.plan_id)?;
    ticket(client, env, &order, plan.name_ko).await
}

async fn ticket(
    client: Option<&iamport::Client>,
    env: &CheckoutEnv,
    order: &Order,
    name: String,
) -> Result<CheckoutTicket, CheckoutError> {
    let prepare = match client {
        None => PrepareStatus::Pending {
            reason: "아임포트 연결 정보가 없어 금액 사전 등록을 건너뛰었습니다".to_string(),
        },
        Some(client) => match client.prepare(&order.merchant_uid, order.amount).await {
            Ok(_) => PrepareStatus::Registered,
            Err(e) => {
                tracing::warn!(error = %e, merchant_uid = %order.merchant_uid, "prepare failed; checkout continues");
                PrepareStatus::Pending {
                    reason: format!("금액 사전 등록 실패 (결제 후 금액을 확인합니다): {e}"),
                }
            }
        },
    };
    // The deposit deadline is Iamport's: on its clock (prepare has just asked for a token, so
    // the offset is known), on this PC's only when Iamport is unreachable.
    let iamport_now = client.map_or_else(Utc::now, |c| IamportClock::new(c).read().now);
    let channel = env.channel(order.pay_method).map(str::to_string);
    let (pg, channel_key) = match channel {
        Some(c) if c.starts_with(CHANNEL_KEY_PREFIX) => (None, Some(c)),
        Some(c) => (Some(c), None),
        None => (None, None),
    };
    Ok(CheckoutTicket {
        merchant_uid: order.merchant_uid.clone(),
        amount: order.amount,
        currency: order.currency.clone(),
        name,
        pay_method: order.pay_method,
        pg,
        channel_key,
        buyer_name: order.buyer_name.clone(),
        buyer_tel: order.buyer_tel.clone(),
        buyer_email: order.buyer_email.clone(),
        digital: order.pay_method == PayMethod::Phone,
        vbank_due: (order.pay_method == PayMethod::Vbank).then(|| vbank_due_kst(iamport_now)),
        m_redirect_url: M_REDIRECT_URL.to_string(),
        sdk_url: env.sdk_url(),
        merchant_code: env.merchant_code()?,
        prepare,
        custom_data: order.custom_data.clone(),
    })
}

/// Records that the payment window opened for `merchant_uid`: `created`, `failed` or
/// `abandoned` become `awaiting_payment` (due for a check by the sync engine at once). An order
/// already awaiting payment is left as it is; any other state is refused.
pub fn window_opened(store: &Store, merchant_uid: &str) -> Result<Order, CheckoutError> {
    let order = store.order(merchant_uid)?;
    match order.state {
        OrderState::AwaitingPayment => Ok(order),
        OrderState::Created | OrderState::Failed | OrderState::Abandoned => {
            let patch = OrderPatch {
                next_check_at: Some(Some(Utc::now())),
                ..OrderPatch::default()
            };
            Ok(store.apply_transition(
                &order,
                OrderState::AwaitingPayment,
                "window_opened",
                &patch,
            )?)
        }
        other => Err(CheckoutError::NotRetryable {
            merchant_uid: order.merchant_uid,
            state: other.as_str(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn vbank_due_is_three_days_ahead_in_kst() {
        let at = Utc.with_ymd_and_hms(2026, 11, 27, 16, 30, 0).single();
        let due = at.map(vbank_due_kst);
        assert_eq!(
            due.as_deref(),
            Some("202612010130"),
            "16:30 UTC + 3 days is 01:30 KST four dates later"
        );
    }

    #[test]
    fn sandbox_env_serves_its_own_sdk_and_live_needs_a_merchant_code() {
        let mut env = CheckoutEnv {
            settings: Settings::default(),
            api_base: "http://127.0.0.1:4000/".into(),
        };
        assert_eq!(
            env.sdk_url(),
            "http://127.0.0.1:4000/sdk/iamport.js",
            "sandbox SDK"
        );
        assert_eq!(
            env.merchant_code().ok().as_deref(),
            Some(SANDBOX_MERCHANT_CODE),
            "sandbox default code"
        );
        env.settings.mode = Mode::Live;
        assert_eq!(env.sdk_url(), LIVE_SDK_URL, "the CDN in live mode");
        assert!(
            env.merchant_code().is_err(),
            "live mode without a merchant code is refused"
        );
    }
}
