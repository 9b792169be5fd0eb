//! `posctl report`: the 정산 of KST days, printed, as JSON, or written as CSV.

use pos_core::format::{pad_end, pad_start, won};
use pos_core::report::DateRange;
use pos_core::store::Figures;

use crate::cli::{Global, ReportArgs};
use crate::context::open_store;
use crate::error::{emit, print_json, say, CliError};

fn row(name: &str, f: &Figures) -> String {
    format!(
        "{}  {}  {}  {}  {}",
        pad_end(name, 14),
        pad_start(&won(f.paid), 14),
        pad_start(&won(f.refunded), 14),
        pad_start(&won(f.net), 14),
        pad_start(&format!("{}건", f.count), 9),
    )
}

pub fn run(global: &Global, args: &ReportArgs) -> Result<(), CliError> {
    let range = DateRange::parse(&args.from, &args.to)?;
    let store = open_store(global)?;
    let settlement = store.settlement(&range)?;
    let written = match &args.csv {
        Some(path) => Some((path, store.export_settlement_csv(&range, path)?)),
        None => None,
    };
    if global.json {
        return print_json(&settlement);
    }
    let mut out = String::new();
    say!(out, "정산 {} ~ {} (KST, 결제일 기준)", range.from, range.to);
    say!(
        out,
        "{}  {}  {}  {}  {}",
        pad_end("구분", 14),
        pad_start("결제", 14),
        pad_start("환불", 14),
        pad_start("순매출", 14),
        pad_start("건수", 9)
    );
    say!(out, "{}", row("합계", &settlement.totals));
    for (method, figures) in &settlement.by_pay_method {
        let label = method
            .parse::<pos_core::PayMethod>()
            .map(|m| m.label_ko())
            .unwrap_or(method.as_str());
        say!(out, "{}", row(label, figures));
    }
    for (plan, figures) in &settlement.by_plan {
        let name = settlement.plan_names.get(plan).unwrap_or(plan);
        say!(out, "{}", row(name, figures));
    }
    let unpaid = settlement.vbank_unpaid;
    say!(
        out,
        "입금 대기 가상계좌 (매출 아님): {}건 {}",
        unpaid.count,
        won(unpaid.amount)
    );
    if let Some((path, rows)) = written {
        say!(out, "CSV 저장: {} ({}건)", path.display(), rows);
    }
    emit(&out)
}
