//! Typed Iamport (PortOne V1) REST client.
//!
//! One [`Client`] per set of credentials: it keeps one connection pool and one token cache
//! (1 token request for any number of calls while the token lives; concurrent callers share one
//! refresh; a 401 is healed by one refresh and one retry). Every reply goes through the envelope
//! rules (`code == 0` *and* 2xx is success) and decodes into the types of [`types`], with KRW
//! amounts as whole `i64` won. Errors say whether a retry is safe and, for charges and cancels,
//! whether the outcome is unknown ([`Error::is_outcome_unknown`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), iamport::Error> {
//! let client = iamport::Client::new(iamport::Config::new(
//!     iamport::LIVE_BASE_URL, "rest-key", "rest-secret",
//! ))?;
//! let payment = client.payment("imp_088022300265").await?;
//! println!("{} won, refundable {}", payment.amount, payment.refundable());
//! # Ok(()) }
//! ```

mod api;
mod client;
mod config;
mod de;
mod envelope;
mod error;
mod server_clock;
pub mod slow_down;
mod token;
pub mod types;

pub use api::MAX_IDS_PER_BATCH;
pub use client::{Client, UNREACHABLE_HEADER, UNREACHABLE_VALUE};
pub use config::{Config, Secret, LIVE_BASE_URL};
pub use error::{Error, Result};
pub use types::*;
