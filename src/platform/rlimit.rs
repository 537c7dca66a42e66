//! Resource limits, the same call everywhere: values in `u64`, [`UNLIMITED`] for the
//! system's `RLIM_INFINITY` (`u64::MAX` on Linux, `i64::MAX` on the BSDs and macOS,
//! `2^64 - 3` on illumos), whatever `rlim_t` is (unsigned on Linux, macOS and illumos,
//! signed on FreeBSD). Through libc: nix 0.29 has no `sys::resource` for illumos at all,
//! and no address-space limit for FreeBSD or NetBSD under the name `RLIMIT_AS`.
//!
//! Both calls are plain system calls: async-signal-safe, fine between `fork` and `exec`.

use nix::libc::{self, rlim_t, rlimit};

/// No limit.
pub const UNLIMITED: u64 = u64::MAX;

/// The limits the agent sets or reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// CPU seconds (SIGXCPU at the soft limit).
    Cpu,
    /// Size of a core file (0: none).
    Core,
    /// Open file descriptors.
    Files,
    /// The memory cap's limit: see `platform::memory` for what each system enforces.
    Memory,
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
type Resource = libc::__rlimit_resource_t;
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
type Resource = libc::c_int;

/// `RLIMIT_AS` where the system has it (FreeBSD's and illumos' `RLIMIT_VMEM` under its
/// other name), `RLIMIT_DATA` on OpenBSD.
#[cfg(not(target_os = "openbsd"))]
const MEMORY: Resource = libc::RLIMIT_AS;
#[cfg(target_os = "openbsd")]
const MEMORY: Resource = libc::RLIMIT_DATA;

fn resource(limit: Limit) -> Resource {
    match limit {
        Limit::Cpu => libc::RLIMIT_CPU,
        Limit::Core => libc::RLIMIT_CORE,
        Limit::Files => libc::RLIMIT_NOFILE,
        Limit::Memory => MEMORY,
    }
}

fn to_rlim(v: u64) -> rlim_t {
    if v == UNLIMITED {
        libc::RLIM_INFINITY
    } else {
        // Below every system's RLIM_INFINITY, and within a signed rlim_t.
        v.min(i64::MAX as u64 - 4) as rlim_t
    }
}

#[allow(
    clippy::useless_conversion,
    reason = "rlim_t is i64 on FreeBSD, u64 on the others"
)]
fn from_rlim(v: rlim_t) -> u64 {
    if v == libc::RLIM_INFINITY {
        UNLIMITED
    } else {
        u64::try_from(v).unwrap_or(0)
    }
}

/// The (soft, hard) values of `limit`, `None` when the system refuses to say.
pub fn get(limit: Limit) -> Option<(u64, u64)> {
    let mut rl = rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into a live local.
    if unsafe { libc::getrlimit(resource(limit), &mut rl) } != 0 {
        return None;
    }
    Some((from_rlim(rl.rlim_cur), from_rlim(rl.rlim_max)))
}

/// Sets `limit` to (`soft`, `hard`); false when refused (e.g. a hard limit raised
/// without the privilege).
pub fn set(limit: Limit, soft: u64, hard: u64) -> bool {
    let rl = rlimit {
        rlim_cur: to_rlim(soft),
        rlim_max: to_rlim(hard),
    };
    // SAFETY: setrlimit reads one rlimit from a live local.
    unsafe { libc::setrlimit(resource(limit), &rl) == 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_go_through_unchanged() {
        for v in [0, 1, 64, 1 << 30, 1 << 40, UNLIMITED] {
            assert_eq!(from_rlim(to_rlim(v)), v);
        }
    }

    #[test]
    fn limits_are_read_and_set_in_a_child() {
        // SAFETY: the child only makes system calls, then _exit.
        match unsafe { nix::unistd::fork() }.unwrap() {
            nix::unistd::ForkResult::Child => {
                let files = get(Limit::Files).is_some_and(|(soft, hard)| {
                    soft <= hard
                        && set(Limit::Files, soft.min(100), hard)
                        && get(Limit::Files) == Some((soft.min(100), hard))
                });
                let core = set(Limit::Core, 0, 0) && get(Limit::Core) == Some((0, 0));
                let memory = get(Limit::Memory).is_some_and(|(_, hard)| {
                    let soft = hard.min(1 << 40);
                    set(Limit::Memory, soft, hard) && get(Limit::Memory) == Some((soft, hard))
                });
                let ok = files && core && memory;
                // SAFETY: _exit ends the copy at once.
                unsafe { libc::_exit(if ok { 0 } else { 1 }) }
            }
            nix::unistd::ForkResult::Parent { child } => {
                let status = nix::sys::wait::waitpid(child, None).unwrap();
                assert_eq!(status, nix::sys::wait::WaitStatus::Exited(child, 0));
            }
        }
    }
}
