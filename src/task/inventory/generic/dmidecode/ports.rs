//! PORTS from dmidecode type 8 (Port Connector Information).
//!
//! One entry per structure: CAPTION (external connector type), DESCRIPTION (internal
//! connector type), NAME (internal reference designator), TYPE (port type).

use super::Dmi;
use crate::task::inventory::model::Entry;

/// The PORTS entries, or `None` when the output has no type-8 structure.
pub fn ports(dmi: &Dmi) -> Option<Vec<Entry>> {
    if !dmi.has(8) {
        return None;
    }
    let list = dmi
        .all(8)
        .iter()
        .map(|s| {
            let get = |k: &str| s.get(k).map(String::as_str);
            let mut e = Entry::new();
            e.set_opt("CAPTION", get("External Connector Type"))
                .set_opt("DESCRIPTION", get("Internal Connector Type"))
                .set_opt("NAME", get("Internal Reference Designator"))
                .set_opt("TYPE", get("Port Type"));
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
    fn reads_ports() {
        let dmi = parse(
            "Handle 0x8, DMI type 8, 9 bytes\nPort\n\tInternal Reference Designator: J1\n\
             \tInternal Connector Type: None\n\tExternal Connector Type: DB-9 male\n\tPort Type: Serial Port 16550A Compatible\n",
        );
        let p = ports(&dmi).unwrap_or_default();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].get("NAME"), Some("J1"));
        assert_eq!(p[0].get("CAPTION"), Some("DB-9 male"));
        assert!(!p[0].has("DESCRIPTION"));
    }

    #[test]
    fn garbage_gives_nothing() {
        assert_eq!(ports(&parse("garbage")), None);
    }
}
