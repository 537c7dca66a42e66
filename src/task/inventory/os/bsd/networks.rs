//! NETWORKS on FreeBSD/OpenBSD: one `ifconfig -a` run, one entry per address; the DHCP
//! server of each leased address from dhclient's lease file.

use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module};

use super::ifconfig;
use crate::task::inventory::generic::unix::dhcp;

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
            e.set_default("TYPE", "ethernet");
        } else {
            e.set("VIRTUALDEV", "1");
        }
        if e.has("IPADDRESS") {
            // dhclient's lease file for the interface (FreeBSD, OpenBSD).
            let lease = ctx
                .file(&format!("/var/db/dhclient.leases.{name}"))
                .and_then(|text| dhcp::dhcp_server(&text, &name, ctx.clock.now));
            e.set_opt("IPDHCP", lease);
        }
        inv.add("NETWORKS", e);
    }
}
