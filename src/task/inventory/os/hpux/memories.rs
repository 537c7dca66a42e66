//! MEMORIES on HP-UX: from `cprop -summary -c Memory` when the propplus tools are there,
//! else from the support tool `cstm` (`IPF_MEMORY` on Itanium, `mem` on PA-RISC); and
//! HARDWARE MEMORY (`machinfo`, or the sum of the modules) and SWAP (`swapinfo -dt`).

use std::collections::BTreeMap;

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::cprop::{self, Block};
use super::cpu::CPROP;
use super::machinfo;

pub const MODULE: Module = Module {
    name: "hpux/memories",
    category: "memory",
    applies: |ctx| ctx.os == Os::HpUx,
    collect,
};

/// `4 GB`, `512 MB`, `2048` → MB (base 1024).
pub fn size_mb(text: &str) -> Option<u64> {
    let mut words = text.split_whitespace();
    let n: f64 = words.next()?.parse().ok()?;
    let factor = match words.next().map(|u| u.to_ascii_uppercase()) {
        Some(u) if u.starts_with("TB") => 1024.0 * 1024.0,
        Some(u) if u.starts_with("GB") => 1024.0,
        Some(u) if u.starts_with("KB") => 1.0 / 1024.0,
        _ => 1.0,
    };
    Some((n * factor).round() as u64)
}

/// `cprop` Memory blocks → MEMORIES (blocks with a `Size`).
pub fn memories_from_cprop(blocks: &[Block]) -> Vec<Entry> {
    blocks
        .iter()
        .filter_map(|b| {
            let size = size_mb(b.get("Size")?)?;
            let mut e = Entry::new();
            e.set("CAPACITY", size.to_string())
                .set_opt("DESCRIPTION", b.get("Part Number").cloned())
                .set_opt("SERIALNUMBER", b.get("Serial Number").cloned())
                .set_opt("TYPE", b.get("Module Type").cloned());
            Some(e)
        })
        .collect()
}

/// `echo 'sc product IPF_MEMORY;il' | cstm` (Itanium): the `DIMM 0A  1024  DIMM 0B  1024`
/// table, two modules a line (a line with an empty slot, `----`, gives none).
pub fn parse_cstm64(text: &str) -> Vec<Entry> {
    let mut result = Vec::new();
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        let dimm = |i: usize| -> Option<(&str, &str, &str)> {
            let (kind, slot, size) = (w.get(i)?, w.get(i + 1)?, w.get(i + 2)?);
            let word =
                |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
            (kind.ends_with("IMM")
                && kind.len() > 3
                && word(kind)
                && word(slot)
                && size.bytes().all(|b| b.is_ascii_digit()))
            .then_some((*kind, *slot, *size))
        };
        let Some(pair) = (0..w.len()).find_map(|i| Some((dimm(i)?, dimm(i + 3)?))) else {
            continue;
        };
        for (kind, slot, size) in [pair.0, pair.1] {
            let mut e = Entry::new();
            e.set("CAPACITY", size)
                .set("DESCRIPTION", kind)
                .set("CAPTION", format!("{kind} {slot}"))
                .set("TYPE", kind)
                .set("NUMSLOTS", slot);
            result.push(e);
        }
    }
    result
}

/// `echo 'sc product mem;il' | cstm` (PA-RISC): the FRU records of memory modules
/// (`FRU Name.......: DIMM0A`, part and serial numbers), sizes from the `slot size` table.
pub fn parse_cstm(text: &str) -> Vec<Entry> {
    let mut result = Vec::new();
    let mut capacities: BTreeMap<String, String> = BTreeMap::new();
    let (mut capacity, mut description, mut extender) = (None, String::new(), String::new());
    let (mut slot, mut kind, mut ok) = (String::from("1"), String::new(), false);
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if line.contains("FRU Source") && line.contains("(memory") {
            ok = false;
        }
        if line.contains("Source Detail") && line.trim_end().ends_with("= 4") {
            ok = true;
        }
        if words.len() >= 2
            && words[..2]
                .iter()
                .all(|w| w.bytes().all(|b| b.is_ascii_digit()))
            && line.starts_with(char::is_whitespace)
        {
            capacities.insert(words[0].to_string(), words[1].to_string());
        }
        let after = |key: &str| -> Option<String> {
            let at = line.find(key)? + key.len();
            let rest = line[at..]
                .trim_start_matches('.')
                .trim_start_matches([':', '=']);
            rest.split_whitespace().next().map(str::to_string)
        };
        if let Some(loc) = after("Extender Location") {
            extender = loc;
        }
        if let Some(rank) = after("DIMMS Rank").and_then(|r| r.parse::<u32>().ok()) {
            slot = format!("{rank:02x}");
        }
        if let Some(name) = after("FRU Name") {
            if let Some((k, size)) = name.split_once('_') {
                kind = k.to_string();
                capacity = Some(size.to_string());
            } else if let Some(at) = name.find("IMM") {
                ok = true;
                kind = name[..at + 3].to_string();
                slot = name[at + 3..].to_string();
            }
        }
        if let Some(part) = after("Part Number") {
            description = part;
        }
        if let Some(serial) = after("Serial Number") {
            if ok {
                let size = capacity.take().or_else(|| capacities.get(&slot).cloned());
                let mut e = Entry::new();
                e.set_opt("CAPACITY", size)
                    .set("DESCRIPTION", format!("Part Number {description}"))
                    .set("CAPTION", format!("Ext {extender} Slot {slot}"))
                    .set("TYPE", kind.as_str())
                    .set("NUMSLOTS", "1")
                    .set("SERIALNUMBER", serial);
                result.push(e);
                ok = false;
            }
        }
    }
    result
}

