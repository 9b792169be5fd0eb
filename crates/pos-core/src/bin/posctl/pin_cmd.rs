//! `posctl pin status | reset`: the owner's PIN (관리자 PIN) from the terminal. Whoever runs
//! posctl holds the OS account and its data folder, so reset needs no PIN: it is how a
//! forgotten PIN (or a lock) is cleared.

use chrono::DateTime;
use pos_core::format::kst;
use pos_core::owner_pin::{OwnerPin, MAX_TRIES};

use crate::cli::{Global, PinCommand};
use crate::context::data_dir;
use crate::error::{emit, print_json, say, CliError};

/// Runs `posctl pin ...`.
pub fn run(global: &Global, command: &PinCommand) -> Result<(), CliError> {
    let owner = OwnerPin::new(&data_dir(global)?);
    match command {
        PinCommand::Status => status(global, &owner),
        PinCommand::Reset => reset(global, &owner),
    }
}

fn status(global: &Global, owner: &OwnerPin) -> Result<(), CliError> {
    let status = owner.status()?;
    if global.json {
        return print_json(&status);
    }
    let mut out = String::new();
    if !status.set {
        say!(out, "관리자 PIN이 설정되어 있지 않습니다. 앱의 설정 화면에서 정할 수 있습니다. (no owner PIN)");
        return emit(&out);
    }
    say!(out, "관리자 PIN: 설정됨 (owner PIN set)");
    match status
        .locked_until
        .and_then(DateTime::from_timestamp_millis)
    {
        Some(until) => say!(
            out,
            "잠김: {} 까지 (앱이 켜져 있는 시간으로 셉니다). (locked)",
            until.with_timezone(&kst()).format("%Y-%m-%d %H:%M:%S KST")
        ),
        None => say!(
            out,
            "남은 시도: {}/{}회 (tries left)",
            status.tries_left,
            MAX_TRIES
        ),
    }
    emit(&out)
}

fn reset(global: &Global, owner: &OwnerPin) -> Result<(), CliError> {
    let removed = owner.reset()?;
    if global.json {
        return print_json(&serde_json::json!({ "reset": removed }));
    }
    let mut out = String::new();
    if removed {
        say!(
            out,
            "관리자 PIN을 초기화했습니다. 앱의 설정 화면에서 새 PIN을 정하세요. (owner PIN reset)"
        );
    } else {
        say!(
            out,
            "관리자 PIN이 설정되어 있지 않았습니다. 바뀐 것은 없습니다. (no owner PIN to reset)"
        );
    }
    emit(&out)
}
