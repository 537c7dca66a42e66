//! STORAGES on Linux: the disks, card readers and optical drives of `/sys/block`, with
//! identity from sysfs alone (no command per disk): size, model, vendor, serial
//! (`serial`, `device/serial`, the SCSI VPD page 0x80, else `/dev/disk/by-id`), firmware,
//! WWN, and the bus from the device path. Virtual block devices (loop, ram, zram,
//! device-mapper, md, nbd) are left out.
//!
//! DISKSIZE is in MB of 10^6 bytes (sectors × 512 / 1 000 000), the Perl agents' unit.
//! DESCRIPTION follows their wording (`SATA`, `SCSI`, `Virtual`, the bus name);
//! INTERFACE names the bus (`SATA`, `SCSI`, `SAS`, `USB`, `NVME`, `VIRTIO`, `MMC`).

use crate::source::Source;
use crate::task::inventory::generic::pciids::IdsDb;
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "linux/storages",
    category: "storage",
    applies: |ctx| ctx.os == Os::Linux && ctx.src.exists(BLOCK),
    collect,
};

const BLOCK: &str = "/sys/block";
const BY_ID: &str = "/dev/disk/by-id";

/// Block devices that are not hardware.
const VIRTUAL_PREFIXES: &[&str] = &["loop", "ram", "zram", "dm-", "md", "nbd", "zd", "drbd"];

/// What sysfs tells about one block device.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockDevice {
    pub name: String,
    /// Where the device sits (`../devices/pci0000:00/…/ata1/…/block/sda`).
    pub devpath: String,
    /// Bus of the device (`scsi`, `virtio`, `mmc`, `pci`), from its `subsystem` link.
    pub bus: Option<String>,
    pub sectors: Option<u64>,
    pub removable: bool,
    /// SCSI peripheral type (5: CD/DVD).
    pub scsi_type: Option<u8>,
    pub vendor: Option<String>,
    pub model: Option<String>,
    pub serial: Option<String>,
    pub firmware: Option<String>,
    pub wwid: Option<String>,
}

/// True for the names of hardware block devices worth reporting (not virtual devices,
/// nor the boot and RPMB areas of an eMMC, which sysfs lists beside the disk).
pub fn is_hardware(name: &str) -> bool {
    let emmc_area = name.starts_with("mmcblk") && (name.contains("boot") || name.ends_with("rpmb"));
    !emmc_area && !VIRTUAL_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Printable text of a sysfs attribute: trimmed, control characters and padding removed.
pub fn clean(text: &str) -> Option<String> {
    let t: String = text
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_string();
    (!t.is_empty()).then_some(t)
}

/// The serial of a SCSI "unit serial number" VPD page (0x80): 4-byte header, then the
/// serial, its length in byte 3.
pub fn vpd_pg80_serial(page: &[u8]) -> Option<String> {
    if page.len() < 4 || page[1] != 0x80 {
        return None;
    }
    let len = page[3] as usize;
    let body = page.get(4..(4 + len).min(page.len()))?;
    clean(&String::from_utf8_lossy(body))
}

/// The serial encoded in a `/dev/disk/by-id` name (`ata-Samsung_SSD_860_S3Z1NB0K12`,
/// `usb-SanDisk_Cruzer_4C5300012-0:0`, `virtio-overlayblk`), for the kinds of ids that
/// carry one.
pub fn serial_from_id(id: &str) -> Option<String> {
    let (kind, rest) = id.split_once('-')?;
    match kind {
        "virtio" => clean(rest),
        "ata" | "nvme" | "usb" | "mmc" | "scsi" => {
            if kind == "scsi" && !rest.starts_with("0ATA_") && !rest.starts_with("1ATA_") {
                return None;
            }
            if rest.contains("-part") {
                return None;
            }
            let rest = match kind {
                // `-0:0`: the USB LUN.
                "usb" => rest.rsplit_once('-').map(|(a, _)| a).unwrap_or(rest),
                _ => rest,
            };
            let (_, serial) = rest.rsplit_once('_')?;
            clean(serial)
        }
        _ => None,
    }
}

/// Manufacturer named by a model's first word (`WDC WD10EZEX` → `Western Digital`).
pub fn manufacturer_from_model(model: &str) -> Option<&'static str> {
    let first = model.split([' ', '_', '-']).next().unwrap_or("");
    let lower = first.to_ascii_lowercase();
    let starts_digits = |p: &str| {
        lower.starts_with(p) && lower[p.len()..].starts_with(|c: char| c.is_ascii_digit())
    };
    Some(match lower.as_str() {
        "wdc" | "wd" | "western" => "Western Digital",
        "seagate" => "Seagate",
        "samsung" => "Samsung",
        "hgst" => "HGST",
        "hitachi" => "Hitachi",
        "kioxia" => "Kioxia",
        "toshiba" => "Toshiba",
        "intel" => "Intel",
        "kingston" => "Kingston",
        "crucial" => "Crucial",
        "micron" => "Micron",
        "sandisk" => "SanDisk",
        "maxtor" => "Maxtor",
        "fujitsu" => "Fujitsu",
        "corsair" => "Corsair",
        "adata" => "ADATA",
        "transcend" => "Transcend",
        "lexar" => "Lexar",
        "plextor" => "Plextor",
        "liteon" | "lite" => "Lite-On",
        "sk" | "skhynix" => "SK hynix",
        "apple" => "Apple",
        "qemu" => "QEMU",
        "vbox" => "VirtualBox",
        "vmware" | "vmware," => "VMware",
        _ if starts_digits("st") => "Seagate",
        _ if starts_digits("ct") => "Crucial",
        _ if starts_digits("wd") => "Western Digital",
        _ if lower.starts_with("ssdpe") || lower.starts_with("ssdsc") => "Intel",
        _ if lower.starts_with("mz") && lower.len() > 6 => "Samsung",
        _ => return None,
    })
}

