//! A faithful local fake of the Iamport (PortOne V1) REST API and browser SDK.
//!
//! Start it in-process with [`Sandbox::start`] (tests, the app's sandbox mode) or run the
//! `iamport-sandbox` binary. It follows `shared/iamport/REFERENCE.md`: the `{code, message,
//! response}` envelope, token reuse and extension, 207 batch replies, cancel failures as HTTP 200
//! with `code != 0`, declining billing keys as `code 0` with `status: failed`, and schedules run
//! by a controllable clock. The control API under `/__sandbox/*` and the SDK are described in
//! the crate README.

mod banks;
mod billing_pg;
mod cancel;
mod clock;
mod control;
mod create;
mod envelope;
mod faults;
mod form;
mod guard;
mod model;
mod onetime;
mod payments;
mod persist;
mod prepare;
mod receipts;
mod schedule;
mod schedule_list;
mod sdk;
mod server;
mod state;
mod subscribe;
mod test_cards;
mod test_charge;
mod token;
mod vbanks;

pub use guard::{random_token, Guard, Refused, CONTROL_TOKEN_HEADER};
pub use server::{Sandbox, SandboxError};

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

/// The public test REST API key from Iamport's samples.
pub const DEFAULT_IMP_KEY: &str = "imp_apikey";
/// The public test REST API secret from Iamport's samples.
pub const DEFAULT_IMP_SECRET: &str =
    "ekKoeW8RyKuT0zgaZsUtXXTLQ4AhPFW3ZGseDA6bkA5lamv9OqDMnxyeB9wqOsuO9W3Mx9YSJ4dTqJ3f";
/// The docs' placeholder merchant code (`IMP.init`).
pub const DEFAULT_MERCHANT_CODE: &str = "imp00000000";

/// How a sandbox is started.
#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// Address to bind; port 0 picks a free port (default `127.0.0.1:0`).
    pub listen: SocketAddr,
    /// The REST API key `getToken` accepts.
    pub imp_key: String,
    /// The REST API secret `getToken` accepts.
    pub imp_secret: String,
    /// The merchant code `IMP.init` must be given.
    pub merchant_code: String,
    /// Where state persists across restarts; `None` keeps it in memory only.
    pub state_file: Option<PathBuf>,
    /// HTTP status for an unknown billing key on `GET|DELETE /subscribe/customers/{uid}`:
    /// the Swagger file says 404, an official client's test expects 200 (REFERENCE §1.3,
    /// UNCONFIRMED). Default 404; the body is the code-1 envelope either way.
    pub unknown_customer_status: http::StatusCode,
    /// Who may talk to the sandbox. Default: open (a test tool that never faces a network);
    /// an app running it on a shop's PC turns it on with [`Guard::strict`].
    pub guard: Guard,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            imp_key: DEFAULT_IMP_KEY.to_owned(),
            imp_secret: DEFAULT_IMP_SECRET.to_owned(),
            merchant_code: DEFAULT_MERCHANT_CODE.to_owned(),
            state_file: None,
            unknown_customer_status: http::StatusCode::NOT_FOUND,
            guard: Guard::default(),
        }
    }
}
