//! `posctl entitlement`: the shop's 이용 기간, as the home screen shows it.
//!
//! `--json` prints exactly `{"activeUntil": RFC 3339 (+09:00) or null, "periods": [{"start",
//! "end", "source"}]}`. "Now" is Iamport's clock when Iamport can be asked (live mode, or
//! `--api-base`), this PC's clock otherwise (said on stderr).

use chrono::{DateTime, Utc};
use pos_core::clock::IamportClock;
use pos_core::entitlement::{until_label, Entitlement, GrantKind};
use pos_core::format::kst;

use crate::cli::Global;
use crate::context::{data_dir, open_store};
use crate::error::{emit, print_json, say, CliError};
use crate::sync_cmd::iamport_client;

fn rfc3339(t: DateTime<Utc>) -> String {
    t.with_timezone(&kst()).to_rfc3339()
}

/// The `--json` shape.
pub fn json(e: &Entitlement) -> serde_json::Value {
    let periods: Vec<serde_json::Value> = e
        .periods
        .iter()
        .map(|p| serde_json::json!({"start": rfc3339(p.start), "end": rfc3339(p.end), "source": p.source}))
        .collect();
    serde_json::json!({ "activeUntil": e.active_until.map(rfc3339), "periods": periods })
}

fn now(global: &Global) -> Result<DateTime<Utc>, CliError> {
    let client = match iamport_client(global, &data_dir(global)?, None) {
        Ok(client) => client,
        Err(CliError::NoApiBase | CliError::NoCredentials) => {
            eprintln!("아임포트에 물어볼 수 없어 이 PC의 시계로 계산했습니다. (no Iamport to ask: this PC's clock)");
            return Ok(Utc::now());
        }
        Err(e) => return Err(e),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    let reading = rt.block_on(IamportClock::new(&client).now());
    if let Some(note) = reading.fallback_note() {
        eprintln!("{note}");
    }
    Ok(reading.now)
}

pub fn run(global: &Global) -> Result<(), CliError> {
    let store = open_store(global)?;
    let e = store.entitlement(now(global)?)?;
    if global.json {
        return print_json(&json(&e));
    }
    let mut out = String::new();
    match e.active_until {
        Some(until) => say!(out, "이용 중 · {} 까지", until_label(until)),
        None => say!(out, "이용권 없음"),
    }
    if e.ends_soon {
        say!(out, "곧 끝납니다: 이용권을 사거나 정기결제를 확인하세요.");
    }
    for p in &e.periods {
        let what = match p.kind {
            GrantKind::Pass => "이용권",
            GrantKind::Subscription => "정기결제",
            GrantKind::Grace => "정기결제 유예 기간",
        };
        let partial = if p.partially_refunded {
            " (부분 환불: 기간은 그대로)"
        } else {
            ""
        };
        say!(
            out,
            "{} ~ {}  {}  {}{}",
            until_label(p.start),
            until_label(p.end),
            what,
            p.source,
            partial
        );
    }
    emit(&out)
}
