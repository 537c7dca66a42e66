//! One run of the agent outside daemon mode: every target, every planned task, each in
//! its own sandboxed child, one after another; a failing one never stops the others.

use std::path::Path;
use std::time::Duration;

use super::cli::Cli;
use super::config::{Config, ConfigError, DEFAULT_CONF_FILE};
use super::plan::{step_label, Plan};
use super::runner::{self, Limits, Tasks};
use super::target::{self, Target};

/// Loads the configuration: the file (`--conf-file`, else the default one when it
/// exists), then the command line over it, then an old agent's file when none of these
/// names a target (`legacy`), then checks every value; a run then takes over the old
/// agents' DEVICEID (`migrate`).
pub fn load_config(cli: &Cli) -> Result<Config, ConfigError> {
    let mut config = Config::new();
    match &cli.conf_file {
        // The Perl agent's file, named on the command line, read as when found in its place.
        Some(path) if super::legacy::is_perl_file(Path::new(path)) => {
            super::legacy::load_perl_file(&mut config, Path::new(path)).map_err(ConfigError)?
        }
        Some(path) => config.load_file(Path::new(path))?,
        None if Path::new(DEFAULT_CONF_FILE).exists() => {
            config.load_file(Path::new(DEFAULT_CONF_FILE))?
        }
        None => {}
    }
    cli.apply(&mut config)?;
    if cli
        .conf_file
        .as_deref()
        .is_none_or(|f| Path::new(f) == Path::new(DEFAULT_CONF_FILE))
    {
        super::legacy::adopt(&mut config);
    }
    config.validate()?;
    if cli.action == super::cli::Action::Run {
        super::migrate::take_over(&mut config);
    }
    Ok(config)
}

pub use super::clock::random_below;

/// Runs the steps of one target (the contact for a server, then the planned tasks);
/// true when all succeeded.
pub fn run_target(config: &Config, target: &Target, tasks: Tasks) -> bool {
    let mut plan = Plan::new(tasks.catalog, config, target);
    while let Some(name) = plan.next(tasks.catalog, config) {
        log::debug!("starting {} for {}", step_label(name), target.label());
        let result = runner::run_task(name, target, config, Limits::from_config(config), tasks);
        plan.done(name, &result);
    }
    plan.ok()
}

/// The non-daemon run; returns the exit code.
pub fn run_once(config: &Config, tasks: Tasks) -> i32 {
    let targets = target::targets(config);
    if targets.is_empty() {
        log::error!("no target defined: use --server URL, --local PATH or --stdout");
        return 2;
    }
    let wait = config.number("wait", 0);
    if wait > 0 {
        let delay = random_below(wait);
        log::info!("waiting {delay} s before starting (--wait {wait})");
        std::thread::sleep(Duration::from_secs(delay));
    }
    let mut ok = true;
    for t in &targets {
        ok &= run_target(config, t, tasks);
    }
    if ok {
        0
    } else {
        1
    }
}
