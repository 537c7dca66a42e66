//! NETWORKS on Solaris/illumos: addresses from `ifconfig -a`, link speed from
//! `dladm show-phys` (Solaris 11, illumos) or `kstat … -s link_speed` (Solaris 10), and
//! Fibre Channel ports from `fcinfo hba-port`; the default gateway from `netstat -rn`.

use std::net::Ipv4Addr;

use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module, Os};

use crate::task::inventory::generic::unix::netstat;

use super::{fcinfo, ifconfig};

pub const MODULE: Module = Module {
    name: "solaris/networks",
    category: "network",
    applies: |ctx| ctx.os == Os::Solaris,
    collect,
};

/// `kstat -m <driver> -i <n> -s link_speed`: the speed in Mb/s.
pub fn parse_kstat_speed(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let mut w = line.split_whitespace();
        (w.next()? == "link_speed")
            .then(|| w.next())?
            .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
            .map(str::to_string)
    })
}

/// `dladm show-phys <link>`: `LINK MEDIA STATE SPEED DUPLEX DEVICE`, speed in Mb/s.
pub fn parse_dladm_speed(text: &str, link: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let w: Vec<&str> = line.split_whitespace().collect();
        (w.len() >= 4 && w[0] == link && w[3].chars().all(|c| c.is_ascii_digit()))
            .then(|| w[3].to_string())
    })
}

/// `e1000g0` → (`e1000g`, `0`): the driver and instance kstat wants.
fn driver_instance(name: &str) -> Option<(&str, &str)> {
    let name = name.split(':').next()?;
    let digits = name.len() - name.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits == name.len() {
        return None;
    }
    Some(name.split_at(name.len() - digits))
}

fn subnet(addr: &str, mask: &str) -> Option<String> {
    let a: Ipv4Addr = addr.parse().ok()?;
    let m: Ipv4Addr = mask.parse().ok()?;
    Some(Ipv4Addr::from(u32::from(a) & u32::from(m)).to_string())
}

/// True when `gateway` lies in the network of `addr`/`mask`.
pub fn same_network(gateway: &str, addr: &str, mask: &str) -> bool {
    let (Ok(g), Ok(a), Ok(m)) = (
        gateway.parse::<Ipv4Addr>(),
        addr.parse::<Ipv4Addr>(),
        mask.parse::<Ipv4Addr>(),
    ) else {
        return false;
    };
    let m = u32::from(m);
    u32::from(g) & m == u32::from(a) & m
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let routes = netstat::parse_routes(&ctx.command(&["netstat", "-rn"]).unwrap_or_default());
    let gateway = netstat::default_gateway(&routes).map(str::to_string);
    if let Some(gw) = &gateway {
        inv.single("HARDWARE").set("DEFAULTGATEWAY", gw.as_str());
    }
    let text = ctx.command(&["ifconfig", "-a"]).unwrap_or_default();
    for mut e in ifconfig::parse_ifconfig(&text) {
        if let (Some(gw), Some(a), Some(m)) = (&gateway, e.get("IPADDRESS"), e.get("IPMASK")) {
            if same_network(gw, a, m) {
                let gw = gw.clone();
                e.set("IPGATEWAY", gw);
            }
        }
        let name = e.get("DESCRIPTION").unwrap_or("").to_string();
        if let (Some(a), Some(m)) = (e.get("IPADDRESS"), e.get("IPMASK")) {
            let s = subnet(a, m);
            e.set_opt("IPSUBNET", s);
        }
        if name.starts_with("lo") {
            e.set("TYPE", "loopback").set("VIRTUALDEV", "1");
        } else if let Some((driver, instance)) = driver_instance(&name) {
            let physical = name.split(':').next().unwrap_or(&name);
            let speed = ctx
                .command(&["/usr/sbin/dladm", "show-phys", physical])
                .and_then(|t| parse_dladm_speed(&t, physical))
                .or_else(|| {
                    if matches!(driver, "aggr" | "dmfe") {
                        return None;
                    }
                    ctx.command(&[
                        "/usr/bin/kstat",
                        "-m",
                        driver,
                        "-i",
                        instance,
                        "-s",
                        "link_speed",
                    ])
                    .and_then(|t| parse_kstat_speed(&t))
                });
            e.set_opt("SPEED", speed.filter(|s| s != "0"));
        }
        inv.add("NETWORKS", e);
    }
    if let Some(text) = ctx.command(&["/usr/sbin/fcinfo", "hba-port"]) {
        for e in fcinfo::parse_fcinfo(&text) {
            inv.add("NETWORKS", e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds() {
        assert_eq!(
            parse_kstat_speed("module: nxge                            instance: 0\nname:   Port Stats                      class:    net\n        link_speed                      1000\n"),
            Some("1000".into())
        );
        assert_eq!(parse_kstat_speed("garbage"), None);
        assert_eq!(
            parse_dladm_speed("LINK         MEDIA                STATE      SPEED  DUPLEX    DEVICE\nnet0         Ethernet             up         1000   full      e1000g0\n", "net0"),
            Some("1000".into())
        );
        assert_eq!(driver_instance("e1000g0:1"), Some(("e1000g", "0")));
        assert_eq!(driver_instance("lo"), None);
        assert!(same_network("192.168.0.1", "192.168.0.41", "255.255.255.0"));
        assert!(!same_network("10.0.0.1", "192.168.0.41", "255.255.255.0"));
    }
}
