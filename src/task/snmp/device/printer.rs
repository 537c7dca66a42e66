//! A printer's CARTRIDGES (Printer-MIB marker supplies: kind, colour, level in percent or
//! in the supply's own unit) and PAGECOUNTERS (prtMarkerLifeCount and the vendors'
//! counters: Kyocera, Canon).

use std::collections::BTreeMap;

use crate::snmp::canonical;
use crate::snmp::table::OidTable;

use super::super::model::Device;
use super::{column, get};

const COLORANT: &str = "1.3.6.1.2.1.43.12.1.1.4.1";
const SUPPLY_COLORANT: &str = "1.3.6.1.2.1.43.11.1.1.3.1";
const SUPPLY_TYPE: &str = "1.3.6.1.2.1.43.11.1.1.5.1";
const SUPPLY_DESCR: &str = "1.3.6.1.2.1.43.11.1.1.6.1";
const SUPPLY_UNIT: &str = "1.3.6.1.2.1.43.11.1.1.7.1";
const SUPPLY_MAX: &str = "1.3.6.1.2.1.43.11.1.1.8.1";
const SUPPLY_LEVEL: &str = "1.3.6.1.2.1.43.11.1.1.9.1";

/// prtMarkerSuppliesType → the inventory's kind.
fn supply_kind(t: i64) -> Option<&'static str> {
    Some(match t {
        3 | 21 => "TONER",
        4 | 8 => "WASTETONER",
        5 | 6 | 12 => "CARTRIDGE",
        9 => "DRUM",
        10 => "DEVELOPER",
        15 => "FUSERKIT",
        18 => "MAINTENANCEKIT",
        20 => "TRANSFERKIT",
        32 => "STAPLES",
        _ => return None,
    })
}

/// (counter, OIDs tried in order).
pub const COUNTERS: &[(&str, &[&str])] = &[
    (
        "TOTAL",
        &[
            "1.3.6.1.4.1.1347.42.10.1.1.12.1.1",
            "1.3.6.1.2.1.43.10.2.1.4.1.1",
        ],
    ),
    ("BLACK", &["1.3.6.1.4.1.1347.42.2.2.1.1.3.1.1"]),
    ("COLOR", &["1.3.6.1.4.1.1347.42.2.1.1.1.8.1.1"]),
    (
        "SCANNED",
        &[
            "1.3.6.1.4.1.1347.46.10.1.1.5.3",
            "1.3.6.1.4.1.1602.1.11.1.3.1.4.501",
        ],
    ),
    (
        "PRINTTOTAL",
        &[
            "1.3.6.1.4.1.1347.42.3.1.1.1.1.1",
            "1.3.6.1.4.1.1602.1.11.1.3.1.4.301",
        ],
    ),
    ("PRINTBLACK", &["1.3.6.1.4.1.1347.42.3.1.2.1.1.1.1"]),
    ("PRINTCOLOR", &["1.3.6.1.4.1.1347.42.3.1.2.1.1.1.3"]),
    (
        "COPYTOTAL",
        &[
            "1.3.6.1.4.1.1347.42.3.1.1.1.1.2",
            "1.3.6.1.4.1.1602.1.11.1.3.1.4.101",
        ],
    ),
    (
        "COPYBLACK",
        &[
            "1.3.6.1.4.1.1347.42.3.1.2.1.1.2.1",
            "1.3.6.1.4.1.1602.1.11.1.3.1.4.113",
        ],
    ),
    ("COPYBLACK_A3", &["1.3.6.1.4.1.1602.1.11.1.3.1.4.112"]),
    (
        "COPYCOLOR",
        &[
            "1.3.6.1.4.1.1347.42.3.1.2.1.1.2.3",
            "1.3.6.1.4.1.1602.1.11.1.3.1.4.123",
        ],
    ),
    ("COPYCOLOR_A3", &["1.3.6.1.4.1.1602.1.11.1.3.1.4.122"]),
    ("FAXTOTAL", &["1.3.6.1.4.1.1347.42.3.1.1.1.1.4"]),
];

/// A level in the supply's unit when the maximum is unknown (PrtMarkerSuppliesSupplyUnitTC).
fn in_unit(unit: i64, level: i64) -> String {
    let f = |n: i64, d: i64| {
        if n % d == 0 {
            (n / d).to_string()
        } else {
            format!("{}", n as f64 / d as f64)
        }
    };
    match unit {
        19 => level.to_string(),
        18 => format!("{level}items"),
        17 => format!("{level}m"),
        16 => format!("{level}feet"),
        15 => format!("{}ml", f(level, 10)),
        13 => format!("{}g", f(level, 10)),
        11 => format!("{level}hours"),
        8 => format!("{level}sheets"),
        7 => format!("{level}impressions"),
        4 => format!("{}mm", f(level, 1000)),
        _ => format!("{level}?"),
    }
}

