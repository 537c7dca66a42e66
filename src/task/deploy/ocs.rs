//! OCS packages for one server: the `DOWNLOAD` option → each package's steps, in the
//! OCS agent's cycles → one `QUERY=DOWNLOAD` report per outcome.
//!
//! Scheduling as the OCS agents do it: a period has `PERIOD_LENGTH` cycles; in cycle
//! `i` a package of priority `PRI` gets a step when `i % PRI == 0`, and packages of
//! priority 0 get one every cycle while the others wait. A step that fetched a
//! fragment is followed by `FRAG_LATENCY`, each cycle by `CYCLE_LATENCY`, each period
//! by `PERIOD_LATENCY` (seconds; the `deploy-*-latency` options override the server).
//! The run stops before the task's time limit; fragments stay on disk and the next
//! run goes on from there.

use std::path::Path;
use std::time::{Duration, Instant};

use super::ocs_job::{self, Conf};
use super::outcome::Code;
use super::p2p;
use super::package::{self, Package, Peers, Step};
use super::report;
use super::settings::Settings;
use crate::agent::config::Config;
use crate::agent::runner::Report;
use crate::agent::server_state::ServerState;
use crate::net::client::Client;

pub fn run(url: &str, config: &Config) -> Result<Report, String> {
    let settings = Settings::from_config(config)?;
    let server = ServerState::open(config, url)?;
    let server_dir = server.dir();
    let mut out = Report::ok();
    if settings.p2p {
        p2p::purge(&settings.vardir, settings.p2p_retention);
    }
    let Some(option) = server.option("DOWNLOAD") else {
        out.set("message", "no DOWNLOAD option from the server");
        return Ok(out);
    };
    let (conf, packs) = ocs_job::parse(&option);
    let deviceid = super::deviceid(&settings.vardir)?;
    let client = Client::new(url, config, super::USER_AGENT)?;
    let plain = config.flag("no-compression");
    let reported = report::flush(server_dir, &client, &deviceid, plain);
    forget_unlisted(server_dir, &packs);
    if !conf.on {
        out.set("message", "deployment is switched off on the server (ON=0)");
        return Ok(out);
    }
    let send = |id: &str, code: Code| report::send(server_dir, &client, &deviceid, id, code, plain);
    let mut active: Vec<Package> = Vec::new();
    let mut outcomes: Vec<String> = Vec::new();
    for p in packs.iter().filter(|p| !reported.contains(&p.id)) {
        match Package::open(p, server_dir, &settings, config, conf.timeout_days) {
            Ok(Some(pkg)) => active.push(pkg),
            Ok(None) => {
                log::info!("package {}: already done (history), not run again", p.id);
                send(&p.id, Code::SuccessAlreadySetup);
                outcomes.push(format!("{} {}", p.id, Code::SuccessAlreadySetup));
            }
            Err(f) => {
                log::error!("package {}: {} ({})", p.id, f.why, f.code);
                package::clean(&package::package_dir(server_dir, &p.id));
                send(&p.id, f.code);
                outcomes.push(format!("{} {}", p.id, f.code));
            }
        }
    }
    active.sort_by_key(|p| p.info.pri);
    let lat = Latencies::new(&conf, &settings);
    let started = Instant::now();
    let mut peers = Peers::default();
    'run: while !active.is_empty() {
        for cycle in 1..=conf.period_length {
            let urgent = active.iter().any(|p| p.info.pri == 0);
            let mut i = 0;
            while i < active.len() {
                if !has_turn(active[i].info.pri, cycle, urgent) {
                    i += 1;
                    continue;
                }
                let id = active[i].info.id.clone();
                match active[i].step(&settings, config, &mut peers) {
                    Ok(Step::Fragment) => {
                        i += 1;
                        if !pause(lat.frag, started, &settings) {
                            break 'run;
                        }
                    }
                    Ok(Step::Again) => i += 1,
                    Ok(Step::Done(code)) => {
                        log::info!("package {id}: {code}");
                        package::clean(&active[i].dir);
                        send(&id, code);
                        outcomes.push(format!("{id} {code}"));
                        active.remove(i);
                    }
                    Err(f) => {
                        log::error!("package {id}: {} ({})", f.why, f.code);
                        package::clean(&active[i].dir);
                        send(&id, f.code);
                        outcomes.push(format!("{id} {}", f.code));
                        active.remove(i);
                    }
                }
            }
            if active.is_empty() {
                break 'run;
            }
            if !pause(lat.cycle, started, &settings) {
                break 'run;
            }
        }
        if !pause(lat.period, started, &settings) {
            break;
        }
    }
    for p in &active {
        log::info!(
            "package {}: not done in this run; it goes on at the next one",
            p.info.id
        );
    }
    let mut message = if outcomes.is_empty() {
        "no package finished".to_string()
    } else {
        format!("packages: {}", outcomes.join(", "))
    };
    if !active.is_empty() {
        message.push_str(&format!("; {} still pending", active.len()));
    }
    if packs.is_empty() {
        message = "no package to deploy".into();
    }
    out.set("packages", packs.len())
        .set("pending", active.len())
        .set("message", message);
    Ok(out)
}

/// Whether a package of priority `pri` gets a step in `cycle` (1-based); `urgent` when
/// a priority-0 package is waiting, which then goes alone.
fn has_turn(pri: u64, cycle: u64, urgent: bool) -> bool {
    if urgent || pri == 0 {
        pri == 0
    } else {
        cycle.is_multiple_of(pri)
    }
}

struct Latencies {
    frag: Duration,
    cycle: Duration,
    period: Duration,
}

impl Latencies {
    fn new(conf: &Conf, s: &Settings) -> Latencies {
        let pick = |own: Option<u64>, server: u64| Duration::from_secs(own.unwrap_or(server));
        Latencies {
            frag: pick(s.frag_latency, conf.frag_latency),
            cycle: pick(s.cycle_latency, conf.cycle_latency),
            period: pick(s.period_latency, conf.period_latency),
        }
    }
}

/// Sleeps `d` unless that would go past the run's budget (then false).
fn pause(d: Duration, started: Instant, s: &Settings) -> bool {
    if started.elapsed() + d > s.run_budget {
        return false;
    }
    if !d.is_zero() {
        std::thread::sleep(d);
    }
    true
}

/// Removes the folders of packages the server no longer lists.
fn forget_unlisted(server_dir: &Path, packs: &[ocs_job::Pack]) {
    let Ok(entries) = std::fs::read_dir(server_dir.join("download")) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if e.path().is_dir() && !packs.iter().any(|p| p.id == name) {
            log::info!("package {name}: no longer listed by the server, its files are removed");
            package::clean(&e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::has_turn;

    #[test]
    fn priorities() {
        let turns = |pri, urgent| {
            (1..=10)
                .filter(|c| has_turn(pri, *c, urgent))
                .collect::<Vec<u64>>()
        };
        assert_eq!(turns(0, true), (1..=10).collect::<Vec<_>>());
        assert_eq!(turns(5, false), vec![5, 10]);
        assert_eq!(turns(1, false), (1..=10).collect::<Vec<_>>());
        assert_eq!(turns(3, false), vec![3, 6, 9]);
        assert!(turns(5, true).is_empty(), "priority 0 packages go first");
    }
}
