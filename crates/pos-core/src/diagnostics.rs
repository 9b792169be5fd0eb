//! 진단 정보 내보내기: one zip a support person can read, with nothing secret and no buyer data
//! beyond order ids:
//!
//! - `README.txt`: what is inside;
//! - `doctor.json`: the checks of `posctl doctor --json` (given by the caller);
//! - `books/<mode>.json`: each book's schema version (and the version this build knows), its
//!   order count and SQLite's quick_check findings;
//! - `books/<mode>-jobs.json`: each book's open jobs (id, kind, order id, state, attempts, next
//!   run, last error); never their payloads, which may hold a refund account;
//! - `logs/…`: the log files, each line passed through the log redaction once more.
//!
//! Everything written goes through [`crate::logfile::redact_known`].

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use zip::write::SimpleFileOptions;

use crate::logfile;
use crate::settings::Mode;
use crate::store::JobFilter;
use crate::{JobState, Store, StoreError, SCHEMA_VERSION};

/// Open jobs listed per book at most.
const MAX_JOBS: u32 = 1000;

/// What goes into the zip.
pub struct DiagnosticsInput<'a> {
    /// The folder of the log files (`None`: no logs).
    pub log_dir: Option<&'a Path>,
    /// The `posctl doctor --json` report (or the app's equivalent).
    pub doctor: serde_json::Value,
    /// The books to describe, with their modes.
    pub books: Vec<(Mode, Store)>,
    /// When the export was made.
    pub now: DateTime<Utc>,
}

/// Why the zip could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DiagnosticsError {
    /// The zip file (or a log file) could not be written or read.
    #[error("진단 정보 파일을 만들 수 없습니다 ({path}). 저장 위치와 디스크 공간을 확인하세요. (cannot write the diagnostics zip)")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The zip library failed.
    #[error("진단 정보 파일을 만들 수 없습니다 ({path}). (zip error)")]
    Zip {
        path: PathBuf,
        #[source]
        source: zip::result::ZipError,
    },
    /// A book could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A part could not be encoded as JSON.
    #[error("진단 정보를 JSON으로 만들 수 없습니다. (cannot encode diagnostics)")]
    Json(#[source] serde_json::Error),
}

impl DiagnosticsError {
    /// The code the UI branches on.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            DiagnosticsError::Store(e) => e.code(),
            _ => crate::ErrorCode::Internal,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BookSummary {
    mode: Mode,
    schema_version: u32,
    known_schema_version: u32,
    order_count: i64,
    integrity_problems: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JobLine {
    id: i64,
    kind: String,
    merchant_uid: String,
    state: JobState,
    attempts: u32,
    #[serde(with = "chrono::serde::ts_milliseconds")]
    next_run_at: DateTime<Utc>,
    last_error: Option<String>,
    outcome_unknown: bool,
}

/// The entry names written, for a caller that reports them.
pub type Entries = Vec<String>;

/// Writes the diagnostics zip to `out` (replacing a file there). Returns the entry names.
pub fn write_zip(out: &Path, input: &DiagnosticsInput<'_>) -> Result<Entries, DiagnosticsError> {
    let io = |source| DiagnosticsError::Io {
        path: out.to_path_buf(),
        source,
    };
    let zip_err = |source| DiagnosticsError::Zip {
        path: out.to_path_buf(),
        source,
    };
    let file = std::fs::File::create(out).map_err(io)?;
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut entries = Entries::new();
    let mut put = |zip: &mut zip::ZipWriter<std::fs::File>, name: String, text: &str| {
        zip.start_file(name.as_str(), options).map_err(zip_err)?;
        zip.write_all(logfile::redact_known(text).as_bytes())
            .map_err(io)?;
        entries.push(name);
        Ok::<(), DiagnosticsError>(())
    };
    put(&mut zip, "README.txt".into(), &readme(input.now))?;
    put(&mut zip, "doctor.json".into(), &pretty(&input.doctor)?)?;
    for (mode, store) in &input.books {
        let summary = BookSummary {
            mode: *mode,
            schema_version: store.schema_version()?,
            known_schema_version: SCHEMA_VERSION,
            order_count: store.order_count()?,
            integrity_problems: store.integrity_problems()?,
        };
        put(
            &mut zip,
            format!("books/{}.json", mode.as_str()),
            &pretty(&summary)?,
        )?;
        let jobs: Vec<JobLine> = store
            .list_jobs(JobFilter::Open, MAX_JOBS)?
            .into_iter()
            .map(|job| JobLine {
                id: job.id,
                kind: job.kind,
                merchant_uid: job.merchant_uid,
                state: job.state,
                attempts: job.attempts,
                next_run_at: job.next_run_at,
                last_error: job.last_error,
                outcome_unknown: job.outcome_unknown,
            })
            .collect();
        put(
            &mut zip,
            format!("books/{}-jobs.json", mode.as_str()),
            &pretty(&jobs)?,
        )?;
    }
    if let Some(dir) = input.log_dir {
        let files = logfile::files(dir).map_err(|source| DiagnosticsError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        for path in files {
            let bytes = std::fs::read(&path).map_err(|source| DiagnosticsError::Io {
                path: path.clone(),
                source,
            })?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            put(
                &mut zip,
                format!("logs/{name}"),
                &String::from_utf8_lossy(&bytes),
            )?;
        }
    }
    zip.finish().map_err(zip_err)?;
    Ok(entries)
}

fn pretty<T: Serialize>(value: &T) -> Result<String, DiagnosticsError> {
    serde_json::to_string_pretty(value).map_err(DiagnosticsError::Json)
}

fn readme(now: DateTime<Utc>) -> String {
    format!(
        "판뮤직 POS 진단 정보 ({})\n\n\
         doctor.json          점검 결과 (posctl doctor --json 과 같은 항목)\n\
         books/<모드>.json     주문 장부의 스키마 버전, 주문 수, 무결성 점검 결과\n\
         books/<모드>-jobs.json 처리 대기 중인 작업 (주문번호만, 구매자 정보와 환불 계좌는 없음)\n\
         logs/                최근 로그 (비밀 값, 토큰, 카드 번호, 전화번호는 가려져 있음)\n\n\
         Panmusic POS diagnostics: checks, order-book versions, the job queue and recent logs;\n\
         no secrets, tokens, card numbers or buyer details beyond order ids.\n",
        crate::format::kst_minute(now)
    )
}
