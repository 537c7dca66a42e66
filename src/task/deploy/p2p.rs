//! Peer to peer for OCS fragments: other agents of the subnet that already have a
//! fragment serve it from their daemon (`/?action=download&file=ID/ID-N`), so a package
//! crosses the WAN once per site.
//!
//! Discovery is a TCP connect scan of the peers' port (`deploy-p2p-port`, 62354), and
//! it is bounded: the ranges come from `deploy-p2p-subnet` or, by default, this
//! machine's IPv4 networks (loopback and link-local left out, networks of more than
//! [`MAX_NETWORK`] addresses skipped, at most [`AROUND`] addresses either side of its
//! own), at most [`MAX_SCAN`] addresses in all; connects are non-blocking,
//! [`PARALLEL`] at a time, each given [`CONNECT_TIMEOUT`]. The result is kept
//! [`CACHE_MINUTES`] in `$VARDIR/deploy-peers`.
//!
//! A peer is trusted with nothing: what it sends is a fragment candidate whose truth
//! the package digest decides. When the digest fails, every peer that gave a fragment
//! of that package is dropped from the cache and those fragments are fetched again
//! from the server. A peer that is down or has nothing is simply skipped.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpStream};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::socket::{self, sockopt, AddressFamily, SockType, SockaddrIn};

use super::settings::Settings;
use crate::agent::state;
use crate::net::interfaces;

/// Most addresses one scan tries.
pub const MAX_SCAN: usize = 1024;
/// Networks bigger than this are not scanned by default.
pub const MAX_NETWORK: u32 = 5000;
/// Addresses scanned either side of this machine's own, by default.
pub const AROUND: u32 = 256;
/// Connects in flight at once.
pub const PARALLEL: usize = 64;
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// How long a peer may take to send a fragment's headers / each read.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
pub const CACHE_MINUTES: u64 = 20;
const CACHE_FILE: &str = "deploy-peers";

/// An IPv4 range, first and last address included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range(pub u32, pub u32);

/// Parses `a.b.c.d/n`, `a.b.c.d-e.f.g.h` or one address.
pub fn parse_range(text: &str) -> Result<Range, String> {
    let t = text.trim();
    let ip = |s: &str| {
        s.trim()
            .parse::<Ipv4Addr>()
            .map(u32::from)
            .map_err(|_| format!("'{s}' is not an IPv4 address (deploy-p2p-subnet)"))
    };
    if let Some((a, n)) = t.split_once('/') {
        let bits: u8 = n
            .parse()
            .ok()
            .filter(|b| *b <= 32)
            .ok_or_else(|| format!("'{t}': bad prefix length (deploy-p2p-subnet)"))?;
        let mask = interfaces::mask(bits);
        let base = ip(a)? & mask;
        return Ok(Range(base, base | !mask));
    }
    if let Some((a, b)) = t.split_once('-') {
        let (a, b) = (ip(a)?, ip(b)?);
        if a > b {
            return Err(format!(
                "'{t}': the range goes backwards (deploy-p2p-subnet)"
            ));
        }
        return Ok(Range(a, b));
    }
    let a = ip(t)?;
    Ok(Range(a, a))
}

/// The addresses to scan: the configured ranges, or this machine's networks.
pub fn targets(settings: &Settings) -> Vec<Ipv4Addr> {
    let mut ranges = Vec::new();
    if settings.p2p_subnets.is_empty() {
        ranges = own_networks();
    } else {
        for s in &settings.p2p_subnets {
            match parse_range(s) {
                Ok(r) => ranges.push(r),
                Err(e) => log::warn!("{e}"),
            }
        }
    }
    let mut out = Vec::new();
    for Range(a, b) in ranges {
        for n in a..=b {
            if out.len() >= MAX_SCAN {
                log::warn!("P2P: more than {MAX_SCAN} addresses to scan, the rest is left out");
                return out;
            }
            let ip = Ipv4Addr::from(n);
            if !out.contains(&ip) {
                out.push(ip);
            }
        }
    }
    out
}

