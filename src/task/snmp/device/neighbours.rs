//! CONNECTIONS announced by the neighbours themselves: LLDP (remote systems whose chassis
//! id is a MAC), Cisco CDP (cache entries with an address, version and platform), Extreme
//! EDP. One neighbour per port; when LLDP and CDP name different devices on a port,
//! nothing is said about it.

use std::collections::{BTreeMap, BTreeSet};

use crate::snmp::canonical;
use crate::snmp::table::OidTable;
use crate::snmp::value::Value;

use super::super::model::{Connections, Device, Fields};
use super::column;

const LLDP_REM: &str = "1.0.8802.1.1.2.1.4.1.1";
const CISCO_PORT_IFINDEX: &str = "1.3.6.1.4.1.9.5.1.4.1.1.11.1";
const BASE_PORT_IFINDEX: &str = "1.3.6.1.2.1.17.1.4.1.2";
const CDP_CACHE: &str = "1.3.6.1.4.1.9.9.23.1.2.1.1";
const EDP_VLAN_IP: &str = "1.3.6.1.4.1.1916.1.13.3.1.3";
const EDP_NAME: &str = "1.3.6.1.4.1.1916.1.13.2.1.3";
const EDP_PORT: &str = "1.3.6.1.4.1.1916.1.13.2.1.6";

fn col<'a>(table: &'a OidTable, base: &str, n: u32) -> BTreeMap<Vec<u32>, &'a Value> {
    column(table, &format!("{base}.{n}"))
}

/// Whether a string value is binary (would be shown as hex by an SNMP library).
fn is_binary(v: &Value) -> bool {
    v.as_bytes().is_some_and(|b| {
        std::str::from_utf8(b).map_or(true, |s| s.chars().any(|c| c.is_control() && c != '\n'))
    })
}

/// LLDP neighbours by ifIndex.
pub fn lldp(table: &OidTable, vendor: Option<&str>) -> BTreeMap<u64, Fields> {
    let mut out = BTreeMap::new();
    let subtype = col(table, LLDP_REM, 4);
    let port_id = col(table, LLDP_REM, 7);
    let port_desc = col(table, LLDP_REM, 8);
    let sys_name = col(table, LLDP_REM, 9);
    let sys_desc = col(table, LLDP_REM, 10);
    let cisco = column(table, CISCO_PORT_IFINDEX);
    let port2if = if cisco.is_empty() {
        column(table, BASE_PORT_IFINDEX)
    } else {
        cisco
    };
    for (index, chassis) in col(table, LLDP_REM, 5) {
        let text = |m: &BTreeMap<Vec<u32>, &Value>| {
            m.get(&index)
                .and_then(|v| canonical::string(v))
                .filter(|s| !s.is_empty())
        };
        let descr = text(&sys_desc);
        let name = text(&sys_name);
        if descr.is_none() && name.is_none() {
            continue;
        }
        if index.len() < 2 {
            continue;
        }
        if subtype.get(&index).and_then(|v| v.as_u64()) != Some(4) {
            continue;
        }
        let mut c = Fields::new();
        if let Some(mac) = canonical::mac(chassis) {
            c.insert("SYSMAC".into(), mac);
        }
        if let Some(d) = descr {
            c.insert("SYSDESCR".into(), d);
        }
        if let Some(n) = name {
            c.insert("SYSNAME".into(), n);
        }
        if let Some(pid) = port_id.get(&index) {
            let mac_like = pid.as_bytes().is_some_and(|b| b.len() == 6) && is_binary(pid);
            if !mac_like {
                if let Some(s) = canonical::string(pid).filter(|s| !s.is_empty()) {
                    c.insert("IFNUMBER".into(), s);
                }
            }
        }
        if let Some(d) = text(&port_desc) {
            c.insert("IFDESCR".into(), d);
        }
        let local = index[index.len() - 2];
        let iface = match port2if.get(&vec![local]).and_then(|v| v.as_u64()) {
            Some(i) if vendor != Some("Juniper") => i,
            _ => u64::from(local),
        };
        out.insert(iface, c);
    }
    out
}

