//! NETWORKS on HP-UX: the LAN interfaces and MAC addresses from `lanscan -iap`, type and
//! speed from `lanadmin -g <ppa>`, the addresses from the host routes of `netstat -nrv`
//! (one entry per address, aliases `lan0:1` under `lan0`) or, for an interface without
//! any, from `ifconfig <lan>`. `nwmgr` (11.31) is read for the interface states.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::task::inventory::model::{Entry, Inventory, Value};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "hpux/networks",
    category: "network",
    applies: |ctx| ctx.os == Os::HpUx,
    collect,
};

/// `0x0016353EAC5C` → `00:16:35:3E:AC:5C` (case kept).
pub fn mac(word: &str) -> Option<String> {
    let hex = word.strip_prefix("0x").or(word.strip_prefix("0X"))?;
    if hex.len() != 12 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(
        (0..6)
            .map(|i| &hex[2 * i..2 * i + 2])
            .collect::<Vec<_>>()
            .join(":"),
    )
}

/// One interface of `lanscan -iap`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lan {
    pub mac: String,
    pub name: String,
    /// The PPA number, which `lanadmin -g` takes.
    pub ppa: String,
}

/// `lanscan -iap` (`0x0016353EAC5C lan0 snap0     0`) → interfaces.
pub fn parse_lanscan(text: &str) -> Vec<Lan> {
    text.lines()
        .filter_map(|line| {
            let w: Vec<&str> = line.split_whitespace().collect();
            let (m, name, ppa) = (w.first()?, w.get(1)?, w.get(3)?);
            Some(Lan {
                mac: mac(m)?,
                name: name.to_string(),
                ppa: ppa.to_string(),
            })
        })
        .collect()
}

/// `lanadmin -g <ppa>` → every `Key   = value` line (key trimmed, value as written).
pub fn parse_lanadmin(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim_end_matches('\r');
            let (key, value) = line.split_once(" = ")?;
            let key = key.trim_end();
            if key.chars().count() < 2 || key.starts_with(char::is_whitespace) || value.is_empty() {
                return None;
            }
            Some((key.to_string(), value.to_string()))
        })
        .collect()
}

/// `lanadmin`'s `Speed` (bits/s) → Mb/s.
pub fn speed_mbps(speed: &str) -> Option<String> {
    let bps: u64 = speed.trim().parse().ok()?;
    Some(if bps > 1_000_000 {
        (bps / 1_000_000).to_string()
    } else {
        bps.to_string()
    })
}

/// What `ifconfig lanN` says: (status `Up` when UP, address, dotted mask).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ifconfig {
    pub status: Option<String>,
    pub address: Option<String>,
    pub netmask: Option<String>,
}

