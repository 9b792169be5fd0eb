//! One sync cycle: change feed, batch lookups of due open orders, last checks, then the job
//! queue. [`SyncCore`] holds what lives across cycles (the seen-set, when the feed last ran)
//! and is owned by exactly one task, so none of it is behind a lock.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use iamport::Payment;
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::Serialize;
use ts_rs::TS;

use super::backoff::Backoff;
use super::error::SyncError;
use super::feed::Seen;
use super::planner::{self, OpenOrder, PlanInput, PollPolicy};
use super::ports::{Applied, JobExecutor, PaymentSink};
use super::worker::{self, JobTally};
use crate::clock::{ClockSource, IamportClock};
use crate::store::LAST_SYNC_AT;
use crate::work::executor::Executor;
use crate::Store;

/// Attempts of one lookup or feed call before the cycle gives up on it.
const CALL_ATTEMPTS: u32 = 4;

/// What one cycle did, for `posctl sync --once` and the log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CycleReport {
    /// Orders still open (awaiting payment or a deposit) when the cycle began: what it checked.
    pub open_orders: u32,
    /// `GET /payments` batch calls made.
    pub lookup_calls: u32,
    /// Orders looked up.
    pub orders_looked_up: u32,
    /// Change-feed pages read.
    pub feed_pages: u32,
    /// Payments the feed and lookups returned (repeats included).
    pub payments_seen: u32,
    /// Payments that changed an order.
    pub transitions: u32,
    /// Orders given up as `abandoned`.
    pub abandoned: u32,
    /// Jobs finished.
    pub jobs_done: u32,
    /// Jobs rescheduled after a failure.
    pub jobs_retried: u32,
    /// Jobs parked for a person.
    pub jobs_parked: u32,
    /// REST calls this engine made in the cycle (lookups, feed, retries, token requests; the
    /// job executor's own calls are not included).
    pub rest_calls: u32,
}

/// Tunables of the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncOptions {
    /// Poll cadence and feed window.
    pub policy: PollPolicy,
    /// Jobs run at once.
    pub concurrency: usize,
    /// Backoff of failed jobs.
    pub job_backoff: Backoff,
    /// Backoff between attempts of one lookup in a cycle, and of the offline probe.
    pub call_backoff: Backoff,
    /// How often the lease is renewed (well under its 30 s staleness limit); also the longest
    /// sleep of the loop, so a lost lease or a returning network is noticed within it.
    pub heartbeat: Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            policy: PollPolicy::default(),
            concurrency: 4,
            job_backoff: Backoff {
                base: Duration::from_secs(2),
                max: Duration::from_secs(600),
            },
            call_backoff: Backoff {
                base: Duration::from_millis(500),
                max: Duration::from_secs(60),
            },
            heartbeat: Duration::from_secs(10),
        }
    }
}

/// The engine's state across cycles.
pub struct SyncCore {
    pub(crate) store: Store,
    pub(crate) client: iamport::Client,
    pub(crate) executor: Arc<dyn JobExecutor>,
    pub(crate) sink: Arc<dyn PaymentSink>,
    pub(crate) options: SyncOptions,
    pub(super) seen: Seen,
    last_feed_at: Option<DateTime<Utc>>,
    rng: StdRng,
    calls: u32,
    /// This engine's executor, registered while the core lives: its job claims are never
    /// re-queued by another engine while it runs.
    claims: Executor,
}

pub(super) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, SyncError> + Send + 'static,
) -> Result<T, SyncError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(SyncError::Join)?
}

impl SyncCore {
    /// A core over `store` and `client`.
    pub fn new(
        store: Store,
        client: iamport::Client,
        executor: Arc<dyn JobExecutor>,
        sink: Arc<dyn PaymentSink>,
        options: SyncOptions,
    ) -> SyncCore {
        SyncCore {
            store,
            client,
            executor,
            sink,
            options,
            seen: Seen::default(),
            last_feed_at: None,
            rng: StdRng::from_os_rng(),
            calls: 0,
            claims: Executor::register("engine"),
        }
    }

    /// Iamport's clock minus ours, as last measured (zero while unknown: offline since start).
    pub(crate) fn iamport_offset(&self) -> chrono::Duration {
        self.client
            .clock_offset_ms()
            .and_then(chrono::Duration::try_milliseconds)
            .unwrap_or_else(chrono::Duration::zero)
    }

