//! `dhclient` lease files (`/var/db/dhclient.leases.IF`, `/var/lib/dhcp/dhclient.IF.leases`):
//! the DHCP server that gave an interface its address (NETWORKS IPDHCP).

/// The `dhcp-server-identifier` of the last lease of `interface` that has not expired at
/// `now` (seconds since the epoch; lease times are UTC, as dhclient writes them).
pub fn dhcp_server(text: &str, interface: &str, now: i64) -> Option<String> {
    let mut found = None;
    for block in text.split("lease {").skip(1) {
        let block = block.split('}').next().unwrap_or("");
        let mut iface = None;
        let mut server = None;
        let mut expire = None;
        for line in block.lines() {
            let line = line.trim().trim_end_matches(';');
            if let Some(v) = line.strip_prefix("interface ") {
                iface = Some(v.trim().trim_matches('"'));
            } else if let Some(v) = line.strip_prefix("option dhcp-server-identifier ") {
                server = Some(v.trim().to_string());
            } else if let Some(v) = line.strip_prefix("expire ") {
                expire = lease_time(v);
            }
        }
        if iface == Some(interface) && expire.is_some_and(|t| t > now) {
            found = server.or(found);
        }
    }
    found
}

/// `3 2030/07/21 17:41:38` (weekday, date, time, UTC) or `epoch 1910000000`.
fn lease_time(v: &str) -> Option<i64> {
    let w: Vec<&str> = v.split_whitespace().collect();
    if w.first() == Some(&"epoch") {
        return w.get(1)?.parse().ok();
    }
    let t = chrono::NaiveDateTime::parse_from_str(
        &format!("{} {}", w.get(1)?, w.get(2)?),
        "%Y/%m/%d %H:%M:%S",
    )
    .ok()?;
    Some(t.and_utc().timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEASES: &str = "lease {\n  interface \"wlan0\";\n  option dhcp-server-identifier 192.168.0.1;\n  expire 3 2030/07/21 17:41:38;\n}\nlease {\n  interface \"eth0\";\n  option dhcp-server-identifier 10.0.0.1;\n  expire 3 2030/07/21 17:41:38;\n}\nlease {\n  interface \"wlan0\";\n  option dhcp-server-identifier 192.168.0.254;\n  expire epoch 1910000000;\n}\n";

    #[test]
    fn last_valid_lease_of_the_interface() {
        let before = 1_800_000_000;
        assert_eq!(
            dhcp_server(LEASES, "wlan0", before).as_deref(),
            Some("192.168.0.254")
        );
        assert_eq!(
            dhcp_server(LEASES, "eth0", before).as_deref(),
            Some("10.0.0.1")
        );
        assert_eq!(
            dhcp_server(LEASES, "wlan0", 1_905_000_000).as_deref(),
            Some("192.168.0.254")
        );
        assert_eq!(
            dhcp_server(LEASES, "wlan0", 2_000_000_000),
            None,
            "all expired"
        );
        assert_eq!(dhcp_server("garbage {", "wlan0", 0), None);
    }
}
