//! One remote host's inventory: connect, collect with the shared module table, keep the
//! host's DEVICEID and read-ahead list, close.

use std::path::Path;
use std::time::Instant;

use crate::agent::config::Config;
use crate::agent::state;
use crate::source::ssh::session::Settings;
use crate::source::ssh::target::Remote;
use crate::source::ssh::Ssh;
use crate::source::Source;
use crate::task::inventory::collect;
use crate::task::inventory::model::Inventory;

/// The read-ahead list kept per host (see `source::ssh::readahead`).
const READAHEAD: &str = "readahead";

/// Inventories `remote`; an error is the one line the log shows for this host.
pub fn inventory(
    remote: &Remote,
    settings: &Settings,
    config: &Config,
    capture: Option<&Path>,
) -> Result<Inventory, String> {
    let started = Instant::now();
    let dir = settings.dir.join(remote.file_name());
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let learned = std::fs::read_to_string(dir.join(READAHEAD)).unwrap_or_default();
    let ssh = Ssh::connect(remote, settings, &learned, capture)?;
    let connected = started.elapsed();
    let host = ssh.uname().nodename;
    if host.trim().is_empty() {
        return Err("the host gave no name (uname -n)".into());
    }
    let deviceid = state::deviceid(&dir, &host)?;
    if let Some(cap) = capture {
        let _ = std::fs::write(cap.join("deviceid"), format!("{deviceid}\n"));
    }
    let inv = collect::collect(&ssh, config, &deviceid);
    for argv in ssh.timed_out() {
        log::warn!(
            "remote {}: command '{argv}' killed after {} s (backend-collect-timeout)",
            remote.label(),
            settings.command_timeout.as_secs()
        );
    }
    let trips = ssh.round_trips();
    ssh.close();
    if let Some(why) = ssh.failure() {
        return Err(format!("{why}; no inventory kept for this host"));
    }
    if let Err(e) = state::write_atomic(&dir.join(READAHEAD), ssh.learned().as_bytes()) {
        log::debug!("cannot keep the read-ahead list of {}: {e}", remote.label());
    }
    log::info!(
        "remote {}: {} ({}) inventoried in {} ms (connected in {} ms), {trips} round trips over one connection",
        remote.label(),
        host,
        ssh.uname().sysname,
        started.elapsed().as_millis(),
        connected.as_millis()
    );
    Ok(inv)
}
