//! The owner's actions and bad input, against the sandbox: cancel at period end, resume, cancel
//! now, card change, billing-key deletion, and each refusal leaving everything as it was.

// The tests call `super::store()`, the crate's fresh store.
use super::store;

mod lifecycle;
mod refusals;
