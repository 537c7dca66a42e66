//! SLOTS on Solaris/illumos: the I/O slots and cards `prtdiag` lists.

use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module, Os};

use super::prtdiag;

pub const MODULE: Module = Module {
    name: "solaris/slots",
    category: "slot",
    applies: |ctx| ctx.os == Os::Solaris,
    collect,
};

fn collect(ctx: &Context, inv: &mut Inventory) {
    let text = ctx.command(&["prtdiag"]).unwrap_or_default();
    for e in prtdiag::parse_prtdiag(&text).slots.unwrap_or_default() {
        inv.add("SLOTS", e);
    }
}