/// The cartridges: kind (+ colour for toners, drums, cartridges, developers) → level.
pub fn cartridges(table: &OidTable) -> BTreeMap<String, String> {
    let colors = column(table, COLORANT);
    let ccol = column(table, SUPPLY_COLORANT);
    let types = column(table, SUPPLY_TYPE);
    let units = column(table, SUPPLY_UNIT);
    let maxes = column(table, SUPPLY_MAX);
    let levels = column(table, SUPPLY_LEVEL);
    let mut out = BTreeMap::new();
    for (index, descr) in column(table, SUPPLY_DESCR) {
        let (Some(max), Some(level)) = (
            maxes.get(&index).and_then(|v| canonical::integer(v)),
            levels.get(&index).and_then(|v| canonical::integer(v)),
        ) else {
            continue;
        };
        let description = canonical::string(descr).unwrap_or_default();
        let lower = description.to_lowercase();
        let t = types
            .get(&index)
            .and_then(|v| canonical::integer(v))
            .unwrap_or(0);
        let kind = if t != 1 {
            supply_kind(t)
        } else if lower.contains("maintenance") {
            Some("MAINTENANCEKIT")
        } else if lower.contains("fuser") {
            Some("FUSERKIT")
        } else if lower.contains("transfer") {
            Some("TRANSFERKIT")
        } else {
            None
        };
        let Some(kind) = kind else {
            log::debug!("unknown consumable type {t}: {description}");
            continue;
        };
        let mut name = kind.to_string();
        if matches!(kind, "TONER" | "DRUM" | "CARTRIDGE" | "DEVELOPER") {
            let cid = ccol.get(&index).and_then(|v| v.as_u64()).filter(|c| *c > 0);
            let color = if let (false, Some(c)) = (colors.is_empty(), cid) {
                let Some(text) = u32::try_from(c)
                    .ok()
                    .and_then(|c| colors.get(&vec![c]))
                    .and_then(|v| canonical::string(v))
                    .filter(|s| !s.is_empty())
                else {
                    continue;
                };
                text.split_whitespace().next().unwrap_or("").to_string()
            } else if lower.contains("cyan") {
                "cyan".into()
            } else if lower.contains("magenta") {
                "magenta".into()
            } else if lower.contains("yellow") || lower.contains("jaune") {
                "yellow".into()
            } else {
                "black".into()
            };
            name.push_str(&color.to_uppercase());
        }
        let value = match level {
            -2 => "WARNING".to_string(),
            -3 => "OK".to_string(),
            _ if max != -2 => {
                if max == 0 {
                    continue;
                }
                ((100 * level) / max).to_string()
            }
            _ => {
                let unit = units
                    .get(&index)
                    .and_then(|v| canonical::integer(v))
                    .unwrap_or(0);
                in_unit(unit, level)
            }
        };
        out.insert(name, value);
    }
    out
}

/// The page counters.
pub fn pagecounters(table: &OidTable) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (name, oids) in COUNTERS {
        if let Some(n) = oids
            .iter()
            .find_map(|o| get(table, o).and_then(canonical::integer))
        {
            out.insert(name.to_string(), n.to_string());
        }
    }
    out
}

pub fn fill(table: &OidTable, dev: &mut Device) {
    dev.cartridges = cartridges(table);
    dev.pagecounters = pagecounters(table);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snmp::walkfile;

    #[test]
    fn supplies_and_counters() {
        let w = walkfile::parse(concat!(
            ".1.3.6.1.2.1.43.12.1.1.4.1.1 = STRING: \"black\"\n",
            ".1.3.6.1.2.1.43.12.1.1.4.1.2 = STRING: \"cyan ink\"\n",
            ".1.3.6.1.2.1.43.11.1.1.3.1.1 = INTEGER: 1\n",
            ".1.3.6.1.2.1.43.11.1.1.3.1.2 = INTEGER: 2\n",
            ".1.3.6.1.2.1.43.11.1.1.3.1.3 = INTEGER: 0\n",
            ".1.3.6.1.2.1.43.11.1.1.5.1.1 = INTEGER: 3\n",
            ".1.3.6.1.2.1.43.11.1.1.5.1.2 = INTEGER: 3\n",
            ".1.3.6.1.2.1.43.11.1.1.5.1.3 = INTEGER: 1\n",
            ".1.3.6.1.2.1.43.11.1.1.6.1.1 = STRING: \"Black Toner\"\n",
            ".1.3.6.1.2.1.43.11.1.1.6.1.2 = STRING: \"Cyan Toner\"\n",
            ".1.3.6.1.2.1.43.11.1.1.6.1.3 = STRING: \"Fuser Unit\"\n",
            ".1.3.6.1.2.1.43.11.1.1.7.1.3 = INTEGER: 7\n",
            ".1.3.6.1.2.1.43.11.1.1.8.1.1 = INTEGER: 2000\n",
            ".1.3.6.1.2.1.43.11.1.1.8.1.2 = INTEGER: 2000\n",
            ".1.3.6.1.2.1.43.11.1.1.8.1.3 = INTEGER: -2\n",
            ".1.3.6.1.2.1.43.11.1.1.9.1.1 = INTEGER: 500\n",
            ".1.3.6.1.2.1.43.11.1.1.9.1.2 = INTEGER: -3\n",
            ".1.3.6.1.2.1.43.11.1.1.9.1.3 = INTEGER: 4000\n",
            ".1.3.6.1.2.1.43.10.2.1.4.1.1 = Counter32: 12345\n",
        ));
        let c = cartridges(&w.table);
        assert_eq!(c.get("TONERBLACK").map(String::as_str), Some("25"));
        assert_eq!(c.get("TONERCYAN").map(String::as_str), Some("OK"));
        assert_eq!(
            c.get("FUSERKIT").map(String::as_str),
            Some("4000impressions")
        );
        let p = pagecounters(&w.table);
        assert_eq!(p.get("TOTAL").map(String::as_str), Some("12345"));
    }
}
