//! The SNMP engine: reads many devices at once in one thread.
//!
//! Each request gets its own connected, non-blocking UDP socket: the kernel then keeps
//! other hosts' datagrams away from it, and a closed port's ICMP error comes back as
//! `ECONNREFUSED` at once instead of costing a timeout. All sockets are waited on with
//! one `poll`; a request's state machine (v3 engine discovery, GETs, then walks by
//! GETBULK — GETNEXT for v1) moves on each answer. Nothing blocks and no thread is
//! started, so there is nothing to synchronise and no duplicate answer can be counted
//! twice.
//!
//! Each device is a [`Peer`] shared by every request made to it, in every round of a
//! task: the timeout of each message is derived from the round trips measured on that
//! device (as TCP does), and one budget of values, bytes and time bounds the device's
//! whole inventory.
//!
//! What could go wrong, and why it cannot here:
//! - too many sockets: at most `max_in_flight` requests are open, capped below the
//!   process's file limit;
//! - a device that answers forever (walk loops, huge tables): a walk stops on an OID it
//!   already returned, and a device has at most `max_rows_per_device` values,
//!   `max_bytes_per_device` bytes of answers and `deadline_per_device` in all its
//!   requests together; once cut off, it is not asked again;
//! - a device that stops answering: after the retries, what it answered is kept; the
//!   part that did not answer is left out, and the device is given up when the next
//!   part does not answer either;
//! - stray or forged datagrams: an answer is taken only from the connected peer and
//!   with the request id (and, for v3, msgID and MAC) in flight; others are dropped;
//! - malformed datagrams: the decoder is bounded and returns errors, they are dropped.

use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, Instant};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};

use super::ber;
use super::credential::{Credential, Version};
use super::message::{self, Incoming, Pdu, UsmParams, V3Out};
use super::oid::Oid;
use super::peer::{Limits, Peer, SharedPeer};
use super::table::OidTable;
use super::usm::{self, KeyCache};
use super::value::Value;

/// One device to read.
#[derive(Clone, Debug)]
pub struct Request {
    pub addr: SocketAddr,
    pub credential: Credential,
    /// SNMPv3 context name, or for v1/v2c a community suffix (`community@vlan`).
    pub context: Option<String>,
    /// Scalars to read with GET.
    pub gets: Vec<Oid>,
    /// Subtrees to walk.
    pub walks: Vec<Oid>,
}

/// How hard to try.
#[derive(Clone, Debug)]
pub struct Options {
    /// The longest wait for one answer before sending again (the wait itself follows
    /// the device's round trips once measured).
    pub timeout: Duration,
    /// Extra tries of an unanswered message.
    pub retries: u32,
    /// Requests open at once (each is one socket).
    pub max_in_flight: usize,
    /// Values read from one device, in all its requests, before it is cut off.
    pub max_rows_per_device: usize,
    /// Bytes of answers taken from one device, in all its requests, before it is cut off.
    pub max_bytes_per_device: usize,
    /// Time one device may take in all, from its first request.
    pub deadline_per_device: Duration,
    /// GETBULK max-repetitions.
    pub max_repetitions: u32,
    /// New requests started per second, 0 for no limit (the window still applies).
    pub max_starts_per_second: u32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            timeout: Duration::from_secs(2),
            retries: 1,
            max_in_flight: 256,
            max_rows_per_device: 200_000,
            max_bytes_per_device: 64 << 20,
            deadline_per_device: Duration::from_secs(300),
            max_repetitions: 25,
            max_starts_per_second: 0,
        }
    }
}

/// How far starting may lag behind `max_starts_per_second` and catch up at once.
const START_BURST: Duration = Duration::from_millis(20);
/// OIDs asked in one GET: small enough for any agent's message size.
const GET_CHUNK: usize = 16;
/// File descriptors left to the rest of the process when capping the window.
const FD_RESERVE: u64 = 64;
/// Biggest datagram.
const RECV_BUFFER: usize = 65536;

/// USM report OIDs (RFC 3414 usmStats…).
const USM_STATS: [u32; 9] = [1, 3, 6, 1, 6, 3, 15, 1, 1];

/// How a request ended: what was read, even when it ended early.
#[derive(Debug, Default)]
pub struct Reply {
    pub table: OidTable,
    /// Why the request ended before its end (no answer, cut off…), naming the device.
    pub error: Option<String>,
    /// The parts left out on the way (a walk that looped, a table that did not answer).
    pub problems: Vec<String>,
}

impl Reply {
    /// The table when everything was read, else the first thing that went wrong.
    pub fn into_result(self) -> Result<OidTable, String> {
        match self.error.or_else(|| self.problems.into_iter().next()) {
            Some(e) => Err(e),
            None => Ok(self.table),
        }
    }
}

/// Reads every request, keeping up to `opts.max_in_flight` in flight, and calls
/// `on_done(index of the request, table or error)` as each finishes. Requests are taken
/// from the iterator only when there is room, so a long one costs no memory. Each
/// request is its own device (see [`collect_on`] for devices read in several requests).
pub fn collect(
    requests: impl IntoIterator<Item = Request>,
    opts: &Options,
    mut on_done: impl FnMut(usize, Result<OidTable, String>),
) {
    collect_on(
        requests.into_iter().map(|r| (r, Peer::shared())),
        opts,
        |i, r| on_done(i, r.into_result()),
    );
}

