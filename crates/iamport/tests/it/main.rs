//! Integration tests: the real client against a server on loopback (a minimal fake for fault
//! injection in `fake`, and the `iamport-sandbox` crate in `sandbox`).

mod base_url;
mod cli;
mod errors;
mod fake;
mod operations;
mod relay_unreachable;
mod sandbox;
mod sandbox_faults;
mod sandbox_ops;
mod slow_down;
mod token;
