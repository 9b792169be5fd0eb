//! `posctl sync` and `posctl jobs` as a shop owner runs them, against the sandbox.

use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

use iamport_sandbox::{DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET};
use pos_core::sync::{CheckoutWork, SyncEngine};
use pos_core::{JobState, NewJob, OrderState, PayMethod};

use super::sync_support::{
    client, fast_options, new_order, run_once, run_once_with, sandbox, Control, Net,
};
use crate::relay_support::{over_both, Backend};

fn posctl(dir: &std::path::Path, base: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_posctl"))
        .arg("--data-dir")
        .arg(dir)
        .args(["--api-base", base, "--imp-key", DEFAULT_IMP_KEY])
        .args(args)
        .env_remove("IAMPORT_KEY")
        .env("IAMPORT_SECRET", DEFAULT_IMP_SECRET)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run posctl {args:?}: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn sync_once_prints_what_it_did_and_brings_orders_to_iamports_truth(backend: Backend) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    let ctl = Control::new(&sb.base_url());
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let store = net.book(crate::sandbox_book(dir.path()).unwrap_or_else(|e| panic!("store: {e}")));
    let orders: Vec<_> = (0..3).map(|_| new_order(&store, PayMethod::Card)).collect();
    for o in &orders {
        ctl.pay(&o.merchant_uid, o.amount, "card", "paid").await;
    }
    let posctl = |args: &[&str]| {
        net.posctl(dir.path())
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

// The tests below run direct only: what they check happens on the PC (the engine lease, a job
// no executor knows, the give-up rule, SIGTERM), the same whichever Iamport answers.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posctl_refuses_to_sync_while_the_app_holds_the_lease_and_names_it() {
    let sb = sandbox(None, None).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let store = crate::sandbox_book(dir.path()).unwrap_or_else(|e| panic!("store: {e}"));
    let work = Arc::new(CheckoutWork);
    let c = client(&sb.base_url(), Duration::from_secs(5));
    let app = SyncEngine::start(store, c, work.clone(), work, fast_options(), "app")
        .await
        .unwrap_or_else(|e| panic!("the app's engine: {e}"));
    let holder = app.status().lease_holder.unwrap_or_default();
    let out = posctl(dir.path(), &sb.base_url(), &["sync", "--once"]);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "a second engine exits non-zero");
    assert!(
        stderr.contains(&holder) && stderr.contains("PID"),
        "stderr names the holder and pid: {stderr}"
    );
    assert!(app.stop().await.is_ok(), "the app stops cleanly");
    let after = posctl(dir.path(), &sb.base_url(), &["sync", "--once"]);
    assert!(
        after.status.success(),
        "once the app stopped, posctl may sync: {}",
        text(&after.stderr)
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parked_job_is_listed_and_can_be_retried_once() {
    let sb = sandbox(None, None).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let store = crate::sandbox_book(dir.path()).unwrap_or_else(|e| panic!("store: {e}"));
    let id = store
        .enqueue_job(&NewJob {
            kind: "frobnicate".into(),
            merchant_uid: "order_unknown".into(),
            payload: serde_json::json!({}),
            run_at: None,
        })
        .unwrap_or_else(|e| panic!("enqueue: {e}"));
    let report = run_once(&store, &client(&sb.base_url(), Duration::from_secs(5)))
        .await
        .unwrap_or_else(|e| panic!("cycle: {e}"));
    assert_eq!(
        report.jobs_parked, 1,
        "a job no executor knows is parked, not retried forever"
    );
    let list = posctl(dir.path(), &sb.base_url(), &["jobs", "list", "--json"]);
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
    let retry = posctl(
        dir.path(),
        &sb.base_url(),
        &["jobs", "retry", &id.to_string()],
    );
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
    let again = posctl(
        dir.path(),
        &sb.base_url(),
        &["jobs", "retry", &id.to_string()],
    );
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_past_its_give_up_point_is_abandoned_after_a_last_check_unless_paid() {
    let sb = sandbox(None, None).await;
    let ctl = Control::new(&sb.base_url());
    let store = super::store();
    let unpaid = new_order(&store, PayMethod::Card);
    let paid = new_order(&store, PayMethod::Card);
    ctl.pay(&paid.merchant_uid, paid.amount, "card", "paid")
        .await;
    let mut options = fast_options();
    options.policy.give_up_after = Duration::ZERO;
    let report = run_once_with(
        &store,
        &client(&sb.base_url(), Duration::from_secs(5)),
        options,
    )
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_watch_stops_cleanly_on_sigterm_and_releases_the_lease() {
    let sb = sandbox(None, None).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let store = crate::sandbox_book(dir.path()).unwrap_or_else(|e| panic!("store: {e}"));
    let child = Command::new(env!("CARGO_BIN_EXE_posctl"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--api-base", &sb.base_url(), "--imp-key", DEFAULT_IMP_KEY])
        .args(["sync", "--watch"])
        .env_remove("IAMPORT_KEY")
        .env("IAMPORT_SECRET", DEFAULT_IMP_SECRET)
        .stdin(Stdio::null())
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
