//! DRIVES on Solaris/illumos: sizes from `df -k` (the generic df reader, once wrapped
//! rows are joined), file system types from `mount -v`.

use std::collections::BTreeMap;

use crate::task::inventory::generic::unix::df;
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "solaris/drives",
    category: "drive",
    applies: |ctx| ctx.os == Os::Solaris,
    collect,
};

/// `df -k` with each wrapped row (a device name too long for its column sits alone on
/// its line, the numbers on the next) joined back into one line.
pub fn unwrap_df(text: &str) -> String {
    let mut out = String::new();
    let mut pending: Option<&str> = None;
    for line in text.lines() {
        let fields = line.split_whitespace().count();
        if fields == 1 && !out.is_empty() {
            pending = Some(line.trim());
            continue;
        }
        if let Some(dev) = pending.take() {
            out.push_str(dev);
            out.push(' ');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `mount -v`: device → file system type (`<dev> on <dir> type <fstype> …`).
pub fn parse_mount_types(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        if w.len() >= 5 && w[1] == "on" && w[3] == "type" {
            out.entry(w[0].to_string())
                .or_insert_with(|| w[4].to_string());
        }
    }
    out
}

/// The drives: df rows with their type, without devices, CD-ROMs and loopback mounts.
pub fn drives(df: &str, mount: &str) -> Vec<Entry> {
    let types = parse_mount_types(mount);
    df::parse_df(&unwrap_df(df))
        .into_iter()
        .filter(|r| !r.device.starts_with("/devices") && !r.device.starts_with("/platform"))
        .filter_map(|r| {
            let fstype = if r.device == "swap" {
                Some("swap".to_string())
            } else {
                types.get(&r.device).cloned()
            };
            if fstype.as_deref() == Some("lofs")
                || fstype.as_deref().is_some_and(|t| t.contains("cdrom"))
            {
                return None;
            }
            let mut e = Entry::new();
            e.set("VOLUMN", r.device.as_str())
                .set("TYPE", r.mountpoint.as_str())
                .set_opt("FILESYSTEM", fstype)
                .set("TOTAL", r.total_mb().to_string())
                .set("FREE", r.free_mb().to_string());
            Some(e)
        })
        .collect()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let df = ctx.command(&["df", "-k"]).unwrap_or_default();
    let mount = ctx
        .command(&["/usr/sbin/mount", "-v"])
        .or_else(|| ctx.command(&["mount", "-v"]))
        .unwrap_or_default();
    for mut e in drives(&df, &mount) {
        if e.get("TYPE") == Some("/") {
            e.set("SYSTEMDRIVE", "1");
        }
        inv.add("DRIVES", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zfs_swap_and_lofs() {
        let df = "Filesystem            kbytes    used   avail capacity  Mounted on\n/                          0 6939073 15641400    31%    /\n/dev                 22580473 6939073 15641400    31%    /dev\nproc                       0       0       0     0%    /proc\nswap                 65666400     736 65665664     1%    /tmp\nZ_FS_DATAPOOL/a_very_long_dataset_name\n                           0    5123 471381611     1%    /oracle\n";
        let mount = "/ on / type zfs read/write/setuid on Thu Jul 16 16:32:15 2015\n/dev on /dev type lofs read/write on Thu Jul 16 16:33:05 2015\nZ_FS_DATAPOOL/a_very_long_dataset_name on /oracle type zfs read/write on Thu Jul 16 2015\n";
        let d = drives(df, mount);
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].get("TOTAL"), Some("22051"));
        assert_eq!(d[0].get("FILESYSTEM"), Some("zfs"));
        assert_eq!(d[1].get("FILESYSTEM"), Some("swap"));
        assert_eq!(d[2].get("TYPE"), Some("/oracle"));
    }
}
