//! `posctl jobs list [--all] | retry ID`: the queue of work owed to Iamport.

use chrono::Utc;
use pos_core::format::kst_minute;
use pos_core::store::JobFilter;
use pos_core::Job;

use crate::cli::Global;
use crate::context::open_store;
use crate::error::{emit, print_json, say, CliError};

fn line(job: &Job) -> String {
    format!(
        "{:>6} {:<8} {:<34} {:<16} 시도 {:>2}  다음 {}{}{}",
        job.id,
        job.kind,
        job.merchant_uid,
        job.state.as_str(),
        job.attempts,
        kst_minute(job.next_run_at),
        if job.outcome_unknown {
            "  [결과 확인 필요]"
        } else {
            ""
        },
        job.last_error
            .as_deref()
            .map(|e| format!("\n         {e}"))
            .unwrap_or_default(),
    )
}

/// `posctl jobs list`.
pub fn list(global: &Global, all: bool, limit: u32) -> Result<(), CliError> {
    let store = open_store(global)?;
    let filter = if all { JobFilter::All } else { JobFilter::Open };
    let jobs = store.list_jobs(filter, limit)?;
    if global.json {
        return print_json(&jobs);
    }
    let mut out = String::new();
    if jobs.is_empty() {
        say!(out, "대기 중인 작업이 없습니다. (no jobs)");
    }
    for job in &jobs {
        say!(out, "{}", line(job));
    }
    emit(&out)
}

/// `posctl jobs retry ID`: a parked job back in the queue, due now.
pub fn retry(global: &Global, id: i64) -> Result<(), CliError> {
    let store = open_store(global)?;
    let job = store.retry_parked_job(id, Utc::now())?;
    if global.json {
        return print_json(&job);
    }
    let mut out = String::new();
    say!(
        out,
        "작업 {}번을 다시 대기열에 넣었습니다. 동기화 엔진이 곧 실행합니다. (job queued again)",
        job.id
    );
    emit(&out)
}
