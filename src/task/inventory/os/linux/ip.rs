//! NETWORKS from `ip addr show` (iproute2): interface names, status, MAC and addresses.
//!
//! One entry per address (IPv4: IPADDRESS IPMASK IPSUBNET, DESCRIPTION = the address label,
//! so `eth0:1` for an alias; IPv6: IPADDRESS6 IPMASK6 IPSUBNET6, DESCRIPTION = interface),
//! each with the interface's STATUS (`Up` when the `UP` flag is set) and MACADDR; an
//! interface without any address gives one entry `{DESCRIPTION, STATUS, MACADDR}`.
//! Speed, driver, type and so on come from `/sys/class/net`, not from here.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::task::inventory::model::Entry;

/// Reads `ip addr show` output. Never fails: garbage gives an empty list.
pub fn parse(text: &str) -> Vec<Entry> {
    let mut result = Vec::new();
    let mut interface: Option<Entry> = None;
    let mut addresses: Vec<Entry> = Vec::new();
    for line in text.lines() {
        if let Some((name, up)) = header(line) {
            flush(&mut result, interface.take(), &mut addresses);
            let mut e = Entry::new();
            e.set("DESCRIPTION", name)
                .set("STATUS", if up { "Up" } else { "Down" });
            interface = Some(e);
            continue;
        }
        let Some(iface) = interface.as_mut() else {
            continue;
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.first().copied() {
            Some(link) if link.starts_with("link/") => {
                iface.set_opt("MACADDR", words.get(1).copied().filter(|w| is_mac(w)));
            }
            Some("inet") => {
                if let Some(e) = ipv4_entry(iface, &words) {
                    addresses.push(e);
                }
            }
            Some("inet6") => {
                if let Some(e) = ipv6_entry(iface, &words) {
                    addresses.push(e);
                }
            }
            _ => {}
        }
    }
    flush(&mut result, interface, &mut addresses);
    result
}

/// An interface is reported through its addresses, or alone when it has none.
fn flush(result: &mut Vec<Entry>, interface: Option<Entry>, addresses: &mut Vec<Entry>) {
    if !addresses.is_empty() {
        result.append(addresses);
    } else if let Some(i) = interface {
        result.push(i);
    }
}

/// `2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 …` -> ("eth0", up).
fn header(line: &str) -> Option<(&str, bool)> {
    let (index, rest) = line.split_once(':')?;
    if index.is_empty() || !index.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let rest = rest.trim_start();
    let (name, rest) = rest.split_once(": <")?;
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    let flags = rest.split_once('>')?.0;
    Some((name, flags.split(',').any(|f| f == "UP")))
}

/// Colon-separated hex bytes, at least six (Ethernet, InfiniBand, …).
fn is_mac(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    parts.len() >= 6
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit()))
}

fn with_interface(iface: &Entry, description: &str) -> Entry {
    let mut e = Entry::new();
    e.set("DESCRIPTION", description)
        .set_opt("STATUS", iface.get("STATUS"))
        .set_opt("MACADDR", iface.get("MACADDR"));
    e
}

/// `inet 10.0.0.1/24 brd … scope global eth0:1` (or `inet X peer Y/32 … tun0`).
fn ipv4_entry(iface: &Entry, words: &[&str]) -> Option<Entry> {
    let (address, prefix) = match words.get(1)?.split_once('/') {
        Some((a, p)) => (a, p.parse::<u32>().ok().filter(|p| *p <= 32)),
        None => (*words.get(1)?, None),
    };
    let ip: Ipv4Addr = address.parse().ok()?;
    let label = words
        .last()
        .filter(|_| words.len() > 2)
        .copied()
        .unwrap_or("");
    let label = if label.is_empty() {
        iface.get("DESCRIPTION").unwrap_or("")
    } else {
        label
    };
    let mut e = with_interface(iface, label);
    e.set("IPADDRESS", address);
    if let Some(prefix) = prefix {
        let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
        e.set("IPMASK", Ipv4Addr::from(mask).to_string())
            .set("IPSUBNET", Ipv4Addr::from(u32::from(ip) & mask).to_string());
    }
    Some(e)
}

/// `inet6 fe80::1/64 scope link`.
fn ipv6_entry(iface: &Entry, words: &[&str]) -> Option<Entry> {
    let (address, prefix) = words.get(1)?.split_once('/')?;
    let ip: Ipv6Addr = address.parse().ok()?;
    let prefix: u32 = prefix.parse().ok().filter(|p| *p <= 128)?;
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    let mut e = with_interface(iface, iface.get("DESCRIPTION").unwrap_or(""));
    e.set("IPADDRESS6", address)
        .set("IPMASK6", Ipv6Addr::from(mask).to_string())
        .set(
            "IPSUBNET6",
            Ipv6Addr::from(u128::from(ip) & mask).to_string(),
        );
    Some(e)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `ip addr show` of a machine with an alias, a tunnel and a link without address.
    pub(crate) const SAMPLE: &str = "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 16436 qdisc noqueue\n\
        \x20   link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n\
        \x20   inet 127.0.0.1/8 scope host lo\n\
        \x20   inet6 ::1/128 scope host\n\
        2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500\n\
        \x20   link/ether 00:23:18:91:db:8d brd ff:ff:ff:ff:ff:ff\n\
        \x20   inet 192.168.0.10/24 brd 192.168.0.255 scope global eth0:1\n\
        \x20   inet6 2a01:e34:ef9c:64d0:223:18ff:fe91:db8d/64 scope global dynamic\n\
        4: tun0: <POINTOPOINT,NOARP,UP> mtu 1500\n    link/none\n\
        \x20   inet 192.168.41.6 peer 192.168.41.5/32 scope global tun0\n\
        5: wlan0: <NO-CARRIER,BROADCAST,MULTICAST> mtu 1500\n    link/ether e8:39:df:3f:7d:ef brd ff:ff:ff:ff:ff:ff\n";

    #[test]
    fn one_entry_per_address() {
        let n = parse(SAMPLE);
        assert_eq!(n.len(), 6);
        assert_eq!(
            n[1].get("IPMASK6"),
            Some("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
        );
        assert_eq!(n[1].get("IPSUBNET6"), Some("::1"));
        assert_eq!(n[2].get("DESCRIPTION"), Some("eth0:1"));
        assert_eq!(n[2].get("IPSUBNET"), Some("192.168.0.0"));
        assert_eq!(n[3].get("IPSUBNET6"), Some("2a01:e34:ef9c:64d0::"));
        assert_eq!(n[4].get("IPADDRESS"), Some("192.168.41.6"));
        assert!(!n[4].has("IPMASK") && !n[4].has("MACADDR"));
        assert_eq!(
            (n[5].get("DESCRIPTION"), n[5].get("STATUS")),
            (Some("wlan0"), Some("Down"))
        );
    }

    #[test]
    fn garbage_gives_nothing() {
        assert!(parse("").is_empty());
        assert!(parse("inet 1.2.3.4/99\n1:x\n: <\n\u{0}").is_empty());
        assert_eq!(
            parse("1: a: <UP>\n inet6 ::1/999\n inet 1.2.3.4/40 x\n").len(),
            1
        );
    }
}
