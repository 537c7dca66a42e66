//! DRIVES on Linux: mounted file systems from one `df -P -T -k` run (time-limited, so a
//! dead network mount cannot stall the inventory), minus pseudo file systems; labels and
//! UUIDs from the `/dev/disk/by-label` and `/dev/disk/by-uuid` links (no `blkid` run);
//! encryption from device-mapper (`/sys/block/dm-*/dm/{name,uuid}`: a `CRYPT-LUKS2-…`
//! uuid is a LUKS2 volume).

use std::collections::BTreeMap;

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "linux/drives",
    category: "drive",
    applies: |ctx| ctx.os == Os::Linux,
    collect,
};

/// File system types that are not storage.
const PSEUDO: &[&str] = &[
    "tmpfs",
    "devtmpfs",
    "usbfs",
    "proc",
    "devpts",
    "devshm",
    "udev",
    "overlay",
    "sysfs",
    "cgroup",
    "cgroup2",
    "debugfs",
    "securityfs",
    "pstore",
    "bpf",
    "tracefs",
    "hugetlbfs",
    "mqueue",
    "fusectl",
    "configfs",
    "autofs",
    "binfmt_misc",
    "rpc_pipefs",
    "nsfs",
    "efivarfs",
    "squashfs",
    "ramfs",
];

/// One line of `df -P -T -k`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    pub device: String,
    pub fstype: String,
    pub total_kb: u64,
    pub free_kb: u64,
    pub mountpoint: String,
}

/// Parses `df -P -T -k` (POSIX format: one line per file system, mount point last and
/// possibly containing spaces).
pub fn parse_df(text: &str) -> Vec<Mount> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 7 {
                return None;
            }
            // Everything after the sixth column is the mount point.
            let mut rest = line;
            for _ in 0..6 {
                rest = rest.trim_start();
                let cut = rest.find(char::is_whitespace)?;
                rest = &rest[cut..];
            }
            Some(Mount {
                device: f[0].to_string(),
                fstype: f[1].to_string(),
                total_kb: f[2].parse().ok()?,
                free_kb: f[4].parse().ok()?,
                mountpoint: rest.trim().to_string(),
            })
        })
        .collect()
}

/// Parses `df -P -k` without a type column (BSD): the type comes from `mount`.
pub fn parse_df_without_type(text: &str) -> Vec<Mount> {
    let with_type: String = text
        .lines()
        .map(|l| {
            let mut parts = l.splitn(2, char::is_whitespace);
            let first = parts.next().unwrap_or("");
            format!("{first} - {}\n", parts.next().unwrap_or("").trim_start())
        })
        .collect();
    parse_df(&with_type)
}

/// Decodes the `\xHH` escapes udev puts in link names (`My\x20Disk`).
pub fn unescape(name: &str) -> String {
    let mut out = Vec::new();
    let b = name.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 3 < b.len() && b[i + 1] == b'x' {
            if let Ok(v) = u8::from_str_radix(&name[i + 2..i + 4], 16) {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `device name (vda1) → link name` for a `/dev/disk/by-*` folder.
fn links(ctx: &Context, dir: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for name in ctx.src.list_dir(dir).unwrap_or_default() {
        if let Some(target) = ctx.src.read_link(&format!("{dir}/{name}")) {
            let dev = target.rsplit('/').next().unwrap_or("").to_string();
            map.insert(dev, unescape(&name));
        }
    }
    map
}

/// `CRYPT-LUKS2-<uuid>-<name>` → (`LUKS`, `LUKS2`); `CRYPT-PLAIN-…` → (`dm-crypt`, `PLAIN`).
pub fn crypt_kind(dm_uuid: &str) -> Option<(String, String)> {
    let rest = dm_uuid.strip_prefix("CRYPT-")?;
    let kind = rest.split('-').next()?.to_string();
    let name = if kind.starts_with("LUKS") {
        "LUKS".to_string()
    } else {
        "dm-crypt".to_string()
    };
    Some((name, kind))
}

/// Device-mapper name → its dm uuid, for every dm device.
fn dm_uuids(ctx: &Context) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for dev in ctx
        .src
        .list_dir("/sys/block")
        .unwrap_or_default()
        .iter()
        .filter(|d| d.starts_with("dm-"))
    {
        let name = ctx.src.read_line(&format!("/sys/block/{dev}/dm/name"));
        let uuid = ctx.src.read_line(&format!("/sys/block/{dev}/dm/uuid"));
        if let (Some(n), Some(u)) = (name, uuid) {
            map.insert(n, u);
        }
    }
    map
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let Some(text) = ctx.command(&["df", "-P", "-T", "-k"]) else {
        return;
    };
    let labels = links(ctx, "/dev/disk/by-label");
    let uuids = links(ctx, "/dev/disk/by-uuid");
    let dm = dm_uuids(ctx);
    for m in parse_df(&text) {
        if PSEUDO.contains(&m.fstype.as_str()) || m.device == "none" {
            continue;
        }
        let dev = m.device.rsplit('/').next().unwrap_or("").to_string();
        let mut e = Entry::new();
        e.set("VOLUMN", m.device.as_str())
            .set("FILESYSTEM", m.fstype.as_str())
            .set("TYPE", m.mountpoint.as_str())
            .set("TOTAL", (m.total_kb / 1024).to_string())
            .set("FREE", (m.free_kb / 1024).to_string())
            .set_opt("LABEL", labels.get(&dev).cloned())
            .set_opt("SERIAL", uuids.get(&dev).cloned());
        if m.mountpoint == "/" {
            e.set("SYSTEMDRIVE", "1");
        }
        let mapper = m.device.strip_prefix("/dev/mapper/").unwrap_or("");
        if let Some((name, kind)) = dm.get(mapper).and_then(|u| crypt_kind(u)) {
            e.set("ENCRYPT_NAME", name)
                .set("ENCRYPT_TYPE", kind)
                .set("ENCRYPT_STATUS", "Yes");
        }
        inv.add("DRIVES", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn df() {
        let t = "Filesystem     Type     1024-blocks      Used Available Capacity Mounted on\n/dev/vda       ext4       264211480  11476128 238698876       5% /\ntmpfs          tmpfs       12320804         0  12320804       0% /dev/shm\n//srv/share    cifs       100 50 50 50% /mnt/my share\nbroken line\n";
        let m = parse_df(t);
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].total_kb / 1024, 258019);
        assert_eq!(m[2].mountpoint, "/mnt/my share");
    }

    #[test]
    fn df_without_type() {
        let m = parse_df_without_type(
            "Filesystem 1024-blocks Used Avail Capacity Mounted on\n/dev/ada0p2 1000 10 900 1% /\n",
        );
        assert_eq!(m.len(), 1);
        assert_eq!(
            (m[0].total_kb, m[0].free_kb, m[0].mountpoint.as_str()),
            (1000, 900, "/")
        );
    }

    #[test]
    fn crypt() {
        assert_eq!(
            crypt_kind("CRYPT-LUKS2-0123abcd-root"),
            Some(("LUKS".into(), "LUKS2".into()))
        );
        assert_eq!(
            crypt_kind("CRYPT-PLAIN-swap"),
            Some(("dm-crypt".into(), "PLAIN".into()))
        );
        assert_eq!(crypt_kind("LVM-abc"), None);
    }

    #[test]
    fn escapes() {
        assert_eq!(unescape("My\\x20Disk"), "My Disk");
        assert_eq!(unescape("plain\\x2"), "plain\\x2");
    }
}
