//! POWERSUPPLIES from dmidecode type 39 (System Power Supply).
//!
//! One entry per power supply (battery-type structures skipped; an entry needs a NAME,
//! SERIALNUMBER or PARTNUM): NAME, MANUFACTURER (canonical brand), PARTNUM (Dell revision
//! suffix cut), SERIALNUMBER, STATUS, PLUGGED, LOCATION, POWER_MAX (verbatim, with unit),
//! HOTREPLACEABLE. Manufacturer names go through [`canonical_manufacturer`], the brand-name normaliser the
//! reference agent shares between PSU, battery, disk and CPU vendors.

use super::Dmi;
use crate::task::inventory::generic::manufacturer::canonical_manufacturer;
use crate::task::inventory::model::Entry;

/// dmidecode key -> POWERSUPPLIES field.
const FIELDS: &[(&str, &str)] = &[
    ("Name", "NAME"),
    ("Manufacturer", "MANUFACTURER"),
    ("Model Part Number", "PARTNUM"),
    ("Serial Number", "SERIALNUMBER"),
    ("Status", "STATUS"),
    ("Plugged", "PLUGGED"),
    ("Location", "LOCATION"),
    ("Max Power Capacity", "POWER_MAX"),
    ("Hot Replaceable", "HOTREPLACEABLE"),
];

/// The POWERSUPPLIES entries (empty when there is none).
pub fn power_supplies(dmi: &Dmi) -> Vec<Entry> {
    let mut list = Vec::new();
    for s in dmi.all(39) {
        if s.get("Type").is_some_and(|t| t == "Battery") {
            continue;
        }
        let mut e = Entry::new();
        for (key, field) in FIELDS {
            if let Some(v) = s.get(*key).filter(|v| !oem_placeholder(v)) {
                e.set(
                    field,
                    v.chars().filter(|c| !c.is_control()).collect::<String>(),
                );
            }
        }
        if let Some(m) = e.get("MANUFACTURER").map(canonical_manufacturer) {
            e.set("MANUFACTURER", m);
        }
        if e.get("MANUFACTURER") == Some("Dell") {
            if let Some(p) = e.get("PARTNUM").and_then(dell_part_number) {
                e.set("PARTNUM", p);
            }
        }
        if e.has("NAME") || e.has("SERIALNUMBER") || e.has("PARTNUM") {
            list.push(e);
        }
    }
    list
}

/// `To Be Filled By O.E.M.` (dots optional) and `OEM Define …` board placeholders.
fn oem_placeholder(v: &str) -> bool {
    let squeezed: String = v
        .to_ascii_lowercase()
        .chars()
        .filter(|c| *c != '.')
        .collect();
    squeezed.contains("to be filled by oem") || squeezed.contains("oem define")
}

/// Dell part numbers carry a revision: `00XW8WA02` -> `00XW8W`.
fn dell_part_number(p: &str) -> Option<String> {
    let b = p.as_bytes();
    let ok = b.len() == 9
        && b[..6]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        && matches!(b[6], b'A' | b'B')
        && b[7..].iter().all(u8::is_ascii_digit);
    ok.then(|| p[..6].to_string())
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn reads_power_supplies() {
        let dmi = parse(
            "Handle 0x39, DMI type 39, 22 bytes\nPSU\n\tName: PWR SPLY,750W\n\tManufacturer: DELL\n\
             \tModel Part Number: 00XW8WA02\n\tMax Power Capacity: 750 W\n\tPlugged: Yes\n\n\
             Handle 0x3a, DMI type 39, 22 bytes\nPSU\n\tName: To Be Filled By O.E.M\n\
             \tModel Part Number: OEM Define 5\n",
        );
        let p = power_supplies(&dmi);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].get("MANUFACTURER"), Some("Dell"));
        assert_eq!(p[0].get("PARTNUM"), Some("00XW8W"));
        assert_eq!(p[0].get("POWER_MAX"), Some("750 W"));
    }

    #[test]
    fn canonical_names() {
        assert_eq!(canonical_manufacturer("HPE"), "Hewlett-Packard");
        assert_eq!(canonical_manufacturer("SUPERMICRO"), "Supermicro");
        assert_eq!(canonical_manufacturer("Samsung SDI"), "Samsung");
        assert_eq!(canonical_manufacturer("LGC-LGC"), "LGC-LGC");
        assert_eq!(canonical_manufacturer("WDC"), "Western Digital");
        assert_eq!(canonical_manufacturer("GenuineIntel"), "Intel");
        assert_eq!(canonical_manufacturer(""), "");
    }

    #[test]
    fn garbage_gives_nothing() {
        assert!(power_supplies(&parse("\u{1}\n")).is_empty());
    }
}
