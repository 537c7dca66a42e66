//! Tasks: each one a feature of the agent, run by the runner in its own child process.
//!
//! A task gets the configuration and one target, does its work (contacting the server
//! itself when the target is a server), and returns a [`Report`] to the parent.

pub mod deploy;
pub mod inventory;
pub mod netdiscovery;
pub mod snmp;
mod testing;
pub mod wakeonlan;

use crate::agent::config::Config;
use crate::agent::runner::Report;
use crate::agent::target::Target;

/// A task the agent knows.
pub struct TaskInfo {
    pub name: &'static str,
    pub description: &'static str,
    /// Also runs for local targets (else only for servers).
    pub local: bool,
}

/// The installed tasks, in their default order: data flows forward (a network scan the
/// server asked for runs before the inventory that carries its result).
pub const TASKS: &[TaskInfo] = &[
    TaskInfo {
        name: "NetDiscovery",
        description: "finds the devices of IP ranges (SNMP, NetBIOS, ICMP, ARP): NETDISCOVERY, OCS IPDISCOVER",
        local: true,
    },
    TaskInfo {
        name: "Inventory",
        description: "hardware, operating system, software and network inventory of this machine",
        local: true,
    },
    TaskInfo {
        name: "SNMP",
        description: "inventory of network devices over SNMP: NetInventory (SNMPQUERY), OCS SNMP",
        local: true,
    },
    TaskInfo {
        name: "Deploy",
        description: "software deployment: OCS packages (DOWNLOAD), GLPI/FusionInventory Deploy jobs",
        local: false,
    },
    TaskInfo {
        name: "WakeOnLan",
        description: "wakes machines up with magic packets (WAKEONLAN jobs, --wakeonlan)",
        local: true,
    },
];

/// Other names a task is known by (FusionInventory's), accepted in `tasks`/`no-task`.
const ALIASES: &[(&str, &str)] = &[("NetInventory", "SNMP"), ("SNMPQuery", "SNMP")];

/// The log tag of a task (its canonical name), `core` for unknown names.
pub fn tag(name: &str) -> &'static str {
    if let Some((_, t)) = ALIASES.iter().find(|(a, _)| a.eq_ignore_ascii_case(name)) {
        return t;
    }
    TASKS
        .iter()
        .map(|t| t.name)
        .chain(testing::NAMES.iter().copied())
        .find(|n| n.eq_ignore_ascii_case(name))
        .unwrap_or("core")
}

/// The tasks to run for `target`: `tasks` order (with `...` for the rest), minus
/// `no-task`, minus tasks that do not apply to that kind of target.
pub fn planned(config: &Config, target: &Target) -> Vec<&'static str> {
    let wanted = config.list("tasks");
    let excluded = config.list("no-task");
    let mut order: Vec<&'static str> = Vec::new();
    let all: Vec<&'static str> = TASKS
        .iter()
        .map(|t| t.name)
        .chain(testing::enabled())
        .collect();
    if wanted.is_empty() {
        order.extend(TASKS.iter().map(|t| t.name));
    } else {
        for w in &wanted {
            if w == "..." {
                for t in TASKS {
                    if !order.contains(&t.name) {
                        order.push(t.name);
                    }
                }
            } else if let Some(t) = all.iter().find(|n| n.eq_ignore_ascii_case(tag(w))) {
                if !order.contains(t) {
                    order.push(t);
                }
            } else {
                log::warn!("unknown task '{w}' in tasks (see --list-tasks)");
            }
        }
    }
    order.retain(|t| !excluded.iter().any(|e| tag(e).eq_ignore_ascii_case(t)));
    order.retain(|t| match TASKS.iter().find(|i| i.name == *t) {
        Some(info) => info.local || matches!(target, Target::Server(_)),
        None => true,
    });
    order.retain(|t| {
        let yes = has_job(t, target, config);
        if !yes {
            log::debug!("task {t}: no job for {}", target.label());
        }
        yes
    });
    order
}

/// Whether task `name` has work for `target` (each task decides cheaply, in the parent,
/// without parsing a server reply). The inventory always has.
pub fn has_job(name: &str, target: &Target, config: &Config) -> bool {
    match tag(name) {
        "NetDiscovery" => netdiscovery::has_job(target, config),
        "SNMP" => snmp::has_job(target, config),
        "Deploy" => deploy::has_job(target, config),
        "WakeOnLan" => wakeonlan::has_job(target, config),
        // A by-hand device inventory (--netinventory…) asks for that alone, unless
        // `tasks` names the inventory too.
        "Inventory" => {
            !config.list("tasks").is_empty()
                || !matches!(target, Target::Local(_))
                || !snmp::local::wanted(config)
        }
        _ => true,
    }
}

/// Runs a task in the current (child) process.
pub fn run(name: &str, target: &Target, config: &Config) -> Result<Report, String> {
    match tag(name) {
        "Inventory" => inventory::run(target, config),
        "NetDiscovery" => netdiscovery::run(target, config),
        "SNMP" => snmp::run(target, config),
        "Deploy" => deploy::run(target, config),
        "WakeOnLan" => wakeonlan::run(target, config),
        t if testing::NAMES.contains(&t) => testing::run(t),
        _ => Err(format!("unknown task '{name}'")),
    }
}
