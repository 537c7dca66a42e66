//! Sending magic packets: a raw Ethernet frame on every up, non-loopback interface
//! with an address and a MAC (needs CAP_NET_RAW, root for BPF); when raw sockets are refused, UDP
//! broadcasts to port 9 — to 255.255.255.255 and to each interface's subnet broadcast —
//! which the Perl agents never fall back to.
//!
//! Safe: frames go only to the target MAC (or broadcasts for UDP) on this machine's own
//! links; nothing is received.

use nix::errno::Errno;
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};

use crate::net::interfaces::Interface;
use crate::platform::raw_frames::Link;

use super::magic;

/// The UDP port of Wake-on-LAN (discard).
pub const UDP_PORT: u16 = 9;

/// How the packets went.
#[derive(Debug, PartialEq, Eq)]
pub enum Method {
    Ethernet,
    Udp,
}

/// The interfaces a frame goes out on.
pub fn eligible(ifaces: &[Interface]) -> Vec<&Interface> {
    ifaces
        .iter()
        .filter(|i| i.up && !i.loopback && !i.ipv4.is_empty() && i.mac.is_some() && i.index > 0)
        .collect()
}

/// A raw packet socket (BPF on FreeBSD and macOS: `platform::raw_frames`), or why not.
pub fn raw_socket() -> Result<Link, Errno> {
    crate::platform::raw_frames::open()
}

/// Sends `target`'s frame on each interface; the names of those it went out on.
pub fn ethernet(fd: &Link, target: &[u8; 6], ifaces: &[&Interface]) -> Vec<String> {
    let mut sent = Vec::new();
    for i in ifaces {
        let Some(src) = i.mac else { continue };
        let frame = magic::frame(target, &src);
        match fd.send(&i.name, i.index, &frame) {
            Ok(()) => sent.push(i.name.clone()),
            Err(e) => log::warn!("{}: magic packet frame not sent: {e}", i.name),
        }
    }
    sent
}

/// The UDP destinations: the limited broadcast and each subnet's broadcast.
pub fn udp_destinations(ifaces: &[Interface]) -> Vec<Ipv4Addr> {
    let mut d = vec![Ipv4Addr::BROADCAST];
    for i in ifaces.iter().filter(|i| i.up && !i.loopback) {
        for (_, _, b) in &i.ipv4 {
            if let Some(b) = b {
                if !d.contains(b) {
                    d.push(*b);
                }
            }
        }
    }
    d
}

/// Sends `target`'s payload by UDP broadcast; the destinations it went to.
pub fn udp(target: &[u8; 6], dests: &[Ipv4Addr]) -> Result<Vec<Ipv4Addr>, String> {
    let s = UdpSocket::bind(("0.0.0.0", 0)).map_err(|e| format!("UDP socket: {e}"))?;
    s.set_broadcast(true)
        .map_err(|e| format!("UDP broadcast: {e}"))?;
    let p = magic::payload(target);
    let mut sent = Vec::new();
    for d in dests {
        match s.send_to(&p, SocketAddrV4::new(*d, UDP_PORT)) {
            Ok(_) => sent.push(*d),
            Err(e) => log::debug!("{d}:{UDP_PORT}: {e}"),
        }
    }
    Ok(sent)
}
