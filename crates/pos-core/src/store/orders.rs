//! The `orders` table: what was ordered, at what price, and where its payment stands.
//!
//! The amount is read from the catalog when the order is created (`order_create.rs`) and never
//! changes afterwards; the caller names a plan, never a price.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codec::{ms_col, ms_col_opt, text_enum};
use super::error::{SqlContext, StoreError};
use super::Store;

/// What an order pays for; decides the `merchant_uid` prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OrderKind {
    /// A pass bought once (`order_…`).
    OneTime,
    /// A subscription's billing key and first period (`billing_…`).
    Billing,
    /// A later subscription period charged with the billing key (`renew_…`).
    Renewal,
}

text_enum!(OrderKind, "orders.kind", {
    OneTime => "one_time",
    Billing => "billing",
    Renewal => "renewal",
});

impl OrderKind {
    /// The `merchant_uid` prefix of this kind.
    pub fn merchant_uid_prefix(self) -> &'static str {
        match self {
            OrderKind::OneTime => "order_",
            OrderKind::Billing => "billing_",
            OrderKind::Renewal => "renew_",
        }
    }
}

/// Where an order's payment stands, as far as Iamport has told us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OrderState {
    /// Saved with its price; no payment window opened yet.
    Created,
    /// The payment window was opened or returned; the payment is being verified.
    AwaitingPayment,
    /// A virtual account was issued; waiting for the deposit.
    VbankIssued,
    /// Paid and verified.
    Paid,
    /// The payment failed (declined, error). The same order can be tried again.
    Failed,
    /// Given up: the window closed and nothing was paid in time, or the vbank deadline passed.
    Abandoned,
    /// Part of the amount was refunded.
    PartiallyRefunded,
    /// The whole amount was refunded.
    Refunded,
    /// Iamport reported a different amount than the order's; a full cancel is sent.
    AmountMismatch,
}

text_enum!(OrderState, "orders.state", {
    Created => "created",
    AwaitingPayment => "awaiting_payment",
    VbankIssued => "vbank_issued",
    Paid => "paid",
    Failed => "failed",
    Abandoned => "abandoned",
    PartiallyRefunded => "partially_refunded",
    Refunded => "refunded",
    AmountMismatch => "amount_mismatch",
});

impl OrderState {
    /// The Korean label for badges and posctl.
    pub fn label_ko(self) -> &'static str {
        match self {
            OrderState::Created => "주문 생성",
            OrderState::AwaitingPayment => "결제 확인 중",
            OrderState::VbankIssued => "입금 대기",
            OrderState::Paid => "결제 완료",
            OrderState::Failed => "결제 실패",
            OrderState::Abandoned => "결제 중단",
            OrderState::PartiallyRefunded => "부분 환불",
            OrderState::Refunded => "환불 완료",
            OrderState::AmountMismatch => "금액 불일치",
        }
    }

    /// True while the order can still turn into a payment (the poll planner watches these).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            OrderState::Created | OrderState::AwaitingPayment | OrderState::VbankIssued
        )
    }
}

/// How the buyer pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PayMethod {
    /// 신용카드.
    Card,
    /// 가상계좌.
    Vbank,
    /// 휴대폰 소액결제.
    Phone,
    /// 실시간 계좌이체.
    Trans,
}

text_enum!(PayMethod, "orders.pay_method", {
    Card => "card",
    Vbank => "vbank",
    Phone => "phone",
    Trans => "trans",
});

impl PayMethod {
    /// The Korean label.
    pub fn label_ko(self) -> &'static str {
        match self {
            PayMethod::Card => "카드",
            PayMethod::Vbank => "가상계좌",
            PayMethod::Phone => "휴대폰",
            PayMethod::Trans => "계좌이체",
        }
    }
}

