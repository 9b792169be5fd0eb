//! The OS's process table off Linux (Windows, macOS), where there is no `/proc` to read: whether
//! the process that holds a lease or a job claim is alive, and when it started.

use sysinfo::{Pid, ProcessRefreshKind, ProcessStatus, ProcessesToUpdate, System};

/// `Err(())` when the process table cannot be read at all; `Ok(None)` when `pid` is not in it.
fn lookup<T>(pid: i64, read: impl FnOnce(&sysinfo::Process) -> T) -> Result<Option<T>, ()> {
    let Ok(pid) = u32::try_from(pid).map(Pid::from_u32) else {
        return Ok(None);
    };
    let mut system = System::new().map_err(|_| ())?;
    system.refresh_processes_specifics(
        ProcessesToUpdate::Some(&[pid]),
        true,
        ProcessRefreshKind::nothing(),
    );
    Ok(system.process(pid).map(read))
}

/// Whether `pid` names a live process (listed, and not a zombie). A process table that cannot be
/// read says nothing about the process, so it counts as alive; the heartbeat decides then (as an
/// unreadable `/proc` entry does on Linux).
pub(crate) fn alive(pid: i64) -> bool {
    pid > 0
        && lookup(pid, |p| p.status() != ProcessStatus::Zombie)
            .unwrap_or(Some(true))
            .unwrap_or(false)
}

/// When `pid` started, in seconds since the epoch; `None` when it is not listed or unreadable.
pub(crate) fn started(pid: i64) -> Option<i64> {
    lookup(pid, |p| i64::try_from(p.start_time()).ok())
        .ok()
        .flatten()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_has_a_stable_start_time() {
        let me = i64::from(std::process::id());
        assert!(
            alive(me),
            "the running test process must be listed as alive"
        );
        let first = started(me);
        assert!(first.is_some(), "the running process has a start time");
        assert_eq!(first, started(me), "two readings of one process agree");
    }

    #[test]
    fn a_finished_child_is_gone_and_a_bad_pid_is_never_alive() {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap_or_default())
            .arg("--list")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn a short-lived child: {e}"));
        let pid = i64::from(child.id());
        let _ = child.wait();
        assert!(
            !alive(pid),
            "a child that exited and was reaped is not alive"
        );
        assert!(
            !alive(0) && !alive(-1),
            "pid 0 and negative pids are never alive"
        );
        assert_eq!(started(-1), None);
    }
}
