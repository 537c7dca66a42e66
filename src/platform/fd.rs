//! Pipes and sockets created close-on-exec (and non-blocking when asked): in the same
//! system call on Linux, the BSDs and illumos (`pipe2`, `SOCK_CLOEXEC`,
//! `SOCK_NONBLOCK`), which macOS has none of. There the flags are set with `fcntl` right
//! after creation: a `fork` + `exec` by another thread in between would let the child
//! inherit the descriptor. The daemon has one thread, and the task children start
//! commands from the thread that creates their pipes, so nothing leaks in practice.

use std::os::fd::OwnedFd;

use nix::fcntl::OFlag;
use nix::sys::socket::{AddressFamily, SockProtocol, SockType};

/// A pipe (read end, write end) with `flags` (`O_CLOEXEC`, `O_NONBLOCK`) on both ends.
pub fn pipe2(flags: OFlag) -> nix::Result<(OwnedFd, OwnedFd)> {
    #[cfg(not(target_vendor = "apple"))]
    {
        nix::unistd::pipe2(flags)
    }
    #[cfg(target_vendor = "apple")]
    {
        let (r, w) = nix::unistd::pipe()?;
        apply(&r, flags)?;
        apply(&w, flags)?;
        Ok((r, w))
    }
}

/// A socket, close-on-exec, non-blocking when `nonblocking`.
pub fn socket<P: Into<Option<SockProtocol>>>(
    domain: AddressFamily,
    ty: SockType,
    nonblocking: bool,
    protocol: P,
) -> nix::Result<OwnedFd> {
    #[cfg(not(target_vendor = "apple"))]
    {
        use nix::sys::socket::SockFlag;
        let mut flags = SockFlag::SOCK_CLOEXEC;
        if nonblocking {
            flags |= SockFlag::SOCK_NONBLOCK;
        }
        nix::sys::socket::socket(domain, ty, flags, protocol)
    }
    #[cfg(target_vendor = "apple")]
    {
        let fd =
            nix::sys::socket::socket(domain, ty, nix::sys::socket::SockFlag::empty(), protocol)?;
        let mut flags = OFlag::O_CLOEXEC;
        if nonblocking {
            flags |= OFlag::O_NONBLOCK;
        }
        apply(&fd, flags)?;
        Ok(fd)
    }
}

/// Sets `O_CLOEXEC` and `O_NONBLOCK` as `flags` says.
#[cfg(target_vendor = "apple")]
fn apply(fd: &OwnedFd, flags: OFlag) -> nix::Result<()> {
    use nix::fcntl::{fcntl, FcntlArg, FdFlag};
    use std::os::fd::AsRawFd;
    if flags.contains(OFlag::O_CLOEXEC) {
        fcntl(fd.as_raw_fd(), FcntlArg::F_SETFD(FdFlag::FD_CLOEXEC))?;
    }
    if flags.contains(OFlag::O_NONBLOCK) {
        let now = OFlag::from_bits_retain(fcntl(fd.as_raw_fd(), FcntlArg::F_GETFL)?);
        fcntl(fd.as_raw_fd(), FcntlArg::F_SETFL(now | OFlag::O_NONBLOCK))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::fcntl::{fcntl, FcntlArg, FdFlag};
    use std::os::fd::AsRawFd;

    fn flags_of(fd: &OwnedFd) -> (bool, bool) {
        let fd = fd.as_raw_fd();
        let cloexec = FdFlag::from_bits_retain(fcntl(fd, FcntlArg::F_GETFD).unwrap())
            .contains(FdFlag::FD_CLOEXEC);
        let nonblock = OFlag::from_bits_retain(fcntl(fd, FcntlArg::F_GETFL).unwrap())
            .contains(OFlag::O_NONBLOCK);
        (cloexec, nonblock)
    }

    #[test]
    fn pipes_and_sockets_get_their_flags() {
        let (r, w) = pipe2(OFlag::O_CLOEXEC).unwrap();
        assert_eq!((flags_of(&r), flags_of(&w)), ((true, false), (true, false)));
        let (r, w) = pipe2(OFlag::O_CLOEXEC | OFlag::O_NONBLOCK).unwrap();
        assert_eq!((flags_of(&r), flags_of(&w)), ((true, true), (true, true)));
        let s = socket(AddressFamily::Inet, SockType::Datagram, true, None).unwrap();
        assert_eq!(flags_of(&s), (true, true));
        let s = socket(AddressFamily::Inet, SockType::Stream, false, None).unwrap();
        assert_eq!(flags_of(&s), (true, false));
    }
}
