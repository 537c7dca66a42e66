//! `netstat -nr` on any UNIX (AIX, HP-UX, Solaris, macOS, the BSDs, Linux): the IPv4
//! routing table, for the default gateway and each network's gateway.

use std::collections::BTreeMap;

/// Destination → gateway, from the first `Destination` header on. A destination is a full
/// IPv4 address, a shortened network with its prefix (`127/8`, `10.3/16`) or `default`; a
/// gateway an IPv4 address, a MAC address (a host route on the BSDs) or `link#N`. IPv6
/// routes and other lines are skipped; a destination seen twice keeps its last gateway.
pub fn parse_routes(text: &str) -> BTreeMap<String, String> {
    let mut routes = BTreeMap::new();
    let mut started = false;
    for line in text.lines() {
        if !started {
            started = line.starts_with("Destination");
            continue;
        }
        let mut f = line.split_whitespace();
        let (Some(dest), Some(gw)) = (f.next(), f.next()) else {
            continue;
        };
        if is_destination(dest) && is_gateway(gw) {
            routes.insert(dest.to_string(), gw.to_string());
        }
    }
    routes
}

/// The default gateway (`default` or `0.0.0.0`), if any.
pub fn default_gateway(routes: &BTreeMap<String, String>) -> Option<&str> {
    routes
        .get("default")
        .or_else(|| routes.get("0.0.0.0"))
        .map(String::as_str)
}

fn is_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| is_octet(p))
}

fn is_octet(p: &str) -> bool {
    !p.is_empty() && p.len() <= 3 && p.parse::<u16>().is_ok_and(|n| n <= 255)
}

fn is_destination(s: &str) -> bool {
    if s == "default" || is_ipv4(s) {
        return true;
    }
    let Some((net, prefix)) = s.split_once('/') else {
        return false;
    };
    let octets: Vec<&str> = net.split('.').collect();
    octets.len() <= 4
        && octets.iter().all(|p| is_octet(p))
        && prefix.parse::<u8>().is_ok_and(|n| n <= 32)
}

fn is_gateway(s: &str) -> bool {
    if is_ipv4(s) {
        return true;
    }
    if let Some(n) = s.strip_prefix("link#") {
        return !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit());
    }
    let parts: Vec<&str> = s.split(':').collect();
    parts.len() == 6
        && parts
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bsd_table() {
        let r = parse_routes(
            "Routing tables\n\nInternet:\n\
             Destination        Gateway            Flags   Refs      Use   Mtu  Prio Iface\n\
             default            10.0.1.1           UGS        0        0     -     8 em0\n\
             10.0.1/24          link#1             UC         2        0     -     4 em0\n\
             10.0.1.1           00:1d:7e:43:96:57  UHLc       1        3     -     4 em0\n\
             169.254            link#4             UCS         0        0    en0\n\
             fe80::%em0/64      link#1             UC         0        0     -     4 em0\n",
        );
        assert_eq!(r.len(), 3);
        assert_eq!(default_gateway(&r), Some("10.0.1.1"));
        assert_eq!(r["10.0.1/24"], "link#1");
        assert_eq!(r["10.0.1.1"], "00:1d:7e:43:96:57");
    }

    #[test]
    fn linux_table_and_last_one_wins() {
        let r = parse_routes(
            "Kernel IP routing table\n\
             Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n\
             0.0.0.0         192.168.0.254   0.0.0.0         UG        0 0          0 eth0\n\
             10.0.4.32       10.0.4.56       U\n\
             10.0.4.32       10.0.4.55       U\n",
        );
        assert_eq!(default_gateway(&r), Some("192.168.0.254"));
        assert_eq!(r["10.0.4.32"], "10.0.4.55");
    }
}
