//! The daemon: a tiny parent that schedules, listens and forks — nothing else.
//!
//! It never collects anything: every task runs in a sandboxed child (`agent::runner`), so
//! whatever an inventory allocates goes back to the system when the child exits, and
//! the parent stays at its start-up size.
//!
//! One thread, one loop. The daemon sleeps in a single `poll(2)` on everything that can
//! need it: the wake-up pipe of its signal handlers (`signals`), the HTTP sockets
//! (`httpd`), and the report pipe of the task child at work, with the next deadline as
//! timeout (next scheduled run, an HTTP connection's time limit, the child's limit). No
//! periodic tick, so an idle daemon uses no CPU. Due targets run one task at a time; while
//! a child works the loop goes on answering HTTP (`/status` says `running task X`) from
//! the [`Context`] it keeps current, and `/now` simply marks every target due.
//!
//! Every task child executes the agent binary afresh (`runner::Start::Exec`): it starts
//! with a clean address space and none of the parent's sockets. So the parent itself can be
//! the lean `ocsinventory-agent-daemon` binary, without the tasks' code or OpenSSL
//! (see `lean`).
//!
//! With `--debug` every decision is logged: what is due, why the loop woke up, how long
//! it sleeps, when each target runs next.

pub mod detach;
pub mod httpd;
pub mod lean;
pub mod refusals;
pub mod request;
pub mod resolver;
pub mod routes;
pub mod schedule;
pub mod secret_args;
pub mod shared_files;
pub mod signals;
pub mod tls;
pub mod tls_native;

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

use crate::agent::cli::Cli;
use crate::agent::config::{Config, Origin};
use crate::agent::plan::{step_label, Catalog, Outcome, Plan};
use crate::agent::runner::{self, Limits};
use crate::agent::target::{self, Target};
use crate::agent::trust::TrustEntry;
use crate::agent::{run, state};

pub use routes::{Context, Effect};
use schedule::Schedule;

/// Options holding paths, made absolute before the daemon leaves its directory for `/`.
const PATH_OPTIONS: &[&str] = &[
    "vardir",
    "pidfile",
    "logfile",
    "ssl-cert-file",
    "ssl-key-file",
    "ca-cert-file",
    "ca-cert-dir",
    "additional-content",
    "capture",
    "replay",
];

fn absolute(base: &Path, path: &str) -> String {
    if path == "-" || Path::new(path).is_absolute() {
        path.to_string()
    } else {
        base.join(path).display().to_string()
    }
}

/// Makes the path options of `config` absolute against `base` (the start directory).
fn absolutize(config: &mut Config, base: &Path) {
    for key in PATH_OPTIONS {
        if let Some(v) = config.text(key).map(|v| absolute(base, v)) {
            let _ = config.set(key, &v, Origin::CommandLine);
        }
    }
    let locals: Vec<String> = config
        .list("local")
        .iter()
        .map(|l| absolute(base, l))
        .collect();
    if !locals.is_empty() {
        let _ = config.set("local", &locals.join(","), Origin::CommandLine);
    }
}

/// What the binary gives the daemon: how to make HTTPS, and which binary task children
/// execute.
#[derive(Clone, Debug)]
pub struct Equipment {
    /// `None` in the lean daemon binary, which links no TLS library.
    pub tls: Option<tls::Setup>,
    /// The full agent binary, executed in task mode for every task.
    pub agent_binary: PathBuf,
    /// The task table the runs are planned from (`task::CATALOG`).
    pub catalog: &'static Catalog,
}

struct Daemon {
    cli: Cli,
    base: PathBuf,
    config: Config,
    schedules: Vec<Schedule>,
    /// What the HTTP interface answers from; kept current by the loop.
    ctx: Context,
    httpd: Option<httpd::Httpd>,
    equipment: Equipment,
    /// The target whose tasks run now.
    running: Option<Running>,
    /// SIGHUP came while a task was running.
    reload_pending: bool,
    /// The server hosts being resolved (see `resolver`).
    resolving: Option<resolver::Pending>,
    /// Per target label, how each step of its last run ended (for `/status`).
    last: Vec<(String, Vec<Outcome>)>,
}

