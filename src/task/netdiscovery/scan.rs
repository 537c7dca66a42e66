//! The scan: every address of the ranges probed at once, in one thread.
//!
//! Each address gets an ICMP echo, a NetBIOS node status query and an SNMP request
//! (one credential after the other until one answers), all sent when the address
//! enters the window; answers are read from one `poll` over the ICMP socket, the
//! NetBIOS socket and the SNMP engine's sockets. An address leaves the window when every
//! probe has answered or run out of time; it is then looked up in the neighbour table
//! and, if anything answered, handed to `on_device` at once — nothing accumulates, so
//! a /16 costs the memory of the window, not of the range.
//!
//! Rate and window: at most [`WINDOW`] addresses in flight and [`RATE`] new addresses
//! per second (about three datagrams each). A /24 then costs one probe timeout plus the
//! SNMP tries of its slowest address; a /16 about 65 536 / RATE seconds more.
//!
//! What could go wrong, and why it cannot here: duplicate or late answers (the Perl
//! agents' thread pools report a device twice) — an answer counts only while its address
//! is in the window and each probe once; answers from elsewhere — only addresses of the
//! ranges are in the window, anything else is dropped; file descriptors — the window is
//! capped below the process's limit (one SNMP socket per address in flight).

use std::collections::{HashMap, VecDeque};
use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags};
use nix::sys::socket::{self, AddressFamily, MsgFlags, SockProtocol, SockType, SockaddrIn};

use crate::snmp::engine::timeout_until;
use crate::snmp::identify::SysObjectDb;
use crate::snmp::{self, Credential, Engine, OidTable, Request};

use super::device::{self, Device};
use super::icmp;
use super::job::JobRange;
use super::neighbours;
use super::netbios;

/// Addresses in flight at once.
pub const WINDOW: usize = 4096;
/// New addresses per second: fast enough for a /16 in well under a minute, slow
/// enough not to flood a LAN (about 15 000 small datagrams a second at most).
pub const RATE: u32 = 5000;
/// How far starting may lag behind the rate and catch up at once: a wake-up every
/// millisecond or so then starts RATE/1000 addresses, not one.
const START_BURST: Duration = Duration::from_millis(20);
/// How long an address has to answer ICMP and NetBIOS (the reference agents' ping
/// timeout).
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(1);
/// Credentials tried per address (the SNMP request index carries it in 8 bits).
pub const MAX_CREDENTIALS: usize = 255;
/// Socket receive buffer asked for the ICMP and NetBIOS sockets: a window's worth of
/// answers arriving together must not be dropped.
const RECV_BUFFER: usize = 4 << 20;

#[derive(Clone, Debug)]
pub struct ScanOptions {
    pub snmp_timeout: Duration,
    pub snmp_retries: u32,
    pub probe_timeout: Duration,
    pub window: usize,
    pub rate: u32,
    /// Probes besides SNMP (off for tests of SNMP alone).
    pub icmp: bool,
    pub netbios: bool,
}

impl Default for ScanOptions {
    fn default() -> ScanOptions {
        ScanOptions {
            snmp_timeout: Duration::from_secs(1),
            snmp_retries: 1,
            probe_timeout: PROBE_TIMEOUT,
            window: WINDOW,
            rate: RATE,
            icmp: true,
            netbios: true,
        }
    }
}

/// What a scan did.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub addresses: u64,
    pub devices: u64,
    pub snmp_devices: u64,
    pub icmp: &'static str,
}

struct Probe {
    device: Device,
    icmp_wait: bool,
    netbios_wait: bool,
    snmp_wait: bool,
}

