//! One order book per mode, and the one-time move of an old single book (made here by today's
//! `Store::open` on the data dir root, the way builds before the split kept it) into its book.

use std::path::Path;

use pos_core::checkout::{complete_payment, start_checkout, Buyer, CheckoutEnv};
use pos_core::settings::{Mode, Settings};
use pos_core::store::{book_path, clear_sandbox_book, sandbox_state_path, DB_FILE};
use pos_core::{OrderState, PayMethod, Store, StoreError};

use super::checkout_support::{client_of, start_sandbox};
use super::sync_support::Control;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn open_book(dir: &Path, mode: Mode) -> Store {
    Store::open_book(dir, mode).unwrap_or_else(|e| panic!("the {mode:?} book must open: {e}"))
}

fn order_count(store: &Store) -> i64 {
    store
        .list_orders(&Default::default())
        .map_or(-1, |page| page.total)
}

/// An old single book at the data dir root, as builds before the split made it.
fn old_book(dir: &Path) -> Store {
    Store::open(dir).unwrap_or_else(|e| panic!("the old book must open: {e}"))
}

fn write_settings(dir: &Path, text: &str) {
    std::fs::write(dir.join("settings.json"), text).unwrap_or_else(|e| panic!("settings: {e}"));
}

/// A paid card order in `store` through the Iamport at `base`; returns its merchant_uid.
async fn paid_order(store: &Store, base: &str) -> String {
    let client = client_of(base);
    let env = CheckoutEnv {
        settings: Settings::default(),
        api_base: base.to_owned(),
    };
    let ticket = start_checkout(
        store,
        Some(&client),
        &env,
        "pass_1m",
        PayMethod::Card,
        &Buyer::default(),
    )
    .await
    .unwrap_or_else(|e| panic!("checkout: {e}"));
    let imp_uid = Control::new(base)
        .pay(&ticket.merchant_uid, ticket.amount, "card", "paid")
        .await;
    let verified = complete_payment(store, &client, &ticket.merchant_uid, Some(&imp_uid))
        .await
        .unwrap_or_else(|e| panic!("verify: {e}"));
    assert_eq!(verified.order.state, OrderState::Paid, "the setup pays");
    ticket.merchant_uid
}

