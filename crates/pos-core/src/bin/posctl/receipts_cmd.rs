//! `posctl receipts issue|cancel`: the cash receipt (현금영수증) of a non-card order, through the
//! same job the app's order page uses (tried at once; queued while Iamport is unreachable).

use clap::Subcommand;
use pos_core::format::won;
use pos_core::paths::prepare_data_dir;
use pos_core::store::ReceiptKind;
use pos_core::tax::{cancel_receipt_now, issue_receipt_now, ReceiptAsk, ReceiptOutcome};

use crate::cli::Global;
use crate::context;
use crate::error::{emit, print_json, say, CliError};
use crate::sync_cmd::iamport_client;

/// `posctl receipts`.
#[derive(Debug, Subcommand)]
pub enum ReceiptsCommand {
    /// Issues the order's cash receipt: 지출증빙 to the business number in settings by default.
    Issue {
        /// The order's merchant_uid.
        merchant_uid: String,
        /// company (지출증빙) or person (소득공제).
        #[arg(long = "type", value_name = "T", default_value = "company", value_parser = ["company", "person"])]
        receipt_type: String,
        /// Business number (company) or mobile number (person); company defaults to settings'.
        #[arg(long, value_name = "N")]
        identifier: Option<String>,
    },
    /// Cancels the order's cash receipt.
    Cancel {
        /// The order's merchant_uid.
        merchant_uid: String,
    },
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)
}

pub fn run(global: &Global, command: &ReceiptsCommand) -> Result<(), CliError> {
    let dir = prepare_data_dir(&context::data_dir(global)?)?;
    let store = context::open_book(global, &dir)?;
    let client = iamport_client(global, &dir, None)?;
    let outcome = match command {
        ReceiptsCommand::Issue {
            merchant_uid,
            receipt_type,
            identifier,
        } => {
            let ask = ReceiptAsk {
                receipt_type: if receipt_type == "person" {
                    ReceiptKind::Person
                } else {
                    ReceiptKind::Company
                },
                identifier: identifier.clone(),
            };
            let settings = context::settings(&dir).settings;
            runtime()?.block_on(issue_receipt_now(
                &store,
                Some(&client),
                merchant_uid,
                &ask,
                settings.business_number.as_deref(),
            ))?
        }
        ReceiptsCommand::Cancel { merchant_uid } => {
            runtime()?.block_on(cancel_receipt_now(&store, Some(&client), merchant_uid))?
        }
    };
    if global.json {
        return print_json(&outcome);
    }
    let mut out = String::new();
    match &outcome {
        ReceiptOutcome::Done { receipt } => {
            say!(
                out,
                "현금영수증 {} ({})",
                receipt.state.label_ko(),
                receipt.receipt_type.label_ko()
            );
            if let Some(num) = &receipt.apply_num {
                say!(out, "승인번호   {num}");
            }
            if let Some(amount) = receipt.amount {
                say!(out, "금액       {}", won(amount));
            }
        }
        ReceiptOutcome::Queued { message, .. } => {
            say!(out, "대기열에 등록했습니다: {message}");
            say!(out, "인터넷이 연결되면 자동으로 처리합니다 (posctl sync --once 로 바로 처리할 수 있습니다).");
        }
    }
    emit(&out)
}
