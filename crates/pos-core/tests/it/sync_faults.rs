//! Faults injected by the sandbox (5xx, held replies, dropped connections): every order
//! converges to Iamport's truth and every refund is executed exactly once.

use std::time::Duration;

use pos_core::checkout::{request_refund, RefundRequest};
use pos_core::{OrderState, PayMethod};
use serde_json::json;

use super::sync_support::{client, new_order, run_once, sandbox, scaled, Control, Net};
use crate::relay_support::{over_both, Backend};

/// What an order should end as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Paid,
    VbankWaiting,
    VbankDeposited,
    Refunded,
}

// Through the relay the faults strike between the relay and Iamport; the relay gives up on a
// held reply after 300 ms and the store's client waits longer, so the store sees what the relay
// makes of each fault (unreachable, failing, or outcome unknown). 100 orders there: every
// request costs the relay a database round trip or two, and the point is the same. The store's
// rate limit is raised: the rounds run back to back with 20 ms job backoffs, far more often than
// an engine does, and on an unloaded machine every job retried after a round's poll found the
// bucket empty round after round (3 refunds left after 80 rounds, 5 of 5 runs). The limit has
// its own test (`sync_rate_limit`).
async fn under_heavy_faults_every_order_converges_and_every_refund_happens_once(backend: Backend) {
    let n = match backend {
        Backend::Direct => scaled(1000),
        Backend::Relay => scaled(100),
    };
    let sb = sandbox(None, None).await;
    let net = Net::over_impatient(backend, &sb, Duration::from_millis(300)).await;
    net.set_rate(1000).await;
    let ctl = Control::new(&sb.base_url());
    let healthy = client(&sb.base_url(), Duration::from_secs(5));
    let store = net.book(super::store());
    let mut book = Vec::new();
    for i in 0..n {
        let kind = match i % 5 {
            0 | 1 => Kind::Refunded,
            2 => Kind::Paid,
            3 => Kind::VbankWaiting,
            _ => Kind::VbankDeposited,
        };
        let vbank = matches!(kind, Kind::VbankWaiting | Kind::VbankDeposited);
        let method = if vbank {
            PayMethod::Vbank
        } else {
            PayMethod::Card
        };
        let o = new_order(&store, method);
        let imp_uid = if vbank {
            ctl.pay(&o.merchant_uid, o.amount, "vbank", "ready").await
        } else {
            ctl.pay(&o.merchant_uid, o.amount, "card", "paid").await
        };
        book.push((o.merchant_uid, imp_uid, kind));
    }
    let first = run_once(&store, &net.client(Duration::from_secs(5))).await;
    assert!(first.is_ok(), "a healthy first cycle: {first:?}");
    for (merchant_uid, _, kind) in &book {
        if *kind == Kind::Refunded {
            let req = RefundRequest {
                amount: None,
                reason: "고객 요청".into(),
                refund_account: None,
            };
            assert!(
                request_refund(&store, merchant_uid, &req).is_ok(),
                "refund queued for {merchant_uid}"
            );
        }
    }

    ctl.faults(json!({"error_rate": 0.2, "timeout_rate": 0.1, "drop_rate": 0.05, "seed": 6}))
        .await;
    for (_, imp_uid, kind) in &book {
        if *kind == Kind::VbankDeposited {
            ctl.deposit(imp_uid).await;
        }
    }
    let faulty = match backend {
        Backend::Direct => net.client(Duration::from_millis(300)),
        Backend::Relay => net.client(Duration::from_millis(1500)),
    };
    let mut rounds = 0;
    let mut failed_rounds = 0;
    loop {
        rounds += 1;
        if run_once(&store, &faulty).await.is_err() {
            failed_rounds += 1;
        }
        let q = store
            .queue_summary()
            .unwrap_or_else(|e| panic!("queue: {e}"));
        let open_vbanks_paid = book
            .iter()
            .filter(|(m, _, k)| {
                *k == Kind::VbankDeposited
                    && store.order(m).map(|o| o.state).ok() != Some(OrderState::Paid)
            })
            .count();
        if q.pending == 0 && open_vbanks_paid == 0 || rounds >= 80 {
            break;
        }
    }
    ctl.faults(json!({})).await;
    eprintln!(
        "faults ({backend:?}): {n} orders converged in {rounds} rounds ({failed_rounds} with errors)"
    );

    let q = store
        .queue_summary()
        .unwrap_or_else(|e| panic!("queue: {e}"));
    let open = store
        .list_jobs(pos_core::store::JobFilter::Open, 5)
        .unwrap_or_default();
    assert_eq!(
        (q.pending, q.needs_attention),
        (0, 0),
        "nothing lost, nothing parked after {rounds} rounds: {open:?}"
    );
    for (merchant_uid, imp_uid, kind) in &book {
        let state = store.order(merchant_uid).map(|o| o.state).ok();
        let expected = match kind {
            Kind::Paid | Kind::VbankDeposited => OrderState::Paid,
            Kind::VbankWaiting => OrderState::VbankIssued,
            Kind::Refunded => OrderState::Refunded,
        };
        assert_eq!(
            state,
            Some(expected),
            "{merchant_uid} ({kind:?}) matches Iamport"
        );
        let p = healthy
            .payment(imp_uid)
            .await
            .unwrap_or_else(|e| panic!("lookup {imp_uid}: {e}"));
        let cancels = if *kind == Kind::Refunded { 1 } else { 0 };
        assert_eq!(
            p.cancel_history.len(),
            cancels,
            "{merchant_uid}: refunded exactly {cancels} time(s)"
        );
    }
    sb.shutdown().await;
}
over_both!(under_heavy_faults_every_order_converges_and_every_refund_happens_once);
