//! Crash tests of the renewals scheduled ahead: `posctl subscriptions cancel` and
//! `change-card` killed with SIGKILL right after they sent `unschedule` (every reply delayed),
//! then a new process (`posctl subscriptions poll`) finishing the work. No renewal may stay
//! scheduled after a cancel, none may run on the old card or be scheduled twice.

use std::path::Path;
use std::time::Duration;

use iamport::{ScheduleQuery, ScheduleStatus};
use pos_core::store::{ChargeRequest, Subscription};
use pos_core::subscription::LOOKAHEAD;
use serde_json::json;

use super::subscription_crash::{kill_after, restart_poll};
use super::subscription_support::{posctl, Sbx};

/// Subscribes through posctl with the approving key `uid`; returns the subscription.
async fn subscribe(sbx: &Sbx, dir: &Path, uid: &str) -> Subscription {
    sbx.customer(uid, false).await;
    let (d, base, uid) = (dir.to_path_buf(), sbx.base.clone(), uid.to_string());
    let out = tokio::task::spawn_blocking(move || {
        posctl(
            &d,
            &base,
            &[
                "subscriptions",
                "create",
                "--plan",
                "sub_monthly",
                "--customer-uid",
                &uid,
                "--json",
            ],
        )
        .output()
    })
    .await
    .unwrap_or_else(|e| panic!("task: {e}"))
    .unwrap_or_else(|e| panic!("posctl: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("JSON: {e}"))
}

/// The merchant_uids Iamport holds waiting on key `uid` for the next three months.
async fn waiting_on(sbx: &Sbx, uid: &str) -> Vec<String> {
    let now = sbx.now().await;
    let page = sbx
        .iamport()
        .schedules_by_customer(
            uid,
            &ScheduleQuery {
                from: now.timestamp(),
                to: (now + chrono::Duration::days(93)).timestamp(),
                status: Some(ScheduleStatus::Scheduled),
                ..ScheduleQuery::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("schedules: {e}"));
    let mut list: Vec<String> = page.list.into_iter().map(|s| s.merchant_uid).collect();
    list.sort();
    list
}

/// Runs `args` as a child against a sandbox delaying every reply, kills it right after it
/// sent `unschedule`, and lets a new `poll` process finish.
async fn kill_mid_unschedule(sbx: &Sbx, dir: &Path, args: &[&str]) {
    sbx.faults(json!({ "latency_ms": 400 })).await;
    let mut child = posctl(dir, &sbx.base, args)
        .spawn()
        .unwrap_or_else(|e| panic!("posctl starts: {e}"));
    kill_after(sbx, &mut child, "POST /subscribe/payments/unschedule").await;
    sbx.faults(json!({})).await;
    // Let a request the server already accepted (held by the latency fault) finish.
    tokio::time::sleep(Duration::from_millis(400 + 2_600)).await;
    let (d, base) = (dir.to_path_buf(), sbx.base.clone());
    tokio::task::spawn_blocking(move || restart_poll(&d, &base))
        .await
        .unwrap_or_else(|e| panic!("poll task: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_killed_after_unscheduling_leaves_no_renewal_scheduled() {
    let sbx = Sbx::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let sub = subscribe(&sbx, dir.path(), "cust_crash_cancel").await;
    assert_eq!(
        waiting_on(&sbx, "cust_crash_cancel").await.len(),
        LOOKAHEAD as usize,
        "{LOOKAHEAD} renewals scheduled before the cancel"
    );
    kill_mid_unschedule(&sbx, dir.path(), &["subscriptions", "cancel", &sub.id]).await;
    assert!(
        waiting_on(&sbx, "cust_crash_cancel").await.is_empty(),
        "after the restart no renewal is left scheduled at Iamport"
    );
    let store = crate::sandbox_book(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
    let after = store
        .subscription(&sub.id)
        .unwrap_or_else(|e| panic!("reread: {e}"));
    assert!(after.cancel_at_period_end, "the cancel stands: {after:?}");
    let charges = store
        .subscription_charges(&sub.id)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        charges
            .iter()
            .skip(1)
            .all(|c| c.request == ChargeRequest::Revoked),
        "every renewal is recorded as unscheduled: {charges:?}"
    );
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_change_killed_after_unscheduling_moves_every_renewal_once() {
    let sbx = Sbx::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let sub = subscribe(&sbx, dir.path(), "cust_crash_old").await;
    sbx.customer("cust_crash_new", false).await;
    let args = [
        "subscriptions",
        "change-card",
        &sub.id,
        "--customer-uid",
        "cust_crash_new",
    ];
    kill_mid_unschedule(&sbx, dir.path(), &args).await;
    assert!(
        waiting_on(&sbx, "cust_crash_old").await.is_empty(),
        "nothing is left to run on the old card"
    );
    let store = crate::sandbox_book(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
    let charges = store
        .subscription_charges(&sub.id)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut renewals: Vec<String> = charges
        .iter()
        .skip(1)
        .map(|c| c.merchant_uid.clone())
        .collect();
    renewals.sort();
    assert_eq!(
        waiting_on(&sbx, "cust_crash_new").await,
        renewals,
        "each stored renewal is scheduled once on the new card, under its own merchant_uid"
    );
    assert!(
        charges
            .iter()
            .skip(1)
            .all(|c| c.customer_uid == "cust_crash_new" && c.request == ChargeRequest::Sent),
        "and recorded so: {charges:?}"
    );
    sbx.stop().await;
}
