//! What a sysDescr says about a device when its sysObjectID did not: the vendor from the
//! first word (`Cisco IOS Software…`, `RICOH Aficio…`), the kind from telling words
//! (`Switch`, `JETDIRECT`). The words are those the reference agents recognise, so both
//! name the same vendor the same way.

/// First word (lower case) → (vendor, kind).
const FIRST_WORDS: &[(&str, &str, Option<&str>)] = &[
    ("3com", "3Com", Some("NETWORKING")),
    ("alcatel-lucent", "Alcatel-Lucent", Some("NETWORKING")),
    ("allied", "Allied", Some("NETWORKING")),
    ("alteon", "Alteon", Some("NETWORKING")),
    ("apc", "APC", Some("NETWORKING")),
    ("apple", "Apple", None),
    ("avaya", "Avaya", None),
    ("axis", "Axis", Some("NETWORKING")),
    ("baystack", "Nortel", Some("NETWORKING")),
    ("broadband", "Broadband", Some("NETWORKING")),
    ("brocade", "Brocade", Some("NETWORKING")),
    ("brother", "Brother", Some("PRINTER")),
    ("canon", "Canon", Some("PRINTER")),
    ("cisco", "Cisco", Some("NETWORKING")),
    ("dell", "Dell", None),
    ("designjet", "Hewlett-Packard", Some("PRINTER")),
    ("deskjet", "Hewlett-Packard", Some("PRINTER")),
    ("d-link", "D-Link", Some("NETWORKING")),
    ("eaton", "Eaton", Some("NETWORKING")),
    ("emc", "EMC", Some("STORAGE")),
    ("enterasys", "Enterasys", Some("NETWORKING")),
    ("epson", "Epson", Some("PRINTER")),
    ("extreme", "Extreme", Some("NETWORKING")),
    ("extremexos", "Extreme", Some("NETWORKING")),
    ("force10", "Force10", Some("NETWORKING")),
    ("foundry", "Foundry", Some("NETWORKING")),
    ("fuji", "Fuji", Some("NETWORKING")),
    ("h3c", "H3C", Some("NETWORKING")),
    ("hp", "Hewlett-Packard", None),
    ("ibm", "IBM", Some("COMPUTER")),
    ("juniper", "Juniper", Some("NETWORKING")),
    ("konica", "Konica", Some("PRINTER")),
    ("kyocera", "Kyocera", Some("PRINTER")),
    ("lancom", "Lancom", Some("NETWORKING")),
    ("lexmark", "Lexmark", Some("PRINTER")),
    ("netapp", "NetApp", Some("STORAGE")),
    ("netgear", "NetGear", Some("NETWORKING")),
    ("nortel", "Nortel", Some("NETWORKING")),
    ("nrg", "NRG", Some("PRINTER")),
    ("officejet", "Hewlett-Packard", Some("PRINTER")),
    ("oki", "OKI", Some("PRINTER")),
    ("powerconnect", "PowerConnect", Some("NETWORKING")),
    ("procurve", "Hewlett-Packard", Some("NETWORKING")),
    ("ricoh", "Ricoh", Some("PRINTER")),
    ("sagem", "Sagem", Some("NETWORKING")),
    ("samsung", "Samsung", Some("PRINTER")),
    ("sharp", "Sharp", Some("PRINTER")),
    ("toshiba", "Toshiba", Some("PRINTER")),
    ("wyse", "Wyse", Some("COMPUTER")),
    ("xerox", "Xerox", Some("PRINTER")),
    ("xirrus", "Xirrus", Some("NETWORKING")),
    ("zebranet", "Zebranet", Some("PRINTER")),
    ("ztc", "ZTC", Some("NETWORKING")),
    ("zywall", "ZyWall", Some("NETWORKING")),
];

/// (vendor, kind) from the first word of a sysDescr.
pub fn first_word(sysdescr: &str) -> Option<(&'static str, Option<&'static str>)> {
    let word = sysdescr.split_whitespace().next()?.to_lowercase();
    FIRST_WORDS
        .iter()
        .find(|(w, _, _)| *w == word)
        .map(|(_, m, k)| (*m, *k))
}

/// (vendor, kind) from words anywhere in a sysDescr; the first rule that matches wins.
pub fn rules(sysdescr: &str) -> Option<(Option<&'static str>, &'static str)> {
    if sysdescr.contains("Switch") {
        return Some((None, "NETWORKING"));
    }
    if sysdescr.contains("JETDIRECT") {
        return Some((None, "PRINTER"));
    }
    if is_qnap(sysdescr) {
        return Some((Some("Qnap"), "STORAGE"));
    }
    None
}

/// `Linux TS-<digits>`: a QNAP NAS.
fn is_qnap(s: &str) -> bool {
    s.match_indices("Linux TS-").any(|(p, m)| {
        s[p + m.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_rules() {
        assert_eq!(
            first_word("Cisco IOS Software, C3560"),
            Some(("Cisco", Some("NETWORKING")))
        );
        assert_eq!(first_word("RICOH Aficio"), Some(("Ricoh", Some("PRINTER"))));
        assert_eq!(first_word("Linux host 6.1"), None);
        assert_eq!(first_word(""), None);
        assert_eq!(
            rules("ProCurve J8697A Switch 5406zl"),
            Some((None, "NETWORKING"))
        );
        assert_eq!(rules("Linux TS-453 4.2"), Some((Some("Qnap"), "STORAGE")));
        assert_eq!(rules("Linux TS-x"), None);
    }
}
