//! The shared `dmidecode` text reader, and one sub-module per inventory section built on it.
//!
//! [`parse`] reads the plain text output of `dmidecode` (no options; any OS, any dmidecode
//! version from 2.2 on, LF or CRLF line endings) into a [`Dmi`]: for each DMI type number,
//! the list of its structures in file order, each structure a map `key -> value`.
//! The section modules ([`bios`], [`memory`], [`cpu`], …) are pure functions of a `&Dmi`.
//!
//! Reading rules (those of the reference agent, so that every section sees the same data):
//! a `Handle …, DMI type N, …` line opens a structure of type N; inside it only indented
//! `Key: Value` lines with a non-empty value are kept (key up to the first colon, value
//! trimmed with inner white space collapsed); list items and headers without a value are
//! skipped; a repeated key overwrites; placeholder values (`N/A`, `Not Specified`, …) are
//! dropped; a structure left without any key is not recorded.

pub mod battery;
pub mod bios;
pub mod cpu;
pub mod memory;
pub mod ports;
pub mod psu;
pub mod sections;
pub mod slots;

use std::collections::BTreeMap;

/// One DMI structure: dmidecode key -> value.
pub type Structure = BTreeMap<String, String>;

/// The whole `dmidecode` output: DMI type number -> structures of that type, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dmi {
    types: BTreeMap<u32, Vec<Structure>>,
}

/// Values that mean "no value" whatever the vendor (compared case-insensitively).
const PLACEHOLDERS: &[&str] = &[
    "n/a",
    "none",
    "unknown",
    "not specified",
    "not present",
    "not available",
    "<bad index>",
    "<out of spec>",
    "<out of spec><out of spec>",
    "to be filled by o.e.m.",
];

impl Dmi {
    /// The first structure of type `t`, if any.
    pub fn first(&self, t: u32) -> Option<&Structure> {
        self.types.get(&t).and_then(|list| list.first())
    }

    /// All structures of type `t`, in file order (empty when there are none).
    pub fn all(&self, t: u32) -> &[Structure] {
        self.types.get(&t).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// A value of the first structure of type `t`.
    pub fn value(&self, t: u32, key: &str) -> Option<&str> {
        self.first(t).and_then(|s| s.get(key)).map(|v| v.as_str())
    }

    /// Whether the output held at least one structure of type `t`.
    pub fn has(&self, t: u32) -> bool {
        !self.all(t).is_empty()
    }

    /// Whether nothing at all was read.
    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }

    /// Type numbers present, ascending, with their structures.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &[Structure])> {
        self.types.iter().map(|(t, v)| (*t, v.as_slice()))
    }
}

/// Reads `dmidecode` text output. Never fails: garbage gives an empty [`Dmi`].
pub fn parse(text: &str) -> Dmi {
    let mut dmi = Dmi::default();
    let mut current: Option<(u32, Structure)> = None;
    for line in text.lines() {
        if let Some(t) = header_type(line) {
            push(&mut dmi, current.take());
            current = Some((t, Structure::new()));
            continue;
        }
        let Some((_, structure)) = current.as_mut() else {
            continue;
        };
        if let Some((key, value)) = key_value(line) {
            structure.insert(key, value);
        }
    }
    push(&mut dmi, current);
    dmi
}

fn push(dmi: &mut Dmi, structure: Option<(u32, Structure)>) {
    if let Some((t, s)) = structure {
        if !s.is_empty() {
            dmi.types.entry(t).or_default().push(s);
        }
    }
}

/// The type number of a `Handle 0x0000, DMI type 0, 20 bytes` line.
fn header_type(line: &str) -> Option<u32> {
    let rest = &line[line.find("DMI type ")? + "DMI type ".len()..];
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

/// An indented `Key: Value` line with a real (non-placeholder) value.
fn key_value(line: &str) -> Option<(String, String)> {
    if !line.starts_with(|c: char| c.is_whitespace()) {
        return None;
    }
    let (key, value) = line.split_once(':')?;
    // The value must follow ": " (a colon then one white space character).
    if !value.starts_with(|c: char| c.is_whitespace()) {
        return None;
    }
    let key = key.trim_start();
    if key.is_empty() {
        return None;
    }
    let value = collapse(value);
    if value.is_empty() || is_placeholder(&value) {
        return None;
    }
    Some((key.to_string(), value))
}

/// Trims and collapses inner runs of white space to one space.
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True for a DMI string that means "no value" (`Not Specified`, `To Be Filled By O.E.M.`…).
pub fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    PLACEHOLDERS.contains(&lower.as_str())
}

/// Leading number of a size/speed text (`"2 GB"` -> 2.0, `"1.6 GHz"` -> 1.6).
pub(crate) fn leading_number(s: &str) -> Option<f64> {
    let s = s.trim_start();
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    s[..end].parse().ok()
}

/// Formats a number the way the reference (Perl, 15 significant digits) prints it:
/// `1.73 * 1000` gives `"1730"`, not `"1730.0000000000002"`.
pub fn number_text(n: f64) -> String {
    let rounded: f64 = format!("{n:.14e}").parse().unwrap_or(n);
    if rounded.fract() == 0.0 && rounded.abs() < 1e15 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# dmidecode 2.9\r\nSMBIOS 2.4 present.\r\n\r\n\
Handle 0x0000, DMI type 0, 24 bytes\r\nBIOS Information\r\n\tVendor: Dell  Inc. \r\n\
\tVersion: N/A\r\n\tCharacteristics:\r\n\t\tPCI is supported\r\n\r\n\
Handle 0x0001, DMI type 1, 27 bytes\nSystem Information\n\tManufacturer: To Be Filled By O.E.M.\n\
\tProduct Name: System Product Name\n\tDescription: Machine Type 8480 : Enabled\n\n\
Handle 0x0002, DMI type 17, 27 bytes\nMemory Device\n\tSize: No Module Installed\n\n\
Handle 0x0003, DMI type 17, 27 bytes\nMemory Device\n\tSize: 1024 MB\n\tSize: 2048 MB\n\n\
Handle 0x0004, DMI type 126, 4 bytes\nInactive\n\n";

    #[test]
    fn reads_structures_by_type() {
        let dmi = parse(SAMPLE);
        assert_eq!(dmi.value(0, "Vendor"), Some("Dell Inc."));
        assert_eq!(dmi.value(0, "Version"), None);
        assert_eq!(dmi.value(1, "Manufacturer"), None);
        assert_eq!(dmi.value(1, "Product Name"), Some("System Product Name"));
        assert_eq!(
            dmi.value(1, "Description"),
            Some("Machine Type 8480 : Enabled")
        );
        assert_eq!(dmi.all(17).len(), 2);
        assert_eq!(
            dmi.all(17)[1].get("Size").map(String::as_str),
            Some("2048 MB")
        );
        assert!(!dmi.has(126));
    }

    #[test]
    fn garbage_gives_nothing() {
        assert!(parse("").is_empty());
        assert!(
            parse("\u{0}\u{1}garbage: x\n\tKey: v\nDMI type 99999999999999999999\n").is_empty()
        );
        assert!(parse("DMI type \n\t:\n\t: x\n").is_empty());
    }

    #[test]
    fn numbers() {
        assert_eq!(leading_number(" 1.6 GHz"), Some(1.6));
        assert_eq!(leading_number("x"), None);
        assert_eq!(number_text(2048.0), "2048");
        assert_eq!(number_text(0.46), "0.46");
        assert_eq!(number_text(1.73 * 1000.0), "1730");
    }
}
