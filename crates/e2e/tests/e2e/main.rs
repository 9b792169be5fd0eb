//! End-to-end tests: the real app binary, under Xvfb, over WebDriver (tauri-driver + WebKitWebDriver).
//!
//! Prerequisites (the tests FAIL, never skip, when one is missing): the UI built (`ui/dist`), the
//! app built (`PANMUSIC_APP_BIN`, default `$CARGO_TARGET_DIR/debug/panmusic-pos`), `tauri-driver`
//! on PATH or in `~/.cargo/bin`, `WebKitWebDriver` on PATH, a display and a D-Bus session:
//!
//! ```text
//! xvfb-run -a dbus-run-session -- cargo test -p e2e
//! ```
//!
//! Each test gets a fresh data dir; on failure a screenshot lands in `.e2e-artifacts/<test>.png`.
//! Add a feature's tests as a new module next to `shell.rs`, written with [`harness::scenario`].

mod billing_pgs;
mod checkout;
mod csp;
mod driver;
mod handover;
mod harness;
mod harness_click;
mod idle_memory;
mod layout;
mod ledger;
mod mismatch_refund;
mod owner_pin;
mod screens;
mod shell;
mod store_pc;
mod subscriptions;
mod sync;
mod tray;
mod tray_handover;
mod update_install;
mod updates;
mod webdriver;
