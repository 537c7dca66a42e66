//! Runs the inventory modules and finishes the document.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use crate::agent::config::Config;
use crate::source::{command, Source};

use super::fields;
use super::model::{Entry, Inventory};
use super::module::Context;
use super::modules;

/// All sections' CHECKSUM bits set: the server rewrites every section.
pub const CHECKSUM_ALL: u32 = 4_194_303;

/// Collects the inventory: every module that applies and whose category is wanted.
pub fn collect(src: &dyn Source, config: &Config, deviceid: &str) -> Inventory {
    let started = Instant::now();
    let ctx = Context::new(src, config);
    let mut inv = Inventory::new(deviceid);
    log::debug!(
        "inventory of {} ({:?}, {})",
        ctx.uname.nodename,
        ctx.os,
        ctx.uname.release
    );
    for m in modules::all() {
        if !ctx.wants(m.category) {
            log::debug!("module {}: category {} switched off", m.name, m.category);
            continue;
        }
        if !(m.applies)(&ctx) {
            continue;
        }
        let t = Instant::now();
        // A bug in one module must not cost the whole inventory.
        if catch_unwind(AssertUnwindSafe(|| (m.collect)(&ctx, &mut inv))).is_err() {
            log::error!("module {} failed; its section may be incomplete", m.name);
        }
        log::debug!(
            "module {} done in {:.1} ms",
            m.name,
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    finish(&ctx, &mut inv, started);
    log::debug!(
        "inventory collected in {} ms with {} external commands",
        started.elapsed().as_millis(),
        command::spawned_count()
    );
    inv
}

/// The fields the OCS server still reads from HARDWARE, the tag, the access log, then the
/// allowed-fields filter and the category switches.
fn finish(ctx: &Context, inv: &mut Inventory, started: Instant) {
    let cpus = inv.section("CPUS").to_vec();
    let ips: Vec<String> = inv
        .section("NETWORKS")
        .iter()
        .filter_map(|n| n.get("IPADDRESS"))
        .filter(|ip| !ip.starts_with("127."))
        .map(str::to_string)
        .collect();
    let last_user = inv.section("USERS").last().cloned();
    let hw = inv.single("HARDWARE");
    hw.set_default("VMSYSTEM", "Physical");
    if !cpus.is_empty() {
        hw.set("PROCESSORN", cpus.len().to_string());
        hw.set_opt("PROCESSORS", cpus[0].get("SPEED"));
        hw.set_opt("PROCESSORT", cpus[0].get("NAME"));
    }
    if !ips.is_empty() {
        let mut unique: Vec<String> = Vec::new();
        for ip in ips {
            if !unique.contains(&ip) {
                unique.push(ip);
            }
        }
        hw.set("IPADDR", unique.join("/"));
    }
    if let Some(user) = last_user {
        hw.set_opt("USERID", user.get("LOGIN"));
        hw.set_opt("USERDOMAIN", user.get("DOMAIN"));
    }
    hw.set("CHECKSUM", CHECKSUM_ALL.to_string());
    hw.set("ETIME", started.elapsed().as_secs().to_string());

    if ctx.wants("accesslog") {
        let logdate = ctx.clock.format_local(ctx.clock.now, "%Y-%m-%d %H:%M:%S");
        inv.single("ACCESSLOG").set("LOGDATE", logdate);
    }
    let program = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    inv.single("VERSIONPROVIDER")
        .set("NAME", "ocsinventory-agent")
        .set("VERSION", env!("CARGO_PKG_VERSION"))
        .set("PROGRAM", program)
        .set(
            "COMMENTS",
            "Rust inventory agent for OCS Inventory NG and GLPI",
        );
    if let Some(tag) = ctx.config.text("tag") {
        let mut e = Entry::new();
        e.set("KEYNAME", "TAG").set("KEYVALUE", tag);
        inv.add("ACCOUNTINFO", e);
    }
    filter(ctx, inv);
}

/// Drops unknown sections, fields neither dialect knows, and switched-off categories.
fn filter(ctx: &Context, inv: &mut Inventory) {
    let names: Vec<String> = inv.sections().map(|(n, _)| n.to_string()).collect();
    for name in names {
        if !fields::known(&name) {
            log::warn!("dropping unknown section {name}");
            inv.remove_section(&name);
            continue;
        }
        if fields::category(&name).is_some_and(|c| !ctx.wants(c)) {
            inv.remove_section(&name);
            continue;
        }
        if let Some(entries) = inv.section_mut(&name) {
            for e in entries.iter_mut() {
                e.retain(|f| {
                    let ok = fields::collectable(&name, f);
                    if !ok {
                        log::debug!("dropping field {name}/{f}: not allowed");
                    }
                    ok
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::task::inventory::os::linux::fake_source::FakeSource;

    /// Linux runs dmidecode only where the kernel found a DMI table.
    #[test]
    fn no_dmidecode_without_a_dmi_table() {
        let dmi = "Handle 0x0001, DMI type 1, 27 bytes\nSystem Information\n\tManufacturer: ACME\n";
        let src = FakeSource::new().command(&["dmidecode"], dmi);
        let config = Config::new();
        assert!(Context::new(&src, &config).dmi().is_none());
        let src = src.file("/sys/class/dmi/id/sys_vendor", "ACME\n");
        assert!(Context::new(&src, &config).dmi().is_some());
    }

    /// dmidecode output and no `/sys/class/dmi/id` (BSD, containers): the sysfs reader
    /// that runs later must not erase what dmidecode gave.
    #[test]
    fn a_later_module_never_erases_dmidecode() {
        let dmi = "Handle 0x0001, DMI type 1, 27 bytes\nSystem Information\n\
                   \tManufacturer: ACME\n\tUUID: 4C4C4544-0036-3110-8059-B8C04F5A344A\n\n\
                   Handle 0x0003, DMI type 3, 22 bytes\nChassis Information\n\tType: Notebook\n";
        let src = FakeSource::new()
            .file("/sys/firmware/dmi/tables/DMI", "")
            .command(&["dmidecode"], dmi)
            .file("/proc/meminfo", "MemTotal: 2097152 kB\n");
        let inv = collect(&src, &Config::new(), "h-2026-01-01-00-00-00");
        assert_eq!(
            inv.field("HARDWARE", "UUID"),
            Some("4C4C4544-0036-3110-8059-B8C04F5A344A")
        );
        assert_eq!(inv.field("HARDWARE", "CHASSIS_TYPE"), Some("Notebook"));
        assert_eq!(inv.field("BIOS", "SMANUFACTURER"), Some("ACME"));
    }
}
