//! The run plan: which steps run for a target, in which order, and why a task does not.
//! One plan serves both the one-shot run (`agent::run`) and the daemon; the tasks
//! themselves are declared in one table owned by `task/` ([`Catalog`]), handed down by
//! the binary, so that nothing here imports a task.
//!
//! For a server the contact (one PROLOG) comes first, then the planned tasks, each
//! started only when it has a job (checked just before it starts, so that it sees this
//! run's contact). A task that does not run says why, once, at INFO: `--no-task`, no job
//! from this server, the contact not due (`--lazy`) or failed.

use std::collections::VecDeque;

use super::config::Config;
use super::contact;
use super::runner::Report;
use super::target::Target;

/// One task as the agent knows it: what `--list-tasks` shows, where it applies, and
/// whether a target has work for it. The body is not here: the runner gets it from the
/// binary (`runner::TaskBody`), so that the lean daemon, which plans but never runs a
/// task, links none of their code.
#[derive(Debug)]
pub struct TaskDecl {
    pub name: &'static str,
    pub description: &'static str,
    /// Also runs for local targets (else only for servers).
    pub local: bool,
    /// Whether `target` has work for the task, decided cheaply in the parent without
    /// parsing a server reply.
    pub has_job: fn(&Target, &Config) -> bool,
}

/// The installed tasks in their default order, with the other names they are known by.
#[derive(Debug)]
pub struct Catalog {
    pub tasks: &'static [TaskDecl],
    /// Other names (FusionInventory's) accepted in `tasks`/`no-task`: (alias, name).
    pub aliases: &'static [(&'static str, &'static str)],
    /// Tasks for the tests only (misbehaving on purpose), listed nowhere; they plan and
    /// run when `test_tasks_enabled` says so.
    pub test_tasks: &'static [&'static str],
    pub test_tasks_enabled: fn() -> bool,
}

impl Catalog {
    /// The log tag of a task (its canonical name), `core` for unknown names.
    pub fn tag(&self, name: &str) -> &'static str {
        if let Some((_, t)) = self
            .aliases
            .iter()
            .find(|(a, _)| a.eq_ignore_ascii_case(name))
        {
            return t;
        }
        self.tasks
            .iter()
            .map(|t| t.name)
            .chain(self.test_tasks.iter().copied())
            .find(|n| n.eq_ignore_ascii_case(name))
            .unwrap_or("core")
    }

    fn decl(&self, name: &str) -> Option<&TaskDecl> {
        self.tasks.iter().find(|t| t.name == name)
    }

    /// The tasks to run for `target`: `tasks` order (with `...` for the rest), minus
    /// `no-task`, minus tasks that do not apply to that kind of target. What is left
    /// out is said once: at INFO for `no-task`, at DEBUG otherwise.
    pub fn planned(&self, config: &Config, target: &Target) -> Vec<&'static str> {
        let wanted = config.list("tasks");
        let excluded = config.list("no-task");
        let mut order: Vec<&'static str> = Vec::new();
        let tests: Vec<&'static str> = if (self.test_tasks_enabled)() {
            self.test_tasks.to_vec()
        } else {
            Vec::new()
        };
        let all: Vec<&'static str> = self.tasks.iter().map(|t| t.name).chain(tests).collect();
        if wanted.is_empty() {
            order.extend(self.tasks.iter().map(|t| t.name));
        } else {
            for w in &wanted {
                if w == "..." {
                    for t in self.tasks {
                        if !order.contains(&t.name) {
                            order.push(t.name);
                        }
                    }
                } else if let Some(t) = all.iter().find(|n| n.eq_ignore_ascii_case(self.tag(w))) {
                    if !order.contains(t) {
                        order.push(t);
                    }
                } else {
                    log::warn!("unknown task '{w}' in tasks (see --list-tasks)");
                }
            }
            for t in self.tasks.iter().filter(|t| !order.contains(&t.name)) {
                log::debug!(
                    "task {} skipped for {}: not in tasks",
                    t.name,
                    target.label()
                );
            }
        }
        order.retain(|t| {
            let off = excluded.iter().any(|e| self.tag(e).eq_ignore_ascii_case(t));
            if off {
                log::info!(
                    "task {t} skipped for {}: switched off (--no-task)",
                    target.label()
                );
            }
            !off
        });
        order.retain(|t| match self.decl(t) {
            Some(info) if !info.local && !matches!(target, Target::Server(_)) => {
                log::debug!("task {t} skipped for {}: for servers only", target.label());
                false
            }
            _ => true,
        });
        order
    }

    /// Whether task `name` has work for `target`. Unknown names (the test tasks) have.
    pub fn has_job(&self, name: &str, target: &Target, config: &Config) -> bool {
        match self.decl(self.tag(name)) {
            Some(d) => (d.has_job)(target, config),
            None => true,
        }
    }
}