/// CDP neighbours by ifIndex (ports with several are left out).
pub fn cdp(table: &OidTable) -> BTreeMap<u64, Fields> {
    let mut out: BTreeMap<u64, Fields> = BTreeMap::new();
    let mut many = BTreeSet::new();
    let version = col(table, CDP_CACHE, 5);
    let device_id = col(table, CDP_CACHE, 6);
    let device_port = col(table, CDP_CACHE, 7);
    let platform = col(table, CDP_CACHE, 8);
    let sys_name = col(table, CDP_CACHE, 17);
    for (index, addr) in col(table, CDP_CACHE, 4) {
        if index.len() < 2 {
            continue;
        }
        let iface = u64::from(index[index.len() - 2]);
        let ip = match addr {
            Value::IpAddress(a) => Some(*a),
            v => v.as_bytes().and_then(|b| <[u8; 4]>::try_from(b).ok()),
        };
        let Some(ip) = ip.filter(|a| *a != [0, 0, 0, 0]) else {
            continue;
        };
        let text = |m: &BTreeMap<Vec<u32>, &Value>| {
            m.get(&index)
                .and_then(|v| canonical::string(v))
                .filter(|s| !s.is_empty())
        };
        let (Some(descr), Some(model)) = (text(&version), text(&platform)) else {
            continue;
        };
        let mut c = Fields::new();
        c.insert(
            "IP".into(),
            format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]),
        );
        c.insert("SYSDESCR".into(), descr);
        c.insert("MODEL".into(), model);
        if let Some(p) = device_port.get(&index) {
            let s = canonical::string(p).unwrap_or_default();
            if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
                c.insert("IFNUMBER".into(), s);
            } else if !s.is_empty() {
                c.insert("IFDESCR".into(), s);
            }
        }
        if let Some(n) = text(&sys_name) {
            c.insert("SYSNAME".into(), n);
        }
        let did = device_id.get(&index).copied();
        let mut did_text = String::new();
        if let Some(d) = did {
            if is_binary(d) {
                if d.as_bytes().is_some_and(|b| b.len() == 6) {
                    if let Some(m) = canonical::mac(d) {
                        c.insert("SYSMAC".into(), m);
                    }
                } else {
                    did_text = canonical::string(d).unwrap_or_default();
                    if did_text.len() == 12 && did_text.chars().all(|c| c.is_ascii_hexdigit()) {
                        if let Some(m) =
                            canonical::mac(&Value::OctetString(did_text.clone().into_bytes()))
                        {
                            c.insert("SYSMAC".into(), m);
                        }
                    } else if !c.contains_key("SYSNAME") && !did_text.is_empty() {
                        c.insert("SYSNAME".into(), did_text.clone());
                    }
                }
            } else {
                did_text = d.as_text().unwrap_or_default();
                if !c.contains_key("SYSNAME") && !did_text.is_empty() {
                    c.insert("SYSNAME".into(), did_text.clone());
                }
            }
        }
        if let Some(name) = c.get("SYSNAME").cloned() {
            if let Some(hex) = name.strip_prefix("SIP") {
                let hex_ok = hex.chars().all(|c| c.is_ascii_hexdigit());
                if hex_ok && hex.len() == 12 {
                    if let Some(m) = canonical::mac(&Value::OctetString(hex.as_bytes().to_vec())) {
                        c.insert("SYSMAC".into(), m);
                    }
                } else if let Some(prefix) = hex.strip_prefix('-') {
                    if let Some(rest) = did_text.strip_prefix(prefix) {
                        if rest.len() == 12 && rest.chars().all(|c| c.is_ascii_hexdigit()) {
                            if let Some(m) =
                                canonical::mac(&Value::OctetString(rest.as_bytes().to_vec()))
                            {
                                c.insert("SYSMAC".into(), m);
                            }
                        }
                    }
                }
            }
        }
        match out.entry(iface) {
            std::collections::btree_map::Entry::Occupied(_) => {
                many.insert(iface);
            }
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(c);
            }
        }
    }
    for i in many {
        out.remove(&i);
    }
    out
}

/// EDP neighbours by ifIndex.
pub fn edp(table: &OidTable) -> BTreeMap<u64, Fields> {
    let mut out: BTreeMap<u64, Fields> = BTreeMap::new();
    let mut many = BTreeSet::new();
    let names = column(table, EDP_NAME);
    let ports = column(table, EDP_PORT);
    for (index, ip) in column(table, EDP_VLAN_IP) {
        let Some(ip) = ip.as_text().filter(|i| i != "0.0.0.0") else {
            continue;
        };
        if index.len() < 9 {
            continue;
        }
        let iface = index[0];
        let mac: Vec<u8> = index[3..9]
            .iter()
            .map(|b| u8::try_from(*b).unwrap_or(0))
            .collect();
        let mut short = vec![iface, 0, 0];
        short.extend_from_slice(&index[3..9]);
        let mut c = Fields::new();
        c.insert("IP".into(), ip);
        if let Some(p) = ports.get(&short).and_then(|v| canonical::string(v)) {
            c.insert("IFDESCR".into(), p);
        }
        if let Some(n) = names.get(&short).and_then(|v| canonical::string(v)) {
            c.insert("SYSNAME".into(), n);
        }
        c.insert("SYSMAC".into(), canonical::format_mac(&mac));
        let iface = u64::from(iface);
        match out.entry(iface) {
            std::collections::btree_map::Entry::Occupied(_) => {
                many.insert(iface);
            }
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(c);
            }
        }
    }
    for i in many {
        out.remove(&i);
    }
    out
}

/// Whether a CDP entry names the same device as an LLDP one.
fn same_device(lldp: &Fields, cdp: &Fields) -> bool {
    if let Some(d) = lldp.get("SYSDESCR") {
        if cdp.get("SYSDESCR") == Some(d) {
            return true;
        }
    }
    if let (Some(l), Some(c)) = (lldp.get("SYSNAME"), cdp.get("SYSNAME")) {
        if l == c {
            return true;
        }
        let cmac = canonical::mac(&Value::OctetString(c.as_bytes().to_vec()));
        if cmac.is_some() && lldp.get("SYSMAC") == cmac.as_ref() {
            return true;
        }
    }
    false
}

pub fn fill(table: &OidTable, dev: &mut Device) {
    let vendor = dev.get("MANUFACTURER").map(str::to_string);
    for (i, c) in lldp(table, vendor.as_deref()) {
        if let Some(p) = dev.ports.get_mut(&i) {
            p.connections = Some(Connections::Neighbour(c));
        }
    }
    for (extra, cdp_like) in [(true, cdp(table)), (false, edp(table))] {
        for (i, c) in cdp_like {
            let Some(p) = dev.ports.get_mut(&i) else {
                continue;
            };
            match &mut p.connections {
                Some(Connections::Neighbour(l)) => {
                    let same = if extra {
                        same_device(l, &c)
                    } else {
                        l.get("SYSDESCR") == c.get("SYSDESCR")
                    };
                    if same {
                        let keys: &[&str] = if extra { &["IP", "MODEL"] } else { &["IP"] };
                        for k in keys {
                            match c.get(*k) {
                                Some(v) => l.insert(k.to_string(), v.clone()),
                                None => l.remove(*k),
                            };
                        }
                    } else {
                        p.connections = None;
                    }
                }
                _ => p.connections = Some(Connections::Neighbour(c)),
            }
        }
    }
}
