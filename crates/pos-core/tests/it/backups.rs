//! Backups of the order books (SQLite's online backup API) and restoring them: consistent under
//! a concurrent writer, checked before anything is replaced, refused while an engine runs, one
//! book per mode, 30 kept, and `posctl backup create|list|restore`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use chrono::Utc;
use pos_core::backup::{self, BackupError, BackupReason};
use pos_core::settings::Mode;
use pos_core::store::book_path;
use pos_core::sync::Lease;
use pos_core::Store;

use super::card_order;
use super::posctl_support::{json, posctl, posctl_cmd, stderr, stdout, tempdir};

fn book(dir: &Path, mode: Mode) -> Store {
    Store::open_book(dir, mode).unwrap_or_else(|e| panic!("the {} book opens: {e}", mode.as_str()))
}

/// The merchant_uids committed in the database file `db`, read by a connection of their own.
fn committed_orders(db: &Path) -> HashSet<String> {
    let conn = rusqlite::Connection::open(db).unwrap_or_else(|e| panic!("open {db:?}: {e}"));
    let mut stmt = conn
        .prepare("SELECT merchant_uid FROM orders")
        .unwrap_or_else(|e| panic!("read the orders: {e}"));
    let rows = stmt
        .query_map([], |row| row.get::<_, String>(0))
        .and_then(|rows| rows.collect::<Result<HashSet<_>, _>>());
    rows.unwrap_or_else(|e| panic!("read the orders: {e}"))
}

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

/// A file to restore, the refusal expected, and what the file is.
type RefusalCase<'a> = (&'a Path, fn(&BackupError) -> bool, &'a str);

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

#[test]
fn posctl_backup_create_list_and_restore() {
    let dir = tempdir();
    let created = posctl(
        dir.path(),
        &[
            "--mode", "sandbox", "orders", "create", "--plan", "pass_1m", "--count", "2",
        ],
    );
    assert!(created.status.success(), "orders: {}", stderr(&created));
    let made = posctl(
        dir.path(),
        &["--mode", "sandbox", "--json", "backup", "create"],
    );
    assert!(made.status.success(), "backup create: {}", stderr(&made));
    let made = json(&made);
    assert_eq!(
        made["orderCount"], 2,
        "create --json gives the order count: {made}"
    );
    assert!(
        made["takenAt"].is_i64(),
        "create --json gives the time: {made}"
    );
    let path = PathBuf::from(
        made["path"]
            .as_str()
            .unwrap_or_else(|| panic!("create --json gives the path: {made}")),
    );
    assert!(path.exists(), "the file named exists");

    let more = posctl(
        dir.path(),
        &["--mode", "sandbox", "orders", "create", "--plan", "pass_1m"],
    );
    assert!(more.status.success(), "orders: {}", stderr(&more));
    let listed = posctl(
        dir.path(),
        &["--mode", "sandbox", "--json", "backup", "list"],
    );
    assert!(listed.status.success(), "backup list: {}", stderr(&listed));
    let listed = json(&listed);
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(1),
        "one backup listed: {listed}"
    );
    assert_eq!(
        listed[0]["path"], made["path"],
        "the list names the file made"
    );

    let human = posctl(dir.path(), &["--mode", "sandbox", "backup", "list"]);
    assert!(
        stdout(&human).contains("주문 2건"),
        "the human list says the order count in Korean: {}",
        stdout(&human)
    );

    let store = book(dir.path(), Mode::Sandbox);
    let lease = Lease::acquire(&store, "app").unwrap_or_else(|e| panic!("lease: {e}"));
    let refused = posctl(
        dir.path(),
        &[
            "--mode",
            "sandbox",
            "backup",
            "restore",
            &path.to_string_lossy(),
        ],
    );
    assert!(
        !refused.status.success(),
        "restore is refused while the app's engine runs"
    );
    assert!(
        stderr(&refused).contains("동기화 중"),
        "the refusal says why: {}",
        stderr(&refused)
    );
    lease.release().unwrap_or_else(|e| panic!("release: {e}"));
    drop(store);

    let restored = posctl(
        dir.path(),
        &[
            "--mode",
            "sandbox",
            "backup",
            "restore",
            &path.to_string_lossy(),
        ],
    );
    assert!(restored.status.success(), "restore: {}", stderr(&restored));
    assert!(
        stdout(&restored).contains("주문 2건"),
        "restore says what the book holds now: {}",
        stdout(&restored)
    );
    assert_eq!(
        book(dir.path(), Mode::Sandbox).order_count().ok(),
        Some(2),
        "the third order is gone with the restore"
    );
}
