//! Sending magic packets: a raw Ethernet frame on every up, non-loopback interface
//! with an address and a MAC (needs CAP_NET_RAW); when raw sockets are refused, UDP
//! broadcasts to port 9 — to 255.255.255.255 and to each interface's subnet broadcast —
//! which the Perl agents never fall back to.
//!
//! Safe: frames go only to the target MAC (or broadcasts for UDP) on this machine's own
//! links; nothing is received.

use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::os::fd::{AsRawFd, OwnedFd};

use nix::errno::Errno;
use nix::sys::socket::{self, AddressFamily, SockFlag, SockType};

use crate::net::interfaces::Interface;

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

/// A raw packet socket, or why not.
pub fn raw_socket() -> Result<OwnedFd, Errno> {
    socket::socket(
        AddressFamily::Packet,
        SockType::Raw,
        SockFlag::SOCK_CLOEXEC,
        None,
    )
}

/// Sends `target`'s frame on each interface; the names of those it went out on.
pub fn ethernet(fd: &OwnedFd, target: &[u8; 6], ifaces: &[&Interface]) -> Vec<String> {
    let mut sent = Vec::new();
    for i in ifaces {
        let Some(src) = i.mac else { continue };
        let frame = magic::frame(target, &src);
        // SAFETY: a zeroed sockaddr_ll is a valid value; its fields are set below and
        // sendto reads exactly size_of::<sockaddr_ll>() bytes of it and frame.len()
        // bytes of `frame`, both alive for the call, on a descriptor we own.
        let r = unsafe {
            let mut sll: nix::libc::sockaddr_ll = std::mem::zeroed();
            sll.sll_family = nix::libc::AF_PACKET as u16;
            sll.sll_protocol = magic::ETHERTYPE_WOL.to_be();
            sll.sll_ifindex = i.index as i32;
            sll.sll_halen = 6;
            sll.sll_addr[..6].copy_from_slice(target);
            nix::libc::sendto(
                fd.as_raw_fd(),
                frame.as_ptr().cast(),
                frame.len(),
                0,
                (&sll as *const nix::libc::sockaddr_ll).cast(),
                std::mem::size_of::<nix::libc::sockaddr_ll>() as nix::libc::socklen_t,
            )
        };
        if r == frame.len() as isize {
            sent.push(i.name.clone());
        } else {
            log::warn!(
                "{}: magic packet frame not sent: {}",
                i.name,
                std::io::Error::last_os_error()
            );
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
