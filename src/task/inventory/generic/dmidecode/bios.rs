//! BIOS and HARDWARE fields from dmidecode: types 0 (BIOS), 1 (system), 2 (base board)
//! and 3 (chassis).
//!
//! Produces the `BIOS` entry (BMANUFACTURER BDATE BVERSION ASSETTAG SMANUFACTURER SMODEL
//! SSN SKUNUMBER MMANUFACTURER MMODEL MSN) and the dmidecode part of `HARDWARE` (UUID,
//! CHASSIS_TYPE). Two vendor rules: Lenovo puts the marketing name in the system
//! `Version` (it becomes SMODEL), and VirtualBox reports serial `0` (SSN becomes the UUID).

use super::Dmi;
use crate::task::inventory::model::Entry;

/// The two entries filled from dmidecode.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BiosHardware {
    /// The `BIOS` section entry.
    pub bios: Entry,
    /// The `HARDWARE` fields `UUID` and `CHASSIS_TYPE`.
    pub hardware: Entry,
}

/// A value that counts as set: non-empty and not `0` (a `0` falls back to the next source).
fn truthy(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.is_empty() && *s != "0")
}

/// Lenovo machines whose system `Version` holds the model name (ThinkPad, IdeaPad, …).
fn lenovo_model_in_version(manufacturer: Option<&str>, version: Option<&str>) -> bool {
    const PREFIXES: &[&str] = &["think", "idea", "yoga", "netfinity", "netvista", "intelli"];
    let is_lenovo = manufacturer.is_some_and(|m| m.eq_ignore_ascii_case("lenovo"));
    let version = version.unwrap_or("").to_ascii_lowercase();
    is_lenovo && PREFIXES.iter().any(|p| version.starts_with(p))
}

/// Builds the BIOS entry and the HARDWARE UUID/CHASSIS_TYPE fields.
pub fn bios_hardware(dmi: &Dmi) -> BiosHardware {
    let bios_info = |k: &str| dmi.value(0, k);
    let system = |k: &str| dmi.value(1, k);
    let board = |k: &str| dmi.value(2, k);
    let chassis = |k: &str| dmi.value(3, k);

    let mut product_name = system("Product Name");
    if lenovo_model_in_version(system("Manufacturer"), system("Version")) {
        product_name = system("Version");
    }

    let mut bios = Entry::new();
    bios.set_opt("BMANUFACTURER", bios_info("Vendor"))
        .set_opt("BDATE", bios_info("Release Date"))
        .set_opt("BVERSION", bios_info("Version"))
        .set_opt("ASSETTAG", chassis("Asset Tag"))
        .set_opt("SMODEL", truthy(system("Product")).or(product_name))
        .set_opt("MMODEL", board("Product Name"))
        .set_opt("SKUNUMBER", system("SKU Number"))
        .set_opt(
            "SMANUFACTURER",
            truthy(system("Manufacturer")).or(system("Vendor")),
        )
        .set_opt("MMANUFACTURER", board("Manufacturer"))
        .set_opt("SSN", system("Serial Number"))
        .set_opt("MSN", board("Serial Number"));
    if truthy(bios.get("SSN")).is_none() {
        if let Some(serial) = truthy(chassis("Serial Number")) {
            bios.set("SSN", serial);
        }
    }

    let mut hardware = Entry::new();
    hardware
        .set_opt("UUID", system("UUID"))
        .set_opt("CHASSIS_TYPE", chassis("Type"));

    let virtualbox = bios.get("MMODEL") == Some("VirtualBox")
        && bios.get("SSN") == Some("0")
        && bios.get("MSN") == Some("0");
    if virtualbox {
        match hardware.get("UUID") {
            Some(uuid) => {
                bios.set("SSN", uuid.to_string());
            }
            None => {
                bios.remove("SSN");
            }
        }
    }

    BiosHardware { bios, hardware }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn lenovo_model_swap_and_chassis_serial() {
        let dmi = parse(
            "Handle 0x1, DMI type 1, 27 bytes\nSystem Information\n\tManufacturer: LENOVO\n\
             \tProduct Name: 1141CTO\n\tVersion: ThinkPad Edge E320\n\tUUID: abc\n\n\
             Handle 0x3, DMI type 3, 2 bytes\nChassis\n\tType: Notebook\n\tSerial Number: S1\n",
        );
        let r = bios_hardware(&dmi);
        assert_eq!(r.bios.get("SMODEL"), Some("ThinkPad Edge E320"));
        assert_eq!(r.bios.get("SSN"), Some("S1"));
        assert_eq!(r.hardware.get("CHASSIS_TYPE"), Some("Notebook"));
        assert_eq!(r.hardware.get("UUID"), Some("abc"));
    }

    #[test]
    fn virtualbox_serial_is_uuid() {
        let dmi = parse(
            "Handle 0x1, DMI type 1, 27 bytes\nSystem\n\tSerial Number: 0\n\tUUID: U-1\n\n\
             Handle 0x2, DMI type 2, 8 bytes\nBoard\n\tProduct Name: VirtualBox\n\tSerial Number: 0\n",
        );
        assert_eq!(bios_hardware(&dmi).bios.get("SSN"), Some("U-1"));
    }

    #[test]
    fn garbage_gives_empty_entries() {
        let r = bios_hardware(&parse("garbage\n\u{0}"));
        assert!(r.bios.is_empty() && r.hardware.is_empty());
    }
}
