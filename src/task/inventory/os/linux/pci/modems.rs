//! MODEMS on Linux: PCI modems (class 0703) from `/sys/bus/pci/devices`, in the Perl
//! agents' shape: NAME is vendor and device as lspci prints them, DESCRIPTION the kind.

use crate::task::inventory::generic::pciids::IdsDb;
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::devices::{self, PciDevice};

pub const MODULE: Module = Module {
    name: "linux/pci/modems",
    category: "modem",
    applies: |ctx| ctx.os == Os::Linux && ctx.src.exists("/sys/bus/pci/devices"),
    collect,
};

pub fn is_modem(dev: &PciDevice) -> bool {
    dev.class_id() == 0x07 && dev.subclass_id() == 0x03
}

/// The MODEMS entry of one modem.
pub fn entry(dev: &PciDevice, db: &IdsDb) -> Entry {
    let mut e = Entry::new();
    e.set("NAME", devices::vendor_and_device(dev, db))
        .set("DESCRIPTION", devices::kind(dev, db))
        .set_opt("MODEL", db.device(dev.vendor, dev.device));
    e
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let pci = devices::machine(ctx);
    for dev in pci.devices.iter().filter(|d| is_modem(d)) {
        inv.add("MODEMS", entry(dev, &pci.names));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modem() {
        let ids = "14f1  Conexant Systems, Inc.\n\t2f00  HSF 56k HSFi Modem\nC 07  Communication controller\n\t03  Modem\n";
        let db = IdsDb::parse(ids, &[(0x14f1, Some(0x2f00))]);
        let dev = PciDevice {
            address: "0000:02:00.0".into(),
            vendor: 0x14f1,
            device: 0x2f00,
            class: 0x070300,
            ..Default::default()
        };
        assert!(is_modem(&dev));
        let e = entry(&dev, &db);
        assert_eq!(
            e.get("NAME"),
            Some("Conexant Systems, Inc. HSF 56k HSFi Modem")
        );
        assert_eq!(e.get("DESCRIPTION"), Some("Modem"));
        assert_eq!(e.get("MODEL"), Some("HSF 56k HSFi Modem"));
        assert!(!is_modem(&PciDevice {
            class: 0x070000,
            ..dev
        }));
    }
}
