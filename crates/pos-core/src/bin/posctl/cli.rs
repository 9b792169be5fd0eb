//! Command-line shape. Global flags are accepted before or after the subcommand.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use pos_core::settings::Mode;
use pos_core::{OrderState, PayMethod};

/// 판뮤직 POS 운영 도구 (Panmusic POS ops CLI).
#[derive(Debug, Parser)]
#[command(name = "posctl", version)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes. `Debug` never shows the REST key or secret.
#[derive(Args)]
pub struct Global {
    /// Data folder (default: the app's data folder for kr.panmusic.pos).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Which order book: live (real payments) or sandbox (test). Each has its own orders, jobs
    /// and subscriptions. Default: the mode saved in the app's settings (sandbox when there are
    /// none); required when the settings file cannot be read.
    #[arg(long, global = true, value_name = "MODE", value_parser = mode_parser())]
    pub mode: Option<Mode>,
    /// Machine-readable JSON on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// Iamport API root (default: the live API in live mode; none in sandbox mode). Must be
    /// https:// unless it is a loopback address.
    #[arg(long, global = true, env = "IAMPORT_API_BASE", value_name = "URL")]
    pub api_base: Option<String>,
    /// Iamport REST API key (default: the app's credential store). Its secret comes from
    /// IAMPORT_SECRET or --imp-secret-file, never from the command line.
    #[arg(
        long,
        global = true,
        env = "IAMPORT_KEY",
        hide_env_values = true,
        value_name = "K"
    )]
    pub imp_key: Option<String>,
    /// A file holding the REST API secret (`-`: read it from stdin); with --imp-key. The
    /// environment variable IAMPORT_SECRET works too.
    #[arg(long, global = true, value_name = "FILE")]
    pub imp_secret_file: Option<PathBuf>,
    /// Refused: a secret on the command line is visible to every user through `ps`.
    #[arg(long, global = true, hide = true, value_name = "S")]
    pub imp_secret: Option<String>,
}

