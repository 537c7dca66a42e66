//! This machine's network interfaces as the network tasks need them (getifaddrs): name,
//! index, up/loopback/broadcast flags, MAC, IPv4 addresses with prefix and broadcast.
//! Used by NetDiscovery (IPDISCOVER's network), WakeOnLan (where to send frames) and
//! Deploy (the networks its peers are looked for in).

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use nix::ifaddrs::getifaddrs;
use nix::net::if_::InterfaceFlags;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Interface {
    pub name: String,
    pub index: u32,
    pub up: bool,
    pub loopback: bool,
    pub mac: Option<[u8; 6]>,
    /// (address, prefix length, broadcast address).
    pub ipv4: Vec<(Ipv4Addr, u8, Option<Ipv4Addr>)>,
}

/// Every interface, in name order (empty when the system call fails).
pub fn list() -> Vec<Interface> {
    let mut by_name: BTreeMap<String, Interface> = BTreeMap::new();
    let Ok(addrs) = getifaddrs() else {
        return Vec::new();
    };
    for a in addrs {
        let i = by_name
            .entry(a.interface_name.clone())
            .or_insert_with(|| Interface {
                name: a.interface_name.clone(),
                ..Interface::default()
            });
        i.up = a.flags.contains(InterfaceFlags::IFF_UP);
        i.loopback = a.flags.contains(InterfaceFlags::IFF_LOOPBACK);
        let Some(addr) = a.address.as_ref() else {
            continue;
        };
        if let Some(link) = addr.as_link_addr() {
            i.index = u32::try_from(link.ifindex()).unwrap_or(0);
            i.mac = link.addr().filter(|m| m.iter().any(|b| *b != 0));
        } else if let Some(sin) = addr.as_sockaddr_in() {
            let prefix = a
                .netmask
                .as_ref()
                .and_then(|m| m.as_sockaddr_in())
                .map_or(32, |m| u32::from(m.ip()).count_ones() as u8);
            let bcast = a
                .broadcast
                .as_ref()
                .and_then(|b| b.as_sockaddr_in())
                .map(|b| b.ip());
            i.ipv4.push((sin.ip(), prefix, bcast));
        }
    }
    by_name.into_values().collect()
}

/// The netmask of a prefix length (`24` → `0xffffff00`); past 32 counts as 32.
pub fn mask(prefix: u8) -> u32 {
    u32::MAX
        .checked_shl(32 - u32::from(prefix.min(32)))
        .unwrap_or(0)
}

/// The network address of `addr`/`prefix`.
pub fn network(addr: Ipv4Addr, prefix: u8) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(addr) & mask(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask(0), 0);
        assert_eq!(mask(24), 0xffff_ff00);
        assert_eq!(mask(32), u32::MAX);
        assert_eq!(mask(40), u32::MAX);
    }

    #[test]
    fn loopback_is_listed() {
        let l = list();
        let lo = l.iter().find(|i| i.loopback).expect("a loopback interface");
        assert!(lo.ipv4.iter().any(|(a, p, _)| a.is_loopback() && *p == 8));
        assert_eq!(
            network("127.99.0.7".parse().unwrap(), 24),
            "127.99.0.0".parse::<Ipv4Addr>().unwrap()
        );
    }
}