/// This machine's IPv4 networks, bounded as the module says.
fn own_networks() -> Vec<Range> {
    let mut out = Vec::new();
    for (addr, prefix, _) in interfaces::list().into_iter().flat_map(|i| i.ipv4) {
        if addr.is_loopback() || addr.is_link_local() || addr.is_unspecified() {
            continue;
        }
        let ip = u32::from(addr);
        let mask = interfaces::mask(prefix);
        let size = !mask;
        if size == 0 || size > MAX_NETWORK {
            continue;
        }
        let (net, bcast) = (ip & mask, ip | size);
        let first = (net + 1).max(ip.saturating_sub(AROUND));
        let last = (bcast.saturating_sub(1)).min(ip.saturating_add(AROUND));
        if first <= last {
            out.push(Range(first, last));
        }
    }
    out
}

/// Connects to `port` on every address, [`PARALLEL`] at a time; the ones that accept.
pub fn scan(addrs: &[Ipv4Addr], port: u16, timeout: Duration) -> Vec<SocketAddrV4> {
    let mut found = Vec::new();
    for chunk in addrs.chunks(PARALLEL) {
        let mut pending: Vec<(SocketAddrV4, OwnedFd)> = Vec::new();
        for ip in chunk {
            let sa = SocketAddrV4::new(*ip, port);
            let Ok(fd) =
                crate::platform::fd::socket(AddressFamily::Inet, SockType::Stream, true, None)
            else {
                continue;
            };
            match socket::connect(fd.as_raw_fd(), &SockaddrIn::from(sa)) {
                Ok(()) => found.push(sa),
                Err(nix::errno::Errno::EINPROGRESS) => pending.push((sa, fd)),
                Err(_) => {}
            }
        }
        let deadline = Instant::now() + timeout;
        while !pending.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let ms = PollTimeout::try_from(left.as_millis() as i32).unwrap_or(PollTimeout::MAX);
            let mut fds: Vec<PollFd> = pending
                .iter()
                .map(|(_, fd)| PollFd::new(fd.as_fd(), PollFlags::POLLOUT))
                .collect();
            match poll(&mut fds, ms) {
                Ok(0) => break,
                Ok(_) => {}
                Err(nix::errno::Errno::EINTR) => continue,
                Err(_) => break,
            }
            let done: Vec<bool> = fds
                .iter()
                .map(|f| f.revents().is_some_and(|r| !r.is_empty()))
                .collect();
            drop(fds);
            let mut still = Vec::new();
            for ((sa, fd), ready) in pending.into_iter().zip(done) {
                if !ready {
                    still.push((sa, fd));
                } else if socket::getsockopt(&fd, sockopt::SocketError) == Ok(0) {
                    found.push(sa);
                }
            }
            pending = still;
        }
    }
    found
}

/// The peers to ask: cached, or scanned now.
pub fn peers(settings: &Settings) -> Vec<SocketAddrV4> {
    let path = settings.vardir.join(CACHE_FILE);
    let kv = state::read_kv(&path);
    let key = format!("{}:{}", settings.p2p_subnets.join(","), settings.p2p_port);
    let now = crate::agent::schedule::now();
    let fresh = kv
        .get("scanned")
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|t| t <= now && now - t < CACHE_MINUTES * 60);
    if fresh && kv.get("key") == Some(&key) {
        return kv
            .get("peers")
            .map(|p| p.split(',').filter_map(|s| s.parse().ok()).collect())
            .unwrap_or_default();
    }
    let addrs = targets(settings);
    let started = Instant::now();
    let own = own_addresses();
    let found: Vec<SocketAddrV4> = scan(&addrs, settings.p2p_port, CONNECT_TIMEOUT)
        .into_iter()
        .filter(|sa| !(sa.port() == settings.httpd_port && own.contains(sa.ip())))
        .collect();
    log::info!(
        "P2P: {} peer(s) on port {} among {} addresses ({} ms)",
        found.len(),
        settings.p2p_port,
        addrs.len(),
        started.elapsed().as_millis()
    );
    save(&path, &key, now, &found);
    found
}

fn own_addresses() -> Vec<Ipv4Addr> {
    let mut v = vec![Ipv4Addr::LOCALHOST];
    v.extend(
        interfaces::list()
            .into_iter()
            .flat_map(|i| i.ipv4)
            .map(|(addr, _, _)| addr),
    );
    v
}

