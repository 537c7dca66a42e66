//! Live devices: what to ask them, in which rounds, through the one-thread engine
//! ([`crate::snmp::collect`]), all devices in flight at once.
//!
//! 1. When a device has several credentials to try, a probe round (sysObjectID with
//!    each) picks the first that answers.
//! 2. The main round walks [`device::walks`] and GETs [`device::gets`] on every device;
//!    a device that fails there is read again one subtree per request, so one broken
//!    table costs that table only.
//! 3. For switches that keep one forwarding table per VLAN (no Q-BRIDGE table), a round
//!    reads the bridge tables in each VLAN's context (`community@vlan`, SNMPv3 context
//!    `vlan-N`).
//! 4. The pure derivation ([`device::inventory`]) builds each device's inventory.
//!
//! The engine bounds everything a device can cost (per-request timeout and retries, a
//! deadline per device, a row limit), so a looping or endless agent ends as one error.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use crate::snmp::identify::SysObjectDb;
use crate::snmp::oid::oid;
use crate::snmp::table::OidTable;
use crate::snmp::{collect, Credential, Options, Request, Version};

use super::device::{self, fdb, Params};
use super::model::Device;

/// One device to inventory.
#[derive(Clone, Debug)]
pub struct Target {
    pub addr: SocketAddr,
    /// Tried in order.
    pub credentials: Vec<Credential>,
    pub params: Params,
}

/// The most VLAN contexts read per device: beyond, the forwarding tables of the rest
/// are not worth the time (a switch with 4000 VLANs would cost 4000 walks).
const MAX_VLAN_CONTEXTS: usize = 64;

/// A `SocketAddr` from `HOST[:PORT]` (port 161 by default).
pub fn parse_addr(text: &str) -> Result<SocketAddr, String> {
    use std::net::ToSocketAddrs;
    let t = text.trim();
    let with_port = if t.parse::<std::net::IpAddr>().is_ok() {
        format!("{t}:161")
    } else if t.starts_with('[')
        || t.rsplit_once(':')
            .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        t.to_string()
    } else {
        format!("{t}:161")
    };
    with_port
        .to_socket_addrs()
        .map_err(|e| format!("{t}: {e}"))?
        .next()
        .ok_or_else(|| format!("{t}: no address"))
}

