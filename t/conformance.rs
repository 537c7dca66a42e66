//! Conformance of the pure parsers with the reference agent (FusionInventory 2.6).
//!
//! Reads the shared fixture corpus (`<repo>/../shared/fixtures`, or `$OCS_FIXTURES_DIR`):
//! for every `<parser>/<case>/`, feeds `input.*` to our parser, turns the result into the
//! shape of `expected.json` and compares leaf by leaf (`null` expected = absent or empty
//! here; a key absent from expected must not get a value here). Prints every mismatch and
//! the share of equal fields per parser and overall; fails on any mismatch that is not in
//! [`KNOWN_DIFFERENCES`]. Passes with a "skipped" message when the corpus is not there.
//! The fixtures are never copied into this repository.

use std::fs;
use std::path::Path;

use ocsinventory_agent::task::inventory::generic::dmidecode::{self, Dmi};
use ocsinventory_agent::task::inventory::generic::{edid, ifconfig, smartctl};
use ocsinventory_agent::task::inventory::model::Entry;
use ocsinventory_agent::task::inventory::os::linux::{cpu, cpuinfo, ip};
use serde_json::{json, Map, Value};

use crate::support::fixtures::{self, Known, Runner};

/// Mismatches we keep on purpose, each with its reason (the format: [`Known`]).
const KNOWN_DIFFERENCES: &[Known] = &[
    (
        "linux_cpu",
        "i386__*",
        "ARCH",
        "the reference writes i386 for every x86 CPU; the product requires x86_64 on 64-bit \
         systems (the fixtures carry no `uname -m`, so the CPU `lm` flag decides here)",
    ),
    (
        "networks",
        "ip__*",
        "IPMASK6|IPSUBNET6",
        "reference bug: it reads only two digits of the prefix, so ::1/128 is taken as /12",
    ),
    (
        "networks",
        "ifconfig__linux-bonding|ifconfig__linux-rhel5.6",
        "[3]|[9]",
        "reference bug: it drops the last interface (sit0, virbr0) when the capture has no \
         final empty line",
    ),
    (
        "edid",
        "IMP2262|crt.LG-*|lcd.lg*|crt.sony-*|lcd.benq-*|lcd.internal",
        "MANUFACTURER",
        "names from hwdata pnp.ids, not the reference's edid.ids: IMP Impinj (edid.ids: Impression \
         Products Incorporated), GSM LG Electronics (Goldstar Company Ltd), SNY Sony (Sony \
         Corporation), TOS Dynabook Inc. (Toshiba Corporation); BNQ is missing from pnp.ids",
    ),
    (
        "edid",
        "lcd.lg-l1960.*|lcd.philips-150s",
        "CAPTION|SERIAL",
        "the inventory model trims values; the reference kept a trailing (\"L1960TR \") or \
         leading (\" HD  000237\") blank",
    ),
];

fn runners() -> Vec<(&'static str, Runner)> {
    vec![
        ("dmidecode_raw", run_dmidecode_raw),
        ("dmidecode_bios", run_bios),
        ("dmidecode_memory", |d| {
            opt_list(dmidecode::memory::memories(&dmi(d)))
        }),
        ("dmidecode_cpu", |d| list(dmidecode::cpu::cpus(&dmi(d)))),
        ("dmidecode_ports", |d| {
            opt_list(dmidecode::ports::ports(&dmi(d)))
        }),
        ("dmidecode_slots", |d| {
            opt_list(dmidecode::slots::slots(&dmi(d)))
        }),
        ("dmidecode_psu", |d| {
            list(dmidecode::psu::power_supplies(&dmi(d)))
        }),
        ("dmidecode_battery", |d| {
            list(dmidecode::battery::batteries(&dmi(d)))
        }),
        ("cpuinfo_raw", |d| {
            json!(cpuinfo::parse(&read_text(&d.join("input.cpuinfo"))))
        }),
        ("linux_cpu", run_linux_cpu),
        ("networks", run_networks),
        ("edid", run_edid),
        ("smartctl", |d| {
            entry(&smartctl::parse(&read_text(&d.join("input.smartctl"))))
        }),
    ]
}

