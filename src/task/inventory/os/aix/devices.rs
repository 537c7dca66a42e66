//! CONTROLLERS, MODEMS, SOUNDS and VIDEOS on AIX from the adapter list of `lsdev`, and
//! SLOTS from the buses (`lsdev -Cc bus`), located by their VPD record.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::{lsdev, lsvpd};

fn is_aix(ctx: &Context) -> bool {
    ctx.os == Os::Aix
}

pub const CONTROLLERS: Module = Module {
    name: "aix/controllers",
    category: "controller",
    applies: is_aix,
    collect: |ctx, inv| {
        add(
            inv,
            "CONTROLLERS",
            lsdev::controllers(&lsdev::adapters(ctx)),
        )
    },
};

pub const MODEMS: Module = Module {
    name: "aix/modems",
    category: "modem",
    applies: is_aix,
    collect: |ctx, inv| add(inv, "MODEMS", lsdev::modems(&lsdev::adapters(ctx))),
};

pub const SOUNDS: Module = Module {
    name: "aix/sounds",
    category: "sound",
    applies: is_aix,
    collect: |ctx, inv| add(inv, "SOUNDS", lsdev::sounds(&lsdev::adapters(ctx))),
};

pub const VIDEOS: Module = Module {
    name: "aix/videos",
    category: "video",
    applies: is_aix,
    collect: |ctx, inv| add(inv, "VIDEOS", lsdev::videos(&lsdev::adapters(ctx))),
};

pub const SLOTS: Module = Module {
    name: "aix/slots",
    category: "slot",
    applies: is_aix,
    collect: collect_slots,
};

fn add(inv: &mut Inventory, section: &str, entries: Vec<Entry>) {
    for e in entries {
        inv.add(section, e);
    }
}

fn collect_slots(ctx: &Context, inv: &mut Inventory) {
    let Some(text) = ctx.command(&["lsdev", "-Cc", "bus", "-F", "name:description"]) else {
        return;
    };
    let vpd = lsvpd::vpd(ctx);
    for mut slot in lsdev::slots(&text) {
        let location = slot
            .get("NAME")
            .and_then(|n| vpd.device(n))
            .and_then(|r| r.get("YL"))
            .cloned();
        slot.set_opt("DESCRIPTION", location);
        inv.add("SLOTS", slot);
    }
}
