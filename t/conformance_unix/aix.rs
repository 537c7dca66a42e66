//! AIX parsers against the fixtures-unix corpus: one runner per parser folder.

use std::fs;
use std::path::Path;

use ocsinventory_agent::task::inventory::model::{Entry, Value as Field};
use ocsinventory_agent::task::inventory::os::aix::{
    drives, lsdev, lsvpd, lvm, memories, networks, softwares, storages,
};
use serde_json::{Map, Value};

use crate::support::fixtures::{Known, Runner};

/// (parser folder, runner) for every AIX parser we have.
pub fn runners() -> Vec<(&'static str, Runner)> {
    vec![
        ("aix_lsvpd", run_lsvpd),
        ("aix_lsdev_adapters", run_lsdev_adapters),
        ("aix_controllers", |d| {
            entries(lsdev::controllers(&adapters(d)))
        }),
        ("aix_modems", |d| entries(lsdev::modems(&adapters(d)))),
        ("aix_sounds", |d| entries(lsdev::sounds(&adapters(d)))),
        ("aix_videos", |d| entries(lsdev::videos(&adapters(d)))),
        ("aix_slots", |d| entries(lsdev::slots(&input(d, "lsdev")))),
        ("aix_lsfs", run_lsfs),
        ("aix_lspv", |d| {
            entry(&lvm::parse_lspv(&param(d, "name"), &input(d, "lspv")))
        }),
        ("aix_lslv", |d| {
            entry(&lvm::parse_lslv(&param(d, "name"), &input(d, "lslv")))
        }),
        ("aix_lsvg", |d| {
            entry(&lvm::parse_lsvg(&param(d, "name"), &input(d, "lsvg")))
        }),
        ("aix_memories", |d| {
            entries(memories::memories(&lsvpd::parse_lsvpd(&input(d, "lsvpd"))))
        }),
        ("aix_lscfg_networks", run_lscfg),
        ("aix_lslpp", |d| {
            entries(softwares::parse_lslpp(&input(d, "lslpp")))
        }),
        ("aix_storages_lsdev", run_storages_lsdev),
        ("aix_storages_disks", run_storages_disks),
        ("aix_lspv_capacity", |d| {
            storages::virtual_capacity(&input(d, "lspv")).map_or(Value::Null, Value::String)
        }),
    ]
}

/// Differences from the reference kept on purpose, each with its reason.
pub const KNOWN: &[Known] = &[];

/// The text of `input.<kind>` of a case (lossy: a few captures are not UTF-8).
pub fn input(dir: &Path, kind: &str) -> String {
    fs::read(dir.join(format!("input.{kind}")))
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// A string of the case's `params.json`.
pub fn param(dir: &Path, key: &str) -> String {
    fs::read(dir.join("params.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v.get(key).and_then(Value::as_str).map(str::to_string))
        .unwrap_or_default()
}

/// An inventory entry as the JSON object of expected.json (text leaves).
pub fn entry(e: &Entry) -> Value {
    let mut m = Map::new();
    for (k, v) in e.iter() {
        let v = match v {
            Field::Text(s) => Value::String(s.clone()),
            Field::List(l) => Value::Array(l.iter().cloned().map(Value::String).collect()),
            Field::Map(inner) => entry(inner),
        };
        m.insert(k.to_string(), v);
    }
    Value::Object(m)
}

pub fn entries(list: Vec<Entry>) -> Value {
    Value::Array(list.iter().map(entry).collect())
}

fn adapters(dir: &Path) -> Vec<lsdev::Adapter> {
    lsdev::parse_adapters(&input(dir, "lsdev"))
}

/// A VPD record; an empty one is the reference's undefined record (`null`).
fn record(r: &lsvpd::Record) -> Value {
    if r.is_empty() {
        return Value::Null;
    }
    Value::Object(
        r.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

fn run_lsvpd(dir: &Path) -> Value {
    Value::Array(
        lsvpd::parse_lsvpd(&input(dir, "lsvpd"))
            .iter()
            .map(record)
            .collect(),
    )
}

fn run_lsdev_adapters(dir: &Path) -> Value {
    Value::Array(
        adapters(dir)
            .into_iter()
            .map(|a| {
                let mut m = Map::new();
                m.insert("NAME".into(), Value::String(a.name));
                m.insert("TYPE".into(), a.kind.map_or(Value::Null, Value::String));
                m.insert(
                    "DESCRIPTION".into(),
                    a.description.map_or(Value::Null, Value::String),
                );
                Value::Object(m)
            })
            .collect(),
    )
}

fn run_lsfs(dir: &Path) -> Value {
    Value::Object(
        drives::parse_lsfs(&input(dir, "lsfs"))
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    )
}

fn run_lscfg(dir: &Path) -> Value {
    Value::Object(
        networks::parse_lscfg(&input(dir, "lscfg"))
            .into_iter()
            .map(|(k, v)| (k, v.map_or(Value::Null, Value::String)))
            .collect(),
    )
}

fn run_storages_lsdev(dir: &Path) -> Value {
    Value::Array(
        lsdev::parse_name_description(&input(dir, "lsdev"))
            .into_iter()
            .map(|(name, description)| {
                let mut m = Map::new();
                m.insert("NAME".into(), Value::String(name));
                m.insert("DESCRIPTION".into(), Value::String(description));
                Value::Object(m)
            })
            .collect(),
    )
}

fn run_storages_disks(dir: &Path) -> Value {
    let records = lsvpd::parse_lsvpd(&input(dir, "lsvpd"));
    let find = |n: &str| {
        records
            .iter()
            .rev()
            .find(|r| r.get("AX").map(String::as_str) == Some(n))
    };
    entries(storages::disks(&input(dir, "lsdev"), find))
}
