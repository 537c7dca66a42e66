//! BATTERIES from dmidecode type 22 (Portable Battery).
//!
//! One entry per battery that has a name, a manufacturer, a serial and a chemistry:
//! NAME, MANUFACTURER (canonical brand), SERIAL (hex SBDS serials shown in decimal),
//! CHEMISTRY, DATE (`DD/MM/YYYY`), VOLTAGE (mV), CAPACITY (mWh).

use super::{leading_number, number_text, Dmi, Structure};
use crate::task::inventory::generic::manufacturer::canonical_manufacturer;
use crate::task::inventory::model::Entry;

/// The BATTERIES entries (empty when there is none).
pub fn batteries(dmi: &Dmi) -> Vec<Entry> {
    dmi.all(22).iter().filter_map(battery).collect()
}

fn battery(s: &Structure) -> Option<Entry> {
    let get = |k: &str| s.get(k).map(String::as_str);
    let name = get("Name")?;
    let manufacturer = get("Manufacturer")?;
    let serial = get("Serial Number").or(get("SBDS Serial Number"))?;
    let chemistry = get("Chemistry").or(get("SBDS Chemistry"))?;

    let mut e = Entry::new();
    e.set("NAME", name)
        .set("MANUFACTURER", canonical_manufacturer(manufacturer))
        .set("SERIAL", canonical_serial(serial))
        .set("CHEMISTRY", chemistry);
    e.set_opt(
        "DATE",
        get("Manufacture Date")
            .or(get("SBDS Manufacture Date"))
            .and_then(battery_date),
    );
    let voltage = get("Design Voltage").and_then(voltage_mv);
    e.set_opt("VOLTAGE", voltage.map(number_text));
    let capacity = get("Design Capacity").and_then(|c| capacity_mwh(c, voltage));
    e.set_opt("CAPACITY", capacity.filter(|c| *c != 0.0).map(number_text));
    Some(e)
}

/// All zeros -> `0`; hex-looking serials (with a-f, or a leading 0) in decimal.
fn canonical_serial(serial: &str) -> String {
    if serial.chars().all(|c| c == '0') {
        return "0".to_string();
    }
    let hex_digits = serial.chars().all(|c| c.is_ascii_hexdigit());
    let looks_hex = serial.chars().any(|c| c.is_ascii_alphabetic()) || serial.starts_with('0');
    if hex_digits && looks_hex {
        if let Ok(n) = u128::from_str_radix(serial, 16) {
            return n.to_string();
        }
    }
    serial.to_string()
}

/// `MM/DD/YYYY`, `MM/DD/YY` or `YYYY-MM-DD` -> `DD/MM/YYYY`.
fn battery_date(date: &str) -> Option<String> {
    let all_digits = |parts: &[&str]| {
        parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    };
    let slash: Vec<&str> = date.split('/').collect();
    if slash.len() == 3 && all_digits(&slash) && slash[0].len() <= 2 && slash[1].len() <= 2 {
        let year = match slash[2].len() {
            4 => slash[2].to_string(),
            2 => {
                let yy: u32 = slash[2].parse().ok()?;
                format!("{}{}", if yy > 90 { "19" } else { "20" }, slash[2])
            }
            _ => return None,
        };
        return Some(format!("{}/{}/{}", slash[1], slash[0], year));
    }
    let dash: Vec<&str> = date.split('-').collect();
    if dash.len() == 3 && all_digits(&dash) && dash[0].len() == 4 {
        return Some(format!("{}/{}/{}", dash[2], dash[1], dash[0]));
    }
    None
}

/// `"10800 mV"` -> 10800, `"10.8 V"` -> 10800.
fn voltage_mv(v: &str) -> Option<f64> {
    let value = leading_number(v)?;
    match unit(v).as_str() {
        "mv" => Some(value),
        "v" => Some(value * 1000.0),
        _ => None,
    }
}

/// `"4400 mWh"` -> 4400, `"44 Wh"` -> 44000; `mAh`/`Ah` through the voltage.
fn capacity_mwh(c: &str, voltage_mv: Option<f64>) -> Option<f64> {
    let value = leading_number(c)?;
    match unit(c).as_str() {
        "mwh" => Some(value),
        "wh" => Some(value * 1000.0),
        "mah" => voltage_mv.map(|v| (value * v / 1000.0).round()),
        "ah" => voltage_mv.map(|v| (value * v).round()),
        _ => None,
    }
}

/// The lower-cased unit word after the number.
fn unit(s: &str) -> String {
    let rest = s
        .trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    rest.split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn reads_batteries() {
        let dmi = parse(
            "Handle 0x12, DMI type 22, 26 bytes\nPortable Battery\n\tManufacturer: Samsung SDI\n\
             \tName: EV06047\n\tChemistry: Lithium Ion\n\tDesign Capacity: 4400 mWh\n\
             \tDesign Voltage: 10800 mV\n\tSBDS Serial Number: 61E6\n\tSBDS Manufacture Date: 2010-01-15\n",
        );
        let b = batteries(&dmi);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].get("MANUFACTURER"), Some("Samsung"));
        assert_eq!(b[0].get("SERIAL"), Some("25062"));
        assert_eq!(b[0].get("DATE"), Some("15/01/2010"));
        assert_eq!(b[0].get("CAPACITY"), Some("4400"));
        assert_eq!(b[0].get("VOLTAGE"), Some("10800"));
    }

    #[test]
    fn conversions() {
        assert_eq!(battery_date("09/19/02").as_deref(), Some("19/09/2002"));
        assert_eq!(battery_date("1980-00-00").as_deref(), Some("00/00/1980"));
        assert_eq!(battery_date("soon"), None);
        assert_eq!(canonical_serial("0000"), "0");
        assert_eq!(canonical_serial("2000417915"), "2000417915");
        assert_eq!(capacity_mwh("4000 mAh", Some(10800.0)), Some(43200.0));
    }

    #[test]
    fn garbage_gives_nothing() {
        assert!(batteries(&parse("DMI type 22\n\tName: x\n")).is_empty());
    }
}
