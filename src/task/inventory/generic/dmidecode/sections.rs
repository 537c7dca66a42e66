//! The dmidecode inventory modules: one per DMI-backed section, all reading the one
//! parsed `dmidecode` run the context holds.

use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module};

use super::{battery, bios, memory, ports, psu, slots};

fn has_dmi(ctx: &Context) -> bool {
    ctx.dmi().is_some()
}

pub const BIOS: Module = Module {
    name: "dmidecode/bios",
    category: "bios",
    applies: has_dmi,
    collect: collect_bios,
};
pub const MEMORIES: Module = Module {
    name: "dmidecode/memory",
    category: "memory",
    applies: has_dmi,
    collect: collect_memories,
};
pub const PORTS: Module = Module {
    name: "dmidecode/ports",
    category: "port",
    applies: has_dmi,
    collect: collect_ports,
};
pub const SLOTS: Module = Module {
    name: "dmidecode/slots",
    category: "slot",
    applies: has_dmi,
    collect: collect_slots,
};
pub const POWERSUPPLIES: Module = Module {
    name: "dmidecode/psu",
    category: "psu",
    applies: has_dmi,
    collect: collect_psu,
};
pub const BATTERIES: Module = Module {
    name: "dmidecode/battery",
    category: "battery",
    applies: has_dmi,
    collect: collect_batteries,
};

fn collect_bios(ctx: &Context, inv: &mut Inventory) {
    let Some(dmi) = ctx.dmi() else { return };
    let found = bios::bios_hardware(dmi);
    let entry = inv.single("BIOS");
    for (k, v) in found.bios.iter() {
        if let crate::task::inventory::model::Value::Text(t) = v {
            entry.set(k, t.as_str());
        }
    }
    let hw = inv.single("HARDWARE");
    hw.set_opt("UUID", found.hardware.get("UUID"));
    hw.set_opt("CHASSIS_TYPE", found.hardware.get("CHASSIS_TYPE"));
}

fn add_all(
    inv: &mut Inventory,
    section: &str,
    entries: Option<Vec<crate::task::inventory::model::Entry>>,
) {
    for e in entries.unwrap_or_default() {
        inv.add(section, e);
    }
}

fn collect_memories(ctx: &Context, inv: &mut Inventory) {
    add_all(inv, "MEMORIES", ctx.dmi().and_then(memory::memories));
}

fn collect_ports(ctx: &Context, inv: &mut Inventory) {
    add_all(inv, "PORTS", ctx.dmi().and_then(ports::ports));
}

fn collect_slots(ctx: &Context, inv: &mut Inventory) {
    add_all(inv, "SLOTS", ctx.dmi().and_then(slots::slots));
}

fn collect_psu(ctx: &Context, inv: &mut Inventory) {
    add_all(inv, "POWERSUPPLIES", ctx.dmi().map(psu::power_supplies));
}

fn collect_batteries(ctx: &Context, inv: &mut Inventory) {
    // The kernel's view (power_supply) is better when it has one: no second copy.
    if !inv.section("BATTERIES").is_empty() {
        return;
    }
    add_all(inv, "BATTERIES", ctx.dmi().map(battery::batteries));
}
