//! A child that dies with the process that started it: a task child when the daemon (or
//! the one-shot agent) that forked it dies, an external command when the task that runs
//! it dies, even of `kill -9`, which leaves the parent no chance to clean up.
//!
//! - Linux: `prctl(PR_SET_PDEATHSIG, SIGKILL)` between fork and exec ([`request`]);
//!   `execve` keeps it (not for set-id programs).
//! - FreeBSD (11.2 and later): `procctl(P_PID, 0, PROC_PDEATHSIG_CTL, SIGKILL)`, the same
//!   request with the same lifetime.
//! - macOS, illumos, NetBSD, OpenBSD: the kernel takes no such request. A task child
//!   watches for itself ([`watch_parent`]): a small thread polls a copy of its report
//!   pipe, whose other end only the parent holds (its closing shows as POLLHUP or
//!   POLLERR), and checks `getppid()` once a second (a dead parent's children are
//!   re-parented); either way it raises SIGALRM, the task's own time-limit path, which
//!   kills the running command's process group and then the task. An external command
//!   gets nothing there: if its task is killed with -9 it runs on until it ends by
//!   itself (a task that reaches its time limit kills its command first, as everywhere).

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use nix::fcntl::{fcntl, FcntlArg};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::unistd::{getppid, Pid};

/// True where the kernel kills a child when its parent dies ([`request`] does something).
pub const BY_THE_KERNEL: bool = cfg!(any(target_os = "linux", target_os = "freebsd"));

/// Asks the kernel for SIGKILL when the parent dies; false where it cannot be asked.
/// Async-signal-safe: meant for the child between `fork` and `exec`.
pub fn request() -> bool {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: prctl(2) with two integers is a plain system call.
        unsafe { nix::libc::prctl(nix::libc::PR_SET_PDEATHSIG, nix::libc::SIGKILL) == 0 }
    }
    #[cfg(target_os = "freebsd")]
    {
        let mut sig: nix::libc::c_int = nix::libc::SIGKILL;
        // SAFETY: procctl(2) reads one int from a live local; id 0 is this process.
        unsafe {
            nix::libc::procctl(
                nix::libc::P_PID,
                0,
                nix::libc::PROC_PDEATHSIG_CTL,
                (&mut sig as *mut nix::libc::c_int).cast(),
            ) == 0
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "freebsd")))]
    {
        false
    }
}

/// In a task child, where the kernel cannot be asked ([`BY_THE_KERNEL`] false): watches
/// `report` (the write end of the pipe to the parent) and the parent's pid, and raises
/// SIGALRM once the parent is gone. Does nothing on Linux and FreeBSD.
pub fn watch_parent(report: BorrowedFd<'_>) {
    if BY_THE_KERNEL {
        return;
    }
    // A copy of our own: the task may close its report end before it exits.
    let Ok(fd) = fcntl(report.as_raw_fd(), FcntlArg::F_DUPFD_CLOEXEC(0)) else {
        log::debug!("cannot watch the parent: no descriptor left");
        return;
    };
    // SAFETY: fcntl just returned this descriptor, owned by nobody else.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    spawn_watcher(fd, getppid(), orphaned);
}

fn orphaned() {
    let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGALRM);
}

/// The watcher thread: calls `then` once `pipe`'s reader is gone or the parent is no
/// longer `parent`.
#[cfg_attr(any(target_os = "linux", target_os = "freebsd"), allow(dead_code))]
fn spawn_watcher(pipe: OwnedFd, parent: Pid, then: fn()) {
    let watcher = std::thread::Builder::new()
        .name("parent-watch".into())
        // The memory cap counts thread stacks too; this loop needs next to nothing.
        .stack_size(64 * 1024)
        .spawn(move || loop {
            let mut fds = [PollFd::new(pipe.as_fd(), PollFlags::empty())];
            let gone = match poll(&mut fds, PollTimeout::from(1000u16)) {
                Ok(n) if n > 0 => fds[0]
                    .revents()
                    .is_some_and(|r| r.intersects(PollFlags::POLLHUP | PollFlags::POLLERR)),
                _ => false,
            };
            if gone || getppid() != parent {
                then();
                return;
            }
        });
    if let Err(e) = watcher {
        log::debug!("cannot watch the parent: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    static FIRED: AtomicBool = AtomicBool::new(false);

    fn fired() {
        FIRED.store(true, Ordering::SeqCst);
    }

    /// The fallback of macOS and illumos, run here: the reader of the report pipe goes
    /// away (the parent died), the watcher fires; not before.
    #[test]
    fn the_watcher_notices_the_pipe_closing() {
        let (r, w) = nix::unistd::pipe().unwrap();
        spawn_watcher(w, getppid(), fired);
        std::thread::sleep(Duration::from_millis(300));
        assert!(!FIRED.load(Ordering::SeqCst), "fired with the parent alive");
        drop(r);
        let t = Instant::now();
        while !FIRED.load(Ordering::SeqCst) && t.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            FIRED.load(Ordering::SeqCst),
            "the closed pipe went unnoticed"
        );
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    }

    #[test]
    fn the_kernel_request_is_accepted_where_it_exists() {
        // In a child, so that this test process keeps no death signal.
        // SAFETY: the child only makes system calls, then _exit.
        match unsafe { nix::unistd::fork() }.unwrap() {
            nix::unistd::ForkResult::Child => {
                let ok = request() == BY_THE_KERNEL;
                // SAFETY: _exit ends the copy at once.
                unsafe { nix::libc::_exit(if ok { 0 } else { 1 }) }
            }
            nix::unistd::ForkResult::Parent { child } => {
                let status = nix::sys::wait::waitpid(child, None).unwrap();
                assert_eq!(status, nix::sys::wait::WaitStatus::Exited(child, 0));
            }
        }
    }
}
