//! OPERATINGSYSTEM on Linux (and the OS fields the OCS server reads from HARDWARE):
//! distribution from os-release, kernel from uname, boot time from `/proc/uptime`,
//! time zone, FQDN from `/etc/hosts`, install date from the base package's files.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::osrelease;

pub const MODULE: Module = Module {
    name: "linux/os",
    category: "os",
    applies: |ctx| ctx.os == Os::Linux,
    collect,
};

/// `+0100`, `-0530` from an offset in seconds.
pub fn offset_text(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let m = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}{:02}", m / 60, m % 60)
}

/// The fully qualified name of `host`: as is when it has a dot, else the first dotted
/// alias of a `/etc/hosts` line naming it.
pub fn fqdn(host: &str, etc_hosts: &str) -> String {
    if host.contains('.') {
        return host.to_string();
    }
    for line in etc_hosts.lines() {
        let line = line.split('#').next().unwrap_or("");
        let names: Vec<&str> = line.split_whitespace().skip(1).collect();
        if names.contains(&host) {
            if let Some(full) = names.iter().find(|n| n.starts_with(&format!("{host}."))) {
                return full.to_string();
            }
        }
    }
    host.to_string()
}

/// The host id glibc's `gethostid()` derives when `/etc/hostid` is absent: the host's
/// IPv4 address (here from `/etc/hosts`) with its 16-bit halves swapped.
pub fn hostid_from_hosts(host: &str, etc_hosts: &str) -> Option<u32> {
    let ip: std::net::Ipv4Addr = etc_hosts.lines().find_map(|line| {
        let line = line.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace();
        let ip = words.next()?.parse().ok()?;
        words.any(|w| w == host).then_some(ip)
    })?;
    let raw = u32::from_le_bytes(ip.octets());
    Some(raw.rotate_left(16))
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let src = ctx.src;
    let distro = osrelease::distro(
        &src.read_text("/etc/os-release")
            .or_else(|| src.read_text("/usr/lib/os-release"))
            .unwrap_or_default(),
        src.read_text("/etc/debian_version").as_deref(),
    );
    let host = ctx.uname.nodename.clone();
    let fqdn = fqdn(&host, &src.read_text("/etc/hosts").unwrap_or_default());

    let os = inv.single("OPERATINGSYSTEM");
    os.set("KERNEL_NAME", "linux")
        .set("KERNEL_VERSION", ctx.uname.release.as_str())
        .set("ARCH", ctx.uname.machine.as_str())
        .set_opt("NAME", distro.name.clone())
        .set_opt("VERSION", distro.version.clone())
        .set_opt("FULL_NAME", distro.full_name.clone())
        .set("FQDN", fqdn.as_str());
    if let Some((_, domain)) = fqdn.split_once('.') {
        os.set("DNS_DOMAIN", domain);
    }
    let uptime = src.read_text("/proc/uptime").and_then(|t| {
        t.split_whitespace()
            .next()
            .and_then(|s| s.parse::<f64>().ok())
    });
    if let Some(up) = uptime {
        let boot = ctx.clock.now - up as i64;
        os.set(
            "BOOT_TIME",
            ctx.clock.format_local(boot, "%Y-%m-%d %H:%M:%S"),
        );
    }
    let mut tz = Entry::new();
    tz.set("NAME", ctx.clock.zone.as_str())
        .set("OFFSET", offset_text(ctx.clock.offset));
    os.set_map("TIMEZONE", tz);
    let installed = [
        "/var/lib/dpkg/info/base-files.list",
        "/etc/machine-id",
        "/etc/hostname",
    ]
    .iter()
    .find_map(|p| src.mtime(p));
    if let Some(t) = installed {
        os.set(
            "INSTALL_DATE",
            ctx.clock.format_local(t, "%Y-%m-%d %H:%M:%S"),
        );
    }
    let hostid = match src.read("/etc/hostid").filter(|b| b.len() >= 4) {
        Some(b) => Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        None => hostid_from_hosts(&host, &src.read_text("/etc/hosts").unwrap_or_default()),
    };
    os.set_opt("HOSTID", hostid.map(|id| format!("{id:08x}")));

    let hw = inv.single("HARDWARE");
    hw.set_opt("OSNAME", distro.full_name.or(distro.name))
        .set("OSVERSION", ctx.uname.release.as_str())
        .set("OSCOMMENTS", ctx.uname.version.as_str());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets() {
        assert_eq!(offset_text(3600), "+0100");
        assert_eq!(offset_text(-19800), "-0530");
        assert_eq!(offset_text(0), "+0000");
    }

    #[test]
    fn hostid_like_glibc() {
        // `hostid` prints 007f0100 for a host named in /etc/hosts as 127.0.0.1.
        assert_eq!(
            hostid_from_hosts("vm", "127.0.0.1 localhost\n127.0.0.1 vm\n"),
            Some(0x007f0100)
        );
        assert_eq!(hostid_from_hosts("nope", "127.0.0.1 vm\n"), None);
    }

    #[test]
    fn fqdn_from_hosts() {
        let hosts = "127.0.0.1 localhost\n127.0.1.1 vm.example.org vm # me\n";
        assert_eq!(fqdn("vm", hosts), "vm.example.org");
        assert_eq!(fqdn("other", hosts), "other");
        assert_eq!(fqdn("a.b", ""), "a.b");
    }
}
