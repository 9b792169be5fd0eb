//! Crash tests: `posctl subscriptions create` run as a child process against a sandbox whose
//! every reply is delayed, killed with SIGKILL right after it sent `again` (then, in the second
//! test, right after it sent `schedule`), and a new process (`posctl subscriptions poll`)
//! finishing the work. No period may be charged twice; no schedule lost or duplicated.

use std::path::Path;
use std::process::{Child, Output};
use std::time::{Duration, Instant};

use iamport::{ScheduleQuery, ScheduleStatus};
use pos_core::store::{ChargeRequest, SubscriptionState};
use pos_core::subscription::LOOKAHEAD;
use serde_json::json;

use super::subscription_support::{posctl, Sbx};
use crate::relay_support::{over_both, Backend};

/// Waits until the sandbox has received `route`, then kills `child` with SIGKILL.
pub async fn kill_after(sbx: &Sbx, child: &mut Child, route: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while sbx.calls(route).await == 0 {
        assert!(Instant::now() < deadline, "{route} was never sent");
        if let Ok(Some(status)) = child.try_wait() {
            panic!("posctl ended ({status}) before sending {route}");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap_or_else(|e| panic!("SIGKILL: {e}"));
    let _reaped = child.wait();
}

pub fn restart_poll(dir: &Path, base: &str) -> Output {
    let out = posctl(dir, base, &["subscriptions", "poll", "--json"])
        .output()
        .unwrap_or_else(|e| panic!("posctl poll: {e}"));
    assert!(
        out.status.success(),
        "the restarted process finishes the work: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The one subscription in `dir`, its paid first period and its scheduled renewals at Iamport.
async fn check_once(sbx: &Sbx, dir: &Path, customer_uid: &str) {
    let store = crate::sandbox_book(dir).unwrap_or_else(|e| panic!("open: {e}"));
    let subs = store
        .subscriptions()
        .unwrap_or_else(|e| panic!("list: {e}"));
    assert_eq!(subs.len(), 1, "one subscription was created");
    let sub = &subs[0];
    assert_eq!(
        sub.state,
        SubscriptionState::Active,
        "the first period is paid: {sub:?}"
    );
    let charges = store
        .subscription_charges(&sub.id)
        .unwrap_or_else(|e| panic!("charges: {e}"));
    let client = sbx.client();
    let first = client
        .find_all_payments(&charges[0].merchant_uid, None)
        .await
        .unwrap_or_else(|e| panic!("payments: {e}"));
    let paid = first.iter().filter(|p| p.is_paid()).count();
    assert_eq!(
        paid, 1,
        "the first period was charged exactly once: {first:?}"
    );
    let now = sbx.now().await;
    let waiting = client
        .schedules_by_customer(
            customer_uid,
            &ScheduleQuery {
                from: now.timestamp(),
                to: (now + chrono::Duration::days(93)).timestamp(),
                status: Some(ScheduleStatus::Scheduled),
                ..ScheduleQuery::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("schedules: {e}"));
    let mut scheduled: Vec<String> = waiting
        .list
        .iter()
        .map(|s| s.merchant_uid.clone())
        .collect();
    scheduled.sort();
    let mut stored: Vec<String> = charges
        .iter()
        .filter(|c| c.period_no > 0)
        .map(|c| c.merchant_uid.clone())
        .collect();
    stored.sort();
    assert_eq!(
        scheduled.len(),
        LOOKAHEAD as usize,
        "exactly the next {LOOKAHEAD} renewals are scheduled, each once: {waiting:?}"
    );
    assert_eq!(
        scheduled, stored,
        "the renewals scheduled at Iamport are the ones stored, under their own merchant_uids"
    );
    assert!(
        charges
            .iter()
            .skip(1)
            .all(|c| c.request == ChargeRequest::Sent),
        "every stored renewal is marked sent: {charges:?}"
    );
}

async fn crash_after(route: &str, customer_uid: &str) {
    let sbx = Sbx::start().await;
    sbx.customer(customer_uid, false).await;
    sbx.faults(json!({ "latency_ms": 400 })).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let mut child = posctl(
        dir.path(),
        &sbx.base,
        &[
            "subscriptions",
            "create",
            "--plan",
            "sub_monthly",
            "--customer-uid",
            customer_uid,
        ],
    )
    .spawn()
    .unwrap_or_else(|e| panic!("posctl starts: {e}"));
    kill_after(&sbx, &mut child, route).await;
    let store = crate::sandbox_book(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
    let in_flight: Vec<_> = store
        .subscriptions()
        .unwrap_or_default()
        .iter()
        .flat_map(|s| store.subscription_charges(&s.id).unwrap_or_default())
        .filter(|c| c.request == ChargeRequest::Sending)
        .collect();
    assert_eq!(
        in_flight.len(),
        1,
        "the kill landed after the request was sent, before its answer was stored"
    );
    drop(store);
    sbx.faults(json!({})).await;
    // Let a request the server already accepted (held 400 ms by the latency fault) finish before
    // the restart looks it up. Nothing observable says "no request in flight" (a request cut by
    // the kill may never run), so this waits a bounded time with a wide margin for a loaded
    // CI machine rather than 200 ms past the latency.
    tokio::time::sleep(Duration::from_millis(400 + 2_600)).await;
    let base = sbx.base.clone();
    let path = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || restart_poll(&path, &base))
        .await
        .unwrap_or_else(|e| panic!("poll task: {e}"));
    check_once(&sbx, dir.path(), customer_uid).await;
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_right_after_sending_again_the_first_period_is_charged_once() {
    crash_after("POST /subscribe/payments/again", "cust_crash_again").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_right_after_sending_schedule_the_renewal_is_scheduled_once() {
    crash_after("POST /subscribe/payments/schedule", "cust_crash_schedule").await;
}

/// A subscription whose first charge is `sending` while Iamport already has it (the request
/// arrived, the answer was lost with the process): what a crash after the handler ran leaves.
async fn first_charge_in_flight(
    sbx: &Sbx,
    uid: &str,
) -> (pos_core::subscription::Subscriptions, String) {
    sbx.customer(uid, false).await;
    let subs = sbx.subs();
    let sub = subs
        .store
        .create_subscription(&pos_core::store::NewSubscription {
            plan_id: "sub_monthly".into(),
            customer_uid: uid.into(),
            issuance_amount: 0,
            card_masked: None,
            key_verified: true,
        })
        .unwrap_or_else(|e| panic!("create: {e}"));
    let charge = subs
        .store
        .add_subscription_charge(
            &sub.id,
            &pos_core::store::NewCharge {
                period_no: 0,
                period: None,
                via: pos_core::store::ChargeVia::Again,
                charge_at: sbx.now().await,
            },
        )
        .unwrap_or_else(|e| panic!("charge: {e}"));
    subs.store
        .update_subscription_charge(
            &charge.merchant_uid,
            ChargeRequest::Pending,
            &pos_core::store::ChargePatch {
                request: Some(ChargeRequest::Sending),
                ..Default::default()
            },
        )
        .unwrap_or_else(|e| panic!("mark sending: {e}"));
    (subs, sub.id)
}

async fn an_again_that_reached_iamport_before_the_crash_is_found_not_sent_again(backend: Backend) {
    let sbx = Sbx::start_on(backend).await;
    let (subs, id) = first_charge_in_flight(&sbx, &sbx.uid("cust_reached")).await;
    let merchant_uid = reread_next(&subs, &id);
    let paid = sbx
        .client()
        .again(&iamport::AgainRequest {
            customer_uid: sbx.uid("cust_reached"),
            merchant_uid: merchant_uid.clone(),
            amount: 9900,
            name: "정기결제".into(),
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("the lost request: {e}"));
    assert!(paid.is_paid(), "the lost request was approved at Iamport");
    let now = sbx.now().await;
    pos_core::subscription::poll_due(&subs, now)
        .await
        .unwrap_or_else(|e| panic!("poll: {e}"));
    assert_eq!(
        sbx.calls("POST /subscribe/payments/again").await,
        1,
        "the lookup found the payment: nothing was sent again"
    );
    let sub = subs
        .store
        .subscription(&id)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        sub.state,
        SubscriptionState::Active,
        "the found payment paid the period"
    );
    let next = sub.next_charge_merchant_uid.unwrap_or_default();
    let schedule = sbx.client().schedule_by_merchant_uid(&next).await;
    assert!(
        schedule.is_ok_and(|s| s.schedule_status == ScheduleStatus::Scheduled),
        "and the next period is scheduled"
    );
    sbx.stop().await;
}
over_both!(an_again_that_reached_iamport_before_the_crash_is_found_not_sent_again);

fn reread_next(subs: &pos_core::subscription::Subscriptions, id: &str) -> String {
    subs.store
        .subscription(id)
        .ok()
        .and_then(|s| s.next_charge_merchant_uid)
        .unwrap_or_else(|| panic!("{id} has a charge"))
}
