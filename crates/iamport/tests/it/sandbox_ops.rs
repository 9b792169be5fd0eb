//! The remaining operations against the sandbox: prepare, findAll, schedule windows, retry,
//! reschedule, billing-key deletion.

use iamport::{PaymentStatus, ScheduleItem, ScheduleQuery, ScheduleRequest, ScheduleStatus};
use serde_json::json;

use crate::sandbox::{charge, Env};

fn one_schedule(customer_uid: &str, merchant_uid: &str, at: i64) -> ScheduleRequest {
    ScheduleRequest {
        customer_uid: customer_uid.into(),
        schedules: vec![ScheduleItem {
            merchant_uid: merchant_uid.into(),
            schedule_at: at,
            amount: 9_900,
            name: "월간 이용권".into(),
            ..ScheduleItem::default()
        }],
    }
}

#[tokio::test]
async fn prepared_amount_round_trips() {
    let env = Env::start().await;
    let p = env
        .client
        .prepare("order_prep", 19_900)
        .await
        .expect("prepare");
    assert_eq!(p.amount, 19_900, "registered amount echoed");
    let got = env.client.prepared("order_prep").await.expect("lookup");
    assert_eq!(got.amount, 19_900, "registered amount read back");
    env.stop().await;
}

#[tokio::test]
async fn find_all_returns_every_attempt_of_an_order() {
    let env = Env::start().await;
    for outcome in ["failed", "failed", "paid"] {
        env.control(
            "payments",
            json!({"merchant_uid": "order_retry", "amount": 5_000, "outcome": outcome}),
        )
        .await;
    }
    let all = env
        .client
        .find_all_payments("order_retry", None)
        .await
        .expect("findAll");
    assert_eq!(all.len(), 3, "two failed attempts and the paid one");
    let failed = env
        .client
        .find_all_payments("order_retry", Some(PaymentStatus::Failed))
        .await
        .expect("findAll failed");
    assert_eq!(failed.len(), 2, "status filter applied");
    let none = env
        .client
        .find_all_payments("order_never", None)
        .await
        .expect("none is not an error");
    assert!(none.is_empty(), "unknown order => empty");
    env.stop().await;
}

#[tokio::test]
async fn failed_schedule_can_be_retried_after_the_card_is_fixed() {
    let env = Env::start().await;
    env.control("customers/store_retry", json!({"decline": true}))
        .await;
    let now = env.advance_clock(0).await;
    env.client
        .schedule(&one_schedule("store_retry", "renew_retry_1", now + 60))
        .await
        .expect("scheduled");
    env.advance_clock(120).await;
    let executed = env
        .client
        .schedule_by_merchant_uid("renew_retry_1")
        .await
        .expect("lookup");
    assert_eq!(executed.schedule_status, ScheduleStatus::Executed, "ran");
    assert_eq!(
        executed.payment_status,
        Some(PaymentStatus::Failed),
        "declined"
    );
    env.control("customers/store_retry", json!({"decline": false}))
        .await;
    let p = env
        .client
        .retry_schedule("renew_retry_1")
        .await
        .expect("retry answered");
    assert!(p.is_paid(), "retry on a fixed card pays: {:?}", p.status);
    env.stop().await;
}

#[tokio::test]
async fn revoked_schedule_can_be_rescheduled_and_listed_in_its_window() {
    let env = Env::start().await;
    env.control("customers/store_resched", json!({})).await;
    let now = env.advance_clock(0).await;
    env.client
        .schedule(&one_schedule(
            "store_resched",
            "renew_resched_1",
            now + 3_600,
        ))
        .await
        .expect("scheduled");
    env.client
        .unschedule("store_resched", &["renew_resched_1".into()])
        .await
        .expect("revoked");
    let s = env
        .client
        .reschedule("renew_resched_1", now + 7_200)
        .await
        .expect("rescheduled");
    assert_eq!(
        s.schedule_status,
        ScheduleStatus::Scheduled,
        "waiting again"
    );
    assert_eq!(s.schedule_at, now + 7_200, "new time");
    let page = env
        .client
        .schedules(&ScheduleQuery {
            from: now,
            to: now + 86_400,
            status: Some(ScheduleStatus::Scheduled),
            ..ScheduleQuery::default()
        })
        .await
        .expect("window list");
    assert_eq!(page.list.len(), 1, "found in the window");
    assert_eq!(page.list[0].merchant_uid, "renew_resched_1", "the schedule");
    env.stop().await;
}

#[tokio::test]
async fn deleted_billing_key_is_gone() {
    let env = Env::start().await;
    env.control("customers/store_del", json!({})).await;
    let deleted = env
        .client
        .delete_billing_key("store_del", Some("가맹점 요청"))
        .await
        .expect("deleted");
    assert_eq!(deleted.customer_uid, "store_del", "the deleted key");
    let err = env
        .client
        .again(&charge("store_del", "renew_after_delete"))
        .await
        .expect_err("no key to charge");
    assert!(
        matches!(err, iamport::Error::Api { .. }),
        "refused: {err:?}"
    );
    let err = env.client.billing_key("store_del").await.expect_err("gone");
    assert!(err.is_not_found(), "lookup after delete: {err:?}");
    env.stop().await;
}

#[tokio::test]
async fn a_cash_receipt_is_issued_looked_up_and_cancelled() {
    let env = Env::start().await;
    let paid = env
        .control(
            "payments",
            json!({"merchant_uid": "order_trans", "amount": 9_900, "pay_method": "trans"}),
        )
        .await;
    let imp = paid["imp_uid"].as_str().unwrap_or_default().to_owned();
    let none = env.client.receipt(&imp).await;
    assert!(
        matches!(none, Err(iamport::Error::NotFound { .. })),
        "no receipt yet: {none:?}"
    );
    let request = iamport::ReceiptRequest {
        identifier: "1234567891".into(),
        identifier_type: Some("business".into()),
        receipt_type: iamport::ReceiptType::Company,
        buyer_name: None,
        product_type: Some("digital".into()),
    };
    let issued = env
        .client
        .issue_receipt(&imp, &request)
        .await
        .expect("issued");
    assert_eq!(
        (issued.amount, issued.vat),
        (9_900, 900),
        "the payment's amount, VAT one eleventh"
    );
    assert!(issued.is_active(), "it stands");
    let again = env.client.issue_receipt(&imp, &request).await;
    assert!(
        matches!(again, Err(iamport::Error::Api { .. })),
        "a second receipt is refused: {again:?}"
    );
    let looked_up = env.client.receipt(&imp).await.expect("look-up");
    assert_eq!(looked_up.apply_num, issued.apply_num, "the same receipt");
    let cancelled = env.client.cancel_receipt(&imp).await.expect("cancelled");
    assert!(!cancelled.is_active(), "cancelled_at set");
    let twice = env.client.cancel_receipt(&imp).await;
    assert!(
        matches!(twice, Err(iamport::Error::Api { .. })),
        "nothing left to cancel: {twice:?}"
    );
    env.stop().await;
}

#[tokio::test]
async fn a_cash_receipt_for_a_card_payment_is_refused() {
    let env = Env::start().await;
    let imp = env.paid("order_card", 9_900).await;
    let request = iamport::ReceiptRequest {
        identifier: "01012345678".into(),
        identifier_type: None,
        receipt_type: iamport::ReceiptType::Person,
        buyer_name: None,
        product_type: None,
    };
    let refused = env.client.issue_receipt(&imp, &request).await;
    assert!(
        matches!(refused, Err(iamport::Error::Api { .. })),
        "a card payment has no cash receipt: {refused:?}"
    );
    env.stop().await;
}
