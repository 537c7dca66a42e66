//! ICMP errors of UDP probes, and the receive buffer of the ICMP socket (NetDiscovery).
//!
//! - Linux: `IP_RECVERR` on the UDP socket queues the ICMP error of each datagram
//!   (port unreachable: a host that is up but has no such service) with its original
//!   destination, read with `MSG_ERRQUEUE`; `SO_RCVBUFFORCE` lets root give the ICMP
//!   socket a buffer past `net.core.rmem_max`.
//! - FreeBSD, macOS, illumos, NetBSD, OpenBSD: an unconnected UDP socket is never told of
//!   ICMP errors (only a connected one, as a bare `ECONNREFUSED` on its next call), and
//!   there is no error queue: [`enable`] says false and [`unreachable`] finds nothing.
//!   A host is then found by its ICMP echo reply, SNMP, NetBIOS answer or the neighbour
//!   table, as on Linux; only the "up but refusing" hint of a port unreachable is lost,
//!   and that probe waits for its time-out instead. The buffer is `SO_RCVBUF`, bounded
//!   by `kern.ipc.maxsockbuf` (BSDs, macOS) or `udp_max_buf` (illumos).

use std::net::{Ipv4Addr, UdpSocket};
use std::os::fd::AsFd;

use nix::sys::socket::{self, sockopt};

/// Asks for the ICMP errors of `s`'s datagrams; false where the system has no such queue.
pub fn enable(s: &UdpSocket) -> bool {
    #[cfg(target_os = "linux")]
    {
        socket::setsockopt(s, sockopt::Ipv4RecvErr, &true).is_ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = s;
        false
    }
}

/// The destinations whose datagrams came back as ICMP errors since the last call, at
/// most `max` of them (the queue holds at most one error per datagram sent).
pub fn unreachable(s: &UdpSocket, max: usize) -> Vec<Ipv4Addr> {
    #[cfg(target_os = "linux")]
    {
        use nix::sys::socket::{MsgFlags, SockaddrIn};
        use std::os::fd::AsRawFd;
        let mut out = Vec::new();
        let mut data = [0u8; 64];
        let mut cmsg = nix::cmsg_space!(nix::libc::sock_extended_err, nix::libc::sockaddr_in);
        for _ in 0..max {
            let mut iov = [std::io::IoSliceMut::new(&mut data)];
            match socket::recvmsg::<SockaddrIn>(
                s.as_raw_fd(),
                &mut iov,
                Some(&mut cmsg),
                MsgFlags::MSG_ERRQUEUE | MsgFlags::MSG_DONTWAIT,
            ) {
                Ok(m) => {
                    if let Some(a) = m.address {
                        out.push(a.ip());
                    }
                }
                Err(_) => break,
            }
        }
        out
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (s, max);
        Vec::new()
    }
}

/// Gives `fd` a receive buffer of `bytes`: past the system's maximum where root may
/// (Linux), else as large as the system allows.
pub fn force_recv_buffer<F: AsFd>(fd: &F, bytes: usize) {
    #[cfg(target_os = "linux")]
    if socket::setsockopt(fd, sockopt::RcvBufForce, &bytes).is_ok() {
        return;
    }
    let _ = socket::setsockopt(fd, sockopt::RcvBuf, &bytes);
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    /// A datagram to a closed port of 127.0.0.1 comes back as port unreachable.
    #[test]
    fn a_closed_port_is_reported_unreachable() {
        let closed = UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        assert!(enable(&s));
        s.send_to(b"probe", ("127.0.0.1", port)).unwrap();
        let t = Instant::now();
        let mut found = Vec::new();
        while found.is_empty() && t.elapsed() < Duration::from_secs(2) {
            std::thread::sleep(Duration::from_millis(10));
            found = unreachable(&s, 8);
        }
        assert_eq!(found, vec![Ipv4Addr::LOCALHOST]);
        assert!(unreachable(&s, 8).is_empty(), "read once");
    }
}
