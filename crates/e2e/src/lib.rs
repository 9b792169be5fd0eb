//! End-to-end tests of Panmusic POS live in `tests/e2e/` (one test binary). This library holds
//! what other test suites share with them: a local update host ([`update_host`]).

pub mod update_host;