// ---- inputs and conversions -------------------------------------------------------------

fn read_text(path: &Path) -> String {
    String::from_utf8_lossy(&fs::read(path).unwrap_or_default()).into_owned()
}

fn dmi(dir: &Path) -> Dmi {
    dmidecode::parse(&read_text(&dir.join("input.dmidecode")))
}

fn entry(e: &Entry) -> Value {
    fixtures::entry_json(e)
}

fn list(v: Vec<Entry>) -> Value {
    Value::Array(v.iter().map(entry).collect())
}

fn opt_list(v: Option<Vec<Entry>>) -> Value {
    v.map_or(Value::Null, list)
}

fn run_dmidecode_raw(dir: &Path) -> Value {
    let mut m = Map::new();
    for (t, structures) in dmi(dir).iter() {
        let items = structures.iter().map(|s| json!(s)).collect();
        m.insert(t.to_string(), Value::Array(items));
    }
    Value::Object(m)
}

fn run_bios(dir: &Path) -> Value {
    let r = dmidecode::bios::bios_hardware(&dmi(dir));
    json!({ "bios": entry(&r.bios), "hardware": entry(&r.hardware) })
}

/// The case name's prefix (`i386__`, `arm__`, …) says which architecture rule the reference ran.
fn run_linux_cpu(dir: &Path) -> Value {
    let case = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let blocks = cpuinfo::parse(&read_text(&dir.join("input.cpuinfo")));
    let arch = match case.split("__").next().unwrap_or("") {
        "arm" => cpu::CpuArch::Arm,
        "ppc" => cpu::CpuArch::PowerPc,
        "mips" => cpu::CpuArch::Mips,
        "alpha" => cpu::CpuArch::Alpha,
        "sparc" => cpu::CpuArch::Sparc,
        "ia64" => cpu::CpuArch::Ia64,
        _ => {
            let dmi_file = dir.join("input.dmidecode");
            let dmi_cpus = if dmi_file.is_file() {
                dmidecode::cpu::cpus(&dmi(dir))
            } else {
                Vec::new()
            };
            return list(cpu::x86_cpus(&blocks, &dmi_cpus, None));
        }
    };
    list(cpu::cpus_from_proc(arch, &blocks, None))
}

/// MONITORS from the EDID bytes, vendor names from the system `pnp.ids` (hwdata).
fn run_edid(dir: &Path) -> Value {
    static PNP: std::sync::OnceLock<edid::PnpIds> = std::sync::OnceLock::new();
    let pnp = PNP.get_or_init(|| {
        edid::load_pnp_ids(&ocsinventory_agent::source::live::Live::new(
            std::time::Duration::from_secs(5),
        ))
        .unwrap_or_else(|| {
            println!("note: no pnp.ids found (install hwdata): EDID vendor names will differ");
            edid::PnpIds::default()
        })
    });
    let bytes = fs::read(dir.join("input.edid")).unwrap_or_default();
    edid::parse(&bytes, &|id| pnp.name(id).map(str::to_string)).map_or(Value::Null, |e| entry(&e))
}

fn run_networks(dir: &Path) -> Value {
    let ip_file = dir.join("input.ip");
    if ip_file.is_file() {
        list(ip::parse(&read_text(&ip_file)))
    } else {
        list(ifconfig::parse(&read_text(&dir.join("input.ifconfig"))))
    }
}

// ---- comparison -------------------------------------------------------------------------

#[test]
fn conformance() {
    let root = fixtures::shared_dir("OCS_FIXTURES_DIR", "fixtures");
    if !root.is_dir() {
        println!("skipped: fixtures folder not found at {}", root.display());
        return;
    }
    let totals = fixtures::run_corpus(&root, &runners(), KNOWN_DIFFERENCES, false);
    println!(
        "fixtures: {} of {} fields agree",
        totals.equal, totals.total
    );
    assert_eq!(
        totals.unexplained, 0,
        "{} field(s) differ from the reference (see MISMATCH lines)",
        totals.unexplained
    );
}
