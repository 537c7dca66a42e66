//! Ubiquiti UniFi access points (sysObjectID under `41112`): the serial and MAC are the
//! AP's radio MAC (ubntWlStatApMac); each virtual AP interface (`wifi0ap0`,
//! `wifi1ap5.620`) is a Wi-Fi port (IFTYPE 71) named after its SSID, band and VLAN, its
//! interface name kept as IFALIAS.

use std::collections::BTreeMap;

use crate::snmp::canonical;

use super::super::device::column;
use super::super::model::Device;
use super::{Context, Overrides, Rule};

const AP_MAC: &str = "1.3.6.1.4.1.41112.1.4.5.1.4.1";
const VAP_ESSID: &str = "1.3.6.1.4.1.41112.1.6.1.2.1.6";
const VAP_NAME: &str = "1.3.6.1.4.1.41112.1.6.1.2.1.7";

pub const RULE: Rule = Rule {
    name: "ubnt",
    reads: &[
        "1.3.6.1.4.1.41112.1.4.5.1.4",
        "1.3.6.1.4.1.41112.1.6.1.2.1.6",
        "1.3.6.1.4.1.41112.1.6.1.2.1.7",
    ],
    applies: |c| c.under("1.3.6.1.4.1.41112") || c.supports("1.3.6.1.4.1.41112"),
    identity,
    inventory,
};

fn identity(c: &Context, o: &mut Overrides) {
    let mac = c.get(AP_MAC).and_then(canonical::mac);
    o.serial = mac.as_ref().map(|m| m.replace(':', ""));
    o.mac = mac;
}

/// `wifi0…` radios are 2.4 GHz, `wifi1…` 5 GHz.
fn band(ifname: &str) -> Option<&'static str> {
    match ifname.get(..5)? {
        "wifi0" => Some("2.4GHz"),
        "wifi1" => Some("5GHz"),
        _ => None,
    }
}

fn inventory(c: &Context, dev: &mut Device) {
    let essids = column(c.table, VAP_ESSID);
    let mut ssid_of: BTreeMap<String, String> = BTreeMap::new();
    for (index, name) in column(c.table, VAP_NAME) {
        if let (Some(n), Some(s)) = (
            canonical::text(name),
            essids.get(&index).and_then(|v| canonical::text(v)),
        ) {
            ssid_of.insert(n, s);
        }
    }
    if ssid_of.is_empty() {
        return;
    }
    for port in dev.ports.values_mut() {
        let Some(descr) = port.fields.get("IFDESCR").cloned() else {
            continue;
        };
        let (vap, vlan) = match descr.split_once('.') {
            Some((v, l)) => (v.to_string(), Some(l.to_string())),
            None => (descr.clone(), None),
        };
        let Some(ssid) = ssid_of.get(&vap) else {
            continue;
        };
        let mut notes: Vec<String> = band(&vap).into_iter().map(str::to_string).collect();
        if let Some(l) = vlan {
            notes.push(format!("VLAN {l}"));
        }
        let name = if notes.is_empty() {
            ssid.clone()
        } else {
            format!("{ssid} ({})", notes.join(", "))
        };
        port.fields.insert("IFNAME".into(), name);
        port.fields.insert("IFALIAS".into(), descr);
        port.fields.insert("IFTYPE".into(), "71".into());
    }
}
