//! What differs between the UNIX systems the agent runs on, one concern per file, each
//! with the Linux way and the other systems' counterpart (or the documented fallback
//! where a system has none). The rest of the agent calls these and never `#[cfg]`s on
//! an operating system itself; docs/PLATFORMS.md says what works where.
//!
//! - [`pdeathsig`]: a child dies with the process that started it;
//! - [`fd`]: pipes and sockets close-on-exec from the start, where the system can;
//! - [`beneath`]: opening a file beneath a folder without ever following a link;
//! - [`rlimit`]: resource limits, one call for every system's `rlim_t`;
//! - [`memory`]: the memory cap of a task child;
//! - [`raw_frames`]: Ethernet frames out of an interface (Wake-on-LAN);
//! - [`icmp_errors`]: ICMP errors of UDP probes, and ICMP socket settings (NetDiscovery).
//!
//! Everything here is a leaf: it imports nothing from the rest of the crate.

pub mod beneath;
pub mod fd;
pub mod icmp_errors;
pub mod memory;
pub mod pdeathsig;
pub mod raw_frames;
pub mod rlimit;
