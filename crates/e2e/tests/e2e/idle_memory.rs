//! Bench (prints figures, asserts nothing about them): memory of the app idle in the tray through
//! an hour's worth of sync cycles, against the target of 150 MB, with the tray's handover to a
//! fresh copy (what a shop runs on Linux) and without it. Not part of the normal run
//! (`#[ignore]`); run it on the release build (what a shop runs) with
//!
//! ```text
//! npm --prefix ui run build && cargo build --release -p panmusic-pos
//! PANMUSIC_APP_BIN=$CARGO_TARGET_DIR/release/panmusic-pos xvfb-run -a dbus-run-session -- \
//!   cargo test -p e2e -- --test-threads=1 --ignored --nocapture idle_in_tray
//! ```
//!
//! The real app starts on a fresh data dir in sandbox mode (its in-process Iamport) and is sampled
//! with its window shown; then its window is closed to the tray (the window and its WebKit page
//! process end; the engine keeps running). With the handover (after 3 s here instead of 60 s), the
//! bench waits until the app has handed over to its fresh copy started hidden (same pid; no WebKit
//! process left, the network process included: see the app's `handover` module); without it
//! (`PANMUSIC_TRAY_HANDOVER_SECS=off`), until the page process is gone. Then [`CYCLES`] sync cycles
//! are run, each asked for as a second launch with `--sync-now` asks (the single-instance plugin's
//! D-Bus call, made with `gdbus`; the first through a real second launch) and waited for in the
//! app's log, [`PAUSE`] apart instead of 30 s: a shop's idle sweep runs every 300 s by default (12
//! cycles an hour) and at most every 30 s (`poll.sweep_secs`' floor, and the feed's cadence while
//! orders are open), so 120 cycles are an hour at the busiest cadence. The RSS and PSS of the app
//! process and of each WebKit process it started are sampled from `/proc` every [`SAMPLE_EVERY`]
//! cycles, then once more after a rest; it prints them, start, end, max and the growth per 100
//! cycles. RSS counts the library pages each process maps once per process, so the sum is also
//! given as PSS (each shared page divided among the processes that share it, other programs
//! included).
//!
//! Measured 2026-11-30 (release build, 2 cores at load 6-7, Xvfb, WebKitGTK 2.50), 120 cycles,
//! two runs: window shown 500-502 MB RSS (app 175, page 265, network 61). With the handover: in
//! the tray 80.6 -> 81.4 MB RSS, 45-67 MB PSS (the app process alone; target met); 360 cycles:
//! 80.4 -> 81.3 MB RSS, 124 KiB per 100 cycles. Without it: 228.4 -> 229.6 MB RSS (app 168,
//! network 61; target NOT met), 97-148 MB PSS. PSS depends on which other programs share the
//! library pages (other WebKit apps on the machine); RSS does not. Growth in both: under 0.5 MB
//! RSS per 100 cycles.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::handover::{wait_for_handover, DELAY_ENV};
use crate::harness::{app_binary, app_family, ensure, fail, scenario_with, App, Result, Start};
use crate::store_pc::wait_until_no_web_process;

/// An hour of cycles at the 30-second cadence (`IDLE_BENCH_CYCLES` for more; the scenario must
/// end within the harness's 3 minutes, so about 400 at most).
const CYCLES: usize = 120;
/// The target: the app and its WebKit processes idle in the tray, in MB.
const TARGET_MB: u64 = 150;

