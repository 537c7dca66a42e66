//! The source layer: the only way the inventory reads the system.
//!
//! Three implementations of [`Source`]: [`live::Live`] reads this machine,
//! [`capture::Capture`] reads it and records everything into a folder (`--capture DIR`),
//! [`replay::Replay`] answers from such a folder (`--replay DIR`) on any machine;
//! [`ssh::Ssh`] reads a remote machine over SSH (`--remote`).
//!
//! Recording layout (a folder a sysadmin can attach to a bug report):
//! - `files/<absolute path>`: each file read (`files/proc/cpuinfo`);
//! - `commands/<name>`: a command's stdout, `<name>` its argv joined by spaces with `%`
//!   written `%25` and `/` written `%2F`; `<name>.exit` a non-zero exit status;
//!   `<name>.missing` a command that was not found;
//! - `listings/<absolute path>.list`: the entries of a directory listed, one per line
//!   (a replay without it lists the `files/` folder of that path instead);
//! - `links/<absolute path>.link`: the target of a symbolic link read;
//! - `stat/<absolute path>.mtime`: a file's modification time (seconds since the epoch);
//! - `uname`: the kernel identity (`sysname=Linux`, …), which picks the OS modules;
//! - `clock`: the time of the capture and the time zone (`now=…`, `offset=…`, `zone=…`),
//!   so time-derived fields (boot time, dates) replay the same;
//! - `statvfs`: one line per `statvfs(2)` call, `<path> <fragment size> <blocks> <free>
//!   <available>` (or `<path> -` when it failed), the path escaped as in `/proc/mounts`;
//! - `getifaddrs`: the interfaces' addresses, one per line ([`IfAddr::to_line`]).
//!
//! A recording without `statvfs` or `getifaddrs` (made before they existed) answers
//! [`SysCall::Unsupported`]: the inventory then reads the `df`/`ip` output it holds.
//!
//! Whatever a recording lacks is absent, as on a machine without that file or tool.

pub mod capture;
pub mod command;
pub mod live;
pub mod recording;
pub mod replay;
pub mod ssh;

use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

/// How an external command ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Exit status 0.
    Ok,
    /// A non-zero exit status (stdout is still given: some tools report through it).
    Exit(i32),
    /// The command is not installed.
    Missing,
    /// Killed at the `backend-collect-timeout` limit, or failed to run.
    Failed(String),
}

/// The result of running a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub status: Status,
    pub stdout: String,
}

impl Output {
    /// The standard output when the command ran and exited 0.
    pub fn ok(self) -> Option<String> {
        (self.status == Status::Ok).then_some(self.stdout)
    }

    /// The standard output whenever the command ran (whatever its exit status).
    pub fn ran(self) -> Option<String> {
        matches!(self.status, Status::Ok | Status::Exit(_)).then_some(self.stdout)
    }
}

/// The kernel's identity, as `uname(2)` gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Uname {
    pub sysname: String,
    pub nodename: String,
    pub release: String,
    pub version: String,
    pub machine: String,
}

impl Uname {
    pub fn to_text(&self) -> String {
        format!(
            "sysname={}\nnodename={}\nrelease={}\nversion={}\nmachine={}\n",
            self.sysname, self.nodename, self.release, self.version, self.machine
        )
    }

    pub fn from_text(text: &str) -> Uname {
        let mut u = Uname::default();
        for line in text.lines() {
            if let Some((k, v)) = line.split_once('=') {
                let v = v.to_string();
                match k {
                    "sysname" => u.sysname = v,
                    "nodename" => u.nodename = v,
                    "release" => u.release = v,
                    "version" => u.version = v,
                    "machine" => u.machine = v,
                    _ => {}
                }
            }
        }
        u
    }
}

/// The time of the run and the local time zone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    /// Seconds since the epoch.
    pub now: i64,
    /// Offset of local time from UTC, in seconds (east positive).
    pub offset: i32,
    /// Time zone abbreviation (`CET`, `UTC`).
    pub zone: String,
}

