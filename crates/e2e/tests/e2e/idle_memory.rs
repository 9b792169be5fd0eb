//! Bench (prints figures, asserts nothing about them): memory of the app idle in the tray through
//! an hour's worth of sync cycles. Not part of the normal run (`#[ignore]`); run it with
//!
//! ```text
//! npm --prefix ui run build && cargo build -p panmusic-pos
//! PANMUSIC_APP_BIN=$CARGO_TARGET_DIR/debug/panmusic-pos xvfb-run -a dbus-run-session -- \
//!   cargo test -p e2e -- --ignored --nocapture idle_in_tray
//! ```
//!
//! The real app starts on a fresh data dir in sandbox mode (its in-process Iamport), its window is
//! closed (hidden to the tray; the engine keeps running), and [`CYCLES`] sync cycles are run through
//! `sync_now`, [`PAUSE`] apart instead of 30 s: a shop's idle sweep runs every 300 s by default
//! (12 cycles an hour) and at most every 30 s (`poll.sweep_secs`' floor, and the feed's cadence
//! while orders are open), so 120 cycles are an hour at the busiest cadence. The RSS of the app
//! process and of each WebKit process it started is sampled from `/proc` every [`SAMPLE_EVERY`]
//! cycles, then once more after a rest; it prints start, end, max and the slope per 100 cycles.
//! RSS counts the WebKit library pages each process maps once per process, so the total also
//! comes as PSS (each shared page divided among the processes that share it), the fairer sum.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::{app_family, ensure, scenario_with, App, Result, Start};
use crate::store_pc::invoke;

/// An hour of cycles at the 30-second cadence (`IDLE_BENCH_CYCLES` for more; the scenario must
/// end within the harness's 3 minutes, so about 400 at most).
const CYCLES: usize = 120;

