//! Tasks: each one a feature of the agent, run by the runner in its own child process.
//!
//! [`CATALOG`] declares them (name, description, where they apply, whether a target has
//! a job), in their default order; [`run`] is their body, which the binary hands to the
//! runner. A task gets the configuration and one target, does its work (contacting the
//! server itself when the target is a server), and returns a [`Report`] to the parent.

pub mod deploy;
pub mod inventory;
pub mod netdiscovery;
pub mod remote;
pub mod snmp;
mod testing;
pub mod wakeonlan;

use crate::agent::config::Config;
use crate::agent::contact;
use crate::agent::plan::{Catalog, TaskDecl};
use crate::agent::runner::Report;
use crate::agent::target::Target;

/// The installed tasks, in their default order: data flows forward (a network scan the
/// server asked for runs before the inventory that carries its result).
pub const TASKS: &[TaskDecl] = &[
    TaskDecl {
        name: "NetDiscovery",
        description: "finds the devices of IP ranges (SNMP, NetBIOS, ICMP, ARP): NETDISCOVERY, OCS IPDISCOVER",
        local: true,
        has_job: netdiscovery::has_job,
    },
    TaskDecl {
        name: "Inventory",
        description: "hardware, operating system, software and network inventory of this machine",
        local: true,
        has_job: inventory_has_job,
    },
    TaskDecl {
        name: "RemoteInventory",
        description: "inventory of machines that run no agent, over SSH (--remote ssh://host)",
        local: true,
        has_job: remote::has_job,
    },
    TaskDecl {
        name: "SNMP",
        description: "inventory of network devices over SNMP: NetInventory (SNMPQUERY), OCS SNMP",
        local: true,
        has_job: snmp::has_job,
    },
    TaskDecl {
        name: "Deploy",
        description: "software deployment: OCS packages (DOWNLOAD), GLPI/FusionInventory Deploy jobs",
        local: false,
        has_job: deploy::has_job,
    },
    TaskDecl {
        name: "WakeOnLan",
        description: "wakes machines up with magic packets (WAKEONLAN jobs, --wakeonlan)",
        local: true,
        has_job: wakeonlan::has_job,
    },
];

/// The tasks, their other names (FusionInventory's), and the tests' misbehaving ones.
pub const CATALOG: Catalog = Catalog {
    tasks: TASKS,
    aliases: &[("NetInventory", "SNMP"), ("SNMPQuery", "SNMP")],
    test_tasks: testing::NAMES,
    test_tasks_enabled: testing::on,
};

/// The log tag of a task (its canonical name), `core` for unknown names.
pub fn tag(name: &str) -> &'static str {
    CATALOG.tag(name)
}

/// The inventory always has work, except that a by-hand device inventory
/// (--netinventory…) asks for that alone, unless `tasks` names the inventory too.
fn inventory_has_job(target: &Target, config: &Config) -> bool {
    !config.list("tasks").is_empty()
        || !matches!(target, Target::Local(_))
        || !(snmp::local::wanted(config) || remote::wanted(config))
}

/// Runs a task in the current (child) process.
pub fn run(name: &str, target: &Target, config: &Config) -> Result<Report, String> {
    if name == contact::STEP {
        let Target::Server(url) = target else {
            return Err("the contact step is for servers only".into());
        };
        let src = inventory::source(config)?;
        let deviceid = inventory::deviceid(config, src.as_ref())?;
        return contact::run(url, config, &deviceid, inventory::VERSIONCLIENT);
    }
    match CATALOG.tag(name) {
        "Inventory" => inventory::run(target, config),
        "NetDiscovery" => netdiscovery::run(target, config),
        "SNMP" => snmp::run(target, config),
        "Deploy" => deploy::run(target, config),
        "WakeOnLan" => wakeonlan::run(target, config),
        "RemoteInventory" => remote::run(target, config),
        t if testing::NAMES.contains(&t) => testing::run(t),
        _ => Err(format!("unknown task '{name}'")),
    }
}
