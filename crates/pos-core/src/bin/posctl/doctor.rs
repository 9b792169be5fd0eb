//! `posctl doctor`: one line per check; exit 1 if any check failed.

use std::process::ExitCode;

use pos_core::format::kst_minute;
use pos_core::paths::prepare_data_dir;
use pos_core::settings::Mode;
use pos_core::store::EngineLease;
use pos_core::{QueueSummary, Store};
use serde::Serialize;

use crate::cli::Global;
use crate::context::{self, CredentialSource};
use crate::error::{emit, print_json, say, CliError};

/// The result of the Iamport token request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum IamportStatus {
    /// A token was issued.
    Ok,
    /// Iamport refused the key or secret.
    Refused,
    /// No answer (network).
    Unreachable,
    /// Any other failure.
    Error,
    /// Not checked (no API base or no credentials).
    Skipped,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct IamportCheck {
    api_base: Option<String>,
    status: IamportStatus,
    message: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    ok: bool,
    data_dir: String,
    data_dir_error: Option<String>,
    database: Option<String>,
    schema_version: Option<u32>,
    database_error: Option<String>,
    /// SQLite quick_check findings; empty when sound, absent when the database did not open.
    integrity_problems: Option<Vec<String>>,
    mode: Mode,
    merchant_code: Option<String>,
    settings_problem: Option<String>,
    credentials_set: bool,
    credentials_source: Option<&'static str>,
    credentials_error: Option<String>,
    queue: Option<QueueSummary>,
    /// The process that holds the sync engine's lease for this data dir, if any.
    engine_lease: Option<EngineLease>,
    iamport: IamportCheck,
}