impl Clock {
    /// The system clock and time zone.
    pub fn system() -> Clock {
        let now = chrono::Local::now();
        let offset = now.offset().local_minus_utc();
        let zone = std::fs::read("/etc/localtime")
            .ok()
            .and_then(|tzif| zone_abbreviation(&tzif, offset))
            .unwrap_or_else(|| now.format("%Z").to_string());
        Clock {
            now: now.timestamp(),
            offset,
            zone,
        }
    }

    pub fn to_text(&self) -> String {
        format!(
            "now={}\noffset={}\nzone={}\n",
            self.now, self.offset, self.zone
        )
    }

    pub fn from_text(text: &str) -> Option<Clock> {
        let mut c = Clock::default();
        let mut seen = false;
        for line in text.lines() {
            match line.split_once('=') {
                Some(("now", v)) => {
                    c.now = v.trim().parse().ok()?;
                    seen = true;
                }
                Some(("offset", v)) => c.offset = v.trim().parse().unwrap_or(0),
                Some(("zone", v)) => c.zone = v.trim().to_string(),
                _ => {}
            }
        }
        seen.then_some(c)
    }

    /// Formats a time as local `YYYY-MM-DD HH:MM:SS` in this clock's time zone.
    pub fn format_local(&self, epoch: i64, pattern: &str) -> String {
        let offset = chrono::FixedOffset::east_opt(self.offset)
            .unwrap_or(chrono::FixedOffset::east_opt(0).expect("zero offset"));
        chrono::DateTime::from_timestamp(epoch, 0)
            .map(|t| t.with_timezone(&offset).format(pattern).to_string())
            .unwrap_or_default()
    }
}

/// The zone abbreviation (`CET`, `CEST`, `UTC`) in effect at `offset` seconds east of UTC,
/// from the POSIX TZ string at the end of a TZif file (`CET-1CEST,M3.5.0,M10.5.0/3`).
pub fn zone_abbreviation(tzif: &[u8], offset: i32) -> Option<String> {
    let text = String::from_utf8_lossy(tzif.rsplit(|&b| b == b'\n').nth(1)?).into_owned();
    let mut rest = text.as_str();
    let std_name = take_zone_name(&mut rest)?;
    let num_end = rest
        .find(|c: char| !(c.is_ascii_digit() || "+-:".contains(c)))
        .unwrap_or(rest.len());
    let (num, after) = rest.split_at(num_end);
    let sign = if num.starts_with('-') { 1 } else { -1 };
    let mut parts = num
        .trim_start_matches(['+', '-'])
        .split(':')
        .map(|p| p.parse::<i32>().unwrap_or(0));
    let std_offset = sign * (parts.next().unwrap_or(0) * 3600 + parts.next().unwrap_or(0) * 60);
    rest = after;
    let dst_name = take_zone_name(&mut rest);
    if offset == std_offset {
        Some(std_name)
    } else {
        dst_name.or(Some(std_name))
    }
}

/// Takes a zone name (`CET`, `<+0530>`) from the front of a POSIX TZ string.
fn take_zone_name(rest: &mut &str) -> Option<String> {
    if let Some(r) = rest.strip_prefix('<') {
        let end = r.find('>')?;
        let n = r[..end].to_string();
        *rest = &r[end + 1..];
        Some(n)
    } else {
        let end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let n = rest[..end].to_string();
        *rest = &rest[end..];
        (n.len() >= 3).then_some(n)
    }
}

/// What a system call made through a source gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SysCall<T> {
    /// Its answer.
    Done(T),
    /// It failed (no such path, no answer in time…).
    Failed,
    /// This source cannot make it (a remote shell, a recording made without it): the
    /// caller reads the same facts from a command instead (`df`, `ip`).
    Unsupported,
}

