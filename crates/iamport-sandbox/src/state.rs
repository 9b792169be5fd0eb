//! The sandbox's state: payments with their indexes, billing keys, schedules, prepared amounts,
//! tokens and the clock offset. One [`Store`] sits behind a non-poisoning mutex in [`Shared`];
//! handlers hold the lock only for in-memory work, never across an `.await`.

use parking_lot::Mutex;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::clock::real_now;
use crate::faults::{FaultPlan, Stats};
use crate::model::{Customer, Payment, PaymentStatus, Prepared, Schedule};
use crate::token::TokenBook;
use crate::SandboxConfig;

/// A payment plus what the real API keeps internally: the time and sequence of its last change.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredPayment {
    /// The wire object.
    pub payment: Payment,
    /// Unix seconds of the last status change, cancel or deposit (the `updated` sort key).
    pub updated_at: i64,
    /// Global sequence of the last change, to order changes within one second.
    pub update_seq: u64,
    /// Global sequence at creation, to order payments started within one second.
    pub created_seq: u64,
}

/// A billing key plus whether it declines charges from now on.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredCustomer {
    /// The wire object.
    pub customer: Customer,
    /// When true, `again` and scheduled charges with this key fail.
    pub decline: bool,
}

/// Everything that persists across a restart with `--state FILE`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Store {
    payments: Vec<StoredPayment>,
    #[serde(skip)]
    by_imp: HashMap<String, usize>,
    #[serde(skip)]
    by_merchant: HashMap<String, Vec<usize>>,
    /// Billing keys by customer_uid.
    pub customers: BTreeMap<String, StoredCustomer>,
    /// Schedules by merchant_uid.
    pub schedules: BTreeMap<String, Schedule>,
    /// Prepared amounts by merchant_uid.
    pub prepared: HashMap<String, Prepared>,
    /// Issued access tokens.
    pub tokens: TokenBook,
    /// Seconds added to the real clock.
    pub clock_offset: i64,
    /// Payment windows the SDK opened and not yet answered, with their `vbank_due`.
    #[serde(default)]
    pub sdk_sessions: HashMap<String, Option<i64>>,
    /// Billing keys issued without a card number (the SDK window's test cards handed out so far).
    #[serde(default)]
    pub window_cards_issued: u64,
    /// Cash receipts by imp_uid (a cancelled one stays, with `cancelled_at`).
    #[serde(default)]
    pub receipts: BTreeMap<String, crate::receipts::Receipt>,
    /// A PG's own test charges at issuance and when the PG cancels each (imp_uid → UNIX s).
    #[serde(default)]
    pub test_cancels: BTreeMap<String, i64>,
    seq: u64,
}

impl Store {
    /// Rebuilds the indexes after loading from a state file.
    pub fn reindex(&mut self) {
        self.by_imp.clear();
        self.by_merchant.clear();
        for (i, p) in self.payments.iter().enumerate() {
            self.by_imp.insert(p.payment.imp_uid.clone(), i);
            self.by_merchant
                .entry(p.payment.merchant_uid.clone())
                .or_default()
                .push(i);
        }
    }

    /// The sandbox clock in Unix seconds.
    pub fn now(&self) -> i64 {
        real_now().saturating_add(self.clock_offset)
    }

    fn next_seq(&mut self) -> u64 {
        self.seq = self.seq.saturating_add(1);
        self.seq
    }

    /// All payments, oldest first.
    pub fn payments(&self) -> &[StoredPayment] {
        &self.payments
    }

    /// The payment with this imp_uid.
    pub fn payment(&self, imp_uid: &str) -> Option<&Payment> {
        self.by_imp.get(imp_uid).map(|&i| &self.payments[i].payment)
    }

    /// Index of the payment with this imp_uid.
    pub fn index_of(&self, imp_uid: &str) -> Option<usize> {
        self.by_imp.get(imp_uid).copied()
    }

    /// The payments sharing a merchant_uid, oldest first.
    pub fn by_merchant(&self, merchant_uid: &str) -> Vec<&StoredPayment> {
        self.by_merchant
            .get(merchant_uid)
            .map(|v| v.iter().map(|&i| &self.payments[i]).collect())
            .unwrap_or_default()
    }

    /// True when some payment with this merchant_uid is (or was) paid: it can never be paid again.
    pub fn merchant_uid_paid(&self, merchant_uid: &str) -> bool {
        self.by_merchant(merchant_uid).iter().any(|p| {
            p.payment.status == PaymentStatus::Paid
                || (p.payment.status == PaymentStatus::Cancelled && p.payment.paid_at > 0)
        })
    }

    /// Adds a payment and returns its index. The imp_uid is minted here (`imp_` + 12 digits).
    pub fn insert_payment(&mut self, mut payment: Payment) -> usize {
        let mut rng = rand::rng();
        let imp_uid = loop {
            let candidate = format!("imp_{:012}", rng.random_range(0..1_000_000_000_000u64));
            if !self.by_imp.contains_key(&candidate) {
                break candidate;
            }
        };
        payment.imp_uid = imp_uid.clone();
        let seq = self.next_seq();
        let now = self.now();
        let i = self.payments.len();
        self.payments.push(StoredPayment {
            payment,
            updated_at: now,
            update_seq: seq,
            created_seq: seq,
        });
        self.by_imp.insert(imp_uid, i);
        self.by_merchant
            .entry(self.payments[i].payment.merchant_uid.clone())
            .or_default()
            .push(i);
        i
    }

    /// Changes a payment through `f` and records the change time (the `updated` sort key).
    pub fn update_payment<R>(&mut self, i: usize, f: impl FnOnce(&mut Payment, i64) -> R) -> R {
        let now = self.now();
        let seq = self.next_seq();
        let stored = &mut self.payments[i];
        let r = f(&mut stored.payment, now);
        stored.updated_at = now;
        stored.update_seq = seq;
        r
    }

    /// The wire payment at an index returned by [`Store::insert_payment`] or [`Store::index_of`].
    pub fn at(&self, i: usize) -> &Payment {
        &self.payments[i].payment
    }
}

/// What every handler shares: configuration, the store, counters and the fault plan.
pub struct Shared {
    /// The configuration the sandbox was started with.
    pub config: SandboxConfig,
    /// The address the server is bound to (the only `Host` a guarded sandbox answers).
    pub bound: std::net::SocketAddr,
    /// The state.
    pub store: Mutex<Store>,
    /// Request counters (`/__sandbox/stats`).
    pub stats: Mutex<Stats>,
    /// Injected faults (`/__sandbox/faults`).
    pub faults: Mutex<FaultPlan>,
    /// Set when the store changed since the last save.
    pub dirty: AtomicBool,
    /// Resolves when the server is shutting down (held replies give up then).
    pub shutdown: tokio::sync::watch::Receiver<bool>,
}

impl Shared {
    /// Marks the store as changed so the next save writes it.
    pub fn mark_dirty(&self) {
        self.dirty.store(true, Ordering::Release);
    }
}

/// A minted pseudo-random digit string (approval numbers, account numbers, PG ids).
pub fn digits(n: usize) -> String {
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}
