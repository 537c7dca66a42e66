//! CPUS on AIX: one per processor device of `lsdev -Cc processor -F name`, its type and
//! frequency from `lsattr -EOl procN -a type:frequency:frequency` and its SMT threads
//! from `lsattr -EOl procN -a state:type:smt_threads`.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "aix/cpu",
    category: "cpu",
    applies: |ctx| ctx.os == Os::Aix,
    collect,
};

/// `lsattr -EOl procN -a type:frequency:frequency` (`#type:frequency:frequency` header,
/// then `PowerPC_POWER7:3000000000:3000000000`) → (NAME, SPEED in MHz).
pub fn parse_type_frequency(text: &str) -> Option<(String, Option<u64>)> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))?;
    let mut f = line.split(':');
    let name = f.next()?.replacen('_', " ", 1);
    // Rounded to the nearest MHz (the reference rounds up from .05 MHz).
    let speed = f
        .next()
        .and_then(|hz| hz.trim().parse::<u64>().ok())
        .map(|hz| hz.saturating_add(500_000) / 1_000_000);
    Some((name, speed))
}

/// `lsattr -EOl procN -a state:type:smt_threads` → the thread count (last field).
pub fn parse_smt_threads(text: &str) -> Option<u32> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .find_map(|l| l.rsplit(':').next()?.parse().ok())
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let Some(list) = ctx.command(&["lsdev", "-Cc", "processor", "-F", "name"]) else {
        return;
    };
    for device in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut cpu = Entry::new();
        cpu.set("ARCH", "powerpc").set("THREAD", "1");
        if let Some((name, speed)) = ctx
            .command(&["lsattr", "-EOl", device, "-a", "type:frequency:frequency"])
            .and_then(|t| parse_type_frequency(&t))
        {
            let manufacturer = name.contains("POWER") || name.starts_with("PowerPC");
            // POWER4 and later, and the RS64 line, are 64-bit processors.
            if name.contains("POWER") || name.contains("RS64") {
                cpu.set("ARCH", "powerpc64");
            }
            cpu.set("NAME", name)
                .set_opt("SPEED", speed.map(|s| s.to_string()));
            if manufacturer {
                cpu.set("MANUFACTURER", "IBM");
            }
        }
        if let Some(threads) = ctx
            .command(&["lsattr", "-EOl", device, "-a", "state:type:smt_threads"])
            .and_then(|t| parse_smt_threads(&t))
        {
            cpu.set("THREAD", threads.to_string());
        }
        cpu.set("CORE", "1");
        inv.add("CPUS", cpu);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lsattr_outputs() {
        assert_eq!(
            parse_type_frequency(
                "#type:frequency:frequency\nPowerPC_POWER7:3000000000:3000000000\n"
            ),
            Some(("PowerPC POWER7".into(), Some(3000)))
        );
        assert_eq!(
            parse_type_frequency("#type:frequency\nPowerPC_POWER5:1654344000\n").map(|x| x.1),
            Some(Some(1654))
        );
        assert_eq!(parse_type_frequency("#type\n"), None);
        assert_eq!(
            parse_smt_threads("#state:type:smt_threads\nenable:PowerPC_POWER7:4\n"),
            Some(4)
        );
    }
}
