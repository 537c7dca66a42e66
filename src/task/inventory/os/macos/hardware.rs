//! HARDWARE, BIOS and CPUS on macOS from `system_profiler SPHardwareDataType
//! SPSoftwareDataType` (model, serial, firmware, memory, computer name) and
//! `sysctl -a machdep.cpu` (CPU family, model, stepping, cores and threads); the serial
//! and UUID from `ioreg`'s platform expert when system_profiler does not say them.

use std::collections::BTreeMap;

use crate::agent::state::short_hostname;
use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::ioreg;
use super::memories::total_mb;
use super::system_profiler::{self as sp, Tree};

pub const MODULE: Module = Module {
    name: "macos/hardware",
    category: "hardware",
    applies: |ctx| ctx.os == Os::MacOs,
    collect,
};

pub const CPUS: Module = Module {
    name: "macos/cpus",
    category: "cpu",
    applies: |ctx| ctx.os == Os::MacOs,
    collect: collect_cpus,
};

/// `sysctl` lines `key: value`.
pub fn parse_sysctl(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(": ")?;
            let v = v.trim();
            (!k.is_empty() && !v.is_empty()).then(|| (k.trim().to_string(), v.to_string()))
        })
        .collect()
}

/// `Software` → `System Software Overview` → `Computer Name`.
pub fn computer_name(tree: &Tree) -> Option<String> {
    let s = sp::section(tree, &["Software", "System Software Overview"])?;
    sp::text(s, "Computer Name").map(str::to_string)
}

/// `2.26 GHz` (or `2,26 GHz`) → `2260`; `800 MHz` → `800`.
pub fn cpu_speed(text: &str) -> Option<String> {
    let t = text.replace(',', ".");
    let lower = t.to_ascii_lowercase();
    let (num, factor) = if let Some(n) = lower.strip_suffix("ghz") {
        (n.trim().to_string(), 1000.0)
    } else if let Some(n) = lower.strip_suffix("mhz") {
        (n.trim().to_string(), 1.0)
    } else {
        (lower.trim().to_string(), 1.0)
    };
    let n: f64 = num.replace(' ', "").parse().ok()?;
    Some(sp::number((n * factor * 1000.0).round() / 1000.0))
}

/// A value whose key differs only in case between macOS versions (`Total Number Of
/// Cores`, `Total Number of Cores`).
fn text_ci<'a>(tree: &'a Tree, key: &str) -> Option<&'a str> {
    sp::text(tree, key).or_else(|| {
        tree.iter().find_map(|(k, v)| match v {
            sp::Sp::Text(t) if k.eq_ignore_ascii_case(key) => Some(t.as_str()),
            _ => None,
        })
    })
}

/// The leading whole number of `8 (4 performance and 4 efficiency)`.
fn leading_number(text: &str) -> Option<f64> {
    text.split_whitespace().next()?.parse().ok()
}