/// Scans `ranges`; `on_device` gets each device as soon as its address is done, and
/// returns false to stop the scan (no new address is started; those in flight end).
pub fn scan(
    ranges: &[JobRange],
    credentials: &[Credential],
    opts: &ScanOptions,
    mut on_device: impl FnMut(Device) -> bool,
) -> Stats {
    raise_file_limit();
    let credentials = &credentials[..credentials.len().min(MAX_CREDENTIALS)];
    let window = opts.window.clamp(1, file_budget());
    let pinger = if opts.icmp {
        Pinger::open()
    } else {
        Err("off".into())
    };
    let mut stats = Stats {
        icmp: match &pinger {
            Ok(p) if p.raw => "raw",
            Ok(_) => "datagram",
            Err(_) => "none",
        },
        ..Stats::default()
    };
    if let Err(e) = &pinger {
        if opts.icmp {
            log::warn!("{e}");
        }
    }
    let pinger = pinger.ok();
    let nb = if opts.netbios { netbios_socket() } else { None };
    let snmp_opts = snmp::Options {
        timeout: opts.snmp_timeout,
        retries: opts.snmp_retries,
        max_in_flight: window,
        max_rows_per_device: 10_000,
        deadline_per_device: opts.snmp_timeout * (opts.snmp_retries + 1) * 8
            + Duration::from_secs(5),
        ..snmp::Options::default()
    };
    let mut engine = Engine::new(&snmp_opts);
    let db = SysObjectDb::system();
    let (gets, walks) = (device::snmp_gets(), device::snmp_walks());
    let snmp_request = |ip: Ipv4Addr, cred: &Credential| Request {
        addr: SocketAddr::from((ip, 161)),
        credential: cred.clone(),
        context: None,
        gets: gets.clone(),
        walks: walks.clone(),
    };

    let mut addresses = ranges
        .iter()
        .flat_map(|r| r.range.iter().map(move |ip| (ip, r.entity.clone())));
    let mut exhausted = false;
    let mut pending: HashMap<Ipv4Addr, Probe> = HashMap::new();
    let mut expiry: VecDeque<(Instant, Ipv4Addr)> = VecDeque::new();
    let interval = Duration::from_secs(1) / opts.rate.max(1);
    let mut next_start = Instant::now();
    // The neighbour table and when it was read.
    let mut arp = (Instant::now(), HashMap::new());
    let mut buf = vec![0u8; 65536];
    let ident = (std::process::id() & 0xffff) as u16;
    let mut retry: Vec<(Ipv4Addr, usize)> = Vec::new();
    let mut touched: Vec<Ipv4Addr> = Vec::new();

    loop {
        let now = Instant::now();
        while !exhausted && pending.len() < window && now >= next_start {
            let Some((ip, entity)) = addresses.next() else {
                exhausted = true;
                break;
            };
            stats.addresses += 1;
            // Starts owed since the last wake-up go out together, up to START_BURST.
            next_start = next_start.max(now.checked_sub(START_BURST).unwrap_or(now)) + interval;
            let mut p = Probe {
                device: Device {
                    entity,
                    ..Device::new(ip)
                },
                icmp_wait: false,
                netbios_wait: false,
                snmp_wait: false,
            };
            if let Some(pg) = &pinger {
                p.icmp_wait = pg.send(ip, ident, (u32::from(ip) & 0xffff) as u16);
            }
            if let Some(s) = &nb {
                let q = netbios::query((u32::from(ip) & 0xffff) as u16);
                p.netbios_wait = s.send_to(&q, (ip, 137)).is_ok();
            }
            if let Some(c) = credentials.first() {
                p.snmp_wait = true;
                if let Some(Err(e)) = engine.start(key(ip, 0), snmp_request(ip, c)) {
                    log::debug!("{ip}: SNMP: {e}");
                    p.snmp_wait = false;
                }
            }
            expiry.push_back((now + opts.probe_timeout, ip));
            pending.insert(ip, p);
            touched.push(ip);
        }

        // Finish what is done (also the addresses that had nothing to wait for).
        for ip in touched.drain(..) {
            let done = pending
                .get(&ip)
                .is_some_and(|p| !(p.icmp_wait || p.netbios_wait || p.snmp_wait));
            if done {
                if let Some(p) = pending.remove(&ip) {
                    if !finish(p.device, now, &mut arp, &mut stats, &mut on_device) {
                        exhausted = true;
                    }
                }
            }
        }
        if exhausted && pending.is_empty() {
            break;
        }

        let mut wake = expiry
            .front()
            .map(|(t, _)| *t)
            .into_iter()
            .chain(engine.wake())
            .min()
            .unwrap_or(now + Duration::from_secs(1));
        if !exhausted && pending.len() < window {
            wake = wake.min(next_start);
        }
        let (icmp_ready, nb_ready, snmp_ready) = {
            let mut fds: Vec<PollFd> = Vec::with_capacity(engine.in_flight() + 2);
            if let Some(pg) = &pinger {
                fds.push(PollFd::new(pg.fd.as_fd(), PollFlags::POLLIN));
            }
            if let Some(s) = &nb {
                fds.push(PollFd::new(s.as_fd(), PollFlags::POLLIN));
            }
            let own = fds.len();
            fds.extend(engine.fds().map(|f| PollFd::new(f, PollFlags::POLLIN)));
            let ready: Vec<bool> = match poll(&mut fds, timeout_until(wake)) {
                Ok(_) => fds
                    .iter()
                    .map(|f| f.revents().is_some_and(|r| !r.is_empty()))
                    .collect(),
                Err(_) => vec![false; fds.len()],
            };
            let mut k = 0;
            let icmp_ready = pinger.is_some() && {
                k += 1;
                ready[0]
            };
            let nb_ready = nb.is_some() && {
                k += 1;
                ready[k - 1]
            };
            debug_assert_eq!(k, own);
            (icmp_ready, nb_ready, ready[own..].to_vec())
        };

        if icmp_ready {
            if let Some(pg) = &pinger {
                while let Some(ip) = pg.recv(&mut buf, ident) {
                    if let Some(p) = pending.get_mut(&ip).filter(|p| p.icmp_wait) {
                        p.icmp_wait = false;
                        p.device.add_ping();
                        touched.push(ip);
                    }
                }
            }
        }
        if nb_ready {
            if let Some(s) = &nb {
                loop {
                    match s.recv_from(&mut buf) {
                        Ok((n, SocketAddr::V4(from))) if from.port() == 137 => {
                            let ip = *from.ip();
                            if let Some(p) = pending.get_mut(&ip).filter(|p| p.netbios_wait) {
                                if let Some(st) = netbios::parse(&buf[..n]) {
                                    p.netbios_wait = false;
                                    p.device.add_netbios(st);
                                    touched.push(ip);
                                }
                            }
                        }
                        Ok(_) => {}
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        // ICMP errors of earlier sends: read below from the error queue.
                        Err(_) => {}
                    }
                }
                // A closed port 137 answers at once: that address is done with NetBIOS.
                for ip in unreachable(s) {
                    if let Some(p) = pending.get_mut(&ip).filter(|p| p.netbios_wait) {
                        p.netbios_wait = false;
                        touched.push(ip);
                    }
                }
            }
        }
        engine.process(&snmp_ready, &mut |k, r: Result<OidTable, String>| {
            let (ip, ci) = unkey(k);
            let Some(p) = pending.get_mut(&ip) else {
                return;
            };
            match r {
                Ok(t) => {
                    let id = credentials.get(ci).map_or("", |c| c.id.as_str());
                    p.device.add_snmp(&t, id, &db);
                    p.snmp_wait = false;
                    stats.snmp_devices += 1;
                }
                Err(e) => {
                    log::debug!(
                        "{ip}: SNMP {}: {e}",
                        credentials.get(ci).map_or(String::new(), |c| c.to_string())
                    );
                    if ci + 1 < credentials.len() {
                        retry.push((ip, ci + 1));
                    } else {
                        p.snmp_wait = false;
                    }
                }
            }
            touched.push(ip);
        });
        for (ip, ci) in retry.drain(..) {
            if let Some(Err(e)) = engine.start(key(ip, ci), snmp_request(ip, &credentials[ci])) {
                log::debug!("{ip}: SNMP: {e}");
                if let Some(p) = pending.get_mut(&ip) {
                    p.snmp_wait = false;
                }
            }
        }
        let now = Instant::now();
        while expiry.front().is_some_and(|(t, _)| *t <= now) {
            if let Some((_, ip)) = expiry.pop_front() {
                if let Some(p) = pending.get_mut(&ip) {
                    p.icmp_wait = false;
                    p.netbios_wait = false;
                    touched.push(ip);
                }
            }
        }
    }
    stats
}

