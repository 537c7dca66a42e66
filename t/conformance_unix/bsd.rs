//! FreeBSD/OpenBSD parsers against the fixtures-unix corpus: one runner per parser folder.

use std::path::Path;

use ocsinventory_agent::task::inventory::generic::dmidecode;
use ocsinventory_agent::task::inventory::os::bsd::{
    batteries, ifconfig, jails, megaraid, softwares, storages,
};
use serde_json::Value;

use super::generic::input;
use crate::support::fixtures::{entries_json, entry_json, Known, Runner};

/// (parser folder, runner) for every BSD parser we have.
pub fn runners() -> Vec<(&'static str, Runner)> {
    vec![
        ("bsd_ifconfig", bsd_ifconfig),
        ("bsd_pkg_info", bsd_pkg_info),
        ("bsd_jails", bsd_jails),
        ("bsd_storages", bsd_storages),
        ("bsd_acpiconf", bsd_acpiconf),
    ]
}

/// Differences from the reference kept on purpose, each with its reason.
pub const KNOWN: &[Known] = &[
    (
        "bsd_storages",
        "geom__*",
        "DISKSIZE",
        "DISKSIZE is in MB in every STORAGES entry we write (as OCS and GLPI read it); the \
         reference leaves the GEOM tree's bytes here and MB for mfiutil",
    ),
    (
        "bsd_pkg_info",
        "*",
        "COMMENTS",
        "the inventory model trims values; the reference kept pkg_info's trailing blank",
    ),
];

fn case_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn bsd_ifconfig(dir: &Path) -> Value {
    entries_json(&ifconfig::parse(&input(dir, "ifconfig")))
}

fn bsd_pkg_info(dir: &Path) -> Value {
    let mut list = softwares::parse_pkg_info(&input(dir, "pkg_info"));
    for e in &mut list {
        e.remove("FROM"); // ours says which tool; the reference's parser does not
    }
    entries_json(&list)
}

fn bsd_jails(dir: &Path) -> Value {
    entries_json(&jails::parse_jls(&input(dir, "jls")))
}

fn bsd_storages(dir: &Path) -> Value {
    if case_name(dir).starts_with("mfiutil") {
        return entries_json(&megaraid::parse_mfiutil(&input(dir, "mfiutil")));
    }
    let mut disks = storages::parse_confxml(&input(dir, "sysctl"));
    storages::add_dmesg(&mut disks, &input(dir, "dmesg"));
    disks.sort_by(|a, b| a.get("NAME").cmp(&b.get("NAME")));
    entries_json(&disks)
}

fn bsd_acpiconf(dir: &Path) -> Value {
    let acpi = batteries::parse_acpiconf(&input(dir, "acpiconf"));
    if case_name(dir).starts_with("merged") {
        let mut list = dmidecode::battery::batteries(&dmidecode::parse(&input(dir, "dmidecode")));
        if let Some(a) = acpi {
            batteries::merge(&mut list, a);
        }
        return entries_json(&list);
    }
    acpi.as_ref().map_or(Value::Null, entry_json)
}
