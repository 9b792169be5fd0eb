//! Integration tests of panmusic-relay: a real PostgreSQL, the sandbox as Iamport, the relay on
//! loopback.

mod audit;
mod auth;
mod cli;
mod faults;
mod feed;
mod isolation;
#[path = "../../src/testing/pg.rs"]
mod pg;
mod policy;
mod proxy;
mod reach;
mod receipts;
mod resend;
mod settle;
mod slow_down;
mod support;
