//! MEMORIES on Solaris/illumos: the modules `prtdiag` lists in the global zone; inside
//! a zone, one entry for the memory the zone is given.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::hardware::{memory_mb, zone};
use super::prtdiag;

pub const MODULE: Module = Module {
    name: "solaris/memories",
    category: "memory",
    applies: |ctx| ctx.os == Os::Solaris,
    collect,
};

fn collect(ctx: &Context, inv: &mut Inventory) {
    if zone(ctx) != "global" {
        let size = ctx
            .command(&["/usr/sbin/prtconf"])
            .and_then(|t| memory_mb(&t));
        let mut e = Entry::new();
        e.set("DESCRIPTION", "Allocated memory")
            .set("CAPTION", "Shared memory")
            .set("NUMSLOTS", "1")
            .set_opt("CAPACITY", size.map(|s| s.to_string()));
        inv.add("MEMORIES", e);
        return;
    }
    let text = ctx.command(&["prtdiag"]).unwrap_or_default();
    for e in prtdiag::parse_prtdiag(&text).memories.unwrap_or_default() {
        inv.add("MEMORIES", e);
    }
}
