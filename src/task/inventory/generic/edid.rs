//! EDID monitor blocks -> MONITORS identity fields.
//!
//! Reads a raw EDID block (128 bytes, extension blocks ignored; from
//! `/sys/class/drm/*/edid` and the like) and produces MANUFACTURER (vendor name of the
//! 3-letter PNP id, or the id itself when unknown), CAPTION (monitor name), SERIAL,
//! ALTSERIAL (vendor-specific alternative serial: Acer, LG, Philips, Samsung put the
//! "real" serial in different places) and DESCRIPTION (`week/year` of manufacture).
//!
//! Vendor names come from the system PNP id database (`pnp.ids` of hwdata), passed in as
//! a lookup so the parser stays pure: see [`PnpIds`] and [`load_pnp_ids`].

use std::collections::HashMap;

use crate::task::inventory::model::Entry;

/// Where distributions install the PNP id list (`hwdata` package, Debian/Fedora/Arch).
pub const PNP_IDS_PATHS: &[&str] = &["/usr/share/hwdata/pnp.ids", "/usr/share/misc/pnp.ids"];

/// The PNP vendor table: 3-letter id -> vendor name.
#[derive(Clone, Debug, Default)]
pub struct PnpIds {
    names: HashMap<String, String>,
}

impl PnpIds {
    /// Reads `pnp.ids` text: one `ABC<tab>Vendor Name` per line (also accepts the
    /// `ABC __ Vendor Name` layout of older lists); other lines are skipped.
    pub fn parse(text: &str) -> PnpIds {
        let mut names = HashMap::new();
        for line in text.lines() {
            let Some(id) = line
                .get(..3)
                .filter(|id| id.chars().all(|c| c.is_ascii_alphanumeric()))
            else {
                continue;
            };
            let rest = line[3..].trim_start_matches(['\t', ' ']);
            let name = rest.strip_prefix("__").unwrap_or(rest).trim();
            if !name.is_empty() {
                names.insert(id.to_string(), name.to_string());
            }
        }
        PnpIds { names }
    }