    /// The open orders as the planner sees them (renewals excluded: see below): on this PC's clock, a virtual account's
    /// deadline (Iamport's clock) translated by the measured offset, so it is kept by Iamport's
    /// time however wrong ours is.
    pub(crate) async fn open_orders(&self) -> Result<Vec<OpenOrder>, SyncError> {
        let store = self.store.clone();
        let offset = self.iamport_offset();
        blocking(move || {
            Ok(store
                .open_orders()?
                .iter()
                // A renewal waits for its schedule at Iamport for up to three months: the
                // subscription poll looks it up when its time comes, and it is never given
                // up as an abandoned window.
                .filter(|o| o.kind != crate::store::OrderKind::Renewal)
                .map(|o| {
                    let mut open = OpenOrder::from(o);
                    open.vbank_due = open
                        .vbank_due
                        .map(|due| due.checked_sub_signed(offset).unwrap_or(due));
                    open
                })
                .collect())
        })
        .await
    }

    /// When the feed last completed in this process.
    pub(crate) fn last_feed_at(&self) -> Option<DateTime<Utc>> {
        self.last_feed_at
    }

    /// One lookup-type call with a few quick retries on retryable errors.
    pub(super) async fn call<T, F, Fut>(
        &mut self,
        operation: &'static str,
        f: F,
    ) -> Result<T, SyncError>
    where
        F: Fn(iamport::Client) -> Fut,
        Fut: std::future::Future<Output = iamport::Result<T>>,
    {
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.calls += 1;
            match f(self.client.clone()).await {
                Ok(v) => return Ok(v),
                Err(e) if e.is_retryable() && attempt < CALL_ATTEMPTS => {
                    let delay = self.options.call_backoff.delay(attempt, &mut self.rng);
                    tracing::debug!(operation, attempt, error = %e, "retrying an Iamport lookup");
                    tokio::time::sleep(delay).await;
                }
                Err(source) => return Err(SyncError::Iamport { operation, source }),
            }
        }
    }

    /// Applies payments through the sink in one batch (one transaction, one fsync), off the
    /// async threads; `skip_seen` drops facts already applied. They are remembered only once
    /// the batch committed, so a failed batch is applied again next time. Returns the number of
    /// changed orders.
    pub(super) async fn apply(
        &mut self,
        payments: Vec<Payment>,
        cause: &'static str,
        skip_seen: bool,
    ) -> Result<u32, SyncError> {
        let fresh: Vec<Payment> = payments
            .into_iter()
            .filter(|p| !skip_seen || !self.seen.contains(p))
            .collect();
        if fresh.is_empty() {
            return Ok(0);
        }
        let (store, sink) = (self.store.clone(), self.sink.clone());
        // Iamport's clock as last learned (no request): it stands in for a missing `paid_at`.
        let iamport_now = IamportClock::new(&self.client).read().now;
        let (fresh, changed) = blocking(move || {
            let changed = store.batch(|store| {
                let mut changed = 0u32;
                for p in &fresh {
                    match sink.apply(store, p, cause, iamport_now) {
                        Ok(Applied::Changed) => changed += 1,
                        Ok(Applied::Unchanged | Applied::NotOurs) => {}
                        Ok(Applied::Refused(reason)) => {
                            tracing::error!(imp_uid = %p.imp_uid, %reason, "a fetched payment was refused");
                        }
                        Err(source) => {
                            return Err(SyncError::Apply {
                                imp_uid: p.imp_uid.clone(),
                                source,
                            })
                        }
                    }
                }
                Ok(changed)
            })?;
            Ok((fresh, changed))
        })
        .await?;
        for p in &fresh {
            self.seen.remember(p);
        }
        Ok(changed)
    }

    /// Polls: the feed when due (always when `full`), then lookups of due open orders.
    pub async fn poll(&mut self, full: bool, report: &mut CycleReport) -> Result<(), SyncError> {
        // Learn Iamport's clock first (one token request, which the lookups need anyway).
        let reading = IamportClock::new(&self.client).now().await;
        if reading.source == ClockSource::Local {
            tracing::warn!("polling on this PC's clock: Iamport's time is unknown");
        }
        let orders = self.open_orders().await?;
        report.open_orders = u32::try_from(orders.len()).unwrap_or(u32::MAX);
        let cursor = self.stored_cursor().await?;
        let now = Utc::now();
        let policy = self.options.policy;
        let first = planner::plan(&PlanInput {
            orders: &orders,
            cursor,
            last_feed_at: self.last_feed_at,
            now,
            iamport_offset: self.iamport_offset(),
            full,
            policy: &policy,
        });
        let orders = match first.feed {
            Some(feed) => {
                self.read_feed(feed, report).await?;
                self.last_feed_at = Some(Utc::now());
                self.open_orders().await?
            }
            None => orders,
        };
        let plan = planner::plan(&PlanInput {
            orders: &orders,
            cursor,
            last_feed_at: self.last_feed_at,
            now: Utc::now(),
            iamport_offset: self.iamport_offset(),
            full,
            policy: &policy,
        });
        self.lookups(&orders, &plan, report).await
    }

    /// Runs the due jobs (all of them, `concurrency` at a time).
    pub async fn drain_jobs(&mut self, report: &mut CycleReport) -> Result<JobTally, SyncError> {
        let tally = worker::drain_due(
            &self.store,
            self.claims.owner(),
            &self.client,
            &self.executor,
            self.options.concurrency,
            self.options.job_backoff,
        )
        .await?;
        report.jobs_done += tally.done;
        report.jobs_retried += tally.retried;
        report.jobs_parked += tally.parked;
        Ok(tally)
    }

    /// One full cycle: the jobs owed to Iamport first (they matter more than mirroring), then
    /// the poll, then the jobs the poll may have queued (an automatic cancel of a mismatched
    /// payment); records the last successful sync.
    pub async fn run_cycle(&mut self, full: bool) -> Result<CycleReport, SyncError> {
        let mut report = CycleReport::default();
        let (calls_before, tokens_before) = (self.calls, self.client.token_requests());
        let first = self.drain_jobs(&mut report).await.map(|_| ());
        let polled = self.poll(full, &mut report).await;
        // Jobs do not depend on the poll: run them unless Iamport is unreachable altogether.
        let second = match &polled {
            Err(e) if e.is_offline() => Ok(()),
            _ => self.drain_jobs(&mut report).await.map(|_| ()),
        };
        if !matches!(&polled, Err(e) if e.is_offline()) {
            self.poll_subscriptions().await;
        }
        let tokens = self.client.token_requests().saturating_sub(tokens_before);
        report.rest_calls =
            self.calls.saturating_sub(calls_before) + u32::try_from(tokens).unwrap_or(u32::MAX);
        first?;
        polled?;
        second?;
        let store = self.store.clone();
        blocking(move || {
            Ok(store.set_sync_value(LAST_SYNC_AT, &Utc::now().timestamp_millis().to_string())?)
        })
        .await?;
        Ok(report)
    }

    /// Subscriptions (subscription engineer's hook): registers next-period schedules, detects
    /// executed ones, runs due dunning retries and ends subscriptions cancelled at their period
    /// end. Failures are logged and retried next cycle (the work is keyed by merchant_uid, so
    /// repeating it is safe).
    async fn poll_subscriptions(&mut self) {
        let subs = crate::subscription::Subscriptions::new(self.store.clone(), self.client.clone());
        // Retries, period ends and schedule checks are timed on Iamport's clock.
        let reading = IamportClock::new(&self.client).now().await;
        if reading.source == ClockSource::Local {
            tracing::warn!("subscriptions timed on this PC's clock: Iamport's time is unknown");
        }
        match crate::subscription::poll_due(&subs, reading.now).await {
            Ok(report) => {
                for error in &report.errors {
                    tracing::warn!(%error, "subscription work left for the next cycle");
                }
                if report.paid + report.failed + report.ended > 0 {
                    tracing::info!(
                        paid = report.paid,
                        failed = report.failed,
                        ended = report.ended,
                        "subscriptions"
                    );
                }
            }
            Err(error) => tracing::warn!(%error, "subscription poll failed; retried next cycle"),
        }
    }

    /// A cheap call that tells whether Iamport answers at all (a lookup of an id that does not
    /// exist: "not found" means online).
    pub async fn probe(&mut self) -> bool {
        self.calls += 1;
        match self.client.find_payment("panmusic-probe", None).await {
            Ok(_) => true,
            Err(e) => !matches!(
                e,
                iamport::Error::Transport { .. } | iamport::Error::OutcomeUnknown { .. }
            ),
        }
    }

    /// A delay for probe number `attempt`.
    pub fn probe_delay(&mut self, attempt: u32) -> Duration {
        self.options.call_backoff.delay(attempt, &mut self.rng)
    }
}
