//! The SNMP inventory task (NetInventory): inventories network devices over SNMP, for
//! FusionInventory/GLPI's `SNMPQUERY` jobs, OCS's `SNMP` option and `--netinventory`.
//!
//! - [`device`]: the inventory of one device, pure functions of what it answered;
//! - [`vendors`]: vendor rules, one per file;
//! - [`model`]: the device as the SNMPQUERY message carries it;
//! - [`message`]: the SNMPQUERY messages;
//! - [`live`]: what to ask live devices, in which rounds, all devices at once;
//! - [`job`], [`server`]: the SNMPQUERY job of a FusionInventory/GLPI server;
//! - [`ocs`]: the OCS server's SNMP option (scan, SNMP types, QUERY=SNMP);
//! - [`local`]: `--netinventory` / `--netinventory-file` by hand.

pub mod device;
pub mod job;
pub mod live;
pub mod local;
pub mod message;
pub mod model;
pub mod ocs;
pub mod server;
pub mod vendors;

use crate::agent::config::Config;
use crate::agent::runner::Report;
use crate::agent::target::Target;

pub fn run(target: &Target, config: &Config) -> Result<Report, String> {
    match target {
        Target::Local(_) => local::run(target, config),
        Target::Server(url) => server::run(url, config),
    }
}

/// Whether this task has work for `target`, asked by the parent before it starts a child:
/// cheap, and never parses a server reply (a stored job file exists, a by-hand option is
/// set).
pub fn has_job(target: &Target, config: &Config) -> bool {
    match target {
        Target::Local(_) => local::wanted(config),
        Target::Server(url) => crate::agent::server_state::ServerState::open(config, url)
            .is_ok_and(|s| server::has_job(&s)),
    }
}
