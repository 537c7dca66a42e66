//! The Inventory task: collects this machine's inventory and sends it to the target.
//!
//! Flow: pick the source (live, capture or replay) → run every module that applies
//! ([`collect`]) → finish the document (legacy OCS fields, tag, allowed fields) → write it
//! as OCS XML (or GLPI JSON) to a file or stdout, or hand it to the server exchange.

pub mod checksum;
pub mod collect;
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

use model::Inventory;

/// The User-Agent / VERSIONCLIENT string. The OCS server accepts this agent name with
/// a version whose `major.minor` is at most its own (2.8 for Debian 12's server):
/// `2.10` reads as 2.1 there.
pub const VERSIONCLIENT: &str = concat!("OCS-NG_unified_unix_agent_v", env!("CARGO_PKG_VERSION"));

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
            let written = write_local(&inv, path, config.flag("json"))?;
            log::info!(
                "inventory of {} sections written to {written}",
                inv.sections().count()
            );
            let mut report = Report::ok();
            report.set("sections", inv.sections().count());
            report.set("message", format!("inventory written to {written}"));
            Ok(report)
        }
        Target::Server(url) => server::run(url, config),
    }
}

/// The document in the configured format.
pub fn render(inv: &Inventory, json: bool) -> String {
    if json {
        json::document(inv, VERSIONCLIENT)
    } else {
        xml::request(&inv.deviceid, "INVENTORY", Some(inv), VERSIONCLIENT)
    }
}

/// Writes the document to `out` in the configured format, as it is produced.
fn write_document(
    out: &mut dyn std::io::Write,
    inv: &Inventory,
    json: bool,
) -> std::io::Result<()> {
    if json {
        out.write_all(json::document(inv, VERSIONCLIENT).as_bytes())
    } else {
        xml::write_request(out, &inv.deviceid, "INVENTORY", Some(inv), VERSIONCLIENT)
    }
}

/// Writes to stdout (`-`), into a directory (`<DEVICEID>.ocs` / `.json`), or to a file.
fn write_local(inv: &Inventory, path: &str, json: bool) -> Result<String, String> {
    if path == "-" {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        write_document(&mut out, inv, json)
            .and_then(|_| out.flush())
            .map_err(|e| format!("cannot write to stdout: {e}"))?;
        return Ok("stdout".into());
    }
    let mut file = PathBuf::from(path);
    if file.is_dir() {
        file = file.join(format!(
            "{}.{}",
            inv.deviceid,
            if json { "json" } else { "ocs" }
        ));
    }
    state::write_atomic_with(&file, |w| write_document(w, inv, json))
        .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    Ok(file.display().to_string())
}
