//! `posctl sync` and `posctl jobs` as a shop owner runs them, against the sandbox.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use pos_core::sync::{CheckoutWork, SyncEngine};
use pos_core::{JobState, NewJob, OrderState, PayMethod};

use super::sync_support::{
    fast_options, new_order, run_once, run_once_with, sandbox, Control, Net,
};
use crate::relay_support::{over_both, Backend};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn sync_once_prints_what_it_did_and_brings_orders_to_iamports_truth(backend: Backend) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    let ctl = Control::new(&sb.base_url());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    net.prepare_dir(dir.path());
    let store = net.book_of(dir.path());
    let orders: Vec<_> = (0..3).map(|_| new_order(&store, PayMethod::Card)).collect();
    for o in &orders {
        ctl.pay(&o.merchant_uid, o.amount, "card", "paid").await;
    }
    let posctl = |args: &[&str]| {
        net.shop_posctl(dir.path())
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("run posctl {args:?}: {e}"))
    };
    let out = posctl(&["sync", "--once", "--json"]);
    assert!(
        out.status.success(),
        "sync --once exits 0: {}",
        text(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON summary: {e}: {}", text(&out.stdout)));
    assert_eq!(report["transitions"], 3, "three orders changed: {report}");
    assert!(
        report["restCalls"].as_u64().is_some_and(|c| c <= 3),
        "a token and one feed page: {report}"
    );
    for o in &orders {
        assert_eq!(
            store.order(&o.merchant_uid).map(|o| o.state).ok(),
            Some(OrderState::Paid),
            "paid"
        );
    }
    let human = posctl(&["sync", "--once"]);
    assert!(
        text(&human.stdout).contains("동기화 완료"),
        "a Korean summary: {}",
        text(&human.stdout)
    );
    sb.shutdown().await;
}
over_both!(sync_once_prints_what_it_did_and_brings_orders_to_iamports_truth);

// The tests below check what happens on the PC (the engine lease, a job no executor knows, the
// give-up rule, SIGTERM); each also reaches Iamport (the engine's cycles, the last check), so
// each runs direct and through the relay, posctl in 중계 서버 mode from the app's settings.

async fn posctl_refuses_to_sync_while_the_app_holds_the_lease_and_names_it(backend: Backend) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    net.prepare_dir(dir.path());
    let store = net.book_of(dir.path());
    let posctl = |args: &[&str]| {
        net.shop_posctl(dir.path())
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("run posctl {args:?}: {e}"))
    };
    let work = Arc::new(CheckoutWork);
    let c = net.client(Duration::from_secs(5));
    let app = SyncEngine::start(store, c, work.clone(), work, fast_options(), "app")
        .await
        .unwrap_or_else(|e| panic!("the app's engine: {e}"));
    let holder = app.status().lease_holder.unwrap_or_default();
    let out = posctl(&["sync", "--once"]);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "a second engine exits non-zero");
    assert!(
        stderr.contains(&holder) && stderr.contains("PID"),
        "stderr names the holder and pid: {stderr}"
    );
    assert!(app.stop().await.is_ok(), "the app stops cleanly");
    let after = posctl(&["sync", "--once"]);
    assert!(
        after.status.success(),
        "once the app stopped, posctl may sync: {}",
        text(&after.stderr)
    );
    sb.shutdown().await;
}
over_both!(posctl_refuses_to_sync_while_the_app_holds_the_lease_and_names_it);

