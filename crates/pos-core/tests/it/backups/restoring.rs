//! Restoring backups: refused while an engine runs or for a damaged, foreign or newer file, and one
//! book per mode.

use super::{book, RefusalCase};
use crate::card_order;
use crate::posctl_support::tempdir;
use chrono::Utc;
use pos_core::backup::{self, BackupError, BackupReason};
use pos_core::settings::Mode;
use pos_core::store::book_path;
use pos_core::sync::Lease;

#[test]
fn a_restore_is_refused_while_an_engine_holds_the_lease_and_changes_nothing() {
    let dir = tempdir();
    let store = book(dir.path(), Mode::Sandbox);
    card_order(&store, "pass_1m");
    let (taken, _) = backup::create_in_book(
        dir.path(),
        Mode::Sandbox,
        None,
        BackupReason::Manual,
        Utc::now(),
    )
    .unwrap_or_else(|e| panic!("backup: {e}"));
    card_order(&store, "pass_1m");
    // A running engine (this live process, heartbeat fresh) holds the book's lease.
    let lease = Lease::acquire(&store, "app").unwrap_or_else(|e| panic!("the engine's lease: {e}"));
    let refused = backup::restore(dir.path(), Mode::Sandbox, &taken.path, Utc::now());
    assert!(
        matches!(refused, Err(BackupError::EngineRunning { .. })),
        "a restore under a running engine is refused, got {refused:?}"
    );
    assert_eq!(
        store.order_count().ok(),
        Some(2),
        "the book keeps both orders"
    );
    let kept =
        backup::list(&backup::book_backup_dir(dir.path(), Mode::Sandbox)).unwrap_or_default();
    assert_eq!(
        kept.len(),
        1,
        "nothing was set aside: the restore never began"
    );
    lease.release().unwrap_or_else(|e| panic!("release: {e}"));
    let report = backup::restore(dir.path(), Mode::Sandbox, &taken.path, Utc::now())
        .unwrap_or_else(|e| panic!("once the engine stopped the restore runs: {e}"));
    assert_eq!(report.order_count, 1, "the book is the backup again");
}

#[test]
fn a_damaged_or_foreign_or_newer_backup_is_refused_before_anything_changes() {
    let dir = tempdir();
    let store = book(dir.path(), Mode::Sandbox);
    card_order(&store, "pass_1m");
    drop(store);
    let db = book_path(dir.path(), Mode::Sandbox);
    let good = backup::create(
        &db,
        &dir.path().join("made"),
        BackupReason::Manual,
        Utc::now(),
    )
    .unwrap_or_else(|e| panic!("backup: {e}"));
    let bytes = std::fs::read(&good.path).unwrap_or_else(|e| panic!("read: {e}"));

    let not_db = dir.path().join("notes.sqlite3");
    std::fs::write(&not_db, "이건 데이터베이스가 아닙니다")
        .unwrap_or_else(|e| panic!("write: {e}"));
    let truncated = dir.path().join("truncated.sqlite3");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap_or_else(|e| panic!("write: {e}"));
    let foreign = dir.path().join("foreign.sqlite3");
    {
        let conn = rusqlite::Connection::open(&foreign).unwrap_or_else(|e| panic!("open: {e}"));
        conn.execute_batch("CREATE TABLE notes (x TEXT); PRAGMA user_version = 3;")
            .unwrap_or_else(|e| panic!("foreign db: {e}"));
    }
    let newer = dir.path().join("newer.sqlite3");
    std::fs::write(&newer, &bytes).unwrap_or_else(|e| panic!("write: {e}"));
    rusqlite::Connection::open(&newer)
        .and_then(|c| c.execute_batch("PRAGMA user_version = 999;"))
        .unwrap_or_else(|e| panic!("newer db: {e}"));

    let cases: [RefusalCase; 4] = [
        (
            &not_db,
            |e| matches!(e, BackupError::Damaged { .. }),
            "not a database",
        ),
        (
            &truncated,
            |e| matches!(e, BackupError::Damaged { .. }),
            "cut in half",
        ),
        (
            &foreign,
            |e| matches!(e, BackupError::NotABackup { .. }),
            "another program's database",
        ),
        (
            &newer,
            |e| matches!(e, BackupError::NewerSchema { found: 999, .. }),
            "from a newer app",
        ),
    ];
    for (file, expected, what) in cases {
        let outcome = backup::restore(dir.path(), Mode::Sandbox, file, Utc::now());
        match outcome {
            Err(error) => assert!(
                expected(&error),
                "a backup {what} is refused for that reason, got {error:?}"
            ),
            Ok(report) => panic!("a backup {what} must be refused, but was restored: {report:?}"),
        }
        assert_eq!(
            book(dir.path(), Mode::Sandbox).order_count().ok(),
            Some(1),
            "after refusing a backup {what} the book is as it was"
        );
        let aside =
            backup::list(&backup::book_backup_dir(dir.path(), Mode::Sandbox)).unwrap_or_default();
        assert!(
            aside.is_empty(),
            "refusing a backup {what} sets nothing aside"
        );
    }
    let missing = backup::restore(
        dir.path(),
        Mode::Sandbox,
        &dir.path().join("gone.sqlite3"),
        Utc::now(),
    );
    assert!(
        matches!(missing, Err(BackupError::NotFound { .. })),
        "a missing file is named as missing"
    );
}

#[test]
fn each_mode_backs_up_and_restores_only_its_own_book() {
    let dir = tempdir();
    let live = book(dir.path(), Mode::Live);
    let sandbox = book(dir.path(), Mode::Sandbox);
    card_order(&live, "pass_1m");
    for _ in 0..3 {
        card_order(&sandbox, "pass_1m");
    }
    let (live_backup, _) = backup::create_in_book(
        dir.path(),
        Mode::Live,
        None,
        BackupReason::Daily,
        Utc::now(),
    )
    .unwrap_or_else(|e| panic!("live backup: {e}"));
    let (sandbox_backup, _) = backup::create_in_book(
        dir.path(),
        Mode::Sandbox,
        None,
        BackupReason::Daily,
        Utc::now(),
    )
    .unwrap_or_else(|e| panic!("sandbox backup: {e}"));
    assert_eq!(
        live_backup.order_count, 1,
        "the live backup holds the live order only"
    );
    assert_eq!(
        sandbox_backup.order_count, 3,
        "the sandbox backup holds the sandbox orders only"
    );
    assert!(
        live_backup.path.starts_with(dir.path().join("live")),
        "live backups live in live/"
    );
    assert!(
        sandbox_backup.path.starts_with(dir.path().join("sandbox")),
        "sandbox backups live in sandbox/"
    );
    card_order(&sandbox, "pass_1m");
    drop(sandbox);
    backup::restore(dir.path(), Mode::Sandbox, &sandbox_backup.path, Utc::now())
        .unwrap_or_else(|e| panic!("sandbox restore: {e}"));
    assert_eq!(
        book(dir.path(), Mode::Sandbox).order_count().ok(),
        Some(3),
        "the sandbox book is restored"
    );
    assert_eq!(
        live.order_count().ok(),
        Some(1),
        "the live book is untouched by a sandbox restore"
    );
}
