//! NETWORKS on macOS: one entry per interface of `ifconfig -a`, named after its
//! hardware port (`Wi-Fi`, `Ethernet`) from `networksetup -listallhardwareports`; the
//! default gateway from `netstat -nr`.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::task::inventory::generic::unix::netstat;
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};
use crate::task::inventory::os::solaris::networks::same_network;

pub const MODULE: Module = Module {
    name: "macos/networks",
    category: "network",
    applies: |ctx| ctx.os == Os::MacOs,
    collect,
};

/// A hardware port of `networksetup`: its name and MAC address.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Port {
    pub name: String,
    pub mac: Option<String>,
}

/// `networksetup -listallhardwareports`: device → port, up to `VLAN Configurations`.
pub fn parse_networksetup(text: &str) -> BTreeMap<String, Port> {
    let mut out = BTreeMap::new();
    let mut port: Option<Port> = None;
    let mut device: Option<String> = None;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.starts_with("VLAN Configurations") {
            break;
        }
        if let Some(v) = line.strip_prefix("Hardware Port: ") {
            port = Some(Port {
                name: v.trim().to_string(),
                mac: None,
            });
            device = None;
        } else if let Some(v) = line.strip_prefix("Device: ") {
            device = Some(v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("Ethernet Address: ") {
            if let Some(p) = port.as_mut() {
                p.mac = is_mac(v.trim()).then(|| v.trim().to_string());
            }
        }
        if let (Some(p), Some(d)) = (&port, &device) {
            out.insert(d.clone(), p.clone());
        }
    }
    out
}

fn is_mac(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    parts.len() == 6
        && parts
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.chars().all(|c| c.is_ascii_hexdigit()))
}

fn after<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let mut w = line.split_whitespace();
    w.by_ref().find(|x| *x == key)?;
    w.next()
}

/// `media: autoselect (1000baseT <full-duplex>)` → `1000`.
fn media_speed(line: &str) -> Option<String> {
    let inner = &line[line.find('(')? + 1..];
    let digits: String = inner.chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty() && inner[digits.len()..].starts_with("base")).then_some(digits)
}

pub fn parse_ifconfig(text: &str, ports: &BTreeMap<String, Port>) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if !line.starts_with(char::is_whitespace) {
            if let Some((name, _)) = line.split_once(':') {
                if !name.is_empty() && !name.contains(char::is_whitespace) {
                    let mut e = Entry::new();
                    e.set("DESCRIPTION", name).set("STATUS", "Down");
                    match ports.get(name) {
                        Some(p) => {
                            e.set("DESCRIPTION", p.name.as_str())
                                .set("VIRTUALDEV", "0")
                                .set_opt("MACADDR", p.mac.clone());
                        }
                        None => {
                            e.set("VIRTUALDEV", "1");
                        }
                    }
                    out.push(e);
                }
            }
        }
        let Some(e) = out.last_mut() else { continue };
        if let Some(a) = after(line, "inet").and_then(|a| a.parse::<Ipv4Addr>().ok()) {
            e.set("IPADDRESS", a.to_string());
        }
        if let Some(a) = after(line, "inet6") {
            e.set("IPADDRESS6", a.split('%').next().unwrap_or(a));
        }
        if let Some(m) = after(line, "netmask").and_then(|m| m.strip_prefix("0x")) {
            if let Ok(bits) = u32::from_str_radix(m, 16) {
                e.set("IPMASK", Ipv4Addr::from(bits).to_string());
            }
        }
        for key in ["ether", "lladdr", "address:"] {
            if let Some(m) = after(line, key).filter(|m| is_mac(m)) {
                e.set("MACADDR", m);
            }
        }
        if let Some(m) = after(line, "mtu") {
            e.set("MTU", m);
        }
        if let Some(t) = after(line, "media") {
            e.set("TYPE", t);
        }
        let t = line.trim_start();
        if t.starts_with("media:") {
            e.set_opt("SPEED", media_speed(t));
        }
        if t.starts_with("status:")
            && t.to_ascii_lowercase().contains("active")
            && !t.contains("inactive")
        {
            e.set("STATUS", "Up");
        }
        if t.starts_with("supported media:") {
            e.set("VIRTUALDEV", "0");
        }
    }
    for e in &mut out {
        if let (Some(a), Some(m)) = (e.get("IPADDRESS"), e.get("IPMASK")) {
            if let (Ok(a), Ok(m)) = (a.parse::<Ipv4Addr>(), m.parse::<Ipv4Addr>()) {
                let s = Ipv4Addr::from(u32::from(a) & u32::from(m)).to_string();
                e.set("IPSUBNET", s);
            }
        }
    }
    out
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let ports = ctx
        .command(&["networksetup", "-listallhardwareports"])
        .map(|t| parse_networksetup(&t))
        .unwrap_or_default();
    let routes = netstat::parse_routes(&ctx.command(&["netstat", "-nr"]).unwrap_or_default());
    let gateway = netstat::default_gateway(&routes).map(str::to_string);
    if let Some(gw) = &gateway {
        inv.single("HARDWARE").set("DEFAULTGATEWAY", gw.as_str());
    }
    let text = ctx.command(&["/sbin/ifconfig", "-a"]).unwrap_or_default();
    for mut e in parse_ifconfig(&text, &ports) {
        if let (Some(gw), Some(a), Some(m)) = (&gateway, e.get("IPADDRESS"), e.get("IPMASK")) {
            if same_network(gw, a, m) {
                let gw = gw.clone();
                e.set("IPGATEWAY", gw);
            }
        }
        inv.add("NETWORKS", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_and_interfaces() {
        let ports = parse_networksetup("\nHardware Port: Ethernet\nDevice: en0\nEthernet Address: 0c:4d:e9:c9:6c:3c\n\nVLAN Configurations\n===================\nHardware Port: X\nDevice: en9\n");
        assert_eq!(ports.len(), 1);
        let n = parse_ifconfig("lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> mtu 16384\n\tinet 127.0.0.1 netmask 0xff000000 \n\tinet6 fe80::1%lo0 prefixlen 64 scopeid 0x1 \nen0: flags=8863<UP,BROADCAST> mtu 1500\n\tether 0c:4d:e9:c9:6c:3c \n\tinet 172.77.220.189 netmask 0xffffff00 broadcast 172.77.220.255\n\tmedia: autoselect (100baseTX <full-duplex>)\n\tstatus: active\n", &ports);
        assert_eq!(n[0].get("IPADDRESS6"), Some("fe80::1"));
        assert_eq!(n[0].get("STATUS"), Some("Down"));
        assert_eq!(n[1].get("DESCRIPTION"), Some("Ethernet"));
        assert_eq!(n[1].get("SPEED"), Some("100"));
        assert_eq!(n[1].get("STATUS"), Some("Up"));
        assert_eq!(n[1].get("IPSUBNET"), Some("172.77.220.0"));
    }
}
