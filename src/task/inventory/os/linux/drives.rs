//! DRIVES on Linux: the mounted file systems of `/proc/self/mountinfo`, chosen as `df`
//! chooses them (one line per device, the top mount of a mount point, none of size 0),
//! minus pseudo file systems, each sized by `statvfs` (time-limited by the source, so a
//! dead network mount cannot stall the inventory); from one `df -P -T -k` run instead
//! when the source cannot call `statvfs` (a remote shell, an older recording). Labels and
//! UUIDs from the `/dev/disk/by-label` and `/dev/disk/by-uuid` links (no `blkid` run);
//! encryption from device-mapper (`/sys/block/dm-*/dm/{name,uuid}`: a `CRYPT-LUKS2-…`
//! uuid is a LUKS2 volume).

use std::collections::BTreeMap;

use crate::source::{unescape_path, SysCall};
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

/// One line of `/proc/self/mountinfo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountInfo {
    /// `major:minor` of the file system (what `stat` gives as `st_dev`).
    pub dev: String,
    pub mountpoint: String,
    pub fstype: String,
    /// The mount source (`/dev/vda1`, `server:/export`, `tmpfs`).
    pub source: String,
}

/// Parses `/proc/self/mountinfo` (`36 35 98:0 /mnt1 /mnt/parent rw master:1 - ext3
/// /dev/root rw`): optional fields end at `-`; paths use octal escapes (`\040`).
pub fn parse_mountinfo(text: &str) -> Vec<MountInfo> {
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split(' ').collect();
            let dash = f.iter().skip(6).position(|w| *w == "-")? + 6;
            let (dev, mountpoint) = (f.get(2)?, f.get(4)?);
            let (fstype, source) = (f.get(dash + 1)?, f.get(dash + 2)?);
            dev.contains(':').then(|| MountInfo {
                dev: dev.to_string(),
                mountpoint: unescape_path(mountpoint),
                fstype: unescape_path(fstype),
                source: unescape_path(source),
            })
        })
        .collect()
}

/// A network file system, as `df` tells them (they keep one line per export even when
/// they share a device number).
fn remote(m: &MountInfo) -> bool {
    m.source.contains(':')
        || (m.source.starts_with("//") && ["smbfs", "smb3", "cifs"].contains(&m.fstype.as_str()))
        || ["afs", "auristorfs"].contains(&m.fstype.as_str())
        || m.source == "-hosts"
}

/// The mounts `df` lists, in its order, before sizes: pseudo file systems left out, and
/// one mount per device (`df`'s rules: a real device path beats a name, a shorter mount
/// point beats a longer one, a file system mounted over another one hides it).
pub fn df_selection(mounts: &[MountInfo]) -> Vec<&MountInfo> {
    // `df` stats the mount point, which answers for the last file system mounted there.
    let mut top: BTreeMap<&str, &str> = BTreeMap::new();
    for m in mounts {
        top.insert(m.mountpoint.as_str(), m.dev.as_str());
    }
    let mut kept: Vec<&MountInfo> = Vec::new();
    let mut by_dev: BTreeMap<&str, usize> = BTreeMap::new();
    for m in mounts {
        if PSEUDO.contains(&m.fstype.as_str()) || m.source == "none" {
            continue;
        }
        let dev = top.get(m.mountpoint.as_str()).copied().unwrap_or(&m.dev);
        let Some(&i) = by_dev.get(dev) else {
            by_dev.insert(dev, kept.len());
            kept.push(m);
            continue;
        };
        let old = kept[i];
        if remote(m) && remote(old) && m.source != old.source {
            by_dev.insert(dev, kept.len());
            kept.push(m);
        } else if (m.source.contains('/') && !old.source.contains('/'))
            || old.mountpoint.len() > m.mountpoint.len()
            || (m.source != old.source && m.mountpoint == old.mountpoint)
        {
            kept[i] = m;
        }
    }
    kept
}

/// A size in 1024-byte units, rounded up as `df -k` does.
fn kib(count: u64, unit: u64) -> u64 {
    let bytes = u128::from(count) * u128::from(unit);
    u64::try_from(bytes.div_ceil(1024)).unwrap_or(u64::MAX)
}

