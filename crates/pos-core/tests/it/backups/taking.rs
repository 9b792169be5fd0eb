//! Taking backups: consistent under a concurrent writer, 30 kept with a copy in the owner's folder,
//! and an unreachable owner folder.

use super::{book, committed_orders};
use crate::card_order;
use crate::posctl_support::{posctl_cmd, stderr, tempdir};
use chrono::Utc;
use pos_core::backup::{self, BackupReason};
use pos_core::settings::Mode;
use pos_core::store::book_path;
use std::process::Stdio;
use std::time::{Duration, Instant};

#[test]
fn a_backup_taken_during_a_write_load_restores_every_order_committed_before_it() {
    let dir = tempdir();
    let db = book_path(dir.path(), Mode::Sandbox);
    drop(book(dir.path(), Mode::Sandbox));
    // Another process writes 1,000 orders, one transaction each, while the backup is taken.
    let writer = posctl_cmd(
        dir.path(),
        &[
            "--mode", "sandbox", "orders", "create", "--plan", "pass_1m", "--count", "1000",
        ],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap_or_else(|e| panic!("the writer starts: {e}"));
    let deadline = Instant::now() + Duration::from_secs(120);
    while committed_orders(&db).len() < 100 {
        assert!(
            Instant::now() < deadline,
            "the writer commits 100 orders within 2 minutes"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let before = committed_orders(&db);
    let (taken, _) = backup::create_in_book(
        dir.path(),
        Mode::Sandbox,
        None,
        BackupReason::Manual,
        Utc::now(),
    )
    .unwrap_or_else(|e| panic!("a backup is taken while the writer runs: {e}"));
    let writer = writer
        .wait_with_output()
        .unwrap_or_else(|e| panic!("the writer ends: {e}"));
    assert!(
        writer.status.success(),
        "the writer succeeds: {}",
        stderr(&writer)
    );
    let all = committed_orders(&db);
    assert_eq!(all.len(), 1000, "the writer committed all 1,000 orders");
    assert!(
        (taken.order_count as usize) < all.len(),
        "the backup was taken in the middle of the load ({} of 1,000 orders)",
        taken.order_count
    );

    let report = backup::restore(dir.path(), Mode::Sandbox, &taken.path, Utc::now())
        .unwrap_or_else(|e| panic!("the backup restores: {e}"));
    let restored = committed_orders(&db);
    let missing: Vec<_> = before.difference(&restored).collect();
    assert!(
        missing.is_empty(),
        "every order committed before the backup is restored; missing {missing:?}"
    );
    assert!(
        restored.is_subset(&all),
        "the restored book holds only orders that were really committed"
    );
    assert_eq!(
        report.order_count as usize,
        restored.len(),
        "the report counts the restored book"
    );
    assert_eq!(
        restored.len() as i64,
        taken.order_count,
        "the restored book is the backup, order for order"
    );
    let aside = report
        .kept_aside
        .unwrap_or_else(|| panic!("the replaced book is kept aside"));
    assert_eq!(
        aside.order_count, 1000,
        "the book that was replaced is kept whole as a backup"
    );
    assert_eq!(
        committed_orders(&aside.path),
        all,
        "the kept-aside copy holds every order of the replaced book"
    );
    let store = book(dir.path(), Mode::Sandbox);
    assert!(
        store
            .integrity_problems()
            .map(|p| p.is_empty())
            .unwrap_or(false),
        "the restored book is sound"
    );
}

#[test]
fn thirty_backups_are_kept_and_the_owner_folder_gets_a_copy() {
    let dir = tempdir();
    let usb = tempdir();
    let store = book(dir.path(), Mode::Sandbox);
    card_order(&store, "pass_1m");
    let start = Utc::now() - chrono::Duration::days(40);
    let mut names = Vec::new();
    for day in 0..32 {
        let at = start + chrono::Duration::days(day);
        let (info, problem) = backup::create_in_book(
            dir.path(),
            Mode::Sandbox,
            Some(usb.path()),
            BackupReason::Daily,
            at,
        )
        .unwrap_or_else(|e| panic!("backup {day}: {e}"));
        assert!(
            problem.is_none(),
            "the copy to the owner's folder works: {problem:?}"
        );
        names.push(info.path.file_name().map(|n| n.to_owned()));
    }
    let kept = backup::list(&backup::book_backup_dir(dir.path(), Mode::Sandbox))
        .unwrap_or_else(|e| panic!("list: {e}"));
    assert_eq!(kept.len(), backup::KEEP, "30 backups are kept");
    let kept_names: Vec<_> = kept
        .iter()
        .map(|b| b.path.file_name().map(|n| n.to_owned()))
        .collect();
    assert!(
        !kept_names.contains(&names[0]) && !kept_names.contains(&names[1]),
        "the two oldest are gone"
    );
    assert_eq!(kept_names.first(), names.last(), "the list is newest first");
    let copies = backup::list(&backup::external_backup_dir(usb.path(), Mode::Sandbox))
        .unwrap_or_else(|e| panic!("list the copies: {e}"));
    assert_eq!(
        copies.len(),
        backup::KEEP,
        "the owner's folder keeps 30 too"
    );
    assert_eq!(copies[0].order_count, 1, "a copy is a readable backup");
}

#[test]
fn an_unreachable_owner_folder_does_not_stop_the_backup() {
    let dir = tempdir();
    drop(book(dir.path(), Mode::Sandbox));
    // A file where the folder should be: like a USB stick that is not plugged in.
    let blocked = dir.path().join("usb");
    std::fs::write(&blocked, "not a folder").unwrap_or_else(|e| panic!("write: {e}"));
    let (info, problem) = backup::create_in_book(
        dir.path(),
        Mode::Sandbox,
        Some(&blocked),
        BackupReason::Daily,
        Utc::now(),
    )
    .unwrap_or_else(|e| panic!("the book's own backup is made: {e}"));
    assert!(info.path.exists(), "the backup in the data dir exists");
    assert!(problem.is_some(), "the failed copy is reported");
}