/// The bus as an inventory INTERFACE, from where the device sits.
pub fn interface(dev: &BlockDevice) -> Option<&'static str> {
    let p = dev.devpath.to_ascii_lowercase();
    Some(if p.contains("/usb") {
        "USB"
    } else if dev.name.starts_with("nvme") || p.contains("/nvme") {
        "NVME"
    } else if p.contains("/end_device-") || p.contains("/sas_") {
        "SAS"
    } else if p.contains("/ata") {
        "SATA"
    } else if p.contains("/ieee1394") || p.contains("/firewire") {
        "1394"
    } else if p.contains("/host") && p.contains("/target") {
        "SCSI"
    } else if p.contains("/virtio") {
        "VIRTIO"
    } else if dev.name.starts_with("mmcblk") || p.contains("/mmc") {
        "MMC"
    } else {
        return None;
    })
}

/// DESCRIPTION as the Perl agents word it.
pub fn description(dev: &BlockDevice) -> String {
    if interface(dev) == Some("USB") {
        return "USB".into();
    }
    let ata = dev.vendor.as_deref().is_some_and(|v| v.contains("ATA"));
    if dev.name.starts_with("sd") {
        if ata {
            "SATA".into()
        } else {
            "SCSI".into()
        }
    } else if dev.name.starts_with("vd") || dev.bus.as_deref() == Some("virtio") {
        "Virtual".into()
    } else {
        dev.bus
            .as_deref()
            .map(str::to_ascii_uppercase)
            .unwrap_or_else(|| "IDE".into())
    }
}

/// `disk`, `removable` or `cdrom`.
pub fn kind(dev: &BlockDevice) -> &'static str {
    if dev.name.starts_with("sr") || dev.scsi_type == Some(5) {
        "cdrom"
    } else if dev.removable {
        "removable"
    } else {
        "disk"
    }
}

/// A `0x1af4`-style vendor (virtio disks give their PCI vendor), as a number.
pub fn pci_vendor(vendor: &str) -> Option<u16> {
    let hex = vendor.strip_prefix("0x")?;
    u16::from_str_radix(hex, 16).ok()
}

/// The STORAGES entry of a block device; `pci` names `0x…` vendors.
pub fn entry(dev: &BlockDevice, pci: &IdsDb) -> Entry {
    let manufacturer = match dev.vendor.as_deref() {
        None | Some("ATA") => dev
            .model
            .as_deref()
            .and_then(manufacturer_from_model)
            .map(str::to_string),
        Some(v) => match pci_vendor(v) {
            Some(id) => pci.vendor(id).map(str::to_string),
            None => Some(v.to_string()),
        },
    };
    let size = dev
        .sectors
        .map(|s| s.saturating_mul(512) / 1_000_000)
        .filter(|mb| *mb > 0);
    let mut e = Entry::new();
    e.set("NAME", dev.name.as_str())
        .set("TYPE", kind(dev))
        .set("DESCRIPTION", description(dev))
        .set_opt("INTERFACE", interface(dev))
        .set_opt("DISKSIZE", size.map(|s| s.to_string()))
        .set_opt("MODEL", dev.model.clone())
        .set_opt("MANUFACTURER", manufacturer)
        .set_opt("SERIAL", dev.serial.clone())
        .set_opt("SERIALNUMBER", dev.serial.clone())
        .set_opt("FIRMWARE", dev.firmware.clone())
        .set_opt(
            "WWN",
            dev.wwid
                .as_deref()
                .and_then(|w| w.strip_prefix("naa."))
                .map(|w| format!("wwn-0x{w}")),
        );
    e
}