/// A mounted file system's size, as `statvfs(2)` gives it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FsStats {
    /// `f_frsize`: the unit of the three counts below, in bytes.
    pub fragment_size: u64,
    /// `f_blocks`: the size.
    pub blocks: u64,
    /// `f_bfree`: free blocks.
    pub free: u64,
    /// `f_bavail`: free blocks an unprivileged user may use (what `df` calls Available).
    pub available: u64,
}

/// One entry of `getifaddrs(3)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IfAddr {
    /// The interface; for an IPv4 address, its label (`eth0:1` for an alias).
    pub name: String,
    /// The interface's `IFF_*` flags.
    pub flags: u32,
    pub address: IfAddress,
}

/// The address part of an [`IfAddr`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IfAddress {
    /// The link layer: its hardware address (empty when it has none).
    Link(Vec<u8>),
    /// An IPv4 address; `destination` is the broadcast address, or the peer of a
    /// point-to-point link (`IFF_POINTOPOINT` in the flags).
    V4 {
        address: Ipv4Addr,
        netmask: Option<Ipv4Addr>,
        destination: Option<Ipv4Addr>,
    },
    V6 {
        address: Ipv6Addr,
        netmask: Option<Ipv6Addr>,
    },
}

/// `IFF_UP`, as Linux and the BSDs number it.
pub const IFF_UP: u32 = 0x1;
/// `IFF_POINTOPOINT` (Linux and the BSDs).
pub const IFF_POINTOPOINT: u32 = 0x10;

impl IfAddr {
    /// `name<TAB>flags<TAB>link<TAB>aa:bb:…`, `…<TAB>inet<TAB>addr<TAB>mask<TAB>dest`,
    /// `…<TAB>inet6<TAB>addr<TAB>mask` (`-` for an absent value).
    pub fn to_line(&self) -> String {
        fn or_dash<T: ToString>(v: &Option<T>) -> String {
            v.as_ref().map_or("-".into(), |v| v.to_string())
        }
        let head = format!("{}\t{:#x}", self.name, self.flags);
        match &self.address {
            IfAddress::Link(mac) => {
                let hex: Vec<String> = mac.iter().map(|b| format!("{b:02x}")).collect();
                format!("{head}\tlink\t{}", hex.join(":"))
            }
            IfAddress::V4 {
                address,
                netmask,
                destination,
            } => format!(
                "{head}\tinet\t{address}\t{}\t{}",
                or_dash(netmask),
                or_dash(destination)
            ),
            IfAddress::V6 { address, netmask } => {
                format!("{head}\tinet6\t{address}\t{}", or_dash(netmask))
            }
        }
    }

    /// Reads [`IfAddr::to_line`]'s format; `None` for anything else.
    pub fn from_line(line: &str) -> Option<IfAddr> {
        let f: Vec<&str> = line.split('\t').collect();
        let name = f.first().filter(|n| !n.is_empty())?.to_string();
        let flags = u32::from_str_radix(f.get(1)?.trim_start_matches("0x"), 16).ok()?;
        fn opt<T: std::str::FromStr>(v: Option<&&str>) -> Option<Option<T>> {
            match *v? {
                "-" => Some(None),
                v => v.parse().ok().map(Some),
            }
        }
        let address = match *f.get(2)? {
            "link" => IfAddress::Link(
                f.get(3)?
                    .split(':')
                    .filter(|b| !b.is_empty())
                    .map(|b| u8::from_str_radix(b, 16).ok())
                    .collect::<Option<Vec<u8>>>()?,
            ),
            "inet" => IfAddress::V4 {
                address: f.get(3)?.parse().ok()?,
                netmask: opt(f.get(4))?,
                destination: opt(f.get(5))?,
            },
            "inet6" => IfAddress::V6 {
                address: f.get(3)?.parse().ok()?,
                netmask: opt(f.get(4))?,
            },
            _ => return None,
        };
        Some(IfAddr {
            name,
            flags,
            address,
        })
    }
}