/// The HTTP interface after a reload.
enum Interface {
    Keep,
    Off,
    Reconfigure(httpd::Settings, Option<Box<dyn tls::Acceptor>>),
    New(httpd::Httpd),
    /// The same port on another address of this host: the old socket must close first
    /// (its settings come back if the new one cannot bind).
    Rebind(httpd::Settings),
}

/// A target being served: its run plan and the child at work.
struct Running {
    index: usize,
    plan: Plan,
    child: Option<(&'static str, runner::Child)>,
}

/// Runs the daemon until SIGTERM/SIGINT; returns the exit code.
pub fn run(cli: &Cli, config: Config, equipment: Equipment) -> i32 {
    let base = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let cli = Cli {
        action: cli.action.clone(),
        conf_file: cli.conf_file.as_deref().map(|f| absolute(&base, f)),
        values: cli.values.clone(),
        old_names: cli.old_names.clone(),
    };
    let mut config = config;
    absolutize(&mut config, &base);
    // The parent holds the configuration, passwords included, for as long as it runs: no
    // core file may take them to disk (task children have the same limit).
    let _ = crate::platform::rlimit::set(crate::platform::rlimit::Limit::Core, 0, 0);
    let vardir = match state::vardir(&config) {
        Ok(v) => v,
        Err(e) => {
            log::error!("{e}");
            return 1;
        }
    };
    let targets = target::targets(&config);
    if targets.is_empty() {
        log::error!(
            "no target defined: use --server URL or --local PATH (or set them in agent.cfg)"
        );
        // A configuration error (2): the systemd unit does not restart the daemon for it.
        return 2;
    }
    let pid_path = config
        .text("pidfile")
        .map(PathBuf::from)
        .unwrap_or_else(|| vardir.join("ocsinventory-agent.pid"));
    let mut pidfile = match detach::PidFile::lock(&pid_path) {
        Ok(p) => p,
        Err(e) => {
            log::error!("{e}");
            return 1;
        }
    };
    let backends = crate::agent::logger::backends(&config);
    if !config.flag("no-fork") && backends.iter().all(|b| b == "stderr") {
        log::warn!(
            "a detached daemon has no terminal: its log is lost (set logfile, or logger = syslog)"
        );
    }
    let mut started = if config.flag("no-fork") {
        detach::Detached::foreground()
    } else {
        match detach::detach() {
            Ok(d) => d,
            Err(e) => {
                log::error!("cannot become a daemon: {e}");
                return 1;
            }
        }
    };
    let fail = |started: &mut detach::Detached, e: String| {
        log::error!("{e}");
        started.ready(Err(&e));
        1
    };
    if let Err(e) = pidfile.write_pid() {
        return fail(&mut started, e);
    }
    let wake = match signals::install() {
        Ok(w) => w,
        Err(e) => return fail(&mut started, e),
    };
    let schedules = targets
        .into_iter()
        .map(|t| Schedule::new(t, &config))
        .collect();
    let mut daemon = Daemon {
        cli,
        base,
        config,
        schedules,
        ctx: Context {
            status: "waiting".into(),
            ..Context::default()
        },
        httpd: None,
        equipment,
        running: None,
        reload_pending: false,
        resolving: None,
        last: Vec::new(),
    };
    if let Err(e) = crate::agent::host::deviceid(&vardir) {
        log::warn!("{e}");
    }
    daemon.refresh_context();
    if let Err(e) = daemon.start_httpd() {
        return fail(&mut started, e);
    }
    started.ready(Ok(()));
    log::info!(
        "daemon started (pid {}), {} target(s)",
        std::process::id(),
        daemon.schedules.len()
    );
    daemon.main_loop(&wake);
    daemon.httpd = None;
    log::info!("daemon stopped");
    drop(pidfile);
    0
}

impl Daemon {
    /// The one loop: waits in `poll(2)` for a signal, an HTTP client, the running task's
    /// report or the next scheduled run — whichever comes first.
    fn main_loop(&mut self, wake: &signals::Wake) {
        loop {
            let events = signals::take();
            if events & signals::TERM != 0 {
                log::info!("stopping on signal");
                self.stop_running();
                return;
            }
            if events & signals::HUP != 0 {
                if self.running.is_some() {
                    log::info!("SIGHUP: the configuration is reloaded when the running task ends");
                    self.reload_pending = true;
                } else {
                    self.reload();
                }
            }
            if events & signals::RUN_NOW != 0 {
                self.run_all_now("SIGUSR1");
            }
            if self.running.is_none() {
                if self.reload_pending {
                    self.reload_pending = false;
                    self.reload();
                }
                let now = Instant::now();
                if let Some(i) = self.schedules.iter().position(|s| s.is_due(now)) {
                    log::debug!("{} is due", self.schedules[i].target.label());
                    self.start_target(i);
                    continue;
                }
            }
            self.wait_and_serve(wake);
        }
    }

