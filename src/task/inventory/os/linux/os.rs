//! OPERATINGSYSTEM on Linux (and the OS fields the OCS server reads from HARDWARE):
//! distribution from os-release, kernel from uname, boot time from `/proc/uptime`,
//! time zone, FQDN from `/etc/hosts`, install date from the base package's files.

use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module, Os};

use super::osrelease;
use crate::task::inventory::generic::identity;

pub const MODULE: Module = Module {
    name: "linux/os",
    category: "os",
    applies: |ctx| ctx.os == Os::Linux,
    collect,
};

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

/// Seconds since boot (`/proc/uptime`).
pub fn uptime(ctx: &Context) -> Option<f64> {
    ctx.file("/proc/uptime")?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let src = ctx.src;
    let distro = osrelease::distro(
        &ctx.file("/etc/os-release")
            .or_else(|| ctx.file("/usr/lib/os-release"))
            .unwrap_or_default(),
        src.read_text("/etc/debian_version").as_deref(),
    );

    let os = inv.single("OPERATINGSYSTEM");
    os.set("KERNEL_NAME", "linux")
        .set("KERNEL_VERSION", ctx.uname.release.as_str())
        .set("ARCH", ctx.uname.machine.as_str())
        .set_opt("NAME", distro.name.clone())
        .set_opt("VERSION", distro.version.clone())
        .set_opt("FULL_NAME", distro.full_name.clone())
        .set_opt("VERSION_ID", distro.version_id.clone());
    identity::fill(ctx, os, uptime(ctx).map(|up| ctx.clock.now - up as i64));
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
        None => hostid_from_hosts(
            &ctx.uname.nodename,
            &ctx.file("/etc/hosts").unwrap_or_default(),
        ),
    };
    os.set_opt("HOSTID", hostid.map(|id| format!("{id:08x}")));

    let hw = inv.single("HARDWARE");
    hw.set_opt("UPTIME", uptime(ctx).map(|up| (up as u64).to_string()));
    hw.set_opt("OSNAME", distro.full_name.or(distro.name))
        .set("OSVERSION", ctx.uname.release.as_str())
        .set("OSCOMMENTS", ctx.uname.version.as_str());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostid_like_glibc() {
        // `hostid` prints 007f0100 for a host named in /etc/hosts as 127.0.0.1.
        assert_eq!(
            hostid_from_hosts("vm", "127.0.0.1 localhost\n127.0.0.1 vm\n"),
            Some(0x007f0100)
        );
        assert_eq!(hostid_from_hosts("nope", "127.0.0.1 vm\n"), None);
    }
}
