//! `posctl backup create|list|restore`.

use super::book;
use crate::posctl_support::{json, posctl, stderr, stdout, tempdir};
use pos_core::settings::Mode;
use pos_core::sync::Lease;
use std::path::PathBuf;

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
