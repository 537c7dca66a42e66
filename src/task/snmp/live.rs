//! Live devices: what to ask them, in which rounds, through the one-thread engine
//! ([`crate::snmp::collect`]), all devices in flight at once.
//!
//! 1. When a device has several credentials to try, a probe round (sysObjectID with
//!    each) picks the first that answers.
//! 2. The main round walks [`device::walks`] and GETs [`device::gets`] on every device;
//!    a table that loops or goes silent is left out and the rest read.
//! 3. For switches that keep one forwarding table per VLAN (no Q-BRIDGE table), a round
//!    reads the bridge tables in each VLAN's context (`community@vlan`, SNMPv3 context
//!    `vlan-N`): one context first, the others only if the device answered it.
//! 4. The pure derivation ([`device::inventory`]) builds each device's inventory.
//!
//! Every round of a device shares its [`Peer`]: one budget (values, bytes, time) for the
//! whole inventory, and the round trips measured in one round set the timeouts of the
//! next, so a looping or endless agent ends as one cut, never retried, and an
//! unanswered context costs a few of that device's round trips, not the configured
//! timeout.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use crate::snmp::identify::SysObjectDb;
use crate::snmp::oid::oid;
use crate::snmp::table::OidTable;
use crate::snmp::{collect_on, Credential, Options, Peer, Request, SharedPeer, Value, Version};

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
    // Each device's round trips and budget, across every round.
    let peers: Vec<SharedPeer> = targets.iter().map(|_| Peer::shared()).collect();
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
        let reqs = probes.iter().map(|(i, c)| {
            let req = Request {
                addr: targets[*i].addr,
                credential: targets[*i].credentials[*c].clone(),
                context: None,
                gets: vec![oid("1.3.6.1.2.1.1.2.0")],
                walks: Vec::new(),
            };
            (req, peers[*i].clone())
        });
        let mut answered: BTreeMap<usize, usize> = BTreeMap::new();
        collect_on(reqs, opts, |k, r| {
            let (i, c) = probes[k];
            if r.error.is_none() && !r.table.is_empty() {
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
    // 2. The main round. A device that loops in a table or goes silent in one keeps
    // the rest (the engine leaves that part out and goes on, within the device's one
    // budget); a device cut off (its budget spent) keeps what it answered until then,
    // and is asked nothing more.
    let gets = device::gets();
    let walks = device::walks();
    let main: Vec<usize> = (0..targets.len())
        .filter(|i| chosen[*i].is_some())
        .collect();
    let reqs = main.iter().filter_map(|i| {
        let req = Request {
            addr: targets[*i].addr,
            credential: chosen[*i].clone()?,
            context: None,
            gets: gets.clone(),
            walks: walks.clone(),
        };
        Some((req, peers[*i].clone()))
    });
    let mut tables: BTreeMap<usize, OidTable> = BTreeMap::new();
    // Devices that answered everything asked: the VLAN contexts are worth asking.
    let mut whole: Vec<bool> = vec![false; targets.len()];
    collect_on(reqs, opts, |k, r| {
        let i = main[k];
        for p in &r.problems {
            log::warn!("{p} (the rest of the device is inventoried)");
        }
        // Cut short before saying what it is: an inventory of that would only erase
        // what the server knows of the device.
        if r.table.is_empty() || (r.error.is_some() && !identified(&r.table)) {
            let e = r
                .error
                .unwrap_or_else(|| format!("{}: no answer", targets[i].addr));
            on_done(i, Err(e));
            return;
        }
        match r.error {
            Some(e) => log::warn!("{e}; what it answered before is inventoried"),
            None => whole[i] = true,
        }
        tables.insert(i, r.table);
    });
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
    let mut contexts: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
    for (i, table) in &tables {
        if !whole[*i]
            || table
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
        if !vlans.is_empty() {
            contexts.insert(*i, vlans.into_iter().take(MAX_VLAN_CONTEXTS).collect());
        }
    }
    let vlan_tables = read_contexts(targets, &chosen, &peers, &contexts, opts);
    // 4. The inventories.
    let mut vlan_tables = vlan_tables;
    for (i, table) in tables {
        {
            let p = peers[i].borrow();
            log::debug!(
                "{}: {} values, {} KiB of answers, round trip {} ms",
                targets[i].addr,
                p.rows(),
                p.bytes() >> 10,
                p.srtt().map_or(0, |d| d.as_millis())
            );
        }
        let mut params = targets[i].params.clone();
        params.vlan_tables = vlan_tables.remove(&i).unwrap_or_default();
        on_done(i, Ok(device::inventory(&table, db, &params)));
    }
}

/// Whether a table says what the device is (sysDescr or sysObjectID, with a value).
fn identified(table: &OidTable) -> bool {
    ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0"]
        .iter()
        .any(|o| table.get(&oid(o)).is_some_and(|v| *v != Value::Null))
}

/// The bridge tables of each device's VLANs, read in each VLAN's context: one context
/// first, then the others only from devices that answered it (many do not serve
/// contexts at all, and each unanswered one would cost its timeouts).
fn read_contexts(
    targets: &[Target],
    chosen: &[Option<Credential>],
    peers: &[SharedPeer],
    contexts: &BTreeMap<usize, Vec<u64>>,
    opts: &Options,
) -> BTreeMap<usize, BTreeMap<u64, OidTable>> {
    let mut out: BTreeMap<usize, BTreeMap<u64, OidTable>> = BTreeMap::new();
    let request = |i: usize, v: u64| {
        let cred = chosen[i].clone()?;
        let context = if cred.version == Version::V3 {
            format!("vlan-{v}")
        } else {
            v.to_string()
        };
        let req = Request {
            addr: targets[i].addr,
            credential: cred,
            context: Some(context),
            gets: Vec::new(),
            walks: vec![oid("1.3.6.1.2.1.17.4.3.1.2"), oid("1.3.6.1.2.1.17.1.4.1.2")],
        };
        Some((req, peers[i].clone()))
    };
    let mut take = |round: &[(usize, u64)], served: &mut Vec<usize>| {
        collect_on(
            round.iter().filter_map(|(i, v)| request(*i, *v)),
            opts,
            |k, r| {
                let (i, v) = round[k];
                match r.error {
                    None => {
                        served.push(i);
                        out.entry(i).or_default().insert(v, r.table);
                    }
                    Some(e) => log::debug!("VLAN {v} context: {e}"),
                }
            },
        );
    };
    let first: Vec<(usize, u64)> = contexts
        .iter()
        .filter_map(|(i, vlans)| Some((*i, *vlans.first()?)))
        .collect();
    let mut served = Vec::new();
    take(&first, &mut served);
    for (i, _) in &first {
        if !served.contains(i) {
            log::debug!(
                "{}: the first VLAN context is not served, no other asked",
                targets[*i].addr
            );
        }
    }
    let rest: Vec<(usize, u64)> = contexts
        .iter()
        .filter(|(i, _)| served.contains(i))
        .flat_map(|(i, vlans)| vlans.iter().skip(1).map(|v| (*i, *v)))
        .collect();
    if !rest.is_empty() {
        take(&rest, &mut Vec::new());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_cut_short_says_what_the_device_is_or_not() {
        let mut t = OidTable::new();
        t.insert(oid("1.3.6.1.2.1.1.1.0"), Value::Null);
        assert!(!identified(&t), "an echo of the request");
        t.insert(
            oid("1.3.6.1.2.1.1.2.0"),
            Value::Oid(oid("1.3.6.1.4.1.9.1.1")),
        );
        assert!(identified(&t));
    }

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
