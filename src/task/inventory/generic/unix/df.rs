//! `df -P -k` (POSIX format, 1024-byte blocks) on any UNIX, with or without the `Type`
//! column that `df -T` and FreeBSD's `df -T` add: the mounted file systems and their sizes.

/// One file system of `df`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filesystem {
    /// The device (`/dev/hd4`, `zroot/home`).
    pub device: String,
    /// The `Type` column when `df` printed one.
    pub fstype: Option<String>,
    pub total_kb: u64,
    pub free_kb: u64,
    pub mountpoint: String,
}

impl Filesystem {
    pub fn total_mb(&self) -> u64 {
        self.total_kb / 1024
    }

    pub fn free_mb(&self) -> u64 {
        self.free_kb / 1024
    }
}

/// Parses `df -P -k` output. The header says whether a `Type` column follows the device.
/// A total of 0 with used or free space (ZFS datasets on some systems) is used + free;
/// lines whose sizes are not numbers or whose total is under 1 MiB (pseudo file systems:
/// `kernfs 1 1 0`) are left out. A full file system (no free space) is kept: the reference
/// agent drops it, which hides the one disk a sysadmin most needs to see. The mount point is the rest
/// of the line, so it may hold spaces.
pub fn parse_df(text: &str) -> Vec<Filesystem> {
    let mut lines = text.lines();
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let typed = header
        .split_whitespace()
        .nth(1)
        .is_some_and(|c| c.eq_ignore_ascii_case("type"));
    let columns = if typed { 6 } else { 5 };
    lines
        .filter_map(|line| {
            let (fields, mountpoint) = split_columns(line, columns)?;
            let (device, rest) = fields.split_first()?;
            let (fstype, sizes) = if typed {
                let (t, s) = rest.split_first()?;
                (Some(t.to_string()), s)
            } else {
                (None, rest)
            };
            let total: u64 = sizes.first()?.parse().ok()?;
            let used: u64 = sizes.get(1)?.parse().ok()?;
            let free: u64 = sizes.get(2)?.parse().ok()?;
            let total = if total < 1024 { used + free } else { total };
            if total < 1024 {
                return None;
            }
            Some(Filesystem {
                device: device.to_string(),
                fstype,
                total_kb: total,
                free_kb: free,
                mountpoint,
            })
        })
        .collect()
}

/// The first `n` white-space separated columns of a line and the rest (trimmed), which
/// must not be empty.
fn split_columns(line: &str, n: usize) -> Option<(Vec<&str>, String)> {
    let mut rest = line.trim_start();
    let mut fields = Vec::with_capacity(n);
    for _ in 0..n {
        let cut = rest.find(char::is_whitespace)?;
        fields.push(&rest[..cut]);
        rest = rest[cut..].trim_start();
    }
    let rest = rest.trim_end();
    (!rest.is_empty()).then(|| (fields, rest.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_and_without_a_type_column() {
        let plain = "Filesystem    1024-blocks      Used Available Capacity Mounted on\n\
                     /dev/hd4          2097152   1005632   1091520      48% /\n\
                     /proc                   -         -         -       -  /proc\n\
                     kernfs 1 1 0 100% /kern\n\
                     /dev/hd11      4096 4096 0 100% /full\n\
                     /dev/hd10opt       262144    80816    181328      31% /opt/My Disk\n";
        let f = parse_df(plain);
        assert_eq!(f.len(), 3);
        assert_eq!(f[0].device, "/dev/hd4");
        assert_eq!((f[0].total_mb(), f[0].free_mb()), (2048, 1065));
        assert_eq!(f[0].fstype, None);
        assert_eq!(
            (f[1].device.as_str(), f[1].free_kb),
            ("/dev/hd11", 0),
            "full: kept"
        );
        assert_eq!(f[2].mountpoint, "/opt/My Disk");

        let typed = "Filesystem   Type 1024-blocks      Used    Avail Capacity  Mounted on\n\
                     /dev/ad4s1a  ufs      1482638    374896   989132    27%    /\n\
                     zroot/home   zfs            0    100000   900000     10%   /home\n";
        let f = parse_df(typed);
        assert_eq!(f[0].fstype.as_deref(), Some("ufs"));
        assert_eq!(f[1].total_kb, 1_000_000, "ZFS: used + free");
    }

    #[test]
    fn garbage_gives_nothing() {
        assert!(parse_df("").is_empty());
        assert!(parse_df("header\nonly three fields\n").is_empty());
    }
}
