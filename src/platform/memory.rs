//! The memory cap of a task child (`task-memory`): set as a soft limit between fork and
//! exec ([`cap`]), lifted again for the external commands a task runs ([`lift`]: they
//! have their own time limit, and some reserve much address space up front).
//!
//! What each system enforces:
//! - Linux, illumos/Solaris: `RLIMIT_AS` (illumos' `RLIMIT_VMEM` under its other name):
//!   every mapping counts, `mmap` and `brk` fail past it;
//! - FreeBSD: `RLIMIT_VMEM` (its `RLIMIT_AS`), the same;
//! - NetBSD: `RLIMIT_AS`, the same;
//! - OpenBSD: no `RLIMIT_AS`; `RLIMIT_DATA`, which counts malloc's anonymous mappings;
//! - macOS: nothing. `RLIMIT_AS` is accepted but is `RLIMIT_RSS`, which the kernel does
//!   not enforce, and `RLIMIT_DATA` only bounds `brk`, which malloc does not use. The cap
//!   is still set as `RLIMIT_AS` (`execve` keeps it) and the agent's allocator
//!   ([`System`], through `agent::alloc`) enforces it on the Rust heap: an allocation
//!   that would pass it fails, as it would on Linux, so the task ends reported as past its
//!   memory cap. Thread stacks and what C libraries map themselves are not counted.

use super::rlimit::{self, Limit, UNLIMITED};
#[cfg(target_vendor = "apple")]
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};

/// True where the kernel enforces [`cap`]; on macOS only the agent's allocator does.
pub const BY_THE_KERNEL: bool = !cfg!(target_vendor = "apple");

/// Caps this process's memory at `bytes` (soft limit; the hard one unlimited).
/// Async-signal-safe: meant for the child between `fork` and `exec`.
pub fn cap(bytes: u64) {
    let _ = rlimit::set(Limit::Memory, bytes, UNLIMITED);
    HEAP.set_cap(usize::try_from(bytes).unwrap_or(usize::MAX));
}

/// Gives the soft limit its hard value back (for an external command, between `fork` and
/// `exec`). Async-signal-safe.
pub fn lift() {
    if let Some((_, hard)) = rlimit::get(Limit::Memory) {
        let _ = rlimit::set(Limit::Memory, hard, hard);
    }
}

/// The heap budget of the allocator where the kernel enforces no cap.
static HEAP: Budget = Budget::new();

/// Bytes in use against a cap; the cap is read from the soft limit on first use (a
/// re-executed task child inherits the limit, not the parent's memory).
pub struct Budget {
    used: AtomicUsize,
    cap: AtomicUsize,
}

/// The cap is not known yet.
const UNKNOWN: usize = 0;

impl Budget {
    pub const fn new() -> Budget {
        Budget {
            used: AtomicUsize::new(0),
            cap: AtomicUsize::new(UNKNOWN),
        }
    }

    fn set_cap(&self, bytes: usize) {
        self.cap.store(bytes.max(1), Ordering::Relaxed);
    }

    fn cap(&self) -> usize {
        let c = self.cap.load(Ordering::Relaxed);
        if c != UNKNOWN {
            return c;
        }
        // No allocation here: getrlimit is a plain system call.
        let soft = match rlimit::get(Limit::Memory) {
            Some((soft, _)) => usize::try_from(soft).unwrap_or(usize::MAX),
            None => usize::MAX,
        };
        self.set_cap(soft);
        soft.max(1)
    }

    /// Takes `n` bytes; false (nothing taken) when that would pass the cap.
    pub fn take(&self, n: usize) -> bool {
        let cap = self.cap();
        let before = self.used.fetch_add(n, Ordering::Relaxed);
        if before.saturating_add(n) > cap {
            self.used.fetch_sub(n, Ordering::Relaxed);
            return false;
        }
        true
    }

    /// Gives `n` bytes back.
    pub fn give(&self, n: usize) {
        self.used.fetch_sub(n, Ordering::Relaxed);
    }
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new()
    }
}

/// The system allocator, as the agent's allocator sees it: the standard one where the
/// kernel enforces the cap.
#[cfg(not(target_vendor = "apple"))]
pub use std::alloc::System;

/// The system allocator, as the agent's allocator sees it: on macOS, the standard one
/// with the heap counted against the cap (see the module comment).
#[cfg(target_vendor = "apple")]
pub struct System;

// SAFETY: every call goes to the standard allocator unchanged; a refused one returns
// null, as an exhausted allocator does.
#[cfg(target_vendor = "apple")]
unsafe impl GlobalAlloc for System {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !HEAP.take(layout.size()) {
            return std::ptr::null_mut();
        }
        let p = std::alloc::System.alloc(layout);
        if p.is_null() {
            HEAP.give(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        std::alloc::System.dealloc(ptr, layout);
        HEAP.give(layout.size());
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !HEAP.take(layout.size()) {
            return std::ptr::null_mut();
        }
        let p = std::alloc::System.alloc_zeroed(layout);
        if p.is_null() {
            HEAP.give(layout.size());
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        if new_size > old && !HEAP.take(new_size - old) {
            return std::ptr::null_mut();
        }
        let p = std::alloc::System.realloc(ptr, layout, new_size);
        if p.is_null() {
            if new_size > old {
                HEAP.give(new_size - old);
            }
        } else if new_size < old {
            HEAP.give(old - new_size);
        }
        p
    }
}

/// This process's peak resident memory so far, in KiB (`getrusage`: KiB on Linux, the
/// BSDs and illumos, bytes on macOS), `None` when the system does not say.
pub fn peak_rss_kib() -> Option<u64> {
    // SAFETY: getrusage fills the zeroed struct it is given.
    let mut usage: nix::libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { nix::libc::getrusage(nix::libc::RUSAGE_SELF, &mut usage) } != 0 {
        return None;
    }
    let max = u64::try_from(usage.ru_maxrss).ok()?;
    Some(if cfg!(target_vendor = "apple") {
        max / 1024
    } else {
        max
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_refuses_past_its_cap_and_takes_back() {
        let b = Budget::new();
        b.set_cap(1000);
        assert!(b.take(600));
        assert!(!b.take(500), "1100 bytes under a 1000-byte cap");
        assert!(b.take(400));
        assert!(!b.take(1));
        b.give(600);
        assert!(b.take(500));
        assert!(!b.take(usize::MAX), "no overflow past the cap");
    }

    #[test]
    fn without_a_cap_the_budget_reads_the_limit() {
        // This test process has no soft limit (or a large one): nothing is refused.
        let (soft, _) = rlimit::get(Limit::Memory).unwrap();
        let b = Budget::new();
        assert_eq!(b.cap(), usize::try_from(soft).unwrap_or(usize::MAX));
        assert!(b.take(1 << 20));
    }

    #[test]
    fn the_cap_is_set_and_lifted() {
        // In a child: the test process keeps its own limits.
        // SAFETY: the child only makes system calls, then _exit.
        match unsafe { nix::unistd::fork() }.unwrap() {
            nix::unistd::ForkResult::Child => {
                cap(512 << 20);
                let capped = rlimit::get(Limit::Memory).map(|(s, _)| s);
                lift();
                let lifted = rlimit::get(Limit::Memory).map(|(s, h)| s == h);
                let ok = capped == Some(512 << 20) && lifted == Some(true);
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
