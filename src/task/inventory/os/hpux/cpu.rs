//! CPUS on HP-UX: from `cprop -summary -c Processors` when the propplus tools are there
//! (one entry per processor module, its cores counted), otherwise from `machinfo` (one
//! description repeated for each CPU).

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::cprop::{self, Block};
use super::machinfo::{self, Item, Machinfo};

pub const MODULE: Module = Module {
    name: "hpux/cpu",
    category: "cpu",
    applies: |ctx| ctx.os == Os::HpUx,
    collect,
};

/// The `cprop` command of a class.
pub const CPROP: &str = "/opt/propplus/bin/cprop";

fn maker_and_name(e: &mut Entry, text: &str) {
    if text.contains("Intel") {
        e.set("MANUFACTURER", "Intel");
    }
    if text.contains("Itanium") {
        e.set("NAME", "Itanium");
    }
}

/// `cprop` Processors blocks → CPUS. The blocks of one `Cell Slot Number N` are the cores
/// of one processor module, listed in slot order; blocks without one are processors.
pub fn cpus_from_cprop(blocks: &[Block]) -> Vec<Entry> {
    let mut cpus: Vec<Option<(Entry, u32)>> = Vec::new();
    for b in blocks {
        let mut e = Entry::new();
        e.set_opt("SPEED", b.get("Processor Speed").cloned())
            .set_opt("ID", b.get("Tag").cloned());
        maker_and_name(&mut e, b.get("Processor Type").map_or("", String::as_str));
        let slot = b.get("Location").and_then(|l| {
            let lower = l.to_ascii_lowercase();
            let at = lower.find("cell slot number ")? + "cell slot number ".len();
            let digits: String = l[at..].chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<usize>().ok()
        });
        match slot {
            // A bound on the index: a hostile slot number must not allocate gigabytes.
            Some(n) if n < 4096 => {
                if cpus.len() <= n {
                    cpus.resize(n + 1, None);
                }
                match &mut cpus[n] {
                    Some((_, cores)) => *cores += 1,
                    empty => *empty = Some((e, 1)),
                }
            }
            _ => cpus.push(Some((e, 0))),
        }
    }
    cpus.into_iter()
        .flatten()
        .map(|(mut e, cores)| {
            if cores > 0 {
                e.set("CORE", cores.to_string());
            }
            e
        })
        .collect()
}

/// `machinfo` → (CPU count, the description of each CPU). 11.23 has `CPU info` pairs
/// (`number of cpus`, `clock speed`, `processor model`); 11.31 a sentence (`3 Intel(R)
/// Itanium 2 processors (1.6 GHz, 9 MB) …`, maybe `… 8 logical processors`).
pub fn cpu_from_machinfo(info: &Machinfo) -> (Option<u32>, Entry) {
    let mut e = Entry::new();
    let mut count = None;
    match info.get("CPU info") {
        Some(Item::Section(map)) => {
            count = map.get("number of cpus").and_then(|n| n.parse().ok());
            if let Some(speed) = map
                .get("clock speed")
                .and_then(|s| number_before(s, " MHz"))
            {
                e.set("SPEED", speed);
            }
            maker_and_name(
                &mut e,
                map.get("processor model").map_or("", String::as_str),
            );
        }
        Some(Item::Text(text)) => {
            count = text
                .split_once(' ')
                .and_then(|(n, _)| n.parse::<u32>().ok());
            if let Some(ghz) = number_before(text, " GHz").and_then(|g| g.parse::<f64>().ok()) {
                e.set("SPEED", format!("{}", (ghz * 1000.0).round()));
            }
            maker_and_name(&mut e, text);
            if let (Some(logical), Some(n)) = (
                number_before(text, " logical processors").and_then(|l| l.parse::<u32>().ok()),
                count.filter(|n| *n > 0),
            ) {
                let per = f64::from(logical) / f64::from(n);
                e.set("CORE", format!("{per}"));
            }
        }
        None => {}
    }
    (count, e)
}

/// The number (digits and dots) just before `unit` in `text`.
fn number_before(text: &str, unit: &str) -> Option<String> {
    let at = text.find(unit)?;
    let digits: String = text[..at]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let n: String = digits.chars().rev().collect();
    (!n.is_empty()).then_some(n)
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    if let Some(text) = ctx.command(&[CPROP, "-summary", "-c", "Processors"]) {
        let cpus = cpus_from_cprop(&cprop::parse_cprop(&text));
        if !cpus.is_empty() {
            for c in cpus {
                inv.add("CPUS", c);
            }
            return;
        }
    }
    let info = machinfo::machinfo(ctx);
    let (count, cpu) = cpu_from_machinfo(&info);
    if cpu.is_empty() {
        return;
    }
    for _ in 0..count.unwrap_or(1).min(4096) {
        inv.add("CPUS", cpu.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machinfo_cpus() {
        let m = machinfo::parse_machinfo(
            "CPU info:\n  2 Intel(R) Itanium 2 9100 series processors (1.73 GHz, 18 MB)\n  \
             666 MT/s bus, CPU version A1\n  4 logical processors (2 per socket)\n",
        );
        let (n, e) = cpu_from_machinfo(&m);
        assert_eq!(n, Some(2));
        assert_eq!(e.get("SPEED"), Some("1730"));
        assert_eq!(e.get("CORE"), Some("2"));
        assert_eq!(e.get("NAME"), Some("Itanium"));
        let m = machinfo::parse_machinfo(
            "CPU info:\n   Number of CPUs = 2\n   Clock speed = 1600 MHz\n         processor model:   2   Intel(R) Itanium 2 processor\n",
        );
        let (n, e) = cpu_from_machinfo(&m);
        assert_eq!(n, Some(2));
        assert_eq!(e.get("SPEED"), Some("1600"));
        assert_eq!(e.get("MANUFACTURER"), Some("Intel"));
    }

    #[test]
    fn cprop_cores() {
        let block = |slot: &str| {
            Block::from([
                ("Tag".to_string(), format!("tag{slot}")),
                ("Processor Speed".to_string(), "1729".to_string()),
                (
                    "Processor Type".to_string(),
                    "Intel(R) Itanium(R) 2".to_string(),
                ),
                (
                    "Location".to_string(),
                    format!("x, Cell Slot Number {slot}, Slot Number 0."),
                ),
            ])
        };
        let c = cpus_from_cprop(&[block("4"), block("3"), block("3"), block("4"), block("3")]);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].get("ID"), Some("tag3"));
        assert_eq!(c[0].get("CORE"), Some("3"));
        assert_eq!(c[1].get("CORE"), Some("2"));
    }
}
