//! One engine per data dir: the `engine_lease` row (holder, pid, heartbeat).
//!
//! A lease is taken when the row is free, already ours, its heartbeat is older than
//! [`STALE_AFTER`], or its pid is no longer alive on this machine (a process killed with
//! SIGKILL leaves its row behind). The owner renews it on every tick and releases it on a clean
//! stop. A second engine gets [`SyncError::LeaseHeld`] naming the holder, pid and heartbeat.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::error::SyncError;
use crate::store::{process_started, ClaimOwner, EngineLease, LeaseTake};
use crate::Store;

/// A heartbeat older than this means the holder is gone.
pub const STALE_AFTER: Duration = Duration::from_secs(30);

/// Whether process `pid` is alive. Linux: `/proc/<pid>` exists and is not a zombie. Windows and
/// macOS: the OS's process table lists it (and not as a zombie).
pub fn pid_alive(pid: i64) -> bool {
    #[cfg(target_os = "linux")]
    {
        pid_alive_in(std::path::Path::new("/proc"), pid)
    }
    #[cfg(not(target_os = "linux"))]
    {
        crate::os_process::alive(pid)
    }
}

/// [`pid_alive`] over a procfs mounted at `proc_root`. Only a missing entry or a zombie counts
/// as gone: an entry that exists but cannot be read (permissions, a hardened procfs, an I/O
/// error) says nothing about the process, so it counts as alive; the heartbeat decides then.
pub fn pid_alive_in(proc_root: &std::path::Path, pid: i64) -> bool {
    if pid <= 0 {
        return false;
    }
    match std::fs::read_to_string(proc_root.join(pid.to_string()).join("stat")) {
        // The state is the first field after the parenthesised command name.
        Ok(stat) => !stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.trim_start().starts_with(['Z', 'X']))
            .unwrap_or(false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(_) => true,
    }
}

/// Whether the executor of a job claim is gone, so the claim may be re-queued: a claim from
/// before owners were recorded (`None`); one from this process whose executor is no longer
/// registered here (its engine ended or its inline attempt returned); one from another process
/// that is gone ([`pid_alive`]) or whose pid now belongs to a process started at another time.
/// A live executor keeps its claim: a job has one executor.
pub fn claim_owner_gone(owner: Option<&ClaimOwner>) -> bool {
    let Some(owner) = owner else {
        return true;
    };
    if owner.pid == i64::from(std::process::id()) {
        return !crate::work::executor::is_live_here(&owner.executor);
    }
    if !pid_alive(owner.pid) {
        return true;
    }
    match (owner.started, process_started(owner.pid)) {
        (Some(recorded), Some(now)) => recorded != now,
        _ => false,
    }
}

/// Whether `lease` may be taken over at `now`.
pub fn is_abandoned(lease: &EngineLease, now: DateTime<Utc>, stale_after: Duration) -> bool {
    let stale = chrono::Duration::from_std(stale_after).unwrap_or(chrono::Duration::MAX);
    now.signed_duration_since(lease.heartbeat_at) > stale || !pid_alive(lease.pid)
}

/// A held lease. Renew it each tick; release it on a clean stop.
#[derive(Debug, Clone)]
pub struct Lease {
    store: Store,
    holder: String,
}

impl Lease {
    /// Takes the lease for a holder named `<role>-<random>` and this process's pid.
    pub fn acquire(store: &Store, role: &str) -> Result<Lease, SyncError> {
        let holder = format!("{role}-{}", ulid::Ulid::generate());
        let pid = i64::from(std::process::id());
        let now = Utc::now();
        match store.take_lease_if(&holder, pid, now, |cur| is_abandoned(cur, now, STALE_AFTER))? {
            LeaseTake::Taken { replaced } => {
                if let Some(old) = replaced {
                    tracing::warn!(holder = %old.holder, pid = old.pid, "took over an abandoned sync lease");
                }
                Ok(Lease {
                    store: store.clone(),
                    holder,
                })
            }
            LeaseTake::Held(lease) => Err(SyncError::LeaseHeld {
                holder: lease.holder,
                pid: lease.pid,
                since: lease.heartbeat_at,
            }),
        }
    }

