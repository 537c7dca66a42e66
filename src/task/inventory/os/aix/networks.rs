//! NETWORKS on AIX: the Ethernet adapters and their MAC addresses from `lscfg -v -l
//! ent*` (adapter `entN` is interface `enN`), the other interfaces from `ifconfig -l`,
//! and each interface's address, mask and state from `lsattr -E -l <if>`; the default
//! gateway from `netstat -nr`.

use std::net::Ipv4Addr;

use crate::task::inventory::generic::unix::netstat;
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "aix/networks",
    category: "network",
    applies: |ctx| ctx.os == Os::Aix,
    collect,
};

/// `001A64864231` → `00:1A:64:86:42:31` (case kept), `None` unless 12 hex digits.
pub fn mac_from_hex(hex: &str) -> Option<String> {
    if hex.len() != 12 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let pairs: Vec<&str> = (0..6).map(|i| &hex[2 * i..2 * i + 2]).collect();
    Some(pairs.join(":"))
}

/// `lscfg -v -l ent*` → (`enN`, MAC address) per adapter, in order.
pub fn parse_lscfg(text: &str) -> Vec<(String, Option<String>)> {
    let mut result: Vec<(String, Option<String>)> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if line.starts_with(char::is_whitespace) {
            let mut words = trimmed.split_whitespace();
            if let (Some(first), Some(_location)) = (words.next(), words.next()) {
                if let Some(n) = first.strip_prefix("ent") {
                    if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
                        result.push((format!("en{n}"), None));
                        continue;
                    }
                }
            }
        }
        if let Some(at) = trimmed.find("Network Address.") {
            let value = trimmed[at + "Network Address".len()..].trim_start_matches('.');
            let hex: String = value.chars().take(12).collect();
            if let (Some(mac), Some(last)) = (mac_from_hex(&hex), result.last_mut()) {
                last.1 = Some(mac);
            }
        }
    }
    result
}

/// `lsattr -E -l en0` → (netaddr, netmask, state).
pub fn parse_lsattr_if(text: &str) -> (Option<String>, Option<String>, Option<String>) {
    let (mut addr, mut mask, mut state) = (None, None, None);
    for line in text.lines() {
        let mut w = line.split_whitespace();
        let (Some(key), Some(value)) = (w.next(), w.next()) else {
            continue;
        };
        let ip = || value.parse::<Ipv4Addr>().ok().map(|a| a.to_string());
        match key {
            "netaddr" => addr = ip(),
            "netmask" => mask = ip(),
            "state" => state = Some(value.to_string()),
            _ => {}
        }
    }
    (addr, mask, state)
}

fn subnet(addr: &str, mask: &str) -> Option<String> {
    let a: Ipv4Addr = addr.parse().ok()?;
    let m: Ipv4Addr = mask.parse().ok()?;
    Some(Ipv4Addr::from(u32::from(a) & u32::from(m)).to_string())
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let mut interfaces: Vec<Entry> = parse_lscfg(
        &ctx.command(&["lscfg", "-v", "-l", "ent*"])
            .unwrap_or_default(),
    )
    .into_iter()
    .map(|(name, mac)| {
        let mut e = Entry::new();
        e.set("DESCRIPTION", name)
            .set("TYPE", "ethernet")
            .set_opt("MACADDR", mac);
        e
    })
    .collect();
    let listed = ctx.command(&["ifconfig", "-l"]).unwrap_or_default();
    for name in listed.split_whitespace() {
        if !interfaces
            .iter()
            .any(|i| i.get("DESCRIPTION") == Some(name))
        {
            let mut e = Entry::new();
            e.set("DESCRIPTION", name);
            interfaces.push(e);
        }
    }
    for mut e in interfaces {
        let name = e.get("DESCRIPTION").unwrap_or_default().to_string();
        let (addr, mask, state) = parse_lsattr_if(
            &ctx.command(&["lsattr", "-E", "-l", &name])
                .unwrap_or_default(),
        );
        if let (Some(a), Some(m)) = (&addr, &mask) {
            e.set_opt("IPSUBNET", subnet(a, m));
        }
        let up = addr.is_some();
        e.set_opt("IPADDRESS", addr).set_opt("IPMASK", mask);
        match (up, state) {
            (true, Some(s)) => e.set("STATUS", if s == "up" { "Up" } else { "Down" }),
            (true, None) => e.set("STATUS", "Up"),
            (false, _) => e.set("STATUS", "Down"),
        };
        e.set("IPDHCP", "No");
        inv.add("NETWORKS", e);
    }
    let routes = netstat::parse_routes(&ctx.command(&["netstat", "-nr"]).unwrap_or_default());
    if let Some(gateway) = netstat::default_gateway(&routes) {
        inv.single("HARDWARE").set("DEFAULTGATEWAY", gateway);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lscfg() {
        let n = parse_lscfg(
            "  ent0   U78A5.001.WIH55B2-P1-C11-L2-T1  Gigabit Ethernet-SX PCI-X Adapter (14106703)\n\n\
             \x20     Broadcom NetXtreme Gigabit Fiber Controller:\n\
             \x20       Network Address.............00215E4CC768\n\
             \x20       ROM Level.(alterable).......03280000\n\
             \x20 ent3     U78A5.001.WIH55B2-P1-T7   Logical Host Ethernet Port (lp-hea)\n\
             \x20       Network Address.............001a64864231\n",
        );
        assert_eq!(n.len(), 2);
        assert_eq!(n[0], ("en0".into(), Some("00:21:5E:4C:C7:68".into())));
        assert_eq!(n[1], ("en3".into(), Some("00:1a:64:86:42:31".into())));
        assert!(parse_lscfg("garbage").is_empty());
    }

    #[test]
    fn lsattr() {
        let (a, m, s) = parse_lsattr_if(
            "netaddr       10.0.0.5     Internet Address  True\nnetmask  255.255.255.0 Subnet Mask True\nstate up Current Interface Status True\n",
        );
        assert_eq!(a.as_deref(), Some("10.0.0.5"));
        assert_eq!(m.as_deref(), Some("255.255.255.0"));
        assert_eq!(s.as_deref(), Some("up"));
        assert_eq!(
            subnet("10.0.0.5", "255.255.255.0").as_deref(),
            Some("10.0.0.0")
        );
    }
}