fn cycles() -> usize {
    std::env::var("IDLE_BENCH_CYCLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CYCLES)
}
/// Between cycles (instead of 30 s).
const PAUSE: Duration = Duration::from_millis(250);
/// Sample every this many cycles.
const SAMPLE_EVERY: usize = 10;
/// Idle after the last cycle before the last sample.
const REST: Duration = Duration::from_secs(15);

/// One reading: KiB of resident memory per process name.
struct Sample {
    cycle: usize,
    at: Duration,
    app_kib: u64,
    webkit: Vec<(String, u64)>,
    /// Proportional set size of the app and its WebKit processes together.
    pss_kib: u64,
}

impl Sample {
    fn webkit_kib(&self) -> u64 {
        self.webkit.iter().map(|(_, kib)| kib).sum()
    }

    fn total_kib(&self) -> u64 {
        self.app_kib + self.webkit_kib()
    }
}

fn rss_kib(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn pss_kib(pid: &str) -> Option<u64> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let line = rollup.lines().find(|l| l.starts_with("Pss:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn name_of(pid: &str) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .map(|n| n.trim().to_owned())
        .unwrap_or_else(|_| "?".into())
}

fn sample(app: &App, cycle: usize, began: Instant) -> Result<Sample> {
    let family = app_family(app.data_dir());
    let mut app_kib = 0;
    let mut webkit = Vec::new();
    let mut pss = 0;
    for pid in &family {
        let Some(kib) = rss_kib(pid) else { continue };
        pss += pss_kib(pid).unwrap_or(0);
        let name = name_of(pid);
        if name.starts_with("panmusic") {
            app_kib += kib;
        } else {
            webkit.push((name, kib));
        }
    }
    ensure(app_kib > 0, format!("the app process is found: {family:?}"))?;
    Ok(Sample {
        cycle,
        at: began.elapsed(),
        app_kib,
        webkit,
        pss_kib: pss,
    })
}

fn mb(kib: u64) -> String {
    // Display only: integer KiB to MB with one decimal.
    format!("{}.{}", kib / 1024, (kib % 1024) * 10 / 1024)
}

/// Least-squares slope of total KiB per cycle over `samples`, in KiB per 100 cycles.
fn slope_per_100_cycles(samples: &[Sample]) -> i64 {
    let n = samples.len() as i128;
    if n < 2 {
        return 0;
    }
    let xs: Vec<i128> = samples.iter().map(|s| s.cycle as i128).collect();
    let ys: Vec<i128> = samples.iter().map(|s| i128::from(s.total_kib())).collect();
    let sx: i128 = xs.iter().sum();
    let sy: i128 = ys.iter().sum();
    let sxy: i128 = xs.iter().zip(&ys).map(|(x, y)| x * y).sum();
    let sxx: i128 = xs.iter().map(|x| x * x).sum();
    let denominator = n * sxx - sx * sx;
    if denominator == 0 {
        return 0;
    }
    ((n * sxy - sx * sy) * 100 / denominator) as i64
}

fn print(samples: &[Sample]) {
    println!(
        "idle-in-tray memory (RSS, MB): cycle, seconds, app, WebKit processes, total; PSS total"
    );
    for s in samples {
        let webkit: Vec<String> = s
            .webkit
            .iter()
            .map(|(name, kib)| format!("{name} {}", mb(*kib)))
            .collect();
        println!(
            "  {:>4} {:>5}s  app {:>6}  webkit {:>6} [{}]  total {:>6}  pss {:>6}",
            s.cycle,
            s.at.as_secs(),
            mb(s.app_kib),
            mb(s.webkit_kib()),
            webkit.join(", "),
            mb(s.total_kib()),
            mb(s.pss_kib)
        );
    }
    let (Some(first), Some(last)) = (samples.first(), samples.last()) else {
        return;
    };
    let max = samples.iter().map(Sample::total_kib).max().unwrap_or(0);
    let max_app = samples.iter().map(|s| s.app_kib).max().unwrap_or(0);
    println!(
        "RSS start {} MB (app {} + WebKit {}), end {} MB (app {} + WebKit {}), max {} MB (app max {}); \
         slope {} KiB per 100 cycles over {} cycles ({} samples); PSS start {} MB, end {} MB",
        mb(first.total_kib()),
        mb(first.app_kib),
        mb(first.webkit_kib()),
        mb(last.total_kib()),
        mb(last.app_kib),
        mb(last.webkit_kib()),
        mb(max),
        mb(max_app),
        slope_per_100_cycles(samples),
        last.cycle,
        samples.len(),
        mb(first.pss_kib),
        mb(last.pss_kib)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a bench: about a minute and a half; prints figures"]
async fn idle_in_tray_memory_through_an_hour_of_sync_cycles() {
    scenario_with(
        "idle_memory",
        Start::default(),
        async |app: &mut App| -> Result {
            invoke(app, "plugin:window|close", json!({ "label": "main" })).await?;
            let visible =
                invoke(app, "plugin:window|is_visible", json!({ "label": "main" })).await?;
            ensure(visible == json!(false), "the window is hidden to the tray")?;
            // The engine's first cycles and the page's start-up settle first.
            tokio::time::sleep(Duration::from_secs(5)).await;
            let began = Instant::now();
            let mut samples = vec![sample(app, 0, began)?];
            let mut finished = std::collections::HashSet::new();
            let cycles = cycles();
            for cycle in 1..=cycles {
                let status = invoke(app, "sync_now", json!({})).await?;
                ensure(
                    status["lastError"].is_null() && status["online"] == json!(true),
                    format!("cycle {cycle} ran cleanly against the sandbox: {status}"),
                )?;
                finished.insert(status["lastSuccessAt"].to_string());
                if cycle % SAMPLE_EVERY == 0 {
                    samples.push(sample(app, cycle, began)?);
                }
                tokio::time::sleep(PAUSE).await;
            }
            tokio::time::sleep(REST).await;
            let rested = sample(app, cycles, began)?;
            print(&samples);
            println!(
                "cycles seen to finish (distinct lastSuccessAt): {}",
                finished.len()
            );
            println!(
                "after {}s at rest: RSS {} MB (app {} + WebKit {}), PSS {} MB",
                REST.as_secs(),
                mb(rested.total_kib()),
                mb(rested.app_kib),
                mb(rested.webkit_kib()),
                mb(rested.pss_kib)
            );
            Ok(())
        },
    )
    .await;
}