#[test]
fn each_mode_has_its_own_book_and_neither_sees_the_others_orders() {
    let dir = tempdir();
    let live = open_book(dir.path(), Mode::Live);
    let sandbox = open_book(dir.path(), Mode::Sandbox);
    let order = super::card_order(&live, "pass_1m");
    assert_eq!(
        live.path(),
        Some(book_path(dir.path(), Mode::Live).as_path()),
        "the live book is live/pos.sqlite3"
    );
    assert_eq!(
        sandbox.path(),
        Some(book_path(dir.path(), Mode::Sandbox).as_path()),
        "the sandbox book is sandbox/pos.sqlite3"
    );
    assert!(
        matches!(
            sandbox.order(&order.merchant_uid),
            Err(StoreError::OrderNotFound { .. })
        ),
        "a live order does not exist in the sandbox book"
    );
    assert_eq!(order_count(&sandbox), 0, "the sandbox book is empty");
    assert!(
        !dir.path().join(DB_FILE).exists(),
        "no book at the data dir root"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_book_of_sandbox_payments_only_moves_to_the_sandbox_book() {
    let dir = tempdir();
    // The old app's in-process sandbox kept its state at the data dir root.
    let sandbox = start_sandbox(Some(dir.path().join("sandbox-state.json")), None).await;
    let merchant_uid = {
        let old = old_book(dir.path());
        paid_order(&old, &sandbox.base_url()).await
    };
    sandbox.shutdown().await;

    let book = open_book(dir.path(), Mode::Sandbox);
    assert_eq!(
        book.order(&merchant_uid).map(|o| o.state).ok(),
        Some(OrderState::Paid),
        "the sandbox order is in the sandbox book"
    );
    assert!(
        !dir.path().join(DB_FILE).exists(),
        "the old file left the root"
    );
    assert!(
        sandbox_state_path(dir.path()).exists(),
        "the sandbox's saved state moved beside the sandbox book"
    );
    assert!(
        !book_path(dir.path(), Mode::Live).exists(),
        "no live book was made"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_book_with_a_payment_the_sandbox_never_saw_moves_to_the_live_book() {
    let dir = tempdir();
    let own_sandbox = start_sandbox(Some(dir.path().join("sandbox-state.json")), None).await;
    let real_iamport = start_sandbox(None, None).await;
    let (test_order, live_order) = {
        let old = old_book(dir.path());
        (
            paid_order(&old, &own_sandbox.base_url()).await,
            paid_order(&old, &real_iamport.base_url()).await,
        )
    };
    own_sandbox.shutdown().await;

    let sandbox = open_book(dir.path(), Mode::Sandbox);
    assert_eq!(
        order_count(&sandbox),
        0,
        "nothing of a book with a live payment lands in the sandbox book"
    );
    let live = open_book(dir.path(), Mode::Live);
    for uid in [&test_order, &live_order] {
        assert_eq!(
            live.order(uid).map(|o| o.state).ok(),
            Some(OrderState::Paid),
            "{uid} kept in the live book"
        );
    }
    real_iamport.shutdown().await;
}

#[test]
fn an_old_book_goes_live_when_the_settings_say_live() {
    let dir = tempdir();
    drop(old_book(dir.path()));
    write_settings(
        dir.path(),
        r#"{"settings":{"mode":"live","merchantCode":"imp12345678"}}"#,
    );
    drop(open_book(dir.path(), Mode::Sandbox));
    assert!(
        book_path(dir.path(), Mode::Live).exists(),
        "a store in live mode keeps its old book as the live book"
    );
}

#[test]
fn an_old_book_goes_live_when_the_settings_cannot_be_read() {
    let dir = tempdir();
    drop(old_book(dir.path()));
    write_settings(dir.path(), "{ this is not json");
    drop(open_book(dir.path(), Mode::Sandbox));
    assert!(
        book_path(dir.path(), Mode::Live).exists(),
        "unknown mode: the old book is treated as live"
    );
}

#[test]
fn an_empty_old_book_of_a_sandbox_install_moves_to_the_sandbox_book() {
    let dir = tempdir();
    drop(old_book(dir.path()));
    let book = open_book(dir.path(), Mode::Sandbox);
    assert!(
        book.plans().is_ok_and(|plans| !plans.is_empty()),
        "the old book (with its plan catalog) is the sandbox book now"
    );
    assert!(!book_path(dir.path(), Mode::Live).exists(), "no live book");
}

#[test]
fn the_move_keeps_what_was_only_in_the_write_ahead_log() {
    let source = tempdir();
    let dir = tempdir();
    let store = old_book(source.path());
    let order = super::card_order(&store, "pass_1m");
    // A copy taken while the old app still ran: the order is in pos.sqlite3-wal only.
    for suffix in ["", "-wal"] {
        let name = format!("{DB_FILE}{suffix}");
        std::fs::copy(source.path().join(&name), dir.path().join(&name))
            .unwrap_or_else(|e| panic!("copy {name}: {e}"));
    }
    drop(store);
    let live = open_book(dir.path(), Mode::Live);
    assert!(
        live.order(&order.merchant_uid).is_ok(),
        "the order from the write-ahead log survived the move"
    );
    for suffix in ["", "-wal", "-shm"] {
        assert!(
            !dir.path().join(format!("{DB_FILE}{suffix}")).exists(),
            "pos.sqlite3{suffix} left the root"
        );
    }
}

#[test]
fn a_move_cut_short_before_the_rename_finishes_next_time_and_never_runs_twice() {
    let dir = tempdir();
    let order = {
        let store = old_book(dir.path());
        super::card_order(&store, "pass_1m")
    };
    // Where a crash could stop the move: the book folder exists, the old file is still at the root.
    std::fs::create_dir_all(dir.path().join("live")).unwrap_or_else(|e| panic!("mkdir: {e}"));
    let live = open_book(dir.path(), Mode::Live);
    assert_eq!(order_count(&live), 1, "the order moved");
    drop(live);
    let live = open_book(dir.path(), Mode::Live);
    assert_eq!(order_count(&live), 1, "opening again moves nothing twice");
    assert!(
        live.order(&order.merchant_uid).is_ok(),
        "the same order, once"
    );
}

#[test]
fn an_old_book_beside_a_new_book_of_its_mode_is_left_alone_with_a_clear_error() {
    let dir = tempdir();
    let existing = open_book(dir.path(), Mode::Live);
    let kept = super::card_order(&existing, "pass_1m");
    drop(existing);
    drop(old_book(dir.path()));
    write_settings(
        dir.path(),
        r#"{"settings":{"mode":"live","merchantCode":"imp12345678"}}"#,
    );
    let before = std::fs::read(book_path(dir.path(), Mode::Live)).ok();
    let refused = Store::open_book(dir.path(), Mode::Live).err();
    assert!(
        matches!(refused, Some(StoreError::LegacyConflict { .. })),
        "refused: {refused:?}"
    );
    assert!(
        refused.is_some_and(|e| e.to_string().contains("이전 주문 장부")),
        "a Korean message naming both books"
    );
    assert!(dir.path().join(DB_FILE).exists(), "the old file stays");
    assert_eq!(
        std::fs::read(book_path(dir.path(), Mode::Live)).ok(),
        before,
        "the new book is not touched"
    );
    let _ = std::fs::remove_file(dir.path().join(DB_FILE));
    let live = open_book(dir.path(), Mode::Live);
    assert!(
        live.order(&kept.merchant_uid).is_ok(),
        "the new book's order"
    );
}

#[test]
fn clearing_the_sandbox_book_leaves_the_live_book_byte_for_byte() {
    let dir = tempdir();
    let live = open_book(dir.path(), Mode::Live);
    let live_order = super::card_order(&live, "pass_1m");
    drop(live);
    let sandbox = open_book(dir.path(), Mode::Sandbox);
    super::card_order(&sandbox, "pass_1m");
    drop(sandbox);
    std::fs::write(sandbox_state_path(dir.path()), b"{}").unwrap_or_else(|e| panic!("state: {e}"));
    let live_bytes = std::fs::read(book_path(dir.path(), Mode::Live)).ok();

    clear_sandbox_book(dir.path()).unwrap_or_else(|e| panic!("clear: {e}"));

    assert!(
        !sandbox_state_path(dir.path()).exists(),
        "the sandbox's state is gone"
    );
    assert_eq!(
        order_count(&open_book(dir.path(), Mode::Sandbox)),
        0,
        "the sandbox book starts empty"
    );
    assert_eq!(
        std::fs::read(book_path(dir.path(), Mode::Live)).ok(),
        live_bytes,
        "the live book is byte for byte the same"
    );
    assert!(
        open_book(dir.path(), Mode::Live)
            .order(&live_order.merchant_uid)
            .is_ok(),
        "the live order is still there"
    );
}

#[test]
fn the_sandbox_book_is_not_cleared_while_another_engine_holds_its_lease() {
    let dir = tempdir();
    let sandbox = open_book(dir.path(), Mode::Sandbox);
    let order = super::card_order(&sandbox, "pass_1m");
    let lease = pos_core::sync::lease::Lease::acquire(&sandbox, "posctl")
        .unwrap_or_else(|e| panic!("lease: {e}"));
    let refused = clear_sandbox_book(dir.path()).err();
    assert!(
        matches!(refused, Some(StoreError::SandboxBookInUse { .. })),
        "refused while held: {refused:?}"
    );
    assert!(
        sandbox.order(&order.merchant_uid).is_ok(),
        "nothing was deleted"
    );
    lease.release().unwrap_or_else(|e| panic!("release: {e}"));
    drop(sandbox);
    clear_sandbox_book(dir.path()).unwrap_or_else(|e| panic!("clear once released: {e}"));
    assert_eq!(
        order_count(&open_book(dir.path(), Mode::Sandbox)),
        0,
        "cleared once the lease is released"
    );
}