    /// Our holder name.
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// Renews the heartbeat; [`SyncError::LeaseLost`] if another process took it over.
    pub fn renew(&self) -> Result<(), SyncError> {
        if self.store.renew_lease(&self.holder, Utc::now())? {
            Ok(())
        } else {
            Err(SyncError::LeaseLost {
                holder: self.holder.clone(),
            })
        }
    }

    /// Releases the lease (a no-op if it was lost).
    pub fn release(&self) -> Result<(), SyncError> {
        self.store.release_lease(&self.holder)?;
        Ok(())
    }
}

/// What the keep-alive task last reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseTrouble {
    /// Another process took the lease over: the engine must stop.
    pub lost: bool,
    /// The Korean message, for the status.
    pub message: String,
}

/// Renews a lease in the background every `every`, whatever the engine is doing (a long drain
/// of the queue must not let the heartbeat go stale). Stopped on drop.
pub struct KeepAlive {
    task: tokio::task::JoinHandle<()>,
    trouble: tokio::sync::watch::Receiver<Option<LeaseTrouble>>,
}

impl Lease {
    /// Starts renewing this lease every `every` on the current tokio runtime.
    pub fn keep_alive(&self, every: Duration) -> KeepAlive {
        let (report, trouble) = tokio::sync::watch::channel(None);
        let lease = self.clone();
        let task = tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tick.tick().await;
                let renewing = lease.clone();
                let renewed = tokio::task::spawn_blocking(move || renewing.renew())
                    .await
                    .map_err(SyncError::Join)
                    .and_then(|r| r);
                match renewed {
                    Ok(()) => {
                        report.send_replace(None);
                    }
                    Err(e) => {
                        let lost = matches!(e, SyncError::LeaseLost { .. });
                        tracing::error!(error = %e, lost, "the sync lease could not be renewed");
                        report.send_replace(Some(LeaseTrouble {
                            lost,
                            message: e.to_string(),
                        }));
                        if lost {
                            break;
                        }
                    }
                }
            }
        });
        KeepAlive { task, trouble }
    }
}

impl KeepAlive {
    /// The last renewal's failure, if the last renewal failed.
    pub fn trouble(&self) -> Option<LeaseTrouble> {
        self.trouble.borrow().clone()
    }
}

impl Drop for KeepAlive {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proc_root() -> tempfile::TempDir {
        tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
    }

    #[test]
    fn a_missing_proc_entry_is_gone() {
        let root = proc_root();
        assert!(!pid_alive_in(root.path(), 4242), "no /proc/4242: gone");
    }

    #[test]
    fn an_unreadable_proc_entry_is_not_gone() {
        let root = proc_root();
        // `/proc/4242/stat` exists but reading it fails (here: it is a folder, EISDIR), the way
        // a hardened or half-torn-down procfs can fail: nothing is known, so it is not gone.
        std::fs::create_dir_all(root.path().join("4242/stat"))
            .unwrap_or_else(|e| panic!("mkdir: {e}"));
        assert!(
            pid_alive_in(root.path(), 4242),
            "an unreadable entry counts as alive"
        );
    }

    #[test]
    fn a_zombie_is_gone_and_a_sleeping_process_is_alive() {
        let root = proc_root();
        for (pid, stat, alive) in [
            (10, "10 (posctl) S 1 10 10 0", true),
            (11, "11 (pos ctl) Z 1 11 11 0", false),
            (12, "12 (a) b) R 1 12 12 0", true),
        ] {
            let dir = root.path().join(pid.to_string());
            std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("mkdir: {e}"));
            std::fs::write(dir.join("stat"), stat).unwrap_or_else(|e| panic!("write: {e}"));
            assert_eq!(pid_alive_in(root.path(), pid), alive, "{stat}");
        }
    }

    #[test]
    fn a_claim_without_an_owner_predates_owners_and_is_gone() {
        assert!(claim_owner_gone(None), "old claims are re-queued as before");
        assert!(
            claim_owner_gone(Some(&ClaimOwner::in_this_process("engine-unknown"))),
            "an executor of this process that is not registered is gone"
        );
    }
}
