//! `panmusic-relay`: serve, migrate, and manage stores. Operators script this command line;
//! keep its shape.

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use panmusic_relay::db::{self, stores};
use panmusic_relay::policy::RefundPolicy;
use panmusic_relay::{Relay, RelayConfig, RelayError, Result};

#[derive(Parser)]
#[command(
    name = "panmusic-relay",
    version,
    about = "Iamport-V1-compatible relay for Panmusic stores"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the relay. The real Iamport key and secret come from IAMPORT_KEY / IAMPORT_SECRET.
    Serve {
        /// Address to listen on; port 0 picks a free port.
        #[arg(long)]
        listen: SocketAddr,
        /// PostgreSQL URL, e.g. postgres://relay@127.0.0.1:5432/relay.
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        /// Iamport's base URL (https://api.iamport.kr, or a sandbox's).
        #[arg(long)]
        upstream: String,
        /// Seconds between upstream change-feed reads, across all instances.
        #[arg(long, default_value_t = 5.0)]
        feed_interval_secs: f64,
        /// Lookups of payments confirmed with Iamport this many seconds ago are answered from
        /// PostgreSQL.
        #[arg(long, default_value_t = 2.0)]
        fresh_secs: f64,
        /// Upstream request timeout in seconds.
        #[arg(long, default_value_t = 10.0)]
        upstream_timeout_secs: f64,
        /// Database connections of this instance.
        #[arg(long, default_value_t = 16)]
        pool_size: usize,
        /// Writes whose outcome is unknown are looked up at Iamport this many seconds after
        /// they were sent, without waiting for the store's retry (at least 1).
        #[arg(long, default_value_t = 60.0)]
        settle_after_secs: f64,
    },
    /// Apply the database migrations (serve also does on start).
    Migrate {
        /// PostgreSQL URL.
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
    },
    /// The feed reader's last read and error, whether Iamport answers, and writes of unknown
    /// outcome.
    Status {
        /// PostgreSQL URL.
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Manage stores.
    Stores {
        #[command(subcommand)]
        command: StoresCommand,
    },
}

#[derive(Subcommand)]
enum StoresCommand {
    /// Create a store; prints its key, secret (shown once) and uid prefix.
    Add {
        /// Store name (unique).
        name: String,
        /// PostgreSQL URL.
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        /// Print {"key","secret","prefix"} as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List stores.
    List {
        /// PostgreSQL URL.
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Disable a store at once: its key and tokens stop working.
    Disable {
        /// Store name.
        name: String,
        /// PostgreSQL URL.
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
    },
    /// Set a store's rate limit and refund policy (an omitted refund rule means no limit).
    Policy {
        /// Store name.
        name: String,
        /// PostgreSQL URL.
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        /// Requests per second per relay instance (burst: twice that).
        #[arg(long)]
        requests_per_second: Option<i32>,
        /// Refunds only within this many days of payment.
        #[arg(long)]
        refund_window_days: Option<i32>,
        /// At most this many refunds per day (KST).
        #[arg(long)]
        refunds_per_day: Option<i32>,
    },
}

fn secs(s: f64) -> Duration {
    Duration::try_from_secs_f64(s).unwrap_or(Duration::from_secs(5))
}

async fn migrated(database_url: &str) -> Result<deadpool_postgres::Pool> {
    let pool = db::pool(database_url, 2)?;
    db::migrate(&pool).await?;
    Ok(pool)
}

fn out(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}")
        .and_then(|()| stdout.flush())
        .map_err(RelayError::Output)
}

async fn serve(config: RelayConfig) -> Result<()> {
    // Listen for SIGTERM before anyone can learn the address and send one.
    let stop = stop_signal();
    let relay = Relay::start(config).await?;
    out(&format!("listening on {}", relay.base_url()))?;
    stop.await;
    tracing::info!("stopping: draining requests in flight");
    relay.shutdown().await
}

/// Resolves on SIGTERM or Ctrl-C; the handlers are installed when this is called.
fn stop_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        #[cfg(unix)]
        if let Some(mut term) = term {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve {
            listen,
            database_url,
            upstream,
            feed_interval_secs,
            fresh_secs,
            upstream_timeout_secs,
            pool_size,
            settle_after_secs,
        } => {
            let key =
                std::env::var("IAMPORT_KEY").map_err(|_| RelayError::MissingEnv("IAMPORT_KEY"))?;
            let secret = std::env::var("IAMPORT_SECRET")
                .map_err(|_| RelayError::MissingEnv("IAMPORT_SECRET"))?;
            let mut config = RelayConfig::new(listen, database_url, upstream, key, secret);
            config.feed_interval = secs(feed_interval_secs);
            config.fresh = secs(fresh_secs);
            config.upstream_timeout = secs(upstream_timeout_secs);
            config.pool_size = pool_size.max(2);
            config.settle_after = secs(settle_after_secs).max(Duration::from_secs(1));
            serve(config).await
        }
        Command::Migrate { database_url } => {
            let pool = db::pool(&database_url, 1)?;
            let version = db::migrate(&pool).await?;
            out(&format!("database at version {version}"))
        }
        Command::Status { database_url, json } => {
            let pool = migrated(&database_url).await?;
            let s = db::status::read(&**pool.get().await?).await?;
            if json {
                return out(&serde_json::to_string(&s).unwrap_or_default());
            }
            out(&format!(
                "stores: {} ({} enabled)\nfeed: read {} ago, {} upstream requests in all{}\niamport: {}\npayments held: {}\nwrites of unknown outcome: {}",
                s.stores,
                s.enabled_stores,
                s.feed_read_seconds_ago
                    .map_or_else(|| "never".to_owned(), |t| format!("{t} s")),
                s.feed_upstream_requests,
                s.feed_last_error
                    .as_deref()
                    .map_or_else(String::new, |e| format!(", last error: {e}")),
                reach_line(&s),
                s.payments,
                s.writes_of_unknown_outcome,
            ))
        }
        Command::Stores { command } => stores_command(command).await,
    }
}

