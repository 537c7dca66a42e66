//! CPUS on Linux, from `/proc/cpuinfo` blocks ([`super::cpuinfo`]) and, on x86, the
//! dmidecode processor list ([`crate::task::inventory::generic::dmidecode::cpu`]).
//!
//! x86: one entry per physical package (`physical id`), or per logical CPU when the kernel
//! does not report packages; NAME, MANUFACTURER, STEPPING/FAMILYNUMBER/MODEL, CORE/THREAD
//! come from cpuinfo (dmidecode fills the gaps), ID/SERIAL/EXTERNAL_CLOCK/FAMILYNAME/
//! CORECOUNT from dmidecode, SPEED from the `@ N.NNGHz` of the name. ARCH is the running
//! kernel's (`x86_64` or `i386`), never `i386` on a 64-bit system.
//! Other architectures (ARM, PowerPC, MIPS, Alpha, SPARC, IA64) have one rule each.

use super::cpuinfo::CpuBlock;
use crate::task::inventory::generic::dmidecode::cpu::trailing_number;
use crate::task::inventory::generic::dmidecode::number_text;
use crate::task::inventory::generic::manufacturer::canonical_manufacturer;
use crate::task::inventory::model::Entry;

/// The processor family a Linux machine runs, as told by `uname -m`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CpuArch {
    X86,
    Arm,
    PowerPc,
    Mips,
    Alpha,
    Sparc,
    Ia64,
}

impl CpuArch {
    /// Maps `uname -m` (`x86_64`, `i686`, `aarch64`, `armv7l`, `ppc64le`, `mips`, `alpha`,
    /// `sparc64`, `ia64`, …) to the rule to apply.
    pub fn from_machine(machine: &str) -> Option<CpuArch> {
        let m = machine.trim().to_ascii_lowercase();
        let arch = if m == "x86_64"
            || m == "amd64"
            || (m.len() == 4 && m.starts_with('i') && m.ends_with("86"))
        {
            CpuArch::X86
        } else if m.starts_with("arm") || m.starts_with("aarch64") {
            CpuArch::Arm
        } else if m.starts_with("ppc") || m.starts_with("powerpc") {
            CpuArch::PowerPc
        } else if m.starts_with("mips") {
            CpuArch::Mips
        } else if m.starts_with("alpha") {
            CpuArch::Alpha
        } else if m.starts_with("sparc") {
            CpuArch::Sparc
        } else if m == "ia64" {
            CpuArch::Ia64
        } else {
            return None;
        };
        Some(arch)
    }
}

/// CPUS for a non-x86 architecture, from cpuinfo blocks only.
pub fn cpus_from_proc(arch: CpuArch, blocks: &[CpuBlock], machine: Option<&str>) -> Vec<Entry> {
    match arch {
        CpuArch::X86 => x86_cpus(blocks, &[], machine),
        CpuArch::Arm => blocks.iter().map(arm_cpu).collect(),
        CpuArch::PowerPc => blocks.iter().map(powerpc_cpu).collect(),
        CpuArch::Mips => blocks
            .iter()
            .map(|b| named("MIPS", field(b, "cpu model")))
            .collect(),
        CpuArch::Alpha => blocks.iter().map(alpha_cpu).collect(),
        CpuArch::Sparc => sparc_cpus(blocks),
        CpuArch::Ia64 => blocks.iter().map(ia64_cpu).collect(),
    }
}

fn field<'a>(b: &'a CpuBlock, key: &str) -> Option<&'a str> {
    b.get(key).map(String::as_str)
}

fn named(arch: &str, name: Option<&str>) -> Entry {
    let mut e = Entry::new();
    e.set("ARCH", arch).set_opt("NAME", name);
    e
}

/// The leading run of digits of a text (`"1452.000000MHz"` -> 1452).
fn first_integer(s: &str) -> Option<String> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    let digits: String = s[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    Some(digits)
}

fn arm_cpu(b: &CpuBlock) -> Entry {
    named("ARM", field(b, "model name").or(field(b, "processor")))
}

