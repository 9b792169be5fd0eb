//! `posctl pin status | reset`: the owner clears a forgotten or locked PIN from the terminal.

use std::path::Path;

use pos_core::owner_pin::{OwnerPin, Pin, PinError, PIN_FILE};

use super::posctl_support::{json, posctl, stderr, stdout};

/// A data dir whose PIN (1234) is locked by five wrong tries.
fn locked_pin(dir: &Path) {
    let owner = OwnerPin::new(dir);
    owner
        .set(None, &Pin::new("1234"))
        .unwrap_or_else(|e| panic!("set: {e}"));
    for _ in 0..5 {
        let _ = owner.check(Some(&Pin::new("0000")));
    }
    assert!(
        matches!(
            owner.check(Some(&Pin::new("1234"))),
            Err(PinError::Locked { .. })
        ),
        "locked before the reset"
    );
}

#[test]
fn pin_status_shows_a_lock_in_kst_and_never_the_hash() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let out = posctl(dir.path(), &["pin", "status"]);
    assert!(out.status.success(), "status works: {}", stderr(&out));
    assert!(
        stdout(&out).contains("설정되어 있지 않습니다"),
        "no PIN yet: {}",
        stdout(&out)
    );

    locked_pin(dir.path());
    let out = posctl(dir.path(), &["pin", "status"]);
    let shown = stdout(&out);
    assert!(
        shown.contains("잠김") && shown.contains("KST"),
        "locked, until when in KST: {shown}"
    );
    let out = posctl(dir.path(), &["pin", "status", "--json"]);
    let status = json(&out);
    assert_eq!(status["set"], true, "{status}");
    assert!(status["lockedUntil"].is_i64(), "until when: {status}");
    assert!(
        !stdout(&out).contains("argon2"),
        "the hash never leaves: {status}"
    );
}

#[test]
fn pin_reset_clears_a_forgotten_locked_pin() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    locked_pin(dir.path());

    let out = posctl(dir.path(), &["pin", "reset"]);
    assert!(out.status.success(), "reset works: {}", stderr(&out));
    assert!(
        stdout(&out).contains("초기화했습니다"),
        "says so: {}",
        stdout(&out)
    );
    assert!(!dir.path().join(PIN_FILE).exists(), "the PIN file is gone");
    let owner = OwnerPin::new(dir.path());
    assert!(
        owner.check(None).is_ok(),
        "guarded work is open again until a new PIN is set"
    );
    assert!(
        owner.set(None, &Pin::new("5678")).is_ok(),
        "a new PIN can be set without the old one"
    );

    let out = posctl(dir.path(), &["pin", "reset", "--json"]);
    assert_eq!(json(&out)["reset"], true, "a second PIN was removed too");
    let out = posctl(dir.path(), &["pin", "reset", "--json"]);
    assert_eq!(json(&out)["reset"], false, "nothing left to remove");
}
