//! `posctl subscriptions create|list|cancel|resume|change-card|schedule-again|history|retry|delete-key|poll`: subscriptions (정기결제) from the
//! command line, over the same domain code the app runs. "Now" is Iamport's clock. Commands
//! that talk to Iamport hold the engine lease, so they never run beside the app's sync engine.

use chrono::{DateTime, Utc};
use clap::Subcommand;
use pos_core::clock::IamportClock;
use pos_core::format::{kst_minute, won};
use pos_core::store::{Subscription, SubscriptionState};
use pos_core::subscription::{poll_due, schedule_notice_ko, Subscriptions};
use pos_core::sync::Lease;

use crate::cli::Global;
use crate::context::{data_dir, open_store};
use crate::error::{emit, print_json, say, CliError};
use crate::sync_cmd::iamport_client;

#[derive(Debug, Subcommand)]
pub enum SubscriptionsCommand {
    /// Subscribes to a plan with a billing key that already exists at Iamport: charges the
    /// first month now and schedules the next.
    Create {
        /// Subscription plan id, e.g. sub_monthly.
        #[arg(long)]
        plan: String,
        /// The existing billing key's customer_uid.
        #[arg(long, value_name = "C")]
        customer_uid: String,
    },
    /// Lists subscriptions, newest first.
    List,
    /// Cancels at the period end (music plays until then); --now ends it at once.
    Cancel {
        /// Subscription id (sub_…).
        id: String,
        /// End now instead of at the period end.
        #[arg(long)]
        now: bool,
    },
    /// Undoes a cancel at the period end (before the period ends).
    Resume {
        /// Subscription id (sub_…).
        id: String,
    },
    /// Moves future charges to another billing key that already exists at Iamport ("카드 변경").
    ChangeCard {
        /// Subscription id (sub_…).
        id: String,
        /// The new billing key's customer_uid.
        #[arg(long, value_name = "C")]
        customer_uid: String,
    },
    /// Schedules again the renewals unscheduled at Iamport (e.g. in the console): "다시 예약".
    ScheduleAgain {
        /// Subscription id (sub_…).
        id: String,
    },
    /// The payment history: each period paid, declined, retried or refunded, in order.
    History {
        /// Subscription id (sub_…).
        id: String,
    },
    /// Charges the open charge now ("지금 다시 시도").
    Retry {
        /// Subscription id (sub_…).
        id: String,
    },
    /// Deletes a billing key at Iamport ("카드 삭제"), refused while a live subscription or a
    /// waiting schedule still uses it.
    DeleteKey {
        /// The billing key's customer_uid.
        customer_uid: String,
    },
    /// Does what is due once (register schedules, detect executions, retries, period ends).
    Poll,
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)
}

/// The domain, under the engine lease (released when `f` returns; a killed process's lease
/// is taken over by the next one, its pid being gone), and "now" on Iamport's clock (learned
/// from a token reply; this PC's clock only while Iamport does not answer, said on stderr).
fn with_domain<T>(
    global: &Global,
    f: impl FnOnce(&Subscriptions, &tokio::runtime::Runtime, DateTime<Utc>) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let store = open_store(global)?;
    let client = iamport_client(global, &data_dir(global)?, None)?;
    let lease = Lease::acquire(&store, "posctl-subscriptions")
        .map_err(|source| CliError::Sync { source })?;
    let result = runtime().and_then(|rt| {
        let reading = rt.block_on(IamportClock::new(&client).now());
        if let Some(note) = reading.fallback_note() {
            eprintln!("{note}");
        }
        f(&Subscriptions::new(store, client), &rt, reading.now)
    });
    let released = lease.release().map_err(|source| CliError::Sync { source });
    let value = result?;
    released?;
    Ok(value)
}

fn line(sub: &Subscription) -> String {
    let opt_time = |t: Option<chrono::DateTime<Utc>>| t.map_or_else(|| "-".to_string(), kst_minute);
    let state = if sub.cancel_at_period_end {
        format!("{} (기간 끝에 해지)", sub.state.label_ko())
    } else {
        sub.state.label_ko().to_string()
    };
    format!(
        "{:<30} {:<12} {:>8} {:<24} 기간 끝 {:<20} 다음 결제 {:<20} 카드 {}",
        sub.id,
        sub.plan_id,
        won(sub.amount),
        state,
        opt_time(sub.current_period_end),
        opt_time(sub.next_charge_at),
        sub.card_masked.as_deref().unwrap_or("-"),
    )
}

fn show(global: &Global, title: &str, sub: &Subscription) -> Result<(), CliError> {
    if global.json {
        return print_json(sub);
    }
    let mut out = String::new();
    say!(out, "{title}");
    say!(out, "{}", line(sub));
    if let Some(notice) = schedule_notice_ko(&open_store(global)?, sub)? {
        say!(out, "{notice}");
    }
    if let Some(reason) = &sub.last_failure_reason {
        say!(out, "마지막 실패 사유: {reason}");
    }
    emit(&out)
}

