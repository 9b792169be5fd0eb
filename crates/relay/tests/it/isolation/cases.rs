//! Every path by which one store could reach another's payments, billing keys, schedules and
//! cash receipts: each as the attack naming B's objects, and as the same request naming objects
//! that exist nowhere, whose answer (from Iamport itself) the attack must get.

use reqwest::Method;
use serde_json::{json, Value};

use super::victim::Victim;
use crate::support::in_a_month;

pub(super) struct Case {
    pub(super) name: &'static str,
    pub(super) method: Method,
    /// Path and body naming B's objects.
    pub(super) attack: (String, Option<Value>),
    /// The same request naming objects that exist nowhere, sent to Iamport itself.
    pub(super) nonexistent: (String, Option<Value>),
}

/// The attacks of a store whose uid prefix is `pa` on `victim`'s objects.
pub(super) fn every_path(pa: &str, victim: &Victim) -> Vec<Case> {
    let (pb, b_order, b_imp) = (&victim.pb, &victim.b_order, &victim.b_imp);
    let (b_customer, b_cash_imp) = (&victim.b_customer, &victim.b_cash_imp);
    let (b_cash2_imp, receipt_body) = (&victim.b_cash2_imp, &victim.receipt_body);
    let ghost_imp = "imp_000000000001".to_owned();
    let ghost_customer = format!("{pa}ghost_cust");

    vec![
        Case {
            name: "lookup by imp_uid",
            method: Method::GET,
            attack: (format!("/payments/{b_imp}"), None),
            nonexistent: (format!("/payments/{ghost_imp}"), None),
        },
        Case {
            name: "find by merchant_uid",
            method: Method::GET,
            attack: (format!("/payments/find/{b_order}"), None),
            nonexistent: (format!("/payments/find/{pa}ghost_order"), None),
        },
        Case {
            name: "find by merchant_uid and status",
            method: Method::GET,
            attack: (format!("/payments/find/{b_order}/paid"), None),
            nonexistent: (format!("/payments/find/{pa}ghost_order/paid"), None),
        },
        Case {
            name: "batch lookup",
            method: Method::GET,
            attack: (
                format!("/payments?imp_uid[]={b_imp}&merchant_uid[]={b_order}"),
                None,
            ),
            nonexistent: (
                format!("/payments?imp_uid[]={ghost_imp}&merchant_uid[]={pa}ghost_order"),
                None,
            ),
        },
        Case {
            name: "cancel by imp_uid",
            method: Method::POST,
            attack: (
                "/payments/cancel".into(),
                Some(json!({"imp_uid": b_imp, "checksum": 9900, "reason": "x"})),
            ),
            nonexistent: (
                "/payments/cancel".into(),
                Some(json!({"imp_uid": ghost_imp, "checksum": 9900, "reason": "x"})),
            ),
        },
        Case {
            name: "cancel by merchant_uid",
            method: Method::POST,
            attack: (
                "/payments/cancel".into(),
                Some(json!({"merchant_uid": b_order, "reason": "x"})),
            ),
            nonexistent: (
                "/payments/cancel".into(),
                Some(json!({"merchant_uid": format!("{pa}ghost_order"), "reason": "x"})),
            ),
        },
        Case {
            name: "again on B's billing key",
            method: Method::POST,
            attack: (
                "/subscribe/payments/again".into(),
                Some(json!({"customer_uid": b_customer,
                "merchant_uid": format!("{pa}renew_x"), "amount": 9900, "name": "정기결제"})),
            ),
            nonexistent: (
                "/subscribe/payments/again".into(),
                Some(json!({"customer_uid": ghost_customer,
                "merchant_uid": format!("{pa}renew_y"), "amount": 9900, "name": "정기결제"})),
            ),
        },
        Case {
            name: "schedule on B's billing key",
            method: Method::POST,
            attack: (
                "/subscribe/payments/schedule".into(),
                Some(json!({"customer_uid": b_customer, "schedules": [
                {"merchant_uid": format!("{pa}renew_z"), "schedule_at": in_a_month(), "amount": 9900, "name": "정기결제"}]})),
            ),
            nonexistent: (
                "/subscribe/payments/schedule".into(),
                Some(json!({"customer_uid": ghost_customer, "schedules": [
                {"merchant_uid": format!("{pa}renew_w"), "schedule_at": in_a_month(), "amount": 9900, "name": "정기결제"}]})),
            ),
        },
        Case {
            name: "unschedule B's schedule",
            method: Method::POST,
            attack: (
                "/subscribe/payments/unschedule".into(),
                Some(json!({"customer_uid": b_customer,
                "merchant_uid": [format!("{pb}renew_1")]})),
            ),
            nonexistent: (
                "/subscribe/payments/unschedule".into(),
                Some(json!({"customer_uid": ghost_customer,
                "merchant_uid": [format!("{pa}renew_v")]})),
            ),
        },
        Case {
            name: "schedule lookup",
            method: Method::GET,
            attack: (format!("/subscribe/payments/schedule/{pb}renew_1"), None),
            nonexistent: (
                format!("/subscribe/payments/schedule/{pa}ghost_renew"),
                None,
            ),
        },
        Case {
            name: "billing key lookup",
            method: Method::GET,
            attack: (format!("/subscribe/customers/{b_customer}"), None),
            nonexistent: (format!("/subscribe/customers/{b_customer}_ghost"), None),
        },
        Case {
            name: "cash receipt lookup",
            method: Method::GET,
            attack: (format!("/receipts/{b_cash_imp}"), None),
            nonexistent: (format!("/receipts/{ghost_imp}"), None),
        },
        Case {
            name: "cash receipt issue",
            method: Method::POST,
            attack: (
                format!("/receipts/{b_cash2_imp}"),
                Some(receipt_body.clone()),
            ),
            nonexistent: (format!("/receipts/{ghost_imp}"), Some(receipt_body.clone())),
        },
        Case {
            name: "cash receipt cancel",
            method: Method::DELETE,
            attack: (format!("/receipts/{b_cash_imp}"), None),
            nonexistent: (format!("/receipts/{ghost_imp}"), None),
        },
        Case {
            name: "billing key deletion",
            method: Method::DELETE,
            attack: (format!("/subscribe/customers/{b_customer}"), None),
            nonexistent: (format!("/subscribe/customers/{b_customer}_ghost"), None),
        },
    ]
}
