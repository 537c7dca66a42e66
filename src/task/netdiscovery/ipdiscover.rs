//! OCS's IPDISCOVER job: the server names a network (`<PARAM IPDISC_LAT="ms">net</PARAM>`)
//! this agent is elected to scan; the hosts found (address, MAC, name) go into the same
//! run's inventory as `CONTENT/IPDISCOVER/H{I,M,N}`, handed over with
//! `ServerState::add_to_inventory` (sent while the server still sends the option).
//!
//! Unlike the Perl agent, which scans its default route's interface whatever the
//! option says, the network scanned is the one named, and only when an interface of
//! this machine is in it (its mask gives the range; the server files the result under
//! that network). The server drops an H without a MAC (`xx:xx:xx:xx:xx:xx`), so only
//! hosts with one are written; N is the NetBIOS or SNMP name, else the name
//! `/etc/hosts` gives the address (the Perl agent's resolver looks there first; no DNS
//! query is made), `-` when there is none.

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::path::Path;
use std::time::Duration;

use crate::agent::server_state::ServerState;
use crate::net::interfaces;
use crate::net::xmltree::Node;

use super::device::Device;
use super::job::JobRange;
use super::range::Range;
use super::scan::{self, ScanOptions};

/// IPDISC_LAT when the server sends none (OCS's IPDISCOVER_LATENCY default), in ms.
const DEFAULT_LATENCY_MS: u64 = 100;
/// OCS's ipdiscover refuses masks shorter than /16; so do we.
const MIN_PREFIX: u8 = 16;

/// The network and latency of an IPDISCOVER option.
pub fn parse_option(option: &Node) -> Result<(Ipv4Addr, u64), String> {
    let param = option
        .child("PARAM")
        .ok_or("IPDISCOVER option without PARAM: nothing to scan")?;
    let net = param.text.trim().parse::<Ipv4Addr>().map_err(|_| {
        format!(
            "IPDISCOVER network '{}' is not an IPv4 address",
            param.text.trim()
        )
    })?;
    let lat = param
        .attr("IPDISC_LAT")
        .and_then(|l| l.trim().parse::<u64>().ok())
        .filter(|l| *l > 0)
        .unwrap_or(DEFAULT_LATENCY_MS);
    Ok((net, lat))
}

/// The range to scan for `net`: that of the interface address lying in it.
pub fn range_for(
    net: Ipv4Addr,
    ifaces: &[interfaces::Interface],
) -> Result<(Range, Ipv4Addr), String> {
    for i in ifaces.iter().filter(|i| i.up) {
        for (addr, prefix, _) in &i.ipv4 {
            if interfaces::network(*addr, *prefix) != net || *prefix >= 31 {
                continue;
            }
            if *prefix < MIN_PREFIX {
                return Err(format!(
                    "IPDISCOVER network {net}/{prefix} is larger than a /{MIN_PREFIX}: not scanned"
                ));
            }
            let r = Range::parse(&format!("{net}/{prefix}"))?;
            return Ok((r, *addr));
        }
    }
    Err(format!(
        "no interface of this machine is in the IPDISCOVER network {net}: not scanned"
    ))
}

/// Address → first name of an `/etc/hosts` text.
pub fn hosts_names(text: &str) -> HashMap<Ipv4Addr, String> {
    let mut out = HashMap::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut f = line.split_whitespace();
        let (Some(ip), Some(name)) = (f.next(), f.next()) else {
            continue;
        };
        if let Ok(ip) = ip.parse::<Ipv4Addr>() {
            out.entry(ip).or_insert_with(|| name.to_string());
        }
    }
    out
}

