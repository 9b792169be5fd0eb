//! panmusic-relay: an Iamport-V1-compatible server that Panmusic hosts, so store PCs never hold
//! the real REST key.
//!
//! A store PC in relay mode points its ordinary Iamport client at the relay with a per-store
//! key and secret. The relay answers `/users/getToken` with a relay token, lets each store see
//! and touch only payments and billing keys whose uids carry its prefix (anything else is
//! answered exactly as Iamport answers for something that does not exist), audits every write
//! it forwards before sending it, reads Iamport's change feed once per interval for all stores,
//! and serves each store's feed from PostgreSQL. Instances are stateless beside PostgreSQL.

mod clock;
pub mod db;
mod envelope;
pub mod error;
mod feed_reader;
mod forward;
mod limit;
mod lookup;
pub mod ownership;
pub mod policy;
mod reach;
mod routes;
mod server;
mod settle;
mod state;
#[cfg(feature = "testing")]
pub mod testing;
mod wire;

pub use error::{RelayError, Result};
pub use feed_reader::{tick as read_feed_once, Tick};
pub use server::{Relay, RelayConfig};
pub use state::{RelayState, Shared};
