//! The SSH source: the inventory of a machine that runs no agent, read over SSH.
//!
//! The same module table runs as for this machine; only the [`Source`] differs. Reads go
//! through one remote shell ([`session`], [`protocol`]) and land in a cache: the first
//! request says hello (`uname`, clock) and reads ahead what that OS's inventory reads
//! ([`readahead`]), so most answers cost no round trip; what is still missing is asked
//! for item by item, and kept per host to be read ahead next time. A directory already
//! listed answers "absent" for the names it does not hold without asking.
//!
//! A connection that fails mid-way ends the source: every later read answers nothing at
//! once, and [`Ssh::failure`] says why, so the caller drops this host's inventory rather
//! than send half of one. With a capture folder, every answer the inventory uses is
//! recorded in the layout of [`super`] (`--remote … --capture DIR`).

pub mod protocol;
pub mod readahead;
pub mod session;
pub mod target;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::Path as FsPath;

use super::recording::Recorder;
use super::{Clock, Output, Source, Status, Uname};
use protocol::{Item, Path, Record};
use session::{Session, Settings};
use target::Remote;

/// What one read asks for, as a cache key.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    File,
    List,
    Link,
    Mtime,
}

#[derive(Default)]
struct State {
    session: Option<Session>,
    failure: Option<String>,
    uname: Uname,
    clock: Option<Clock>,
    files: HashMap<String, Option<Vec<u8>>>,
    tails: HashMap<(String, u64), Option<Vec<u8>>>,
    lists: HashMap<String, Option<Vec<String>>>,
    links: HashMap<String, Option<String>>,
    mtimes: HashMap<String, Option<i64>>,
    kinds: HashMap<String, Option<char>>,
    commands: HashMap<Vec<String>, Output>,
    /// Commands of the request in flight, by number.
    numbered: HashMap<usize, Vec<String>>,
    /// The learned list read at the start, and what this run used of it or missed.
    learned: HashSet<String>,
    keep: Vec<String>,
    kept: HashSet<String>,
    round_trips: usize,
    timed_out: Vec<String>,
    /// Globs read ahead: a path they match that they did not bring does not exist.
    globs: Vec<(Kind, &'static str)>,
}

/// A remote machine as a [`Source`].
pub struct Ssh {
    remote: Remote,
    state: RefCell<State>,
    record: Option<Recorder>,
}

/// True when `path` is absolute and plain (no `.`, `..`, `//`), so its parent's listing
/// can answer for it.
fn plain(path: &str) -> bool {
    path.starts_with('/')
        && path.len() > 1
        && !path.ends_with('/')
        && !path[1..]
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
}

/// Whether `path` matches the shell glob `pattern` (`*`, `[a-z0-9]`; `*` stays within a
/// component and does not match a leading dot, as in `sh`).
pub fn glob_match(pattern: &str, path: &str) -> bool {
    fn m(p: &[u8], s: &[u8], start: bool) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some(b'*') => {
                if start && s.first() == Some(&b'.') {
                    return false;
                }
                (0..=s.len())
                    .take_while(|&i| i == 0 || s[i - 1] != b'/')
                    .any(|i| m(&p[1..], &s[i..], false))
            }
            Some(b'[') => {
                let Some(close) = p.iter().position(|&c| c == b']') else {
                    return false;
                };
                let Some(&c) = s.first() else { return false };
                let class = &p[1..close];
                let mut i = 0;
                let mut hit = false;
                while i < class.len() {
                    if i + 2 < class.len() && class[i + 1] == b'-' {
                        hit |= class[i] <= c && c <= class[i + 2];
                        i += 3;
                    } else {
                        hit |= class[i] == c;
                        i += 1;
                    }
                }
                hit && c != b'/' && m(&p[close + 1..], &s[1..], false)
            }
            Some(&c) => s.first() == Some(&c) && m(&p[1..], &s[1..], c == b'/'),
        }
    }
    m(pattern.as_bytes(), path.as_bytes(), false)
}

impl State {
    /// Whether a glob read ahead covers `path` (so it would have brought it).
    fn glob_covers(&self, kind: Kind, path: &str) -> bool {
        self.globs
            .iter()
            .any(|(k, g)| *k == kind && glob_match(g, path))
    }

