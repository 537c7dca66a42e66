//! MONITORS on Linux: the EDID of each connected display (`/sys/class/drm`), decoded by
//! the generic EDID parser, vendors named from the system's `pnp.ids`, raw EDID in BASE64.

use crate::task::inventory::generic::edid;
use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module, Os};

use super::edid_files::edid_files;

pub const MODULE: Module = Module {
    name: "linux/monitors",
    category: "monitor",
    applies: |ctx| ctx.os == Os::Linux && ctx.src.exists("/sys/class/drm"),
    collect,
};

fn collect(ctx: &Context, inv: &mut Inventory) {
    let blobs = edid_files(ctx.src);
    if blobs.is_empty() {
        return;
    }
    let pnp = edid::load_pnp_ids(ctx.src).unwrap_or_default();
    let vendor = |id: &str| pnp.name(id).map(str::to_string);
    for (connector, bytes) in blobs {
        let Some(mut e) = edid::parse(&bytes, &vendor) else {
            log::debug!("unreadable EDID on {connector}");
            continue;
        };
        e.set("BASE64", crate::encoding::base64(&bytes))
            .set("PORT", connector.as_str());
        inv.add("MONITORS", e);
    }
}
