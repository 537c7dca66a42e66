//! HARDWARE on Linux: host name, memory and swap (`/proc/meminfo`), DNS servers and
//! domain (`/etc/resolv.conf`), default gateway (`/proc/net/route`), and the machine's
//! UUID and chassis from `/sys/class/dmi/id` (readable without dmidecode).

use crate::agent::state::short_hostname;
use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "linux/hardware",
    category: "hardware",
    applies: |ctx| ctx.os == Os::Linux,
    collect,
};

/// A `/proc/meminfo` value in MB (`MemTotal:  16384 kB` → 16).
pub fn meminfo_mb(meminfo: &str, key: &str) -> Option<u64> {
    meminfo.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == key).then(|| {
            v.split_whitespace()
                .next()?
                .parse::<u64>()
                .ok()
                .map(|kb| kb / 1024)
        })?
    })
}

/// Name servers joined by `/`, and the `domain` (else first `search`) of resolv.conf.
pub fn resolv(text: &str) -> (Vec<String>, Option<String>) {
    let (mut servers, mut domain, mut search) = (Vec::new(), None, None);
    for line in text.lines() {
        let mut words = line.split_whitespace();
        match words.next() {
            Some("nameserver") => servers.extend(words.next().map(str::to_string)),
            Some("domain") => domain = words.next().map(str::to_string),
            Some("search") if search.is_none() => search = words.next().map(str::to_string),
            _ => {}
        }
    }
    (servers, domain.or(search))
}

/// The default IPv4 gateway from `/proc/net/route` (little-endian hex addresses).
pub fn default_gateway(route: &str) -> Option<String> {
    route.lines().skip(1).find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        if f.len() > 2 && f[1] == "00000000" {
            let g = u32::from_str_radix(f[2], 16).ok()?;
            let b = g.to_le_bytes();
            Some(format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3]))
        } else {
            None
        }
    })
}

/// SMBIOS chassis type number → name.
pub fn chassis_name(index: u32) -> Option<&'static str> {
    const NAMES: [&str; 36] = [
        "Other",
        "Unknown",
        "Desktop",
        "Low Profile Desktop",
        "Pizza Box",
        "Mini Tower",
        "Tower",
        "Portable",
        "Laptop",
        "Notebook",
        "Hand Held",
        "Docking Station",
        "All in One",
        "Sub Notebook",
        "Space-Saving",
        "Lunch Box",
        "Main Server Chassis",
        "Expansion Chassis",
        "SubChassis",
        "Bus Expansion Chassis",
        "Peripheral Chassis",
        "RAID Chassis",
        "Rack Mount Chassis",
        "Sealed-case PC",
        "Multi-system chassis",
        "Compact PCI",
        "Advanced TCA",
        "Blade",
        "Blade Enclosure",
        "Tablet",
        "Convertible",
        "Detachable",
        "IoT Gateway",
        "Embedded PC",
        "Mini PC",
        "Stick PC",
    ];
    NAMES.get((index as usize).checked_sub(1)?).copied()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let src = ctx.src;
    let meminfo = ctx.file("/proc/meminfo").unwrap_or_default();
    let (dns, domain) = resolv(&src.read_text("/etc/resolv.conf").unwrap_or_default());
    let hw = inv.single("HARDWARE");
    hw.set("NAME", short_hostname(&ctx.uname.nodename));
    hw.set_opt(
        "MEMORY",
        meminfo_mb(&meminfo, "MemTotal").map(|v| v.to_string()),
    );
    hw.set_opt(
        "SWAP",
        meminfo_mb(&meminfo, "SwapTotal").map(|v| v.to_string()),
    );
    if !dns.is_empty() {
        hw.set("DNS", dns.join("/"));
    }
    hw.set_opt("WORKGROUP", domain);
    hw.set_opt(
        "DEFAULTGATEWAY",
        src.read_text("/proc/net/route")
            .and_then(|r| default_gateway(&r)),
    );
    hw.set_opt("UUID", src.read_line("/sys/class/dmi/id/product_uuid"));
    let chassis = src
        .read_line("/sys/class/dmi/id/chassis_type")
        .and_then(|t| t.parse().ok())
        .and_then(chassis_name);
    hw.set_opt("CHASSIS_TYPE", chassis);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meminfo() {
        let t = "MemTotal:       24641612 kB\nSwapTotal:             0 kB\n";
        assert_eq!(meminfo_mb(t, "MemTotal"), Some(24064));
        assert_eq!(meminfo_mb(t, "SwapTotal"), Some(0));
        assert_eq!(meminfo_mb("junk", "MemTotal"), None);
    }

    #[test]
    fn resolv_conf() {
        let (s, d) = resolv("# x\nsearch a.example b\nnameserver 10.0.0.1\nnameserver 10.0.0.2\n");
        assert_eq!(s, vec!["10.0.0.1", "10.0.0.2"]);
        assert_eq!(d.as_deref(), Some("a.example"));
    }

    #[test]
    fn route() {
        let t = "Iface\tDestination\tGateway \tFlags\nens3\t00000000\t0102A8C0\t0003\nens3\t0002A8C0\t00000000\t0001\n";
        assert_eq!(default_gateway(t).as_deref(), Some("192.168.2.1"));
        assert_eq!(default_gateway("Iface\n"), None);
    }

    #[test]
    fn chassis() {
        assert_eq!(chassis_name(3), Some("Desktop"));
        assert_eq!(chassis_name(0), None);
        assert_eq!(chassis_name(99), None);
    }
}
