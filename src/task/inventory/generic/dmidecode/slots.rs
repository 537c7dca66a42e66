//! SLOTS from dmidecode type 9 (System Slot Information).
//!
//! One entry per structure: NAME (designation), DESCRIPTION (slot type), DESIGNATION (slot
//! ID), STATUS (`used`/`free` from the current usage).

use super::Dmi;
use crate::task::inventory::model::Entry;

/// The SLOTS entries, or `None` when the output has no type-9 structure.
pub fn slots(dmi: &Dmi) -> Option<Vec<Entry>> {
    if !dmi.has(9) {
        return None;
    }
    let list = dmi
        .all(9)
        .iter()
        .map(|s| {
            let get = |k: &str| s.get(k).map(String::as_str);
            let status = match get("Current Usage") {
                Some("In Use") => Some("used"),
                Some("Available") => Some("free"),
                _ => None,
            };
            let mut e = Entry::new();
            e.set_opt("NAME", get("Designation"))
                .set_opt("DESCRIPTION", get("Type"))
                .set_opt("DESIGNATION", get("ID"))
                .set_opt("STATUS", status);
            e
        })
        .collect();
    Some(list)
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn reads_slots() {
        let dmi = parse(
            "Handle 0x9, DMI type 9, 13 bytes\nSlot\n\tDesignation: PCI1\n\tType: 32-bit PCI\n\
             \tCurrent Usage: In Use\n\tID: 1\n",
        );
        let s = slots(&dmi).unwrap_or_default();
        assert_eq!(s[0].get("STATUS"), Some("used"));
        assert_eq!(s[0].get("DESIGNATION"), Some("1"));
        assert_eq!(s[0].get("DESCRIPTION"), Some("32-bit PCI"));
    }

    #[test]
    fn garbage_gives_nothing() {
        assert_eq!(slots(&parse("\u{0}")), None);
    }
}
