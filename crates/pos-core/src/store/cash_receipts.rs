//! The `cash_receipts` table: one cash receipt (현금영수증) per order and where it stands, and the
//! automatic rules applied inside every order transition (see [`on_transition`]): a non-card
//! payment verified paid gets a 지출증빙 receipt queued when the owner turned that on; a fully
//! refunded payment gets its standing receipt's cancel queued. Row and job are written together.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::codec::{ms_col, ms_col_opt, now, text_enum, to_ms};
use super::error::{SqlContext, StoreError};
use super::jobs::{enqueue_in, NewJob};
use super::orders::{Order, OrderState, PayMethod};
use super::Store;

/// The job that issues an order's cash receipt (looks it up first).
pub const RECEIPT_ISSUE_JOB: &str = "receipt_issue";
/// The job that cancels an order's cash receipt (looks it up first).
pub const RECEIPT_CANCEL_JOB: &str = "receipt_cancel";
/// `sync_state` key of the automatic-issue rule: the business number (digits) receipts go to, or
/// absent when automatic issue is off.
pub const AUTO_RECEIPT_KEY: &str = "cash_receipt_auto_business_number";

/// 소득공제 (a person) or 지출증빙 (a business).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReceiptKind {
    /// 소득공제용, to a phone number.
    Person,
    /// 지출증빙용, to a business registration number.
    Company,
}

text_enum!(ReceiptKind, "cash_receipts.receipt_type", {
    Person => "person",
    Company => "company",
});

impl ReceiptKind {
    /// The Korean name.
    pub fn label_ko(self) -> &'static str {
        match self {
            ReceiptKind::Person => "소득공제",
            ReceiptKind::Company => "지출증빙",
        }
    }
}

/// Where a cash receipt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ReceiptState {
    /// Asked for; the issue job is queued (waits while offline).
    Requested,
    /// Issued by Iamport.
    Issued,
    /// Cancel asked for; the cancel job is queued.
    CancelRequested,
    /// Cancelled at Iamport.
    Cancelled,
    /// Iamport refused to issue it (see `last_error`).
    Failed,
}

text_enum!(ReceiptState, "cash_receipts.state", {
    Requested => "requested",
    Issued => "issued",
    CancelRequested => "cancel_requested",
    Cancelled => "cancelled",
    Failed => "failed",
});

impl ReceiptState {
    /// The Korean label.
    pub fn label_ko(self) -> &'static str {
        match self {
            ReceiptState::Requested => "발급 대기",
            ReceiptState::Issued => "발급됨",
            ReceiptState::CancelRequested => "취소 대기",
            ReceiptState::Cancelled => "취소됨",
            ReceiptState::Failed => "발급 실패",
        }
    }
}

/// An order's cash receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CashReceipt {
    /// The order.
    pub merchant_uid: String,
    /// Its Iamport payment.
    pub imp_uid: String,
    /// 소득공제 or 지출증빙.
    pub receipt_type: ReceiptKind,
    /// The business number or phone number it is issued to (digits).
    pub identifier: String,
    /// Where it stands.
    pub state: ReceiptState,
    /// Issued automatically on verification (not asked from the order page or posctl).
    pub auto: bool,
    /// 국세청 approval number, once issued.
    pub apply_num: Option<String>,
    /// Iamport's page of the receipt, once issued.
    pub receipt_url: Option<String>,
    /// Won covered, once issued.
    #[ts(type = "number | null")]
    pub amount: Option<i64>,
    /// When it was issued.
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    #[ts(type = "number | null")]
    pub issued_at: Option<DateTime<Utc>>,
    /// When it was cancelled.
    #[serde(with = "chrono::serde::ts_milliseconds_option")]
    #[ts(type = "number | null")]
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Why the last attempt failed (Korean).
    pub last_error: Option<String>,
    /// When it was first asked for.
    #[serde(with = "chrono::serde::ts_milliseconds")]
    #[ts(type = "number")]
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "merchant_uid, imp_uid, receipt_type, identifier, state, auto, apply_num, \
     receipt_url, amount, issued_at, cancelled_at, last_error, created_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<CashReceipt> {
    Ok(CashReceipt {
        merchant_uid: row.get(0)?,
        imp_uid: row.get(1)?,
        receipt_type: row.get(2)?,
        identifier: row.get(3)?,
        state: row.get(4)?,
        auto: row.get(5)?,
        apply_num: row.get(6)?,
        receipt_url: row.get(7)?,
        amount: row.get(8)?,
        issued_at: ms_col_opt(row, 9)?,
        cancelled_at: ms_col_opt(row, 10)?,
        last_error: row.get(11)?,
        created_at: ms_col(row, 12)?,
    })
}