    /// Whether a listing already read says `path` does not exist: one of its
    /// directories lacks the next name, or is known not to exist.
    fn known_absent(&self, path: &str) -> bool {
        if !plain(path) {
            return false;
        }
        let mut dir = String::from("/");
        for name in path[1..].split('/') {
            match self.lists.get(&dir) {
                Some(Some(names)) if names.binary_search_by(|n| n.as_str().cmp(name)).is_err() => {
                    return true
                }
                Some(None) if self.kinds.get(&dir).is_some_and(|k| k.is_none()) => return true,
                _ => {}
            }
            if dir.len() > 1 {
                dir.push('/');
            }
            dir.push_str(name);
        }
        false
    }

    /// Whether a listing already read holds `path`.
    fn known_present(&self, path: &str) -> bool {
        if !plain(path) {
            return false;
        }
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        let dir = if dir.is_empty() { "/" } else { dir };
        matches!(self.lists.get(dir), Some(Some(names)) if names.binary_search_by(|n| n.as_str().cmp(name)).is_ok())
    }

    fn take(&mut self, r: Record) {
        let ok = r.status == "0";
        match r.kind {
            b'U' => {
                let (u, c) = protocol::hello(&r.payload);
                self.uname = u;
                self.clock = c;
            }
            b'F' => {
                self.files.insert(r.path, ok.then_some(r.payload));
            }
            b'T' => {
                // The path of a tail record is `max path`.
                if let Some((max, p)) = r.path.split_once(' ') {
                    if let Ok(max) = max.parse() {
                        self.tails
                            .insert((p.to_string(), max), ok.then_some(r.payload));
                    }
                }
            }
            b'L' => {
                if r.status == "2" {
                    self.kinds.insert(r.path.clone(), None);
                }
                let names = ok.then(|| protocol::listing(&r.payload));
                self.lists.insert(r.path, names);
            }
            b'K' => {
                let target = protocol::link_target(&r.payload, &r.status);
                self.links.insert(r.path, target);
            }
            b'M' => {
                let t = ok
                    .then(|| String::from_utf8_lossy(&r.payload).trim().parse().ok())
                    .flatten();
                self.mtimes.insert(r.path, t);
            }
            b'N' => {
                for (p, t) in protocol::mtimes(&r.payload) {
                    self.mtimes.insert(p, Some(t));
                }
            }
            b'X' => {
                let k = r.status.chars().next().filter(|c| "ldf".contains(*c));
                self.kinds.insert(r.path, k);
            }
            b'C' => {
                let Some(argv) = r
                    .path
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| self.numbered.remove(&n))
                else {
                    return;
                };
                let stdout = super::into_text(r.payload);
                let status = match r.status.as_str() {
                    "0" => Status::Ok,
                    "M" => Status::Missing,
                    "T" => {
                        self.timed_out.push(argv.join(" "));
                        Status::Failed("timed out".into())
                    }
                    n => match n.parse() {
                        Ok(code) => Status::Exit(code),
                        Err(_) => Status::Failed(format!("status {n}")),
                    },
                };
                self.commands.insert(argv, Output { status, stdout });
            }
            _ => {}
        }
    }

    /// Runs one request; false (and the failure kept) when the connection is gone.
    fn ask(&mut self, items: &[Item], branches: &[(&str, &[Item])]) -> bool {
        if self.failure.is_some() {
            return false;
        }
        let Some(session) = self.session.as_mut() else {
            return false;
        };
        let all = items
            .iter()
            .chain(branches.iter().flat_map(|(_, i)| i.iter()));
        let mut commands = 0;
        for item in all {
            if let Item::Command(n, argv) = item {
                self.numbered.insert(*n, argv.clone());
                commands += 1;
            }
        }
        let text = protocol::request(items, branches);
        if branches.is_empty() {
            log::debug!("remote request: {}", text.lines().next().unwrap_or(""));
        }
        let result = session.request(&text, commands);
        self.round_trips = session.round_trips;
        match result {
            Ok(records) => {
                for r in records {
                    self.take(r);
                }
                self.numbered.clear();
                true
            }
            Err(e) => {
                self.failure = Some(e);
                self.session = None;
                false
            }
        }
    }

    /// Notes a read for the next run's list: kept when it missed the cache or was read
    /// ahead because of the last run.
    fn note(&mut self, item: &Item, missed: bool) {
        if let Some(line) = readahead::learned_line(item) {
            if (missed || self.learned.contains(&line)) && self.kept.insert(line.clone()) {
                self.keep.push(line);
            }
        }
    }
}

