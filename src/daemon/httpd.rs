//! The HTTP(S) interface: non-blocking sockets the daemon's single `poll(2)` loop waits
//! on beside its other events (see `daemon`); no thread of its own.
//!
//! Why not tiny_http (the first plan): its accept thread performs the TLS handshake
//! itself, so one client that opens the HTTPS port and says nothing blocks every other
//! client; it reads header lines without any size limit and without any time limit; and
//! it keeps one thread per open connection. The interface must stay answerable however
//! many idle or slow clients there are, and the parent must stay small, so the server is
//! this small state machine instead (TLS through the [`tls`](super::tls) traits):
//!
//! - every connection has a deadline: [`HEAD_TIME`] to send a complete request head
//!   (TLS handshake included), [`IDLE_TIME`] between keep-alive requests, [`WRITE_STALL`]
//!   without progress while we write; a client that sent part of a head gets `408`;
//! - a head is at most [`MAX_HEAD`](super::request::MAX_HEAD) bytes (`431` beyond);
//! - at most [`MAX_CONNECTIONS`] are open, at most [`MAX_PER_ADDRESS`] from one address;
//!   a newcomer past either limit makes room by evicting: first the oldest connection of
//!   its own address when that address is at its limit, else the oldest one that has sent
//!   nothing yet (TLS handshakes included), else the oldest one of the address holding the
//!   most; a client that gets no room is turned away with `503` (on HTTPS, simply closed:
//!   it could not read a plain-text answer);
//! - one connection moves at most [`WAKE_BUDGET`] bytes per turn of the loop and its
//!   deadline is checked before its socket: a client that never stops sending cannot hold
//!   the loop (the schedule, the signals, the other clients);
//! - a refusal is answered, never dropped: after a response that closes the connection the
//!   server shuts down its sending side and reads what the client still sends for a
//!   moment ([`LINGER`]), so the client's unread bytes do not turn into a reset that
//!   would swallow the response.
//!
//! Files (fragments, the log) are sent in 16 KiB pieces, so a large one costs no memory.

use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsFd, BorrowedFd};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags};

use super::request::{self, Head, Parse};
use super::routes::{self, Body, Context, Effect, Response};
use super::tls::{self, Handshake};
use crate::agent::config::Config;

/// Open connections at most.
pub const MAX_CONNECTIONS: usize = 128;
/// Time to send a complete request head after connecting (TLS handshake included).
pub const HEAD_TIME: Duration = Duration::from_secs(10);
/// Time a kept-alive connection may stay silent between requests.
pub const IDLE_TIME: Duration = Duration::from_secs(10);
/// Time a response may wait for the client to read.
pub const WRITE_STALL: Duration = Duration::from_secs(30);
/// Time to read and discard what the client still sends after a closing response.
pub const LINGER: Duration = Duration::from_secs(2);
/// Requests served on one connection before it is closed.
pub const MAX_REQUESTS: u32 = 8;
/// Open connections from one address at most (an IPv6 /64 counts as one address: one
/// machine has them all): a slowloris from one machine keeps at most this share of
/// [`MAX_CONNECTIONS`], the rest stays for everybody else.
pub const MAX_PER_ADDRESS: usize = 16;
/// Bytes one connection may read or write per turn of the loop; it goes on at the next
/// turn (at once: the loop does not sleep while a connection has more to do).
pub const WAKE_BUDGET: usize = 64 * 1024;
/// Bytes read and thrown away after a closing response before the connection is cut.
const MAX_DRAIN: usize = 1 << 20;

/// Where and how the interface listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub addr: SocketAddr,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
}

impl Settings {
    /// The interface the configuration asks for; `None` with `no-httpd`.
    pub fn from_config(config: &Config) -> Result<Option<Settings>, String> {
        if config.flag("no-httpd") {
            return Ok(None);
        }
        let ip: IpAddr = match config.text("httpd-ip") {
            Some(text) => text
                .parse()
                .map_err(|_| format!("httpd-ip '{text}' is not an IP address"))?,
            None => IpAddr::from([0, 0, 0, 0]),
        };
        let port = config.number("httpd-port", 62354) as u16;
        let cert = config.text("ssl-cert-file").map(PathBuf::from);
        let key = config.text("ssl-key-file").map(PathBuf::from);
        if cert.is_some() != key.is_some() {
            return Err(
                "HTTPS needs both ssl-cert-file and ssl-key-file (or neither for plain HTTP)"
                    .into(),
            );
        }
        Ok(Some(Settings {
            addr: SocketAddr::new(ip, port),
            cert,
            key,
        }))
    }

