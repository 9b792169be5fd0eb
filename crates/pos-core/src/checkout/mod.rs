//! One-time checkout, verified: start (order at the catalog price, `prepare`, the payment-window
//! ticket), verify (`complete_payment` → `reconcile` → `apply_transition`), refunds, and 주문 취소
//! of an unpaid order (`abandon_now`).
//!
//! The UI never sends an amount and nothing the browser says is believed: every state change
//! comes from a payment fetched from Iamport, decided by the pure [`reconcile`].

mod abandon;
mod apply;
pub mod banks;
mod card_details;
mod error;
mod mismatch;
mod receipt;
mod reconcile;
mod redirect;
mod refund;
mod start;
mod test_charge;
mod verify;

#[cfg(test)]
mod reconcile_tests;

pub use abandon::{
    abandon_now, abandon_order, AbandonOutcome, RevokeVbankPayload, OWNER_ABANDONED,
};
pub use apply::{
    apply_payment, Applied, CancelPayload, CANCEL_JOB, MISMATCH_CANCEL_REASON, REVOKE_VBANK_JOB,
    VERIFY_JOB,
};
pub use banks::{clean_account, known_bank, refund_banks, Bank, BankList, BankSource};
pub use card_details::{card_details, CardDetails};
pub use error::CheckoutError;
pub use mismatch::resume_mismatch_cancel;
pub use receipt::{approval_number, is_https_url, receipt_url, APPROVAL_KEY, RECEIPT_URL_KEY};
pub use reconcile::{pay_method_of, reconcile, Move, Refusal, Transition};
pub use redirect::{is_payment_redirect, parse_redirect, RedirectParams};
pub use refund::{
    refund_now, request_refund, RefundAccount, RefundOutcome, RefundQueued, RefundRequest,
    REFUND_REASON_MAX_CHARS,
};
pub use start::{
    retry_checkout, start_checkout, vbank_due_kst, window_opened, Buyer, CheckoutEnv,
    CheckoutTicket, PrepareStatus, CHANNEL_KEY_PREFIX, LIVE_SDK_URL, M_REDIRECT_URL,
    SANDBOX_MERCHANT_CODE, VBANK_DAYS,
};
pub use test_charge::{is_issuance_test_charge, TEST_CHARGE_KEY};
pub use verify::{complete_payment, Verified};
