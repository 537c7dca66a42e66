//! CPUS on Solaris/illumos from `psrinfo -v` and `psrinfo -vp`: physical processors
//! grouped by clock, cores and threads from the model where SPARC chips need it.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::psrinfo::{self, Physical, Virtual};

pub const MODULE: Module = Module {
    name: "solaris/cpu",
    category: "cpu",
    applies: |ctx| ctx.os == Os::Solaris,
    collect,
};

/// (cores, threads) per chip of SPARC models whose `psrinfo` cannot tell.
fn known_layout(kind: &str) -> (Option<u32>, u32) {
    match kind {
        "UltraSPARC-IV" => (Some(2), 1),
        "UltraSPARC-T1" => (None, 4),
        "UltraSPARC-T2" | "UltraSPARC-T2+" | "SPARC-T3" => (None, 8),
        "SPARC-T4" => (Some(8), 8),
        "SPARC-T5" => (Some(16), 8),
        "SPARC-M7" | "SPARC-M8" => (Some(32), 8),
        "SPARC64-VI" => (Some(2), 2),
        "SPARC64-VII" | "SPARC64-VII+" | "SPARC64-VII++" => (Some(4), 2),
        "SPARC64-VIII" => (Some(8), 2),
        _ => (Some(1), 1),
    }
}

/// A count as text: `4`, or `0.5` for a zone that sees part of a chip.
fn number(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Distinct clocks in ascending order, `None` (no clock) first.
fn speeds(it: impl Iterator<Item = Option<u32>>) -> Vec<Option<u32>> {
    let mut v: Vec<u32> = it.map(|s| s.unwrap_or(0)).collect();
    v.sort_unstable();
    v.dedup();
    v.into_iter().map(|s| (s != 0).then_some(s)).collect()
}

/// One entry per physical processor: the n-th clock group of physical processors goes
/// with the n-th of virtual ones.
pub fn cpus(virtuals: &[Virtual], physicals: &[Physical]) -> Vec<Entry> {
    let p_speeds = speeds(physicals.iter().map(|p| p.speed));
    let v_speeds = speeds(virtuals.iter().map(|v| Some(v.speed)));
    let mut out = Vec::new();
    for (i, p_speed) in p_speeds.iter().enumerate() {
        let v_speed = v_speeds.get(i).copied().flatten();
        let group: Vec<&Physical> = physicals
            .iter()
            .filter(|p| p.speed.filter(|s| *s != 0) == *p_speed)
            .collect();
        let vgroup: Vec<&Virtual> = virtuals
            .iter()
            .filter(|v| Some(v.speed).filter(|s| *s != 0) == v_speed)
            .collect();
        let Some(first) = group.first() else { continue };
        let speed = first.speed.or(vgroup.first().map(|v| v.speed));
        let mut kind = first
            .kind
            .clone()
            .or(vgroup.first().map(|v| v.kind.clone()))
            .unwrap_or_default();
        let manufacturer = if kind.contains("SPARC") {
            Some("SPARC")
        } else if kind.contains("Xeon") || kind.contains("Intel") {
            Some("Intel")
        } else if kind.contains("AMD") {
            Some("AMD")
        } else {
            None
        };
        let (cores, threads) = known_layout(&kind);
        if kind.contains("MB86907") {
            kind = format!("TurboSPARC-II {kind}");
        } else if kind.contains("MB86904") || kind.contains("390S10") {
            let family = if speed.unwrap_or(0) > 70 {
                "microSPARC-II"
            } else {
                "microSPARC"
            };
            kind = format!("{family} {kind}");
        } else if kind.contains(",RT625") || kind.contains(",RT626") {
            kind = format!("hyperSPARC {kind}");
        }
        let mut cores = match cores {
            Some(c) => number(c as f64),
            None => number(vgroup.len() as f64 / threads as f64 / group.len() as f64),
        };
        // `SPARC64-X 16-Core`
        if let Some(at) = kind.find("-Core") {
            if let Some((name, n)) = kind[..at].rsplit_once(' ') {
                if let Ok(n) = n.parse::<u32>() {
                    cores = n.to_string();
                    kind = name.to_string();
                }
            }
        }
        for _ in 0..group.len() {
            let mut e = Entry::new();
            e.set_opt("MANUFACTURER", manufacturer)
                .set("NAME", kind.as_str())
                .set_opt("SPEED", speed.map(|s| s.to_string()))
                .set("CORE", cores.as_str())
                .set("THREAD", threads.to_string());
            out.push(e);
        }
    }
    out
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let v = psrinfo::parse_virtual(
        &ctx.command(&["/usr/sbin/psrinfo", "-v"])
            .unwrap_or_default(),
    );
    let p = psrinfo::parse_physical(
        &ctx.command(&["/usr/sbin/psrinfo", "-vp"])
            .unwrap_or_default(),
    );
    let arch = match ctx.uname.machine.as_str() {
        "i86pc" => "i386",
        m if m.starts_with("sun4") => "sparc",
        m => m,
    };
    for mut cpu in cpus(&v, &p) {
        cpu.set("ARCH", arch);
        inv.add("CPUS", cpu);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_clock() {
        let v = psrinfo::parse_virtual(
            "  The sparcv9 processor operates at 900 MHz,\n  The sparcv9 processor operates at 1350 MHz,\n  The sparcv9 processor operates at 1350 MHz,\n",
        );
        let p = psrinfo::parse_physical("The physical processor has 2 virtual processors (0 512)\n  UltraSPARC-IV (portid 0 impl 0x18 ver 0x31 clock 1350 MHz)\nThe physical processor has 1 virtual processor (1)\n  UltraSPARC-III+ (portid 1 impl 0x15 ver 0x23 clock 900 MHz)\n");
        let c = cpus(&v, &p);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].get("NAME"), Some("UltraSPARC-III+"));
        assert_eq!(c[1].get("CORE"), Some("2"));
        assert_eq!(c[1].get("MANUFACTURER"), Some("SPARC"));
    }

    #[test]
    fn cores_from_threads() {
        let v: Vec<Virtual> = (0..12)
            .map(|_| Virtual {
                kind: "sparcv9".into(),
                speed: 1165,
            })
            .collect();
        let p = psrinfo::parse_physical(
            "The physical processor has 12 virtual processors (0-11)\n  UltraSPARC-T2 (chipid 0, clock 1165 MHz)\n",
        );
        let c = cpus(&v, &p);
        assert_eq!(c[0].get("CORE"), Some("1.5"));
        assert_eq!(c[0].get("THREAD"), Some("8"));
    }
}
