//! INFO: what the device is (TYPE, MANUFACTURER, MODEL from [`identify`]), what it says
//! about itself (sysName, sysDescr, sysLocation, sysContact, sysUpTime), its serial
//! number, firmware, MAC address, IP addresses, CPU load and memory.
//!
//! [`identify`]: crate::snmp::identify

use std::collections::BTreeSet;

use crate::snmp::canonical;
use crate::snmp::identify::Identity;
use crate::snmp::table::OidTable;

use super::super::model::{Device, Fields};
use super::super::vendors::Overrides;
use super::{column, first_of, get, Params};

/// Where a serial number may be, after entPhysicalSerialNum and prtGeneralSerialNumber:
/// vendor objects, tried in order.
pub const SERIAL_OIDS: &[&str] = &[
    "1.3.6.1.4.1.2636.3.1.3.0",             // Juniper jnxBoxSerialNo
    "1.3.6.1.4.1.248.14.1.1.9.1.10.1",      // Hirschmann
    "1.3.6.1.4.1.253.8.53.3.2.1.3.1",       // Xerox
    "1.3.6.1.4.1.367.3.2.1.2.1.4.0",        // Ricoh
    "1.3.6.1.4.1.641.2.1.2.1.6.1",          // Lexmark
    "1.3.6.1.4.1.1602.1.2.1.4.0",           // Canon
    "1.3.6.1.4.1.2435.2.3.9.4.2.1.5.5.1.0", // Brother
    "1.3.6.1.4.1.318.1.1.4.1.5.0",          // APC MasterSwitch
    "1.3.6.1.4.1.6027.3.8.1.1.5.0",         // Force10 C-series
    "1.3.6.1.4.1.6027.3.10.1.2.2.1.12.1",   // Force10 S-series
    "1.3.6.1.4.1.3417.2.11.1.4.0",          // Blue Coat
    "1.3.6.1.4.1.232.2.2.2.1.0",            // HP/Compaq CPQSINFO
    "1.3.6.1.4.1.232.11.2.10.3.0",          // HP/Compaq CPQHOST
];

/// Firmware objects after the ENTITY-MIB revisions.
pub const FIRMWARE_OIDS: &[&str] = &[
    "1.3.6.1.4.1.9.9.25.1.1.1.2.5",        // Cisco IOS image
    "1.3.6.1.4.1.248.14.1.1.2.0",          // Hirschmann
    "1.3.6.1.4.1.2636.3.40.1.4.1.1.1.5.0", // Juniper
];

/// net-snmp's placeholder texts, not real locations or contacts.
fn is_placeholder(text: &str) -> bool {
    (text.contains("edit /etc") || text.contains("configure /etc"))
        && text.contains("snmp")
        && text.contains(".conf")
}

pub fn fill(table: &OidTable, id: &Identity, o: &Overrides, params: &Params, dev: &mut Device) {
    dev.set("ID", Some(params.id.clone()));
    let kind = params
        .forced_type
        .clone()
        .or_else(|| o.kind.clone())
        .or_else(|| id.kind.clone());
    dev.set("TYPE", kind);
    dev.set(
        "MANUFACTURER",
        o.manufacturer.clone().or_else(|| id.manufacturer.clone()),
    );
    dev.set("MODEL", o.model.clone().or_else(|| id.model.clone()));
    dev.set("COMMENTS", id.description.clone());
    let name = o.name.clone().or_else(|| {
        get(table, "1.3.6.1.2.1.1.5.0")
            .or_else(|| get(table, "1.3.6.1.4.1.2699.1.2.1.2.1.1.2.1"))
            .and_then(canonical::text)
    });
    dev.set("NAME", name);
    let loc = get(table, "1.3.6.1.2.1.1.6.0")
        .and_then(canonical::text)
        .filter(|t| !is_placeholder(t));
    dev.set("LOCATION", loc);
    let contact = get(table, "1.3.6.1.2.1.1.4.0")
        .and_then(canonical::text)
        .filter(|t| !is_placeholder(t));
    dev.set("CONTACT", contact);
    let uptime = get(table, "1.3.6.1.2.1.1.3.0").and_then(|v| match v {
        crate::snmp::value::Value::TimeTicks(t) => Some(canonical::uptime(u64::from(*t))),
        other => canonical::text(other),
    });
    dev.set("UPTIME", uptime);
    let bridge = get(table, "1.3.6.1.2.1.17.1.1.0").and_then(canonical::mac);
    dev.set(
        "MAC",
        bridge
            .or_else(|| o.mac.clone())
            .or_else(|| mac(table, params)),
    );
    dev.set("SERIAL", o.serial.clone().or_else(|| serial(table)));
    let firmware = o.firmware.clone().or_else(|| firmware(table));
    dev.set("FIRMWARE", firmware.clone());
    if let Some(version) = firmware {
        let mut f = Fields::new();
        f.insert(
            "NAME".into(),
            dev.get("MODEL").unwrap_or("device").to_string(),
        );
        f.insert("DESCRIPTION".into(), "device firmware".into());
        f.insert("TYPE".into(), "device".into());
        f.insert("VERSION".into(), version);
        if let Some(m) = dev.get("MANUFACTURER") {
            f.insert("MANUFACTURER".into(), m.to_string());
        }
        dev.firmwares.push(f);
    }
    let mut ips: Vec<String> = column(table, "1.3.6.1.2.1.4.20.1.1")
        .values()
        .filter_map(|v| v.as_text())
        .collect();
    ips.sort();
    ips.dedup();
    dev.ips = ips;
    let cpu = [
        "1.3.6.1.4.1.9.9.109.1.1.1.1.6.1",
        "1.3.6.1.4.1.9.9.109.1.1.1.1.3.1",
    ]
    .iter()
    .find_map(|o| get(table, o).and_then(canonical::integer));
    dev.set("CPU", cpu.map(|c| c.to_string()));
    let memory = get(table, "1.3.6.1.2.1.25.2.3.1.5.1")
        .and_then(canonical::integer)
        .filter(|n| *n >= 0)
        .map(|n| (n / 1024 / 1024).to_string());
    dev.set("MEMORY", memory);
    let ram = [
        ("1.3.6.1.4.1.2021.4.5.0", 1024),
        ("1.3.6.1.4.1.9.3.6.6.0", 1),
        ("1.3.6.1.2.1.25.2.2.0", 1024),
    ]
    .iter()
    .find_map(|(o, unit)| {
        let n = get(table, o).and_then(canonical::integer)?;
        (n >= 0).then(|| (n * unit / 1024 / 1024).to_string())
    });
    dev.set("RAM", ram);
}

