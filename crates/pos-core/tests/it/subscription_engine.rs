//! The sync engine drives subscriptions: its worker runs the `charge` job through
//! `work::execute_job`, and each cycle's subscription poll schedules the next period.

use std::sync::Arc;

use pos_core::store::{ChargeRequest, ChargeVia, NewCharge, NewSubscription, SubscriptionState};
use pos_core::subscription::CHARGE_JOB;
use pos_core::sync::{CheckoutWork, SyncEngine, SyncOptions};
use pos_core::{NewJob, Store};

use super::subscription_support::Sbx;
use crate::relay_support::{over_both, Backend};

async fn one_engine_cycle_charges_the_first_period_and_schedules_the_next(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    sbx.customer(&sbx.uid("cust_engine"), false).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let store = sbx.book(Store::open(dir.path()).unwrap_or_else(|e| panic!("store: {e}")));
    let sub = store
        .create_subscription(&NewSubscription {
            plan_id: "sub_monthly".into(),
            customer_uid: sbx.uid("cust_engine"),
            issuance_amount: 0,
            card_masked: None,
            key_verified: true,
        })
        .unwrap_or_else(|e| panic!("create: {e}"));
    let charge = store
        .add_subscription_charge(
            &sub.id,
            &NewCharge {
                period_no: 0,
                period: None,
                via: ChargeVia::Again,
                charge_at: sbx.now().await,
            },
        )
        .unwrap_or_else(|e| panic!("charge: {e}"));
    store
        .enqueue_job(&NewJob {
            kind: CHARGE_JOB.into(),
            merchant_uid: charge.merchant_uid.clone(),
            payload: serde_json::json!({ "subscriptionId": sub.id }),
            run_at: None,
        })
        .unwrap_or_else(|e| panic!("enqueue: {e}"));
    let work = Arc::new(CheckoutWork);
    let report = SyncEngine::run_once(
        store.clone(),
        sbx.client(),
        work.clone(),
        work,
        SyncOptions::default(),
        "test",
    )
    .await
    .unwrap_or_else(|e| panic!("one cycle: {e}"));
    assert_eq!(
        report.jobs_done, 1,
        "the charge job ran through work::execute_job"
    );
    let after = store
        .subscription(&sub.id)
        .unwrap_or_else(|e| panic!("reread: {e}"));
    assert_eq!(
        after.state,
        SubscriptionState::Active,
        "the first period is paid"
    );
    let next = store
        .subscription_charge(
            after
                .next_charge_merchant_uid
                .as_deref()
                .unwrap_or_default(),
        )
        .ok()
        .flatten()
        .map(|c| c.request);
    assert_eq!(
        next,
        Some(ChargeRequest::Sent),
        "the same cycle scheduled the next period at Iamport"
    );
    sbx.stop().await;
}
over_both!(one_engine_cycle_charges_the_first_period_and_schedules_the_next);