/// A path with space, tab, newline and backslash written `\040`, `\011`, `\012`,
/// `\134`, as `/proc/mounts` does.
pub fn escape_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            ' ' => out.push_str("\\040"),
            '\t' => out.push_str("\\011"),
            '\n' => out.push_str("\\012"),
            '\\' => out.push_str("\\134"),
            c => out.push(c),
        }
    }
    out
}

/// Decodes the `\NNN` octal escapes of `/proc/mounts` and `/proc/self/mountinfo`.
pub fn unescape_path(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 4 <= b.len() {
            let digits = &b[i + 1..i + 4];
            if digits.iter().all(|d| (b'0'..=b'7').contains(d)) {
                let v = digits.iter().fold(0u32, |v, d| v * 8 + u32::from(d - b'0'));
                if let Ok(v) = u8::try_from(v) {
                    out.push(v);
                    i += 4;
                    continue;
                }
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Everything the inventory may read from a machine.
pub trait Source {
    /// A file's bytes; `None` when it does not exist or cannot be read.
    fn read(&self, path: &str) -> Option<Vec<u8>>;
    /// The entry names of a directory, sorted; `None` when it is not a readable directory.
    fn list_dir(&self, path: &str) -> Option<Vec<String>>;
    /// The target of a symbolic link.
    fn read_link(&self, path: &str) -> Option<String>;
    /// Runs a command (argv, no shell).
    fn run(&self, argv: &[&str]) -> Output;
    fn uname(&self) -> Uname;
    /// The time of the run.
    fn clock(&self) -> Clock;
    /// A file's modification time, seconds since the epoch.
    fn mtime(&self, path: &str) -> Option<i64>;

    /// `statvfs(2)` of a mount point (the file system's size and free space).
    fn statvfs(&self, _path: &str) -> SysCall<FsStats> {
        SysCall::Unsupported
    }

    /// `getifaddrs(3)`: each interface's link layer and addresses, in the system's order.
    fn interface_addresses(&self) -> SysCall<Vec<IfAddr>> {
        SysCall::Unsupported
    }

    /// At most the last `max` bytes of a file (logs such as wtmp can be huge).
    fn read_tail(&self, path: &str, max: u64) -> Option<Vec<u8>> {
        let data = self.read(path)?;
        let start = data.len().saturating_sub(max as usize);
        Some(data[start..].to_vec())
    }

    /// Calls `visit` with each line of a file (without its newline); false when the file
    /// cannot be read. The live source streams, so a large database is never held whole.
    fn for_each_line(&self, path: &str, visit: &mut dyn FnMut(&str)) -> bool {
        match self.read_text(path) {
            Some(text) => {
                text.lines().for_each(visit);
                true
            }
            None => false,
        }
    }

    /// A file as text (invalid UTF-8 replaced).
    fn read_text(&self, path: &str) -> Option<String> {
        self.read(path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    /// The first line of a file, trimmed; `None` when absent or empty (sysfs attributes).
    fn read_line(&self, path: &str) -> Option<String> {
        let text = self.read_text(path)?;
        let line = text.lines().next().unwrap_or("").trim().to_string();
        (!line.is_empty()).then_some(line)
    }

    /// True when the path exists as a file, directory or link.
    fn exists(&self, path: &str) -> bool {
        self.read_link(path).is_some() || self.list_dir(path).is_some() || self.read(path).is_some()
    }
}

/// Bytes as text without a copy when they are valid UTF-8 (invalid sequences replaced).
pub fn into_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The entry names of a real directory, sorted.
pub fn sorted_names(dir: &Path) -> Option<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    Some(names)
}

/// The recording file name of a command: argv joined by single spaces, `%` → `%25`,
/// `/` → `%2F`.
pub fn command_name(argv: &[&str]) -> String {
    argv.join(" ").replace('%', "%25").replace('/', "%2F")
}

/// `root/<absolute path>` (the leading `/` of `path` dropped, `..` refused).
pub fn under(root: &Path, path: &str) -> Option<PathBuf> {
    let rel = path.trim_start_matches('/');
    if rel.split('/').any(|c| c == "..") {
        return None;
    }
    Some(root.join(rel))
}

/// `root/<absolute path><suffix>`.
pub fn under_with_suffix(root: &Path, path: &str, suffix: &str) -> Option<PathBuf> {
    let p = under(root, path.trim_end_matches('/'))?;
    let mut s = p.into_os_string();
    s.push(suffix);
    Some(PathBuf::from(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_names_are_escaped() {
        assert_eq!(command_name(&["dmidecode"]), "dmidecode");
        assert_eq!(
            command_name(&["smartctl", "-i", "/dev/sda"]),
            "smartctl -i %2Fdev%2Fsda"
        );
        assert_eq!(command_name(&["date", "+%s"]), "date +%25s");
    }

    #[test]
    fn zone_names() {
        assert_eq!(
            zone_abbreviation(b"TZif...\nUTC0\n", 0).as_deref(),
            Some("UTC")
        );
        let cet = b"TZif\nCET-1CEST,M3.5.0,M10.5.0/3\n";
        assert_eq!(zone_abbreviation(cet, 3600).as_deref(), Some("CET"));
        assert_eq!(zone_abbreviation(cet, 7200).as_deref(), Some("CEST"));
        assert_eq!(
            zone_abbreviation(b"TZif\n<+0530>-5:30\n", 19800).as_deref(),
            Some("+0530")
        );
        assert_eq!(zone_abbreviation(b"", 0), None);
    }

    #[test]
    fn mount_path_escapes() {
        let odd = "/mnt/my disk\\x\tz";
        assert_eq!(escape_path(odd), "/mnt/my\\040disk\\134x\\011z");
        assert_eq!(unescape_path(&escape_path(odd)), odd);
        // Not an escape: kept as is, never a panic on a cut character.
        assert_eq!(unescape_path("a\\9é\\777\\"), "a\\9é\\777\\");
    }

    #[test]
    fn interface_address_lines() {
        let all = [
            IfAddr {
                name: "eth0".into(),
                flags: 0x1043,
                address: IfAddress::Link(vec![2, 0xfc, 0, 0, 0, 1]),
            },
            IfAddr {
                name: "eth0:1".into(),
                flags: 0x1043,
                address: IfAddress::V4 {
                    address: "192.0.2.2".parse().unwrap(),
                    netmask: Some("255.255.255.0".parse().unwrap()),
                    destination: None,
                },
            },
            IfAddr {
                name: "tun0".into(),
                flags: 0x10d1,
                address: IfAddress::V6 {
                    address: "fd00::2".parse().unwrap(),
                    netmask: None,
                },
            },
            IfAddr {
                name: "lo".into(),
                flags: 0x49,
                address: IfAddress::Link(vec![]),
            },
        ];
        for a in &all {
            assert_eq!(
                IfAddr::from_line(&a.to_line()).as_ref(),
                Some(a),
                "{}",
                a.to_line()
            );
        }
        assert_eq!(
            all[1].to_line(),
            "eth0:1\t0x1043\tinet\t192.0.2.2\t255.255.255.0\t-"
        );
        for bad in [
            "",
            "eth0",
            "eth0\tzz\tlink\t",
            "e\t0x1\tinet\t1.2.3\t-\t-",
            "e\t0x1\tipx\t1",
        ] {
            assert_eq!(IfAddr::from_line(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn paths_under_a_root() {
        let r = Path::new("/rec/files");
        assert_eq!(
            under(r, "/proc/cpuinfo").unwrap(),
            PathBuf::from("/rec/files/proc/cpuinfo")
        );
        assert!(under(r, "/proc/../etc/shadow").is_none());
        assert_eq!(
            under_with_suffix(Path::new("/rec/listings"), "/sys/block/", ".list").unwrap(),
            PathBuf::from("/rec/listings/sys/block.list")
        );
    }
}