/// Like [`collect`], each request with the [`Peer`] of its device: requests of one
/// device (in this call or an earlier one) share its round-trip estimate and budget.
/// `on_done` gets everything that was read, also from a request that ended early.
pub fn collect_on(
    requests: impl IntoIterator<Item = (Request, SharedPeer)>,
    opts: &Options,
    mut on_done: impl FnMut(usize, Reply),
) {
    let mut pending = requests.into_iter().enumerate();
    let mut exhausted = false;
    let mut engine = Engine::new(opts);
    let interval = match opts.max_starts_per_second {
        0 => Duration::ZERO,
        n => Duration::from_secs(1) / n,
    };
    let mut next_start = Instant::now();
    loop {
        let now = Instant::now();
        while !exhausted && engine.has_room() && now >= next_start {
            match pending.next() {
                None => exhausted = true,
                Some((i, (r, peer))) => {
                    if let Some(failed) = engine.start_on(i, r, peer) {
                        on_done(i, failed);
                    }
                    if !interval.is_zero() {
                        // Starts owed since the last wake-up go out together
                        // (up to START_BURST), not one per wake-up.
                        next_start =
                            next_start.max(now.checked_sub(START_BURST).unwrap_or(now)) + interval;
                    }
                }
            }
        }
        if exhausted && engine.in_flight() == 0 {
            return;
        }
        // Sleep until an answer, a timer, or room to start the next request.
        let mut wake = engine.wake().unwrap_or(now + Duration::from_secs(1));
        if !exhausted && engine.has_room() {
            wake = wake.min(next_start);
        }
        let readable = {
            let mut fds: Vec<PollFd> = engine
                .fds()
                .map(|fd| PollFd::new(fd, PollFlags::POLLIN))
                .collect();
            match poll(&mut fds, timeout_until(wake)) {
                Ok(_) => fds
                    .iter()
                    .map(|f| f.revents().is_some_and(|r| !r.is_empty()))
                    .collect(),
                Err(_) => vec![false; fds.len()],
            }
        };
        engine.process_replies(&readable, &mut on_done);
    }
}

/// A poll timeout that wakes at `wake` (rounded up to the millisecond).
pub fn timeout_until(wake: Instant) -> PollTimeout {
    let ms = wake
        .saturating_duration_since(Instant::now())
        .as_micros()
        .div_ceil(1000);
    PollTimeout::from(u16::try_from(ms).unwrap_or(u16::MAX))
}

/// The engine itself, for callers that wait on other sockets in the same `poll` (the
/// network discovery): start requests, poll [`Engine::fds`] with theirs until
/// [`Engine::wake`], hand the readiness back to [`Engine::process`].
pub struct Engine {
    opts: Options,
    limit: usize,
    active: Vec<Session>,
    keys: KeyCache,
    ids: IdSource,
    buf: Vec<u8>,
}

impl Engine {
    pub fn new(opts: &Options) -> Engine {
        Engine {
            opts: opts.clone(),
            limit: window(opts.max_in_flight),
            active: Vec::new(),
            keys: KeyCache::default(),
            ids: IdSource::new(),
            buf: vec![0u8; RECV_BUFFER],
        }
    }

    pub fn in_flight(&self) -> usize {
        self.active.len()
    }

    pub fn has_room(&self) -> bool {
        self.active.len() < self.limit
    }

    /// Starts request `index` (the caller's number for it), a device of its own;
    /// `Some(outcome)` when it finished at once (no socket, nothing to read).
    pub fn start(&mut self, index: usize, req: Request) -> Option<Result<OidTable, String>> {
        self.start_on(index, req, Peer::shared())
            .map(Reply::into_result)
    }

    /// Starts request `index` on the device `peer`; `Some(reply)` when it finished at
    /// once (the device was cut off before, no socket, nothing to read).
    pub fn start_on(&mut self, index: usize, req: Request, peer: SharedPeer) -> Option<Reply> {
        let cut = peer.borrow().cut().map(str::to_string);
        if let Some(why) = cut {
            return Some(Reply {
                error: Some(format!("{}: {why}", req.addr)),
                ..Reply::default()
            });
        }
        match Session::start(index, req, peer, &self.opts, &mut self.ids, &mut self.keys) {
            Ok(s) => {
                self.active.push(s);
                None
            }
            Err(e) => Some(Reply {
                error: Some(e),
                ..Reply::default()
            }),
        }
    }

    /// The sockets to poll for reading, in the order [`Engine::process`] expects.
    pub fn fds(&self) -> impl Iterator<Item = BorrowedFd<'_>> {
        self.active.iter().map(|s| s.sock.as_fd())
    }

    /// When the next timer of a request in flight runs out.
    pub fn wake(&self) -> Option<Instant> {
        self.active.iter().map(|s| s.wake(&self.opts)).min()
    }

    /// Reads the sockets `readable` says are ready (same order as [`Engine::fds`] gave),
    /// runs the timers, and reports each request that finished.
    pub fn process(
        &mut self,
        readable: &[bool],
        on_done: &mut impl FnMut(usize, Result<OidTable, String>),
    ) {
        self.process_replies(readable, &mut |i, r: Reply| on_done(i, r.into_result()));
    }

    /// [`Engine::process`], reporting everything each request read.
    pub fn process_replies(&mut self, readable: &[bool], on_done: &mut impl FnMut(usize, Reply)) {
        let now = Instant::now();
        // Backwards, so that `swap_remove` only moves sessions already seen.
        for k in (0..self.active.len()).rev() {
            let s = &mut self.active[k];
            let mut outcome = None;
            if readable.get(k).copied().unwrap_or(false) {
                outcome = s.read(&mut self.buf, &self.opts, &mut self.ids, &mut self.keys);
            }
            if outcome.is_none() {
                outcome = s.check_timers(now, &self.opts, &mut self.ids, &mut self.keys);
            }
            if let Some(r) = outcome {
                let s = self.active.swap_remove(k);
                let index = s.index;
                on_done(index, s.finish(r));
            }
        }
    }
}

/// One device's budget, from the options.
fn limits(opts: &Options) -> Limits {
    Limits {
        rows: opts.max_rows_per_device,
        bytes: opts.max_bytes_per_device,
    }
}

/// The window: `wanted`, but never more than the file limit allows.
fn window(wanted: usize) -> usize {
    use crate::platform::rlimit::{get, Limit};
    let cap = get(Limit::Files)
        .map(|(soft, _)| soft.saturating_sub(FD_RESERVE).max(1))
        .unwrap_or(256);
    wanted.clamp(1, usize::try_from(cap).unwrap_or(usize::MAX))
}

/// Request ids and msgIDs: positive, increasing, starting at a varying point so that a
/// late answer to a previous run is not taken for this one's.
struct IdSource(i32);

