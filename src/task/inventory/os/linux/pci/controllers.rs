//! CONTROLLERS on Linux: every PCI device from `/sys/bus/pci/devices`, named with the
//! system's `pci.ids`, in the shape the Perl agents give from `lspci -v -nn`: NAME is the
//! subsystem (else device) name, CAPTION the device name, TYPE the class name.

use crate::task::inventory::generic::pciids::IdsDb;
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::devices::{self, PciDevice};

pub const MODULE: Module = Module {
    name: "linux/pci/controllers",
    category: "controller",
    applies: |ctx| ctx.os == Os::Linux && ctx.src.exists("/sys/bus/pci/devices"),
    collect,
};

/// The CONTROLLERS entry of one device.
pub fn entry(dev: &PciDevice, db: &IdsDb) -> Entry {
    let kind = devices::kind(dev, db);
    let caption = db.device(dev.vendor, dev.device);
    let name = db
        .subsystem(dev.vendor, dev.device, dev.subvendor, dev.subdevice)
        .or(caption)
        .unwrap_or(&kind);
    let mut e = Entry::new();
    e.set("NAME", name)
        .set_opt("CAPTION", caption)
        .set_opt("MANUFACTURER", db.vendor(dev.vendor))
        .set("PCICLASS", dev.pciclass())
        .set("VENDORID", format!("{:04x}", dev.vendor))
        .set("PRODUCTID", format!("{:04x}", dev.device))
        .set_opt("PCISUBSYSTEMID", dev.subsystem_id())
        .set("PCISLOT", dev.slot())
        .set_opt("DRIVER", dev.driver.clone())
        .set("TYPE", kind.as_str())
        .set_opt("REV", dev.rev());
    e
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let pci = devices::machine(ctx);
    for dev in &pci.devices {
        inv.add("CONTROLLERS", entry(dev, &pci.names));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::inventory::os::linux::fake_source::FakeSource;

    const IDS: &str = "\
1af4  Red Hat, Inc.
\t1045  Virtio 1.0 memory balloon
\t\t1af4 1100  QEMU balloon
8086  Intel Corporation
C 06  Bridge
\t00  Host bridge
C ff  Unassigned class
";

    fn device(src: FakeSource, addr: &str, ids: [&str; 6]) -> FakeSource {
        let names = [
            "vendor",
            "device",
            "subsystem_vendor",
            "subsystem_device",
            "class",
            "revision",
        ];
        names.iter().zip(ids).fold(src, |s, (n, v)| {
            s.file(
                &format!("/sys/bus/pci/devices/{addr}/{n}"),
                format!("{v}\n"),
            )
        })
    }

    #[test]
    fn controllers_from_sysfs() {
        let src = FakeSource::new().file("/usr/share/misc/pci.ids", IDS);
        let src = device(
            src,
            "0000:00:00.0",
            ["0x8086", "0x0d57", "0x0000", "0x0000", "0x060000", "0x00"],
        );
        let src = device(
            src,
            "0000:00:01.0",
            ["0x1af4", "0x1045", "0x1af4", "0x1045", "0xffff00", "0x01"],
        )
        .link(
            "/sys/bus/pci/devices/0000:00:01.0/driver",
            "../../../bus/pci/drivers/virtio-pci",
        );
        // Garbage ids: skipped.
        let src = device(
            src,
            "0000:00:02.0",
            ["junk", "", "0x0", "0x0", "0x0", "0x0"],
        );
        let devs = devices::devices(&src, |_| true);
        assert_eq!(devs.len(), 2);
        let db = devices::names(&src, &devs);

        let host = entry(&devs[0], &db);
        assert_eq!(host.get("NAME"), Some("Host bridge"));
        assert_eq!(host.get("TYPE"), Some("Host bridge"));
        assert_eq!(host.get("MANUFACTURER"), Some("Intel Corporation"));
        assert_eq!(host.get("PCICLASS"), Some("0600"));
        assert_eq!(host.get("PCISLOT"), Some("00:00.0"));
        assert_eq!(host.get("PRODUCTID"), Some("0d57"));
        assert!(!host.has("CAPTION") && !host.has("REV") && !host.has("PCISUBSYSTEMID"));
        assert!(!host.has("DRIVER"));

        let balloon = entry(&devs[1], &db);
        assert_eq!(balloon.get("NAME"), Some("Virtio 1.0 memory balloon"));
        assert_eq!(balloon.get("CAPTION"), Some("Virtio 1.0 memory balloon"));
        assert_eq!(balloon.get("MANUFACTURER"), Some("Red Hat, Inc."));
        assert_eq!(balloon.get("TYPE"), Some("Unassigned class"));
        assert_eq!(balloon.get("PCICLASS"), Some("ffff"));
        assert_eq!(balloon.get("PCISUBSYSTEMID"), Some("1af4:1045"));
        assert_eq!(balloon.get("DRIVER"), Some("virtio-pci"));
        assert_eq!(balloon.get("REV"), Some("01"));
        assert_eq!(balloon.get("VENDORID"), Some("1af4"));
    }

    #[test]
    fn subsystem_name_wins() {
        let db = IdsDb::parse(IDS, &[(0x1af4, Some(0x1045))]);
        let dev = PciDevice {
            address: "0000:00:05.0".into(),
            vendor: 0x1af4,
            device: 0x1045,
            subvendor: 0x1af4,
            subdevice: 0x1100,
            class: 0x00ff00,
            ..Default::default()
        };
        let e = entry(&dev, &db);
        assert_eq!(e.get("NAME"), Some("QEMU balloon"));
        assert_eq!(e.get("CAPTION"), Some("Virtio 1.0 memory balloon"));
        assert_eq!(e.get("TYPE"), Some("Class 00ff"));
    }
}
