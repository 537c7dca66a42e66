//! `httpd-trust`: the clients allowed to trigger runs over HTTP — single addresses,
//! CIDR blocks (`10.0.0.0/8`) and ranges (`10.0.0.1 - 10.0.0.9`).

use std::net::IpAddr;

/// One entry of the trust list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrustEntry {
    Net { addr: IpAddr, prefix: u8 },
    Range { from: IpAddr, to: IpAddr },
}

fn to_u128(ip: IpAddr) -> (bool, u128) {
    match ip {
        IpAddr::V4(v4) => (true, u32::from(v4) as u128),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => (true, u32::from(v4) as u128),
            None => (false, u128::from(v6)),
        },
    }
}

impl TrustEntry {
    pub fn parse(text: &str) -> Result<TrustEntry, String> {
        let text = text.trim();
        let ip = |s: &str| {
            s.trim()
                .parse::<IpAddr>()
                .map_err(|_| format!("'{}' is not an IP address", s.trim()))
        };
        if let Some((a, b)) = text
            .split_once(" - ")
            .or_else(|| text.split_once('-').filter(|_| !text.contains(':')))
        {
            let (from, to) = (ip(a)?, ip(b)?);
            return Ok(TrustEntry::Range { from, to });
        }
        if let Some((a, p)) = text.split_once('/') {
            let addr = ip(a)?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let prefix: u8 = p
                .trim()
                .parse()
                .ok()
                .filter(|&n| n <= max)
                .ok_or(format!("bad prefix length '/{p}'"))?;
            return Ok(TrustEntry::Net { addr, prefix });
        }
        let addr = ip(text)?;
        Ok(TrustEntry::Net {
            addr,
            prefix: if addr.is_ipv4() { 32 } else { 128 },
        })
    }

    pub fn contains(&self, client: IpAddr) -> bool {
        let (c4, c) = to_u128(client);
        match *self {
            TrustEntry::Net { addr, prefix } => {
                let (a4, a) = to_u128(addr);
                if a4 != c4 {
                    return false;
                }
                let bits = if a4 { 32 } else { 128 };
                let shift = bits - prefix as u32;
                shift >= bits || (a >> shift) == (c >> shift)
            }
            TrustEntry::Range { from, to } => {
                let ((f4, f), (t4, t)) = (to_u128(from), to_u128(to));
                f4 == c4 && t4 == c4 && f <= c && c <= t
            }
        }
    }
}

/// True when `client` is in any entry; 127.0.0.1 also covers ::1.
pub fn is_trusted(list: &[TrustEntry], client: IpAddr) -> bool {
    let client = if client == IpAddr::V6(std::net::Ipv6Addr::LOCALHOST) {
        IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)
    } else {
        client
    };
    list.iter().any(|e| e.contains(client))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn nets_ranges_and_hosts() {
        let list: Vec<TrustEntry> = [
            "10.0.0.0/8",
            "192.168.1.10 - 192.168.1.20",
            "127.0.0.1",
            "fd00::/8",
        ]
        .iter()
        .map(|s| TrustEntry::parse(s).unwrap())
        .collect();
        assert!(is_trusted(&list, ip("10.1.2.3")));
        assert!(is_trusted(&list, ip("192.168.1.15")));
        assert!(!is_trusted(&list, ip("192.168.1.21")));
        assert!(is_trusted(&list, ip("::1")));
        assert!(is_trusted(&list, ip("::ffff:10.9.9.9")));
        assert!(is_trusted(&list, ip("fd12::1")));
        assert!(!is_trusted(&list, ip("11.0.0.1")));
        assert!(TrustEntry::parse("0.0.0.0/0")
            .unwrap()
            .contains(ip("8.8.8.8")));
        assert!(TrustEntry::parse("10.0.0.0/33").is_err());
        assert!(TrustEntry::parse("nonsense").is_err());
    }
}