/// One entry per processor package.
pub fn cpus(tree: &Tree, sysctl: &BTreeMap<String, String>) -> Vec<Entry> {
    let empty = Tree::new();
    let hw = sp::section(tree, &["Hardware", "Hardware Overview"]).unwrap_or(&empty);
    let name = sysctl
        .get("machdep.cpu.brand_string")
        .map(String::as_str)
        .or(sp::text(hw, "Processor Name"))
        .or(sp::text(hw, "Chip"))
        .or(sp::text(hw, "CPU Type"))
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "));
    let Some(name) = name else {
        return Vec::new();
    };
    let procs: u32 = text_ci(hw, "Number Of Processors")
        .or(text_ci(hw, "Number Of CPUs"))
        .and_then(|n| n.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(1);
    let cores = match text_ci(hw, "Total Number Of Cores").and_then(leading_number) {
        Some(c) => Some(sp::number(c / procs as f64)),
        None => sysctl.get("machdep.cpu.core_count").cloned(),
    };
    let manufacturer = if name.to_ascii_lowercase().contains("intel") {
        Some("Intel")
    } else if name.contains("AMD") {
        Some("AMD")
    } else if name.contains("Apple") {
        Some("Apple")
    } else {
        None
    };
    let speed = sp::text(hw, "Processor Speed")
        .or(sp::text(hw, "CPU Speed"))
        .and_then(cpu_speed);
    let mut cpu = Entry::new();
    cpu.set("NAME", name.as_str())
        .set_opt("MANUFACTURER", manufacturer)
        .set_opt("SPEED", speed)
        .set_opt("CORE", cores)
        .set_opt("THREAD", sysctl.get("machdep.cpu.thread_count").cloned())
        .set_opt("FAMILYNUMBER", sysctl.get("machdep.cpu.family").cloned())
        .set_opt("MODEL", sysctl.get("machdep.cpu.model").cloned())
        .set_opt("STEPPING", sysctl.get("machdep.cpu.stepping").cloned());
    (0..procs.min(64)).map(|_| cpu.clone()).collect()
}

fn hardware_tree(ctx: &Context) -> Tree {
    ctx.command(&[
        "/usr/sbin/system_profiler",
        "SPHardwareDataType",
        "SPSoftwareDataType",
    ])
    .map(|t| sp::parse(&t))
    .unwrap_or_default()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let tree = hardware_tree(ctx);
    let empty = Tree::new();
    let hw_info = sp::section(&tree, &["Hardware", "Hardware Overview"]).unwrap_or(&empty);
    // Macs whose system_profiler says little: the platform expert in the I/O Kit
    let platform = || {
        ctx.command(&["ioreg", "-rd1", "-c", "IOPlatformExpertDevice"])
            .and_then(|t| {
                ioreg::parse(&t, "IOPlatformExpertDevice")
                    .into_iter()
                    .next()
            })
            .unwrap_or_default()
    };
    let mut serial = sp::text(hw_info, "Serial Number (system)")
        .or(sp::text(hw_info, "Serial Number"))
        .map(str::to_string);
    let mut uuid = sp::text(hw_info, "Hardware UUID").map(str::to_string);
    if serial.is_none() || uuid.is_none() {
        let p = platform();
        serial = serial.or(p.get("IOPlatformSerialNumber").cloned());
        uuid = uuid.or(p.get("IOPlatformUUID").cloned());
    }
    let hw = inv.single("HARDWARE");
    hw.set(
        "NAME",
        computer_name(&tree).unwrap_or_else(|| short_hostname(&ctx.uname.nodename)),
    )
    .set_opt(
        "MEMORY",
        total_mb(&tree).or_else(|| {
            // `sysctl -n hw.memsize`: bytes
            ctx.command(&["sysctl", "-n", "hw.memsize"])
                .and_then(|t| t.trim().parse::<u64>().ok())
                .map(|b| (b / 1024 / 1024).to_string())
        }),
    )
    .set_opt("UUID", uuid);
    let bios = inv.single("BIOS");
    bios.set("SMANUFACTURER", "Apple Inc")
        .set("MMANUFACTURER", "Apple Inc")
        .set("BMANUFACTURER", "Apple Inc")
        .set_opt("SMODEL", sp::text(hw_info, "Model Identifier"))
        .set_opt("MMODEL", sp::text(hw_info, "Model Identifier"))
        .set_opt("SSN", serial.clone())
        .set_opt("MSN", serial)
        .set_opt(
            "BVERSION",
            sp::text(hw_info, "Boot ROM Version").or(sp::text(hw_info, "System Firmware Version")),
        );
}

fn collect_cpus(ctx: &Context, inv: &mut Inventory) {
    let tree = hardware_tree(ctx);
    let sysctl = ctx
        .command(&["sysctl", "-a", "machdep.cpu"])
        .map(|t| parse_sysctl(&t))
        .unwrap_or_default();
    for mut cpu in cpus(&tree, &sysctl) {
        cpu.set("ARCH", ctx.uname.machine.as_str());
        inv.add("CPUS", cpu);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_from_both() {
        let t = sp::parse("Hardware:\n\n    Hardware Overview:\n\n      Processor Name: Intel Core 2 Duo\n      Processor Speed: 2,26 GHz\n      Number Of Processors: 1\n      Total Number Of Cores: 2\n      Memory: 4 GB\n");
        let s = parse_sysctl("machdep.cpu.brand_string: Intel(R) Core(TM)2 Duo CPU     P7550  @ 2.26GHz\nmachdep.cpu.thread_count: 2\nmachdep.cpu.family: 6\n");
        let c = cpus(&t, &s);
        assert_eq!(c.len(), 1);
        assert_eq!(
            c[0].get("NAME"),
            Some("Intel(R) Core(TM)2 Duo CPU P7550 @ 2.26GHz")
        );
        assert_eq!(c[0].get("SPEED"), Some("2260"));
        assert_eq!(c[0].get("CORE"), Some("2"));
        assert_eq!(total_mb(&t).as_deref(), Some("4096"));
        let m1 = sp::parse("Hardware:\n\n    Hardware Overview:\n\n      Chip: Apple M1\n      Total Number of Cores: 8 (4 performance and 4 efficiency)\n      Memory: 16 GB\n");
        let c = cpus(&m1, &BTreeMap::new());
        assert_eq!(c[0].get("NAME"), Some("Apple M1"));
        assert_eq!(c[0].get("MANUFACTURER"), Some("Apple"));
        assert_eq!(c[0].get("CORE"), Some("8"));
    }
}
