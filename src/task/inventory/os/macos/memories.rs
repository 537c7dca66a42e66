//! MEMORIES and HARDWARE/MEMORY on macOS from `system_profiler SPMemoryDataType`: one
//! entry per `DIMM<n>` slot, under `Memory` → `Memory Slots` (or `Memory` on old Macs).

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::system_profiler::{self as sp, Tree};

pub const MODULE: Module = Module {
    name: "macos/memories",
    category: "memory",
    applies: |ctx| ctx.os == Os::MacOs,
    collect,
};

/// `1067 MHz` → `1067`, `1.6 GHz` → `1600`; `None` for anything else (`Empty`,
/// `PC2-4200U-444`).
pub fn speed_mhz(text: &str) -> Option<String> {
    let mut w = text.split_whitespace();
    let n: f64 = w.next()?.replace(',', ".").parse().ok()?;
    match w.next()?.to_ascii_lowercase().as_str() {
        "mhz" => Some(sp::number(n)),
        "ghz" => Some(sp::number((n * 1000.0).round())),
        _ => None,
    }
}

/// A part number: `0x…` hex-decoded (Apple writes some that way), NULs and trailing
/// blanks dropped.
pub fn part_number(text: &str) -> Option<String> {
    let decoded = match text.strip_prefix("0x") {
        Some(hex) if hex.len() % 2 == 0 && hex.chars().all(|c| c.is_ascii_hexdigit()) => {
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .filter_map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
                .collect();
            String::from_utf8_lossy(&bytes).replace('\0', "")
        }
        _ => text.to_string(),
    };
    let d = decoded.trim_end().to_string();
    (!d.is_empty()).then_some(d)
}

pub fn memories(tree: &Tree) -> Vec<Entry> {
    let Some(memory) = sp::section(tree, &["Memory"]) else {
        return Vec::new();
    };
    let slots = sp::section(memory, &["Memory Slots"]).unwrap_or(memory);
    let mut out = Vec::new();
    for (key, info) in sp::sections(slots) {
        let Some(at) = key.find("DIMM") else { continue };
        let Some(slot) = key[at + 4..].chars().next().filter(char::is_ascii_digit) else {
            continue;
        };
        let mut e = Entry::new();
        e.set("NUMSLOTS", slot.to_string())
            .set_opt(
                "DESCRIPTION",
                sp::text(info, "Part Number").and_then(part_number),
            )
            .set(
                "CAPTION",
                format!("Status: {}", sp::text(info, "Status").unwrap_or("")),
            )
            .set_opt("TYPE", sp::text(info, "Type"))
            .set_opt("SERIALNUMBER", sp::text(info, "Serial Number"))
            .set_opt("SPEED", sp::text(info, "Speed").and_then(speed_mhz))
            .set_opt(
                "CAPACITY",
                sp::text(info, "Size").and_then(sp::size_mb).map(sp::number),
            );
        out.push(e);
    }
    out
}

/// `Hardware` → `Hardware Overview` → `Memory` in MB.
pub fn total_mb(tree: &Tree) -> Option<String> {
    let hw = sp::section(tree, &["Hardware", "Hardware Overview"])?;
    sp::text(hw, "Memory").and_then(sp::size_mb).map(sp::number)
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let Some(text) = ctx.command(&["/usr/sbin/system_profiler", "SPMemoryDataType"]) else {
        return;
    };
    for e in memories(&sp::parse(&text)) {
        inv.add("MEMORIES", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots() {
        let t = sp::parse("Memory:\n\n    Memory Slots:\n\n      ECC: Disabled\n\n        BANK 0/DIMM0:\n\n          Size: 2 GB\n          Type: DDR3\n          Speed: 1067 MHz\n          Status: OK\n          Part Number: 0x4D34373142353737334448302D4348392020\n\n        BANK 1/DIMM1:\n\n          Size: Empty\n          Type: Empty\n          Speed: Empty\n          Status: Empty\n");
        let m = memories(&t);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].get("CAPACITY"), Some("2048"));
        assert_eq!(m[0].get("DESCRIPTION"), Some("M471B5773DH0-CH9"));
        assert_eq!(m[0].get("SPEED"), Some("1067"));
        assert_eq!(m[1].get("CAPACITY"), None);
        assert_eq!(m[1].get("NUMSLOTS"), Some("1"));
        assert_eq!(speed_mhz("PC2-4200U-444"), None);
    }
}
