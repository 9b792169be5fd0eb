//! One engine per data dir: a second one is refused and told who holds the lease, and an engine
//! whose lease another process takes over stops instead of running beside it.

use std::sync::Arc;
use std::time::Duration;

use pos_core::sync::{CheckoutWork, SyncEngine, SyncError};
use pos_core::Store;

use super::store;
use crate::relay_support::{over_both, Backend};
use crate::sync_support::{fast_options, sandbox, Net};

async fn only_one_engine_runs_on_a_data_dir_and_the_other_names_the_holder(backend: Backend) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let open = || net.book(Store::open(dir.path()).unwrap_or_else(|e| panic!("store: {e}")));
    let work = Arc::new(CheckoutWork);
    let c = net.client(Duration::from_secs(5));
    let first = SyncEngine::start(
        open(),
        c.clone(),
        work.clone(),
        work.clone(),
        fast_options(),
        "app",
    )
    .await
    .unwrap_or_else(|e| panic!("first engine: {e}"));
    let second = SyncEngine::start(
        open(),
        c.clone(),
        work.clone(),
        work.clone(),
        fast_options(),
        "posctl",
    )
    .await;
    let holder = first.status().lease_holder.unwrap_or_default();
    match second {
        Err(SyncError::LeaseHeld { holder: named, .. }) => {
            assert_eq!(named, holder, "the refusal names the app")
        }
        Err(e) => panic!("expected LeaseHeld, got {e}"),
        Ok(_) => panic!("a second engine must not run"),
    }
    assert!(first.stop().await.is_ok(), "the first stops cleanly");
    let third = SyncEngine::start(open(), c, work.clone(), work, fast_options(), "posctl").await;
    assert!(third.is_ok(), "after a clean stop the lease is free");
    if let Ok(engine) = third {
        assert!(engine.stop().await.is_ok(), "stop");
    }
    sb.shutdown().await;
}
over_both!(only_one_engine_runs_on_a_data_dir_and_the_other_names_the_holder);

async fn an_engine_whose_lease_is_taken_over_stops_and_says_so(backend: Backend) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    let store = net.book(store());
    let options = pos_core::sync::SyncOptions {
        heartbeat: Duration::from_millis(50),
        ..fast_options()
    };
    let work = Arc::new(CheckoutWork);
    let client = net.client(Duration::from_secs(5));
    let engine = SyncEngine::start(store.clone(), client, work.clone(), work, options, "app")
        .await
        .unwrap_or_else(|e| panic!("engine: {e}"));
    let taken = store.take_lease_if("intruder-1", 1, chrono::Utc::now(), |_| true);
    assert!(taken.is_ok(), "another process takes the lease over");
    let mut status = engine.status();
    for _ in 0..200 {
        status = engine.status();
        if status.stopped {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        status.stopped,
        "the engine stops instead of running beside the new holder"
    );
    assert!(
        status
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("잠금을 잃었습니다")),
        "and the status says why: {status:?}"
    );
    let holder = store.engine_lease().ok().flatten().map(|l| l.holder);
    assert_eq!(
        holder.as_deref(),
        Some("intruder-1"),
        "the new holder keeps its lease"
    );
    assert!(engine.stop().await.is_ok(), "stop after the loop ended");
    sb.shutdown().await;
}
over_both!(an_engine_whose_lease_is_taken_over_stops_and_says_so);
