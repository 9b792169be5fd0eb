//! The receipt the owner prints (영수증 인쇄): everything on it is decided here from the books and
//! the settings; the webview only lays it out (A4 or 80 mm thermal paper).

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::checkout::approval_number;
use crate::settings::Settings;
use crate::store::{OrderKind, OrderState, Store, StoreError};

/// One printable receipt. Money is whole won; times are instants (shown in KST).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Receipt {
    /// The shop's name (설정), empty when not set.
    pub store_name: String,
    /// 사업자등록번호 (설정), when set.
    pub business_number: Option<String>,
    /// The order.
    pub merchant_uid: String,
    /// The plan's Korean name.
    pub plan_name: String,
    /// The 이용 기간 this payment grants (none for a 0원 card registration or an unpaid order).
    #[ts(type = "string | null")]
    pub period_start: Option<DateTime<Utc>>,
    /// End of that period.
    #[ts(type = "string | null")]
    pub period_end: Option<DateTime<Utc>>,
    /// The amount paid, VAT included.
    #[ts(type = "number")]
    pub amount: i64,
    /// The VAT inside `amount` (10%: amount / 11, rounded).
    #[ts(type = "number")]
    pub vat: i64,
    /// `amount - vat`.
    #[ts(type = "number")]
    pub supply: i64,
    /// Won refunded so far.
    #[ts(type = "number")]
    pub refunded: i64,
    /// 카드, 가상계좌, 휴대폰, 계좌이체.
    pub pay_method: String,
    /// The card company's approval number, when Iamport gave one.
    pub approval_number: Option<String>,
    /// The card's name, when Iamport gave one.
    pub card_name: Option<String>,
    /// When it was paid.
    #[ts(type = "string | null")]
    pub paid_at: Option<DateTime<Utc>>,
    /// 결제 완료, 부분 환불, …
    pub state: String,
}

/// The VAT inside a VAT-included amount: a tenth of the supply value, rounded to the won.
pub fn vat_of(amount: i64) -> i64 {
    (amount.saturating_add(5)) / 11
}

/// The receipt of `merchant_uid`, with the store details of `settings` and the 이용 기간 its
/// payment grants (as the books hold it now: a fully refunded pass has none).
pub fn receipt(
    store: &Store,
    settings: &Settings,
    merchant_uid: &str,
) -> Result<Receipt, StoreError> {
    let order = store.order(merchant_uid)?;
    let events = store.order_events(merchant_uid)?;
    let plan = store.plan(&order.plan_id)?;
    let period = match order.kind {
        OrderKind::OneTime => crate::entitlement::EntitlementBooks::read(store)?
            .at(Utc::now())
            .periods
            .into_iter()
            .find(|p| p.source == order.merchant_uid)
            .map(|p| (p.start, p.end)),
        OrderKind::Renewal | OrderKind::Billing => store
            .subscription_charge(merchant_uid)
            .ok()
            .flatten()
            .filter(|_| order.amount > 0)
            .and_then(|c| Some((c.period_start?, c.period_end?))),
    };
    let paid = matches!(
        order.state,
        OrderState::Paid | OrderState::PartiallyRefunded | OrderState::Refunded
    );
    let (approval, card) = approval_number(&events).map_or((None, None), |(n, c)| (Some(n), c));
    Ok(Receipt {
        store_name: settings.store_name.clone(),
        business_number: settings.business_number.clone(),
        merchant_uid: order.merchant_uid.clone(),
        plan_name: plan.name_ko,
        period_start: period.filter(|_| paid).map(|p| p.0),
        period_end: period.filter(|_| paid).map(|p| p.1),
        amount: order.amount,
        vat: vat_of(order.amount),
        supply: order.amount - vat_of(order.amount),
        refunded: order.refunded_amount,
        pay_method: order.pay_method.label_ko().to_string(),
        approval_number: approval,
        card_name: card,
        paid_at: order.paid_at,
        state: order.state.label_ko().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vat_is_a_tenth_of_the_supply_rounded_to_the_won() {
        assert_eq!(vat_of(9_900), 900, "9,900원 = 9,000 + 900");
        assert_eq!(vat_of(27_000), 2_455, "27,000원 / 11 = 2,454.5 rounds up");
        assert_eq!(vat_of(0), 0, "0원 has no VAT");
        assert_eq!(vat_of(11), 1, "11원 = 10 + 1");
    }
}
