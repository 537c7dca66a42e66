//! VIDEOS on macOS from `system_profiler SPDisplaysDataType`: one entry per graphics
//! card under `Graphics/Displays`, with the resolution of a display it drives.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::system_profiler::{self as sp, Tree};

pub const MODULE: Module = Module {
    name: "macos/videos",
    category: "video",
    applies: |ctx| ctx.os == Os::MacOs,
    collect,
};

/// `2880 x 1800 Retina`, `1920 x 1080 @ 60 Hz` → `2880x1800`.
pub fn resolution(text: &str) -> Option<String> {
    let w: Vec<&str> = text.split_whitespace().collect();
    let at = w.iter().position(|x| *x == "x")?;
    let (a, b) = (w.get(at.checked_sub(1)?)?, w.get(at + 1)?);
    (a.chars().all(|c| c.is_ascii_digit()) && b.chars().all(|c| c.is_ascii_digit()))
        .then(|| format!("{a}x{b}"))
}

pub fn videos(tree: &Tree) -> Vec<Entry> {
    let Some(cards) = sp::section(tree, &["Graphics/Displays"]) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, card) in sp::sections(cards) {
        let memory = sp::text(card, "VRAM (Total)")
            .or(sp::text(card, "VRAM (Dynamic, Max)"))
            .and_then(sp::size_mb)
            .map(sp::number);
        let resolution = sp::section(card, &["Displays"]).and_then(|displays| {
            sp::sections(displays)
                .filter(|(n, _)| !matches!(n.as_str(), "Display Connector" | "Display"))
                .find_map(|(_, d)| sp::text(d, "Resolution").and_then(resolution))
        });
        let mut e = Entry::new();
        e.set("NAME", name.as_str())
            .set_opt("CHIPSET", sp::text(card, "Chipset Model"))
            .set_opt("MEMORY", memory)
            .set_opt("PCISLOT", sp::text(card, "Slot").or(sp::text(card, "Bus")))
            .set_opt("RESOLUTION", resolution);
        out.push(e);
    }
    out
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let Some(text) = ctx.command(&["/usr/sbin/system_profiler", "SPDisplaysDataType"]) else {
        return;
    };
    for e in videos(&sp::parse(&text)) {
        inv.add("VIDEOS", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards() {
        let t = sp::parse("Graphics/Displays:\n\n    ATI Radeon HD 5770:\n\n      Chipset Model: ATI Radeon HD 5770\n      Bus: PCIe\n      Slot: Slot-1\n      VRAM (Total): 1024 MB\n      Displays:\n        Display Connector:\n          Status: No Display Connected\n        LED Cinema Display:\n          Resolution: 1920 x 1080 @ 60 Hz\n");
        let v = videos(&t);
        assert_eq!(v[0].get("PCISLOT"), Some("Slot-1"));
        assert_eq!(v[0].get("MEMORY"), Some("1024"));
        assert_eq!(v[0].get("RESOLUTION"), Some("1920x1080"));
        assert_eq!(
            resolution("2880 x 1800 Retina").as_deref(),
            Some("2880x1800")
        );
    }
}
