//! The server targets' addresses (trusted for `/now`), resolved without stalling the loop.
//!
//! Name resolution blocks, for tens of seconds when a DNS server does not answer, and the
//! daemon's single thread must keep answering HTTP meanwhile. So a short-lived forked
//! child resolves the names and writes one address per line to a pipe the loop polls,
//! like a task's report. (The parent is single-threaded, so the forked copy may call the
//! resolver directly.) A child that takes longer than [`TIME_LIMIT`] is killed; the
//! addresses known so far stay in use.

use std::io::Write;
use std::net::{IpAddr, ToSocketAddrs};
use std::os::fd::BorrowedFd;
use std::time::{Duration, Instant};

use nix::fcntl::OFlag;
use nix::sys::signal::{self, kill, SigHandler, Signal};
use nix::sys::wait::waitpid;
use nix::unistd::{fork, ForkResult, Pid};

use crate::agent::config::Config;
use crate::agent::pipe::PipeReader;
use crate::agent::target::{self, Target};
use crate::platform::fd::pipe2;

/// Longest time a resolution may take.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

/// The host part of each server target's URL.
pub fn server_hosts(config: &Config) -> Vec<String> {
    let mut out: Vec<String> = target::targets(config)
        .into_iter()
        .filter_map(|t| match t {
            Target::Server(url) => host_of(&url),
            Target::Local(_) => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split('/').next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => authority.split(':').next()?,
    };
    (!host.is_empty()).then(|| host.to_string())
}

/// Resolves `hosts` in this process (blocking); unresolvable names are skipped.
pub fn resolve(hosts: &[String]) -> Vec<IpAddr> {
    let mut out = Vec::new();
    for host in hosts {
        match (host.as_str(), 0).to_socket_addrs() {
            Ok(addrs) => out.extend(addrs.map(|a| a.ip())),
            Err(e) => log::debug!("cannot resolve server host {host}: {e}"),
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A resolution under way in a child.
pub struct Pending {
    pid: Pid,
    pipe: PipeReader,
    deadline: Instant,
}

/// Starts resolving `hosts` in a forked child. Only for a single-threaded parent.
pub fn start(hosts: &[String]) -> Result<Pending, String> {
    let (r, w) = pipe2(OFlag::O_CLOEXEC).map_err(|e| format!("pipe: {e}"))?;
    // SAFETY: the daemon's parent is single-threaded, so the copy may use the allocator
    // and the resolver; it leaves with _exit, running none of the parent's exit handlers.
    match unsafe { fork() } {
        Err(e) => Err(format!("fork failed: {e}")),
        Ok(ForkResult::Child) => {
            for sig in [
                Signal::SIGTERM,
                Signal::SIGINT,
                Signal::SIGHUP,
                Signal::SIGUSR1,
            ] {
                // SAFETY: restoring a default action in a single-threaded process.
                let _ = unsafe { signal::signal(sig, SigHandler::SigDfl) };
            }
            nix::unistd::alarm::set(TIME_LIMIT.as_secs() as u32);
            drop(r);
            let text: String = resolve(hosts).iter().map(|ip| format!("{ip}\n")).collect();
            let mut out = std::fs::File::from(w);
            let _ = out.write_all(text.as_bytes());
            // SAFETY: ends the copy without the parent's exit handlers.
            unsafe { nix::libc::_exit(0) }
        }
        Ok(ForkResult::Parent { child }) => {
            drop(w);
            Ok(Pending {
                pid: child,
                pipe: PipeReader::new(r, 1 << 16),
                deadline: Instant::now() + TIME_LIMIT,
            })
        }
    }
}

impl Pending {
    /// The pipe, for `poll(2)`.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.pipe.fd()
    }

    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Reads what the child wrote; true once it is done.
    pub fn read_ready(&mut self) -> bool {
        self.pipe.read_ready()
    }

    /// Collects the child (killed when not done) and returns the addresses, `None` when
    /// the resolution did not complete.
    pub fn finish(self) -> Option<Vec<IpAddr>> {
        let ended = self.pipe.ended();
        if !ended {
            let _ = kill(self.pid, Signal::SIGKILL);
        }
        let _ = waitpid(self.pid, None);
        ended.then(|| {
            self.pipe
                .text()
                .lines()
                .filter_map(|l| l.parse().ok())
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_urls() {
        assert_eq!(
            host_of("https://u:p@glpi.example:8443/x").as_deref(),
            Some("glpi.example")
        );
        assert_eq!(
            host_of("http://[::1]:80/ocsinventory").as_deref(),
            Some("::1")
        );
        assert_eq!(
            host_of("http://127.0.0.1/ocsinventory").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(host_of("http:///x"), None);
    }
}
