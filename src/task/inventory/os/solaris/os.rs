//! OPERATINGSYSTEM on Solaris/illumos: name, version and update from `/etc/release`,
//! kernel from uname, and the OS fields of HARDWARE.

use crate::task::inventory::generic::identity;
use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module, Os};

use super::release;

pub const MODULE: Module = Module {
    name: "solaris/os",
    category: "os",
    applies: |ctx| ctx.os == Os::Solaris,
    collect,
};

fn collect(ctx: &Context, inv: &mut Inventory) {
    let rel = ctx
        .file("/etc/release")
        .and_then(|t| release::parse_release(&t));
    let name = if rel
        .as_ref()
        .is_some_and(|r| r.fullname.contains("OpenIndiana"))
    {
        "OpenIndiana"
    } else if rel.as_ref().is_some_and(|r| r.fullname.contains("OmniOS")) {
        "OmniOS"
    } else {
        "Solaris"
    };
    let version = rel
        .as_ref()
        .and_then(|r| r.version.clone())
        .unwrap_or_else(|| ctx.uname.release.clone());
    let full = rel
        .as_ref()
        .map(|r| r.fullname.clone())
        .unwrap_or_else(|| format!("{name} {version}"));
    let hostid = ctx
        .command(&["hostid"])
        .and_then(|t| t.lines().next().map(|l| l.trim().to_string()));
    let os = inv.single("OPERATINGSYSTEM");
    os.set("KERNEL_NAME", "solaris")
        .set("KERNEL_VERSION", ctx.uname.version.as_str())
        .set("NAME", name)
        .set("VERSION", version.as_str())
        .set("FULL_NAME", full.as_str())
        .set_opt(
            "SERVICE_PACK",
            rel.as_ref().and_then(|r| r.subversion.clone()),
        )
        .set_opt("HOSTID", hostid)
        .set("ARCH", ctx.uname.machine.as_str());
    identity::fill(ctx, os, None);
    let hw = inv.single("HARDWARE");
    hw.set("OSNAME", full.as_str())
        .set("OSVERSION", ctx.uname.release.as_str())
        .set("OSCOMMENTS", ctx.uname.version.as_str());
}
