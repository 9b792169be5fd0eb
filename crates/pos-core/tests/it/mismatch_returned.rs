//! A payment of the wrong amount is never a sale and goes back whole. Once it has, the order says
//! what happened: the wrong amount received, the same amount returned, nothing refunded of a sale
//! (the order was never paid) — also when the wrong deposit is larger than the order.

use pos_core::checkout::{complete_payment, resume_mismatch_cancel, RefundOutcome};
use pos_core::{OrderState, PayMethod};

use crate::checkout_support::{account, Shop};

/// A virtual account for `merchant_uid` issued at `amount` (not the order's), deposited into,
/// verified (the automatic cancel parks for want of a refund account), then given the account.
async fn wrong_deposit_returned_through_the_refund_account(shop: &Shop, amount: i64) -> String {
    let ticket = shop.checkout("pass_1m", PayMethod::Vbank).await;
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, amount, "vbank", "ready")
        .await;
    shop.deposit(&imp).await;
    let deposited =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    let deposited = deposited.unwrap_or_else(|e| panic!("the wrong deposit verifies: {e}"));
    assert_eq!(
        (
            deposited.order.state,
            deposited.order.mismatch_received,
            deposited.order.mismatch_returned
        ),
        (OrderState::AmountMismatch, Some(amount), 0),
        "the wrong deposit is recorded as received, nothing returned without an account"
    );
    let resumed = resume_mismatch_cancel(
        &shop.store,
        Some(&shop.client),
        &ticket.merchant_uid,
        &account(),
    )
    .await;
    assert!(
        matches!(resumed, Ok(RefundOutcome::Done { .. })),
        "with the account the cancel goes through: {resumed:?}"
    );
    assert_eq!(
        shop.payment(&imp).await.cancel_amount,
        amount,
        "Iamport returned the whole deposit"
    );
    ticket.merchant_uid
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_deposit_returned_to_the_buyer_is_recorded_on_the_order() {
    let shop = Shop::open().await;
    let merchant_uid = wrong_deposit_returned_through_the_refund_account(&shop, 100).await;
    let order = shop.order(&merchant_uid);
    assert_eq!(
        (order.mismatch_received, order.mismatch_returned),
        (Some(100), 100),
        "received 100원, returned 100원"
    );
    assert!(order.mismatch_settled(), "the wrong deposit is all back");
    assert_eq!(
        (order.state, order.refunded_amount, order.amount),
        (OrderState::AmountMismatch, 0, 9900),
        "the order was never paid: no sale refunded, still flagged as a mismatch"
    );
    let events = shop.store.order_events(&merchant_uid).unwrap_or_default();
    assert!(
        events.iter().any(|e| e.cause == "mismatch_cancel"),
        "the return is in the order's timeline: {:?}",
        events.iter().map(|e| e.cause.as_str()).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_deposit_larger_than_the_order_is_returned_in_full() {
    let shop = Shop::open().await;
    let merchant_uid = wrong_deposit_returned_through_the_refund_account(&shop, 50_000).await;
    let order = shop.order(&merchant_uid);
    assert_eq!(
        (order.mismatch_received, order.mismatch_returned),
        (Some(50_000), 50_000),
        "all 50,000원 of a deposit larger than the 9,900원 order went back and is recorded"
    );
    assert_eq!(
        order.refunded_amount, 0,
        "the order's refund (at most its amount) is untouched"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_card_payment_cancelled_at_once_is_recorded_as_returned() {
    let shop = Shop::open().await;
    let ticket = shop.checkout("pass_1m", PayMethod::Card).await;
    let imp = shop
        .buyer_pays(&ticket.merchant_uid, 12_000, "card", "paid")
        .await;
    let verified =
        complete_payment(&shop.store, &shop.client, &ticket.merchant_uid, Some(&imp)).await;
    assert!(
        verified.is_ok(),
        "the wrong card payment verifies: {verified:?}"
    );
    let order = shop.order(&ticket.merchant_uid);
    assert_eq!(
        (
            order.state,
            order.mismatch_received,
            order.mismatch_returned
        ),
        (OrderState::AmountMismatch, Some(12_000), 12_000),
        "the automatic cancel ran at once and the order records the 12,000원 returned"
    );
}

/// The migrations of the build before the wrong payment's facts had columns of their own.
const MIGRATIONS_BEFORE: [&str; 11] = [
    include_str!("../../migrations/0001_schema.sql"),
    include_str!("../../migrations/0002_seed_plans.sql"),
    include_str!("../../migrations/0003_subscriptions.sql"),
    include_str!("../../migrations/0004_orders_state_method_index.sql"),
    include_str!("../../migrations/0005_integrity.sql"),
    include_str!("../../migrations/0006_job_claim_started.sql"),
    include_str!("../../migrations/0007_order_search.sql"),
    include_str!("../../migrations/0008_orders_by_paid_at.sql"),
    include_str!("../../migrations/0009_cash_receipts.sql"),
    include_str!("../../migrations/0010_charge_superseded.sql"),
    include_str!("../../migrations/0011_order_custom_data.sql"),
];

/// An order flagged under the previous build: its wrong payment (`paid` won) is in the audit
/// event that flagged it; `cancelled` says whether its automatic cancel finished.
fn flagged_under_the_previous_build(
    conn: &rusqlite::Connection,
    uid: &str,
    paid: i64,
    cancelled: bool,
) {
    let detail = serde_json::json!({
        "detail": { "paidAmount": paid, "orderAmount": 9900, "cancelAmount": 0, "status": "paid" }
    });
    let payload = serde_json::json!({
        "impUid": format!("imp_{uid}"), "amount": null, "checksum": paid,
        "reason": "결제 금액이 주문 금액과 달라 자동 취소", "amountMismatch": true
    });
    let job_state = if cancelled { "done" } else { "needs_attention" };
    conn.execute_batch(&format!(
        "INSERT INTO orders (merchant_uid, kind, plan_id, amount, state, imp_uid, pay_method, created_at, updated_at) \
         VALUES ('{uid}', 'one_time', 'pass_1m', 9900, 'amount_mismatch', 'imp_{uid}', 'vbank', 1, 1); \
         INSERT INTO order_events (merchant_uid, at, from_state, to_state, cause, detail) \
         VALUES ('{uid}', 1, 'vbank_issued', 'amount_mismatch', 'poll', '{detail}'); \
         INSERT INTO jobs (kind, merchant_uid, payload, state, next_run_at, created_at, updated_at) \
         VALUES ('cancel', '{uid}', '{payload}', '{job_state}', 1, 1, 1);"
    ))
    .unwrap_or_else(|e| panic!("write an order of the previous build: {e}"));
}

#[test]
fn orders_flagged_before_the_upgrade_show_what_their_wrong_payment_took_and_returned() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("a temp dir is needed: {e}"));
    {
        let conn = rusqlite::Connection::open(dir.path().join(pos_core::store::DB_FILE))
            .unwrap_or_else(|e| panic!("raw open: {e}"));
        for sql in MIGRATIONS_BEFORE {
            conn.execute_batch(sql)
                .unwrap_or_else(|e| panic!("a previous migration applies: {e}"));
        }
        conn.pragma_update(None, "user_version", 11_i64)
            .unwrap_or_else(|e| panic!("set the previous version: {e}"));
        flagged_under_the_previous_build(&conn, "order_OLD_RETURNED", 50_000, true);
        flagged_under_the_previous_build(&conn, "order_OLD_WAITING", 100, false);
    }
    let store = pos_core::Store::open(dir.path()).unwrap_or_else(|e| panic!("upgrade: {e}"));
    let order = |uid: &str| {
        store
            .order(uid)
            .unwrap_or_else(|e| panic!("the order {uid} survives the upgrade: {e}"))
    };
    let returned = order("order_OLD_RETURNED");
    assert_eq!(
        (returned.mismatch_received, returned.mismatch_returned),
        (Some(50_000), 50_000),
        "a finished automatic cancel of 50,000원 reads as all returned after the upgrade"
    );
    let waiting = order("order_OLD_WAITING");
    assert_eq!(
        (waiting.mismatch_received, waiting.mismatch_returned),
        (Some(100), 0),
        "a cancel still waiting for an account reads as received, nothing returned yet"
    );
}