/// Inventories every target; `on_done(index, inventory or error)` as each is ready.
/// `db`: the sysObjectID database, or `None` for the system's (only the rows these
/// devices need are read).
pub fn inventory_all(
    targets: &[Target],
    opts: &Options,
    db: Option<&SysObjectDb>,
    mut on_done: impl FnMut(usize, Result<Device, String>),
) {
    // 1. Credentials.
    let mut chosen: Vec<Option<Credential>> = vec![None; targets.len()];
    let mut failed: Vec<Option<String>> = vec![None; targets.len()];
    let mut probes: Vec<(usize, usize)> = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        match t.credentials.len() {
            0 => failed[i] = Some("no SNMP credential to try".into()),
            1 => chosen[i] = t.credentials.first().cloned(),
            _ => probes.extend((0..t.credentials.len()).map(|c| (i, c))),
        }
    }
    if !probes.is_empty() {
        let reqs: Vec<Request> = probes
            .iter()
            .map(|(i, c)| Request {
                addr: targets[*i].addr,
                credential: targets[*i].credentials[*c].clone(),
                context: None,
                gets: vec![oid("1.3.6.1.2.1.1.2.0")],
                walks: Vec::new(),
            })
            .collect();
        let mut answered: BTreeMap<usize, usize> = BTreeMap::new();
        collect(reqs, opts, |k, r| {
            let (i, c) = probes[k];
            if r.is_ok_and(|t| !t.is_empty()) {
                let best = answered.entry(i).or_insert(c);
                *best = (*best).min(c);
            }
        });
        for (i, t) in targets.iter().enumerate() {
            if t.credentials.len() > 1 {
                match answered.get(&i) {
                    Some(c) => chosen[i] = Some(t.credentials[*c].clone()),
                    None => {
                        failed[i] = Some(format!(
                            "no answer with any of the {} credentials",
                            t.credentials.len()
                        ))
                    }
                }
            }
        }
    }
    for (i, f) in failed.iter().enumerate() {
        if let Some(e) = f {
            on_done(i, Err(format!("{}: {e}", targets[i].addr)));
        }
    }
    // 2. The main round.
    let gets = device::gets();
    let walks = device::walks();
    let main: Vec<usize> = (0..targets.len())
        .filter(|i| chosen[*i].is_some())
        .collect();
    let reqs: Vec<Request> = main
        .iter()
        .filter_map(|i| {
            Some(Request {
                addr: targets[*i].addr,
                credential: chosen[*i].clone()?,
                context: None,
                gets: gets.clone(),
                walks: walks.clone(),
            })
        })
        .collect();
    let mut tables: BTreeMap<usize, OidTable> = BTreeMap::new();
    let mut retry: Vec<(usize, String)> = Vec::new();
    collect(reqs, opts, |k, r| {
        let i = main[k];
        match r {
            Ok(t) if t.is_empty() => on_done(i, Err(format!("{}: no answer", targets[i].addr))),
            Ok(t) => {
                tables.insert(i, t);
            }
            Err(e) => retry.push((i, e)),
        }
    });
    // 2b. A device that failed one walk (stopped answering in the middle of a table, a
    // walk that does not move forward…) is read again one subtree per request, and keeps
    // what answered.
    if !retry.is_empty() {
        let mut parts: Vec<(usize, Option<&crate::snmp::Oid>)> = Vec::new();
        for (i, _) in &retry {
            parts.push((*i, None));
            parts.extend(walks.iter().map(|w| (*i, Some(w))));
        }
        let reqs: Vec<Request> = parts
            .iter()
            .filter_map(|(i, w)| {
                Some(Request {
                    addr: targets[*i].addr,
                    credential: chosen[*i].clone()?,
                    context: None,
                    gets: if w.is_none() {
                        gets.clone()
                    } else {
                        Vec::new()
                    },
                    walks: w.iter().map(|o| (*o).clone()).collect(),
                })
            })
            .collect();
        let mut partial: BTreeMap<usize, (OidTable, Vec<String>)> = BTreeMap::new();
        collect(reqs, opts, |k, r| {
            let (i, _) = parts[k];
            let entry = partial.entry(i).or_default();
            match r {
                Ok(t) => entry.0.merge(t),
                Err(e) => entry.1.push(e),
            }
        });
        for (i, first) in retry {
            match partial.remove(&i) {
                Some((t, errors)) if !t.is_empty() => {
                    for e in errors {
                        log::warn!("{e} (the rest of the device is inventoried)");
                    }
                    tables.insert(i, t);
                }
                // The engine's errors name the device already.
                _ => on_done(i, Err(first)),
            }
        }
    }
    let loaded;
    let db = match db {
        Some(d) => d,
        None => {
            let ids: Vec<crate::snmp::Oid> = tables
                .values()
                .filter_map(|t| {
                    t.get(&oid("1.3.6.1.2.1.1.2.0"))
                        .and_then(|v| v.as_oid())
                        .cloned()
                })
                .collect();
            loaded = SysObjectDb::system_for(&ids);
            &loaded
        }
    };
    // 3. Per-VLAN bridge tables where the device needs them.
    let mut contexts: Vec<(usize, u64)> = Vec::new();
    for (i, table) in &tables {
        if table
            .below(&oid("1.3.6.1.2.1.17.7.1.2.2.1.2"))
            .next()
            .is_some()
        {
            continue;
        }
        let first = device::inventory(table, db, &targets[*i].params);
        if first.get("TYPE") != Some("NETWORKING") {
            continue;
        }
        let vlans = fdb::context_vlans(&first);
        contexts.extend(vlans.into_iter().take(MAX_VLAN_CONTEXTS).map(|v| (*i, v)));
    }
    let mut vlan_tables: BTreeMap<usize, BTreeMap<u64, OidTable>> = BTreeMap::new();
    if !contexts.is_empty() {
        let reqs: Vec<Request> = contexts
            .iter()
            .filter_map(|(i, v)| {
                let cred = chosen[*i].clone()?;
                let context = if cred.version == Version::V3 {
                    format!("vlan-{v}")
                } else {
                    v.to_string()
                };
                Some(Request {
                    addr: targets[*i].addr,
                    credential: cred,
                    context: Some(context),
                    gets: Vec::new(),
                    walks: vec![oid("1.3.6.1.2.1.17.4.3.1.2"), oid("1.3.6.1.2.1.17.1.4.1.2")],
                })
            })
            .collect();
        collect(reqs, opts, |k, r| {
            let (i, v) = contexts[k];
            match r {
                Ok(t) => {
                    vlan_tables.entry(i).or_default().insert(v, t);
                }
                Err(e) => log::debug!("{}: VLAN {v} context: {e}", targets[i].addr),
            }
        });
    }
    // 4. The inventories.
    for (i, table) in tables {
        let mut params = targets[i].params.clone();
        params.vlan_tables = vlan_tables.remove(&i).unwrap_or_default();
        on_done(i, Ok(device::inventory(&table, db, &params)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(
            parse_addr("127.0.0.1").unwrap(),
            "127.0.0.1:161".parse().unwrap()
        );
        assert_eq!(
            parse_addr("127.0.2.1:1161").unwrap(),
            "127.0.2.1:1161".parse().unwrap()
        );
        assert!(parse_addr("no.such.host.invalid").is_err());
    }
}
