//! Creating an order: the buyer's fields checked, the price read from the catalog, a fresh
//! `merchant_uid`, and the `created` event, in one transaction. The caller names a plan, never
//! a price.

use rusqlite::{params, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codec::{now, to_ms};
use super::error::{SqlContext, StoreError};
use super::order_events::insert_event;
use super::orders::{order_in, Order, OrderKind, OrderState, PayMethod};
use super::plans::{plan_in, PlanKind};
use super::Store;
use crate::contact::{is_valid_email, is_valid_tel};

/// What the UI sends to create an order: a plan and a pay method, never an amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewOrder {
    /// The plan to buy.
    pub plan_id: String,
    /// How to pay. A subscription needs `card`.
    pub pay_method: PayMethod,
    /// Buyer's name (optional, at most 50 characters).
    #[serde(default)]
    pub buyer_name: Option<String>,
    /// Buyer's phone number (optional; digits, spaces, `-`, `+`).
    #[serde(default)]
    pub buyer_tel: Option<String>,
    /// Buyer's e-mail (optional).
    #[serde(default)]
    pub buyer_email: Option<String>,
}

/// Buyer fields trimmed; blanks become `None`.
struct Buyer {
    name: Option<String>,
    tel: Option<String>,
    email: Option<String>,
}

fn clean(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn validate_buyer(new: &NewOrder) -> Result<Buyer, StoreError> {
    let name = clean(&new.buyer_name);
    let tel = clean(&new.buyer_tel);
    let email = clean(&new.buyer_email);
    if name.as_deref().is_some_and(|n| n.chars().count() > 50) {
        return Err(StoreError::InvalidBuyer {
            field: "이름",
            reason: "50자 이하여야 합니다",
        });
    }
    if let Some(tel) = &tel {
        if !is_valid_tel(tel) {
            return Err(StoreError::InvalidBuyer {
                field: "전화번호",
                reason: "국내 전화번호 형식이어야 합니다 (예: 010-1234-5678, 02-123-4567)",
            });
        }
    }
    if let Some(email) = &email {
        if !is_valid_email(email) {
            return Err(StoreError::InvalidBuyer {
                field: "이메일",
                reason: "이메일 주소 형식이 아닙니다 (예: owner@example.com)",
            });
        }
    }
    Ok(Buyer { name, tel, email })
}

impl Store {
    /// Creates an order for `new.plan_id` at the catalog price, in state `created`, with a fresh
    /// `merchant_uid` and a `created` event, in one transaction.
    ///
    /// A pass becomes a one-time order; a subscription becomes a billing order and must be paid by
    /// card. Unknown plan or malformed buyer fields: a typed error and nothing written.
    pub fn create_order(&self, new: &NewOrder) -> Result<Order, StoreError> {
        let buyer = validate_buyer(new)?;
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("start creating an order")?;
        let plan = plan_in(&tx, &new.plan_id)?;
        let kind = match plan.kind {
            PlanKind::Pass => OrderKind::OneTime,
            PlanKind::Subscription => OrderKind::Billing,
        };
        if kind == OrderKind::Billing && new.pay_method != PayMethod::Card {
            return Err(StoreError::PayMethodNotAllowed {
                plan_id: plan.id,
                pay_method: new.pay_method.label_ko(),
            });
        }
        let merchant_uid = self.mint_merchant_uid(kind);
        let at = to_ms(now());
        tx.execute(
            "INSERT INTO orders (merchant_uid, kind, plan_id, amount, currency, buyer_name, buyer_tel, \
             buyer_email, state, pay_method, created_at, updated_at, custom_data) \
             VALUES (?1, ?2, ?3, ?4, 'KRW', ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)",
            params![
                merchant_uid,
                kind,
                plan.id,
                plan.price,
                buyer.name,
                buyer.tel,
                buyer.email,
                OrderState::Created,
                new.pay_method,
                at,
                self.custom_data_for(&plan.id)
            ],
        )
        .ctx("create an order")?;
        let detail = serde_json::json!({ "planId": plan.id, "amount": plan.price, "payMethod": new.pay_method });
        insert_event(
            &tx,
            &merchant_uid,
            at,
            None,
            OrderState::Created,
            "created",
            Some(&detail),
        )?;
        let order = order_in(&tx, &merchant_uid)?;
        tx.commit().ctx("commit a new order")?;
        Ok(order)
    }
}
