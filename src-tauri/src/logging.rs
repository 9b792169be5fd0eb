//! Logging: stderr, and the daily log files in the app's log dir (`<data dir>/logs` when
//! `--data-dir` is given), redacted and size-capped by [`pos_core::logfile`].

use std::path::PathBuf;

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter, Layer};

use crate::args::LaunchArgs;

/// The folder of the log files: `<data dir>/logs` with `--data-dir`, else the platform's app
/// log folder (what Tauri's `app_log_dir` gives on Linux and Windows).
pub fn log_dir(args: &LaunchArgs) -> Option<PathBuf> {
    match &args.data_dir {
        Some(dir) => Some(dir.join("logs")),
        None => pos_core::paths::default_log_dir().ok(),
    }
}

/// Sets up logging once (a second call, as in tests, changes nothing).
pub fn init(args: &LaunchArgs) {
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let files = log_dir(args).map(|dir| {
        pos_core::logfile::LogFiles::open(&dir, pos_core::logfile::DAILY_CAP).map_err(|e| (dir, e))
    });
    let (file_layer, problem) = match files {
        Some(Ok(files)) => (
            Some(
                fmt::layer()
                    .with_ansi(false)
                    .with_writer(files)
                    .with_filter(filter()),
            ),
            None,
        ),
        Some(Err((dir, error))) => (None, Some(format!("{error} ({})", dir.display()))),
        None => (None, Some("no log folder".to_owned())),
    };
    let stderr = fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter());
    if tracing_subscriber::registry()
        .with(stderr)
        .with(file_layer)
        .try_init()
        .is_err()
    {
        eprintln!("logging was already set up");
    }
    if let Some(problem) = problem {
        tracing::warn!(%problem, "logging to stderr only");
    }
}
