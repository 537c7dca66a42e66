//! NETWORKS on Linux: one entry per interface address, from `getifaddrs` (from one `ip
//! addr show` run, else `ifconfig -a`, when the source cannot call it: a remote shell, an
//! older recording), completed from `/sys/class/net/<if>`: MAC address, driver, PCI
//! slot, type (ethernet, wifi, bridge, aggregate, loopback), virtual or not, speed, MTU,
//! bond slaves, and the gateway of the interface from the routing table, and the DHCP
//! server that leased the address (dhclient, NetworkManager or systemd-networkd lease
//! files).

use crate::source::SysCall;
use crate::task::inventory::generic::{ifaddrs, ifconfig};
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::ip;

pub const MODULE: Module = Module {
    name: "linux/networks",
    category: "network",
    applies: |ctx| ctx.os == Os::Linux,
    collect,
};

/// Per-interface default gateways from `/proc/net/route`.
pub fn gateways(route: &str) -> Vec<(String, String)> {
    route
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() < 3 || f[1] != "00000000" {
                return None;
            }
            let g = u32::from_str_radix(f[2], 16).ok()?.to_le_bytes();
            Some((
                f[0].to_string(),
                format!("{}.{}.{}.{}", g[0], g[1], g[2], g[3]),
            ))
        })
        .collect()
}

/// The DHCP server of the newest lease in a dhclient lease file
/// (`option dhcp-server-identifier 192.168.1.1;`).
pub fn dhclient_server(leases: &str) -> Option<String> {
    leases
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("option dhcp-server-identifier "))
        .map(|v| v.trim_end_matches(';').trim().to_string())
}

/// The DHCP server of a systemd-networkd lease (`SERVER_ADDRESS=…`).
pub fn networkd_server(lease: &str) -> Option<String> {
    lease
        .lines()
        .find_map(|l| l.strip_prefix("SERVER_ADDRESS="))
        .map(|v| v.trim().to_string())
}

/// The DHCP server that leased the address of `iface`, if any lease file says so.
fn dhcp_server(ctx: &Context, iface: &str) -> Option<String> {
    let src = ctx.src;
    if let Some(index) = src.read_line(&format!("/sys/class/net/{iface}/ifindex")) {
        if let Some(s) = src
            .read_text(&format!("/run/systemd/netif/leases/{index}"))
            .and_then(|t| networkd_server(&t))
        {
            return Some(s);
        }
    }
    for dir in [
        "/var/lib/dhcp",
        "/var/lib/dhclient",
        "/var/lib/NetworkManager",
    ] {
        for name in src.list_dir(dir).unwrap_or_default() {
            if name.contains(iface) && (name.ends_with(".leases") || name.ends_with(".lease")) {
                if let Some(s) = src
                    .read_text(&format!("{dir}/{name}"))
                    .and_then(|t| dhclient_server(&t))
                {
                    return Some(s);
                }
            }
        }
    }
    None
}

/// What sysfs says about one interface.
fn sysfs(ctx: &Context, name: &str, e: &mut Entry) {
    let base = format!("/sys/class/net/{name}");
    let src = ctx.src;
    let has = |f: &str| src.exists(&format!("{base}/{f}"));
    let kind = src.read_line(&format!("{base}/type")).unwrap_or_default();
    let physical = has("device");
    let t = if name == "lo" || kind == "772" {
        Some("loopback")
    } else if has("wireless") || has("phy80211") {
        Some("wifi")
    } else if has("bridge") {
        Some("bridge")
    } else if has("bonding") {
        Some("aggregate")
    } else if kind == "32" {
        Some("infiniband")
    } else if kind == "1" && physical {
        Some("ethernet")
    } else {
        None
    };
    e.set_opt("TYPE", t);
    e.set("VIRTUALDEV", if physical { "0" } else { "1" });
    if let Some(driver) = src.read_link(&format!("{base}/device/driver")) {
        e.set("DRIVER", driver.rsplit('/').next().unwrap_or(""));
    }
    if let Some(dev) = src.read_link(&format!("{base}/device")) {
        let slot = dev.rsplit('/').next().unwrap_or("");
        // PCI addresses look like 0000:00:03.0
        if slot.len() == 12 && slot.as_bytes()[4] == b':' {
            e.set("PCISLOT", slot);
        }
    }
    if let Some(speed) = src
        .read_line(&format!("{base}/speed"))
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|s| *s > 0)
    {
        e.set("SPEED", speed.to_string());
    }
    e.set_opt("MTU", src.read_line(&format!("{base}/mtu")));
    if let Some(slaves) = src.read_line(&format!("{base}/bonding/slaves")) {
        e.set(
            "SLAVES",
            slaves.split_whitespace().collect::<Vec<_>>().join(","),
        );
    }
    if let Some(master) = src.read_link(&format!("{base}/master")) {
        e.set("BASE", master.rsplit('/').next().unwrap_or(""));
    }
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let entries = match ctx.src.interface_addresses() {
        SysCall::Done(all) => ifaddrs::entries(&all, |name| {
            ctx.src.read_line(&format!("/sys/class/net/{name}/address"))
        }),
        _ => match ctx.command(&["ip", "addr", "show"]) {
            Some(text) => ip::parse(&text),
            None => ifconfig::parse(&ctx.command(&["ifconfig", "-a"]).unwrap_or_default()),
        },
    };
    let gws = gateways(&ctx.src.read_text("/proc/net/route").unwrap_or_default());
    let mut dhcp: std::collections::BTreeMap<String, Option<String>> = Default::default();
    for mut e in entries {
        let Some(name) = e.get("DESCRIPTION").map(str::to_string) else {
            continue;
        };
        // `eth0@if12` (veth) and alias suffixes name the same sysfs folder.
        let sys_name = name.split('@').next().unwrap_or(&name).to_string();
        sysfs(ctx, &sys_name, &mut e);
        if e.has("IPADDRESS") {
            if let Some((_, gw)) = gws.iter().find(|(i, _)| *i == sys_name) {
                e.set("IPGATEWAY", gw.as_str());
            }
            let server = dhcp
                .entry(sys_name.clone())
                .or_insert_with(|| dhcp_server(ctx, &sys_name));
            e.set_opt("IPDHCP", server.clone());
        }
        inv.add("NETWORKS", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_gateways() {
        let t = "Iface\tDestination\tGateway\neth0\t00000000\t010200C0\nlo\t0000007F\t00000000\n";
        assert_eq!(
            gateways(t),
            vec![("eth0".to_string(), "192.0.2.1".to_string())]
        );
        assert!(gateways("").is_empty());
    }

    #[test]
    fn leases() {
        let l = "lease {\n  option dhcp-server-identifier 10.0.0.1;\n}\nlease {\n  option dhcp-server-identifier 10.0.0.254;\n}\n";
        assert_eq!(dhclient_server(l).as_deref(), Some("10.0.0.254"));
        assert_eq!(
            networkd_server("ADDRESS=10.0.0.5\nSERVER_ADDRESS=10.0.0.1\n").as_deref(),
            Some("10.0.0.1")
        );
        assert_eq!(dhclient_server("junk"), None);
    }
}
