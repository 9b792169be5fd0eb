//! `posctl sync --once | --watch`: the sync engine from the command line, under the same lease
//! as the app (only one engine per data dir).

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use pos_core::paths::prepare_data_dir;
use pos_core::settings::Mode;
use pos_core::sync::{CheckoutWork, CycleReport, SyncEngine, SyncError, SyncOptions};
use pos_core::Store;

use crate::cli::{Global, SyncArgs};
use crate::context;
use crate::error::{emit, print_json, say, CliError};

/// An Iamport client from `--api-base`/`--imp-key` (secret from the environment or a file), or the app's settings and
/// credential store (the relay and its store key in relay mode).
pub fn iamport_client(
    global: &Global,
    dir: &std::path::Path,
    timeout: Option<Duration>,
) -> Result<iamport::Client, CliError> {
    let base = match (&global.api_base, context::mode(global, dir)?) {
        (Some(base), _) => base.clone(),
        (None, Mode::Live) => match context::relay(global, dir)? {
            Some(relay) => relay
                .base_url()
                .map_err(|e| CliError::from(pos_core::checkout::CheckoutError::from(e)))?,
            None => iamport::LIVE_BASE_URL.to_string(),
        },
        (None, Mode::Sandbox) => return Err(CliError::NoApiBase),
    };
    let (creds, _) = context::credentials(global, dir)?.ok_or(CliError::NoCredentials)?;
    let mut config = iamport::Config::new(base, creds.imp_key.clone(), creds.imp_secret.clone());
    if let Some(t) = timeout {
        config.timeout = t;
        config.connect_timeout = config.connect_timeout.min(t);
    }
    iamport::Client::new(config).map_err(|source| CliError::Client { source })
}

fn options(dir: &std::path::Path) -> SyncOptions {
    let mut options = SyncOptions::default();
    let sweep = context::settings(dir).settings.poll.sweep_secs;
    options.policy.sweep = Duration::from_secs(u64::from(sweep));
    options
}

/// Which clock timed the money decisions, for a person: Iamport's (and how far this PC's is
/// off), or this PC's while Iamport's time is unknown.
fn clock_line(offset_ms: Option<i64>) -> String {
    match offset_ms {
        None => "  시계           이 PC의 시계 (아임포트 시간을 아직 모름: 오프라인)".to_string(),
        Some(ms) => {
            // To the nearest minute: Iamport tells its time in whole seconds.
            let minutes = ms.unsigned_abs().saturating_add(30_000) / 60_000;
            if minutes == 0 {
                return "  시계           아임포트 시계 (이 PC의 시계와 1분 안쪽으로 맞음)"
                    .to_string();
            }
            let dir = if ms < 0 { "빠름" } else { "느림" };
            format!(
                "  시계           아임포트 시계 (이 PC의 시계가 {}일 {}시간 {}분 {dir})",
                minutes / 1440,
                minutes % 1440 / 60,
                minutes % 60
            )
        }
    }
}

fn print_report(
    global: &Global,
    report: &CycleReport,
    offset_ms: Option<i64>,
) -> Result<(), CliError> {
    if global.json {
        return print_json(report);
    }
    let mut out = String::new();
    say!(out, "동기화 완료 (sync done)");
    say!(out, "{}", clock_line(offset_ms));
    say!(
        out,
        "  조회 요청      {}회 (주문 {}건)",
        report.lookup_calls,
        report.orders_looked_up
    );
    say!(out, "  변경 피드      {}쪽", report.feed_pages);
    say!(out, "  받은 결제      {}건", report.payments_seen);
    say!(
        out,
        "  상태 변경      {}건 (포기 {}건)",
        report.transitions,
        report.abandoned
    );
    say!(
        out,
        "  작업           완료 {} / 재시도 {} / 확인 필요 {}",
        report.jobs_done,
        report.jobs_retried,
        report.jobs_parked
    );
    say!(out, "  REST 요청      {}회", report.rest_calls);
    emit(&out)
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(CliError::Runtime)
}

/// `posctl sync`.
pub fn run(global: &Global, args: &SyncArgs) -> Result<ExitCode, CliError> {
    let dir = prepare_data_dir(&context::data_dir(global)?)?;
    let store = context::open_book(global, &dir)?;
    let timeout = args.http_timeout_ms.map(Duration::from_millis);
    let client = iamport_client(global, &dir, timeout)?;
    let options = options(&dir);
    let work = Arc::new(CheckoutWork);
    let rt = runtime()?;
    if args.watch {
        rt.block_on(watch(store, client, work, options))?;
        return Ok(ExitCode::SUCCESS);
    }
    let clock = client.clone();
    let report = rt.block_on(SyncEngine::run_once(
        store,
        client,
        work.clone(),
        work,
        options,
        "posctl",
    ))?;
    print_report(global, &report, clock.clock_offset_ms())?;
    Ok(ExitCode::SUCCESS)
}

async fn stop_signal() -> Result<(), CliError> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).map_err(CliError::Runtime)?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.map_err(CliError::Runtime)?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await.map_err(CliError::Runtime)?;
    Ok(())
}

async fn watch(
    store: Store,
    client: iamport::Client,
    work: Arc<CheckoutWork>,
    options: SyncOptions,
) -> Result<(), CliError> {
    let handle = SyncEngine::start(store, client, work.clone(), work, options, "posctl").await?;
    let holder = handle.status().lease_holder.unwrap_or_default();
    eprintln!("동기화 엔진 실행 중 ({holder}). Ctrl-C로 멈춥니다. (sync engine running)");
    let signalled = stop_signal().await;
    let status = handle.status();
    let stopped = handle.stop().await;
    eprintln!(
        "동기화 엔진을 멈췄습니다. 대기 작업 {}건, 확인 필요 {}건. (sync engine stopped)",
        status.queue_len, status.needs_attention
    );
    signalled?;
    stopped.map_err(CliError::from)
}

impl From<SyncError> for CliError {
    fn from(source: SyncError) -> Self {
        CliError::Sync { source }
    }
}
