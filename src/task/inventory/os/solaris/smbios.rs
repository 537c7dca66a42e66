//! `/usr/sbin/smbios` on Solaris x86: the SMBIOS structures by type name
//! (`SMB_TYPE_BIOS`, `SMB_TYPE_SYSTEM`…), for BIOS and the hardware UUID where
//! dmidecode is not installed.

use std::collections::BTreeMap;

/// Structures by type name, each a map of its `Key: value` lines; several structures of
/// the same type merge (later keys win). Values keep their inner spaces (a lone space
/// stays a space: `SKU Number: ` is " ").
pub type Smbios = BTreeMap<String, BTreeMap<String, String>>;

pub fn parse_smbios(text: &str) -> Smbios {
    let mut out = Smbios::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        let mut words = line.split_whitespace();
        if line.starts_with(|c: char| c.is_ascii_digit()) {
            if let (Some(id), Some(size), Some(kind)) = (words.next(), words.next(), words.next()) {
                if id.chars().all(|c| c.is_ascii_digit())
                    && size.chars().all(|c| c.is_ascii_digit())
                {
                    current = Some(kind.to_string());
                    continue;
                }
            }
        }
        let Some(kind) = &current else { continue };
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim_start();
        let value = value.trim_start();
        // `Key: ` keeps its single space, as `\s*(.+)` would
        let value = if value.is_empty() {
            let raw = &line[line.find(':').map_or(0, |i| i + 1)..];
            match raw.chars().last() {
                Some(c) if c.is_whitespace() => &raw[raw.len() - c.len_utf8()..],
                _ => "",
            }
        } else {
            value
        };
        if key.is_empty() || value.is_empty() {
            continue;
        }
        out.entry(kind.clone())
            .or_default()
            .insert(key.to_string(), value.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn structures_by_type() {
        let s = super::parse_smbios(
            "ID    SIZE TYPE\n1     76   SMB_TYPE_SYSTEM (system information)\n\n  Manufacturer: Sun Microsystems, Inc.\n  Product: Sun Fire V40z\n  UUID: be1630df-d130-41a4-be32-fd28bb4bd1ac\n  SKU Number: \n  Family:\n",
        );
        let sys = &s["SMB_TYPE_SYSTEM"];
        assert_eq!(sys["Product"], "Sun Fire V40z");
        assert_eq!(sys["SKU Number"], " ");
        assert!(!sys.contains_key("Family"));
        assert_eq!(sys.len(), 4);
    }
}
