//! CONTROLLERS, VIDEOS, SOUNDS and MODEMS on the BSDs where the pciutils package is
//! installed: one `lspci -v -nn` run (parsed by `generic::unix::lspci`).

use crate::task::inventory::generic::unix::lspci;
use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module};

/// Where the pciutils package puts `lspci` on the BSDs.
const LSPCI: &str = "/usr/local/bin/lspci";

pub const MODULE: Module = Module {
    name: "bsd/pci",
    category: "controller",
    applies: |ctx| ctx.os.is_bsd() && ctx.src.exists(LSPCI),
    collect,
};

fn collect(ctx: &Context, inv: &mut Inventory) {
    let devices = lspci::parse_lspci(&ctx.command(&[LSPCI, "-v", "-nn"]).unwrap_or_default());
    for e in lspci::controllers(&devices) {
        inv.add("CONTROLLERS", e);
    }
    for (section, category, entries) in [
        ("VIDEOS", "video", lspci::videos(&devices)),
        ("SOUNDS", "sound", lspci::sounds(&devices)),
        ("MODEMS", "modem", lspci::modems(&devices)),
    ] {
        if ctx.wants(category) {
            for e in entries {
                inv.add(section, e);
            }
        }
    }
}
