//! `posctl backup create|list|restore FILE`: the order book's backups (the book of the mode
//! chosen, as every command).

use std::path::{Path, PathBuf};

use chrono::Utc;
use pos_core::backup::{self, BackupInfo};
use pos_core::format::kst_minute;
use pos_core::paths::prepare_data_dir;

use crate::cli::{BackupCommand, Global};
use crate::context::{data_dir, mode, open_book, settings};
use crate::error::{emit, print_json, say, CliError};

/// Runs one backup command.
pub fn run(global: &Global, command: &BackupCommand) -> Result<(), CliError> {
    let dir = prepare_data_dir(&data_dir(global)?)?;
    let mode = mode(global, &dir)?;
    match command {
        BackupCommand::Create => {
            // Opening creates (or migrates) the book, so there is something to back up.
            drop(open_book(global, &dir)?);
            let folder = settings(&dir).settings.backup_folder.map(PathBuf::from);
            let (info, external) = backup::create_in_book(
                &dir,
                mode,
                folder.as_deref(),
                backup::BackupReason::Manual,
                Utc::now(),
            )?;
            if let Some(problem) = external {
                eprintln!("경고: 지정한 백업 폴더에 복사하지 못했습니다: {problem}");
            }
            if global.json {
                return print_json(&info);
            }
            let mut out = String::new();
            say!(out, "백업을 만들었습니다.");
            describe(&mut out, &info);
            emit(&out)
        }
        BackupCommand::List => {
            let found = backup::list(&backup::book_backup_dir(&dir, mode))?;
            if global.json {
                return print_json(&found);
            }
            let mut out = String::new();
            if found.is_empty() {
                say!(out, "백업이 없습니다.");
            }
            for info in &found {
                say!(
                    out,
                    "{}  주문 {}건  {}  {}",
                    kst_minute(info.taken_at),
                    info.order_count,
                    reason_ko(info.reason),
                    info.path.display()
                );
            }
            emit(&out)
        }
        BackupCommand::Restore { file } => restore(global, &dir, mode, file),
    }
}

fn restore(
    global: &Global,
    dir: &Path,
    mode: pos_core::settings::Mode,
    file: &Path,
) -> Result<(), CliError> {
    let report = backup::restore(dir, mode, file, Utc::now())?;
    if global.json {
        return print_json(&report);
    }
    let mut out = String::new();
    say!(out, "복원했습니다. 지금 주문 {}건.", report.order_count);
    describe(&mut out, &report.restored);
    if let Some(aside) = &report.kept_aside {
        say!(
            out,
            "복원 전 데이터는 백업으로 남겼습니다: {}",
            aside.path.display()
        );
    }
    emit(&out)
}

fn describe(out: &mut String, info: &BackupInfo) {
    say!(out, "파일     {}", info.path.display());
    say!(out, "시각     {}", kst_minute(info.taken_at));
    say!(out, "주문     {}건", info.order_count);
}

fn reason_ko(reason: backup::BackupReason) -> &'static str {
    match reason {
        backup::BackupReason::Daily => "매일 백업",
        backup::BackupReason::Manual => "직접 만든 백업",
        backup::BackupReason::BeforeMigration => "업데이트 전 백업",
        backup::BackupReason::BeforeRestore => "복원 전 데이터",
    }
}
