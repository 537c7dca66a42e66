//! SOUNDS on Linux: PCI audio controllers (class 0401 multimedia audio, 0403 audio
//! device) from `/sys/bus/pci/devices`, in the Perl agents' shape: NAME is the kind of
//! controller, MANUFACTURER vendor and device as lspci prints them, DESCRIPTION the
//! revision; CAPTION adds the device name alone.

use crate::task::inventory::generic::pciids::IdsDb;
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::devices::{self, PciDevice};

pub const MODULE: Module = Module {
    name: "linux/pci/sounds",
    category: "sound",
    applies: |ctx| ctx.os == Os::Linux && ctx.src.exists("/sys/bus/pci/devices"),
    collect,
};

pub fn is_sound(dev: &PciDevice) -> bool {
    dev.class_id() == 0x04 && matches!(dev.subclass_id(), 0x01 | 0x03)
}

/// The SOUNDS entry of one audio controller.
pub fn entry(dev: &PciDevice, db: &IdsDb) -> Entry {
    let mut e = Entry::new();
    e.set("NAME", devices::kind(dev, db))
        .set("MANUFACTURER", devices::vendor_and_device(dev, db))
        .set_opt("CAPTION", db.device(dev.vendor, dev.device))
        .set_opt("DESCRIPTION", dev.rev().map(|r| format!("rev {r}")));
    e
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let pci = devices::machine(ctx);
    for dev in pci.devices.iter().filter(|d| is_sound(d)) {
        inv.add("SOUNDS", entry(dev, &pci.names));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audio_device() {
        let ids = "8086  Intel Corporation\n\t9d71  Sunrise Point-LP HD Audio\nC 04  Multimedia controller\n\t03  Audio device\n";
        let db = IdsDb::parse(ids, &[(0x8086, Some(0x9d71))]);
        let dev = PciDevice {
            address: "0000:00:1f.3".into(),
            vendor: 0x8086,
            device: 0x9d71,
            class: 0x040300,
            revision: 0x21,
            ..Default::default()
        };
        assert!(is_sound(&dev));
        let e = entry(&dev, &db);
        assert_eq!(e.get("NAME"), Some("Audio device"));
        assert_eq!(
            e.get("MANUFACTURER"),
            Some("Intel Corporation Sunrise Point-LP HD Audio")
        );
        assert_eq!(e.get("CAPTION"), Some("Sunrise Point-LP HD Audio"));
        assert_eq!(e.get("DESCRIPTION"), Some("rev 21"));
        let video = PciDevice {
            class: 0x040000,
            ..dev
        };
        assert!(!is_sound(&video), "0400 is a video capture device");
    }
}
