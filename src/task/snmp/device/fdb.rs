//! CONNECTIONS learned by the bridge: the MAC addresses of its forwarding database
//! (dot1dTpFdbPort, dot1qTpFdbPort) mapped to interfaces through dot1dBasePortIfIndex.
//! Devices that keep one forwarding table per VLAN (Cisco) show it only in that VLAN's
//! context (`community@vlan`, SNMPv3 context `vlan-N`): those tables come in
//! [`super::Params::vlan_tables`]. Without any, the ARP table is the last resort.
//! A port whose neighbour announced itself (LLDP/CDP) keeps that neighbour instead.

use std::collections::BTreeMap;

use crate::snmp::canonical;
use crate::snmp::table::OidTable;

use super::super::model::{Connections, Device};
use super::column;

const FDB_PORT: &str = "1.3.6.1.2.1.17.4.3.1.2";
const QFDB_PORT: &str = "1.3.6.1.2.1.17.7.1.2.2.1.2";
const BASE_PORT_IFINDEX: &str = "1.3.6.1.2.1.17.1.4.1.2";
const ARP_IFINDEX: &str = "1.3.6.1.2.1.4.22.1.1";
const ARP_MAC: &str = "1.3.6.1.2.1.4.22.1.2";

/// The learned MACs of one forwarding table, by ifIndex, in the reference agents' order
/// (the OID suffixes sorted as text).
pub fn learned(table: &OidTable, fdb: &str) -> BTreeMap<u64, Vec<String>> {
    let base = column(table, BASE_PORT_IFINDEX);
    let mut rows: Vec<(String, Vec<u32>, u64)> = column(table, fdb)
        .into_iter()
        .filter_map(|(i, v)| {
            let s = i.iter().map(u32::to_string).collect::<Vec<_>>().join(".");
            Some((s, i, v.as_u64()?))
        })
        .collect();
    rows.sort();
    let mut out: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for (_, index, port) in rows {
        let Some(iface) = u32::try_from(port)
            .ok()
            .and_then(|p| base.get(&vec![p]))
            .and_then(|v| v.as_u64())
        else {
            continue;
        };
        if index.len() < 6 {
            continue;
        }
        let mac: Vec<u8> = index[index.len() - 6..]
            .iter()
            .map(|b| u8::try_from(*b).unwrap_or(0))
            .collect();
        out.entry(iface)
            .or_default()
            .push(canonical::format_mac(&mac));
    }
    out
}

fn arp(table: &OidTable) -> BTreeMap<u64, Vec<String>> {
    let ifs = column(table, ARP_IFINDEX);
    let mut out: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    for (index, v) in column(table, ARP_MAC) {
        let (Some(i), Some(m)) = (ifs.get(&index).and_then(|v| v.as_u64()), canonical::mac(v))
        else {
            continue;
        };
        out.entry(i).or_default().push(m);
    }
    out
}

fn add(dev: &mut Device, found: BTreeMap<u64, Vec<String>>) {
    for (i, macs) in found {
        let Some(p) = dev.ports.get_mut(&i) else {
            continue;
        };
        if matches!(p.connections, Some(Connections::Neighbour(_))) {
            continue;
        }
        let own = p.fields.get("MAC").cloned();
        let mut list = match p.connections.take() {
            Some(Connections::Macs(l)) => l,
            _ => Vec::new(),
        };
        for m in macs {
            if Some(&m) != own.as_ref() && !list.contains(&m) {
                list.push(m);
            }
        }
        if !list.is_empty() {
            p.connections = Some(Connections::Macs(list));
        }
    }
}

/// The VLANs whose own forwarding table is worth reading: those of ports without an
/// announced neighbour, VLAN 1 excepted (the default context shows it).
pub fn context_vlans(dev: &Device) -> Vec<u64> {
    let mut out: Vec<u64> = Vec::new();
    for p in dev.ports.values() {
        if matches!(p.connections, Some(Connections::Neighbour(_))) {
            continue;
        }
        for v in &p.vlans {
            if let Ok(n) = v.number.parse::<u64>() {
                if n != 1 && !out.contains(&n) {
                    out.push(n);
                }
            }
        }
    }
    out
}

pub fn fill(table: &OidTable, dev: &mut Device, vlan_tables: &BTreeMap<u64, OidTable>) {
    add(dev, learned(table, FDB_PORT));
    let q = learned(table, QFDB_PORT);
    if !q.is_empty() {
        add(dev, q);
        return;
    }
    let mut any = false;
    for v in context_vlans(dev) {
        if let Some(t) = vlan_tables.get(&v) {
            let found = learned(t, FDB_PORT);
            if !found.is_empty() {
                any = true;
                add(dev, found);
            }
        }
    }
    if !any {
        add(dev, arp(table));
    }
}