/// The `IPDISCOVER` fragment for the devices found (`names`: from `/etc/hosts`).
pub fn fragment(devices: &[Device], names: &HashMap<Ipv4Addr, String>) -> String {
    let mut root = Node::new("IPDISCOVER");
    for d in devices {
        let (Some(ip), Some(mac)) = (d.ip, d.mac.as_ref()) else {
            continue;
        };
        let name = d
            .netbiosname
            .clone()
            .or_else(|| d.snmphostname.clone())
            .or_else(|| names.get(&ip).cloned())
            .unwrap_or_else(|| "-".into());
        let mut h = Node::new("H");
        for (tag, v) in [
            ("I", ip.to_string()),
            ("M", mac.to_ascii_lowercase()),
            ("N", name),
        ] {
            let mut n = Node::new(tag);
            n.text = v;
            h.children.push(n);
        }
        root.children.push(h);
    }
    // The fragment without the XML declaration: it is spliced into the inventory.
    let xml = root.to_xml();
    match xml.split_once("?>") {
        Some((_, rest)) => rest.trim_start().to_string(),
        None => xml,
    }
}

/// Scans the option's network and writes the handoff file; a summary line.
pub fn run(server_dir: &Path, option: &Node, task_timeout: Duration) -> Result<String, String> {
    let (net, lat) = parse_option(option)?;
    let (range, own) = range_for(net, &interfaces::list())?;
    // IPDISC_LAT is the delay between two addresses; kept unless the scan would not
    // end within half the task's time limit.
    let by_latency = (1000 / lat).max(1);
    let needed = (range.len() * 2 / task_timeout.as_secs().max(1)).max(1);
    let rate = u32::try_from(by_latency.max(needed)).unwrap_or(scan::RATE);
    let opts = ScanOptions {
        rate: rate.min(scan::RATE),
        ..ScanOptions::default()
    };
    log::info!(
        "IPDISCOVER: scanning {range} ({} addresses, {} per second)",
        range.len(),
        opts.rate
    );
    let mut found = Vec::new();
    let ranges = [JobRange {
        range,
        entity: None,
    }];
    scan::scan(&ranges, &[], &opts, |d| {
        if d.ip != Some(own) && d.mac.is_some() {
            found.push(d);
        }
        true
    });
    let names = hosts_names(&std::fs::read_to_string("/etc/hosts").unwrap_or_default());
    ServerState::at(server_dir).add_to_inventory("IPDISCOVER", &fragment(&found, &names))?;
    Ok(format!(
        "IPDISCOVER: {} hosts with a MAC in {net}, for this run's inventory",
        found.len()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_and_range() {
        let o = Node::parse(
            "<OPTION><NAME>IPDISCOVER</NAME><PARAM IPDISC_LAT=\"10\">127.99.0.0</PARAM></OPTION>",
        )
        .unwrap();
        let (net, lat) = parse_option(&o).unwrap();
        assert_eq!((net.to_string().as_str(), lat), ("127.99.0.0", 10));
        let ifs = vec![interfaces::Interface {
            name: "veth0".into(),
            up: true,
            ipv4: vec![("127.99.0.1".parse().unwrap(), 24, None)],
            ..Default::default()
        }];
        let (r, own) = range_for(net, &ifs).unwrap();
        assert_eq!(r.len(), 254);
        assert_eq!(own.to_string(), "127.99.0.1");
        assert!(range_for("10.0.0.0".parse().unwrap(), &ifs)
            .unwrap_err()
            .contains("no interface"));
        assert!(parse_option(&Node::parse("<OPTION><PARAM>x</PARAM></OPTION>").unwrap()).is_err());
    }

    #[test]
    fn fragment_has_only_hosts_with_mac() {
        let mut a = Device::new("127.99.0.2".parse().unwrap());
        a.mac = Some("AA:97:77:90:B1:3A".into());
        a.netbiosname = Some("PEER".into());
        let b = Device::new("127.99.0.3".parse().unwrap());
        let mut c = Device::new("127.99.0.4".parse().unwrap());
        c.mac = Some("02:00:00:00:00:04".into());
        let names = hosts_names("# x\n127.99.0.4\tpeer4 alias\n::1 localhost\nbad line\n");
        let f = fragment(&[a, b, c], &names);
        assert!(f.contains("<N>peer4</N>"), "{f}");
        assert!(f.starts_with("<IPDISCOVER>"), "{f}");
        assert!(f.contains("<I>127.99.0.2</I>"));
        assert!(f.contains("<M>aa:97:77:90:b1:3a</M>"));
        assert!(f.contains("<N>PEER</N>"));
        assert!(!f.contains("127.99.0.3"));
    }
}
