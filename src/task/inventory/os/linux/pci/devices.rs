//! The PCI devices of a Linux machine, from `/sys/bus/pci/devices/*` (what `lspci -nn`
//! reads, without running it): ids, class, revision, driver, and the names the system's
//! `pci.ids` gives them. The CONTROLLERS, VIDEOS, SOUNDS and MODEMS modules read this.

use crate::source::Source;
use crate::task::inventory::generic::pciids::{IdsDb, PCI_IDS};

const DEVICES: &str = "/sys/bus/pci/devices";

/// One PCI function as sysfs describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PciDevice {
    /// `0000:00:1f.2`.
    pub address: String,
    pub vendor: u16,
    pub device: u16,
    pub subvendor: u16,
    pub subdevice: u16,
    /// Class, subclass, programming interface (`0x030000`).
    pub class: u32,
    pub revision: u8,
    /// Kernel driver bound to it (`virtio-pci`, `i915`).
    pub driver: Option<String>,
    /// Video memory in MB, when the driver tells (amdgpu) or a prefetchable BAR hints.
    pub memory_mb: Option<u64>,
}

impl PciDevice {
    pub fn class_id(&self) -> u8 {
        (self.class >> 16) as u8
    }

    pub fn subclass_id(&self) -> u8 {
        (self.class >> 8) as u8
    }

    /// Class and subclass as 4 hex digits (`0300`), as lspci and the agents print it.
    pub fn pciclass(&self) -> String {
        format!("{:04x}", self.class >> 8)
    }

    /// The slot as lspci prints it: the PCI domain left out when it is 0000.
    pub fn slot(&self) -> String {
        self.address
            .strip_prefix("0000:")
            .unwrap_or(&self.address)
            .to_string()
    }

    /// `vvvv:dddd`.
    pub fn pciid(&self) -> String {
        format!("{:04x}:{:04x}", self.vendor, self.device)
    }

    /// `vvvv:dddd` of the subsystem, `None` when the device has none (0000:0000).
    pub fn subsystem_id(&self) -> Option<String> {
        (self.subvendor != 0 || self.subdevice != 0)
            .then(|| format!("{:04x}:{:04x}", self.subvendor, self.subdevice))
    }

    /// The revision as 2 hex digits, `None` for 00 (lspci prints no `(rev 00)`).
    pub fn rev(&self) -> Option<String> {
        (self.revision != 0).then(|| format!("{:02x}", self.revision))
    }
}

/// A sysfs hex attribute (`0x8086\n`) as a number of at most `max` value.
pub fn parse_hex(text: &str, max: u32) -> Option<u32> {
    let t = text.trim();
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    u32::from_str_radix(t, 16).ok().filter(|v| *v <= max)
}

/// The size in MB of the largest prefetchable memory region of a sysfs `resource`
/// file (lines `start end flags`, hex); for a graphics card, its video memory aperture.
pub fn prefetchable_mb(resource: &str) -> Option<u64> {
    const IORESOURCE_MEM: u64 = 0x200;
    const IORESOURCE_PREFETCH: u64 = 0x2000;
    let hex = |s: &str| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok();
    resource
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let (start, end, flags) = (hex(f.first()?)?, hex(f.get(1)?)?, hex(f.get(2)?)?);
            let wanted = IORESOURCE_MEM | IORESOURCE_PREFETCH;
            (flags & wanted == wanted && end > start).then(|| (end - start + 1) >> 20)
        })
        .filter(|mb| *mb > 0)
        .max()
}

/// Reads one device directory; `None` when the ids are missing or garbage.
pub fn read_device(src: &dyn Source, address: &str) -> Option<PciDevice> {
    let dir = format!("{DEVICES}/{address}");
    let hex = |name: &str, max: u32| {
        src.read_line(&format!("{dir}/{name}"))
            .and_then(|t| parse_hex(&t, max))
    };
    let vendor = hex("vendor", 0xffff)? as u16;
    let device = hex("device", 0xffff)? as u16;
    let class = hex("class", 0xff_ffff)?;
    let driver = src
        .read_link(&format!("{dir}/driver"))
        .and_then(|l| l.rsplit('/').next().map(str::to_string))
        .filter(|d| !d.is_empty());
    let mut dev = PciDevice {
        address: address.to_string(),
        vendor,
        device,
        subvendor: hex("subsystem_vendor", 0xffff).unwrap_or(0) as u16,
        subdevice: hex("subsystem_device", 0xffff).unwrap_or(0) as u16,
        class,
        revision: hex("revision", 0xff).unwrap_or(0) as u8,
        driver,
        memory_mb: None,
    };
    if dev.class_id() == 0x03 {
        // amdgpu tells the VRAM size; other drivers leave the BAR size as the best hint.
        dev.memory_mb = src
            .read_line(&format!("{dir}/mem_info_vram_total"))
            .and_then(|b| b.parse::<u64>().ok())
            .map(|b| b >> 20)
            .filter(|mb| *mb > 0)
            .or_else(|| {
                src.read_text(&format!("{dir}/resource"))
                    .and_then(|r| prefetchable_mb(&r))
            });
    }
    Some(dev)
}