fn powerpc_cpu(b: &CpuBlock) -> Entry {
    let mut e = named("PowerPC", field(b, "cpu"));
    e.set_opt("SPEED", field(b, "clock").and_then(first_integer));
    if field(b, "machine").is_some_and(|m| m.contains("IBM")) {
        e.set("MANUFACTURER", "IBM");
    }
    e
}

fn alpha_cpu(b: &CpuBlock) -> Entry {
    let mut e = named("Alpha", field(b, "processor"));
    e.set_opt("SERIAL", field(b, "cpu serial number"));
    let speed = field(b, "cycle frequency [hz]").and_then(|f| {
        let digits = first_integer(f)?;
        digits
            .strip_suffix("000000")
            .filter(|d| !d.is_empty())
            .map(str::to_string)
    });
    e.set_opt("SPEED", speed);
    e
}

/// SPARC has a single block: `ncpus probed` identical entries.
fn sparc_cpus(blocks: &[CpuBlock]) -> Vec<Entry> {
    let Some(b) = blocks.first() else {
        return Vec::new();
    };
    let count: usize = field(b, "ncpus probed")
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
        .min(4096);
    (0..count)
        .map(|_| named("SPARC", field(b, "cpu")))
        .collect()
}

fn ia64_cpu(b: &CpuBlock) -> Entry {
    let mut e = named("IA64", field(b, "model name").or(field(b, "family")));
    e.set_opt(
        "MANUFACTURER",
        field(b, "vendor").map(canonical_manufacturer),
    );
    e.set_opt("SPEED", field(b, "cpu mhz").and_then(first_integer));
    e
}

/// x86 CPUS: cpuinfo merged with the dmidecode processor list (`dmi_cpus`, as returned by
/// `dmidecode::cpu::cpus`; pass `&[]` when dmidecode is not available). `machine` is
/// `uname -m`; without it a CPU with the `lm` flag is reported as `x86_64`.
pub fn x86_cpus(blocks: &[CpuBlock], dmi_cpus: &[Entry], machine: Option<&str>) -> Vec<Entry> {
    let packages = x86_packages(blocks);
    packages
        .iter()
        .enumerate()
        .map(|(index, (block, core, thread))| {
            let dmi = dmi_cpus.get(index);
            let from_dmi = |k: &str| dmi.and_then(|d| d.get(k));
            let mut e = Entry::new();
            e.set("ARCH", x86_arch(machine, block))
                .set_opt(
                    "MANUFACTURER",
                    field(block, "vendor_id").map(canonical_manufacturer),
                )
                .set_opt(
                    "STEPPING",
                    field(block, "stepping").or(from_dmi("STEPPING")),
                )
                .set_opt(
                    "FAMILYNUMBER",
                    field(block, "cpu family").or(from_dmi("FAMILYNUMBER")),
                )
                .set_opt("MODEL", field(block, "model").or(from_dmi("MODEL")))
                .set_opt("NAME", field(block, "model name"))
                .set_opt("CORE", core.as_deref().or(from_dmi("CORE")))
                .set_opt("THREAD", thread.as_deref().or(from_dmi("THREAD")));
            for key in ["ID", "SERIAL", "EXTERNAL_CLOCK", "FAMILYNAME", "CORECOUNT"] {
                if let Some(v) = from_dmi(key) {
                    e.set(key, v);
                }
            }
            e.set_opt("SPEED", field(block, "model name").and_then(ghz_in_name));
            e
        })
        .collect()
}