pub fn run(global: &Global) -> Result<ExitCode, CliError> {
    let dir = context::data_dir(global)?;
    let data_dir_error = prepare_data_dir(&dir).err().map(|e| e.to_string());
    let chosen = context::mode(global, &dir);
    let (store, database_error) = if data_dir_error.is_none() {
        match chosen
            .as_ref()
            .map_err(ToString::to_string)
            .and_then(|mode| Store::open_book(&dir, *mode).map_err(|e| e.to_string()))
        {
            Ok(store) => (Some(store), None),
            Err(e) => (None, Some(e)),
        }
    } else {
        (None, None)
    };
    let schema_version = store.as_ref().and_then(|s| s.schema_version().ok());
    let queue = store.as_ref().and_then(|s| s.queue_summary().ok());
    let engine_lease = store.as_ref().and_then(|s| s.engine_lease().ok().flatten());
    let integrity_problems = store.as_ref().map(|s| {
        s.integrity_problems()
            .unwrap_or_else(|e| vec![e.to_string()])
    });
    let settings = context::settings(&dir);
    let (credentials, credentials_error) = match context::credentials(global, &dir) {
        Ok(found) => (found, None),
        Err(e) => (None, Some(e.to_string())),
    };
    let mode = chosen.unwrap_or(settings.settings.mode);
    let relay_base = context::relay(global, &dir)
        .ok()
        .flatten()
        .and_then(|r| r.base_url().ok());
    let iamport = check_iamport(
        global,
        mode,
        relay_base,
        credentials.as_ref().map(|(c, _)| c),
    )?;
    let iamport_failed = matches!(
        iamport.status,
        IamportStatus::Refused | IamportStatus::Unreachable | IamportStatus::Error
    );
    let live_without_credentials = mode == Mode::Live && credentials.is_none();
    let report = Report {
        ok: data_dir_error.is_none()
            && database_error.is_none()
            && integrity_problems.as_ref().is_none_or(Vec::is_empty)
            && settings.problem.is_none()
            && credentials_error.is_none()
            && !iamport_failed
            && !live_without_credentials,
        data_dir: dir.display().to_string(),
        data_dir_error,
        database: store
            .as_ref()
            .and_then(|s| s.path().map(|p| p.display().to_string())),
        schema_version,
        database_error,
        integrity_problems,
        mode,
        merchant_code: settings
            .settings
            .merchant_code
            .as_ref()
            .map(|c| c.to_string()),
        settings_problem: settings.problem.clone(),
        credentials_set: credentials.is_some(),
        credentials_source: credentials.as_ref().map(|(_, source)| match source {
            CredentialSource::Flags => "flags",
            CredentialSource::Store(backend) => backend.as_str(),
        }),
        credentials_error,
        queue,
        engine_lease,
        iamport,
    };
    if global.json {
        print_json(&report)?;
    } else {
        print_human(&report)?;
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `relay_base`: the relay in effect (중계 서버), checked instead of Iamport itself.
fn check_iamport(
    global: &Global,
    mode: Mode,
    relay_base: Option<String>,
    credentials: Option<&pos_core::secrets::Credentials>,
) -> Result<IamportCheck, CliError> {
    let api_base = match (&global.api_base, mode) {
        (Some(base), _) => base.clone(),
        (None, Mode::Live) => relay_base.unwrap_or_else(|| iamport::LIVE_BASE_URL.to_string()),
        (None, Mode::Sandbox) => {
            return Ok(IamportCheck {
                api_base: None,
                status: IamportStatus::Skipped,
                message: "샌드박스 모드: 샌드박스는 앱 안에서만 실행되므로 확인하지 않았습니다 (--api-base 로 주소를 주면 확인합니다). (sandbox runs only inside the app)".into(),
            })
        }
    };
    let Some(creds) = credentials else {
        return Ok(IamportCheck {
            api_base: Some(api_base),
            status: IamportStatus::Skipped,
            message: "인증 정보(REST API 키/시크릿)가 없어 확인하지 않았습니다. (no credentials)"
                .into(),
        });
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    let config = iamport::Config::new(
        api_base.clone(),
        creds.imp_key.clone(),
        creds.imp_secret.clone(),
    );
    let outcome = runtime.block_on(async {
        let client = iamport::Client::new(config)?;
        client.check_credentials().await
    });
    let (status, message) = match outcome {
        Ok(()) => (
            IamportStatus::Ok,
            "토큰 발급 성공 (token issued)".to_string(),
        ),
        Err(e) if e.is_auth() => (
            IamportStatus::Refused,
            format!("Iamport가 REST API 키/시크릿을 거부했습니다. 설정에서 다시 확인하세요. ({e})"),
        ),
        Err(e) if e.is_retryable() => (
            IamportStatus::Unreachable,
            format!("Iamport에 연결할 수 없습니다. 인터넷 연결을 확인하세요. ({e})"),
        ),
        Err(e) => (IamportStatus::Error, format!("Iamport 확인 실패: {e}")),
    };
    Ok(IamportCheck {
        api_base: Some(api_base),
        status,
        message,
    })
}

fn mark(ok: bool) -> &'static str {
    if ok {
        "정상"
    } else {
        "문제"
    }
}

fn print_human(r: &Report) -> Result<(), CliError> {
    let mut out = String::new();
    match &r.data_dir_error {
        None => say!(out, "데이터 폴더     {} ({})", r.data_dir, mark(true)),
        Some(e) => say!(out, "데이터 폴더     {} ({}): {e}", r.data_dir, mark(false)),
    }
    match (&r.database_error, r.schema_version) {
        (Some(e), _) => say!(out, "데이터베이스    {}: {e}", mark(false)),
        (None, Some(v)) => say!(
            out,
            "데이터베이스    {} (스키마 버전 {v})",
            r.database.as_deref().unwrap_or("-")
        ),
        (None, None) => say!(out, "데이터베이스    확인 못 함"),
    }
    match r.integrity_problems.as_deref() {
        Some([]) => say!(out, "무결성 검사     {}", mark(true)),
        Some(problems) => say!(
            out,
            "무결성 검사     {}: {} (백업에서 복원하세요)",
            mark(false),
            problems.join("; ")
        ),
        None => {}
    }
    let mode = match r.mode {
        Mode::Sandbox => "샌드박스 (sandbox)",
        Mode::Live => "실제 결제 (live)",
    };
    say!(out, "모드            {mode}");
    say!(
        out,
        "가맹점 식별코드 {}",
        r.merchant_code.as_deref().unwrap_or("미설정")
    );
    if let Some(problem) = &r.settings_problem {
        say!(out, "설정 파일       {}: {problem}", mark(false));
    }
    match (&r.credentials_error, r.credentials_source) {
        (Some(e), _) => say!(out, "인증 정보       {}: {e}", mark(false)),
        (None, Some(source)) => say!(out, "인증 정보       설정됨 ({source})"),
        (None, None) if r.mode == Mode::Live => {
            say!(
                out,
                "인증 정보       미설정: 실제 결제 모드에는 REST API 키/시크릿이 필요합니다"
            )
        }
        (None, None) => say!(out, "인증 정보       미설정"),
    }
    if let Some(q) = &r.queue {
        let due = q
            .oldest_due_at
            .map(|t| format!(", 가장 이른 예정 {}", kst_minute(t)))
            .unwrap_or_default();
        say!(
            out,
            "대기 작업       {}건 (확인 필요 {}건{due})",
            q.pending,
            q.needs_attention
        );
    }
    match &r.engine_lease {
        Some(lease) => say!(
            out,
            "동기화 엔진     {} (pid {}), 마지막 신호 {}",
            lease.holder,
            lease.pid,
            kst_minute(lease.heartbeat_at)
        ),
        None => say!(out, "동기화 엔진     실행 중인 엔진 없음"),
    }
    let base = r.iamport.api_base.as_deref().unwrap_or("-");
    say!(out, "Iamport         {base}: {}", r.iamport.message);
    say!(
        out,
        "결과            {}",
        if r.ok {
            "모두 정상"
        } else {
            "문제가 있습니다"
        }
    );
    emit(&out)
}
