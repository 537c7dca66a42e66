//! BATTERIES on FreeBSD: `acpiconf -i 0`, the ACPI battery's design and last full
//! capacities, voltage, model, serial and chemistry. Merged into the battery dmidecode
//! found (the DMI table knows the maker and date, ACPI the real capacity), else added.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "bsd/batteries",
    category: "battery",
    applies: |ctx| ctx.os == Os::FreeBsd,
    collect,
};

/// Parses `acpiconf -i N`. Capacities become mWh (mAh × design voltage, or Wh × 1000);
/// a serial that looks hexadecimal (letters a–f, or a leading 0) is read as hex and
/// written in decimal, as the reference agent and DMI do; none at all is `0`.
pub fn parse_acpiconf(text: &str) -> Option<Entry> {
    let field = |name: &str| {
        text.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == name).then(|| v.trim().to_string())
        })
    };
    let model = field("Model number").filter(|v| !v.is_empty());
    let design = field("Design capacity");
    if model.is_none() && design.is_none() {
        return None;
    }
    let voltage = field("Design voltage").and_then(|v| millis(&v, "mV", "V"));
    let capacity = |v: Option<String>| {
        let v = v?;
        if let Some(wh) = millis(&v, "mWh", "Wh") {
            return Some(wh);
        }
        let mah: u64 = v.strip_suffix("mAh")?.trim().parse().ok()?;
        Some(mah * voltage? / 1000)
    };
    let mut e = Entry::new();
    e.set_opt("NAME", model)
        .set_opt("CAPACITY", capacity(design).map(|c| c.to_string()))
        .set_opt(
            "REAL_CAPACITY",
            capacity(field("Last full capacity")).map(|c| c.to_string()),
        )
        .set_opt("VOLTAGE", voltage.map(|v| v.to_string()))
        .set_opt("CHEMISTRY", field("Type").filter(|v| !v.is_empty()))
        .set(
            "SERIAL",
            serial(field("Serial number").as_deref().unwrap_or("")),
        );
    Some(e)
}

/// `7600 mV` → 7600, `7.6 V` → 7600 (the small unit, or the big one × 1000).
fn millis(v: &str, small: &str, big: &str) -> Option<u64> {
    if let Some(n) = v.strip_suffix(small) {
        return n.trim().parse().ok();
    }
    let n: f64 = v.strip_suffix(big)?.trim().parse().ok()?;
    Some((n * 1000.0).round() as u64)
}

fn serial(v: &str) -> String {
    let v = v.trim();
    if v.is_empty() || v.bytes().all(|b| b == b'0') {
        return "0".to_string();
    }
    let looks_hex = v
        .bytes()
        .any(|b| (b'a'..=b'f').contains(&b.to_ascii_lowercase()))
        || v.starts_with('0');
    if looks_hex && v.bytes().all(|b| b.is_ascii_hexdigit()) {
        if let Ok(n) = u64::from_str_radix(v, 16) {
            return n.to_string();
        }
    }
    v.to_string()
}

/// Merges `acpi` into the battery it describes (same serial, or the only one), its
/// values winning; otherwise adds it.
pub fn merge(batteries: &mut Vec<Entry>, acpi: Entry) {
    let same_serial = batteries
        .iter()
        .position(|b| b.get("SERIAL").is_some() && b.get("SERIAL") == acpi.get("SERIAL"));
    let target = same_serial.or((batteries.len() == 1).then_some(0));
    match target {
        Some(i) => {
            for (k, v) in acpi.iter() {
                if let crate::task::inventory::model::Value::Text(t) = v {
                    let same = batteries[i]
                        .get(k)
                        .is_some_and(|old| old.eq_ignore_ascii_case(t));
                    if !same {
                        batteries[i].set(k, t.as_str());
                    }
                }
            }
        }
        None => batteries.push(acpi),
    }
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let Some(acpi) = ctx
        .command(&["acpiconf", "-i", "0"])
        .and_then(|t| parse_acpiconf(&t))
    else {
        return;
    };
    match inv.section_mut("BATTERIES") {
        Some(batteries) => merge(batteries, acpi),
        None => inv.add("BATTERIES", acpi),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acpiconf() {
        let e = parse_acpiconf(
            "Design capacity:        7236 mAh\nLast full capacity:     6880 mAh\nDesign voltage:         7600 mV\nModel number:           DELL 242WD6B\nSerial number:          58167\nType:                   LION\n",
        )
        .unwrap();
        assert_eq!(e.get("CAPACITY"), Some("54993"));
        assert_eq!(e.get("REAL_CAPACITY"), Some("52288"));
        assert_eq!(e.get("VOLTAGE"), Some("7600"));
        assert_eq!(e.get("SERIAL"), Some("58167"));
        assert_eq!(serial("0aF1"), "2801");
        assert_eq!(serial("0000"), "0");
        assert!(parse_acpiconf("garbage").is_none());
    }

    #[test]
    fn merged_into_the_dmi_battery() {
        let mut dmi = Entry::new();
        dmi.set("NAME", "DELL 242WD6B")
            .set("MANUFACTURER", "LGC")
            .set("CAPACITY", "55000");
        let mut list = vec![dmi];
        merge(
            &mut list,
            parse_acpiconf(
                "Design capacity: 7236 mAh\nDesign voltage: 7600 mV\nModel number: DELL 242WD6B\n",
            )
            .unwrap(),
        );
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].get("CAPACITY"), Some("54993"));
        assert_eq!(list[0].get("MANUFACTURER"), Some("LGC"));
    }
}