    /// One `poll(2)`, then whatever it found: the task's report, HTTP clients, timeouts.
    fn wait_and_serve(&mut self, wake: &signals::Wake) {
        let now = Instant::now();
        let child = self.running.as_ref().and_then(|r| r.child.as_ref());
        let deadline = match child {
            Some((_, c)) => Some(c.deadline()),
            None => self.schedules.iter().map(|s| s.next_run).min(),
        };
        let deadline = [
            deadline,
            self.httpd.as_ref().and_then(|h| h.next_deadline()),
            self.resolving.as_ref().map(|r| r.deadline()),
        ]
        .into_iter()
        .flatten()
        .min();
        let mut fds = vec![PollFd::new(wake.fd(), PollFlags::POLLIN)];
        let child_at = child.map(|(_, c)| {
            fds.push(PollFd::new(c.fd(), PollFlags::POLLIN));
            fds.len() - 1
        });
        let resolver_at = self.resolving.as_ref().map(|r| {
            fds.push(PollFd::new(r.fd(), PollFlags::POLLIN));
            fds.len() - 1
        });
        let first_http = fds.len();
        if let Some(h) = &self.httpd {
            h.register(&mut fds, now);
        }
        let wait = deadline.map(|d| d.saturating_duration_since(now));
        if child.is_none()
            && self.resolving.is_none()
            && self
                .httpd
                .as_ref()
                .is_none_or(|h| h.next_deadline().is_none())
        {
            log::debug!(
                "sleeping {} s until the next run, a signal or an HTTP request",
                wait.map_or(u64::MAX, |w| w.as_secs())
            );
        }
        let timeout = match wait {
            // Round up so a deadline is not polled for in a busy loop.
            Some(d) => {
                PollTimeout::try_from(d.as_millis().saturating_add(1).min(i32::MAX as u128) as i32)
                    .unwrap_or(PollTimeout::MAX)
            }
            None => PollTimeout::NONE,
        };
        let revents: Vec<PollFlags> = match poll(&mut fds, timeout) {
            Ok(_) => fds
                .iter()
                .map(|f| f.revents().unwrap_or(PollFlags::empty()))
                .collect(),
            // A signal: its bit is pending, the loop takes it.
            Err(nix::errno::Errno::EINTR) => return,
            Err(e) => {
                log::error!("poll failed: {e}");
                std::thread::sleep(Duration::from_millis(100));
                return;
            }
        };
        drop(fds);
        if !revents[0].is_empty() {
            wake.drain();
        }
        if let Some(i) = child_at {
            self.check_child(!revents[i].is_empty());
        }
        if let Some(i) = resolver_at {
            self.check_resolver(!revents[i].is_empty());
        }
        let ctx = &self.ctx;
        let effect = match self.httpd.as_mut() {
            Some(h) => h.handle(&revents[first_http..], ctx),
            None => Effect::None,
        };
        if effect == Effect::RunNow {
            self.run_all_now("an HTTP request");
        }
    }

    fn run_all_now(&mut self, why: &str) {
        log::info!("running every target now ({why})");
        self.schedules.iter_mut().for_each(Schedule::run_now);
    }

