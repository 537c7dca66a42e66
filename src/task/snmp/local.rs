//! By hand: `--netinventory HOST[:PORT]` and `--netinventory-file FILE`, the SNMPQUERY
//! message of each device written to the local target (stdout, a file, or one file per
//! device in a directory).
//!
//! A walk file `F` may have siblings `F@VLAN`: the bridge tables read in that VLAN's
//! context, as the reference agents' test walks do.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::agent::config::Config;
use crate::agent::runner::Report;
use crate::agent::state;
use crate::agent::target::Target;
use crate::snmp::identify::SysObjectDb;
use crate::snmp::table::OidTable;
use crate::snmp::walkfile;

use super::device::{self, Params};
use super::{live, message, model};
use crate::snmp::{Credential, Options};

/// The credentials of `--credentials`, `version:2c,community:public` when none is given.
pub fn credentials(config: &Config) -> Result<Vec<Credential>, String> {
    let given = config.list("credentials");
    if given.is_empty() {
        return Ok(vec![Credential::community("public")]);
    }
    // One parser for both tasks: a new credential starts at each `version:` key.
    Credential::parse_list(&given).into_iter().collect()
}

/// The engine's options from `--snmp-timeout`.
pub fn options(config: &Config) -> Options {
    let mut o = Options::default();
    if let Some(t) = config
        .text("snmp-timeout")
        .and_then(|t| t.trim().parse::<u64>().ok())
    {
        o.timeout = std::time::Duration::from_secs(t.max(1));
    }
    o
}

/// Whether the options ask for a by-hand SNMP inventory.
pub fn wanted(config: &Config) -> bool {
    !config.list("netinventory").is_empty() || !config.list("netinventory-file").is_empty()
}

/// A walk file read as a device, with the VLAN-context siblings `FILE@VLAN`.
pub fn read_walk(path: &Path) -> Result<(OidTable, BTreeMap<u64, OidTable>), String> {
    let walk = walkfile::read(path)?;
    for p in walk.problems() {
        log::warn!("{}: {p}", path.display());
    }
    if walk.table.is_empty() {
        return Err(format!("{}: no SNMP value in this file", path.display()));
    }
    let mut vlans = BTreeMap::new();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let f = e.file_name().to_string_lossy().into_owned();
            let Some(v) = f
                .strip_prefix(&name)
                .and_then(|r| r.strip_prefix('@'))
                .and_then(|v| v.parse::<u64>().ok())
            else {
                continue;
            };
            match walkfile::read(&e.path()) {
                Ok(w) => {
                    vlans.insert(v, w.table);
                }
                Err(err) => log::warn!("{err}"),
            }
        }
    }
    Ok((walk.table, vlans))
}

/// The DEVICEID the messages carry.
pub fn deviceid(config: &Config) -> String {
    let host = crate::agent::host::name();
    state::vardir(config)
        .and_then(|v| state::deviceid(&v, &host))
        .unwrap_or_else(|_| format!("{}-2000-01-01-00-00-00", state::short_hostname(&host)))
}

pub fn run(target: &Target, config: &Config) -> Result<Report, String> {
    let Target::Local(path) = target else {
        return Err("not a local target".into());
    };
    let id = deviceid(config);
    let mut docs: Vec<(String, String)> = Vec::new();
    let mut failed = 0;
    for file in config.list("netinventory-file") {
        match read_walk(Path::new(&file)) {
            Ok((table, vlan_tables)) => {
                let sysobjectid = table
                    .get(&crate::snmp::oid::oid("1.3.6.1.2.1.1.2.0"))
                    .and_then(|v| v.as_oid())
                    .cloned();
                let db = SysObjectDb::system_for(&Vec::from_iter(sysobjectid));
                let params = Params {
                    id: "0".into(),
                    vlan_tables,
                    ..Params::default()
                };
                let dev = device::inventory(&table, &db, &params);
                log::info!(
                    "{file}: {} {} with {} ports",
                    dev.get("TYPE").unwrap_or("device"),
                    dev.get("NAME").unwrap_or("(no name)"),
                    dev.ports.len()
                );
                docs.push((label(&file), message::device(&id, "1", &dev)));
            }
            Err(e) => {
                failed += 1;
                log::error!("{e}");
                docs.push((label(&file), message::error(&id, "1", "0", "", &e)));
            }
        }
    }
    let hosts = config.list("netinventory");
    if !hosts.is_empty() {
        let creds = credentials(config)?;
        let mut targets = Vec::new();
        let mut labels = Vec::new();
        for host in &hosts {
            match live::parse_addr(host) {
                Ok(addr) => {
                    let peer = match addr.ip() {
                        std::net::IpAddr::V4(v4) => Some(v4),
                        std::net::IpAddr::V6(_) => None,
                    };
                    targets.push(live::Target {
                        addr,
                        credentials: creds.clone(),
                        params: Params {
                            id: "0".into(),
                            peer,
                            ..Params::default()
                        },
                    });
                    labels.push(host.clone());
                }
                Err(e) => {
                    failed += 1;
                    log::error!("{e}");
                    docs.push((label(host), message::error(&id, "1", "0", "", &e)));
                }
            }
        }
        let mut results: Vec<Option<Result<model::Device, String>>> = vec![None; targets.len()];
        live::inventory_all(&targets, &options(config), None, |i, r| {
            if let Some(slot) = results.get_mut(i) {
                *slot = Some(r);
            }
        });
        for (i, r) in results.into_iter().enumerate() {
            let host = &labels[i];
            match r.unwrap_or_else(|| Err(format!("{host}: no result"))) {
                Ok(dev) => {
                    log::info!(
                        "{host}: {} {} with {} ports",
                        dev.get("TYPE").unwrap_or("device"),
                        dev.get("NAME").unwrap_or("(no name)"),
                        dev.ports.len()
                    );
                    docs.push((label(host), message::device(&id, "1", &dev)));
                }
                Err(e) => {
                    failed += 1;
                    log::error!("{e}");
                    docs.push((label(host), message::error(&id, "1", "0", "", &e)));
                }
            }
        }
    }
    let written = write(path, &docs)?;
    let mut report = Report::ok();
    report.set("devices", docs.len() - failed);
    report.set("failed", failed);
    report.set(
        "message",
        format!("{} SNMP inventories written to {written}", docs.len()),
    );
    if failed > 0 && failed == docs.len() {
        return Err(format!("no device could be inventoried ({failed} failed)"));
    }
    Ok(report)
}

/// A file-name-safe label of a device (its address or walk file name).
fn label(source: &str) -> String {
    let base = Path::new(source)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.to_string());
    base.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// stdout: the messages one after the other; a directory: `netinventory-<label>.xml`
/// each; a file: the messages one after the other.
fn write(path: &str, docs: &[(String, String)]) -> Result<String, String> {
    if path == "-" {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        for (_, d) in docs {
            out.write_all(d.as_bytes())
                .map_err(|e| format!("cannot write to stdout: {e}"))?;
        }
        return Ok("stdout".into());
    }
    let p = PathBuf::from(path);
    if p.is_dir() {
        for (l, d) in docs {
            let f = p.join(format!("netinventory-{l}.xml"));
            state::write_atomic(&f, d.as_bytes())
                .map_err(|e| format!("cannot write {}: {e}", f.display()))?;
        }
        return Ok(p.display().to_string());
    }
    let all: String = docs.iter().map(|(_, d)| d.as_str()).collect();
    state::write_atomic(&p, all.as_bytes()).map_err(|e| format!("cannot write {path}: {e}"))?;
    Ok(path.to_string())
}