fn receipt_in(conn: &Connection, merchant_uid: &str) -> Result<Option<CashReceipt>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM cash_receipts WHERE merchant_uid = ?1"
    ))
    .ctx("read a cash receipt")?
    .query_row([merchant_uid], from_row)
    .optional()
    .ctx("read a cash receipt")
}

/// Writes (or replaces) the row as `requested` and queues its issue job, in `conn`'s transaction.
fn request_in(
    conn: &Connection,
    order: &Order,
    kind: ReceiptKind,
    identifier: &str,
    auto: bool,
    at: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let imp_uid = order.imp_uid.clone().unwrap_or_default();
    conn.execute(
        "INSERT INTO cash_receipts (merchant_uid, imp_uid, receipt_type, identifier, state, auto, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, 'requested', ?5, ?6, ?6) \
         ON CONFLICT (merchant_uid) DO UPDATE SET imp_uid = excluded.imp_uid, receipt_type = excluded.receipt_type, \
         identifier = excluded.identifier, state = 'requested', auto = excluded.auto, apply_num = NULL, \
         receipt_url = NULL, amount = NULL, issued_at = NULL, cancelled_at = NULL, last_error = NULL, \
         updated_at = excluded.updated_at",
        params![order.merchant_uid, imp_uid, kind, identifier, auto, to_ms(at)],
    )
    .ctx("record a cash receipt request")?;
    // A new request supersedes an attempt parked after a refusal (its row is `failed`).
    conn.execute(
        "UPDATE jobs SET state = 'done', updated_at = ?3 \
         WHERE kind = ?1 AND merchant_uid = ?2 AND state = 'needs_attention'",
        params![RECEIPT_ISSUE_JOB, order.merchant_uid, to_ms(at)],
    )
    .ctx("close a refused cash receipt attempt")?;
    enqueue_in(
        conn,
        &NewJob {
            kind: RECEIPT_ISSUE_JOB.to_string(),
            merchant_uid: order.merchant_uid.clone(),
            payload: serde_json::json!({ "impUid": imp_uid }),
            run_at: None,
        },
        at,
    )
}

fn request_cancel_in(
    conn: &Connection,
    merchant_uid: &str,
    at: DateTime<Utc>,
) -> Result<i64, StoreError> {
    conn.execute(
        "UPDATE cash_receipts SET state = 'cancel_requested', last_error = NULL, updated_at = ?2 WHERE merchant_uid = ?1",
        params![merchant_uid, to_ms(at)],
    )
    .ctx("record a cash receipt cancel")?;
    enqueue_in(
        conn,
        &NewJob {
            kind: RECEIPT_CANCEL_JOB.to_string(),
            merchant_uid: merchant_uid.to_string(),
            payload: serde_json::json!({}),
            run_at: None,
        },
        at,
    )
}

/// The automatic rules, run inside an order transition's transaction (`from` → `order.state`).
pub(crate) fn on_transition(
    conn: &Connection,
    from: OrderState,
    order: &Order,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let existing = receipt_in(conn, &order.merchant_uid)?;
    let newly_paid = order.state == OrderState::Paid && from != OrderState::Paid;
    if newly_paid
        && existing.is_none()
        && order.pay_method != PayMethod::Card
        && order.amount > 0
        && order.imp_uid.is_some()
    {
        let number: Option<String> = conn
            .prepare_cached("SELECT value FROM sync_state WHERE key = ?1")
            .ctx("read the cash receipt rule")?
            .query_row([AUTO_RECEIPT_KEY], |row| row.get(0))
            .optional()
            .ctx("read the cash receipt rule")?;
        if let Some(number) = number {
            request_in(conn, order, ReceiptKind::Company, &number, true, at)?;
        }
    }
    let fully_refunded = order.state == OrderState::Refunded && from != OrderState::Refunded;
    if fully_refunded {
        if let Some(r) = existing {
            if matches!(r.state, ReceiptState::Issued | ReceiptState::Requested) {
                request_cancel_in(conn, &order.merchant_uid, at)?;
            }
        }
    }
    Ok(())
}

