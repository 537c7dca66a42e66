//! OPERATINGSYSTEM on macOS: product name, version and build from `sw_vers`, kernel from
//! uname, boot time from `sysctl -n kern.boottime`, and the OS fields of HARDWARE.

use std::collections::BTreeMap;

use crate::task::inventory::generic::identity;
use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module, Os};

use super::system_profiler as sp;

pub const MODULE: Module = Module {
    name: "macos/os",
    category: "os",
    applies: |ctx| ctx.os == Os::MacOs,
    collect,
};

/// `sw_vers`: `ProductName: macOS` lines (a tab after the colon).
pub fn parse_sw_vers(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            let v = v.trim();
            (!v.is_empty()).then(|| (k.trim().to_string(), v.to_string()))
        })
        .collect()
}

/// `System Version: Mac OS X 10.6.6 (10J567)` of `system_profiler SPSoftwareDataType`
/// → (name, version, build), for Macs where `sw_vers` gives nothing.
pub fn system_version(text: &str) -> Option<(String, String, Option<String>)> {
    let (rest, build) = match text.rsplit_once(" (") {
        Some((r, b)) => (r, b.strip_suffix(')').map(str::to_string)),
        None => (text, None),
    };
    let (name, version) = rest.rsplit_once(' ')?;
    version
        .starts_with(|c: char| c.is_ascii_digit())
        .then(|| (name.to_string(), version.to_string(), build))
}

/// `{ sec = 1700000000, usec = 0 } Tue Nov 14 …` (or a bare number) → seconds.
pub fn boottime(text: &str) -> Option<i64> {
    if let Some(at) = text.find("sec = ") {
        let digits: String = text[at + 6..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        return digits.parse().ok();
    }
    text.trim().parse().ok()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let mut sw = ctx
        .command(&["sw_vers"])
        .map(|t| parse_sw_vers(&t))
        .unwrap_or_default();
    if !sw.contains_key("ProductVersion") {
        let tree = ctx
            .command(&[
                "/usr/sbin/system_profiler",
                "SPHardwareDataType",
                "SPSoftwareDataType",
            ])
            .map(|t| sp::parse(&t))
            .unwrap_or_default();
        let found = sp::section(&tree, &["Software", "System Software Overview"])
            .and_then(|s| sp::text(s, "System Version"))
            .and_then(system_version);
        if let Some((name, version, build)) = found {
            sw.insert("ProductName".into(), name);
            sw.insert("ProductVersion".into(), version);
            if let Some(b) = build {
                sw.insert("BuildVersion".into(), b);
            }
        }
    }
    let name = sw
        .get("ProductName")
        .cloned()
        .unwrap_or_else(|| "macOS".to_string());
    let version = sw
        .get("ProductVersion")
        .cloned()
        .unwrap_or_else(|| ctx.uname.release.clone());
    let full = format!("{name} {version}");
    let boot = ctx
        .command(&["sysctl", "-n", "kern.boottime"])
        .and_then(|t| boottime(&t));
    let os = inv.single("OPERATINGSYSTEM");
    os.set("KERNEL_NAME", "darwin")
        .set("KERNEL_VERSION", ctx.uname.release.as_str())
        .set("NAME", name.as_str())
        .set("VERSION", version.as_str())
        .set("FULL_NAME", full.as_str())
        .set_opt("SERVICE_PACK", sw.get("BuildVersion").cloned())
        .set("ARCH", ctx.uname.machine.as_str());
    identity::fill(ctx, os, boot);
    let hw = inv.single("HARDWARE");
    hw.set_opt(
        "UPTIME",
        boot.and_then(|b| u64::try_from(ctx.clock.now - b).ok())
            .map(|up| up.to_string()),
    );
    hw.set("OSNAME", full.as_str())
        .set("OSVERSION", version.as_str())
        .set("OSCOMMENTS", ctx.uname.version.as_str());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_boot() {
        let s =
            parse_sw_vers("ProductName:\tmacOS\nProductVersion:\t14.2.1\nBuildVersion:\t23C71\n");
        assert_eq!(s["ProductVersion"], "14.2.1");
        assert_eq!(
            system_version("Mac OS X 10.6.6 (10J567)"),
            Some(("Mac OS X".into(), "10.6.6".into(), Some("10J567".into())))
        );
        assert_eq!(
            boottime("{ sec = 1700000000, usec = 12 } Tue Nov 14 22:13:20 2023\n"),
            Some(1_700_000_000)
        );
    }
}
