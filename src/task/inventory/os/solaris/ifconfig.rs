//! `ifconfig -a` on Solaris/illumos: one block per interface and address family
//! (`e1000g0: flags=…<UP,…>`, logical interfaces `e1000g0:1:`), hexadecimal netmasks
//! without `0x`, MAC addresses without leading zeros (`8:0:27:fc:ad:56`).

use std::net::Ipv4Addr;

use crate::task::inventory::model::Entry;

/// `ffffff00` → `255.255.255.0`.
pub fn hex_mask(hex: &str) -> Option<String> {
    let hex = hex.trim_start_matches("0x");
    if hex.len() != 8 {
        return None;
    }
    u32::from_str_radix(hex, 16)
        .ok()
        .map(|m| Ipv4Addr::from(m).to_string())
}

/// `8:0:27:fc:ad:56` → `08:00:27:fc:ad:56`.
pub fn mac(text: &str) -> Option<String> {
    let bytes: Option<Vec<u8>> = text
        .split(':')
        .map(|b| u8::from_str_radix(b, 16).ok())
        .collect();
    let bytes = bytes.filter(|b| b.len() == 6)?;
    Some(
        bytes
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    )
}

/// A prefix length → IPv6 mask (`64` → `ffff:ffff:ffff:ffff::`).
pub fn mask6(prefix: u8) -> String {
    let bits: u128 = if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(prefix.min(128)))
    };
    std::net::Ipv6Addr::from(bits).to_string()
}

fn after<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let mut words = line.split_whitespace();
    words.by_ref().find(|w| *w == key)?;
    words.next()
}

pub fn parse_ifconfig(text: &str) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if !line.starts_with(char::is_whitespace) {
            // `name: flags=…` or `name:N: flags=…`
            if let Some((name, _)) = line.split_once(": ") {
                if !name.is_empty() && !name.contains(char::is_whitespace) {
                    let mut e = Entry::new();
                    e.set("DESCRIPTION", name)
                        .set("STATUS", "Down")
                        .set("TYPE", "ethernet");
                    out.push(e);
                }
            }
        }
        let Some(e) = out.last_mut() else { continue };
        if let Some(addr) = after(line, "inet").and_then(|a| a.parse::<Ipv4Addr>().ok()) {
            e.set("IPADDRESS", addr.to_string());
        } else if let Some((addr, len)) = after(line, "inet6").and_then(|a| a.split_once('/')) {
            if let Ok(len) = len.parse::<u8>() {
                e.set("IPADDRESS6", addr).set("IPMASK6", mask6(len));
            }
        }
        if let Some(mask) = after(line, "netmask").and_then(hex_mask) {
            e.set("IPMASK", mask);
        }
        if let Some(m) = after(line, "ether").and_then(mac) {
            e.set("MACADDR", m);
        }
        if line.contains("<UP,") {
            e.set("STATUS", "Up");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_logical_interfaces() {
        let n = parse_ifconfig("lo0: flags=2001000849<UP,LOOPBACK,RUNNING,MULTICAST,IPv4,VIRTUAL> mtu 8232 index 1\n        inet 127.0.0.1 netmask ff000000 \ne1000g0: flags=1004843<UP,BROADCAST,RUNNING,MULTICAST,DHCP,IPv4> mtu 1500 index 2\n        inet 192.168.0.41 netmask ffffff00 broadcast 192.168.0.255\n        ether 8:0:27:fc:ad:56 \ne1000g0:1: flags=2080841<UP,RUNNING,MULTICAST,ADDRCONF,IPv6> mtu 1480 index 2\n        inet6 2a01:e35:8ad7:48d0:a00:27ff:fefc:ad56/64\nnet1: flags=1000842<BROADCAST,RUNNING,MULTICAST,IPv4> mtu 1500 index 3\n");
        assert_eq!(n.len(), 4);
        assert_eq!(n[1].get("IPMASK"), Some("255.255.255.0"));
        assert_eq!(n[1].get("MACADDR"), Some("08:00:27:fc:ad:56"));
        assert_eq!(n[2].get("DESCRIPTION"), Some("e1000g0:1"));
        assert_eq!(n[2].get("IPMASK6"), Some("ffff:ffff:ffff:ffff::"));
        assert_eq!(n[3].get("STATUS"), Some("Down"));
    }
}