    /// Starts the steps of target `i` (its contact, then its tasks), one child at a time.
    fn start_target(&mut self, i: usize) {
        let target = self.schedules[i].target.clone();
        self.schedules[i].before_run(&self.config);
        let plan = Plan::new(self.equipment.catalog, &self.config, &target);
        self.running = Some(Running {
            index: i,
            plan,
            child: None,
        });
        self.next_task();
    }

    /// Starts the next task of the running target, or ends the run when none is left.
    fn next_task(&mut self) {
        let Some(run) = self.running.as_mut() else {
            return;
        };
        let target = self.schedules[run.index].target.clone();
        while let Some(name) = run.plan.next(self.equipment.catalog, &self.config) {
            let label = step_label(name);
            self.ctx.status = format!("running {label}");
            log::info!("running {label} for {}", target.label());
            let limits = Limits::from_config(&self.config);
            let start = runner::Start::Exec(&self.equipment.agent_binary);
            match runner::Child::spawn(start, name, &target, &self.config, limits) {
                Ok(child) => {
                    run.child = Some((name, child));
                    return;
                }
                Err(why) => run.plan.done(name, &Err(format!("could not start: {why}"))),
            }
        }
        self.end_target();
    }

    /// Reads the running child's report; when it is complete (or the child is past its
    /// deadline), collects the child and moves to the next task.
    fn check_child(&mut self, readable: bool) {
        let Some(run) = self.running.as_mut() else {
            return;
        };
        let Some((_, child)) = run.child.as_mut() else {
            return;
        };
        let done = readable && child.read_ready();
        if !done && Instant::now() < child.deadline() {
            return;
        }
        let Some((name, child)) = run.child.take() else {
            return;
        };
        let result = child.finish();
        run.plan.done(name, &result);
        self.next_task();
    }

    /// Reschedules the target that just ran and goes back to waiting.
    fn end_target(&mut self) {
        let Some(run) = self.running.take() else {
            return;
        };
        self.ctx.status = "waiting".into();
        runner::reap();
        let i = run.index;
        self.schedules[i].after_run(&self.config, run.plan.ok());
        let label = self.schedules[i].target.label();
        self.last.retain(|(l, _)| *l != label);
        self.last.push((label, run.plan.outcomes().to_vec()));
        log::debug!(
            "next run of {} at {}",
            self.schedules[i].target.label(),
            self.schedules[i].next_run_text()
        );
        self.refresh_context();
    }

    /// On SIGTERM: the signal handler already told the child to stop (SIGALRM); give it a
    /// moment to end, then collect it.
    fn stop_running(&mut self) {
        let Some(run) = self.running.take() else {
            return;
        };
        if let Some((name, mut child)) = run.child {
            child.wait_until(Instant::now() + Duration::from_secs(2));
            let _ = child.finish();
            log::info!("task {name} stopped: the daemon is stopping");
        }
        self.ctx.status = "waiting".into();
    }

    /// Updates what the HTTP interface answers from; server hosts are resolved again (at
    /// start, after each run, on reload).
    fn refresh_context(&mut self) {
        let vardir = state::vardir(&self.config).unwrap_or_default();
        let deviceid = state::read_kv(&vardir.join("agent.state"))
            .remove("deviceid")
            .unwrap_or_default();
        let trust: Vec<TrustEntry> = self
            .config
            .list("httpd-trust")
            .iter()
            .filter_map(|t| TrustEntry::parse(t).ok())
            .collect();
        let origins = target::targets(&self.config)
            .iter()
            .filter_map(|t| match t {
                Target::Server(url) => target::origin(url),
                Target::Local(_) => None,
            })
            .collect();
        let schedule: Vec<(String, String)> = self
            .schedules
            .iter()
            .map(|s| (s.target.label(), s.next_run_text()))
            .collect();
        let runs = runs_text(&schedule, &self.last);
        let c = &mut self.ctx;
        c.vardir = vardir;
        c.logfile = self.config.text("logfile").map(PathBuf::from);
        c.deviceid = deviceid;
        c.trust = trust;
        c.server_origins = origins;
        c.schedule = schedule;
        c.runs = runs;
        self.start_resolving();
    }

