//! The NetDiscovery task: finds the devices of IP ranges (SNMP, NetBIOS, ICMP, the
//! neighbour table), for FusionInventory/GLPI's `NETDISCOVERY` jobs, OCS's `IPDISCOVER`
//! and `--netdiscovery` by hand.
//!
//! - [`job`], [`range`]: what to scan (server job or command line);
//! - [`scan`]: the one-thread scan, with the probes [`icmp`], [`netbios`],
//!   [`neighbours`] and the SNMP engine (`crate::snmp`);
//! - [`device`]: what is known of one address, as a `DEVICE` element;
//! - [`messages`], [`output`]: the `QUERY=NETDISCOVERY` messages and where they go;
//! - [`ipdiscover`]: OCS's network scan, handed to the same run's inventory.
//!
//! By-hand ranges (`--netdiscovery`) are reported to the local targets; a server target
//! gets the server's own jobs.

pub mod device;
pub mod icmp;
pub mod ipdiscover;
pub mod job;
pub mod messages;
pub mod neighbours;
pub mod netbios;
pub mod output;
pub mod range;
pub mod scan;

use std::time::{Duration, Instant};

use crate::agent::config::Config;
use crate::agent::runner::Report;
use crate::agent::server_state::ServerState;
use crate::agent::state;
use crate::agent::target::Target;
use crate::net::client::Client;

use job::Job;
use output::Sink;
use scan::ScanOptions;

const AGENT_VERSION: &str = env!("CARGO_PKG_VERSION");
const USER_AGENT: &str = crate::net::ocs::USER_AGENT;

pub fn run(target: &Target, config: &Config) -> Result<Report, String> {
    let mut report = Report::ok();
    let mut notes = Vec::new();
    match target {
        Target::Local(path) => {
            let (job, problems) = job::by_hand(
                &config.list("netdiscovery"),
                &config.list("credentials"),
                config.text("snmp-timeout"),
            );
            for p in problems {
                log::warn!("{p}");
            }
            let job = job.ok_or("nothing to scan")?;
            let mut sink = Sink::local(path)?;
            notes.push(run_job(&job, &mut sink, config, &mut report)?);
        }
        Target::Server(url) => {
            let server = ServerState::open(config, url)?;
            if let Some(option) = server.option("NETDISCOVERY") {
                let (job, problems) = job::from_option(&option);
                for p in problems {
                    log::warn!("{p}");
                }
                if let Some(job) = job {
                    let client = Client::new(url, config, USER_AGENT)?;
                    let mut sink = Sink::Server {
                        client,
                        plain: config.flag("no-compression"),
                        refused: false,
                    };
                    notes.push(run_job(&job, &mut sink, config, &mut report)?);
                }
            }
            if let Some(option) = server.option("IPDISCOVER") {
                let limit = Duration::from_secs(config.number("task-timeout", 600));
                match ipdiscover::run(server.dir(), &option, limit) {
                    Ok(n) => {
                        log::info!("{n}");
                        notes.push(n);
                    }
                    Err(e) => {
                        log::warn!("{e}");
                        notes.push(e);
                    }
                }
            }
        }
    }
    report.set("message", notes.join("; "));
    Ok(report)
}

/// Runs one job: start, count, each device as found, end.
fn run_job(
    job: &Job,
    sink: &mut Sink,
    config: &Config,
    report: &mut Report,
) -> Result<String, String> {
    let deviceid = crate::agent::host::deviceid(&state::vardir(config)?)?;
    let pid = &job.pid;
    let t0 = Instant::now();
    log::info!(
        "scanning {} addresses in {} range(s) with {} SNMP credential(s), results to {}",
        job.addresses(),
        job.ranges.len(),
        job.credentials.len(),
        sink.label()
    );
    if job.credentials.is_empty() {
        log::info!("no SNMP credential: SNMP is not probed");
    }
    sink.send(&messages::start(&deviceid, pid, AGENT_VERSION), None)?;
    sink.send(&messages::nbip(&deviceid, pid, job.addresses()), None)?;
    let opts = ScanOptions {
        snmp_timeout: job.snmp_timeout,
        ..ScanOptions::default()
    };
    let mut failure = None;
    let stats = scan::scan(&job.ranges, &job.credentials, &opts, |d| {
        let ip = d.ip.map(|i| i.to_string()).unwrap_or_default();
        log::debug!("found {ip}");
        match sink.send(&messages::device(&deviceid, pid, d.to_node()), Some(&ip)) {
            Ok(()) => true,
            Err(e) => {
                failure = Some(e);
                false
            }
        }
    });
    if let Some(e) = failure {
        return Err(format!("scan stopped: {e}"));
    }
    sink.send(&messages::end(&deviceid, pid), None)?;
    report
        .set("addresses", stats.addresses)
        .set("devices", stats.devices)
        .set("snmp", stats.snmp_devices)
        .set("icmp", stats.icmp);
    let line = format!(
        "{} devices ({} by SNMP) among {} addresses in {:.1} s",
        stats.devices,
        stats.snmp_devices,
        stats.addresses,
        t0.elapsed().as_secs_f64()
    );
    log::info!("{line}");
    Ok(line)
}

/// Whether this task has work for `target`, asked by the parent before it starts a child:
/// cheap, and never parses a server reply (a stored job file exists, a by-hand option is
/// set).
pub fn has_job(target: &Target, config: &Config) -> bool {
    match target {
        Target::Local(_) => !config.list("netdiscovery").is_empty(),
        Target::Server(url) => ServerState::open(config, url)
            .is_ok_and(|s| s.has_option("NETDISCOVERY") || s.has_option("IPDISCOVER")),
    }
}