/// What one step of a plan ended with, as `/status` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub step: &'static str,
    /// `ok`, `failed` or `skipped`, a colon, then the message or reason.
    pub text: String,
}

/// One run of one target: the steps left, what each one ended with.
pub struct Plan {
    target: Target,
    steps: VecDeque<&'static str>,
    outcomes: Vec<Outcome>,
    ok: bool,
}

impl Plan {
    /// The steps of one run for `target`: for a server, the contact first, then the
    /// planned tasks. Nothing at all when no task is planned (said in a warning).
    pub fn new(catalog: &Catalog, config: &Config, target: &Target) -> Plan {
        let mut steps: VecDeque<&'static str> = catalog.planned(config, target).into();
        if steps.is_empty() {
            log::warn!("no task to run for {}", target.label());
        } else if matches!(target, Target::Server(_)) {
            steps.push_front(contact::STEP);
        }
        Plan {
            target: target.clone(),
            steps,
            outcomes: Vec::new(),
            ok: true,
        }
    }

    /// The next step to start, skipping (and saying why) the tasks without a job.
    pub fn next(&mut self, catalog: &Catalog, config: &Config) -> Option<&'static str> {
        while let Some(name) = self.steps.pop_front() {
            if name == contact::STEP || catalog.has_job(name, &self.target, config) {
                return Some(name);
            }
            let why = match self.target {
                Target::Server(_) => "no job from this server",
                Target::Local(_) => "nothing asked for it",
            };
            self.skipped(name, why);
        }
        None
    }

    /// Records how step `name` ended, says it in the log, and shapes the rest of the
    /// run: a contact skipped (`--lazy`, not due) ends it; a failed contact leaves only
    /// the inventory, which keeps what it collects for the next contact.
    pub fn done(&mut self, name: &'static str, result: &Result<Report, String>) {
        let label = step_label(name);
        let target = self.target.label();
        let text = match result {
            Ok(report) => {
                let message = report.get("message").unwrap_or("done");
                log::info!("{label} for {target}: {message}");
                let kind = report.get("outcome").unwrap_or("ok");
                format!("{kind}: {message}")
            }
            Err(why) => {
                log::error!("{label} for {target} {why}");
                self.ok = false;
                format!("failed: {why}")
            }
        };
        self.outcomes.push(Outcome { step: name, text });
        if name != contact::STEP {
            return;
        }
        let (keep_inventory, why) = match result {
            Ok(r) if r.get("outcome") == Some("skipped") => (
                false,
                format!(
                    "the contact was skipped ({})",
                    r.get("message").unwrap_or("not due")
                ),
            ),
            Ok(_) => return,
            Err(_) => (true, "the contact with the server failed".to_string()),
        };
        let rest: Vec<&'static str> = self.steps.drain(..).collect();
        for t in rest {
            if keep_inventory && t == "Inventory" {
                self.steps.push_back(t);
            } else {
                self.skipped(t, &why);
            }
        }
    }

    fn skipped(&mut self, name: &'static str, why: &str) {
        log::info!("task {name} skipped for {}: {why}", self.target.label());
        self.outcomes.push(Outcome {
            step: name,
            text: format!("skipped: {why}"),
        });
    }

    /// False once a step failed.
    pub fn ok(&self) -> bool {
        self.ok
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    /// What each step that ended or was skipped ended with, in order.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    /// The steps not started yet.
    pub fn remaining(&self) -> Vec<&'static str> {
        self.steps.iter().copied().collect()
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
    use crate::agent::config::Origin;

    fn yes(_: &Target, _: &Config) -> bool {
        true
    }
    fn no(_: &Target, _: &Config) -> bool {
        false
    }
    fn never() -> bool {
        false
    }

    const CATALOG: Catalog = Catalog {
        tasks: &[
            TaskDecl {
                name: "NetDiscovery",
                description: "",
                local: true,
                has_job: no,
            },
            TaskDecl {
                name: "Inventory",
                description: "",
                local: true,
                has_job: yes,
            },
            TaskDecl {
                name: "SNMP",
                description: "",
                local: true,
                has_job: yes,
            },
            TaskDecl {
                name: "Deploy",
                description: "",
                local: false,
                has_job: yes,
            },
        ],
        aliases: &[("NetInventory", "SNMP")],
        test_tasks: &[],
        test_tasks_enabled: never,
    };

    fn server() -> Target {
        Target::Server("http://h/ocsinventory".into())
    }

    fn run(plan: &mut Plan, config: &Config) -> Vec<&'static str> {
        let mut started = Vec::new();
        while let Some(s) = plan.next(&CATALOG, config) {
            started.push(s);
            plan.done(s, &Ok(Report::ok()));
        }
        started
    }

    #[test]
    fn contact_outcomes_shape_the_rest_of_the_run() {
        let config = Config::new();
        let mut plan = Plan::new(&CATALOG, &config, &server());
        assert_eq!(
            run(&mut plan, &config),
            [contact::STEP, "Inventory", "SNMP", "Deploy"]
        );
        assert!(plan.ok());
        assert!(plan.outcomes().contains(&Outcome {
            step: "NetDiscovery",
            text: "skipped: no job from this server".into()
        }));

        let mut plan = Plan::new(&CATALOG, &config, &server());
        assert_eq!(plan.next(&CATALOG, &config), Some(contact::STEP));
        let mut skipped = Report::ok();
        skipped
            .set("outcome", "skipped")
            .set("message", "not due before 12:00 (--lazy)");
        plan.done(contact::STEP, &Ok(skipped));
        assert_eq!(plan.next(&CATALOG, &config), None);
        assert!(plan.outcomes().iter().any(|o| o.step == "Deploy"
            && o.text == "skipped: the contact was skipped (not due before 12:00 (--lazy))"));

        let mut plan = Plan::new(&CATALOG, &config, &server());
        plan.next(&CATALOG, &config);
        plan.done(contact::STEP, &Err("refused".into()));
        assert!(!plan.ok());
        assert_eq!(plan.remaining(), ["Inventory"]);
        assert_eq!(plan.next(&CATALOG, &config), Some("Inventory"));
        plan.done("Inventory", &Err("killed".into()));
        assert_eq!(plan.next(&CATALOG, &config), None);
    }

    #[test]
    fn servers_get_a_contact_first_locals_none() {
        let mut config = Config::new();
        config
            .set("tasks", "Inventory,netinventory", Origin::CommandLine)
            .unwrap();
        assert_eq!(
            Plan::new(&CATALOG, &config, &server()).remaining(),
            [contact::STEP, "Inventory", "SNMP"]
        );
        let local = Target::Local("-".into());
        assert_eq!(
            Plan::new(&CATALOG, &config, &local).remaining(),
            ["Inventory", "SNMP"]
        );
        config
            .set("tasks", "Deploy,...", Origin::CommandLine)
            .unwrap();
        assert_eq!(
            Plan::new(&CATALOG, &config, &local).remaining(),
            ["NetDiscovery", "Inventory", "SNMP"],
            "Deploy is for servers only"
        );
        config
            .set("tasks", "Inventory", Origin::CommandLine)
            .unwrap();
        config
            .set("no-task", "Inventory", Origin::CommandLine)
            .unwrap();
        assert!(
            Plan::new(&CATALOG, &config, &server())
                .remaining()
                .is_empty(),
            "no task: no contact"
        );
        assert_eq!(CATALOG.tag("netinventory"), "SNMP");
        assert_eq!(CATALOG.tag("nothing"), "core");
    }
}