fn save(path: &Path, key: &str, when: u64, peers: &[SocketAddrV4]) {
    let mut kv = BTreeMap::new();
    kv.insert("key".to_string(), key.to_string());
    kv.insert("scanned".to_string(), when.to_string());
    let list: Vec<String> = peers.iter().map(|p| p.to_string()).collect();
    kv.insert("peers".to_string(), list.join(","));
    if let Err(e) = state::write_kv(path, &kv) {
        log::warn!("cannot write {}: {e}", path.display());
    }
}

/// Forgets peers that sent bad data.
pub fn drop_peers(settings: &Settings, bad: &[SocketAddrV4]) {
    let path = settings.vardir.join(CACHE_FILE);
    let kv = state::read_kv(&path);
    let (Some(key), Some(when)) = (
        kv.get("key"),
        kv.get("scanned").and_then(|v| v.parse().ok()),
    ) else {
        return;
    };
    let kept: Vec<SocketAddrV4> = kv
        .get("peers")
        .map(|p| {
            p.split(',')
                .filter_map(|s| s.parse().ok())
                .collect::<Vec<SocketAddrV4>>()
        })
        .unwrap_or_default()
        .into_iter()
        .filter(|p| !bad.contains(p))
        .collect();
    for b in bad {
        log::warn!("P2P: peer {b} sent a bad fragment, dropped");
    }
    save(&path, key, when, &kept);
}

/// Asks `peer` for fragment `ID/ID-N` and writes it to `out`; the byte count. Only a
/// 200 with a Content-Length of at most `max`, delivered in full, counts.
pub fn fetch(
    peer: SocketAddrV4,
    id: &str,
    n: u64,
    out: &mut dyn Write,
    max: u64,
) -> Result<u64, String> {
    fetch_path(
        peer,
        &format!("/?action=download&file={id}/{id}-{n}"),
        out,
        max,
    )
}

/// GETs `path` from `peer`'s HTTP interface (HTTP/1.0, no proxy: peers are on the
/// subnet), same rules as [`fetch`].
pub fn fetch_path(
    peer: SocketAddrV4,
    path: &str,
    out: &mut dyn Write,
    max: u64,
) -> Result<u64, String> {
    let mut s = TcpStream::connect_timeout(&SocketAddr::V4(peer), CONNECT_TIMEOUT)
        .map_err(|e| format!("peer {peer}: {e}"))?;
    s.set_read_timeout(Some(READ_TIMEOUT)).ok();
    s.set_write_timeout(Some(READ_TIMEOUT)).ok();
    let request = format!(
        "GET {path} HTTP/1.0\r\nHost: {peer}\r\nUser-Agent: ocsinventory-agent-p2p\r\n\r\n"
    );
    s.write_all(request.as_bytes())
        .map_err(|e| format!("peer {peer}: {e}"))?;
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.by_ref()
        .take(1024)
        .read_line(&mut line)
        .map_err(|e| format!("peer {peer}: {e}"))?;
    let status = line.split_whitespace().nth(1).unwrap_or("");
    if status != "200" {
        return Err(format!("peer {peer}: {}", line.trim()));
    }
    let mut length: Option<u64> = None;
    for _ in 0..64 {
        line.clear();
        r.by_ref()
            .take(8192)
            .read_line(&mut line)
            .map_err(|e| format!("peer {peer}: {e}"))?;
        let l = line.trim();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            if k.trim().eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().ok();
            }
        }
    }
    let length = length.ok_or_else(|| format!("peer {peer}: no Content-Length"))?;
    if length > max {
        return Err(format!(
            "peer {peer}: announces {length} bytes, more than {max}"
        ));
    }
    let got = std::io::copy(&mut r.take(length), out).map_err(|e| format!("peer {peer}: {e}"))?;
    if got != length {
        return Err(format!("peer {peer}: sent {got} of {length} bytes"));
    }
    Ok(got)
}

/// `$VARDIR/shared`: the fragments this agent serves.
pub fn shared_root(vardir: &Path) -> PathBuf {
    vardir.join("shared")
}

