//! The SNMP inventory task (NetInventory): inventories network devices over SNMP, for
//! FusionInventory/GLPI's `SNMPQUERY` jobs, OCS's `SNMP` option and `--netinventory`.

use crate::agent::config::Config;
use crate::agent::runner::Report;
use crate::agent::target::Target;

pub fn run(_target: &Target, _config: &Config) -> Result<Report, String> {
    Err("the SNMP task is not built yet".into())
}

/// Whether this task has work for `target`, asked by the parent before it starts a child:
/// cheap, and never parses a server reply (a stored job file exists, a by-hand option is
/// set).
pub fn has_job(_target: &Target, _config: &Config) -> bool {
    false
}
