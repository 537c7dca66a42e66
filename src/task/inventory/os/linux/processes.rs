//! PROCESSES: every process from `/proc/<pid>/{stat,status,cmdline}` — what `ps` would
//! print, without running it.

use std::collections::BTreeMap;

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "linux/processes",
    category: "process",
    applies: |ctx| ctx.os == Os::Linux,
    collect,
};

/// Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ, 100 on Linux).
const HZ: f64 = 100.0;

/// The fields of `/proc/<pid>/stat` the inventory uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Stat {
    pub comm: String,
    pub tty_nr: i64,
    pub cpu_ticks: u64,
    pub start_ticks: u64,
    pub vsize: u64,
    pub rss_pages: u64,
}

/// Parses `/proc/<pid>/stat`; the command name is between the first `(` and the last `)`.
pub fn parse_stat(text: &str) -> Option<Stat> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let comm = text.get(open + 1..close)?.to_string();
    let f: Vec<&str> = text.get(close + 1..)?.split_whitespace().collect();
    // f[0] is field 3 (state).
    let n = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok());
    Some(Stat {
        comm,
        tty_nr: f.get(4)?.parse().ok()?,
        cpu_ticks: n(11)?.saturating_add(n(12)?),
        start_ticks: n(19)?,
        vsize: n(20)?,
        rss_pages: n(21)?,
    })
}

/// A terminal name from a `tty_nr` (`pts/0`, `tty1`), `?` for none.
pub fn tty_name(tty_nr: i64) -> String {
    let major = (tty_nr >> 8) & 0xfff;
    let minor = (tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00);
    match major {
        0 => "?".into(),
        4 if minor < 64 => format!("tty{minor}"),
        4 => format!("ttyS{}", minor - 64),
        136..=143 => format!("pts/{}", (major - 136) * 256 + minor),
        _ => "?".into(),
    }
}

/// uid → login, from the accounts module's reading of `/etc/passwd`.
fn uid_names(passwd: &str) -> BTreeMap<String, String> {
    super::accounts::parse_passwd(passwd)
        .into_iter()
        .filter_map(|u| Some((u.get("ID")?.to_string(), u.get("LOGIN")?.to_string())))
        .collect()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let src = ctx.src;
    let users = uid_names(&ctx.file("/etc/passwd").unwrap_or_default());
    let boot = ctx.clock.now as f64 - super::os::uptime(ctx).unwrap_or(0.0);
    let mem_kb = ctx
        .file("/proc/meminfo")
        .and_then(|m| super::hardware::meminfo_mb(&m, "MemTotal"))
        .map(|mb| mb * 1024)
        .unwrap_or(0);
    let mut pids: Vec<u32> = src
        .list_dir("/proc")
        .unwrap_or_default()
        .iter()
        .filter_map(|n| n.parse().ok())
        .collect();
    pids.sort_unstable();
    for pid in pids {
        let Some(stat) = src
            .read_text(&format!("/proc/{pid}/stat"))
            .and_then(|t| parse_stat(&t))
        else {
            continue;
        };
        let status = src
            .read_text(&format!("/proc/{pid}/status"))
            .unwrap_or_default();
        let uid = status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|v| v.split_whitespace().next())
            .unwrap_or("")
            .to_string();
        let cmdline = src
            .read(&format!("/proc/{pid}/cmdline"))
            .unwrap_or_default();
        let mut cmd: String = String::from_utf8_lossy(&cmdline)
            .replace('\0', " ")
            .trim()
            .to_string();
        if cmd.is_empty() {
            cmd = format!("[{}]", stat.comm);
        }
        let started = boot + stat.start_ticks as f64 / HZ;
        let running = (ctx.clock.now as f64 - started).max(1.0);
        let cpu = stat.cpu_ticks as f64 / HZ / running * 100.0;
        let rss_kb = stat.rss_pages.saturating_mul(4);
        let mem = if mem_kb > 0 {
            rss_kb as f64 * 100.0 / mem_kb as f64
        } else {
            0.0
        };
        let mut e = Entry::new();
        e.set("PID", pid.to_string())
            .set("USER", users.get(&uid).cloned().unwrap_or(uid))
            .set("CMD", cmd)
            .set("CPUUSAGE", format!("{cpu:.1}"))
            .set("MEM", format!("{mem:.1}"))
            .set("VIRTUALMEMORY", (stat.vsize / 1024).to_string())
            .set("TTY", tty_name(stat.tty_nr))
            .set(
                "STARTED",
                ctx.clock.format_local(started as i64, "%Y-%m-%d %H:%M"),
            );
        inv.add("PROCESSES", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_line() {
        let t = "42 (my (odd) cmd) S 1 42 42 34816 42 4194560 100 0 0 0 150 50 0 0 20 0 1 0 1234 10485760 300 18446744073709551615";
        let s = parse_stat(t).unwrap();
        assert_eq!(s.comm, "my (odd) cmd");
        assert_eq!(s.cpu_ticks, 200);
        assert_eq!(s.start_ticks, 1234);
        assert_eq!(s.vsize, 10485760);
        assert_eq!(tty_name(s.tty_nr), "pts/0");
        assert!(parse_stat("garbage").is_none());
    }

    #[test]
    fn ttys() {
        assert_eq!(tty_name(0), "?");
        assert_eq!(tty_name(0x401), "tty1");
    }
}