impl Ssh {
    /// Connects to `remote` and reads ahead; `learned` is the list kept by the last run
    /// (see [`Ssh::learned`]), `record` a capture folder.
    pub fn connect(
        remote: &Remote,
        settings: &Settings,
        learned: &str,
        record: Option<&FsPath>,
    ) -> Result<Ssh, String> {
        let record = record.map(Recorder::new).transpose()?;
        let session = Session::open(remote, settings)?;
        let mut state = State {
            session: Some(session),
            ..State::default()
        };
        let mut first = vec![Item::Hello];
        let mut n = 0;
        for item in readahead::learned(learned) {
            if let Some(line) = readahead::learned_line(&item) {
                state.learned.insert(line);
            }
            first.push(match item {
                Item::Command(_, argv) => {
                    n += 1;
                    Item::Command(n - 1, argv)
                }
                other => other,
            });
        }
        let branches = readahead::branches(n);
        let branch_refs: Vec<(&str, &[Item])> = branches
            .iter()
            .map(|b| (b.pattern, b.items.as_slice()))
            .collect();
        state.ask(&first, &branch_refs);
        // The globs of the branch that ran are complete answers.
        for b in &branches {
            if b.pattern.split('|').any(|p| p == state.uname.sysname) {
                for item in &b.items {
                    match item {
                        Item::File(Path::Glob(g)) | Item::Text(Path::Glob(g)) => {
                            state.globs.push((Kind::File, g))
                        }
                        Item::List(Path::Glob(g)) => state.globs.push((Kind::List, g)),
                        Item::Link(Path::Glob(g)) => state.globs.push((Kind::Link, g)),
                        Item::Mtimes(g) => state.globs.push((Kind::Mtime, g)),
                        _ => {}
                    }
                }
            }
        }
        if let Some(e) = state.failure.take() {
            return Err(e);
        }
        if state.uname.sysname.is_empty() {
            return Err("the remote shell gave no uname: not a POSIX shell?".into());
        }
        let ssh = Ssh {
            remote: remote.clone(),
            state: RefCell::new(state),
            record,
        };
        Ok(ssh)
    }

    /// Runs `what` on the recording, when this source records (`--capture`).
    fn recorded(&self, what: impl FnOnce(&Recorder)) {
        if let Some(r) = &self.record {
            what(r);
        }
    }

    /// Why the connection ended before the inventory did, if it did.
    pub fn failure(&self) -> Option<String> {
        self.state.borrow().failure.clone()
    }

    /// Requests sent so far (round trips over the one connection).
    pub fn round_trips(&self) -> usize {
        self.state.borrow().round_trips
    }

    /// Commands killed at the time limit, as `argv` lines.
    pub fn timed_out(&self) -> Vec<String> {
        self.state.borrow().timed_out.clone()
    }

    /// The list to keep for the next run (see [`readahead::learned`]).
    pub fn learned(&self) -> String {
        let s = self.state.borrow();
        s.keep
            .iter()
            .take(readahead::MAX_LEARNED)
            .map(|l| format!("{l}\n"))
            .collect()
    }

    /// Closes the connection (also done on drop).
    pub fn close(&self) {
        if let Some(mut s) = self.state.borrow_mut().session.take() {
            s.close();
        }
    }

    pub fn remote(&self) -> &Remote {
        &self.remote
    }

    fn lookup(&self, kind: Kind, path: &str) -> Option<Option<Vec<u8>>> {
        let s = self.state.borrow();
        let text = |v: &Option<String>| v.as_ref().map(|t| t.clone().into_bytes());
        match kind {
            Kind::File => s.files.get(path).cloned(),
            Kind::List => s
                .lists
                .get(path)
                .map(|v| v.as_ref().map(|n| n.join("/").into_bytes())),
            Kind::Link => s.links.get(path).map(text),
            Kind::Mtime => s
                .mtimes
                .get(path)
                .map(|v| v.map(|t| t.to_string().into_bytes())),
        }
    }

