//! `posctl refund resume` and `posctl refund banks`: the refund account of a virtual account's
//! parked automatic cancel (`checkout::resume_mismatch_cancel`), and the bank codes it takes.

use pos_core::checkout::{
    refund_banks, resume_mismatch_cancel, BankSource, RefundAccount, RefundOutcome,
};
use pos_core::format::won;

use crate::checkout_cmd::{open, runtime};
use crate::cli::Global;
use crate::error::{emit, print_json, say, CliError};

/// `posctl refund resume M --refund-bank CODE --refund-account N --refund-holder H`: sends the
/// parked cancel of mismatched virtual-account order M with this refund account (queued when
/// Iamport is unreachable, which is a success).
pub fn resume(
    global: &Global,
    merchant_uid: &str,
    account: &RefundAccount,
) -> Result<(), CliError> {
    let (store, client) = open(global)?;
    let outcome = runtime()?.block_on(resume_mismatch_cancel(
        &store,
        Some(&client),
        merchant_uid,
        account,
    ))?;
    print_refund(
        global,
        &outcome,
        "환불 계좌로 자동 취소를 보냈습니다",
        "자동 취소가 대기열에 등록됨",
    )
}

/// Prints how a refund ended (JSON with `--json`): `done` heads a sent one (the order's state
/// and refunded total follow), `queued` one waiting in the queue (its job and why follow).
pub(crate) fn print_refund(
    global: &Global,
    outcome: &RefundOutcome,
    done: &str,
    queued: &str,
) -> Result<(), CliError> {
    if global.json {
        return print_json(outcome);
    }
    let mut out = String::new();
    match outcome {
        RefundOutcome::Done { order } => {
            say!(
                out,
                "{done}: {} ({})",
                order.state.label_ko(),
                order.state.as_str()
            );
            say!(out, "주문번호   {}", order.merchant_uid);
            say!(
                out,
                "환불 누계  {} / {}",
                won(order.refunded_amount),
                won(order.amount)
            );
        }
        RefundOutcome::Queued { job_id, message } => {
            say!(out, "{queued} (queued, 작업 {job_id}): {message}");
        }
    }
    emit(&out)
}

/// `posctl refund banks`: the codes `--refund-bank` takes.
pub fn banks(global: &Global) -> Result<(), CliError> {
    let (store, client) = open(global)?;
    let list = runtime()?.block_on(refund_banks(&store, Some(&client)));
    if global.json {
        return print_json(&list);
    }
    let mut out = String::new();
    let from = match list.source {
        BankSource::Iamport => "아임포트 목록",
        BankSource::Cached => "아임포트에 연결할 수 없어 마지막으로 받은 목록",
        BankSource::BuiltIn => "아임포트에 연결할 수 없어 앱에 내장된 목록",
    };
    say!(out, "은행 코드 ({from})");
    for bank in &list.banks {
        say!(out, "{}  {}", bank.code, bank.name);
    }
    emit(&out)
}
