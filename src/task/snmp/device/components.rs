//! COMPONENTS: the physical entities of ENTITY-MIB (chassis, modules, power supplies,
//! fans, ports…) with their containment, serials and revisions.

use std::collections::{BTreeMap, BTreeSet};

use crate::snmp::canonical;
use crate::snmp::table::OidTable;
use crate::snmp::value::Value;

use super::super::model::{Device, Fields};
use super::column;

const ENT_PHYSICAL: &str = "1.3.6.1.2.1.47.1.1.1.1";

/// entPhysicalClass names.
const CLASSES: &[&str] = &[
    "other",
    "unknown",
    "chassis",
    "backplane",
    "container",
    "powerSupply",
    "fan",
    "sensor",
    "module",
    "port",
    "stack",
    "cpu",
];

#[derive(Clone, Copy)]
enum Kind {
    Text,
    Constant,
    Class,
}

/// (field, column of entPhysicalEntry, kind).
const FIELDS: &[(&str, u32, Kind)] = &[
    ("CONTAINEDININDEX", 4, Kind::Constant),
    ("DESCRIPTION", 2, Kind::Text),
    ("FIRMWARE", 9, Kind::Text),
    ("FRU", 16, Kind::Constant),
    ("MANUFACTURER", 12, Kind::Text),
    ("MODEL", 13, Kind::Text),
    ("NAME", 7, Kind::Text),
    ("REVISION", 8, Kind::Text),
    ("SERIAL", 11, Kind::Text),
    ("TYPE", 5, Kind::Class),
    ("VERSION", 10, Kind::Text),
];

fn render(kind: Kind, v: &Value) -> Option<String> {
    match kind {
        Kind::Text => canonical::string(v).map(|s| s.trim().to_string()),
        Kind::Constant => canonical::integer(v).map(|n| n.to_string()),
        Kind::Class => {
            let n = canonical::integer(v)?;
            let i = usize::try_from(n).ok()?.checked_sub(1)?;
            CLASSES.get(i).map(|s| s.to_string())
        }
    }
    .filter(|s| !s.is_empty())
}

/// The components, in index order.
pub fn components(table: &OidTable) -> Vec<Fields> {
    let all = column(table, ENT_PHYSICAL);
    if all.is_empty() {
        return Vec::new();
    }
    let mut by_index: BTreeMap<u64, Fields> = BTreeMap::new();
    let mut indexes: BTreeSet<u64> = BTreeSet::new();
    let mut counts: BTreeMap<u32, BTreeSet<u64>> = BTreeMap::new();
    for arcs in all.keys() {
        if let [col, idx] = arcs.as_slice() {
            counts.entry(*col).or_default().insert(u64::from(*idx));
        }
    }
    // The index column when the agent has it; else the fullest column's indexes.
    if let Some(ix) = counts.get(&1) {
        indexes.extend(ix);
    } else if let Some(ix) = counts.values().max_by_key(|s| s.len()) {
        indexes.extend(ix);
    }
    for i in &indexes {
        let mut f = Fields::new();
        f.insert("INDEX".into(), i.to_string());
        let Ok(i32_) = u32::try_from(*i) else {
            continue;
        };
        for (name, col, kind) in FIELDS {
            if let Some(v) = all.get(&vec![*col, i32_]).and_then(|v| render(*kind, v)) {
                f.insert(name.to_string(), v);
            }
        }
        by_index.insert(*i, f);
    }
    by_index.into_values().collect()
}

pub fn fill(table: &OidTable, dev: &mut Device) {
    dev.components.extend(components(table));
}