    pub fn is_tls(&self) -> bool {
        self.cert.is_some()
    }
}

/// The TLS acceptor `settings` ask for, built (certificate and key loaded and checked)
/// with `tls`; `None` for plain HTTP.
pub fn acceptor(
    settings: &Settings,
    tls: Option<tls::Setup>,
) -> Result<Option<Box<dyn tls::Acceptor>>, String> {
    match (&settings.cert, &settings.key, tls) {
        (Some(c), Some(k), Some(setup)) => Ok(Some(setup(c, k)?)),
        (Some(_), Some(_), None) => {
            Err("this daemon binary has no TLS: HTTPS needs ocsinventory-agent".into())
        }
        _ => Ok(None),
    }
}

/// The running interface: the listening socket and the open connections.
pub struct Httpd {
    listener: TcpListener,
    tls: Option<Box<dyn tls::Acceptor>>,
    conns: Vec<Conn>,
    accept_paused_until: Option<Instant>,
    pub settings: Settings,
    pub local_addr: SocketAddr,
}

impl Httpd {
    /// Binds the socket and loads the certificate; `tls` builds the acceptor when the
    /// settings ask for HTTPS (the lean daemon binary has none).
    pub fn start(settings: Settings, tls: Option<tls::Setup>) -> Result<Httpd, String> {
        let tls = acceptor(&settings, tls)?;
        let listener = TcpListener::bind(settings.addr)
            .map_err(|e| format!("cannot listen on {}: {e}", settings.addr))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| format!("cannot listen on {}: {e}", settings.addr))?;
        let local_addr = listener.local_addr().unwrap_or(settings.addr);
        Ok(Httpd {
            listener,
            tls,
            conns: Vec::new(),
            accept_paused_until: None,
            settings,
            local_addr,
        })
    }

    /// Takes new settings on the same address without closing the listening socket (a
    /// SIGHUP, a renewed certificate): connections already open go on as they were.
    pub fn reconfigure(&mut self, settings: Settings, tls: Option<Box<dyn tls::Acceptor>>) {
        self.settings = settings;
        self.tls = tls;
    }

    /// Adds what to wait for to `fds`: the listener, then each connection with a socket.
    pub fn register<'a>(&'a self, fds: &mut Vec<PollFd<'a>>, now: Instant) {
        let accepting = self.accept_paused_until.is_none_or(|t| now >= t);
        fds.push(PollFd::new(
            self.listener.as_fd(),
            if accepting {
                PollFlags::POLLIN
            } else {
                PollFlags::empty()
            },
        ));
        for c in &self.conns {
            if let Some(fd) = c.fd() {
                fds.push(PollFd::new(fd, c.interest()));
            }
        }
    }

    /// The next moment something times out (a connection's deadline, accepting again);
    /// now when a connection stopped at its budget with more to do.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.conns
            .iter()
            .map(|c| if c.more { c.opened } else { c.deadline })
            .chain(self.accept_paused_until)
            .min()
    }

    /// Serves what `poll` found ready (`revents` in the order of [`register`](Self::register))
    /// and what timed out; returns [`Effect::RunNow`] when a client asked for a run.
    pub fn handle(&mut self, revents: &[PollFlags], ctx: &Context) -> Effect {
        let now = Instant::now();
        let accepting = self.accept_paused_until.is_none_or(|t| now >= t);
        let mut effect = Effect::None;
        // Connections first (indices match the vector as it was polled), then new ones.
        let mut i = 0;
        let mut polled = 1;
        while i < self.conns.len() {
            let ready = if self.conns[i].fd().is_some() {
                polled += 1;
                revents
                    .get(polled - 1)
                    .copied()
                    .unwrap_or(PollFlags::empty())
            } else {
                PollFlags::empty()
            };
            // The deadline first: a client that keeps its socket ready forever must
            // still run out of time.
            let step = if now >= self.conns[i].deadline {
                self.conns[i].expire(ctx, &mut effect)
            } else if !ready.is_empty() || self.conns[i].more {
                self.conns[i].advance(ctx, &mut effect)
            } else {
                Step::Keep
            };
            match step {
                Step::Keep => i += 1,
                Step::Close => {
                    self.conns.remove(i);
                }
            }
        }
        let listener_ready = revents.first().is_some_and(|r| !r.is_empty());
        if accepting && listener_ready {
            if accept_all(&self.listener, self.tls.as_deref(), &mut self.conns) {
                self.accept_paused_until = None;
            } else {
                self.accept_paused_until = Some(Instant::now() + Duration::from_millis(500));
            }
        }
        effect
    }
}