/// Whether Iamport answers the relay, for the human status.
fn reach_line(s: &db::status::Status) -> String {
    match (s.upstream_unreachable, s.upstream_reach_seconds_ago) {
        (true, t) => format!(
            "응답 없음 (unreachable: the latest upstream call without an answer was {} s ago)",
            t.unwrap_or(0)
        ),
        (false, Some(t)) => format!("응답함 (answering again for {t} s)"),
        (false, None) => "응답함 (answering; never found unreachable)".to_owned(),
    }
}

async fn stores_command(command: StoresCommand) -> Result<()> {
    match command {
        StoresCommand::Add {
            name,
            database_url,
            json,
        } => {
            let pool = migrated(&database_url).await?;
            let created = stores::add(&**pool.get().await?, &name).await?;
            if json {
                out(&serde_json::json!({
                    "key": created.key,
                    "secret": created.secret,
                    "prefix": created.prefix,
                })
                .to_string())
            } else {
                out(&format!(
                    "key: {}\nsecret: {}\nprefix: {}\n(the secret is shown only now; enter all three in the store's 중계 서버 settings)",
                    created.key, created.secret, created.prefix
                ))
            }
        }
        StoresCommand::List { database_url, json } => {
            let pool = migrated(&database_url).await?;
            let list = stores::list(&**pool.get().await?).await?;
            if json {
                return out(&serde_json::to_string(&list).unwrap_or_default());
            }
            for s in list {
                let limit = |v: Option<i32>| v.map_or_else(|| "-".to_owned(), |n| n.to_string());
                out(&format!(
                    "{}\tprefix={}\t{}\trps={}\trefund_window_days={}\trefunds_per_day={}",
                    s.name,
                    s.prefix,
                    if s.disabled { "disabled" } else { "enabled" },
                    s.requests_per_second,
                    limit(s.policy.window_days),
                    limit(s.policy.per_day),
                ))?;
            }
            Ok(())
        }
        StoresCommand::Disable { name, database_url } => {
            let pool = migrated(&database_url).await?;
            stores::disable(&**pool.get().await?, &name).await?;
            out(&format!("disabled {name}"))
        }
        StoresCommand::Policy {
            name,
            database_url,
            requests_per_second,
            refund_window_days,
            refunds_per_day,
        } => {
            let pool = migrated(&database_url).await?;
            let policy = RefundPolicy {
                window_days: refund_window_days,
                per_day: refunds_per_day,
            };
            stores::set_policy(&**pool.get().await?, &name, requests_per_second, policy).await?;
            out(&format!("policy of {name} updated"))
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tokio_postgres=warn")),
        )
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("panmusic-relay: {e}");
            ExitCode::FAILURE
        }
    }
}
