//! STORAGES identity fields from `smartctl -i /dev/<disk>` (smartmontools), ATA and SCSI/SAS.
//!
//! Produces TYPE (`disk` by default), DESCRIPTION (transport, `SATA` by default), INTERFACE,
//! DISKSIZE (MB, base 1000), FIRMWARE, MANUFACTURER (canonical brand), MODEL, SERIALNUMBER,
//! WWN. Each field takes the first `Key: value` line found among a list of keys and, unless
//! said otherwise, only the first word of the value.

use std::collections::HashMap;

use super::manufacturer::canonical_manufacturer;
use crate::task::inventory::model::Entry;

/// Reads `smartctl -i` output. Never fails: garbage gives `{TYPE: disk, DESCRIPTION: SATA}`.
pub fn parse(text: &str) -> Entry {
    let mut info: HashMap<String, String> = HashMap::new();
    for line in text.lines() {
        if let Some((key, value)) = line.split_once(':') {
            let value = value.trim();
            if !value.is_empty() && !key.trim().is_empty() {
                info.insert(key.trim().to_lowercase(), value.to_string());
            }
        }
    }
    let first_of = |keys: &[&'static str]| first_present(&info, keys);
    let word = |keys: &[&'static str]| first_of(keys).and_then(|(_, v)| first_word(v));

    let mut e = Entry::new();
    e.set(
        "TYPE",
        word(&["device type"]).unwrap_or_else(|| "disk".to_string()),
    )
    .set(
        "DESCRIPTION",
        word(&["transport protocol"]).unwrap_or_else(|| "SATA".to_string()),
    )
    .set_opt(
        "INTERFACE",
        word(&["transport protocol", "sata version is"]),
    )
    .set_opt(
        "DISKSIZE",
        first_of(&["user capacity"]).and_then(|(_, v)| size_in_mb(v)),
    )
    .set_opt("SERIALNUMBER", word(&["serial number"]))
    .set_opt(
        "WWN",
        first_of(&["lu wwn device id"]).map(|(_, v)| v.split_whitespace().collect::<String>()),
    );

    let firmware = first_of(&["revision", "firmware version"]).and_then(|(k, v)| match k {
        "revision" => first_word(v),
        _ => v.split_whitespace().next().map(str::to_string),
    });
    e.set_opt("FIRMWARE", firmware);

    let brand_keys = [
        "vendor",
        "model family",
        "add. product id",
        "device model",
        "product",
    ];
    e.set_opt(
        "MANUFACTURER",
        word(&brand_keys).map(|w| canonical_manufacturer(&w)),
    );

    let model = first_of(&["product", "device model", "model family"]).and_then(|(k, v)| match k {
        "device model" => {
            let run: String = v
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ' ' || *c == '-')
                .collect();
            Some(run.trim().to_string())
        }
        _ => first_word(v),
    });
    e.set_opt("MODEL", model);
    e
}

/// The first of `keys` present, with its value.
fn first_present<'a>(
    info: &'a HashMap<String, String>,
    keys: &[&'static str],
) -> Option<(&'static str, &'a str)> {
    keys.iter()
        .find_map(|k| info.get(*k).map(|v| (*k, v.as_str())))
}

/// The first run of word characters (letters, digits, `_`).
fn first_word(v: &str) -> Option<String> {
    let start = v.find(|c: char| c.is_alphanumeric() || c == '_')?;
    let word: String = v[start..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    Some(word)
}

/// `"480,103,981,056 bytes [480 GB]"` -> `"480103"` (MB, base 1000, truncated).
fn size_in_mb(v: &str) -> Option<String> {
    let number_end = v
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == ' '))
        .unwrap_or(v.len());
    let digits: String = v[..number_end]
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let value: u128 = digits.parse().ok()?;
    let unit = v[number_end..]
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let factor: u128 = match unit.as_str() {
        "bytes" | "b" => 1,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        _ => return None,
    };
    let bytes = value.checked_mul(factor)?;
    Some((bytes / 1_000_000).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ata_disk() {
        let e = parse(
            "=== START OF INFORMATION SECTION ===\nModel Family:     Micron 5100 Pro / 5200 SSDs\n\
             Device Model:     MTFDDAK480TDC\nSerial Number:    202028413FA9\n\
             LU WWN Device Id: 5 00a075 128413fa9\nFirmware Version: D1DF003\n\
             User Capacity:    480,103,981,056 bytes [480 GB]\n\
             SATA Version is:  SATA 3.2, 6.0 Gb/s (current: 6.0 Gb/s)\n",
        );
        assert_eq!(e.get("MANUFACTURER"), Some("Micron"));
        assert_eq!(e.get("MODEL"), Some("MTFDDAK480TDC"));
        assert_eq!(e.get("DISKSIZE"), Some("480103"));
        assert_eq!(e.get("WWN"), Some("500a075128413fa9"));
        assert_eq!(e.get("INTERFACE"), Some("SATA"));
        assert_eq!(e.get("DESCRIPTION"), Some("SATA"));
        assert_eq!(e.get("TYPE"), Some("disk"));
    }

    #[test]
    fn sas_disk() {
        let e = parse(
            "Vendor:               HGST\nProduct:              HUH721212AL5200\nRevision: NS07\n\
             User Capacity:        11,756,399,230,976 bytes [11.7 TB]\nSerial number: D5G7WG8L\n\
             Device type:          disk\nTransport protocol:   SAS (SPL-3)\n",
        );
        assert_eq!(e.get("MANUFACTURER"), Some("Hitachi"));
        assert_eq!(e.get("DESCRIPTION"), Some("SAS"));
        assert_eq!(e.get("DISKSIZE"), Some("11756399"));
        assert_eq!(e.get("SERIALNUMBER"), Some("D5G7WG8L"));
    }

    #[test]
    fn garbage_gives_defaults() {
        let e = parse(
            "\u{0}:::\nUser Capacity: 999999999999999999999999999999999999999999 bytes\n: x\n",
        );
        assert_eq!(e.get("TYPE"), Some("disk"));
        assert_eq!(e.len(), 2);
        assert_eq!(size_in_mb("99999999999999999999999999999999999 TB"), None);
    }
}
