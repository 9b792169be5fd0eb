//! How payments come to exist and change state: the buyer's window (SDK or control API),
//! billing-key charges (`again`, schedules) and virtual-account deposits. Every transition goes
//! through [`Store::update_payment`] so `updated` moves.

use crate::clock::DAY;
use crate::model::{Payment, PaymentStatus};
use crate::state::{digits, Store};

/// What a new payment attempt starts from.
#[derive(Clone, Debug, Default)]
pub struct NewPayment {
    pub merchant_uid: String,
    pub amount: i64,
    pub name: Option<String>,
    pub pay_method: Option<String>,
    pub pg: Option<String>,
    pub buyer_name: Option<String>,
    pub buyer_email: Option<String>,
    pub buyer_tel: Option<String>,
    pub buyer_addr: Option<String>,
    pub buyer_postcode: Option<String>,
    pub custom_data: Option<String>,
    pub customer_uid: Option<String>,
    /// `None`, `issue`, `payment` or `payment.scheduled`.
    pub customer_uid_usage: Option<&'static str>,
    /// `pc`, `mobile` or `api`.
    pub channel: &'static str,
    pub currency: Option<String>,
    pub sandbox: bool,
    pub user_agent: Option<String>,
}

/// How a finished attempt ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Approved.
    Paid,
    /// Declined, with the reason.
    Failed(String),
    /// A virtual account was issued; it waits for a deposit until the deadline.
    VbankIssued { due: Option<i64> },
    /// The window was closed or is still open: stays `ready`.
    Ready,
}

/// The decline reason the sandbox uses for card refusals.
pub const DECLINE_REASON: &str =
    "[F0004] 카드 승인이 거절되었습니다. (한도초과 또는 사용 정지된 카드) (sandbox)";

fn pg_parts(pg: Option<&str>, billing: bool) -> (String, String) {
    let default_mid = if billing { "INIBillTst" } else { "INIpayTest" };
    match pg {
        Some(pg) if !pg.is_empty() => match pg.split_once('.') {
            Some((provider, mid)) => (provider.to_owned(), mid.to_owned()),
            None => (pg.to_owned(), default_mid.to_owned()),
        },
        _ => ("html5_inicis".to_owned(), default_mid.to_owned()),
    }
}

impl Store {
    /// Creates a `ready` payment (the window opened) and returns its index.
    pub fn open_payment(&mut self, new: NewPayment) -> usize {
        let now = self.now();
        let billing = new.customer_uid.is_some();
        let (pg_provider, pg_id) = pg_parts(new.pg.as_deref(), billing);
        let payment = Payment {
            amount: new.amount,
            apply_num: None,
            bank_code: None,
            bank_name: None,
            buyer_addr: new.buyer_addr,
            buyer_email: new.buyer_email,
            buyer_name: new.buyer_name,
            buyer_postcode: new.buyer_postcode,
            buyer_tel: new.buyer_tel,
            cancel_amount: 0,
            cancel_history: Vec::new(),
            cancel_reason: None,
            cancel_receipt_urls: Vec::new(),
            cancelled_at: 0,
            card_code: None,
            card_issuer_code: None,
            card_issuer_name: None,
            card_name: None,
            card_number: None,
            card_publisher_code: None,
            card_publisher_name: None,
            card_quota: 0,
            card_type: None,
            cash_receipt_issued: false,
            channel: new.channel.to_owned(),
            currency: new.currency.unwrap_or_else(|| "KRW".to_owned()),
            custom_data: new.custom_data,
            customer_uid: new.customer_uid,
            customer_uid_usage: new.customer_uid_usage.map(str::to_owned),
            deposit_history: Vec::new(),
            emb_pg_provider: None,
            escrow: false,
            fail_reason: None,
            failed_at: 0,
            imp_uid: String::new(),
            merchant_uid: new.merchant_uid,
            name: new.name,
            paid_at: 0,
            pay_method: new.pay_method.unwrap_or_else(|| "card".to_owned()),
            pg_id,
            pg_provider,
            pg_tid: None,
            promotion: None,
            receipt_url: None,
            sandbox: new.sandbox,
            started_at: now,
            status: PaymentStatus::Ready,
            user_agent: new.user_agent,
            vbank_code: None,
            vbank_date: 0,
            vbank_holder: None,
            vbank_issued_at: 0,
            vbank_name: None,
            vbank_num: None,
        };
        self.insert_payment(payment)
    }

    /// Finishes an attempt with `outcome`.
    pub fn finish_payment(&mut self, i: usize, outcome: Outcome) {
        match outcome {
            Outcome::Ready => {}
            Outcome::Paid => self.update_payment(i, mark_paid),
            Outcome::Failed(reason) => self.update_payment(i, |p, now| {
                p.status = PaymentStatus::Failed;
                p.failed_at = now;
                p.fail_reason = Some(reason);
            }),
            Outcome::VbankIssued { due } => self.update_payment(i, |p, now| {
                p.pay_method = "vbank".to_owned();
                p.vbank_code = Some("004".to_owned());
                p.vbank_name = Some("KB국민은행".to_owned());
                p.vbank_num = Some(format!("{}-{}-{}", digits(6), digits(2), digits(6)));
                p.vbank_holder = Some("（주）판뮤직".to_owned());
                p.vbank_issued_at = now;
                p.vbank_date = due
                    .filter(|d| *d > now)
                    .unwrap_or(now.saturating_add(3 * DAY));
                p.pg_tid = Some(format!("StdpayVBNK{}{}", p.pg_id, digits(14)));
            }),
        }
    }

    /// Creates a payment and finishes it at once (control API, billing-key charges).
    pub fn create_payment(&mut self, new: NewPayment, outcome: Outcome) -> usize {
        let i = self.open_payment(new);
        self.finish_payment(i, outcome);
        i
    }
}

/// Marks a payment paid now, with the card or transfer details a PG would fill in.
pub fn mark_paid(p: &mut Payment, now: i64) {
    p.status = PaymentStatus::Paid;
    p.paid_at = now;
    p.receipt_url = Some(format!(
        "https://sandbox.iamport.invalid/receipts/{}",
        p.imp_uid
    ));
    match p.pay_method.as_str() {
        "card" => {
            p.apply_num = Some(digits(8));
            p.card_code = Some("366".to_owned());
            p.card_name = Some("신한카드".to_owned());
            p.card_number = Some("559410*********4".to_owned());
            p.card_type = Some(1);
            p.pg_tid = Some(format!("StdpayCARD{}{}", p.pg_id, digits(14)));
        }
        "trans" => {
            p.bank_code = Some("088".to_owned());
            p.bank_name = Some("신한은행".to_owned());
            p.pg_tid = Some(format!("StdpayACCT{}{}", p.pg_id, digits(14)));
        }
        "vbank" => {}
        _ => p.pg_tid = Some(format!("Stdpay{}{}", p.pg_id, digits(14))),
    }
}
