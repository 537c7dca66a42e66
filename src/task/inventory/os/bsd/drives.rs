//! DRIVES on FreeBSD/OpenBSD: file system types from `mount`, sizes from `df -P -k`.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module};
use crate::task::inventory::os::linux::drives::parse_df_without_type;

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

/// `mount` lines → (device, mount point, type). FreeBSD: `dev on /mnt (ufs, local)`;
/// OpenBSD: `dev on /mnt type ffs (local)`.
pub fn parse_mount(text: &str) -> Vec<(String, String, String)> {
    text.lines()
        .filter_map(|l| {
            let (dev, rest) = l.split_once(" on ")?;
            if let Some((mnt, after)) = rest.split_once(" type ") {
                let fstype = after.split_whitespace().next()?;
                return Some((dev.to_string(), mnt.to_string(), fstype.to_string()));
            }
            let (mnt, opts) = rest.rsplit_once(" (")?;
            let fstype = opts.split([',', ')']).next()?.trim();
            Some((dev.to_string(), mnt.to_string(), fstype.to_string()))
        })
        .collect()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let mounts = parse_mount(&ctx.command(&["mount"]).unwrap_or_default());
    let df = parse_df_without_type(&ctx.command(&["df", "-P", "-k"]).unwrap_or_default());
    for (dev, mnt, fstype) in mounts {
        if PSEUDO.contains(&fstype.as_str()) {
            continue;
        }
        let Some(usage) = df.iter().find(|m| m.mountpoint == mnt) else {
            continue;
        };
        let mut e = Entry::new();
        e.set("VOLUMN", dev.as_str())
            .set("TYPE", mnt.as_str())
            .set("FILESYSTEM", fstype.as_str())
            .set("TOTAL", (usage.total_kb / 1024).to_string())
            .set("FREE", (usage.free_kb / 1024).to_string());
        if mnt == "/" {
            e.set("SYSTEMDRIVE", "1");
        }
        inv.add("DRIVES", e);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mount_lines() {
        let m = super::parse_mount("/dev/ada0p2 on / (ufs, local, soft-updates)\ndevfs on /dev (devfs)\n/dev/sd0a on /home type ffs (local, nodev)\ngarbage\n");
        assert_eq!(m.len(), 3);
        assert_eq!(m[0], ("/dev/ada0p2".into(), "/".into(), "ufs".into()));
        assert_eq!(m[2].2, "ffs");
    }
}
