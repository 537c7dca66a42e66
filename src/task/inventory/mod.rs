//! The Inventory task: collects this machine's inventory and sends it to the target.
//!
//! Flow: pick the source (live, capture or replay) → run every module that applies
//! ([`collect`]) → finish the document (legacy OCS fields, tag, allowed fields) → write it
//! in a [`dialect`] (FusionInventory XML, OCS XML, GLPI JSON) to a file or stdout, or hand
//! it to the server exchange.

pub mod checksum;
pub mod collect;
pub mod dialect;
pub mod fields;
pub mod generic;
pub mod json;
pub mod json_fields;
pub mod model;
pub mod module;
pub mod modules;
pub mod os;
pub mod server;
pub mod xml;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::agent::config::Config;
use crate::agent::runner::Report;
use crate::agent::state;
use crate::agent::target::Target;
use crate::source::{capture::Capture, live::Live, replay::Replay, Source};

use dialect::Dialect;
use model::Inventory;

/// The User-Agent / VERSIONCLIENT string. The OCS server accepts this agent name with
/// a version whose `major.minor` is at most its own (2.8 for Debian 12's server):
/// `2.10` reads as 2.1 there.
pub const VERSIONCLIENT: &str = crate::net::ocs::USER_AGENT;

/// The source the configuration asks for.
pub fn source(config: &Config) -> Result<Box<dyn Source>, String> {
    let live = Live::new(Duration::from_secs(
        config.number("backend-collect-timeout", 180).max(1),
    ));
    if let Some(dir) = config.text("replay") {
        return Ok(Box::new(Replay::new(Path::new(dir))?));
    }
    if let Some(dir) = config.text("capture") {
        return Ok(Box::new(Capture::new(live, Path::new(dir))?));
    }
    Ok(Box::new(live))
}

/// The DEVICEID for this run: the stored one, or the recording's for a replay.
pub fn deviceid(config: &Config, src: &dyn Source) -> Result<String, String> {
    let host = src.uname().nodename;
    if let Some(dir) = config.text("replay") {
        let stored = std::fs::read_to_string(Path::new(dir).join("deviceid")).unwrap_or_default();
        let stored = stored.trim();
        return Ok(if state::is_valid_deviceid(stored) {
            stored.to_string()
        } else {
            format!("{}-2000-01-01-00-00-00", state::short_hostname(&host))
        });
    }
    let vardir = state::vardir(config)?;
    let id = state::deviceid(&vardir, &host)?;
    if let Some(dir) = config.text("capture") {
        let _ = std::fs::write(Path::new(dir).join("deviceid"), format!("{id}\n"));
    }
    Ok(id)
}

/// Collects the inventory of the configured source.
pub fn inventory(config: &Config) -> Result<Inventory, String> {
    let src = source(config)?;
    let id = deviceid(config, src.as_ref())?;
    Ok(collect::collect(src.as_ref(), config, &id))
}

/// The task's entry point in the child process.
pub fn run(target: &Target, config: &Config) -> Result<Report, String> {
    match target {
        Target::Local(path) => {
            let inv = inventory(config)?;
            let dialect = Dialect::local(config);
            let written = write_local(&inv, path, dialect)?;
            log::info!(
                "inventory of {} sections written to {written} ({} dialect)",
                inv.sections().count(),
                dialect.name()
            );
            // What `make bench` compares: this child's share of the run's peak memory.
            if let Some(kib) = crate::platform::memory::peak_rss_kib() {
                log::debug!("inventory child peak RSS: {kib} KiB");
            }
            let mut report = Report::ok();
            report.set("sections", inv.sections().count());
            report.set("message", format!("inventory written to {written}"));
            Ok(report)
        }
        Target::Server(url) => server::run(url, config),
    }
}

/// The document in the configured dialect (a server's exchange runs with its own: see
/// [`dialect::for_server`]).
pub fn render(inv: &Inventory, config: &Config) -> String {
    dialect::render(inv, Dialect::local(config), VERSIONCLIENT)
}

/// Writes to stdout (`-`), into a directory (`<DEVICEID>.ocs` / `.json`), or to a file.
fn write_local(inv: &Inventory, path: &str, dialect: Dialect) -> Result<String, String> {
    if path == "-" {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        dialect::write(&mut out, inv, dialect, VERSIONCLIENT)
            .and_then(|_| out.flush())
            .map_err(|e| format!("cannot write to stdout: {e}"))?;
        return Ok("stdout".into());
    }
    let mut file = PathBuf::from(path);
    if file.is_dir() {
        file = file.join(format!(
            "{}.{}",
            inv.deviceid,
            if dialect == Dialect::Json {
                "json"
            } else {
                "ocs"
            }
        ));
    }
    state::write_atomic_with(&file, |w| dialect::write(w, inv, dialect, VERSIONCLIENT))
        .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    Ok(file.display().to_string())
}
