//! OPERATINGSYSTEM, HARDWARE and BIOS on HP-UX: the release from `uname` (`B.11.31`),
//! the uptime from `uptime`, the model from `model`, the firmware, serial number,
//! machine id and kernel build from `machinfo`.

use crate::agent::state::short_hostname;
use crate::task::inventory::generic::identity;
use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module, Os};

use super::machinfo;

pub const MODULE: Module = Module {
    name: "hpux/os",
    category: "os",
    applies: |ctx| ctx.os == Os::HpUx,
    collect,
};

pub const BIOS: Module = Module {
    name: "hpux/bios",
    category: "bios",
    applies: |ctx| ctx.os == Os::HpUx,
    collect: collect_bios,
};

/// `uptime` (`3:24pm  up 122 days, 23:35,  2 users, …`) → seconds up. `up 5 mins` and
/// `up 2 hrs` forms are read too.
pub fn parse_uptime(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.contains(" up "))?;
    let after = &line[line.find(" up ")? + 4..];
    let mut seconds = 0u64;
    let mut seen = false;
    for part in after.split(',') {
        let part = part.trim();
        let mut w = part.split_whitespace();
        let (Some(first), second) = (w.next(), w.next()) else {
            continue;
        };
        if let Some((h, m)) = first.split_once(':') {
            let (Ok(h), Ok(m)) = (h.parse::<u64>(), m.parse::<u64>()) else {
                break;
            };
            seconds =
                seconds.saturating_add(h.saturating_mul(3600).saturating_add(m.saturating_mul(60)));
            seen = true;
            break;
        }
        let Ok(n) = first.parse::<u64>() else {
            break;
        };
        match second.unwrap_or("") {
            u if u.starts_with("day") => seconds = seconds.saturating_add(n.saturating_mul(86400)),
            u if u.starts_with("hr") || u.starts_with("hour") => {
                seconds = seconds.saturating_add(n.saturating_mul(3600));
                seen = true;
                break;
            }
            u if u.starts_with("min") => {
                seconds = seconds.saturating_add(n.saturating_mul(60));
                seen = true;
                break;
            }
            u if u.starts_with("user") => break,
            _ => break,
        }
        seen = true;
    }
    seen.then_some(seconds)
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let release = ctx.uname.release.trim().to_string();
    let version = release.trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '.');
    let full = format!("HP-UX {release}");
    let up = ctx.command(&["uptime"]).and_then(|t| parse_uptime(&t));
    let boot = up
        .and_then(|u| i64::try_from(u).ok())
        .map(|u| ctx.clock.now.saturating_sub(u));
    // The kernel's build line (`vmunix: B11.23_LR FLAVOR=perf Fri Aug 29 …`), which says
    // more than `uname -v` (the license level, `U`).
    let kernel = match machinfo::machinfo(ctx).get("@(#) $Revision") {
        Some(machinfo::Item::Text(t)) => Some(t.trim_end_matches(" $").to_string()),
        _ => None,
    };
    let os = inv.single("OPERATINGSYSTEM");
    os.set("KERNEL_NAME", "hpux")
        .set("KERNEL_VERSION", release.as_str())
        .set("NAME", "HP-UX")
        .set("VERSION", version)
        .set("FULL_NAME", full.as_str())
        .set("ARCH", ctx.uname.machine.as_str());
    identity::fill(ctx, os, boot);
    let hw = inv.single("HARDWARE");
    hw.set("NAME", short_hostname(&ctx.uname.nodename))
        .set("OSNAME", "HP-UX")
        .set("OSVERSION", release.as_str())
        .set(
            "OSCOMMENTS",
            kernel.unwrap_or_else(|| ctx.uname.version.clone()),
        )
        .set_opt("UPTIME", up.map(|u| u.to_string()));
}

fn collect_bios(ctx: &Context, inv: &mut Inventory) {
    let model = ctx
        .command(&["model"])
        .and_then(|t| t.lines().next().map(str::trim).map(str::to_string));
    let info = machinfo::machinfo(ctx);
    let firmware = machinfo::get(&info, "Firmware info", "firmware revision");
    let serial = machinfo::get(&info, "Platform info", "machine serial number");
    let uuid = machinfo::get(&info, "Platform info", "machine id number").map(str::to_uppercase);
    // machinfo's model (`model string` on 11.23) is quoted (`"ia64 hp server rx4640"`).
    let model = model.or_else(|| {
        machinfo::get(&info, "Platform info", "model")
            .or(machinfo::get(&info, "Platform info", "model string"))
            .map(|m| m.trim_matches('"').to_string())
    });
    if model.is_none() && serial.is_none() && firmware.is_none() {
        return;
    }
    inv.single("BIOS")
        .set("BMANUFACTURER", "HP")
        .set("SMANUFACTURER", "HP")
        .set_opt("SMODEL", model)
        .set_opt("SSN", serial)
        .set_opt("BVERSION", firmware);
    inv.single("HARDWARE").set_opt("UUID", uuid);
}

#[cfg(test)]
mod tests {
    use super::parse_uptime;

    #[test]
    fn uptimes() {
        assert_eq!(
            parse_uptime("  3:24pm  up 122 days, 23:35,  2 users,  load average: 0.14\n"),
            Some(122 * 86400 + 23 * 3600 + 35 * 60)
        );
        assert_eq!(parse_uptime("  9:00am  up 5 mins,  1 user\n"), Some(300));
        assert_eq!(
            parse_uptime("  9:00am  up 3 days,  2 hrs,  1 user\n"),
            Some(3 * 86400 + 7200)
        );
        assert_eq!(parse_uptime("garbage"), None);
    }
}
