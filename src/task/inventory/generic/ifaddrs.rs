//! NETWORKS from `getifaddrs(3)`: the same entries `ip addr show` gives (see
//! `os/linux/ip.rs`), without running `ip`.
//!
//! Interfaces in the system's order, each with its IPv4 addresses (DESCRIPTION = the
//! address label, `eth0:1` for an alias), then its IPv6 ones (DESCRIPTION = interface);
//! every entry with the interface's STATUS (`Up` when `IFF_UP` is set) and MACADDR. An
//! interface without any address gives one entry `{DESCRIPTION, STATUS, MACADDR}`. The
//! address of a point-to-point peer (`ip`'s `inet X peer Y/32`) has no mask, as with `ip`.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::source::{IfAddr, IfAddress, IFF_POINTOPOINT, IFF_UP};
use crate::task::inventory::model::Entry;

/// One interface and its addresses, in the order met.
struct Interface<'a> {
    name: &'a str,
    flags: u32,
    link: &'a [u8],
    v4: Vec<&'a IfAddr>,
    v6: Vec<&'a IfAddr>,
}

/// The NETWORKS entries of a `getifaddrs` answer. `mac_of(interface)` gives a MAC
/// address the link layer entry may hold only in part (sysfs `address`: InfiniBand has 20
/// bytes); without it, the link layer's address when it has at least six bytes.
pub fn entries(all: &[IfAddr], mac_of: impl Fn(&str) -> Option<String>) -> Vec<Entry> {
    let mut interfaces: Vec<Interface> = Vec::new();
    for a in all {
        // An IPv4 label is the interface's name, then `:` and the alias (names have no `:`).
        let base = a.name.split(':').next().unwrap_or(&a.name);
        let i = match interfaces.iter().position(|i| i.name == base) {
            Some(i) => i,
            None => {
                interfaces.push(Interface {
                    name: base,
                    flags: a.flags,
                    link: &[],
                    v4: Vec::new(),
                    v6: Vec::new(),
                });
                interfaces.len() - 1
            }
        };
        let iface = &mut interfaces[i];
        match &a.address {
            IfAddress::Link(mac) => {
                iface.flags = a.flags;
                iface.link = mac;
            }
            IfAddress::V4 { .. } => iface.v4.push(a),
            IfAddress::V6 { .. } => iface.v6.push(a),
        }
    }
    let mut out = Vec::new();
    for i in interfaces {
        let mac = mac_of(i.name).filter(|m| is_mac(m)).or_else(|| {
            (i.link.len() >= 6).then(|| {
                let hex: Vec<String> = i.link.iter().map(|b| format!("{b:02x}")).collect();
                hex.join(":")
            })
        });
        let entry = |description: &str| {
            let mut e = Entry::new();
            e.set("DESCRIPTION", description)
                .set("STATUS", if i.flags & IFF_UP != 0 { "Up" } else { "Down" })
                .set_opt("MACADDR", mac.clone());
            e
        };
        if i.v4.is_empty() && i.v6.is_empty() {
            out.push(entry(i.name));
            continue;
        }
        for a in &i.v4 {
            let IfAddress::V4 {
                address,
                netmask,
                destination,
            } = &a.address
            else {
                continue;
            };
            let mut e = entry(&a.name);
            e.set("IPADDRESS", address.to_string());
            let peer = a.flags & IFF_POINTOPOINT != 0 && destination.is_some_and(|d| d != *address);
            if let Some(mask) = netmask.filter(|_| !peer) {
                let subnet = Ipv4Addr::from(u32::from(*address) & u32::from(mask));
                e.set("IPMASK", mask.to_string())
                    .set("IPSUBNET", subnet.to_string());
            }
            out.push(e);
        }
        for a in &i.v6 {
            let IfAddress::V6 { address, netmask } = &a.address else {
                continue;
            };
            let mut e = entry(i.name);
            e.set("IPADDRESS6", address.to_string());
            if let Some(mask) = netmask {
                let subnet = Ipv6Addr::from(u128::from(*address) & u128::from(*mask));
                e.set("IPMASK6", mask.to_string())
                    .set("IPSUBNET6", subnet.to_string());
            }
            out.push(e);
        }
    }
    out
}

/// Colon-separated hex bytes, at least six (Ethernet, InfiniBand, …).
fn is_mac(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    parts.len() >= 6
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::inventory::os::linux::ip;

    /// The `getifaddrs` lines of the machine of `ip`'s own test sample (`os/linux/ip.rs`).
    const LINES: &str = "lo\t0x10049\tlink\t00:00:00:00:00:00
eth0\t0x11043\tlink\t00:23:18:91:db:8d
tun0\t0x10d1\tlink\t
wlan0\t0x1002\tlink\te8:39:df:3f:7d:ef
lo\t0x10049\tinet\t127.0.0.1\t255.0.0.0\t-
eth0:1\t0x11043\tinet\t192.168.0.10\t255.255.255.0\t192.168.0.255
tun0\t0x10d1\tinet\t192.168.41.6\t255.255.255.255\t192.168.41.5
lo\t0x10049\tinet6\t::1\tffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
eth0\t0x11043\tinet6\t2a01:e34:ef9c:64d0:223:18ff:fe91:db8d\tffff:ffff:ffff:ffff::
";

    // The same machine as `ip addr show` says it.
    use crate::task::inventory::os::linux::ip::tests::SAMPLE as IP;

    #[test]
    fn the_same_entries_as_ip() {
        let all: Vec<IfAddr> = LINES.lines().filter_map(IfAddr::from_line).collect();
        assert_eq!(all.len(), 9);
        assert_eq!(entries(&all, |_| None), ip::parse(IP));
    }

    #[test]
    fn a_longer_mac_from_sysfs() {
        let all: Vec<IfAddr> = "ib0\t0x1003\tlink\t80:00:02:08:fe:80"
            .lines()
            .filter_map(IfAddr::from_line)
            .collect();
        let ib = "80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:a2:89";
        let e = entries(&all, |_| Some(ib.to_string()));
        assert_eq!(e[0].get("MACADDR"), Some(ib));
        assert_eq!(e[0].get("STATUS"), Some("Up"));
        let e = entries(&all, |_| Some("00:00:00:00".to_string()));
        assert_eq!(e[0].get("MACADDR"), Some("80:00:02:08:fe:80"));
        assert!(entries(&[], |_| None).is_empty());
    }
}
