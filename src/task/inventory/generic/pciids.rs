//! The system's hardware id databases, `pci.ids` and `usb.ids` (same text format, from
//! the hwdata / pciutils / usbutils packages): vendor, device and subsystem names, and
//! device class names.
//!
//! The files are large (pci.ids is about 1.3 MB) and an inventory needs a handful of
//! names, so [`IdsDb::parse`] scans the text once and keeps only the vendors and devices
//! asked for, plus the (short) class list. Format, one entry per line, tabs for nesting:
//!
//! ```text
//! 8086  Intel Corporation            vendor
//! \t1237  440FX - 82441FX PMC         device of that vendor
//! \t\t1af4 1100  Qemu virtual machine  subsystem (subvendor subdevice) of that device
//! C 03  Display controller            class (pci.ids: 2 hex digits, usb.ids: too)
//! \t00  VGA compatible controller      subclass
//! \t\t00  VGA controller               programming interface / protocol (unused)
//! ```
//!
//! usb.ids has further top-level lists (`AT`, `HID`, `R`, `L`, …) that are skipped.

use std::collections::{HashMap, HashSet};

use crate::source::Source;

/// Where distributions install pci.ids.
pub const PCI_IDS: &[&str] = &[
    "/usr/share/hwdata/pci.ids",
    "/usr/share/misc/pci.ids",
    "/usr/share/pci.ids",
];

/// Where distributions install usb.ids.
pub const USB_IDS: &[&str] = &[
    "/usr/share/hwdata/usb.ids",
    "/usr/share/misc/usb.ids",
    "/var/lib/usbutils/usb.ids",
    "/usr/share/usb.ids",
];

/// The names an inventory needs from an ids file.
#[derive(Debug, Default)]
pub struct IdsDb {
    vendors: HashMap<u16, String>,
    devices: HashMap<(u16, u16), String>,
    subsystems: HashMap<(u16, u16, u16, u16), String>,
    classes: HashMap<u8, String>,
    subclasses: HashMap<(u8, u8), String>,
}

/// What the scan is in the middle of.
enum Block {
    /// A vendor that was asked for.
    Vendor,
    /// A device (of a vendor asked for) that was asked for.
    Device(u16, u16),
    Class(u8),
    /// Anything the inventory does not need.
    Skip,
}

/// A hex number of up to 4 digits (the ids and the class codes).
fn hex16(s: &str) -> Option<u16> {
    if s.is_empty() || s.len() > 4 {
        return None;
    }
    u16::from_str_radix(s, 16).ok()
}

/// `"1af4  Red Hat, Inc."` → `("1af4", "Red Hat, Inc.")`.
fn id_and_name(line: &str) -> Option<(&str, &str)> {
    let (id, name) = line.split_once(char::is_whitespace)?;
    let name = name.trim();
    (!name.is_empty()).then_some((id, name))
}

/// The state of one pass over an ids file, fed line by line.
struct Scanner {
    vendors: HashSet<u16>,
    devices: HashSet<(u16, u16)>,
    db: IdsDb,
    block: Block,
    vendor_block: Option<u16>,
}

impl Scanner {
    fn new(wanted: &[(u16, Option<u16>)]) -> Scanner {
        Scanner {
            vendors: wanted.iter().map(|w| w.0).collect(),
            devices: wanted
                .iter()
                .filter_map(|(v, d)| d.map(|d| (*v, d)))
                .collect(),
            db: IdsDb::default(),
            block: Block::Skip,
            vendor_block: None,
        }
    }

    fn line(&mut self, line: &str) {
        let (vendors, devices, db) = (&self.vendors, &self.devices, &mut self.db);
        let (block, vendor_block) = (&mut self.block, &mut self.vendor_block);
        if line.is_empty() || line.starts_with('#') {
            return;
        }
        let depth = line.bytes().take_while(|b| *b == b'\t').count();
        // Most lines belong to vendors nobody asked for: skip them unparsed.
        if depth > 0 && matches!(block, Block::Skip) && vendor_block.is_none() {
            return;
        }
        let body = &line[depth..];
        match depth {
            0 => {
                *vendor_block = None;
                *block = Block::Skip;
                if let Some(rest) = body.strip_prefix("C ") {
                    if let Some((id, name)) = id_and_name(rest.trim_start()) {
                        if let Some(c) = hex16(id).and_then(|c| u8::try_from(c).ok()) {
                            db.classes.insert(c, name.to_string());
                            *block = Block::Class(c);
                        }
                    }
                } else if let Some((id, name)) = id_and_name(body) {
                    if id.len() == 4 {
                        if let Some(v) = hex16(id).filter(|v| vendors.contains(v)) {
                            db.vendors.insert(v, name.to_string());
                            *vendor_block = Some(v);
                            *block = Block::Vendor;
                        }
                    }
                }
            }
            1 => {
                let Some((id, name)) = id_and_name(body) else {
                    return;
                };
                match (&*block, *vendor_block) {
                    (Block::Class(c), _) => {
                        let c = *c;
                        if let Some(s) = hex16(id).and_then(|s| u8::try_from(s).ok()) {
                            db.subclasses.insert((c, s), name.to_string());
                        }
                    }
                    (_, Some(v)) => {
                        *block = Block::Vendor;
                        if let Some(d) = hex16(id).filter(|d| devices.contains(&(v, *d))) {
                            db.devices.insert((v, d), name.to_string());
                            *block = Block::Device(v, d);
                        }
                    }
                    _ => {}
                }
            }
            2 => {
                if let Block::Device(v, d) = *block {
                    let mut words = body.split_whitespace();
                    let sv = words.next().and_then(hex16);
                    let sd = words.next().and_then(hex16);
                    let name = words.collect::<Vec<_>>().join(" ");
                    if let (Some(sv), Some(sd), false) = (sv, sd, name.is_empty()) {
                        db.subsystems.insert((v, d, sv, sd), name);
                    }
                }
            }
            _ => {}
        }
    }
}

