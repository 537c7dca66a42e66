//! USBDEVICES on Linux: the devices under `/sys/bus/usb/devices` (what `lsusb -v` reads,
//! without running it), named with the system's `usb.ids`. Root hubs (vendor 1d6b,
//! the Linux Foundation) and entries without ids are left out, as the Perl agents do;
//! short serials (under 5 characters, usually placeholders) are dropped like theirs.

use crate::source::Source;
use crate::task::inventory::generic::pciids::{IdsDb, USB_IDS};
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "linux/usb",
    category: "usb",
    applies: |ctx| ctx.os == Os::Linux && ctx.src.exists(DEVICES),
    collect,
};

const DEVICES: &str = "/sys/bus/usb/devices";

/// Vendor of the kernel's virtual root hubs.
const LINUX_FOUNDATION: u16 = 0x1d6b;

/// One USB device as sysfs describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UsbDevice {
    pub vendor: u16,
    pub product: u16,
    pub manufacturer: Option<String>,
    pub name: Option<String>,
    pub serial: Option<String>,
    /// Device class, or the first interface's when the device leaves it to interfaces.
    pub class: Option<u8>,
    pub subclass: Option<u8>,
}

/// A 4-digit hex sysfs id (`046d`).
pub fn parse_id(text: &str) -> Option<u16> {
    let t = text.trim();
    (t.len() == 4)
        .then(|| u16::from_str_radix(t, 16).ok())
        .flatten()
}

/// A 2-digit hex sysfs class (`03`, `ef`).
pub fn parse_class(text: &str) -> Option<u8> {
    u8::from_str_radix(text.trim(), 16).ok()
}

/// Reads device `name` (`1-1.2`); `names` is the whole listing, for its interfaces
/// (`1-1.2:1.0`). `None` for interfaces, root hubs and entries without ids.
pub fn read_device(src: &dyn Source, names: &[String], name: &str) -> Option<UsbDevice> {
    if name.contains(':') {
        return None;
    }
    let attr = |dev: &str, a: &str| src.read_line(&format!("{DEVICES}/{dev}/{a}"));
    let vendor = attr(name, "idVendor").and_then(|t| parse_id(&t))?;
    let product = attr(name, "idProduct").and_then(|t| parse_id(&t))?;
    if vendor == LINUX_FOUNDATION || vendor == 0 {
        return None;
    }
    let mut class = attr(name, "bDeviceClass").and_then(|t| parse_class(&t));
    let mut subclass = attr(name, "bDeviceSubClass").and_then(|t| parse_class(&t));
    // 00: per interface; ef: interface association (webcams, headsets…).
    if matches!(class, None | Some(0x00) | Some(0xef)) {
        let prefix = format!("{name}:");
        if let Some(first) = names.iter().find(|n| n.starts_with(&prefix)) {
            if let Some(c) = attr(first, "bInterfaceClass").and_then(|t| parse_class(&t)) {
                class = Some(c);
                subclass = attr(first, "bInterfaceSubClass").and_then(|t| parse_class(&t));
            }
        }
    }
    Some(UsbDevice {
        vendor,
        product,
        manufacturer: attr(name, "manufacturer"),
        name: attr(name, "product"),
        serial: attr(name, "serial").filter(|s| s.chars().count() >= 5),
        class,
        subclass,
    })
}