/// The subscription's JSON with one more field (how many renewals an action moved).
fn with_count(sub: &Subscription, field: &str, count: u32) -> serde_json::Value {
    let mut v = serde_json::to_value(sub).unwrap_or_default();
    if let Some(map) = v.as_object_mut() {
        map.insert(field.to_string(), count.into());
    }
    v
}

/// Runs one `subscriptions` command.
pub fn run(global: &Global, command: &SubscriptionsCommand) -> Result<(), CliError> {
    match command {
        SubscriptionsCommand::List => {
            let subs = open_store(global)?.subscriptions()?;
            if global.json {
                return print_json(&subs);
            }
            let mut out = String::new();
            if subs.is_empty() {
                say!(out, "구독이 없습니다.");
            }
            let store = open_store(global)?;
            for sub in &subs {
                say!(out, "{}", line(sub));
                if let Some(notice) = schedule_notice_ko(&store, sub)? {
                    say!(out, "  {notice}");
                }
            }
            emit(&out)
        }
        SubscriptionsCommand::Create { plan, customer_uid } => {
            let sub = with_domain(global, |d, rt, now| {
                Ok(rt.block_on(d.create_with_key(plan, customer_uid, now))?)
            })?;
            let title = if sub.state == SubscriptionState::Active {
                "구독을 시작했습니다."
            } else {
                "구독을 만들었지만 첫 달 결제가 완료되지 않았습니다. `posctl subscriptions retry ID` 로 다시 시도하거나 해지하세요."
            };
            show(global, title, &sub)
        }
        SubscriptionsCommand::Cancel { id, now } => {
            let done = with_domain(global, |d, rt, now_at| {
                Ok(if *now {
                    rt.block_on(d.cancel_now_counted(id, now_at))?
                } else {
                    rt.block_on(d.cancel_counted(id, now_at))?
                })
            })?;
            let title = if done.subscription.state == SubscriptionState::Cancelled {
                "구독을 지금 해지했습니다. 남은 재시도도 하지 않습니다."
            } else {
                "이번 기간이 끝나면 해지됩니다."
            };
            let title = format!(
                "{title} 예약된 정기결제 {}건의 예약을 취소했습니다.",
                done.unscheduled
            );
            if global.json {
                return print_json(&with_count(
                    &done.subscription,
                    "unscheduled",
                    done.unscheduled,
                ));
            }
            show(global, &title, &done.subscription)
        }
        SubscriptionsCommand::ScheduleAgain { id } => {
            let (sub, count) = with_domain(global, |d, rt, now| {
                Ok(rt.block_on(d.schedule_again(id, now))?)
            })?;
            if global.json {
                return print_json(&with_count(&sub, "scheduled", count));
            }
            show(
                global,
                &format!("정기결제 {count}건을 다시 예약했습니다."),
                &sub,
            )
        }
        SubscriptionsCommand::History { id } => {
            let entries = pos_core::subscription::history(&open_store(global)?, id)?;
            if global.json {
                return print_json(&entries);
            }
            let mut out = String::new();
            if entries.is_empty() {
                say!(out, "결제 기록이 없습니다.");
            }
            for e in &entries {
                say!(
                    out,
                    "{}  {}  {}",
                    kst_minute(e.recorded_at),
                    e.label_ko(),
                    e.merchant_uid
                );
            }
            emit(&out)
        }
        SubscriptionsCommand::Resume { id } => {
            let sub = with_domain(global, |d, rt, now| Ok(rt.block_on(d.resume(id, now))?))?;
            show(global, "구독을 다시 이어갑니다.", &sub)
        }
        SubscriptionsCommand::ChangeCard { id, customer_uid } => {
            let sub = with_domain(global, |d, rt, now| {
                Ok(rt.block_on(d.change_card_to_existing_key(id, customer_uid, now))?)
            })?;
            show(global, "카드를 변경했습니다.", &sub)
        }
        SubscriptionsCommand::Retry { id } => {
            let sub = with_domain(global, |d, rt, now| Ok(rt.block_on(d.retry_now(id, now))?))?;
            show(global, "다시 시도했습니다.", &sub)
        }
        SubscriptionsCommand::DeleteKey { customer_uid } => {
            with_domain(global, |d, rt, now| {
                Ok(rt.block_on(d.delete_billing_key(customer_uid, now))?)
            })?;
            if global.json {
                return print_json(&serde_json::json!({
                    "customerUid": customer_uid,
                    "deleted": true,
                }));
            }
            let mut out = String::new();
            say!(out, "카드(빌링키 {customer_uid})를 삭제했습니다.");
            emit(&out)
        }
        SubscriptionsCommand::Poll => {
            let report = with_domain(global, |d, rt, now| Ok(rt.block_on(poll_due(d, now))?))?;
            if global.json {
                return print_json(&report);
            }
            let mut out = String::new();
            say!(
                out,
                "구독 {}건 확인: 결제 {}건, 실패 {}건, 해지 {}건",
                report.checked,
                report.paid,
                report.failed,
                report.ended
            );
            for e in &report.errors {
                say!(out, "  오류: {e}");
            }
            emit(&out)
        }
    }
}
