//! OCS `NETWORKS`: the `networks` table has one address column set (IPADDRESS IPMASK
//! IPSUBNET), so an IPv6 address goes there too (as the Perl agent does) instead of
//! FusionInventory's IPADDRESS6 the server has no column for (which left blank rows).
//! Loopback interfaces are left out, as the Perl agent does: the server would take
//! `127.0.0.1` for the machine's address when it is contacted over loopback. SPEED is
//! text in OCS (`1 Gb/s`, `100 Mb/s`), `Unknown` when the kernel gives none.

use crate::task::inventory::model::Entry;

const COPIED: &[&str] = &[
    "DESCRIPTION",
    "MACADDR",
    "MTU",
    "STATUS",
    "TYPE",
    "VIRTUALDEV",
    "IPDHCP",
    "IPGATEWAY",
];

/// True for a loopback interface (by its type or name, or the loopback address itself).
/// Another 127.x address on a real interface is kept: a test network, or the network an
/// IPDISCOVER scan is filed under (the server takes its mask from this section).
pub fn is_loopback(e: &Entry) -> bool {
    e.get("TYPE") == Some("loopback")
        || e.get("DESCRIPTION") == Some("lo")
        || e.get("IPADDRESS") == Some("127.0.0.1")
        || e.get("IPADDRESS6") == Some("::1")
}

/// A speed in Mb/s as OCS agents write it.
pub fn speed_text(mbps: Option<&str>) -> String {
    match mbps.and_then(|s| s.parse::<u64>().ok()) {
        Some(s) if s >= 1000 && s % 1000 == 0 => format!("{} Gb/s", s / 1000),
        Some(s) => format!("{s} Mb/s"),
        None => "Unknown".to_string(),
    }
}

/// The OCS entries of the FusionInventory NETWORKS entries: one per address (an entry
/// carrying both an IPv4 and an IPv6 address gives two), none for loopback.
pub fn networks(entries: &[Entry]) -> Vec<Entry> {
    let mut out = Vec::new();
    for e in entries.iter().filter(|e| !is_loopback(e)) {
        let mut base = Entry::new();
        for f in COPIED {
            base.set_opt(f, e.get(f));
        }
        base.set("SPEED", speed_text(e.get("SPEED")));
        let v4 = e.get("IPADDRESS").map(|ip| {
            let mut n = base.clone();
            n.set("IPADDRESS", ip)
                .set_opt("IPMASK", e.get("IPMASK"))
                .set_opt("IPSUBNET", e.get("IPSUBNET"));
            n
        });
        let v6 = e.get("IPADDRESS6").map(|ip| {
            let mut n = base.clone();
            n.remove("IPGATEWAY");
            n.remove("IPDHCP");
            n.set("IPADDRESS", ip)
                .set_opt("IPMASK", e.get("IPMASK6"))
                .set_opt("IPSUBNET", e.get("IPSUBNET6"));
            n
        });
        match (v4, v6) {
            (None, None) => out.push(base),
            (a, b) => out.extend(a.into_iter().chain(b)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_in_one_column_set_and_no_loopback() {
        let mut lo = Entry::new();
        lo.set("DESCRIPTION", "lo").set("IPADDRESS", "127.0.0.1");
        let mut v6 = Entry::new();
        v6.set("DESCRIPTION", "eth0")
            .set("IPADDRESS6", "fe80::1")
            .set("IPMASK6", "ffff:ffff:ffff:ffff::")
            .set("IPSUBNET6", "fe80::")
            .set("SPEED", "10000");
        let mut bare = Entry::new();
        bare.set("DESCRIPTION", "ifb0");
        let out = networks(&[lo, v6, bare]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].get("IPADDRESS"), Some("fe80::1"));
        assert_eq!(out[0].get("IPSUBNET"), Some("fe80::"));
        assert_eq!(out[0].get("SPEED"), Some("10 Gb/s"));
        assert!(!out[0].has("IPADDRESS6"));
        assert_eq!(out[1].get("SPEED"), Some("Unknown"));
        assert_eq!(speed_text(Some("100")), "100 Mb/s");
    }
}
