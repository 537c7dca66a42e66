//! NETWORKS from `ifconfig -a`, net-tools style (Linux) in its old (`Link encap:Ethernet
//! HWaddr …`, `inet addr:… Mask:…`) and new (`flags=4163<UP,…>`, `inet … netmask …`,
//! `ether … (Ethernet)`) layouts. The fallback when `ip` is missing; BSD reuses it.
//!
//! One entry per interface block: DESCRIPTION (name), STATUS (`Up` when an `UP` flag is
//! seen, else `Down`), IPADDRESS, IPMASK, IPADDRESS6 (old layout keeps the `/len`),
//! MACADDR, TYPE (`ethernet`). Only the last IPv4/IPv6 address of a block is kept.
//! BSD's layout (`ether …`, hex `netmask 0xffffff00`) is read the same way.

use crate::task::inventory::model::Entry;

/// Reads `ifconfig -a` output. Never fails: garbage gives an empty list.
pub fn parse(text: &str) -> Vec<Entry> {
    let mut result = Vec::new();
    let mut current: Option<Entry> = None;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            result.extend(current.take());
            continue;
        }
        if !line.starts_with(char::is_whitespace) {
            let name: String = line
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.' || *c == '-')
                .collect();
            if !name.is_empty() {
                result.extend(current.take());
                let mut e = Entry::new();
                e.set("DESCRIPTION", name).set("STATUS", "Down");
                current = Some(e);
            }
        }
        if let Some(e) = current.as_mut() {
            read_line(e, line);
        }
    }
    // The last block of a capture may lack its closing empty line.
    result.extend(current);
    result
}

fn read_line(e: &mut Entry, line: &str) {
    let words: Vec<&str> = line.split_whitespace().collect();
    let after = |key: &str| {
        words
            .iter()
            .position(|w| *w == key)
            .and_then(|i| words.get(i + 1))
            .copied()
    };
    for (i, w) in words.iter().enumerate() {
        if let Some(v) = w
            .strip_prefix("addr:")
            .filter(|_| i > 0 && words[i - 1] == "inet")
        {
            e.set("IPADDRESS", v);
        }
        if let Some(v) = w.strip_prefix("Mask:") {
            e.set("IPMASK", v);
        }
        if let Some(v) = w.strip_prefix("encap:") {
            // `Link encap:Ethernet`; other encapsulations (`Local Loopback`) have no type.
            e.set("TYPE", if v == "Ethernet" { "ethernet" } else { "" });
        }
    }
    // New layout: `inet 10.0.0.5  netmask 255.255.255.0  broadcast 10.0.0.255` (BSD writes
    // the mask in hex). Like the reference, lines without a broadcast (loopback,
    // point-to-point) are not read.
    if let (Some(ip), Some(mask), Some(_)) = (after("inet"), after("netmask"), after("broadcast")) {
        e.set("IPADDRESS", ip).set("IPMASK", dotted_mask(mask));
    }
    match (after("inet6"), after("addr:")) {
        (Some("addr:"), Some(v)) => e.set("IPADDRESS6", v),
        (Some(v), _) if v != "addr:" => e.set("IPADDRESS6", v),
        _ => e,
    };
    if let Some(mac) = after("HWaddr").or(after("HWadr")) {
        e.set("MACADDR", mac);
    }
    // `ether 00:11:22:33:44:55  txqueuelen 1000  (Ethernet)` (BSD omits the parenthesis).
    if let Some(mac) = after("ether") {
        e.set("MACADDR", mac).set("TYPE", "ethernet");
    }
    if words.first() == Some(&"UP") || has_up_flag(line) {
        e.set("STATUS", "Up");
    }
}

/// `0xffffff00` -> `255.255.255.0`; dotted masks unchanged.
fn dotted_mask(mask: &str) -> String {
    match mask.strip_prefix("0x").map(|h| u32::from_str_radix(h, 16)) {
        Some(Ok(bits)) => std::net::Ipv4Addr::from(bits).to_string(),
        _ => mask.to_string(),
    }
}

/// `flags=4163<UP,BROADCAST,RUNNING,MULTICAST>`.
fn has_up_flag(line: &str) -> bool {
    let Some(start) = line.find("flags=") else {
        return false;
    };
    let rest = &line[start..];
    let flags = rest
        .split_once('<')
        .and_then(|(_, r)| r.split_once('>'))
        .map(|(f, _)| f);
    flags.is_some_and(|f| f.split(',').any(|flag| flag == "UP"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_layout() {
        let text = "eth0      Link encap:Ethernet  HWaddr A4:BA:DB:A5:F5:FA  \n\
            \x20         inet addr:192.168.0.5  Bcast:192.168.0.255  Mask:255.255.255.0\n\
            \x20         inet6 addr: fe80::a6ba:dbff:fea5:f5fa/64 Scope:Link\n\
            \x20         UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1\n\n\
            lo        Link encap:Local Loopback  \n\
            \x20         inet addr:127.0.0.1  Mask:255.0.0.0\n";
        let n = parse(text);
        assert_eq!(n.len(), 2);
        assert_eq!(n[0].get("IPADDRESS6"), Some("fe80::a6ba:dbff:fea5:f5fa/64"));
        assert_eq!(n[0].get("MACADDR"), Some("A4:BA:DB:A5:F5:FA"));
        assert_eq!(n[0].get("TYPE"), Some("ethernet"));
        assert_eq!(n[0].get("STATUS"), Some("Up"));
        assert_eq!(
            (n[1].get("IPMASK"), n[1].get("TYPE"), n[1].get("STATUS")),
            (Some("255.0.0.0"), None, Some("Down"))
        );
    }

    #[test]
    fn new_layout() {
        let text = "em1: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500\n\
            \x20       inet 192.168.0.1  netmask 255.255.255.0  broadcast 192.168.0.255\n\
            \x20       inet6 fe80::1  prefixlen 64  scopeid 0x20<link>\n\
            \x20       ether 00:11:22:33:44:55  txqueuelen 1000  (Ethernet)\n";
        let n = parse(text);
        assert_eq!(n[0].get("DESCRIPTION"), Some("em1"));
        assert_eq!(n[0].get("IPADDRESS"), Some("192.168.0.1"));
        assert_eq!(n[0].get("IPADDRESS6"), Some("fe80::1"));
        assert_eq!(n[0].get("MACADDR"), Some("00:11:22:33:44:55"));
        assert_eq!(n[0].get("STATUS"), Some("Up"));
    }

    #[test]
    fn bsd_layout() {
        let text = "em0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 1500\n\
            \tether 00:0c:29:aa:bb:cc\n\
            \tinet 10.0.0.5 netmask 0xffffff00 broadcast 10.0.0.255\n";
        let n = parse(text);
        assert_eq!(n[0].get("IPMASK"), Some("255.255.255.0"));
        assert_eq!(n[0].get("MACADDR"), Some("00:0c:29:aa:bb:cc"));
        assert_eq!(n[0].get("TYPE"), Some("ethernet"));
    }

    #[test]
    fn garbage_gives_nothing() {
        assert!(parse("").is_empty());
        assert!(parse("   inet addr:\n\u{0}\n").is_empty());
    }
}
