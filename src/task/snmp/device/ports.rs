//! PORTS: one port per interface of ifTable/ifXTable (and of dot3StatsDuplexStatus), with
//! its counters, speed (ifHighSpeed in Mb/s when set, else ifSpeed), MAC, duplex, alias
//! and the IP addresses of ipAddrTable that name it.

use crate::snmp::canonical;
use crate::snmp::table::OidTable;
use crate::snmp::value::Value;

use super::super::model::Device;
use super::{column, single};

#[derive(Clone, Copy)]
enum Kind {
    Constant,
    Text,
    Count,
    Mac,
    Ticks,
}

/// (field, column, kind).
const COLUMNS: &[(&str, &str, Kind)] = &[
    ("IFNUMBER", "1.3.6.1.2.1.2.2.1.1", Kind::Constant),
    ("IFDESCR", "1.3.6.1.2.1.2.2.1.2", Kind::Text),
    ("IFTYPE", "1.3.6.1.2.1.2.2.1.3", Kind::Constant),
    ("IFMTU", "1.3.6.1.2.1.2.2.1.4", Kind::Count),
    ("IFSTATUS", "1.3.6.1.2.1.2.2.1.8", Kind::Constant),
    ("IFINTERNALSTATUS", "1.3.6.1.2.1.2.2.1.7", Kind::Constant),
    ("IFLASTCHANGE", "1.3.6.1.2.1.2.2.1.9", Kind::Ticks),
    ("IFINOCTETS", "1.3.6.1.2.1.2.2.1.10", Kind::Count),
    ("IFOUTOCTETS", "1.3.6.1.2.1.2.2.1.16", Kind::Count),
    ("IFINERRORS", "1.3.6.1.2.1.2.2.1.14", Kind::Count),
    ("IFOUTERRORS", "1.3.6.1.2.1.2.2.1.20", Kind::Count),
    ("MAC", "1.3.6.1.2.1.2.2.1.6", Kind::Mac),
    ("IFPORTDUPLEX", "1.3.6.1.2.1.10.7.2.1.19", Kind::Constant),
    ("IFALIAS", "1.3.6.1.2.1.31.1.1.1.18", Kind::Text),
];

const IF_NAME: &str = "1.3.6.1.2.1.31.1.1.1.1";
const IF_DESCR: &str = "1.3.6.1.2.1.2.2.1.2";
const IF_SPEED: &str = "1.3.6.1.2.1.2.2.1.5";
const IF_HIGH_SPEED: &str = "1.3.6.1.2.1.31.1.1.1.15";
const IP_IFINDEX: &str = "1.3.6.1.2.1.4.20.1.2";

fn render(kind: Kind, v: &Value) -> Option<String> {
    match kind {
        Kind::Constant | Kind::Count => canonical::integer(v).map(|n| n.to_string()),
        Kind::Text => canonical::string(v),
        Kind::Mac => canonical::mac(v),
        Kind::Ticks => match v {
            Value::TimeTicks(t) => Some(canonical::uptime(u64::from(*t))),
            other => canonical::string(other),
        },
    }
    .filter(|s| !s.is_empty())
}

pub fn fill(table: &OidTable, dev: &mut Device) {
    let set = |dev: &mut Device, index: &[u32], field: &str, value: Option<String>| {
        let (Some(i), Some(v)) = (single(index), value) else {
            return;
        };
        dev.ports
            .entry(i)
            .or_default()
            .fields
            .insert(field.to_string(), v);
    };
    for (field, base, kind) in COLUMNS {
        for (index, v) in column(table, base) {
            set(dev, &index, field, render(*kind, v));
        }
    }
    let names = column(table, IF_NAME);
    let names = if names.is_empty() {
        column(table, IF_DESCR)
    } else {
        names
    };
    for (index, v) in names {
        set(dev, &index, "IFNAME", render(Kind::Text, v));
    }
    let high = column(table, IF_HIGH_SPEED);
    for (index, v) in column(table, IF_SPEED) {
        let hs = high.get(&index).and_then(|h| h.as_u64()).filter(|h| *h > 0);
        let speed = match hs {
            Some(h) => Some(h * 1_000_000),
            None => v.as_u64(),
        };
        set(dev, &index, "IFSPEED", speed.map(|s| s.to_string()));
    }
    for (index, v) in column(table, IP_IFINDEX) {
        let Some(ifindex) = v.as_u64().filter(|i| *i > 0) else {
            continue;
        };
        if index.len() != 4 || index.iter().any(|o| *o > 255) {
            continue;
        }
        let ip = format!("{}.{}.{}.{}", index[0], index[1], index[2], index[3]);
        if let Some(port) = dev.ports.get_mut(&ifindex) {
            port.ips.push(ip);
        }
    }
    // In text order, the last one as IP: what the reference agents report.
    for port in dev.ports.values_mut() {
        port.ips.sort();
        if let Some(last) = port.ips.last() {
            port.fields.insert("IP".into(), last.clone());
        }
    }
}
