//! `/usr/contrib/bin/machinfo`, the HP-UX (11.23 and later) summary of the machine: CPU,
//! memory, firmware, platform (model, serial, machine id) and OS. Parsed once into a
//! tree of sections; the CPU, BIOS and memory modules read it.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::task::inventory::module::Context;

/// A top-level value: a line `Key: value`, or a section opened by `Key:` and made of
/// indented `key: value` / `key = value` lines (keys lower-cased) or of free text (the
/// 11.31 `CPU info` sentence, its lines joined by spaces).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Text(String),
    Section(BTreeMap<String, String>),
}

pub type Machinfo = BTreeMap<String, Item>;

/// `key<sep> value` where the key runs from the first character (not a space) to the
/// first `sep` and a space follows it; the value is trimmed and not empty.
fn key_value(text: &str, sep: char) -> Option<(&str, &str)> {
    if text.starts_with(char::is_whitespace) {
        return None;
    }
    let at = text.find(sep)?;
    let (key, rest) = (&text[..at], &text[at + 1..]);
    if key.chars().count() < 2 || !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let value = rest.trim();
    (!value.is_empty()).then_some((key, value))
}

/// `key = value` (indented 11.23 style): the key is everything before the `=` less the
/// one space that must precede it.
fn key_equals_value(text: &str) -> Option<(&str, &str)> {
    let at = text.find('=')?;
    let key = text[..at].strip_suffix([' ', '\t'])?;
    let rest = &text[at + 1..];
    if key.chars().count() < 2
        || key.starts_with(char::is_whitespace)
        || !rest.starts_with(char::is_whitespace)
    {
        return None;
    }
    let value = rest.trim();
    (!value.is_empty()).then_some((key, value))
}

/// Parses `machinfo` output into its sections.
pub fn parse_machinfo(text: &str) -> Machinfo {
    let mut info = Machinfo::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if let Some((k, v)) = key_value(line, ':') {
            info.insert(k.to_string(), Item::Text(v.to_string()));
            continue;
        }
        let indented = line.trim_start();
        if indented.len() != line.len() && !indented.trim_end().is_empty() {
            let Some(section) = current.as_ref() else {
                continue;
            };
            let pair = key_value(indented, ':').or_else(|| key_equals_value(indented));
            match (pair, info.get_mut(section)) {
                (Some((k, v)), Some(Item::Section(map))) => {
                    map.insert(k.to_lowercase(), v.to_string());
                }
                (Some((k, v)), None) => {
                    let map = BTreeMap::from([(k.to_lowercase(), v.to_string())]);
                    info.insert(section.clone(), Item::Section(map));
                }
                (Some(_), Some(Item::Text(_))) => {}
                (None, Some(Item::Text(t))) => {
                    t.push(' ');
                    t.push_str(indented.trim_end());
                }
                (None, None) => {
                    info.insert(section.clone(), Item::Text(indented.trim_end().to_string()));
                }
                (None, Some(Item::Section(_))) => {}
            }
            continue;
        }
        if let Some(key) = line.strip_suffix(':') {
            if key.chars().count() >= 2
                && !key.starts_with(char::is_whitespace)
                && !key.contains(':')
            {
                current = Some(key.to_string());
            }
        }
    }
    info
}

/// A value of a section (`Platform info` → `machine serial number`).
pub fn get<'a>(info: &'a Machinfo, section: &str, key: &str) -> Option<&'a str> {
    match info.get(section)? {
        Item::Section(map) => map.get(key).map(String::as_str),
        Item::Text(_) => None,
    }
}

/// `machinfo`, run and parsed once per inventory (empty without it).
pub fn machinfo(ctx: &Context) -> Rc<Machinfo> {
    ctx.shared(|| {
        parse_machinfo(
            &ctx.command(&["/usr/contrib/bin/machinfo"])
                .unwrap_or_default(),
        )
    })
}

/// The memory in MB: `Memory: 8180 MB (7.99 GB)` (11.31) or `Memory = 4076 MB (…)`
/// (11.23, which the tree does not keep) of the raw text.
pub fn memory_mb(text: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let rest = l.strip_prefix("Memory")?.trim_start();
        let rest = rest.strip_prefix([':', '='])?.trim_start();
        let (n, unit) = rest.split_once(' ')?;
        unit.starts_with("MB").then(|| n.parse().ok()).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const M1131: &str = "CPU info:\n  3 Intel(R) Itanium 2 processors (1.6 GHz, 9 MB)\n          400 MT/s bus, CPU version A2\n\n\
        Memory: 8180 MB (7.99 GB)\n\nFirmware info:\n   Firmware revision:  03.17\n   IPMI is supported on this system.\n\n\
        Platform info:\n   Model:                  \"ia64 hp server rx4640\"\n   Machine serial number:  DEH45429DX\n\n\
        OS info:\n   vmunix _release_version:               \n@(#) $Revision: vmunix:    B.11.31_LR FLAVOR=perf \n";

    #[test]
    fn sections_and_sentence() {
        let m = parse_machinfo(M1131);
        assert_eq!(
            m["CPU info"],
            Item::Text(
                "3 Intel(R) Itanium 2 processors (1.6 GHz, 9 MB) 400 MT/s bus, CPU version A2"
                    .into()
            )
        );
        assert_eq!(m["Memory"], Item::Text("8180 MB (7.99 GB)".into()));
        assert_eq!(get(&m, "Firmware info", "firmware revision"), Some("03.17"));
        assert_eq!(
            get(&m, "Platform info", "model"),
            Some("\"ia64 hp server rx4640\"")
        );
        assert_eq!(
            m["@(#) $Revision"],
            Item::Text("vmunix:    B.11.31_LR FLAVOR=perf".into())
        );
        assert_eq!(m["OS info"], Item::Text("vmunix _release_version:".into()));
        assert_eq!(memory_mb(M1131), Some(8180));
    }

    #[test]
    fn equals_pairs() {
        let m = parse_machinfo("CPU info:\n   Number of CPUs = 2\n   Bus speed   = 400 MT/s\n   Clock speed = 1600 MHz\n\nMemory = 4076 MB (3.98 GB)\n");
        assert_eq!(get(&m, "CPU info", "number of cpus"), Some("2"));
        assert_eq!(get(&m, "CPU info", "bus speed  "), Some("400 MT/s"));
        assert!(!m.contains_key("Memory"));
        assert_eq!(memory_mb("Memory = 4076 MB (3.98 GB)\n"), Some(4076));
    }
}