/// An order as stored. Times are UTC; over IPC they are milliseconds since the UNIX epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Order {
    /// Our id for the payment, minted before the first attempt and reused by every retry.
    pub merchant_uid: String,
    /// One-time, billing or renewal.
    pub kind: OrderKind,
    /// The plan bought.
    pub plan_id: String,
    /// The price in won, fixed at creation from the catalog.
    #[ts(type = "number")]
    pub amount: i64,
    /// Always `KRW` for now.
    pub currency: String,
    /// Buyer's name, if given.
    pub buyer_name: Option<String>,
    /// Buyer's phone number, if given.
    pub buyer_tel: Option<String>,
    /// Buyer's e-mail, if given.
    pub buyer_email: Option<String>,
    /// Where the payment stands.
    pub state: OrderState,
    /// Iamport's id of the payment, once known.
    pub imp_uid: Option<String>,
    /// How the buyer pays.
    pub pay_method: PayMethod,
    /// Virtual account bank name.
    pub vbank_bank: Option<String>,
    /// Virtual account number.
    pub vbank_num: Option<String>,
    /// Virtual account holder.
    pub vbank_holder: Option<String>,
    /// Virtual account deposit deadline.
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    #[ts(type = "number | null")]
    pub vbank_due: Option<DateTime<Utc>>,
    /// Why the payment failed, as Iamport said.
    pub fail_reason: Option<String>,
    /// Won refunded so far (0 ≤ refunded ≤ amount).
    #[ts(type = "number")]
    pub refunded_amount: i64,
    /// Billing-key handle for subscriptions.
    pub customer_uid: Option<String>,
    /// When the order was created.
    #[serde(with = "chrono::serde::ts_milliseconds")]
    #[ts(type = "number")]
    pub created_at: DateTime<Utc>,
    /// When the order last changed.
    #[serde(with = "chrono::serde::ts_milliseconds")]
    #[ts(type = "number")]
    pub updated_at: DateTime<Utc>,
    /// When the payment was made, per Iamport.
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    #[ts(type = "number | null")]
    pub paid_at: Option<DateTime<Utc>>,
    /// When the sync engine should next ask Iamport about this order.
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    #[ts(type = "number | null")]
    pub next_check_at: Option<DateTime<Utc>>,
    /// Row version: one more on every change. A change names the version it was decided from
    /// and is refused if the row moved on since (see `Store::apply_transition`).
    #[ts(type = "number")]
    pub version: i64,
    /// The `custom_data` JSON every payment of this order carries (the shop's Panmusic account,
    /// store, plan and app; see [`crate::account`]). `None` for orders made before the account
    /// was set.
    #[serde(default)]
    #[ts(optional)]
    pub custom_data: Option<String>,
    /// Won a payment of the wrong amount took for this order (an `amount_mismatch` order): a
    /// wrong deposit, possibly larger than the order. Never a sale. `None` when no money of the
    /// wrong amount was taken (a mismatched virtual account not yet paid into, or any other order).
    #[serde(default)]
    #[ts(type = "number | null")]
    pub mismatch_received: Option<i64>,
    /// Won of that wrong payment returned to the buyer so far (0 ≤ returned ≤ received), as
    /// Iamport reports its cancel. Kept apart from `refunded_amount`, the refunds of a sale.
    #[serde(default)]
    #[ts(type = "number")]
    pub mismatch_returned: i64,
}

impl Order {
    /// Whether the money a wrong-amount payment took has all gone back to the buyer.
    pub fn mismatch_settled(&self) -> bool {
        self.mismatch_received
            .is_some_and(|received| self.mismatch_returned >= received)
    }
}

pub(crate) const ORDER_COLUMNS: &str = "merchant_uid, kind, plan_id, amount, currency, buyer_name, \
     buyer_tel, buyer_email, state, imp_uid, pay_method, vbank_bank, vbank_num, vbank_holder, vbank_due, \
     fail_reason, refunded_amount, customer_uid, created_at, updated_at, paid_at, next_check_at, version, \
     custom_data, mismatch_received, mismatch_returned";

pub(crate) fn order_from_row(row: &Row<'_>) -> rusqlite::Result<Order> {
    Ok(Order {
        merchant_uid: row.get(0)?,
        kind: row.get(1)?,
        plan_id: row.get(2)?,
        amount: row.get(3)?,
        currency: row.get(4)?,
        buyer_name: row.get(5)?,
        buyer_tel: row.get(6)?,
        buyer_email: row.get(7)?,
        state: row.get(8)?,
        imp_uid: row.get(9)?,
        pay_method: row.get(10)?,
        vbank_bank: row.get(11)?,
        vbank_num: row.get(12)?,
        vbank_holder: row.get(13)?,
        vbank_due: ms_col_opt(row, 14)?,
        fail_reason: row.get(15)?,
        refunded_amount: row.get(16)?,
        customer_uid: row.get(17)?,
        created_at: ms_col(row, 18)?,
        updated_at: ms_col(row, 19)?,
        paid_at: ms_col_opt(row, 20)?,
        next_check_at: ms_col_opt(row, 21)?,
        version: row.get(22)?,
        custom_data: row.get(23)?,
        mismatch_received: row.get(24)?,
        mismatch_returned: row.get(25)?,
    })
}

/// Reads one order on a locked connection or inside a transaction.
pub(crate) fn order_in(conn: &Connection, merchant_uid: &str) -> Result<Order, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE merchant_uid = ?1"
    ))
    .ctx("read an order")?
    .query_row([merchant_uid], order_from_row)
    .optional()
    .ctx("read an order")?
    .ok_or_else(|| StoreError::OrderNotFound {
        merchant_uid: merchant_uid.to_string(),
    })
}

impl Store {
    /// One order by `merchant_uid`. Unknown: [`StoreError::OrderNotFound`].
    pub fn order(&self, merchant_uid: &str) -> Result<Order, StoreError> {
        let conn = self.lock();
        order_in(&conn, merchant_uid)
    }
}
