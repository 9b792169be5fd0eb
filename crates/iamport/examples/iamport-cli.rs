//! Hit the Iamport V1 API by hand.
//!
//! ```text
//! cargo run -p iamport --example iamport-cli -- --base http://127.0.0.1:PORT payment imp_123
//! IAMPORT_API_BASE=… IAMPORT_KEY=… IAMPORT_SECRET=… cargo run -p iamport --example iamport-cli -- token
//! ```
//! Prints the typed result as JSON on stdout and exits 0; on an error prints the error kind and
//! message on stderr and exits 1. The secret and the token are never printed.

use std::io::Write;
use std::process::ExitCode;

use clap::{ArgGroup, Parser, Subcommand};
use iamport::{AgainRequest, CancelRequest, Client, Config, PaymentStatus, StatusQuery};
use serde::Serialize;

#[derive(Parser)]
#[command(about = "Call the Iamport (PortOne V1) REST API and print the result as JSON")]
struct Cli {
    /// API root.
    #[arg(long, env = "IAMPORT_API_BASE", default_value = iamport::LIVE_BASE_URL)]
    base: String,
    /// REST API key.
    #[arg(long, env = "IAMPORT_KEY", hide_env_values = true)]
    key: String,
    /// REST API secret.
    #[arg(long, env = "IAMPORT_SECRET", hide_env_values = true)]
    secret: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Request a token (checks the key and secret; the token itself is not printed).
    Token,
    /// Look a payment up by imp_uid.
    Payment { imp_uid: String },
    /// Find the newest payment of an order.
    Find {
        merchant_uid: String,
        /// ready, paid, cancelled or failed.
        #[arg(long)]
        status: Option<String>,
    },
    /// Batch lookup (split into calls of at most 100 ids).
    Payments {
        #[arg(long = "imp-uid")]
        imp_uid: Vec<String>,
        #[arg(long = "merchant-uid")]
        merchant_uid: Vec<String>,
    },
    /// One page of payments by status (all, ready, paid, cancelled, failed).
    Status {
        status: String,
        /// Window start, Unix seconds.
        #[arg(long)]
        from: Option<i64>,
        /// Window end, Unix seconds.
        #[arg(long)]
        to: Option<i64>,
        #[arg(long)]
        limit: Option<u32>,
        #[arg(long)]
        page: Option<u32>,
    },
    /// Cancel all (no --amount) or part of a payment.
    #[command(group(ArgGroup::new("target").required(true).args(["imp_uid", "merchant_uid"])))]
    Cancel {
        #[arg(long = "imp-uid")]
        imp_uid: Option<String>,
        #[arg(long = "merchant-uid")]
        merchant_uid: Option<String>,
        /// Amount to cancel in won; omit for a full cancel.
        #[arg(long)]
        amount: Option<i64>,
        /// Refundable balance you believe exists before this cancel.
        #[arg(long)]
        checksum: Option<i64>,
        #[arg(long)]
        reason: String,
    },
    /// Charge a billing key now (a decline prints the failed payment and says so on stderr).
    Again {
        #[arg(long = "customer-uid")]
        customer_uid: String,
        #[arg(long = "merchant-uid")]
        merchant_uid: String,
        #[arg(long)]
        amount: i64,
        #[arg(long)]
        name: String,
    },
    /// Look a scheduled payment up by merchant_uid.
    ScheduleGet { merchant_uid: String },
}

#[derive(Serialize)]
struct TokenCheck {
    authenticated: bool,
    token_requests: u64,
}

/// Writes `value` as JSON to stdout. A closed pipe (`| head`) is not worth a panic.
fn print(value: &impl Serialize) {
    let mut out = std::io::stdout().lock();
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out));
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("cannot print the result: {e}");
        }
    }
}

async fn run(cli: Cli) -> Result<(), iamport::Error> {
    let client = Client::new(Config::new(cli.base, cli.key, cli.secret))?;
    match cli.command {
        Command::Token => {
            client.check_credentials().await?;
            print(&TokenCheck {
                authenticated: true,
                token_requests: client.token_requests(),
            })
        }
        Command::Payment { imp_uid } => print(&client.payment(&imp_uid).await?),
        Command::Find {
            merchant_uid,
            status,
        } => {
            let status = status.as_deref().map(PaymentStatus::from_wire);
            print(&client.find_payment(&merchant_uid, status).await?)
        }
        Command::Payments {
            imp_uid,
            merchant_uid,
        } => print(&client.payments_by_ids(&imp_uid, &merchant_uid).await?),
        Command::Status {
            status,
            from,
            to,
            limit,
            page,
        } => {
            let q = StatusQuery {
                status: (status != "all").then(|| PaymentStatus::from_wire(&status)),
                page,
                limit,
                from,
                to,
                sorting: None,
            };
            print(&client.payments_by_status(&q).await?)
        }
        Command::Cancel {
            imp_uid,
            merchant_uid,
            amount,
            checksum,
            reason,
        } => {
            let req = CancelRequest {
                imp_uid,
                merchant_uid,
                amount,
                checksum,
                reason: Some(reason),
                ..CancelRequest::default()
            };
            print(&client.cancel(&req).await?)
        }
        Command::Again {
            customer_uid,
            merchant_uid,
            amount,
            name,
        } => {
            let req = AgainRequest {
                customer_uid,
                merchant_uid,
                amount,
                name,
                ..AgainRequest::default()
            };
            let payment = client.again(&req).await?;
            if !payment.is_paid() {
                eprintln!(
                    "declined: status {}, reason: {}",
                    payment.status,
                    payment.fail_reason.as_deref().unwrap_or("(none given)")
                );
            }
            print(&payment)
        }
        Command::ScheduleGet { merchant_uid } => {
            print(&client.schedule_by_merchant_uid(&merchant_uid).await?)
        }
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}: {e}", e.kind());
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}
