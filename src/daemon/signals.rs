//! Signals and wake-ups of the parent loop: the self-pipe trick.
//!
//! The parent sleeps in `poll(2)` on the read end of a pipe (beside its HTTP sockets and
//! the running task's report), with the time left until the next scheduled run as
//! timeout. A signal handler sets a bit in [`PENDING`] and writes one byte to the pipe;
//! both are async-signal-safe. So the idle daemon makes no system call at all until
//! something happens.
//!
//! | signal | effect |
//! |---|---|
//! | `SIGTERM`, `SIGINT` | stop: the running task child is told to stop, then the daemon exits 0 |
//! | `SIGHUP` | reload the configuration (the log file is reopened on the next line) |
//! | `SIGUSR1` | run every target now |
//!
//! A task child is stopped with `SIGALRM`, the signal its own time limit uses: its
//! handler first kills the external command running at that moment (commands have their
//! own process groups), then the task dies (see `agent::runner`).

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};

use nix::fcntl::OFlag;
use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
use nix::unistd::Pid;

use crate::agent::runner::CURRENT_CHILD;

/// Stop the daemon.
pub const TERM: u32 = 1;
/// Reload the configuration.
pub const HUP: u32 = 2;
/// Run every target now.
pub const RUN_NOW: u32 = 4;

static PENDING: AtomicU32 = AtomicU32::new(0);
static WAKE_FD: AtomicI32 = AtomicI32::new(-1);

/// The read end of the wake-up pipe, owned by the parent loop.
pub struct Wake {
    read: OwnedFd,
    _write: OwnedFd,
}

/// Asks the parent loop for `bits` (async-signal-safe).
pub fn notify(bits: u32) {
    PENDING.fetch_or(bits, Ordering::SeqCst);
    let fd = WAKE_FD.load(Ordering::SeqCst);
    if fd >= 0 {
        // SAFETY: write(2) of a static byte; the pipe is non-blocking, a full pipe
        // already holds a wake-up.
        unsafe {
            nix::libc::write(fd, b"x".as_ptr().cast(), 1);
        }
    }
}

/// Takes (and clears) the pending requests.
pub fn take() -> u32 {
    PENDING.swap(0, Ordering::SeqCst)
}

/// The pending requests, left pending.
pub fn peek() -> u32 {
    PENDING.load(Ordering::SeqCst)
}

extern "C" fn on_signal(sig: nix::libc::c_int) {
    let bits = match Signal::try_from(sig) {
        Ok(Signal::SIGTERM | Signal::SIGINT) => {
            let child = CURRENT_CHILD.load(Ordering::SeqCst);
            if child > 0 {
                let _ = nix::sys::signal::killpg(Pid::from_raw(child), Signal::SIGALRM);
            }
            TERM
        }
        Ok(Signal::SIGHUP) => HUP,
        Ok(Signal::SIGUSR1) => RUN_NOW,
        _ => 0,
    };
    notify(bits);
}

/// Creates the wake-up pipe and installs the handlers.
pub fn install() -> Result<Wake, String> {
    let (read, write) = crate::platform::fd::pipe2(OFlag::O_CLOEXEC | OFlag::O_NONBLOCK)
        .map_err(|e| format!("cannot create the wake-up pipe: {e}"))?;
    WAKE_FD.store(write.as_raw_fd(), Ordering::SeqCst);
    let action = SigAction::new(
        SigHandler::Handler(on_signal),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    for sig in [
        Signal::SIGTERM,
        Signal::SIGINT,
        Signal::SIGHUP,
        Signal::SIGUSR1,
    ] {
        // SAFETY: the handler only touches atomics and calls write(2) and kill(2).
        unsafe { sigaction(sig, &action) }.map_err(|e| format!("cannot handle {sig}: {e}"))?;
    }
    Ok(Wake {
        read,
        _write: write,
    })
}

impl Wake {
    /// The read end, for the daemon loop's `poll(2)`.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.read.as_fd()
    }

    /// Empties the pipe (the pending bits say what happened).
    pub fn drain(&self) {
        let mut buf = [0u8; 64];
        while matches!(nix::unistd::read(self.read.as_raw_fd(), &mut buf), Ok(n) if n > 0) {}
    }
}