async fn a_parked_job_is_listed_and_can_be_retried_once(backend: Backend) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    net.prepare_dir(dir.path());
    let store = net.book_of(dir.path());
    let posctl = |args: &[&str]| {
        net.shop_posctl(dir.path())
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("run posctl {args:?}: {e}"))
    };
    let id = store
        .enqueue_job(&NewJob {
            kind: "frobnicate".into(),
            merchant_uid: net.uid("order_unknown"),
            payload: serde_json::json!({}),
            run_at: None,
        })
        .unwrap_or_else(|e| panic!("enqueue: {e}"));
    let report = run_once(&store, &net.client(Duration::from_secs(5)))
        .await
        .unwrap_or_else(|e| panic!("cycle: {e}"));
    assert_eq!(
        report.jobs_parked, 1,
        "a job no executor knows is parked, not retried forever"
    );
    let list = posctl(&["jobs", "list", "--json"]);
    let jobs: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap_or_default();
    assert_eq!(
        jobs[0]["state"], "needs_attention",
        "listed as needs attention: {jobs}"
    );
    assert!(
        jobs[0]["lastError"]
            .as_str()
            .is_some_and(|e| e.contains("frobnicate")),
        "with its reason: {jobs}"
    );
    let retry = posctl(&["jobs", "retry", &id.to_string()]);
    assert!(
        retry.status.success(),
        "retry exits 0: {}",
        text(&retry.stderr)
    );
    let state = store
        .list_jobs(pos_core::store::JobFilter::All, 10)
        .ok()
        .and_then(|j| j.first().map(|j| j.state));
    assert_eq!(state, Some(JobState::Pending), "back in the queue");
    let again = posctl(&["jobs", "retry", &id.to_string()]);
    assert!(
        !again.status.success(),
        "a job that is not parked cannot be retried"
    );
    assert!(
        text(&again.stderr).contains("확인 필요"),
        "and the message says why: {}",
        text(&again.stderr)
    );
    sb.shutdown().await;
}
over_both!(a_parked_job_is_listed_and_can_be_retried_once);

async fn an_order_past_its_give_up_point_is_abandoned_after_a_last_check_unless_paid(
    backend: Backend,
) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    let ctl = Control::new(&sb.base_url());
    let store = net.book(super::store());
    let unpaid = new_order(&store, PayMethod::Card);
    let paid = new_order(&store, PayMethod::Card);
    ctl.pay(&paid.merchant_uid, paid.amount, "card", "paid")
        .await;
    let mut options = fast_options();
    options.policy.give_up_after = Duration::ZERO;
    let report = run_once_with(&store, &net.client(Duration::from_secs(5)), options)
        .await
        .unwrap_or_else(|e| panic!("cycle: {e}"));
    assert_eq!(
        store.order(&unpaid.merchant_uid).map(|o| o.state).ok(),
        Some(OrderState::Abandoned),
        "no payment: given up"
    );
    assert_eq!(
        store.order(&paid.merchant_uid).map(|o| o.state).ok(),
        Some(OrderState::Paid),
        "a payment found: never abandoned"
    );
    assert_eq!(report.abandoned, 1, "one order given up: {report:?}");
    sb.shutdown().await;
}
over_both!(an_order_past_its_give_up_point_is_abandoned_after_a_last_check_unless_paid);

async fn sync_watch_stops_cleanly_on_sigterm_and_releases_the_lease(backend: Backend) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    net.prepare_dir(dir.path());
    let store = net.book_of(dir.path());
    let child = net
        .shop_posctl(dir.path())
        .args(["sync", "--watch"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn posctl: {e}"));
    let mut held = None;
    for _ in 0..200 {
        held = store.engine_lease().ok().flatten();
        if held.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(
        held.map(|l| l.pid),
        Some(i64::from(child.id())),
        "the watcher holds the lease"
    );
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap_or_else(|e| panic!("kill -TERM: {e}"));
    assert!(term.success(), "SIGTERM delivered");
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("wait: {e}"));
    assert!(out.status.success(), "a clean exit: {}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("멈췄습니다"),
        "it says it stopped: {}",
        text(&out.stderr)
    );
    assert_eq!(
        store.engine_lease().ok().flatten(),
        None,
        "the lease is released"
    );
    sb.shutdown().await;
}
over_both!(sync_watch_stops_cleanly_on_sigterm_and_releases_the_lease);
