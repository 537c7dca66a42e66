//! USBDEVICES on the BSDs where the usbutils package is installed: one `lsusb -v` run
//! (parsed by `generic::unix::lsusb`), named with the system's `usb.ids`.

use crate::task::inventory::generic::pciids::{IdsDb, USB_IDS};
use crate::task::inventory::generic::unix::lsusb;
use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module};

const LSUSB: &str = "/usr/local/bin/lsusb";

pub const MODULE: Module = Module {
    name: "bsd/usb",
    category: "usb",
    applies: |ctx| ctx.os.is_bsd() && ctx.src.exists(LSUSB),
    collect,
};

fn id(hex: Option<&str>) -> Option<u16> {
    u16::from_str_radix(hex?, 16).ok()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let devices = lsusb::parse_lsusb(&ctx.command(&[LSUSB, "-v"]).unwrap_or_default());
    let wanted: Vec<(u16, Option<u16>)> = devices
        .iter()
        .filter_map(|e| Some((id(e.get("VENDORID"))?, id(e.get("PRODUCTID")))))
        .collect();
    let db = IdsDb::load(ctx.src, USB_IDS, &wanted);
    for mut e in devices {
        let (Some(vendor), product) = (id(e.get("VENDORID")), id(e.get("PRODUCTID"))) else {
            continue;
        };
        // Root hubs are the controller's, not devices (as on Linux).
        if vendor == 0x1d6b {
            continue;
        }
        e.set_opt("MANUFACTURER", db.vendor(vendor));
        if let Some(name) = product.and_then(|p| db.device(vendor, p)) {
            e.set("NAME", name).set("CAPTION", name);
        }
        inv.add("USBDEVICES", e);
    }
}