impl std::fmt::Debug for Global {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set = |v: &Option<String>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("Global")
            .field("data_dir", &self.data_dir)
            .field("mode", &self.mode)
            .field("json", &self.json)
            .field("api_base", &self.api_base)
            .field("imp_key", &set(&self.imp_key))
            .field("imp_secret_file", &self.imp_secret_file)
            .field("imp_secret", &set(&self.imp_secret))
            .finish()
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Checks the data folder, database, settings, credentials and Iamport.
    Doctor,
    /// The plan catalog.
    Plans {
        #[command(subcommand)]
        command: PlansCommand,
    },
    /// Orders.
    Orders {
        #[command(subcommand)]
        command: OrdersCommand,
    },
    /// Subscriptions (정기결제).
    Subscriptions {
        #[command(subcommand)]
        command: crate::subscriptions_cmd::SubscriptionsCommand,
    },
    /// Runs the sync engine: one full cycle (--once) or until stopped (--watch).
    Sync(SyncArgs),
    /// The queue of work owed to Iamport.
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Payments.
    Payment {
        #[command(subcommand)]
        command: PaymentCommand,
    },
    /// Refunds a paid order in full or in part (queued when Iamport is unreachable).
    Refund(RefundArgs),
    /// Cash receipts (현금영수증) of non-card orders.
    Receipts {
        #[command(subcommand)]
        command: crate::receipts_cmd::ReceiptsCommand,
    },
    /// 정산: paid, refunded and net by pay method and by plan for KST days FROM..=TO.
    Report(ReportArgs),
    /// Backups of the order book (백업): made, listed, restored.
    Backup {
        #[command(subcommand)]
        command: BackupCommand,
    },
    /// The shop's Panmusic account (판뮤직 계정), named in every payment's custom_data.
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// What the shop has: the 이용 기간 its passes and subscriptions grant.
    Entitlement,
    /// The owner's PIN (관리자 PIN) that guards settings, refunds and card changes in the app.
    Pin {
        #[command(subcommand)]
        command: PinCommand,
    },
    /// The Iamport REST key and secret in the app's credential store (OS keyring or file).
    Credentials {
        #[command(subcommand)]
        command: CredentialsCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum CredentialsCommand {
    /// Saves --imp-key (or IAMPORT_KEY) with IAMPORT_SECRET (or --imp-secret-file), as 설정 does.
    Set,
    /// Removes the saved key and secret.
    Clear,
}

/// `posctl report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// First KST day, YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: String,
    /// Last KST day (included), YYYY-MM-DD.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: String,
    /// Also write the sales as CSV (UTF-8 with BOM, for Excel) to this file.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Backs up the order book now (and copies it to the owner's backup folder, if one is set).
    Create,
    /// The order book's backups, newest first: file, time, orders.
    List,
    /// Replaces the order book with FILE after checking it; the current book is kept as a
    /// backup. Refused while the app or `posctl sync --watch` runs on this book.
    Restore {
        /// The backup file.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Shows the account set in the app's settings.
    Show,
    /// Sets the account id (and the shop name with --store) in the app's settings. Orders made
    /// from then on carry it; a running app uses it after its next start or settings save.
    Set {
        /// The account id Panmusic gave the shop.
        id: String,
        /// The shop's name (설정 > 매장 이름).
        #[arg(long, value_name = "NAME")]
        store: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PinCommand {
    /// Whether a PIN is set, tries left, and until when it is locked.
    Status,
    /// Removes the PIN and any lock (a forgotten PIN); the app then offers to set a new one.
    Reset,
}

#[derive(Debug, Subcommand)]
pub enum PaymentCommand {
    /// Verifies a payment with Iamport and applies it to its order (the UI's verification path).
    Complete {
        /// The order's merchant_uid.
        merchant_uid: String,
        /// Iamport's imp_uid of the payment.
        imp_uid: String,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct RefundArgs {
    /// `resume` (the parked automatic cancel of a virtual account) or `banks`.
    #[command(subcommand)]
    pub action: Option<RefundAction>,
    /// The order's merchant_uid.
    #[arg(required = true)]
    pub merchant_uid: Option<String>,
    /// Won to refund (default: the whole remaining balance).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub amount: Option<i64>,
    /// Why (shown on the cancel receipt and in the order's timeline).
    #[arg(long, value_name = "R", required = true)]
    pub reason: Option<String>,
    /// Refund bank: the standard bank code (`posctl refund banks`), virtual-account orders.
    #[arg(long, value_name = "CODE")]
    pub refund_bank: Option<String>,
    /// Refund account number (virtual-account orders).
    #[arg(long, value_name = "A")]
    pub refund_account: Option<String>,
    /// Refund account holder (virtual-account orders).
    #[arg(long, value_name = "H")]
    pub refund_holder: Option<String>,
}

/// What `posctl refund` does besides refunding.
#[derive(Debug, Subcommand)]
pub enum RefundAction {
    /// Sends the parked automatic cancel of a virtual account whose amount did not match, with
    /// the buyer's refund account (Iamport needs one to refund a virtual account).
    Resume {
        /// The order's merchant_uid.
        merchant_uid: String,
        /// The refund bank's standard code (`posctl refund banks`), e.g. 004.
        #[arg(long, value_name = "CODE")]
        refund_bank: String,
        /// The refund account number (digits, dashes allowed).
        #[arg(long, value_name = "N")]
        refund_account: String,
        /// The account holder.
        #[arg(long, value_name = "H")]
        refund_holder: String,
    },
    /// Lists the bank codes a refund account takes (Iamport's list, or the kept copy offline).
    Banks,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// One cycle over everything open (whatever its next-check time) and the due jobs, then exit
    /// with a summary.
    #[arg(long, conflicts_with = "watch", required_unless_present = "watch")]
    pub once: bool,
    /// Run until SIGINT/SIGTERM; stop cleanly and release the lease.
    #[arg(long)]
    pub watch: bool,
    /// Per-request timeout towards Iamport in milliseconds (default 10 s).
    #[arg(long, value_name = "MS", hide = true, value_parser = clap::value_parser!(u64).range(50..=120_000))]
    pub http_timeout_ms: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Lists pending, running and needs-attention jobs (--all: done ones too).
    List {
        /// Include finished jobs.
        #[arg(long)]
        all: bool,
        /// How many at most.
        #[arg(long, value_name = "N", default_value_t = 200)]
        limit: u32,
    },
    /// Puts a needs-attention job back in the queue, due now.
    Retry {
        /// The job id (from `jobs list`).
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum PlansCommand {
    /// Lists the plans with their prices.
    List,
    /// Changes a plan's price in won (orders already created keep theirs).
    SetPrice {
        /// Plan id, e.g. pass_1m.
        id: String,
        /// New price in won, a whole number above 0.
        #[arg(value_parser = clap::value_parser!(i64).range(1..=100_000_000))]
        price: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrdersCommand {
    /// Lists orders, newest first.
    List {
        /// Only orders in this state.
        #[arg(long, value_name = "S", value_parser = state_parser())]
        status: Option<OrderState>,
        /// Only orders paid this way.
        #[arg(long, value_name = "M", value_parser = pay_method_parser())]
        pay_method: Option<PayMethod>,
        /// A prefix of the merchant_uid, the buyer's name or phone number.
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// Only orders created on or after this KST day (YYYY-MM-DD).
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: Option<String>,
        /// Only orders created on or before this KST day (YYYY-MM-DD).
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: Option<String>,
        /// Only sales (sale) or only 0원 card registrations (card_registration).
        #[arg(long, value_name = "C", value_parser = ["sale", "card_registration"])]
        class: Option<String>,
        /// How many (1..=500).
        #[arg(long, value_name = "N", default_value_t = 20)]
        limit: u32,
        /// How many of the newest matches to skip.
        #[arg(long, value_name = "N", default_value_t = 0)]
        offset: u32,
    },
    /// Shows one order with its timeline.
    Show {
        /// The order's merchant_uid.
        merchant_uid: String,
    },
    /// Creates orders at the catalog price (no payment is made); prints their merchant_uids.
    Create {
        /// Plan id, e.g. pass_1m.
        #[arg(long)]
        plan: String,
        /// Pay method.
        #[arg(long, value_name = "M", default_value = "card", value_parser = pay_method_parser())]
        pay_method: PayMethod,
        /// How many orders (1..=1000).
        #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
        count: u32,
    },
}

fn mode_parser() -> impl TypedValueParser<Value = Mode> {
    PossibleValuesParser::new(["live", "sandbox"]).map(|s| match s.as_str() {
        "live" => Mode::Live,
        _ => Mode::Sandbox,
    })
}

fn state_parser() -> impl TypedValueParser<Value = OrderState> {
    PossibleValuesParser::new(OrderState::ALL.iter().map(|s| s.as_str()))
        .try_map(|s| s.parse::<OrderState>())
}

fn pay_method_parser() -> impl TypedValueParser<Value = PayMethod> {
    PossibleValuesParser::new(PayMethod::ALL.iter().map(|m| m.as_str()))
        .try_map(|s| s.parse::<PayMethod>())
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::Parser;

    #[test]
    fn debug_of_the_parsed_command_line_never_shows_the_key_or_secret() {
        let cli = Cli::try_parse_from([
            "posctl",
            "--imp-key",
            "KEY-VALUE-123",
            "--imp-secret",
            "SECRET-VALUE-456",
            "doctor",
        ])
        .unwrap_or_else(|e| panic!("parses: {e}"));
        let shown = format!("{cli:?} {cli:#?}");
        assert!(
            !shown.contains("KEY-VALUE-123") && !shown.contains("SECRET-VALUE-456"),
            "credentials leaked through Debug: {shown}"
        );
        assert!(
            shown.contains("<redacted>"),
            "says they were given: {shown}"
        );
    }
}