impl IdSource {
    fn new() -> IdSource {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos() ^ std::process::id())
            .unwrap_or(1);
        IdSource((seed & 0x3fff_ffff) as i32 + 1)
    }

    fn next(&mut self) -> i32 {
        self.0 = if self.0 >= i32::MAX - 1 {
            1
        } else {
            self.0 + 1
        };
        self.0
    }
}

enum Step {
    /// v3: learning the agent's engine ID, boots and time.
    Discover,
    /// GET of `gets[..n]`.
    Get { n: usize },
    /// One GETNEXT of the roots of `probing[..n]`: which subtrees hold anything, and
    /// where each starts (a device answers a dozen empty subtrees in one request).
    Probe { n: usize },
    /// Walking `walks[idx]`, last OID seen.
    Walk { idx: usize, last: Oid },
}

struct V3 {
    engine_id: Vec<u8>,
    boots: i64,
    time: i64,
    learnt: Instant,
    auth_key: Vec<u8>,
    priv_key: Vec<u8>,
    salt: u64,
    resynced: bool,
}

struct Session {
    index: usize,
    req: Request,
    peer: SharedPeer,
    sock: UdpSocket,
    table: OidTable,
    step: Step,
    gets: Vec<Oid>,
    chunk: usize,
    /// Walks not probed yet (indices into `req.walks`).
    probing: Vec<usize>,
    probe_chunk: usize,
    /// Where each walk starts after the probe: its root, the first OID the probe found
    /// in it, or `None` for an empty subtree (skipped).
    starts: Vec<Option<Oid>>,
    /// Values read in each walk: the columns of one table have as many rows each, so
    /// a column's walk asks for as many as its sibling's had (and one to see the end),
    /// not `max_repetitions` past it.
    walk_rows: Vec<usize>,
    out: Vec<u8>,
    request_id: i32,
    msg_id: i32,
    /// When the message in flight was last sent, and first.
    sent: Instant,
    first_sent: Instant,
    /// The wait of the current try.
    wait: Duration,
    tries: u32,
    /// Whether the device answered this request since its last silence: then a silence
    /// is waited for patiently (a slow table), else it ends the request soon.
    answered: bool,
    /// Parts left out (walks that looped or went silent).
    problems: Vec<String>,
    v3: Option<V3>,
}

type Outcome = Option<Result<OidTable, String>>;

impl Session {
    fn start(
        index: usize,
        req: Request,
        peer: SharedPeer,
        opts: &Options,
        ids: &mut IdSource,
        keys: &mut KeyCache,
    ) -> Result<Session, String> {
        let local: SocketAddr = if req.addr.is_ipv4() {
            ([0, 0, 0, 0], 0).into()
        } else {
            ([0u16; 8], 0).into()
        };
        let sock = UdpSocket::bind(local).map_err(|e| format!("UDP socket: {e}"))?;
        sock.connect(req.addr)
            .map_err(|e| format!("{}: {e}", req.addr))?;
        sock.set_nonblocking(true)
            .map_err(|e| format!("UDP socket: {e}"))?;
        let now = Instant::now();
        let probing = (0..req.walks.len()).collect();
        let starts = req.walks.iter().cloned().map(Some).collect();
        let walk_rows = vec![0; req.walks.len()];
        let answered = {
            let mut p = peer.borrow_mut();
            p.begin(now);
            p.serves(&req.credential, &req.context)
        };
        let mut s = Session {
            index,
            gets: req.gets.clone(),
            req,
            peer,
            sock,
            table: OidTable::new(),
            step: Step::Discover,
            chunk: GET_CHUNK,
            probing,
            probe_chunk: GET_CHUNK,
            starts,
            walk_rows,
            out: Vec::new(),
            request_id: 0,
            msg_id: 0,
            sent: now,
            first_sent: now,
            wait: opts.timeout,
            tries: 0,
            answered,
            problems: Vec::new(),
            v3: None,
        };
        if s.req.credential.version != Version::V3 {
            if let Some(r) = s.next_step(opts, ids, keys) {
                return r.and(Err("nothing to read".into()));
            }
        } else {
            s.send_new(opts, ids, keys)?;
        }
        Ok(s)
    }

    /// The reply of a finished request: its table also when it ended early.
    fn finish(mut self, outcome: Result<OidTable, String>) -> Reply {
        match outcome {
            Ok(table) => Reply {
                table,
                error: None,
                problems: self.problems,
            },
            Err(e) => Reply {
                table: std::mem::take(&mut self.table),
                error: Some(e),
                problems: self.problems,
            },
        }
    }

    fn deadline(&self, opts: &Options) -> Option<Instant> {
        self.peer.borrow().deadline(opts.deadline_per_device)
    }

    fn wake(&self, opts: &Options) -> Instant {
        let t = self.sent + self.wait;
        self.deadline(opts).map_or(t, |d| t.min(d))
    }

    fn peer(&self) -> String {
        self.req.addr.to_string()
    }

    fn check_timers(
        &mut self,
        now: Instant,
        opts: &Options,
        ids: &mut IdSource,
        keys: &mut KeyCache,
    ) -> Outcome {
        if self.deadline(opts).is_some_and(|d| now >= d) {
            let why = format!(
                "not finished after {} s, cut off",
                opts.deadline_per_device.as_secs()
            );
            self.peer.borrow_mut().cut_off(&why);
            return Some(Err(format!("{}: {why}", self.peer())));
        }
        if now < self.sent + self.wait {
            return None;
        }
        // Patient: as many tries as it takes to wait the configured timeout for each
        // try; else the configured number of tries, at the device's own pace.
        let patience = opts.timeout.saturating_mul(opts.retries + 1);
        let give_up = self.tries > opts.retries
            && (!self.answered || now.duration_since(self.first_sent) >= patience);
        if !give_up {
            return self.transmit(opts);
        }
        if !self.answered {
            return Some(Err(if self.table.is_empty() && self.problems.is_empty() {
                format!(
                    "{}: no SNMP answer ({}, {} tries, last of {} ms)",
                    self.peer(),
                    self.req.credential,
                    self.tries,
                    self.wait.as_millis()
                )
            } else {
                format!("{}: stopped answering ({})", self.peer(), self.what())
            }));
        }
        // The device answered before: this part is left out, the next one tells
        // whether it is still there (without patience).
        self.problems.push(format!(
            "{}: no answer to the {}, left out",
            self.peer(),
            self.what()
        ));
        self.answered = false;
        match std::mem::replace(&mut self.step, Step::Discover) {
            Step::Discover => {
                return Some(Err(format!("{}: engine discovery unanswered", self.peer())))
            }
            Step::Get { n } => {
                self.gets.drain(..n.min(self.gets.len()));
            }
            Step::Probe { n } => {
                // Walked from their roots, as without probe.
                self.probing.drain(..n.min(self.probing.len()));
            }
            Step::Walk { idx, .. } => return self.start_walk(idx + 1, opts, ids, keys),
        }
        self.next_step(opts, ids, keys)
    }

