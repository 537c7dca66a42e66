//! MEMORIES on AIX from the `Memory DIMM` records of `lsvpd`, and HARDWARE MEMORY/SWAP
//! from `lsattr -EOl mem0` (the real memory, `size` in MB) and `lsps -s` (paging space).

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::lsvpd::{self, Record};

pub const MODULE: Module = Module {
    name: "aix/memories",
    category: "memory",
    applies: |ctx| ctx.os == Os::Aix,
    collect,
};

/// The DIMMs among the VPD records: capacity (MB), location, serial, and their index.
pub fn memories(records: &[Record]) -> Vec<Entry> {
    records
        .iter()
        .filter(|r| r.get("DS").map(String::as_str) == Some("Memory DIMM"))
        .enumerate()
        .map(|(index, r)| {
            let mut e = Entry::new();
            e.set("DESCRIPTION", "Memory DIMM")
                .set_opt("CAPACITY", r.get("SZ").cloned())
                .set_opt("CAPTION", r.get("YL").map(|yl| format!("Slot {yl}")))
                .set_opt("SERIALNUMBER", r.get("SN").cloned())
                .set("NUMSLOTS", index.to_string());
            e
        })
        .collect()
}

/// `lsattr -EOl mem0 -a size` (`#size` header, then the value in MB) → MB.
pub fn parse_mem_size(text: &str) -> Option<u64> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .find_map(|l| l.rsplit(':').next()?.trim().parse().ok())
}

/// `lsps -s` (`Total Paging Space   Percent Used` / `  512MB   1%`) → MB.
pub fn parse_lsps(text: &str) -> Option<u64> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("Total"))
        .find_map(|l| {
            let first = l.split_whitespace().next()?;
            let digits: String = first.chars().take_while(char::is_ascii_digit).collect();
            let n: u64 = digits.parse().ok()?;
            Some(match first[digits.len()..].to_ascii_uppercase().as_str() {
                "GB" => n.saturating_mul(1024),
                _ => n,
            })
        })
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let dimms = memories(&lsvpd::vpd(ctx).records);
    let total: u64 = dimms
        .iter()
        .filter_map(|d| d.get("CAPACITY")?.parse::<u64>().ok())
        .fold(0u64, u64::saturating_add);
    for d in dimms {
        inv.add("MEMORIES", d);
    }
    let size = ctx
        .command(&["lsattr", "-EOl", "mem0", "-a", "size"])
        .and_then(|t| parse_mem_size(&t))
        .or((total > 0).then_some(total));
    let swap = ctx.command(&["lsps", "-s"]).and_then(|t| parse_lsps(&t));
    let hw = inv.single("HARDWARE");
    hw.set_opt("MEMORY", size.map(|s| s.to_string()))
        .set_opt("SWAP", swap.map(|s| s.to_string()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimms() {
        let recs = lsvpd::parse_lsvpd(
            "*FC ????????\n*DS Processor\n*FC ????????\n*DS Memory DIMM\n*SZ 2048\n*YL U1-P1-C1\n\
             *SN ABC\n*FC ????????\n*DS Memory DIMM\n*SZ 2048\n*YL U1-P1-C2\n*SN DEF\n",
        );
        let m = memories(&recs);
        assert_eq!(m.len(), 2);
        assert_eq!(m[1].get("CAPTION"), Some("Slot U1-P1-C2"));
        assert_eq!(m[1].get("NUMSLOTS"), Some("1"));
        assert_eq!(m[0].get("CAPACITY"), Some("2048"));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_mem_size("#size\n4096\n"), Some(4096));
        assert_eq!(parse_mem_size("#size:goodsize\n4096:4096\n"), Some(4096));
        assert_eq!(
            parse_lsps("Total Paging Space   Percent Used\n      512MB               1%\n"),
            Some(512)
        );
        assert_eq!(
            parse_lsps("Total Paging Space   Percent Used\n 2GB 1%\n"),
            Some(2048)
        );
        assert_eq!(parse_lsps("garbage"), None);
    }
}
