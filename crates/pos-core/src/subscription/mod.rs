//! Subscriptions (정기결제): billing key, first period by `again`, renewals by `schedule`,
//! dunning, cancellation. Built on Iamport V1's building blocks, which retry nothing themselves.
//!
//! - [`period`]: KST calendar-month periods anchored on the first day (pure).
//! - [`dunning`]: the retry policy and the one classifier of hard declines (pure).
//! - [`issuance`]: the amount each PG's billing window needs.
//! - `charge`: sending `again`/`schedule` at most once (look up by merchant_uid before any
//!   re-send); [`settle`]: applying a payment (idempotent, network-free).
//! - `lifecycle` (start, verify issuance, subscribe with a key, first period), `cancel`
//!   (at period end, now, resume), `retry` (dunning and "지금 다시 시도"), `card` (card change,
//!   key deletion), `registration` (an unfinished card registration: reopen, how it ended),
//!   [`registration_check`] (a registration whose window's result was lost: looked up, confirmed
//!   or given up);
//!   [`poll`]: what the sync engine runs each cycle; [`ahead`]: the periods kept scheduled
//!   at Iamport ahead of the paid one; `executions`: what Iamport ran meanwhile, and renewals
//!   unscheduled in the console.
//!
//! Every Iamport-side decision takes `now` from the caller (the sandbox's clock in tests, the
//! system clock in the app); local record times (`created_at`) use the system clock.

pub mod ahead;
pub mod cancel;
mod card;
pub mod card_check;
mod charge;
pub mod console;
pub mod dunning;
pub mod error;
mod executions;
pub mod history;
pub mod issuance;
mod lifecycle;
pub mod period;
pub mod poll;
mod registration;
pub mod registration_check;
mod retry;
pub mod settle;

pub use ahead::LOOKAHEAD;
pub use cancel::Cancelled;
pub use card_check::{CardChangeWindow, CARD_CHECK_REFUND_REASON};
pub use console::{entitled_until, schedule_notice_ko, unscheduled_renewals};
pub use dunning::DunningPolicy;
pub use error::SubscriptionError;
pub use executions::SCHEDULE_SWEEP_AT;
pub use history::{history, HistoryEntry};
pub use issuance::{IssuanceRule, IssuanceTicket};
pub use poll::{apply_renewal_payment, execute_charge_job, poll_due, PollReport, CHARGE_JOB};
pub use registration::RegistrationEnd;
pub use registration_check::{execute_key_delete_job, KEY_DELETE_JOB, REGISTRATION_CHECK_TIMEOUT};
pub use settle::{Ledger, Settled};

use crate::store::Store;

/// The subscription domain over one order book and one Iamport client.
#[derive(Debug, Clone)]
pub struct Subscriptions {
    /// The order book.
    pub store: Store,
    /// Iamport.
    pub client: iamport::Client,
    /// How failed renewals are retried.
    pub policy: DunningPolicy,
}

impl Subscriptions {
    /// The domain with the default dunning policy.
    pub fn new(store: Store, client: iamport::Client) -> Subscriptions {
        Subscriptions {
            store,
            client,
            policy: DunningPolicy::default(),
        }
    }

    /// The same with another dunning policy.
    pub fn with_policy(mut self, policy: DunningPolicy) -> Subscriptions {
        self.policy = policy;
        self
    }

    /// The network-free half (applying payments).
    pub fn ledger(&self) -> Ledger<'_> {
        Ledger {
            store: &self.store,
            policy: &self.policy,
        }
    }
}