fn serial(table: &OidTable) -> Option<String> {
    let v = first_of(table, "1.3.6.1.2.1.47.1.1.1.1.11")
        .or_else(|| first_of(table, "1.3.6.1.2.1.43.5.1.1.17"))
        .or_else(|| {
            SERIAL_OIDS
                .iter()
                .find_map(|o| get(table, o).filter(|v| canonical::text(v).is_some()))
        })?;
    canonical::serial(v)
}

fn firmware(table: &OidTable) -> Option<String> {
    let v = first_of(table, "1.3.6.1.2.1.47.1.1.1.1.10")
        .or_else(|| first_of(table, "1.3.6.1.2.1.47.1.1.1.1.9"))
        .or_else(|| FIRMWARE_OIDS.iter().find_map(|o| get(table, o)))?;
    canonical::text(v)
}

/// The device's MAC when neither the bridge nor a vendor rule gives it: the MAC of the
/// interface holding the address it was queried at; else the one MAC of its addressed
/// interfaces (or of all interfaces); among several, the lowest one that has its
/// successor too (a chassis address followed by its ports').
fn mac(table: &OidTable, params: &Params) -> Option<String> {
    let macs = column(table, "1.3.6.1.2.1.2.2.1.6");
    let ip_if = column(table, "1.3.6.1.2.1.4.20.1.2");
    let if_mac = |ifindex: u64| -> Option<String> {
        let i = u32::try_from(ifindex).ok()?;
        macs.get(&vec![i]).and_then(|v| canonical::mac(v))
    };
    if let Some(peer) = params.peer {
        let key: Vec<u32> = peer.octets().iter().map(|o| u32::from(*o)).collect();
        if let Some(m) = ip_if.get(&key).and_then(|v| v.as_u64()).and_then(if_mac) {
            return Some(m);
        }
    }
    let mut all: Vec<String> = ip_if
        .values()
        .filter_map(|v| v.as_u64())
        .filter_map(if_mac)
        .collect();
    if all.is_empty() {
        all = macs.values().filter_map(|v| canonical::mac(v)).collect();
    }
    let unique: BTreeSet<u64> = all.iter().filter_map(|m| mac_number(m)).collect();
    let sorted: Vec<u64> = unique.into_iter().collect();
    match sorted.as_slice() {
        [] => None,
        [one] => Some(number_mac(*one)),
        many => many
            .windows(2)
            .find(|w| w[1] == w[0] + 1)
            .map(|w| number_mac(w[0])),
    }
}

fn mac_number(mac: &str) -> Option<u64> {
    u64::from_str_radix(&mac.replace(':', ""), 16).ok()
}

fn number_mac(n: u64) -> String {
    let b = n.to_be_bytes();
    canonical::format_mac(&b[2..])
}