    fn what(&self) -> String {
        match &self.step {
            Step::Discover => "engine discovery".into(),
            Step::Get { .. } => "GET".into(),
            Step::Probe { .. } => "GETNEXT of the subtrees".into(),
            Step::Walk { idx, .. } => format!("walk of {}", self.req.walks[*idx]),
        }
    }

    /// Sends (again) the datagram in flight, the wait doubled at each try (as TCP
    /// backs off), never past the configured timeout.
    fn transmit(&mut self, opts: &Options) -> Outcome {
        self.sent = Instant::now();
        if self.tries == 0 {
            self.first_sent = self.sent;
        }
        let base = self.peer.borrow().timeout(opts.timeout);
        self.wait = base
            .saturating_mul(1 << self.tries.min(16))
            .min(opts.timeout);
        self.tries += 1;
        match self.sock.send(&self.out) {
            Ok(_) => None,
            Err(e) => self.socket_error(e),
        }
    }

    fn socket_error(&self, e: std::io::Error) -> Outcome {
        match e.kind() {
            ErrorKind::WouldBlock | ErrorKind::Interrupted => None,
            ErrorKind::ConnectionRefused => Some(Err(format!(
                "{}: no SNMP agent (port unreachable)",
                self.peer()
            ))),
            _ => Some(Err(format!("{}: {e}", self.peer()))),
        }
    }

    /// Builds the message of the current step with fresh ids and sends it.
    fn send_new(
        &mut self,
        opts: &Options,
        ids: &mut IdSource,
        _keys: &mut KeyCache,
    ) -> Result<(), String> {
        self.request_id = ids.next();
        self.msg_id = ids.next();
        let pdu = match &self.step {
            Step::Discover => Pdu::request(message::GET, self.request_id, &[]),
            Step::Get { n } => Pdu::request(message::GET, self.request_id, &self.gets[..*n]),
            Step::Probe { n } => {
                let roots: Vec<Oid> = self.probing[..*n]
                    .iter()
                    .map(|i| self.req.walks[*i].clone())
                    .collect();
                Pdu::request(message::GET_NEXT, self.request_id, &roots)
            }
            Step::Walk { idx, last } => {
                if self.req.credential.version == Version::V1 {
                    Pdu::request(
                        message::GET_NEXT,
                        self.request_id,
                        std::slice::from_ref(last),
                    )
                } else {
                    let mut p = Pdu::request(
                        message::GET_BULK,
                        self.request_id,
                        std::slice::from_ref(last),
                    );
                    p.error_index = i64::from(self.repetitions(*idx, opts.max_repetitions));
                    p
                }
            }
        };
        self.out = self.encode(&pdu)?;
        self.tries = 0;
        match self.transmit(opts) {
            Some(Err(e)) => Err(e),
            _ => Ok(()),
        }
    }

    fn encode(&mut self, pdu: &Pdu) -> Result<Vec<u8>, String> {
        let c = &self.req.credential;
        let context = self.req.context.clone().unwrap_or_default();
        match c.version {
            Version::V1 | Version::V2c => {
                let mut community = c.community.clone();
                if !context.is_empty() {
                    community = format!("{community}@{context}");
                }
                let v = if c.version == Version::V1 { 0 } else { 1 };
                Ok(message::encode_community(v, community.as_bytes(), pdu))
            }
            Version::V3 => {
                let Some(v3) = self.v3.as_mut() else {
                    // Discovery: unauthenticated, empty user and engine.
                    let usm = UsmParams::default();
                    let scoped = message::encode_scoped(b"", b"", pdu);
                    return Ok(message::encode_v3(&V3Out {
                        msg_id: self.msg_id,
                        flags: message::FLAG_REPORTABLE,
                        usm: &usm,
                        auth_len: 0,
                        data: &scoped,
                    })
                    .0);
                };
                let time = v3.time + v3.learnt.elapsed().as_secs() as i64;
                let scoped = message::encode_scoped(&v3.engine_id, context.as_bytes(), pdu);
                let mut usm = UsmParams {
                    engine_id: v3.engine_id.clone(),
                    boots: v3.boots,
                    time,
                    user: c.username.as_bytes().to_vec(),
                    priv_params: Vec::new(),
                };
                let mut flags = message::FLAG_REPORTABLE;
                let data = match &c.privacy {
                    Some((p, _)) => {
                        flags |= message::FLAG_PRIV;
                        v3.salt = v3.salt.wrapping_add(1);
                        let (cipher, salt) =
                            usm::encrypt(*p, &v3.priv_key, v3.boots, time, v3.salt, &scoped)?;
                        usm.priv_params = salt;
                        ber::octets(&cipher)
                    }
                    None => scoped,
                };
                let auth_len = c.auth.as_ref().map_or(0, |(p, _)| usm::mac_len(*p));
                if auth_len > 0 {
                    flags |= message::FLAG_AUTH;
                }
                let (mut msg, offset) = message::encode_v3(&V3Out {
                    msg_id: self.msg_id,
                    flags,
                    usm: &usm,
                    auth_len,
                    data: &data,
                });
                if let Some((p, _)) = &c.auth {
                    usm::sign(*p, &v3.auth_key, &mut msg, offset);
                }
                Ok(msg)
            }
        }
    }