    /// Starts resolving the server hosts again (a resolution still running is dropped).
    fn start_resolving(&mut self) {
        if let Some(old) = self.resolving.take() {
            let _ = old.finish();
        }
        let hosts = resolver::server_hosts(&self.config);
        let literal: Vec<IpAddr> = hosts.iter().filter_map(|h| h.parse().ok()).collect();
        if literal.len() == hosts.len() {
            self.ctx.server_addrs = literal;
            return;
        }
        match resolver::start(&hosts) {
            Ok(p) => self.resolving = Some(p),
            Err(e) => log::warn!("cannot resolve the server hosts: {e}"),
        }
    }

    fn check_resolver(&mut self, readable: bool) {
        let Some(r) = self.resolving.as_mut() else {
            return;
        };
        let done = readable && r.read_ready();
        if !done && Instant::now() < r.deadline() {
            return;
        }
        let Some(r) = self.resolving.take() else {
            return;
        };
        match r.finish() {
            Some(addrs) => {
                log::debug!("server hosts resolved: {addrs:?}");
                self.ctx.server_addrs = addrs;
            }
            None => log::warn!(
                "resolving the server hosts took over {} s: keeping the known addresses",
                resolver::TIME_LIMIT.as_secs()
            ),
        }
    }

    fn start_httpd(&mut self) -> Result<(), String> {
        let Some(settings) = httpd::Settings::from_config(&self.config)? else {
            log::info!("HTTP interface disabled (no-httpd)");
            return Ok(());
        };
        let h = httpd::Httpd::start(settings, self.equipment.tls)?;
        log::info!(
            "HTTP{} interface listening on {}",
            if h.settings.is_tls() { "S" } else { "" },
            h.local_addr
        );
        self.httpd = Some(h);
        Ok(())
    }

    /// What a reload does to the HTTP interface, prepared without touching the running
    /// one. The same address keeps its socket (a TLS interface gets the certificate
    /// loaded again: it may have been renewed); another address is bound beside the old
    /// one, which closes only once the new one listens.
    fn prepare_httpd(&self, new: Option<httpd::Settings>) -> Result<Interface, String> {
        let Some(new) = new else {
            return Ok(Interface::Off);
        };
        let current = self.httpd.as_ref().map(|h| &h.settings);
        match current {
            Some(cur) if *cur == new && !new.is_tls() => Ok(Interface::Keep),
            Some(cur) if cur.addr == new.addr => {
                let acceptor = httpd::acceptor(&new, self.equipment.tls)?;
                Ok(Interface::Reconfigure(new, acceptor))
            }
            Some(cur) if cur.addr.port() == new.addr.port() => {
                httpd::acceptor(&new, self.equipment.tls)?;
                Ok(Interface::Rebind(new))
            }
            _ => Ok(Interface::New(httpd::Httpd::start(
                new,
                self.equipment.tls,
            )?)),
        }
    }

