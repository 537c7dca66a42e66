//! Raw Ethernet frames out of a given interface (Wake-on-LAN's magic packets). Root only
//! everywhere; the caller falls back to UDP broadcasts when [`open`] is refused.
//!
//! - Linux: an `AF_PACKET` raw socket, one `sendto` per frame with a `sockaddr_ll`
//!   naming the interface by index (needs CAP_NET_RAW).
//! - FreeBSD, macOS: a BPF device (`/dev/bpf`, cloning on FreeBSD; the first free
//!   `/dev/bpfN` on macOS), bound to the interface by name with `BIOCSETIF`, the frame
//!   written whole with its Ethernet header (`BIOCSHDRCMPLT`: the source address is the
//!   one in the frame, the interface's own).
//! - illumos, NetBSD, OpenBSD: no raw frames yet (illumos would need DLPI or its BPF
//!   driver, the BSDs their BPF ioctls, which the libc crate does not give for NetBSD):
//!   [`open`] says `ENOTSUP` and the caller sends UDP broadcasts.

use std::os::fd::OwnedFd;

use nix::errno::Errno;

/// A way to send raw frames.
pub struct Link {
    fd: OwnedFd,
}

/// Opens the raw link, or says why not (the caller then uses UDP).
pub fn open() -> Result<Link, Errno> {
    imp::open().map(|fd| Link { fd })
}

impl Link {
    /// Sends one whole Ethernet frame (destination, source, type, payload) out of the
    /// interface `name` (index `index`).
    pub fn send(&self, name: &str, index: u32, frame: &[u8]) -> std::io::Result<()> {
        if frame.len() < 14 {
            return Err(std::io::ErrorKind::InvalidInput.into());
        }
        imp::send(&self.fd, name, index, frame)
    }
}

#[cfg(target_os = "linux")]
mod imp {
    use std::os::fd::{AsRawFd, OwnedFd};

    use nix::errno::Errno;
    use nix::sys::socket::{self, AddressFamily, SockFlag, SockType};

    pub fn open() -> Result<OwnedFd, Errno> {
        socket::socket(
            AddressFamily::Packet,
            SockType::Raw,
            SockFlag::SOCK_CLOEXEC,
            None,
        )
    }

    pub fn send(fd: &OwnedFd, _name: &str, index: u32, frame: &[u8]) -> std::io::Result<()> {
        let ethertype = u16::from_be_bytes([frame[12], frame[13]]);
        // SAFETY: a zeroed sockaddr_ll is a valid value; its fields are set below and
        // sendto reads exactly size_of::<sockaddr_ll>() bytes of it and frame.len()
        // bytes of `frame`, both alive for the call, on a descriptor we own.
        let r = unsafe {
            let mut sll: nix::libc::sockaddr_ll = std::mem::zeroed();
            sll.sll_family = nix::libc::AF_PACKET as u16;
            sll.sll_protocol = ethertype.to_be();
            sll.sll_ifindex = index as i32;
            sll.sll_halen = 6;
            sll.sll_addr[..6].copy_from_slice(&frame[..6]);
            nix::libc::sendto(
                fd.as_raw_fd(),
                frame.as_ptr().cast(),
                frame.len(),
                0,
                (&sll as *const nix::libc::sockaddr_ll).cast(),
                std::mem::size_of::<nix::libc::sockaddr_ll>() as nix::libc::socklen_t,
            )
        };
        sent(r, frame)
    }

    fn sent(r: isize, frame: &[u8]) -> std::io::Result<()> {
        if r == frame.len() as isize {
            Ok(())
        } else if r < 0 {
            Err(std::io::Error::last_os_error())
        } else {
            Err(std::io::ErrorKind::WriteZero.into())
        }
    }
}

#[cfg(any(target_os = "freebsd", target_vendor = "apple"))]
mod imp {
    use std::os::fd::{AsRawFd, OwnedFd};

    use nix::errno::Errno;
    use nix::fcntl::{open as open_path, OFlag};
    use nix::sys::stat::Mode;

    /// The BPF devices tried, in order.
    fn devices() -> impl Iterator<Item = String> {
        std::iter::once("/dev/bpf".to_string()).chain((0..256).map(|n| format!("/dev/bpf{n}")))
    }

    pub fn open() -> Result<OwnedFd, Errno> {
        let mut last = Errno::ENOENT;
        for dev in devices() {
            match open_path(
                dev.as_str(),
                OFlag::O_RDWR | OFlag::O_CLOEXEC,
                Mode::empty(),
            ) {
                // SAFETY: open just returned this descriptor, owned by nobody else.
                Ok(fd) => return Ok(unsafe { std::os::fd::FromRawFd::from_raw_fd(fd) }),
                // Busy (macOS: one reader per device): the next one.
                Err(Errno::EBUSY) => last = Errno::EBUSY,
                // macOS has no cloning /dev/bpf; past the last /dev/bpfN: done.
                Err(Errno::ENOENT) if dev == "/dev/bpf" => {}
                Err(Errno::ENOENT) => break,
                Err(e) => return Err(e),
            }
        }
        Err(last)
    }

    pub fn send(fd: &OwnedFd, name: &str, _index: u32, frame: &[u8]) -> std::io::Result<()> {
        // SAFETY: a zeroed ifreq is a valid value; only its name is set, NUL-terminated
        // within IFNAMSIZ.
        let mut req: nix::libc::ifreq = unsafe { std::mem::zeroed() };
        let bytes = name.as_bytes();
        if bytes.len() >= req.ifr_name.len() || bytes.contains(&0) {
            return Err(std::io::ErrorKind::InvalidInput.into());
        }
        for (d, s) in req.ifr_name.iter_mut().zip(bytes) {
            *d = *s as nix::libc::c_char;
        }
        let complete: nix::libc::c_uint = 1;
        // SAFETY: both ioctls read a live, properly sized local; the descriptor is ours.
        unsafe {
            if nix::libc::ioctl(fd.as_raw_fd(), nix::libc::BIOCSETIF, &req) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            nix::libc::ioctl(fd.as_raw_fd(), nix::libc::BIOCSHDRCMPLT, &complete);
        }
        match nix::unistd::write(fd, frame) {
            Ok(n) if n == frame.len() => Ok(()),
            Ok(_) => Err(std::io::ErrorKind::WriteZero.into()),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(not(any(target_os = "linux", target_os = "freebsd", target_vendor = "apple")))]
mod imp {
    use std::os::fd::OwnedFd;

    use nix::errno::Errno;

    pub fn open() -> Result<OwnedFd, Errno> {
        Err(Errno::ENOTSUP)
    }

    pub fn send(_: &OwnedFd, _: &str, _: u32, _: &[u8]) -> std::io::Result<()> {
        Err(Errno::ENOTSUP.into())
    }
}
