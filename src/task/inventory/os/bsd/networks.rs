//! NETWORKS on FreeBSD/OpenBSD: one `ifconfig -a` run, one entry per address.

use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module};

use super::ifconfig;

pub const MODULE: Module = Module {
    name: "bsd/networks",
    category: "network",
    applies: |ctx| ctx.os.is_bsd(),
    collect,
};

fn collect(ctx: &Context, inv: &mut Inventory) {
    for mut e in ifconfig::parse(&ctx.command(&["ifconfig", "-a"]).unwrap_or_default()) {
        let name = e.get("DESCRIPTION").unwrap_or("").to_string();
        if name.starts_with("lo") {
            e.set("TYPE", "loopback").set("VIRTUALDEV", "1");
        } else if e.has("MACADDR") {
            e.set("TYPE", "ethernet");
        } else {
            e.set("VIRTUALDEV", "1");
        }
        inv.add("NETWORKS", e);
    }
}
