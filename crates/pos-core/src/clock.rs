//! The one clock that decides money timing: Iamport's.
//!
//! Renewals run on Iamport's clock, so everything timed against them (dunning retries, period
//! ends, cancel at period end, virtual-account deadlines, what the engine considers due) reads
//! [`IamportClock`], never the store PC's clock, which is often off by a day or a year. The
//! client learns Iamport's time from each token reply (`now`) and keeps the local clock's offset
//! to it; while no offset is known (offline since start) the local clock stands in and the
//! reading says so ([`ClockSource::Local`]).
//!
//! Bookkeeping that is about this PC (lease heartbeats, backoff sleeps, job claim times, record
//! times, when the next lookup is due) stays on the local clock on purpose.

use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;

/// Where a reading came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ClockSource {
    /// Iamport's time (local clock + the offset measured at the last token reply).
    Iamport,
    /// This PC's clock: Iamport has not answered yet (offline).
    Local,
}

/// "Now" and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockReading {
    /// The instant.
    pub now: DateTime<Utc>,
    /// Iamport's clock, or the local fallback.
    pub source: ClockSource,
}

impl ClockReading {
    /// A warning for a person when the local clock stood in (Korean first), else `None`.
    pub fn fallback_note(&self) -> Option<&'static str> {
        (self.source == ClockSource::Local).then_some(
            "아임포트 시간을 아직 모릅니다(오프라인). 이 PC의 시계로 판단했습니다. \
             (Iamport's time is unknown while offline: this PC's clock was used.)",
        )
    }
}

/// Iamport's clock as one client has learned it.
#[derive(Debug, Clone)]
pub struct IamportClock {
    client: iamport::Client,
}

fn from_ms(ms: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_millis_opt(ms).single()
}

impl IamportClock {
    /// The clock of `client` (shares its token cache and offset).
    pub fn new(client: &iamport::Client) -> IamportClock {
        IamportClock {
            client: client.clone(),
        }
    }

    /// Now, without sending anything: Iamport's time if an offset is known, else the local
    /// clock (marked [`ClockSource::Local`]).
    pub fn read(&self) -> ClockReading {
        match self.client.iamport_now_ms().and_then(from_ms) {
            Some(now) => ClockReading {
                now,
                source: ClockSource::Iamport,
            },
            None => local(),
        }
    }

    /// Now, asking Iamport for a token first when no offset is known yet (at most one request;
    /// none when one was already answered). Offline, the local clock stands in.
    pub async fn now(&self) -> ClockReading {
        match self.client.learn_iamport_now_ms().await {
            Ok(ms) => match from_ms(ms) {
                Some(now) => ClockReading {
                    now,
                    source: ClockSource::Iamport,
                },
                None => local(),
            },
            Err(error) => {
                tracing::warn!(%error, "Iamport's time is unknown: using this PC's clock");
                local()
            }
        }
    }
}

fn local() -> ClockReading {
    ClockReading {
        now: Utc::now(),
        source: ClockSource::Local,
    }
}
