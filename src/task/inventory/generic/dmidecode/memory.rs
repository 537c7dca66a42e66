//! MEMORIES from dmidecode: one entry per memory device (type 17), empty slots included,
//! or per memory module (type 6) on old BIOSes without type 17.
//!
//! Fields: NUMSLOTS (1-based position), CAPTION, DESCRIPTION, TYPE, SPEED (MHz), CAPACITY
//! (MB), SERIALNUMBER, MANUFACTURER, MODEL, MEMORYCORRECTION (from type 16). Part numbers
//! given in hex are decoded; part numbers of known vendors (Elpida, Hynix, Micron, Samsung)
//! name the manufacturer and fill TYPE and SPEED when dmidecode had none.

use super::{leading_number, number_text, Dmi, Structure};
use crate::task::inventory::model::Entry;

/// The MEMORIES entries, or `None` when the output has neither type 17 nor type 6.
pub fn memories(dmi: &Dmi) -> Option<Vec<Entry>> {
    if dmi.has(17) {
        let correction = dmi.value(16, "Error Correction Type");
        let list = dmi
            .all(17)
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                !s.get("Type")
                    .is_some_and(|t| t.to_ascii_lowercase().contains("flash"))
            })
            .map(|(i, s)| memory_device(i + 1, s, correction))
            .collect();
        Some(list)
    } else if dmi.has(6) {
        Some(
            dmi.all(6)
                .iter()
                .enumerate()
                .map(|(i, s)| memory_module(i + 1, s))
                .collect(),
        )
    } else {
        None
    }
}

/// One DMI type-17 structure.
fn memory_device(slot: usize, s: &Structure, correction: Option<&str>) -> Entry {
    let get = |k: &str| s.get(k).map(String::as_str);
    let mut e = Entry::new();
    e.set("NUMSLOTS", slot.to_string())
        .set_opt("DESCRIPTION", get("Form Factor"))
        .set_opt("CAPTION", get("Locator"))
        .set_opt("SPEED", get("Speed").and_then(canonical_speed))
        .set_opt("TYPE", get("Type"))
        .set_opt("SERIALNUMBER", get("Serial Number"))
        .set_opt("MEMORYCORRECTION", correction)
        .set_opt(
            "MANUFACTURER",
            get("Manufacturer").filter(|m| real_manufacturer(m)),
        );
    if let Some(size) = get("Size").and_then(size_in_mb) {
        e.set("CAPACITY", size);
    }
    let part =
        get("Part Number").filter(|p| !["DIMM", "PartNum", "SerNum"].iter().any(|w| p.contains(w)));
    if let Some(part) = part {
        let model = decode_part_number(part);
        if let Some(known) = PartNumber::decode(&model, get("Module Manufacturer ID")) {
            e.set("MANUFACTURER", known.manufacturer);
            if !e.has("SPEED") {
                e.set_opt("SPEED", known.speed.map(|s| s.to_string()));
            }
            if !e.has("TYPE") {
                e.set("TYPE", known.kind);
            }
        }
        e.set("MODEL", model);
    }
    e
}

/// One DMI type-6 structure (old "Memory Module Information").
fn memory_module(slot: usize, s: &Structure) -> Entry {
    let mut e = Entry::new();
    e.set("NUMSLOTS", slot.to_string())
        .set_opt("TYPE", s.get("Type").map(String::as_str));
    if let Some(size) = s.get("Installed Size").and_then(|v| size_in_mb(v)) {
        e.set("CAPACITY", size);
    }
    e
}

/// Manufacturer strings that are placeholders or raw JEDEC codes, not names.
fn real_manufacturer(m: &str) -> bool {
    let lower = m.to_ascii_lowercase();
    let bogus = ["manufacturer", "undefined", "none", "00000", " dimm"]
        .iter()
        .any(|w| lower.contains(w))
        || lower.starts_with("0x");
    !bogus
}

/// `"800 MHz"` -> 800, `"1.6 GHz"` -> 1600, `"1333 MT/s"` -> 1333, `"PC3200U…"` -> 400.
pub(crate) fn canonical_speed(speed: &str) -> Option<String> {
    if speed.starts_with("PC3200U") {
        return Some("400".to_string());
    }
    let value = leading_number(speed)?;
    let unit = speed
        .trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match unit.as_str() {
        "" | "mhz" | "mt/s" => Some(number_text(value)),
        "ghz" => Some(number_text(value * 1000.0)),
        _ => None,
    }
}

/// `"2 GB"`, `"512 MB"`, `"256Mbyte"` -> size in MB (base 1024); `None` for anything else.
fn size_in_mb(size: &str) -> Option<String> {
    let size = size.trim();
    let digits_end = size
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(size.len());
    let value: f64 = size[..digits_end].parse().ok()?;
    let unit: Vec<char> = size[digits_end..].trim_start().chars().take(2).collect();
    if unit.len() < 2 || !unit[1].eq_ignore_ascii_case(&'b') {
        return None;
    }
    let factor = match unit[0].to_ascii_uppercase() {
        'K' => 1.0 / 1024.0,
        'M' => 1.0,
        'G' => 1024.0,
        'T' => 1024.0 * 1024.0,
        _ => return None,
    };
    Some(number_text(value * factor))
}

