//! STORAGES on AIX: disks of each subclass from `lsdev -Cc disk -s <subclass> -F
//! name:description`, maker and model from their VPD record (`lsvpd`), the size from
//! `lsattr -EOl <disk> -a size_in_mb` (physical) or `lspv <disk>` (virtual SCSI); CD
//! drives and tapes from `lsdev -Cc cdrom|tape`.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::lsdev::parse_name_description;
use super::lsvpd::{self, Record};

pub const MODULE: Module = Module {
    name: "aix/storages",
    category: "storage",
    applies: |ctx| ctx.os == Os::Aix,
    collect,
};

/// The disk subclasses listed, in the reference's order.
const SUBCLASSES: &[&str] = &["scsi", "fcp", "fdar", "sas", "vscsi"];

/// `MF`, with the FRU number when the record has one (`IBM,FRU number :03N5444`).
fn manufacturer(r: &Record) -> Option<String> {
    let mf = r.get("MF")?;
    Some(match r.get("FN") {
        Some(fru) => format!("{mf},FRU number :{fru}"),
        None => mf.clone(),
    })
}

/// `lsdev -Cc disk -s <subclass> -F name:description` → disks, each with the maker and
/// model of its VPD record (found by `device`, the `AX` index) when it has one.
pub fn disks<'a>(lsdev: &str, device: impl Fn(&str) -> Option<&'a Record>) -> Vec<Entry> {
    parse_name_description(lsdev)
        .into_iter()
        .map(|(name, description)| {
            let mut e = Entry::new();
            e.set("NAME", name.as_str())
                .set("DESCRIPTION", description)
                .set("TYPE", "disk");
            if let Some(r) = device(&name) {
                e.set_opt("MANUFACTURER", manufacturer(r))
                    .set_opt("MODEL", r.get("TM").cloned());
            }
            e
        })
        .collect()
}

/// `TOTAL PPs: 543 (34752 megabytes)` of `lspv <disk>` → `34752` (MB).
pub fn virtual_capacity(lspv: &str) -> Option<String> {
    lspv.lines().find_map(|l| {
        let rest = &l[l.find("TOTAL PPs:")? + "TOTAL PPs:".len()..];
        let rest = rest.trim_start_matches(' ');
        let (count, rest) = rest.split_once(" (")?;
        if count.is_empty() || !count.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (mb, _) = rest.split_once(" megabytes)")?;
        (!mb.is_empty() && mb.bytes().all(|b| b.is_ascii_digit())).then(|| mb.to_string())
    })
}

/// The last non-empty line of `lsattr -EOl <dev> -a size_in_mb` (after its `#` header).
fn size_in_mb(ctx: &Context, name: &str) -> Option<String> {
    let text = ctx.command(&["lsattr", "-EOl", name, "-a", "size_in_mb"])?;
    text.lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty() && !l.starts_with('#'))
        .filter(|l| l.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_string)
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let vpd = lsvpd::vpd(ctx);
    for subclass in SUBCLASSES {
        let Some(text) = ctx.command(&[
            "lsdev",
            "-Cc",
            "disk",
            "-s",
            subclass,
            "-F",
            "name:description",
        ]) else {
            continue;
        };
        for mut disk in disks(&text, |n| vpd.device(n)) {
            let name = disk.get("NAME").unwrap_or_default().to_string();
            match *subclass {
                "vscsi" => {
                    disk.set_opt(
                        "DISKSIZE",
                        ctx.command(&["lspv", &name])
                            .and_then(|t| virtual_capacity(&t)),
                    )
                    .set("MANUFACTURER", "VIO Disk")
                    .set("MODEL", "Virtual Disk");
                }
                "scsi" | "sas" => {
                    disk.set_opt("DISKSIZE", size_in_mb(ctx, &name));
                }
                _ => {}
            }
            inv.add("STORAGES", disk);
        }
    }
    for (class, kind) in [("cdrom", "cd"), ("tape", "tape")] {
        let Some(text) = ctx.command(&[
            "lsdev",
            "-Cc",
            class,
            "-s",
            "scsi",
            "-F",
            "name:description:status",
        ]) else {
            continue;
        };
        for line in text.lines() {
            let mut f = line.trim_end().splitn(3, ':');
            let (Some(name), Some(description), Some(status)) = (f.next(), f.next(), f.next())
            else {
                continue;
            };
            if !status.contains("Available") {
                continue;
            }
            let mut e = Entry::new();
            e.set("NAME", name)
                .set("DESCRIPTION", description)
                .set("TYPE", kind)
                .set_opt("DISKSIZE", size_in_mb(ctx, name));
            if let Some(r) = vpd.device(name) {
                e.set_opt("MANUFACTURER", manufacturer(r))
                    .set_opt("MODEL", r.get("TM").cloned());
            }
            inv.add("STORAGES", e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disks_with_vpd() {
        let recs = lsvpd::parse_lsvpd(
            "*FC ????????\n*AX hdisk0\n*MF IBM\n*TM ST373455SS\n*FN 10N7230\n*FC ????????\n\
             *AX hdisk1\n*MF HITACHI\n*TM DF600F\n",
        );
        let find = |n: &str| {
            recs.iter()
                .find(|r| r.get("AX").map(String::as_str) == Some(n))
        };
        let d = disks(
            "hdisk0:SAS Disk Drive\nhdisk1:FC Disk\nhdisk2:Other\n",
            find,
        );
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].get("MANUFACTURER"), Some("IBM,FRU number :10N7230"));
        assert_eq!(d[1].get("MANUFACTURER"), Some("HITACHI"));
        assert_eq!(d[1].get("MODEL"), Some("DF600F"));
        assert_eq!(d[2].get("MODEL"), None);
        assert_eq!(d[2].get("TYPE"), Some("disk"));
    }

    #[test]
    fn lspv_capacity() {
        assert_eq!(
            virtual_capacity("PP SIZE:  64 megabyte(s)\r\nTOTAL PPs:          543 (34752 megabytes)    VG DESCRIPTORS:   2\r\n"),
            Some("34752".into())
        );
        assert_eq!(virtual_capacity("PV STATE: active\n"), None);
    }
}
