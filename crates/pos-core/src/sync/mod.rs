//! The sync engine: polling Iamport instead of receiving webhooks, and carrying every job owed
//! to Iamport through outages, crashes and restarts.
//!
//! - [`planner`] (pure) decides each cycle's questions: batch lookups of due open orders and the
//!   change feed from a stored cursor. Cost grows with what changed, not with the order book.
//! - [`cycle`] asks them, applies what comes back through a [`PaymentSink`] (the checkout code's
//!   reconcile), gives up stale orders after a last check, then drains the job queue.
//! - [`worker`] runs jobs through a [`JobExecutor`] with bounded concurrency, backoff with jitter,
//!   "outcome unknown" kept until a look-up settles it, and parking for a person.
//! - [`lease`] makes sure one engine runs per data dir; [`engine`] owns the background loop
//!   (start, `sync_now`, status, clean stop, offline probing).
//!
//! The checkout and subscription code plug in through [`ports`]; the engine never decides what a
//! payment means or how to cancel one.

pub mod backoff;
pub mod cycle;
pub mod engine;
pub mod error;
pub mod feed;
mod feed_read;
mod handle;
pub mod lease;
mod lookups;
pub mod planner;
pub mod ports;
mod supervisor;
pub mod worker;

pub use backoff::Backoff;
pub use cycle::{CycleReport, SyncCore, SyncOptions};
pub use engine::{SyncEngine, SyncHandle, SyncStatus, SyncTrigger};
pub use error::SyncError;
pub use lease::Lease;
pub use planner::{PollPlan, PollPolicy};
pub use ports::{Applied, BoxFuture, CheckoutWork, JobExecutor, PaymentSink};
