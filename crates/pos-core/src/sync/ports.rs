//! Where the engine meets the domain code, as traits: the engine owns scheduling (claims,
//! concurrency, backoff, parking, leases, cadence); the domain decides what a payment means
//! and how a job is carried out.
//!
//! - [`JobExecutor`]: one attempt of one job. With `job.outcome_unknown` set it must look the
//!   order up before sending anything again.
//! - [`PaymentSink`]: reconciles one fetched payment into the order book.
//!
//! [`CheckoutWork`] plugs in the checkout code (`work::execute_job`, `checkout::apply_payment`);
//! the subscription code can add its job kinds behind the same trait.

use std::future::Future;
use std::pin::Pin;

use crate::checkout::{apply_payment, CheckoutError};
use crate::store::Job;
use crate::work::{execute_job, JobDone, JobFailure, WorkContext};
use crate::{Store, StoreError};

/// A boxed, sendable future (the traits are used as `Arc<dyn …>`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Carries out jobs against Iamport.
pub trait JobExecutor: Send + Sync + 'static {
    /// Runs one attempt of `job` (already claimed: `running`, attempt counted). The engine
    /// records the result. Must not panic on any input.
    fn execute<'a>(
        &'a self,
        ctx: &'a WorkContext,
        job: &'a Job,
    ) -> BoxFuture<'a, Result<JobDone, JobFailure>>;
}

/// What applying a fetched payment did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// The order changed.
    Changed,
    /// The order already reflected this payment.
    Unchanged,
    /// No local order has this merchant_uid (another terminal's payment).
    NotOurs,
    /// The payment must not be applied (e.g. a second payment for a paid order); a person must
    /// look. The Korean reason.
    Refused(String),
}

/// Reconciles fetched payments into the order book. Blocking (SQLite): the engine calls it
/// from `spawn_blocking`.
pub trait PaymentSink: Send + Sync + 'static {
    /// Applies one payment; `cause` goes into the audit event (`poll`, `change_feed`).
    /// `iamport_now` is Iamport's clock as the engine knows it: it stands in for a time
    /// Iamport left out of the payment.
    fn apply(
        &self,
        store: &Store,
        payment: &iamport::Payment,
        cause: &'static str,
        iamport_now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Applied, CheckoutError>;
}

/// The checkout code as the engine's executor and sink.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckoutWork;

impl JobExecutor for CheckoutWork {
    fn execute<'a>(
        &'a self,
        ctx: &'a WorkContext,
        job: &'a Job,
    ) -> BoxFuture<'a, Result<JobDone, JobFailure>> {
        Box::pin(execute_job(ctx, job))
    }
}

impl PaymentSink for CheckoutWork {
    fn apply(
        &self,
        store: &Store,
        payment: &iamport::Payment,
        cause: &'static str,
        iamport_now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Applied, CheckoutError> {
        // A subscription charge's payment moves its subscription too (period, dunning).
        if store.subscription_charge(&payment.merchant_uid)?.is_some() {
            use crate::subscription::{apply_renewal_payment, Settled, SubscriptionError};
            // Iamport's now stands in only for a time Iamport left out of the payment
            // (`paid_at`, `failed_at`); every dunning time otherwise comes from its own stamps.
            return match apply_renewal_payment(store, payment, iamport_now) {
                Ok(Settled::Unchanged) => Ok(Applied::Unchanged),
                Ok(_) => Ok(Applied::Changed),
                Err(SubscriptionError::Store(e)) => Err(CheckoutError::Store(e)),
                Err(e) => Ok(Applied::Refused(e.to_string())),
            };
        }
        match apply_payment(store, payment, cause) {
            Ok(applied) if applied.changed => Ok(Applied::Changed),
            Ok(_) => Ok(Applied::Unchanged),
            Err(CheckoutError::Store(StoreError::OrderNotFound { .. })) => Ok(Applied::NotOurs),
            Err(CheckoutError::Refused(refusal)) => Ok(Applied::Refused(refusal.to_string())),
            Err(e) => Err(e),
        }
    }
}
