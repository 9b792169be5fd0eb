//! `posctl payment complete` and `posctl refund`: the same verification and refund paths the
//! app's UI uses (`checkout::complete_payment`, `checkout::refund_now`).

use pos_core::checkout::{complete_payment, refund_now, RefundAccount, RefundRequest};
use pos_core::format::{kst_minute, won};
use pos_core::paths::prepare_data_dir;
use pos_core::work::JobRun;
use pos_core::Store;

use crate::cli::{Global, RefundArgs};
use crate::context;
use crate::error::{emit, print_json, say, CliError};
use crate::refund_cmd::print_refund;
use crate::sync_cmd::iamport_client;

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)
}

pub(crate) fn open(global: &Global) -> Result<(Store, iamport::Client), CliError> {
    let dir = prepare_data_dir(&context::data_dir(global)?)?;
    let client = iamport_client(global, &dir, None)?;
    Ok((context::open_book(global, &dir)?, client))
}

/// `posctl payment complete MERCHANT_UID IMP_UID`.
pub fn complete(global: &Global, merchant_uid: &str, imp_uid: &str) -> Result<(), CliError> {
    let (store, client) = open(global)?;
    let verified = runtime()?.block_on(complete_payment(
        &store,
        &client,
        merchant_uid,
        Some(imp_uid),
    ))?;
    if global.json {
        return print_json(&verified);
    }
    let order = &verified.order;
    let mut out = String::new();
    say!(
        out,
        "결제 확인 완료: {} ({})",
        order.state.label_ko(),
        order.state.as_str()
    );
    say!(out, "주문번호   {}", order.merchant_uid);
    say!(out, "imp_uid    {}", verified.imp_uid);
    say!(out, "금액       {}", won(order.amount));
    if let (Some(bank), Some(num)) = (&order.vbank_bank, &order.vbank_num) {
        let due = order
            .vbank_due
            .map(kst_minute)
            .unwrap_or_else(|| "-".into());
        say!(out, "가상계좌   {bank} {num} 입금기한 {due}");
    }
    if let Some(reason) = &order.fail_reason {
        say!(out, "실패 사유  {reason}");
    }
    match &verified.mismatch_cancel {
        Some(JobRun::Done(_)) => say!(out, "결제 금액이 주문과 달라 전액 자동 취소했습니다."),
        Some(JobRun::Queued { message, .. }) => {
            say!(
                out,
                "결제 금액이 주문과 달라 전액 취소를 대기열에 등록했습니다: {message}"
            )
        }
        Some(JobRun::Parked { message, .. }) => {
            say!(
                out,
                "결제 금액이 주문과 달라 취소해야 하지만 실패했습니다 (확인 필요): {message}"
            )
        }
        Some(JobRun::NotPending { .. }) | None => {}
    }
    if !verified.changed {
        say!(out, "(이미 확인된 결제입니다. 바뀐 것은 없습니다.)");
    }
    emit(&out)
}

/// `posctl refund MERCHANT_UID [--amount N] --reason R [--refund-bank B --refund-account A
/// --refund-holder H]`. Queued (Iamport unreachable) is a success.
pub fn refund(global: &Global, args: &RefundArgs) -> Result<(), CliError> {
    let (store, client) = open(global)?;
    let refund_account = match (&args.refund_bank, &args.refund_account, &args.refund_holder) {
        (None, None, None) => None,
        (bank, number, holder) => Some(RefundAccount {
            bank: bank.clone().unwrap_or_default(),
            number: number.clone().unwrap_or_default(),
            holder: holder.clone().unwrap_or_default(),
        }),
    };
    // clap requires both without a subcommand; empty ones are refused by `refund_now` itself.
    let request = RefundRequest {
        amount: args.amount,
        reason: args.reason.clone().unwrap_or_default(),
        refund_account,
    };
    let merchant_uid = args.merchant_uid.clone().unwrap_or_default();
    let outcome =
        runtime()?.block_on(refund_now(&store, Some(&client), &merchant_uid, &request))?;
    print_refund(global, &outcome, "환불 완료", "환불이 대기열에 등록됨")
}
