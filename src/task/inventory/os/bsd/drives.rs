//! DRIVES on FreeBSD/OpenBSD: file system types from `mount`, sizes from `df -P -k` (both
//! parsed by `generic::unix`).

use crate::task::inventory::generic::unix::{df, mount};
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module};

pub const MODULE: Module = Module {
    name: "bsd/drives",
    category: "drive",
    applies: |ctx| ctx.os.is_bsd(),
    collect,
};

const PSEUDO: &[&str] = &[
    "devfs",
    "fdescfs",
    "procfs",
    "linprocfs",
    "linsysfs",
    "tmpfs",
    "nullfs",
    "mfs",
    "kernfs",
];

fn collect(ctx: &Context, inv: &mut Inventory) {
    let mounts = mount::parse_mount(&ctx.command(&["mount"]).unwrap_or_default());
    let df = df::parse_df(&ctx.command(&["df", "-P", "-k"]).unwrap_or_default());
    for m in mounts {
        if PSEUDO.contains(&m.fstype.as_str()) {
            continue;
        }
        let Some(usage) = df.iter().find(|f| f.mountpoint == m.mountpoint) else {
            continue;
        };
        let mut e = Entry::new();
        e.set("VOLUMN", m.device.as_str())
            .set("TYPE", m.mountpoint.as_str())
            .set("FILESYSTEM", m.fstype.as_str())
            .set("TOTAL", usage.total_mb().to_string())
            .set("FREE", usage.free_mb().to_string());
        if m.mountpoint == "/" {
            e.set("SYSTEMDRIVE", "1");
        }
        inv.add("DRIVES", e);
    }
}
