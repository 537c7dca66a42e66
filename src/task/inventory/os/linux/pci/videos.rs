//! VIDEOS on Linux: PCI display controllers (class 03xx) from `/sys/bus/pci/devices`.
//! As in the Perl agents, NAME is vendor and device as lspci prints them and CHIPSET
//! the kind of controller; MEMORY (MB) is the VRAM size amdgpu reports, else the largest
//! prefetchable memory window of the card.

use crate::task::inventory::generic::pciids::IdsDb;
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::devices::{self, PciDevice};

pub const MODULE: Module = Module {
    name: "linux/pci/videos",
    category: "video",
    applies: |ctx| ctx.os == Os::Linux && ctx.src.exists("/sys/bus/pci/devices"),
    collect,
};

/// True for display controllers (VGA, XGA, 3D, other display).
pub fn is_video(dev: &PciDevice) -> bool {
    dev.class_id() == 0x03
}

/// The VIDEOS entry of one display controller.
pub fn entry(dev: &PciDevice, db: &IdsDb) -> Entry {
    let mut e = Entry::new();
    e.set("NAME", devices::vendor_and_device(dev, db))
        .set("CHIPSET", devices::kind(dev, db))
        .set("PCISLOT", dev.slot())
        .set("PCIID", dev.pciid())
        .set_opt("MEMORY", dev.memory_mb.map(|m| m.to_string()));
    e
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let pci = devices::machine(ctx);
    for dev in pci.devices.iter().filter(|d| is_video(d)) {
        inv.add("VIDEOS", entry(dev, &pci.names));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::inventory::os::linux::fake_source::FakeSource;

    #[test]
    fn display_controllers() {
        let ids = "8086  Intel Corporation\n\t5916  HD Graphics 620\nC 03  Display controller\n\t00  VGA compatible controller\n";
        let dir = "/sys/bus/pci/devices/0000:00:02.0";
        let src = FakeSource::new()
            .file("/usr/share/hwdata/pci.ids", ids)
            .file(&format!("{dir}/vendor"), "0x8086\n")
            .file(&format!("{dir}/device"), "0x5916\n")
            .file(&format!("{dir}/class"), "0x030000\n")
            .file(
                &format!("{dir}/resource"),
                "0x00000000e0000000 0x00000000efffffff 0x000000000014220c\n",
            )
            .file("/sys/bus/pci/devices/0000:00:1f.3/vendor", "0x8086\n")
            .file("/sys/bus/pci/devices/0000:00:1f.3/device", "0x9d71\n")
            .file("/sys/bus/pci/devices/0000:00:1f.3/class", "0x040300\n");
        let devs = devices::devices(&src, is_video);
        assert_eq!(devs.len(), 1);
        let e = entry(&devs[0], &devices::names(&src, &devs));
        assert_eq!(e.get("NAME"), Some("Intel Corporation HD Graphics 620"));
        assert_eq!(e.get("CHIPSET"), Some("VGA compatible controller"));
        assert_eq!(e.get("PCISLOT"), Some("00:02.0"));
        assert_eq!(e.get("PCIID"), Some("8086:5916"));
        assert_eq!(e.get("MEMORY"), Some("256"));
    }

    #[test]
    fn amdgpu_vram() {
        let dir = "/sys/bus/pci/devices/0000:03:00.0";
        let src = FakeSource::new()
            .file(&format!("{dir}/vendor"), "0x1002\n")
            .file(&format!("{dir}/device"), "0x73bf\n")
            .file(&format!("{dir}/class"), "0x030000\n")
            .file(&format!("{dir}/mem_info_vram_total"), "17163091968\n");
        let devs = devices::devices(&src, is_video);
        let e = entry(&devs[0], &IdsDb::default());
        assert_eq!(e.get("MEMORY"), Some("16368"));
        assert_eq!(e.get("NAME"), Some("Vendor 1002 Device 73bf"));
        assert_eq!(e.get("CHIPSET"), Some("Class 0300"));
    }
}
