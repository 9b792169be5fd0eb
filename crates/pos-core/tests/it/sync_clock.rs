//! The engine's status says which clock times the money: Iamport's offset from this PC's, or
//! nothing while Iamport's time is unknown.

use std::sync::Arc;
use std::time::{Duration, Instant};

use pos_core::sync::{CheckoutWork, SyncEngine, SyncHandle, SyncStatus};

use super::sync_support::{client, fast_options, sandbox, Control, Net};
use crate::relay_support::{over_both, Backend};

async fn wait_for(engine: &SyncHandle, what: &str, done: impl Fn(&SyncStatus) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done(&engine.status()) {
        assert!(
            Instant::now() < deadline,
            "timed out waiting until {what}: {:?}",
            engine.status()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn the_status_shows_iamports_clock_offset_once_it_answered(backend: Backend) {
    let sb = sandbox(None, None).await;
    let net = Net::over(backend, &sb).await;
    Control::new(&sb.base_url()).advance_clock(86_400).await;
    net.sync_clock().await;
    let work = Arc::new(CheckoutWork);
    let c = net.client(Duration::from_secs(5));
    let engine = SyncEngine::start(
        net.book(super::store()),
        c,
        work.clone(),
        work,
        fast_options(),
        "app",
    )
    .await
    .unwrap_or_else(|e| panic!("engine: {e}"));
    wait_for(&engine, "a first cycle", |s| s.last_success_at.is_some()).await;
    let offset = engine.status().clock_offset_secs;
    assert!(
        offset.is_some_and(|o| (86_390..=86_410).contains(&o)),
        "Iamport's clock is a day ahead of this machine's: {offset:?}"
    );
    assert!(engine.stop().await.is_ok(), "the engine stops");
    sb.shutdown().await;
}
over_both!(the_status_shows_iamports_clock_offset_once_it_answered);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_shows_no_offset_while_iamport_never_answered() {
    let work = Arc::new(CheckoutWork);
    let c = client("http://127.0.0.1:9", Duration::from_millis(500));
    let engine = SyncEngine::start(super::store(), c, work.clone(), work, fast_options(), "app")
        .await
        .unwrap_or_else(|e| panic!("engine: {e}"));
    wait_for(&engine, "the engine is offline", |s| !s.online).await;
    assert_eq!(
        engine.status().clock_offset_secs,
        None,
        "no offset is made up: this PC's clock stands in"
    );
    assert!(engine.stop().await.is_ok(), "the engine stops");
}
