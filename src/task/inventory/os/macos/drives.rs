//! DRIVES on macOS: sizes from `df -P -k`, file system types from `mount` (the generic
//! UNIX readers), pseudo file systems (`devfs`, `autofs`) left out.

use crate::task::inventory::generic::unix::{df, mount};
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "macos/drives",
    category: "drive",
    applies: |ctx| ctx.os == Os::MacOs,
    collect,
};

const PSEUDO: &[&str] = &["devfs", "autofs", "fdesc", "nullfs", "volfs"];

/// The drives: df rows with the type `mount` gives their mount point.
pub fn drives(df_text: &str, mount_text: &str) -> Vec<Entry> {
    let mounts = mount::parse_mount(mount_text);
    df::parse_df(df_text)
        .into_iter()
        .filter_map(|fs| {
            let fstype = mounts
                .iter()
                .find(|m| m.mountpoint == fs.mountpoint)
                .map(|m| m.fstype.clone());
            if fstype.as_deref().is_some_and(|t| PSEUDO.contains(&t)) {
                return None;
            }
            let mut e = Entry::new();
            e.set("VOLUMN", fs.device.as_str())
                .set("TYPE", fs.mountpoint.as_str())
                .set_opt("FILESYSTEM", fstype)
                .set("TOTAL", fs.total_mb().to_string())
                .set("FREE", fs.free_mb().to_string());
            if fs.mountpoint == "/" {
                e.set("SYSTEMDRIVE", "1");
            }
            Some(e)
        })
        .collect()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let Some(df_text) = ctx.command(&["df", "-P", "-k"]) else {
        return;
    };
    let mount_text = ctx.command(&["mount"]).unwrap_or_default();
    for e in drives(&df_text, &mount_text) {
        inv.add("DRIVES", e);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn apfs_and_devfs() {
        let d = super::drives(
            "Filesystem   1024-blocks      Used Available Capacity  Mounted on\n/dev/disk3s1s1  482797652  10178908 224537908     5%    /\ndevfs                 200       200         0   100%    /dev\n/dev/disk3s5    482797652 245832372 224537908    53%    /System/Volumes/Data\n",
            "/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)\ndevfs on /dev (devfs, local, nobrowse)\n/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse)\n",
        );
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].get("FILESYSTEM"), Some("apfs"));
        assert_eq!(d[0].get("SYSTEMDRIVE"), Some("1"));
        assert_eq!(d[1].get("TYPE"), Some("/System/Volumes/Data"));
    }
}
