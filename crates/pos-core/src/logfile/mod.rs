//! The app's log files: one file a day (`panmusic-pos.YYYY-MM-DD.log`, UTC days), the newest
//! [`KEEP_DAYS`] kept, at most [`DAILY_CAP`] bytes written a day (then one line says the rest of
//! the day is dropped), and every line passed through [`redact`] first, so no secret, token,
//! card number or buyer phone number reaches the disk.
//!
//! [`LogFiles`] is a `tracing_subscriber` writer; the app adds it as a layer beside stderr.

mod redact;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use chrono::{NaiveDate, Utc};
use tracing_appender::rolling::{RollingFileAppender, Rotation};

pub use redact::{redact, HIDDEN};

/// Days of logs kept.
pub const KEEP_DAYS: usize = 14;
/// Bytes written to one day's file at most (10 MiB): 14 days stay under 150 MiB.
pub const DAILY_CAP: u64 = 10 * 1024 * 1024;
/// The start of every log file's name.
pub const FILE_PREFIX: &str = "panmusic-pos";
/// The end of every log file's name.
pub const FILE_SUFFIX: &str = "log";

/// Values this process knows to be secret, hidden from every line written.
static KNOWN_SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Registers `value` (a REST secret, a key, a control token) so no log line ever shows it.
pub fn keep_out_of_logs(value: &str) {
    let value = value.trim();
    if value.chars().count() < 6 {
        return;
    }
    let mut known = KNOWN_SECRETS
        .write()
        .unwrap_or_else(PoisonError::into_inner);
    if !known.iter().any(|k| k == value) {
        known.push(value.to_owned());
    }
}

/// `line` redacted with the secrets registered so far.
pub fn redact_known(line: &str) -> String {
    let known = KNOWN_SECRETS.read().unwrap_or_else(PoisonError::into_inner);
    redact(line, &known)
}

/// Why the log files could not be set up (the app then logs to stderr only).
#[derive(Debug, thiserror::Error)]
pub enum LogFileError {
    /// The log folder could not be created.
    #[error("로그 폴더를 만들 수 없습니다 ({path}). (cannot create the log folder)")]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The rolling file could not be opened.
    #[error("로그 파일을 열 수 없습니다 ({path}). (cannot open the log file)")]
    Open {
        path: PathBuf,
        #[source]
        source: tracing_appender::rolling::InitError,
    },
}

struct Day {
    appender: RollingFileAppender,
    dir: PathBuf,
    cap: u64,
    day: NaiveDate,
    written: u64,
    capped: bool,
}

/// The daily, capped, redacted log files in one folder. Cheap to clone.
#[derive(Clone)]
pub struct LogFiles {
    day: Arc<Mutex<Day>>,
}

impl LogFiles {
    /// Opens the log files in `dir` (created owner-only if missing), writing at most `cap` bytes a day.
    pub fn open(dir: &Path, cap: u64) -> Result<LogFiles, LogFileError> {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir).map_err(|source| LogFileError::Folder {
            path: dir.to_path_buf(),
            source,
        })?;
        let appender = RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix(FILE_PREFIX)
            .filename_suffix(FILE_SUFFIX)
            .max_log_files(KEEP_DAYS)
            .build(dir)
            .map_err(|source| LogFileError::Open {
                path: dir.to_path_buf(),
                source,
            })?;
        let day = Utc::now().date_naive();
        let written = std::fs::metadata(file_of(dir, day)).map_or(0, |m| m.len());
        Ok(LogFiles {
            day: Arc::new(Mutex::new(Day {
                appender,
                dir: dir.to_path_buf(),
                cap,
                day,
                written,
                capped: written >= cap,
            })),
        })
    }

    /// Writes one formatted line (or event), redacted, unless today's cap is reached.
    fn write_line(&self, buf: &[u8]) -> std::io::Result<()> {
        let line = redact_known(&String::from_utf8_lossy(buf));
        let mut day = self.day.lock().unwrap_or_else(PoisonError::into_inner);
        let today = Utc::now().date_naive();
        if today != day.day {
            day.day = today;
            day.written = std::fs::metadata(file_of(&day.dir, today)).map_or(0, |m| m.len());
            day.capped = false;
        }
        if day.capped {
            return Ok(());
        }
        let len = line.len() as u64;
        if day.written + len > day.cap {
            day.capped = true;
            let notice = "로그가 오늘 크기 한도에 닿아 내일까지 더 쓰지 않습니다. (daily log size cap reached)\n";
            return day.appender.write_all(notice.as_bytes());
        }
        day.written += len;
        day.appender.write_all(line.as_bytes())
    }
}

/// The file of `day` in `dir`.
pub fn file_of(dir: &Path, day: NaiveDate) -> PathBuf {
    dir.join(format!(
        "{FILE_PREFIX}.{}.{FILE_SUFFIX}",
        day.format("%Y-%m-%d")
    ))
}

/// The log files in `dir`, oldest first.
pub fn files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(&format!("{FILE_PREFIX}."))
            && name.ends_with(&format!(".{FILE_SUFFIX}"))
        {
            found.push(entry.path());
        }
    }
    found.sort();
    Ok(found)
}

/// One write handle of [`LogFiles`].
pub struct LogWriter {
    files: LogFiles,
}

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.files.write_line(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let mut day = self
            .files
            .day
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        day.appender.flush()
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogFiles {
    type Writer = LogWriter;

    fn make_writer(&'a self) -> Self::Writer {
        LogWriter {
            files: self.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today_file(dir: &Path) -> String {
        std::fs::read_to_string(file_of(dir, Utc::now().date_naive())).unwrap_or_default()
    }

    #[test]
    fn lines_are_written_redacted_to_todays_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let logs = LogFiles::open(dir.path(), DAILY_CAP).unwrap_or_else(|e| panic!("open: {e}"));
        keep_out_of_logs("registered-secret-42");
        let mut writer = tracing_subscriber::fmt::MakeWriter::make_writer(&logs);
        writer
            .write_all(b"sync with registered-secret-42 for buyer 010-1234-5678 ok\n")
            .unwrap_or_else(|e| panic!("write: {e}"));
        writer.flush().unwrap_or_else(|e| panic!("flush: {e}"));
        let text = today_file(dir.path());
        assert!(
            text.contains("sync with"),
            "the line reached today's file: {text:?}"
        );
        assert!(
            !text.contains("registered-secret-42"),
            "the secret did not: {text}"
        );
        assert!(
            !text.contains("010-1234-5678"),
            "the phone number did not: {text}"
        );
    }

    #[test]
    fn a_day_stops_at_its_size_cap_with_one_notice() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let logs = LogFiles::open(dir.path(), 1000).unwrap_or_else(|e| panic!("open: {e}"));
        let mut writer = tracing_subscriber::fmt::MakeWriter::make_writer(&logs);
        for _ in 0..100 {
            writer
                .write_all(b"a line of about fifty bytes, written again and again\n")
                .unwrap_or_else(|e| panic!("write: {e}"));
        }
        writer.flush().unwrap_or_else(|e| panic!("flush: {e}"));
        let text = today_file(dir.path());
        assert!(
            text.len() <= 1000 + 200,
            "the file stays near its cap: {} bytes",
            text.len()
        );
        assert_eq!(
            text.matches("size cap").count(),
            1,
            "one notice says the rest is dropped"
        );
        assert_eq!(
            files(dir.path()).map(|f| f.len()).ok(),
            Some(1),
            "one file a day"
        );
    }
}
