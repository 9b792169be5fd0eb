//! `iamport-sandbox [--listen ADDR] [--imp-key K] [--imp-secret S] [--merchant-code C]
//! [--state FILE]`: runs the sandbox until Ctrl-C or SIGTERM. The first stdout line is
//! `listening on http://ADDR`.

use clap::builder::TypedValueParser;
use clap::Parser;
use iamport_sandbox::{
    Guard, Sandbox, SandboxConfig, DEFAULT_IMP_KEY, DEFAULT_IMP_SECRET, DEFAULT_MERCHANT_CODE,
};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// A faithful local Iamport (PortOne V1): REST API, browser SDK and control API.
///
/// A test tool: its control API is open (anyone who reaches it can create paid payments or wipe
/// the state). Never let it face a network.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// REST API key accepted by /users/getToken.
    #[arg(long, default_value = DEFAULT_IMP_KEY)]
    imp_key: String,
    /// REST API secret accepted by /users/getToken.
    #[arg(long, default_value = DEFAULT_IMP_SECRET)]
    imp_secret: String,
    /// Merchant code IMP.init() must be given.
    #[arg(long, default_value = DEFAULT_MERCHANT_CODE)]
    merchant_code: String,
    /// Keep state in this JSON file (written atomically) so it survives a restart.
    #[arg(long)]
    state: Option<PathBuf>,
    /// HTTP status for an unknown billing key on GET|DELETE /subscribe/customers/{uid} (404 or 200).
    #[arg(long, default_value_t = 404, value_parser = clap::builder::PossibleValuesParser::new(["404", "200"]).map(|s| s.parse::<u16>().unwrap_or(404)))]
    unknown_customer_status: u16,
}

/// Stop signals, registered before the listen line is printed so a SIGTERM sent right after
/// it is never lost to the default action.
struct StopSignals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    int: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    fn register() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let register = |kind: SignalKind, name: &str| match signal(kind) {
                Ok(s) => Some(s),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot handle {name}");
                    None
                }
            };
            StopSignals {
                term: register(SignalKind::terminate(), "SIGTERM"),
                int: register(SignalKind::interrupt(), "SIGINT"),
            }
        }
        #[cfg(not(unix))]
        {
            StopSignals {}
        }
    }

    async fn wait(self) {
        #[cfg(unix)]
        {
            async fn next(s: Option<tokio::signal::unix::Signal>) {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            }
            tokio::select! {
                _ = next(self.term) => {}
                _ = next(self.int) => {}
            }
        }
        #[cfg(not(unix))]
        {
            if let Err(e) = tokio::signal::ctrl_c().await {
                tracing::warn!(error = %e, "cannot wait for Ctrl-C; stopping now");
            }
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    if !args.listen.ip().is_loopback() {
        eprintln!(
            "iamport-sandbox: warning: listening on {} outside loopback; the control API is open to anyone who reaches it (a test tool must never face a network)",
            args.listen
        );
    }
    let stop = StopSignals::register();
    let config = SandboxConfig {
        listen: args.listen,
        imp_key: args.imp_key,
        imp_secret: args.imp_secret,
        merchant_code: args.merchant_code,
        state_file: args.state,
        unknown_customer_status: http::StatusCode::from_u16(args.unknown_customer_status)
            .unwrap_or(http::StatusCode::NOT_FOUND),
        // The test tool keeps its open control API: it must never face a network.
        guard: Guard::default(),
    };
    let sandbox = match Sandbox::start(config).await {
        Ok(s) => s,
        Err(e) => {
            let mut msg = format!("iamport-sandbox: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                msg.push_str(&format!(": {s}"));
                source = s.source();
            }
            eprintln!("{msg}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    // A closed stdout must not stop the server; the line is for whoever is reading.
    if writeln!(out, "listening on {}", sandbox.base_url())
        .and_then(|()| out.flush())
        .is_err()
    {
        tracing::warn!("stdout is closed; the listen line was not printed");
    }
    drop(out);
    stop.wait().await;
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}