    /// Reads every queued datagram; the outcome when the device is finished.
    fn read(
        &mut self,
        buf: &mut [u8],
        opts: &Options,
        ids: &mut IdSource,
        keys: &mut KeyCache,
    ) -> Outcome {
        loop {
            let n = match self.sock.recv(buf) {
                Ok(n) => n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return None,
                Err(e) => {
                    let r = self.socket_error(e);
                    if r.is_some() {
                        return r;
                    }
                    continue;
                }
            };
            // Every datagram from the device counts, read or not.
            let charged = self.peer.borrow_mut().charge(0, n, &limits(opts));
            if let Err(why) = charged {
                return Some(Err(format!("{}: {why}", self.peer())));
            }
            let pdu = match self.accept(&buf[..n], keys) {
                Ok(Some(p)) => p,
                // Not ours, or not readable: as if it never came.
                Ok(None) => continue,
                Err(e) => return Some(Err(format!("{}: {e}", self.peer()))),
            };
            self.answered = true;
            {
                let mut peer = self.peer.borrow_mut();
                if self.tries == 1 {
                    // Karn: the answer to a message sent twice may be the first one's.
                    peer.sample(self.sent.elapsed());
                }
                if !matches!(self.step, Step::Discover) {
                    peer.mark_served(&self.req.credential, &self.req.context);
                }
            }
            if let Some(r) = self.on_response(pdu, opts, ids, keys) {
                return Some(r);
            }
        }
    }

    /// The PDU of a datagram, if it answers what is in flight (`Ok(None)` to drop it),
    /// or a definitive error (a USM report that no retry will change).
    fn accept(&mut self, dgram: &[u8], keys: &mut KeyCache) -> Result<Option<Pdu>, String> {
        let Ok(msg) = message::decode(dgram) else {
            return Ok(None);
        };
        match msg {
            Incoming::Community { pdu, .. } => {
                if self.req.credential.version == Version::V3
                    || pdu.kind != message::RESPONSE
                    || pdu.request_id != self.request_id
                {
                    return Ok(None);
                }
                Ok(Some(pdu))
            }
            Incoming::V3(m) => {
                if self.req.credential.version != Version::V3 || m.msg_id != i64::from(self.msg_id)
                {
                    return Ok(None);
                }
                let c = self.req.credential.clone();
                if m.flags & message::FLAG_AUTH != 0 {
                    let (Some((p, _)), Some(v3)) = (&c.auth, &self.v3) else {
                        return Ok(None);
                    };
                    if !usm::verify(*p, &v3.auth_key, dgram, m.auth_offset, m.auth_params) {
                        return Ok(None);
                    }
                }
                let plain;
                let scoped = if m.flags & message::FLAG_PRIV != 0 {
                    let (Some((p, _)), Some(v3)) = (&c.privacy, &self.v3) else {
                        return Ok(None);
                    };
                    let Ok(d) = usm::decrypt(
                        *p,
                        &v3.priv_key,
                        m.usm.boots,
                        m.usm.time,
                        &m.usm.priv_params,
                        m.data,
                    ) else {
                        return Ok(None);
                    };
                    plain = d;
                    &plain[..]
                } else {
                    m.data
                };
                let Ok(pdu) = message::decode_scoped(scoped) else {
                    return Ok(None);
                };
                if pdu.kind == message::REPORT {
                    return self.on_report(&pdu, &m.usm, keys);
                }
                if pdu.kind != message::RESPONSE || pdu.request_id != self.request_id {
                    return Ok(None);
                }
                if c.auth.is_some() && m.flags & message::FLAG_AUTH == 0 {
                    // An unauthenticated answer to an authenticated request is forged.
                    return Ok(None);
                }
                Ok(Some(pdu))
            }
        }
    }

    /// A v3 report: engine discovery, clock resynchronisation, or a USM error.
    fn on_report(
        &mut self,
        pdu: &Pdu,
        usm_in: &UsmParams,
        keys: &mut KeyCache,
    ) -> Result<Option<Pdu>, String> {
        let which = pdu
            .varbinds
            .first()
            .and_then(|(o, _)| o.suffix(&Oid(USM_STATS.to_vec())))
            .and_then(|s| s.first().copied());
        let user = &self.req.credential.username;
        match (which, &self.step) {
            (_, Step::Discover) => {
                if usm_in.engine_id.is_empty() {
                    return Err("engine discovery: the report has no engine ID".into());
                }
                let c = &self.req.credential;
                let auth_key = c
                    .auth
                    .as_ref()
                    .map(|(p, pw)| keys.localized(*p, pw, &usm_in.engine_id))
                    .unwrap_or_default();
                let priv_key = match (&c.auth, &c.privacy) {
                    (Some((p, _)), Some((_, pw))) => keys.localized(*p, pw, &usm_in.engine_id),
                    _ => Vec::new(),
                };
                self.v3 = Some(V3 {
                    engine_id: usm_in.engine_id.clone(),
                    boots: usm_in.boots,
                    time: usm_in.time,
                    learnt: Instant::now(),
                    auth_key,
                    priv_key,
                    salt: u64::from(IdSource::new().0 as u32) << 16,
                    resynced: false,
                });
                // A synthetic empty response moves the state machine on.
                Ok(Some(Pdu::request(message::RESPONSE, self.request_id, &[])))
            }
            (Some(2), _) => {
                let Some(v3) = self.v3.as_mut() else {
                    return Ok(None);
                };
                if v3.resynced {
                    return Err("not in time window again after resynchronising".into());
                }
                v3.resynced = true;
                v3.boots = usm_in.boots;
                v3.time = usm_in.time;
                v3.learnt = Instant::now();
                // Resend the same step with fresh ids (the caller resends on None +
                // timeout otherwise): mark as needing a rebuild.
                Ok(Some(Pdu {
                    kind: 0,
                    ..Pdu::request(0, self.request_id, &[])
                }))
            }
            (Some(1), _) => Err(format!(
                "SNMPv3 security level not supported for user '{user}' (usmStatsUnsupportedSecLevels)"
            )),
            (Some(3), _) => Err(format!("unknown SNMPv3 user '{user}' (usmStatsUnknownUserNames)")),
            (Some(5), _) => Err(format!(
                "wrong SNMPv3 authentication password or protocol for '{user}' (usmStatsWrongDigests)"
            )),
            (Some(6), _) => Err(format!(
                "wrong SNMPv3 privacy password or protocol for '{user}' (usmStatsDecryptionErrors)"
            )),
            _ => Err(format!(
                "SNMPv3 report {}",
                pdu.varbinds
                    .first()
                    .map_or("(empty)".to_string(), |(o, _)| o.to_string())
            )),
        }
    }

