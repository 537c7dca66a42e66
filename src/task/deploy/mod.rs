//! The Deploy task: OCS packages (`DOWNLOAD` option) and FusionInventory/GLPI Deploy jobs.
//!
//! OCS: the PROLOG reply's `DOWNLOAD` option lists packages ([`ocs_job`]); each one's
//! info file ([`info`]) says how many fragments to fetch (from peers first, [`p2p`]),
//! which digest they must have ([`digest`]) and what to do once unpacked ([`unpack`]):
//! copy, run a command, launch a file ([`exec`]). [`ocs`] schedules the steps and
//! reports every outcome ([`report`]); [`history`] keeps a package from running twice.
//!
//! GLPI/FusionInventory Deploy (JSON over GET, [`glpi`]) runs for a server target when
//! `glpi-deploy` is on: there is no cheap way to tell such a server from an OCS one
//! before asking it, so the administrator says so.

pub mod digest;
pub mod exec;
pub mod glpi;
pub mod history;
pub mod info;
pub mod names;
pub mod ocs;
pub mod ocs_job;
pub mod outcome;
pub mod p2p;
pub mod package;
pub mod report;
pub mod settings;
pub mod unpack;

use std::path::Path;

use crate::agent::config::Config;
use crate::agent::runner::Report;
use crate::agent::server_state::ServerState;
use crate::agent::target::Target;

/// The User-Agent of the Deploy exchanges (the OCS server checks it on PROLOG only).
pub const USER_AGENT: &str = crate::net::ocs::USER_AGENT;

pub fn run(target: &Target, config: &Config) -> Result<Report, String> {
    let Target::Server(url) = target else {
        return Err("the Deploy task needs a server target".into());
    };
    let server = ServerState::open(config, url)?;
    let mut report = Report::ok();
    let mut messages = Vec::new();
    if server.has_option("DOWNLOAD") {
        let r = ocs::run(url, config)?;
        messages.push(r.get("message").unwrap_or("").to_string());
        report.fields.extend(r.fields);
    }
    if config.flag("glpi-deploy") {
        match glpi::run(url, config) {
            Ok(r) => messages.push(r.get("message").unwrap_or("").to_string()),
            Err(e) => {
                if messages.is_empty() {
                    return Err(format!("GLPI Deploy: {e}"));
                }
                log::error!("GLPI Deploy: {e}");
                messages.push(format!("GLPI Deploy failed: {e}"));
            }
        }
    }
    report.set("message", messages.join("; "));
    Ok(report)
}

/// Whether this task has work for `target`, asked by the parent before it starts a child:
/// cheap, and never parses a server reply: the last PROLOG of that server stored a
/// `DOWNLOAD` option, or `glpi-deploy` is on.
pub fn has_job(target: &Target, config: &Config) -> bool {
    let Target::Server(url) = target else {
        return false;
    };
    if config.flag("glpi-deploy") {
        return true;
    }
    ServerState::open(config, url).is_ok_and(|s| s.has_option("DOWNLOAD"))
}

/// This agent's DEVICEID (the one the inventory sends).
pub fn deviceid(vardir: &Path) -> Result<String, String> {
    crate::agent::host::deviceid(vardir)
}
