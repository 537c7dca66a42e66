//! Logging: every line says which task wrote it and how serious it is.
//!
//! `[core][ERROR] …` on stderr, `[2026-11-25 06:06:33][Inventory][INFO] …` in the log file,
//! `ocsinventory-agent[pid]: [SNMP][DEBUG] …` in syslog. The parent logs as `core`; each
//! task child logs to the same backends with its own tag, so one file holds both.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;
use std::sync::{Mutex, RwLock};

use log::{Level, LevelFilter};

use super::config::Config;
use crate::fsutil;

/// The level name as it appears between brackets.
fn level_name(level: Level) -> &'static str {
    match level {
        Level::Error => "ERROR",
        Level::Warn => "WARNING",
        Level::Info => "INFO",
        Level::Debug => "DEBUG",
        Level::Trace => "DEBUG2",
    }
}

/// The log level a `debug` value selects.
pub fn level_filter(debug: u64) -> LevelFilter {
    match debug {
        0 => LevelFilter::Info,
        1 => LevelFilter::Debug,
        _ => LevelFilter::Trace,
    }
}

/// The tag of this process's lines: `core`, or the task a child runs.
static TAG: RwLock<&'static str> = RwLock::new("core");

/// Switches the tag (a forked task child becomes `[Inventory]`).
pub fn set_tag(tag: &'static str) {
    if let Ok(mut t) = TAG.write() {
        *t = tag;
    }
}

fn tag() -> &'static str {
    TAG.read().map(|t| *t).unwrap_or("core")
}

/// Formats one line without the timestamp: `[tag][LEVEL] message`.
pub fn format_line(tag: &str, level: Level, message: &std::fmt::Arguments) -> String {
    format!("[{tag}][{}] {message}", level_name(level))
}

/// The log file backend: appends, and when the file would pass `max_bytes` moves it to
/// `FILE.1` and starts a new one. It reopens the file when it was moved or deleted
/// under it (logrotate), so no signal is needed for that.
///
/// A line is written whole or not at all: when the disk is full, a partly written line
/// is cut off again, the lost lines are counted, stderr says so once, and the first line
/// that fits again is preceded by how many were lost and why.
pub struct FileSink {
    path: PathBuf,
    max_bytes: u64,
    file: Mutex<Option<File>>,
    /// Lines lost since the last one written, and the last reason.
    lost: Mutex<(u64, String)>,
}

impl FileSink {
    pub fn new(path: PathBuf, max_bytes: u64) -> FileSink {
        FileSink {
            path,
            max_bytes,
            file: Mutex::new(None),
            lost: Mutex::new((0, String::new())),
        }
    }

    /// Opens the file for appending: created private (`0600`; an existing file keeps
    /// its mode, so `logrotate`'s `create 0640 root adm` decides who reads it); a link,
    /// a hard link, a FIFO or another user's file there is refused (`fsutil`).
    fn open(&self) -> std::io::Result<File> {
        fsutil::open_append(&self.path)
    }