/// Every PCI device of the machine, in address order, those matching `keep` only.
pub fn devices(src: &dyn Source, keep: impl Fn(&PciDevice) -> bool) -> Vec<PciDevice> {
    src.list_dir(DEVICES)
        .unwrap_or_default()
        .iter()
        .filter_map(|a| read_device(src, a))
        .filter(|d| keep(d))
        .collect()
}

/// Every PCI device of the machine and the names pci.ids gives them: read once per
/// inventory, shared by the controller, video, sound, modem and storage modules.
pub struct PciMachine {
    pub devices: Vec<PciDevice>,
    pub names: IdsDb,
}

/// The machine's PCI devices, walked and named once per inventory.
pub fn machine(ctx: &crate::task::inventory::module::Context) -> std::rc::Rc<PciMachine> {
    ctx.shared(|| {
        let devices = devices(ctx.src, |_| true);
        let names = names(ctx.src, &devices);
        PciMachine { devices, names }
    })
}

/// The names pci.ids gives to these devices.
pub fn names(src: &dyn Source, devices: &[PciDevice]) -> IdsDb {
    let wanted: Vec<(u16, Option<u16>)> =
        devices.iter().map(|d| (d.vendor, Some(d.device))).collect();
    IdsDb::load(src, PCI_IDS, &wanted)
}

/// The kind of device as lspci names it (`VGA compatible controller`, `Class 0c80`).
pub fn kind(dev: &PciDevice, db: &IdsDb) -> String {
    db.class_name(dev.class_id(), dev.subclass_id())
        .map(str::to_string)
        .unwrap_or_else(|| format!("Class {}", dev.pciclass()))
}

/// Vendor and device as lspci prints them (`Intel Corporation HD Graphics 620`,
/// `Intel Corporation Device 0d57`): what the Perl agents put in several NAME fields.
pub fn vendor_and_device(dev: &PciDevice, db: &IdsDb) -> String {
    let vendor = db
        .vendor(dev.vendor)
        .map(str::to_string)
        .unwrap_or_else(|| format!("Vendor {:04x}", dev.vendor));
    let device = db
        .device(dev.vendor, dev.device)
        .map(str::to_string)
        .unwrap_or_else(|| format!("Device {:04x}", dev.device));
    format!("{vendor} {device}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_attributes() {
        assert_eq!(parse_hex("0x8086\n", 0xffff), Some(0x8086));
        assert_eq!(parse_hex("0x030000", 0xff_ffff), Some(0x030000));
        assert_eq!(parse_hex("1af4", 0xffff), Some(0x1af4));
        assert_eq!(parse_hex("0x123456", 0xffff), None);
        assert_eq!(parse_hex("garbage", 0xffff), None);
        assert_eq!(parse_hex("", 0xffff), None);
    }

    #[test]
    fn formats_like_lspci() {
        let d = PciDevice {
            address: "0000:00:1f.2".into(),
            vendor: 0x8086,
            device: 0x0d57,
            class: 0x060000,
            ..Default::default()
        };
        assert_eq!(d.slot(), "00:1f.2");
        assert_eq!(d.pciclass(), "0600");
        assert_eq!(d.pciid(), "8086:0d57");
        assert_eq!(d.subsystem_id(), None);
        assert_eq!(d.rev(), None);
        let d = PciDevice {
            address: "0001:3b:00.0".into(),
            subvendor: 0x1af4,
            subdevice: 0x1045,
            revision: 1,
            ..d
        };
        assert_eq!(d.slot(), "0001:3b:00.0");
        assert_eq!(d.subsystem_id().as_deref(), Some("1af4:1045"));
        assert_eq!(d.rev().as_deref(), Some("01"));
    }

    #[test]
    fn bar_sizes() {
        let r = "0x00000000f0000000 0x00000000f0ffffff 0x0000000000040200\n\
                 0x00000000e0000000 0x00000000efffffff 0x000000000014220c\n\
                 0x000000000000e000 0x000000000000e07f 0x0000000000040101\n\
                 0x0000000000000000 0x0000000000000000 0x0000000000000000\n\
                 junk\n";
        assert_eq!(prefetchable_mb(r), Some(256));
        assert_eq!(
            prefetchable_mb("0x0000004000080000 0x00000040000fffff 0x0000000000140204\n"),
            None
        );
        assert_eq!(prefetchable_mb(""), None);
    }

    #[test]
    fn names_without_database() {
        let db = IdsDb::default();
        let d = PciDevice {
            vendor: 0x8086,
            device: 0x0d57,
            class: 0x060000,
            ..Default::default()
        };
        assert_eq!(kind(&d, &db), "Class 0600");
        assert_eq!(vendor_and_device(&d, &db), "Vendor 8086 Device 0d57");
    }
}