/// Removes shared packages older than the retention time (`deploy-p2p-retention`
/// minutes, from the time they were shared).
pub fn purge(vardir: &Path, retention_minutes: u64) {
    let Ok(entries) = std::fs::read_dir(shared_root(vardir)) else {
        return;
    };
    let limit = Duration::from_secs(retention_minutes.saturating_mul(60));
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > limit);
        if old {
            log::debug!("P2P: shared package {} expired", e.path().display());
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn ranges() {
        assert_eq!(
            parse_range("127.0.0.0/30").unwrap(),
            Range(0x7f00_0000, 0x7f00_0003)
        );
        assert_eq!(
            parse_range("127.0.0.1-127.0.0.2").unwrap(),
            Range(0x7f00_0001, 0x7f00_0002)
        );
        assert!(parse_range("127.0.0.2-127.0.0.1").is_err());
        assert!(parse_range("10.0.0.0/33").is_err());
        assert!(parse_range("host").is_err());
    }

    #[test]
    fn the_scan_is_bounded() {
        let settings = Settings {
            vardir: std::env::temp_dir(),
            frag_latency: None,
            cycle_latency: None,
            period_latency: None,
            max_size: 1,
            command_timeout: Duration::from_secs(1),
            run_budget: Duration::from_secs(1),
            p2p: true,
            p2p_retention: 1,
            p2p_port: 1,
            p2p_subnets: vec!["10.0.0.0/8".into(), "127.0.0.1".into()],
            httpd_port: 1,
        };
        // only computed here, never scanned
        let t = targets(&settings);
        assert_eq!(t.len(), MAX_SCAN);
        assert_eq!(t[0], Ipv4Addr::new(10, 0, 0, 0));
        let small = Settings {
            p2p_subnets: vec![
                "127.0.0.0/30".into(),
                "127.0.0.2-127.0.0.5".into(),
                "bad".into(),
            ],
            ..settings
        };
        assert_eq!(targets(&small).len(), 6, "ranges merged without doubles");
    }

    #[test]
    fn scan_finds_listeners_on_loopback_only_where_they_are() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let addrs: Vec<Ipv4Addr> = (1..=8).map(|i| Ipv4Addr::new(127, 0, 0, i)).collect();
        let t = Instant::now();
        let found = scan(&addrs, port, Duration::from_millis(500));
        assert_eq!(found, vec![SocketAddrV4::new(Ipv4Addr::LOCALHOST, port)]);
        assert!(t.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn fetch_checks_status_and_length() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let peer = match l.local_addr().unwrap() {
            SocketAddr::V4(a) => a,
            _ => unreachable!(),
        };
        let replies: Vec<&'static [u8]> = vec![
            b"HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nfrag",
            b"HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nshort",
            b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n",
            b"HTTP/1.0 200 OK\r\nContent-Length: 999999\r\n\r\n",
        ];
        let server = std::thread::spawn(move || {
            for r in replies {
                let (mut s, _) = l.accept().unwrap();
                let mut got = Vec::new();
                let mut buf = [0u8; 1024];
                while !got.ends_with(b"\r\n\r\n") {
                    let n = s.read(&mut buf).unwrap();
                    assert!(n > 0);
                    got.extend_from_slice(&buf[..n]);
                }
                assert!(got.starts_with(b"GET /?action=download&file=1/1-1 HTTP/1.0\r\n"));
                s.write_all(r).unwrap();
            }
        });
        let mut out = Vec::new();
        assert_eq!(fetch(peer, "1", 1, &mut out, 100).unwrap(), 4);
        assert_eq!(out, b"frag");
        let e = fetch(peer, "1", 1, &mut Vec::new(), 100).unwrap_err();
        assert!(e.contains("5 of 10"), "{e}");
        assert!(fetch(peer, "1", 1, &mut Vec::new(), 100)
            .unwrap_err()
            .contains("404"));
        assert!(fetch(peer, "1", 1, &mut Vec::new(), 100)
            .unwrap_err()
            .contains("more than"));
        server.join().unwrap();
    }
}
