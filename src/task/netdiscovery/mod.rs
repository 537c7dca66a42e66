//! The NetDiscovery task: finds the devices of IP ranges (SNMP, NetBIOS, ICMP, the
//! neighbour table), for FusionInventory/GLPI's `NETDISCOVERY` jobs, OCS's `IPDISCOVER`
//! and `--netdiscovery` by hand.

use crate::agent::config::Config;
use crate::agent::runner::Report;
use crate::agent::target::Target;

pub fn run(_target: &Target, _config: &Config) -> Result<Report, String> {
    Err("the NetDiscovery task is not built yet".into())
}

/// Whether this task has work for `target`, asked by the parent before it starts a child:
/// cheap, and never parses a server reply (a stored job file exists, a by-hand option is
/// set).
pub fn has_job(_target: &Target, _config: &Config) -> bool {
    false
}