/// The mounted file systems from the mount table and `statvfs`; `None` when the source
/// cannot call `statvfs` or read the table.
fn from_statvfs(ctx: &Context) -> Option<Vec<Mount>> {
    let table = parse_mountinfo(&ctx.src.read_text("/proc/self/mountinfo")?);
    let mut out = Vec::new();
    for m in df_selection(&table) {
        let stats = match ctx.src.statvfs(&m.mountpoint) {
            SysCall::Done(s) => s,
            SysCall::Failed => continue,
            SysCall::Unsupported => return None,
        };
        if stats.blocks == 0 {
            continue;
        }
        out.push(Mount {
            device: m.source.clone(),
            fstype: m.fstype.clone(),
            total_kb: kib(stats.blocks, stats.fragment_size),
            free_kb: kib(stats.available, stats.fragment_size),
            mountpoint: m.mountpoint.clone(),
        });
    }
    Some(out)
}

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
    let mounts = match from_statvfs(ctx) {
        Some(m) => m,
        None => match ctx.command(&["df", "-P", "-T", "-k"]) {
            Some(text) => parse_df(&text),
            None => return,
        },
    };
    let labels = links(ctx, "/dev/disk/by-label");
    let uuids = links(ctx, "/dev/disk/by-uuid");
    let dm = dm_uuids(ctx);
    for m in mounts {
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

    /// This machine's (a Firecracker guest) mount table, with a few lines added: a bind
    /// mount, a second NFS export of one server, an overmounted folder.
    const MOUNTINFO: &str = "\
22 1 0:21 / /proc rw,relatime - proc proc rw
23 1 0:22 / /sys rw,relatime - sysfs sysfs rw
24 1 0:5 / /dev rw,relatime - devtmpfs devtmpfs rw,size=12335116k
25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24683772k
1 0 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard
30 1 0:40 / /mnt/sandboxing/model_tools_env/v1/python ro,nosuid - tmpfs model_tools_unavailable ro,size=4k
31 25 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw
32 1 254:0 /srv/data /data rw,relatime - ext4 /dev/vda rw
33 1 0:50 / /mnt/a rw - nfs4 srv:/export/a rw
34 1 0:50 / /mnt/b rw - nfs4 srv:/export/b rw
35 1 8:1 / /mnt/over rw - ext4 /dev/sda1 rw
36 35 8:2 / /mnt/over rw - xfs /dev/sdb1 rw
37 1 0:60 / /mnt/my\\040share rw shared:5 master:2 - cifs //srv/share rw
broken line
38 1 nodev / /x rw - ext4 /dev/x rw
";

    #[test]
    fn mount_table_as_df_lists_it() {
        let all = parse_mountinfo(MOUNTINFO);
        assert_eq!(all.len(), 13);
        assert_eq!(all[4].dev, "254:0");
        assert_eq!(all[12].mountpoint, "/mnt/my share");
        assert_eq!(all[12].source, "//srv/share");
        let picked: Vec<(&str, &str)> = df_selection(&all)
            .iter()
            .map(|m| (m.source.as_str(), m.mountpoint.as_str()))
            .collect();
        assert_eq!(
            picked,
            [
                ("/dev/vda", "/"),
                ("srv:/export/a", "/mnt/a"),
                ("srv:/export/b", "/mnt/b"),
                ("/dev/sdb1", "/mnt/over"),
                ("//srv/share", "/mnt/my share"),
            ]
        );
        assert!(parse_mountinfo("garbage\n1 2 3\n- - -\n").is_empty());
    }

    #[test]
    fn sizes_from_statvfs_like_df() {
        use crate::source::FsStats;
        use crate::task::inventory::os::linux::fake_source::FakeSource;
        let src = FakeSource::new()
            .file("/proc/self/mountinfo", MOUNTINFO)
            .statvfs(
                "/",
                FsStats {
                    fragment_size: 4096,
                    blocks: 66_053_021,
                    free: 55_329_476,
                    available: 13_097_427,
                },
            )
            .statvfs("/mnt/a", FsStats::default())
            .link("/dev/disk/by-uuid/0a1b", "../../vda");
        let config = crate::agent::config::Config::new();
        let ctx = Context::new(&src, &config);
        let mut inv = Inventory::new("d");
        collect(&ctx, &mut inv);
        let drives = inv.section("DRIVES");
        // /mnt/a has size 0, the others no statvfs answer: left out, as df does.
        assert_eq!(drives.len(), 1, "{drives:?}");
        let d = &drives[0];
        assert_eq!(d.get("TOTAL"), Some("258019"));
        assert_eq!(d.get("FREE"), Some("51161"));
        assert_eq!(d.get("SERIAL"), Some("0a1b"));
        assert_eq!(d.get("SYSTEMDRIVE"), Some("1"));
        // A source without statvfs: df's output.
        let src = FakeSource::new()
            .file("/proc/self/mountinfo", MOUNTINFO)
            .command(
                &["df", "-P", "-T", "-k"],
                "Filesystem Type 1024-blocks Used Available Capacity Mounted on\n\
                 /dev/vda ext4 264212084 42896180 52389708 46% /\n",
            );
        let ctx = Context::new(&src, &config);
        let mut inv = Inventory::new("d");
        collect(&ctx, &mut inv);
        assert_eq!(inv.field("DRIVES", "FREE"), Some("51161"));
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