/// The last path component of a link target.
fn base(link: &str) -> Option<String> {
    link.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|b| !b.is_empty())
        .map(str::to_string)
}

/// Reads `/sys/block/<name>`; `None` when it is not a hardware device.
pub fn read_device(
    src: &dyn Source,
    name: &str,
    by_id: &[(String, String)],
) -> Option<BlockDevice> {
    if !is_hardware(name) {
        return None;
    }
    let dir = format!("{BLOCK}/{name}");
    let has_device = src.read_link(&format!("{dir}/device")).is_some();
    let named_disk = ["sd", "hd", "vd", "xvd", "fd"]
        .iter()
        .any(|p| name.starts_with(p));
    if !has_device && !named_disk {
        return None;
    }
    // Paths of a multipath NVMe namespace (`nvme0c0n1`): the kernel hides them.
    if src.read_line(&format!("{dir}/hidden")).as_deref() == Some("1") {
        return None;
    }
    // An attribute of the block device itself, else of the device under it.
    let attr = |key: &str| {
        src.read_text(&format!("{dir}/{key}"))
            .or_else(|| src.read_text(&format!("{dir}/device/{key}")))
            .and_then(|t| clean(t.lines().next().unwrap_or("")))
    };
    let bus = ["device/subsystem", "device/device/subsystem"]
        .iter()
        .filter_map(|l| src.read_link(&format!("{dir}/{l}")))
        .find(|l| l.contains("/bus/"))
        .and_then(|l| base(&l));
    let mmc = bus.as_deref() == Some("mmc");
    let serial = attr("serial")
        .or_else(|| {
            src.read(&format!("{dir}/device/vpd_pg80"))
                .and_then(|p| vpd_pg80_serial(&p))
        })
        .or_else(|| {
            by_id
                .iter()
                .filter(|(_, target)| target == name)
                .find_map(|(id, _)| serial_from_id(id))
        });
    Some(BlockDevice {
        name: name.to_string(),
        devpath: src.read_link(&dir).unwrap_or_default(),
        sectors: attr("size").and_then(|s| s.parse().ok()),
        removable: attr("removable").as_deref() == Some("1"),
        scsi_type: src
            .read_line(&format!("{dir}/device/type"))
            .and_then(|t| t.parse().ok()),
        vendor: src
            .read_line(&format!("{dir}/device/vendor"))
            .and_then(|v| clean(&v)),
        model: if mmc { attr("name") } else { attr("model") },
        serial,
        firmware: attr("rev").or_else(|| attr("firmware_rev")),
        wwid: attr("wwid"),
        bus,
    })
}

/// `/dev/disk/by-id` as (id, device name) pairs, partitions left out.
fn read_by_id(src: &dyn Source) -> Vec<(String, String)> {
    src.list_dir(BY_ID)
        .unwrap_or_default()
        .into_iter()
        .filter(|id| !id.contains("-part"))
        .filter_map(|id| {
            let target = base(&src.read_link(&format!("{BY_ID}/{id}"))?)?;
            Some((id, target))
        })
        .collect()
}

