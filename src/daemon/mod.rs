//! The daemon: a tiny parent that schedules, listens and forks — nothing else.
//!
//! It never collects anything: every task runs in a sandboxed child (`agent::runner`), so
//! whatever an inventory allocates goes back to the system when the child exits, and
//! the parent stays at its start-up size.
//!
//! Two threads. The main thread (this module) owns the schedule: it runs the due targets
//! one task at a time, blocking in `runner::run_task` while a child works, and otherwise
//! sleeps in `poll(2)` on the wake-up pipe until the next scheduled run (see `signals`):
//! no periodic tick, so an idle daemon uses no CPU. The HTTP thread (`httpd`) answers
//! clients at any time — including `/status` while a task runs — from a small shared
//! [`Context`] the main thread updates (status, DEVICEID, trust list, next runs); `/now`
//! sets a flag and writes to the same wake-up pipe. Running tasks from the main thread
//! keeps the parent a plain sequential program (one child at a time, signals handled in
//! one place) while the listener never waits for a task.
//!
//! With `--debug` every decision is logged: what is due, why the loop woke up, how long
//! it sleeps, when each target runs next.

pub mod detach;
pub mod httpd;
pub mod request;
pub mod routes;
pub mod schedule;
pub mod shared_files;
pub mod signals;

use std::net::{IpAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::agent::cli::Cli;
use crate::agent::config::{Config, Origin};
use crate::agent::runner::{self, Limits};
use crate::agent::target::{self, Target};
use crate::agent::trust::TrustEntry;
use crate::agent::{run, state};
use crate::task;

pub use routes::Context;
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

/// The addresses of the server targets' hosts (trusted for `/now`).
fn resolve_servers(config: &Config) -> Vec<IpAddr> {
    let mut out = Vec::new();
    for t in target::targets(config) {
        let Target::Server(url) = t else { continue };
        let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
        let authority = rest.split('/').next().unwrap_or("");
        let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => authority.split(':').next().unwrap_or(""),
        };
        match (host, 0).to_socket_addrs() {
            Ok(addrs) => out.extend(addrs.map(|a| a.ip())),
            Err(e) => log::debug!("cannot resolve server host {host}: {e}"),
        }
    }
    out.sort();
    out.dedup();
    out
}

struct Daemon {
    cli: Cli,
    base: PathBuf,
    config: Config,
    schedules: Vec<Schedule>,
    ctx: Arc<Mutex<Context>>,
    httpd: Option<httpd::Httpd>,
}

/// Runs the daemon until SIGTERM/SIGINT; returns the exit code.
pub fn run(cli: &Cli, config: Config) -> i32 {
    let base = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let cli = Cli {
        action: cli.action.clone(),
        conf_file: cli.conf_file.as_deref().map(|f| absolute(&base, f)),
        values: cli.values.clone(),
    };
    let mut config = config;
    absolutize(&mut config, &base);
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
        return 1;
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
        ctx: Arc::new(Mutex::new(Context {
            status: "waiting".into(),
            ..Context::default()
        })),
        httpd: None,
    };
    let host = nix::unistd::gethostname()
        .map(|h| h.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Err(e) = state::deviceid(&vardir, &host) {
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
    if let Some(h) = daemon.httpd.take() {
        h.stop();
    }
    log::info!("daemon stopped");
    drop(pidfile);
    0
}

impl Daemon {
    fn main_loop(&mut self, wake: &signals::Wake) {
        loop {
            let events = signals::take();
            if events & signals::TERM != 0 {
                log::info!("stopping on signal");
                return;
            }
            if events & signals::HUP != 0 {
                self.reload();
            }
            if events & signals::RUN_NOW != 0 {
                log::info!("running every target now");
                self.schedules.iter_mut().for_each(Schedule::run_now);
            }
            let now = Instant::now();
            if let Some(i) = self.schedules.iter().position(|s| s.is_due(now)) {
                log::debug!("{} is due", self.schedules[i].target.label());
                self.run_target(i);
                continue;
            }
            let next = self.schedules.iter().map(|s| s.next_run).min();
            let wait = next.map(|n| n.saturating_duration_since(now));
            log::debug!(
                "sleeping {} s until the next run, a signal or an HTTP request",
                wait.map_or(u64::MAX, |w| w.as_secs())
            );
            wake.wait(wait);
            log::debug!("woken up");
        }
    }

    fn set_status(&self, status: String) {
        if let Ok(mut c) = self.ctx.lock() {
            c.status = status;
        }
    }

    /// Runs the planned tasks of target `i`, one child at a time, then reschedules it.
    fn run_target(&mut self, i: usize) {
        let target = self.schedules[i].target.clone();
        let mut ok = true;
        let tasks = task::planned(&self.config, &target);
        if tasks.is_empty() {
            log::warn!("no task to run for {}", target.label());
        }
        for name in tasks {
            if signals::peek() & signals::TERM != 0 {
                break;
            }
            self.set_status(format!("running task {name}"));
            log::info!("running task {name} for {}", target.label());
            let limits = Limits::from_config(&self.config);
            match runner::run_task(name, &target, &self.config, limits) {
                Ok(report) => {
                    log::info!(
                        "task {name} for {}: {}",
                        target.label(),
                        report.get("message").unwrap_or("done")
                    );
                }
                Err(_) if signals::peek() & signals::TERM != 0 => {
                    log::info!("task {name} stopped: the daemon is stopping");
                    ok = false;
                }
                Err(why) => {
                    log::error!("task {name} for {} {why}", target.label());
                    ok = false;
                }
            }
        }
        self.set_status("waiting".into());
        runner::reap();
        self.schedules[i].after_run(&self.config, ok);
        log::debug!(
            "next run of {} at {}",
            target.label(),
            self.schedules[i].next_run_text()
        );
        self.refresh_context();
    }

    /// Copies what the HTTP thread needs into the shared context; server hosts are
    /// resolved again (at start, after each run, on reload).
    fn refresh_context(&self) {
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
        let addrs = resolve_servers(&self.config);
        let schedule = self
            .schedules
            .iter()
            .map(|s| (s.target.label(), s.next_run_text()))
            .collect();
        if let Ok(mut c) = self.ctx.lock() {
            c.vardir = vardir;
            c.logfile = self.config.text("logfile").map(PathBuf::from);
            c.deviceid = deviceid;
            c.trust = trust;
            c.server_addrs = addrs;
            c.schedule = schedule;
        }
    }

    fn start_httpd(&mut self) -> Result<(), String> {
        let Some(settings) = httpd::Settings::from_config(&self.config)? else {
            log::info!("HTTP interface disabled (no-httpd)");
            return Ok(());
        };
        let h = httpd::Httpd::start(settings, self.ctx.clone())?;
        log::info!(
            "HTTP{} interface listening on {}",
            if h.settings.is_tls() { "S" } else { "" },
            h.local_addr
        );
        self.httpd = Some(h);
        Ok(())
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
        let current = self.httpd.as_ref().map(|h| h.settings.clone());
        // A TLS interface restarts anyway: the certificate may have been renewed.
        if current != new_settings || new_settings.as_ref().is_some_and(|s| s.is_tls()) {
            if let Some(h) = self.httpd.take() {
                h.stop();
            }
            if let Err(e) = self.start_httpd() {
                log::error!("{e}");
            }
        }
        self.refresh_context();
        log::info!("configuration reloaded: {} target(s)", self.schedules.len());
    }
}
