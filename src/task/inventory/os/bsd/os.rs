//! OPERATINGSYSTEM on FreeBSD/OpenBSD: kernel and release from uname, boot time from
//! `kern.boottime`, and the OS fields of HARDWARE.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module};
use crate::task::inventory::os::linux::os::{fqdn, offset_text};

use super::sysctl;

pub const MODULE: Module = Module {
    name: "bsd/os",
    category: "os",
    applies: |ctx| ctx.os.is_bsd(),
    collect,
};

fn collect(ctx: &Context, inv: &mut Inventory) {
    let sys = sysctl::values(ctx);
    let name = ctx.uname.sysname.clone();
    let release = ctx.uname.release.clone();
    let full = format!("{name} {release}");
    let host = ctx.uname.nodename.clone();
    let fqdn = fqdn(&host, &ctx.src.read_text("/etc/hosts").unwrap_or_default());
    let os = inv.single("OPERATINGSYSTEM");
    os.set("KERNEL_NAME", name.to_ascii_lowercase())
        .set("KERNEL_VERSION", release.as_str())
        .set("NAME", name.as_str())
        .set("VERSION", release.as_str())
        .set("FULL_NAME", full.as_str())
        .set("FQDN", fqdn.as_str())
        .set("ARCH", ctx.uname.machine.as_str());
    if let Some((_, domain)) = fqdn.split_once('.') {
        os.set("DNS_DOMAIN", domain);
    }
    if let Some(boot) = sys.get("kern.boottime").and_then(|v| sysctl::boottime(v)) {
        os.set(
            "BOOT_TIME",
            ctx.clock.format_local(boot, "%Y-%m-%d %H:%M:%S"),
        );
    }
    let mut tz = Entry::new();
    tz.set("NAME", ctx.clock.zone.as_str())
        .set("OFFSET", offset_text(ctx.clock.offset));
    os.set_map("TIMEZONE", tz);
    let hw = inv.single("HARDWARE");
    hw.set("OSNAME", full.as_str())
        .set("OSVERSION", release.as_str())
        .set("OSCOMMENTS", ctx.uname.version.as_str());
}
