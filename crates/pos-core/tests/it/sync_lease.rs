//! One engine per data dir: the lease.

use chrono::{Duration, Utc};
use pos_core::sync::{Lease, SyncError};
use pos_core::Store;

fn open(dir: &std::path::Path) -> Store {
    Store::open(dir).unwrap_or_else(|e| panic!("open the store: {e}"))
}

#[test]
fn a_second_engine_is_refused_and_told_who_holds_the_lease() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let (a, b) = (open(dir.path()), open(dir.path()));
    let first = Lease::acquire(&a, "app").unwrap_or_else(|e| panic!("first lease: {e}"));
    match Lease::acquire(&b, "posctl") {
        Err(SyncError::LeaseHeld { holder, pid, .. }) => {
            assert_eq!(holder, first.holder(), "the message names the holder");
            assert_eq!(pid, i64::from(std::process::id()), "and its pid");
        }
        other => panic!("the second engine must be refused, got {other:?}"),
    }
    let message = Lease::acquire(&b, "posctl")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        message.contains("이미 실행 중") && message.contains("PID"),
        "Korean message names holder and pid: {message}"
    );
}

#[test]
fn a_released_lease_can_be_taken_by_the_next_engine() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let (a, b) = (open(dir.path()), open(dir.path()));
    let first = Lease::acquire(&a, "app").unwrap_or_else(|e| panic!("first lease: {e}"));
    assert!(first.release().is_ok(), "clean release");
    assert!(
        Lease::acquire(&b, "posctl").is_ok(),
        "free again after a clean stop"
    );
}

#[test]
fn a_lease_with_a_stale_heartbeat_is_taken_over() {
    let store = pos_core::Store::open_in_memory().unwrap_or_else(|e| panic!("store: {e}"));
    let old = Utc::now() - Duration::seconds(60);
    let ghost = store.take_lease_if("ghost-1", i64::from(std::process::id()), old, |_| false);
    assert!(ghost.is_ok(), "a holder that stopped renewing a minute ago");
    assert!(
        Lease::acquire(&store, "app").is_ok(),
        "a heartbeat older than 30 s is abandoned"
    );
}

#[test]
fn a_lease_of_a_dead_process_is_taken_over_at_once() {
    let store = pos_core::Store::open_in_memory().unwrap_or_else(|e| panic!("store: {e}"));
    let mut child = std::process::Command::new("true")
        .spawn()
        .unwrap_or_else(|e| panic!("spawn: {e}"));
    let pid = i64::from(child.id());
    assert!(child.wait().is_ok(), "the child exits and is reaped");
    let dead = store.take_lease_if("killed-1", pid, Utc::now(), |_| false);
    assert!(
        dead.is_ok(),
        "a fresh heartbeat from a process that is gone"
    );
    assert!(
        Lease::acquire(&store, "app").is_ok(),
        "a dead pid frees the lease without waiting 30 s"
    );
}

#[test]
fn a_lease_taken_over_is_reported_lost_on_renewal() {
    let store = pos_core::Store::open_in_memory().unwrap_or_else(|e| panic!("store: {e}"));
    let mine = Lease::acquire(&store, "app").unwrap_or_else(|e| panic!("lease: {e}"));
    assert!(
        store.release_lease(mine.holder()).unwrap_or(false),
        "someone removes it"
    );
    assert!(
        Lease::acquire(&store, "posctl").is_ok(),
        "and another engine takes it"
    );
    assert!(
        matches!(mine.renew(), Err(SyncError::LeaseLost { .. })),
        "the first engine learns it lost the lease"
    );
}
