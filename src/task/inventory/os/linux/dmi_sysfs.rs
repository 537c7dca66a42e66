//! BIOS from `/sys/class/dmi/id` when dmidecode gives nothing (not root, no dmidecode):
//! the kernel exposes the same SMBIOS strings there, most of them readable by anyone.

use crate::task::inventory::generic::dmidecode::is_placeholder;
use crate::task::inventory::model::Inventory;
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "linux/bios_sysfs",
    category: "bios",
    applies: |ctx| {
        ctx.os == Os::Linux && ctx.dmi().is_none() && ctx.src.exists("/sys/class/dmi/id")
    },
    collect,
};

/// A sysfs DMI string worth reporting: not empty, not a placeholder.
pub fn meaningful(v: &str) -> bool {
    let v = v.trim();
    !v.is_empty() && !is_placeholder(v) && !v.eq_ignore_ascii_case("default string")
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let read = |f: &str| {
        ctx.src
            .read_line(&format!("/sys/class/dmi/id/{f}"))
            .filter(|v| meaningful(v))
    };
    let bios = inv.single("BIOS");
    for (field, file) in [
        ("BMANUFACTURER", "bios_vendor"),
        ("BDATE", "bios_date"),
        ("BVERSION", "bios_version"),
        ("SMANUFACTURER", "sys_vendor"),
        ("SMODEL", "product_name"),
        ("SSN", "product_serial"),
        ("SKUNUMBER", "product_sku"),
        ("MMANUFACTURER", "board_vendor"),
        ("MMODEL", "board_name"),
        ("MSN", "board_serial"),
        ("ASSETTAG", "chassis_asset_tag"),
    ] {
        bios.set_opt(field, read(file));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders() {
        assert!(super::meaningful("LENOVO"));
        assert!(!super::meaningful("To be filled by O.E.M."));
        assert!(!super::meaningful(" "));
    }
}
