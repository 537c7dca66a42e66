//! IPv4 ranges to scan: `10.1.2.0/24`, `10.1.2.5-10.1.2.20`, one address, or a server
//! job's IPSTART/IPEND.

use std::fmt;
use std::net::Ipv4Addr;

/// The most addresses one scan takes (a /14): beyond it a scan cannot finish within
/// any sensible task time limit, and such a range is a typing error far more often
/// than an intent. A /16 (the largest OCS network) fits four times over.
pub const MAX_ADDRESSES: u64 = 1 << 18;

/// An inclusive range of IPv4 addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub first: u32,
    pub last: u32,
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", Ipv4Addr::from(self.first))
        } else {
            write!(
                f,
                "{}-{}",
                Ipv4Addr::from(self.first),
                Ipv4Addr::from(self.last)
            )
        }
    }
}

impl Range {
    /// From the command line: CIDR (network and broadcast addresses left out for
    /// prefixes up to /30), `A-B`, or one address.
    pub fn parse(text: &str) -> Result<Range, String> {
        let t = text.trim();
        let addr = |s: &str| -> Result<u32, String> {
            s.trim()
                .parse::<Ipv4Addr>()
                .map(u32::from)
                .map_err(|_| format!("range '{t}': '{}' is not an IPv4 address", s.trim()))
        };
        let r = if let Some((a, p)) = t.split_once('/') {
            let base = addr(a)?;
            let prefix: u32 = p
                .trim()
                .parse()
                .ok()
                .filter(|p| *p <= 32)
                .ok_or_else(|| format!("range '{t}': bad prefix length '{p}'"))?;
            let mask = if prefix == 0 {
                0
            } else {
                u32::MAX << (32 - prefix)
            };
            let net = base & mask;
            let bcast = net | !mask;
            if prefix <= 30 {
                Range {
                    first: net + 1,
                    last: bcast - 1,
                }
            } else {
                Range {
                    first: net,
                    last: bcast,
                }
            }
        } else if let Some((a, b)) = t.split_once('-') {
            Range::between(addr(a)?, addr(b)?, t)?
        } else {
            let a = addr(t)?;
            Range { first: a, last: a }
        };
        r.checked(t)
    }

    /// From a server job's IPSTART and IPEND.
    pub fn from_bounds(start: &str, end: &str) -> Result<Range, String> {
        let label = format!("{start}-{end}");
        let p = |s: &str| {
            s.trim()
                .parse::<Ipv4Addr>()
                .map(u32::from)
                .map_err(|_| format!("range {label}: '{s}' is not an IPv4 address"))
        };
        Range::between(p(start)?, p(end)?, &label)?.checked(&label)
    }

    fn between(a: u32, b: u32, label: &str) -> Result<Range, String> {
        if a > b {
            return Err(format!(
                "range '{label}': the first address is after the last"
            ));
        }
        Ok(Range { first: a, last: b })
    }

    fn checked(self, label: &str) -> Result<Range, String> {
        if self.len() > MAX_ADDRESSES {
            return Err(format!(
                "range '{label}' has {} addresses, more than the {MAX_ADDRESSES} (a /14) one scan takes: skipped",
                self.len()
            ));
        }
        Ok(self)
    }

    pub fn len(&self) -> u64 {
        u64::from(self.last) - u64::from(self.first) + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn contains(&self, a: Ipv4Addr) -> bool {
        (self.first..=self.last).contains(&u32::from(a))
    }

    pub fn iter(&self) -> impl Iterator<Item = Ipv4Addr> {
        (self.first..=self.last).map(Ipv4Addr::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let r = Range::parse("10.1.2.0/24").unwrap();
        assert_eq!(r.to_string(), "10.1.2.1-10.1.2.254");
        assert_eq!(r.len(), 254);
        assert_eq!(Range::parse("10.1.2.7/32").unwrap().len(), 1);
        assert_eq!(Range::parse("10.1.2.6/31").unwrap().len(), 2);
        assert_eq!(Range::parse(" 127.0.1.1-127.0.1.40 ").unwrap().len(), 40);
        assert_eq!(Range::parse("127.0.0.1").unwrap().len(), 1);
        assert_eq!(Range::parse("127.0.0.0/16").unwrap().len(), 65534);
        assert!(Range::from_bounds("127.0.1.1", "127.0.1.9").is_ok());
    }

    #[test]
    fn bad_ranges_are_named() {
        for bad in [
            "10.0.0.0/8",
            "0.0.0.0/0",
            "10.1.2.0/33",
            "10.1.2.9-10.1.2.1",
            "10.1.2",
            "",
            "host.example",
            "10.1.2.0/x",
        ] {
            let e = Range::parse(bad).unwrap_err();
            assert!(e.contains("range"), "{bad}: {e}");
        }
        assert!(Range::parse("10.0.0.0/8")
            .unwrap_err()
            .contains("16777214 addresses"));
        assert!(Range::from_bounds("", "10.0.0.1").is_err());
    }
}
