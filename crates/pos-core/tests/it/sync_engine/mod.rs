//! The sync engine against the sandbox on loopback, each behaviour over a direct connection and
//! through the relay: the order book converging on Iamport (a full cycle, the change feed,
//! virtual accounts), one engine per data dir (its lease), and failures that lose no work (an
//! outage, an executor with a bug).

mod convergence;
mod failures;
mod lease;

use pos_core::Store;

fn store() -> Store {
    super::store()
}
