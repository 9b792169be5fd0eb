//! The owner's PIN: Argon2id hash in an owner-only file, the guard, and the lockout that
//! neither a restart nor a change of the PC's clock ends early.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use pos_core::owner_pin::{
    ManualClock, OwnerPin, Pin, PinClock, PinError, LOCK_DURATION, PIN_FILE,
};
use pos_core::ErrorCode;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

fn clock() -> Arc<ManualClock> {
    let start = Utc
        .with_ymd_and_hms(2026, 11, 30, 5, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("a valid time"));
    Arc::new(ManualClock::new(start))
}

fn open(dir: &Path, clock: &Arc<ManualClock>) -> OwnerPin {
    OwnerPin::with_clock(dir, clock.clone())
}

fn pin(s: &str) -> Pin {
    Pin::new(s)
}

/// An OwnerPin on `dir` with PIN 1234 set.
fn with_pin(dir: &Path, clock: &Arc<ManualClock>) -> OwnerPin {
    let owner = open(dir, clock);
    owner
        .set(None, &pin("1234"))
        .unwrap_or_else(|e| panic!("setting a first PIN works: {e}"));
    owner
}

fn wrong_tries(owner: &OwnerPin, n: u32) {
    for _ in 0..n {
        let refused = owner.check(Some(&pin("0000")));
        assert!(
            matches!(
                refused,
                Err(PinError::Wrong { .. } | PinError::Locked { .. })
            ),
            "a wrong PIN is refused: {refused:?}"
        );
    }
}

#[test]
fn without_a_pin_guarded_work_is_allowed_and_the_status_says_none_is_set() {
    let dir = tempdir();
    let owner = open(dir.path(), &clock());
    assert!(owner.check(None).is_ok(), "no PIN set: nothing to ask");
    let status = owner.status().unwrap_or_else(|e| panic!("status: {e}"));
    assert!(!status.set, "not set: {status:?}");
    assert_eq!(status.locked_until, None, "not locked");
}

#[test]
fn a_new_pin_must_be_4_to_8_digits() {
    let dir = tempdir();
    let owner = open(dir.path(), &clock());
    for bad in ["", "123", "123456789", "12a4", "１２３４", "12 34"] {
        let refused = owner.set(None, &pin(bad));
        assert!(
            matches!(refused, Err(PinError::Invalid)),
            "{bad:?} is refused: {refused:?}"
        );
    }
    assert!(!dir.path().join(PIN_FILE).exists(), "nothing was written");
    for good in ["1234", "87654321"] {
        assert!(owner.set(Some(&pin("1234")), &pin(good)).is_ok(), "{good}");
    }
}

#[test]
fn the_pin_is_stored_as_an_argon2id_hash_in_an_owner_only_file() {
    let dir = tempdir();
    let _owner = with_pin(dir.path(), &clock());
    let file = dir.path().join(PIN_FILE);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("file: {e}"));
    assert!(
        text.contains("$argon2id$"),
        "an Argon2id PHC string: {text}"
    );
    assert!(!text.contains("1234"), "not the PIN itself: {text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or_default();
        assert_eq!(mode, 0o600, "owner-only");
    }
}

#[test]
fn once_set_the_right_pin_passes_and_a_missing_or_wrong_one_is_refused() {
    let dir = tempdir();
    let owner = with_pin(dir.path(), &clock());
    assert!(owner.check(Some(&pin("1234"))).is_ok(), "the owner's PIN");
    let missing = owner.check(None);
    assert!(matches!(missing, Err(PinError::Required)), "{missing:?}");
    let blank = owner.check(Some(&pin("  ")));
    assert!(matches!(blank, Err(PinError::Required)), "{blank:?}");
    let wrong = owner.check(Some(&pin("4321")));
    assert!(
        matches!(wrong, Err(PinError::Wrong { tries_left: 4 })),
        "4 tries left: {wrong:?}"
    );
    let message = wrong.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("4번"), "says the tries left: {message}");
    assert_eq!(
        PinError::Required.code(),
        ErrorCode::Pin,
        "the UI keeps its dialog open"
    );
}

#[test]
fn a_right_pin_starts_the_count_again() {
    let dir = tempdir();
    let owner = with_pin(dir.path(), &clock());
    wrong_tries(&owner, 4);
    assert!(
        owner.check(Some(&pin("1234"))).is_ok(),
        "the fifth is right"
    );
    let status = owner.status().unwrap_or_else(|e| panic!("status: {e}"));
    assert_eq!(status.tries_left, 5, "the count starts again");
}

#[test]
fn five_wrong_tries_lock_it_and_even_the_right_pin_is_refused_while_locked() {
    let dir = tempdir();
    let clock = clock();
    let owner = with_pin(dir.path(), &clock);
    wrong_tries(&owner, 4);
    let fifth = owner.check(Some(&pin("9999")));
    let Err(PinError::Locked { until, until_ms }) = fifth else {
        panic!("the fifth wrong try locks: {fifth:?}")
    };
    assert_eq!(until, "2026-11-30 14:05:00 KST", "until when, in KST");
    assert_eq!(
        until_ms,
        clock.wall().timestamp_millis() + 300_000,
        "five minutes"
    );
    let right = owner.check(Some(&pin("1234")));
    assert!(
        matches!(right, Err(PinError::Locked { .. })),
        "not even checked while locked: {right:?}"
    );
    let status = owner.status().unwrap_or_else(|e| panic!("status: {e}"));
    assert_eq!(status.locked_until, Some(until_ms), "the status says so");
}

