//! A store PC switched off for weeks: Iamport goes on charging the renewals scheduled ahead,
//! and the app, started again (posctl processes, the sync engine's `sync --once`), reconciles
//! every execution that happened meanwhile, in order.

use std::path::Path;
use std::process::{Command, Output};

use chrono::Duration;
use iamport::{ScheduleQuery, ScheduleStatus};
use pos_core::store::{OrderState, SubscriptionState};
use pos_core::subscription::LOOKAHEAD;
use serde_json::Value;

use super::subscription_support::Sbx;
use crate::relay_support::{over_both, Backend};

fn run(mut cmd: Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("posctl {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "posctl {cmd:?} succeeds: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

async fn posctl_json(sbx: &Sbx, dir: &Path, args: &[&str]) -> Value {
    let cmd = sbx.posctl(dir, args);
    let out = tokio::task::spawn_blocking(move || run(cmd))
        .await
        .unwrap_or_else(|e| panic!("posctl task: {e}"));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("JSON on stdout: {e}"))
}

// Through the relay posctl runs in 중계 서버 mode from the app's settings (the live book, ids
// behind the store's prefix), and the relay follows the sandbox's clock as it moves.
async fn after_95_days_off_the_history_shows_each_period_the_decline_and_the_retry_in_order(
    backend: Backend,
) {
    let sbx = Sbx::start_on(backend).await;
    let customer = sbx.uid("cust_offline");
    let uid = customer.as_str();
    sbx.customer(uid, false).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    sbx.prepare_dir(dir.path());
    let started = sbx.now().await;
    let create = [
        "subscriptions",
        "create",
        "--plan",
        "sub_monthly",
        "--customer-uid",
        uid,
        "--json",
    ];
    let sub = posctl_json(&sbx, dir.path(), &create).await;
    let id = sub["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(sub["state"], "active", "the first period is paid: {sub}");
    // The app stops here. Iamport holds the next three periods.
    let store = sbx.book_of(dir.path());
    let ahead = store
        .subscription_charges(&id)
        .unwrap_or_else(|e| panic!("charges: {e}"));
    drop(store);
    assert!(
        ahead
            .iter()
            .all(|c| c.merchant_uid.starts_with(&sbx.uid(""))),
        "posctl minted every charge as this connection needs (behind the relay store's prefix)"
    );
    assert_eq!(
        ahead.len(),
        1 + LOOKAHEAD as usize,
        "the first period and {LOOKAHEAD} renewals ahead are stored: {ahead:?}"
    );
    // Renewal 1 is paid; renewal 2 is declined (the card is blocked for a while); renewal 3
    // is paid again; all while the PC is off, 95 days in all.
    sbx.advance_past(ahead[1].charge_at).await;
    sbx.customer(uid, true).await;
    sbx.advance_past(ahead[2].charge_at).await;
    sbx.customer(uid, false).await;
    let now = sbx.now().await;
    let day_95 = started + Duration::days(95);
    assert!(
        ahead[3].charge_at < day_95,
        "the third renewal falls inside the 95 days"
    );
    sbx.advance((day_95 - now).num_seconds()).await;
    let iamport = sbx.iamport();
    let ran = |m: &str| {
        let (iamport, m) = (iamport.clone(), m.to_string());
        async move {
            iamport
                .schedule_by_merchant_uid(&m)
                .await
                .map(|s| s.payment_status)
                .unwrap_or_else(|e| panic!("schedule {m}: {e}"))
        }
    };
    assert_eq!(
        ran(&ahead[2].merchant_uid).await,
        Some(iamport::PaymentStatus::Failed),
        "Iamport declined the second renewal while the PC was off"
    );
    assert_eq!(
        ran(&ahead[3].merchant_uid).await,
        Some(iamport::PaymentStatus::Paid),
        "and charged the third"
    );
    // The app starts again: one engine cycle.
    posctl_json(&sbx, dir.path(), &["sync", "--once", "--json"]).await;
    let history = posctl_json(
        &sbx,
        dir.path(),
        &["subscriptions", "history", &id, "--json"],
    )
    .await;
    let lines: Vec<(u64, String, bool)> = history
        .as_array()
        .unwrap_or_else(|| panic!("a list: {history}"))
        .iter()
        .map(|e| {
            (
                e["periodNo"].as_u64().unwrap_or(99),
                e["state"].as_str().unwrap_or_default().to_string(),
                e["retry"].as_bool().unwrap_or_default(),
            )
        })
        .collect();
    let want: Vec<(u64, String, bool)> = [
        (0, "paid", false),
        (1, "paid", false),
        (2, "failed", false),
        (3, "paid", false),
        (2, "paid", true),
    ]
    .iter()
    .map(|(p, s, r)| (*p, s.to_string(), *r))
    .collect();
    assert_eq!(
        lines, want,
        "each period, the decline and the retry, in the order they happened: {history}"
    );
    let store = sbx.book_of(dir.path());
    let sub = store
        .subscription(&id)
        .unwrap_or_else(|e| panic!("reread: {e}"));
    assert_eq!(sub.state, SubscriptionState::Active, "recovered: {sub:?}");
    assert_eq!(
        sub.current_period_end, ahead[3].period_end,
        "access runs to the end of the third renewal's period"
    );
    let charges = store
        .subscription_charges(&id)
        .unwrap_or_else(|e| panic!("charges: {e}"));
    for c in charges.iter().take(4) {
        let order = store
            .order(&c.merchant_uid)
            .unwrap_or_else(|e| panic!("order: {e}"));
        assert_eq!(
            order.state,
            OrderState::Paid,
            "period {} is paid",
            c.period_no
        );
        let paid = iamport
            .find_all_payments(&c.merchant_uid, None)
            .await
            .unwrap_or_else(|e| panic!("payments: {e}"));
        assert_eq!(
            paid.iter().filter(|p| p.is_paid()).count(),
            1,
            "period {} was charged exactly once",
            c.period_no
        );
    }
    let now = sbx.now().await;
    let waiting = iamport
        .schedules_by_customer(
            uid,
            &ScheduleQuery {
                from: now.timestamp(),
                to: (now + Duration::days(93)).timestamp(),
                status: Some(ScheduleStatus::Scheduled),
                ..ScheduleQuery::default()
            },
        )
        .await
        .unwrap_or_else(|e| panic!("schedules: {e}"));
    assert_eq!(
        waiting.list.len(),
        LOOKAHEAD as usize,
        "the next {LOOKAHEAD} periods are scheduled again: {waiting:?}"
    );
    sbx.stop().await;
}
over_both!(after_95_days_off_the_history_shows_each_period_the_decline_and_the_retry_in_order);