impl Store {
    /// The order's cash receipt, if one was ever asked for.
    pub fn cash_receipt(&self, merchant_uid: &str) -> Result<Option<CashReceipt>, StoreError> {
        let conn = self.lock();
        receipt_in(&conn, merchant_uid)
    }

    /// Turns automatic issue on (to the business number `digits`) or off (`None`).
    pub fn set_auto_cash_receipt(&self, digits: Option<&str>) -> Result<(), StoreError> {
        let conn = self.lock();
        match digits {
            Some(d) => conn
                .execute(
                    "INSERT INTO sync_state (key, value, updated_at) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                    params![AUTO_RECEIPT_KEY, d, to_ms(now())],
                )
                .ctx("write the cash receipt rule")?,
            None => conn
                .execute("DELETE FROM sync_state WHERE key = ?1", [AUTO_RECEIPT_KEY])
                .ctx("write the cash receipt rule")?,
        };
        Ok(())
    }

    /// Records a receipt request and queues its issue job in one transaction; returns the job id.
    /// The caller has checked the order and the identifier (`crate::tax::receipt`).
    pub fn request_cash_receipt(
        &self,
        order: &Order,
        kind: ReceiptKind,
        identifier: &str,
    ) -> Result<i64, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .ctx("start a cash receipt request")?;
        let id = request_in(&tx, order, kind, identifier, false, now())?;
        tx.commit().ctx("commit a cash receipt request")?;
        Ok(id)
    }

    /// Marks the receipt to be cancelled and queues its cancel job; returns the job id.
    pub fn request_cash_receipt_cancel(&self, merchant_uid: &str) -> Result<i64, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .ctx("start a cash receipt cancel")?;
        let id = request_cancel_in(&tx, merchant_uid, now())?;
        tx.commit().ctx("commit a cash receipt cancel")?;
        Ok(id)
    }

    /// Records what Iamport issued.
    pub fn record_cash_receipt_issued(
        &self,
        merchant_uid: &str,
        receipt: &iamport::Receipt,
    ) -> Result<(), StoreError> {
        let issued_at = receipt.applied_at.map(|s| s.saturating_mul(1000));
        let conn = self.lock();
        conn.execute(
            "UPDATE cash_receipts SET state = 'issued', apply_num = ?2, receipt_url = ?3, amount = ?4, \
             issued_at = COALESCE(?5, ?6), cancelled_at = NULL, last_error = NULL, updated_at = ?6 \
             WHERE merchant_uid = ?1",
            params![
                merchant_uid,
                receipt.apply_num,
                receipt.receipt_url,
                receipt.amount,
                issued_at,
                to_ms(now())
            ],
        )
        .ctx("record an issued cash receipt")?;
        Ok(())
    }

    /// Records that the receipt no longer stands at Iamport.
    pub fn record_cash_receipt_cancelled(
        &self,
        merchant_uid: &str,
        cancelled_at_secs: Option<i64>,
    ) -> Result<(), StoreError> {
        let conn = self.lock();
        let at = to_ms(now());
        conn.execute(
            "UPDATE cash_receipts SET state = 'cancelled', cancelled_at = COALESCE(?2, ?3), last_error = NULL, \
             updated_at = ?3 WHERE merchant_uid = ?1",
            params![merchant_uid, cancelled_at_secs.map(|s| s.saturating_mul(1000)), at],
        )
        .ctx("record a cancelled cash receipt")?;
        Ok(())
    }

    /// Records that Iamport refused to issue the receipt, with why (Korean).
    pub fn record_cash_receipt_failed(
        &self,
        merchant_uid: &str,
        why: &str,
    ) -> Result<(), StoreError> {
        let conn = self.lock();
        conn.execute(
            "UPDATE cash_receipts SET state = 'failed', last_error = ?2, updated_at = ?3 WHERE merchant_uid = ?1",
            params![merchant_uid, why, to_ms(now())],
        )
        .ctx("record a refused cash receipt")?;
        Ok(())
    }
}
