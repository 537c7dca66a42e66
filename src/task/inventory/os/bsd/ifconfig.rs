//! BSD `ifconfig -a` → NETWORKS, one entry per (interface, address), like the Linux
//! module: `inet A netmask 0xffffff00 [broadcast B]`, `inet6 A%scope prefixlen N`,
//! `ether`/`lladdr` MAC, `media:`, `ssid`, `flags=…<UP,…>` and `mtu`.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::task::inventory::model::Entry;

/// `0xffffff00` or `255.255.255.0` → mask.
fn mask4(v: &str) -> Option<Ipv4Addr> {
    match v.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16).ok().map(Ipv4Addr::from),
        None => v.parse().ok(),
    }
}

fn mask6(prefix: u32) -> Ipv6Addr {
    let bits = if prefix >= 128 {
        u128::MAX
    } else {
        !(u128::MAX >> prefix)
    };
    Ipv6Addr::from(bits)
}

struct Interface {
    base: Entry,
    addresses: Vec<Entry>,
}

impl Interface {
    fn finish(self, out: &mut Vec<Entry>) {
        if self.addresses.is_empty() {
            out.push(self.base);
            return;
        }
        for a in self.addresses {
            let mut e = self.base.clone();
            for (k, v) in a.iter() {
                if let crate::task::inventory::model::Value::Text(t) = v {
                    e.set(k, t.as_str());
                }
            }
            out.push(e);
        }
    }
}

/// `3c:a9:f4:5a:04:b8` (six groups of one or two hex digits).
fn is_mac(s: &str) -> bool {
    let groups: Vec<&str> = s.split(':').collect();
    groups.len() == 6
        && groups
            .iter()
            .all(|g| (1..=2).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Parses `ifconfig -a`. STATUS follows the `UP` flag (an interface that is up without a
/// carrier is still up, as the reference agent says); TYPE comes from `media:`
/// (`Ethernet`, `IEEE` 802.11 = wifi); a wireless interface's `ssid … bssid …` line gives
/// its WIFI_* fields.
pub fn parse(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut cur: Option<Interface> = None;
    for line in text.lines() {
        if !line.starts_with([' ', '\t']) && line.contains(": flags=") {
            if let Some(i) = cur.take() {
                i.finish(&mut out);
            }
            let (name, rest) = line.split_once(": flags=").unwrap_or((line, ""));
            let mut base = Entry::new();
            base.set("DESCRIPTION", name);
            let flags = rest
                .split('<')
                .nth(1)
                .and_then(|f| f.split('>').next())
                .unwrap_or("");
            base.set(
                "STATUS",
                if flags.split(',').any(|f| f == "UP") {
                    "Up"
                } else {
                    "Down"
                },
            );
            if let Some(mtu) = rest
                .split("mtu ")
                .nth(1)
                .and_then(|m| m.split_whitespace().next())
            {
                base.set("MTU", mtu);
            }
            cur = Some(Interface {
                base,
                addresses: Vec::new(),
            });
            continue;
        }
        let Some(iface) = cur.as_mut() else { continue };
        let w: Vec<&str> = line.split_whitespace().collect();
        let after = |key: &str| {
            w.iter()
                .position(|x| *x == key)
                .and_then(|i| w.get(i + 1))
                .copied()
        };
        match w.first().copied() {
            Some("ether" | "lladdr" | "address:") => {
                // FireWire's 16-byte `lladdr` is not a MAC address.
                if let Some(mac) = w.get(1).filter(|m| is_mac(m)) {
                    iface.base.set("MACADDR", *mac);
                }
            }
            Some("media:") => {
                let kind = match w.get(1).copied() {
                    Some("Ethernet") => Some("ethernet"),
                    Some("IEEE") => Some("wifi"),
                    _ => None,
                };
                iface.base.set_opt("TYPE", kind);
            }
            Some("ssid") => {
                // `ssid NAME channel 1 (2412 MHz 11g ht/40+) bssid c6:64:13:c5:50:c7`
                iface.base.set_opt("WIFI_SSID", w.get(1).copied());
                iface.base.set_opt("WIFI_BSSID", after("bssid"));
                if let Some(mode) = w
                    .iter()
                    .position(|x| *x == "MHz")
                    .and_then(|i| w.get(i + 1))
                    .and_then(|m| m.strip_prefix("11"))
                {
                    let letters: String = mode
                        .chars()
                        .take_while(|c| c.is_ascii_alphabetic())
                        .collect();
                    if !letters.is_empty() {
                        iface.base.set("WIFI_VERSION", format!("802.11{letters}"));
                    }
                }
            }
            Some("inet") => {
                let (Some(ip), Some(mask)) = (
                    w.get(1).and_then(|a| a.parse::<Ipv4Addr>().ok()),
                    after("netmask").and_then(mask4),
                ) else {
                    continue;
                };
                let subnet = Ipv4Addr::from(u32::from(ip) & u32::from(mask));
                let mut a = Entry::new();
                a.set("IPADDRESS", ip.to_string())
                    .set("IPMASK", mask.to_string())
                    .set("IPSUBNET", subnet.to_string());
                iface.addresses.push(a);
            }
            Some("inet6") => {
                let raw = w.get(1).copied().unwrap_or("");
                let Ok(ip) = raw.split('%').next().unwrap_or("").parse::<Ipv6Addr>() else {
                    continue;
                };
                let prefix: u32 = after("prefixlen")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(128);
                let mask = mask6(prefix);
                let subnet = Ipv6Addr::from(u128::from(ip) & u128::from(mask));
                let mut a = Entry::new();
                a.set("IPADDRESS6", ip.to_string())
                    .set("IPMASK6", mask.to_string())
                    .set("IPSUBNET6", subnet.to_string());
                iface.addresses.push(a);
            }
            _ => {}
        }
    }
    if let Some(i) = cur {
        i.finish(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freebsd_interfaces() {
        let t = "vtnet0: flags=1008843<UP,BROADCAST,RUNNING> metric 0 mtu 1500\n\tether 52:54:00:12:34:56\n\tinet 10.0.2.15 netmask 0xffffff00 broadcast 10.0.2.255\n\tinet6 fe80::1%vtnet0 prefixlen 64 scopeid 0x1\n\tstatus: active\nlo0: flags=8049<UP,LOOPBACK> mtu 16384\n\tinet 127.0.0.1 netmask 0xff000000\nenc0: flags=0<>\n\tstatus: no carrier\n";
        let n = parse(t);
        assert_eq!(n.len(), 4);
        assert_eq!(n[0].get("IPSUBNET"), Some("10.0.2.0"));
        assert_eq!(n[0].get("MACADDR"), Some("52:54:00:12:34:56"));
        assert_eq!(n[1].get("IPADDRESS6"), Some("fe80::1"));
        assert_eq!(n[1].get("IPMASK6"), Some("ffff:ffff:ffff:ffff::"));
        assert_eq!(n[2].get("IPADDRESS"), Some("127.0.0.1"));
        assert_eq!(n[3].get("STATUS"), Some("Down"));
        assert!(parse("\tinet 1.2.3.4\n").is_empty());
    }
}
