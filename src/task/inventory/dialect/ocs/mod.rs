//! The OCS Inventory dialect: the sections and fields the OCS communication server
//! stores (`Apache::Ocsinventory::Map`, server 2.8: one table per section, the XML
//! section is the table name in capitals, the XML fields are its columns), filled from
//! the facts the modules collected in the FusionInventory vocabulary.
//!
//! Where the Perl OCS agent is right its conventions are kept (OSNAME `Debian GNU/Linux
//! 12`, DESCRIPTION `x86_64/00-00-03 01:02:03` as the console reads it, WORKGROUP
//! `WORKGROUP` without a domain, no loopback interface); where it is wrong it is not
//! copied (software dates a month early, the package's home page as its publisher).
//! Each file is one part of the translation: [`hardware`], [`cpus`], [`networks`],
//! [`softwares`], and [`sections`] for the sections that only rename fields.

pub mod cpus;
pub mod hardware;
pub mod networks;
pub mod sections;
pub mod softwares;

use crate::task::inventory::model::Inventory;

/// Sections the OCS server 2.8 stores as one row (`multi => 0` in its map): given two
/// items it stores a single empty row, so only the first item is sent.
pub const SINGLE: &[&str] = &["BATTERIES", "USBDEVICES"];

/// The inventory in the OCS server's vocabulary.
pub fn translate(inv: &Inventory) -> Inventory {
    let mut out = Inventory::new(&inv.deviceid);
    let nets = networks::networks(inv.section("NETWORKS"));
    *out.single("HARDWARE") = hardware::hardware(inv, &nets);
    for e in nets {
        out.add("NETWORKS", e);
    }
    for e in inv.section("CPUS") {
        out.add("CPUS", cpus::cpu(e));
    }
    for e in inv.section("SOFTWARES") {
        out.add("SOFTWARES", softwares::software(e));
    }
    sections::renamed(inv, &mut out);
    for section in SINGLE {
        if let Some(items) = out.section_mut(section) {
            if items.len() > 1 {
                log::debug!(
                    "{section}: the OCS server stores one item, {} left out",
                    items.len() - 1
                );
                items.truncate(1);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::inventory::model::Entry;

    #[test]
    fn whole_translation() {
        let mut inv = Inventory::new("vm-2026-01-01-00-00-00");
        inv.single("HARDWARE")
            .set("NAME", "vm")
            .set("CHECKSUM", "1")
            .set("CHASSIS_TYPE", "Desktop");
        let mut lo = Entry::new();
        lo.set("DESCRIPTION", "lo")
            .set("TYPE", "loopback")
            .set("IPADDRESS", "127.0.0.1");
        inv.add("NETWORKS", lo);
        let mut cpu = Entry::new();
        cpu.set("NAME", "AMD EPYC").set("CORE", "2");
        inv.add("CPUS", cpu);
        let mut repo = Entry::new();
        repo.set("NAME", "bookworm/main")
            .set("BASEURL", "http://deb.debian.org/debian");
        inv.add("REPOSITORY", repo);
        let out = translate(&inv);
        assert!(out.section("NETWORKS").is_empty());
        assert_eq!(out.section("CPUS")[0].get("TYPE"), Some("AMD EPYC"));
        assert_eq!(out.field("BIOS", "TYPE"), Some("Desktop"));
        assert_eq!(
            out.section("REPOSITORY")[0].get("BASEURL"),
            Some("http://deb.debian.org/debian")
        );
        assert_eq!(out.field("HARDWARE", "WORKGROUP"), Some("WORKGROUP"));
        let mut two = inv.clone();
        for name in ["Mouse", "Keyboard"] {
            let mut usb = Entry::new();
            usb.set("NAME", name);
            two.add("USBDEVICES", usb);
        }
        let usb = translate(&two).section("USBDEVICES").to_vec();
        assert_eq!(usb.len(), 1);
        assert_eq!(usb[0].get("DESCRIPTION"), Some("Mouse"));
    }
}
