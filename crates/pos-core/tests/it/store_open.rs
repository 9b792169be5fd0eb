use pos_core::store::{DB_FILE, SCHEMA_VERSION};
use pos_core::{ErrorCode, Store, StoreError};

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("a temp dir is needed: {e}"))
}

#[test]
fn a_fresh_data_dir_gets_a_migrated_database_at_the_current_version() {
    let dir = tempdir();
    let store = Store::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
    assert_eq!(
        store.schema_version().ok(),
        Some(SCHEMA_VERSION),
        "a new database is migrated to this build's version"
    );
    assert!(
        dir.path().join(DB_FILE).exists(),
        "pos.sqlite3 is created in the data dir"
    );
}

#[cfg(unix)]
#[test]
fn the_database_file_is_readable_by_the_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let _store = Store::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
    let mode = std::fs::metadata(dir.path().join(DB_FILE))
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or_default();
    assert_eq!(mode, 0o600, "pos.sqlite3 must be mode 0600");
}

#[cfg(unix)]
#[test]
fn the_wal_and_shm_files_are_owner_only_too() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let store = Store::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
    let _order = super::card_order(&store, "pass_1m");
    for suffix in ["-wal", "-shm"] {
        let path = dir.path().join(format!("{DB_FILE}{suffix}"));
        let mode = std::fs::metadata(&path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or_else(|e| panic!("{suffix} exists while the store is open: {e}"));
        assert_eq!(mode, 0o600, "pos.sqlite3{suffix} must be mode 0600");
    }
}

#[test]
fn reopening_keeps_the_orders() {
    let dir = tempdir();
    let merchant_uid = {
        let store = Store::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
        super::card_order(&store, "pass_1m").merchant_uid
    };
    let store = Store::open(dir.path()).unwrap_or_else(|e| panic!("reopen: {e}"));
    assert!(
        store.order(&merchant_uid).is_ok(),
        "an order survives closing and reopening"
    );
}