    /// The vendor name of a PNP id.
    pub fn name(&self, id: &str) -> Option<&str> {
        self.names.get(id).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// Loads the system PNP id list from the first of [`PNP_IDS_PATHS`] the source has.
pub fn load_pnp_ids(src: &dyn crate::source::Source) -> Option<PnpIds> {
    PNP_IDS_PATHS
        .iter()
        .find_map(|p| src.read_text(p))
        .map(|text| PnpIds::parse(&text))
}

/// The fields of an EDID block that identify a monitor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Decoded {
    pnp_id: String,
    product_code: u16,
    serial_number: u32,
    week: u8,
    year: u32,
    names: Vec<String>,
    texts: Vec<String>,
    serial_text: Option<String>,
}

const HEADER: [u8; 8] = [0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00];

fn decode(edid: &[u8]) -> Option<Decoded> {
    let base = edid.get(..128)?;
    if base[..8] != HEADER {
        return None;
    }
    let vendor = u16::from_be_bytes([base[8], base[9]]);
    let pnp_id: String = [10u16, 5, 0]
        .iter()
        .map(|shift| char::from(b'@' + ((vendor >> shift) & 0x1f) as u8))
        .collect();
    let mut d = Decoded {
        pnp_id,
        product_code: u16::from_le_bytes([base[10], base[11]]),
        serial_number: u32::from_le_bytes([base[12], base[13], base[14], base[15]]),
        week: base[16],
        year: 1990 + u32::from(base[17]),
        ..Decoded::default()
    };
    for offset in [54, 72, 90, 108] {
        let descriptor = &base[offset..offset + 18];
        // Display descriptors start with a zero pixel clock; text ones carry 13 bytes.
        if descriptor[..2] != [0, 0] {
            continue;
        }
        let text = descriptor_text(&descriptor[5..18]);
        match descriptor[3] {
            0xfc => d.names.push(text),
            0xfe => d.texts.push(text),
            0xff => d.serial_text = Some(text),
            _ => {}
        }
    }
    Some(d)
}

/// Descriptor text: cut at the first non-printable byte (newline, NUL padding),
/// trailing blanks removed.
fn descriptor_text(bytes: &[u8]) -> String {
    let printable: String = bytes
        .iter()
        .take_while(|b| (0x20..=0x7e).contains(*b))
        .map(|b| char::from(*b))
        .collect();
    printable.trim_end().to_string()
}

/// `"4b21"`-style product code, as the vendor rules below name models.
fn product_hex(d: &Decoded) -> String {
    format!("{:04x}", d.product_code)
}

const ACER_SWAPPED: &[&str] = &[
    "0018", "0019", "0020", "0024", "004b", "00a3", "00a8", "00d2", "00db", "00f7", "02d4", "0319",
    "032e", "0330", "0337", "03de", "0468", "0503", "0512", "0523", "056b", "057d", "0618", "0783",
    "7883", "ad49", "ad51", "adaf",
];
const SAMSUNG_SWAPPED: &[&str] = &[
    "0572", "0694", "06b9", "0833", "0835", "0978", "09c6", "09c7", "0b66", "0bc9", "0c7b", "0ca3",
    "0ca5", "0d1a", "0e0f", "0e1e",
];

/// LG's label serial: decimal numeric serial, leading part in two base-34 characters.
fn lg_serial(serial_number: u32) -> Option<String> {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let high = serial_number / 1000;
    let low = serial_number % 1000;
    if high >= 34 * 34 {
        return None;
    }
    let first = char::from(ALPHABET[(high / 34) as usize]);
    let second = char::from(ALPHABET[(high % 34) as usize]);
    Some(format!("{first}{second}{low:03}"))
}

/// Decodes an EDID block into a MONITORS entry. `vendor_name` maps a PNP id (`DEL`) to a
/// vendor name (`Dell Inc.`), e.g. `|id| pnp.name(id).map(str::to_string)`.
/// Returns `None` when the bytes are not an EDID block.
pub fn parse(edid: &[u8], vendor_name: &dyn Fn(&str) -> Option<String>) -> Option<Entry> {
    let d = decode(edid)?;
    let mut e = Entry::new();
    e.set(
        "MANUFACTURER",
        vendor_name(&d.pnp_id).unwrap_or_else(|| d.pnp_id.clone()),
    );

    let caption = if d.names.is_empty() {
        d.texts.join(" ")
    } else {
        d.names.join(" ")
    };
    if !caption.trim().is_empty() {
        e.set("CAPTION", caption.trim_start());
    }

    let description = if d.week == 0xff {
        d.year.to_string()
    } else {
        format!("{}/{}", d.week, d.year)
    };
    e.set("DESCRIPTION", description);

    // An ASCII serial of "0" counts as none, as in the reference.
    let ascii = d.serial_text.clone().filter(|s| !s.is_empty() && s != "0");
    let hex = format!("{:08x}", d.serial_number);
    let (serial, alt) = vendor_serials(&d, ascii, hex);
    e.set("SERIAL", serial);
    if let Some(alt) = alt.filter(|a| !a.is_empty()) {
        e.set("ALTSERIAL", alt);
    }
    Some(e)
}

/// (SERIAL, ALTSERIAL) after the vendor-specific rules.
fn vendor_serials(d: &Decoded, ascii: Option<String>, hex: String) -> (String, Option<String>) {
    let product = product_hex(d);
    let serial = ascii.clone().unwrap_or_else(|| hex.clone());
    let swap = |serial: String, alt: Option<String>, swapped: bool| match (swapped, alt) {
        (true, Some(alt)) => (alt, Some(serial)),
        (_, alt) => (serial, alt),
    };
    match d.pnp_id.as_str() {
        "ACR" => {
            let alt = ascii.as_ref().map(|a| {
                let head: String = a.chars().take(8).collect();
                let tail: String = a.chars().skip(8).take(4).collect();
                format!("{head}{hex}{tail}")
            });
            swap(serial, alt, ACER_SWAPPED.contains(&product.as_str()))
        }
        "GSM" => swap(
            serial,
            lg_serial(d.serial_number),
            product.ends_with("4b21"),
        ),
        "PHL" => {
            let decimal = format!("{:06}", d.serial_number);
            match ascii {
                Some(a) if a.ends_with(&decimal) => (a, None),
                Some(a) => (a, Some(decimal)),
                None => (decimal, Some(hex)),
            }
        }
        "SAM" => {
            let bytes = d.serial_number.to_be_bytes();
            let reversed = product.ends_with("0e5a");
            let chars = |order: &[u8]| -> String {
                order
                    .iter()
                    .map(|b| char::from(*b))
                    .filter(|c| !c.is_control())
                    .collect()
            };
            let prefix = if reversed {
                chars(&d.serial_number.to_le_bytes())
            } else {
                chars(&bytes)
            };
            let alt = ascii.as_ref().map(|a| format!("{prefix}{a}"));
            let swapped = reversed || SAMSUNG_SWAPPED.contains(&product.as_str());
            swap(serial, alt, swapped)
        }
        _ => (serial, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A base block with the given vendor id bytes, product, serial, week/year and descriptors.
    fn block(
        vendor: [u8; 2],
        product: u16,
        serial: u32,
        week: u8,
        year: u8,
        descriptors: &[(u8, &[u8])],
    ) -> Vec<u8> {
        let mut b = vec![0u8; 128];
        b[..8].copy_from_slice(&HEADER);
        b[8..10].copy_from_slice(&vendor);
        b[10..12].copy_from_slice(&product.to_le_bytes());
        b[12..16].copy_from_slice(&serial.to_le_bytes());
        b[16] = week;
        b[17] = year;
        for (i, (tag, text)) in descriptors.iter().enumerate() {
            let o = 54 + 18 * i;
            b[o + 3] = *tag;
            let mut t = [b' '; 13];
            t[..text.len()].copy_from_slice(text);
            b[o + 5..o + 18].copy_from_slice(&t);
        }
        b
    }

    fn names(id: &str) -> Option<String> {
        PnpIds::parse("ACR\tAcer Technologies\nDEL __ Dell Inc.\n")
            .name(id)
            .map(str::to_string)
    }

    #[test]
    fn plain_monitor() {
        // "DEL" = 0x10ac.
        let b = block(
            [0x10, 0xac],
            0x515b,
            0x30365a34,
            4,
            8,
            &[(0xff, b"55347B06Z418\n"), (0xfc, b"DELL D1626HT\n")],
        );
        let e = parse(&b, &names).unwrap_or_default();
        assert_eq!(e.get("MANUFACTURER"), Some("Dell Inc."));
        assert_eq!(e.get("CAPTION"), Some("DELL D1626HT"));
        assert_eq!(e.get("SERIAL"), Some("55347B06Z418"));
        assert_eq!(e.get("DESCRIPTION"), Some("4/1998"));
        assert!(!e.has("ALTSERIAL"));
    }

    #[test]
    fn acer_swapped_serial() {
        // "ACR" = 0x0472.
        let b = block(
            [0x04, 0x72],
            0x0330,
            0x52707f0c,
            27,
            25,
            &[(0xff, b"LXPEE0144202\n")],
        );
        let e = parse(&b, &names).unwrap_or_default();
        assert_eq!(e.get("SERIAL"), Some("LXPEE01452707f0c4202"));
        assert_eq!(e.get("ALTSERIAL"), Some("LXPEE0144202"));
        assert!(!e.has("CAPTION"));
    }

    #[test]
    fn lg_serials() {
        assert_eq!(lg_serial(52846).as_deref(), Some("1J846"));
        assert_eq!(lg_serial(338670).as_deref(), Some("9Y670"));
        assert_eq!(lg_serial(16843009), None);
    }

    #[test]
    fn unknown_vendor_and_model_year() {
        let b = block(
            [0x30, 0xf0],
            1,
            0,
            255,
            23,
            &[(0xfe, b"AUO\0\0\n"), (0xfe, b"B150PG01\0")],
        );
        let e = parse(&b, &|_| None).unwrap_or_default();
        assert_eq!(e.get("MANUFACTURER"), Some("LGP"));
        assert_eq!(e.get("DESCRIPTION"), Some("2013"));
        assert_eq!(e.get("CAPTION"), Some("AUO B150PG01"));
        assert_eq!(e.get("SERIAL"), Some("00000000"));
    }

    #[test]
    fn garbage_gives_nothing() {
        assert_eq!(parse(&[], &|_| None), None);
        assert_eq!(parse(&[0xff; 300], &|_| None), None);
        assert!(PnpIds::parse("\u{0}\n#\nAB\n").is_empty());
    }
}
