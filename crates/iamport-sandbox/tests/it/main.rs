//! Integration tests: every operation over HTTP on loopback against a sandbox the test starts,
//! with REFERENCE.md's rules as the expectations.

mod binary;
mod browser;
mod browser_guard;
mod browser_support;
mod cancel;
mod control;
mod guard;
mod lifecycle;
mod openapi;
mod payments;
mod robustness;
mod schedule;
mod sdk_http;
mod subscribe;
mod support;
mod token;
