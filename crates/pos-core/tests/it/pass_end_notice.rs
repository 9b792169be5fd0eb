//! The "이용권 만료 예정" desktop notice over a real order book: said once per end date, not
//! every look, not again after the app starts again; a new end is news again.

use std::path::Path;

use chrono::{DateTime, Duration, TimeZone, Utc};
use pos_core::notices::{decide_remembered, Changes, Notice, NoticeKind, Said};
use pos_core::{OrderPatch, OrderState, Store};

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn book(dir: &Path) -> Store {
    crate::sandbox_book(dir).unwrap_or_else(|e| panic!("the book opens: {e}"))
}

/// 2026-11-01 10:00 KST.
fn first_paid_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 1, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("valid test time"))
}

/// A 1-month pass paid (as Iamport says) at `paid_at`.
fn paid_pass(book: &Store, paid_at: DateTime<Utc>, n: u64) {
    let order = crate::card_order(book, "pass_1m");
    let patch = OrderPatch {
        imp_uid: Some(format!("imp_{:012}", 100_000_000_000 + n)),
        paid_at: Some(paid_at),
        ..OrderPatch::default()
    };
    book.apply_transition(&order, OrderState::Paid, "test_paid", &patch)
        .unwrap_or_else(|e| panic!("paid: {e}"));
}

/// One look of the app's follower at `now` (Iamport's clock), nothing else new.
fn look(book: &Store, said: &mut Said, now: DateTime<Utc>) -> Vec<NoticeKind> {
    let pass_ends_at = book
        .pass_end_at(now)
        .unwrap_or_else(|e| panic!("entitlement: {e}"));
    let changes = Changes {
        order_events: &[],
        subscription_events: &[],
        parked_jobs: &[],
        pass_ends_at,
        now,
    };
    let notices: Vec<Notice> =
        decide_remembered(book, changes, said).unwrap_or_else(|e| panic!("decide: {e}"));
    notices.into_iter().map(|n| n.kind).collect()
}

fn restored(book: &Store) -> Said {
    Said::restore(book).unwrap_or_else(|e| panic!("restore: {e}"))
}

#[test]
fn the_pass_end_is_announced_once_and_not_again_after_a_restart() {
    let dir = tempdir();
    let first = book(dir.path());
    paid_pass(&first, first_paid_at(), 1);
    let end = first_paid_at() + Duration::days(30); // 1 Nov + 1 month = 1 Dec
    let mut said = restored(&first);
    assert!(
        look(&first, &mut said, end - Duration::days(8)).is_empty(),
        "8 days before the end: not yet"
    );
    assert_eq!(
        look(&first, &mut said, end - Duration::days(6)),
        [NoticeKind::PassEndsSoon],
        "6 days before the end: said"
    );
    assert!(
        look(
            &first,
            &mut said,
            end - Duration::days(6) + Duration::minutes(5)
        )
        .is_empty(),
        "the next look says nothing again"
    );
    drop(first);

    let again = book(dir.path());
    let mut after_restart = restored(&again);
    assert!(
        look(&again, &mut after_restart, end - Duration::days(5)).is_empty(),
        "the app started again: the same end is not said again"
    );
}

#[test]
fn a_pass_bought_before_the_end_moves_it_and_the_new_end_is_announced_again() {
    let dir = tempdir();
    let first = book(dir.path());
    paid_pass(&first, first_paid_at(), 1);
    let end = first_paid_at() + Duration::days(30);
    let mut said = restored(&first);
    assert_eq!(
        look(&first, &mut said, end - Duration::days(6)),
        [NoticeKind::PassEndsSoon],
        "the first end is said"
    );
    paid_pass(&first, end - Duration::days(5), 2);
    drop(first);

    let again = book(dir.path());
    let mut said = restored(&again);
    let new_end = end + Duration::days(31); // 1 Dec + 1 month = 1 Jan
    assert!(
        look(&again, &mut said, end - Duration::days(4)).is_empty(),
        "the music now runs to 1 Jan: nothing to say yet"
    );
    assert_eq!(
        look(&again, &mut said, new_end - Duration::days(6)),
        [NoticeKind::PassEndsSoon],
        "the new end is news"
    );
}

#[test]
fn a_book_that_was_never_told_anything_restores_to_nothing_said() {
    let dir = tempdir();
    let store = book(dir.path());
    paid_pass(&store, first_paid_at(), 1);
    let end = first_paid_at() + Duration::days(30);
    assert!(
        look(&store, &mut Said::default(), end - Duration::days(8)).is_empty(),
        "8 days out: nothing said, nothing remembered"
    );
    assert_eq!(
        look(&store, &mut restored(&store), end - Duration::days(6)),
        [NoticeKind::PassEndsSoon],
        "a look that said nothing remembered nothing"
    );
}

#[tokio::test]
async fn a_subscription_cancelled_at_its_period_end_is_announced_seven_days_before_and_not_after_a_resume(
) {
    use crate::subscription_support::{subscribed, Sbx};

    let sbx = Sbx::start().await;
    let subs = sbx.subs();
    let sub = subscribed(&sbx, &subs, "cust_ends").await;
    let end = sub
        .current_period_end
        .unwrap_or_else(|| panic!("the first period has an end: {sub:?}"));
    let week_before = end - Duration::days(6);
    assert_eq!(
        look(&subs.store, &mut Said::default(), week_before),
        Vec::<NoticeKind>::new(),
        "a subscription that renews: its period end is not announced"
    );
    let now = sbx.now().await;
    subs.cancel(&sub.id, now)
        .await
        .unwrap_or_else(|e| panic!("cancel at period end: {e}"));
    let mut said = Said::default();
    assert!(
        look(&subs.store, &mut said, end - Duration::days(8)).is_empty(),
        "cancelled: 8 days before its end, not yet"
    );
    assert_eq!(
        look(&subs.store, &mut said, week_before),
        [NoticeKind::PassEndsSoon],
        "cancelled: 6 days before its end, the owner is told the music ends"
    );
    subs.resume(&sub.id, now)
        .await
        .unwrap_or_else(|e| panic!("resume: {e}"));
    assert!(
        look(&subs.store, &mut Said::default(), week_before).is_empty(),
        "resumed: it renews again, nothing to announce"
    );
    sbx.stop().await;
}
