//! `posctl`: the ops CLI of Panmusic POS, over the same pos-core code the app runs.
//!
//! Human output is Korean (won as `9,900원`, times in KST); `--json` prints machine-readable JSON
//! on stdout. Errors go to stderr with a non-zero exit code (1 for a failure, 2 for bad usage).

mod account_cmd;
mod backup_cmd;
mod checkout_cmd;
mod cli;
mod context;
mod credentials_cmd;
mod doctor;
mod entitlement_cmd;
mod error;
mod jobs_cmd;
mod orders;
mod pin_cmd;
mod plans;
mod receipts_cmd;
mod refund_cmd;
mod report_cmd;
mod subscriptions_cmd;
mod sync_cmd;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, JobsCommand, OrdersCommand, PaymentCommand, PlansCommand, RefundAction};
use error::CliError;
use pos_core::checkout::RefundAccount;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("POSCTL_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let outcome = context::check_credential_flags(&cli.global).and_then(|()| run(&cli));
    match outcome {
        Ok(code) => code,
        Err(e) => {
            if cli.global.json {
                let body =
                    serde_json::json!({"error": {"code": e.code(), "message": e.to_string()}});
                eprintln!("{body}");
            } else {
                eprintln!("오류: {e}");
            }
            if e.is_usage() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run(cli: &Cli) -> Result<ExitCode, CliError> {
    match &cli.command {
        Command::Doctor => doctor::run(&cli.global),
        Command::Backup { command } => {
            backup_cmd::run(&cli.global, command).map(|()| ExitCode::SUCCESS)
        }
        Command::Account { command } => {
            account_cmd::run(&cli.global, command).map(|()| ExitCode::SUCCESS)
        }
        Command::Entitlement => entitlement_cmd::run(&cli.global).map(|()| ExitCode::SUCCESS),
        Command::Pin { command } => pin_cmd::run(&cli.global, command).map(|()| ExitCode::SUCCESS),
        Command::Credentials { command } => {
            credentials_cmd::run(&cli.global, command).map(|()| ExitCode::SUCCESS)
        }
        Command::Subscriptions { command } => {
            subscriptions_cmd::run(&cli.global, command).map(|()| ExitCode::SUCCESS)
        }
        Command::Sync(args) => sync_cmd::run(&cli.global, args),
        Command::Jobs { command } => match command {
            JobsCommand::List { all, limit } => {
                jobs_cmd::list(&cli.global, *all, *limit).map(|()| ExitCode::SUCCESS)
            }
            JobsCommand::Retry { id } => {
                jobs_cmd::retry(&cli.global, *id).map(|()| ExitCode::SUCCESS)
            }
        },
        Command::Payment {
            command:
                PaymentCommand::Complete {
                    merchant_uid,
                    imp_uid,
                },
        } => checkout_cmd::complete(&cli.global, merchant_uid, imp_uid).map(|()| ExitCode::SUCCESS),
        Command::Receipts { command } => {
            receipts_cmd::run(&cli.global, command).map(|()| ExitCode::SUCCESS)
        }
        Command::Report(args) => report_cmd::run(&cli.global, args).map(|()| ExitCode::SUCCESS),
        Command::Refund(args) => match &args.action {
            Some(RefundAction::Resume {
                merchant_uid,
                refund_bank,
                refund_account,
                refund_holder,
            }) => refund_cmd::resume(
                &cli.global,
                merchant_uid,
                &RefundAccount {
                    bank: refund_bank.clone(),
                    number: refund_account.clone(),
                    holder: refund_holder.clone(),
                },
            ),
            Some(RefundAction::Banks) => refund_cmd::banks(&cli.global),
            None => checkout_cmd::refund(&cli.global, args),
        }
        .map(|()| ExitCode::SUCCESS),
        Command::Plans { command } => match command {
            PlansCommand::List => plans::list(&cli.global),
            PlansCommand::SetPrice { id, price } => plans::set_price(&cli.global, id, *price),
        }
        .map(|()| ExitCode::SUCCESS),
        Command::Orders { command } => match command {
            OrdersCommand::List {
                status,
                pay_method,
                search,
                from,
                to,
                class,
                limit,
                offset,
            } => {
                let day =
                    |d: &Option<String>| d.as_deref().map(pos_core::report::parse_day).transpose();
                let query = pos_core::OrderQuery {
                    state: *status,
                    pay_method: *pay_method,
                    search: search.clone(),
                    from: day(from)?,
                    to: day(to)?,
                    class: match class.as_deref() {
                        Some("sale") => Some(pos_core::store::OrderClass::Sale),
                        Some(_) => Some(pos_core::store::OrderClass::CardRegistration),
                        None => None,
                    },
                    limit: *limit,
                    offset: *offset,
                };
                orders::list(&cli.global, &query).map(|()| ExitCode::SUCCESS)
            }
            OrdersCommand::Show { merchant_uid } => {
                orders::show(&cli.global, merchant_uid).map(|()| ExitCode::SUCCESS)
            }
            OrdersCommand::Create {
                plan,
                pay_method,
                count,
            } => orders::create(&cli.global, plan, *pay_method, *count).map(|()| ExitCode::SUCCESS),
        },
    }
}