impl IdsDb {
    /// Scans an ids file once, keeping the names of the `(vendor, device)` pairs asked
    /// for (the vendor's name, the device's name and its subsystems' names) and all
    /// class names. A device id of `None` asks for the vendor's name only.
    pub fn parse(text: &str, wanted: &[(u16, Option<u16>)]) -> IdsDb {
        let mut scan = Scanner::new(wanted);
        text.lines().for_each(|l| scan.line(l));
        scan.db
    }

    /// Reads the first ids file of `paths` that exists through the source and scans it.
    pub fn load(src: &dyn Source, paths: &[&str], wanted: &[(u16, Option<u16>)]) -> IdsDb {
        if wanted.is_empty() {
            return IdsDb::default();
        }
        let mut scan = Scanner::new(wanted);
        if !paths
            .iter()
            .any(|p| src.for_each_line(p, &mut |l| scan.line(l)))
        {
            log::debug!("no ids database among {}", paths.join(", "));
        }
        scan.db
    }

    pub fn vendor(&self, vendor: u16) -> Option<&str> {
        self.vendors.get(&vendor).map(String::as_str)
    }

    pub fn device(&self, vendor: u16, device: u16) -> Option<&str> {
        self.devices.get(&(vendor, device)).map(String::as_str)
    }

    pub fn subsystem(
        &self,
        vendor: u16,
        device: u16,
        subvendor: u16,
        subdevice: u16,
    ) -> Option<&str> {
        self.subsystems
            .get(&(vendor, device, subvendor, subdevice))
            .map(String::as_str)
    }

    pub fn class(&self, class: u8) -> Option<&str> {
        self.classes.get(&class).map(String::as_str)
    }

    pub fn subclass(&self, class: u8, subclass: u8) -> Option<&str> {
        self.subclasses.get(&(class, subclass)).map(String::as_str)
    }

    /// The subclass name, else the class name (what lspci prints as the device kind).
    pub fn class_name(&self, class: u8, subclass: u8) -> Option<&str> {
        self.subclass(class, subclass).or_else(|| self.class(class))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
# comment
0001  SafeNet (wrong ID)
1af4  Red Hat, Inc.
\t1000  Virtio network device
\t\t1af4 0001  Virtio network device
\t1042  Virtio 1.0 block device
\t1045  Virtio 1.0 memory balloon
\t\t1af4 1100  QEMU Virtual Machine
8086  Intel Corporation
\t0d57  Some bridge
C 03  Display controller
\t00  VGA compatible controller
\t\t00  VGA controller
\t80  Display controller
C ff  Unassigned class
";

    #[test]
    fn keeps_what_is_asked() {
        let db = IdsDb::parse(SAMPLE, &[(0x1af4, Some(0x1045)), (0x8086, None)]);
        assert_eq!(db.vendor(0x1af4), Some("Red Hat, Inc."));
        assert_eq!(db.vendor(0x8086), Some("Intel Corporation"));
        assert_eq!(db.vendor(0x0001), None);
        assert_eq!(db.device(0x1af4, 0x1045), Some("Virtio 1.0 memory balloon"));
        assert_eq!(db.device(0x1af4, 0x1042), None, "not asked for");
        assert_eq!(db.device(0x8086, 0x0d57), None, "vendor only");
        assert_eq!(
            db.subsystem(0x1af4, 0x1045, 0x1af4, 0x1100),
            Some("QEMU Virtual Machine")
        );
        assert_eq!(db.subsystem(0x1af4, 0x1000, 0x1af4, 0x0001), None);
        assert_eq!(db.class(0x03), Some("Display controller"));
        assert_eq!(db.class_name(0x03, 0x00), Some("VGA compatible controller"));
        assert_eq!(db.class_name(0x03, 0x42), Some("Display controller"));
        assert_eq!(db.class_name(0xff, 0xff), Some("Unassigned class"));
        assert_eq!(db.class_name(0x12, 0x00), None);
    }

    #[test]
    fn prog_if_lines_are_not_subsystems() {
        let db = IdsDb::parse(SAMPLE, &[(0x1af4, Some(0x1042))]);
        assert_eq!(db.subclass(0x03, 0x00), Some("VGA compatible controller"));
        assert_eq!(db.device(0x1af4, 0x1042), Some("Virtio 1.0 block device"));
    }

    #[test]
    fn usb_ids_extra_lists_are_skipped() {
        let text = "\
046d  Logitech, Inc.
\tc52b  Unifying Receiver
\t\t0000  an interface line
C 03  Human Interface Device
\t01  Boot Interface Subclass
AT 0409  English (US)
HID 01  Something
\t01  child of an unknown list
";
        let db = IdsDb::parse(text, &[(0x046d, Some(0xc52b))]);
        assert_eq!(db.device(0x046d, 0xc52b), Some("Unifying Receiver"));
        assert_eq!(db.subclass(0x03, 0x01), Some("Boot Interface Subclass"));
        assert_eq!(db.class(0x01), None);
    }

    #[test]
    fn garbage_is_ignored() {
        let db = IdsDb::parse("\t\t\tzz\nC\nC zz  x\n\tzzzz\nxyz\n12345  too long\n", &[]);
        assert!(db.classes.is_empty() && db.vendors.is_empty());
    }
}
