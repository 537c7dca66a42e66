//! STORAGES on HP-UX: disks and tapes from `ioscan -kFnC disk|tape` (one entry per
//! device, named by its first device file), the disks' size and firmware from `diskinfo
//! -v`; alternate paths to a disk (`pvdisplay` says `Alternate Link`) are left out.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::ioscan::{self, Device};

pub const MODULE: Module = Module {
    name: "hpux/storages",
    category: "storage",
    applies: |ctx| ctx.os == Os::HpUx,
    collect,
};

/// Devices → STORAGES entries, one per device, named by its first device file.
pub fn storages(devices: &[Device]) -> Vec<Entry> {
    devices
        .iter()
        .filter_map(|d| entry(d, d.files.first()?))
        .collect()
}

/// Devices → one entry per line of device files, as the reference reports them (a disk
/// whose files fill two lines, `c6t0d0` and `c6t0d0s1`…, gives two entries).
pub fn storages_per_line(devices: &[Device]) -> Vec<Entry> {
    devices
        .iter()
        .flat_map(|d| d.files.iter().filter_map(move |files| entry(d, files)))
        .collect()
}

fn entry(d: &Device, files: &[String]) -> Option<Entry> {
    let name = files.first()?;
    let mm = d.description.as_deref().and_then(ioscan::maker_model);
    let mut e = Entry::new();
    e.set("NAME", name.as_str())
        .set("DESCRIPTION", d.bus.as_str())
        .set_opt("MANUFACTURER", mm.as_ref().map(|m| m.0.clone()))
        .set_opt("MODEL", mm.map(|m| m.1));
    Some(e)
}

/// `diskinfo -v <dev>` → (size in MB, firmware revision).
pub fn parse_diskinfo(text: &str) -> (Option<u64>, Option<String>) {
    let (mut size, mut rev) = (None, None);
    for line in text.lines() {
        let line = line.trim();
        if let Some(v) = line.strip_prefix("size:") {
            size = v
                .split_whitespace()
                .next()
                .and_then(|kb| kb.parse::<u64>().ok())
                .map(|kb| kb / 1024);
        }
        if let Some(v) = line.strip_prefix("rev level:") {
            rev = v.split_whitespace().next().map(str::to_string);
        }
    }
    (size, rev)
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    for (class, kind) in [("disk", "disk"), ("tape", "tape")] {
        let Some(text) = ctx.command(&["ioscan", "-kFnC", class]) else {
            continue;
        };
        for mut e in storages(&ioscan::parse_ioscan(&text)) {
            let name = e.get("NAME").unwrap_or_default().to_string();
            if kind == "disk" {
                let alternate = ctx.command(&["pvdisplay", &name]).is_some_and(|t| {
                    t.lines()
                        .any(|l| l.contains(&name) && l.contains("lternate"))
                });
                if alternate {
                    continue;
                }
                let (size, firmware) =
                    parse_diskinfo(&ctx.command(&["diskinfo", "-v", &name]).unwrap_or_default());
                e.set_opt("DISKSIZE", size.map(|s| s.to_string()))
                    .set_opt("FIRMWARE", firmware);
            }
            e.set("TYPE", kind);
            inv.add("STORAGES", e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_per_file_line() {
        let d = ioscan::parse_ioscan(
            "scsi:wsio:T:T:F:31:188:0:disk:sdisk:0/0/2/0.0.0.0:5 :0:root:sdisk:CLAIMED:DEVICE:TEAC    DV-28E-N:0\n\
             \x20                          /dev/dsk/c0t0d0   /dev/rdsk/c0t0d0\n\
             \x20                          /dev/dsk/c0t0d0s1 /dev/rdsk/c0t0d0s1\n",
        );
        assert_eq!(storages(&d).len(), 1);
        let s = storages_per_line(&d);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].get("MANUFACTURER"), Some("TEAC"));
        assert_eq!(s[0].get("MODEL"), Some("DV-28E-N"));
        assert_eq!(s[1].get("NAME"), Some("/dev/dsk/c0t0d0s1"));
        assert_eq!(
            parse_diskinfo("SCSI describe of /dev/rdsk/c0t0d0:\n   size: 71687369 Kbytes\n   rev level: HPD4\n"),
            (Some(70007), Some("HPD4".into()))
        );
    }
}