/// Fills what sysfs left empty (model, serial, firmware, vendor of disks behind some
/// controllers) from `smartctl -i`, only for those disks and only when smartctl is
/// installed: no command at all on a machine where sysfs knows everything, nor for
/// virtio disks.
fn enrich_with_smartctl(ctx: &Context, disks: &mut [Entry]) {
    for disk in disks.iter_mut() {
        let incomplete = ["MODEL", "SERIALNUMBER", "FIRMWARE"]
            .iter()
            .any(|f| !disk.has(f));
        // virtio-blk has neither SMART nor ATA/SCSI identification: smartctl cannot say
        // more than sysfs, and would be one more program on every virtual machine.
        let is_disk = disk.get("TYPE") == Some("disk") && disk.get("INTERFACE") != Some("VIRTIO");
        let Some(name) = disk
            .get("NAME")
            .map(str::to_string)
            .filter(|_| incomplete && is_disk)
        else {
            continue;
        };
        let device = format!("/dev/{name}");
        let Some(text) = ctx.src.run(&["smartctl", "-i", &device]).ran() else {
            return;
        };
        let found = crate::task::inventory::generic::smartctl::parse(&text);
        for field in [
            "MODEL",
            "MANUFACTURER",
            "FIRMWARE",
            "SERIALNUMBER",
            "INTERFACE",
            "DISKSIZE",
        ] {
            if !disk.has(field) {
                disk.set_opt(field, found.get(field));
            }
        }
        if !disk.has("SERIAL") {
            disk.set_opt("SERIAL", found.get("SERIALNUMBER"));
        }
    }
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let by_id = read_by_id(ctx.src);
    let devs: Vec<BlockDevice> = ctx
        .src
        .list_dir(BLOCK)
        .unwrap_or_default()
        .iter()
        .filter_map(|n| read_device(ctx.src, n, &by_id))
        .collect();
    // Disks whose vendor is a PCI id (virtio: 0x1af4) are named like their PCI device.
    let needs_pci = devs
        .iter()
        .any(|d| d.vendor.as_deref().and_then(pci_vendor).is_some());
    let machine = needs_pci.then(|| super::pci::devices::machine(ctx));
    let empty = IdsDb::default();
    let pci = machine.as_ref().map(|m| &m.names).unwrap_or(&empty);
    let mut entries: Vec<Entry> = devs.iter().map(|d| entry(d, pci)).collect();
    enrich_with_smartctl(ctx, &mut entries);
    for e in entries {
        inv.add("STORAGES", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::inventory::os::linux::fake_source::FakeSource;

    fn sample() -> FakeSource {
        FakeSource::new()
            .file("/usr/share/misc/pci.ids", "1af4  Red Hat, Inc.\n")
            // virtio disk, as on a Firecracker or KVM guest
            .link("/sys/block/vda", "../devices/pci0000:00/0000:00:02.0/virtio1/block/vda")
            .link("/sys/block/vda/device", "../../../virtio1")
            .link("/sys/block/vda/device/subsystem", "../../../../bus/virtio")
            .file("/sys/block/vda/size", "536870912\n")
            .file("/sys/block/vda/removable", "0\n")
            .file("/sys/block/vda/serial", "overlayblk\n")
            .file("/sys/block/vda/device/vendor", "0x1af4\n")
            // SATA disk, serial from VPD page 0x80
            .link(
                "/sys/block/sda",
                "../devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda",
            )
            .link("/sys/block/sda/device", "../../../0:0:0:0")
            .link("/sys/block/sda/device/subsystem", "../../../../../../../bus/scsi")
            .file("/sys/block/sda/size", "1953525168\n")
            .file("/sys/block/sda/removable", "0\n")
            .file("/sys/block/sda/device/vendor", "ATA     \n")
            .file("/sys/block/sda/device/model", "WDC WD10EZEX-08W\n")
            .file("/sys/block/sda/device/rev", "1A01\n")
            .file("/sys/block/sda/device/type", "0\n")
            .file("/sys/block/sda/device/wwid", "naa.50014ee2b5a1c2d3\n")
            .file(
                "/sys/block/sda/device/vpd_pg80",
                b"\x00\x80\x00\x14     WD-WCC6Y0123456\x00".as_slice(),
            )
            // NVMe, attributes on the controller
            .link(
                "/sys/block/nvme0n1",
                "../devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1",
            )
            .link("/sys/block/nvme0n1/device", "../../nvme0")
            .link("/sys/block/nvme0n1/device/subsystem", "../../../../../class/nvme")
            .link("/sys/block/nvme0n1/device/device/subsystem", "../../../../bus/pci")
            .file("/sys/block/nvme0n1/size", "1000215216\n")
            .file("/sys/block/nvme0n1/device/model", "Samsung SSD 970 EVO Plus 500GB  \n")
            .file("/sys/block/nvme0n1/device/serial", "S4EVNX0M123456  \n")
            .file("/sys/block/nvme0n1/device/firmware_rev", "2B2QEXM7\n")
            // empty CD drive
            .link(
                "/sys/block/sr0",
                "../devices/pci0000:00/0000:00:17.0/ata2/host1/target1:0:0/1:0:0:0/block/sr0",
            )
            .link("/sys/block/sr0/device", "../../../1:0:0:0")
            .file("/sys/block/sr0/size", "0\n")
            .file("/sys/block/sr0/removable", "1\n")
            .file("/sys/block/sr0/device/vendor", "HL-DT-ST\n")
            .file("/sys/block/sr0/device/model", "DVD+-RW GU90N\n")
            .file("/sys/block/sr0/device/type", "5\n")
            // USB stick, serial only in /dev/disk/by-id
            .link(
                "/sys/block/sdb",
                "../devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/host2/target2:0:0/2:0:0:0/block/sdb",
            )
            .link("/sys/block/sdb/device", "../../../2:0:0:0")
            .file("/sys/block/sdb/size", "60062500\n")
            .file("/sys/block/sdb/removable", "1\n")
            .file("/sys/block/sdb/device/vendor", "SanDisk \n")
            .file("/sys/block/sdb/device/model", "Cruzer Blade    \n")
            .link(
                "/dev/disk/by-id/usb-SanDisk_Cruzer_Blade_4C530001230105112345-0:0",
                "../../sdb",
            )
            .link(
                "/dev/disk/by-id/usb-SanDisk_Cruzer_Blade_4C530001230105112345-0:0-part1",
                "../../sdb1",
            )
            // hidden path of a multipath NVMe namespace
            .link("/sys/block/nvme0c0n1/device", "../../nvme0")
            .file("/sys/block/nvme0c0n1/hidden", "1\n")
            // virtual devices
            .file("/sys/block/loop0/size", "8\n")
            .file("/sys/block/zram0/size", "8\n")
            .file("/sys/block/dm-0/size", "8\n")
            // no device link, no known name: skipped
            .file("/sys/block/pmem0/size", "8\n")
    }

    fn all(src: &FakeSource) -> Vec<Entry> {
        let by_id = read_by_id(src);
        let devs: Vec<BlockDevice> = src
            .list_dir(BLOCK)
            .unwrap_or_default()
            .iter()
            .filter_map(|n| read_device(src, n, &by_id))
            .collect();
        let pci = IdsDb::load(
            src,
            crate::task::inventory::generic::pciids::PCI_IDS,
            &[(0x1af4, None)],
        );
        devs.iter().map(|d| entry(d, &pci)).collect()
    }

    #[test]
    fn smartctl_only_for_disks_it_can_describe() {
        let src = sample()
            .command(
                &["smartctl", "-i", "/dev/vda"],
                "Device Model: FROM SMARTCTL\n",
            )
            .command(
                &["smartctl", "-i", "/dev/sr0"],
                "Device Model: FROM SMARTCTL\n",
            );
        let mut disks = all(&src);
        let config = crate::agent::config::Config::new();
        enrich_with_smartctl(&Context::new(&src, &config), &mut disks);
        assert!(
            disks
                .iter()
                .all(|d| d.get("MODEL") != Some("FROM SMARTCTL")),
            "{disks:?}"
        );
    }

    #[test]
    fn disks_from_sysfs() {
        let src = sample();
        let got = all(&src);
        let names: Vec<&str> = got.iter().filter_map(|e| e.get("NAME")).collect();
        assert_eq!(names, vec!["nvme0n1", "sda", "sdb", "sr0", "vda"]);
        let by = |n: &str| {
            got.iter()
                .find(|e| e.get("NAME") == Some(n))
                .cloned()
                .unwrap_or_default()
        };

        let vda = by("vda");
        assert_eq!(vda.get("DISKSIZE"), Some("274877"));
        assert_eq!(vda.get("MANUFACTURER"), Some("Red Hat, Inc."));
        assert_eq!(vda.get("SERIALNUMBER"), Some("overlayblk"));
        assert_eq!(vda.get("DESCRIPTION"), Some("Virtual"));
        assert_eq!(vda.get("INTERFACE"), Some("VIRTIO"));
        assert_eq!(vda.get("TYPE"), Some("disk"));

        let sda = by("sda");
        assert_eq!(sda.get("DISKSIZE"), Some("1000204"));
        assert_eq!(sda.get("MODEL"), Some("WDC WD10EZEX-08W"));
        assert_eq!(sda.get("MANUFACTURER"), Some("Western Digital"));
        assert_eq!(sda.get("SERIAL"), Some("WD-WCC6Y0123456"));
        assert_eq!(sda.get("FIRMWARE"), Some("1A01"));
        assert_eq!(sda.get("INTERFACE"), Some("SATA"));
        assert_eq!(sda.get("DESCRIPTION"), Some("SATA"));
        assert_eq!(sda.get("WWN"), Some("wwn-0x50014ee2b5a1c2d3"));

        let nvme = by("nvme0n1");
        assert_eq!(nvme.get("MODEL"), Some("Samsung SSD 970 EVO Plus 500GB"));
        assert_eq!(nvme.get("MANUFACTURER"), Some("Samsung"));
        assert_eq!(nvme.get("SERIAL"), Some("S4EVNX0M123456"));
        assert_eq!(nvme.get("FIRMWARE"), Some("2B2QEXM7"));
        assert_eq!(nvme.get("INTERFACE"), Some("NVME"));
        assert_eq!(nvme.get("DESCRIPTION"), Some("PCI"));
        assert_eq!(nvme.get("DISKSIZE"), Some("512110"));

        let sr0 = by("sr0");
        assert_eq!(sr0.get("TYPE"), Some("cdrom"));
        assert!(!sr0.has("DISKSIZE"));
        assert_eq!(sr0.get("MANUFACTURER"), Some("HL-DT-ST"));

        let sdb = by("sdb");
        assert_eq!(sdb.get("TYPE"), Some("removable"));
        assert_eq!(sdb.get("INTERFACE"), Some("USB"));
        assert_eq!(sdb.get("DESCRIPTION"), Some("USB"));
        assert_eq!(sdb.get("SERIAL"), Some("4C530001230105112345"));
        assert_eq!(sdb.get("MANUFACTURER"), Some("SanDisk"));
    }

    #[test]
    fn garbage_attributes() {
        let src = FakeSource::new()
            .link("/sys/block/sdc/device", "../../../3:0:0:0")
            .file("/sys/block/sdc/size", "lots\n")
            .file("/sys/block/sdc/device/type", "x\n")
            .file(
                "/sys/block/sdc/device/vpd_pg80",
                b"\x00\x80\x00\xff".as_slice(),
            )
            .file("/sys/block/sdc/device/model", "\u{1}\u{2}  \n");
        let dev = read_device(&src, "sdc", &[]).expect("device");
        assert_eq!(dev.sectors, None);
        assert_eq!(dev.scsi_type, None);
        assert_eq!(dev.serial, None);
        assert_eq!(dev.model, None);
        let e = entry(&dev, &IdsDb::default());
        assert_eq!(e.get("TYPE"), Some("disk"));
        assert_eq!(e.get("DESCRIPTION"), Some("SCSI"));
        assert!(!e.has("DISKSIZE") && !e.has("INTERFACE"));
    }

    #[test]
    fn helpers() {
        assert_eq!(
            vpd_pg80_serial(b"\x00\x80\x00\x04ABCD"),
            Some("ABCD".into())
        );
        assert_eq!(vpd_pg80_serial(b"\x00\x83\x00\x04ABCD"), None);
        assert_eq!(vpd_pg80_serial(b""), None);
        assert_eq!(
            serial_from_id("ata-Samsung_SSD_860_EVO_500GB_S3Z1NB0K123456A").as_deref(),
            Some("S3Z1NB0K123456A")
        );
        assert_eq!(serial_from_id("wwn-0x5002538e40a1b2c3"), None);
        assert_eq!(
            serial_from_id("virtio-overlayblk").as_deref(),
            Some("overlayblk")
        );
        assert_eq!(serial_from_id("scsi-SATA_x"), None);
        assert_eq!(
            manufacturer_from_model("ST2000DM008-2FR102"),
            Some("Seagate")
        );
        assert_eq!(manufacturer_from_model("CT1000MX500SSD1"), Some("Crucial"));
        assert_eq!(manufacturer_from_model("KIOXIA EXCERIA"), Some("Kioxia"));
        assert_eq!(manufacturer_from_model("TOSHIBA MQ04"), Some("Toshiba"));
        assert_eq!(manufacturer_from_model("Stuff"), None);
        assert_eq!(manufacturer_from_model(""), None);
        assert!(!is_hardware("loop3") && !is_hardware("dm-1") && is_hardware("mmcblk0"));
        assert!(!is_hardware("mmcblk0boot1") && !is_hardware("mmcblk0rpmb"));
    }
}
