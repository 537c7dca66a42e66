//! OS-independent UNIX parsers against the fixtures-unix corpus: one runner per parser
//! folder.

use std::fs;
use std::path::Path;

use ocsinventory_agent::task::inventory::generic::unix::{
    df, dhcp, hdparm, lspci, lsusb, mount, netstat, parallels, ps, virtualbox,
};
use serde_json::{json, Map, Value};

use crate::support::fixtures::{entries_json, entry_json, Known, Runner};

/// (parser folder, runner) for every OS-independent parser we have.
pub fn runners() -> Vec<(&'static str, Runner)> {
    vec![
        ("unix_df", unix_df),
        ("unix_mount", unix_mount),
        ("unix_netstat", unix_netstat),
        ("unix_ps_busybox", unix_ps_busybox),
        ("unix_dhcp_leases", unix_dhcp_leases),
        ("generic_lspci", generic_lspci),
        ("generic_pci_videos", |d| {
            entries_json(&lspci::videos(&pci(d)))
        }),
        ("generic_pci_sounds", |d| {
            entries_json(&lspci::sounds(&pci(d)))
        }),
        ("generic_pci_modems", |d| {
            entries_json(&lspci::modems(&pci(d)))
        }),
        ("generic_lsusb", |d| {
            entries_json(&lsusb::parse_lsusb(&input(d, "lsusb")))
        }),
        ("generic_hdparm", |d| {
            entry_json(&hdparm::parse_hdparm(&input(d, "hdparm")))
        }),
        ("generic_vboxmanage", |d| {
            entries_json(&virtualbox::parse_vboxmanage(&input(d, "vboxmanage")))
        }),
        ("generic_prlctl", |d| {
            entries_json(&parallels::parse_prlctl(&input(d, "prlctl")))
        }),
    ]
}

/// Differences from the reference kept on purpose, each with its reason.
pub const KNOWN: &[Known] = &[
    (
        "generic_lspci",
        "*",
        "DRIVER",
        "the whole driver name (`agpgart-intel`, `sdhci-pci`): the reference stops at the first \
         character that is not a word character",
    ),
    (
        "generic_vboxmanage",
        "*",
        "VCPU",
        "the machine's `Number of CPUs`: the reference always writes 1",
    ),
    (
        "unix_ps_busybox",
        "*",
        "CMD",
        "the inventory model trims values; the reference kept the command's trailing blanks",
    ),
];

/// A case's input file, lossily decoded (some captures are not UTF-8).
pub fn input(dir: &Path, kind: &str) -> String {
    let bytes = fs::read(dir.join(format!("input.{kind}"))).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn unix_df(dir: &Path) -> Value {
    df::parse_df(&input(dir, "df"))
        .iter()
        .map(|f| {
            json!({
                "VOLUMN": f.device,
                "FILESYSTEM": f.fstype,
                "TOTAL": f.total_mb().to_string(),
                "FREE": f.free_mb().to_string(),
                "TYPE": f.mountpoint,
            })
        })
        .collect()
}

fn unix_mount(dir: &Path) -> Value {
    mount::types(&mount::parse_mount(&input(dir, "mount")))
        .into_iter()
        .map(Value::String)
        .collect()
}

fn unix_netstat(dir: &Path) -> Value {
    let routes = netstat::parse_routes(&input(dir, "netstat"));
    Value::Object(
        routes
            .into_iter()
            .map(|(d, g)| (d, Value::String(g)))
            .collect::<Map<String, Value>>(),
    )
}

fn unix_ps_busybox(dir: &Path) -> Value {
    entries_json(&ps::parse_ps(&input(dir, "ps")))
}

/// The leases of the corpus expire in 2030: asked as of 2026-01-01 so that the comparison
/// does not depend on the day it runs.
fn unix_dhcp_leases(dir: &Path) -> Value {
    const AS_OF: i64 = 1_767_225_600;
    let params: Value = fs::read(dir.join("params.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    let interface = params["interface"].as_str().unwrap_or("");
    dhcp::dhcp_server(&input(dir, "lease"), interface, AS_OF).map_or(Value::Null, Value::String)
}

fn pci(dir: &Path) -> Vec<lspci::Device> {
    lspci::parse_lspci(&input(dir, "lspci"))
}

fn generic_lspci(dir: &Path) -> Value {
    pci(dir)
        .iter()
        .map(|d| {
            json!({
                "PCISLOT": d.slot,
                "NAME": d.class_name,
                "PCICLASS": d.class,
                "MANUFACTURER": d.description,
                "PCIID": d.id,
                "REV": d.rev,
                "DRIVER": d.driver,
                "PCISUBSYSTEMID": d.subsystem_id,
            })
        })
        .collect()
}
