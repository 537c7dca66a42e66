//! DRIVES on AIX: sizes from `df -P -k`, file system types from `lsfs -c` (by mount
//! point).

use std::collections::BTreeMap;

use crate::task::inventory::generic::unix::df::parse_df;
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "aix/drives",
    category: "drive",
    applies: |ctx| ctx.os == Os::Aix,
    collect,
};

/// `lsfs -c` (`#MountPoint:Device:Vfs:…` header, then colon-separated lines) → mount
/// point → VFS type (`jfs2`, `nfs`…). A mount point listed twice keeps the last type.
pub fn parse_lsfs(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let mut f = line.trim_end().split(':');
            let mountpoint = f.next()?;
            let vfs = f.nth(1)?;
            (!mountpoint.is_empty()).then(|| (mountpoint.to_string(), vfs.to_string()))
        })
        .collect()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let Some(df) = ctx.command(&["df", "-P", "-k"]) else {
        return;
    };
    let types = parse_lsfs(&ctx.command(&["lsfs", "-c"]).unwrap_or_default());
    for fs in parse_df(&df) {
        let mut e = Entry::new();
        e.set("VOLUMN", fs.device.as_str())
            .set("TYPE", fs.mountpoint.as_str())
            .set_opt("FILESYSTEM", types.get(&fs.mountpoint).cloned())
            .set("TOTAL", fs.total_mb().to_string())
            .set("FREE", fs.free_mb().to_string());
        if fs.mountpoint == "/" {
            e.set("SYSTEMDRIVE", "1");
        }
        inv.add("DRIVES", e);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lsfs() {
        let t = super::parse_lsfs(
            "#MountPoint:Device:Vfs:Nodename:Type:Size:Options:AutoMount:Acct\r\n\
             /:/dev/hd4:jfs2::bootfs:262144:rw:yes:no\r\n\
             /mnt:/dev/x:nfs:srv:::rw:no:no\r\n/mnt:/dev/y:jfs::::::\n",
        );
        assert_eq!(t["/"], "jfs2");
        assert_eq!(t["/mnt"], "jfs");
        assert_eq!(t.len(), 2);
        assert!(super::parse_lsfs("").is_empty());
    }
}