    /// SIGHUP: reads the configuration again; a broken one is refused as a whole.
    fn reload(&mut self) {
        log::info!("SIGHUP: reloading the configuration");
        let mut config = match run::load_config(&self.cli) {
            Ok(c) => c,
            Err(e) => {
                log::error!("configuration not reloaded, keeping the running one: {e}");
                return;
            }
        };
        absolutize(&mut config, &self.base);
        for w in &config.warnings {
            log::warn!("{w}");
        }
        let targets = target::targets(&config);
        if targets.is_empty() {
            log::error!("the new configuration has no target: keeping the running one");
            return;
        }
        let new_settings = match httpd::Settings::from_config(&config) {
            Ok(s) => s,
            Err(e) => {
                log::error!("configuration not reloaded, keeping the running one: {e}");
                return;
            }
        };
        if new_settings.as_ref().is_some_and(|s| s.is_tls()) && self.equipment.tls.is_none() {
            log::error!(
                "configuration not reloaded: HTTPS (ssl-cert-file) needs a restart of the daemon"
            );
            return;
        }
        // The new interface is made ready before anything changes: a certificate that
        // does not load, or an address that cannot be bound, keeps the running setup.
        let interface = match self.prepare_httpd(new_settings) {
            Ok(i) => i,
            Err(e) => {
                log::error!("configuration not reloaded, keeping the running one: {e}");
                return;
            }
        };
        for key in ["logfile", "logger", "debug", "pidfile"] {
            if config.get(key) != self.config.get(key) {
                log::warn!("a change of '{key}' takes effect when the daemon restarts");
            }
        }
        let old = std::mem::take(&mut self.schedules);
        self.schedules = targets
            .into_iter()
            .map(|t| match old.iter().find(|s| s.target == t) {
                Some(s) => s.clone(),
                None => Schedule::new(t, &config),
            })
            .collect();
        self.config = config;
        match interface {
            Interface::Keep => {}
            Interface::Off => {
                if self.httpd.take().is_some() {
                    log::info!("HTTP interface disabled (no-httpd)");
                }
            }
            Interface::Reconfigure(settings, acceptor) => {
                if let Some(h) = self.httpd.as_mut() {
                    h.reconfigure(settings, acceptor);
                }
            }
            Interface::New(h) => {
                log::info!(
                    "HTTP{} interface listening on {}",
                    if h.settings.is_tls() { "S" } else { "" },
                    h.local_addr
                );
                self.httpd = Some(h);
            }
            Interface::Rebind(settings) => {
                let old = self.httpd.take().map(|h| h.settings.clone());
                match httpd::Httpd::start(settings, self.equipment.tls) {
                    Ok(h) => {
                        log::info!(
                            "HTTP{} interface listening on {}",
                            if h.settings.is_tls() { "S" } else { "" },
                            h.local_addr
                        );
                        self.httpd = Some(h);
                    }
                    Err(e) => {
                        log::error!("{e}: back on the previous address");
                        self.httpd = old.and_then(|o| {
                            httpd::Httpd::start(o, self.equipment.tls)
                                .map_err(|e| log::error!("{e}"))
                                .ok()
                        });
                    }
                }
            }
        }
        self.refresh_context();
        log::info!("configuration reloaded: {} target(s)", self.schedules.len());
    }
}

/// What `/status` says after its first line: per target, its next run, then how each
/// step of its last run ended (`ok`, `failed` or `skipped`, and why).
fn runs_text(schedule: &[(String, String)], last: &[(String, Vec<Outcome>)]) -> String {
    let mut out = String::new();
    for (label, next) in schedule {
        out.push_str(&format!("\n{label}: next run {next}"));
        let outcomes = last.iter().find(|(l, _)| l == label).map(|(_, o)| o);
        for o in outcomes.into_iter().flatten() {
            // one line each, whatever a message holds
            let text: String = o
                .text
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            out.push_str(&format!("\n  {}: {text}", step_label(o.step)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_says_per_target_and_task_the_last_outcome_and_the_next_run() {
        let schedule = vec![
            (
                "server http://a/ocsinventory".to_string(),
                "2026-12-08 06:00:00".to_string(),
            ),
            ("stdout".to_string(), "2026-12-08 07:00:00".to_string()),
        ];
        let last = vec![(
            "server http://a/ocsinventory".to_string(),
            vec![
                Outcome {
                    step: "Contact",
                    text: "ok: PROLOG answered SEND".into(),
                },
                Outcome {
                    step: "Deploy",
                    text: "skipped: no job from this server".into(),
                },
                Outcome {
                    step: "Inventory",
                    text: "failed: killed after 600 s\nsecond line".into(),
                },
            ],
        )];
        assert_eq!(
            runs_text(&schedule, &last),
            "\nserver http://a/ocsinventory: next run 2026-12-08 06:00:00\
             \n  contact: ok: PROLOG answered SEND\
             \n  task Deploy: skipped: no job from this server\
             \n  task Inventory: failed: killed after 600 s second line\
             \nstdout: next run 2026-12-08 07:00:00"
        );
    }
}
