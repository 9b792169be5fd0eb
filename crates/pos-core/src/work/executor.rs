//! The executors alive in this process. A job claim names its executor ([`ClaimOwner`]); an
//! engine starting up re-queues a claim made in this very process only if the executor that
//! made it is no longer registered here (its engine ended, its inline attempt returned).

use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError};

use crate::store::ClaimOwner;

static LIVE: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// A registered executor: alive until dropped (a panic that unwinds past it drops it too).
#[derive(Debug)]
pub struct Executor {
    owner: ClaimOwner,
}

impl Executor {
    /// Registers a new executor named `<role>-<random>` in this process.
    pub fn register(role: &str) -> Executor {
        let owner = ClaimOwner::in_this_process(format!("{role}-{}", ulid::Ulid::generate()));
        LIVE.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(owner.executor.clone());
        Executor { owner }
    }

    /// What its claims record.
    pub fn owner(&self) -> &ClaimOwner {
        &self.owner
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        LIVE.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.owner.executor);
    }
}

/// Whether the executor named `name` is registered (alive) in this process.
pub fn is_live_here(name: &str) -> bool {
    LIVE.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .contains(name)
}