/// A client socket, plain or TLS.
enum Io {
    Plain(TcpStream),
    Tls(Box<dyn tls::Stream>),
}

impl Io {
    fn tcp(&self) -> Option<&TcpStream> {
        match self {
            Io::Plain(s) => Some(s),
            Io::Tls(s) => s.tcp(),
        }
    }

    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Io::Plain(s) => s.read(buf),
            Io::Tls(s) => s.read(buf),
        }
    }

    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Io::Plain(s) => s.write(buf),
            Io::Tls(s) => s.write(buf),
        }
    }

    /// Ends our sending side (TLS close_notify first), best effort.
    fn shutdown_write(&mut self) {
        if let Io::Tls(s) = self {
            s.close_notify();
        }
        if let Some(t) = self.tcp() {
            let _ = t.shutdown(Shutdown::Write);
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Handshake,
    Reading,
    Writing,
    Draining,
}

/// One client connection.
struct Conn {
    io: Io,
    peer: IpAddr,
    phase: Phase,
    /// The handshake waits for the socket to be writable rather than readable.
    want_write: bool,
    inbuf: Vec<u8>,
    out: Vec<u8>,
    out_pos: usize,
    /// The rest of a file body and how many bytes of it are still to send.
    file: Option<(File, u64)>,
    close_after: bool,
    served: u32,
    drained: usize,
    deadline: Instant,
    /// When the connection was accepted (the oldest is evicted first).
    opened: Instant,
    /// Stopped at [`WAKE_BUDGET`] with more to do: served again without waiting.
    more: bool,
}

/// What happened to a connection.
enum Step {
    Keep,
    Close,
}

impl Conn {
    fn new(io: Io, peer: IpAddr) -> Conn {
        let phase = match io {
            Io::Tls(_) => Phase::Handshake,
            Io::Plain(_) => Phase::Reading,
        };
        Conn {
            io,
            peer,
            phase,
            want_write: false,
            inbuf: Vec::new(),
            out: Vec::new(),
            out_pos: 0,
            file: None,
            close_after: false,
            served: 0,
            drained: 0,
            deadline: Instant::now() + HEAD_TIME,
            opened: Instant::now(),
            more: false,
        }
    }

    fn interest(&self) -> PollFlags {
        let write = match self.phase {
            Phase::Handshake => self.want_write,
            Phase::Writing => true,
            Phase::Reading | Phase::Draining => false,
        };
        if write {
            PollFlags::POLLOUT
        } else {
            PollFlags::POLLIN
        }
    }

    fn fd(&self) -> Option<BorrowedFd<'_>> {
        self.io.tcp().map(|t| t.as_fd())
    }

    /// Queues `response` to be written; `head` is `None` for refusals of unreadable requests.
    fn respond(&mut self, head: Option<&Head>, response: Response) {
        let keep = head.is_some_and(|h| h.keep_alive && !h.has_body)
            && self.served + 1 < MAX_REQUESTS
            && !self.close_after;
        self.close_after = !keep;
        let is_head = head.is_some_and(|h| h.method == "HEAD");
        let mut text = format!(
            "HTTP/1.1 {} {}\r\nServer: ocsinventory-agent/{}\r\nContent-Type: {}\r\n\
             Content-Length: {}\r\nCache-Control: no-store\r\nConnection: {}\r\n",
            response.status,
            routes::reason(response.status),
            env!("CARGO_PKG_VERSION"),
            response.content_type,
            response.body_len(),
            if keep { "keep-alive" } else { "close" }
        );
        if let Some(allow) = response.allow {
            text.push_str(&format!("Allow: {allow}\r\n"));
        }
        for (name, value) in &response.headers {
            // Values come from our own tables or a checked request header: no CR/LF.
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str("\r\n");
        self.out = text.into_bytes();
        self.out_pos = 0;
        self.file = None;
        if !is_head {
            match response.body {
                Body::Text(t) => self.out.extend_from_slice(t.as_bytes()),
                Body::File(f, n) if n > 0 => self.file = Some((f, n)),
                Body::File(..) => {}
            }
        }
        self.phase = Phase::Writing;
        self.deadline = Instant::now() + WRITE_STALL;
    }

    fn refuse(&mut self, status: u16, why: &str) {
        log::debug!("[http server] {}: {status} ({why})", self.peer);
        self.close_after = true;
        self.respond(None, Response::text(status, format!("{why}\n")));
    }

    /// Moves the connection as far as the socket and [`WAKE_BUDGET`] allow.
    fn advance(&mut self, ctx: &Context, effect: &mut Effect) -> Step {
        let mut moved = 0usize;
        self.more = false;
        loop {
            if moved >= WAKE_BUDGET {
                self.more = true;
                return Step::Keep;
            }
            match self.phase {
                Phase::Handshake => {
                    let Io::Tls(stream) = &mut self.io else {
                        self.phase = Phase::Reading;
                        continue;
                    };
                    match stream.handshake() {
                        Handshake::Done => self.phase = Phase::Reading,
                        h @ (Handshake::WantRead | Handshake::WantWrite) => {
                            self.want_write = h == Handshake::WantWrite;
                            return Step::Keep;
                        }
                        Handshake::Failed(e) => {
                            log::debug!("[http server] {}: TLS handshake failed: {e}", self.peer);
                            return Step::Close;
                        }
                    }
                }
                Phase::Reading => {
                    match request::parse(&self.inbuf) {
                        Parse::Done(head, used) => {
                            self.inbuf.drain(..used);
                            let (response, wanted) = routes::route(&head, self.peer, ctx);
                            // The path only: a query may hold the DEVICEID.
                            log::debug!(
                                "[http server] {} {} {}: {}",
                                self.peer,
                                head.method,
                                head.target.split('?').next().unwrap_or(""),
                                response.status
                            );
                            if wanted == Effect::RunNow {
                                *effect = Effect::RunNow;
                            }
                            self.respond(Some(&head), response);
                            continue;
                        }
                        Parse::Bad(status, why) => {
                            self.inbuf.clear();
                            self.refuse(status, why);
                            continue;
                        }
                        Parse::Incomplete => {}
                    }
                    let mut chunk = [0u8; 4096];
                    match self.io.read(&mut chunk) {
                        Ok(0) => return Step::Close,
                        Ok(n) => {
                            moved += n;
                            self.inbuf.extend_from_slice(&chunk[..n]);
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => return Step::Keep,
                        Err(e) if e.kind() == ErrorKind::Interrupted => {}
                        Err(_) => return Step::Close,
                    }
                }
                Phase::Writing => {
                    if self.out_pos == self.out.len() {
                        if let Some((file, left)) = self.file.as_mut() {
                            let mut piece = vec![0u8; (*left).min(16 * 1024) as usize];
                            match file.read(&mut piece) {
                                Ok(n) if n > 0 => {
                                    piece.truncate(n);
                                    *left -= n as u64;
                                    self.out = piece;
                                    self.out_pos = 0;
                                    if *left == 0 {
                                        self.file = None;
                                    }
                                }
                                // The file shrank under us: the length is already sent.
                                _ => return Step::Close,
                            }
                        } else {
                            self.served += 1;
                            self.out = Vec::new();
                            self.out_pos = 0;
                            if self.close_after {
                                self.io.shutdown_write();
                                self.phase = Phase::Draining;
                                self.deadline = Instant::now() + LINGER;
                            } else {
                                self.phase = Phase::Reading;
                                self.deadline = Instant::now() + IDLE_TIME;
                            }
                            continue;
                        }
                    }
                    match self.io.write(&self.out[self.out_pos..]) {
                        Ok(0) => return Step::Close,
                        Ok(n) => {
                            moved += n;
                            self.out_pos += n;
                            self.deadline = Instant::now() + WRITE_STALL;
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => return Step::Keep,
                        Err(e) if e.kind() == ErrorKind::Interrupted => {}
                        Err(_) => return Step::Close,
                    }
                }
                Phase::Draining => {
                    let mut chunk = [0u8; 4096];
                    match self.io.read(&mut chunk) {
                        Ok(0) => return Step::Close,
                        Ok(n) => {
                            moved += n;
                            self.drained += n;
                            if self.drained > MAX_DRAIN {
                                return Step::Close;
                            }
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => return Step::Keep,
                        Err(e) if e.kind() == ErrorKind::Interrupted => {}
                        Err(_) => return Step::Close,
                    }
                }
            }
        }
    }

    /// The deadline passed: answer `408` to a half-sent head, else close.
    fn expire(&mut self, ctx: &Context, effect: &mut Effect) -> Step {
        if self.phase == Phase::Reading && !self.inbuf.is_empty() {
            self.inbuf.clear();
            self.refuse(408, "request head not received in time");
            return self.advance(ctx, effect);
        }
        Step::Close
    }
}

/// A short answer to a client we cannot take, written once, best effort. A TLS client
/// could not read plain text: it is simply closed.
fn turn_away(mut sock: TcpStream, tls: bool) {
    if !tls {
        let _ = sock.write_all(
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 5\r\nConnection: close\r\n\r\nbusy\n",
        );
    }
    let _ = sock.shutdown(Shutdown::Both);
}

/// Which connection to drop so that a newcomer from `peer` gets a place, if any (see the
/// module comment for the order).
fn make_room(conns: &[Conn], peer: IpAddr) -> Option<usize> {
    let oldest = |pick: &dyn Fn(&Conn) -> bool| {
        conns
            .iter()
            .enumerate()
            .filter(|(_, c)| pick(c))
            .min_by_key(|(_, c)| c.opened)
            .map(|(i, _)| i)
    };
    let peer = source(peer);
    let count = |ip: IpAddr| conns.iter().filter(|c| source(c.peer) == ip).count();
    if count(peer) >= MAX_PER_ADDRESS {
        return oldest(&|c| source(c.peer) == peer);
    }
    if conns.len() < MAX_CONNECTIONS {
        return None;
    }
    if let Some(i) = oldest(&|c| c.is_idle()) {
        return Some(i);
    }
    let busiest = conns
        .iter()
        .map(|c| source(c.peer))
        .max_by_key(|ip| count(*ip))?;
    if count(busiest) <= 1 {
        return None;
    }
    oldest(&|c| source(c.peer) == busiest && c.phase != Phase::Writing)
}

/// The source a connection is counted under: the address, or its /64 for IPv6.
fn source(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            let mut s = v6.segments();
            s[4..].fill(0);
            IpAddr::from(s)
        }
        v4 => v4,
    }
}

impl Conn {
    /// Has sent nothing of a request yet: a handshake, or waiting for a head.
    fn is_idle(&self) -> bool {
        self.phase == Phase::Handshake || (self.phase == Phase::Reading && self.inbuf.is_empty())
    }
}

fn accept_all(
    listener: &TcpListener,
    tls: Option<&dyn tls::Acceptor>,
    conns: &mut Vec<Conn>,
) -> bool {
    loop {
        let (sock, addr) = match listener.accept() {
            Ok(a) => a,
            Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == ErrorKind::ConnectionAborted => continue,
            Err(e) => {
                // Out of descriptors or similar: pause accepting for a moment.
                log::warn!("[http server] cannot accept a connection: {e}");
                return false;
            }
        };
        if sock.set_nonblocking(true).is_err() {
            continue;
        }
        let _ = sock.set_nodelay(true);
        let peer = match addr.ip() {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(addr.ip()),
            ip => ip,
        };
        let full = conns.len() >= MAX_CONNECTIONS
            || conns
                .iter()
                .filter(|c| source(c.peer) == source(peer))
                .count()
                >= MAX_PER_ADDRESS;
        if full {
            match make_room(conns, peer) {
                Some(i) => {
                    conns.remove(i);
                }
                None => {
                    turn_away(sock, tls.is_some());
                    continue;
                }
            }
        }
        let io = match tls {
            None => Io::Plain(sock),
            Some(acceptor) => match acceptor.accept(sock) {
                Some(s) => Io::Tls(s),
                None => continue,
            },
        };
        conns.push(Conn::new(io, peer));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_slash_64_is_one_source() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(source(a), source(b));
        assert_ne!(source(a), source(c));
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(source(v4), v4);
    }
}
