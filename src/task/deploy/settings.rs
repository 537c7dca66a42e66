//! The Deploy task's settings, read once from the configuration.
//!
//! The server gives the OCS latencies (`FRAG_LATENCY`, `CYCLE_LATENCY`,
//! `PERIOD_LATENCY`); the `deploy-*-latency` options override them (down to 0, which
//! tests and benchmarks use). Sizes and times that protect the machine (largest
//! package, command time limit) are the agent's own: a server cannot raise them.

use std::path::PathBuf;
use std::time::Duration;

use crate::agent::config::Config;

/// Largest info file read.
pub const MAX_INFO: u64 = 64 << 10;
/// Output of a deployed command kept for the log.
pub const MAX_OUTPUT: usize = 16 << 10;
/// Fragment fetch attempts per run before the package fails with `ERR_DOWNLOAD_PACK`.
pub const FRAGMENT_TRIES: u32 = 3;
/// Time kept for the end of a run (reports, cleaning) before the task's own limit.
pub const RUN_MARGIN: Duration = Duration::from_secs(30);

#[derive(Clone, Debug)]
pub struct Settings {
    pub vardir: PathBuf,
    pub frag_latency: Option<u64>,
    pub cycle_latency: Option<u64>,
    pub period_latency: Option<u64>,
    /// Largest package, in bytes (the fragments together, and unpacked).
    pub max_size: u64,
    /// Time limit of a deployed command.
    pub command_timeout: Duration,
    /// How long this run may go on.
    pub run_budget: Duration,
    pub p2p: bool,
    /// Minutes a shared fragment stays for peers.
    pub p2p_retention: u64,
    pub p2p_port: u16,
    /// Ranges to scan (CIDR or `a-b`); empty: this machine's IPv4 networks.
    pub p2p_subnets: Vec<String>,
    /// This agent's own HTTP port (its own address is not a peer on it).
    pub httpd_port: u16,
}

impl Settings {
    pub fn from_config(config: &Config) -> Result<Settings, String> {
        let opt = |k: &str| config.get(k).and_then(|v| v.trim().parse::<u64>().ok());
        let task_timeout = Duration::from_secs(config.number("task-timeout", 600).max(1));
        Ok(Settings {
            vardir: crate::agent::state::vardir(config)?,
            frag_latency: opt("deploy-frag-latency"),
            cycle_latency: opt("deploy-cycle-latency"),
            period_latency: opt("deploy-period-latency"),
            max_size: config.number("deploy-max-size", 4096).max(1) << 20,
            command_timeout: Duration::from_secs(
                config.number("deploy-command-timeout", 300).max(1),
            ),
            run_budget: task_timeout
                .saturating_sub(RUN_MARGIN)
                .max(Duration::from_secs(5)),
            p2p: !config.flag("no-p2p"),
            p2p_retention: config.number("deploy-p2p-retention", 4320),
            p2p_port: config.number("deploy-p2p-port", 62354).clamp(1, 65535) as u16,
            p2p_subnets: config.list("deploy-p2p-subnet"),
            httpd_port: config.number("httpd-port", 62354).clamp(1, 65535) as u16,
        })
    }
}
