//! Subscriptions (정기결제): billing key, first period by `again`, renewals by `schedule`,
//! dunning, cancellation. Built on Iamport V1's building blocks, which retry nothing themselves.

pub mod dunning;
pub mod error;
pub mod period;

pub use error::SubscriptionError;
