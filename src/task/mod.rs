//! Tasks: each one a feature of the agent, run by the runner in its own child process.
//!
//! A task gets the configuration and one target, does its work (contacting the server
//! itself when the target is a server), and returns a [`Report`] to the parent.

pub mod inventory;
mod testing;

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

/// The installed tasks, in their default order.
pub const TASKS: &[TaskInfo] = &[TaskInfo {
    name: "Inventory",
    description: "hardware, operating system, software and network inventory of this machine",
    local: true,
}];

/// The log tag of a task (its canonical name), `core` for unknown names.
pub fn tag(name: &str) -> &'static str {
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
            } else if let Some(t) = all.iter().find(|n| n.eq_ignore_ascii_case(w)) {
                if !order.contains(t) {
                    order.push(t);
                }
            } else {
                log::warn!("unknown task '{w}' in tasks (see --list-tasks)");
            }
        }
    }
    order.retain(|t| !excluded.iter().any(|e| e.eq_ignore_ascii_case(t)));
    order.retain(|t| match TASKS.iter().find(|i| i.name == *t) {
        Some(info) => info.local || matches!(target, Target::Server(_)),
        None => true,
    });
    order
}

/// Runs a task in the current (child) process.
pub fn run(name: &str, target: &Target, config: &Config) -> Result<Report, String> {
    match tag(name) {
        "Inventory" => inventory::run(target, config),
        t if testing::NAMES.contains(&t) => testing::run(t),
        _ => Err(format!("unknown task '{name}'")),
    }
}