/// `ifconfig lan0` (HP-UX: `inet 10.0.4.56 netmask ffffffe0 broadcast …`).
pub fn parse_ifconfig(text: &str) -> Ifconfig {
    let mut info = Ifconfig::default();
    for line in text.lines() {
        if line.contains("<UP") {
            info.status = Some("Up".into());
        }
        let w: Vec<&str> = line.split_whitespace().collect();
        for pair in w.windows(2) {
            match pair[0] {
                "inet" => {
                    if let Ok(a) = pair[1].parse::<Ipv4Addr>() {
                        info.address = Some(a.to_string());
                    }
                }
                "netmask" => {
                    let hex = pair[1].trim_start_matches("0x");
                    if hex.len() == 8 {
                        if let Ok(m) = u32::from_str_radix(hex, 16) {
                            info.netmask = Some(Ipv4Addr::from(m).to_string());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    info
}

/// One interface of `nwmgr`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nwmgr {
    pub status: String,
    pub mac: String,
    pub driver: String,
    /// The interface type up to its first non-word character (`10GBASE-KR` → `10GBASE`).
    pub media: String,
}

/// `nwmgr` (`lan0  UP  0x0017A4770428 iexgbe   10GBASE-KR  lan900`) → name → interface.
pub fn parse_nwmgr(text: &str) -> BTreeMap<String, Nwmgr> {
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
    text.lines()
        .filter_map(|line| {
            let w: Vec<&str> = line.split_whitespace().collect();
            let (name, status, m, driver) = (w.first()?, w.get(1)?, w.get(2)?, w.get(3)?);
            if !word(name) || !word(status) || !word(driver) {
                return None;
            }
            let media: String = w
                .get(4)
                .map(|t| {
                    t.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect()
                })
                .unwrap_or_default();
            Some((
                name.to_string(),
                Nwmgr {
                    status: status.to_string(),
                    mac: mac(m)?,
                    driver: driver.to_string(),
                    media,
                },
            ))
        })
        .collect()
}

/// One route of `netstat -nrv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub destination: String,
    pub mask: String,
    pub gateway: String,
    pub flags: String,
    /// Without its alias suffix (`lan0:1` → `lan0`).
    pub interface: String,
    pub mtu: String,
}

/// `netstat -nrv` (`10.0.4.56/255.255.255.255  10.0.4.56  UH  0  lan0  4136`) → routes.
pub fn parse_netstat_nrv(text: &str) -> Vec<Route> {
    text.lines()
        .filter_map(|line| {
            let w: Vec<&str> = line.split_whitespace().collect();
            let [dest, gateway, flags, refs, interface, mtu] = w.as_slice() else {
                return None;
            };
            let (destination, mask) = dest.split_once('/')?;
            let destination = if destination == "default" {
                "0.0.0.0"
            } else {
                destination
            };
            let ip = |s: &str| s.parse::<Ipv4Addr>().is_ok();
            let num = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            if !ip(destination) || !ip(mask) || !ip(gateway) || !num(refs) || !num(mtu) {
                return None;
            }
            let base = interface.split(':').next().unwrap_or(interface);
            Some(Route {
                destination: destination.to_string(),
                mask: mask.to_string(),
                gateway: gateway.to_string(),
                flags: flags.to_string(),
                interface: base.to_string(),
                mtu: mtu.to_string(),
            })
        })
        .collect()
}

/// The host routes (flag `H`) of `netstat -nrv`, which are the interfaces' own addresses,
/// by interface, as the reference reports them (host mask, gateway unless itself).
pub fn addresses(routes: &[Route]) -> BTreeMap<String, Vec<Entry>> {
    let mut by_if: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for r in routes.iter().filter(|r| r.flags.contains('H')) {
        let mut e = Entry::new();
        e.set("IPADDRESS", r.destination.as_str())
            .set("IPMASK", r.mask.as_str())
            .set_opt(
                "IPGATEWAY",
                (r.gateway != r.destination).then_some(r.gateway.as_str()),
            )
            .set("DESCRIPTION", r.interface.as_str())
            .set("TYPE", "ethernet")
            .set("MTU", r.mtu.as_str());
        by_if.entry(r.interface.clone()).or_default().push(e);
    }
    by_if
}

fn subnet(addr: &str, mask: &str) -> Option<String> {
    let a: Ipv4Addr = addr.parse().ok()?;
    let m: Ipv4Addr = mask.parse().ok()?;
    Some(Ipv4Addr::from(u32::from(a) & u32::from(m)).to_string())
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let Some(lanscan) = ctx.command(&["lanscan", "-iap"]) else {
        return;
    };
    let routes = parse_netstat_nrv(&ctx.command(&["netstat", "-nrv"]).unwrap_or_default());
    let mut by_if = addresses(&routes);
    let nwmgr = parse_nwmgr(&ctx.command(&["nwmgr"]).unwrap_or_default());
    for lan in parse_lanscan(&lanscan) {
        let admin = parse_lanadmin(
            &ctx.command(&["lanadmin", "-g", &lan.ppa])
                .unwrap_or_default(),
        );
        let mut proto = Entry::new();
        proto
            .set("DESCRIPTION", lan.name.as_str())
            .set("MACADDR", lan.mac.as_str())
            .set("TYPE", "ethernet")
            .set_opt("SPEED", admin.get("Speed").and_then(|s| speed_mbps(s)))
            .set_opt("MTU", admin.get("MTU Size").cloned());
        let up = nwmgr.get(&lan.name).map(|n| n.status == "UP").or_else(|| {
            admin
                .get("Operation Status (value)")
                .map(|s| s.starts_with("up"))
        });
        let mut entries = by_if.remove(&lan.name).unwrap_or_default();
        if entries.is_empty() {
            let ifc = parse_ifconfig(&ctx.command(&["ifconfig", &lan.name]).unwrap_or_default());
            let mut e = proto.clone();
            e.set_opt("IPADDRESS", ifc.address.filter(|a| a != "0.0.0.0"))
                .set_opt("IPMASK", ifc.netmask)
                .set(
                    "STATUS",
                    if ifc.status.is_some() || up == Some(true) {
                        "Up"
                    } else {
                        "Down"
                    },
                );
            entries.push(e);
        } else {
            for e in &mut entries {
                let addr = e.get("IPADDRESS").unwrap_or_default().to_string();
                // The host route has a host mask; the network route through the address
                // on the same interface has the interface's real mask.
                if let Some(net) = routes.iter().find(|r| {
                    !r.flags.contains('H') && r.gateway == addr && r.interface == lan.name
                }) {
                    e.set("IPMASK", net.mask.as_str());
                }
                e.remove("IPGATEWAY");
                // The host route's Pmtu is the loopback's: lanadmin's MTU is the card's.
                for (k, v) in proto.iter() {
                    if let Value::Text(t) = v {
                        e.set(k, t.as_str());
                    }
                }
                e.set("STATUS", if up == Some(false) { "Down" } else { "Up" });
            }
        }
        for mut e in entries {
            if let (Some(a), Some(m)) = (e.get("IPADDRESS"), e.get("IPMASK")) {
                let net = subnet(a, m);
                e.set_opt("IPSUBNET", net);
            }
            inv.add("NETWORKS", e);
        }
    }
    if let Some(default) = routes
        .iter()
        .find(|r| r.destination == "0.0.0.0" && r.flags.contains('G'))
    {
        inv.single("HARDWARE")
            .set("DEFAULTGATEWAY", default.gateway.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NETSTAT: &str = "Routing tables\nDest/Netmask                    Gateway            Flags   Refs Interface  Pmtu\n\
        127.0.0.1/255.255.255.255       127.0.0.1          UH        0  lo0        4136\n\
        10.0.4.55/255.255.255.255       10.0.4.55          UH        0  lan0:1     4136\n\
        10.0.4.32/255.255.255.224       10.0.4.56          U         3  lan0       1500\n\
        default/0.0.0.0                 10.0.4.33          UG        0  lan0          0\n";

    #[test]
    fn routes_and_addresses() {
        let r = parse_netstat_nrv(NETSTAT);
        assert_eq!(r.len(), 4);
        assert_eq!(r[3].destination, "0.0.0.0");
        let a = addresses(&r);
        assert_eq!(a["lan0"][0].get("IPADDRESS"), Some("10.0.4.55"));
        assert_eq!(a["lan0"][0].get("IPGATEWAY"), None);
        assert_eq!(a["lo0"][0].get("MTU"), Some("4136"));
        assert!(!a.contains_key("lan0:1"));
    }

    #[test]
    fn lan_tools() {
        let l = parse_lanscan("0x0016353EAC5C lan0 snap0     0  \ngarbage\n");
        assert_eq!(
            l,
            vec![Lan {
                mac: "00:16:35:3E:AC:5C".into(),
                name: "lan0".into(),
                ppa: "0".into()
            }]
        );
        let a = parse_lanadmin(
            "PPA Number                      = 0\nSpeed                           = 1000000000\n",
        );
        assert_eq!(a["Speed"], "1000000000");
        assert_eq!(speed_mbps(&a["Speed"]).as_deref(), Some("1000"));
        let i = parse_ifconfig("lan0: flags=1843<UP,BROADCAST>\n        inet 10.0.4.56 netmask ffffffe0 broadcast 10.0.4.63\n");
        assert_eq!(i.netmask.as_deref(), Some("255.255.255.224"));
        assert_eq!(i.status.as_deref(), Some("Up"));
        let n = parse_nwmgr("============== =====\nlan0           UP        0x0017A4770428 iexgbe   10GBASE-KR     lan900\n");
        assert_eq!(n["lan0"].media, "10GBASE");
        assert_eq!(n["lan0"].mac, "00:17:A4:77:04:28");
    }
}