#[test]
fn the_lock_ends_after_five_minutes_and_the_tries_start_again() {
    let dir = tempdir();
    let clock = clock();
    let owner = with_pin(dir.path(), &clock);
    wrong_tries(&owner, 5);
    clock.advance(LOCK_DURATION - Duration::from_secs(1));
    assert!(
        matches!(
            owner.check(Some(&pin("1234"))),
            Err(PinError::Locked { .. })
        ),
        "one second to go"
    );
    clock.advance(Duration::from_secs(1));
    assert!(
        owner.check(Some(&pin("1234"))).is_ok(),
        "five minutes later the right PIN passes"
    );
    let wrong = owner.check(Some(&pin("0000")));
    assert!(
        matches!(wrong, Err(PinError::Wrong { tries_left: 4 })),
        "a fresh count: {wrong:?}"
    );
}

#[test]
fn a_lock_survives_reopening_and_so_do_counted_failures() {
    let dir = tempdir();
    let first_run = clock();
    let owner = with_pin(dir.path(), &first_run);
    wrong_tries(&owner, 3);
    drop(owner);

    let second_run = clock();
    let reopened = open(dir.path(), &second_run);
    let status = reopened.status().unwrap_or_else(|e| panic!("status: {e}"));
    assert_eq!(status.tries_left, 2, "three failures were kept: {status:?}");
    wrong_tries(&reopened, 2);
    second_run.advance(Duration::from_secs(60));
    // A look at the lock (the PIN dialog asks for the status) writes the minute served.
    let status = reopened.status().unwrap_or_else(|e| panic!("status: {e}"));
    assert!(status.locked_until.is_some(), "locked: {status:?}");
    drop(reopened);

    // The app restarts: a new process whose monotonic clock starts at zero.
    let third_run = clock();
    let again = open(dir.path(), &third_run);
    let status = again.status().unwrap_or_else(|e| panic!("status: {e}"));
    assert!(status.locked_until.is_some(), "still locked: {status:?}");
    third_run.advance(Duration::from_secs(239));
    assert!(
        matches!(
            again.check(Some(&pin("1234"))),
            Err(PinError::Locked { .. })
        ),
        "one minute was served before the restart, four more are needed"
    );
    third_run.advance(Duration::from_secs(1));
    assert!(
        again.check(Some(&pin("1234"))).is_ok(),
        "five minutes in all"
    );
}

#[test]
fn moving_the_pc_clock_does_not_end_the_lock() {
    let dir = tempdir();
    let clock = clock();
    let owner = with_pin(dir.path(), &clock);
    wrong_tries(&owner, 5);
    clock.set_wall(clock.wall() + chrono::TimeDelta::days(1));
    assert!(
        matches!(
            owner.check(Some(&pin("1234"))),
            Err(PinError::Locked { .. })
        ),
        "a day later by the PC's clock, but no time has passed"
    );
    let reopened = open(dir.path(), &clock);
    assert!(
        matches!(
            reopened.check(Some(&pin("1234"))),
            Err(PinError::Locked { .. })
        ),
        "nor after a restart"
    );
}

#[test]
fn changing_the_pin_needs_the_current_one() {
    let dir = tempdir();
    let owner = with_pin(dir.path(), &clock());
    let refused = owner.set(None, &pin("5678"));
    assert!(matches!(refused, Err(PinError::Required)), "{refused:?}");
    let refused = owner.set(Some(&pin("1111")), &pin("5678"));
    assert!(
        matches!(refused, Err(PinError::Wrong { tries_left: 4 })),
        "a wrong current PIN counts: {refused:?}"
    );
    assert!(owner.check(Some(&pin("1234"))).is_ok(), "still the old PIN");
    assert!(
        owner.set(Some(&pin("1234")), &pin("5678")).is_ok(),
        "changed"
    );
    assert!(owner.check(Some(&pin("5678"))).is_ok(), "the new PIN works");
    assert!(
        matches!(owner.check(Some(&pin("1234"))), Err(PinError::Wrong { .. })),
        "the old one no longer does"
    );
}

#[test]
fn reset_removes_the_pin_and_its_lock() {
    let dir = tempdir();
    let owner = with_pin(dir.path(), &clock());
    wrong_tries(&owner, 5);
    assert!(matches!(owner.reset(), Ok(true)), "a PIN was removed");
    assert!(owner.check(None).is_ok(), "no PIN, no lock");
    assert!(matches!(owner.reset(), Ok(false)), "nothing left to remove");
}

#[test]
fn a_damaged_pin_file_refuses_guarded_work_until_reset() {
    let dir = tempdir();
    std::fs::write(dir.path().join(PIN_FILE), "{ not json").unwrap_or_else(|e| panic!("{e}"));
    let owner = open(dir.path(), &clock());
    let refused = owner.check(None);
    assert!(
        matches!(refused, Err(PinError::Malformed { .. })),
        "fail closed: {refused:?}"
    );
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("posctl pin reset"),
        "says what to do: {message}"
    );
    assert!(owner.reset().is_ok(), "reset works on a damaged file");
    assert!(
        owner.check(None).is_ok(),
        "then nothing is guarded until a new PIN"
    );
}

#[test]
fn a_pin_never_shows_in_debug_output() {
    let shown = format!("{:?}", pin("8642"));
    assert!(!shown.contains("8642"), "redacted: {shown}");
}
