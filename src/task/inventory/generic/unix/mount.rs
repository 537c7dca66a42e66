//! `mount` without arguments on any UNIX: which device is mounted where, with which file
//! system type. BSD and macOS print `dev on /mnt (ufs, local, …)`, Linux, OpenBSD and
//! NetBSD `dev on /mnt type ffs (local, …)`.

/// One mounted file system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mounted {
    pub device: String,
    pub mountpoint: String,
    pub fstype: String,
}

/// Parses `mount` output. Lines without a type (old Mac OS X's `<volfs> on /.vol`) or whose
/// device holds spaces (macOS `automount -nsl [141] on /Network`: a process, not a device)
/// are left out.
pub fn parse_mount(text: &str) -> Vec<Mounted> {
    text.lines()
        .filter_map(|l| {
            let (device, rest) = l.split_once(" on ")?;
            if device.is_empty() || device.contains(char::is_whitespace) {
                return None;
            }
            let (mountpoint, fstype) = match rest.split_once(" type ") {
                Some((mnt, after)) => (mnt, after.split_whitespace().next()?),
                None => {
                    let (mnt, opts) = rest.rsplit_once(" (")?;
                    (mnt, opts.split([',', ')']).next()?.trim())
                }
            };
            (!fstype.is_empty()).then(|| Mounted {
                device: device.to_string(),
                mountpoint: mountpoint.to_string(),
                fstype: fstype.to_string(),
            })
        })
        .collect()
}

/// The file system types mounted, in order of first appearance.
pub fn types(mounts: &[Mounted]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in mounts {
        if !out.contains(&m.fstype) {
            out.push(m.fstype.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_styles() {
        let m = parse_mount(
            "/dev/ada0p2 on / (ufs, local, soft-updates)\n\
             devfs on /dev (devfs)\n\
             /dev/sd0a on /home type ffs (local, nodev)\n\
             <volfs> on /.vol\n\
             automount -nsl [141] on /Network (automounted)\n\
             garbage\n",
        );
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].mountpoint, "/");
        assert_eq!(m[0].fstype, "ufs");
        assert_eq!(m[2].fstype, "ffs");
        assert_eq!(types(&m), ["ufs", "devfs", "ffs"]);
    }
}
