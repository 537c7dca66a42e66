//! USBDEVICES on macOS from `ioreg -c IOUSBDevice` (`IOUSBHostDevice` since macOS 11): ids as `0x` + hex (`0x5ac`), name,
//! serial, class and subclass.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::ioreg::{self, Device};

pub const MODULE: Module = Module {
    name: "macos/usb",
    category: "usb",
    applies: |ctx| ctx.os == Os::MacOs,
    collect,
};

fn hex_id(v: &str) -> Option<String> {
    v.parse::<u32>().ok().map(|n| format!("0x{n:x}"))
}

pub fn devices(list: &[Device]) -> Vec<Entry> {
    list.iter()
        .map(|d| {
            let get = |k: &str| d.get(k).cloned();
            let mut e = Entry::new();
            e.set_opt("VENDORID", d.get("idVendor").and_then(|v| hex_id(v)))
                .set_opt("PRODUCTID", d.get("idProduct").and_then(|v| hex_id(v)))
                .set_opt("SERIAL", get("USB Serial Number"))
                .set_opt("NAME", get("USB Product Name"))
                .set_opt("CLASS", get("bDeviceClass"))
                .set_opt("SUBCLASS", get("bDeviceSubClass"));
            e
        })
        .collect()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let Some(text) = ctx.command(&["ioreg", "-c", "IOUSBDevice", "-r", "-l", "-w0", "-d1"]) else {
        return;
    };
    let mut seen = std::collections::BTreeSet::new();
    for e in devices(&ioreg::parse(&text, "IOUSBDevice")) {
        // the same device seen twice (hubs) has the same serial
        if let Some(serial) = e.get("SERIAL") {
            if !seen.insert(serial.to_string()) {
                continue;
            }
        }
        inv.add("USBDEVICES", e);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids() {
        let d = super::ioreg::parse("+-o IR Receiver  <class IOUSBDevice, id 1>\n  | {\n  |   \"idVendor\" = 1452\n  |   \"idProduct\" = 33344\n  |   \"USB Product Name\" = \"IR Receiver\"\n  | }\n", "IOUSBDevice");
        let e = super::devices(&d);
        assert_eq!(e[0].get("VENDORID"), Some("0x5ac"));
        assert_eq!(e[0].get("PRODUCTID"), Some("0x8240"));
    }
}