/// Reports a device whose probes are over (at `ended`): a MAC from the neighbour table
/// if nothing gave one. The table is read again only when it is older than the probes'
/// end (the entry of an address that answered exists by then), so all the addresses
/// finishing together share one read.
fn finish(
    mut d: Device,
    ended: Instant,
    arp: &mut (Instant, HashMap<Ipv4Addr, String>),
    stats: &mut Stats,
    on_device: &mut impl FnMut(Device) -> bool,
) -> bool {
    if let (None, Some(ip)) = (&d.mac, d.ip) {
        if !arp.1.contains_key(&ip) && arp.0 < ended {
            *arp = (Instant::now(), neighbours::read());
        }
        if let Some(mac) = arp.1.get(&ip) {
            d.add_neighbour_mac(mac);
        }
    }
    if d.is_reportable() {
        stats.devices += 1;
        return on_device(d);
    }
    true
}

fn key(ip: Ipv4Addr, credential: usize) -> usize {
    ((u32::from(ip) as usize) << 8) | (credential & 0xff)
}

fn unkey(k: usize) -> (Ipv4Addr, usize) {
    (Ipv4Addr::from((k >> 8) as u32), k & 0xff)
}

/// Lets the scan use the hard limit of open files (SNMP uses one socket per address
/// in flight); the soft limit is often 1024.
fn raise_file_limit() {
    use crate::platform::rlimit::{get, set, Limit};
    if let Some((soft, hard)) = get(Limit::Files) {
        if soft < hard {
            let _ = set(Limit::Files, hard.min(65536), hard);
        }
    }
}

