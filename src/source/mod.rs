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
//!   so time-derived fields (boot time, dates) replay the same.
//!
//! Whatever a recording lacks is absent, as on a machine without that file or tool.

pub mod capture;
pub mod command;
pub mod live;
pub mod replay;
pub mod ssh;

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