/// The USBDEVICES entry of a device, named from usb.ids first, then from the
/// strings the device reports.
pub fn entry(dev: &UsbDevice, db: &IdsDb) -> Entry {
    let caption = db
        .device(dev.vendor, dev.product)
        .map(str::to_string)
        .or_else(|| dev.name.clone());
    let mut e = Entry::new();
    e.set("VENDORID", format!("{:04x}", dev.vendor))
        .set("PRODUCTID", format!("{:04x}", dev.product))
        .set_opt(
            "MANUFACTURER",
            db.vendor(dev.vendor)
                .map(str::to_string)
                .or_else(|| dev.manufacturer.clone()),
        )
        .set_opt("NAME", dev.name.clone().or_else(|| caption.clone()))
        .set_opt("CAPTION", caption)
        .set_opt("SERIAL", dev.serial.clone())
        .set_opt("CLASS", dev.class.map(|c| c.to_string()))
        .set_opt("SUBCLASS", dev.subclass.map(|c| c.to_string()));
    e
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let names = ctx.src.list_dir(DEVICES).unwrap_or_default();
    let devs: Vec<UsbDevice> = names
        .iter()
        .filter_map(|n| read_device(ctx.src, &names, n))
        .collect();
    let wanted: Vec<(u16, Option<u16>)> =
        devs.iter().map(|d| (d.vendor, Some(d.product))).collect();
    let db = IdsDb::load(ctx.src, USB_IDS, &wanted);
    for dev in &devs {
        inv.add("USBDEVICES", entry(dev, &db));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::inventory::os::linux::fake_source::FakeSource;

    fn attrs(src: FakeSource, dev: &str, pairs: &[(&str, &str)]) -> FakeSource {
        pairs.iter().fold(src, |s, (k, v)| {
            s.file(&format!("{DEVICES}/{dev}/{k}"), format!("{v}\n"))
        })
    }

    fn sample() -> FakeSource {
        let src = FakeSource::new().file(
            "/usr/share/misc/usb.ids",
            "046d  Logitech, Inc.\n\tc52b  Unifying Receiver\n1d6b  Linux Foundation\n\t0002  2.0 root hub\n",
        );
        let src = attrs(
            src,
            "usb1",
            &[
                ("idVendor", "1d6b"),
                ("idProduct", "0002"),
                ("bDeviceClass", "09"),
            ],
        );
        let src = attrs(
            src,
            "1-1",
            &[
                ("idVendor", "046d"),
                ("idProduct", "c52b"),
                ("manufacturer", "Logitech"),
                ("product", "USB Receiver"),
                ("bDeviceClass", "00"),
                ("bDeviceSubClass", "00"),
            ],
        );
        let src = attrs(
            src,
            "1-1:1.0",
            &[("bInterfaceClass", "03"), ("bInterfaceSubClass", "01")],
        );
        let src = attrs(
            src,
            "1-2",
            &[
                ("idVendor", "0781"),
                ("idProduct", "5567"),
                ("manufacturer", "SanDisk"),
                ("product", "Cruzer Blade"),
                ("serial", "4C530001230105112345"),
                ("bDeviceClass", "00"),
            ],
        );
        let src = attrs(
            src,
            "1-2:1.0",
            &[("bInterfaceClass", "08"), ("bInterfaceSubClass", "06")],
        );
        // No ids at all (a gadget half gone), and garbage ids.
        let src = attrs(src, "1-3", &[("product", "ghost")]);
        attrs(src, "1-4", &[("idVendor", "zzzz"), ("idProduct", "12")])
    }

    #[test]
    fn devices_from_sysfs() {
        let src = sample();
        let names = src.list_dir(DEVICES).unwrap_or_default();
        let devs: Vec<UsbDevice> = names
            .iter()
            .filter_map(|n| read_device(&src, &names, n))
            .collect();
        assert_eq!(devs.len(), 2, "{devs:?}");
        let db = IdsDb::load(
            &src,
            USB_IDS,
            &[(0x046d, Some(0xc52b)), (0x0781, Some(0x5567))],
        );

        let rx = entry(&devs[0], &db);
        assert_eq!(rx.get("VENDORID"), Some("046d"));
        assert_eq!(rx.get("PRODUCTID"), Some("c52b"));
        assert_eq!(rx.get("MANUFACTURER"), Some("Logitech, Inc."));
        assert_eq!(rx.get("CAPTION"), Some("Unifying Receiver"));
        assert_eq!(rx.get("NAME"), Some("USB Receiver"));
        assert_eq!(rx.get("CLASS"), Some("3"));
        assert_eq!(rx.get("SUBCLASS"), Some("1"));
        assert!(!rx.has("SERIAL"));

        let stick = entry(&devs[1], &db);
        assert_eq!(stick.get("MANUFACTURER"), Some("SanDisk"), "not in usb.ids");
        assert_eq!(stick.get("CAPTION"), Some("Cruzer Blade"));
        assert_eq!(stick.get("SERIAL"), Some("4C530001230105112345"));
        assert_eq!(stick.get("CLASS"), Some("8"));
        assert_eq!(stick.get("SUBCLASS"), Some("6"));
    }

    #[test]
    fn device_class_and_short_serial() {
        let src = attrs(
            FakeSource::new(),
            "3-1",
            &[
                ("idVendor", "05e3"),
                ("idProduct", "0610"),
                ("bDeviceClass", "09"),
                ("bDeviceSubClass", "00"),
                ("serial", "0000"),
            ],
        );
        let names = vec!["3-1".to_string()];
        let dev = read_device(&src, &names, "3-1").expect("device");
        assert_eq!(dev.class, Some(9));
        assert_eq!(dev.subclass, Some(0));
        assert_eq!(dev.serial, None);
        assert!(read_device(&src, &names, "3-1:1.0").is_none());
    }

    #[test]
    fn ids() {
        assert_eq!(parse_id("046d\n"), Some(0x046d));
        assert_eq!(parse_id("46d"), None);
        assert_eq!(parse_id("wxyz"), None);
        assert_eq!(parse_class("ef"), Some(0xef));
        assert_eq!(parse_class(""), None);
    }
}