    /// Moves the state machine on after an answer.
    fn on_response(
        &mut self,
        pdu: Pdu,
        opts: &Options,
        ids: &mut IdSource,
        keys: &mut KeyCache,
    ) -> Outcome {
        if pdu.kind == 0 {
            // Resynchronised clock: same step again.
            return self.send_new(opts, ids, keys).err().map(Err);
        }
        match std::mem::replace(&mut self.step, Step::Discover) {
            Step::Discover => {}
            Step::Get { n } => {
                if pdu.error_status == message::TOO_BIG {
                    if n > 1 {
                        self.chunk = (n / 2).max(1);
                    } else {
                        self.gets.remove(0);
                    }
                } else if pdu.error_status != 0 {
                    // v1 noSuchName names the culprit: drop it and ask the rest again.
                    let bad = usize::try_from(pdu.error_index).unwrap_or(0);
                    if pdu.error_status == message::NO_SUCH_NAME && (1..=n).contains(&bad) {
                        self.gets.remove(bad - 1);
                    } else {
                        self.gets.drain(..n);
                    }
                } else {
                    for (o, v) in pdu.varbinds {
                        if let Err(e) = self.add(o, v, opts) {
                            return Some(Err(e));
                        }
                    }
                    self.gets.drain(..n.min(self.gets.len()));
                }
            }
            Step::Probe { n } => {
                if let Err(e) = self.on_probe(n, pdu, opts) {
                    return Some(Err(e));
                }
            }
            Step::Walk { idx, last } => {
                let base = self.req.walks[idx].clone();
                let mut ended = pdu.error_status != 0 || pdu.varbinds.is_empty();
                let mut last = last;
                if !ended {
                    for (o, v) in pdu.varbinds {
                        if v.is_exception() || !o.starts_with(&base) {
                            ended = true;
                            break;
                        }
                        // A walk may go back (some agents keep their tables out of
                        // order); only an OID it already returned means a loop. Every
                        // loop goes back at least once, so that is where to look.
                        if o <= last && self.table.get_any(&o).is_some() {
                            self.problems.push(format!(
                                "{}: walk of {base} does not move forward ({o} again after {last}): cut off",
                                self.peer()
                            ));
                            ended = true;
                            break;
                        }
                        last = o.clone();
                        if let Err(e) = self.add(o, v, opts) {
                            return Some(Err(e));
                        }
                        self.walk_rows[idx] += 1;
                    }
                }
                self.step = if ended {
                    Step::Walk {
                        idx: idx + 1,
                        last: Oid::default(),
                    }
                } else {
                    Step::Walk { idx, last }
                };
                if !ended {
                    return self.send_new(opts, ids, keys).err().map(Err);
                }
                return self.start_walk(idx + 1, opts, ids, keys);
            }
        }
        self.next_step(opts, ids, keys)
    }

    fn add(&mut self, o: Oid, v: Value, opts: &Options) -> Result<(), String> {
        let charged = self.peer.borrow_mut().charge(1, 0, &limits(opts));
        charged.map_err(|why| format!("{}: {why}", self.peer()))?;
        self.table.insert(o, v);
        Ok(())
    }

    /// Takes the answer to a probe of `probing[..n]`.
    fn on_probe(&mut self, n: usize, pdu: Pdu, opts: &Options) -> Result<(), String> {
        let batch: Vec<usize> = self.probing[..n].to_vec();
        if pdu.error_status == message::TOO_BIG && n > 1 {
            self.probe_chunk = (n / 2).max(1);
            return Ok(());
        }
        if pdu.error_status == message::NO_SUCH_NAME {
            // v1: the named root has nothing after it; ask the others again.
            let bad = usize::try_from(pdu.error_index).unwrap_or(0);
            if (1..=n).contains(&bad) {
                self.starts[batch[bad - 1]] = None;
                self.probing.remove(bad - 1);
                return Ok(());
            }
        }
        self.probing.drain(..n);
        if pdu.error_status != 0 || pdu.varbinds.len() != n {
            // Not understood: these subtrees are walked from their roots, as without probe.
            return Ok(());
        }
        for (i, (o, v)) in batch.into_iter().zip(pdu.varbinds) {
            if v.is_exception() || !o.starts_with(&self.req.walks[i]) {
                self.starts[i] = None;
            } else {
                self.starts[i] = Some(o.clone());
                self.add(o, v, opts)?;
                self.walk_rows[i] += 1;
            }
        }
        Ok(())
    }

    /// The GETBULK max-repetitions for the next request of walk `idx`: what is left of
    /// the rows of the last sibling column walked (same table), else `max`.
    fn repetitions(&self, idx: usize, max: u32) -> u32 {
        let walks = &self.req.walks;
        let parent = |o: &Oid| o.0[..o.0.len().saturating_sub(1)].to_vec();
        let me = parent(&walks[idx]);
        let sibling = (0..idx)
            .rev()
            .find(|j| self.walk_rows[*j] > 0 && parent(&walks[*j]) == me);
        let (Some(j), Some(have)) = (sibling, self.walk_rows.get(idx)) else {
            return max;
        };
        let expected = self.walk_rows[j];
        if *have >= expected {
            return max;
        }
        u32::try_from(expected - have + 1).map_or(max, |n| n.clamp(1, max))
    }

