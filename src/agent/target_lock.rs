//! One process at a time per server: a task child holds an exclusive `flock(2)` on
//! `<server state dir>/lock` while it works for that server.
//!
//! Two children against the same server at once (a daemon restarted while the task child
//! of the killed one still ran; a cron run beside the daemon) would interleave their
//! PROLOG and INVENTORY and write the same state files. The lock belongs to the open
//! file, so it ends with the process however it ends (`kill -9` included): no stale lock
//! to clean up. The descriptor is close-on-exec, so the commands a task runs do not keep
//! it. The second comer does not wait: it fails at once ("busy"), and its server is
//! retried after the usual failure delay.

use std::fs::File;
use std::os::fd::AsRawFd;

use super::config::Config;
use super::server_state::ServerState;
use super::target::Target;

/// The lock file in a server's state directory.
pub const FILE: &str = "lock";

/// A held lock; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct TargetLock {
    _file: File,
}

/// Takes the lock of `target` (servers only; `None` for local targets).
pub fn acquire(target: &Target, config: &Config) -> Result<Option<TargetLock>, String> {
    let Target::Server(url) = target else {
        return Ok(None);
    };
    let path = ServerState::open(config, url)?.dir().join(FILE);
    // std opens with O_CLOEXEC.
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    // SAFETY: flock on a descriptor this function owns.
    let rc = unsafe { nix::libc::flock(file.as_raw_fd(), nix::libc::LOCK_EX | nix::libc::LOCK_NB) };
    if rc != 0 {
        let e = std::io::Error::last_os_error();
        return Err(if e.kind() == std::io::ErrorKind::WouldBlock {
            format!(
                "busy: another agent process is working for {} (lock {})",
                target.label(),
                path.display()
            )
        } else {
            format!("cannot lock {}: {e}", path.display())
        });
    }
    Ok(Some(TargetLock { _file: file }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::config::Origin;

    #[test]
    fn one_holder_per_server() {
        let dir = std::env::temp_dir().join(format!("ocsa-lock-{}", std::process::id()));
        let mut c = Config::new();
        c.set("vardir", dir.to_str().unwrap(), Origin::CommandLine)
            .unwrap();
        let a = Target::Server("http://127.0.0.1:9/ocsinventory".into());
        let b = Target::Server("http://127.0.0.1:10/ocsinventory".into());
        let held = acquire(&a, &c).unwrap();
        assert!(held.is_some());
        // flock locks belong to the open file: a second open, even in this process, waits.
        assert!(acquire(&a, &c).unwrap_err().contains("busy"));
        assert!(acquire(&b, &c).unwrap().is_some());
        assert!(acquire(&Target::Local("-".into()), &c).unwrap().is_none());
        drop(held);
        assert!(acquire(&a, &c).unwrap().is_some());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
