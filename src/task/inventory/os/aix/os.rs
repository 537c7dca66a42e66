//! OPERATINGSYSTEM, HARDWARE and BIOS on AIX: the release from `uname` (`uname -v` is the
//! major, `uname -r` the minor version) and `oslevel -s` (technology level and service
//! pack), the machine model, serial and firmware from the VPD (`lsvpd`).

use crate::agent::state::short_hostname;
use crate::task::inventory::generic::identity;
use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module, Os};

use super::lsvpd::{self, Vpd};

pub const MODULE: Module = Module {
    name: "aix/os",
    category: "os",
    applies: |ctx| ctx.os == Os::Aix,
    collect,
};

pub const BIOS: Module = Module {
    name: "aix/bios",
    category: "bios",
    applies: |ctx| ctx.os == Os::Aix,
    collect: collect_bios,
};

/// `oslevel -s` (`6100-06-06-1140`: release, technology level, service pack, build week)
/// → (`6100-06-06-1140`, service pack `TL06 SP06`).
pub fn parse_oslevel(text: &str) -> Option<(String, Option<String>)> {
    let level = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let parts: Vec<&str> = level.split('-').collect();
    let sp = (parts.len() >= 3).then(|| format!("TL{} SP{}", parts[1], parts[2]));
    Some((level.to_string(), sp))
}

/// (model, serial, firmware) of the machine from its VPD: the `System VPD` record (or the
/// header), and the first `MI` word of the `System Firmware` record.
pub fn machine(vpd: &Vpd) -> (Option<String>, Option<String>, Option<String>) {
    let system = vpd
        .records
        .iter()
        .find(|r| r.get("DS").map(String::as_str) == Some("System VPD"));
    let strip = |v: &String| v.strip_prefix("IBM,").unwrap_or(v).to_string();
    let model = system
        .and_then(|r| r.get("TM"))
        .or(vpd.header.get("TM"))
        .map(strip);
    let serial = system
        .and_then(|r| r.get("SE"))
        .or(vpd.header.get("SE"))
        .map(strip);
    let firmware = vpd
        .records
        .iter()
        .find(|r| r.get("DS").map(String::as_str) == Some("System Firmware"))
        .and_then(|r| r.get("MI"))
        .and_then(|mi| mi.split_whitespace().next())
        .map(str::to_string);
    (model, serial, firmware)
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let version = format!("{}.{}", ctx.uname.version.trim(), ctx.uname.release.trim());
    let level = ctx
        .command(&["oslevel", "-s"])
        .and_then(|t| parse_oslevel(&t));
    let full = format!("AIX {version}");
    let os = inv.single("OPERATINGSYSTEM");
    os.set("KERNEL_NAME", "aix")
        .set("KERNEL_VERSION", version.as_str())
        .set("NAME", "AIX")
        .set("VERSION", version.as_str())
        .set("FULL_NAME", full.as_str())
        .set_opt("SERVICE_PACK", level.as_ref().and_then(|l| l.1.clone()))
        .set("ARCH", "powerpc");
    identity::fill(ctx, os, None);
    let hw = inv.single("HARDWARE");
    hw.set("NAME", short_hostname(&ctx.uname.nodename))
        .set("OSNAME", "AIX")
        .set(
            "OSVERSION",
            level.map(|l| l.0).unwrap_or_else(|| version.clone()),
        )
        .set("OSCOMMENTS", full);
}

fn collect_bios(ctx: &Context, inv: &mut Inventory) {
    let (model, serial, firmware) = machine(&lsvpd::vpd(ctx));
    if model.is_none() && serial.is_none() {
        return;
    }
    let bios = inv.single("BIOS");
    bios.set("SMANUFACTURER", "IBM")
        .set("BMANUFACTURER", "IBM")
        .set_opt("SMODEL", model)
        .set_opt("SSN", serial)
        .set_opt("BVERSION", firmware);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oslevel() {
        assert_eq!(
            parse_oslevel("6100-06-06-1140\n"),
            Some(("6100-06-06-1140".into(), Some("TL06 SP06".into())))
        );
        assert_eq!(parse_oslevel("5.3.0.0\n"), Some(("5.3.0.0".into(), None)));
        assert_eq!(parse_oslevel(""), None);
    }

    #[test]
    fn machine_from_vpd() {
        let text = "*TM IBM,7998-60X\n*SE IBM,03066B96A\n*FC ????????\n*DS System Firmware\n\
                    *MI EA350_038 EA340_039\n*FC ????????\n*DS System VPD\n*SE 066B96A\n*TM 7998-60X\n";
        let vpd = Vpd {
            header: lsvpd::parse_header(text),
            records: lsvpd::parse_lsvpd(text),
        };
        let (m, s, f) = machine(&vpd);
        assert_eq!(m.as_deref(), Some("7998-60X"));
        assert_eq!(s.as_deref(), Some("066B96A"));
        assert_eq!(f.as_deref(), Some("EA350_038"));
    }
}
