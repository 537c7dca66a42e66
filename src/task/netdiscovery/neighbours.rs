//! The kernel's neighbour (ARP) table, `/proc/net/arp`: MACs of hosts this machine
//! talked to, for addresses that told nothing else.

use std::collections::HashMap;
use std::net::Ipv4Addr;

pub const PROC_NET_ARP: &str = "/proc/net/arp";

/// IP → MAC (lower case) of the complete entries.
pub fn parse(text: &str) -> HashMap<Ipv4Addr, String> {
    let mut out = HashMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let [ip, _hwtype, flags, mac, ..] = f[..] else {
            continue;
        };
        // ATF_COM (0x2): the entry is complete.
        let complete =
            u32::from_str_radix(flags.trim_start_matches("0x"), 16).is_ok_and(|v| v & 0x2 != 0);
        let Ok(ip) = ip.parse::<Ipv4Addr>() else {
            continue;
        };
        if complete && mac.len() == 17 && mac != "00:00:00:00:00:00" {
            out.insert(ip, mac.to_ascii_lowercase());
        }
    }
    out
}

/// The table as it is now (empty when unreadable).
pub fn read() -> HashMap<Ipv4Addr, String> {
    std::fs::read_to_string(PROC_NET_ARP)
        .map(|t| parse(&t))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_net_arp() {
        let t = "IP address       HW type     Flags       HW address            Mask     Device\n\
                 127.99.0.2       0x1         0x2         AA:97:77:90:b1:3a     *        veth0\n\
                 127.99.0.3       0x1         0x0         00:00:00:00:00:00     *        veth0\n\
                 garbage\n";
        let m = parse(t);
        assert_eq!(m.len(), 1);
        assert_eq!(m[&"127.99.0.2".parse().unwrap()], "aa:97:77:90:b1:3a");
    }
}