/// The first logical CPU of each package with its CORE and THREAD counts.
fn x86_packages(blocks: &[CpuBlock]) -> Vec<(&CpuBlock, Option<String>, Option<String>)> {
    let has_packages = blocks.iter().any(|b| b.contains_key("physical id"));
    if !has_packages {
        return blocks
            .iter()
            .map(|b| (b, Some("1".to_string()), Some("1".to_string())))
            .collect();
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut packages = Vec::new();
    for b in blocks {
        let id = field(b, "physical id").unwrap_or("");
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        packages.push((b, b.get("cpu cores").cloned(), b.get("siblings").cloned()));
    }
    packages
}

/// `x86_64` for a 64-bit kernel, `i386` for a 32-bit one.
fn x86_arch(machine: Option<&str>, block: &CpuBlock) -> &'static str {
    let is_64 = match machine.map(|m| m.trim().to_ascii_lowercase()) {
        Some(m) => m == "x86_64" || m == "amd64",
        None => field(block, "flags").is_some_and(|f| f.split(' ').any(|flag| flag == "lm")),
    };
    if is_64 {
        "x86_64"
    } else {
        "i386"
    }
}

/// `"… @ 2.40GHz"` -> 2400 (MHz): a number glued to `GHz` anywhere in the name.
fn ghz_in_name(name: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    lower.match_indices("ghz").find_map(|(i, _)| {
        let number: f64 = trailing_number(&lower[..i]).parse().ok()?;
        Some(number_text(number * 1000.0))
    })
}

/// The CPUS module: `/proc/cpuinfo`, merged with dmidecode's processors on x86.
pub const MODULE: crate::task::inventory::module::Module = crate::task::inventory::module::Module {
    name: "linux/cpus",
    category: "cpu",
    applies: |ctx| {
        ctx.os == crate::task::inventory::module::Os::Linux && ctx.src.exists("/proc/cpuinfo")
    },
    collect,
};

fn collect(
    ctx: &crate::task::inventory::module::Context,
    inv: &mut crate::task::inventory::model::Inventory,
) {
    let blocks = super::cpuinfo::parse(&ctx.src.read_text("/proc/cpuinfo").unwrap_or_default());
    let machine = Some(ctx.uname.machine.as_str()).filter(|m| !m.is_empty());
    let cpus = match CpuArch::from_machine(&ctx.uname.machine) {
        Some(CpuArch::X86) | None => {
            let dmi_cpus = ctx
                .dmi()
                .map(crate::task::inventory::generic::dmidecode::cpu::cpus)
                .unwrap_or_default();
            x86_cpus(&blocks, &dmi_cpus, machine)
        }
        Some(arch) => cpus_from_proc(arch, &blocks, machine),
    };
    // The OCS dialect's facts: L2 cache, current speed, and dmidecode's socket/voltage.
    let mut cpus = cpus;
    if let Some(dmi) = ctx.dmi() {
        crate::task::inventory::generic::dmidecode::cpu::merge(
            &mut cpus,
            &crate::task::inventory::generic::dmidecode::cpu::sockets(dmi),
        );
    }
    let l2 = l2_cache_kb(ctx);
    let mhz = blocks
        .first()
        .and_then(|b| field(b, "cpu mhz"))
        .and_then(first_integer);
    for mut cpu in cpus {
        cpu.set_opt("L2CACHE", l2.clone())
            .set_opt("CURRENT_SPEED", mhz.clone());
        inv.add("CPUS", cpu);
    }
}

