//! ocsinventory-agent: inventories a Linux, BSD, macOS or Solaris machine (and, over SSH
//! or from a recording, AIX and HP-UX ones) and reports to OCS Inventory NG and GLPI
//! servers.
//!
//! The crate is laid out like the architecture, in layers whose imports point down only
//! (a unit test, `layers`, counts them and fails on a cycle):
//!
//! ```text
//!  daemon     task ──> snmp
//!     \      /    \      \
//!      agent  ──>  source  |
//!        |           |     |
//!       net ──> encoding   |
//!        fsutil, platform <┘   (the bottom: every layer may use them)
//! ```
//!
//! - [`daemon`]: the `--daemon` parent: schedule, HTTP interface, signals, PID file; it
//!   plans runs from the task table the binary gives it;
//! - [`task`]: one folder per task (NetDiscovery, Inventory, RemoteInventory, SNMP, Deploy,
//!   WakeOnLan), declared in one table ([`task::CATALOG`]) with their body ([`task::run`]);
//! - [`snmp`]: SNMP values, BER, v1/v2c/v3 (USM), the engine, walk files, identification;
//! - [`agent`]: the core, with the CLI, the configuration, the logger, the state directory,
//!   the run plan and the task runner that starts every task in its own sandboxed child
//!   process; it never imports a task;
//! - [`source`]: the only way tasks read the system (files, directories, commands), live,
//!   recorded (`--capture`), replayed (`--replay`) or over SSH (`--remote`);
//! - [`net`]: talking to servers (HTTP(S) client on plain options, OCS protocol);
//! - [`encoding`]: base64 and text encodings;
//! - [`fsutil`]: creating files without following links, under random temporary names;
//! - [`platform`]: what differs between the UNIX systems, one concern per file.

pub mod agent;
pub mod daemon;
pub mod encoding;
pub mod fsutil;
#[cfg(test)]
mod layers;
pub mod net;
pub mod platform;
pub mod snmp;
pub mod source;
pub mod task;
