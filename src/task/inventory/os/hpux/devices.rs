//! CONTROLLERS and SLOTS on HP-UX from `ioscan`: the controllers are the SCSI buses,
//! Fibre Channel ports and other interface classes; the slots the bus and I/O adapters.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::ioscan::{self, Device};

pub const CONTROLLERS: Module = Module {
    name: "hpux/controllers",
    category: "controller",
    applies: |ctx| ctx.os == Os::HpUx,
    collect: collect_controllers,
};

pub const SLOTS: Module = Module {
    name: "hpux/slots",
    category: "slot",
    applies: |ctx| ctx.os == Os::HpUx,
    collect: collect_slots,
};

/// The ioscan classes that are controllers.
const CONTROLLER_CLASSES: &[&str] = &["ext_bus", "fc", "psi"];
/// The ioscan classes that are slots.
const SLOT_CLASSES: &[&str] = &["ioa", "ba"];

/// Devices → entries with their description in `field`.
pub fn described(devices: &[Device], field: &'static str) -> Vec<Entry> {
    devices
        .iter()
        .map(|d| {
            let mut e = Entry::new();
            e.set_opt(field, d.description.clone());
            e
        })
        .collect()
}

fn scan(ctx: &Context, class: &str) -> Vec<Device> {
    ctx.command(&["ioscan", "-kFC", class])
        .map(|t| ioscan::parse_ioscan(&t))
        .unwrap_or_default()
}

fn collect_controllers(ctx: &Context, inv: &mut Inventory) {
    for class in CONTROLLER_CLASSES {
        for mut e in described(&scan(ctx, class), "TYPE") {
            e.set_opt("NAME", e.get("TYPE").map(str::to_string));
            inv.add("CONTROLLERS", e);
        }
    }
}

fn collect_slots(ctx: &Context, inv: &mut Inventory) {
    for class in SLOT_CLASSES {
        for e in described(&scan(ctx, class), "DESIGNATION") {
            inv.add("SLOTS", e);
        }
    }
}
