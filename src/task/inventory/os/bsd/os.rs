//! OPERATINGSYSTEM on FreeBSD/OpenBSD: kernel and release from uname, boot time from
//! `kern.boottime`, and the OS fields of HARDWARE.

use crate::task::inventory::generic::identity;
use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module};

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
    let os = inv.single("OPERATINGSYSTEM");
    os.set("KERNEL_NAME", name.to_ascii_lowercase())
        .set("KERNEL_VERSION", release.as_str())
        .set("NAME", name.as_str())
        .set("VERSION", release.as_str())
        .set("FULL_NAME", full.as_str())
        .set("ARCH", ctx.uname.machine.as_str());
    let boot = sys.get("kern.boottime").and_then(|v| sysctl::boottime(v));
    identity::fill(ctx, os, boot);
    let hw = inv.single("HARDWARE");
    hw.set_opt(
        "UPTIME",
        boot.and_then(|b| u64::try_from(ctx.clock.now - b).ok())
            .map(|up| up.to_string()),
    );
    hw.set("OSNAME", full.as_str())
        .set("OSVERSION", release.as_str())
        .set("OSCOMMENTS", ctx.uname.version.as_str());
}