/// `512K` / `2M` (sysfs cache sizes) in KB.
pub fn cache_kb(size: &str) -> Option<u64> {
    let s = size.trim();
    let (n, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = n.parse().ok()?;
    match unit.trim().to_ascii_uppercase().as_str() {
        "" | "K" | "KB" => Some(n),
        "M" | "MB" => Some(n * 1024),
        _ => None,
    }
}

/// The L2 cache of the first CPU, from `/sys/devices/system/cpu/cpu0/cache/index*/`.
fn l2_cache_kb(ctx: &crate::task::inventory::module::Context) -> Option<String> {
    let base = "/sys/devices/system/cpu/cpu0/cache";
    let mut dirs = ctx.src.list_dir(base).unwrap_or_default();
    dirs.sort();
    dirs.iter()
        .filter(|d| d.starts_with("index"))
        .find(|d| ctx.src.read_line(&format!("{base}/{d}/level")).as_deref() == Some("2"))
        .and_then(|d| ctx.src.read_line(&format!("{base}/{d}/size")))
        .and_then(|s| cache_kb(&s))
        .map(|kb| kb.to_string())
}

#[cfg(test)]
mod tests {
    use super::super::cpuinfo::parse;
    use super::*;

    const X86: &str = "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 37\n\
        model name\t: Intel(R) Core(TM) i3 CPU M 350 @ 2.27GHz\nstepping\t: 5\nphysical id\t: 0\n\
        siblings\t: 4\ncpu cores\t: 2\nflags\t\t: fpu lm\n\n\
        processor\t: 1\nvendor_id\t: GenuineIntel\nphysical id\t: 0\nsiblings\t: 4\ncpu cores\t: 2\n\n";

    #[test]
    fn x86_one_entry_per_package() {
        let cpus = x86_cpus(&parse(X86), &[], Some("x86_64"));
        assert_eq!(cpus.len(), 1);
        let c = &cpus[0];
        assert_eq!(c.get("ARCH"), Some("x86_64"));
        assert_eq!(c.get("MANUFACTURER"), Some("Intel"));
        assert_eq!(c.get("SPEED"), Some("2270"));
        assert_eq!((c.get("CORE"), c.get("THREAD")), (Some("2"), Some("4")));
        assert_eq!(
            x86_cpus(&parse(X86), &[], Some("i686"))[0].get("ARCH"),
            Some("i386")
        );
    }

    #[test]
    fn x86_merges_dmidecode() {
        let mut dmi = Entry::new();
        dmi.set("ID", "A7 06 02 00")
            .set("STEPPING", "9")
            .set("CORECOUNT", "18");
        let cpus = x86_cpus(&parse("processor : 0\nmodel name : x\n"), &[dmi], None);
        assert_eq!(cpus[0].get("ID"), Some("A7 06 02 00"));
        assert_eq!(cpus[0].get("STEPPING"), Some("9"));
        assert_eq!(cpus[0].get("CORE"), Some("1"));
        assert_eq!(cpus[0].get("ARCH"), Some("i386"));
    }

    #[test]
    fn other_architectures() {
        let ppc = cpus_from_proc(CpuArch::PowerPc, &parse("processor : 0\ncpu : POWER4+ (gq)\nclock : 1452.000000MHz\nmachine : CHRP IBM,7038-6M2\n"), None);
        assert_eq!(ppc[0].get("SPEED"), Some("1452"));
        assert_eq!(ppc[0].get("MANUFACTURER"), Some("IBM"));
        let alpha = cpus_from_proc(
            CpuArch::Alpha,
            &parse("cpu : Alpha\ncycle frequency [Hz] : 1250000000 est.\n"),
            None,
        );
        assert_eq!(alpha[0].get("SPEED"), Some("1250"));
        let sparc = cpus_from_proc(
            CpuArch::Sparc,
            &parse("cpu : UltraSparc\nncpus probed : 2\n"),
            None,
        );
        assert_eq!(sparc.len(), 2);
        assert_eq!(CpuArch::from_machine("armv7l"), Some(CpuArch::Arm));
        assert_eq!(CpuArch::from_machine("i686"), Some(CpuArch::X86));
    }

    #[test]
    fn cache_sizes() {
        assert_eq!(cache_kb("512K"), Some(512));
        assert_eq!(cache_kb("2M"), Some(2048));
        assert_eq!(cache_kb("x"), None);
    }

    #[test]
    fn garbage_gives_nothing() {
        for arch in [
            CpuArch::X86,
            CpuArch::Arm,
            CpuArch::PowerPc,
            CpuArch::Mips,
            CpuArch::Alpha,
            CpuArch::Sparc,
            CpuArch::Ia64,
        ] {
            assert!(cpus_from_proc(arch, &parse("\u{0}garbage"), None).is_empty());
        }
        assert_eq!(ghz_in_name("GHz .GHz"), None);
        assert_eq!(ghz_in_name("ü1.5ghz").as_deref(), Some("1500"));
    }
}
