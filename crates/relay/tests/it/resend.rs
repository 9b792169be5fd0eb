//! A resend of a write that already succeeded: the store gave up waiting (Iamport was slow, the
//! sandbox's `latency_ms` fault) while the relay got Iamport's success and recorded it. The same
//! request again is answered with the recorded success and never reaches Iamport a second time.

use std::time::{Duration, Instant};

use iamport::{AgainRequest, CancelRequest};
use serde_json::json;

use crate::support::Env;

/// The store's client in relay mode, giving up after `timeout`.
fn impatient(env: &Env, store: &panmusic_relay::db::stores::NewStore) -> iamport::Client {
    let mut config = iamport::Config::new(env.relay.base_url(), &store.key, &store.secret);
    config.timeout = Duration::from_millis(700);
    iamport::Client::new(config).expect("client")
}

/// Waits until the relay has recorded Iamport's answer to the `operation` write.
async fn answer_recorded(env: &Env, operation: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    let query = format!(
        "SELECT count(*) FROM audit a JOIN audit_outcomes o ON o.audit_id = a.id \
         WHERE a.operation = '{operation}' AND o.outcome = 'answered'"
    );
    while env.sql(&query).await[0].get::<_, i64>(0) == 0 {
        assert!(
            Instant::now() < deadline,
            "the relay never recorded Iamport's answer to {operation}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn audited(env: &Env, operation: &str) -> i64 {
    env.sql(&format!(
        "SELECT count(*) FROM audit WHERE operation = '{operation}'"
    ))
    .await[0]
        .get(0)
}

#[tokio::test]
async fn a_refund_resent_after_the_store_gave_up_is_answered_from_the_audit() {
    let env = Env::start().await;
    let store = env.add_store("A").await;
    let imp_uid = env.paid(&format!("{}order_1", store.prefix), 9900).await;
    let client = impatient(&env, &store);
    client.payment(&imp_uid).await.expect("tokens are warm");
    let refund = CancelRequest {
        imp_uid: Some(imp_uid.clone()),
        amount: Some(3000),
        checksum: Some(9900),
        reason: Some("고객 요청".into()),
        ..CancelRequest::default()
    };

    // Iamport answers every call after 1.2 s: the refund is applied, the store has given up.
    env.control("/__sandbox/faults", json!({"latency_ms": 1200}))
        .await;
    let first = client.cancel(&refund).await;
    assert!(
        first.is_err_and(|e| e.is_outcome_unknown()),
        "the store gave up before the answer came"
    );
    answer_recorded(&env, "cancel").await;
    env.control("/__sandbox/faults", json!({})).await;
    assert_eq!(
        env.upstream_payment(&imp_uid).await["cancel_amount"],
        3000,
        "the refund happened at Iamport"
    );

    let resent = client
        .cancel(&refund)
        .await
        .expect("the resend is answered with the refund that happened");
    assert_eq!(
        resent.cancel_amount, 3000,
        "the recorded success: {resent:?}"
    );
    assert_eq!(
        env.upstream_count("POST /payments/cancel").await,
        1,
        "the resend never reached Iamport"
    );
    assert_eq!(
        audited(&env, "cancel").await,
        1,
        "one write in the audit: the resend was answered from it"
    );
    assert_eq!(
        env.upstream_payment(&imp_uid).await["cancel_amount"],
        3000,
        "3,000원 refunded in all"
    );
}

#[tokio::test]
async fn a_charge_resent_after_the_store_gave_up_is_answered_from_the_audit() {
    let env = Env::start().await;
    let store = env.add_store("A").await;
    let customer = format!("{}cust_1", store.prefix);
    let merchant_uid = format!("{}renew_01", store.prefix);
    env.billing_key(&customer).await;
    let client = impatient(&env, &store);
    let _ = client.billing_key(&customer).await.expect("warm");
    let charge = AgainRequest {
        customer_uid: customer.clone(),
        merchant_uid: merchant_uid.clone(),
        amount: 9900,
        name: "정기결제 1개월".into(),
        ..AgainRequest::default()
    };

    env.control("/__sandbox/faults", json!({"latency_ms": 1200}))
        .await;
    let first = client.again(&charge).await;
    assert!(
        first.is_err_and(|e| e.is_outcome_unknown()),
        "the store gave up before the answer came"
    );
    answer_recorded(&env, "again").await;
    env.control("/__sandbox/faults", json!({})).await;

    let resent = client
        .again(&charge)
        .await
        .expect("the resend is answered with the charge that happened");
    assert!(resent.is_paid(), "the recorded success: {resent:?}");
    assert_eq!(
        env.upstream_count("POST /subscribe/payments/again").await,
        1,
        "the card was charged once and asked once"
    );
    assert_eq!(audited(&env, "again").await, 1, "one write in the audit");
}

#[tokio::test]
async fn a_renewal_unscheduled_then_scheduled_again_is_sent_not_replayed() {
    let env = Env::start().await;
    let store = env.add_store("A").await;
    let customer = format!("{}cust_1", store.prefix);
    let merchant_uid = format!("{}renew_02", store.prefix);
    env.billing_key(&customer).await;
    let client = env.store_client(&store);
    let schedule = iamport::ScheduleRequest {
        customer_uid: customer.clone(),
        schedules: vec![iamport::ScheduleItem {
            merchant_uid: merchant_uid.clone(),
            schedule_at: crate::support::in_a_month(),
            amount: 9900,
            name: "정기결제 1개월".into(),
            ..iamport::ScheduleItem::default()
        }],
    };
    client.schedule(&schedule).await.expect("scheduled");
    client
        .unschedule(&customer, std::slice::from_ref(&merchant_uid))
        .await
        .expect("unscheduled");
    let again = client.schedule(&schedule).await.expect("scheduled again");
    assert_eq!(
        again.first().map(|s| s.schedule_status.clone()),
        Some(iamport::ScheduleStatus::Scheduled),
        "scheduled again at Iamport: {again:?}"
    );
    assert_eq!(
        env.upstream_count("POST /subscribe/payments/schedule")
            .await,
        2,
        "the same request after an unschedule is a new write, sent to Iamport"
    );
}