    pub fn write_line(&self, line: &str) {
        let Ok(mut guard) = self.file.lock() else {
            return;
        };
        let on_disk = std::fs::metadata(&self.path).ok();
        let current = guard.as_ref().and_then(|f| f.metadata().ok());
        let same = match (&on_disk, &current) {
            (Some(a), Some(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
            _ => false,
        };
        if let (Some(meta), true) = (&on_disk, self.max_bytes > 0) {
            if meta.len() + line.len() as u64 + 1 > self.max_bytes {
                let mut rotated = self.path.clone().into_os_string();
                rotated.push(".1");
                let _ = std::fs::rename(&self.path, rotated);
                *guard = None;
            }
        }
        if !same || guard.is_none() {
            *guard = self.open().ok();
        }
        let Ok(mut lost) = self.lost.lock() else {
            return;
        };
        let result = match guard.as_mut() {
            None => Err(self
                .open()
                .err()
                .unwrap_or_else(|| std::io::ErrorKind::NotFound.into())),
            Some(f) => {
                let mut text = String::new();
                if lost.0 > 0 {
                    text = format!(
                        "{} log line(s) lost: {}\n",
                        lost.0,
                        if lost.1.is_empty() { "?" } else { &lost.1 }
                    );
                }
                text.push_str(line);
                text.push('\n');
                write_whole(f, text.as_bytes())
            }
        };
        match result {
            Ok(()) => *lost = (0, String::new()),
            Err(e) => {
                if lost.0 == 0 {
                    eprintln!(
                        "[{}][ERROR] cannot write to the log file {}: {e} (lines are lost until it works again)",
                        self::tag(),
                        self.path.display()
                    );
                }
                *lost = (lost.0 + 1, e.to_string());
            }
        }
    }

    /// Lines lost so far (not yet reported in the file).
    pub fn lost(&self) -> u64 {
        self.lost.lock().map(|l| l.0).unwrap_or(0)
    }
}

/// Appends `data` whole or not at all: after a partial write (a full disk) the file is
/// cut back to its length before, unless another process wrote meanwhile.
fn write_whole(f: &mut File, data: &[u8]) -> std::io::Result<()> {
    let before = f.metadata().map(|m| m.len()).ok();
    let mut done = 0;
    while done < data.len() {
        match f.write(&data[done..]) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => done += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                if let (true, Some(len)) = (done > 0, before) {
                    if f.metadata().is_ok_and(|m| m.len() == len + done as u64) {
                        let _ = f.set_len(len);
                    }
                }
                return Err(e);
            }
        }
    }
    Ok(())
}

/// Syslog over the local `/dev/log` socket (RFC 3164 framing, as syslogd expects).
struct SyslogSink {
    socket: UnixDatagram,
    facility: u8,
}

impl SyslogSink {
    fn open(facility: &str) -> Option<SyslogSink> {
        let socket = UnixDatagram::unbound().ok()?;
        socket.connect("/dev/log").ok()?;
        Some(SyslogSink {
            socket,
            facility: facility_code(facility),
        })
    }

    fn send(&self, level: Level, line: &str) {
        let severity = match level {
            Level::Error => 3,
            Level::Warn => 4,
            Level::Info => 6,
            _ => 7,
        };
        let pri = self.facility as u32 * 8 + severity;
        let msg = format!("<{pri}>ocsinventory-agent[{}]: {line}", std::process::id());
        let _ = self.socket.send(msg.as_bytes());
    }
}

/// `LOG_USER`, `daemon`, `LOG_LOCAL3`… → facility number (user when unknown).
pub fn facility_code(name: &str) -> u8 {
    let n = name.trim().to_ascii_lowercase();
    let n = n.strip_prefix("log_").unwrap_or(&n);
    match n {
        "kern" => 0,
        "user" => 1,
        "mail" => 2,
        "daemon" => 3,
        "auth" => 4,
        "syslog" => 5,
        "lpr" => 6,
        "news" => 7,
        "cron" => 9,
        "authpriv" => 10,
        "local0" => 16,
        "local1" => 17,
        "local2" => 18,
        "local3" => 19,
        "local4" => 20,
        "local5" => 21,
        "local6" => 22,
        "local7" => 23,
        _ => 1,
    }
}

/// Which backends the configuration selects: `logger` list, plus `file` when `logfile`
/// is set.
pub fn backends(config: &Config) -> Vec<String> {
    let mut list: Vec<String> = config
        .list("logger")
        .iter()
        .map(|s| s.to_ascii_lowercase())
        .collect();
    if config.text("logfile").is_some() && !list.iter().any(|b| b == "file") {
        list.push("file".into());
    }
    if list.is_empty() {
        list.push("stderr".into());
    }
    list
}

