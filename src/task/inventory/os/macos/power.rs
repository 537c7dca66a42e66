//! BATTERIES and POWERSUPPLIES on macOS from `system_profiler SPPowerDataType`: the
//! battery's model and charge information, and the AC charger.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

use super::system_profiler::{self as sp, Tree};

pub const MODULE: Module = Module {
    name: "macos/power",
    category: "battery",
    applies: |ctx| ctx.os == Os::MacOs,
    collect,
};

/// `Power` → `Battery Information`.
pub fn battery(tree: &Tree) -> Option<Entry> {
    let info = sp::section(tree, &["Power", "Battery Information"])?;
    let model = sp::section(info, &["Model Information"]);
    let charge = sp::section(info, &["Charge Information"]);
    let m = |k: &str| model.and_then(|m| sp::text(m, k));
    let mut e = Entry::new();
    e.set_opt("NAME", m("Device Name"))
        .set_opt("MANUFACTURER", m("Manufacturer"))
        .set_opt("SERIAL", m("Serial Number"))
        .set_opt(
            "CAPACITY",
            charge.and_then(|c| sp::text(c, "Full Charge Capacity (mAh)")),
        )
        .set_opt("VOLTAGE", sp::text(info, "Voltage (mV)"));
    (!e.is_empty()).then_some(e)
}

/// `Power` → `AC Charger Information`.
pub fn charger(tree: &Tree) -> Option<Entry> {
    let info = sp::section(tree, &["Power", "AC Charger Information"])?;
    let mut e = Entry::new();
    e.set_opt("NAME", sp::text(info, "Name"))
        .set_opt("MANUFACTURER", sp::text(info, "Manufacturer"))
        .set_opt("SERIALNUMBER", sp::text(info, "Serial Number"))
        .set_opt("POWER_MAX", sp::text(info, "Wattage (W)"))
        .set("PLUGGED", sp::text(info, "Connected").unwrap_or("No"))
        .set(
            "STATUS",
            if sp::text(info, "Charging") == Some("Yes") {
                "Charging"
            } else {
                "Not charging"
            },
        );
    Some(e)
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    let Some(text) = ctx.command(&["/usr/sbin/system_profiler", "SPPowerDataType"]) else {
        return;
    };
    let tree = sp::parse(&text);
    if let Some(b) = battery(&tree) {
        inv.add("BATTERIES", b);
    }
    if ctx.wants("psu") {
        if let Some(c) = charger(&tree) {
            inv.add("POWERSUPPLIES", c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn battery_and_charger() {
        let t = sp::parse("Power:\n\n    Battery Information:\n\n      Model Information:\n          Serial Number: C01437408B3F90MA2\n          Manufacturer: DP\n          Device Name: bq20z451\n      Charge Information:\n          Full Charge Capacity (mAh): 6078\n      Voltage (mV): 7921\n\n    AC Charger Information:\n\n      Connected: Yes\n      Wattage (W): 60\n      Charging: No\n");
        let b = battery(&t).unwrap();
        assert_eq!(b.get("CAPACITY"), Some("6078"));
        assert_eq!(b.get("VOLTAGE"), Some("7921"));
        let c = charger(&t).unwrap();
        assert_eq!(c.get("STATUS"), Some("Not charging"));
        assert_eq!(c.get("PLUGGED"), Some("Yes"));
    }
}