#[test]
fn the_database_runs_in_wal_mode_with_foreign_keys() {
    let dir = tempdir();
    let _store = Store::open(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
    let conn = rusqlite::Connection::open(dir.path().join(DB_FILE))
        .unwrap_or_else(|e| panic!("raw open: {e}"));
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap_or_default();
    assert_eq!(mode, "wal", "the journal mode is persisted as WAL");
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_untouched() {
    let dir = tempdir();
    let path = dir.path().join(DB_FILE);
    let garbage = b"this is not an sqlite database, just some text a person left here\n".repeat(20);
    std::fs::write(&path, &garbage).unwrap_or_else(|e| panic!("write: {e}"));
    let err = Store::open(dir.path()).err();
    assert!(
        matches!(err, Some(StoreError::NotADatabase { .. })),
        "a garbage file is reported as not a database, got {err:?}"
    );
    let message = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("손상") && message.contains("not a database"),
        "the message is Korean and English: {message}"
    );
    assert_eq!(
        std::fs::read(&path).ok(),
        Some(garbage),
        "the file's bytes are unchanged"
    );
    let siblings: Vec<_> = std::fs::read_dir(dir.path())
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert_eq!(
        siblings.len(),
        1,
        "no -wal/-shm or renamed file appears: {siblings:?}"
    );
}

#[test]
fn a_database_from_a_newer_build_is_refused_with_both_versions_named() {
    let dir = tempdir();
    let newer = SCHEMA_VERSION + 3;
    {
        let conn = rusqlite::Connection::open(dir.path().join(DB_FILE))
            .unwrap_or_else(|e| panic!("raw open: {e}"));
        conn.execute_batch(&format!(
            "CREATE TABLE future (x); PRAGMA user_version = {newer};"
        ))
        .unwrap_or_else(|e| panic!("prepare a newer database: {e}"));
    }
    let before = std::fs::read(dir.path().join(DB_FILE)).ok();
    let err = Store::open(dir.path()).err();
    assert!(
        matches!(err, Some(StoreError::NewerSchema { found, known }) if found == newer && known == SCHEMA_VERSION),
        "a newer schema is refused, got {err:?}"
    );
    let message = err.as_ref().map(ToString::to_string).unwrap_or_default();
    assert!(
        message.contains(&newer.to_string()) && message.contains(&SCHEMA_VERSION.to_string()),
        "the message names both versions: {message}"
    );
    assert!(
        message.contains("업데이트"),
        "the message tells the owner to update: {message}"
    );
    assert_eq!(
        err.map(|e| e.code()),
        Some(ErrorCode::Internal),
        "it is an internal error code"
    );
    assert_eq!(
        std::fs::read(dir.path().join(DB_FILE)).ok(),
        before,
        "the newer database is not modified"
    );
}

#[test]
fn a_missing_data_dir_is_a_clear_create_error() {
    let dir = tempdir();
    let err = Store::open(&dir.path().join("does/not/exist")).err();
    assert!(
        matches!(err, Some(StoreError::Create { .. })),
        "a missing dir gives a create error, got {err:?}"
    );
}

#[test]
fn two_handles_on_one_file_see_each_others_orders() {
    let dir = tempdir();
    let a = Store::open(dir.path()).unwrap_or_else(|e| panic!("open a: {e}"));
    let b = Store::open(dir.path()).unwrap_or_else(|e| panic!("open b: {e}"));
    let order = super::card_order(&a, "pass_3m");
    assert_eq!(
        b.order(&order.merchant_uid).ok(),
        Some(order),
        "another connection reads the committed order"
    );
}

#[test]
fn a_store_handle_can_be_shared_across_threads() {
    fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
    assert_shareable::<Store>();
}

#[test]
fn two_processes_worth_of_writers_on_one_file_never_hit_busy() {
    let dir = tempdir();
    let a = Store::open(dir.path()).unwrap_or_else(|e| panic!("open a: {e}"));
    let b = Store::open(dir.path()).unwrap_or_else(|e| panic!("open b: {e}"));
    let writers: Vec<_> = [a.clone(), b.clone(), a, b]
        .into_iter()
        .map(|store| {
            std::thread::spawn(move || {
                (0..50)
                    .map(|_| {
                        store.create_order(&pos_core::NewOrder {
                            plan_id: "pass_1m".into(),
                            pay_method: pos_core::PayMethod::Card,
                            buyer_name: None,
                            buyer_tel: None,
                            buyer_email: None,
                        })
                    })
                    .filter(Result::is_err)
                    .count()
            })
        })
        .collect();
    let failures: usize = writers
        .into_iter()
        .map(|w| w.join().unwrap_or(usize::MAX))
        .sum();
    assert_eq!(
        failures, 0,
        "concurrent writers on two connections wait for each other instead of failing"
    );
    let store = Store::open(dir.path()).unwrap_or_else(|e| panic!("reopen: {e}"));
    assert_eq!(
        store.list_orders(&Default::default()).map(|p| p.total).ok(),
        Some(200),
        "all 200 orders were written"
    );
}

#[test]
fn a_fresh_database_passes_the_integrity_check() {
    let store = super::store();
    assert_eq!(
        store.integrity_problems().ok(),
        Some(Vec::new()),
        "quick_check finds nothing"
    );
}

#[cfg(unix)]
#[test]
fn a_writer_killed_mid_work_leaves_only_whole_orders() {
    let dir = tempdir();
    drop(crate::sandbox_book(dir.path()).unwrap_or_else(|e| panic!("open: {e}")));
    // posctl writes its 1000 orders in well under a second; a watcher starved on a loaded
    // machine can miss that window, so a run that finished before the kill is repeated.
    let total = |store: &Store| {
        store
            .list_orders(&Default::default())
            .map_or(0, |p| p.total)
    };
    let mut killed_mid_run = false;
    let mut store = crate::sandbox_book(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
    for _attempt in 0..10 {
        let before = total(&store);
        drop(store);
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_posctl"))
            .args([
                "orders",
                "create",
                "--plan",
                "pass_1m",
                "--count",
                "1000",
                "--data-dir",
            ])
            .arg(dir.path())
            .env("PANMUSIC_SECRETS", "file")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("posctl starts: {e}"));
        // Kill as soon as the child has committed a few orders (a loaded machine starts slowly).
        let watcher =
            crate::sandbox_book(dir.path()).unwrap_or_else(|e| panic!("open watcher: {e}"));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while total(&watcher) < before + 5 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        drop(watcher);
        // Child::kill is SIGKILL on unix: no chance to finish a transaction.
        child.kill().unwrap_or_else(|e| panic!("kill: {e}"));
        let _status = child.wait();
        store =
            crate::sandbox_book(dir.path()).unwrap_or_else(|e| panic!("reopen after SIGKILL: {e}"));
        let written = total(&store) - before;
        assert!(written > 0, "some orders were committed before the kill");
        if written < 1000 {
            killed_mid_run = true;
            break;
        }
    }
    assert!(
        killed_mid_run,
        "the kill came before the end in one of 10 runs (else the test proves nothing)"
    );
    assert_eq!(
        store.integrity_problems().ok(),
        Some(Vec::new()),
        "the file is sound"
    );
    let page = store
        .list_orders(&pos_core::OrderQuery {
            limit: 500,
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("list: {e}"));
    for order in &page.items {
        let events = store
            .order_events(&order.merchant_uid)
            .map(|e| e.len())
            .ok();
        assert_eq!(
            events,
            Some(1),
            "{} has its created event: order and event commit together",
            order.merchant_uid
        );
    }
}