/// `swapinfo -dt`: the `total` line's KB → MB.
pub fn parse_swapinfo(text: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let rest = l.strip_prefix("total")?;
        rest.split_whitespace()
            .next()?
            .parse::<u64>()
            .ok()
            .map(|kb| kb / 1024)
    })
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let from_cprop = ctx
        .command(&[CPROP, "-summary", "-c", "Memory"])
        .map(|t| memories_from_cprop(&cprop::parse_cprop(&t)))
        .unwrap_or_default();
    let memories = if !from_cprop.is_empty() {
        from_cprop
    } else if ctx.uname.machine.contains("ia64") {
        // cstm reads its commands from stdin and the source layer gives commands none:
        // the one place the HP-UX modules need a shell, with a fixed command line.
        parse_cstm64(
            &ctx.command(&[
                "sh",
                "-c",
                "echo 'sc product IPF_MEMORY;il' | /usr/sbin/cstm",
            ])
            .unwrap_or_default(),
        )
    } else {
        parse_cstm(
            &ctx.command(&["sh", "-c", "echo 'sc product mem;il' | /usr/sbin/cstm"])
                .unwrap_or_default(),
        )
    };
    let total: u64 = memories
        .iter()
        .filter_map(|m| m.get("CAPACITY")?.parse::<u64>().ok())
        .fold(0u64, u64::saturating_add);
    for m in memories {
        inv.add("MEMORIES", m);
    }
    let memory = ctx
        .command(&["/usr/contrib/bin/machinfo"])
        .and_then(|t| machinfo::memory_mb(&t))
        .or((total > 0).then_some(total));
    let swap = ctx
        .command(&["swapinfo", "-dt"])
        .and_then(|t| parse_swapinfo(&t));
    inv.single("HARDWARE")
        .set_opt("MEMORY", memory.map(|m| m.to_string()))
        .set_opt("SWAP", swap.map(|s| s.to_string()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cstm64_table() {
        let m = parse_cstm64(
            "   DIMM Location          Size(MB)     DIMM Location          Size(MB)\n\
             \x20  DIMM 0A                1024         DIMM 0B                1024    \n\
             \x20  DIMM 2A                ----         DIMM 2B                ----    \n",
        );
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].get("CAPTION"), Some("DIMM 0B"));
        assert_eq!(m[1].get("NUMSLOTS"), Some("0B"));
        assert_eq!(m[0].get("CAPACITY"), Some("1024"));
    }

    #[test]
    fn cprop_and_sizes() {
        let blocks = cprop::parse_cprop(
            "[Instance]: 1\n****\n   [Size]: 4 GB\n   [Part Number]: AB463-60001\n   [Module Type]: DIMM\n****\n\
             [Instance]: 2\n****\n   [Status]: empty\n****\n",
        );
        let m = memories_from_cprop(&blocks);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].get("CAPACITY"), Some("4096"));
        assert_eq!(m[0].get("DESCRIPTION"), Some("AB463-60001"));
        assert_eq!(size_mb("512 MB"), Some(512));
        assert_eq!(
            parse_swapinfo("Kb   Kb\ndev  4194304 0\ntotal  4194304   0\n"),
            Some(4096)
        );
        assert!(parse_cstm("nothing here\n").is_empty());
    }
}
