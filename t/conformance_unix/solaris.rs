//! Solaris/illumos parsers against the fixtures-unix corpus: one runner per parser folder.

use std::fs;
use std::path::Path;

use ocsinventory_agent::task::inventory::model::{Entry, Value as Field};
use ocsinventory_agent::task::inventory::os::solaris::{
    cpu, drives, fcinfo, ifconfig, networks, prtconf, prtdiag, psrinfo, release, showrev, smbios,
    softwares, storages,
};
use serde_json::{json, Map, Value};

use crate::support::fixtures::{Known, Runner};

/// (parser folder, runner) for every Solaris/illumos parser we have.
pub fn runners() -> Vec<(&'static str, Runner)> {
    vec![
        ("solaris_release", run_release),
        ("solaris_showrev", run_showrev),
        ("solaris_smbios", run_smbios),
        ("solaris_prtconf", run_prtconf),
        ("solaris_prtdiag", run_prtdiag),
        ("solaris_memories", run_memories),
        ("solaris_slots", run_slots),
        ("solaris_psrinfo_v", run_psrinfo_v),
        ("solaris_psrinfo_vp", run_psrinfo_vp),
        ("solaris_cpu", run_cpu),
        ("solaris_ifconfig", run_ifconfig),
        ("solaris_kstat", run_kstat),
        ("solaris_fcinfo", run_fcinfo),
        ("solaris_iostat", run_iostat),
        ("solaris_pkg", run_pkg),
        ("solaris_df", run_df),
    ]
}

/// Differences from the reference kept on purpose, each with its reason.
pub const KNOWN: &[Known] = &[(
    "solaris_ifconfig",
    "*",
    "IPADDRESS6|IPMASK6",
    "more right than the reference: FusionInventory 2.6 skips the inet6 address of IPv6 \
         blocks; we report it with its mask (as the GLPI agent does)",
)];

pub fn read(dir: &Path, name: &str) -> String {
    String::from_utf8_lossy(&fs::read(dir.join(name)).unwrap_or_default()).into_owned()
}

pub fn entry(e: &Entry) -> Value {
    let mut m = Map::new();
    for (k, v) in e.iter() {
        let v = match v {
            Field::Text(s) => json!(s),
            Field::List(l) => json!(l),
            Field::Map(inner) => entry(inner),
        };
        m.insert(k.to_string(), v);
    }
    Value::Object(m)
}

pub fn list(v: &[Entry]) -> Value {
    Value::Array(v.iter().map(entry).collect())
}

fn run_release(dir: &Path) -> Value {
    match release::parse_release(&read(dir, "input.release")) {
        Some(r) => json!({
            "fullname": r.fullname, "version": r.version, "date": r.date,
            "id": r.id, "subversion": r.subversion,
        }),
        None => Value::Null,
    }
}

fn run_showrev(dir: &Path) -> Value {
    json!(showrev::parse_showrev(&read(dir, "input.showrev")))
}

fn run_smbios(dir: &Path) -> Value {
    json!(smbios::parse_smbios(&read(dir, "input.smbios")))
}

fn prop(p: &prtconf::Prop) -> Value {
    match p {
        prtconf::Prop::Text(t) => json!(t),
        prtconf::Prop::List(l) => json!(l),
        prtconf::Prop::Node(n) => node(n),
    }
}

fn node(n: &prtconf::Node) -> Value {
    Value::Object(n.iter().map(|(k, v)| (k.clone(), prop(v))).collect())
}

fn run_prtconf(dir: &Path) -> Value {
    node(&prtconf::parse_prtconf(&read(dir, "input.prtconf")))
}

fn run_prtdiag(dir: &Path) -> Value {
    let p = prtdiag::parse_prtdiag(&read(dir, "input.prtdiag"));
    let mut m = Map::new();
    if let Some(mem) = &p.memories {
        m.insert("memories".into(), list(mem));
    }
    if let Some(slots) = &p.slots {
        m.insert("slots".into(), list(slots));
    }
    Value::Object(m)
}

fn run_memories(dir: &Path) -> Value {
    let p = prtdiag::parse_prtdiag(&read(dir, "input.prtdiag"));
    list(&p.memories.unwrap_or_default())
}

fn run_slots(dir: &Path) -> Value {
    let p = prtdiag::parse_prtdiag(&read(dir, "input.prtdiag"));
    list(&p.slots.unwrap_or_default())
}

fn run_psrinfo_v(dir: &Path) -> Value {
    let v = psrinfo::parse_virtual(&read(dir, "input.psrinfo_v"));
    Value::Array(
        v.iter()
            .map(|c| json!({"type": c.kind, "speed": c.speed.to_string()}))
            .collect(),
    )
}

fn run_psrinfo_vp(dir: &Path) -> Value {
    let p = psrinfo::parse_physical(&read(dir, "input.psrinfo_vp"));
    Value::Array(
        p.iter()
            .map(|c| {
                let mut m = Map::new();
                m.insert("count".into(), json!(c.count.to_string()));
                if let Some(k) = &c.kind {
                    m.insert("type".into(), json!(k));
                }
                if let Some(s) = c.speed {
                    m.insert("speed".into(), json!(s.to_string()));
                }
                Value::Object(m)
            })
            .collect(),
    )
}

fn run_cpu(dir: &Path) -> Value {
    let v = psrinfo::parse_virtual(&read(dir, "input.psrinfo_v"));
    let p = psrinfo::parse_physical(&read(dir, "input.psrinfo_vp"));
    list(&cpu::cpus(&v, &p))
}

fn run_ifconfig(dir: &Path) -> Value {
    list(&ifconfig::parse_ifconfig(&read(dir, "input.ifconfig")))
}

fn run_kstat(dir: &Path) -> Value {
    json!(networks::parse_kstat_speed(&read(dir, "input.kstat")))
}

fn run_fcinfo(dir: &Path) -> Value {
    list(&fcinfo::parse_fcinfo(&read(dir, "input.fcinfo")))
}

fn run_iostat(dir: &Path) -> Value {
    list(&storages::parse_iostat(&read(dir, "input.iostat")))
}

fn run_pkg(dir: &Path) -> Value {
    if dir.join("input.pkg").exists() {
        list(&softwares::parse_pkg_info(&read(dir, "input.pkg")))
    } else {
        list(&softwares::parse_pkginfo(&read(dir, "input.pkginfo")))
    }
}

fn run_df(dir: &Path) -> Value {
    list(&drives::drives(
        &read(dir, "input.df"),
        &read(dir, "input.mount"),
    ))
}