/// Sets up the process-wide logger for `tag` (`core` in the parent, the task name in a
/// child). Returns an error when a backend cannot be opened.
pub fn init(config: &Config, tag: &'static str) -> Result<(), String> {
    set_tag(tag);
    let level = level_filter(config.debug_level());
    let mut dispatch = fern::Dispatch::new()
        .level(if level >= LevelFilter::Trace {
            LevelFilter::Debug
        } else {
            LevelFilter::Warn
        })
        .level_for("ocsinventory_agent", level);
    for backend in backends(config) {
        match backend.as_str() {
            "stderr" => {
                dispatch = dispatch.chain(fern::Output::call(move |r| {
                    eprintln!("{}", format_line(self::tag(), r.level(), r.args()));
                }));
            }
            "file" => {
                let path = config
                    .text("logfile")
                    .ok_or("the file logger needs a logfile (set logfile = /var/log/ocsinventory-agent.log)")?;
                let sink = FileSink::new(
                    PathBuf::from(path),
                    config.number("logfile-maxsize", 0) * 1024 * 1024,
                );
                sink.open()
                    .map_err(|e| format!("cannot open log file {path}: {e}"))?;
                dispatch = dispatch.chain(fern::Output::call(move |r| {
                    let stamp = chrono::Local::now().format("%Y-%m-%d %H:%M:%S");
                    sink.write_line(&format!(
                        "[{stamp}]{}",
                        format_line(self::tag(), r.level(), r.args())
                    ));
                }));
            }
            "syslog" => {
                let facility = config.text("logfacility").unwrap_or("LOG_USER");
                match SyslogSink::open(facility) {
                    Some(sink) => {
                        dispatch = dispatch.chain(fern::Output::call(move |r| {
                            sink.send(r.level(), &format_line(self::tag(), r.level(), r.args()));
                        }))
                    }
                    None => eprintln!(
                        "[{tag}][WARNING] syslog unavailable (/dev/log): not logging there"
                    ),
                }
            }
            other => return Err(format!("unknown logger backend '{other}'")),
        }
    }
    dispatch
        .apply()
        .map_err(|e| format!("cannot set up logging: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_format() {
        let line = format_line("Inventory", Level::Info, &format_args!("hello {}", 1));
        assert_eq!(line, "[Inventory][INFO] hello 1");
        assert_eq!(
            format_line("core", Level::Warn, &format_args!("x")),
            "[core][WARNING] x"
        );
    }

    #[test]
    fn file_sink_rotates_at_cap() {
        let dir = std::env::temp_dir().join(format!("ocsa-log-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("agent.log");
        let sink = FileSink::new(path.clone(), 100);
        for i in 0..10 {
            sink.write_line(&format!("line number {i:02} ........"));
        }
        let size = std::fs::metadata(&path).unwrap().len();
        assert!(size <= 100, "{size}");
        assert!(dir.join("agent.log.1").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn lost_lines_are_counted_and_reported() {
        // Issue #13, defect 6: on a full disk lines were dropped or cut silently.
        let full = FileSink::new(PathBuf::from("/dev/full"), 0);
        full.write_line("one");
        full.write_line("two");
        assert_eq!(full.lost(), 2);
        let dir = std::env::temp_dir().join(format!("ocsa-log-lost-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("agent.log");
        // Not writable for a moment (a folder where the file should be).
        std::fs::create_dir_all(&path).unwrap();
        let sink = FileSink::new(path.clone(), 0);
        sink.write_line("lost 1");
        sink.write_line("lost 2");
        assert_eq!(sink.lost(), 2);
        std::fs::remove_dir(&path).unwrap();
        sink.write_line("back");
        assert_eq!(sink.lost(), 0);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("2 log line(s) lost: "), "{text}");
        assert!(text.ends_with("\nback\n"), "{text}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn facilities() {
        assert_eq!(facility_code("LOG_DAEMON"), 3);
        assert_eq!(facility_code("local7"), 23);
        assert_eq!(facility_code("bogus"), 1);
    }
}