fn cycles() -> usize {
    std::env::var("IDLE_BENCH_CYCLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CYCLES)
}
/// Between cycles (instead of 30 s).
const PAUSE: Duration = Duration::from_millis(200);
/// Sample every this many cycles.
const SAMPLE_EVERY: usize = 20;
/// Idle after the last cycle before the last sample.
const REST: Duration = Duration::from_secs(15);
/// What the app logs when a cycle asked for by a second launch finished.
const FINISHED: &str = "지금 동기화 finished from=\"a second launch\"";

/// One process: its name and KiB of resident (RSS) and proportional (PSS) memory.
struct Process {
    name: String,
    rss: u64,
    pss: u64,
}

/// One reading of the app and the WebKit processes it started.
struct Sample {
    cycle: usize,
    at: Duration,
    processes: Vec<Process>,
}

impl Sample {
    fn rss(&self) -> u64 {
        self.processes.iter().map(|p| p.rss).sum()
    }

    fn pss(&self) -> u64 {
        self.processes.iter().map(|p| p.pss).sum()
    }

    fn app_rss(&self) -> u64 {
        self.processes
            .iter()
            .filter(|p| p.name.starts_with("panmusic"))
            .map(|p| p.rss)
            .sum()
    }
}

fn kib_field(file: &str, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(file).ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn sample(app: &App, cycle: usize, began: Instant) -> Result<Sample> {
    let family = app_family(app.data_dir());
    let mut processes = Vec::new();
    for pid in &family {
        let Some(rss) = kib_field(&format!("/proc/{pid}/status"), "VmRSS:") else {
            continue;
        };
        let pss = kib_field(&format!("/proc/{pid}/smaps_rollup"), "Pss:").unwrap_or(0);
        let name = std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .map(|n| n.trim().to_owned())
            .unwrap_or_else(|_| "?".into());
        processes.push(Process { name, rss, pss });
    }
    // The app first, then WebKit's processes by name.
    processes.sort_by_key(|p| (!p.name.starts_with("panmusic"), p.name.clone()));
    let sample = Sample {
        cycle,
        at: began.elapsed(),
        processes,
    };
    ensure(
        sample.app_rss() > 0,
        format!("the app process is found: {family:?}"),
    )?;
    Ok(sample)
}

fn mb(kib: u64) -> String {
    // Display only: integer KiB to MB with one decimal.
    format!("{}.{}", kib / 1024, (kib % 1024) * 10 / 1024)
}

/// Least-squares slope of `value` over the samples' cycles, in KiB per 100 cycles.
fn slope_per_100_cycles(samples: &[Sample], value: fn(&Sample) -> u64) -> i64 {
    let n = samples.len() as i128;
    if n < 2 {
        return 0;
    }
    let xs: Vec<i128> = samples.iter().map(|s| s.cycle as i128).collect();
    let ys: Vec<i128> = samples.iter().map(|s| i128::from(value(s))).collect();
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

fn line(label: &str, s: &Sample) -> String {
    let each: Vec<String> = s
        .processes
        .iter()
        .map(|p| format!("{} {}/{}", p.name, mb(p.rss), mb(p.pss)))
        .collect();
    format!(
        "  {label:>6} {:>4}s  total RSS {:>6}  PSS {:>6}  [{}]",
        s.at.as_secs(),
        mb(s.rss()),
        mb(s.pss()),
        each.join(", ")
    )
}

fn verdict(kib: u64) -> &'static str {
    if kib < TARGET_MB * 1024 {
        "met"
    } else {
        "NOT met"
    }
}

fn print(shown: &Sample, samples: &[Sample], rested: &Sample) {
    println!(
        "idle-in-tray memory of {} (MB; per process RSS/PSS):",
        app_binary().map_or_else(|_| "?".into(), |p| p.display().to_string())
    );
    println!("{}", line("shown", shown));
    for s in samples {
        println!("{}", line(&format!("c{}", s.cycle), s));
    }
    println!("{}", line("rested", rested));
    let (Some(first), Some(last)) = (samples.first(), samples.last()) else {
        return;
    };
    let max = samples.iter().map(Sample::rss).max().unwrap_or(0);
    println!(
        "window shown: RSS {} MB, PSS {} MB. In the tray: RSS {} -> {} MB (max {}), PSS {} -> {} MB; \
         growth per 100 cycles: RSS {} KiB (app process {} KiB), PSS {} KiB, over {} cycles",
        mb(shown.rss()),
        mb(shown.pss()),
        mb(first.rss()),
        mb(last.rss()),
        mb(max),
        mb(first.pss()),
        mb(last.pss()),
        slope_per_100_cycles(samples, Sample::rss),
        slope_per_100_cycles(samples, Sample::app_rss),
        slope_per_100_cycles(samples, Sample::pss),
        last.cycle
    );
    println!(
        "target: under {TARGET_MB} MB idle in the tray: RSS {} MB after the rest ({}), PSS {} MB ({})",
        mb(rested.rss()),
        verdict(rested.rss()),
        mb(rested.pss()),
        verdict(rested.pss())
    );
}

/// The cycles the app logged as finished when asked by a second launch: (all, clean and online).
fn finished_cycles(data_dir: &std::path::Path) -> Result<(usize, usize)> {
    let mut all = 0;
    let mut clean = 0;
    for entry in std::fs::read_dir(data_dir.join("logs"))? {
        for line in std::fs::read_to_string(entry?.path())?.lines() {
            if line.contains(FINISHED) {
                all += 1;
                if line.contains("online=true") && line.contains("clean=true") {
                    clean += 1;
                }
            }
        }
    }
    Ok((all, clean))
}

/// Asks the running app for a sync cycle as a second launch with `--sync-now` does: through the
/// single-instance plugin's D-Bus method (what the second process calls before it exits).
fn ask_for_sync_over_dbus() -> Result {
    let status = Command::new("gdbus")
        .args([
            "call",
            "--session",
            "--dest",
            "kr.panmusic.pos.SingleInstance",
            "--object-path",
            "/kr/panmusic/pos/SingleInstance",
            "--method",
            "org.SingleInstance.DBus.ExecuteCallback",
            "['panmusic-pos', '--sync-now']",
            "/",
        ])
        .stdout(std::process::Stdio::null())
        .status()?;
    ensure(
        status.success(),
        format!("gdbus asked for a sync: {status}"),
    )
}

/// Waits until the app logged `count` finished cycles.
async fn wait_for_cycle(app: &App, count: usize) -> Result {
    let began = Instant::now();
    loop {
        let (all, _) = finished_cycles(app.data_dir())?;
        if all >= count {
            return Ok(());
        }
        if began.elapsed() > Duration::from_secs(20) {
            return Err(fail(format!(
                "sync cycle {count} did not finish within 20 s ({all} finished)"
            )));
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Samples the app shown, closes its window to the tray and (with `handover`) waits for the
/// tray's handover to the fresh copy, then runs the cycles and prints the figures.
async fn idle_in_tray(app: &mut App, handover: bool) -> Result {
    // The page's start-up and the engine's first cycles settle first.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let shown = sample(app, 0, Instant::now())?;
    app.close_main_window_to_tray().await?;
    if handover {
        wait_for_handover(app.data_dir(), 1, Duration::from_secs(60)).await?;
    } else {
        wait_until_no_web_process(app.data_dir()).await?;
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let began = Instant::now();
    let mut samples = vec![sample(app, 0, began)?];
    // The first cycle through a real second launch, the rest through its D-Bus call.
    let second = Command::new(app_binary()?)
        .arg("--data-dir")
        .arg(app.data_dir())
        .arg("--sync-now")
        .status()?;
    ensure(
        second.success(),
        format!("the second launch hands over: {second}"),
    )?;
    wait_for_cycle(app, 1).await?;
    let cycles = cycles();
    for cycle in 2..=cycles {
        tokio::time::sleep(PAUSE).await;
        ask_for_sync_over_dbus()?;
        wait_for_cycle(app, cycle).await?;
        if cycle % SAMPLE_EVERY == 0 {
            samples.push(sample(app, cycle, began)?);
        }
    }
    tokio::time::sleep(REST).await;
    let rested = sample(app, cycles, began)?;
    let (all, clean) = finished_cycles(app.data_dir())?;
    ensure(
        rested.processes.iter().all(|p| p.name != "WebKitWebProces"),
        "no window was built during the cycles",
    )?;
    let how = if handover {
        "with the tray's handover to a fresh copy"
    } else {
        "without the handover (PANMUSIC_TRAY_HANDOVER_SECS=off)"
    };
    println!("== {how}");
    print(&shown, &samples, &rested);
    println!("cycles finished: {all}, of which online and clean: {clean}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a bench: about two minutes; prints figures"]
async fn idle_in_tray_memory_through_an_hour_of_sync_cycles() {
    let start = Start {
        env: vec![(DELAY_ENV.into(), "3".into())],
        ..Start::default()
    };
    scenario_with("idle_memory", start, async |app: &mut App| -> Result {
        idle_in_tray(app, true).await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a bench: about two minutes; prints figures"]
async fn idle_in_tray_memory_without_the_handover() {
    let start = Start {
        env: vec![(DELAY_ENV.into(), "off".into())],
        ..Start::default()
    };
    scenario_with("idle_memory_off", start, async |app: &mut App| -> Result {
        idle_in_tray(app, false).await
    })
    .await;
}
