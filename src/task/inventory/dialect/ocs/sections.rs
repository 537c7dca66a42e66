//! The OCS sections that only rename FusionInventory fields: `(section, [(OCS column,
//! FusionInventory fields tried in order)])`, read from `Apache::Ocsinventory::Map`
//! (server 2.8). BIOS TYPE falls back on the chassis type, as the Perl agent fills it.

use crate::task::inventory::model::{Entry, Inventory};

type Columns = &'static [(&'static str, &'static [&'static str])];

/// `(FusionInventory section, OCS section, columns)`.
pub const RENAMED: &[(&str, &str, Columns)] = &[
    (
        "ACCOUNTINFO",
        "ACCOUNTINFO",
        &[("KEYNAME", &["KEYNAME"]), ("KEYVALUE", &["KEYVALUE"])],
    ),
    (
        "BATTERIES",
        "BATTERIES",
        &[
            ("NAME", &["NAME"]),
            ("MANUFACTURER", &["MANUFACTURER"]),
            ("SERIALNUMBER", &["SERIAL"]),
            ("CHEMISTRY", &["CHEMISTRY"]),
            ("DESIGNCAPACITY", &["CAPACITY"]),
            ("DESIGNVOLTAGE", &["VOLTAGE"]),
            ("MANUFACTUREDATE", &["DATE"]),
        ],
    ),
    (
        "BIOS",
        "BIOS",
        &[
            ("ASSETTAG", &["ASSETTAG"]),
            ("BDATE", &["BDATE"]),
            ("BMANUFACTURER", &["BMANUFACTURER"]),
            ("BVERSION", &["BVERSION"]),
            ("MMANUFACTURER", &["MMANUFACTURER"]),
            ("MMODEL", &["MMODEL"]),
            ("MSN", &["MSN"]),
            ("SMANUFACTURER", &["SMANUFACTURER"]),
            ("SMODEL", &["SMODEL"]),
            ("SSN", &["SSN"]),
            ("TYPE", &["TYPE"]),
        ],
    ),
    (
        "CONTROLLERS",
        "CONTROLLERS",
        &[
            ("NAME", &["NAME"]),
            ("MANUFACTURER", &["MANUFACTURER"]),
            ("CAPTION", &["CAPTION"]),
            ("DESCRIPTION", &["DRIVER"]),
            ("TYPE", &["TYPE", "PCICLASS"]),
            ("VERSION", &["REV"]),
        ],
    ),
    (
        "DRIVES",
        "DRIVES",
        &[
            ("CREATEDATE", &["CREATEDATE"]),
            ("FILESYSTEM", &["FILESYSTEM"]),
            ("FREE", &["FREE"]),
            ("LETTER", &["LETTER"]),
            ("TOTAL", &["TOTAL"]),
            ("TYPE", &["TYPE"]),
            ("VOLUMN", &["VOLUMN"]),
        ],
    ),
    (
        "INPUTS",
        "INPUTS",
        &[
            ("CAPTION", &["CAPTION", "NAME"]),
            ("DESCRIPTION", &["DESCRIPTION"]),
            ("INTERFACE", &["INTERFACE"]),
            ("MANUFACTURER", &["MANUFACTURER"]),
            ("POINTTYPE", &["POINTINGTYPE"]),
            ("TYPE", &["TYPE"]),
        ],
    ),
    (
        "IPDISCOVER",
        "IPDISCOVER",
        &[("I", &["I"]), ("M", &["M"]), ("N", &["N"])],
    ),
    (
        "MEMORIES",
        "MEMORIES",
        &[
            ("CAPACITY", &["CAPACITY"]),
            ("CAPTION", &["CAPTION"]),
            ("DESCRIPTION", &["DESCRIPTION"]),
            ("NUMSLOTS", &["NUMSLOTS"]),
            ("PURPOSE", &["PURPOSE"]),
            ("SERIALNUMBER", &["SERIALNUMBER"]),
            ("SPEED", &["SPEED"]),
            ("TYPE", &["TYPE"]),
        ],
    ),
    (
        "MODEMS",
        "MODEMS",
        &[
            ("DESCRIPTION", &["DESCRIPTION"]),
            ("MODEL", &["MODEL"]),
            ("NAME", &["NAME"]),
            ("TYPE", &["TYPE"]),
        ],
    ),
    (
        "MONITORS",
        "MONITORS",
        &[
            ("CAPTION", &["CAPTION"]),
            ("DESCRIPTION", &["DESCRIPTION"]),
            ("MANUFACTURER", &["MANUFACTURER"]),
            ("SERIAL", &["SERIAL"]),
            ("TYPE", &["TYPE"]),
        ],
    ),
    (
        "PORTS",
        "PORTS",
        &[
            ("CAPTION", &["CAPTION"]),
            ("DESCRIPTION", &["DESCRIPTION"]),
            ("NAME", &["NAME"]),
            ("TYPE", &["TYPE"]),
        ],
    ),
    (
        "PRINTERS",
        "PRINTERS",
        &[
            ("COMMENT", &["COMMENT"]),
            ("DESCRIPTION", &["DESCRIPTION"]),
            ("DRIVER", &["DRIVER"]),
            ("NAME", &["NAME"]),
            ("NETWORK", &["NETWORK"]),
            ("PORT", &["PORT"]),
            ("RESOLUTION", &["RESOLUTION"]),
            ("SERVERNAME", &["SERVERNAME"]),
            ("SHARED", &["SHARED"]),
            ("SHARENAME", &["SHARENAME"]),
        ],
    ),
    (
        "REPOSITORY",
        "REPOSITORY",
        &[
            ("NAME", &["NAME"]),
            ("BASEURL", &["BASEURL"]),
            ("FILENAME", &["FILENAME"]),
        ],
    ),
    (
        "SLOTS",
        "SLOTS",
        &[
            ("DESCRIPTION", &["DESCRIPTION"]),
            ("DESIGNATION", &["DESIGNATION"]),
            ("NAME", &["NAME"]),
            ("STATUS", &["STATUS"]),
        ],
    ),
    (
        "SOUNDS",
        "SOUNDS",
        &[
            ("DESCRIPTION", &["DESCRIPTION"]),
            ("MANUFACTURER", &["MANUFACTURER"]),
            ("NAME", &["NAME"]),
        ],
    ),
    (
        "STORAGES",
        "STORAGES",
        &[
            ("DESCRIPTION", &["DESCRIPTION"]),
            ("DISKSIZE", &["DISKSIZE"]),
            ("FIRMWARE", &["FIRMWARE"]),
            ("MANUFACTURER", &["MANUFACTURER"]),
            ("MODEL", &["MODEL"]),
            ("NAME", &["NAME"]),
            ("SERIALNUMBER", &["SERIALNUMBER", "SERIAL"]),
            ("TYPE", &["TYPE"]),
        ],
    ),
    (
        "USBDEVICES",
        "USBDEVICES",
        &[
            ("DESCRIPTION", &["NAME", "CAPTION"]),
            ("MANUFACTURER", &["MANUFACTURER"]),
            ("SERIAL", &["SERIAL"]),
        ],
    ),
    (
        "VIDEOS",
        "VIDEOS",
        &[
            ("CHIPSET", &["CHIPSET"]),
            ("MEMORY", &["MEMORY"]),
            ("NAME", &["NAME"]),
            ("RESOLUTION", &["RESOLUTION"]),
        ],
    ),
    (
        "VIRTUALMACHINES",
        "VIRTUALMACHINES",
        &[
            ("MEMORY", &["MEMORY"]),
            ("NAME", &["NAME"]),
            ("STATUS", &["STATUS"]),
            ("SUBSYSTEM", &["SUBSYSTEM"]),
            ("UUID", &["UUID"]),
            ("VCPU", &["VCPU"]),
            ("VMTYPE", &["VMTYPE"]),
        ],
    ),
];

/// One entry with its columns renamed.
pub fn rename(e: &Entry, columns: Columns) -> Entry {
    let mut out = Entry::new();
    for (column, sources) in columns {
        out.set_opt(column, sources.iter().find_map(|s| e.get(s)));
    }
    out
}

/// Adds every renamed section of `inv` to `out`; the BIOS entry is always there.
pub fn renamed(inv: &Inventory, out: &mut Inventory) {
    for (from, to, columns) in RENAMED {
        for e in inv.section(from) {
            out.add(to, rename(e, columns));
        }
    }
    let bios = out.single("BIOS");
    if let Some(chassis) = inv.field("HARDWARE", "CHASSIS_TYPE") {
        bios.set_default("TYPE", chassis);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallbacks_in_order() {
        let mut e = Entry::new();
        e.set("SERIAL", "S").set("NAME", "sda");
        let (_, _, cols) = RENAMED.iter().find(|(s, _, _)| *s == "STORAGES").unwrap();
        let r = rename(&e, cols);
        assert_eq!(r.get("SERIALNUMBER"), Some("S"));
        assert_eq!(r.get("NAME"), Some("sda"));
        assert!(!r.has("SERIAL"));
    }
}
