//! Crashes: `posctl sync --watch` killed with SIGKILL at random moments while draining refund
//! jobs, and restarted each time. Nothing is lost, nothing is refunded twice, and the database
//! stays sound.

use std::process::{Command, Stdio};
use std::time::Duration;

use pos_core::checkout::{request_refund, RefundRequest};
use pos_core::store::JobFilter;
use pos_core::{JobState, PayMethod};
use rand::{Rng, SeedableRng};

use super::sync_support::{client, new_order, run_once, sandbox, scaled, Control, Net};
use crate::relay_support::{over_both, Backend};

fn posctl(dir: &std::path::Path, net: &Net, mode: &str) -> Command {
    let mut cmd = net.posctl(dir);
    cmd.args(["sync", mode, "--http-timeout-ms", "2000"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

// Through the relay a killed posctl leaves writes the relay may have forwarded, recorded, and
// answered to nobody; the next posctl looks them up (and the relay answers a resend from its
// audit). 100 refunds there, enough to be killed mid-queue twenty times; the store's rate limit
// is raised, as draining 100 refunds at once is not what a shop does and the limit is not
// what this tests (the fault test meets it).
async fn sigkill_at_twenty_random_moments_loses_no_refund_and_doubles_none(backend: Backend) {
    let n = match backend {
        Backend::Direct => scaled(1000),
        Backend::Relay => scaled(100),
    };
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    net.set_rate(1000).await;
    let base = sb.base_url();
    let ctl = Control::new(&base);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let store = net.book(crate::sandbox_book(dir.path()).unwrap_or_else(|e| panic!("store: {e}")));
    let mut book = Vec::new();
    for _ in 0..n {
        let o = new_order(&store, PayMethod::Card);
        let imp_uid = ctl.pay(&o.merchant_uid, o.amount, "card", "paid").await;
        book.push((o.merchant_uid, imp_uid));
    }
    let c = client(&base, Duration::from_secs(5));
    assert!(
        run_once(&store, &net.client(Duration::from_secs(5)))
            .await
            .is_ok(),
        "all paid"
    );
    for (merchant_uid, _) in &book {
        let req = RefundRequest {
            amount: None,
            reason: "고객 요청".into(),
            refund_account: None,
        };
        assert!(
            request_refund(&store, merchant_uid, &req).is_ok(),
            "refund queued"
        );
    }

    let mut rng = rand::rngs::StdRng::seed_from_u64(20);
    for kill in 0..20 {
        let mut child = posctl(dir.path(), &net, "--watch")
            .spawn()
            .unwrap_or_else(|e| panic!("spawn posctl: {e}"));
        tokio::time::sleep(Duration::from_millis(rng.random_range(100..800))).await;
        assert!(child.kill().is_ok(), "SIGKILL #{kill}");
        assert!(child.wait().is_ok(), "reaped #{kill}");
    }
    let done_by_watch = store
        .list_jobs(JobFilter::State(JobState::Done), u32::MAX)
        .map(|j| j.len())
        .unwrap_or(0);
    assert!(
        done_by_watch > 0,
        "the killed engines did drain part of the queue"
    );
    let mut finals = 0;
    loop {
        finals += 1;
        let out = posctl(dir.path(), &net, "--once")
            .stderr(Stdio::piped())
            .output()
            .unwrap_or_else(|e| panic!("posctl --once: {e}"));
        assert!(
            out.status.success(),
            "a final sync --once succeeds: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let open = store
            .list_jobs(JobFilter::Open, 10)
            .map(|j| j.len())
            .unwrap_or(usize::MAX);
        if open == 0 || finals >= 5 {
            break;
        }
    }

    let jobs = store
        .list_jobs(JobFilter::All, u32::MAX)
        .unwrap_or_default();
    assert_eq!(
        jobs.len(),
        n,
        "one cancel job per refund, none lost or duplicated"
    );
    assert!(
        jobs.iter().all(|j| j.state == JobState::Done),
        "every job done: {:?}",
        jobs.iter().find(|j| j.state != JobState::Done)
    );
    let reclaimed = jobs.iter().filter(|j| j.attempts > 1).count();
    eprintln!("crash ({backend:?}): {n} refunds, 20 SIGKILLs, {done_by_watch} done by the killed engines, {reclaimed} jobs ran more than once, {finals} final --once runs");
    for (merchant_uid, imp_uid) in &book {
        let p = c
            .payment(imp_uid)
            .await
            .unwrap_or_else(|e| panic!("lookup: {e}"));
        assert_eq!(
            p.cancel_history.len(),
            1,
            "{merchant_uid} refunded exactly once"
        );
    }
    let conn = rusqlite::Connection::open(crate::sandbox_db(dir.path()))
        .unwrap_or_else(|e| panic!("open db: {e}"));
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("integrity_check: {e}"));
    assert_eq!(check, "ok", "the database survives twenty SIGKILLs");
    sb.shutdown().await;
}
over_both!(sigkill_at_twenty_random_moments_loses_no_refund_and_doubles_none);