/// Addresses in flight the file limit allows (one SNMP socket each, some to spare).
fn file_budget() -> usize {
    use crate::platform::rlimit::{get, Limit};
    get(Limit::Files)
        .map(|(soft, _)| usize::try_from(soft.saturating_sub(128)).unwrap_or(usize::MAX))
        .unwrap_or(256)
        .max(1)
}

fn netbios_socket() -> Option<UdpSocket> {
    let s = UdpSocket::bind(("0.0.0.0", 0)).ok()?;
    s.set_nonblocking(true).ok()?;
    let _ = socket::setsockopt(&s, socket::sockopt::RcvBuf, &RECV_BUFFER);
    // ICMP errors (port unreachable) queued per destination, where the system can.
    crate::platform::icmp_errors::enable(&s);
    Some(s)
}

/// The destinations whose datagrams came back as ICMP errors (none where the system
/// keeps no error queue: `platform::icmp_errors`).
fn unreachable(s: &UdpSocket) -> Vec<Ipv4Addr> {
    // Bounded: the queue holds at most one error per datagram sent.
    crate::platform::icmp_errors::unreachable(s, WINDOW * 4)
}

/// The ICMP echo socket: raw as root, Linux's unprivileged ICMP datagram socket
/// otherwise (allowed by `net.ipv4.ping_group_range`).
struct Pinger {
    fd: OwnedFd,
    raw: bool,
}

impl Pinger {
    fn open() -> Result<Pinger, String> {
        let raw = crate::platform::fd::socket(
            AddressFamily::Inet,
            SockType::Raw,
            true,
            SockProtocol::Icmp,
        );
        let (fd, raw) = match raw {
            Ok(fd) => (fd, true),
            Err(raw_err) => match crate::platform::fd::socket(
                AddressFamily::Inet,
                SockType::Datagram,
                true,
                SockProtocol::Icmp,
            ) {
                Ok(fd) => (fd, false),
                Err(e) => {
                    return Err(format!(
                        "no ICMP echo: raw socket refused ({raw_err}) and ICMP datagram socket refused ({e}; see net.ipv4.ping_group_range): addresses are found by SNMP, NetBIOS and the neighbour table only"
                    ))
                }
            },
        };
        crate::platform::icmp_errors::force_recv_buffer(&fd, RECV_BUFFER);
        if raw {
            only_echo_replies(&fd);
        }
        Ok(Pinger { fd, raw })
    }

    /// Sends an echo request; false when the address cannot be reached at all.
    fn send(&self, ip: Ipv4Addr, ident: u16, seq: u16) -> bool {
        let pkt = icmp::echo_request(ident, seq);
        let to = SockaddrIn::from(std::net::SocketAddrV4::new(ip, 0));
        socket::sendto(self.fd.as_raw_fd(), &pkt, &to, MsgFlags::empty()).is_ok()
    }

    /// The source of the next echo reply queued (skipping other packets); `None` when
    /// nothing is left to read.
    fn recv(&self, buf: &mut [u8], ident: u16) -> Option<Ipv4Addr> {
        loop {
            match socket::recvfrom::<SockaddrIn>(self.fd.as_raw_fd(), buf) {
                Ok((n, Some(from))) => {
                    let Some((id, _seq)) = icmp::parse_reply(&buf[..n], self.raw) else {
                        continue;
                    };
                    // A raw socket sees every echo reply of the host; the datagram
                    // socket's identifier is its port, already filtered by the kernel.
                    if self.raw && id != ident {
                        continue;
                    }
                    return Some(from.ip());
                }
                Ok((_, None)) => continue,
                Err(nix::errno::Errno::EAGAIN) => return None,
                Err(nix::errno::Errno::EINTR) => continue,
                Err(_) => return None,
            }
        }
    }
}

/// Linux's ICMP_FILTER on a raw socket: only echo replies are queued, so the port
/// unreachables of the other probes cannot fill its buffer.
fn only_echo_replies(fd: &OwnedFd) {
    const SOL_RAW: i32 = 255;
    const ICMP_FILTER: i32 = 1;
    let mask: u32 = !(1u32 << icmp::ECHO_REPLY);
    // SAFETY: setsockopt reads exactly size_of::<u32>() bytes from a live u32 on our
    // stack, for a descriptor we own; a failure only leaves the filter off.
    unsafe {
        nix::libc::setsockopt(
            fd.as_raw_fd(),
            SOL_RAW,
            ICMP_FILTER,
            (&mask as *const u32).cast(),
            std::mem::size_of::<u32>() as nix::libc::socklen_t,
        );
    }
}