    /// The next GET chunk, else the next probe, else the first walk, else done.
    fn next_step(&mut self, opts: &Options, ids: &mut IdSource, keys: &mut KeyCache) -> Outcome {
        if !self.gets.is_empty() {
            self.step = Step::Get {
                n: self.chunk.min(self.gets.len()),
            };
            return self.send_new(opts, ids, keys).err().map(Err);
        }
        // A lone subtree is walked straight away: a probe would cost a request more.
        if self.req.walks.len() > 1 && !self.probing.is_empty() {
            self.step = Step::Probe {
                n: self.probe_chunk.min(self.probing.len()),
            };
            return self.send_new(opts, ids, keys).err().map(Err);
        }
        self.start_walk(0, opts, ids, keys)
    }

    fn start_walk(
        &mut self,
        idx: usize,
        opts: &Options,
        ids: &mut IdSource,
        keys: &mut KeyCache,
    ) -> Outcome {
        // Empty subtrees (the probe saw nothing in them) are skipped.
        let next = (idx..self.req.walks.len()).find_map(|i| Some((i, self.starts[i].clone()?)));
        match next {
            None => Some(Ok(std::mem::take(&mut self.table))),
            Some((idx, last)) => {
                self.step = Step::Walk { idx, last };
                self.send_new(opts, ids, keys).err().map(Err)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snmp::oid::oid;

    /// A fake agent on 127.0.0.1 (a free port) whose answer to each v1/v2c request is
    /// `answer(community, request)`; it ends after ten idle seconds.
    fn agent(answer: impl Fn(&[u8], &Pdu) -> Option<Pdu> + Send + 'static) -> SocketAddr {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let addr = s.local_addr().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok((n, from)) = s.recv_from(&mut buf) {
                let Ok(Incoming::Community { community, pdu, .. }) = message::decode(&buf[..n])
                else {
                    continue;
                };
                if let Some(mut r) = answer(community, &pdu) {
                    r.kind = message::RESPONSE;
                    r.request_id = pdu.request_id;
                    let _ = s.send_to(&message::encode_community(1, community, &r), from);
                }
            }
        });
        addr
    }

    /// GETNEXT/GETBULK over `rows` in their order (as snmpsim follows its recording's
    /// lines): the rows after the one asked, or after the first greater one.
    fn in_order_of(rows: Vec<Oid>) -> impl Fn(&[u8], &Pdu) -> Option<Pdu> {
        move |_, pdu| {
            let asked = pdu.varbinds.first()?.0.clone();
            let at = match rows.iter().position(|o| *o == asked) {
                Some(p) => p + 1,
                None => rows.iter().position(|o| *o > asked).unwrap_or(rows.len()),
            };
            let n = if pdu.kind == message::GET_BULK { 3 } else { 1 };
            let mut r = pdu.clone();
            r.error_status = 0;
            r.error_index = 0;
            r.varbinds = (at..at + n)
                .map(|i| match rows.get(i) {
                    Some(o) => (o.clone(), Value::Integer(i as i64)),
                    None => (oid("1.3.6.2"), Value::EndOfMibView),
                })
                .collect();
            Some(r)
        }
    }

    fn request(addr: SocketAddr, community: &str, walks: &[&str]) -> Request {
        Request {
            addr,
            credential: Credential::community(community),
            context: None,
            gets: Vec::new(),
            walks: walks.iter().map(|w| oid(w)).collect(),
        }
    }

    fn opts(timeout_ms: u64) -> Options {
        Options {
            timeout: Duration::from_millis(timeout_ms),
            ..Options::default()
        }
    }

    fn run(reqs: Vec<(Request, SharedPeer)>, o: &Options) -> Vec<Reply> {
        let mut out: Vec<Option<Reply>> = (0..reqs.len()).map(|_| None).collect();
        collect_on(reqs, o, |i, r| out[i] = Some(r));
        out.into_iter()
            .map(|r| r.expect("every request ends"))
            .collect()
    }

    #[test]
    fn a_walk_may_go_back() {
        // entPhysicalDescr as the Cisco WLC recording returns it.
        let base = "1.3.6.1.2.1.47.1.1.1.1.2";
        let rows: Vec<Oid> = [1, 2240, 2241, 2242, 184, 185, 186, 2936, 864, 865]
            .iter()
            .map(|i| oid(base).child(&[*i]))
            .chain([oid("1.3.6.1.2.1.47.1.1.1.1.3.1")])
            .collect();
        let addr = agent(in_order_of(rows));
        let r = run(
            vec![(request(addr, "c", &[base]), Peer::shared())],
            &opts(2000),
        );
        assert!(r[0].error.is_none() && r[0].problems.is_empty(), "{r:?}");
        assert_eq!(r[0].table.len(), 10, "{:?}", r[0].table);
    }

    #[test]
    fn a_column_asks_for_as_many_rows_as_its_sibling_had() {
        // Two columns of one table, 30 rows each, served honouring max-repetitions.
        let table = "1.3.6.1.2.1.2.2.1";
        let rows: Vec<Oid> = [2u32, 3]
            .iter()
            .flat_map(|c| (1..=30).map(move |i| oid(table).child(&[*c, i])))
            .chain([oid("1.3.6.1.2.1.31.1")])
            .collect();
        let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = asked.clone();
        let addr = agent(move |_, pdu| {
            let from = pdu.varbinds.first()?.0.clone();
            let at = rows.iter().position(|o| *o > from).unwrap_or(rows.len());
            let n = if pdu.kind == message::GET_BULK {
                log.lock().unwrap().push(pdu.error_index);
                usize::try_from(pdu.error_index).unwrap_or(1)
            } else {
                1
            };
            let mut r = pdu.clone();
            r.error_index = 0;
            r.varbinds = rows[at..(at + n).min(rows.len())]
                .iter()
                .map(|o| (o.clone(), Value::Integer(1)))
                .collect();
            Some(r)
        });
        let c2 = format!("{table}.2");
        let c3 = format!("{table}.3");
        let o = Options {
            max_repetitions: 25,
            ..opts(2000)
        };
        let r = run(vec![(request(addr, "c", &[&c2, &c3]), Peer::shared())], &o);
        assert!(r[0].error.is_none() && r[0].problems.is_empty(), "{r:?}");
        assert_eq!(r[0].table.len(), 60);
        // (This agent answers one varbind to the probe: both walks start at the root.)
        // Column 2: 25, then 25 again (5 rows and 20 past it); column 3: 25, then only
        // the 5 rows left and one to see the end.
        assert_eq!(*asked.lock().unwrap(), vec![25, 25, 25, 6]);
    }

