//! Tax evidence: the shop's 사업자등록번호 and cash receipts (현금영수증) for payments that are not
//! by card (a card payment's evidence is the PG's sales slip).

pub mod business_number;

pub use business_number::{business_number_digits, BusinessNumberProblem};
pub mod receipt;

pub use receipt::{
    cancel_receipt_now, issue_receipt_now, receipt_identifier, request_receipt,
    request_receipt_cancel, ReceiptAsk, ReceiptError, ReceiptOutcome,
};
