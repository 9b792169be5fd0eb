//! One clock: Iamport's. Dunning, renewals and cancels driven by the sandbox clock alone,
//! through `posctl` processes whose own clock is shifted a year ahead or behind by Debian's
//! `faketime` (libfaketime intercepts `clock_gettime`, which Rust's `SystemTime::now` and chrono
//! use). The store PC's clock must change nothing.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use chrono::{DateTime, Utc};
use iamport_sandbox::{DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use serde_json::Value;

use super::subscription_support::Sbx;

const DAY: i64 = 24 * 3600;
const RETRY: &str = "POST /subscribe/payments/schedule/{merchant_uid}/retry";

/// `faketime -f SHIFT posctl ARGS --data-dir DIR --api-base BASE --json`: a posctl process
/// whose wall clock is off by `shift` (e.g. `+365d`).
fn posctl_shifted(shift: &str, dir: &Path, base: &str, args: &[&str]) -> Value {
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let out = posctl_raw(shift, dir, base, &json_args);
    assert!(
        out.status.success(),
        "posctl {args:?} at {shift} succeeds: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("JSON from {args:?}: {e}"))
}

/// The same, without `--json`, as a person would run it.
fn posctl_raw(shift: &str, dir: &Path, base: &str, args: &[&str]) -> Output {
    Command::new("faketime")
        .arg("-f")
        .arg(shift)
        .arg(env!("CARGO_BIN_EXE_posctl"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .arg("--api-base")
        .arg(base)
        .env("PANMUSIC_SECRETS", "file")
        .env("IAMPORT_KEY", DEFAULT_IMP_KEY)
        .env("IAMPORT_SECRET", DEFAULT_IMP_SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap_or_else(|e| panic!("faketime posctl {args:?} (is faketime installed?): {e}"))
}

/// Runs a blocking posctl call off the async threads.
async fn shifted(shift: &'static str, dir: &Path, base: &str, args: &[&str]) -> Value {
    let (dir, base) = (dir.to_path_buf(), base.to_string());
    let args: Vec<String> = args.iter().map(|a| (*a).to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        posctl_shifted(shift, &dir, &base, &args)
    })
    .await
    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

fn ms(v: &Value, field: &str) -> i64 {
    v[field]
        .as_i64()
        .unwrap_or_else(|| panic!("{field} is a time: {v}"))
}

/// The one subscription of the data dir, as `posctl subscriptions list` shows it.
async fn the_subscription(shift: &'static str, dir: &Path, base: &str) -> Value {
    let list = shifted(shift, dir, base, &["subscriptions", "list"]).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "one subscription");
    list[0].clone()
}

/// Subscribes through posctl, checks that the child's clock really is `shift` off the
/// sandbox's, then lets the sandbox run the first renewal with a declining card and syncs once.
/// Returns the subscription id, now `past_due`.
async fn subscribed_then_declined(sbx: &Sbx, shift: &'static str, dir: &Path, uid: &str) -> String {
    sbx.customer(uid, false).await;
    let create = [
        "subscriptions",
        "create",
        "--plan",
        "sub_monthly",
        "--customer-uid",
        uid,
    ];
    let sub = shifted(shift, dir, &sbx.base, &create).await;
    assert_eq!(sub["state"], "active", "the first month is paid: {sub}");
    let local_gap = ms(&sub, "createdAt") - sbx.now().await.timestamp_millis();
    assert!(
        local_gap.abs() > 300 * DAY * 1000,
        "faketime moved the posctl process's clock ({shift}): createdAt is {} days off",
        local_gap / (DAY * 1000)
    );
    sbx.customer(uid, true).await;
    let at = DateTime::<Utc>::from_timestamp_millis(ms(&sub, "nextChargeAt"))
        .unwrap_or_else(|| panic!("next charge time: {sub}"));
    sbx.advance_past(at).await;
    shifted(shift, dir, &sbx.base, &["sync", "--once"]).await;
    let sub = the_subscription(shift, dir, &sbx.base).await;
    assert_eq!(sub["state"], "past_due", "the renewal was declined: {sub}");
    sub["id"].as_str().unwrap_or_default().to_string()
}

/// The reproduction: a declined renewal, then the sandbox clock advanced day by day for 14
/// days with `posctl sync --once` after each. The card declines the retries of days 1 and 3
/// and is fixed after day 3: retries go out on days 1, 3 and 7 and on no other day, and the
/// subscription is active again from day 7.
async fn dunning_follows_iamports_clock(shift: &'static str, uid: &str) {
    let sbx = Sbx::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    subscribed_then_declined(&sbx, shift, dir.path(), uid).await;
    assert_eq!(
        sbx.calls(RETRY).await,
        0,
        "no retry on the day of the decline"
    );
    for day in 1..=14 {
        sbx.advance(DAY).await;
        shifted(shift, dir.path(), &sbx.base, &["sync", "--once"]).await;
        let sub = the_subscription(shift, dir.path(), &sbx.base).await;
        let want_retries = match day {
            1..=2 => 1,
            3..=6 => 2,
            _ => 3,
        };
        assert_eq!(
            sbx.calls(RETRY).await,
            want_retries,
            "day {day} ({shift}): retries only on the dunning days 1, 3, 7: {sub}"
        );
        let want_state = if day >= 7 { "active" } else { "past_due" };
        assert_eq!(sub["state"], want_state, "day {day} ({shift}): {sub}");
        if day == 3 {
            sbx.customer(uid, false).await;
        }
    }
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dunning_runs_on_iamports_clock_with_the_pc_a_year_ahead() {
    dunning_follows_iamports_clock("+365d", "cust_clock_ahead").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dunning_runs_on_iamports_clock_with_the_pc_a_year_behind() {
    dunning_follows_iamports_clock("-365d", "cust_clock_behind").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_a_past_due_subscription_stops_its_retries() {
    let sbx = Sbx::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let id = subscribed_then_declined(&sbx, "+365d", dir.path(), "cust_clock_cancel").await;
    let sub = shifted(
        "+365d",
        dir.path(),
        &sbx.base,
        &["subscriptions", "cancel", &id],
    )
    .await;
    assert_eq!(
        sub["state"], "cancelled",
        "a past_due subscription has no paid period to wait for: ended now: {sub}"
    );
    assert!(sub["nextRetryAt"].is_null(), "no retry planned: {sub}");
    for _ in 0..3 {
        sbx.advance(5 * DAY).await;
        shifted("+365d", dir.path(), &sbx.base, &["sync", "--once"]).await;
    }
    assert_eq!(sbx.calls(RETRY).await, 0, "no retry after the cancel");
    let sub = the_subscription("+365d", dir.path(), &sbx.base).await;
    assert_eq!(sub["state"], "cancelled", "still cancelled: {sub}");
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unpaid_subscription_can_be_cancelled_now() {
    let sbx = Sbx::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let id = subscribed_then_declined(&sbx, "-365d", dir.path(), "cust_clock_unpaid").await;
    for gap in [1, 2, 4, 7] {
        sbx.advance(gap * DAY).await;
        shifted("-365d", dir.path(), &sbx.base, &["sync", "--once"]).await;
    }
    assert_eq!(
        sbx.calls(RETRY).await,
        4,
        "the four retries of days 1, 3, 7, 14"
    );
    let sub = the_subscription("-365d", dir.path(), &sbx.base).await;
    assert_eq!(sub["state"], "unpaid", "retries exhausted: {sub}");
    let cancel = ["subscriptions", "cancel", &id, "--now"];
    let sub = shifted("-365d", dir.path(), &sbx.base, &cancel).await;
    assert_eq!(
        sub["state"], "cancelled",
        "an unpaid subscription ends: {sub}"
    );
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posctl_sync_says_which_clock_timed_the_money() {
    let sbx = Sbx::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let (d, base) = (dir.path().to_path_buf(), sbx.base.clone());
    let out =
        tokio::task::spawn_blocking(move || posctl_raw("-365d", &d, &base, &["sync", "--once"]))
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "sync works: {text}");
    assert!(
        text.contains("아임포트 시계 (이 PC의 시계가 365일") && text.contains("느림"),
        "the report names Iamport's clock and how far behind this PC's is: {text}"
    );
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_posctl_says_it_fell_back_to_this_pcs_clock() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let d = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        posctl_raw("+0d", &d, "http://127.0.0.1:9", &["subscriptions", "poll"])
    })
    .await
    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("이 PC의 시계로 판단했습니다"),
        "offline, posctl says the local clock stood in: {err}"
    );
}

/// A virtual account issued at the sandbox (deposit deadline: Iamport's now + 3 days), then
/// the sandbox clock moved day by day with `posctl sync --once` after each: the order waits
/// while Iamport's deadline (and its 10-minute grace) is ahead and is given up once past.
async fn vbank_deadline_follows_iamports_clock(shift: &'static str) {
    let sbx = Sbx::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let (d, base) = (dir.path().to_path_buf(), sbx.base.clone());
    let create = [
        "orders",
        "create",
        "--plan",
        "pass_3m",
        "--pay-method",
        "vbank",
    ];
    let out = tokio::task::spawn_blocking(move || posctl_raw(shift, &d, &base, &create))
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    assert!(out.status.success(), "orders create works");
    let merchant_uid = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let order = shifted(
        shift,
        dir.path(),
        &sbx.base,
        &["orders", "show", &merchant_uid],
    )
    .await["order"]
        .clone();
    let issued: Value = reqwest::Client::new()
        .post(format!("{}/__sandbox/payments", sbx.base))
        .json(&serde_json::json!({
            "merchant_uid": merchant_uid, "amount": order["amount"],
            "pay_method": "vbank", "outcome": "ready",
        }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("issue a virtual account: {e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("issue reply: {e}"));
    assert_eq!(
        issued["code"], 0,
        "the sandbox issued the account: {issued}"
    );
    for day in 0..=4 {
        if day > 0 {
            sbx.advance(DAY).await;
        }
        shifted(shift, dir.path(), &sbx.base, &["sync", "--once"]).await;
        let order = shifted(
            shift,
            dir.path(),
            &sbx.base,
            &["orders", "show", &merchant_uid],
        )
        .await["order"]
            .clone();
        let want = if day <= 3 {
            "vbank_issued"
        } else {
            "abandoned"
        };
        assert_eq!(
            order["state"], want,
            "day {day} ({shift}): the deposit deadline is 3 days on Iamport's clock: {order}"
        );
    }
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vbank_deadline_is_kept_on_iamports_clock_with_the_pc_a_year_ahead() {
    vbank_deadline_follows_iamports_clock("+365d").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vbank_deadline_is_kept_on_iamports_clock_with_the_pc_a_year_behind() {
    vbank_deadline_follows_iamports_clock("-365d").await;
}

/// Two renewals through `posctl sync --once`, the sandbox clock moved past each charge: each is
/// paid, the period moves a month, and the next one is registered at Iamport.
async fn renewals_follow_iamports_clock(shift: &'static str, uid: &str) {
    let sbx = Sbx::start().await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    sbx.customer(uid, false).await;
    let create = [
        "subscriptions",
        "create",
        "--plan",
        "sub_monthly",
        "--customer-uid",
        uid,
    ];
    let mut sub = shifted(shift, dir.path(), &sbx.base, &create).await;
    for renewal in 1..=2 {
        let end = ms(&sub, "currentPeriodEnd");
        let at = DateTime::<Utc>::from_timestamp_millis(ms(&sub, "nextChargeAt"))
            .unwrap_or_else(|| panic!("next charge time: {sub}"));
        let next = sub["nextChargeMerchantUid"].as_str().unwrap_or_default();
        let schedule = sbx.client().schedule_by_merchant_uid(next).await;
        assert!(
            schedule.is_ok_and(|s| s.schedule_status == iamport::ScheduleStatus::Scheduled),
            "renewal {renewal} ({shift}) is registered at Iamport before it is due"
        );
        sbx.advance_past(at).await;
        shifted(shift, dir.path(), &sbx.base, &["sync", "--once"]).await;
        sub = the_subscription(shift, dir.path(), &sbx.base).await;
        assert_eq!(
            sub["state"], "active",
            "renewal {renewal} ({shift}) paid: {sub}"
        );
        assert!(
            ms(&sub, "currentPeriodEnd") > end + 27 * DAY * 1000,
            "renewal {renewal} ({shift}) moved the period a month: {sub}"
        );
    }
    sbx.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renewals_run_on_iamports_clock_with_the_pc_a_year_ahead() {
    renewals_follow_iamports_clock("+365d", "cust_renew_ahead").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renewals_run_on_iamports_clock_with_the_pc_a_year_behind() {
    renewals_follow_iamports_clock("-365d", "cust_renew_behind").await;
}