    /// A cached answer, or asks for it (one round trip); `None` inside when absent.
    fn get(&self, kind: Kind, path: &str) -> Option<Vec<u8>> {
        let item = match kind {
            Kind::File => Item::File(Path::Exact(path.to_string())),
            Kind::List => Item::List(Path::Exact(path.to_string())),
            Kind::Link => Item::Link(Path::Exact(path.to_string())),
            Kind::Mtime => Item::Mtime(Path::Exact(path.to_string())),
        };
        if let Some(v) = self.lookup(kind, path) {
            self.state.borrow_mut().note(&item, false);
            return v;
        }
        {
            let mut s = self.state.borrow_mut();
            if s.known_absent(path) || s.glob_covers(kind, path) || s.failure.is_some() {
                return None;
            }
            s.note(&item, true);
            s.ask(std::slice::from_ref(&item), &[]);
        }
        self.lookup(kind, path).flatten()
    }
}

impl Drop for Ssh {
    fn drop(&mut self) {
        self.close();
    }
}

impl Source for Ssh {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        let data = self.get(Kind::File, path)?;
        self.recorded(|r| r.file(path, &data));
        Some(data)
    }

    fn read_tail(&self, path: &str, max: u64) -> Option<Vec<u8>> {
        let whole = self.state.borrow().files.get(path).cloned();
        let data = match whole {
            Some(Some(d)) => d[d.len().saturating_sub(max as usize)..].to_vec(),
            Some(None) => return None,
            None => {
                let key = (path.to_string(), max);
                let item = Item::Tail(path.to_string(), max);
                let cached = self.state.borrow().tails.get(&key).cloned();
                match cached {
                    Some(v) => {
                        self.state.borrow_mut().note(&item, false);
                        v?
                    }
                    None => {
                        let mut s = self.state.borrow_mut();
                        if s.known_absent(path) {
                            return None;
                        }
                        s.note(&item, true);
                        s.ask(&[item], &[]);
                        s.tails.entry(key).or_insert(None).clone()?
                    }
                }
            }
        };
        self.recorded(|r| r.file(path, &data));
        Some(data)
    }

    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        let path = if path.len() > 1 {
            path.trim_end_matches('/')
        } else {
            path
        };
        let bytes = self.get(Kind::List, path)?;
        let names = protocol::listing(&bytes);
        self.recorded(|r| r.listing(path, &names));
        Some(names)
    }

    fn read_link(&self, path: &str) -> Option<String> {
        let target = String::from_utf8(self.get(Kind::Link, path)?).ok()?;
        self.recorded(|r| r.link(path, &target));
        Some(target)
    }

    fn run(&self, argv: &[&str]) -> Output {
        let key: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        let item = Item::Command(0, key.clone());
        let cached = self.state.borrow().commands.get(&key).cloned();
        let out = match cached {
            Some(out) => {
                self.state.borrow_mut().note(&item, false);
                out
            }
            None => {
                let mut s = self.state.borrow_mut();
                if s.failure.is_some() {
                    return Output {
                        status: Status::Failed("connection lost".into()),
                        stdout: String::new(),
                    };
                }
                s.note(&item, true);
                s.ask(std::slice::from_ref(&item), &[]);
                s.commands.get(&key).cloned().unwrap_or(Output {
                    status: Status::Failed("connection lost".into()),
                    stdout: String::new(),
                })
            }
        };
        if matches!(out.status, Status::Failed(_)) {
            // A command that hung is not read ahead next time.
            if let Some(line) = readahead::learned_line(&item) {
                let mut s = self.state.borrow_mut();
                s.keep.retain(|l| *l != line);
            }
        }
        self.recorded(|r| r.command(argv, &out));
        out
    }

    fn uname(&self) -> Uname {
        let u = self.state.borrow().uname.clone();
        self.recorded(|r| r.uname(&u));
        u
    }

    fn clock(&self) -> Clock {
        let c = self
            .state
            .borrow()
            .clock
            .clone()
            .unwrap_or_else(Clock::system);
        self.recorded(|r| r.clock(&c));
        c
    }

    fn mtime(&self, path: &str) -> Option<i64> {
        let t: i64 = String::from_utf8(self.get(Kind::Mtime, path)?)
            .ok()?
            .parse()
            .ok()?;
        self.recorded(|r| r.mtime(path, t));
        Some(t)
    }

    fn exists(&self, path: &str) -> bool {
        let known = {
            let s = self.state.borrow();
            if matches!(s.files.get(path), Some(Some(_))) {
                Some('f')
            } else if matches!(s.lists.get(path), Some(Some(_))) {
                Some('d')
            } else if matches!(s.links.get(path), Some(Some(_))) {
                Some('l')
            } else if let Some(k) = s.kinds.get(path) {
                *k
            } else if s.known_absent(path) || s.failure.is_some() {
                None
            } else if s.known_present(path) && self.record.is_none() {
                // Listed: it exists (what it is matters only to a recording).
                Some('e')
            } else {
                Some('?')
            }
        };
        let item = Item::Kind(path.to_string());
        if known != Some('?') {
            self.state.borrow_mut().note(&item, false);
        }
        let kind = match known {
            Some('?') => {
                let mut s = self.state.borrow_mut();
                s.note(&item, true);
                s.ask(&[item], &[]);
                s.kinds.get(path).copied().flatten()
            }
            k => k,
        };
        if self.record.is_some() {
            // Record what the answer rests on, so a replay answers the same.
            match kind {
                Some('l') => {
                    let _ = self.read_link(path);
                }
                Some('d') => {
                    let _ = self.list_dir(path);
                }
                // Not the file itself (a binary such as /usr/bin/podman can be large):
                // an empty stand-in, unless its content is recorded already.
                Some(_) => self.recorded(|r| r.placeholder(path)),
                None => {}
            }
        }
        kind.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listings_answer_for_absent_names() {
        let mut s = State::default();
        s.lists
            .insert("/sys/block".into(), Some(vec!["sda".into(), "vda".into()]));
        assert!(s.known_absent("/sys/block/nvme0n1"));
        assert!(!s.known_absent("/sys/block/vda"));
        assert!(!s.known_absent("/sys/block/vda/size"), "not listed: ask");
        assert!(!s.known_absent("/sys/block/../block/x"));
        assert!(!s.known_absent("relative"));
        s.lists.insert("/run".into(), Some(vec!["systemd".into()]));
        assert!(
            s.known_absent("/run/firewalld/firewalld.pid"),
            "an ancestor lacks it"
        );
        assert!(!s.known_absent("/run/systemd/x"));
        assert!(s.known_present("/sys/block/vda"));
        assert!(!s.known_present("/sys/block/sdz"));
    }

    #[test]
    fn globs_as_sh_expands_them() {
        assert!(glob_match("/proc/[0-9]*/stat", "/proc/123/stat"));
        assert!(!glob_match("/proc/[0-9]*/stat", "/proc/self/stat"));
        assert!(!glob_match("/proc/[0-9]*/stat", "/proc/1/task/1/stat"));
        assert!(glob_match(
            "/sys/class/net/*/mtu",
            "/sys/class/net/eth0/mtu"
        ));
        assert!(!glob_match("/sys/class/net/*/mtu", "/sys/class/net/.x/mtu"));
        assert!(!glob_match(
            "/sys/class/net/*/mtu",
            "/sys/class/net/a/b/mtu"
        ));
        assert!(glob_match(
            "/var/lib/dpkg/info/*.list",
            "/var/lib/dpkg/info/a:amd64.list"
        ));
        assert!(glob_match("/etc/*-release", "/etc/os-release"));
        assert!(!glob_match("/etc/*-release", "/etc/os-release2"));
        assert!(glob_match("/sys/block/*", "/sys/block/vda"));
    }

    #[test]
    fn records_fill_the_cache() {
        let mut s = State::default();
        s.numbered.insert(0, vec!["df".into()]);
        s.numbered.insert(1, vec!["sleep".into()]);
        let rec = |kind: u8, path: &str, payload: &[u8], status: &str| Record {
            kind,
            path: path.into(),
            payload: payload.to_vec(),
            status: status.into(),
        };
        s.take(rec(b'F', "/etc/hostname", b"h1\n", "0"));
        s.take(rec(b'F', "/nope", b"", "1"));
        s.take(rec(b'C', "0", b"out", "1"));
        s.take(rec(b'C', "1", b"", "T"));
        s.take(rec(b'C', "7", b"unasked", "0"));
        s.take(rec(b'N', "", b"10 /a.list\n20 /b.list\n", "0"));
        assert_eq!(s.files["/etc/hostname"].as_deref(), Some(&b"h1\n"[..]));
        assert_eq!(s.files["/nope"], None);
        assert_eq!(s.commands[&vec!["df".to_string()]].status, Status::Exit(1));
        assert!(matches!(
            s.commands[&vec!["sleep".to_string()]].status,
            Status::Failed(_)
        ));
        assert_eq!(s.commands.len(), 2, "an unknown number is ignored");
        assert_eq!(s.mtimes["/b.list"], Some(20));
        assert_eq!(s.timed_out, vec!["sleep"]);
    }
}
