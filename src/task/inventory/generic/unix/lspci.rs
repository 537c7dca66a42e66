//! `lspci -v -nn`: the PCI devices where the kernel offers no sysfs (the BSDs with the
//! pciutils package), and the device kinds the CONTROLLERS, VIDEOS, SOUNDS and MODEMS
//! sections take from them.

use crate::task::inventory::model::Entry;

/// One PCI device block of `lspci -v -nn`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Device {
    /// `00:1f.2`
    pub slot: String,
    /// The class name (`VGA compatible controller`).
    pub class_name: String,
    /// The class id (`0300`).
    pub class: String,
    /// The vendor and device names (`Intel Corporation 82567LM Gigabit Network Connection`).
    pub description: String,
    /// `8086:10f5`
    pub id: String,
    pub rev: Option<String>,
    pub driver: Option<String>,
    /// The subsystem's `vvvv:dddd`.
    pub subsystem_id: Option<String>,
}

/// Parses `lspci -v -nn` blocks: `00:02.0 VGA compatible controller [0300]: Intel … [8086:2a42]
/// (rev 07)`, then indented `Subsystem:` and `Kernel driver in use:` lines.
pub fn parse_lspci(text: &str) -> Vec<Device> {
    let mut out = Vec::new();
    let mut cur: Option<Device> = None;
    for line in text.lines() {
        if line.trim().is_empty() {
            out.extend(cur.take());
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            out.extend(cur.take());
            cur = header(line);
            continue;
        }
        let Some(d) = cur.as_mut() else { continue };
        let Some((key, value)) = line.trim().split_once(": ") else {
            continue;
        };
        match key {
            "Subsystem" => d.subsystem_id = last_bracket_id(value),
            "Kernel driver in use" => d.driver = Some(value.trim().to_string()),
            _ => {}
        }
    }
    out.extend(cur);
    out
}

fn header(line: &str) -> Option<Device> {
    let (slot, rest) = line.split_once(' ')?;
    let (class_part, device_part) = rest.split_once(": ")?;
    let open = class_part.rfind(" [")?;
    let class = class_part[open + 2..].trim_end_matches(']');
    // The device id is the last `[vvvv:dddd]`; the names come before it, `(rev NN)` and
    // `(prog-if …)` after.
    let id_open = device_part
        .match_indices(" [")
        .map(|(i, _)| i)
        .filter(|&i| is_id(device_part[i + 2..].split(']').next().unwrap_or("")))
        .last()?;
    let id = device_part[id_open + 2..].split(']').next().unwrap_or("");
    let rev = device_part[id_open..]
        .split_once("(rev ")
        .and_then(|(_, r)| r.split(')').next())
        .map(|r| r.trim().to_string());
    Some(Device {
        slot: slot.to_string(),
        class_name: class_part[..open].trim().to_string(),
        class: class.to_string(),
        description: device_part[..id_open].trim().to_string(),
        id: id.to_string(),
        rev,
        driver: None,
        subsystem_id: None,
    })
}

/// `8086:2a42`
fn is_id(s: &str) -> bool {
    s.len() == 9
        && s.as_bytes()[4] == b':'
        && s.bytes()
            .enumerate()
            .all(|(i, b)| i == 4 || b.is_ascii_hexdigit())
}

/// The last `[xxxx:xxxx]` of a value.
fn last_bracket_id(value: &str) -> Option<String> {
    let open = value.rfind('[')?;
    let id = value[open + 1..].split(']').next()?;
    is_id(id).then(|| id.to_string())
}

fn class_matches(d: &Device, words: &[&str]) -> bool {
    let name = d.class_name.to_ascii_lowercase();
    words.iter().any(|w| name.contains(w))
}

/// VIDEOS: graphics, VGA, video and display controllers.
pub fn videos(devices: &[Device]) -> Vec<Entry> {
    devices
        .iter()
        .filter(|d| class_matches(d, &["graphics", "vga", "video", "display"]))
        .map(|d| {
            let mut e = Entry::new();
            e.set("CHIPSET", d.class_name.as_str())
                .set("NAME", d.description.as_str());
            e
        })
        .collect()
}

/// SOUNDS: audio devices.
pub fn sounds(devices: &[Device]) -> Vec<Entry> {
    devices
        .iter()
        .filter(|d| class_matches(d, &["audio"]))
        .map(|d| {
            let mut e = Entry::new();
            e.set("NAME", d.class_name.as_str())
                .set("MANUFACTURER", d.description.as_str())
                .set_opt("DESCRIPTION", d.rev.as_ref().map(|r| format!("rev {r}")));
            e
        })
        .collect()
}

/// MODEMS: modem devices.
pub fn modems(devices: &[Device]) -> Vec<Entry> {
    devices
        .iter()
        .filter(|d| class_matches(d, &["modem"]))
        .map(|d| {
            let mut e = Entry::new();
            e.set("NAME", d.description.as_str())
                .set("DESCRIPTION", d.class_name.as_str());
            e
        })
        .collect()
}

/// CONTROLLERS: every device.
pub fn controllers(devices: &[Device]) -> Vec<Entry> {
    devices
        .iter()
        .map(|d| {
            let mut e = Entry::new();
            e.set("NAME", d.description.as_str())
                .set("TYPE", d.class_name.as_str())
                .set("PCISLOT", d.slot.as_str())
                .set("PCICLASS", d.class.as_str())
                .set_opt("PCIID", (!d.id.is_empty()).then_some(d.id.as_str()))
                .set_opt("DRIVER", d.driver.as_deref())
                .set_opt("PCISUBSYSTEMID", d.subsystem_id.as_deref())
                .set_opt("REV", d.rev.as_deref());
            if let Some((vendor, _)) = d.id.split_once(':') {
                e.set("VENDORID", vendor);
            }
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LSPCI: &str = "00:02.0 VGA compatible controller [0300]: Intel Corporation Mobile 4 Series Chipset Integrated Graphics Controller [8086:2a42] (rev 07) (prog-if 00 [VGA controller])\n\tSubsystem: Dell Device [1028:0252]\n\tKernel driver in use: i915\n\n00:1b.0 Audio device [0403]: Intel Corporation 82801I (ICH9 Family) HD Audio Controller [8086:293e] (rev 03)\n\tSubsystem: Dell Device [1028:0252]\n\n03:00.0 Network controller [0280]: Broadcom Inc. BCM4322 802.11a/b/g/n Wireless LAN Controller [14e4:432b]\n";

    #[test]
    fn blocks() {
        let d = parse_lspci(LSPCI);
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].slot, "00:02.0");
        assert_eq!(d[0].class, "0300");
        assert_eq!(d[0].id, "8086:2a42");
        assert_eq!(d[0].rev.as_deref(), Some("07"));
        assert_eq!(d[0].driver.as_deref(), Some("i915"));
        assert_eq!(d[0].subsystem_id.as_deref(), Some("1028:0252"));
        assert_eq!(d[2].rev, None);
        assert_eq!(
            d[2].description,
            "Broadcom Inc. BCM4322 802.11a/b/g/n Wireless LAN Controller"
        );
        assert_eq!(videos(&d).len(), 1);
        assert_eq!(sounds(&d)[0].get("DESCRIPTION"), Some("rev 03"));
        assert!(modems(&d).is_empty());
        assert!(parse_lspci("garbage\n\tline\n").is_empty());
    }
}