    #[test]
    fn a_loop_costs_its_table_only() {
        // The first subtree comes back to its start; the second is read all the same.
        let a = "1.3.6.1.2.1.2.2.1.2";
        let b = "1.3.6.1.2.1.31.1.1.1.1";
        let rows: Vec<Oid> = ["1", "2", "3"]
            .iter()
            .map(|i| oid(&format!("{a}.{i}")))
            .collect();
        let looped = in_order_of(rows);
        let fine = in_order_of(vec![oid(&format!("{b}.1")), oid(&format!("{b}.2"))]);
        let addr = agent(move |c, pdu| {
            let asked = &pdu.varbinds.first()?.0;
            if asked.starts_with(&oid(b)) {
                return fine(c, pdu);
            }
            // After the last row, the first one again.
            if *asked == oid(&format!("{a}.3")) {
                let mut r = pdu.clone();
                r.varbinds = vec![(oid(&format!("{a}.1")), Value::Integer(1))];
                return Some(r);
            }
            looped(c, pdu)
        });
        let r = run(
            vec![(request(addr, "c", &[a, b]), Peer::shared())],
            &opts(2000),
        );
        assert!(r[0].error.is_none(), "{r:?}");
        assert_eq!(r[0].problems.len(), 1, "{r:?}");
        assert!(r[0].problems[0].contains("does not move forward"));
        assert_eq!(r[0].table.len(), 5, "{:?}", r[0].table);
    }

    #[test]
    fn one_budget_for_every_request_of_a_device() {
        // Endless walks: 3 new rows per answer, forever.
        let row = std::sync::atomic::AtomicU32::new(0);
        let addr = agent(move |_, pdu| {
            let base = pdu.varbinds.first()?.0.clone();
            let mut r = pdu.clone();
            r.varbinds = (0..3)
                .map(|_| {
                    let n = row.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    (base.child(&[n]), Value::Integer(1))
                })
                .collect();
            Some(r)
        });
        let o = Options {
            max_rows_per_device: 300,
            ..opts(2000)
        };
        let peer = Peer::shared();
        let first = run(
            vec![(request(addr, "c", &["1.3.6.1.2.1.2"]), peer.clone())],
            &o,
        );
        let e = first[0].error.clone().unwrap_or_default();
        assert!(e.contains("more than 300 values, cut off"), "{e}");
        assert_eq!(first[0].table.len(), 300, "what was read is kept");
        // The next round does not start again with a fresh budget.
        let t = Instant::now();
        let second = run(
            vec![(request(addr, "c", &["1.3.6.1.2.1.4"]), peer.clone())],
            &o,
        );
        assert!(second[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("cut off")));
        assert!(second[0].table.is_empty());
        assert!(t.elapsed() < Duration::from_millis(100));
        assert_eq!(peer.borrow().rows(), 301);
    }

    #[test]
    fn an_unserved_context_costs_round_trips_not_the_timeout() {
        let served = in_order_of(
            (1..=40)
                .map(|i| oid("1.3.6.1.2.1.2.2.1.2").child(&[i]))
                .collect(),
        );
        // `c@10` is not served: no answer at all, as devices do.
        let addr = agent(move |c, pdu| (c == b"c").then(|| served(c, pdu)).flatten());
        let o = Options {
            retries: 1,
            ..opts(3000)
        };
        let peer = Peer::shared();
        let main = run(
            vec![(request(addr, "c", &["1.3.6.1.2.1.2.2.1.2"]), peer.clone())],
            &o,
        );
        assert!(main[0].error.is_none(), "{main:?}");
        assert!(peer.borrow().srtt().is_some());
        let mut ctx = request(addr, "c", &["1.3.6.1.2.1.17.4.3.1.2"]);
        ctx.context = Some("10".into());
        let t = Instant::now();
        let r = run(vec![(ctx, peer.clone())], &o);
        let took = t.elapsed();
        let e = r[0].error.clone().unwrap_or_default();
        assert!(e.contains("no SNMP answer"), "{e}");
        // Two tries at the device's pace (200 ms floor, doubled): about 0.6 s, where
        // the configured timeout would have cost 6.
        assert!(took < Duration::from_millis(1500), "{took:?}");
        // Without a round trip measured, the configured timeout applies.
        let mut fresh = request(addr, "c", &["1.3.6.1.2.1.17.4.3.1.2"]);
        fresh.context = Some("10".into());
        let t = Instant::now();
        let o = Options {
            retries: 0,
            ..opts(700)
        };
        let _ = run(vec![(fresh, Peer::shared())], &o);
        assert!(
            t.elapsed() >= Duration::from_millis(700),
            "{:?}",
            t.elapsed()
        );
    }

    #[test]
    fn a_silent_table_is_left_out_and_the_rest_read() {
        let a = "1.3.6.1.2.1.2.2.1.2";
        let b = "1.3.6.1.2.1.31.1.1.1.1";
        let rows = in_order_of(vec![
            oid(&format!("{a}.1")),
            oid(&format!("{a}.2")),
            oid(&format!("{b}.1")),
        ]);
        // The walk of `a` goes silent after its first row.
        let addr = agent(move |c, pdu| {
            let asked = &pdu.varbinds.first()?.0;
            if pdu.kind == message::GET_BULK && *asked == oid(&format!("{a}.1")) {
                return None;
            }
            let mut r = rows(c, pdu)?;
            if *asked == oid(a) {
                r.varbinds.truncate(1);
            }
            Some(r)
        });
        let r = run(
            vec![(request(addr, "c", &[a, b]), Peer::shared())],
            &opts(300),
        );
        assert!(r[0].error.is_none(), "{r:?}");
        assert_eq!(r[0].problems.len(), 1, "{r:?}");
        assert!(r[0].problems[0].contains("no answer to the walk of"));
        assert_eq!(r[0].table.len(), 2, "{:?}", r[0].table);
    }
}
