//! Tasks: each one a feature of the agent, run by the runner in its own child process.
//!
//! A task gets the configuration and one target, does its work (contacting the server
//! itself when the target is a server), and returns a [`Report`] to the parent.

pub mod deploy;
pub mod inventory;
pub mod netdiscovery;
pub mod remote;
pub mod snmp;
mod testing;
pub mod wakeonlan;

use std::collections::VecDeque;

use crate::agent::config::Config;
use crate::agent::contact;
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
        name: "RemoteInventory",
        description: "inventory of machines that run no agent, over SSH (--remote ssh://host)",
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
    order
}

/// The steps of one run for `target`: for a server, the contact (one PROLOG) first, then
/// the planned tasks. Nothing at all when no task is planned.
pub fn steps(config: &Config, target: &Target) -> VecDeque<&'static str> {
    let mut steps: VecDeque<&'static str> = planned(config, target).into();
    if !steps.is_empty() && matches!(target, Target::Server(_)) {
        steps.push_front(contact::STEP);
    }
    steps
}

/// What a finished step means for the rest of the run: a contact skipped (`--lazy`, not
/// due) ends it; a failed contact leaves only the inventory, which keeps what it collects
/// for the next contact.
pub fn after_step(name: &str, result: &Result<Report, String>, rest: &mut VecDeque<&'static str>) {
    if name != contact::STEP {
        return;
    }
    match result {
        Ok(r) if r.get("outcome") == Some("skipped") => rest.clear(),
        Ok(_) => {}
        Err(_) => rest.retain(|t| *t == "Inventory"),
    }
}

/// Whether step `name` should start now for `target`: the contact always, a task when it
/// has a job there (checked just before it starts, so it sees this run's contact); says
/// so in one debug line when not.
pub fn ready(name: &str, target: &Target, config: &Config) -> bool {
    let yes = name == contact::STEP || has_job(name, target, config);
    if !yes {
        log::debug!("task {name}: no job for {}", target.label());
    }
    yes
}

/// Whether task `name` has work for `target` (each task decides cheaply, in the parent,
/// without parsing a server reply). The inventory always has.
pub fn has_job(name: &str, target: &Target, config: &Config) -> bool {
    match tag(name) {
        "NetDiscovery" => netdiscovery::has_job(target, config),
        "SNMP" => snmp::has_job(target, config),
        "Deploy" => deploy::has_job(target, config),
        "WakeOnLan" => wakeonlan::has_job(target, config),
        "RemoteInventory" => remote::has_job(target, config),
        // A by-hand device inventory (--netinventory…) asks for that alone, unless
        // `tasks` names the inventory too.
        "Inventory" => {
            !config.list("tasks").is_empty()
                || !matches!(target, Target::Local(_))
                || !(snmp::local::wanted(config) || remote::wanted(config))
        }
        _ => true,
    }
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
    match tag(name) {
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

/// How logs name a step: `contact` or `task Inventory`.
pub fn step_label(name: &str) -> String {
    if name == contact::STEP {
        "contact".into()
    } else {
        format!("task {name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_outcomes_shape_the_rest_of_the_run() {
        let all = || VecDeque::from(vec!["NetDiscovery", "Inventory", "SNMP", "Deploy"]);
        let mut rest = all();
        after_step(contact::STEP, &Ok(Report::ok()), &mut rest);
        assert_eq!(rest, all());
        let mut skipped = Report::ok();
        skipped.set("outcome", "skipped");
        after_step(contact::STEP, &Ok(skipped), &mut rest);
        assert!(rest.is_empty());
        let mut rest = all();
        after_step(contact::STEP, &Err("refused".into()), &mut rest);
        assert_eq!(rest, VecDeque::from(vec!["Inventory"]));
        let mut rest = all();
        after_step("Inventory", &Err("killed".into()), &mut rest);
        assert_eq!(rest, all(), "a failed task does not stop the others");
    }

    #[test]
    fn servers_get_a_contact_first_locals_none() {
        use crate::agent::config::Origin;
        let mut config = Config::new();
        config
            .set("tasks", "Inventory", Origin::CommandLine)
            .unwrap();
        let server = Target::Server("http://h/ocsinventory".into());
        assert_eq!(
            steps(&config, &server),
            VecDeque::from(vec![contact::STEP, "Inventory"])
        );
        assert_eq!(
            steps(&config, &Target::Local("-".into())),
            VecDeque::from(vec!["Inventory"])
        );
        config
            .set("no-task", "Inventory", Origin::CommandLine)
            .unwrap();
        assert!(steps(&config, &server).is_empty(), "no task: no contact");
        assert_eq!(tag("netinventory"), "SNMP");
    }
}
