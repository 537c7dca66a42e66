//! INPUTS on Linux: keyboards and pointing devices from `/proc/bus/input/devices`.
//!
//! The kernel lists every input device there, including power buttons, lid switches,
//! PC speakers and the extra "Consumer Control" halves of USB receivers. A device is
//! kept when it is a real keyboard (the `kbd` handler and key auto-repeat, `EV_REP`) or
//! a pointing device (a `mouseN` handler); INTERFACE comes from the bus number.

use crate::task::inventory::model::{Entry, Inventory};
use crate::task::inventory::module::{Context, Module, Os};

pub const MODULE: Module = Module {
    name: "linux/inputs",
    category: "input",
    applies: |ctx| ctx.os == Os::Linux && ctx.src.exists(DEVICES),
    collect,
};

const DEVICES: &str = "/proc/bus/input/devices";

/// Bit of `EV_REP` (auto-repeat) in the `B: EV=` bitmap.
const EV_REP: u64 = 1 << 0x14;

/// One block of `/proc/bus/input/devices`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputDevice {
    pub bus: Option<u16>,
    pub name: String,
    pub phys: String,
    pub handlers: Vec<String>,
    pub events: u64,
}

/// Splits the file into devices (blocks separated by blank lines).
pub fn parse(text: &str) -> Vec<InputDevice> {
    let mut out = Vec::new();
    let mut cur: Option<InputDevice> = None;
    for line in text.lines().chain(std::iter::once("")) {
        let line = line.trim_end();
        if line.is_empty() {
            out.extend(cur.take());
            continue;
        }
        let Some((kind, rest)) = line.split_once(": ") else {
            continue;
        };
        let dev = cur.get_or_insert_with(InputDevice::default);
        match kind {
            "I" => {
                dev.bus = rest
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix("Bus="))
                    .and_then(|b| u16::from_str_radix(b, 16).ok());
            }
            "N" => {
                let v = rest.strip_prefix("Name=").unwrap_or(rest);
                dev.name = v.trim_matches('"').to_string();
            }
            "P" => dev.phys = rest.strip_prefix("Phys=").unwrap_or("").to_string(),
            "H" => {
                dev.handlers = rest
                    .strip_prefix("Handlers=")
                    .unwrap_or("")
                    .split_whitespace()
                    .map(str::to_string)
                    .collect();
            }
            "B" => {
                if let Some(ev) = rest.strip_prefix("EV=") {
                    dev.events = u64::from_str_radix(ev.trim(), 16).unwrap_or(0);
                }
            }
            _ => {}
        }
    }
    out
}

/// `Keyboard`, `Pointing`, or `None` for the other input devices.
pub fn kind(dev: &InputDevice) -> Option<&'static str> {
    let has = |p: &str| dev.handlers.iter().any(|h| h.starts_with(p));
    if has("mouse") {
        Some("Pointing")
    } else if dev.handlers.iter().any(|h| h == "kbd") && dev.events & EV_REP != 0 {
        Some("Keyboard")
    } else {
        None
    }
}

/// The bus a device is plugged on, from the kernel's `BUS_*` numbers.
pub fn interface(bus: u16) -> Option<&'static str> {
    Some(match bus {
        0x01 => "PCI",
        0x03 => "USB",
        0x05 => "Bluetooth",
        0x06 => "Virtual",
        0x10 => "ISA",
        0x11 => "PS/2",
        0x18 => "I2C",
        0x19 => "Host",
        0x1c => "SPI",
        _ => return None,
    })
}

/// The INPUTS entries of the file's keyboards and pointing devices.
pub fn entries(text: &str) -> Vec<Entry> {
    parse(text)
        .iter()
        .filter_map(|dev| {
            let kind = kind(dev)?;
            let mut e = Entry::new();
            e.set("NAME", dev.name.as_str())
                .set("CAPTION", dev.name.as_str())
                .set("DESCRIPTION", dev.name.as_str())
                .set("TYPE", kind)
                .set_opt("INTERFACE", dev.bus.and_then(interface));
            Some(e)
        })
        .collect()
}

fn collect(ctx: &Context, inv: &mut Inventory) {
    for e in entries(&ctx.src.read_text(DEVICES).unwrap_or_default()) {
        inv.add("INPUTS", e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"I: Bus=0019 Vendor=0000 Product=0001 Version=0000
N: Name="Power Button"
P: Phys=PNP0C0C/button/input0
S: Sysfs=/devices/LNXSYSTM:00/LNXSYBUS:00/PNP0C0C:00/input/input0
U: Uniq=
H: Handlers=kbd event0
B: PROP=0
B: EV=3
B: KEY=10000000000000 0

I: Bus=0011 Vendor=0001 Product=0001 Version=ab41
N: Name="AT Translated Set 2 keyboard"
P: Phys=isa0060/serio0/input0
S: Sysfs=/devices/platform/i8042/serio0/input/input3
U: Uniq=
H: Handlers=sysrq kbd leds event3
B: PROP=0
B: EV=120013
B: KEY=402000000 3803078f800d001 feffffdfffefffff fffffffffffffffe
B: MSC=10
B: LED=7

I: Bus=0003 Vendor=046d Product=c52b Version=0111
N: Name="Logitech USB Receiver Mouse"
P: Phys=usb-0000:00:14.0-2/input1
H: Handlers=mouse0 event5
B: EV=17

I: Bus=0003 Vendor=046d Product=c52b Version=0111
N: Name="Logitech USB Receiver Consumer Control"
P: Phys=usb-0000:00:14.0-2/input1
H: Handlers=kbd event6
B: EV=1f

I: Bus=0000 Vendor=0000 Product=0000 Version=0000
N: Name="PC Speaker"
P: Phys=isa0061/input0
H: Handlers=kbd event7
B: EV=40001

I: Bus=0018 Vendor=06cb Product=7e7e Version=0100
N: Name="SYNA2393:00 06CB:7E7E Touchpad"
H: Handlers=mouse1 event8
B: EV=1b
"#;

    #[test]
    fn keyboards_and_pointers() {
        let e = entries(SAMPLE);
        let got: Vec<(Option<&str>, Option<&str>, Option<&str>)> = e
            .iter()
            .map(|e| (e.get("NAME"), e.get("TYPE"), e.get("INTERFACE")))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Some("AT Translated Set 2 keyboard"),
                    Some("Keyboard"),
                    Some("PS/2")
                ),
                (
                    Some("Logitech USB Receiver Mouse"),
                    Some("Pointing"),
                    Some("USB")
                ),
                (
                    Some("SYNA2393:00 06CB:7E7E Touchpad"),
                    Some("Pointing"),
                    Some("I2C")
                ),
            ]
        );
        assert_eq!(e[0].get("CAPTION"), e[0].get("DESCRIPTION"));
    }

    #[test]
    fn garbage() {
        assert!(entries("").is_empty());
        assert!(entries("no colon here\n\nH: Handlers=kbd\nB: EV=zz\n").is_empty());
        let devs = parse("I: Bus=zz\nN: Name=\"x\"\nH: Handlers=mouse0\n");
        assert_eq!(devs.len(), 1);
        assert_eq!(devs[0].bus, None);
        assert_eq!(kind(&devs[0]), Some("Pointing"));
    }
}
