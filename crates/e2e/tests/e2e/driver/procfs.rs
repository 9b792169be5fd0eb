//! What `/proc` says of a process: whether it runs (or how it ended), its child, and whether it
//! holds a listening socket on a port.

/// `running`, `gone`, or how a zombie ended (exit code or signal, from `/proc/<pid>/stat`).
pub(crate) fn process_state(pid: u32) -> String {
    match stat_fields(pid) {
        None => "gone".to_string(),
        Some(fields) if fields.first().is_some_and(|state| state == "Z") => {
            // Field 52 of stat (index 49 after the name): the exit status as waitpid gives it.
            match fields.get(49).and_then(|code| code.parse::<i32>().ok()) {
                Some(code) if code & 0x7f != 0 => format!("died of signal {}", code & 0x7f),
                Some(code) => format!("exited with code {}", (code >> 8) & 0xff),
                None => "exited".to_string(),
            }
        }
        Some(_) => "running".to_string(),
    }
}

/// The fields of `/proc/<pid>/stat` after the command name: state, ppid, ...
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 1..];
    Some(after_name.split_whitespace().map(str::to_owned).collect())
}

/// Whether `pid` exists and is not a zombie.
pub(super) fn is_running(pid: u32) -> bool {
    stat_fields(pid).is_some_and(|fields| fields.first().is_some_and(|state| state != "Z"))
}

/// The one child process of `parent` (tauri-driver's WebKitWebDriver), zombie or not.
pub(super) fn native_child(parent: u32) -> Option<u32> {
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let fields = stat_fields(pid)?;
            (fields.get(1)? == &parent.to_string()).then_some(pid)
        })
}

/// Whether process `pid` holds a socket listening on 127.0.0.1:`port` (from `/proc/net/tcp` and the
/// process's open files): the port is bound by that process, not by someone else.
pub(crate) fn listens(pid: u32, port: u16) -> bool {
    let local = format!("0100007F:{port:04X}");
    // fields: sl, local, remote, state (0A = LISTEN), ..., inode at 9
    let inodes =
        tcp_inodes(|fields| fields.get(1) == Some(&local.as_str()) && fields.get(3) == Some(&"0A"));
    owned_sockets(pid, &inodes) > 0
}

/// The socket inodes (as `socket:[N]`) of the IPv4 TCP sockets whose `/proc/net/tcp` fields match.
fn tcp_inodes(matches: impl Fn(&[&str]) -> bool) -> Vec<String> {
    let Ok(table) = std::fs::read_to_string("/proc/net/tcp") else {
        return Vec::new();
    };
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            matches(&fields)
                .then(|| fields.get(9).map(|inode| format!("socket:[{inode}]")))
                .flatten()
        })
        .collect()
}

/// How many of `inodes` process `pid` has open.
fn owned_sockets(pid: u32, inodes: &[String]) -> usize {
    if inodes.is_empty() {
        return 0;
    }
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return 0;
    };
    fds.flatten()
        .filter(|fd| {
            std::fs::read_link(fd.path()).is_ok_and(|target| {
                inodes
                    .iter()
                    .any(|inode| target.as_os_str() == inode.as_str())
            })
        })
        .count()
}