/// A `0x…` hex part number decoded to characters; control characters removed; trimmed.
fn decode_part_number(part: &str) -> String {
    let decoded: String = match part.strip_prefix("0x") {
        Some(hex) if hex.len() % 2 == 0 && hex.chars().all(|c| c.is_ascii_hexdigit()) => (0..hex
            .len())
            .step_by(2)
            .filter_map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
            .map(char::from)
            .collect(),
        _ => part.to_string(),
    };
    decoded
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_string()
}

/// What a known vendor's part number tells about a module.
#[derive(Debug, PartialEq, Eq)]
struct PartNumber {
    manufacturer: &'static str,
    kind: &'static str,
    speed: Option<u32>,
}

/// A vendor's decoder: part number -> (memory type, speed in MHz).
type Scheme = fn(&str) -> Option<(&'static str, Option<u32>)>;

/// Known vendors: name, JEDEC manufacturer code, decoder.
const SCHEMES: &[(&str, &str, Scheme)] = &[
    ("Hynix", "0xAD", hynix),
    ("Samsung", "0xCE", samsung),
    ("Micron", "0x2C", micron),
    ("Elpida", "0xFE", elpida),
];

impl PartNumber {
    /// Tries each vendor scheme; `mm_id` (dmidecode `Module Manufacturer ID`, e.g.
    /// `Bank 1, Hex 0xCE`) when present must name the same vendor.
    fn decode(part: &str, mm_id: Option<&str>) -> Option<PartNumber> {
        if part.contains(char::is_whitespace) {
            return None;
        }
        let mm_hex = mm_id.and_then(|m| m.find("0x").map(|i| m[i..].to_ascii_uppercase()));
        SCHEMES.iter().find_map(|(manufacturer, jedec, scheme)| {
            if mm_hex
                .as_deref()
                .is_some_and(|h| !h.starts_with(&jedec.to_ascii_uppercase()))
            {
                return None;
            }
            let (kind, speed) = scheme(part)?;
            Some(PartNumber {
                manufacturer,
                kind,
                speed,
            })
        })
    }
}

/// The speed code after the first dash: `"HMT42GR7AFR4A-PB"` -> `"PB"`.
fn speed_code(part: &str, skip: usize, len: usize) -> Option<&str> {
    let after = part.split_once('-')?.1;
    after.get(skip..skip + len)
}

fn lookup(table: &[(&str, u32)], code: Option<&str>) -> Option<u32> {
    let code = code?;
    table.iter().find(|(c, _)| *c == code).map(|(_, s)| *s)
}

/// SK Hynix modules: HYMP/HMP (DDR2), HMT (DDR3), HMA (DDR4), then `-<speed code>`.
fn hynix(part: &str) -> Option<(&'static str, Option<u32>)> {
    const SPEEDS: &[(&str, u32)] = &[
        ("E3", 400),
        ("C4", 533),
        ("Y5", 667),
        ("S5", 800),
        ("S6", 800),
        ("G7", 1066),
        ("H9", 1333),
        ("PB", 1600),
        ("RD", 1866),
        ("TF", 2133),
        ("UH", 2400),
        ("VK", 2666),
        ("WM", 2933),
        ("XN", 3200),
    ];
    let kind = if part.starts_with("HYMP") || part.starts_with("HMP") {
        "DDR2"
    } else if part.starts_with("HMT") {
        "DDR3"
    } else if part.starts_with("HMA") {
        "DDR4"
    } else {
        return None;
    };
    let body = part.split_once('-')?.0;
    if body.len() < 8 || !body.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some((kind, lookup(SPEEDS, speed_code(part, 0, 2))))
}

/// Samsung modules: `M` + 3 digits + generation letter (T DDR2, B DDR3, A DDR4), then
/// `-<temperature letter><speed code>`.
fn samsung(part: &str) -> Option<(&'static str, Option<u32>)> {
    const SPEEDS: &[(&str, u32)] = &[
        ("CC", 400),
        ("D5", 533),
        ("E6", 667),
        ("E7", 800),
        ("F7", 800),
        ("F8", 1066),
        ("H9", 1333),
        ("K0", 1600),
        ("MA", 1866),
        ("NB", 2133),
        ("PB", 2133),
        ("RC", 2400),
        ("TD", 2666),
        ("VF", 2933),
        ("WE", 3200),
    ];
    let bytes = part.as_bytes();
    if bytes.len() < 8 || bytes[0] != b'M' || !bytes[1..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let kind = match bytes[4] {
        b'T' => "DDR2",
        b'B' => "DDR3",
        b'A' => "DDR4",
        _ => return None,
    };
    let (body, _) = part.split_once('-')?;
    if !body.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some((kind, lookup(SPEEDS, speed_code(part, 1, 2))))
}

/// Micron modules: optional `MT`, chip count, family letters (HTF DDR2; J…/K… DDR3;
/// A… DDR4), then `-<speed>` (`800`, `1G4`, `2G1`, …).
fn micron(part: &str) -> Option<(&'static str, Option<u32>)> {
    const SPEEDS: &[(&str, u32)] = &[
        ("667", 667),
        ("800", 800),
        ("1G1", 1066),
        ("1G4", 1333),
        ("1G6", 1600),
        ("1G9", 1866),
        ("2G1", 2133),
        ("2G3", 2400),
        ("2G6", 2666),
        ("2G9", 2933),
        ("3G2", 3200),
    ];
    let rest = part.strip_prefix("MT").unwrap_or(part);
    let count_len = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(0);
    if !(1..=2).contains(&count_len) {
        return None;
    }
    let family = rest.get(count_len..count_len + 3)?;
    let kind = match family.as_bytes() {
        [b'H', b'T', b'F'] => "DDR2",
        [b'J' | b'K', b'B' | b'D' | b'S' | b'T', b'F'] => "DDR3",
        [b'A', b'B' | b'D' | b'S' | b'T', b'F'] => "DDR4",
        _ => return None,
    };
    part.split_once('-')?;
    Some((kind, lookup(SPEEDS, speed_code(part, 0, 3))))
}

/// Elpida modules: EBD (DDR), EBE (DDR2), EBJ (DDR3), then `-<speed code>`.
fn elpida(part: &str) -> Option<(&'static str, Option<u32>)> {
    const SPEEDS: &[(&str, u32)] = &[
        ("5C", 533),
        ("6E", 667),
        ("8E", 800),
        ("8G", 800),
        ("AE", 1066),
        ("DJ", 1333),
        ("GN", 1600),
    ];
    let kind = match part.get(..3)? {
        "EBD" => "DDR",
        "EBE" => "DDR2",
        "EBJ" => "DDR3",
        _ => return None,
    };
    part.split_once('-')?;
    Some((kind, lookup(SPEEDS, speed_code(part, 0, 2))))
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn memory_device_fields() {
        let dmi = parse(
            "Handle 0x1, DMI type 16, 15 bytes\nArray\n\tError Correction Type: Multi-bit ECC\n\n\
             Handle 0x2, DMI type 17, 27 bytes\nMemory\n\tSize: 2 GB\n\tLocator: A1\n\
             \tType: <OUT OF SPEC>\n\tSpeed: 1067 MHz\n\tManufacturer: 00AD00B300AD\n\
             \tPart Number: HMT125S6BFR8C-H9\n\n\
             Handle 0x3, DMI type 17, 27 bytes\nMemory\n\tType: Flash\n\n\
             Handle 0x4, DMI type 17, 27 bytes\nMemory\n\tSize: No Module Installed\n\
             \tManufacturer: 0xCE00000000000000\n\tPart Number: 0x4B00000000\n",
        );
        let m = memories(&dmi).unwrap_or_default();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].get("CAPACITY"), Some("2048"));
        assert_eq!(m[0].get("MANUFACTURER"), Some("Hynix"));
        assert_eq!(m[0].get("TYPE"), Some("DDR3"));
        assert_eq!(m[0].get("SPEED"), Some("1067"));
        assert_eq!(m[0].get("MEMORYCORRECTION"), Some("Multi-bit ECC"));
        assert_eq!(m[1].get("NUMSLOTS"), Some("3"));
        assert_eq!(m[1].get("MODEL"), Some("K"));
        assert!(!m[1].has("MANUFACTURER") && !m[1].has("CAPACITY"));
    }

    #[test]
    fn speeds_and_sizes() {
        assert_eq!(canonical_speed("533 MHz (1.9 ns)").as_deref(), Some("533"));
        assert_eq!(canonical_speed("1.6 GHz").as_deref(), Some("1600"));
        assert_eq!(canonical_speed("Unknown"), None);
        assert_eq!(size_in_mb("256Mbyte").as_deref(), Some("256"));
        assert_eq!(size_in_mb("Not Installed"), None);
    }

    #[test]
    fn part_numbers() {
        let d = |p| PartNumber::decode(p, None);
        assert_eq!(
            d("M386A4G40DM0-CPB").map(|p| (p.kind, p.speed)),
            Some(("DDR4", Some(2133)))
        );
        assert_eq!(
            d("EBE21UE8ACUA-8G-E").map(|p| p.manufacturer),
            Some("Elpida")
        );
        assert_eq!(
            d("MT36KSF1G72PZ-1G4M1").map(|p| (p.kind, p.speed)),
            Some(("DDR3", Some(1333)))
        );
        assert_eq!(d("M3 78T2953EZ3-CE6"), None);
        assert_eq!(d("F3-12800CL9-2GBXL"), None);
        assert_eq!(
            PartNumber::decode("HMT42GR7AFR4A-PB", Some("Bank 1, Hex 0xCE")),
            None
        );
    }

    #[test]
    fn garbage_gives_nothing() {
        assert_eq!(memories(&parse("x\n\u{7f}\n")), None);
        let dmi = parse("Handle 1, DMI type 17, 1 bytes\nM\n\tPart Number: 0xZZ\n\tSize: 99999999999999999999999 GB\n");
        assert_eq!(memories(&dmi).map(|m| m.len()), Some(1));
    }
}
