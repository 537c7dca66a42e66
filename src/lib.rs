//! ocsinventory-agent: inventories a Linux/BSD machine and reports to OCS Inventory NG
//! and GLPI servers.
//!
//! The crate is laid out like the architecture:
//! - [`agent`]: the core, with the CLI, the configuration, the logger, the state directory and the
//!   task runner that starts every task in its own sandboxed child process;
//! - [`daemon`]: the `--daemon` parent: schedule, HTTP interface, signals, PID file;
//! - [`source`]: the only way tasks read the system (files, directories, commands), live,
//!   recorded (`--capture`) or replayed (`--replay`);
//! - [`task`]: one folder per task (inventory, …), each one a feature of the agent;
//! - [`net`]: talking to servers (HTTP(S) client, OCS protocol).

pub mod agent;
pub mod daemon;
pub mod encoding;
pub mod net;
pub mod platform;
pub mod snmp;
pub mod source;
pub mod task;
